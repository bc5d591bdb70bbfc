"""``planner template`` and ``planner plan`` through the real command-line entry point."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from planner import excel
from planner.cli import main

SAMPLES = Path(__file__).resolve().parent.parent / "sample_inputs"
DAY_SAMPLE = SAMPLES / "contact_center_day.xlsx"


def test_template_command_writes_a_readable_template(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    out = tmp_path / "template.xlsx"
    assert main(["template", str(out)]) == 0
    assert excel.read_workbook(out).equals(excel.example_scenario())
    assert str(out) in capsys.readouterr().out


def test_plan_command_writes_a_plan_and_reports_progress(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "plan.xlsx"
    code = main(["plan", str(DAY_SAMPLE), "-o", str(out), "--no-schedule", "--no-mix"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "%] demand" in captured.err and "%] requirements" in captured.err
    assert "requirements only" in captured.out and str(out) in captured.out
    book = openpyxl.load_workbook(out, read_only=True)
    assert {"Summary", "Requirements", "Coverage", "Explanations", "Forecast"} <= set(book.sheetnames)
    book.close()
    assert excel.read_workbook(out).equals(excel.read_workbook(DAY_SAMPLE))
    assert [p.name for p in tmp_path.iterdir()] == ["plan.xlsx"]  # no temporary file left behind


def test_bad_input_exits_1_with_every_problem_and_writes_nothing(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]
                                                                 ) -> None:
    book = openpyxl.load_workbook(DAY_SAMPLE)
    book["Forecast"]["B7"] = "fax"
    book["Forecast"]["D9"] = -4
    bad = tmp_path / "bad.xlsx"
    book.save(bad)
    out = tmp_path / "plan.xlsx"
    out.write_bytes(b"previous plan")
    code = main(["plan", str(bad), "-o", str(out), "--no-schedule", "--no-mix"])
    captured = capsys.readouterr()
    assert code == 1
    lines = captured.err.strip().splitlines()
    assert "Forecast!B7: channel unknown channel 'fax'; allowed: chat, email, voice" in lines
    assert "Forecast!D9: contacts must be a number ≥ 0, got -4" in lines
    assert out.read_bytes() == b"previous plan"  # the old output is untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.xlsx", "plan.xlsx"]


def test_missing_input_file_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["plan", str(tmp_path / "nope.xlsx"), "-o", str(tmp_path / "out.xlsx")])
    assert code == 1
    assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "out.xlsx").exists()


def test_plan_workbook_written_to_a_file_object_is_the_same_scenario() -> None:
    from planner import pipeline

    scenario = excel.read_workbook(DAY_SAMPLE)
    buffer = io.BytesIO()
    excel.write_plan(pipeline.run_plan(scenario, schedule=False, mix=False), buffer)
    assert excel.read_workbook(io.BytesIO(buffer.getvalue())).equals(scenario)
