"""The capacity-plan surface (issue 12): JSON API, job, pages.

API (blueprint ``capacity_api`` under ``/api``): ``POST /api/scenarios/{id}/capacity-plans``
validates the capacity inputs (from the body's ``capacity`` document or the scenario's uploaded
workbook) and answers 202 with a job, like plans; ``GET /api/capacity-plans/{id}`` is the result,
``…/workbook`` its workbook, ``GET /api/scenarios/{id}/capacity-plans`` the list.
Pages (blueprint ``capacity_pages``): the capacity page with its charts and hiring plan, and the
comparison of two capacity plans. The result and the job's success are written in one
transaction; a failed run stores nothing.
"""

from __future__ import annotations

import io
import json
import math
from typing import Any

from flask import Blueprint, Response, jsonify, redirect, render_template, request, url_for
from sqlalchemy import select

from models import JobRecord, PlanRecord, ScenarioRecord
from models.capacity_codec import capacity_from_document, capacity_to_document
from models.codec import table_to_frame, to_plain
from models.tables import CapacityPlanRecord, utc_now
from planner.capacity.inputs import CapacityInputs, check_capacity
from planner.capacity.requirement import Efficiency, measure_efficiency
from planner.types import InputError, Scenario
from web import services
from web.bodies import object_body, whole_number
from web.errors import ApiError, input_error
from web.jobs import JobRunner, PlanFailedError, load_scenario
from web.runner import mark_succeeded
from web.security import check_api_token, check_csrf, safe_filename
from web.state import planner_state

api = Blueprint("capacity_api", __name__, url_prefix="/api")
api.before_request(check_api_token)
pages = Blueprint("capacity_pages", __name__)
pages.before_request(check_csrf)

SCHEDULE_SECONDS = 10.0
"""Time limit of the one schedule that measures the efficiency when no stored plan has one."""


# -- inputs ------------------------------------------------------------------------------------
def _options(body: Any) -> dict[str, Any]:
    """Validated options of a POST: ``scenarios`` (1–1000), ``scheduleEfficiency`` ([1, 3]), ``capacity``."""
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise ApiError(400, "the body must be a JSON object (or empty)")
    unknown = sorted(set(body) - {"scenarios", "scheduleEfficiency", "capacity"})
    if unknown:
        raise ApiError(400, "unknown fields", [{"location": f"body.{k}", "field": k,
                                                "message": "allowed: scenarios, scheduleEfficiency, capacity"}
                                               for k in unknown])
    details = []
    scenarios = whole_number(body.get("scenarios"))
    if scenarios is not None and (isinstance(scenarios, bool) or not isinstance(scenarios, int)
                                  or not 1 <= scenarios <= 1000):
        details.append({"location": "body.scenarios", "field": "scenarios",
                        "message": f"must be a whole number 1–1000, got {scenarios!r}"})
    factor = body.get("scheduleEfficiency")
    if factor is not None and (isinstance(factor, bool) or not isinstance(factor, int | float)
                               or not 1 <= float(factor) <= 3):
        details.append({"location": "body.scheduleEfficiency", "field": "scheduleEfficiency",
                        "message": f"must be a number in [1, 3], got {factor!r}"})
    if details:
        raise ApiError(400, "the options have problems", details)
    return {**body, "scenarios": scenarios} if scenarios is not None else body


def capacity_inputs(record: ScenarioRecord, scenario: Scenario, options: dict[str, Any]) -> CapacityInputs:
    """The capacity inputs of a run: the posted document, else the scenario's workbook sheets."""
    from dataclasses import replace

    from planner.excel.capacity import read_capacity

    try:
        if options.get("capacity") is not None:
            inputs = capacity_from_document(options["capacity"], scenario)
        elif record.workbook:
            found = read_capacity(record.workbook, scenario)
            if found is None:
                raise ApiError(400, "the scenario has no capacity inputs",
                               [{"location": "workbook", "field": "CapacitySettings",
                                 "message": "the uploaded workbook has no CapacitySettings sheet; add "
                                            "the capacity sheets (planner template) or post a "
                                            "'capacity' document"}])
            inputs = found
        else:
            raise ApiError(400, "the scenario has no capacity inputs",
                           [{"location": "body.capacity", "field": "capacity",
                             "message": "is required for a scenario posted as JSON"}])
        settings = inputs.settings
        if options.get("scenarios") is not None:
            settings = replace(settings, scenarios=int(options["scenarios"]))
        if options.get("scheduleEfficiency") is not None:
            settings = replace(settings, schedule_efficiency=float(options["scheduleEfficiency"]))
        inputs = inputs.replace(settings=settings)
        check_capacity(inputs, scenario)
    except InputError as exc:
        raise input_error(exc, "the capacity inputs have problems") from None
    return inputs


