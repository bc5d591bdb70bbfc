"""Break-start variables (Bechtold & Jacobs 1990) against the per-shift form (Aykin 1996).

Same optimum at gap 0 on tiny instances; the expanded per-shift breaks pass the roster's
independent break verifier (:func:`planner.roster.verify.check_breaks`); the no-extraordinary-
overlap check refuses a pool where it fails and the model falls back to exact pools; the greedy
assignment succeeds on every count vector that some assignment produced.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd
import pulp
import pytest

from planner.roster.verify import check_breaks
from planner.scheduling import (
    DeferredWork,
    build_group_model,
    expand_schedule,
    repair_shortfall,
    working_from_solution,
)
from planner.scheduling.aggregated import (
    BreakPool,
    assign_break_starts,
    break_pools,
    check_pool,
    extraordinary_overlap,
)
from planner.scheduling.model import GroupModel
from planner.shifts import candidate_starts, template_plans
from planner.solver import SolveStatus, solve
from planner.types import BreakRule, Settings, ShiftTemplate

MONDAY = date(2026, 1, 5)
HALF_HOURLY = Settings(start_date=MONDAY, days=1, interval_minutes=30, solver_gap=0.0,
                       solver_time_limit_seconds=60.0, shortfall_penalty_per_agent_hour=500.0)


def template(name: str, hours: int, cost: float, **kwargs: object) -> ShiftTemplate:
    return ShiftTemplate(name, "voice", hours * 60, earliest_start_minute=360,
                         latest_start_minute=1260 - hours * 60, start_step_minutes=30,
                         cost_per_hour=cost, **kwargs)  # type: ignore[arg-type]


def peaked_requirement(seed: int, scale: float = 6.0) -> np.ndarray:
    """Two peaks (11:00, 16:00) with seeded noise, agents per half hour, 07:00–21:00."""
    hours = np.arange(48) / 2 + 0.25
    shape = np.exp(-0.5 * ((hours - 11) / 1.5) ** 2) + 0.8 * np.exp(-0.5 * ((hours - 16) / 1.7) ** 2)
    noise = np.random.default_rng(seed).uniform(0.7, 1.3, 48)
    return np.where((hours >= 7) & (hours < 21), np.ceil(scale * shape * noise), 0).astype(int)


def solved(need: np.ndarray, templates: Sequence[ShiftTemplate], rules: Sequence[BreakRule], breaks: str,
           settings: Settings = HALF_HOURLY,
           deferred: DeferredWork | None = None) -> tuple[GroupModel, float]:
    model = build_group_model(need, templates, rules, settings, "voice", breaks=breaks, deferred=deferred)
    result = solve(model.problem, settings)
    assert result.status == SolveStatus.optimal, result.message
    return model, result.objective


def verified_breaks(model: GroupModel, templates: Sequence[ShiftTemplate], rules: Sequence[BreakRule],
                    settings: Settings = HALF_HOURLY) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Expand, run the independent verifier on every shift, return the frames and working agents."""
    starts = settings.interval_starts()
    shifts, activities, wellbeing = expand_schedule(model, starts)
    by_name = {t.name: t for t in templates}
    for shift in shifts.itertuples():
        own = activities[activities["agent"] == shift.agent]
        problems = check_breaks(by_name[shift.template], [r for r in rules if r.template == shift.template],
                                shift.start, shift.end, own)
        assert problems == [], problems
    assert wellbeing["rule_ok"].all()
    step = pd.Timedelta(minutes=settings.interval_minutes)
    working = np.zeros(len(starts), dtype=int)
    for frame, sign in ((shifts, 1), (activities, -1)):
        for row in frame.itertuples():
            first, last = int((row.start - starts[0]) / step), int((row.end - starts[0]) / step)
            working[max(first, 0):min(last, len(starts))] += sign
    return shifts, activities, working


