"""Helpers of the web tests (plain functions; the fixtures are in ``tests/conftest_web.py``)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from models import Base, Database
from web import create_app, planner_state

REPO = Path(__file__).resolve().parents[1]
DAY_SAMPLE = REPO / "sample_inputs" / "contact_center_day.xlsx"
JOB_TIMEOUT_SECONDS = 600.0
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def make_app(database_file: Path, **config: Any) -> Flask:
    """An app on ``database_file`` in testing mode (CSRF stays on)."""
    # API_TOKEN None unless given: a PLANNER_API_TOKEN in the caller's environment must not leak in
    return create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{database_file}",
                       "SECRET_KEY": "test-secret", "API_TOKEN": None, **config})


def upload_day_sample(client: FlaskClient, **headers: str) -> Any:
    with DAY_SAMPLE.open("rb") as handle:
        return client.post("/api/scenarios", headers=headers,
                           data={"workbook": (handle, "contact_center_day.xlsx")},
                           content_type="multipart/form-data")


def run_job(app: Flask, client: FlaskClient, scenario_id: str, **headers: str) -> dict[str, Any]:
    """POST a plan, wait for the job's thread, return the job as the API reports it."""
    response = client.post(f"/api/scenarios/{scenario_id}/plans", headers=headers)
    assert response.status_code == 202, response.get_json()
    job = response.get_json()["job"]
    assert planner_state(app).jobs.wait(job["id"], timeout=JOB_TIMEOUT_SECONDS)
    return client.get(f"/api/jobs/{job['id']}").get_json()


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def snapshot(database: Database, tables: tuple[str, ...] | None = None) -> dict[str, list[tuple]]:
    """Every row of every table (or of ``tables``), ordered by primary key — to compare a
    database before and after an operation."""
    rows: dict[str, list[tuple]] = {}
    with database.session() as session:
        for table in Base.metadata.sorted_tables:
            if tables is not None and table.name not in tables:
                continue
            order = list(table.primary_key.columns)
            rows[table.name] = [tuple(r) for r in session.execute(
                select(table).order_by(*order)).all()]
    return rows
