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

Deferred (e-mail) groups get one more candidate: their work may wait hours, so where a
break falls barely matters to the tours (on the week sample the LP bound is the same to the cent),
yet the break placements are most of the columns. So after phase 1 proper (breaks free: the bound,
and its own tours) has had its share, the tours are solved again with every break at its canonical
place (:func:`canonical_break_chain`, a restriction: ~4,500 columns instead of ~15,000 on the
e-mail week; restricted models of this kind found tours of 16,010–16,070 in 2–14 s against phase
1's 16,150, though not in every run); phase 2 places the shifts and breaks of both against the
exact per-interval flow. Phase 1 of a deferred group runs on the flow in hourly blocks
(:data:`planner.roster.model.DEFERRED_BLOCK_MINUTES`), a relaxation, so its bound stays a bound.

When phase 1 has no tours in its time (a loaded machine) or stops above the target gap, and the
day-by-day shift model's schedule of the same group is at hand (the pipeline computes it to price
the tours), a second candidate is built: :func:`match_day_shifts` picks integer tours whose agents on
shift per interval come closest to that schedule's — a small integer program of the tour counts
alone — and phase 2 places its shifts and breaks; the cheaper candidate is kept.

The values are written back onto the tour model's variables, so :func:`planner.roster.split.split_tours`
reads an integral solution in which every linking row holds exactly. The reported gap is the
phase-2 objective against the phase-1 bound (the tour model's LP bound at least): an honest gap of
the whole tour model.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import pulp

from planner.roster.model import MULTI_SKILL_TOUR_COST, TourModel, build_tour_model, solved_tour_counts
from planner.roster.tours import WEEKEND_DAYS, band_of_start, start_minute
from planner.scheduling import DeferredWork, build_group_model, independent_parts
from planner.shifts import TemplatePlan
from planner.solver import SolveResult, SolveStatus, relative_gap, solve
from planner.types import BreakRule, Settings, ShiftTemplate

TOUR_PHASE_SHARE = 0.75
"""Share of a group's time limit given to phase 1 (the tours); phase 2's day models are small."""
FIXED_BREAKS_SHARE = 0.4
"""For deferred (e-mail) groups, the share of the time limit given first to the tours with every
break at its canonical place (:func:`canonical_break_chain`); phase 1 proper then has
``TOUR_PHASE_SHARE − FIXED_BREAKS_SHARE``."""
RETRY_SECONDS = 10.0
"""When a phase finds no solution within its share, it is given once more up to this many seconds
(at most the group's own limit): a plan late by seconds beats a group without anyone."""


def relax_shift_integrality(model: TourModel) -> None:
    """Make shift starts, breaks, skips and on-shift counts continuous (phase 1)."""
    base = model.base
    for variables in (base.x, base.y, base.skip, base.on_shift):
        for var in variables.values():
            var.cat = pulp.LpContinuous


def canonical_break_chain(plan: TemplatePlan) -> tuple[int, ...]:
    """One rule-abiding break placement of a shift, each break as near its window's middle as can be.

    Minimises Σ_j |p_j − middle_j| over the chains of :meth:`TemplatePlan.compatible` positions
    (dynamic programming along the activities, ties to the earlier position). Offsets in intervals
    after the shift start, one per activity; empty for a template without breaks.

    Raises
    ------
    ValueError
        When no rule-abiding chain exists (:func:`planner.shifts.template_plan` refuses such
        templates, so this means the plan was built by hand).
    """
    if not plan.activities:
        return ()
    middles = [a.positions[0] + (a.positions[-1] - a.positions[0]) / 2 for a in plan.activities]
    # best[p] = (cost, chain) of the cheapest chain ending with activity j at position p
    best: dict[int, tuple[float, tuple[int, ...]]] = {
        p: (abs(p - middles[0]), (p,)) for p in plan.activities[0].positions
    }
    for j in range(1, len(plan.activities)):
        step: dict[int, tuple[float, tuple[int, ...]]] = {}
        for c in plan.activities[j].positions:
            options = [(cost, chain) for a, (cost, chain) in best.items() if plan.compatible(j - 1, a, c)]
            if options:
                cost, chain = min(options)
                step[c] = (cost + abs(c - middles[j]), (*chain, c))
        best = step
    if not best:
        raise ValueError(f"template {plan.name!r} has no rule-abiding break placement")
    return min(best.values())[1]


def canonical_break_rules(
    model: TourModel, break_rules: Sequence[BreakRule]
) -> list[BreakRule]:
    """``break_rules`` with each window narrowed to its :func:`canonical_break_chain` offset."""
    minutes = model.base.settings.interval_minutes
    offsets: dict[tuple[str, str], int] = {}
    for plan in model.base.plans:
        for activity, position in zip(plan.activities, canonical_break_chain(plan), strict=True):
            offsets[(plan.name, activity.activity)] = position * minutes
    narrowed = []
    for rule in break_rules:
        offset = offsets.get((rule.template, rule.activity))
        if offset is None:
            narrowed.append(rule)
        else:
            narrowed.append(
                replace(rule, earliest_start_offset_minutes=offset, latest_start_offset_minutes=offset)
            )
    return narrowed


def _tours_with_canonical_breaks(
    model: TourModel,
    need: np.ndarray,
    templates: Sequence[ShiftTemplate],
    break_rules: Sequence[BreakRule],
    settings: Settings,
    deferred: DeferredWork,
    time_limit_seconds: float,
    target: float,
) -> tuple[dict[int, int] | None, str]:
    """Phase 1 of the model whose breaks sit at their canonical places: tours per class of ``model``."""
    base = model.base
    fixed = build_tour_model(
        need, templates, canonical_break_rules(model, break_rules), settings, base.group, model.profiles,
        model.caps, deferred=deferred,
    )
    index = {(c.profile, c.template, c.band, c.days): k for k, c in enumerate(model.classes)}
    relax_shift_integrality(fixed)
    result = solve(fixed.problem, settings, time_limit_seconds=time_limit_seconds, gap=target)
    if not result.has_solution:
        return None, result.message
    tours: dict[int, int] = {}
    for k, n in solved_tour_counts(fixed).items():
        c = fixed.classes[k]
        key = (c.profile, c.template, c.band, c.days)
        if key not in index:  # classes do not depend on break places; never expected
            return None, f"tour class {key} of the canonical-break model is not in the model"
        tours[index[key]] = n
    return tours, result.message


def band_counts(model: TourModel, tours: Mapping[int, int]) -> dict[tuple[int, int, int], int]:
    """Tours working each (template, band, day), from tours per class."""
    counts: dict[tuple[int, int, int], int] = {}
    for k, n in tours.items():
        tour = model.classes[k]
        for d in tour.days:
            key = (tour.template, tour.band, d)
            counts[key] = counts.get(key, 0) + n
    return counts


UNCOVERED_FACTOR = 3.0
"""In :func:`match_day_shifts`, an agent-interval of the day-by-day schedule's on-shift count that no
tour covers costs this many times the cheapest template's labour of one interval."""


def match_day_shifts(
    model: TourModel, day_shifts: pd.DataFrame, settings: Settings, time_limit_seconds: float
) -> dict[int, int] | None:
    """Integer tours whose agents on shift come closest to those of a day-by-day schedule.

    Each tour class is taken to start in the middle of its band every working day (phase 2 then
    places the real starts and breaks): min Σ_k labour_k tours_k + Σ_i u × under_i subject to
    Σ_{k on shift at i} tours_k + under_i − over_i = agents on shift at ``i`` in ``day_shifts``,
    with the head-count and weekend caps of the tour model; ``u`` is :data:`UNCOVERED_FACTOR` × the
    cheapest template's labour of one interval. A small program of the tour counts alone (no shift
    or break columns), solved in a fraction of the tour model's time. Tours per class, or None.
    """
    base = model.base
    n = settings.interval_count
    origin = pd.Timestamp(settings.start_date)
    step = pd.Timedelta(minutes=settings.interval_minutes)
    on_shift = np.zeros(n + 1, dtype=np.int64)
    if len(day_shifts):
        first = ((pd.to_datetime(day_shifts["start"]) - origin) // step).to_numpy(dtype=np.int64)
        last = ((pd.to_datetime(day_shifts["end"]) - origin) // step).to_numpy(dtype=np.int64)
        np.add.at(on_shift, np.clip(first, 0, n), 1)
        np.add.at(on_shift, np.clip(last, 0, n), -1)
    target = np.cumsum(on_shift)[:n]
    problem = pulp.LpProblem(f"match_{base.group}", pulp.LpMinimize)
    tours = {k: problem.add_variable(f"m_{k}", 0, None, pulp.LpInteger) for k in range(len(model.classes))}
    cost: list[tuple[pulp.LpVariable, float]] = []
    rows: list[list[tuple[pulp.LpVariable, float]]] = [[] for _ in range(n)]
    for k, tour in enumerate(model.classes):
        plan = base.plans[tour.template]
        extra = MULTI_SKILL_TOUR_COST if len(model.profiles[tour.profile].groups) > 1 else 0.0
        cost.append((tours[k], tour.paid_hours * plan.template.cost_per_hour + extra))
        band = model.bands[tour.template][tour.band]
        middle = band[len(band) // 2] // settings.interval_minutes
        for d in tour.days:
            start = d * settings.intervals_per_day + middle
            for i in range(start, min(start + plan.length, n)):
                rows[i].append((tours[k], 1.0))
    cheapest = min(p.template.cost_per_hour for p in base.plans) * settings.interval_minutes / 60
    for i, row in enumerate(rows):
        if not row and target[i] == 0:
            continue
        under = problem.add_variable(f"under_{i}", 0, None)
        over = problem.add_variable(f"over_{i}", 0, None)
        cost.append((under, UNCOVERED_FACTOR * cheapest))
        problem.addConstraint(pulp.LpAffineExpression([*row, (under, 1.0), (over, -1.0)]) == float(target[i]))
    weekdays = [(settings.start_date.weekday() + d) % 7 for d in range(settings.days)]
    for p, profile in enumerate(model.profiles):
        mine = [k for k, tour in enumerate(model.classes) if tour.profile == p]
        if mine and model.caps[p] is not None:
            problem.addConstraint(pulp.lpSum(tours[k] for k in mine) <= model.caps[p])
        if mine and profile.weekend_cap is not None:
            weekend = [
                tours[k] for k in mine if any(weekdays[d] in WEEKEND_DAYS for d in model.classes[k].days)
            ]
            if weekend:
                problem.addConstraint(pulp.lpSum(weekend) <= profile.weekend_cap)
    problem.setObjective(pulp.LpAffineExpression(cost))
    result = solve(
        problem, settings, time_limit_seconds=max(time_limit_seconds, 0.5), gap=settings.solver_gap
    )
    if not result.has_solution:
        return None
    return {
        k: round(v.varValue) for k, v in tours.items() if v.varValue is not None and round(v.varValue) > 0
    }


@dataclass
class _Candidate:
    """Tours per class with the shift and break values of phase 2 (not yet on the model)."""

    tours: dict[int, int]
    objective: float
    parts: list[tuple[int, object]]
    message: str


def _place_shifts(
    model: TourModel,
    tours: dict[int, int],
    need: np.ndarray,
    templates: Sequence[ShiftTemplate],
    break_rules: Sequence[BreakRule],
    settings: Settings,
    deferred: DeferredWork | None,
    deadline: float,
) -> _Candidate | None:
    """Phase 2 for given tours: per independent part, shifts and breaks inside the fixed band counts."""
    base = model.base
    counts = band_counts(model, tours)
    objective = sum(
        MULTI_SKILL_TOUR_COST * n
        for k, n in tours.items()
        if len(model.profiles[model.classes[k].profile].groups) > 1
    )
    parts = (
        [(0, settings.interval_count)]
        if deferred is not None
        else independent_parts(templates, break_rules, settings)
    )
    owners = [band_of_start(bands) for bands in model.bands]
    solved: list[tuple[int, object]] = []
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
        left = max(deadline - time.perf_counter(), 0.0)
        result = solve(
            part.problem,
            settings,
            time_limit_seconds=max(left / (len(parts) - k), 0.5),
            gap=settings.solver_gap / 4,
        )
        if not result.has_solution:  # once more, a little past the budget: a late plan beats an empty part
            result = solve(
                part.problem, settings, time_limit_seconds=RETRY_SECONDS, gap=settings.solver_gap / 4
            )
        if not result.has_solution:
            return None
        objective += float(result.objective)
        solved.append(
            (
                a,
                {
                    "x": {key: v.varValue for key, v in part.x.items()},
                    "y": {key: v.varValue for key, v in part.y.items()},
                    "skip": {key: v.varValue for key, v in part.skip.items()},
                },
            )
        )
    return _Candidate(tours, objective, solved, f"shifts and breaks in {len(parts)} part(s)")


def _write_back(model: TourModel, candidate: _Candidate) -> None:
    base = model.base
    for k, var in model.tours.items():
        var.varValue = float(candidate.tours.get(k, 0))
    for var in (*base.x.values(), *base.y.values(), *base.skip.values()):
        var.varValue = 0.0
    for a, values in candidate.parts:
        for (t, s), value in values["x"].items():  # type: ignore[index]
            base.x[(t, s + a)].varValue = value
        for (t, s, j, p), value in values["y"].items():  # type: ignore[index]
            base.y[(t, s + a, j, p)].varValue = value
        for (t, s, j), value in values["skip"].items():  # type: ignore[index]
            base.skip[(t, s + a, j)].varValue = value


def solve_tour_model(
    model: TourModel,
    need: np.ndarray,
    templates: Sequence[ShiftTemplate],
    break_rules: Sequence[BreakRule],
    settings: Settings,
    time_limit_seconds: float,
    deferred: DeferredWork | None = None,
    day_shifts: pd.DataFrame | None = None,
    gap: float | None = None,
    start: Mapping[pulp.LpVariable, float] | None = None,
) -> SolveResult:
    """Solve ``model`` as in the module docstring; the chosen solution's values land on its variables.

    Parameters
    ----------
    model : TourModel
        Built by :func:`planner.roster.model.build_tour_model` from the same inputs.
    need, templates, break_rules, settings, deferred : the inputs the model was built from.
    time_limit_seconds : float
        Wall-clock limit of all phases together, s (a phase that finds nothing gets up to
        :data:`RETRY_SECONDS` more once, never more than this limit).
    day_shifts : pandas.DataFrame, optional
        The day-by-day shift model's shifts of this group (``template``, ``start``): the second
        candidate (:func:`match_day_shifts`).
    gap : float, optional
        Relative gap at which to stop (default ``settings.solver_gap``): a roster of several groups
        may ask its first groups for less than the plan's target and give the slack to the last.
    start : mapping of pulp.LpVariable to float, optional
        A MIP start of phase 1 (tours per class and shift starts of a previous roster,
        :func:`planner.roster.warm_start.tour_start`); the solver completes it
        (:func:`planner.solver.solve`).

    Returns
    -------
    SolveResult
        Objective of the integral solution (labour + shortfall + over-staffing + skip penalties +
        the multi-skill tie-breaker), the bound and their gap.
    """
    target = settings.solver_gap if gap is None else float(gap)
    if not 0 <= target < 1:
        raise ValueError(f"gap must be in [0, 1), got {target}")
    started = time.perf_counter()
    deadline = started + time_limit_seconds
    relax_shift_integrality(model)
    candidates: list[_Candidate] = []
    phase_share = TOUR_PHASE_SHARE - (FIXED_BREAKS_SHARE if deferred is not None else 0.0)
    first = solve(
        model.problem,
        settings,
        time_limit_seconds=time_limit_seconds * phase_share,
        gap=target,
        start=start,
    )
    first_tours = solved_tour_counts(model) if first.has_solution else None
    fixed_message = ""
    fixed_tours: dict[int, int] | None = None
    if deferred is not None and not (first.has_solution and first.gap <= target):
        # the tours with every break at its canonical place (a restriction: same classes, a third
        # of the columns — built as its own model, so presolve starts from the smaller one)
        reserve_at = deadline - time_limit_seconds * (1 - TOUR_PHASE_SHARE)  # phase 2's share stays
        fixed_limit = max(reserve_at - time.perf_counter(), 0.5)
        fixed_tours, fixed_message = _tours_with_canonical_breaks(
            model, need, templates, break_rules, settings, deferred, fixed_limit, target
        )
    if first_tours is None and day_shifts is None and fixed_tours is None:
        first = solve(
            model.problem,
            settings,
            time_limit_seconds=min(RETRY_SECONDS, time_limit_seconds),
            gap=target,
        )
        first_tours = solved_tour_counts(model) if first.has_solution else None
    bound = float(first.best_bound) if math.isfinite(first.best_bound) else math.nan
    tour_sets: list[tuple[dict[int, int], str]] = []
    if first_tours is not None:
        tour_sets.append((first_tours, f"tours: {first.message}"))
    if fixed_tours is not None and all(fixed_tours != tours for tours, _ in tour_sets):
        tour_sets.append(
            (
                fixed_tours,
                f"tours with breaks at their canonical places: {fixed_message}; bound: {first.message}",
            )
        )
    for tours, words in tour_sets:
        phase_two_end = max(deadline, time.perf_counter() + 2.0)
        found = _place_shifts(model, tours, need, templates, break_rules, settings, deferred, phase_two_end)
        if found is not None:
            found.message = f"{words}; {found.message}"
            candidates.append(found)
    best_gap = min((relative_gap(c.objective, bound) for c in candidates), default=math.inf)
    if day_shifts is not None and len(day_shifts) and not best_gap <= target:
        left = max(deadline - time.perf_counter(), 0.0)
        matched = match_day_shifts(model, day_shifts, settings, min(left / 2, RETRY_SECONDS))
        if matched is not None:
            found = _place_shifts(
                model,
                matched,
                need,
                templates,
                break_rules,
                settings,
                deferred,
                max(deadline, time.perf_counter() + 2.0),
            )
            if found is not None:
                found.message = (
                    f"tours matched to the day-by-day schedule (phase 1: {first.message}); {found.message}"
                )
                candidates.append(found)
    if not candidates:
        return SolveResult(
            first.status if not first.has_solution else SolveStatus.time_limit_no_solution,
            math.nan,
            bound,
            math.nan,
            time.perf_counter() - started,
            f"no roster in time: {first.message}",
        )
    best = min(candidates, key=lambda c: c.objective)
    _write_back(model, best)
    bound = min(bound, best.objective) if math.isfinite(bound) else math.nan
    final_gap = relative_gap(best.objective, bound)
    status = SolveStatus.optimal if final_gap <= target + 1e-12 else SolveStatus.feasible
    return SolveResult(status, best.objective, bound, final_gap, time.perf_counter() - started, best.message,
                       start_objective=first.start_objective)
