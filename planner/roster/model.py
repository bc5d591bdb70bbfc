"""The implicit tour-scheduling program of one staffing group.

It is the shift model of :mod:`planner.scheduling.model` over the whole horizon — daily starts
``x[t, s]``, floating breaks ``y``, coverage net of breaks with the penalised shortfall (or the
deferred-work flow for email) — plus, in the style of Jacobs & Brusco (1996), Brusco & Jacobs
(2000) and Rekik, Cordeau & Soumis (2004, "Using Benders decomposition to implicitly model tour
scheduling", Annals of OR 128):

* ``tours[k]`` ∈ ℤ≥0 — tours of class ``k`` (:class:`planner.roster.tours.TourClass`);
* :func:`add_tour_start_linking` — for each template ``t``, start band ``b`` and day ``d``:
  Σ_{k of (t, b) working d} tours[k] = Σ_{s ∈ b on d} x[t, s]. Starts in a band are interchangeable
  between the tours of the band, so any tour may take any of the day's starts in its band and the
  counts split into concrete tours exactly (:mod:`planner.roster.split`); starts no class can
  take are fixed to 0;
* :func:`add_headcount_caps` — Σ_{k of profile p} tours[k] ≤ people of profile ``p`` not already
  rostered in another group (one tour per person).

The weekly rules hold by construction of the classes (:mod:`planner.roster.tours`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pulp

from planner.roster.tours import (
    WEEKEND_DAYS,
    Profile,
    TourClass,
    band_of_start,
    days_with_starts,
    start_bands,
    start_minute,
    tour_classes,
)
from planner.scheduling import DeferredWork, GroupModel, build_group_model
from planner.types import BreakRule, Settings, ShiftTemplate

DEFERRED_BLOCK_MINUTES = 60
"""Block length of the deferred-work flow in the tour model (phase 1 of :mod:`planner.roster.solve`):
the flow's capacity, arrival and deadline rows on blocks of this many minutes rather than per
interval — a relaxation of the per-interval flow (see
:func:`planner.scheduling.model.add_deferred_work_flow`), so its bound stays a bound; phase 2 places
the shifts and breaks against the exact per-interval flow. On the week sample's e-mail group (8 h
deadlines) it gives the same LP bound with a third fewer rows."""

MULTI_SKILL_TOUR_COST = 0.01
"""Objective cost of a tour worked by a person skilled for more than one group (currency units): a
tie-breaker that keeps flexible people for the groups scheduled later."""


@dataclass
class TourModel:
    """A group's tour program while it is built and after it is solved."""

    base: GroupModel
    profiles: list[Profile]
    bands: list[list[tuple[int, ...]]]
    classes: list[TourClass]
    caps: list[int | None]
    tours: dict[int, pulp.LpVariable] = field(default_factory=dict)
    start_key: dict[tuple[int, int], tuple[int, int, int]] = field(default_factory=dict)

    @property
    def problem(self) -> pulp.LpProblem:
        return self.base.problem


def start_keys(
    model: GroupModel, bands: Sequence[Sequence[tuple[int, ...]]]
) -> dict[tuple[int, int], tuple[int, int, int]]:
    """``(t, s) → (t, band, day)`` for every start variable of the shift model."""
    settings = model.settings
    keys: dict[tuple[int, int], tuple[int, int, int]] = {}
    for t in range(len(model.plans)):
        owner = band_of_start(bands[t])
        for s, d in zip(model.starts[t], model.start_days[t], strict=True):
            minute = start_minute(int(s), int(d), settings.intervals_per_day, settings.interval_minutes)
            keys[(t, int(s))] = (t, owner[minute], int(d))
    return keys


def add_tour_variables(model: TourModel) -> None:
    """``tours[k]`` ∈ ℤ≥0 per class; a tiny cost for tours of multi-skilled profiles."""
    for k, tour in enumerate(model.classes):
        var = model.problem.add_variable(f"tour_{k}", 0, None, pulp.LpInteger)
        model.tours[k] = var
        if len(model.profiles[tour.profile].groups) > 1:
            model.base.cost_terms.append((var, MULTI_SKILL_TOUR_COST))


