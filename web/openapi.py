"""The OpenAPI 3.1 document of the JSON API (served at ``/api/openapi.json``)."""

from __future__ import annotations

from typing import Any

from models.document_schema import dataclass_schema, scenario_document_schema
from models.overrides import BREAK_FIELDS, TEMPLATE_FIELDS
from planner.sweep import MAX_AXIS_VALUES
from planner.types import BreakRule, ShiftTemplate
from web.export import ISO_DATE_TIME_PATTERN


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    """The error responses an operation can answer; every one has the Error shape. 500 is listed
    on every operation because any of them can meet a bug (answered in the same shape)."""
    names = {400: "BadRequest", 401: "Unauthorized", 404: "NotFound", 413: "TooLarge",
             415: "UnsupportedMediaType", 500: "InternalError"}
    return {str(code): {"$ref": f"#/components/responses/{names[code]}"}
            for code in (*codes, 500)}


def _link(operation_id: str, expression: str, description: str) -> dict[str, Any]:
    return {"operationId": operation_id, "parameters": {"id": expression},
            "description": description}


_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"},
       "description": "Unguessable id (22 URL-safe characters)."}
_LOCATION = {"Location": {"description": "Where the created resource is",
                          "schema": {"type": "string"}}}
_SCENARIO_LINKS = {
    "GetScenario": _link("getScenario", "$response.body#/id", "Read the scenario"),
    "PatchScenario": _link("patchScenario", "$response.body#/id", "Rename it or change overrides"),
    "DeleteScenario": _link("deleteScenario", "$response.body#/id", "Delete it"),
    "PlanScenario": _link("createPlan", "$response.body#/id", "Plan it"),
}
_PLAN_LINKS = {
    "GetRequirements": _link("getRequirements", "$response.body#/id", "Its requirements"),
    "GetSchedule": _link("getSchedule", "$response.body#/id", "Its schedule export"),
    "GetWorkbook": _link("getWorkbook", "$response.body#/id", "Its plan workbook"),
}


def _overrides_schema() -> dict[str, Any]:
    """What :func:`models.apply_overrides` accepts (names of channels, segments and templates are
    checked against the scenario, which a schema cannot know)."""
    def per_name(value: dict[str, Any], what: str) -> dict[str, Any]:
        return {"type": "object", "additionalProperties": {"type": "number", **value},
                "description": f"{{{what} name: value}}"}

    template = dataclass_schema(ShiftTemplate)["properties"]
    rule = dataclass_schema(BreakRule)["properties"]
    return {"type": "object", "additionalProperties": False, "properties": {
        "volume_pct": {"type": ["number", "null"], "minimum": -100, "maximum": 1000,
                       "description": "forecast contacts × (1 + volume_pct / 100)"},
        "aht_pct": {"type": ["number", "null"], "exclusiveMinimum": -100, "maximum": 1000,
                    "description": "every handle time × (1 + aht_pct / 100)"},
        "deflection_share": per_name({"minimum": 0, "maximum": 1}, "segment"),
        "service_level": per_name({"exclusiveMinimum": 0, "exclusiveMaximum": 1}, "channel"),
        "answer_seconds": per_name({"minimum": 0, "maximum": 86400}, "channel"),
        "shrinkage": per_name({"minimum": 0, "exclusiveMaximum": 1}, "channel"),
        "shift_templates": {"type": "object", "description": "{template name: {field: value}}",
                            "additionalProperties": {
                                "type": "object", "additionalProperties": False,
                                "properties": {f: template[f] for f in TEMPLATE_FIELDS}}},
        "break_rules": {"type": "array", "items": {
            "type": "object", "required": ["template", "activity"], "additionalProperties": False,
            "properties": {"template": {"type": "string"}, "activity": {"type": "string"},
                           **{f: rule[f] for f in BREAK_FIELDS}}}}}}


