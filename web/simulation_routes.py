"""Routes of the simulation surface: the JSON API (``/api``) and the results page's form action."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, redirect, request, url_for
from sqlalchemy import select

from models import JobRecord, SimulationRecord
from web import services
from web.bodies import object_body
from web.errors import ApiError
from web.security import check_api_token, check_csrf
from web.simulations import check_plan, parse_options, simulation_json, simulation_runner
from web.state import planner_state

api_bp = Blueprint("simulations", __name__, url_prefix="/api")
api_bp.before_request(check_api_token)
page_bp = Blueprint("simulation_pages", __name__)
page_bp.before_request(check_csrf)


@api_bp.post("/plans/<plan_id>/simulations")
def create_simulation(plan_id: str) -> Response:
    body = object_body('{"replications": 30, "seed": 0}', optional=True)
    options = parse_options(body)
    with planner_state().database.session() as session:
        check_plan(services.get_plan(session, plan_id), body.get("scenarioId"))
    job, record = simulation_runner().submit(plan_id, options)
    response = jsonify({"job": services.job_json(job), "simulation": simulation_json(record, job,
                                                                                     with_result=False)})
    response.status_code = 202
    response.headers["Location"] = url_for("simulations.get_simulation", simulation_id=record.id)
    return response


@api_bp.get("/plans/<plan_id>/simulations")
def list_simulations(plan_id: str) -> Response:
    with planner_state().database.session() as session:
        services.get_plan(session, plan_id)
        records = session.scalars(select(SimulationRecord).where(SimulationRecord.plan_id == plan_id)
                                  .order_by(SimulationRecord.created_at)).all()
        return jsonify({"planId": plan_id, "simulations": [
            simulation_json(r, session.get(JobRecord, r.job_id) if r.job_id else None, with_result=False)
            for r in records]})


@api_bp.get("/simulations/<simulation_id>")
def get_simulation(simulation_id: str) -> Response:
    with planner_state().database.session() as session:
        record = session.get(SimulationRecord, simulation_id)
        if record is None:
            raise ApiError(404, f"no simulation {simulation_id!r}")
        job = session.get(JobRecord, record.job_id) if record.job_id else None
        return jsonify(simulation_json(record, job, with_result=True))


@page_bp.post("/plans/<plan_id>/simulate")
def simulate_from_page(plan_id: str) -> Any:
    form = request.form
    body: dict[str, Any] = {}
    for field, cast in (("replications", int), ("seed", int)):
        text = (form.get(field) or "").strip()
        if text:
            try:
                body[field] = cast(text)
            except ValueError:
                raise ApiError(400, f"{field} must be a whole number, got {text!r}") from None
    options = parse_options(body)
    with planner_state().database.session() as session:
        check_plan(services.get_plan(session, plan_id), None)
    job, _record = simulation_runner().submit(plan_id, options)
    return redirect(url_for("pages.job", job_id=job.id), code=303)