# ------------------------------------------------------------------------ the overlap check
@pytest.mark.parametrize(("windows", "expected"), [
    ([(0, 4), (1, 3)], (0, 1)),            # strictly inside
    ([(1, 3), (0, 4)], (1, 0)),            # order of the input does not matter
    ([(0, 2), (1, 3), (2, 4)], None),      # translates of one window
    ([(0, 4), (0, 2)], None),              # same first start: not strict
    ([(0, 4), (2, 4)], None),              # same last start: not strict
    ([(0, 1), (3, 9), (4, 8)], (1, 2)),
    ([], None),
])
def test_extraordinary_overlap_finds_a_window_strictly_inside_another(
        windows: list[tuple[int, int]], expected: tuple[int, int] | None) -> None:
    assert extraordinary_overlap(windows) == expected


def test_extraordinary_overlap_agrees_with_brute_force_on_random_windows() -> None:
    rng = np.random.default_rng(1990)
    for _ in range(200):
        firsts = rng.integers(0, 12, rng.integers(1, 8))
        windows = [(int(f), int(f + rng.integers(0, 5))) for f in firsts]
        brute = any(a[0] < b[0] and b[1] < a[1] for a in windows for b in windows)
        found = extraordinary_overlap(windows)
        assert (found is not None) == brute
        if found is not None:
            outer, inner = windows[found[0]], windows[found[1]]
            assert outer[0] < inner[0] and inner[1] < outer[1]


def test_pool_with_an_extraordinary_overlap_is_refused_and_the_model_splits_it() -> None:
    # a 4 h shift may break 1–3 h in (window of 5 starts), a 6 h shift only at 2–2.5 h (2 starts):
    # a 6 h shift's window lies strictly inside a 4 h shift's one started half an hour earlier.
    templates = [template("t4", 4, 20.0), template("t6", 6, 20.0)]
    rules = [BreakRule("t4", "B", 30, 60, 180), BreakRule("t6", "B", 30, 120, 150)]
    plans = template_plans(templates, rules, 30)
    starts = [candidate_starts(t, HALF_HOURLY)[0] for t in templates]
    with pytest.raises(ValueError, match=r"overlap extraordinarily.*'t4'.*'t6'"):
        check_pool(plans, starts, BreakPool((0, 1), 1))
    assert break_pools(plans, starts) == [BreakPool((0,), 1), BreakPool((1,), 1)]
    # equal window widths pool together
    even = [BreakRule("t4", "B", 30, 60, 120), BreakRule("t6", "B", 30, 120, 180)]
    assert break_pools(template_plans(templates, even, 30), starts) == [BreakPool((0, 1), 1)]


def test_only_single_hard_break_templates_are_pooled() -> None:
    templates = [template("t4", 4, 20.0), template("t8", 8, 20.0, max_work_stretch_minutes=180),
                 template("soft", 4, 20.0)]
    rules = [BreakRule("t4", "B", 30, 60, 120), BreakRule("t8", "B", 30, 90, 150),
             BreakRule("t8", "L", 60, 210, 300, paid=False), BreakRule("soft", "B", 30, 60, 120, hard=False)]
    model = build_group_model(np.ones(48, dtype=int), templates, rules, HALF_HOURLY, "voice",
                              breaks="aggregated")
    assert model.pools == [BreakPool((0,), 1)]
    assert not any(key[0] == 0 for key in model.y)  # t4: break starts only
    assert any(key[0] == 1 for key in model.y) and any(key[0] == 2 for key in model.skip)


def test_unknown_break_formulation_is_refused() -> None:
    with pytest.raises(ValueError, match="breaks must be one of"):
        build_group_model(np.ones(48, dtype=int), [template("t4", 4, 20.0)], [], HALF_HOURLY, "voice",
                          breaks="pooled")