def stored_efficiency(session: Any, scenario_id: str, groups: tuple[str, ...]) -> Efficiency | None:
    """The schedule-efficiency factor of the scenario's latest stored plan with a schedule."""
    plans = session.scalars(select(PlanRecord).where(PlanRecord.scenario_id == scenario_id)
                            .order_by(PlanRecord.created_at.desc())).all()
    for plan in plans:
        results = plan.results or {}
        schedule = results.get("schedule") or {}
        shifts = table_to_frame(schedule.get("shifts"))
        requirements = table_to_frame(results.get("requirements"))
        if shifts.empty or requirements.empty:
            continue
        coverage = table_to_frame(schedule.get("coverage"))
        meta = results.get("meta") or {}
        where = (f"the scenario's stored plan of {plan.created_at:%Y-%m-%d %H:%M} "
                 f"({meta.get('days', '?')} day(s), status {plan.status})")
        return measure_efficiency(requirements, shifts, coverage if not coverage.empty else None,
                                  int(meta.get("intervalMinutes") or 15), groups, where)
    return None


# -- the job -----------------------------------------------------------------------------------
def results_document(plan: Any) -> dict[str, Any]:
    """What the capacity page and the API show of a :class:`planner.capacity.plan.CapacityPlan`."""
    settings = plan.inputs.settings
    return {
        "summary": to_plain(plan.summary),
        "weekly": json.loads(plan.weekly.to_json(orient="records", date_format="iso")),
        "hiring": json.loads(plan.hiring.to_json(orient="records", date_format="iso")),
        "explanations": list(plan.explanations),
        "people": json.loads(plan.people.to_json(orient="records")) if plan.people is not None else [],
        "baseline": to_plain(plan.baseline),
        "timings": to_plain(plan.timings),
        "meta": {"scenarioName": plan.scenario.name, "currency": plan.scenario.settings.currency,
                 "groups": list(plan.data.groups), "weeks": settings.weeks,
                 "firstWeek": settings.first_week.isoformat(),
                 "paidHoursPerFteWeek": settings.paid_hours_per_fte_week},
    }


def _executor(runner: JobRunner, capacity_document: dict[str, Any]) -> Any:
    def execute(job_id: str) -> None:
        from planner.capacity import plan_capacity
        from planner.excel.capacity import write_capacity_plan

        with runner.database.session() as session:
            job = session.get(JobRecord, job_id)
            if job is None:
                return
            record = session.get(ScenarioRecord, job.scenario_id)
            if record is None:
                raise PlanFailedError("the scenario was deleted before the run started")
            scenario = load_scenario(record)
            scenario_id = record.id
            groups = tuple(g.name for g in scenario.staffing_groups)
            efficiency = stored_efficiency(session, scenario_id, groups)
        inputs = capacity_from_document(capacity_document)
        runner.record(job_id, state="running", started_at=utc_now(), percent=1.0,
                      message="capacity: reading the inputs")
        progress = runner.progress(job_id)
        plan = plan_capacity(scenario, inputs, progress, efficiency=efficiency,
                             schedule_seconds=SCHEDULE_SECONDS)
        if not plan.solution.solve.has_solution:
            raise PlanFailedError(f"the hiring solve ended {plan.solution.solve.status.value}: "
                                  f"{plan.solution.solve.message}")
        runner.record(job_id, percent=96.0, message="capacity: writing the workbook")
        buffer = io.BytesIO()
        write_capacity_plan(plan, buffer)
        document = results_document(plan)
        with runner.database.transaction() as session:
            if session.get(ScenarioRecord, scenario_id) is None:
                raise PlanFailedError("the scenario was deleted while it was being planned")
            stored = CapacityPlanRecord(scenario_id=scenario_id, job_id=job_id, status=plan.status,
                                        inputs=capacity_document, summary=document["summary"],
                                        results=document, workbook=buffer.getvalue())
            session.add(stored)
            job = session.get(JobRecord, job_id)
            if job is not None:
                mark_succeeded(job)

    return execute


