"""The capacity plan through the JSON API and the pages: 202 + job, the stored result, located
errors before any job starts, nothing stored on failure, the JSON codec round trip."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from models import Database
from models.capacity_codec import capacity_from_document, capacity_to_document
from planner import excel
from planner.excel.capacity import read_capacity
from tests.web_helpers import DAY_SAMPLE, JOB_TIMEOUT_SECONDS, csrf_of, snapshot, upload_day_sample
from web import planner_state

pytest_plugins = ["tests.conftest_web"]


def _plan(app: Flask, client: FlaskClient, scenario_id: str, body: dict) -> dict:
    response = client.post(f"/api/scenarios/{scenario_id}/capacity-plans", json=body)
    assert response.status_code == 202, response.get_json()
    job = response.get_json()["job"]
    assert response.headers["Location"].endswith(f"/api/jobs/{job['id']}")
    assert planner_state(app).jobs.wait(job["id"], timeout=JOB_TIMEOUT_SECONDS)
    return client.get(f"/api/jobs/{job['id']}").get_json()


def test_capacity_plan_job_end_to_end(app: Flask, client: FlaskClient) -> None:
    scenario_id = upload_day_sample(client).get_json()["id"]
    job = _plan(app, client, scenario_id, {"scenarios": 3, "scheduleEfficiency": 1.08})
    assert job["state"] == "succeeded", job
    assert job["capacityPlanId"] and any("capacity: solving" in m["text"] for m in job["messages"])
    plan = client.get(f"/api/capacity-plans/{job['capacityPlanId']}").get_json()
    assert plan["summary"]["scenarios"] == 3 and plan["summary"]["status"] == "optimal"
    assert plan["inputs"]["settings"]["schedule_efficiency"] == 1.08
    assert len(plan["weekly"]) == 26 * 3
    assert sum(h["hires"] for h in plan["hiring"]) == plan["summary"]["hires_total"]
    # Today's people come from the day sample's Agents sheet (140 agents = 126.5 FTE, see
    # tests/test_capacity_people.py for the hand count), and the plan says so.
    assert plan["summary"]["people_source"].startswith("Agents sheet: 140 agents = 126.5 FTE")
    assert sum(p["fte"] for p in plan["people"]) == pytest.approx(126.5)
    rule, optimised = plan["baseline"]["rule"], plan["baseline"]["optimised"]
    # the rule's plan is one feasible plan: the optimum (within its gap) is never worse
    gap = plan["summary"]["gap"]
    assert rule["expected_total_cost"] >= optimised["expected_total_cost"] * (1 - gap) - 1e-6
    listed = client.get(f"/api/scenarios/{scenario_id}/capacity-plans").get_json()["capacityPlans"]
    assert [p["id"] for p in listed] == [plan["id"]]
    workbook = client.get(plan["links"]["workbook"])
    assert workbook.status_code == 200
    assert "CapacityPlan" in load_workbook(io.BytesIO(workbook.data)).sheetnames
    page = client.get(plan["links"]["page"])
    assert page.status_code == 200 and b'id="capacity-data"' in page.data and b"Hiring plan" in page.data
    assert b"People today: Agents sheet: 140 agents" in page.data and b'id="people-today"' in page.data
    assert client.delete(f"/api/scenarios/{scenario_id}").status_code == 204
    assert client.get(f"/api/capacity-plans/{plan['id']}").status_code == 404  # deleted with its scenario


def test_bad_capacity_inputs_are_located_and_nothing_is_queued(app: Flask, client: FlaskClient,
                                                               database: Database) -> None:
    scenario_id = upload_day_sample(client).get_json()["id"]
    scenario = excel.read_workbook(DAY_SAMPLE)
    inputs = read_capacity(DAY_SAMPLE, scenario)
    assert inputs is not None
    document = capacity_to_document(inputs)
    document["hire_classes"][0]["lead_weeks"] = 40
    document["headcount"][1]["fte"] = -2
    before = snapshot(database)
    response = client.post(f"/api/scenarios/{scenario_id}/capacity-plans", json={"capacity": document})
    assert response.status_code == 400
    details = {(d["location"], d["field"]) for d in response.get_json()["error"]["details"]}
    assert ("hire_classes[0].lead_weeks", "lead_weeks") in details
    assert ("headcount[1].fte", "fte") in details
    bad = client.post(f"/api/scenarios/{scenario_id}/capacity-plans", json={"scenarios": 0, "x": 1})
    assert bad.status_code == 400
    assert snapshot(database) == before  # no job, no plan


def test_a_json_scenario_without_capacity_inputs_gets_a_clear_400(app: Flask, client: FlaskClient) -> None:
    from models import scenario_to_document

    body = scenario_to_document(excel.read_workbook(DAY_SAMPLE))
    scenario_id = client.post("/api/scenarios", json=body).get_json()["id"]
    response = client.post(f"/api/scenarios/{scenario_id}/capacity-plans")
    assert response.status_code == 400
    assert response.get_json()["error"]["details"][0]["field"] == "capacity"


def test_capacity_document_round_trips() -> None:
    path = DAY_SAMPLE.parent / "contact_center_week.xlsx"
    inputs = read_capacity(path, excel.read_workbook(path))
    assert inputs is not None
    again = capacity_from_document(capacity_to_document(inputs))
    assert again.settings == inputs.settings and again.hire_classes == inputs.hire_classes
    assert again.headcount == inputs.headcount and again.groups == inputs.groups
    assert again.weeks is not None and inputs.weeks is not None
    assert again.weeks.equals(inputs.weeks)


def test_the_scenario_page_runs_a_capacity_plan(app: Flask, client: FlaskClient) -> None:
    scenario_id = upload_day_sample(client).get_json()["id"]
    page = client.get(f"/scenarios/{scenario_id}")
    assert b'id="run-capacity"' in page.data
    response = client.post(f"/scenarios/{scenario_id}/capacity",
                           data={"csrf_token": csrf_of(page.get_data(as_text=True)), "scenarios": "abc"})
    assert response.status_code == 400 and b"form.scenarios" in response.data