# ------------------------------------------------------------------------ the assignment
def test_greedy_assignment_succeeds_whenever_some_assignment_exists() -> None:
    rng = np.random.default_rng(14)
    for _ in range(300):
        width = int(rng.integers(0, 4))
        firsts = sorted(rng.integers(0, 15, rng.integers(1, 7)).tolist())
        windows = [(f, f + width) for f in firsts]  # translates: no extraordinary overlap
        shifts = rng.integers(0, 4, len(windows)).tolist()
        chosen = [int(rng.integers(w[0], w[1] + 1))
                  for w, n in zip(windows, shifts, strict=True) for _ in range(n)]
        breaks = {tau: chosen.count(tau) for tau in set(chosen)}
        placed = assign_break_starts(windows, shifts, breaks)
        assert [len(p) for p in placed] == shifts
        assert all(w[0] <= tau <= w[1] for w, p in zip(windows, placed, strict=True) for tau in p)
        assert sorted(tau for p in placed for tau in p) == sorted(chosen)


def test_assignment_refuses_counts_no_shift_can_take() -> None:
    with pytest.raises(ValueError, match="no shift may break"):
        assign_break_starts([(3, 4)], [1], {1: 1})
    with pytest.raises(ValueError, match="got no break"):
        assign_break_starts([(0, 1), (5, 6)], [1, 1], {5: 1, 6: 1})
    with pytest.raises(ValueError, match="2 shifts but 1 breaks"):
        assign_break_starts([(0, 1)], [2], {0: 1})


# ------------------------------------------------------------------------ same optimum, rules kept
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_aggregated_and_per_shift_breaks_have_the_same_optimum_and_keep_every_rule(seed: int) -> None:
    templates = [template("t4", 4, 22.0), template("t6", 6, 20.0), template("t8", 8, 20.0)]
    rules = [BreakRule("t4", "B", 30, 60, 120), BreakRule("t6", "B", 30, 120, 180),
             BreakRule("t8", "B", 30, 180, 240, paid=False)]
    need = peaked_requirement(seed)
    per_shift, a = solved(need, templates, rules, "per_shift")
    aggregated, b = solved(need, templates, rules, "aggregated")
    assert aggregated.pools == [BreakPool((0, 1, 2), 1)]
    assert len(aggregated.b) < sum(1 for _ in per_shift.y)
    assert b == pytest.approx(a, abs=1e-6)
    shifts, activities, working = verified_breaks(aggregated, templates, rules)
    assert len(activities) == len(shifts)  # one break each
    # the expanded plan covers what the model said: labour cost + shortfall = objective
    short = np.maximum(need - working, 0).sum() * HALF_HOURLY.shortfall_penalty_per_agent_hour / 2
    over = np.maximum(working - need, 0).sum() * HALF_HOURLY.overstaff_penalty_per_agent_hour / 2
    assert shifts["cost"].sum() + short + over == pytest.approx(b, abs=1e-6)


def test_mixed_pooled_and_per_shift_templates_have_the_same_optimum() -> None:
    templates = [template("t4", 4, 22.0), template("t8", 8, 20.0, max_work_stretch_minutes=150)]
    rules = [BreakRule("t4", "B", 30, 60, 120), BreakRule("t8", "B", 30, 90, 150),
             BreakRule("t8", "L", 60, 210, 270, paid=False)]
    need = peaked_requirement(7, scale=5.0)
    _, a = solved(need, templates, rules, "per_shift")
    aggregated, b = solved(need, templates, rules, "aggregated")
    assert aggregated.pools == [BreakPool((0,), 1)]
    assert b == pytest.approx(a, abs=1e-6)
    verified_breaks(aggregated, templates, rules)


def test_deferred_work_flow_works_with_aggregated_breaks() -> None:
    templates = [template("t4", 4, 22.0), template("t6", 6, 20.0)]
    rules = [BreakRule("t4", "B", 30, 60, 120), BreakRule("t6", "B", 30, 120, 180)]
    arrived = np.where((np.arange(48) >= 16) & (np.arange(48) < 30), 1.5, 0.0)
    due = np.roll(arrived, 4)  # two hours to answer
    work = DeferredWork(arrived=arrived, due=due, shrinkage=np.full(48, 0.1), is_open=arrived > 0)
    need = np.zeros(48, dtype=int)
    _, a = solved(need, templates, rules, "per_shift", deferred=work)
    aggregated, b = solved(need, templates, rules, "aggregated", deferred=work)
    assert aggregated.pools and b == pytest.approx(a, rel=1e-7)
    verified_breaks(aggregated, templates, rules)


