"""A real browser (Playwright driving Debian's Chromium) through the whole flow on a real
waitress server: upload the day sample, change a parameter, run, see the chart, download the
plan. Chromium comes from ``make system-deps`` (apt), never from ``playwright install``."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from models import ScenarioRecord
from tests.web_helpers import DAY_SAMPLE, make_app
from web import planner_state, shutdown
from web.serve import start_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.browser


def _screenshot_dir(tmp_path: Path) -> Path:
    """Where screenshots go: ``PLANNER_SCREENSHOT_DIR`` when set (to look at them), else tmp_path."""
    folder = Path(os.environ.get("PLANNER_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def live_server(tmp_path):
    app = make_app(tmp_path / "browser.sqlite3")
    running = start_server(app)
    yield app, running.url
    running.stop()
    shutdown(app)


def test_upload_tweak_run_see_the_chart_and_download_the_plan(live_server, tmp_path):
    assert CHROMIUM.exists(), "Debian's chromium is missing: run `make system-deps`"
    from playwright.sync_api import sync_playwright

    app, base = live_server
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(accept_downloads=True)
            failed_requests: list[str] = []
            page.on("requestfailed", lambda request: failed_requests.append(request.url))
            console_errors: list[str] = []  # CSP violations and script errors land here
            page.on("console", lambda message: console_errors.append(message.text)
                    if message.type == "error" else None)
            page.on("pageerror", lambda error: console_errors.append(str(error)))
            page.goto(base + "/")
            page.fill("input[name=name]", "browser day")
            page.set_input_files("input[name=workbook]", str(DAY_SAMPLE))
            page.click("#upload-form button[type=submit]")
            page.wait_for_url("**/scenarios/*")
            assert "Scenario: browser day" in page.inner_text("h1")

            page.fill("#volume_pct", "10")
            page.click("#run")
            page.wait_for_url("**/jobs/*")
            assert page.locator("#job-progress").count() == 1
            page.wait_for_url("**/plans/*", timeout=600_000)

            page.wait_for_selector("#coverage-charts[data-rendered='3']")
            charts = page.evaluate("""() => Array.from(document.querySelectorAll(
                '#coverage-charts canvas')).map(c => {
                    const chart = window.Chart.getChart(c);
                    return {points: chart.data.labels.length, sets: chart.data.datasets.length,
                            width: c.width};
                })""")
            assert len(charts) == 3
            assert all(c["points"] == 96 and c["sets"] == 2 and c["width"] > 0 for c in charts)
            assert int(page.get_attribute("#timeline", "data-rendered")) > 0
            # key figures in planner words and units, grouped (issue 15)
            figures = page.inner_text("#key-figures")
            assert "Service level, voice" in figures and "Scheduled FTE" in figures
            assert "%" in figures and "USD " in figures
            assert "predicted_service_level" not in figures and "_" not in figures
            shots = _screenshot_dir(tmp_path)
            page.screenshot(path=str(shots / "results.png"), full_page=True)
            page.locator("#key-figures").screenshot(path=str(shots / "key_figures.png"))

            with page.expect_download() as download_info:
                page.click("#download-plan")
            download = download_info.value
            assert download.suggested_filename.endswith(".xlsx")
            saved = tmp_path / download.suggested_filename
            download.save_as(saved)
            assert load_workbook(io.BytesIO(saved.read_bytes())).sheetnames
            assert console_errors == []
            # a download may be reported as an aborted navigation; nothing else may fail
            assert [u for u in failed_requests if "/workbook" not in u] == []
        finally:
            browser.close()

    with planner_state(app).database.session() as session:
        (record,) = session.scalars(select(ScenarioRecord)).all()
        assert record.overrides == {"volume_pct": 10}
        assert len(record.plans) == 1
