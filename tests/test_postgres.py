"""PostgreSQL by URL: the schema, transactions, documents and the whole API flow on a real,
throwaway PostgreSQL server (:mod:`tests.postgres_server`), not only on SQLite.

Skipped when no PostgreSQL server binaries are installed, unless ``PLANNER_REQUIRE_POSTGRES`` is
set (``make test`` installs Debian's ``postgresql`` and sets it, so CI always runs these).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, inspect, select

from models import (
    SCHEMA_VERSION,
    Base,
    Database,
    ScenarioRecord,
    scenario_from_document,
    scenario_to_document,
)
from planner.excel import read_workbook
from tests.postgres_server import postgres_bin, running_postgres
from tests.web_helpers import DAY_SAMPLE, run_job, snapshot, upload_day_sample
from web import create_app, planner_state, shutdown


@pytest.fixture(scope="module")
def postgres_server() -> Iterator[str]:
    bin_dir = postgres_bin()
    if bin_dir is None:
        if os.environ.get("PLANNER_REQUIRE_POSTGRES"):
            pytest.fail("PLANNER_REQUIRE_POSTGRES is set but no PostgreSQL server binaries were found")
        pytest.skip("no PostgreSQL server binaries (Debian package postgresql)")
    with running_postgres(bin_dir) as url:
        yield url


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """The server's URL; every table is dropped after each test."""
    yield postgres_server
    database = Database(postgres_server)
    Base.metadata.drop_all(database.engine)
    database.dispose()


def test_schema_transactions_and_scenario_documents_on_postgresql(postgres_url: str) -> None:
    database = Database(postgres_url)
    try:
        assert database.engine.dialect.name == "postgresql"
        assert database.create_schema() == SCHEMA_VERSION
        assert database.create_schema() == SCHEMA_VERSION  # idempotent
        assert {"scenarios", "plans", "jobs"} <= set(inspect(database.engine).get_table_names())
        scenario = read_workbook(DAY_SAMPLE)
        document = scenario_to_document(scenario)
        with pytest.raises(RuntimeError), database.transaction() as session:
            session.add(ScenarioRecord(name="lost", inputs=document, overrides={}))
            session.flush()
            raise RuntimeError("boom")
        with database.session() as session:
            assert session.scalar(select(func.count()).select_from(ScenarioRecord)) == 0
        with database.transaction() as session:
            record = ScenarioRecord(name="kept", inputs=document, overrides={"volume_pct": 5})
            session.add(record)
        with database.session() as session:
            stored = session.get(ScenarioRecord, record.id)
            assert stored is not None and stored.overrides == {"volume_pct": 5}
            assert scenario_from_document(stored.inputs).equals(scenario)  # JSON column round trip
    finally:
        database.dispose()


def test_upload_plan_export_and_a_failed_solve_on_postgresql(postgres_url: str) -> None:
    app = create_app({"TESTING": True, "DATABASE_URL": postgres_url, "SECRET_KEY": "test-secret",
                      "API_TOKEN": None})
    try:
        client = app.test_client()
        database = planner_state(app).database
        assert database.engine.dialect.name == "postgresql"
        created = upload_day_sample(client)
        assert created.status_code == 201, created.get_json()
        scenario_id = created.get_json()["id"]
        job = run_job(app, client, scenario_id)
        assert job["state"] == "succeeded", job
        plan: dict[str, Any] = client.get(f"/api/plans/{job['planId']}").get_json()
        assert plan["scenarioId"] == scenario_id and plan["schedule"]["shifts"] > 0
        shifts = client.get(plan["links"]["schedule"] + "?format=json").get_json()["shifts"]
        assert len(shifts) == plan["schedule"]["shifts"]
        assert client.get(plan["links"]["workbook"]).status_code == 200

        # a failed solve (no time to find any schedule) changes no stored scenario or plan
        inputs = client.get(f"/api/scenarios/{scenario_id}?include=inputs").get_json()["inputs"]
        inputs["settings"]["solver_time_limit_seconds"] = 1e-6
        hopeless = client.post("/api/scenarios", json={**inputs, "name": "no time to solve"})
        assert hopeless.status_code == 201
        before = snapshot(database, ("scenarios", "plans"))
        failed = run_job(app, client, hopeless.get_json()["id"])
        assert failed["state"] == "failed" and failed["planId"] is None
        assert snapshot(database, ("scenarios", "plans")) == before

        # deleting a scenario removes its plans (ON DELETE CASCADE on PostgreSQL too)
        assert client.delete(f"/api/scenarios/{scenario_id}").status_code == 204
        assert client.get(f"/api/plans/{job['planId']}").status_code == 404
    finally:
        shutdown(app)
