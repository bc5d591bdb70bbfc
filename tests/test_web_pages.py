"""The HTML pages: upload with every problem listed by cell, CSRF, the editor, results, compare."""

from __future__ import annotations

import json
import re

from openpyxl import load_workbook

from models import ScenarioRecord
from tests.web_helpers import DAY_SAMPLE, csrf_of, snapshot
from web import planner_state

pytest_plugins = ["tests.conftest_web"]


def _upload(client, path, token, name="day"):
    with path.open("rb") as handle:
        return client.post("/scenarios", content_type="multipart/form-data",
                           data={"csrf_token": token, "name": name,
                                 "workbook": (handle, path.name)})


def test_index_has_the_upload_form_and_strict_security_headers(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html and csrf_of(html)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "<script>" not in html  # no inline scripts


def test_a_form_post_without_the_csrf_token_is_refused_and_stores_nothing(client, database):
    client.get("/")
    before = snapshot(database)
    response = _upload(client, DAY_SAMPLE, token="forged")
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert snapshot(database) == before


def test_upload_page_lists_every_validation_problem_by_cell(client, database, tmp_path):
    book = load_workbook(DAY_SAMPLE)
    sheet = book[next(n for n in book.sheetnames if n.lower().startswith("channel"))]
    header_row, col = next((c.row, c.column) for row in sheet.iter_rows(max_row=10) for c in row
                           if str(c.value).strip().lower() == "aht_seconds")
    sheet.cell(header_row + 1, col).value = -3
    sheet.cell(header_row + 3, col).value = 0
    broken = tmp_path / "broken.xlsx"
    book.save(broken)
    token = csrf_of(client.get("/").get_data(as_text=True))
    before = snapshot(database)
    response = _upload(client, broken, token)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    letter = sheet.cell(1, col).column_letter
    for row in (header_row + 1, header_row + 3):
        assert f"{sheet.title}!{letter}{row}" in html
    assert "Traceback" not in html
    assert snapshot(database) == before


def test_upload_then_edit_overrides_in_the_editor(client, database):
    token = csrf_of(client.get("/").get_data(as_text=True))
    response = _upload(client, DAY_SAMPLE, token, name="Monday")
    assert response.status_code == 303
    editor_url = response.headers["Location"]
    html = client.get(editor_url).get_data(as_text=True)
    assert "Scenario: Monday" in html
    saved = client.post(editor_url, data={"csrf_token": token, "name": "Monday",
                                          "volume_pct": "12.5", "share_0": "",
                                          "action": "save"})
    assert saved.status_code == 303
    scenario_id = editor_url.rsplit("/", 1)[-1]
    with database.session() as session:
        assert session.get(ScenarioRecord, scenario_id).overrides == {"volume_pct": 12.5}
    # a bad value is listed with its location and changes nothing
    bad = client.post(editor_url, data={"csrf_token": token, "name": "Monday",
                                        "share_0": "5", "action": "save"})
    assert bad.status_code == 400
    assert "overrides.deflection_share." in bad.get_data(as_text=True)
    with database.session() as session:
        assert session.get(ScenarioRecord, scenario_id).overrides == {"volume_pct": 12.5}


def test_results_page_carries_the_chart_data_and_serves_the_vendored_chart_library(planned):
    client, plan_id = planned["client"], planned["plan_id"]
    response = client.get(f"/plans/{plan_id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    # key figures in planner words and units, grouped; no internal key is shown as a label
    figures = re.search(r'<div class="figure-groups" id="key-figures">(.*?)</section>', html, re.S).group(1)
    groups = re.findall(r"<h3>([^<]+)</h3>", figures)
    assert groups[:2] == ["Demand", "Staffing"] and "Service" in groups and "Solver" in groups
    shown = dict(re.findall(r"<th>([^<]+)</th><td>([^<]+)</td>", figures))
    assert re.fullmatch(r"\d+\.\d %", shown["Service level, voice"])
    assert re.fullmatch(r"USD [\d,]+", shown["Labour cost"])
    assert re.fullmatch(r"\d+(\.\d)? s|\d+ min \d\d s", shown["Average speed of answer"])
    assert shown["Scheduled FTE"].endswith(" FTE")
    assert not any("_" in label or "[" in label for label in shown)
    payload = json.loads(re.search(r'<script type="application/json" id="chart-data">(.*?)</script>',
                                   html, re.S).group(1))
    assert set(payload["groups"]) == {"voice", "chat", "email"}
    for group in payload["groups"].values():
        assert len(group["labels"]) == len(group["required"]) == len(group["working"]) == 96
    assert payload["timeline"] and all(s["end"] > s["start"] for s in payload["timeline"])
    assert "vendor/chartjs/chart.umd.min.js" in html
    with client.get("/static/vendor/chartjs/chart.umd.min.js") as library:
        assert library.status_code == 200 and b"Chart.js v4" in library.data[:200]
    with client.get("/static/app.js") as script:
        assert script.status_code == 200


def test_compare_page_shows_each_scenario_and_zero_deltas_against_itself(planned):
    client, scenario_id = planned["client"], planned["scenario_id"]
    inputs = client.get(f"/api/scenarios/{scenario_id}?include=inputs").get_json()["inputs"]
    unplanned = client.post("/api/scenarios", json={**inputs, "name": "not planned"})
    other = unplanned.get_json()["id"]
    html = client.get(f"/compare?scenario={scenario_id}&scenario={scenario_id}"
                      f"&scenario={other}").get_data(as_text=True)
    assert "Labour cost" in html and "Scheduled FTE" in html and "Service level, voice" in html
    assert "labour_cost" not in re.sub(r'data-key="[^"]*"', "", html)  # no internal keys shown
    assert "(no plan yet)" in html
    deltas = re.findall(r'class="delta[^"]*">\(([^)]*)\)', html)
    assert deltas and all(d == "±0" for d in deltas)
    assert "choose two or more" in client.get(f"/compare?scenario={scenario_id}").get_data(
        as_text=True)


def test_html_errors_are_pages_without_stack_traces(client):
    response = client.get("/plans/does-not-exist")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "Traceback" not in response.get_data(as_text=True)


def test_an_unexpected_error_is_logged_not_shown(tmp_path, caplog):
    from tests.web_helpers import make_app
    from web import shutdown

    app = make_app(tmp_path / "boom.sqlite3")

    def boom():
        raise RuntimeError("secret internals /etc/passwd")

    app.add_url_rule("/api/boom", view_func=boom)
    app.add_url_rule("/boom", view_func=boom, endpoint="boom_page")
    try:
        client = app.test_client()
        with caplog.at_level("ERROR"):
            api = client.get("/api/boom")
            page = client.get("/boom")
        assert api.status_code == 500 and page.status_code == 500
        assert api.get_json()["error"]["status"] == 500
        for response in (api, page):
            text = response.get_data(as_text=True)
            assert "secret internals" not in text and "Traceback" not in text
        assert any("secret internals" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)
    finally:
        shutdown(app)


def test_the_job_runner_lives_on_the_app(app):
    state = planner_state(app)
    assert app.extensions["planner"] is state
    assert state.jobs.database is state.database