def test_without_the_condition_the_rows_admit_break_counts_no_shift_assignment_meets() -> None:
    # why the check matters: a wide window [0, 4] strictly around a narrow one [2, 2], one shift
    # each, breaks at 1 and 3. Total 2 = 2; forward (window ends ≤ 2): 1 shift ≤ 1 break by 2;
    # backward (window starts ≥ 2): 1 shift ≤ 1 break from 2 — yet the narrow shift cannot break.
    windows, shifts, breaks = [(0, 4), (2, 2)], [1, 1], {1: 1, 3: 1}
    assert extraordinary_overlap(windows) == (0, 1)
    assert sum(n for w, n in zip(windows, shifts, strict=True) if w[1] <= 2) <= sum(
        n for tau, n in breaks.items() if tau <= 2)
    assert sum(n for w, n in zip(windows, shifts, strict=True) if w[0] >= 2) <= sum(
        n for tau, n in breaks.items() if tau >= 2)
    with pytest.raises(ValueError):
        assign_break_starts(windows, shifts, breaks)


def test_templates_split_into_their_own_pools_keep_the_optimum() -> None:
    templates = [template("t4", 4, 22.0), template("t6", 6, 20.0)]
    rules = [BreakRule("t4", "B", 30, 60, 180), BreakRule("t6", "B", 30, 120, 150)]
    need = peaked_requirement(11, scale=5.0)
    _, a = solved(need, templates, rules, "per_shift")
    aggregated, b = solved(need, templates, rules, "aggregated")
    assert aggregated.pools == [BreakPool((0,), 1), BreakPool((1,), 1)]
    assert b == pytest.approx(a, abs=1e-6)
    verified_breaks(aggregated, templates, rules)


def test_root_lp_bounds_of_both_formulations_are_equal() -> None:
    # the rows are exact for fractional counts too (Hall's condition for flows), so the LP
    # relaxations coincide: aggregation cannot move the bound, only the size of the model
    templates = [template("t4", 4, 22.0), template("t6", 6, 20.0), template("t8", 8, 20.0)]
    rules = [BreakRule("t4", "B", 30, 60, 120), BreakRule("t6", "B", 30, 120, 180),
             BreakRule("t8", "B", 30, 180, 240, paid=False)]
    need = peaked_requirement(5, scale=9.0)
    bounds = []
    for breaks in ("per_shift", "aggregated"):
        model = build_group_model(need, templates, rules, HALF_HOURLY, "voice", breaks=breaks)
        for var in model.problem.variables():
            var.cat = "Continuous"
        bounds.append(solve(model.problem, HALF_HOURLY).objective)
    assert bounds[1] == pytest.approx(bounds[0], rel=1e-9)


def test_repair_of_an_empty_aggregated_schedule_keeps_every_break_rule() -> None:
    templates = [template("t4", 4, 22.0), template("t6", 6, 20.0)]
    rules = [BreakRule("t4", "B", 30, 60, 120), BreakRule("t6", "B", 30, 120, 180)]
    need = peaked_requirement(3, scale=4.0)
    model, optimum = solved(need, templates, rules, "aggregated")
    for var in model.problem.variables():  # what a time-limited solve might return: nobody
        var.varValue = 0.0
    for i, short in model.short.items():
        short.varValue = float(need[i])
    added = repair_shortfall(model)
    assert added > 0
    assert pulp.value(model.problem.objective) >= optimum - 1e-6
    shifts, _, working = verified_breaks(model, templates, rules)
    assert len(shifts) == added
    np.testing.assert_array_equal(working, working_from_solution(model))
