"""The OpenAPI 3.1 document of the JSON API (served at ``/api/openapi.json``)."""

from __future__ import annotations

from typing import Any

from models.document_schema import dataclass_schema, scenario_document_schema
from models.overrides import BREAK_FIELDS, TEMPLATE_FIELDS
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
                         "description": "Staffing group(s); repeat or comma-separate"}],
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
            "/api/plans/{id}/workbook": {
                "parameters": [_ID],
                "get": {"summary": "The plan workbook (.xlsx)", "operationId": "getWorkbook",
                        "responses": {"200": {"description": "The workbook", "content": {
                            _XLSX: {"schema": {"type": "string", "format": "binary"}}}},
                            **_errors(404)}},
            },
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
                "Plan": {"type": "object", "required": ["id", "scenarioId", "status", "kpis",
                                                        "links"], "properties": {
                    "id": {"type": "string"}, "scenarioId": {"type": "string"},
                    "status": {"type": "string"}, "kpis": {"type": "object"},
                    "timings": {"type": "object"}, "summary": {"type": "object"},
                    "schedule": {"type": ["object", "null"]}, "mix": {"type": ["object", "null"]},
                    "links": {"type": "object"}}},
                "Activity": {"type": "object", "properties": {
                    "activityCode": {"type": "string"},
                    "startDate": {"type": "string", "format": "date-time"},
                    "lengthMinutes": {"type": "integer"}, "paid": {"type": "boolean"}}},
                "Shift": {"type": "object", "properties": {
                    "agent": {"type": "string"}, "group": {"type": "string"},
                    "template": {"type": "string"},
                    "startDate": {"type": "string", "format": "date-time"},
                    "lengthMinutes": {"type": "integer"}, "paidHours": {"type": "number"},
                    "activities": {"type": "array", "items": _ref("Activity")}}},
            },
        },
    }
