"""The what-if a planner does today: the roll-forward with classes placed by a simple rule.

Rule (the spreadsheet practice the issue names): walk the allowed class starts in date order; at
each start ``t`` of a class with ``training`` weeks, project the productive FTE with the classes
placed so far and look at the 12 weeks from the first week the class would be productive
(``t + training … t + training + 11``). When the expected requirement exceeds the projection by
more than 5 % in any of those weeks, place a class sized to the largest gap in that window
(rounded up, divided by a hire's productive share then, within the class's min/max size and the
trainer seats left; a class that would fall below its minimum size is not placed).

The rule sees the forecast only (the scenario-weighted mean requirement and survival); its plan is
then evaluated on the same scenarios as the optimiser with the same recourse (overtime, VTO,
shortfall chosen per scenario), so the comparison is like for like
(:func:`planner.capacity.model.solve_capacity` with ``fixed_hires``).
"""

from __future__ import annotations

import math

import numpy as np

from planner.capacity.model import CapacityData, productive_of

GAP_TRIGGER = 0.05
"""Place a class when the projected gap exceeds this share of the requirement."""
LOOKAHEAD_WEEKS = 12
"""Weeks looked at from the first productive week of a class."""


def _free_seats(data: CapacityData, hires: np.ndarray, i: int) -> int:
    """Trainer seats left for start ``i`` over its training weeks, given the classes placed."""
    start = data.starts[i]
    seats = data.seats[start.group_index]
    if seats is None:
        return start.hire_class.max_size
    free = seats
    for w in range(start.week, start.week + start.hire_class.training_weeks):
        used = sum(
            int(hires[j])
            for j, other in enumerate(data.starts)
            if other.group_index == start.group_index
            and other.week <= w < other.week + other.hire_class.training_weeks
        )
        free = min(free, seats - used)
    return max(int(free), 0)


def rule_based_hires(
    data: CapacityData, trigger: float = GAP_TRIGGER, lookahead_weeks: int = LOOKAHEAD_WEEKS
) -> dict[int, int]:
    """Class sizes by the rule above; returns start index → hires (only classes placed)."""
    weights = data.weights
    required = np.einsum("s,sgw->gw", weights, data.required)
    hires = np.zeros(len(data.starts), dtype=int)
    order = sorted(range(len(data.starts)), key=lambda i: (data.starts[i].week, i))
    for i in order:
        start = data.starts[i]
        c = start.hire_class
        g = start.group_index
        projected = np.einsum("s,sw->w", weights, productive_of(data, hires)[:, g, :])
        first = start.week - 1 + c.training_weeks
        window = slice(first, min(first + lookahead_weeks, data.weeks))
        need = required[g, window]
        have = projected[window]
        if need.size == 0:
            continue
        gap = need - have
        if not (gap > trigger * need).any():
            continue
        k = int(np.argmax(gap))
        share = float(weights @ data.coefficients[i].productive[:, first + k])
        size = math.ceil(float(gap[k]) / max(share, 1e-6) - 1e-9)
        size = min(max(size, c.min_size), c.max_size, _free_seats(data, hires, i))
        hires[i] = size if size >= max(c.min_size, 1) else 0
    return {i: int(h) for i, h in enumerate(hires) if h > 0}