_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _capacity_paths(secured: list[dict[str, list[str]]]) -> dict[str, Any]:
    """The capacity-plan endpoints (issue 12, :mod:`web.capacity`)."""
    return {
        "/api/scenarios/{id}/capacity-plans": {
            "parameters": [_ID],
            "get": {"summary": "The scenario's capacity plans", "operationId": "listCapacityPlans",
                    "responses": {"200": _json({"type": "object", "required": ["capacityPlans"],
                                                "properties": {"capacityPlans": {
                                                    "type": "array", "items": _ref("CapacityPlan")}}},
                                               "The capacity plans (without weekly tables)"),
                                  **_errors(404)}},
            "post": {"summary": "Plan capacity (whom to hire and when) in the background",
                     "operationId": "createCapacityPlan",
                     "description": "Capacity inputs come from the body's 'capacity' document or "
                                    "the scenario's uploaded workbook (CapacitySettings, "
                                    "TenureBuckets, Headcount, HireClasses, CapacityGroups, "
                                    "CapacityWeeks); they are checked before the job starts. The "
                                    "job's planId is the capacity plan once it succeeded.",
                     "security": secured,
                     "requestBody": {"required": False, "content": {"application/json": {"schema": {
                         "type": "object", "additionalProperties": False, "properties": {
                             "scenarios": {"type": ["integer", "null"], "minimum": 1,
                                           "maximum": 1000,
                                           "description": "Monte Carlo demand scenarios"},
                             "scheduleEfficiency": {"type": ["number", "null"], "minimum": 1,
                                                    "maximum": 3,
                                                    "description": "scheduled ÷ required FTE"},
                             "capacity": {"type": ["object", "null"],
                                          "description": "settings, tenure_buckets, headcount, "
                                                         "hire_classes, groups, weeks"}}}}}},
                     "responses": {"202": {**_json({"type": "object", "required": ["job"],
                                                    "properties": {"job": _ref("Job")}},
                                                   "Accepted; poll the job (Location header)"),
                                           "headers": _LOCATION,
                                           "links": {"GetJob": _link(
                                               "getJob", "$response.body#/job/id", "Poll the job")}},
                                   **_errors(400, 401, 404, 413, 415)}},
        },
        "/api/capacity-plans/{id}": {
            "parameters": [_ID],
            "get": {"summary": "A capacity plan: summary, hiring plan, weekly table, risk",
                    "operationId": "getCapacityPlan",
                    "responses": {"200": {**_json(_ref("CapacityPlan"), "The capacity plan"),
                                          "links": {"GetCapacityWorkbook": _link(
                                              "getCapacityWorkbook", "$response.body#/id",
                                              "Its workbook")}},
                                  **_errors(404)}},
        },
        "/api/capacity-plans/{id}/workbook": {
            "parameters": [_ID],
            "get": {"summary": "The capacity workbook (.xlsx, CapacityPlan sheet with charts)",
                    "operationId": "getCapacityWorkbook",
                    "responses": {"200": {"description": "The workbook", "content": {
                        _XLSX: {"schema": {"type": "string", "format": "binary"}}}},
                        **_errors(404)}},
        },
    }


