"""``planner serve``: the real command under waitress, with a sample loaded; bad options."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

from openpyxl import load_workbook

from planner.cli import main
from tests.web_helpers import DAY_SAMPLE, REPO

STARTUP_TIMEOUT_SECONDS = 60.0
PLAN_AND_START_TIMEOUT_SECONDS = 300.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _scenarios_once_serving(process: subprocess.Popen, port: int, timeout_seconds: float) -> list:
    """Wait (bounded) until ``planner serve`` accepts connections; its stored scenarios."""
    deadline = time.monotonic() + timeout_seconds
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/scenarios", timeout=5) as response:
                return json.loads(response.read())["scenarios"]
        except OSError:
            assert process.poll() is None, process.stdout.read()
            assert time.monotonic() < deadline, "planner serve did not start"
            time.sleep(0.2)


def test_serve_rejects_bad_options(capsys):
    assert main(["serve", "--port", "70000"]) == 2
    assert "--port must be between 1 and 65535" in capsys.readouterr().err
    assert main(["serve", "--load-sample", "no/such/file.xlsx"]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["serve", "--write-plan", "out.xlsx"]) == 2
    assert "--write-plan needs --load-sample" in capsys.readouterr().err


def test_serve_reports_every_problem_of_a_bad_sample_and_does_not_serve(tmp_path, monkeypatch,
                                                                          capsys):
    monkeypatch.setenv("PLANNER_DATABASE_URL", f"sqlite:///{tmp_path / 'bad.sqlite3'}")
    monkeypatch.setenv("PLANNER_API_TOKEN", "t")
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    assert main(["serve", "--port", str(_free_port()), "--load-sample", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "upload: workbook is not a valid .xlsx file" in err


def test_planner_serve_serves_the_ui_with_the_sample_loaded(tmp_path):
    port = _free_port()
    env = {**os.environ, "PLANNER_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
           "PLANNER_API_TOKEN": "t0ken"}
    process = subprocess.Popen(
        [sys.executable, "-c", "import sys; from planner.cli import main; sys.exit(main())",
         "serve", "--port", str(port), "--load-sample", str(DAY_SAMPLE)],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        scenarios = _scenarios_once_serving(process, port, STARTUP_TIMEOUT_SECONDS)
        assert [s["sourceFilename"] for s in scenarios] == ["contact_center_day.xlsx"]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            page = response.read().decode()
            assert response.headers["Server"] == "cc-planner"
        assert "contact center day" in page
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert "scenario " in output and "loaded from" in output


def test_serve_write_plan_plans_the_sample_once_for_the_file_and_the_ui(tmp_path):
    """What ``make run`` does: one solve, whose workbook is both the file written and the plan the
    UI serves (byte for byte), with progress and the summary printed before serving."""
    port = _free_port()
    output = tmp_path / "out" / "day_plan.xlsx"
    env = {**os.environ, "PLANNER_DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}",
           "PLANNER_API_TOKEN": "t0ken"}
    process = subprocess.Popen(
        [sys.executable, "-c", "import sys; from planner.cli import main; sys.exit(main())",
         "serve", "--port", str(port), "--load-sample", str(DAY_SAMPLE), "--write-plan", str(output)],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:  # the server starts only after the plan is written
        scenarios = _scenarios_once_serving(process, port, PLAN_AND_START_TIMEOUT_SECONDS)
        assert output.is_file()  # written before serving
        assert len(scenarios) == 1 and len(scenarios[0]["plans"]) == 1  # planned once
        plan_id = scenarios[0]["plans"][0]["id"]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/plans/{plan_id}/workbook",
                                    timeout=30) as response:
            assert response.read() == output.read_bytes()
        assert "Summary" in load_workbook(output, read_only=True).sheetnames
    finally:
        process.terminate()
        printed, _ = process.communicate(timeout=30)
    assert "Plan of 'contact center day'" in printed and f"wrote {output}" in printed
    assert "schedule:" in printed and "[100%] done" in printed  # the job's progress, shown here
