"""The pipeline end to end (real demand, staffing, scheduling and mix modules) and the plan workbook."""

from __future__ import annotations

import io
import math

import numpy as np
import openpyxl
import pandas as pd
import pytest

from planner import excel, pipeline
from planner.types import BreakRule, Scenario, ShiftTemplate

from .conftest import build_small_scenario


def _with_templates() -> Scenario:
    """The small scenario at 30-min intervals with an 8-hour shift (break + lunch) per channel."""
    base = build_small_scenario(interval_minutes=30)
    templates = tuple(ShiftTemplate(f"{g.name} 8h", g.name, 480, earliest_start_minute=8 * 60,
                                    latest_start_minute=12 * 60, start_step_minutes=60,
                                    cost_per_hour=20.0)
                      for g in base.staffing_groups)
    breaks = tuple(rule for t in templates for rule in (
        BreakRule(t.name, "BREAK1", 30, 90, 150, paid=True),
        BreakRule(t.name, "LUNCH", 30, 210, 270, paid=False)))
    return base.replace(shift_templates=templates, break_rules=breaks)


def test_requirements_only_plan_conserves_contacts_and_reports_progress() -> None:
    scenario = build_small_scenario()
    steps: list[tuple[float, str]] = []
    plan = pipeline.run_plan(scenario, lambda f, m: steps.append((f, m)), schedule=False, mix=False)

    assert plan.schedule is None and plan.mix is None
    assert plan.status == "requirements only"
    assert any("switched off" in note for note in plan.explanations)
    kpis = plan.kpis
    # conservation: every forecast contact is offered; live = offered − contained by self-service
    assert math.isclose(kpis["contacts_offered"], scenario.forecast["contacts"].sum())
    assert math.isclose(kpis["live_contacts"], kpis["contacts_offered"] - kpis["contained"], rel_tol=1e-9)
    assert math.isclose(kpis["required_agent_hours"],
                        plan.requirements["required_scheduled"].sum() * 0.25)
    assert math.isclose(kpis["required_fte"], kpis["required_agent_hours"] / (40.0 / 7.0))
    fractions = [f for f, _ in steps]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and steps[-1][1] == "plan ready"
    coverage = plan.coverage
    assert coverage is not None and list(coverage.columns) == list(pipeline.COVERAGE_COLUMNS)
    assert (coverage["required"].to_numpy() == plan.requirements["required_scheduled"].to_numpy()).all()
    assert coverage["scheduled"].isna().all()


def test_more_volume_never_lowers_the_requirement() -> None:
    scenario = build_small_scenario()
    busier = scenario.replace(forecast=scenario.forecast.assign(contacts=scenario.forecast["contacts"] * 1.3))
    low = pipeline.run_plan(scenario, schedule=False, mix=False)
    high = pipeline.run_plan(busier, schedule=False, mix=False)
    assert (high.requirements["required_scheduled"].to_numpy()
            >= low.requirements["required_scheduled"].to_numpy()).all()
    assert high.kpis["required_agent_hours"] > low.kpis["required_agent_hours"]


def test_no_templates_means_no_schedule_with_a_reason() -> None:
    plan = pipeline.run_plan(build_small_scenario(), schedule=True, mix=False)
    assert plan.schedule is None
    assert "Schedule not computed: the scenario has no shift templates." in plan.explanations


def test_requirements_only_plan_workbook_reads_back_as_its_scenario() -> None:
    scenario = build_small_scenario()
    plan = pipeline.run_plan(scenario, schedule=False, mix=False)
    buffer = io.BytesIO()
    excel.write_plan(plan, buffer)
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    for name in ("Summary", "Requirements", "Coverage", "Schedule", "Breaks", "Mix", "Well-being",
                 "Explanations", *excel.INPUT_SHEETS):
        assert name in book.sheetnames
    coverage = book["Coverage"]
    assert coverage.freeze_panes == "A2"
    assert len(coverage._charts) == len(scenario.staffing_groups)
    assert coverage.conditional_formatting
    assert book["Schedule"]["A1"].value.startswith("Schedule: not computed")
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=2, values_only=True)}
    by_key = {row[3]: row[1] for row in book["Summary"].iter_rows(min_row=2, values_only=True) if row[3]}
    assert summary["Plan status"] == "requirements only"
    assert math.isclose(summary["Required agent-hours"], plan.kpis["required_agent_hours"])
    assert math.isclose(by_key["required_agent_hours"], plan.kpis["required_agent_hours"])
    assert excel.read_workbook(io.BytesIO(buffer.getvalue())).equals(scenario)


@pytest.fixture(scope="module")
def scheduled_plan() -> pipeline.Plan:
    scenario = _with_templates()
    return pipeline.run_plan(scenario, schedule=True, mix=True)


def test_scheduled_plan_predicts_kpis_from_the_working_agents(scheduled_plan: pipeline.Plan) -> None:
    plan = scheduled_plan
    assert plan.schedule is not None
    coverage = plan.coverage
    merged = coverage.merge(plan.schedule.coverage, on=["interval_start", "group"], how="left")
    assert np.allclose(merged["scheduled"], merged["working"].fillna(0.0))
    # Property: where the schedule covers the requirement, the predicted SL meets the target.
    queue = coverage[(coverage["kind"] != "email") & (coverage["live_contacts"] > 0)
                     & (coverage["scheduled"] >= coverage["required"])]
    assert len(queue) > 0
    assert (queue["predicted_service_level"] >= queue["target_service_level"] - 1e-9).all()
    assert math.isclose(plan.kpis["labour_cost"], float(plan.schedule.shifts["cost"].sum()))
    assert math.isclose(plan.kpis["agents_scheduled"], len(plan.schedule.shifts))


def test_scheduled_plan_workbook_has_schedule_breaks_and_mix(scheduled_plan: pipeline.Plan) -> None:
    buffer = io.BytesIO()
    excel.write_plan(scheduled_plan, buffer)
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    shifts = scheduled_plan.schedule.shifts
    assert book["Schedule"].max_row == len(shifts) + 1
    header = [c.value for c in book["Schedule"][1]]
    assert {"agent", "group", "template", "start", "end", "breaks"} <= set(header)
    assert book["Breaks"].max_row == len(scheduled_plan.schedule.activities) + 1
    assert book["Well-being"].max_row == len(scheduled_plan.schedule.wellbeing) + 1
    if scheduled_plan.mix is not None:
        assert book["Mix"].max_row > len(scheduled_plan.mix.pairs) + 1
        assert book["Mix"]._charts
    frame = pd.read_excel(io.BytesIO(buffer.getvalue()), sheet_name="Coverage")
    assert len(frame) == len(scheduled_plan.coverage)
    assert excel.read_workbook(io.BytesIO(buffer.getvalue())).equals(scheduled_plan.scenario)
