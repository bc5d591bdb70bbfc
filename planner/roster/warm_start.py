"""A previous roster of the same scenario as the MIP start of a group's tour model.

Every person-week of a previous roster is one tour: its template, the start band of its starts
and the days it works, for the people profile it was rostered from. :func:`tour_start` finds the
tour class of each previous person-week in the *new* model and counts them, and adds the shift
starts (:func:`planner.scheduling.warm_start.model_start`); the solver seam completes and repairs
the rest (:func:`planner.solver.solve`'s ``start``). A person-week whose template, band, days or
profile no longer exist in the new model (a changed contract, new availability) is left out.
"""

from __future__ import annotations

import pandas as pd
import pulp

from planner.roster.model import TourModel
from planner.scheduling.warm_start import model_start, shift_start_counts

TOUR_START_COLUMNS: tuple[str, ...] = ("agent", "group", "template", "start", "profile")
"""Columns of a previous roster's shift frame that :func:`tour_start` reads."""


def previous_tour_counts(model: TourModel, shifts: pd.DataFrame | None) -> dict[int, int]:
    """Person-weeks of a previous roster per tour class of ``model`` (classes found only).

    Parameters
    ----------
    model : TourModel
        The new group's tour model (:func:`planner.roster.model.build_tour_model`).
    shifts : pandas.DataFrame or None
        A previous roster's shifts with :data:`TOUR_START_COLUMNS` (``agent`` the person, the
        same all week; ``profile`` the people profile's key).

    Returns
    -------
    dict of int to int
        Tour class index → person-weeks of the previous roster that are tours of that class.
    """
    if shifts is None or not len(shifts) or any(c not in shifts.columns for c in TOUR_START_COLUMNS):
        return {}
    base = model.base
    settings = base.settings
    mine = shifts[shifts["group"] == base.group]
    if not len(mine):
        return {}
    template_of = {plan.template.name: t for t, plan in enumerate(base.plans)}
    profile_of = {profile.key: p for p, profile in enumerate(model.profiles)}
    class_of = {(c.profile, c.template, c.band, c.days): k for k, c in enumerate(model.classes)}
    origin = pd.Timestamp(settings.start_date)
    step = pd.Timedelta(minutes=settings.interval_minutes)
    counts: dict[int, int] = {}
    for _, week in mine.groupby("agent", sort=True):
        keys = set()
        for template, start in zip(week["template"], pd.to_datetime(week["start"]), strict=True):
            t = template_of.get(str(template))
            offset = (start - origin) / step
            if t is None or offset != int(offset):
                keys = set()
                break
            key = model.start_key.get((t, int(offset)))
            if key is None:
                keys = set()
                break
            keys.add(key)
        if not keys or len({(t, b) for t, b, _ in keys}) != 1:
            continue  # not a tour of one template and band in the new model
        (t, b) = next(iter({(t, b) for t, b, _ in keys}))
        days = tuple(sorted({d for _, _, d in keys}))
        p = profile_of.get(str(week["profile"].iloc[0]))
        k = class_of.get((p, t, b, days)) if p is not None else None
        if k is not None:
            counts[k] = counts.get(k, 0) + 1
    return counts


def tour_start(model: TourModel, shifts: pd.DataFrame | None) -> dict[pulp.LpVariable, float]:
    """The start of a tour model from a previous roster: tours per class and shift starts.

    Every tour variable gets its previous count (0 when no previous person-week is of its class),
    every shift start ``x[t, s]`` its previous count; empty when nothing of the previous roster
    maps onto the model. Pass it as ``start=`` of :func:`planner.solver.solve`.
    """
    counts = previous_tour_counts(model, shifts)
    if not counts:
        return {}
    start: dict[pulp.LpVariable, float] = {var: float(counts.get(k, 0)) for k, var in model.tours.items()}
    start.update(model_start(model.base, shift_start_counts(shifts, model.base.group, model.base.settings)))
    return start
