"""Deferred (e-mail) work in the tour model: the block flow is a relaxation, the canonical break
chain keeps every rule, fixing breaks to it is a restriction, and the two-phase solve of an e-mail
week meets every deadline with a bound that is a bound of the exact model."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pulp
import pytest

from planner import scheduling
from planner.people import Contract
from planner.roster.model import build_tour_model
from planner.roster.solve import (
    canonical_break_chain,
    fix_breaks_to_chains,
    relax_shift_integrality,
    reopen,
    solve_tour_model,
)
from planner.roster.tours import anonymous_profiles
from planner.scheduling import DeferredWork, build_group_model, deferred_lateness
from planner.shifts import template_plan
from planner.solver import solve
from planner.types import BreakRule, Settings, ShiftTemplate

MONDAY = date(2026, 1, 5)
HOURLY_WEEK = Settings(
    start_date=MONDAY, days=7, interval_minutes=60, solver_gap=0.0, solver_time_limit_seconds=20.0
)
MAIL = ShiftTemplate(
    "mail 8h",
    "email",
    480,
    earliest_start_minute=7 * 60,
    latest_start_minute=10 * 60,
    start_step_minutes=60,
    cost_per_hour=20.0,
    max_work_stretch_minutes=180,
)
MAIL_BREAKS = (
    BreakRule("mail 8h", "BREAK1", 60, 60, 180),
    BreakRule("mail 8h", "LUNCH", 60, 180, 300, paid=False),
)
FIVE_DAYS = Contract(
    "full-time",
    35.0,
    40.0,
    min_days_per_week=5,
    max_days_per_week=5,
    consecutive_days_off=2,
    max_consecutive_days=5,
    max_start_variance_minutes=60,
)


def mail_week(per_hour: float = 2.0, deadline_hours: int = 4, days: int = 7) -> DeferredWork:
    """``per_hour`` agent-hours of net work arriving 08:00–15:00 each day, due ``deadline_hours``
    later; the channel open 07:00–20:00."""
    n = 24 * days
    arrived, due = np.zeros(n), np.zeros(n)
    is_open = np.zeros(n, dtype=bool)
    for day in range(days):
        for hour in range(8, 16):
            arrived[day * 24 + hour] = per_hour
            due[day * 24 + hour + deadline_hours] += per_hour
        is_open[day * 24 + 7 : day * 24 + 20] = True
    return DeferredWork(arrived=arrived, due=due, shrinkage=np.full(n, 0.1), is_open=is_open)


def integer_optimum(model: scheduling.GroupModel | pulp.LpProblem, settings: Settings) -> float:
    problem = model if isinstance(model, pulp.LpProblem) else model.problem
    result = solve(problem, settings, gap=0.0, time_limit_seconds=60.0)
    assert result.status.value == "optimal"
    return float(result.objective)


# ------------------------------------------------------------------------------------------------
# the block flow
# ------------------------------------------------------------------------------------------------
def test_block_flow_is_a_relaxation_of_the_interval_flow() -> None:
    day = replace(HOURLY_WEEK, days=1)
    # a tight day: 3 agent-hours arriving at 08:00 due by 10:00 need three agents in the first hours,
    # which the 2-hour blocks see only as a total: the block optimum may be below, never above
    work = mail_week(per_hour=1.5, deadline_hours=2, days=1)
    need = np.zeros(24, dtype=int)
    exact = build_group_model(need, [MAIL], MAIL_BREAKS, day, "email", deferred=work)
    blocks = build_group_model(need, [MAIL], MAIL_BREAKS, day, "email", deferred=work, deferred_block=2)
    assert blocks.constraint_counts["work_balance"] == 12 and exact.constraint_counts["work_balance"] == 24
    exact_optimum = integer_optimum(exact, day)
    block_optimum = integer_optimum(blocks, day)
    assert block_optimum <= exact_optimum + 1e-6
    # the exact optimum's shifts and breaks, fixed in the block model, are feasible there at no
    # greater cost (the block rows are sums and a subset of the interval rows)
    for key, var in exact.x.items():
        blocks.x[key].lowBound = blocks.x[key].upBound = round(var.varValue)
    for key, var in exact.y.items():
        blocks.y[key].lowBound = blocks.y[key].upBound = round(var.varValue)
    fixed = solve(blocks.problem, day, gap=0.0)
    assert fixed.has_solution
    assert fixed.objective <= exact_optimum + 1e-6


def test_block_of_one_interval_is_the_interval_flow_and_zero_is_refused() -> None:
    day = replace(HOURLY_WEEK, days=1)
    work = mail_week(days=1)
    need = np.zeros(24, dtype=int)
    one = build_group_model(need, [MAIL], MAIL_BREAKS, day, "email", deferred=work, deferred_block=1)
    default = build_group_model(need, [MAIL], MAIL_BREAKS, day, "email", deferred=work)
    assert one.constraint_counts == default.constraint_counts
    assert integer_optimum(one, day) == pytest.approx(integer_optimum(default, day))
    with pytest.raises(ValueError, match="block must be ≥ 1"):
        build_group_model(need, [MAIL], MAIL_BREAKS, day, "email", deferred=work, deferred_block=0)


# ------------------------------------------------------------------------------------------------
# the canonical break chain and the restriction to it
# ------------------------------------------------------------------------------------------------
def test_canonical_chain_keeps_every_rule_and_sits_in_the_middle_of_the_windows() -> None:
    plan = template_plan(MAIL, list(MAIL_BREAKS), 60)
    chain = canonical_break_chain(plan)
    assert len(chain) == len(plan.activities) == 2
    for activity, position in zip(plan.activities, chain, strict=True):
        assert position in activity.positions
    assert plan.compatible(0, chain[0], chain[1])
    # windows 1–3 h and 3–5 h after the start: the middles (2 h and 4 h) are compatible
    assert chain == (2, 4)


def test_canonical_chain_moves_off_the_middle_when_the_rules_require_it() -> None:
    # quarter-hour grid: BREAK1 window 60–120 min (middle 90), LUNCH window 120–180 (middle 150);
    # a 60-minute least gap between breaks makes the middles (90 → ends 105, lunch at 150 is 45 min
    # later) break the rule; the chain keeps the rule at the least total distance from the middles
    template = replace(MAIL, length_minutes=300, earliest_start_minute=420, latest_start_minute=420,
                       start_step_minutes=15, max_work_stretch_minutes=None, min_break_gap_minutes=60)
    rules = [BreakRule("mail 8h", "BREAK1", 15, 60, 120), BreakRule("mail 8h", "LUNCH", 30, 120, 180)]
    plan = template_plan(template, rules, 15)
    chain = canonical_break_chain(plan)
    assert plan.compatible(0, chain[0], chain[1])
    middles = (6, 10)  # intervals after the start
    assert chain != middles
    every = [(a, c) for a in plan.activities[0].positions for c in plan.activities[1].positions
             if plan.compatible(0, a, c)]
    assert sum(abs(p - m) for p, m in zip(chain, middles, strict=True)) == min(
        abs(a - middles[0]) + abs(c - middles[1]) for a, c in every
    )


def test_breaks_fixed_to_the_chain_are_a_restriction_and_reopen_gives_the_bounds_back() -> None:
    work = mail_week()
    profiles = anonymous_profiles((FIVE_DAYS,), ["email"], HOURLY_WEEK)
    need = np.zeros(HOURLY_WEEK.interval_count, dtype=int)

    def model():  # type: ignore[no-untyped-def]
        return build_tour_model(need, [MAIL], MAIL_BREAKS, HOURLY_WEEK, "email", profiles,
                                [p.cap for p in profiles], deferred=work, deferred_block=1)

    free = model()
    free_optimum = integer_optimum(free.problem, HOURLY_WEEK)
    restricted = model()
    bounds = {v.name: v.upBound for v in restricted.base.y.values()}
    closed = fix_breaks_to_chains(restricted)
    chain = canonical_break_chain(restricted.base.plans[0])
    assert closed and all(restricted.base.y[k].upBound == 0 for k in restricted.base.y if k[3] != chain[k[2]])
    restricted_optimum = integer_optimum(restricted.problem, HOURLY_WEEK)
    assert restricted_optimum >= free_optimum - 1e-6
    # every break of the restricted optimum sits on the chain, and it is a solution of the full model
    taken = {k: round(v.varValue) for k, v in restricted.base.y.items() if round(v.varValue or 0) > 0}
    assert taken and all(k[3] == chain[k[2]] for k in taken)
    reopen(closed)
    assert {v.name: v.upBound for v in restricted.base.y.values()} == bounds
    assert all(c.valid(1e-6) for c in restricted.problem._constraints.values())


# ------------------------------------------------------------------------------------------------
# the two-phase solve of an e-mail week
# ------------------------------------------------------------------------------------------------
def test_email_tours_meet_every_deadline_with_a_bound_of_the_exact_model() -> None:
    work = mail_week()
    settings = replace(HOURLY_WEEK, solver_gap=0.0)
    profiles = anonymous_profiles((FIVE_DAYS,), ["email"], settings)
    need = np.zeros(settings.interval_count, dtype=int)
    caps = [p.cap for p in profiles]
    # phase 1 on 2-hour blocks (a relaxation); phase 2 places shifts and breaks in the exact flow
    model = build_tour_model(need, [MAIL], MAIL_BREAKS, settings, "email", profiles, caps, deferred=work,
                             deferred_block=2)
    assert model.base.constraint_counts["work_balance"] == settings.interval_count // 2
    result = solve_tour_model(model, need, [MAIL], MAIL_BREAKS, settings, 20.0, deferred=work)
    assert result.has_solution
    # the exact tour model (per-interval flow, every column integer), solved to the optimum
    exact = build_tour_model(need, [MAIL], MAIL_BREAKS, settings, "email", profiles, caps, deferred=work,
                             deferred_block=1)
    optimum = integer_optimum(exact.problem, settings)
    assert result.best_bound <= optimum + 1e-6
    assert result.objective >= optimum - 1e-6
    # the rostered shifts, re-simulated first-in first-out, answer every e-mail in time
    working = np.zeros(settings.interval_count)
    base = model.base
    for (t, s), var in base.x.items():
        working[s : s + base.plans[t].length] += round(var.varValue or 0)
    for (t, s, j, p), var in base.y.items():
        start = s + p
        working[start : start + base.plans[t].activities[j].duration] -= round(var.varValue or 0)
    assert deferred_lateness(working, work)["overdue"].max() == 0


def test_relaxed_phase_one_of_the_email_week_bounds_the_restricted_one() -> None:
    # phase 1 (breaks free, shifts continuous) is a relaxation of the run with breaks fixed
    work = mail_week(per_hour=3.0)
    profiles = anonymous_profiles((FIVE_DAYS,), ["email"], HOURLY_WEEK)
    need = np.zeros(HOURLY_WEEK.interval_count, dtype=int)
    model = build_tour_model(need, [MAIL], MAIL_BREAKS, HOURLY_WEEK, "email", profiles,
                             [p.cap for p in profiles], deferred=work)
    relax_shift_integrality(model)
    free = integer_optimum(model.problem, HOURLY_WEEK)
    closed = fix_breaks_to_chains(model)
    fixed = integer_optimum(model.problem, HOURLY_WEEK)
    reopen(closed)
    assert free <= fixed + 1e-6
