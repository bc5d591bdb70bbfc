"""Shift templates and break windows on the interval grid (planner.shifts)."""

from __future__ import annotations

import itertools
from datetime import date

import numpy as np
import pytest

from planner.scheduling import break_chains
from planner.shifts import (
    break_combinations,
    candidate_starts,
    start_minutes,
    template_plan,
    template_plans,
)
from planner.types import BreakRule, InputError, Settings, ShiftTemplate

MONDAY = date(2026, 1, 5)


def test_start_minutes_plain_window() -> None:
    template = ShiftTemplate("day", "voice", 480, earliest_start_minute=480, latest_start_minute=600,
                             start_step_minutes=30)
    assert start_minutes(template).tolist() == [480, 510, 540, 570, 600]


def test_start_minutes_window_wrapping_past_midnight() -> None:
    template = ShiftTemplate("night", "voice", 480, earliest_start_minute=22 * 60, latest_start_minute=120,
                             start_step_minutes=60)
    # starts after midnight belong to the day the window opened: 1440 + minute
    assert start_minutes(template).tolist() == [1320, 1380, 1440, 1500, 1560]


def test_candidate_starts_keep_days_and_drop_starts_past_the_horizon() -> None:
    night = ShiftTemplate("night", "voice", 480, earliest_start_minute=22 * 60, latest_start_minute=120,
                          start_step_minutes=60, days=frozenset({0, 1}))
    two_days = Settings(start_date=MONDAY, days=2, interval_minutes=60)
    starts, days = candidate_starts(night, two_days)
    # Monday's window: Mon 22, 23, Tue 00, 01, 02; Tuesday's: Tue 22, 23 (Wed 00-02 is past the end)
    assert starts.tolist() == [22, 23, 24, 25, 26, 46, 47]
    assert days.tolist() == [0, 0, 0, 0, 0, 1, 1]
    monday_only = ShiftTemplate("m", "voice", 240, days=frozenset({0}), start_step_minutes=60)
    starts, days = candidate_starts(monday_only, two_days)
    assert starts.tolist() == list(range(24)) and set(days.tolist()) == {0}


def test_candidate_starts_follow_the_weekday_of_the_start_date() -> None:
    weekend = ShiftTemplate("weekend", "voice", 240, start_step_minutes=60, earliest_start_minute=540,
                            latest_start_minute=540, days=frozenset({5, 6}))
    week = Settings(start_date=MONDAY, days=7, interval_minutes=60)
    starts, days = candidate_starts(weekend, week)
    assert days.tolist() == [5, 6]
    assert starts.tolist() == [5 * 24 + 9, 6 * 24 + 9]


def test_template_plan_windows_on_the_grid_and_paid_hours() -> None:
    template = ShiftTemplate("t8", "voice", 480)
    rules = [BreakRule("t8", "LUNCH", 30, 180, 300, paid=False), BreakRule("t8", "BREAK", 15, 90, 150)]
    plan = template_plan(template, rules, 15)
    assert [a.activity for a in plan.activities] == ["BREAK", "LUNCH"]  # ordered by window
    assert plan.activities[0].positions == tuple(range(6, 11))
    assert plan.activities[1].positions == tuple(range(12, 21))
    assert plan.paid_hours == pytest.approx(7.5)  # 8 h less the unpaid 30-minute lunch


def test_template_plan_prunes_first_and_last_stretch() -> None:
    # 6 h shift, one 1 h break between 1 h and 4 h, at most 3 h of work in a row:
    # first stretch p ≤ 3, last stretch 6 - p - 1 ≤ 3 → p ∈ {2, 3}
    template = ShiftTemplate("t6", "voice", 360, start_step_minutes=60, max_work_stretch_minutes=180)
    plan = template_plan(template, [BreakRule("t6", "B", 60, 60, 240)], 60)
    assert plan.activities[0].positions == (2, 3)


def test_template_plan_keeps_exactly_the_starts_of_some_valid_chain() -> None:
    template = ShiftTemplate("t10", "voice", 600, max_work_stretch_minutes=180, min_break_gap_minutes=60)
    rules = [BreakRule("t10", "B1", 15, 60, 180), BreakRule("t10", "L", 30, 150, 360, paid=False),
             BreakRule("t10", "B2", 15, 300, 540)]
    plan = template_plan(template, rules, 15)
    chains = break_chains(plan)
    for j, activity in enumerate(plan.activities):
        assert set(activity.positions) == {chain[j] for chain in chains}
    # brute force from the raw windows: every kept chain keeps both rules
    for chain in chains:
        cursor, stretches, gaps = 0, [], []
        for p, activity in zip(chain, plan.activities, strict=True):
            stretches.append(p - cursor)
            if cursor:
                gaps.append(p - cursor)
            cursor = p + activity.duration
        stretches.append(plan.length - cursor)
        assert max(stretches) * 15 <= 180 and min(gaps) * 15 >= 60


def test_break_combinations_counts_every_valid_placement() -> None:
    template = ShiftTemplate("t8", "voice", 480, max_work_stretch_minutes=180, min_break_gap_minutes=30)
    rules = [BreakRule("t8", "B", 15, 60, 165), BreakRule("t8", "L", 30, 180, 300, paid=False)]
    plan = template_plan(template, rules, 15)
    brute = 0
    windows = [range(60 // 15, 165 // 15 + 1), range(180 // 15, 300 // 15 + 1)]
    for b, lunch in itertools.product(*windows):
        stretches = [b, lunch - (b + 1), plan.length - (lunch + 2)]
        if max(stretches) <= 12 and lunch - (b + 1) >= 2:
            brute += 1
    assert break_combinations(plan) == brute == len(break_chains(plan))
    assert brute > 0


def test_unsatisfiable_windows_are_rejected_with_the_rule_named() -> None:
    # 8 h, break + lunch, but at most 2.5 h of work in a row cannot be kept with these windows
    template = ShiftTemplate("voice 8h", "voice", 480, max_work_stretch_minutes=150)
    rules = [BreakRule("voice 8h", "BREAK", 15, 90, 150), BreakRule("voice 8h", "LUNCH", 30, 180, 270)]
    with pytest.raises(InputError) as caught:
        template_plan(template, rules, 15)
    text = str(caught.value)
    assert "voice 8h" in text and "max_work_stretch_minutes 150" in text


def test_long_shift_without_breaks_cannot_keep_the_stretch_rule() -> None:
    template = ShiftTemplate("t8", "voice", 480, max_work_stretch_minutes=240)
    with pytest.raises(InputError, match="add a break rule"):
        template_plan(template, [], 15)


def test_window_without_a_grid_start_is_rejected() -> None:
    template = ShiftTemplate("t4", "voice", 240)
    with pytest.raises(InputError, match="holds no 15-minute start"):
        template_plan(template, [BreakRule("t4", "B", 15, 70, 74)], 15)


def test_template_plans_collect_every_problem() -> None:
    a = ShiftTemplate("a", "voice", 240, earliest_start_minute=7)
    b = ShiftTemplate("b", "voice", 240)
    with pytest.raises(InputError) as caught:
        template_plans([a, b], [BreakRule("b", "B", 15, 70, 74)], 15)
    fields = [p.field for p in caught.value.problems]
    assert "earliest_start_minute" in fields and "latest_start_offset_minutes" in fields


def test_no_starts_on_days_the_template_does_not_work() -> None:
    template = ShiftTemplate("sun", "voice", 240, days=frozenset({6}))
    starts, days = candidate_starts(template, Settings(start_date=MONDAY, days=3))
    assert starts.size == 0 and days.size == 0 and np.issubdtype(starts.dtype, np.integer)
