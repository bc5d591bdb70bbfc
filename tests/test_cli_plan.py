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
    assert "Forecast!D9: contacts must be a number from 0 to 1,000,000 contacts per interval, got -4" in lines
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


def test_negative_template_length_names_its_cell_and_prints_no_traceback(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 15: −5 in the length of ``chat 4h`` used to end in ``KeyError: 'chat 4h'``."""
    book = openpyxl.load_workbook(DAY_SAMPLE)
    sheet = book["ShiftTemplates"]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "chat 4h")
    column = [c.value for c in sheet[1]].index("length_minutes") + 1
    sheet.cell(row, column).value = -5
    bad = tmp_path / "bad.xlsx"
    book.save(bad)
    code = main(["plan", str(bad), "-o", str(tmp_path / "plan.xlsx")])
    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in err and "KeyError" not in err
    problem_lines = err.strip().splitlines()[1:]
    letter = openpyxl.utils.get_column_letter(column)
    assert len(problem_lines) == 1
    assert problem_lines[0].startswith(f"ShiftTemplates!{letter}{row}: length_minutes")
    assert not (tmp_path / "plan.xlsx").exists()


def test_an_internal_error_is_one_line_naming_a_bug_and_the_traceback_file(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from planner.cli import EXIT_INTERNAL_ERROR, _report_internal_error

    monkeypatch.delenv("PLANNER_DEBUG", raising=False)
    try:
        {}["chat 4h"]
    except KeyError as exc:
        code = _report_internal_error("plan", exc)
    err = capsys.readouterr().err.strip()
    assert code == EXIT_INTERNAL_ERROR
    assert len(err.splitlines()) == 1
    assert "internal error (a bug in the planner, not in your input)" in err and "please report it" in err
    log = Path(err.split("the traceback is in ")[1].split(";")[0])
    try:
        assert "Traceback" in log.read_text() and "KeyError: 'chat 4h'" in log.read_text()
    finally:
        log.unlink()
