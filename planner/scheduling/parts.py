"""Independent parts of a group's horizon (cuts no shift or deferred work crosses)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from planner import shifts as shift_grid
from planner.scheduling.deferred import DEADLINE_MARGIN, DeferredWork
from planner.types import BreakRule, Settings, ShiftTemplate


def independent_parts(templates: Sequence[ShiftTemplate], break_rules: Sequence[BreakRule],
                      settings: Settings, deferred: DeferredWork | None = None) -> list[tuple[int, int]]:
    """Split a group's horizon where its model falls apart into independent parts.

    A cut before interval ``c`` is exact when (1) no candidate shift works both ``c − 1`` and
    ``c``; (2) no template's start window of one day has starts on both sides (so the per-day
    bounds stay inside a part); and, for deferred work only, (3) the work arrived before ``c`` but
    due after it could not be worked before ``c`` anyway — no open interval that a candidate
    shift covers lies between its arrival and ``c`` (FIFO: it is the latest-arrived work, from the
    first interval ``k`` with ``A(k) > D(c − 1)``). Then every variable and constraint of the
    model lies on one side of the cut, and the optimum of the whole horizon is the sum of the
    parts' optima (for deferred work: as long as no work is late at a cut — late work is carried
    into the next part as due at its start). Of a run of valid cuts the *latest* is taken — just
    before work can resume — so that a part sees the overdue cost of work it leaves late over the
    closed hours that follow it, and every part holds intervals a shift can work. E.g. day shifts
    that never cross midnight split a week into seven days (07:00 to 07:00): seven models of
    ~1 800 integer columns instead of one of ~12 700, each of which :mod:`planner.solver` can
    search by full branch-and-bound (the week as one model only gets its LP + RENS start).

    Parameters
    ----------
    templates, break_rules : the group's shift templates and their break rules.
    settings : Settings
    deferred : DeferredWork, optional
        The group's deferred work (adds condition 3; a part must hold an interval that is open).

    Returns
    -------
    list of (first, end)
        Consecutive half-open interval ranges covering the horizon.
    """
    n = settings.interval_count
    plans = shift_grid.template_plans(list(templates), list(break_rules), settings.interval_minutes)
    spans = np.zeros(n + 1, dtype=bool)  # spans[c]: a shift works both c − 1 and c
    covered = np.zeros(n + 1, dtype=np.int64)
    split_days = np.zeros(n + 1, dtype=bool)
    for plan in plans:
        starts, days = shift_grid.candidate_starts(plan.template, settings)
        for s in starts:
            spans[s + 1:min(s + plan.length, n)] = True
            covered[s] += 1
            covered[min(s + plan.length, n)] -= 1
        for day in np.unique(days):
            on_day = starts[days == day]
            split_days[on_day.min() + 1:on_day.max() + 1] = True
    workable = np.cumsum(covered)[:n] > 0
    if deferred is not None:
        workable &= np.asarray(deferred.is_open, dtype=bool)
        arrived = np.cumsum(np.asarray(deferred.arrived, dtype=float))
        due = np.cumsum(np.asarray(deferred.due, dtype=float))
    workable_before = np.concatenate(([0], np.cumsum(workable)))  # workable intervals in [0, c)
    parts: list[tuple[int, int]] = []
    first, pending = 0, 0
    for c in range(1, n):
        valid = not (spans[c] or split_days[c] or workable_before[c] - workable_before[first] == 0)
        if valid and deferred is not None:
            k = int(np.searchsorted(arrived, due[c - 1] + DEADLINE_MARGIN, side="right"))
            valid = not (k < c and workable_before[c] - workable_before[k] > 0)
        if valid:
            pending = c
        if pending and workable[c]:  # the latest valid cut before work resumes
            parts.append((first, pending))
            first, pending = pending, 0
    parts.append((first, n))
    return parts


def _part_weights(templates: Sequence[ShiftTemplate], break_rules: Sequence[BreakRule], settings: Settings,
                  parts: Sequence[tuple[int, int]]) -> np.ndarray:
    """Integer columns (shift starts + break starts) of each part's model: its share of the time."""
    plans = shift_grid.template_plans(list(templates), list(break_rules), settings.interval_minutes)
    bounds = np.asarray([a for a, _ in parts] + [settings.interval_count])
    weights = np.zeros(len(parts))
    for plan in plans:
        starts, _ = shift_grid.candidate_starts(plan.template, settings)
        per_start = 1 + sum(len(a.positions) for a in plan.activities)
        owner = np.searchsorted(bounds, starts, side="right") - 1
        np.add.at(weights, owner, per_start)
    return np.maximum(weights, 1.0)
