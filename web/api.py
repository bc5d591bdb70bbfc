"""The JSON API (blueprint ``api`` under ``/api``); the OpenAPI document is at
``/api/openapi.json``. Write endpoints need the API token when one is configured."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request, url_for

from web import services
from web.bodies import json_body as _json_body
from web.errors import ApiError
from web.openapi import openapi_document
from web.security import check_api_token
from web.state import planner_state

bp = Blueprint("api", __name__, url_prefix="/api")
bp.before_request(check_api_token)


def _one_query_value(name: str, allowed: tuple[str, ...] | None = None) -> str | None:
    """A query parameter given at most once (and one of ``allowed`` when given); else 400."""
    values = request.args.getlist(name)
    if len(values) > 1:
        raise ApiError(400, f"query parameter {name!r} is given {len(values)} times",
                       [{"location": f"query.{name}", "field": name, "message": "give it once"}])
    if values and allowed is not None and values[0] not in allowed:
        raise ApiError(400, f"unknown {name} {values[0]!r}",
                       [{"location": f"query.{name}", "field": name,
                         "message": f"must be one of {list(allowed)}, got {values[0]!r}"}])
    return values[0] if values else None


def _created(body: dict[str, Any], location: str, status: int = 201) -> Response:
    response = jsonify(body)
    response.status_code = status
    response.headers["Location"] = location
    return response


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document())


@bp.get("/health")
def health() -> Response:
    return jsonify({"status": "ok", "rows": services.count_rows(),
                    "schemaVersion": planner_state().database.schema_version()})


@bp.get("/scenarios")
def list_scenarios() -> Response:
    from sqlalchemy import select

    from models import ScenarioRecord

    with planner_state().database.session() as session:
        records = session.scalars(select(ScenarioRecord).order_by(ScenarioRecord.created_at)).all()
        return jsonify({"scenarios": [services.scenario_json(r) for r in records]})


@bp.post("/scenarios")
def create_scenario() -> Response:
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("workbook") or request.files.get("file")
        if upload is None:
            raise ApiError(400, "send the workbook as multipart field 'workbook'",
                           [{"location": "body.workbook", "field": "workbook",
                             "message": "is required (an .xlsx file)"}])
        content = upload.read()
        scenario = services.parse_workbook(upload.filename or "", content)
        scenario_id = services.store_scenario(scenario, request.form.get("name"),
                                              upload.filename, content)
    elif request.is_json:
        scenario, overrides = services.scenario_from_json(_json_body())
        scenario_id = services.store_scenario(scenario, None, None, None, overrides)
    else:
        raise ApiError(415, "send multipart/form-data with an .xlsx 'workbook', or a JSON "
                            "scenario document (application/json)")
    with planner_state().database.session() as session:
        body = services.scenario_json(services.get_scenario(session, scenario_id))
    return _created(body, url_for("api.scenario", scenario_id=scenario_id))


@bp.route("/scenarios/<scenario_id>", methods=["GET", "PATCH", "DELETE"])
def scenario(scenario_id: str) -> Any:
    if request.method == "DELETE":
        services.delete_scenario(scenario_id)
        return "", 204
    include = _one_query_value("include", ("inputs",)) == "inputs"
    if request.method == "PATCH":
        body = _json_body()
        if not isinstance(body, dict):
            raise ApiError(400, 'the body must be a JSON object such as {"overrides": {...}}',
                           [{"location": "body", "field": "body",
                             "message": f"must be an object, got {type(body).__name__}"}])
        unknown = sorted(set(body) - {"name", "overrides"})
        if unknown:
            raise ApiError(400, "unknown fields", [{"location": f"body.{k}", "field": k,
                                                    "message": "allowed: name, overrides"}
                                                   for k in unknown])
        if "name" in body and (not isinstance(body["name"], str) or not body["name"].strip()):
            raise ApiError(400, "name must be a non-empty string",
                           [{"location": "body.name", "field": "name",
                             "message": f"must be a non-empty string, got {body['name']!r}"}])
        if "overrides" in body and not isinstance(body["overrides"], dict):
            raise ApiError(400, "overrides must be a JSON object",
                           [{"location": "body.overrides", "field": "overrides",
                             "message": "must be an object {override: value}"}])
        services.update_scenario(scenario_id, body.get("name"), body.get("overrides"))
    with planner_state().database.session() as session:
        return jsonify(services.scenario_json(services.get_scenario(session, scenario_id),
                                              include_inputs=include))


@bp.post("/scenarios/<scenario_id>/plans")
def create_plan(scenario_id: str) -> Response:
    with planner_state().database.session() as session:
        services.get_scenario(session, scenario_id)
    try:
        job = planner_state().jobs.submit(scenario_id)
    except KeyError:
        raise ApiError(404, f"no scenario {scenario_id!r}") from None
    location = url_for("api.get_job", job_id=job.id)
    return _created({"job": services.job_json(job)}, location, status=202)


@bp.get("/jobs/<job_id>")
def get_job(job_id: str) -> Response:
    with planner_state().database.session() as session:
        return jsonify(services.job_json(services.get_job(session, job_id)))


@bp.get("/plans/<plan_id>")
def get_plan(plan_id: str) -> Response:
    with planner_state().database.session() as session:
        return jsonify(services.plan_json(services.get_plan(session, plan_id)))


@bp.get("/plans/<plan_id>/requirements")
def plan_requirements(plan_id: str) -> Response:
    return jsonify(services.requirements_records(plan_id))


@bp.get("/plans/<plan_id>/schedule")
def plan_schedule(plan_id: str) -> Response:
    fmt = _one_query_value("format")
    for name in ("from", "to"):
        _one_query_value(name)
    body, mimetype, filename = services.render_schedule(plan_id, fmt or "json", request.args)
    response = Response(body, mimetype=mimetype.split(";")[0])
    if ";" in mimetype:
        response.headers["Content-Type"] = mimetype
    disposition = "inline" if mimetype.startswith("application/json") else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.headers["Cache-Control"] = "private, max-age=60"
    return response


@bp.get("/plans/<plan_id>/workbook")
def plan_workbook(plan_id: str) -> Response:
    from web.security import safe_filename

    with planner_state().database.session() as session:
        record = services.get_plan(session, plan_id)
        content = record.workbook
        name = safe_filename(f"{record.scenario.name}-plan")
    if not content:
        raise ApiError(404, "this plan has no workbook")
    response = Response(content, mimetype=services.export.FORMATS["xlsx"])
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
