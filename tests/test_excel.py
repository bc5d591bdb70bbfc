"""Reading and writing scenario workbooks: round trips, layouts and every kind of bad input.

Bad-input tests start from a valid workbook written by ``write_scenario``, break one cell with
openpyxl, and assert the exact ``Sheet!Cell`` of the message.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Callable
from datetime import datetime, time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter

from planner import excel, pipeline
from planner.excel import cells
from planner.types import InputError, Scenario

from .conftest import build_small_scenario

SAMPLES = Path(__file__).resolve().parent.parent / "sample_inputs"
DAY_SAMPLE = SAMPLES / "contact_center_day.xlsx"


def _bytes_of(scenario: Scenario) -> bytes:
    buffer = io.BytesIO()
    excel.write_scenario(scenario, buffer)
    return buffer.getvalue()


def _edit(content: bytes, change: Callable[[openpyxl.Workbook], None]) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(content))
    change(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _column(ws: openpyxl.worksheet.worksheet.Worksheet, header: str) -> str:
    for cell in ws[1]:
        if cell.value == header:
            return get_column_letter(cell.column)
    raise KeyError(header)


def _problems(content: bytes, **kwargs: int) -> list[str]:
    with pytest.raises(InputError) as caught:
        excel.read_workbook(io.BytesIO(content), **kwargs)
    return [str(p) for p in caught.value.problems]


@pytest.fixture(scope="module")
def good() -> bytes:
    return _bytes_of(build_small_scenario())


# ---------------------------------------------------------------------------------------------
# round trips
# ---------------------------------------------------------------------------------------------
def test_write_then_read_gives_the_same_scenario(good: bytes) -> None:
    assert excel.read_workbook(io.BytesIO(good)).equals(build_small_scenario())


def test_round_trip_keeps_none_targets_shrinkage_overrides_and_groups() -> None:
    base = build_small_scenario()
    starts = base.settings.interval_starts()[:8]
    shrinkage = pd.DataFrame({"interval_start": starts, "channel": "voice", "shrinkage": 0.35})
    voice = base.channels[0]
    no_sl = type(voice)(voice.name, voice.kind, voice.aht_seconds, service_level=None,
                        answer_seconds=None, max_asa_seconds=30.0, patience_seconds=150.0,
                        max_abandon=0.05, open_minute=voice.open_minute,
                        close_minute=voice.close_minute, open_days=frozenset({0, 2, 5}))
    scenario = base.replace(channels=(no_sl, *base.channels[1:]), shrinkage_by_interval=shrinkage)
    back = excel.read_workbook(io.BytesIO(_bytes_of(scenario)))
    assert back.equals(scenario)
    assert back.channel("voice").service_level is None
    assert back.channel("voice").open_days == frozenset({0, 2, 5})
    assert back.shrinkage_by_interval is not None and len(back.shrinkage_by_interval) == 8


def test_template_reads_as_its_example_scenario(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    excel.write_template(path)
    assert excel.read_workbook(path).equals(excel.example_scenario())
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == "Instructions"
    assert set(excel.INPUT_SHEETS) <= set(book.sheetnames)
    channels = book["Channels"]
    assert "aht_seconds" in channels["C1"].comment.text
    kinds = [v for v in channels.data_validations.dataValidation if '"voice,chat,email"' in v.formula1]
    assert kinds and "B2" in kinds[0].sqref
    forecast_lookups = [v.formula1 for v in book["Forecast"].data_validations.dataValidation]
    assert "Channels!$A$2:$A$200" in forecast_lookups


def test_template_filled_with_the_day_sample_reads_back_to_the_sample(tmp_path: Path) -> None:
    """The planner's path: download the template, paste the data over the examples, upload."""
    sample = excel.read_workbook(DAY_SAMPLE)
    template = tmp_path / "template.xlsx"
    excel.write_template(template)
    filled = openpyxl.load_workbook(template)
    source = openpyxl.load_workbook(DAY_SAMPLE)
    for name in excel.INPUT_SHEETS:
        target = filled[name]
        target.delete_rows(2, target.max_row)
        for row in source[name].iter_rows(min_row=2, values_only=True):
            target.append(row)
        for row in target.iter_rows(min_row=2, max_col=1):
            if isinstance(row[0].value, datetime):
                row[0].number_format = "yyyy-mm-dd hh:mm"
    filled.save(tmp_path / "filled.xlsx")
    back = excel.read_workbook(tmp_path / "filled.xlsx")
    assert back.equals(sample)
    # … and the plan computed from it reads back as the same scenario again.
    plan_file = io.BytesIO()
    excel.write_plan(pipeline.run_plan(back, schedule=False, mix=False), plan_file)
    assert excel.read_workbook(io.BytesIO(plan_file.getvalue())).equals(sample)