def submit(scenario_id: str, options: dict[str, Any]) -> JobRecord:
    """Validate the capacity inputs now (400 with located problems), then queue the run."""
    state = planner_state()
    with state.database.session() as session:
        record = services.get_scenario(session, scenario_id)
        try:
            scenario = load_scenario(record)
        except InputError as exc:
            raise input_error(exc, "the scenario has problems") from None
        inputs = capacity_inputs(record, scenario, options)
    return state.jobs.submit(scenario_id, _executor(state.jobs, capacity_to_document(inputs)))


# -- representations ----------------------------------------------------------------------------
def capacity_json(record: CapacityPlanRecord, *, full: bool = True) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": record.id, "scenarioId": record.scenario_id, "jobId": record.job_id, "status": record.status,
        "createdAt": services.iso(record.created_at), "summary": record.summary or {},
        "links": {"self": url_for("capacity_api.get_capacity_plan", plan_id=record.id),
                  "workbook": url_for("capacity_api.capacity_workbook", plan_id=record.id),
                  "page": url_for("capacity_pages.capacity_page", plan_id=record.id)},
    }
    if full:
        results = record.results or {}
        body.update({k: results.get(k) for k in ("hiring", "weekly", "explanations", "baseline", "timings",
                                                 "meta")})
        body["people"] = results.get("people") or []
        body["inputs"] = record.inputs
    return body


def _get(session: Any, plan_id: str) -> CapacityPlanRecord:
    record = session.get(CapacityPlanRecord, plan_id)
    if record is None:
        raise ApiError(404, f"no capacity plan {plan_id!r}")
    return record


# -- API ---------------------------------------------------------------------------------------
@api.route("/scenarios/<scenario_id>/capacity-plans", methods=["GET", "POST"])
def capacity_plans(scenario_id: str) -> Response:
    if request.method == "GET":
        with planner_state().database.session() as session:
            services.get_scenario(session, scenario_id)
            records = session.scalars(select(CapacityPlanRecord).where(
                CapacityPlanRecord.scenario_id == scenario_id).order_by(CapacityPlanRecord.created_at)).all()
            return jsonify({"capacityPlans": [capacity_json(r, full=False) for r in records]})
    body = object_body('{"scenarios": 200, "scheduleEfficiency": 1.1}', optional=True)
    job = submit(scenario_id, _options(body))
    response = jsonify({"job": services.job_json(job)})
    response.status_code = 202
    response.headers["Location"] = url_for("api.get_job", job_id=job.id)
    return response


@api.get("/capacity-plans/<plan_id>")
def get_capacity_plan(plan_id: str) -> Response:
    with planner_state().database.session() as session:
        return jsonify(capacity_json(_get(session, plan_id)))


@api.get("/capacity-plans/<plan_id>/workbook")
def capacity_workbook(plan_id: str) -> Response:
    with planner_state().database.session() as session:
        record = _get(session, plan_id)
        content = record.workbook
        scenario = session.get(ScenarioRecord, record.scenario_id)
        name = safe_filename(f"{scenario.name if scenario else 'scenario'}-capacity")
    if not content:
        raise ApiError(404, "this capacity plan has no workbook")
    response = Response(content, mimetype=services.export.FORMATS["xlsx"])
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


# -- pages -------------------------------------------------------------------------------------
@pages.app_context_processor
def _capacity_helpers() -> dict[str, Any]:
    def capacity_plans_of(scenario_id: str) -> list[dict[str, str]]:
        """The scenario's capacity plans, newest first (for the scenario page)."""
        with planner_state().database.session() as session:
            records = session.scalars(
                select(CapacityPlanRecord).where(CapacityPlanRecord.scenario_id == scenario_id)
                .order_by(CapacityPlanRecord.created_at.desc())).all()
            return [{"id": r.id, "status": r.status, "created": f"{r.created_at:%Y-%m-%d %H:%M:%S}"}
                    for r in records]

    return {"capacity_plans_of": capacity_plans_of}


