"""The JSON API end to end on the day sample, its error shape, the token and the guarantee that
a failed upload or a failed solve leaves the stored scenarios and plans exactly as they were."""

from __future__ import annotations

import copy
import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta

from openpyxl import load_workbook

from tests.web_helpers import (
    DAY_SAMPLE,
    make_app,
    run_job,
    snapshot,
    upload_day_sample,
)
from web import planner_state, shutdown

pytest_plugins = ["tests.conftest_web"]


def _error(response, status):
    assert response.status_code == status, response.data[:500]
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"status", "message", "details"}
    assert body["error"]["status"] == status
    assert "Traceback" not in response.get_data(as_text=True)
    return body["error"]


# -- the error shape, uploads -----------------------------------------------------------------
def test_unknown_ids_are_404_in_the_one_error_shape(client):
    for url in ("/api/scenarios/nope", "/api/jobs/nope", "/api/plans/nope",
                "/api/plans/nope/schedule", "/api/plans/nope/requirements", "/api/nowhere"):
        _error(client.get(url), 404)
    _error(client.post("/api/scenarios/nope/plans"), 404)
    _error(client.patch("/api/scenarios/nope", json={"name": "x"}), 404)
    _error(client.delete("/api/scenarios/nope"), 404)
    assert _error(client.put("/api/scenarios/nope"), 405)["message"]
    _error(client.post("/api/scenarios", data="plain text", content_type="text/plain"), 415)


def test_upload_of_a_non_xlsx_file_is_refused_and_stores_nothing(client, database):
    before = snapshot(database)
    response = client.post("/api/scenarios", content_type="multipart/form-data",
                           data={"workbook": (io.BytesIO(b"a,b\n1,2\n"), "forecast.csv")})
    error = _error(response, 400)
    assert "only .xlsx" in error["message"]
    renamed = client.post("/api/scenarios", content_type="multipart/form-data",
                          data={"workbook": (io.BytesIO(b"not a zip at all"), "forecast.xlsx")})
    assert "not an Excel workbook" in _error(renamed, 400)["message"]
    assert snapshot(database) == before


def test_upload_with_bad_cells_lists_every_problem_by_cell_and_stores_nothing(client, database,
                                                                             tmp_path):
    workbook = load_workbook(DAY_SAMPLE)
    names = workbook.sheetnames
    channels = workbook[next(n for n in names if n.lower().startswith("channel"))]
    header_row, aht_col = next((cell.row, cell.column) for row in channels.iter_rows(max_row=10)
                               for cell in row if str(cell.value).strip().lower() == "aht_seconds")
    channels.cell(header_row + 1, aht_col).value = -3
    channels.cell(header_row + 2, aht_col).value = "abc"
    broken = tmp_path / "broken.xlsx"
    workbook.save(broken)
    before = snapshot(database)
    with broken.open("rb") as handle:
        response = client.post("/api/scenarios", content_type="multipart/form-data",
                               data={"workbook": (handle, "broken.xlsx")})
    error = _error(response, 400)
    locations = {d["location"] for d in error["details"]}
    letter = channels.cell(header_row + 1, aht_col).column_letter
    assert f"{channels.title}!{letter}{header_row + 1}" in locations
    assert f"{channels.title}!{letter}{header_row + 2}" in locations
    assert all(d["field"] and d["message"] for d in error["details"])
    assert snapshot(database) == before


def test_upload_larger_than_the_limit_is_413(tmp_path):
    app = make_app(tmp_path / "db.sqlite3", MAX_CONTENT_LENGTH=4_000)
    try:
        response = upload_day_sample(app.test_client())
        error = _error(response, 413)
        assert "limit" in error["message"]
    finally:
        shutdown(app)