def test_headers_match_case_and_space_insensitively_in_any_order(good: bytes) -> None:
    def shuffle(book: openpyxl.Workbook) -> None:
        ws = book["Channels"]
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        order = list(reversed(range(len(rows[0]))))
        ws.delete_rows(1, ws.max_row)
        for i, row in enumerate(rows):
            values = [row[k] for k in order]
            if i == 0:
                values = [str(v).replace("_", " ").upper() for v in values]
            ws.append(values)

    assert excel.read_workbook(io.BytesIO(_edit(good, shuffle))).equals(build_small_scenario())


def test_time_cells_iso_text_dates_and_weekday_words_are_accepted(good: bytes) -> None:
    def change(book: openpyxl.Workbook) -> None:
        ws = book["Channels"]
        ws[f"{_column(ws, 'open_time')}2"] = time(8, 0)
        ws[f"{_column(ws, 'open_days')}2"] = "Mon-Sun"
        settings = book["Settings"]
        for row in settings.iter_rows(min_row=2):
            if row[0].value == "start_date":
                row[1].value = "2026-01-05"

    assert excel.read_workbook(io.BytesIO(_edit(good, change))).equals(build_small_scenario())


def test_wide_and_long_forecast_layouts_give_the_same_scenario(good: bytes) -> None:
    scenario = build_small_scenario()
    wide = scenario.forecast.pivot_table(index="interval_start", columns=["channel", "segment"],
                                         values="contacts", aggfunc="sum")

    def to_wide(book: openpyxl.Workbook) -> None:
        del book["Forecast"]
        ws = book.create_sheet("Forecast", 3)
        ws.append(["Interval Start", *[f"{c}/{s}" for c, s in wide.columns]])
        for stamp, values in wide.iterrows():
            ws.append([stamp.to_pydatetime(), *[float(v) for v in values]])

    back = excel.read_workbook(io.BytesIO(_edit(good, to_wide)))
    assert back.equals(scenario)


def test_contacts_while_closed_are_located_at_their_cell_long_layout(good: bytes) -> None:
    def change(book: openpyxl.Workbook) -> None:
        ws = book["Forecast"]
        for row in ws.iter_rows(min_row=2):
            stamp, channel, segment = row[0].value, row[1].value, row[2].value
            if (stamp, channel, segment) == (datetime(2026, 1, 5, 6, 0), "voice", "healthcare"):
                row[3].value = 4
                found.append(row[3].coordinate)
            if (stamp, channel, segment) == (datetime(2026, 1, 5, 21, 30), "chat", "tech"):
                row[3].value = 2
                found.append(row[3].coordinate)

    found: list[str] = []
    problems = _problems(_edit(good, change))
    assert len(found) == 2
    assert problems == [
        f"Forecast!{found[0]}: voice is closed on Mon 06:00; contacts must be 0 outside opening "
        "hours 08:00–20:00 every day",
        f"Forecast!{found[1]}: chat is closed on Mon 21:30; contacts must be 0 outside opening "
        "hours 08:00–20:00 every day",
    ]


def test_contacts_while_closed_are_located_at_their_cell_wide_layout(good: bytes) -> None:
    scenario = build_small_scenario()
    wide = scenario.forecast.pivot_table(index="interval_start", columns=["channel", "segment"],
                                         values="contacts", aggfunc="sum")
    wide.loc[pd.Timestamp("2026-01-05 06:00"), ("voice", "retail")] = 5.0
    wide.loc[pd.Timestamp("2026-01-05 20:00"), ("chat", "healthcare")] = 1.0
    headers = [f"{c}/{s}" for c, s in wide.columns]

    def to_wide(book: openpyxl.Workbook) -> None:
        del book["Forecast"]
        ws = book.create_sheet("Forecast", 3)
        ws.append(["Interval Start", *headers])
        for stamp, values in wide.iterrows():
            ws.append([stamp.to_pydatetime(), *[float(v) for v in values]])

    voice_col = get_column_letter(2 + headers.index("voice/retail"))
    chat_col = get_column_letter(2 + headers.index("chat/healthcare"))
    # header in row 1, 00:00 in row 2: 06:00 is row 26 and 20:00 row 82 at 15-minute intervals
    assert _problems(_edit(good, to_wide)) == [
        f"Forecast!{voice_col}26: voice is closed on Mon 06:00; contacts must be 0 outside opening "
        "hours 08:00–20:00 every day",
        f"Forecast!{chat_col}82: chat is closed on Mon 20:00; contacts must be 0 outside opening "
        "hours 08:00–20:00 every day",
    ]


