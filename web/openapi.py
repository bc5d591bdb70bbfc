"""The OpenAPI 3.1 document of the JSON API (served at ``/api/openapi.json``)."""

from __future__ import annotations

from typing import Any


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ERRORS = {str(code): {"$ref": f"#/components/responses/{name}"}
           for code, name in ((400, "BadRequest"), (404, "NotFound"))}
_WRITE_ERRORS = {**_ERRORS, "401": {"$ref": "#/components/responses/Unauthorized"}}
_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"},
       "description": "Unguessable id (22 URL-safe characters)."}


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
            "/api/openapi.json": {"get": {"summary": "This document",
                                          "responses": {"200": {"description": "OpenAPI 3.1"}}}},
            "/api/health": {"get": {"summary": "Liveness, row counts and the schema version",
                                    "responses": {"200": {"description": "ok"}}}},
            "/api/scenarios": {
                "get": {"summary": "List scenarios",
                        "responses": {"200": _json({"type": "object", "properties": {
                            "scenarios": {"type": "array", "items": _ref("Scenario")}}},
                            "The scenarios")}},
                "post": {
                    "summary": "Create a scenario from an .xlsx workbook or a JSON scenario",
                    "security": secured,
                    "requestBody": {"required": True, "content": {
                        "multipart/form-data": {"schema": {"type": "object", "required": ["workbook"],
                                                           "properties": {
                            "workbook": {"type": "string", "format": "binary",
                                         "description": "The input workbook (.xlsx only)"},
                            "name": {"type": "string"}}}},
                        "application/json": {"schema": _ref("ScenarioDocument")}}},
                    "responses": {"201": _json(_ref("Scenario"), "Created"), **_WRITE_ERRORS,
                                  "413": {"$ref": "#/components/responses/TooLarge"},
                                  "415": {"$ref": "#/components/responses/BadRequest"}}},
            },
            "/api/scenarios/{id}": {
                "parameters": [_ID],
                "get": {"summary": "A scenario (include=inputs adds the parsed inputs)",
                        "parameters": [{"name": "include", "in": "query",
                                        "schema": {"enum": ["inputs"]}}],
                        "responses": {"200": _json(_ref("Scenario"), "The scenario"), **_ERRORS}},
                "patch": {"summary": "Rename and/or replace the overrides", "security": secured,
                          "requestBody": {"required": True, "content": {"application/json": {
                              "schema": {"type": "object", "properties": {
                                  "name": {"type": "string"}, "overrides": _ref("Overrides")}}}}},
                          "responses": {"200": _json(_ref("Scenario"), "Updated"),
                                        **_WRITE_ERRORS}},
                "delete": {"summary": "Delete a scenario with its plans and jobs",
                           "security": secured,
                           "responses": {"204": {"description": "Deleted"}, **_WRITE_ERRORS}},
            },
            "/api/scenarios/{id}/plans": {
                "parameters": [_ID],
                "post": {"summary": "Plan the scenario (with its overrides) in the background",
                         "security": secured,
                         "responses": {"202": _json({"type": "object", "properties": {
                             "job": _ref("Job")}}, "Accepted; poll the job (Location header)"),
                             **_WRITE_ERRORS}},
            },
            "/api/jobs/{id}": {
                "parameters": [_ID],
                "get": {"summary": "State and progress of a planning job",
                        "responses": {"200": _json(_ref("Job"), "The job"), **_ERRORS}},
            },
            "/api/plans/{id}": {
                "parameters": [_ID],
                "get": {"summary": "A plan: status, KPIs, timings, summary",
                        "responses": {"200": _json(_ref("Plan"), "The plan"), **_ERRORS}},
            },
            "/api/plans/{id}/requirements": {
                "parameters": [_ID],
                "get": {"summary": "Staffing requirements per interval and staffing group",
                        "responses": {"200": _json({"type": "object", "properties": {
                            "timezone": {"type": "string"},
                            "intervalMinutes": {"type": "integer"},
                            "requirements": {"type": "array", "items": {"type": "object"}}}},
                            "Requirements"), **_ERRORS}},
            },
            "/api/plans/{id}/schedule": {
                "parameters": [_ID],
                "get": {
                    "summary": "The schedule: shifts with breaks, filtered",
                    "parameters": [
                        {"name": "format", "in": "query",
                         "schema": {"enum": ["json", "csv", "xlsx", "ics"], "default": "json"}},
                        {"name": "from", "in": "query", "schema": {"type": "string"},
                         "description": "ISO date/date-time; shifts ending after it (naive = "
                                        "scenario time zone)"},
                        {"name": "to", "in": "query", "schema": {"type": "string"},
                         "description": "ISO date/date-time; shifts starting before it"},
                        {"name": "group", "in": "query", "style": "form", "explode": True,
                         "schema": {"type": "array", "items": {"type": "string"}},
                         "description": "Staffing group(s); repeat or comma-separate"},
                        {"name": "agent", "in": "query", "style": "form", "explode": True,
                         "schema": {"type": "array", "items": {"type": "string"}},
                         "description": "Person id(s) of a roster (stable all week); repeat or "
                                        "comma-separate. With format=ics and one agent: that "
                                        "person's calendar. Unknown ids are a 400."}],
                    "responses": {"200": {"description": "The schedule", "content": {
                        "application/json": {"schema": {"type": "object", "properties": {
                            "planId": {"type": "string"}, "timezone": {"type": "string"},
                            "shifts": {"type": "array", "items": _ref("Shift")}}}},
                        "text/csv": {"schema": {"type": "string"}},
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                            "schema": {"type": "string", "format": "binary"}},
                        "text/calendar": {"schema": {"type": "string"}}}}, **_ERRORS}},
            },
            "/api/plans/{id}/workbook": {
                "parameters": [_ID],
                "get": {"summary": "The plan workbook (.xlsx)",
                        "responses": {"200": {"description": "The workbook", "content": {
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                                "schema": {"type": "string", "format": "binary"}}}}, **_ERRORS}},
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
                    ("TooLarge", "Upload larger than the limit"))},
            "schemas": {
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {
                    "type": "object", "required": ["status", "message", "details"], "properties": {
                        "status": {"type": "integer"}, "message": {"type": "string"},
                        "details": {"type": "array", "items": {"type": "object", "properties": {
                            "location": {"type": "string", "examples": ["Forecast!D7"]},
                            "field": {"type": "string"}, "message": {"type": "string"}}}}}}}},
                "Overrides": {"type": "object", "properties": {
                    "volume_pct": {"type": "number", "minimum": -100, "maximum": 1000},
                    "aht_pct": {"type": "number", "exclusiveMinimum": -100, "maximum": 1000},
                    "deflection_share": {"type": "object", "additionalProperties": {"type": "number"}},
                    "service_level": {"type": "object", "additionalProperties": {"type": "number"}},
                    "answer_seconds": {"type": "object", "additionalProperties": {"type": "number"}},
                    "shrinkage": {"type": "object", "additionalProperties": {"type": "number"}},
                    "shift_templates": {"type": "object",
                                        "additionalProperties": {"type": "object"}},
                    "break_rules": {"type": "array", "items": {"type": "object", "required": [
                        "template", "activity"]}}}},
                "ScenarioDocument": {"type": "object", "required": ["name", "settings", "channels",
                                                                    "segments", "forecast"],
                                     "description": "Every typed input (GET ?include=inputs "
                                                    "returns one); optional 'overrides'."},
                "Scenario": {"type": "object", "properties": {
                    "id": {"type": "string"}, "name": {"type": "string"},
                    "sourceFilename": {"type": ["string", "null"]},
                    "createdAt": {"type": "string", "format": "date-time"},
                    "updatedAt": {"type": "string", "format": "date-time"},
                    "overrides": _ref("Overrides"), "summary": {"type": "object"},
                    "plans": {"type": "array", "items": {"type": "object"}},
                    "links": {"type": "object"}}},
                "Job": {"type": "object", "properties": {
                    "id": {"type": "string"}, "scenarioId": {"type": "string"},
                    "state": {"enum": ["queued", "running", "succeeded", "failed"]},
                    "percentComplete": {"type": "number", "minimum": 0, "maximum": 100},
                    "messages": {"type": "array", "items": {"type": "object", "properties": {
                        "at": {"type": "string"}, "text": {"type": "string"}}}},
                    "error": {"type": ["string", "null"]}, "planId": {"type": ["string", "null"]},
                    "links": {"type": "object"}}},
                "Plan": {"type": "object", "properties": {
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
