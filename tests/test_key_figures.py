"""Key figures in planner words: labels, groups and units (issue 15, item 4)."""

from __future__ import annotations

import math
from pathlib import Path

import openpyxl
import pytest

from planner import excel, key_figures, pipeline
from planner.key_figures import format_delta, format_duration, format_value

SAMPLES = Path(__file__).resolve().parent.parent / "sample_inputs"


@pytest.mark.parametrize(("value", "kind", "shown"), [
    (0.8662, "percent", "86.6 %"),
    (96314.4, "money", "USD 96,314"),
    (12.5, "money", "USD 12.50"),
    (23.4, "duration", "23 s"),
    (65, "duration", "1 min 05 s"),
    (7500, "duration", "2 h 05 min"),
    (1234.56, "hours", "1,234.6 h"),
    (105.26, "fte", "105.3 FTE"),
    (1, "agents", "1 agent"),
    (5059, "count", "5,059"),
    (math.nan, "percent", "–"),
    (None, "money", "–"),
])
def test_values_are_shown_with_their_unit(value, kind, shown):
    assert format_value(value, kind, "USD") == shown


def test_durations_and_deltas_read_as_a_planner_reads_them():
    assert format_duration(4.25) == "4.2 s" and format_duration(59.6) == "60 s"
    assert format_delta(0.012, "percent", "EUR") == "+1.2 pts"
    assert format_delta(-310.0, "money", "EUR") == "−EUR 310"
    assert format_delta(0.0, "fte", "EUR") == "±0"


def test_every_kpi_of_a_plan_gets_a_group_and_a_label_without_internal_keys():
    scenario = excel.read_workbook(SAMPLES / "contact_center_day.xlsx")
    plan = pipeline.run_plan(scenario, schedule=False, mix=False)
    figures = key_figures.key_figures(plan.kpis, timings=plan.timings)
    assert {f.key for f in figures} >= set(plan.kpis)
    for figure in figures:
        assert figure.group in key_figures.GROUPS and figure.group != "Other", figure
        assert "_" not in figure.label and "[" not in figure.label
    groups = [group for group, _ in key_figures.grouped(figures)]
    assert groups == sorted(groups, key=key_figures.GROUPS.index)


def test_an_unknown_key_still_gets_a_readable_label_and_its_unit_from_the_name():
    group, label, kind, _ = key_figures.describe("simulated_asa_seconds")
    assert (group, label, kind) == ("Other", "Simulated asa", "duration")
    assert key_figures.describe("predicted_service_level[chat]")[1:3] == ("Service level, chat", "percent")
    assert key_figures.describe("overtime_cost")[2] == "money"


def test_summary_sheet_groups_labelled_figures_whose_cells_keep_the_numbers(tmp_path):
    scenario = excel.read_workbook(SAMPLES / "contact_center_day.xlsx")
    plan = pipeline.run_plan(scenario, schedule=False, mix=False)
    out = tmp_path / "plan.xlsx"
    excel.write_plan(plan, out)
    sheet = openpyxl.load_workbook(out)["Summary"]
    assert [c.value for c in sheet[1]] == ["Figure", "Value", "What it counts", "Key"]
    by_key = {row[3].value: row for row in sheet.iter_rows(min_row=2) if row[3].value}
    for key, value in plan.kpis.items():  # round trip: every KPI is in the sheet with its value
        assert by_key[key][1].value == pytest.approx(value), key
    assert by_key["labour_cost" if "labour_cost" in by_key else "automation_cost"][1].number_format \
        .startswith('"USD"')
    assert by_key["required_fte"][1].number_format.endswith('" FTE"')
    group_rows = [row[0].value for row in sheet.iter_rows(min_row=2) if row[0].value and row[1].value is None]
    assert group_rows[:3] == ["Scenario", "Demand", "Staffing"]
    assert not any("_" in (row[0].value or "") for row in sheet.iter_rows(min_row=2))