@pytest.mark.parametrize(("text", "days"), [
    ("all", set(range(7))), ("Mon-Fri", {0, 1, 2, 3, 4}), ("mon,wed,sat", {0, 2, 5}),
    ("Sat-Mon", {5, 6, 0}), ("weekends", {5, 6}), ("Tuesday", {1}),
])
def test_weekday_sets(text: str, days: set[int]) -> None:
    assert cells.parse_days(text) == frozenset(days)
    assert cells.parse_days(cells.format_days(days)) == frozenset(days)


# ---------------------------------------------------------------------------------------------
# bad input: each message names the exact cell
# ---------------------------------------------------------------------------------------------
def test_missing_sheet(good: bytes) -> None:
    def drop(book: openpyxl.Workbook) -> None:
        del book["Forecast"]

    problems = _problems(_edit(good, drop))
    assert problems == [next(p for p in problems if p.startswith("Forecast: sheet is missing"))]
    assert "required sheets: Settings, Channels, Segments, Forecast" in problems[0]


def test_missing_column(good: bytes) -> None:
    def drop(book: openpyxl.Workbook) -> None:
        ws = book["Channels"]
        ws.delete_cols(3)  # aht_seconds

    problems = _problems(_edit(good, drop))
    assert any(p.startswith("Channels!A1:O1: aht_seconds column is missing") for p in problems), problems


def test_wrong_type(good: bytes) -> None:
    def change(book: openpyxl.Workbook) -> None:
        book["Channels"]["C3"] = "fast"

    assert _problems(_edit(good, change)) == ["Channels!C3: aht_seconds must be a number, got 'fast'"]


def test_dataclass_rule_is_located_at_its_column(good: bytes) -> None:
    def change(book: openpyxl.Workbook) -> None:
        ws = book["Channels"]
        ws[f"{_column(ws, 'shrinkage')}2"] = 1.5
        ws["C4"] = -3

    problems = _problems(_edit(good, change))
    assert "Channels!L2: shrinkage must be in [0, 1) (a share, e.g. 0.8 for 80%), got 1.5" in problems
    assert "Channels!C4: aht_seconds must be > 0, got -3" in problems


def test_negative_contacts(good: bytes) -> None:
    def change(book: openpyxl.Workbook) -> None:
        book["Forecast"]["D5"] = -3

    assert _problems(_edit(good, change)) == [
        "Forecast!D5: contacts must be a number from 0 to 1,000,000 contacts per interval, got -3"]


def test_unknown_channel_in_forecast(good: bytes) -> None:
    def change(book: openpyxl.Workbook) -> None:
        book["Forecast"]["B7"] = "fax"

    assert _problems(_edit(good, change)) == [
        "Forecast!B7: channel unknown channel 'fax'; allowed: chat, email, voice"]


def test_duplicate_interval_rows(good: bytes) -> None:
    def change(book: openpyxl.Workbook) -> None:
        ws = book["Forecast"]
        ws.append([c.value for c in ws[2]])

    content = _edit(good, change)
    last = openpyxl.load_workbook(io.BytesIO(content))["Forecast"].max_row
    problems = _problems(content)
    assert len(problems) == 1
    assert problems[0].startswith(f"Forecast!A{last}: interval_start duplicate row for 2026-01-05 00:00")
    assert "(first at row 2)" in problems[0]


def test_interval_not_on_the_grid(good: bytes) -> None:
    def change(book: openpyxl.Workbook) -> None:
        book["Forecast"]["A3"] = datetime(2026, 1, 5, 9, 7)

    problems = _problems(_edit(good, change))
    assert problems == ["Forecast!A3: interval_start 2026-01-05 09:07 is not on the 15-minute grid; "
                        "allowed: interval starts every 15 min from 2026-01-05 00:00 to "
                        "2026-01-05 23:45"]