def openapi_document() -> dict[str, Any]:
    """The document; every route of the ``api`` blueprint is listed (a test checks it)."""
    secured = [{"bearerToken": []}]
    return {
        "openapi": "3.1.0",
        "info": {"title": "Contact-center planner API", "version": "1.0.0",
                 "description": "Upload a scenario, plan it off the request thread, poll the job, "
                                "read requirements and export the schedule (JSON, CSV, XLSX, "
                                "iCalendar). Times are ISO 8601 with the scenario's time zone. "
                                "Every error has the shape {error: {status, message, details}}."},
        "servers": [{"url": "/"}],
        "paths": {
            "/api/openapi.json": {"get": {"summary": "This document", "operationId": "openapi",
                                          "responses": {"200": _json({"type": "object", "required": [
                                              "openapi", "paths"]}, "OpenAPI 3.1"), **_errors()}}},
            "/api/health": {"get": {"summary": "Liveness, row counts and the schema version",
                                    "operationId": "health",
                                    "responses": {"200": _json({
                                        "type": "object", "required": ["status", "rows"],
                                        "properties": {
                                            "status": {"const": "ok"},
                                            "rows": {"type": "object", "additionalProperties": {
                                                "type": "integer", "minimum": 0}},
                                            "schemaVersion": {"type": ["integer", "string",
                                                                       "null"]}}}, "ok"),
                                        **_errors()}}},
            "/api/scenarios": {
                "get": {"summary": "List scenarios", "operationId": "listScenarios",
                        "responses": {"200": _json({"type": "object", "required": ["scenarios"],
                                                    "properties": {"scenarios": {
                                                        "type": "array", "items": _ref("Scenario")}}},
                                                   "The scenarios"), **_errors()}},
                "post": {
                    "summary": "Create a scenario from an .xlsx workbook or a JSON scenario",
                    "operationId": "createScenario", "security": secured,
                    "requestBody": {"required": True, "content": {
                        "multipart/form-data": {"schema": {"type": "object", "required": ["workbook"],
                                                           "properties": {
                            "workbook": {"type": "string", "format": "binary",
                                         "description": "The input workbook (.xlsx only)"},
                            "name": {"type": "string"}}},
                            "encoding": {"workbook": {"contentType": _XLSX}}},
                        "application/json": {"schema": _ref("ScenarioDocument")}}},
                    "responses": {"201": {**_json(_ref("Scenario"), "Created"),
                                          "headers": _LOCATION, "links": _SCENARIO_LINKS},
                                  **_errors(400, 401, 413, 415)}},
            },
            "/api/scenarios/{id}": {
                "parameters": [_ID],
                "get": {"summary": "A scenario (include=inputs adds the parsed inputs)",
                        "operationId": "getScenario",
                        "parameters": [{"name": "include", "in": "query",
                                        "schema": {"type": "string", "enum": ["inputs"]}}],
                        "responses": {"200": {**_json(_ref("Scenario"), "The scenario"),
                                              "links": {"PlanScenario": _SCENARIO_LINKS[
                                                  "PlanScenario"]}},
                                      **_errors(400, 404)}},
                "patch": {"summary": "Rename and/or replace the overrides", "security": secured,
                          "operationId": "patchScenario",
                          "requestBody": {"required": True, "content": {"application/json": {
                              "schema": {"type": "object", "additionalProperties": False,
                                         "properties": {
                                             "name": {"type": "string", "pattern": "\\S"},
                                             "overrides": _ref("Overrides")}}}}},
                          "responses": {"200": _json(_ref("Scenario"), "Updated"),
                                        **_errors(400, 401, 404, 413, 415)}},
                "delete": {"summary": "Delete a scenario with its plans and jobs",
                           "security": secured, "operationId": "deleteScenario",
                           "responses": {"204": {"description": "Deleted"},
                                         **_errors(401, 404)}},
            },
            "/api/scenarios/{id}/plans": {
                "parameters": [_ID],
                "post": {"summary": "Plan the scenario (with its overrides) in the background",
                         "security": secured, "operationId": "createPlan",
                         "responses": {"202": {**_json({"type": "object", "required": ["job"],
                                                        "properties": {"job": _ref("Job")}},
                                                       "Accepted; poll the job (Location header)"),
                                               "headers": _LOCATION,
                                               "links": {"GetJob": _link(
                                                   "getJob", "$response.body#/job/id",
                                                   "Poll the job")}},
                                       **_errors(401, 404)}},
            },
            "/api/scenarios/{id}/sweeps": {
                "parameters": [_ID],
                "get": {"summary": "The sweeps of a scenario (without their results)",
                        "operationId": "listSweeps",
                        "responses": {"200": _json({"type": "object", "required": ["sweeps"],
                                                    "properties": {"sweeps": {
                                                        "type": "array", "items": _ref("Sweep")}}},
                                                   "The sweeps"),
                                      **_errors(404)}},
                "post": {"summary": "Sweep a grid of what-ifs over the scenario (with its overrides) "
                                   "in the background: staffing and mix per point, optionally the "
                                   "schedule; points run on the app's Dask executor",
                         "security": secured, "operationId": "createSweep",
                         "requestBody": {"required": True, "content": {"application/json": {
                             "schema": _ref("SweepRequest")}}},
                         "responses": {"202": {**_json({"type": "object", "required": ["job"],
                                                        "properties": {"job": _ref("Sweep")}},
                                                       "Accepted; poll the sweep (Location header)"),
                                               "headers": _LOCATION,
                                               "links": {"GetSweep": _link(
                                                   "getSweep", "$response.body#/job/id",
                                                   "Poll the sweep")}},
                                       **_errors(400, 401, 404, 413, 415)}},
            },
            "/api/sweeps/{id}": {
                "parameters": [_ID],
                "get": {"summary": "State, progress and (when succeeded) the results of a sweep",
                        "operationId": "getSweep",
                        "responses": {"200": {**_json(_ref("Sweep"), "The sweep"), "links": {
                            "GetSweepWorkbook": _link("getSweepWorkbook", "$response.body#/id",
                                                      "Its workbook, once it succeeded")}},
                                      **_errors(404)}},
            },
            "/api/sweeps/{id}/workbook": {
                "parameters": [_ID],
                "get": {"summary": "The sweep results workbook (Points, Mix decisions, native charts)",
                        "operationId": "getSweepWorkbook",
                        "responses": {"200": {"description": "The workbook", "content": {
                            _XLSX: {"schema": {"type": "string", "format": "binary"}}}},
                            **_errors(404)}},
            },
            "/api/jobs/{id}": {
                "parameters": [_ID],
                "get": {"summary": "State and progress of a planning job", "operationId": "getJob",
                        "responses": {"200": {**_json(_ref("Job"), "The job"), "links": {
                            "GetPlan": _link("getPlan", "$response.body#/planId",
                                             "The plan, once the job succeeded")}},
                                      **_errors(404)}},
            },
            "/api/plans/{id}": {
                "parameters": [_ID],
                "get": {"summary": "A plan: status, KPIs, timings, summary", "operationId": "getPlan",
                        "responses": {"200": {**_json(_ref("Plan"), "The plan"),
                                              "links": _PLAN_LINKS}, **_errors(404)}},
            },
            "/api/plans/{id}/requirements": {
                "parameters": [_ID],
                "get": {"summary": "Staffing requirements per interval and staffing group",
                        "operationId": "getRequirements",
                        "responses": {"200": _json({"type": "object", "required": [
                            "planId", "requirements"], "properties": {
                            "planId": {"type": "string"},
                            "timezone": {"type": ["string", "null"]},
                            "intervalMinutes": {"type": ["integer", "null"]},
                            "requirements": {"type": "array", "items": {
                                "type": "object", "required": ["intervalStart"], "properties": {
                                    "intervalStart": {"type": "string",
                                                      "format": "date-time"}}}}}},
                            "Requirements"), **_errors(404)}},
            },
            "/api/plans/{id}/schedule": {
                "parameters": [_ID],
                "get": {
                    "summary": "The schedule: shifts with breaks, filtered",
                    "operationId": "getSchedule",
                    "parameters": [
                        {"name": "format", "in": "query",
                         "schema": {"enum": ["json", "csv", "xlsx", "ics"], "default": "json"}},
                        {"name": "from", "in": "query",
                         "schema": {"type": "string", "pattern": ISO_DATE_TIME_PATTERN},
                         "description": "ISO date/date-time; shifts ending after it (naive = "
                                        "scenario time zone; empty = no bound)"},
                        {"name": "to", "in": "query",
                         "schema": {"type": "string", "pattern": ISO_DATE_TIME_PATTERN},
                         "description": "ISO date/date-time; shifts starting before it "
                                        "(empty = no bound)"},
                        {"name": "group", "in": "query", "style": "form", "explode": True,
                         "schema": {"type": "array", "items": {"type": "string"}},
                         "description": "Staffing group(s); repeat or comma-separate"},
                        {"name": "agent", "in": "query", "style": "form", "explode": True,
                         "schema": {"type": "array", "items": {"type": "string"}},
                         "description": "Person id(s) of a roster (stable all week); repeat or "
                                        "comma-separate. With format=ics and one agent: that "
                                        "person's calendar. Unknown ids are a 400."}],
                    "responses": {"200": {"description": "The schedule", "content": {
                        "application/json": {"schema": {
                            "type": "object", "required": ["planId", "timezone", "shifts"],
                            "properties": {
                                "planId": {"type": "string"}, "timezone": {"type": "string"},
                                "from": {"type": ["string", "null"],
                                         "description": "the filter, ISO 8601 in the scenario's "
                                                        "time zone (its historical offset, e.g. "
                                                        "-00:01:15, for a year long past)"},
                                "to": {"type": ["string", "null"]},
                                "groups": {"type": ["array", "null"],
                                           "items": {"type": "string"}},
                                "shifts": {"type": "array", "items": _ref("Shift")}}}},
                        "text/csv": {"schema": {"type": "string"}},
                        _XLSX: {"schema": {"type": "string", "format": "binary"}},
                        "text/calendar": {"schema": {"type": "string"}}}},
                        **_errors(400, 404)}},
            },
            **_SIMULATION_PATHS,
            "/api/plans/{id}/workbook": {
                "parameters": [_ID],
                "get": {"summary": "The plan workbook (.xlsx)", "operationId": "getWorkbook",
                        "responses": {"200": {"description": "The workbook", "content": {
                            _XLSX: {"schema": {"type": "string", "format": "binary"}}}},
                            **_errors(404)}},
            },
            **_capacity_paths(secured),
        },
        "components": {
            "securitySchemes": {"bearerToken": {"type": "http", "scheme": "bearer",
                                                "description": "PLANNER_API_TOKEN; needed on "
                                                               "write endpoints when set"}},
            "responses": {
                name: _json(_ref("Error"), text) for name, text in (
                    ("BadRequest", "Bad input; details list each problem by location"),
                    ("NotFound", "No such resource"),
                    ("Unauthorized", "Missing or wrong API token"),
                    ("TooLarge", "Upload larger than the limit"),
                    ("UnsupportedMediaType", "The body is neither of the accepted media types"),
                    ("InternalError", "A bug in the planner (never bad input): the message says "
                                      "so and gives the id under which the server logged it"))},
            "schemas": {
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {
                    "type": "object", "required": ["status", "message", "details"], "properties": {
                        "status": {"type": "integer"}, "message": {"type": "string"},
                        "details": {"type": "array", "items": {"type": "object", "properties": {
                            "location": {"type": "string", "examples": ["Forecast!D7"]},
                            "field": {"type": "string"}, "message": {"type": "string"}}}}}}}},
                "Overrides": _overrides_schema(),
                "ScenarioDocument": scenario_document_schema(_ref("Overrides")),
                "Scenario": {"type": "object", "required": ["id", "name", "overrides", "plans",
                                                            "links"], "properties": {
                    "id": {"type": "string"}, "name": {"type": "string"},
                    "sourceFilename": {"type": ["string", "null"]},
                    "createdAt": {"type": "string", "format": "date-time"},
                    "updatedAt": {"type": "string", "format": "date-time"},
                    "overrides": _ref("Overrides"), "summary": {"type": "object"},
                    "plans": {"type": "array", "items": {"type": "object"}},
                    "links": {"type": "object"}}},
                "Job": {"type": "object", "required": ["id", "scenarioId", "state",
                                                       "percentComplete", "planId"], "properties": {
                    "id": {"type": "string"}, "scenarioId": {"type": "string"},
                    "state": {"enum": ["queued", "running", "succeeded", "failed"]},
                    "percentComplete": {"type": "number", "minimum": 0, "maximum": 100},
                    "messages": {"type": "array", "items": {"type": "object", "properties": {
                        "at": {"type": "string"}, "text": {"type": "string"}}}},
                    "error": {"type": ["string", "null"]}, "planId": {"type": ["string", "null"]},
                    "createdAt": {"type": ["string", "null"], "format": "date-time"},
                    "startedAt": {"type": ["string", "null"], "format": "date-time"},
                    "finishedAt": {"type": ["string", "null"], "format": "date-time"},
                    "links": {"type": "object"}}},
                "SweepRequest": {"type": "object", "required": ["grid"],
                                 "additionalProperties": False, "properties": {
                    "grid": {"description":
                             "Axes, in order, as a list of NAME=VALUES strings (e.g. "
                             "['volume=-10%,0,+10%', 'service_level=0.7:0.9:0.05']) or an object "
                             "{parameter: values} (key order is the axis order where the client keeps "
                             "it); parameter one of volume, aht, self_service, "
                             "containment, service_level, answer_seconds, shrinkage, optionally "
                             "parameter[channel or segment]; values a list or one string as on the "
                             "command line ('-10%,0,+10%', '0.7:0.9:0.05'); at most 2,000 points",
                             "oneOf": [
                                 {"type": "array", "minItems": 1, "items": {"type": "string"}},
                                 {"type": "object", "minProperties": 1,
                                  "additionalProperties": {"oneOf": [
                                      {"type": "string"},
                                      {"type": "array", "minItems": 1,
                                       "maxItems": MAX_AXIS_VALUES,
                                       "items": {"type": ["string", "number"]}}]}}],
                             "example": ["volume=-10%,0,+10%", "service_level=0.7,0.8,0.9"]},
                    "schedule": {"type": "boolean", "default": False,
                                 "description": "also schedule shifts per point (slow)"}}},
                "Sweep": {"type": "object", "required": ["id", "scenarioId", "state",
                                                         "percentComplete", "links"], "properties": {
                    "id": {"type": "string"}, "scenarioId": {"type": "string"},
                    "createdAt": {"type": ["string", "null"], "format": "date-time"},
                    "startedAt": {"type": ["string", "null"], "format": "date-time"},
                    "finishedAt": {"type": ["string", "null"], "format": "date-time"},
                    "state": {"enum": ["queued", "running", "succeeded", "failed"]},
                    "percentComplete": {"type": "number", "minimum": 0, "maximum": 100},
                    "messages": {"type": "array", "items": {"type": "object"}},
                    "error": {"type": ["string", "null"]}, "grid": {"type": "object"},
                    "schedule": {"type": "boolean"},
                    "result": {"type": ["object", "null"], "description":
                               "When succeeded: scenarioName, grid, axes [{key, label}], executor, "
                               "seconds, currency, failed, points (one object per point: label, one "
                               "value per axis key, required_fte, peak_required_agents, "
                               "service_level_target, requirement_labour_cost, automation_cost, "
                               "total_cost, mix_total_cost_current, mix_total_cost_recommended, "
                               "mix_fte_saved, scheduled_fte, predicted_service_level, status, "
                               "message …), decisions (point, segment, channel, current_share, "
                               "recommended_share, human_fte_recommended)"},
                    "links": {"type": "object"}}},
                "Plan": {"type": "object", "required": ["id", "scenarioId", "status", "kpis",
                                                        "links"], "properties": {
                    "id": {"type": "string"}, "scenarioId": {"type": "string"},
                    "status": {"type": "string"}, "kpis": {"type": "object"},
                    "timings": {"type": "object"}, "summary": {"type": "object"},
                    "schedule": {"type": ["object", "null"]}, "mix": {"type": ["object", "null"]},
                    "links": {"type": "object"}}},
                "CapacityPlan": {"type": "object", "required": ["id", "scenarioId", "status",
                                                                "links"], "properties": {
                    "id": {"type": "string"}, "scenarioId": {"type": "string"},
                    "jobId": {"type": ["string", "null"]}, "status": {"type": "string"},
                    "summary": {"type": "object", "description": "Expected cost by component, cost "
                                "p5/p50/p95 and CVaR, hires, expected shortfall FTE-weeks, weeks at "
                                "risk, the schedule-efficiency factor and its source, gap"},
                    "hiring": {"type": "array", "items": {"type": "object"},
                               "description": "One row per class that runs: group, hire_class, "
                                              "start_week, start_date, recruit_from_week, "
                                              "productive_from_week, full_speed_week, hires"},
                    "weekly": {"type": "array", "items": {"type": "object"},
                               "description": "Per group and week: required FTE (mean, p10, p90), "
                                              "available FTE, headcount, hires starting, overtime, "
                                              "VTO, expected shortfall, P(short)"},
                    "explanations": {"type": "array", "items": {"type": "string"}},
                    "people": {"type": "array", "items": {"type": "object"},
                               "description": "Today's people from the Agents sheet, per group and "
                                              "contract: agents, multi_skilled_agents, fte (empty "
                                              "without agents; summary.people_source says where "
                                              "today's people come from)"},
                    "baseline": {"type": ["object", "null"]}, "inputs": {"type": "object"},
                    "links": {"type": "object"}}},
                "Activity": {"type": "object", "properties": {
                    "activityCode": {"type": "string"},
                    "startDate": {"type": "string", "format": "date-time"},
                    "lengthMinutes": {"type": "integer"}, "paid": {"type": "boolean"}}},
                **_SIMULATION_SCHEMAS,
                "Shift": {"type": "object", "properties": {
                    "agent": {"type": "string",
                              "description": "Person id: the same all week in a roster"},
                    "name": {"type": "string", "description": "Display name (rosters only)"},
                    "contract": {"type": "string", "description": "Contract (rosters only)"},
                    "group": {"type": "string"},
                    "template": {"type": "string"},
                    "startDate": {"type": "string", "format": "date-time"},
                    "lengthMinutes": {"type": "integer"}, "paidHours": {"type": "number"},
                    "activities": {"type": "array", "items": _ref("Activity")}}},
            },
        },
    }


