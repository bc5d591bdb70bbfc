"""Shift templates and break rules on the interval grid.

A :class:`~planner.types.ShiftTemplate` says when shifts of one staffing group may start and how
long they last; its :class:`~planner.types.BreakRule` s say which breaks every such shift takes
and in which window after the shift start. This module turns both into integers on the planning
grid (intervals of ``Settings.interval_minutes``) for the integer program in
:mod:`planner.scheduling`:

* :func:`start_minutes` / :func:`candidate_starts` — every allowed shift start in the horizon;
* :func:`template_plan` — the ordered break activities of a template with every break start that
  can be part of a rule-abiding day (work stretch and gap rules), and the compatibility of two
  consecutive breaks of one shift.

Time conventions
----------------
* A start window with ``latest_start_minute < earliest_start_minute`` wraps past midnight: the
  starts after midnight belong to the *day the window opened* (a Monday 22:00–02:00 window
  includes Tuesday 01:00), and ``days`` / per-day bounds count them on that day.
* The horizon is **not** circular. A shift covers the intervals ``[start, start + length)``; a
  shift that starts on the last day and runs past the horizon end covers only the intervals inside
  the horizon (it is still paid in full — the agent works the whole shift). Shifts that would start
  before the horizon (e.g. a Sunday-night shift of the previous week) are not modelled, so the
  first intervals of the horizon can only be covered by shifts starting inside it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from planner.types import BreakRule, InputError, Problem, Settings, ShiftTemplate


@dataclass(frozen=True)
class BreakActivity:
    """One break activity of a template, on the interval grid.

    Parameters
    ----------
    activity : str
        Activity code (``"BREAK1"``, ``"LUNCH"``).
    duration : int
        Length, intervals.
    positions : tuple of int
        Allowed break starts, intervals after the shift start, ascending — the window of the rule
        reduced to the starts that fit a day keeping every well-being rule.
    paid, hard : bool
        As in :class:`~planner.types.BreakRule`.
    skip_penalty : float
        Cost of skipping a soft break once, currency units.
    """

    activity: str
    duration: int
    positions: tuple[int, ...]
    paid: bool
    hard: bool
    skip_penalty: float


@dataclass(frozen=True)
class TemplatePlan:
    """A template with its break activities resolved on the grid.

    Parameters
    ----------
    template : ShiftTemplate
    interval_minutes : int
    length : int
        Shift length, intervals.
    activities : tuple of BreakActivity
        In the order they are taken within a shift.
    gap : int
        Least number of intervals between the end of one break and the start of the next.
    stretch : int or None
        Most intervals of work in a row without a break (None = no limit).
    """

    template: ShiftTemplate
    interval_minutes: int
    length: int
    activities: tuple[BreakActivity, ...]
    gap: int
    stretch: int | None

    @property
    def name(self) -> str:
        return self.template.name

    def earliest_next(self, j: int, position: int) -> int:
        """Earliest start of activity ``j + 1`` after activity ``j`` starts at ``position`` (gap rule)."""
        return position + self.activities[j].duration + self.gap

    def latest_next(self, j: int, position: int) -> int:
        """Latest start of activity ``j + 1`` after activity ``j`` starts at ``position`` (stretch rule)."""
        if self.stretch is None:
            return self.length
        return position + self.activities[j].duration + self.stretch

    def compatible(self, j: int, position: int, next_position: int) -> bool:
        """Whether activity ``j`` at ``position`` and ``j + 1`` at ``next_position`` fit one shift."""
        return self.earliest_next(j, position) <= next_position <= self.latest_next(j, position)

    def paid_intervals(self, taken: tuple[bool, ...] | None = None) -> int:
        """Paid intervals of one shift: its length less the unpaid breaks actually taken."""
        taken = taken or (True,) * len(self.activities)
        unpaid = sum(a.duration for a, t in zip(self.activities, taken, strict=True)
                     if t and not a.paid)
        return self.length - unpaid

    @property
    def paid_hours(self) -> float:
        """Paid hours of a shift taking every break, h."""
        return self.paid_intervals() * self.interval_minutes / 60.0


def start_minutes(template: ShiftTemplate) -> np.ndarray:
    """Allowed start times of a template, minutes after the midnight of the day its window opens.

    Starts run from ``earliest_start_minute`` every ``start_step_minutes`` up to
    ``latest_start_minute``; a window with ``latest < earliest`` wraps past midnight, its later
    starts being ``1440 + minute`` (next calendar day, same start day).

    Returns
    -------
    numpy.ndarray of int
        Minutes, ascending.
    """
    last = template.latest_start_minute
    if last < template.earliest_start_minute:
        last += 1440
    return np.arange(template.earliest_start_minute, last + 1, template.start_step_minutes,
                     dtype=np.int64)


def candidate_starts(template: ShiftTemplate, settings: Settings) -> tuple[np.ndarray, np.ndarray]:
    """Every start of ``template`` inside the horizon.

    Parameters
    ----------
    template : ShiftTemplate
    settings : Settings
        ``start_date``, ``days``, ``interval_minutes`` define the horizon.

    Returns
    -------
    starts : numpy.ndarray of int
        Interval index of each start (0 = first interval of the horizon), ascending.
    days : numpy.ndarray of int
        Day of the horizon (0-based) whose start window each start belongs to.
    """
    minutes = start_minutes(template)
    interval = settings.interval_minutes
    per_day = settings.intervals_per_day
    first_weekday = settings.start_date.weekday()
    starts: list[np.ndarray] = []
    days: list[np.ndarray] = []
    for day in range(settings.days):
        if (first_weekday + day) % 7 not in template.days:
            continue
        index = day * per_day + minutes // interval
        index = index[index < settings.interval_count]
        starts.append(index)
        days.append(np.full(index.shape, day, dtype=np.int64))
    if not starts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(starts), np.concatenate(days)


def template_problems(template: ShiftTemplate, interval_minutes: int) -> list[Problem]:
    """Grid problems of a template: length, start step and earliest start on the interval grid."""
    problems: list[Problem] = []
    for name in ("length_minutes", "start_step_minutes", "earliest_start_minute"):
        value = getattr(template, name)
        if value % interval_minutes:
            problems.append(Problem(name, f"template {template.name!r}: {value} is not a multiple of "
                                          f"the {interval_minutes}-minute interval"))
    return problems


def template_plan(template: ShiftTemplate, rules: tuple[BreakRule, ...] | list[BreakRule],
                  interval_minutes: int) -> TemplatePlan:
    """Resolve a template's break rules on the grid and check the well-being rules can be met.

    Break windows are rounded inwards to the grid (earliest up, latest down). Activities are taken
    in the order of their windows (earliest, then latest start). The work stretch rule
    (``max_work_stretch_minutes``, rounded down to whole intervals) bounds the work before the
    first break, between two consecutive breaks and after the last; the gap rule
    (``min_break_gap_minutes``, rounded up) bounds the time between one break's end and the next
    break's start from below. A break start is kept only if some start of every other activity
    completes a day that keeps both rules (arc consistency along the chain of breaks, one pass
    forward and one backward — exact for a chain).

    Parameters
    ----------
    template : ShiftTemplate
    rules : sequence of BreakRule
        The rules of this template (``rule.template == template.name``).
    interval_minutes : int

    Returns
    -------
    TemplatePlan

    Raises
    ------
    InputError
        When a window is off the grid or empty, two activities share a code, or the windows cannot
        satisfy the stretch/gap rules; each problem names the template and activity.
    """
    problems = template_problems(template, interval_minutes)
    length = template.length_minutes // interval_minutes
    stretch = (None if template.max_work_stretch_minutes is None
               else template.max_work_stretch_minutes // interval_minutes)
    gap = math.ceil(template.min_break_gap_minutes / interval_minutes)
    ordered = sorted(rules, key=lambda r: (r.earliest_start_offset_minutes,
                                           r.latest_start_offset_minutes, r.activity))
    seen: set[str] = set()
    windows: list[list[int]] = []
    for rule in ordered:
        where = f"template {template.name!r} break {rule.activity!r}"
        if rule.template != template.name:
            problems.append(Problem("template", f"{where}: belongs to {rule.template!r}"))
        if rule.activity in seen:
            problems.append(Problem("activity", f"{where}: activity is defined twice"))
        seen.add(rule.activity)
        if rule.duration_minutes % interval_minutes:
            problems.append(Problem("duration_minutes",
                                    f"{where}: {rule.duration_minutes} is not a multiple of the "
                                    f"{interval_minutes}-minute interval"))
        lo = math.ceil(rule.earliest_start_offset_minutes / interval_minutes)
        hi = rule.latest_start_offset_minutes // interval_minutes
        duration = rule.duration_minutes // interval_minutes
        hi = min(hi, length - duration)
        if hi < lo:
            problems.append(Problem("latest_start_offset_minutes",
                                    f"{where}: the window {rule.earliest_start_offset_minutes}–"
                                    f"{rule.latest_start_offset_minutes} min holds no "
                                    f"{interval_minutes}-minute start inside the "
                                    f"{template.length_minutes}-minute shift"))
        windows.append(list(range(lo, hi + 1)))
    if problems:
        raise InputError(problems)
    durations = [r.duration_minutes // interval_minutes for r in ordered]
    if stretch is not None and not ordered and length > stretch:
        raise InputError([Problem("max_work_stretch_minutes",
                                  f"template {template.name!r}: a {template.length_minutes}-minute shift "
                                  f"without breaks exceeds the work stretch of "
                                  f"{template.max_work_stretch_minutes} min; add a break rule")])
    if ordered:
        if stretch is not None:
            windows[0] = [p for p in windows[0] if p <= stretch]
            windows[-1] = [p for p in windows[-1] if length - p - durations[-1] <= stretch]

        def fits(j: int, a: int, c: int) -> bool:
            low = a + durations[j] + gap
            high = a + durations[j] + stretch if stretch is not None else length
            return low <= c <= high

        for j in range(1, len(windows)):  # forward pass
            windows[j] = [c for c in windows[j] if any(fits(j - 1, a, c) for a in windows[j - 1])]
        for j in range(len(windows) - 2, -1, -1):  # backward pass
            windows[j] = [a for a in windows[j] if any(fits(j, a, c) for c in windows[j + 1])]
        empty = [r.activity for r, w in zip(ordered, windows, strict=True) if not w]
        if empty:
            rules_text = []
            if stretch is not None:
                rules_text.append(f"max_work_stretch_minutes {template.max_work_stretch_minutes}")
            rules_text.append(f"min_break_gap_minutes {template.min_break_gap_minutes}")
            raise InputError([Problem("earliest_start_offset_minutes",
                                      f"template {template.name!r}: the windows of "
                                      f"{', '.join(repr(a) for a in empty)} leave no placement that keeps "
                                      f"{' and '.join(rules_text)}; widen or move the break windows")])
    activities = tuple(
        BreakActivity(activity=r.activity, duration=d, positions=tuple(w), paid=r.paid, hard=r.hard,
                      skip_penalty=float(r.skip_penalty))
        for r, d, w in zip(ordered, durations, windows, strict=True))
    return TemplatePlan(template=template, interval_minutes=interval_minutes, length=length,
                        activities=activities, gap=gap, stretch=stretch)


def template_plans(templates: tuple[ShiftTemplate, ...] | list[ShiftTemplate],
                   break_rules: tuple[BreakRule, ...] | list[BreakRule],
                   interval_minutes: int) -> list[TemplatePlan]:
    """:func:`template_plan` for every template, collecting every problem into one InputError."""
    plans: list[TemplatePlan] = []
    problems: list[Problem] = []
    for template in templates:
        try:
            plans.append(template_plan(template, [r for r in break_rules if r.template == template.name],
                                       interval_minutes))
        except InputError as error:
            problems.extend(error.problems)
    if problems:
        raise InputError(problems)
    return plans


def break_combinations(plan: TemplatePlan) -> int:
    """Number of rule-abiding break placements of one shift (the explicit formulation's patterns).

    Counts chains ``p_0 < p_1 < …`` with consecutive activities :meth:`TemplatePlan.compatible`,
    by dynamic programming over the chain (no enumeration).
    """
    if not plan.activities:
        return 1
    ways = {p: 1 for p in plan.activities[0].positions}
    for j in range(1, len(plan.activities)):
        ways = {c: sum(n for a, n in ways.items() if plan.compatible(j - 1, a, c))
                for c in plan.activities[j].positions}
    return sum(ways.values())
