"""Schedule exports: the shift shape, time-zone offsets across DST, RFC 5545 folding/escaping."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pandas as pd

from models.codec import frame_to_table
from web.export import (
    ScheduleFilter,
    fold_line,
    ical_escape,
    parse_filter,
    shift_records,
    to_csv,
    to_ics,
)
from web.security import safe_filename


def _results(starts: list[str], length_hours: float = 8.0) -> dict:
    shifts = pd.DataFrame({
        "agent": [f"A{i}" for i in range(len(starts))], "group": ["voice"] * len(starts),
        "template": ["voice 8h"] * len(starts), "start": pd.to_datetime(starts),
        "end": pd.to_datetime(starts) + pd.Timedelta(hours=length_hours),
        "paid_hours": [7.5] * len(starts), "cost": [200.0] * len(starts)})
    activities = pd.DataFrame({
        "agent": [f"A{i}" for i in range(len(starts))], "group": ["voice"] * len(starts),
        "activity": ["LUNCH"] * len(starts),
        "start": pd.to_datetime(starts) + pd.Timedelta(hours=4),
        "end": pd.to_datetime(starts) + pd.Timedelta(hours=4, minutes=30),
        "paid": [False] * len(starts)})
    return {"schedule": {"shifts": frame_to_table(shifts), "activities": frame_to_table(activities)}}


def test_offsets_follow_the_zone_across_the_dst_change():
    # Europe/London: GMT (+00:00) until 2026-03-29 01:00 UTC, then BST (+01:00)
    records = shift_records(_results(["2026-03-28 09:00", "2026-03-30 09:00"]), "Europe/London")
    assert [r["startDate"] for r in records] == ["2026-03-28T09:00:00+00:00",
                                                  "2026-03-30T09:00:00+01:00"]
    assert records[0]["activities"] == [{"activityCode": "LUNCH",
                                         "startDate": "2026-03-28T13:00:00+00:00",
                                         "lengthMinutes": 30, "paid": False}]
    assert records[1]["lengthMinutes"] == 480


def test_from_to_filter_in_local_time_and_group_names_are_checked():
    selection, problems = parse_filter({"from": "2026-03-30", "to": "2026-03-31"},
                                       "Europe/London", ["voice"])
    assert problems == []
    assert selection.start == datetime(2026, 3, 29, 23, 0, tzinfo=UTC)
    records = shift_records(_results(["2026-03-28 09:00", "2026-03-30 09:00"]), "Europe/London",
                            selection)
    assert [r["agent"] for r in records] == ["A1"]
    _, problems = parse_filter({"group": "chat"}, "UTC", ["voice"])
    assert [p.location for p in problems] == ["query.group"]


def test_fold_line_keeps_every_line_within_75_octets_and_never_splits_a_character():
    line = "DESCRIPTION:" + "Pause café – déjeuner; " * 12
    folded = fold_line(line)
    physical = folded.split("\r\n")[:-1]
    assert folded.endswith("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in physical)
    assert all(p.startswith(" ") for p in physical[1:])
    assert physical[0] + "".join(p[1:] for p in physical[1:]) == line
    assert fold_line("SHORT:x") == "SHORT:x\r\n"


def test_ical_escaping_of_text_values():
    assert ical_escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_ics_has_one_event_per_shift_with_breaks_and_csv_rows_match():
    records = shift_records(_results(["2026-06-01 08:00", "2026-06-01 09:00"]), "Europe/London")
    text = to_ics(records, "plan1", datetime(2026, 1, 1, tzinfo=UTC), "x").decode()
    assert text.count("BEGIN:VEVENT") == 2
    assert "DTSTART:20260601T070000Z" in text  # 08:00 BST
    unfolded = text.replace("\r\n ", "")
    assert "LUNCH 12:00–12:30 (unpaid)" in unfolded
    rows = list(csv.DictReader(io.StringIO(to_csv(records).decode())))
    assert [r["activityCode"] for r in rows] == ["SHIFT", "LUNCH", "SHIFT", "LUNCH"]
    assert rows[1]["paid"] == "false"


def test_empty_schedule_exports_nothing():
    assert shift_records({"schedule": None}, "UTC", ScheduleFilter()) == []


def test_download_names_are_sanitised():
    assert safe_filename("../../etc/passwd") == "etc_passwd"
    assert safe_filename('Q1 "plan"; rm -rf') == "Q1_plan_rm_-rf"
    assert safe_filename("Été 2026") == "Ete_2026"
    assert safe_filename("///") == "planner"


def test_names_that_look_like_formulas_stay_text_in_csv_and_xlsx():
    from openpyxl import load_workbook

    from web.export import to_xlsx

    records = shift_records(_results(["2026-06-01 08:00"]), "UTC")
    records[0]["agent"] = '=HYPERLINK("http://x","y")'
    rows = list(csv.DictReader(io.StringIO(to_csv(records).decode())))
    assert rows[0]["agent"] == "'" + records[0]["agent"]
    book = load_workbook(io.BytesIO(to_xlsx(records, "UTC")))
    cell = book["Shifts"]["A2"]
    assert cell.value == records[0]["agent"] and cell.data_type == "s"
