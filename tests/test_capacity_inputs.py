"""Capacity inputs: every bad input of issue 12 item 6 gets a located error (Sheet!Cell)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook

from planner import demand, excel, staffing
from planner.capacity.inputs import (
    CapacitySettings,
    HireClass,
    TenureBucket,
    format_start_weeks,
    parse_start_weeks,
)
from planner.capacity.plan import required_by_scenario
from planner.capacity.requirement import given_efficiency, measure_efficiency
from planner.capacity.scenarios import deterministic
from planner.cli import main
from planner.excel.capacity import read_capacity
from planner.types import InputError

SAMPLES = Path(__file__).resolve().parent.parent / "sample_inputs"
DAY = SAMPLES / "contact_center_day.xlsx"
WEEK = SAMPLES / "contact_center_week.xlsx"


def edited(
    tmp_path: Path, source: Path, edits: dict[str, object], delete_rows: tuple[str, int] | None = None
) -> Path:
    """A copy of ``source`` with cells ``{"Sheet!B4": value}`` changed (and a row deleted)."""
    book = load_workbook(source)
    for ref, value in edits.items():
        sheet, cell = ref.split("!")
        book[sheet][cell] = value
    if delete_rows is not None:
        book[delete_rows[0]].delete_rows(delete_rows[1])
    path = tmp_path / f"edited_{len(list(tmp_path.iterdir()))}.xlsx"
    book.save(path)
    return path


def problems_of(path: Path) -> list[str]:
    scenario = excel.read_workbook(path)
    with pytest.raises(InputError) as caught:
        read_capacity(path, scenario)
    return [str(p) for p in caught.value.problems]


def test_the_samples_have_valid_capacity_inputs() -> None:
    for path, weeks in ((DAY, 26), (WEEK, 52)):
        scenario = excel.read_workbook(path)
        inputs = read_capacity(path, scenario)
        assert inputs is not None and inputs.settings.weeks == weeks
        assert {h.group for h in inputs.headcount} == {g.name for g in scenario.staffing_groups}
    week_inputs = read_capacity(WEEK, excel.read_workbook(WEEK))
    assert week_inputs is not None and week_inputs.weeks is not None
    assert week_inputs.weeks["self_service_share"].max() == pytest.approx(0.15)  # the rollout


@pytest.mark.parametrize(
    ("edits", "where", "words"),
    [
        ({"HireClasses!C2": 30}, "HireClasses!C2", "past the 26-week horizon"),  # lead time
        ({"HireClasses!I2": 20, "HireClasses!J2": 16}, "HireClasses!I2", "must be ≤ max_size"),  # min > max
        ({"TenureBuckets!C2": 1.0}, "TenureBuckets!C2", "must be ≥ 0 and < 1"),  # attrition 100 %
        ({"Headcount!C3": -3}, "Headcount!C3", "must be ≥ 0"),  # negative people
        ({"HireClasses!H2": "5, 25"}, "HireClasses!H2", "can never be productive"),  # start too late
        ({"HireClasses!H2": "2, 9"}, "HireClasses!H2", "before the lead time allows"),  # start too early
        ({"HireClasses!H2": "soon"}, "HireClasses!H2", "must list week numbers"),
        ({"TenureBuckets!B3": 10}, "TenureBuckets!B3", "must be > the previous bucket's"),
        ({"Headcount!B2": "veterans"}, "Headcount!B2", "unknown tenure bucket"),
        ({"CapacityGroups!C2": 10}, "CapacityGroups!C2", "must be ≥ wage_per_hour"),
        ({"CapacityGroups!F2": 99}, "CapacityGroups!F2", "cannot save more than it pays"),
    ],
    ids=[
        "lead-past-horizon",
        "min-over-max",
        "attrition-100",
        "negative-people",
        "never-productive",
        "before-lead",
        "unreadable-weeks",
        "buckets-out-of-order",
        "unknown-bucket",
        "overtime-below-wage",
        "vto-saving-above-wage",
    ],
)
def test_bad_day_sample_inputs_are_located(
    tmp_path: Path, edits: dict[str, object], where: str, words: str
) -> None:
    found = problems_of(edited(tmp_path, DAY, edits))
    assert any(p.startswith(f"{where}:") and words in p for p in found), found


def test_weeks_missing_or_out_of_order_are_located(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from planner.excel.capacity import write_capacity_sheets

    scenario = excel.read_workbook(WEEK)
    inputs = read_capacity(WEEK, scenario)
    assert inputs is not None
    book = Workbook()
    write_capacity_sheets(book, inputs)  # the week sample's capacity sheets alone: quick to edit
    source = tmp_path / "capacity_only.xlsx"
    book.save(source)
    sheet = load_workbook(source)["CapacityWeeks"]
    assert sheet["A2"].value.date() == date(2026, 1, 5) and sheet["B5"].value == "voice"

    def problems(path: Path) -> list[str]:
        with pytest.raises(InputError) as caught:
            read_capacity(path, scenario)
        return [str(p) for p in caught.value.problems]

    missing = problems(edited(tmp_path, source, {}, delete_rows=("CapacityWeeks", 5)))  # voice week 2
    assert any(
        "CapacityWeeks!A" in p and "missing week 2 (2026-01-12)" in p and "'voice'" in p for p in missing
    )
    swap = {"CapacityWeeks!A2": sheet["A5"].value, "CapacityWeeks!A5": sheet["A2"].value}
    swapped = problems(edited(tmp_path, source, swap))
    assert any(p.startswith("CapacityWeeks!A5:") and "out of order" in p for p in swapped), swapped
    off = problems(edited(tmp_path, source, {"CapacityWeeks!A2": date(2026, 1, 6)}))
    assert any(p.startswith("CapacityWeeks!A2:") and "not a week of the horizon" in p for p in off), off


def test_dataclass_checks_name_the_allowed_range() -> None:
    with pytest.raises(InputError) as caught:
        CapacitySettings(first_week=date(2027, 1, 4), weeks=105, scenarios=0)
    text = str(caught.value)
    assert (
        "weeks must be between 1 and 104, got 105" in text and "scenarios must be between 1 and 1000" in text
    )
    with pytest.raises(InputError, match="attrition_per_week must be ≥ 0 and < 1"):
        TenureBucket("new", 12, 1.2)
    with pytest.raises(InputError, match="lists a week twice"):
        HireClass("voice", "x", 1, 1, 0, (5, 5), 0, 3, 10.0)


def test_start_weeks_text_round_trips() -> None:
    assert parse_start_weeks("6, 10, 14") == (6, 10, 14)
    assert parse_start_weeks("6-18/4") == (6, 10, 14, 18)
    assert parse_start_weeks("every 4 from 6 to 18") == (6, 10, 14, 18)
    for weeks in ((6, 10, 14, 18), (3,), (5, 7, 20)):
        assert parse_start_weeks(format_start_weeks(weeks)) == weeks


# -- required FTE from the project's own staffing model --------------------------------------------
def test_required_fte_is_the_staffing_model_scaled_to_a_week() -> None:
    scenario = excel.read_workbook(DAY)
    inputs = read_capacity(DAY, scenario)
    assert inputs is not None
    inputs = inputs.replace(
        settings=inputs.settings.__class__(
            **{**inputs.settings.__dict__, "growth_per_week": 0.0, "weeks": 4}
        ),
        hire_classes=(),
    )
    groups = tuple(g.name for g in scenario.staffing_groups)
    efficiency = given_efficiency(1.1, groups, "the test")
    required, workload = required_by_scenario(scenario, inputs, deterministic(4), efficiency)
    # Independent: net agents per interval × interval hours × 7 days / (1 − shrinkage) × 1.1 / 40 h.
    net = staffing.requirements(scenario, demand.live_demand(scenario))
    hours = net.groupby("group", sort=False)["net_agents"].sum() * 0.25 * 7
    for k, group in enumerate(groups):
        shrink = scenario.channel(scenario.group(group).channel).shrinkage
        expected = float(hours[group]) / (1 - shrink) * 1.1 / inputs.settings.paid_hours_per_fte_week
        np.testing.assert_allclose(required[0, k], expected, rtol=0.02)  # the curve interpolates
        assert workload.multiplier[k] == pytest.approx(1.0)


def test_staffing_has_economies_of_scale_in_the_weekly_requirement() -> None:
    scenario = excel.read_workbook(DAY)
    inputs = read_capacity(DAY, scenario)
    assert inputs is not None
    settings = inputs.settings.__class__(**{**inputs.settings.__dict__, "growth_per_week": 0.03, "weeks": 24})
    inputs = inputs.replace(settings=settings, hire_classes=())
    required, workload = required_by_scenario(
        scenario, inputs, deterministic(24), given_efficiency(1.0, ("voice", "chat", "email"), "x")
    )
    voice = required[0, 0]
    growth = workload.multiplier[0, -1] / workload.multiplier[0, 0]
    assert growth == pytest.approx(1.03**23, rel=1e-9)
    assert 1.0 < voice[-1] / voice[0] < growth  # more calls need proportionally fewer agents (Erlang)


def test_schedule_efficiency_is_paid_over_covered_required_hours() -> None:
    import pandas as pd

    requirements = pd.DataFrame(
        {"group": ["a"] * 4 + ["b"] * 4, "required_scheduled": [2, 2, 2, 2, 1, 1, 1, 1]}
    )
    shifts = pd.DataFrame({"group": ["a", "a", "b"], "paid_hours": [2.5, 2.0, 0.9]})
    coverage = pd.DataFrame({"group": ["a"] * 4, "short": [0, 0, 0, 0.0]})
    measured = measure_efficiency(requirements, shifts, coverage, 30, ("a", "b"), "a test week")
    assert measured.factor["a"] == pytest.approx(4.5 / 4.0)
    assert measured.factor["b"] == 1.0  # 0.9 paid h for 2 required h: floored at 1 (the rest is short)
    assert "measured by the scheduler on a test week" in measured.source


# -- the CLI ----------------------------------------------------------------------------------------
def test_cli_capacity_writes_the_workbook_and_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = load_workbook(DAY)
    settings = book["CapacitySettings"]
    rows = {settings.cell(row=r, column=1).value: r for r in range(2, settings.max_row + 1)}
    settings.cell(row=rows["schedule_efficiency"], column=2, value=1.08)
    settings.cell(row=rows["scenarios"], column=2, value=4)
    source = tmp_path / "day.xlsx"
    book.save(source)
    output = tmp_path / "capacity.xlsx"
    assert main(["capacity", str(source), "-o", str(output), "--json"]) == 0
    captured = capsys.readouterr()
    payload = json.loads(captured.out)
    assert payload["summary"]["scenarios"] == 4
    assert payload["summary"]["status"] == "optimal"
    assert "given in CapacitySettings" in payload["summary"]["efficiency_source"]
    assert len(payload["weeks"]) == 26 * 3
    assert sum(h["hires"] for h in payload["hiring"]) == payload["summary"]["hires_total"]
    assert "[100%] capacity: plan ready" in captured.err
    result = load_workbook(output)
    assert result.sheetnames[:2] == ["CapacityPlan", "Capacity voice"]
    assert len(result["Capacity voice"]._charts) == 3
    assert main(["capacity", str(source), "--scenarios", "0"]) == 2


def test_cli_capacity_reports_located_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = edited(tmp_path, DAY, {"HireClasses!C2": 30, "Headcount!C3": -1})
    assert main(["capacity", str(bad), "-o", str(tmp_path / "out.xlsx")]) == 1
    err = capsys.readouterr().err
    assert "HireClasses!C2:" in err and "Headcount!C3:" in err
    assert not (tmp_path / "out.xlsx").exists()


def test_readme_documents_every_capacity_sheet_and_column() -> None:
    from planner.excel.capacity import CAPACITY_SHEETS

    readme = (SAMPLES / "README.md").read_text(encoding="utf-8")
    for sheet in CAPACITY_SHEETS:
        assert f"### {sheet.name}" in readme
        for column in sheet.columns:
            assert f"`{column.header}`" in readme, (sheet.name, column.header)


def test_committed_capacity_sheets_are_what_the_generator_builds() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_samples", SAMPLES / "make_samples.py")
    assert spec is not None and spec.loader is not None
    make_samples = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_samples)
    built = make_samples.capacity_inputs(1)
    read = read_capacity(DAY, excel.read_workbook(DAY))
    assert read is not None
    assert (read.settings, read.tenure_buckets, read.headcount, read.hire_classes, read.groups) == (
        built.settings, built.tenure_buckets, built.headcount, built.hire_classes, built.groups)


def test_the_template_carries_valid_capacity_sheets(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    excel.write_template(path)
    inputs = read_capacity(path, excel.read_workbook(path))
    assert inputs is not None and len(inputs.hire_classes) == 3
    instructions = [row[0] for row in load_workbook(path)["Instructions"].iter_rows(values_only=True)]
    assert "HireClasses" in instructions and "CapacityWeeks" in instructions


def test_weekly_contacts_aht_self_service_and_segment_rows_scale_the_workload() -> None:
    from planner.capacity.inputs import week_frame
    from planner.capacity.requirement import weekly_workload

    scenario = excel.read_workbook(DAY)
    inputs = read_capacity(DAY, scenario)
    assert inputs is not None
    settings = inputs.settings.__class__(**{**inputs.settings.__dict__, "weeks": 3, "growth_per_week": 0.0})
    forecast = scenario.forecast
    voice = forecast[forecast["channel"] == "voice"]
    per_segment = voice.groupby("segment")["contacts"].sum() * 7  # the day sample: one day → a week
    aht = scenario.channel("voice").aht_seconds  # the sample's forecast leaves AHT to the channel …
    base_aht = float((voice["contacts"] * [aht * scenario.segment(s).aht_multiplier for s in voice["segment"]]
                      ).sum() / voice["contacts"].sum())  # … times the segment multiplier
    rows = []
    for w in (1, 2, 3):
        start = settings.week_start(w)
        rows.append({"week_start": start, "channel": "voice", "segment": "",
                     "contacts": float(per_segment.sum()), "aht_seconds": base_aht * 1.5 if w == 1 else None,
                     "self_service_share": 0.2 if w == 2 else None, "shrinkage": 0.3 if w == 3 else None})
        rows.append({"week_start": start, "channel": "voice", "segment": "tech",
                     "contacts": 2 * float(per_segment["tech"]), "aht_seconds": None,
                     "self_service_share": None, "shrinkage": None})
    inputs = inputs.replace(settings=settings, weeks=week_frame(rows))
    live = demand.live_demand(scenario)
    workload = weekly_workload(scenario, inputs, live)
    weight = live[live["channel"] == "voice"].groupby("segment")["live_workload_erlangs"].sum()
    tech, total = float(weight["tech"]), float(weight.sum())
    k = [g.name for g in scenario.staffing_groups].index("voice")
    # week 1: the channel's other segments at 1.5 × AHT, tech at twice its contacts (its own rows)
    assert workload.multiplier[k, 0] == pytest.approx(((total - tech) * 1.5 + tech * 2.0) / total, rel=1e-9)
    # week 2: 20 % self-service on the channel's rows; tech's own rows have none
    assert workload.multiplier[k, 1] == pytest.approx(((total - tech) * 0.8 + tech * 2.0) / total, rel=1e-9)
    assert workload.shrinkage[k].tolist() == [scenario.channel("voice").shrinkage] * 2 + [0.3]
    assert workload.multiplier[[g.name for g in scenario.staffing_groups].index("chat")].tolist() == [1.0] * 3


def test_a_formula_without_a_cached_value_is_located(tmp_path: Path) -> None:
    found = problems_of(edited(tmp_path, DAY, {"Headcount!C2": "=1+1"}))
    assert any(p.startswith("Headcount!C2:") and "no cached value" in p for p in found), found


def test_a_group_without_a_schedule_solution_is_not_measured() -> None:
    import pandas as pd

    requirements = pd.DataFrame({"group": ["a", "a", "b", "b"], "required_scheduled": [2, 2, 1, 1]})
    shifts = pd.DataFrame({"group": ["a", "b"], "paid_hours": [4.8, 5.0]})  # a: 4.8 paid h for 4 required h
    measured = measure_efficiency(requirements, shifts, None, 60, ("a", "b"), "a week", unsolved=("b",))
    assert measured.factor == {"a": pytest.approx(1.2), "b": pytest.approx(1.2)}  # b: not 2.5
    assert "b: no usable schedule" in measured.source