def _page_options(form: Any) -> dict[str, Any]:
    options: dict[str, Any] = {}
    text = (form.get("scenarios") or "").strip()
    if text:
        try:
            options["scenarios"] = int(text)
        except ValueError:
            raise ApiError(400, "scenarios must be a whole number",
                           [{"location": "form.scenarios", "field": "scenarios",
                             "message": f"must be a whole number 1–1000, got {text!r}"}]) from None
    return _options(options)


@pages.post("/scenarios/<scenario_id>/capacity")
def run_capacity(scenario_id: str) -> Any:
    try:
        job = submit(scenario_id, _page_options(request.form))
    except ApiError as exc:
        return render_template("capacity_error.html", error=exc.message, problems=exc.details,
                               scenario_id=scenario_id), exc.status
    return redirect(url_for("pages.job", job_id=job.id), code=303)


def _chart_payload(record: CapacityPlanRecord) -> dict[str, Any]:
    results = record.results or {}
    return {"weekly": results.get("weekly") or [], "hiring": results.get("hiring") or [],
            "groups": (results.get("meta") or {}).get("groups") or [],
            "name": (results.get("meta") or {}).get("scenarioName", ""), "id": record.id}


def _finite(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and math.isfinite(float(value)) else None


SUMMARY_ROWS: tuple[tuple[str, str], ...] = (
    ("expected_cost_total", "Expected total cost"), ("expected_cost_hiring", "Hiring cost"),
    ("expected_cost_wages", "Wages"), ("expected_cost_overtime", "Overtime cost"),
    ("expected_cost_vto_savings", "VTO savings"), ("cost_p5", "Cost, 5th percentile"),
    ("cost_p95", "Cost, 95th percentile"), ("cost_cvar", "CVaR of cost"), ("hires_total", "Hires"),
    ("classes", "Classes"), ("expected_shortfall_fte_weeks", "Expected shortfall (FTE-weeks)"),
    ("expected_overtime_fte_weeks", "Expected overtime (FTE-weeks)"),
    ("weeks_at_risk", "Weeks with P(short) > 10 %"), ("scenarios", "Scenarios"), ("gap", "Optimality gap"),
    ("solve_seconds", "Solve seconds"),
)


@pages.get("/capacity-plans/<plan_id>")
def capacity_page(plan_id: str) -> str:
    with planner_state().database.session() as session:
        record = _get(session, plan_id)
        body = capacity_json(record)
        payload = _chart_payload(record)
        scenario = session.get(ScenarioRecord, record.scenario_id)
        scenario_name = scenario.name if scenario else ""
        others = session.scalars(select(CapacityPlanRecord).where(CapacityPlanRecord.id != plan_id)
                                 .order_by(CapacityPlanRecord.created_at.desc())).all()
        choices = [{"id": o.id, "label": f"{o.created_at:%Y-%m-%d %H:%M} — {o.status}"} for o in others]
    summary = body["summary"]
    rows = [(label, summary.get(key)) for key, label in SUMMARY_ROWS if key in summary]
    return render_template("capacity.html", plan=body, scenario_name=scenario_name, rows=rows,
                           currency=(body.get("meta") or {}).get("currency", ""), choices=choices,
                           chart_json=json.dumps(payload, separators=(",", ":")))


@pages.get("/capacity-compare")
def capacity_compare() -> str:
    ids = [request.args.get("a", ""), request.args.get("b", "")]
    with planner_state().database.session() as session:
        records = [_get(session, i) for i in ids]
        payloads = [_chart_payload(r) for r in records]
        names = []
        for r in records:
            scenario = session.get(ScenarioRecord, r.scenario_id)
            names.append(f"{scenario.name if scenario else ''} ({r.created_at:%Y-%m-%d %H:%M})")
        summaries = [r.summary or {} for r in records]
    rows = []
    for key, label in SUMMARY_ROWS:
        a, b = (_finite(s.get(key)) for s in summaries)
        rows.append({"label": label, "a": a, "b": b, "delta": None if a is None or b is None else b - a})
    return render_template("capacity_compare.html", names=names, rows=rows, ids=ids,
                           chart_json=json.dumps({"plans": payloads, "names": names}, separators=(",", ":")))