def test_interval_outside_the_horizon(good: bytes) -> None:
    def change(book: openpyxl.Workbook) -> None:
        book["Forecast"]["A4"] = "2026-01-09 10:00"

    problems = _problems(_edit(good, change))
    assert len(problems) == 1 and problems[0].startswith("Forecast!A4: interval_start 2026-01-09 10:00 is "
                                                         "outside the horizon")


def test_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.xlsx"
    with path.open("wb") as handle:
        handle.truncate(excel.DEFAULT_MAX_BYTES + 1)
    with pytest.raises(InputError) as caught:
        excel.read_workbook(path)
    assert str(caught.value.problems[0]).startswith("workbook: file is too large (20.0 MB); allowed: at "
                                                    "most 20 MB")


def test_size_and_row_limits_are_configurable(good: bytes) -> None:
    assert "too large" in _problems(good, max_bytes=1000)[0]
    problems = _problems(good, max_rows=50)
    assert "Forecast!A51: rows the sheet has more than 50 rows; allowed: at most 50 rows per sheet" \
        in problems


def test_formula_without_cached_value(good: bytes) -> None:
    def change(book: openpyxl.Workbook) -> None:
        book["Channels"]["C2"] = "=150*2"  # openpyxl stores no cached value

    assert _problems(_edit(good, change)) == [
        "Channels!C2: formula =150*2 has no cached value (the file was saved by a program that does not "
        "compute formulas); allowed: open and save it in Excel or LibreOffice, or paste values"]


def test_formula_with_cached_value_is_read_by_its_value(good: bytes) -> None:
    """What Excel saves: ``<f>`` and ``<v>`` together; the value is used."""
    content = _edit(good, lambda book: book["Channels"].__setitem__("C2", "=150*2"))
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            payload = source.read(item)
            if item.filename == "xl/worksheets/sheet2.xml":
                text = payload.decode()
                text, count = re.subn(r"<f>150\*2</f><v\s*/>|<f>150\*2</f><v></v>|<f>150\*2</f>",
                                      "<f>150*2</f><v>300</v>", text)
                assert count == 1
                payload = text.encode()
            target.writestr(item, payload)
    assert excel.read_workbook(io.BytesIO(out.getvalue())).equals(build_small_scenario())


def test_every_problem_is_collected_across_sheets(good: bytes) -> None:
    def change(book: openpyxl.Workbook) -> None:
        book["Channels"]["C3"] = "fast"
        book["Segments"]["B2"] = 2.0
        book["Forecast"]["B7"] = "fax"
        book["Forecast"]["D9"] = -1
        book["Deflection"]["A2"] = "lawyers"

    problems = _problems(_edit(good, change))
    locations = sorted(p.split(":")[0] for p in problems)
    assert locations == sorted(["Channels!C3", "Segments!B2", "Deflection!A2", "Forecast!B7",
                                "Forecast!D9"])


def test_cross_references_are_located(good: bytes) -> None:
    def change(book: openpyxl.Workbook) -> None:
        ws = book["Deflection"]
        ws[f"{_column(ws, 'escalation_channel')}3"] = "pigeon"
        ws[f"{_column(ws, 'self_service_share')}4"] = 0.9  # healthcare cap is 0.4

    problems = _problems(_edit(good, change))
    assert "Deflection!E3: escalation_channel unknown channel 'pigeon'; allowed: chat, email, voice" \
        in problems
    assert ("Deflection!C4: self_service_share 0.9 exceeds the cap max_self_service_share 0.4 of "
            "segment 'healthcare'; allowed: ≤ 0.4") in problems


def test_settings_problems_point_at_the_value_cell(good: bytes) -> None:
    def change(book: openpyxl.Workbook) -> None:
        ws = book["Settings"]
        for row in ws.iter_rows(min_row=2):
            if row[0].value == "interval_minutes":
                row[1].value = 20
            if row[0].value == "start_date":
                row[1].value = "next monday"

    problems = _problems(_edit(good, change))
    assert any(re.match(r"Settings!B\d+: start_date must be a date", p) for p in problems), problems


