"""Planning runs off the request thread.

A :class:`JobRunner` runs on a :class:`web.runner.BackgroundRunner` (the one runner of planning
jobs, capacity plans, simulations and sweeps; it lives in ``app.extensions``, not in module state).
A job row records the state (queued → running → succeeded | failed), the percent complete and the
progress messages; the
run page polls it through ``GET /api/jobs/{id}``. The plan row and the job's success are written
in one transaction at the end, so a failed solve stores no plan and leaves every scenario as it
was — only the job row says that it failed and why.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from models import (
    Database,
    JobRecord,
    PlanRecord,
    ScenarioRecord,
    apply_overrides,
    plan_to_document,
    scenario_from_document,
)
from models.codec import frame_to_table, table_to_frame
from models.tables import utc_now
from planner.types import InputError, Scenario
from web.export import shift_records
from web.runner import BackgroundRunner, RunFailedError, mark_succeeded

FAILED_SOLVE_STATUSES: frozenset[str] = frozenset({"infeasible", "time_limit_no_solution", "error"})
"""Solver statuses of a run that produced no usable schedule: the job fails, no plan is stored."""


class PlanFailedError(RunFailedError):
    """A planning run that finished without a usable plan (e.g. an infeasible solve)."""


def load_scenario(record: ScenarioRecord) -> Scenario:
    """The stored scenario with its overrides applied (raises :class:`InputError`)."""
    return apply_overrides(scenario_from_document(record.inputs), record.overrides or {})


def _solve_status(plan: Any) -> str:
    schedule = getattr(plan, "schedule", None)
    solve = getattr(schedule, "solve", None)
    status = getattr(solve, "status", "")
    return str(getattr(status, "value", status) or "")


def scenario_meta(scenario: Scenario) -> dict[str, Any]:
    """What the pages and exports need to know of the scenario a plan came from."""
    settings = scenario.settings
    targets = {}
    for group in scenario.staffing_groups:
        channel = scenario.channel(group.channel)
        targets[group.name] = channel.service_level if channel.kind != "email" else None
    return {"scenarioName": scenario.name, "timezone": settings.timezone,
            "startDate": settings.start_date.isoformat(), "days": settings.days,
            "intervalMinutes": settings.interval_minutes, "currency": settings.currency,
            "groups": [g.name for g in scenario.staffing_groups],
            "channelOfGroup": {g.name: g.channel for g in scenario.staffing_groups},
            "serviceLevelTargets": targets}


class JobRunner:
    """Runs planning jobs (and capacity plans) on the app's :class:`~web.runner.BackgroundRunner`
    and records their progress on the job row.

    Parameters
    ----------
    database : models.Database
        Where jobs, plans and scenarios live.
    workers : int
        Threads planning at once (the solver is CPU-bound: 1 is a sensible default).
    """

    def __init__(self, database: Database, workers: int = 1) -> None:
        self.database = database
        self.runner = BackgroundRunner(database, JobRecord, "planning", workers=workers,
                                       expected=(InputError, RunFailedError, ValueError),
                                       thread_name_prefix="planner-job", stale_error=PlanFailedError)

    def recover_interrupted(self) -> int:
        """Mark jobs left queued/running by a previous process as failed; returns how many."""
        return self.runner.recover_interrupted("job")

    def submit(self, scenario_id: str, execute: Callable[[str], None] | None = None) -> JobRecord:
        """Queue a planning run of a scenario; returns the new job (state ``queued``).

        ``execute(job_id)`` runs instead of the schedule plan when given (e.g. a capacity plan,
        :mod:`web.capacity`); it records its own progress with :meth:`record`."""
        with self.database.transaction() as session:
            if session.get(ScenarioRecord, scenario_id) is None:
                raise KeyError(scenario_id)
            job = JobRecord(scenario_id=scenario_id, state="queued", percent=0.0,
                            messages=[{"at": utc_now().isoformat(), "text": "queued"}])
            session.add(job)
        work, job_id = execute or self._execute, job.id
        self.runner.start(job_id, job_id, lambda: work(job_id))
        return job

    def wait(self, job_id: str, timeout: float | None = None) -> bool:
        """Block until the job's thread finishes; False when ``timeout`` seconds pass first."""
        return self.runner.wait(job_id, timeout)

    def shutdown(self, wait: bool = True) -> None:
        """Stop accepting jobs; with ``wait`` let running ones finish."""
        self.runner.shutdown(wait)

    def record(self, job_id: str, **fields: Any) -> None:
        """Update a job's row (``message=`` appends a progress message)."""
        self.runner.record(job_id, **fields)

    _update = record

    def progress(self, job_id: str) -> Callable[[float, str], None]:
        """The ``progress(fraction, message)`` callback of a job: 1–95 %, each new message."""
        return self.runner.progress(job_id)

    def _execute(self, job_id: str) -> None:
        from planner.excel import write_plan
        from planner.pipeline import run_plan

        with self.database.session() as session:
            job = session.get(JobRecord, job_id)
            if job is None:
                return
            record = session.get(ScenarioRecord, job.scenario_id)
            if record is None:
                raise PlanFailedError("the scenario was deleted before the run started")
            overrides = dict(record.overrides or {})
            scenario = load_scenario(record)
            scenario_id = record.id
            latest = session.scalars(select(PlanRecord).where(PlanRecord.scenario_id == scenario_id)
                                     .order_by(PlanRecord.created_at.desc()).limit(1)).first()
            # the warm start of the re-plan: the shifts of the scenario's latest plan
            previous = table_to_frame(((latest.results or {}).get("schedule") or {}).get("shifts")) \
                if latest is not None else None
        self.record(job_id, state="running", started_at=utc_now(), percent=1.0,
                    message="reading the scenario")
        progress = self.progress(job_id)

        plan = run_plan(scenario, progress=progress, previous_shifts=previous)
        status = _solve_status(plan)
        if status in FAILED_SOLVE_STATUSES:
            solve = plan.schedule.solve
            raise PlanFailedError(f"the schedule solve ended {status}: {getattr(solve, 'message', '')}")
        self.record(job_id, percent=96.0, message="writing the plan workbook")
        document = plan_to_document(plan)
        document["meta"] = scenario_meta(scenario)
        coverage = getattr(plan, "coverage", None)
        document["coverage"] = frame_to_table(coverage) if coverage is not None else None
        document["notes"] = list(getattr(plan, "explanations", ()) or ())
        shifts = shift_records(document, scenario.settings.timezone)
        buffer = io.BytesIO()
        write_plan(plan, buffer)
        with self.database.transaction() as session:
            if session.get(ScenarioRecord, scenario_id) is None:
                raise PlanFailedError("the scenario was deleted while it was being planned")
            plan_record = PlanRecord(scenario_id=scenario_id, status=str(plan.status),
                                     overrides=overrides, results=document, shifts=shifts,
                                     meta=document["meta"], kpis=document["kpis"],
                                     timings=document["timings"], workbook=buffer.getvalue())
            session.add(plan_record)
            session.flush()
            job = session.get(JobRecord, job_id)
            if job is not None:
                mark_succeeded(job, plan_id=plan_record.id)
