"""Named agents onto concrete tours: a min-cost assignment per people profile.

Every tour of a profile fits every agent of that profile (same contract, skills and availability:
the hard rules were kept when the tour classes were made), so what is left is soft: a linear
assignment (Kuhn 1955; Jonker–Volgenant as implemented by :func:`scipy.optimize.linear_sum_assignment`)
minimising, per agent and tour,

* :data:`PREFERRED_DAY_OFF_COST` per working day that is one of the agent's preferred days off;
* :data:`SHIFT_PREFERENCE_COST` per shift against the agent's early/late preference (an early shift
  starts before :data:`EARLY_START_MINUTE`, a late one ends after :data:`LATE_END_MINUTE`);
* fairness: :data:`WEEKEND_FAIRNESS_COST` × the agent's recent weekends worked per weekend day of
  the tour, so weekends go first to those who worked fewer of them;
* late-shift fairness: :data:`LATE_FAIRNESS_COST` × the agent's late shifts so far in the horizon
  (the earlier weeks, :mod:`planner.roster.horizon`) × the tour's late shifts. Among the agents of
  a profile (who can take each other's tours) the min-cost assignment then pairs the most late
  shifts so far with the fewest late shifts this week (the rearrangement inequality, Hardy,
  Littlewood & Pólya 1952, §10.2), which is also the pairing that minimises the largest total
  and maximises the smallest: where the other terms do not differ, the max − min of late shifts
  over the horizon is the least this week's tours allow. A late shift ends after
  :data:`LATE_END_MINUTE`, as in the fairness report and the verifier.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
from scipy.optimize import linear_sum_assignment

from planner.people import Agent
from planner.roster.split import ConcreteTour
from planner.roster.tours import WEEKEND_DAYS

PREFERRED_DAY_OFF_COST = 10.0
SHIFT_PREFERENCE_COST = 4.0
WEEKEND_FAIRNESS_COST = 3.0
LATE_FAIRNESS_COST = 2.0
"""Points per (late shift so far × late shift of the tour)."""
FORBIDDEN_COST = 1e6
"""Cost of a pair that breaks a hard rule (a weekend for someone at their weekend cap); the model's
weekend cap makes a pairing without any such pair exist."""
EARLY_START_MINUTE = 9 * 60
"""A shift starting before 09:00 is early."""
LATE_END_MINUTE = 20 * 60
"""A shift ending after 20:00 is late."""


def tour_day_minutes(
    tour: ConcreteTour, day: int, intervals_per_day: int, interval_minutes: int
) -> tuple[int, int]:
    """Start and end of the tour's shift on ``day``, minutes after that day's midnight."""
    start, _ = tour.shifts[day]
    minute = (start - day * intervals_per_day) * interval_minutes
    return minute, minute + tour.plan.template.length_minutes


def late_shifts(tour: ConcreteTour, intervals_per_day: int, interval_minutes: int) -> int:
    """Shifts of ``tour`` ending after :data:`LATE_END_MINUTE` (minutes after their day's midnight)."""
    return sum(
        1
        for day in tour.shifts
        if tour_day_minutes(tour, day, intervals_per_day, interval_minutes)[1] > LATE_END_MINUTE
    )


def assignment_cost(
    agent: Agent,
    tour: ConcreteTour,
    dates: Sequence[date],
    intervals_per_day: int,
    interval_minutes: int,
    weekend_ok: bool = True,
    late_so_far: int = 0,
) -> float:
    """Soft cost of giving ``tour`` to ``agent`` (module docstring), currency-free points; plus
    :data:`FORBIDDEN_COST` per weekend day when the agent may not work this weekend (hard).

    ``late_so_far`` is the agent's late shifts in the earlier weeks of the horizon (late-shift fairness).
    """
    cost = LATE_FAIRNESS_COST * late_so_far * late_shifts(tour, intervals_per_day, interval_minutes)
    for day in tour.shifts:
        weekday = dates[day].weekday()
        if weekday in agent.preferred_days_off:
            cost += PREFERRED_DAY_OFF_COST
        start, end = tour_day_minutes(tour, day, intervals_per_day, interval_minutes)
        if agent.prefers == "early" and start >= EARLY_START_MINUTE:
            cost += SHIFT_PREFERENCE_COST
        if agent.prefers == "late" and end <= LATE_END_MINUTE:
            cost += SHIFT_PREFERENCE_COST
        if weekday in WEEKEND_DAYS:
            cost += WEEKEND_FAIRNESS_COST * agent.recent_weekends_worked
            if not weekend_ok:
                cost += FORBIDDEN_COST
    return cost


def assign_profile(
    agents: Sequence[Agent],
    tours: Sequence[ConcreteTour],
    dates: Sequence[date],
    intervals_per_day: int,
    interval_minutes: int,
    weekend_ok: Sequence[bool] | None = None,
    late_so_far: Sequence[int] | None = None,
) -> list[tuple[int, int]]:
    """Min-cost pairs ``(agent index, tour index)``; ``min(len(agents), len(tours))`` of them.

    The late-shift weights count from the profile's fewest late shifts so far: with no more tours
    than agents every tour is given, so subtracting the least changes every pairing's cost by the
    same amount and keeps the late term comparable to the preferences over a long horizon.

    ``weekend_ok[a]`` False forbids weekend tours to agent ``a`` (hard, :data:`FORBIDDEN_COST`);
    ``late_so_far[a]`` is agent ``a``'s late shifts in the earlier weeks (late-shift fairness).
    """
    if not agents or not tours:
        return []
    allowed = list(weekend_ok) if weekend_ok is not None else [True] * len(agents)
    late = list(late_so_far) if late_so_far is not None else [0] * len(agents)
    if len(late) != len(agents):
        raise ValueError(f"late_so_far must have one entry per agent ({len(agents)}), got {len(late)}")
    least = min(late)
    late = [n - least for n in late]  # the same pairing (each tour goes to someone), smaller weights
    cost = np.asarray(
        [
            [assignment_cost(a, t, dates, intervals_per_day, interval_minutes, ok, n) for t in tours]
            for a, ok, n in zip(agents, allowed, late, strict=True)
        ],
        dtype=float,
    )
    rows, columns = linear_sum_assignment(cost)
    return [(int(r), int(c)) for r, c in zip(rows, columns, strict=True)]


def person_week_cost(
    agent: Agent, starts: Sequence, ends: Sequence, weekend_ok: bool, late_so_far: int
) -> float:
    """:func:`assignment_cost` of a published week (shift ``starts``/``ends``, timestamps) for ``agent``."""
    cost = 0.0
    for start, end in zip(starts, ends, strict=True):
        day = start.normalize()
        first = (start - day).total_seconds() / 60
        last = (end - day).total_seconds() / 60
        weekday = start.weekday()
        if weekday in agent.preferred_days_off:
            cost += PREFERRED_DAY_OFF_COST
        if agent.prefers == "early" and first >= EARLY_START_MINUTE:
            cost += SHIFT_PREFERENCE_COST
        if agent.prefers == "late" and last <= LATE_END_MINUTE:
            cost += SHIFT_PREFERENCE_COST
        if last > LATE_END_MINUTE:
            cost += LATE_FAIRNESS_COST * late_so_far
        if weekday in WEEKEND_DAYS:
            cost += WEEKEND_FAIRNESS_COST * agent.recent_weekends_worked
            if not weekend_ok:
                cost += FORBIDDEN_COST
    return cost


def reassign_weeks(costs: np.ndarray, allowed: np.ndarray) -> list[int]:
    """Who takes which published week: ``result[a]`` = the week of holder ``a`` that person ``a`` takes.

    A min-cost assignment over the holders of one contract's weeks (across profiles), pairs not
    ``allowed`` forbidden. Keeping every week with its holder is always allowed, so the result
    costs no more than the weeks as they are.
    """
    if costs.shape != allowed.shape or costs.shape[0] != costs.shape[1]:
        raise ValueError(
            f"costs and allowed must be the same square shape, got {costs.shape} and {allowed.shape}"
        )
    if not np.diag(allowed).all():
        raise ValueError("every holder must be allowed their own week")
    rows, columns = linear_sum_assignment(np.where(allowed, costs, FORBIDDEN_COST * 10))
    order = dict(zip(rows.tolist(), columns.tolist(), strict=True))
    return [int(order[a]) for a in range(costs.shape[0])]