# -- simulation of a plan (issue 13) -----------------------------------------------------------------
_SIMULATION_PATHS: dict[str, Any] = {
    "/api/plans/{id}/simulations": {
        "parameters": [_ID],
        "post": {"summary": "Replay the plan's schedule contact by contact in the background "
                            "(discrete-event simulation, seeded replications)",
                 "security": [{"bearerToken": []}], "operationId": "createSimulation",
                 "requestBody": {"required": False, "content": {"application/json": {
                     "schema": _ref("SimulationOptions")}}},
                 "responses": {"202": {**_json({"type": "object", "required": ["job", "simulation"],
                                                "properties": {"job": _ref("Job"),
                                                               "simulation": _ref("Simulation")}},
                                               "Accepted; poll the job, then GET the simulation "
                                               "(Location header)"),
                                       "headers": _LOCATION,
                                       "links": {"GetSimulation": _link(
                                           "getSimulation", "$response.body#/simulation/id",
                                           "The simulation (its result once the job succeeded)"),
                                           "GetJob": _link("getJob", "$response.body#/job/id",
                                                           "Poll the job")}},
                               **_errors(400, 401, 404, 413, 415)}},
        "get": {"summary": "The simulations of a plan (without their results)",
                "operationId": "listSimulations",
                "responses": {"200": _json({"type": "object", "required": ["planId", "simulations"],
                                            "properties": {
                    "planId": {"type": "string"},
                    "simulations": {"type": "array", "items": _ref("Simulation")}}},
                    "The simulations"), **_errors(404)}},
    },
    "/api/simulations/{id}": {
        "parameters": [_ID],
        "get": {"summary": "A simulation: state, options and, once succeeded, the result",
                "operationId": "getSimulation",
                "responses": {"200": _json(_ref("Simulation"), "The simulation"), **_errors(404)}},
    },
}

