"""A previous plan of the same scenario as the MIP start of a re-plan.

A planner tweaks a scenario (volume +10 %, one more break rule, a longer opening) and plans it
again. The previous plan's shifts are usually close to the new optimum, so they make a good first
incumbent: :func:`shift_start_counts` reads them back as counts per (template, start interval),
and :func:`model_start` maps those counts onto a new model's start variables ``x[t, s]`` (every
other start 0). Shifts whose template or start no longer exists in the new model are dropped;
the solver completes the rest (breaks, slacks, deferred work) and repairs what no longer fits
(:func:`planner.solver.solve`'s ``start``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pulp

from planner.scheduling.model import GroupModel
from planner.types import Settings

START_COLUMNS: tuple[str, ...] = ("group", "template", "start")
"""Columns a previous plan's shift frame must have to serve as a start (a schedule's or a roster's)."""


def shift_start_counts(shifts: pd.DataFrame | None, group: str,
                       settings: Settings) -> dict[tuple[str, int], int]:
    """Shifts of ``group`` per (template name, start interval of the horizon).

    Parameters
    ----------
    shifts : pandas.DataFrame or None
        A previous plan's shifts (:data:`planner.scheduling.SHIFT_COLUMNS` or a roster's), with
        :data:`START_COLUMNS`; ``start`` naive local timestamps.
    group : str
    settings : Settings
        The *new* scenario's horizon: starts before it, after it or off its interval grid are
        dropped.

    Returns
    -------
    dict of (str, int) to int
        ``(template, s) → shifts``, ``s`` counted in intervals from ``settings.start_date`` 00:00.
    """
    if shifts is None or not len(shifts) or any(c not in shifts.columns for c in START_COLUMNS):
        return {}
    mine = shifts[shifts["group"] == group]
    if not len(mine):
        return {}
    origin = pd.Timestamp(settings.start_date)
    step = pd.Timedelta(minutes=settings.interval_minutes)
    offsets = (pd.to_datetime(mine["start"]) - origin) / step
    position = offsets.to_numpy(dtype=float)
    whole = np.isfinite(position) & (np.abs(position - np.round(position)) < 1e-9)
    inside = whole & (position >= 0) & (position < settings.interval_count)
    counts: dict[tuple[str, int], int] = {}
    for template, s in zip(mine["template"].to_numpy()[inside], np.round(position[inside]).astype(int),
                           strict=True):
        key = (str(template), int(s))
        counts[key] = counts.get(key, 0) + 1
    return counts


def model_start(model: GroupModel, counts: dict[tuple[str, int], int],
                first: int = 0) -> dict[pulp.LpVariable, float]:
    """The start values of a model's shift variables from :func:`shift_start_counts`.

    Parameters
    ----------
    model : GroupModel
        The new model (of the whole horizon, or of the window starting at interval ``first``).
    counts : dict
        ``(template name, s) → shifts`` in horizon intervals.
    first : int
        The model's first interval in the horizon (``window[0]`` of
        :func:`planner.scheduling.build_group_model`).

    Returns
    -------
    dict of pulp.LpVariable to float
        Every ``x[t, s]`` of the model: the previous count, else 0 (a part of the horizon where
        the previous plan had no shift starts from none). Empty without previous shifts.
    """
    if not counts:
        return {}
    names = [plan.template.name for plan in model.plans]
    return {var: float(counts.get((names[t], s + first), 0)) for (t, s), var in model.x.items()}


def group_starts(shifts: pd.DataFrame | None, groups: Sequence[str],
                 settings: Settings) -> dict[str, dict[tuple[str, int], int]]:
    """:func:`shift_start_counts` of every group (groups without a previous shift left out)."""
    found = {g: shift_start_counts(shifts, g, settings) for g in groups}
    return {g: c for g, c in found.items() if c}
