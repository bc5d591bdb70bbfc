"""Sweeps through the JSON API and the pages: 202 + job, poll, results, workbook; a bad grid is a
400 naming the axis and stores nothing; an unreachable scheduler fails the sweep with a clear
error and leaves the stored scenarios and plans untouched."""

from __future__ import annotations

import io
import socket
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.web_helpers import csrf_of, make_app, snapshot, upload_day_sample
from web import planner_state, shutdown

pytest_plugins = ["tests.conftest_web"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def serial_app(tmp_path):
    app = make_app(tmp_path / "sweeps.sqlite3", SWEEP_EXECUTOR="serial")
    yield app
    shutdown(app)


def _finish(app: Any, client: Any, response: Any) -> dict[str, Any]:
    assert response.status_code == 202, response.get_json()
    job = response.get_json()["job"]
    assert response.headers["Location"] == job["links"]["self"]
    assert planner_state(app).sweeps.wait(job["id"], timeout=600)
    return client.get(job["links"]["self"]).get_json()


def test_a_sweep_through_the_api(serial_app):
    client = serial_app.test_client()
    scenario_id = upload_day_sample(client).get_json()["id"]
    response = client.post(f"/api/scenarios/{scenario_id}/sweeps",
                           json={"grid": ["volume=0,+10%", "service_level[voice]=0.8,0.9"]})
    sweep = _finish(serial_app, client, response)
    assert sweep["state"] == "succeeded", sweep
    assert sweep["percentComplete"] == 100.0
    result = sweep["result"]
    assert [p["label"] for p in result["points"]] == [
        "volume=0%, service_level[voice]=80%", "volume=0%, service_level[voice]=90%",
        "volume=+10%, service_level[voice]=80%", "volume=+10%, service_level[voice]=90%"]
    fte = [p["required_fte"] for p in result["points"]]
    assert fte[2] > fte[0] and fte[1] > fte[0]  # more volume, higher target → more agents
    assert any("points done" in m["text"] for m in sweep["messages"])
    workbook = client.get(sweep["links"]["workbook"])
    assert workbook.status_code == 200
    book = load_workbook(io.BytesIO(workbook.data))
    assert book["Points"].max_row == 5
    listed = client.get(f"/api/scenarios/{scenario_id}/sweeps").get_json()["sweeps"]
    assert [s["id"] for s in listed] == [sweep["id"]] and "result" not in listed[0]


def test_a_bad_grid_is_a_400_naming_the_axis_and_stores_nothing(serial_app):
    client = serial_app.test_client()
    scenario_id = upload_day_sample(client).get_json()["id"]
    before = snapshot(planner_state(serial_app).database)
    response = client.post(f"/api/scenarios/{scenario_id}/sweeps",
                           json={"grid": {"speed": [1], "volume": []}})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["message"] == "the grid has problems (2 found)"
    fields = {d["field"]: d for d in error["details"]}
    assert "not a sweep parameter" in fields["speed"]["message"]
    assert "has no values" in fields["volume"]["message"]
    assert fields["volume"]["location"].startswith("body.grid")
    too_many = client.post(f"/api/scenarios/{scenario_id}/sweeps",
                           json={"grid": {"volume": "0:100%:1%", "aht": "0:30%:1%"}})
    assert too_many.status_code == 400 and "at most 2,000" in str(too_many.get_json())
    assert client.post(f"/api/scenarios/{scenario_id}/sweeps", json={"grid": {"volume": "0"},
                                                                     "speed": 1}).status_code == 400
    assert client.post("/api/scenarios/nope/sweeps", json={"grid": {"volume": "0"}}).status_code == 404
    assert snapshot(planner_state(serial_app).database) == before


def test_an_unreachable_scheduler_fails_the_sweep_and_keeps_everything_stored(tmp_path):
    address = f"tcp://127.0.0.1:{_free_port()}"
    app = make_app(tmp_path / "remote.sqlite3", SWEEP_EXECUTOR=address, SWEEP_CONNECT_TIMEOUT_SECONDS=1.0)
    try:
        client = app.test_client()
        scenario_id = upload_day_sample(client).get_json()["id"]
        before = snapshot(planner_state(app).database, ("scenarios", "plans"))
        sweep = _finish(app, client, client.post(f"/api/scenarios/{scenario_id}/sweeps",
                                                 json={"grid": {"volume": "0,+10%"}}))
        assert sweep["state"] == "failed"
        assert address in sweep["error"] and "PLANNER_DASK_SCHEDULER" in sweep["error"]
        assert sweep["result"] is None and sweep["links"]["workbook"] is None
        assert snapshot(planner_state(app).database, ("scenarios", "plans")) == before
    finally:
        shutdown(app)


def test_the_sweep_form_lists_problems_and_redirects_to_the_sweep_page(serial_app):
    client = serial_app.test_client()
    scenario_id = upload_day_sample(client).get_json()["id"]
    page = client.get(f"/scenarios/{scenario_id}/sweeps")
    assert page.status_code == 200
    token = csrf_of(page.get_data(as_text=True))
    bad = client.post(f"/scenarios/{scenario_id}/sweeps", data={"csrf_token": token,
                                                                "grid_volume": "lots"})
    assert bad.status_code == 400 and "not a number" in bad.get_data(as_text=True)
    good = client.post(f"/scenarios/{scenario_id}/sweeps",
                       data={"csrf_token": token, "grid_volume": "0, +10%"})
    assert good.status_code == 303 and "/sweeps/" in good.headers["Location"]
    sweep_id = good.headers["Location"].rsplit("/", 1)[1]
    assert planner_state(serial_app).sweeps.wait(sweep_id, timeout=600)
    html = client.get(good.headers["Location"]).get_data(as_text=True)
    assert 'id="sweep-cost-chart"' in html and "sweep.js" in html
