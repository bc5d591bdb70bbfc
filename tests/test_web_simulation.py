"""Simulating a stored plan through the JSON API and the results page (issue 13)."""

from __future__ import annotations

from typing import Any

from models import PlanRecord
from tests.web_helpers import csrf_of, snapshot
from web import planner_state
from web.simulations import simulation_runner

pytest_plugins = ["tests.conftest_web"]


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.data[:500]
    body = response.get_json()
    assert set(body["error"]) == {"status", "message", "details"}
    return body["error"]


def test_simulation_job_of_a_stored_plan(planned: dict[str, Any]) -> None:
    client, app, plan_id = planned["client"], planned["app"], planned["plan_id"]
    response = client.post(f"/api/plans/{plan_id}/simulations", json={"replications": 3, "seed": 2})
    assert response.status_code == 202, response.get_json()
    body = response.get_json()
    simulation = body["simulation"]
    assert body["job"]["planId"] == plan_id and response.headers["Location"].endswith(simulation["id"])
    simulation_runner(app).wait(simulation["id"], timeout=300)
    job = client.get(f"/api/jobs/{body['job']['id']}").get_json()
    assert job["state"] == "succeeded", job
    assert any("replication 3 of 3" in m["text"] for m in job["messages"])
    stored = client.get(f"/api/simulations/{simulation['id']}").get_json()
    assert stored["state"] == "succeeded" and stored["options"]["replications"] == 3
    result = stored["result"]
    assert [g["group"] for g in result["groups"]] == ["voice", "chat", "email"]
    for group in result["groups"]:
        for level in [group, *group["days"], *group["intervals"]]:
            assert {"group", "predicted_service_level", "simulated_service_level", "ci_low",
                    "ci_high"} <= set(level)
    voice = result["groups"][0]
    assert 0.0 < voice["simulated_service_level"] <= 1.0
    assert voice["ci_low"] <= voice["simulated_service_level"] <= voice["ci_high"]
    listed = client.get(f"/api/plans/{plan_id}/simulations").get_json()
    assert [s["id"] for s in listed["simulations"]] == [simulation["id"]]
    assert "result" not in listed["simulations"][0]
    # the same seed through the API gives the same numbers
    again = client.post(f"/api/plans/{plan_id}/simulations", json={"replications": 3, "seed": 2}).get_json()
    simulation_runner(app).wait(again["simulation"]["id"], timeout=300)
    repeat = client.get(f"/api/simulations/{again['simulation']['id']}").get_json()["result"]
    assert repeat["groups"][0]["simulated_service_level"] == voice["simulated_service_level"]
    # deleting the scenario deletes its plans and their simulations
    assert client.delete(f"/api/scenarios/{planned['scenario_id']}").status_code == 204
    _error(client.get(f"/api/simulations/{simulation['id']}"), 404)


def test_bad_simulation_requests_are_refused_and_store_nothing(planned: dict[str, Any]) -> None:
    client, app, plan_id = planned["client"], planned["app"], planned["plan_id"]
    database = planner_state(app).database
    before = snapshot(database)
    error = _error(client.post(f"/api/plans/{plan_id}/simulations", json={"replications": 0}), 400)
    assert error["details"][0]["location"] == "body.replications"
    assert "≥ 1" in error["details"][0]["message"]
    error = _error(client.post(f"/api/plans/{plan_id}/simulations", json={"replications": 5000}), 400)
    assert "between 1 and 1000" in error["details"][0]["message"]
    error = _error(client.post(f"/api/plans/{plan_id}/simulations",
                               json={"scenarioId": "another-scenario"}), 400)
    assert "another scenario" in error["message"]
    _error(client.post(f"/api/plans/{plan_id}/simulations", json={"replicas": 3}), 400)
    _error(client.post("/api/plans/nope/simulations", json={}), 404)
    _error(client.get("/api/simulations/nope"), 404)
    assert snapshot(database) == before
    # a plan stored without a schedule
    with database.transaction() as session:
        record = session.get(PlanRecord, plan_id)
        bare = PlanRecord(scenario_id=record.scenario_id, status="requirements only",
                          results={**record.results, "schedule": None}, meta=record.meta)
        session.add(bare)
    with database.session() as session:
        bare_id = session.query(PlanRecord).filter(PlanRecord.status == "requirements only").one().id
    error = _error(client.post(f"/api/plans/{bare_id}/simulations", json={}), 400)
    assert "no schedule" in error["message"]


def test_results_page_offers_the_simulation_and_starts_it(planned: dict[str, Any]) -> None:
    client, app, plan_id = planned["client"], planned["app"], planned["plan_id"]
    page = client.get(f"/plans/{plan_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'id="simulation"' in html and "simulation.js" in html
    script = client.get("/static/simulation.js")
    assert script.status_code == 200 and b"confidence band" in script.data
    script.close()
    refused = client.post(f"/plans/{plan_id}/simulate", data={"replications": "2"})
    assert refused.status_code == 400  # no CSRF token
    started = client.post(f"/plans/{plan_id}/simulate",
                          data={"replications": "2", "seed": "1", "csrf_token": csrf_of(html)})
    assert started.status_code == 303 and "/jobs/" in started.headers["Location"]
    listed = client.get(f"/api/plans/{plan_id}/simulations").get_json()["simulations"]
    simulation_runner(app).wait(listed[-1]["id"], timeout=300)
    assert client.get(f"/api/simulations/{listed[-1]['id']}").get_json()["state"] == "succeeded"
