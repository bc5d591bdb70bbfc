"""The week sample with breaks, end to end: the expanded schedule (not the model) keeps every rule."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from planner import demand, excel, staffing
from planner.scheduling import schedule_scenario
from planner.solver import SolveStatus
from tests.test_scheduling import assert_keeps_every_rule

WEEK = Path(__file__).resolve().parents[1] / "sample_inputs" / "contact_center_week.xlsx"


@pytest.mark.slow
def test_week_sample_with_breaks_solves_within_gap_and_keeps_every_rule() -> None:
    scenario = excel.read_workbook(WEEK)
    # a shorter limit keeps the suite fast; voice and chat reach the gap in seconds
    settings = replace(scenario.settings, solver_time_limit_seconds=15.0)
    scenario = scenario.replace(settings=settings)
    requirements = staffing.requirements(scenario, demand.live_demand(scenario))
    result = schedule_scenario(scenario, requirements)
    assert scenario.settings.interval_count == 672
    for group in ("voice", "chat"):
        solved = result.per_group[group]
        assert solved.status == SolveStatus.optimal  # proved within the requested relative gap
        assert solved.gap <= settings.solver_gap + 1e-9
    # email is scheduled against its work and deadlines (the flow model, one part per day): a
    # plan within the time limit, and every e-mail answered in time by the independent FIFO
    # re-simulation of staffing.kpis_at at the scheduled working agents
    assert all(r.has_solution for r in result.per_group.values())
    email = requirements[requirements["group"] == "email"].reset_index(drop=True)
    email_cov = result.coverage[result.coverage["group"] == "email"].set_index("interval_start")
    working = email_cov.loc[email["interval_start"], "working"].to_numpy(dtype=float)
    assert staffing.kpis_at(email, working)["deadline_met"].all()
    assert email_cov["short"].sum() == 0
    assert "7 independent parts" in result.per_group["email"].message
    assert result.solve.best_bound <= result.solve.objective
    lengths = {t.length_minutes for t in scenario.shift_templates}
    assert {240, 600} <= lengths
    assert_keeps_every_rule(result, scenario.shift_templates, scenario.break_rules)
    assert result.wellbeing["rule_ok"].all()
    assert len(result.wellbeing) == len(result.shifts)
    # every shift of 6 h or more takes a break and a lunch
    long_agents = result.shifts.loc[result.shifts["template"].str.contains("6h|8h|10h"), "agent"]
    kinds = result.activities.groupby("agent")["activity"].agg(set)
    assert all({"BREAK1", "LUNCH"} <= kinds[a] for a in long_agents)
    # coverage read back from the frames agrees with itself and with the requirement
    cov = result.coverage
    np.testing.assert_array_equal(cov["working"], cov["on_shift"] - cov["on_break"])
    merged = cov.merge(requirements[["interval_start", "group", "required_scheduled"]],
                       on=["interval_start", "group"])
    np.testing.assert_array_equal(merged["required"], merged["required_scheduled"])
    # the shortfall that remains is explained in words, one line per run of short intervals
    assert (cov["short"].sum() == 0) == (result.explanations == [])
    assert all("short" in line or "after its deadline" in line for line in result.explanations)
