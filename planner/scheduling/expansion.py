"""From solved counts to individual agents with break times, and coverage read from them."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from planner.scheduling.aggregated import disaggregate_breaks
from planner.scheduling.breaks import _wellbeing_row, agent_breaks
from planner.scheduling.model import GroupModel, _count
from planner.scheduling.results import ACTIVITY_COLUMNS, SHIFT_COLUMNS, WELLBEING_COLUMNS


def expand_schedule(model: GroupModel, interval_starts: pd.DatetimeIndex,
                    first_agent: int = 1) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Individual agents (Agent 001 …) with concrete break times, from the solved counts.

    Returns
    -------
    shifts, activities, wellbeing : pandas.DataFrame
        Columns :data:`SHIFT_COLUMNS`, :data:`ACTIVITY_COLUMNS`, :data:`WELLBEING_COLUMNS`.
    """
    disaggregate_breaks(model)  # aggregated break starts → per shift (no-op for per-shift breaks)
    step = pd.Timedelta(minutes=model.settings.interval_minutes)
    origin = interval_starts[0]
    shift_rows, activity_rows, wellbeing_rows = [], [], []
    number = first_agent
    for t, plan in enumerate(model.plans):
        template = plan.template
        for s in model.starts[t]:
            s = int(s)
            agents = _count(model.x[(t, s)])
            if agents == 0:
                continue
            counts = [{p: _count(model.y[(t, s, j, p)]) for p in a.positions}
                      for j, a in enumerate(plan.activities)]
            skips = [_count(model.skip.get((t, s, j))) for j in range(len(plan.activities))]
            start = origin + s * step
            for offsets in agent_breaks(plan, counts, skips, agents):
                agent = f"Agent {number:03d}"
                number += 1
                taken = tuple(p is not None for p in offsets)
                paid_hours = plan.paid_intervals(taken) * plan.interval_minutes / 60.0
                shift_rows.append((agent, model.group, template.name, start, start + plan.length * step,
                                   paid_hours, paid_hours * template.cost_per_hour))
                for p, activity in zip(offsets, plan.activities, strict=True):
                    if p is not None:
                        activity_rows.append((agent, model.group, activity.activity, start + p * step,
                                              start + (p + activity.duration) * step, activity.paid))
                taken_n, required_n, longest, gap, ok = _wellbeing_row(plan, offsets)
                stretch = template.max_work_stretch_minutes
                wellbeing_rows.append((agent, model.group, template.name, taken_n, required_n, longest,
                                       float(stretch) if stretch is not None else math.nan, gap, ok))
    shifts_frame = pd.DataFrame(shift_rows, columns=list(SHIFT_COLUMNS))
    activities_frame = pd.DataFrame(activity_rows, columns=list(ACTIVITY_COLUMNS))
    wellbeing_frame = pd.DataFrame(wellbeing_rows, columns=list(WELLBEING_COLUMNS))
    return shifts_frame, activities_frame, wellbeing_frame


def coverage_from_schedule(shifts: pd.DataFrame, activities: pd.DataFrame, required: np.ndarray,
                           interval_starts: pd.DatetimeIndex, group: str) -> pd.DataFrame:
    """Agents on shift, on break and working per interval, read from the expanded schedule.

    ``working = on_shift − on_break``; ``short = max(required − working, 0)``;
    ``over = max(working − required, 0)``. Parts of shifts outside the horizon are not counted.
    """
    n = len(interval_starts)
    step = interval_starts[1] - interval_starts[0] if n > 1 else pd.Timedelta(minutes=15)
    origin = interval_starts[0]

    def tally(frame: pd.DataFrame) -> np.ndarray:
        delta = np.zeros(n + 1, dtype=np.int64)
        if len(frame):
            first = ((frame["start"] - origin) // step).to_numpy(dtype=np.int64)
            last = ((frame["end"] - origin) // step).to_numpy(dtype=np.int64)
            np.add.at(delta, np.clip(first, 0, n), 1)
            np.add.at(delta, np.clip(last, 0, n), -1)
        return np.cumsum(delta)[:n]

    on_shift = tally(shifts)
    on_break = tally(activities)
    working = on_shift - on_break
    need = np.asarray(required, dtype=np.int64)
    return pd.DataFrame({
        "interval_start": interval_starts, "group": group, "required": need, "on_shift": on_shift,
        "on_break": on_break, "working": working, "short": np.maximum(need - working, 0),
        "over": np.maximum(working - need, 0)})
