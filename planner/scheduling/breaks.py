"""Concrete break times per agent from the solved break counts (convex bipartite matching)."""

from __future__ import annotations

import math

from planner.shifts import TemplatePlan


def _match(plan: TemplatePlan, j: int, first: list[int | None],
           second: list[int | None]) -> list[int]:
    """Pair the units of activity ``j`` with those of ``j + 1`` keeping both rules.

    ``first`` / ``second`` are break offsets (None = skipped). Greedy in order of ``first``: each
    taken break gets the earliest free compatible break of ``j + 1`` (optimal for doubly monotone
    compatibility, Glover 1967), else a skipped one; skipped units take what is left.

    Returns
    -------
    list of int
        ``order[k]`` = index into ``second`` paired with ``first[k]``.
    """
    free = sorted(range(len(second)), key=lambda i: (second[i] is None, second[i] or 0))
    order = [-1] * len(first)
    ranked = sorted(range(len(first)), key=lambda k: (first[k] is None, first[k] or 0))
    for k in ranked:
        a = first[k]
        if a is None:
            continue
        pick = next((i for i in free if second[i] is not None and plan.compatible(j, a, second[i])), None)
        if pick is None:
            pick = next((i for i in free if second[i] is None), None)
        if pick is None:  # only with soft breaks: keep order at least
            pick = next((i for i in free if second[i] is not None and second[i] >= plan.earliest_next(j, a)),
                        free[0])
        free.remove(pick)
        order[k] = pick
    for k in ranked:
        if order[k] < 0:
            order[k] = free.pop(0)
    return order


def agent_breaks(plan: TemplatePlan, counts: list[dict[int, int]], skips: list[int],
                 agents: int) -> list[list[int | None]]:
    """Concrete break offsets for ``agents`` shifts of one (template, start) from solved counts.

    Parameters
    ----------
    counts : list of dict
        Per activity, ``{offset: number of shifts taking it there}``.
    skips : list of int
        Per activity, number of shifts skipping it.

    Returns
    -------
    list of list
        Per agent, per activity, the break offset (intervals after shift start) or None (skipped).
        The multiset per activity equals the solved counts.
    """
    if not plan.activities:
        return [[] for _ in range(agents)]
    units: list[list[int | None]] = []
    for j in range(len(plan.activities)):
        column: list[int | None] = [p for p, n in sorted(counts[j].items()) for _ in range(n)]
        column += [None] * skips[j]
        if len(column) != agents:  # rounding noise of a non-integral solution: pad or trim
            column = (column + [None] * agents)[:agents]
        units.append(column)
    rows: list[list[int | None]] = [[units[0][k]] for k in range(agents)]
    for j in range(len(plan.activities) - 1):
        previous = [row[-1] for row in rows]
        order = _match(plan, j, previous, units[j + 1])
        for k, row in enumerate(rows):
            row.append(units[j + 1][order[k]])
    return rows


def _wellbeing_row(plan: TemplatePlan, offsets: list[int | None]) -> tuple[int, int, float, float, bool]:
    """Breaks taken, breaks required, longest work stretch (min), least gap (min), rules kept."""
    minutes = plan.interval_minutes
    taken = [(p, a.duration) for p, a in zip(offsets, plan.activities, strict=True) if p is not None]
    cursor, longest, gaps = 0, 0, []
    for k, (p, d) in enumerate(taken):
        longest = max(longest, p - cursor)
        if k:
            gaps.append(p - cursor)
        cursor = p + d
    longest = max(longest, plan.length - cursor)
    longest_minutes = float(longest * minutes)
    gap_minutes = float(min(gaps) * minutes) if gaps else math.nan
    ok = all(p is not None for p, a in zip(offsets, plan.activities, strict=True) if a.hard)
    ok = ok and all(p is None or p in a.positions for p, a in zip(offsets, plan.activities, strict=True))
    if plan.template.max_work_stretch_minutes is not None:
        ok = ok and longest_minutes <= plan.template.max_work_stretch_minutes
    if gaps:
        ok = ok and min(gaps) >= 0 and gap_minutes >= plan.template.min_break_gap_minutes
    return len(taken), len(plan.activities), longest_minutes, gap_minutes, bool(ok)