def test_not_a_workbook_and_unsafe_xml_are_refused(good: bytes) -> None:
    assert "not an .xlsx workbook" in _problems(b"interval_start,channel\n")[0]
    entities = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    source = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            payload = source.read(item)
            if item.filename == "xl/workbook.xml":
                text = payload.decode()
                declaration = re.match(r"<\?xml[^>]*\?>", text)
                cut = declaration.end() if declaration else 0
                payload = (text[:cut] + entities + text[cut:]).encode()
            target.writestr(item, payload)
    problems = _problems(out.getvalue())
    assert len(problems) == 1
    assert problems[0].startswith("workbook: file contains unsafe XML (EntitiesForbidden")


def test_old_binary_xls_is_refused_by_name(good: bytes, tmp_path: Path) -> None:
    path = tmp_path / "scenario.xls"
    path.write_bytes(good)
    with pytest.raises(InputError) as caught:
        excel.read_workbook(path)
    assert str(caught.value) == ("workbook: file .xls is not supported; allowed: an Excel .xlsx workbook "
                                 "(save as Excel Workbook)")


def test_openpyxl_parses_xml_through_defusedxml() -> None:
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML is True


def test_read_accepts_bytes_and_paths(good: bytes, tmp_path: Path) -> None:
    path = tmp_path / "scenario.xlsx"
    path.write_bytes(good)
    assert excel.read_workbook(good).equals(excel.read_workbook(path))
    assert math.isclose(excel.read_workbook(path).forecast["contacts"].sum(),
                        build_small_scenario().forecast["contacts"].sum())


def test_a_failed_save_leaves_no_partial_file(tmp_path: Path) -> None:
    """Written through a temporary file then renamed: a failure leaves the folder as it was."""
    target = tmp_path / "plan.xlsx"
    target.mkdir()  # os.replace onto a directory fails after the temporary file is complete
    with pytest.raises(OSError):
        excel.write_scenario(build_small_scenario(), target)
    assert [p.name for p in tmp_path.iterdir()] == ["plan.xlsx"] and target.is_dir()


def test_readme_documents_every_sheet_and_column() -> None:
    readme = (SAMPLES / "README.md").read_text(encoding="utf-8")
    for sheet in excel.SHEETS:
        assert f"### {sheet.name}" in readme
        for column in sheet.columns:
            assert f"`{column.header}`" in readme, (sheet.name, column.header)


def test_committed_day_sample_is_what_the_generator_builds() -> None:
    """``sample_inputs/make_samples.py`` is deterministic and the committed file is its output."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_samples", SAMPLES / "make_samples.py")
    assert spec is not None and spec.loader is not None
    make_samples = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_samples)
    built = make_samples.build_scenario(1, "contact center day", 20.0)
    assert built.equals(excel.read_workbook(DAY_SAMPLE))
    assert built.equals(make_samples.build_scenario(1, "contact center day", 20.0))
    for length, rules in make_samples.BREAKS_BY_LENGTH.items():
        make_samples.check_break_windows(length, rules)
    with pytest.raises(ValueError, match="stretch"):
        make_samples.check_break_windows(480, (("BREAK1", 15, 90, 200, True),))


def test_read_sheet_keeps_each_objects_row_and_locates_repeats() -> None:
    from planner.excel.people import CONTRACTS_SHEET, _contract
    from planner.excel.tables import ProblemCollector, Table, read_sheet

    headers = ["name", "min_hours_per_week", "max_hours_per_week"]
    rows = [(2, ("full-time", 37.5, 40)), (3, ("part-time", -1, 30)), (4, ("full-time", 30, 40))]
    problems = ProblemCollector()
    found = read_sheet({"Contracts": Table("Contracts", 1, headers, rows)}, CONTRACTS_SHEET, _contract,
                       problems)
    assert found is not None and found.rows == [2, 4]  # row 3 failed its own check
    assert [c.name for c in found.items] == ["full-time", "full-time"]
    assert found.cell(4, "max_hours_per_week") == "Contracts!C4"
    found.report_repeats(lambda c: c.name, "name", lambda n: f"contract {n!r} is defined twice", problems)
    located = [(p.location, p.message) for p in problems.result()]
    assert located[0][0] == "Contracts!B3"
    assert located[-1] == ("Contracts!A4", "contract 'full-time' is defined twice")
    assert read_sheet({}, CONTRACTS_SHEET, _contract, problems) is None
