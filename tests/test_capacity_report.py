"""The capacity report: conservation per week, risk, the hiring table, reasons, the workbook."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook

from planner import excel
from planner.capacity import plan_capacity
from planner.capacity.inputs import Headcount
from planner.capacity.requirement import given_efficiency
from planner.excel.capacity import read_capacity, write_capacity_plan

DAY = Path(__file__).resolve().parent.parent / "sample_inputs" / "contact_center_day.xlsx"


@pytest.fixture(scope="module")
def short_plan():
    """The day sample with 25 % fewer people today and 6 scenarios: short before any class helps."""
    scenario = excel.read_workbook(DAY)
    inputs = read_capacity(DAY, scenario)
    assert inputs is not None
    # Without the Agents sheet the Headcount sheet is today's people, so it can be cut by a quarter.
    scenario = replace(scenario, agents=())
    fewer = tuple(Headcount(h.group, h.tenure_bucket, round(h.fte * 0.75, 1)) for h in inputs.headcount)
    inputs = inputs.replace(headcount=fewer, settings=replace(inputs.settings, scenarios=6))
    groups = tuple(g.name for g in scenario.staffing_groups)
    return plan_capacity(scenario, inputs, efficiency=given_efficiency(1.08, groups, "the test"))


def test_every_week_balances_in_expectation(short_plan) -> None:
    weekly = short_plan.weekly
    supplied = (weekly["available_fte"] + weekly["overtime_fte"] - weekly["vto_fte"]
                + weekly["shortfall_fte"] - weekly["excess_fte"])
    np.testing.assert_allclose(supplied, weekly["required_fte"], rtol=1e-6, atol=1e-6)


def test_risk_per_week_is_the_share_of_short_scenarios(short_plan) -> None:
    solution, weekly = short_plan.solution, short_plan.weekly
    tolerance = short_plan.inputs.settings.short_tolerance_fte
    for g, group in enumerate(short_plan.data.groups):
        rows = weekly[weekly["group"] == group]
        counted = (solution.short[:, g, :] > tolerance).mean(axis=0)  # equally likely scenarios
        np.testing.assert_allclose(rows["p_short"].to_numpy(), counted)
        assert (rows["required_fte_p10"] <= rows["required_fte_p90"]).all()
    assert short_plan.summary["max_p_short"] == pytest.approx(weekly.groupby("week")["p_short"].max().max())
    costs = solution.cost_by_scenario
    assert short_plan.summary["cost_p5"] <= short_plan.summary["cost_p50"] <= short_plan.summary["cost_p95"]
    assert short_plan.summary["cost_cvar"] >= float(costs.mean()) - 1e-6


def test_the_hiring_table_is_the_solution(short_plan) -> None:
    hiring, weekly = short_plan.hiring, short_plan.weekly
    total = short_plan.summary["hires_total"]
    assert int(hiring["hires"].sum()) == int(short_plan.solution.hires.sum()) == total
    assert float(weekly["hires_starting"].sum()) == float(hiring["hires"].sum())
    for _, row in hiring.iterrows():
        klass = next(c for c in short_plan.inputs.hire_classes if c.name == row["hire_class"])
        assert row["productive_from_week"] == row["start_week"] + klass.training_weeks
        assert klass.min_size <= row["hires"] <= klass.max_size


def test_early_shortfall_is_explained_by_the_lead_time(short_plan) -> None:
    notes = " ".join(short_plan.explanations)
    assert "no class can be productive before week 8 (lead + training)" in notes


def test_the_workbook_shows_the_same_numbers(short_plan) -> None:
    buffer = io.BytesIO()
    write_capacity_plan(short_plan, buffer)
    book = load_workbook(io.BytesIO(buffer.getvalue()))
    figures = {row[0]: row[1] for row in book["CapacityPlan"].iter_rows(values_only=True) if row and row[0]}
    assert figures["Hires"] == short_plan.summary["hires_total"]
    assert figures["Expected total cost (USD)"] == pytest.approx(short_plan.summary["expected_cost_total"])
    voice = book["Capacity voice"]
    headers = [c.value for c in voice[1]]
    column = headers.index("P(short-staffed)")
    sheet_risk = [row[column] for row in voice.iter_rows(min_row=2, values_only=True)]
    rows = short_plan.weekly[short_plan.weekly["group"] == "voice"]
    assert sheet_risk == pytest.approx(rows["p_short"].tolist())