def test_json_scenario_with_bad_fields_names_each_by_json_path(planned):
    client = planned["client"]
    inputs = client.get(f"/api/scenarios/{planned['scenario_id']}?include=inputs").get_json()["inputs"]
    bad = copy.deepcopy(inputs)
    bad["channels"][0]["aht_seconds"] = -1
    bad["segments"][1]["max_self_service_share"] = 2
    bad["settings"]["bogus"] = 1
    error = _error(client.post("/api/scenarios", json=bad), 400)
    locations = {d["location"] for d in error["details"]}
    assert {"channels[0].aht_seconds", "segments[1].max_self_service_share",
            "settings.bogus"} <= locations


# -- the token ----------------------------------------------------------------------------------
def test_write_endpoints_need_the_token_when_one_is_set(tmp_path):
    app = make_app(tmp_path / "db.sqlite3", API_TOKEN="s3cret-token")
    client = app.test_client()
    try:
        before = snapshot(planner_state(app).database)
        assert "Bearer" in _error(upload_day_sample(client), 401)["message"]
        _error(upload_day_sample(client, Authorization="Bearer wrong"), 401)
        assert snapshot(planner_state(app).database) == before
        created = upload_day_sample(client, Authorization="Bearer s3cret-token")
        assert created.status_code == 201
        scenario_id = created.get_json()["id"]
        # reads stay open; writes do not
        assert client.get(f"/api/scenarios/{scenario_id}").status_code == 200
        _error(client.patch(f"/api/scenarios/{scenario_id}", json={"name": "x"}), 401)
        _error(client.post(f"/api/scenarios/{scenario_id}/plans"), 401)
        _error(client.delete(f"/api/scenarios/{scenario_id}"), 401)
        ok = client.delete(f"/api/scenarios/{scenario_id}", headers={"X-API-Token": "s3cret-token"})
        assert ok.status_code == 204
    finally:
        shutdown(app)


def test_start_up_warns_loudly_without_a_token(tmp_path, caplog):
    with caplog.at_level("WARNING"):
        app = make_app(tmp_path / "db.sqlite3")
    shutdown(app)
    assert any("NO API TOKEN" in r.getMessage() for r in caplog.records)
    with caplog.at_level("WARNING"):
        caplog.clear()
        app = make_app(tmp_path / "db2.sqlite3", API_TOKEN="t")
    shutdown(app)
    assert not any("NO API TOKEN" in r.getMessage() for r in caplog.records)


