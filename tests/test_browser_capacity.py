"""A real browser (Playwright driving Debian's Chromium) through the capacity plan on a real
waitress server: upload the day sample, plan capacity from the scenario page, watch the job,
see the charts and the hiring plan, compare two capacity plans, download the workbook."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.test_browser import CHROMIUM, CHROMIUM_ARGS
from tests.web_helpers import DAY_SAMPLE, make_app
from web import shutdown
from web.serve import start_server

pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(tmp_path):
    app = make_app(tmp_path / "browser-capacity.sqlite3")
    running = start_server(app)
    yield app, running.url
    running.stop()
    shutdown(app)


def _chart_sizes(page, selector: str) -> list[dict[str, int]]:
    return page.evaluate(
        """(selector) => Array.from(document.querySelectorAll(selector + ' canvas')).map(c => {
            const chart = window.Chart.getChart(c);
            return {points: chart.data.labels.length, sets: chart.data.datasets.length, width: c.width};
        })""",
        selector,
    )


def test_plan_capacity_see_the_charts_compare_and_download(live_server, tmp_path: Path) -> None:
    assert CHROMIUM.exists(), "Debian's chromium is missing: run `make system-deps`"
    from playwright.sync_api import sync_playwright

    _app, base = live_server
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(accept_downloads=True)
            console_errors: list[str] = []
            page.on("console", lambda message: console_errors.append(message.text)
                    if message.type == "error" else None)
            page.on("pageerror", lambda error: console_errors.append(str(error)))
            page.goto(base + "/")
            page.fill("input[name=name]", "capacity day")
            page.set_input_files("input[name=workbook]", str(DAY_SAMPLE))
            page.click("#upload-form button[type=submit]")
            page.wait_for_url("**/scenarios/*")
            scenario_url = page.url

            for scenarios in ("3", "4"):
                page.goto(scenario_url)
                page.fill("#capacity-scenarios", scenarios)
                page.click("#run-capacity")
                page.wait_for_url("**/jobs/*")
                page.wait_for_url("**/capacity-plans/*", timeout=600_000)
                page.wait_for_selector("#capacity-charts[data-rendered='3']")
            bands = _chart_sizes(page, "#capacity-charts")
            assert len(bands) == 3
            assert all(c["points"] == 26 and c["sets"] == 4 and c["width"] > 0 for c in bands)
            assert len(_chart_sizes(page, "#capacity-hires")) == 3
            assert len(_chart_sizes(page, "#capacity-risk")) == 3
            assert page.locator("#hiring-plan tbody tr").count() >= 1
            assert "4" in page.inner_text("#capacity-summary")

            with page.expect_download() as download_info:
                page.click("#download-capacity")
            saved = tmp_path / download_info.value.suggested_filename
            download_info.value.save_as(saved)
            assert "CapacityPlan" in load_workbook(io.BytesIO(saved.read_bytes())).sheetnames

            page.click("#capacity-compare")
            page.wait_for_url("**/capacity-compare*")
            page.wait_for_selector("#capacity-compare-charts[data-rendered='3']")
            compared = _chart_sizes(page, "#capacity-compare-charts")
            assert all(c["sets"] == 4 for c in compared)
            assert page.locator("#capacity-compare-table tbody tr").count() > 5
            assert console_errors == []
        finally:
            browser.close()
