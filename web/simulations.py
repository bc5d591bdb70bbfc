"""Simulations of stored plans (issue 13) as background jobs.

A :class:`SimulationRunner` (in ``app.extensions``, like the planning :class:`~web.jobs.JobRunner`)
runs :func:`planner.simulation.simulate` on its own single thread of the one
:class:`~web.runner.BackgroundRunner`. A simulation is a job row (state,
percent, messages — polled at ``GET /api/jobs/{id}`` like a planning job, its ``planId`` the plan
simulated) plus a :class:`~models.SimulationRecord` holding the options and, once done, the result.
The plan is rebuilt from its stored document: the scenario with the plan's own overrides, the
requirements, coverage, shifts and breaks; the simulator checks that the plan belongs to that
scenario. A failed simulation leaves the plan and every scenario as they were.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, url_for

from models import (
    Database,
    JobRecord,
    PlanRecord,
    SimulationRecord,
    apply_overrides,
    scenario_from_document,
)
from models.codec import table_to_frame
from models.tables import utc_now
from planner.simulation import SimulationInputError, SimulationOptions, simulate, simulation_inputs
from web.bodies import whole_number
from web.errors import ApiError
from web.runner import BackgroundRunner, mark_succeeded

EXTENSION = "planner.simulations"
MAX_REPLICATIONS = 1000
"""Most replications one API request may ask for."""

_OPTION_FIELDS = {"replications": "replications", "seed": "seed", "handleTime": "handle_time",
                  "handleTimeCv": "handle_time_cv", "shrinkage": "shrinkage"}


def parse_options(body: Any) -> SimulationOptions:
    """Options from a JSON body (``replications``, ``seed``, ``handleTime``, ``handleTimeCv``,
    ``shrinkage``); 400 naming the field and the allowed values when one is bad."""
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise ApiError(400, "the body must be a JSON object such as {\"replications\": 30}")
    unknown = sorted(set(body) - set(_OPTION_FIELDS) - {"scenarioId"})
    if unknown:
        allowed = f"allowed: {', '.join(_OPTION_FIELDS)}, scenarioId"
        raise ApiError(400, "unknown fields", [{"location": f"body.{k}", "field": k, "message": allowed}
                                               for k in unknown])
    values = {_OPTION_FIELDS[k]: whole_number(v) if k in ("replications", "seed") else v
              for k, v in body.items() if k in _OPTION_FIELDS}
    if isinstance(values.get("handle_time_cv"), bool):  # JSON true is no number
        raise ApiError(400, "the simulation options have problems", [{
            "location": "body.handleTimeCv", "field": "handleTimeCv",
            "message": f"must be a number > 0, got {values['handle_time_cv']!r}"}])
    scenario_id = body.get("scenarioId")
    if scenario_id is not None and not isinstance(scenario_id, str):
        raise ApiError(400, "the simulation options have problems", [{
            "location": "body.scenarioId", "field": "scenarioId",
            "message": f"must be a scenario id (a string), got {scenario_id!r}"}])
    replications = values.get("replications", 30)
    if isinstance(replications, int) and not isinstance(replications, bool) \
            and replications > MAX_REPLICATIONS:
        raise ApiError(400, "too many replications", [{
            "location": "body.replications", "field": "replications",
            "message": f"must be between 1 and {MAX_REPLICATIONS}, got {replications}"}])
    try:
        return SimulationOptions(**values)
    except SimulationInputError as exc:
        text = str(exc)
        field = next((k for k, v in _OPTION_FIELDS.items() if text.startswith(v)), "body")
        raise ApiError(400, "the simulation options have problems", [{
            "location": f"body.{field}", "field": field, "message": text}]) from None


def _options_json(options: SimulationOptions) -> dict[str, Any]:
    return {"replications": options.replications, "seed": options.seed, "handleTime": options.handle_time,
            "handleTimeCv": options.handle_time_cv, "shrinkage": options.shrinkage}


def check_plan(record: PlanRecord, scenario_id: str | None) -> None:
    """400 when the plan has no schedule, or is not a plan of the scenario the client names."""
    if scenario_id is not None and scenario_id != record.scenario_id:
        raise ApiError(400, "the plan belongs to another scenario", [{
            "location": "body.scenarioId", "field": "scenarioId",
            "message": f"plan {record.id} is a plan of scenario {record.scenario_id}, not {scenario_id}"}])
    schedule = (record.results or {}).get("schedule") or {}
    if not (schedule.get("shifts") or {}).get("rows"):
        raise ApiError(400, "the plan has no schedule to simulate", [{
            "location": "plan", "field": "schedule",
            "message": "it was planned without a schedule (or the scenario has no shift templates); "
                       "plan with a schedule first"}])


def simulation_json(record: SimulationRecord, job: JobRecord | None, *, with_result: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": record.id, "planId": record.plan_id, "jobId": record.job_id,
        "state": job.state if job is not None else ("succeeded" if record.finished_at else "failed"),
        "percentComplete": round(float(job.percent or 0.0), 1) if job is not None else None,
        "error": job.error if job is not None else None, "options": record.options or {},
        "createdAt": record.created_at.isoformat() if record.created_at else None,
        "finishedAt": record.finished_at.isoformat() if record.finished_at else None,
        "links": {"self": url_for("simulations.get_simulation", simulation_id=record.id),
                  "plan": url_for("api.get_plan", plan_id=record.plan_id),
                  "job": url_for("api.get_job", job_id=record.job_id) if record.job_id else None}}
    if with_result:
        body["result"] = record.result
    return body


class SimulationRunner:
    """Runs simulation jobs on one :class:`~web.runner.BackgroundRunner` thread and records them on
    their job rows."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.runner = BackgroundRunner(database, JobRecord, "simulating",
                                       thread_name_prefix="planner-simulation")

    def submit(self, plan_id: str, options: SimulationOptions) -> tuple[JobRecord, SimulationRecord]:
        """Queue a simulation of a stored plan; returns the job and the simulation rows."""
        with self.database.transaction() as session:
            plan = session.get(PlanRecord, plan_id)
            if plan is None:
                raise ApiError(404, f"no plan {plan_id!r}")
            job = JobRecord(scenario_id=plan.scenario_id, plan_id=plan.id, state="queued", percent=0.0,
                            messages=[{"at": utc_now().isoformat(),
                                       "text": f"queued: simulate the plan, {options.replications} "
                                               "replications"}])
            session.add(job)
            session.flush()
            record = SimulationRecord(plan_id=plan.id, job_id=job.id, options=_options_json(options))
            session.add(record)
        simulation_id, job_id = record.id, job.id
        self.runner.start(simulation_id, job_id, lambda: self._execute(simulation_id, job_id, options))
        return job, record

    def wait(self, simulation_id: str, timeout: float | None = None) -> bool:
        """Block until the simulation's thread finishes; False when ``timeout`` seconds pass first."""
        return self.runner.wait(simulation_id, timeout)

    def shutdown(self, wait: bool = True) -> None:
        self.runner.shutdown(wait)

    def _execute(self, simulation_id: str, job_id: str, options: SimulationOptions) -> None:
        with self.database.session() as session:
            record = session.get(SimulationRecord, simulation_id)
            plan = session.get(PlanRecord, record.plan_id) if record is not None else None
            if plan is None:
                raise SimulationInputError("the plan was deleted before the simulation started")
            results = plan.results or {}
            overrides = dict(plan.overrides or {})
            inputs_document = plan.scenario.inputs
        self.runner.record(job_id, state="running", started_at=utc_now(), percent=1.0,
                           message="reading the plan")
        scenario = apply_overrides(scenario_from_document(inputs_document), overrides)
        schedule = results.get("schedule") or {}
        inputs = simulation_inputs(table_to_frame(results.get("requirements")),
                                   table_to_frame(results.get("coverage")),
                                   table_to_frame(schedule.get("shifts")),
                                   table_to_frame(schedule.get("activities")), options, scenario=scenario)
        progress = self.runner.progress(job_id, low=2.0, high=97.0, every_seconds=0.3, min_step=0.0,
                                        every_message=False, final_percent=97.0)
        result = simulate(inputs, progress)
        document = result.to_json()
        with self.database.transaction() as session:
            record = session.get(SimulationRecord, simulation_id)
            if record is None:
                raise SimulationInputError("the plan was deleted while it was being simulated")
            record.result = document
            record.finished_at = utc_now()
            job = session.get(JobRecord, job_id)
            if job is not None:
                mark_succeeded(job)


def simulation_runner(app: Flask | None = None) -> SimulationRunner:
    """The app's :class:`SimulationRunner`."""
    return (app or current_app).extensions[EXTENSION]  # type: ignore[no-any-return]


def init_app(app: Flask, database: Database) -> None:
    """Register the runner and the simulation blueprints (API and the results-page action)."""
    from web import simulation_routes

    app.extensions[EXTENSION] = SimulationRunner(database)
    app.register_blueprint(simulation_routes.api_bp)
    app.register_blueprint(simulation_routes.page_bp)
