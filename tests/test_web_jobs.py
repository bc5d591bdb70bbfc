"""The job runner: jobs left unfinished by a stopped server are marked failed at start-up."""

from __future__ import annotations

from sqlalchemy import select

from models import JobRecord, ScenarioRecord, scenario_to_document
from planner.excel import read_workbook
from tests.web_helpers import DAY_SAMPLE, make_app
from web import planner_state, shutdown


def test_jobs_interrupted_by_a_restart_are_marked_failed(tmp_path):
    database_file = tmp_path / "restart.sqlite3"
    app = make_app(database_file)
    with planner_state(app).database.transaction() as session:
        scenario = ScenarioRecord(name="s", inputs=scenario_to_document(read_workbook(DAY_SAMPLE)),
                                  overrides={})
        session.add(scenario)
        session.flush()
        session.add_all([JobRecord(scenario_id=scenario.id, state="running", percent=40.0),
                         JobRecord(scenario_id=scenario.id, state="queued"),
                         JobRecord(scenario_id=scenario.id, state="succeeded", percent=100.0)])
    shutdown(app)

    restarted = make_app(database_file)
    try:
        with planner_state(restarted).database.session() as session:
            states = sorted((j.state, j.error or "") for j in session.scalars(select(JobRecord)))
    finally:
        shutdown(restarted)
    assert [s for s, _ in states] == ["failed", "failed", "succeeded"]
    assert all("interrupted" in e for s, e in states if s == "failed")
