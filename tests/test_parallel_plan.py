"""Staffing groups through the execution seam, and the MIP warm start from a previous plan.

* the solver seam's warm start (``planner.solver.solve(..., start=...)``) on a MIP solved by hand:
  the start is completed and accepted, and the answer is never worse than it;
* the schedule's warm start from a previous plan's shifts (same scenario, and +10 % volume);
* the schedule (a unit per group) and the roster (a unit per set of groups that share people)
  serially and on a real ``LocalCluster`` of two worker processes, solved to gap 0: the same
  frames, cell for cell.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pulp
import pytest

from planner import executor as ex
from planner import pipeline, scheduling, staffing
from planner.cli import main
from planner.demand import live_demand
from planner.people import Agent, Contract
from planner.roster import roster_scenario
from planner.roster.model import build_tour_model
from planner.roster.roster import linked_groups
from planner.roster.tours import agent_profiles
from planner.roster.warm_start import previous_tour_counts, tour_start
from planner.scheduling.warm_start import model_start, shift_start_counts
from planner.solver import SolveStatus, solve
from planner.types import BreakRule, Channel, Scenario, Segment, Settings, ShiftTemplate
from tests.conftest import build_small_scenario
from tests.web_helpers import DAY_SAMPLE

SETTINGS = Settings(start_date=date(2026, 1, 5), solver_time_limit_seconds=20.0, solver_gap=1e-9)


def small_mip() -> tuple[pulp.LpProblem, pulp.LpVariable, pulp.LpVariable]:
    """min 3x + 2.2y s.t. 2x + 3y ≥ 7.5, x, y ∈ ℤ≥0: optimum y = 3 at 6.6 (by hand; x = 1, y = 2
    costs 7.4; x = 4, y = 0 costs 12)."""
    problem = pulp.LpProblem("small", pulp.LpMinimize)
    x = problem.add_variable("x", 0, None, pulp.LpInteger)
    y = problem.add_variable("y", 0, None, pulp.LpInteger)
    problem.setObjective(3 * x + 2.2 * y)
    problem.addConstraint(2 * x + 3 * y >= 7.5, "cover")
    return problem, x, y


# -- the solver seam ------------------------------------------------------------------------------


@pytest.mark.parametrize(("given", "start_cost"), [((1, 2), 7.4), ((4, 0), 12.0), ((0, 3), 6.6)])
def test_warm_start_is_accepted_and_never_beaten_by_itself(given: tuple[int, int], start_cost: float) -> None:
    problem, x, y = small_mip()
    result = solve(problem, SETTINGS, start={x: given[0], y: given[1]})
    assert result.start_objective == pytest.approx(start_cost)
    assert "warm start of 2 column(s) accepted" in result.message
    assert result.objective <= result.start_objective + 1e-9
    assert result.status == SolveStatus.optimal and result.objective == pytest.approx(6.6)
    assert (x.value(), y.value()) == (0, 3)


def test_start_within_the_gap_of_the_lp_bound_is_the_answer() -> None:
    # gap 20 %: the start y = 3 (6.6) is within 16.7 % of the LP bound 5.5, so the solve ends with it
    # and the values are the start's, not the fractional LP optimum y = 2.5 that HiGHS holds then
    problem, x, y = small_mip()
    result = solve(problem, replace(SETTINGS, solver_gap=0.2), start={x: 0, y: 3})
    assert (x.value(), y.value()) == (0, 3)
    assert result.objective == pytest.approx(6.6) and result.best_bound == pytest.approx(5.5)
    assert result.status == SolveStatus.optimal and result.gap == pytest.approx(1.1 / 6.6)


def test_partial_warm_start_is_completed() -> None:
    problem, x, y = small_mip()
    result = solve(problem, SETTINGS, start={x: 1})  # y completed: the cheapest cover with x = 1 is y = 2
    assert result.start_objective == pytest.approx(7.4)
    assert result.objective == pytest.approx(6.6) and y.value() == 3


def test_infeasible_warm_start_is_reported_and_solved_cold() -> None:
    problem, x, y = small_mip()
    result = solve(problem, SETTINGS, start={x: 0, y: 0})  # covers nothing: no completion exists
    assert math.isnan(result.start_objective)
    assert "could not be completed" in result.message
    assert result.status == SolveStatus.optimal and result.objective == pytest.approx(6.6)


def test_a_start_of_another_problem_is_ignored() -> None:
    problem, _, _ = small_mip()
    _, other_x, _ = small_mip()
    result = solve(problem, SETTINGS, start={other_x: 1})
    assert math.isnan(result.start_objective) and "warm start" not in result.message
    assert result.objective == pytest.approx(6.6)


# -- the schedule's warm start ---------------------------------------------------------------------


def _solved_to_zero(scenario: Scenario) -> Scenario:
    return scenario.replace(settings=replace(scenario.settings, solver_gap=0.0,
                                             solver_time_limit_seconds=60.0))


@pytest.fixture(scope="module")
def small() -> Scenario:
    """The small scenario (voice, chat, e-mail) at 30-min intervals, an 8-hour shift with a paid
    break and an unpaid lunch per group (as in tests/test_pipeline.py), solved to gap 0."""
    base = build_small_scenario(interval_minutes=30)
    templates = tuple(ShiftTemplate(f"{g.name} 8h", g.name, 480, earliest_start_minute=8 * 60,
                                    latest_start_minute=12 * 60, start_step_minutes=60, cost_per_hour=20.0)
                      for g in base.staffing_groups)
    breaks = tuple(rule for t in templates for rule in (
        BreakRule(t.name, "BREAK1", 30, 90, 150, paid=True),
        BreakRule(t.name, "LUNCH", 30, 210, 270, paid=False)))
    return _solved_to_zero(base.replace(shift_templates=templates, break_rules=breaks))


def _requirements(scenario: Scenario) -> pd.DataFrame:
    return staffing.requirements(scenario, live_demand(scenario))


def test_previous_shifts_map_onto_the_new_model(small: Scenario) -> None:
    required = _requirements(small)
    cold = scheduling.schedule_scenario(small, required)
    group = small.staffing_groups[0].name
    counts = shift_start_counts(cold.shifts, group, small.settings)
    assert sum(counts.values()) == int((cold.shifts["group"] == group).sum())  # every shift is mapped
    need = required[required["group"] == group]["required_scheduled"].to_numpy(dtype=float)
    model = scheduling.build_group_model(np.ceil(need - 1e-9), small.templates_of(group), small.break_rules,
                                         small.settings, group)
    start = model_start(model, counts)
    assert set(start) == set(model.x.values())  # complete on the shift starts: others are 0
    assert sum(start.values()) == sum(counts.values())


def test_replan_from_its_own_plan_accepts_it_at_the_optimum(small: Scenario) -> None:
    required = _requirements(small)
    cold = scheduling.schedule_scenario(small, required)
    warm = scheduling.schedule_scenario(small, required, previous_shifts=cold.shifts)
    assert "accepted" in warm.solve.message
    assert warm.solve.start_objective == pytest.approx(cold.solve.objective, rel=1e-9)
    assert warm.solve.objective == pytest.approx(cold.solve.objective, rel=1e-9)  # both proven optimal
    assert warm.solve.status == SolveStatus.optimal


def test_replan_after_more_volume_starts_from_the_previous_plan(small: Scenario) -> None:
    before = scheduling.schedule_scenario(small, _requirements(small))
    forecast = small.forecast.copy()
    forecast["contacts"] = forecast["contacts"] * 1.1
    grown = small.replace(forecast=forecast)
    required = _requirements(grown)
    cold = scheduling.schedule_scenario(grown, required)
    warm = scheduling.schedule_scenario(grown, required, previous_shifts=before.shifts)
    assert "accepted" in warm.solve.message and math.isfinite(warm.solve.start_objective)
    assert warm.solve.objective <= warm.solve.start_objective + 1e-6
    assert warm.solve.objective == pytest.approx(cold.solve.objective, rel=1e-9)  # the same optimum


# -- serial and a LocalCluster of two worker processes give the same plan ------------------------------


@pytest.fixture(scope="module")
def local_executor() -> Iterator[ex.DaskExecutor]:
    executor = ex.DaskExecutor.start(ex.ExecutorSpec("local", workers=2))
    yield executor
    executor.close()


def _same_schedule(a: scheduling.ScheduleResult, b: scheduling.ScheduleResult) -> None:
    for name in ("shifts", "activities", "coverage", "wellbeing"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True)
    assert a.solve.objective == b.solve.objective and a.solve.status == b.solve.status
    assert a.explanations == b.explanations and a.model_size == b.model_size


def test_schedule_groups_on_two_workers_match_serial(small: Scenario,
                                                     local_executor: ex.DaskExecutor) -> None:
    required = _requirements(small)
    assert len(small.staffing_groups) >= 2
    serial = scheduling.schedule_scenario(small, required)
    seen: list[tuple[int, int, str]] = []
    parallel = scheduling.schedule_scenario(small, required, executor=local_executor,
                                            progress=lambda f, m: seen.append((0, 0, m)))
    assert serial.solve.status == SolveStatus.optimal and len(serial.shifts) > 0
    assert set(serial.shifts["group"]) == {g.name for g in small.staffing_groups}
    _same_schedule(serial, parallel)
    assert serial.shifts["agent"].is_unique  # numbered across groups as one schedule
    assert any("of" in m and "groups" in m for _, _, m in seen)  # progress as the units finish


MONDAY = date(2026, 1, 5)
HOURLY = Settings(start_date=MONDAY, days=7, interval_minutes=60, solver_gap=0.0,
                  solver_time_limit_seconds=60.0)
FIVE_DAYS = Contract("full-time", 35.0, 40.0, min_days_per_week=5, max_days_per_week=5,
                     consecutive_days_off=2, max_consecutive_days=5, max_start_variance_minutes=60)
GROUPS = ("sales", "service", "claims")


def _three_groups() -> Scenario:
    """Three voice groups; sales people work sales only, the others service or claims (by hand:
    two sets of linked groups, {sales} and {service, claims})."""
    starts = HOURLY.interval_starts()
    forecast = pd.DataFrame({"interval_start": starts, "channel": "sales", "segment": "all",
                             "contacts": 0.0, "aht_seconds": np.nan})
    templates = tuple(ShiftTemplate(f"{g} 8h", g, 480, earliest_start_minute=8 * 60,
                                    latest_start_minute=10 * 60, start_step_minutes=60, cost_per_hour=20.0)
                      for g in GROUPS)
    agents = (*(Agent(f"S{k}", f"Sales {k}", "full-time", ("sales",)) for k in range(4)),
              *(Agent(f"V{k}", f"Service {k}", "full-time", ("service", "claims")) for k in range(5)),
              Agent("C0", "Claims 0", "full-time", ("claims",)))
    return Scenario(name="three groups", settings=HOURLY,
                    channels=tuple(Channel(g, "voice", aht_seconds=300.0) for g in GROUPS),
                    segments=(Segment("all", 0.5, 0.5),), forecast=forecast, shift_templates=templates,
                    contracts=(FIVE_DAYS,), agents=agents)


def _roster_requirements(scenario: Scenario) -> pd.DataFrame:
    frames = []
    for g, level in zip(GROUPS, (3, 2, 2), strict=True):
        need = np.zeros(7 * 24)
        for day in range(7):
            need[day * 24 + 9: day * 24 + 17] = level if day < 5 else 1
        frames.append(pd.DataFrame({"interval_start": HOURLY.interval_starts(), "group": g,
                                    "required_scheduled": need, "kind": "voice"}))
    return pd.concat(frames, ignore_index=True)


def test_groups_sharing_people_are_linked() -> None:
    scenario = _three_groups()
    profiles = agent_profiles(scenario.agents, scenario.contracts, scenario.settings)
    assert [g.name for g in scenario.staffing_groups] == list(GROUPS)
    assert linked_groups(list(GROUPS), profiles) == [("sales",), ("service", "claims")]


def test_roster_sets_on_two_workers_match_serial(local_executor: ex.DaskExecutor) -> None:
    scenario = _three_groups()
    required = _roster_requirements(scenario)
    serial = roster_scenario(scenario, required)
    parallel = roster_scenario(scenario, required, executor=local_executor)
    _same_schedule(serial.schedule, parallel.schedule)
    for name in ("roster", "verification", "fairness", "unassigned", "profiles"):
        pd.testing.assert_frame_equal(getattr(serial, name), getattr(parallel, name), check_exact=True)
    assert serial.explanations == parallel.explanations
    assert serial.verification["ok"].all()
    assert set(serial.schedule.shifts["group"]) == set(GROUPS)  # every group rostered
    # the people cap carried from service to claims holds on the cluster too: 5 + 1 people for them
    worked = parallel.schedule.shifts.groupby("group")["agent"].nunique()
    assert worked.get("service", 0) + worked.get("claims", 0) <= 6


def test_previous_roster_maps_onto_tour_classes_and_is_accepted() -> None:
    scenario = _three_groups()
    required = _roster_requirements(scenario)
    rostered = roster_scenario(scenario, required)
    sales = rostered.schedule.per_group["sales"]
    assert sales.status == SolveStatus.optimal
    settings = scenario.settings
    profiles = agent_profiles(scenario.agents, scenario.contracts, settings)
    local = [p for p in profiles if "sales" in p.groups]
    need = required[required["group"] == "sales"]["required_scheduled"].to_numpy(dtype=int)
    model = build_tour_model(need, scenario.templates_of("sales"), (), settings, "sales", local,
                             [p.cap for p in local])
    counts = previous_tour_counts(model, rostered.schedule.shifts)
    people = rostered.schedule.shifts.query("group == 'sales'")["agent"].nunique()
    assert sum(counts.values()) == people > 0  # every sales person-week is a tour of the new model
    start = tour_start(model, rostered.schedule.shifts)
    result = solve(model.problem, settings, start=start)
    assert "accepted" in result.message
    # the completed start is the previous roster's group (its tours, shifts and breaks): same cost
    assert result.start_objective == pytest.approx(sales.objective, rel=1e-9)
    assert result.objective <= result.start_objective + 1e-9


# -- time limits of units that share one limit ---------------------------------------------------------


def test_unit_time_limits_share_the_workers_time_by_weight() -> None:
    # one worker: each unit its share of the budget (40 s by 3 : 1)
    assert ex.unit_time_limits(40.0, [3.0, 1.0], workers=1) == pytest.approx((30.0, 10.0))
    # two workers, two units: 80 worker-seconds by 3 : 1, no unit above the stage's own 40 s
    assert ex.unit_time_limits(40.0, [3.0, 1.0], workers=2) == pytest.approx((40.0, 20.0))
    # more workers than units: only as many run at once as there are units
    assert ex.unit_time_limits(40.0, [1.0, 1.0], workers=8) == pytest.approx((40.0, 40.0))
    limits = ex.unit_time_limits(10.0, [5.0, 1.0, 1.0, 1.0, 2.0], workers=2)
    assert max(limits) <= 10.0 and sum(limits) <= 2 * 10.0 + 1e-9
    assert ex.unit_time_limits(10.0, [0.0, 0.0], workers=1) == pytest.approx((5.0, 5.0))
    assert ex.unit_time_limits(10.0, [1000.0, 1.0], workers=1)[1] == pytest.approx(0.5)  # the floor


@pytest.mark.parametrize(("budget", "weights", "workers"), [(0.0, [1.0], 1), (10.0, [-1.0], 1),
                                                            (10.0, [1.0], 0), (10.0, [math.nan], 1)])
def test_unit_time_limits_refuse_bad_arguments(budget: float, weights: list[float], workers: int) -> None:
    with pytest.raises(ValueError, match="must be"):
        ex.unit_time_limits(budget, weights, workers)


def test_whole_plan_on_two_workers_matches_serial(small: Scenario, local_executor: ex.DaskExecutor) -> None:
    serial = pipeline.run_plan(small)
    parallel = pipeline.run_plan(small, executor=local_executor)
    assert serial.mix is not None and parallel.mix is not None
    assert serial.kpis.keys() == parallel.kpis.keys() and serial.status == parallel.status
    pd.testing.assert_series_equal(pd.Series(serial.kpis), pd.Series(parallel.kpis), check_exact=True)
    pd.testing.assert_frame_equal(serial.coverage, parallel.coverage, check_exact=True)
    pd.testing.assert_frame_equal(serial.mix.pairs, parallel.mix.pairs, check_exact=True)
    assert set(serial.timings) == set(parallel.timings)


# -- planner plan --warm-start: what it refuses, before planning anything ---------------------------------


def test_cli_warm_start_refuses_a_scenario_workbook_and_a_missing_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "plan.xlsx"
    assert main(["plan", str(DAY_SAMPLE), "-o", str(out), "--warm-start", str(DAY_SAMPLE), "--serial"]) == 2
    assert "is a scenario workbook; give a plan workbook" in capsys.readouterr().err
    missing = tmp_path / "nope.xlsx"
    assert main(["plan", str(DAY_SAMPLE), "-o", str(out), "--warm-start", str(missing), "--serial"]) == 1
    assert f"--warm-start {missing}: cannot read the previous plan" in capsys.readouterr().err
    assert main(["plan", str(DAY_SAMPLE), "-o", str(out), "--workers", "0"]) == 2
    assert "--workers must be between 1 and 64" in capsys.readouterr().err
    assert not out.exists()  # nothing written


def test_replan_note_names_the_groups_and_parts_that_started() -> None:
    from planner.pipeline import _warm_start_note
    from planner.solver import SolveResult

    def solved(message: str, start: float = math.nan) -> SolveResult:
        return SolveResult(SolveStatus.optimal, 1.0, 1.0, 0.0, 0.1, message, start)

    def schedule(per_group: dict[str, SolveResult]) -> scheduling.ScheduleResult:
        empty = pd.DataFrame()
        return scheduling.ScheduleResult(solved(""), per_group, empty, empty, empty, empty, [], {})

    note = _warm_start_note(schedule({
        "voice": solved("7 independent parts (optimal); HiGHS; warm start accepted in 6 of 7 parts"),
        "chat": solved("HiGHS: Optimal; warm start of 12 column(s) accepted at 5.00", 5.0),
        "email": solved("7 independent parts (optimal); HiGHS; warm start accepted in 0 of 7 parts")}))
    assert "in 2 of 3 group(s) (voice 6/7 parts, chat;" in note
    assert "solved from scratch" in _warm_start_note(schedule({"email": solved("HiGHS: Optimal")}))
