"""Fixtures of the web tests (flaskr style): an app on a temporary SQLite database, its test
client, the day sample, and one planned copy of the day sample shared by the session.

Loaded by the web test modules with ``pytest_plugins = ["tests.conftest_web"]``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from models import Database
from tests.web_helpers import make_app, run_job, upload_day_sample
from web import planner_state, shutdown


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    application = make_app(tmp_path / "planner.sqlite3")
    yield application
    shutdown(application)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def database(app: Flask) -> Database:
    return planner_state(app).database


@pytest.fixture(scope="session")
def planned_day_file(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The day sample uploaded, planned and polled through the API once for the whole session;
    its database file, the API's answers and the ids."""
    path = tmp_path_factory.mktemp("planned") / "planned.sqlite3"
    application = make_app(path)
    try:
        client = application.test_client()
        created = upload_day_sample(client)
        assert created.status_code == 201, created.get_json()
        scenario_id = created.get_json()["id"]
        job = run_job(application, client, scenario_id)
        assert job["state"] == "succeeded", job
        created_answer = {"body": created.get_json(), "location": created.headers["Location"]}
    finally:
        shutdown(application)
    return {"path": path, "scenario_id": scenario_id, "plan_id": job["planId"], "job": job,
            "created": created_answer}


@pytest.fixture
def planned(planned_day_file: dict[str, Any], tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A fresh app on a private copy of the planned database: ``app``, ``client``, ids."""
    copy = tmp_path / "planned-copy.sqlite3"
    shutil.copyfile(planned_day_file["path"], copy)
    application = make_app(copy)
    yield {**planned_day_file, "app": application, "client": application.test_client()}
    shutdown(application)
