"""Solve a tour model in two phases: tours first, then the day's shifts and breaks in their bands.

A week-long tour model has ~12 000 integer columns per group and couples every day; HiGHS'
LP + RENS start (:mod:`planner.solver`) does not find a good incumbent of it in a minute. But
nearly all of those columns are shift starts and break placements, which only need to be whole
numbers *given* whole tours. So:

1. **Tours.** Solve the tour model with only the tour counts integer (shift starts, breaks and
   on-shift counts continuous). This is a relaxation of the tour model: its best bound is a valid
   lower bound of the tour model (never below the tour model's LP bound), and its tour counts fix
   how many shifts start in each (template, start band, day).
2. **Shifts and breaks.** With those counts fixed, the days no longer interact (for coverage
   groups); each independent part of the horizon (:func:`planner.scheduling.independent_parts`) is
   the ordinary shift model plus one row per (template, band, day): Σ_{s ∈ band} x[t, s] = the
   tours working that day in that band — small models solved by full branch-and-bound. Deferred
   (email) groups keep the whole horizon as one part (work carries across days).

The values are written back onto the tour model's variables, so :func:`planner.roster.split.split_tours`
reads an integral solution in which every linking row holds exactly. The reported gap is the
phase-2 objective against the phase-1 bound: an honest gap of the whole tour model.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import numpy as np
import pulp

from planner.roster.model import TourModel, solved_tour_counts
from planner.roster.tours import band_of_start, start_minute
from planner.scheduling import DeferredWork, build_group_model, independent_parts
from planner.solver import SolveResult, SolveStatus, relative_gap, solve
from planner.types import BreakRule, Settings, ShiftTemplate

TOUR_PHASE_SHARE = 0.75
"""Share of a group's time limit given to phase 1 (the tours); phase 2's day models are small."""
RETRY_SECONDS = 10.0
"""When a phase finds no solution within its share, it is given once more up to this many seconds
(at most the group's own limit): a plan late by seconds beats a group without anyone."""


def relax_shift_integrality(model: TourModel) -> None:
    """Make shift starts, breaks, skips and on-shift counts continuous (phase 1)."""
    base = model.base
    for variables in (base.x, base.y, base.skip, base.on_shift):
        for var in variables.values():
            var.cat = pulp.LpContinuous


def band_counts(model: TourModel) -> dict[tuple[int, int, int], int]:
    """Tours working each (template, band, day) in the solved phase-1 model."""
    counts: dict[tuple[int, int, int], int] = {}
    for k, n in solved_tour_counts(model).items():
        tour = model.classes[k]
        for d in tour.days:
            key = (tour.template, tour.band, d)
            counts[key] = counts.get(key, 0) + n
    return counts


def solve_tour_model(
    model: TourModel,
    need: np.ndarray,
    templates: Sequence[ShiftTemplate],
    break_rules: Sequence[BreakRule],
    settings: Settings,
    time_limit_seconds: float,
    deferred: DeferredWork | None = None,
) -> SolveResult:
    """Solve ``model`` in the two phases of the module docstring; values land on its variables.

    Parameters
    ----------
    model : TourModel
        Built by :func:`planner.roster.model.build_tour_model` from the same inputs.
    need, templates, break_rules, settings, deferred : the inputs the model was built from.
    time_limit_seconds : float
        Wall-clock limit of both phases together, s.

    Returns
    -------
    SolveResult
        Objective of the integral solution (labour + shortfall + over-staffing + skip penalties +
        the multi-skill tie-breaker), the phase-1 bound and their gap.
    """
    started = time.perf_counter()
    relax_shift_integrality(model)
    first = solve(
        model.problem,
        settings,
        time_limit_seconds=time_limit_seconds * TOUR_PHASE_SHARE,
        gap=settings.solver_gap,
    )
    if not first.has_solution:
        first = solve(
            model.problem,
            settings,
            time_limit_seconds=min(RETRY_SECONDS, time_limit_seconds),
            gap=settings.solver_gap,
        )
    if not first.has_solution:
        return first
    counts = band_counts(model)
    base = model.base
    tie_breaker = sum(
        float(var.varValue or 0.0) * cost for var, cost in base.cost_terms if var.name.startswith("tour_")
    )
    parts = (
        [(0, settings.interval_count)]
        if deferred is not None
        else independent_parts(templates, break_rules, settings)
    )
    owners = [band_of_start(bands) for bands in model.bands]
    objective, statuses = tie_breaker, []
    for k, (a, b) in enumerate(parts):
        window = None if len(parts) == 1 else (a, b)
        part = build_group_model(
            need[a:b], templates, break_rules, settings, base.group, deferred=deferred, window=window
        )
        rows: dict[tuple[int, int, int], list[pulp.LpVariable]] = {}
        for t in range(len(part.plans)):
            for s, d in zip(part.starts[t], part.start_days[t], strict=True):
                minute = start_minute(
                    int(s) + a, int(d), settings.intervals_per_day, settings.interval_minutes
                )
                rows.setdefault((t, owners[t][minute], int(d)), []).append(part.x[(t, int(s))])
        for key, variables in rows.items():
            part.add(
                "tour_band", pulp.LpAffineExpression([(v, 1.0) for v in variables]) == counts.get(key, 0)
            )
        left = max(time_limit_seconds - (time.perf_counter() - started), 0.0)
        result = solve(
            part.problem,
            settings,
            time_limit_seconds=max(left / (len(parts) - k), 0.5),
            gap=settings.solver_gap / 4,
        )
        if not result.has_solution:  # once more, past the budget: a late plan beats an empty part
            result = solve(
                part.problem,
                settings,
                time_limit_seconds=min(RETRY_SECONDS, time_limit_seconds),
                gap=settings.solver_gap / 4,
            )
        statuses.append(result.status)
        if not result.has_solution:
            return SolveResult(
                result.status,
                math.nan,
                first.best_bound,
                math.nan,
                time.perf_counter() - started,
                f"tours found, but no shifts and breaks for part {k + 1}: {result.message}",
            )
        objective += float(result.objective)
        for (t, s), var in part.x.items():
            base.x[(t, s + a)].varValue = var.varValue
        for (t, s, j, p), var in part.y.items():
            base.y[(t, s + a, j, p)].varValue = var.varValue
        for (t, s, j), var in part.skip.items():
            base.skip[(t, s + a, j)].varValue = var.varValue
    bound = min(float(first.best_bound), objective) if math.isfinite(first.best_bound) else math.nan
    gap = relative_gap(objective, bound)
    status = SolveStatus.optimal if gap <= settings.solver_gap + 1e-12 else SolveStatus.feasible
    return SolveResult(
        status,
        objective,
        bound,
        gap,
        time.perf_counter() - started,
        f"tours: {first.message}; shifts and breaks in {len(parts)} part(s)",
    )
