"""The one background runner (web/runner.py) that planning jobs, capacity plans, simulations and
sweeps share: success, an expected failure, an internal failure, progress throttling, recovery."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest

from models import Database, JobRecord, ScenarioRecord
from web.runner import MAX_MESSAGES, BackgroundRunner, RunFailedError, mark_succeeded


@pytest.fixture
def database(tmp_path: Path) -> Database:
    db = Database(f"sqlite:///{tmp_path / 'runner.sqlite3'}")
    db.create_schema()
    return db


def _job(database: Database, state: str = "queued") -> str:
    with database.transaction() as session:
        scenario = ScenarioRecord(name="s", inputs={}, overrides={})
        session.add(scenario)
        session.flush()
        job = JobRecord(scenario_id=scenario.id, state=state, percent=0.0, messages=[])
        session.add(job)
        session.flush()
        return job.id


def _row(database: Database, job_id: str) -> dict:
    with database.session() as session:
        job = session.get(JobRecord, job_id)
        return {"state": job.state, "percent": job.percent, "error": job.error,
                "messages": [m["text"] for m in job.messages or []], "finished": job.finished_at}


def test_a_run_that_succeeds_marks_its_row_in_its_own_transaction(database: Database) -> None:
    runner = BackgroundRunner(database, JobRecord, "planning")
    job_id = _job(database)

    def work() -> None:
        runner.record(job_id, state="running", message="working")
        with database.transaction() as session:
            mark_succeeded(session.get(JobRecord, job_id))

    runner.start(job_id, job_id, work)
    assert runner.wait(job_id, timeout=30)
    row = _row(database, job_id)
    assert row["state"] == "succeeded" and row["percent"] == 100.0 and row["finished"] is not None
    assert row["messages"] == ["working", "done"]
    runner.shutdown()


def test_expected_and_internal_failures_keep_their_words_and_log_the_trace(
        database: Database, caplog: pytest.LogCaptureFixture) -> None:
    runner = BackgroundRunner(database, JobRecord, "sweeping")
    told, broken = _job(database), _job(database)
    seen: list[BaseException] = []

    def say() -> None:
        raise RunFailedError("the solve ended infeasible")

    def crash() -> None:
        raise KeyError("secret internals")

    with caplog.at_level(logging.ERROR, logger="web.runner"):
        runner.start(told, told, say, seen.append)
        runner.start(broken, broken, crash, seen.append)
        assert runner.wait(told, timeout=30) and runner.wait(broken, timeout=30)
    assert _row(database, told)["error"] == "the solve ended infeasible"
    assert _row(database, told)["messages"] == ["failed: the solve ended infeasible"]
    internal = _row(database, broken)
    assert internal["state"] == "failed" and "secret" not in internal["error"]
    assert internal["error"] == "internal error while sweeping — the details are in the server log"
    assert any("secret internals" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)
    assert [type(e) for e in seen] == [RunFailedError, KeyError]  # the failure hook saw both
    runner.shutdown()


def test_progress_writes_new_messages_and_throttles_repeats(database: Database) -> None:
    runner = BackgroundRunner(database, JobRecord, "planning")
    job_id = _job(database)
    report = runner.progress(job_id, low=1.0, high=95.0, every_seconds=3600.0)
    report(0.0, "staffing")
    report(0.5, "staffing")  # same message, an hour has not passed: not written
    report(0.6, "scheduling")
    row = _row(database, job_id)
    assert row["messages"] == ["staffing", "scheduling"]
    assert row["percent"] == pytest.approx(1.0 + 94.0 * 0.6)
    steps = runner.progress(job_id, low=2.0, high=97.0, every_seconds=0.0, min_step=0.0,
                            every_message=False, final_percent=97.0)
    for k in range(MAX_MESSAGES + 5):
        steps(k / (MAX_MESSAGES + 4), "replications")
    row = _row(database, job_id)
    assert len(row["messages"]) == MAX_MESSAGES and row["percent"] == 97.0  # the oldest dropped


def test_rows_left_running_by_a_stopped_server_are_failed(database: Database) -> None:
    running, queued, done = _job(database, "running"), _job(database, "queued"), _job(database, "succeeded")
    runner = BackgroundRunner(database, JobRecord, "planning")
    assert runner.recover_interrupted("job") == 2
    assert [_row(database, j)["state"] for j in (running, queued, done)] == ["failed", "failed", "succeeded"]
    assert _row(database, running)["error"] == "interrupted: the server stopped before the job finished"


def test_wait_reports_a_timeout(database: Database) -> None:
    runner = BackgroundRunner(database, JobRecord, "planning")
    job_id = _job(database)
    release = threading.Event()
    runner.start(job_id, job_id, lambda: release.wait(30))
    assert runner.wait(job_id, timeout=0.05) is False
    release.set()
    assert runner.wait(job_id, timeout=30) is True
    runner.shutdown()
