"""Planning runs off the request thread.

A :class:`JobRunner` owns a :class:`~concurrent.futures.ThreadPoolExecutor` (it lives in
``app.extensions``, not in module state). A job row records the state
(queued → running → succeeded | failed), the percent complete and the progress messages; the
run page polls it through ``GET /api/jobs/{id}``. The plan row and the job's success are written
in one transaction at the end, so a failed solve stores no plan and leaves every scenario as it
was — only the job row says that it failed and why.
"""

from __future__ import annotations

import io
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

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

LOG = logging.getLogger(__name__)
FAILED_SOLVE_STATUSES: frozenset[str] = frozenset({"infeasible", "time_limit_no_solution", "error"})
"""Solver statuses of a run that produced no usable schedule: the job fails, no plan is stored."""
MAX_MESSAGES = 200


class PlanFailedError(RuntimeError):
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
    """Runs planning jobs on a thread pool and records their progress in the database.

    Parameters
    ----------
    database : models.Database
        Where jobs, plans and scenarios live.
    workers : int
        Threads planning at once (the solver is CPU-bound: 1 is a sensible default).
    """

    def __init__(self, database: Database, workers: int = 1) -> None:
        self.database = database
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="planner-job")
        self._futures: dict[str, Future[None]] = {}
        self._lock = threading.Lock()

    def recover_interrupted(self) -> int:
        """Mark jobs left queued/running by a previous process as failed; returns how many."""
        with self.database.transaction() as session:
            stale = session.scalars(select(JobRecord).where(
                JobRecord.state.in_(("queued", "running")))).all()
            for job in stale:
                job.state = "failed"
                job.error = "interrupted: the server stopped before the job finished"
                job.finished_at = utc_now()
            return len(stale)

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
        with self._lock:
            self._futures[job.id] = self._executor.submit(self._run, job.id, execute)
        return job

    def wait(self, job_id: str, timeout: float | None = None) -> bool:
        """Block until the job's thread finishes; False when ``timeout`` seconds pass first."""
        with self._lock:
            future = self._futures.get(job_id)
        if future is None:
            return True
        try:
            future.result(timeout=timeout)
        except FutureTimeout:
            return False
        return True

    def shutdown(self, wait: bool = True) -> None:
        """Stop accepting jobs; with ``wait`` let running ones finish."""
        self._executor.shutdown(wait=wait, cancel_futures=not wait)

    # -- the worker -----------------------------------------------------------------------
    def _update(self, job_id: str, **fields: Any) -> None:
        message = fields.pop("message", None)
        try:
            with self.database.transaction() as session:
                job = session.get(JobRecord, job_id)
                if job is None:
                    return
                for name, value in fields.items():
                    setattr(job, name, value)
                if message:
                    messages = list(job.messages or [])
                    messages.append({"at": utc_now().isoformat(), "text": message})
                    job.messages = messages[-MAX_MESSAGES:]
        except StaleDataError:  # the scenario (with its jobs) was deleted between read and write
            raise PlanFailedError("the scenario was deleted while it was being planned") from None

    def record(self, job_id: str, **fields: Any) -> None:
        """Update a job's row (``message=`` appends a progress message)."""
        self._update(job_id, **fields)

    def _run(self, job_id: str, execute: Callable[[str], None] | None = None) -> None:
        try:
            (execute or self._execute)(job_id)
        except Exception as exc:  # every failure is recorded on the job
            if isinstance(exc, InputError | PlanFailedError | ValueError):
                reason = str(exc)
            else:
                LOG.exception("planning job %s failed", job_id)
                reason = "internal error while planning — the details are in the server log"
            self._update(job_id, state="failed", error=reason, finished_at=utc_now(),
                         message=f"failed: {reason}")
        finally:
            with self._lock:
                self._futures.pop(job_id, None)

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
        self._update(job_id, state="running", started_at=utc_now(), percent=1.0,
                     message="reading the scenario")
        last = {"percent": 1.0, "message": "", "at": 0.0}

        def progress(fraction: float, message: str) -> None:
            percent = round(1.0 + 94.0 * min(max(float(fraction), 0.0), 1.0), 1)
            now = time.monotonic()
            if message != last["message"] or (percent - last["percent"] >= 1.0
                                               and now - last["at"] > 0.2):
                new_message = message if message != last["message"] else None
                last.update(percent=percent, message=message, at=now)
                self._update(job_id, percent=percent, message=new_message)

        plan = run_plan(scenario, progress=progress, previous_shifts=previous)
        status = _solve_status(plan)
        if status in FAILED_SOLVE_STATUSES:
            solve = plan.schedule.solve
            raise PlanFailedError(f"the schedule solve ended {status}: {getattr(solve, 'message', '')}")
        self._update(job_id, percent=96.0, message="writing the plan workbook")
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
                job.state = "succeeded"
                job.percent = 100.0
                job.plan_id = plan_record.id
                job.finished_at = utc_now()
                job.messages = [*list(job.messages or []),
                                {"at": utc_now().isoformat(), "text": "done"}][-MAX_MESSAGES:]