# -- OpenAPI --------------------------------------------------------------------------------------
def test_openapi_document_lists_every_api_route(app, client):
    document = client.get("/api/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    documented = {(path, method) for path, item in document["paths"].items()
                  for method in item if method != "parameters"}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        path = re.sub(r"<(?:\w+:)?\w+>", "{id}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in documented, (path, method)


# -- end to end -------------------------------------------------------------------------------------
def _read_ics(body: bytes) -> list[dict[str, str]]:
    """A small independent RFC 5545 reader: CRLF lines, unfold, split events."""
    text = body.decode("utf-8")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    physical = text.split("\r\n")[:-1]
    assert all(len(line.encode("utf-8")) <= 75 for line in physical)
    logical: list[str] = []
    for line in physical:
        if line.startswith(" "):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    assert logical[0] == "BEGIN:VCALENDAR" and logical[-1] == "END:VCALENDAR"
    events, current = [], None
    for line in logical:
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            key, _, value = line.partition(":")
            current[key] = value
    return events


def test_upload_plan_poll_and_export_every_format_round_trip(planned):
    """Upload → plan → poll ran through the API in the session fixture; export and re-read."""
    client = planned["client"]
    scenario = planned["created"]["body"]
    assert planned["created"]["location"].endswith(scenario["id"])
    assert scenario["summary"]["days"] == 1
    assert len(scenario["id"]) >= 22  # 128 random bits
    job = planned["job"]
    assert job["state"] == "succeeded", job
    assert job["percentComplete"] == 100.0
    texts = [m["text"] for m in job["messages"]]
    assert texts[0] == "queued" and texts[-1] == "done" and len(texts) > 4

    plan = client.get(f"/api/plans/{job['planId']}").get_json()
    assert plan["scenarioId"] == scenario["id"]
    assert plan["schedule"]["shifts"] > 0
    schedule_url = plan["links"]["schedule"]

    as_json = client.get(schedule_url + "?format=json").get_json()
    shifts = as_json["shifts"]
    assert len(shifts) == plan["schedule"]["shifts"]
    assert as_json["timezone"] == scenario["summary"]["timezone"]
    for shift in shifts:
        start = datetime.fromisoformat(shift["startDate"])
        assert start.utcoffset() is not None  # ISO 8601 with the zone's offset
        assert set(shift) >= {"agent", "group", "startDate", "lengthMinutes", "activities"}
        for activity in shift["activities"]:
            a_start = datetime.fromisoformat(activity["startDate"])
            assert start <= a_start
            assert a_start + timedelta(minutes=activity["lengthMinutes"]) <= \
                start + timedelta(minutes=shift["lengthMinutes"])

    # CSV: one SHIFT row per shift, one row per activity, same times as the JSON
    rows = list(csv.DictReader(io.StringIO(
        client.get(schedule_url + "?format=csv").get_data(as_text=True))))
    shift_rows = [r for r in rows if r["activityCode"] == "SHIFT"]
    assert [(r["agent"], r["startDate"], int(r["lengthMinutes"])) for r in shift_rows] == \
        [(s["agent"], s["startDate"], s["lengthMinutes"]) for s in shifts]
    assert len(rows) - len(shift_rows) == sum(len(s["activities"]) for s in shifts)

    # XLSX: re-read with openpyxl
    response = client.get(schedule_url + "?format=xlsx")
    assert 'filename="contact_center_day-schedule.xlsx"' in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    sheet_rows = list(book["Shifts"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[3], r[5]) for r in sheet_rows] == \
        [(s["agent"], s["startDate"], s["lengthMinutes"]) for s in shifts]
    activity_rows = list(book["Activities"].iter_rows(min_row=2, values_only=True))
    assert len(activity_rows) == sum(len(s["activities"]) for s in shifts)

    # iCalendar: one VEVENT per shift, UTC times equal to the JSON's, breaks listed
    events = _read_ics(client.get(schedule_url + "?format=ics").data)
    assert len(events) == len(shifts)
    for event, shift in zip(events, shifts, strict=True):
        start = datetime.fromisoformat(shift["startDate"])
        assert event["DTSTART"] == start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        for activity in shift["activities"]:
            assert activity["activityCode"] in event["DESCRIPTION"]

    # the plan workbook and the requirements
    workbook = client.get(plan["links"]["workbook"])
    assert workbook.status_code == 200
    assert load_workbook(io.BytesIO(workbook.data)).sheetnames
    requirements = client.get(plan["links"]["requirements"]).get_json()["requirements"]
    assert requirements and all(datetime.fromisoformat(r["intervalStart"]).utcoffset() is not None
                                for r in requirements)


def test_schedule_filters_select_by_group_and_time(planned):
    client, plan_id = planned["client"], planned["plan_id"]
    url = f"/api/plans/{plan_id}/schedule"
    everything = client.get(url).get_json()["shifts"]
    groups = sorted({s["group"] for s in everything})
    assert len(groups) >= 2
    for group in groups:
        own = client.get(url, query_string={"group": group}).get_json()["shifts"]
        assert own == [s for s in everything if s["group"] == group]
    both = client.get(url, query_string={"group": ",".join(groups[:2])}).get_json()["shifts"]
    assert len(both) == sum(s["group"] in groups[:2] for s in everything)
    # a time window: shifts overlapping [from, to)
    first = datetime.fromisoformat(everything[0]["startDate"])
    window_from, window_to = first + timedelta(hours=3), first + timedelta(hours=5)
    windowed = client.get(url, query_string={"from": window_from.isoformat(),
                                             "to": window_to.isoformat()}).get_json()["shifts"]
    expected = [s for s in everything
                if datetime.fromisoformat(s["startDate"]) < window_to
                and datetime.fromisoformat(s["startDate"])
                + timedelta(minutes=s["lengthMinutes"]) > window_from]
    assert windowed == expected and 0 < len(windowed) < len(everything)
    error = _error(client.get(url, query_string={"group": "nobody", "from": "yesterday",
                                                 "format": "json"}), 400)
    assert {d["location"] for d in error["details"]} == {"query.group", "query.from"}
    _error(client.get(url, query_string={"format": "pdf"}), 400)


def test_patch_overrides_are_validated_and_delete_removes_plans(planned):
    client, scenario_id = planned["client"], planned["scenario_id"]
    bad = client.patch(f"/api/scenarios/{scenario_id}",
                       json={"overrides": {"volume_pct": -150, "deflection_share": {"nobody": 0.2},
                                           "shift_templates": {"voice 8h": {"cost_per_hour": -1}}}})
    locations = {d["location"] for d in _error(bad, 400)["details"]}
    assert {"overrides.volume_pct", "overrides.deflection_share.nobody",
            "overrides.shift_templates.voice 8h.cost_per_hour"} <= locations
    assert client.get(f"/api/scenarios/{scenario_id}").get_json()["overrides"] == {}
    good = client.patch(f"/api/scenarios/{scenario_id}",
                        json={"name": "busier", "overrides": {"volume_pct": 10}})
    assert good.status_code == 200
    assert good.get_json()["overrides"] == {"volume_pct": 10}
    assert good.get_json()["name"] == "busier"
    schedule_url = f"/api/plans/{planned['plan_id']}/schedule"
    assert client.get(schedule_url).status_code == 200  # now in the export cache
    assert client.delete(f"/api/scenarios/{scenario_id}").status_code == 204
    _error(client.get(f"/api/scenarios/{scenario_id}"), 404)
    _error(client.get(schedule_url), 404)  # the cache forgot the deleted plan


def test_a_failed_solve_leaves_scenarios_and_plans_exactly_as_they_were(planned):
    """A real failed solve: a solver time limit of 1 µs ends with no solution."""
    app, client = planned["app"], planned["client"]
    inputs = client.get(f"/api/scenarios/{planned['scenario_id']}?include=inputs").get_json()["inputs"]
    impossible = copy.deepcopy(inputs)
    impossible["settings"]["solver_time_limit_seconds"] = 1e-6
    created = client.post("/api/scenarios", json={**impossible, "name": "no time to solve"})
    assert created.status_code == 201
    database = planner_state(app).database
    before = snapshot(database)
    job = run_job(app, client, created.get_json()["id"])
    assert job["state"] == "failed"
    assert "time_limit_no_solution" in job["error"] and job["planId"] is None
    after = snapshot(database)
    assert after["scenarios"] == before["scenarios"]
    assert after["plans"] == before["plans"]
    assert after["schema_version"] == before["schema_version"]
    new_jobs = [row for row in after["jobs"] if row not in before["jobs"]]
    assert len(new_jobs) == 1 and len(after["jobs"]) == len(before["jobs"]) + 1


def test_a_scenario_posted_as_json_round_trips(planned):
    client = planned["client"]
    original = client.get(f"/api/scenarios/{planned['scenario_id']}?include=inputs").get_json()
    created = client.post("/api/scenarios", json={**original["inputs"],
                                                  "overrides": {"aht_pct": 5}})
    assert created.status_code == 201
    copy_id = created.get_json()["id"]
    again = client.get(f"/api/scenarios/{copy_id}?include=inputs").get_json()
    assert json.dumps(again["inputs"], sort_keys=True) == json.dumps(original["inputs"],
                                                                     sort_keys=True)
    assert again["overrides"] == {"aht_pct": 5}
    assert copy_id != planned["scenario_id"]