def add_tour_start_linking(model: TourModel) -> None:
    """Σ tours of (template, band) working day d = Σ starts of that band on day d; other starts 0."""
    by_key: dict[tuple[int, int, int], list[pulp.LpVariable]] = {}
    for k, tour in enumerate(model.classes):
        for d in tour.days:
            by_key.setdefault((tour.template, tour.band, d), []).append(model.tours[k])
    starts: dict[tuple[int, int, int], list[pulp.LpVariable]] = {}
    for ts, key in model.start_key.items():
        var = model.base.x[ts]
        if key in by_key:
            starts.setdefault(key, []).append(var)
        else:
            var.upBound = 0
    for key, tours in by_key.items():
        terms = [(v, 1.0) for v in tours] + [(v, -1.0) for v in starts.get(key, [])]
        model.base.add("tour_link", pulp.LpAffineExpression(terms) == 0)


def add_headcount_caps(model: TourModel) -> None:
    """Σ tours of profile p ≤ people of p still free (one tour per person); Σ tours of p with
    weekend work ≤ people of p who may still work a weekend (:attr:`Profile.weekend_cap`)."""
    per_profile: dict[int, list[pulp.LpVariable]] = {}
    for k, tour in enumerate(model.classes):
        per_profile.setdefault(tour.profile, []).append(model.tours[k])
    for p, tours in per_profile.items():
        cap = model.caps[p]
        if cap is not None:
            model.base.add("headcount", pulp.LpAffineExpression([(v, 1.0) for v in tours]) <= cap)
    weekdays = [(model.base.settings.start_date.weekday() + d) % 7 for d in range(model.base.settings.days)]
    for p, profile in enumerate(model.profiles):
        if profile.weekend_cap is None:
            continue
        weekend = [
            model.tours[k]
            for k, tour in enumerate(model.classes)
            if tour.profile == p and any(weekdays[d] in WEEKEND_DAYS for d in tour.days)
        ]
        if weekend:
            model.base.add(
                "weekend_cap",
                pulp.LpAffineExpression([(v, 1.0) for v in weekend])
                <= min(
                    profile.weekend_cap, model.caps[p] if model.caps[p] is not None else profile.weekend_cap
                ),
            )


def build_tour_model(
    required: np.ndarray,
    templates: Sequence[ShiftTemplate],
    break_rules: Sequence[BreakRule],
    settings: Settings,
    group: str,
    profiles: Sequence[Profile],
    caps: Sequence[int | None],
    *,
    deferred: DeferredWork | None = None,
    deferred_block: int | None = None,
) -> TourModel:
    """Build the tour program of one group over the whole horizon (≤ 7 days).

    Parameters
    ----------
    required : numpy.ndarray, shape (settings.interval_count,)
        Agents that must be working per interval.
    templates, break_rules : the group's templates and their break rules.
    settings : Settings
    group : str
    profiles : the people profiles that may work this group.
    caps : per profile, people still free (None = unlimited).
    deferred : DeferredWork, optional
        Email work: the deferred-work flow replaces coverage (as in the shift model).
    deferred_block : int, optional
        Intervals per block of that flow (default :data:`DEFERRED_BLOCK_MINUTES` on the grid; 1 =
        the exact per-interval flow).
    """
    if len(caps) != len(profiles):
        raise ValueError(f"caps must have one entry per profile ({len(profiles)}), got {len(caps)}")
    if deferred_block is None:
        deferred_block = max(1, DEFERRED_BLOCK_MINUTES // settings.interval_minutes)
    base = build_group_model(
        required, templates, break_rules, settings, group, deferred=deferred, branching_aid=False,
        deferred_block=deferred_block,
    )
    bands = []
    for plan in base.plans:
        widths = [p.contract.max_start_variance_minutes for p in profiles] or [0]
        bands.append(start_bands(plan, min(widths)))
    starts_on_day = [days_with_starts(d) for d in base.start_days]
    classes = tour_classes(base.plans, bands, profiles, settings, starts_on_day)
    model = TourModel(base=base, profiles=list(profiles), bands=bands, classes=classes, caps=list(caps))
    model.start_key = start_keys(base, bands)
    add_tour_variables(model)
    add_tour_start_linking(model)
    add_headcount_caps(model)
    base.problem.setObjective(pulp.LpAffineExpression(base.cost_terms))
    return model


def solved_tour_counts(model: TourModel) -> dict[int, int]:
    """Tours per class of a solved model (rounded, classes with tours only)."""
    counts = {}
    for k, var in model.tours.items():
        value = var.varValue
        if value is not None and round(value) > 0:
            counts[k] = round(value)
    return counts