_SL_LEVEL: dict[str, Any] = {"type": "object", "properties": {
    "group": {"type": "string"},
    "predicted_service_level": {"type": ["number", "null"], "description": "share, the channel's "
                                "definition (e-mail: share answered by the deadline)"},
    "simulated_service_level": {"type": ["number", "null"]},
    "ci_low": {"type": ["number", "null"], "description": "95% confidence interval, low end"},
    "ci_high": {"type": ["number", "null"]},
    "difference_points": {"type": ["number", "null"], "description": "(simulated − predicted) × 100"},
    "simulated_service_level_offered": {"type": ["number", "null"]},
    "simulated_service_level_answered": {"type": ["number", "null"]},
    "simulated_asa_seconds": {"type": ["number", "null"]},
    "simulated_abandon": {"type": ["number", "null"]},
    "simulated_occupancy": {"type": ["number", "null"]}},
    "description": "Every simulated KPI comes with <kpi>_ci_low / <kpi>_ci_high and predicted_<kpi>."}

_SIMULATION_SCHEMAS: dict[str, Any] = {
    "SimulationOptions": {"type": "object", "additionalProperties": False, "properties": {
        "replications": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 30},
        "seed": {"type": "integer", "minimum": 0, "default": 0},
        "handleTime": {"enum": ["exponential", "lognormal"], "default": "exponential"},
        "handleTimeCv": {"type": "number", "exclusiveMinimum": 0, "default": 1.0},
        "shrinkage": {"enum": ["interval", "absence", "none"], "default": "interval"},
        "scenarioId": {"type": "string", "description": "optional: refused (400) when the plan is "
                                                         "not a plan of this scenario"}}},
    "Simulation": {"type": "object", "required": ["id", "planId", "state", "links"],
                   "properties": {
        "id": {"type": "string"}, "planId": {"type": "string"}, "jobId": {"type": ["string", "null"]},
        "state": {"enum": ["queued", "running", "succeeded", "failed"]},
        "percentComplete": {"type": ["number", "null"]}, "error": {"type": ["string", "null"]},
        "options": _ref("SimulationOptions"),
        "result": {"oneOf": [{"type": "null"}, _ref("SimulationResult")]},
        "links": {"type": "object"}}},
    "SimulationResult": {"type": "object", "properties": {
        "replications": {"type": "integer"}, "seed": {"type": "integer"},
        "confidence": {"type": "number"}, "seconds": {"type": "number"},
        "contacts_simulated": {"type": "integer"},
        "notes": {"type": "array", "items": {"type": "string"}},
        "groups": {"type": "array", "items": {"allOf": [_SL_LEVEL, {"type": "object", "properties": {
            "days": {"type": "array", "items": _SL_LEVEL},
            "intervals": {"type": "array", "items": {"allOf": [_SL_LEVEL, {"type": "object",
                                                                            "properties": {
                "interval_start": {"type": "string"}, "outside": {"type": "boolean"},
                "reason": {"type": "string"}}}]}},
            "late_breaks": {"type": "array", "items": {"type": "object"}}}}]}}}},
}
