"""Serve the app with waitress, a production WSGI server (``planner serve``).

:func:`start_server` runs it on a background thread (tests, the benchmark); :func:`serve`
blocks (the command line). ``load_sample`` stores (and plans) a workbook before serving so the UI
opens with a scenario already there; ``wait_for_job`` and ``write_stored_plan`` let ``planner serve
--write-plan`` show that plan's progress and write its workbook before serving (``make run``: the
sample is planned once, for the file and the UI alike).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select
from waitress import create_server

from models import JobRecord, PlanRecord, ScenarioRecord
from web import planner_state, services

LOG = logging.getLogger(__name__)


@dataclass
class RunningServer:
    """A waitress server on a thread; ``url`` is where it listens."""

    server: Any
    thread: threading.Thread
    url: str

    def stop(self) -> None:
        """Stop serving and close every socket.

        waitress has no public stop(): the sockets are closed *on the server's own thread*
        (through its trigger) so its select() never sees a closed descriptor; with the socket
        map empty its loop returns.
        """
        server = self.server
        server.task_dispatcher.shutdown(timeout=5)

        def close_all() -> None:
            for channel in list(server._map.values()):
                channel.close()

        server.trigger.pull_trigger(close_all)
        self.thread.join(timeout=10)


def start_server(app: Flask, host: str = "127.0.0.1", port: int = 0, threads: int = 8) -> RunningServer:
    """Serve ``app`` on a background thread; ``port=0`` picks a free port."""
    server = create_server(app, host=host, port=port, threads=threads, ident="cc-planner")
    thread = threading.Thread(target=server.run, name="waitress", daemon=True)
    thread.start()
    return RunningServer(server, thread, f"http://{host}:{server.effective_port}")


def load_sample(app: Flask, workbook: Path, plan: bool = True,
                replan: bool = False) -> tuple[str, str | None]:
    """Store ``workbook`` as a scenario (and queue its plan); returns (scenario id, job id).

    When the same workbook (same name and bytes) is stored already, that scenario is reused and
    planned only if it has no plan yet — so ``make run`` twice does not pile up copies. With
    ``replan`` it is planned again anyway (or the job already planning it is returned)."""
    content = Path(workbook).read_bytes()
    state = planner_state(app)
    with state.database.session() as session:
        existing = session.scalars(select(ScenarioRecord).where(
            ScenarioRecord.source_filename == Path(workbook).name)).all()
        for record in existing:
            if record.workbook == content and not record.overrides:
                active = next((j for j in record.jobs if j.state in ("queued", "running")), None)
                if active is not None:
                    return record.id, active.id if replan else None
                if record.plans and not replan:
                    return record.id, None
                return record.id, state.jobs.submit(record.id).id if plan else None
    with app.app_context():
        scenario = services.parse_workbook(Path(workbook).name, content)
        scenario_id = services.store_scenario(scenario, None, Path(workbook).name, content)
    job_id = planner_state(app).jobs.submit(scenario_id).id if plan else None
    return scenario_id, job_id


@dataclass(frozen=True)
class FinishedJob:
    """How a planning job ended: ``state`` (succeeded / failed / …), ``error``, ``plan_id``."""

    state: str
    error: str | None
    plan_id: str | None


def wait_for_job(app: Flask, job_id: str, report: Callable[[float, str], None] | None = None,
                 poll_seconds: float = 0.25) -> FinishedJob:
    """Wait for a planning job, passing each new progress message to ``report(percent, text)``."""
    state = planner_state(app)
    seen: set[tuple[str, str]] = set()
    while True:
        done = state.jobs.wait(job_id, timeout=poll_seconds)
        with state.database.session() as session:
            job = session.get(JobRecord, job_id)
            if job is None:
                return FinishedJob("missing", f"job {job_id} does not exist", None)
            messages = [(str(m.get("at", "")), str(m.get("text", ""))) for m in job.messages or []]
            percent, finished = float(job.percent or 0.0), FinishedJob(job.state, job.error, job.plan_id)
        for message in messages:
            if message not in seen:
                seen.add(message)
                if report is not None:
                    report(percent, message[1])
        if done or finished.state in ("succeeded", "failed"):
            return finished


@dataclass(frozen=True)
class StoredPlan:
    """What a plan's summary needs: its status, KPIs, scenario meta and notes."""

    status: str
    kpis: dict[str, Any]
    meta: dict[str, Any]
    notes: list[str]


def write_stored_plan(app: Flask, plan_id: str, output: Path) -> StoredPlan:
    """Write a stored plan's workbook to ``output`` (a temp file in the same folder, then
    ``os.replace``: never a half-written file) and return its summary."""
    with planner_state(app).database.session() as session:
        record = session.get(PlanRecord, plan_id)
        if record is None or record.workbook is None:
            raise FileNotFoundError(f"plan {plan_id} has no stored workbook")
        content = bytes(record.workbook)
        stored = StoredPlan(str(record.status), dict(record.kpis or {}), dict(record.meta or {}),
                            [str(n) for n in (record.results or {}).get("notes") or []])
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.name}.{os.getpid()}.partial")  # as planner.excel saves
    try:
        partial.write_bytes(content)
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)
    return stored


def serve(app: Flask, host: str = "127.0.0.1", port: int = 5000, threads: int = 8) -> None:
    """Serve until interrupted (blocking)."""
    from waitress import serve as waitress_serve

    LOG.warning("serving the planner at http://%s:%d", host, port)
    waitress_serve(app, host=host, port=port, threads=threads, ident="cc-planner")
