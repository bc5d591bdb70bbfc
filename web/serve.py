"""Serve the app with waitress, a production WSGI server (``planner serve``).

:func:`start_server` runs it on a background thread (tests, the benchmark); :func:`serve`
blocks (the command line). ``load_sample`` stores (and plans) a workbook before serving so the UI
opens with a scenario already there.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select
from waitress import create_server

from models import ScenarioRecord
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


def load_sample(app: Flask, workbook: Path, plan: bool = True) -> tuple[str, str | None]:
    """Store ``workbook`` as a scenario (and queue its plan); returns (scenario id, job id).

    When the same workbook (same name and bytes) is stored already, that scenario is reused and
    planned only if it has no plan yet — so ``make run`` twice does not pile up copies."""
    content = Path(workbook).read_bytes()
    state = planner_state(app)
    with state.database.session() as session:
        existing = session.scalars(select(ScenarioRecord).where(
            ScenarioRecord.source_filename == Path(workbook).name)).all()
        for record in existing:
            if record.workbook == content and not record.overrides:
                if record.plans or any(j.state in ("queued", "running") for j in record.jobs):
                    return record.id, None
                return record.id, state.jobs.submit(record.id).id if plan else None
    with app.app_context():
        scenario = services.parse_workbook(Path(workbook).name, content)
        scenario_id = services.store_scenario(scenario, None, Path(workbook).name, content)
    job_id = planner_state(app).jobs.submit(scenario_id).id if plan else None
    return scenario_id, job_id


def serve(app: Flask, host: str = "127.0.0.1", port: int = 5000, threads: int = 8) -> None:
    """Serve until interrupted (blocking)."""
    from waitress import serve as waitress_serve

    LOG.warning("serving the planner at http://%s:%d", host, port)
    waitress_serve(app, host=host, port=port, threads=threads, ident="cc-planner")
