"""The ``planner erlang`` command: answers, JSON output and one-line errors with exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from planner import queueing
from planner.cli import main

EXAMPLE = ["erlang", "--contacts", "100", "--interval-minutes", "30", "--aht-seconds", "180",
           "--service-level", "0.8", "--answer-seconds", "20", "--shrinkage", "0.3"]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """Run ``planner`` in-process; argparse's own errors exit through SystemExit."""
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_published_example_text(capsys):
    """The published worked example (sources in tests/test_queueing.py): 14 agents, 20 scheduled."""
    code, out, err = run(capsys, *EXAMPLE)
    assert code == 0 and err == ""
    assert "Agents needed (net): 14" in out
    assert "Agents to schedule with 30% shrinkage: 20" in out
    assert "Service level: 88.84% answered within 20 s" in out
    assert "Probability of waiting: 17.41%" in out
    assert "Average speed of answer: 7.84 s" in out
    assert "Occupancy: 71.43%" in out


def test_published_example_json(capsys):
    code, out, _ = run(capsys, *EXAMPLE, "--json")
    assert code == 0
    answer = json.loads(out)
    assert answer["agents_net"] == 14
    assert answer["agents_scheduled"] == 20
    assert answer["load_erlangs"] == pytest.approx(10.0)
    assert answer["wait_probability"] == pytest.approx(0.1741, abs=5e-5)
    assert answer["service_level"] == pytest.approx(0.8884, abs=5e-5)
    assert answer["asa_seconds"] == pytest.approx(7.84, abs=5e-3)
    assert answer["abandon_probability"] == 0.0
    assert answer["model"].startswith("Erlang C")


def test_erlang_a_chat_and_occupancy_options_agree_with_the_library(capsys):
    code, out, _ = run(capsys, *EXAMPLE, "--patience-seconds", "120", "--max-occupancy", "0.85",
                       "--concurrency", "2", "--max-abandon", "0.05", "--json")
    assert code == 0
    answer = json.loads(out)
    expected = queueing.required_agents(10.0, 180, 0.8, 20, max_occupancy=0.85, patience_seconds=120,
                                        max_abandon=0.05, concurrency=2)
    assert answer["agents_net"] == int(expected)
    assert answer["model"] == "Erlang A (M/M/n+M), chat with 2 sessions per agent"
    assert answer["service_level"] >= 0.8
    assert answer["occupancy"] <= 0.85
    assert answer["abandon_probability"] <= 0.05
    assert answer["session_handle_seconds"] == pytest.approx(270.0)


def test_answered_definition_is_passed_through(capsys):
    args = [*EXAMPLE, "--patience-seconds", "60", "--json"]
    _, offered, _ = run(capsys, *args)
    _, answered, _ = run(capsys, *args, "--definition", "answered")
    assert json.loads(answered)["service_level_definition"] == "answered"
    # Counting only answered contacts never needs more agents.
    assert json.loads(answered)["agents_net"] <= json.loads(offered)["agents_net"]


@pytest.mark.parametrize(("extra", "message"), [
    (["--contacts", "-5"], "--contacts must be ≥ 0, got -5.0"),
    (["--aht-seconds", "0"], "--aht-seconds must be > 0"),
    (["--service-level", "80"], "--service-level must be in (0, 1] (e.g. 0.8 for 80%), got 80.0"),
    (["--answer-seconds", "-1"], "--answer-seconds must be ≥ 0"),
    (["--shrinkage", "1"], "--shrinkage must be in [0, 1)"),
    (["--max-occupancy", "1.2"], "--max-occupancy must be in (0, 1]"),
    (["--concurrency", "11"], "--concurrency must be a whole number 1–10"),
    (["--patience-seconds", "-3"], "--patience-seconds must be > 0"),
    (["--max-abandon", "0.1"], "--max-abandon needs --patience-seconds"),
    (["--interval-minutes", "nan"], "--interval-minutes must be a finite number"),
    (["--contacts", "ten"], "argument --contacts: invalid float value: 'ten'"),
    (["--concurrency", "1.5"], "argument --concurrency: invalid int value: '1.5'"),
    (["--definition", "abandoned"], "argument --definition: invalid choice: 'abandoned'"),
    (["--service-level", "1.0"], "no staffing meets service level 1"),
])
def test_bad_values_exit_2_with_one_line(capsys, extra, message):
    code, _, err = run(capsys, *EXAMPLE, *extra)
    assert code == 2
    assert message in err
    assert err.count("\n") == 1 and err.startswith("planner erlang: error: ")


def test_service_level_without_answer_seconds(capsys):
    code, _, err = run(capsys, "erlang", "--contacts", "10", "--aht-seconds", "180", "--service-level", "0.8")
    assert code == 2
    assert "--service-level and --answer-seconds go together" in err


def test_console_script_end_to_end():
    """The installed ``planner`` entry point (what ``make run`` calls) prints the staffing answer."""
    script = Path(sys.executable).with_name("planner")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "planner.cli"]
    done = subprocess.run([*command, *EXAMPLE], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "Agents needed (net): 14" in done.stdout
    bad = subprocess.run([*command, "erlang", "--contacts", "-1", "--aht-seconds", "180"],
                         capture_output=True, text=True, timeout=120, check=False)
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines() == ["planner erlang: error: --contacts must be ≥ 0, got -1.0"]
