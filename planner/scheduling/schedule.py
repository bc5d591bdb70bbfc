"""Scheduling a group part by part, and every group of a scenario."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
import pulp

from planner.executor import unit_time_limits
from planner.scheduling.deferred import DeferredWork, deferred_lateness
from planner.scheduling.expansion import coverage_from_schedule, expand_schedule
from planner.scheduling.explanations import _explain_lateness, _when, explain_shortfall
from planner.scheduling.model import build_group_model, model_size
from planner.scheduling.parts import _part_weights, independent_parts
from planner.scheduling.repair import repair_shortfall
from planner.scheduling.results import (
    ACTIVITY_COLUMNS,
    COVERAGE_COLUMNS,
    SHIFT_COLUMNS,
    WELLBEING_COLUMNS,
    ScheduleResult,
)
from planner.scheduling.warm_start import model_start, shift_start_counts
from planner.solver import SolveResult, SolveStatus, combine, relative_gap, solve
from planner.types import BreakRule, Scenario, Settings, ShiftTemplate

ProgressCallback = Callable[[float, str], None]
_DEFERRED_COLUMNS = frozenset({"kind", "work_arrived_agent_intervals", "work_due_agent_intervals",
                               "shrinkage", "is_open"})


def _empty_frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return (pd.DataFrame(columns=list(SHIFT_COLUMNS)), pd.DataFrame(columns=list(ACTIVITY_COLUMNS)),
            pd.DataFrame(columns=list(WELLBEING_COLUMNS)))


def _required_array(required: np.ndarray | pd.Series, interval_starts: pd.DatetimeIndex) -> np.ndarray:
    if isinstance(required, pd.Series) and isinstance(required.index, pd.DatetimeIndex):
        aligned = required.reindex(interval_starts)
        values = aligned.fillna(0).to_numpy(dtype=float)
    else:
        values = np.asarray(required, dtype=float).ravel()
    if values.shape[0] != len(interval_starts):
        raise ValueError(f"required must have one value per interval ({len(interval_starts)}), "
                         f"got {values.shape[0]}")
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise ValueError("required must be finite agent counts ≥ 0")
    return np.ceil(values - 1e-9).astype(np.int64)



def _schedule_parts(need: np.ndarray, interval_starts: pd.DatetimeIndex, templates: Sequence[ShiftTemplate],
                    rules: Sequence[BreakRule], settings: Settings, group: str, first_agent: int,
                    deferred: DeferredWork | None, solver: str | None, time_limit_seconds: float | None,
                    gap: float | None, progress: ProgressCallback | None = None,
                    start_counts: Mapping[tuple[str, int], int] | None = None) -> ScheduleResult:
    """Schedule a group part by part (:func:`independent_parts`), one model per part.

    The time limit is shared over the parts by their integer columns, out of what is left when each
    part starts (a part that closes its gap early passes its time on). Deferred work still open
    at the end of a part is carried into the next as arrived (and, if overdue, due) at its start.
    With ``start_counts`` (a previous plan's shifts,
    :func:`~planner.scheduling.warm_start.shift_start_counts`) each part's solve starts from them
    (:func:`~planner.scheduling.warm_start.model_start`).
    """
    parts = independent_parts(templates, rules, settings, deferred)
    weights = _part_weights(templates, rules, settings, parts)
    budget = float(time_limit_seconds if time_limit_seconds is not None
                   else settings.solver_time_limit_seconds)
    started = time.perf_counter()
    results: list[SolveResult] = []
    frames: list[tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]] = []
    explanations: list[str] = []
    size: dict[str, int] = {}
    carried_arrived, carried_due, number = 0.0, 0.0, first_agent
    step = pd.Timedelta(minutes=settings.interval_minutes)
    target = gap if gap is not None else settings.solver_gap
    for k, (a, b) in enumerate(parts):
        if progress and len(parts) > 1:
            progress(k / len(parts), f"scheduling {group}: part {k + 1} of {len(parts)}, "
                                     f"{_when(interval_starts[a], interval_starts[b - 1] + step)}")
        work = None
        if deferred is not None:
            part_arrived = np.asarray(deferred.arrived, dtype=float)[a:b].copy()
            part_due = np.asarray(deferred.due, dtype=float)[a:b].copy()
            part_arrived[0] += carried_arrived
            part_due[0] += carried_due
            work = DeferredWork(arrived=part_arrived, due=part_due,
                                shrinkage=np.asarray(deferred.shrinkage, dtype=float)[a:b],
                                is_open=np.asarray(deferred.is_open, dtype=bool)[a:b])
        model = build_group_model(need[a:b], templates, rules, settings, group, deferred=work,
                                  window=None if len(parts) == 1 else (a, b))
        for key, value in model_size(model).items():
            size[key] = size.get(key, 0) + value
        left = max(budget - (time.perf_counter() - started), 0.0)
        share = float(weights[k] / weights[k:].sum())
        # a part reached after the budget is spent still gets a moment to find a plan (≤ 0.2 s)
        limit = max(left * share, min(0.2, budget / len(parts)))
        start = model_start(model, dict(start_counts), a) if start_counts else None
        result = solve(model.problem, settings, solver=solver, time_limit_seconds=limit, gap=gap,
                       start=start or None)
        results.append(result)
        if not result.has_solution:
            frames.append(_empty_frames())
            when = _when(interval_starts[a], interval_starts[b - 1] + step)
            span = "" if len(parts) == 1 else f" for {when}"
            explanations.append(f"{group}: the solver returned no schedule{span} "
                                f"({result.status.value}: {result.message})")
            if work is not None:
                carried_arrived += float(work.arrived.sum())
                carried_due += float(work.due.sum())
            continue
        if work is None:
            repaired = repair_shortfall(model)
            if repaired:
                objective = float(pulp.value(model.problem.objective) or 0.0)
                part_gap = relative_gap(objective, result.best_bound)
                result = replace(result, objective=objective, gap=part_gap,
                                 status=SolveStatus.optimal if part_gap <= target else result.status,
                                 message=f"{result.message}; {repaired} shift(s) added after the solve "
                                         "where one cost less than the shortfall it removed")
                results[-1] = result
        part_frames = expand_schedule(model, interval_starts[a:b], number)
        number += len(part_frames[0])
        frames.append(part_frames)
        part_coverage = coverage_from_schedule(part_frames[0], part_frames[1], need[a:b],
                                               interval_starts[a:b], group)
        if work is None:
            explanations += explain_shortfall(model, part_coverage)
        else:
            done = float(deferred_lateness(part_coverage["working"].to_numpy(dtype=float), work)["done"][-1])
            carried_arrived = float(work.arrived.sum()) - done
            carried_due = max(float(work.due.sum()) - done, 0.0)
    combined = combine(results, rel_gap=target) if len(results) > 1 else results[0]
    if len(results) > 1:
        statuses = sorted({r.status.value for r in results})
        message = f"{len(parts)} independent parts ({'/'.join(statuses)}); {results[0].message}"
        if start_counts:
            accepted = sum(1 for r in results if math.isfinite(r.start_objective))
            message += f"; warm start accepted in {accepted} of {len(parts)} parts"
        combined = replace(combined, message=message)
    shifts_frame = _concat([f[0] for f in frames], SHIFT_COLUMNS)
    activities_frame = _concat([f[1] for f in frames], ACTIVITY_COLUMNS)
    wellbeing_frame = _concat([f[2] for f in frames], WELLBEING_COLUMNS)
    coverage = coverage_from_schedule(shifts_frame, activities_frame, need, interval_starts, group)
    if deferred is not None:
        coverage["short"] = deferred_lateness(coverage["working"].to_numpy(dtype=float),
                                              deferred)["short_agents"]
        explanations = _explain_lateness(group, deferred, settings, coverage) + explanations
    return ScheduleResult(solve=combined, per_group={group: combined}, shifts=shifts_frame,
                          activities=activities_frame, coverage=coverage, wellbeing=wellbeing_frame,
                          explanations=explanations, model_size=size)


def schedule_requirement(required: np.ndarray | pd.Series, interval_starts: pd.DatetimeIndex | Sequence,
                         templates: Sequence[ShiftTemplate], break_rules: Sequence[BreakRule],
                         settings: Settings, group: str = "group", *, first_agent: int = 1,
                         solver: str | None = None, time_limit_seconds: float | None = None,
                         gap: float | None = None, deferred: DeferredWork | None = None,
                         progress: ProgressCallback | None = None,
                         start_counts: Mapping[tuple[str, int], int] | None = None) -> ScheduleResult:
    """Schedule one staffing group against its per-interval requirement (or its deferred work).

    Parameters
    ----------
    required : array-like or pandas.Series
        Agents that must be working per interval (a Series indexed by interval start is aligned
        to ``interval_starts``, missing = 0). Fractions are rounded up.
    interval_starts : DatetimeIndex
        The horizon's interval starts (``settings.interval_starts()``), naive local.
    templates : sequence of ShiftTemplate
        The templates agents of this group may work (their ``group`` is not checked here).
    break_rules : sequence of BreakRule
        Break rules; those of other templates are ignored.
    settings : Settings
        Interval length, horizon, penalties and solver options.
    group : str
        Name used in the result frames and explanations.
    first_agent : int
        Number of the first agent (agents are ``Agent 001`` …).
    solver, time_limit_seconds, gap : optional overrides of the solver settings.
    deferred : DeferredWork, optional
        Deferred (email) work: the model meets cumulative work and deadlines
        (:func:`add_deferred_work_flow`) and ``required`` is reported for reference only; the
        coverage frame's ``short`` is then the overdue work in agents (:func:`deferred_lateness`).
    progress : callable, optional
        ``progress(fraction 0..1, message)`` before each independent part (:func:`independent_parts`).
    start_counts : mapping of (template name, start interval) to int, optional
        A warm start: the group's shifts in a previous plan of the same scenario
        (:func:`planner.scheduling.warm_start.shift_start_counts`).

    Returns
    -------
    ScheduleResult
    """
    interval_starts = pd.DatetimeIndex(interval_starts)
    need = _required_array(required, interval_starts)
    names = {t.name for t in templates}
    rules = [r for r in break_rules if r.template in names]
    return _schedule_parts(need, interval_starts, templates, rules, settings, group, first_agent, deferred,
                           solver, time_limit_seconds, gap, progress, start_counts)


def _concat(frames: list[pd.DataFrame], columns: Sequence[str]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=list(columns))
    return pd.concat(frames, ignore_index=True)


def combine_results(results: Mapping[str, ScheduleResult]) -> ScheduleResult:
    """One :class:`ScheduleResult` from independently solved groups."""
    parts = list(results.values())
    size: dict[str, int] = {}
    for part in parts:
        for key, value in part.model_size.items():
            size[key] = size.get(key, 0) + value
    combined = combine([p.solve for p in parts])
    named = "; ".join(f"{g}: {p.solve.message}" for g, p in results.items() if p.solve.message)
    return ScheduleResult(
        solve=replace(combined, message=named) if len(parts) > 1 else combined,
        per_group={g: p.solve for g, p in results.items()},
        shifts=_concat([p.shifts for p in parts], SHIFT_COLUMNS),
        activities=_concat([p.activities for p in parts], ACTIVITY_COLUMNS),
        coverage=_concat([p.coverage for p in parts], COVERAGE_COLUMNS),
        wellbeing=_concat([p.wellbeing for p in parts], WELLBEING_COLUMNS),
        explanations=[line for p in parts for line in p.explanations],
        model_size=size)


def wellbeing_summary(scenario: Scenario, requirements: pd.DataFrame, result: ScheduleResult) -> pd.DataFrame:
    """Well-being report per staffing group, read from the expanded schedule.

    Parameters
    ----------
    scenario : Scenario
        For each group's channel ``max_occupancy`` (the occupancy cap carried from staffing).
    requirements : pandas.DataFrame
        From :func:`planner.staffing.requirements` (the predicted occupancy at the scheduled
        level comes from :func:`planner.staffing.kpis_at`, net = working × (1 − shrinkage)).
    result : ScheduleResult

    Returns
    -------
    pandas.DataFrame
        One row per group: ``group, agents, breaks_per_shift`` (mean breaks taken),
        ``breaks_required_per_shift``, ``longest_stretch_minutes`` (max over agents),
        ``agents_rule_ok_share``, ``open_intervals`` (intervals with live contacts) and
        ``share_above_occupancy_cap`` (share of those whose predicted occupancy exceeds the cap).
    """
    from planner import staffing

    keys = ["interval_start", "group"]
    working = requirements[keys].merge(result.coverage[[*keys, "working"]], on=keys, how="left")
    kpis = staffing.kpis_at(requirements, working["working"].fillna(0).to_numpy(dtype=float))
    rows = []
    for group in requirements["group"].unique():
        mask = (requirements["group"] == group).to_numpy()
        cap = scenario.channel(scenario.group(group).channel).max_occupancy
        live = mask & (requirements["live_contacts"].to_numpy(dtype=float) > 0)
        occupancy = kpis["occupancy"].to_numpy(dtype=float)
        above = live & (occupancy > cap + 1e-9)
        agents = result.wellbeing[result.wellbeing["group"] == group]

        def stat(column: str, how: str, agents: pd.DataFrame = agents) -> float:
            return float(getattr(agents[column].astype(float), how)()) if len(agents) else math.nan

        rows.append({
            "group": group, "agents": len(agents),
            "breaks_per_shift": stat("breaks_taken", "mean"),
            "breaks_required_per_shift": stat("breaks_required", "mean"),
            "longest_stretch_minutes": stat("longest_stretch_minutes", "max"),
            "agents_rule_ok_share": stat("rule_ok", "mean"),
            "open_intervals": int(live.sum()),
            "share_above_occupancy_cap": float(above.sum() / live.sum()) if live.any() else 0.0})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class GroupUnit:
    """One staffing group's schedule as a unit of the execution seam (plain data only).

    Attributes
    ----------
    group : str
    required : numpy.ndarray of int, shape (T,)
        Agents working required per interval (:func:`_required_array`).
    templates, break_rules : tuple
        The group's shift templates and their break rules.
    deferred : DeferredWork or None
        Email work (the group is then scheduled against work and deadlines).
    time_limit_seconds : float
        The unit's share of the schedule's time limit, s.
    start_counts : tuple of ((template, start interval), shifts), or None
        The warm start from a previous plan (:func:`planner.scheduling.warm_start.shift_start_counts`).
    """

    group: str
    required: np.ndarray
    templates: tuple[ShiftTemplate, ...]
    break_rules: tuple[BreakRule, ...]
    deferred: DeferredWork | None
    time_limit_seconds: float
    start_counts: tuple[tuple[tuple[str, int], int], ...] | None = None


@dataclass(frozen=True)
class ScheduleShared:
    """What every group unit of one scenario reads: its settings and interval starts."""

    settings: Settings
    interval_starts: pd.DatetimeIndex


def schedule_group_unit(shared: ScheduleShared, unit: GroupUnit,
                        progress: ProgressCallback | None = None) -> ScheduleResult:
    """Schedule one group (a unit of :meth:`planner.executor.SerialExecutor.map`); agents from 1.

    The PuLP models are built and solved here, in whichever process runs the unit.
    """
    return schedule_requirement(unit.required, shared.interval_starts, unit.templates, unit.break_rules,
                                shared.settings, unit.group, first_agent=1, deferred=unit.deferred,
                                time_limit_seconds=unit.time_limit_seconds, progress=progress,
                                start_counts=dict(unit.start_counts) if unit.start_counts else None)


def renumber_agents(result: ScheduleResult, offset: int) -> ScheduleResult:
    """The result with ``Agent n`` relabelled ``Agent n + offset`` (units number from 1)."""
    if offset == 0 or not len(result.shifts):
        return result

    def relabel(frame: pd.DataFrame) -> pd.DataFrame:
        if not len(frame):
            return frame
        out = frame.copy()
        out["agent"] = [f"Agent {int(str(a)[6:]) + offset:03d}" if str(a).startswith("Agent ") else a
                        for a in out["agent"]]
        return out

    return replace(result, shifts=relabel(result.shifts), activities=relabel(result.activities),
                   wellbeing=relabel(result.wellbeing))


def group_units(scenario: Scenario, requirements: pd.DataFrame,
                previous_shifts: pd.DataFrame | None = None) -> list[GroupUnit]:
    """The groups of a scenario that have something to schedule, as units (time limits 0: set later)."""
    settings = scenario.settings
    interval_starts = settings.interval_starts()
    units = []
    for group in [g.name for g in scenario.staffing_groups]:
        rows = requirements[requirements["group"] == group]
        required = pd.Series(rows["required_scheduled"].to_numpy(dtype=float),
                             index=pd.DatetimeIndex(rows["interval_start"]))
        templates = scenario.templates_of(group)
        if not templates and not (required > 0).any():
            continue
        deferred = None
        if (set(rows.columns) >= _DEFERRED_COLUMNS and len(rows)
                and (rows["kind"] == "email").all()):
            deferred = DeferredWork.from_requirements(rows, interval_starts)
        names = {t.name for t in templates}
        counts = shift_start_counts(previous_shifts, group, settings)
        units.append(GroupUnit(group, _required_array(required, interval_starts), tuple(templates),
                               tuple(r for r in scenario.break_rules if r.template in names), deferred,
                               0.0, tuple(sorted(counts.items())) if counts else None))
    return units


def schedule_scenario(scenario: Scenario, requirements: pd.DataFrame,
                      progress: ProgressCallback | None = None, *, executor: Any | None = None,
                      previous_shifts: pd.DataFrame | None = None) -> ScheduleResult:
    """Schedule every staffing group of a scenario against its requirement.

    One integer program per group (agents belong to one group, so groups are independent); the
    per-group results are combined (objectives, bounds and seconds add up; the status is the worst).
    Each group is a :class:`GroupUnit` of plain data, built and solved inside the unit.

    Time: ``settings.solver_time_limit_seconds`` bounds the solver time of the whole schedule.
    On one worker (serial) the groups run one after another, each with a fair share of what is
    left (time an easy group does not use passes on to the later ones). On a cluster of several
    workers every group is a unit, ``workers`` of them at a time, each with its share of the
    workers' time by the size of its model (its integer columns,
    :func:`planner.scheduling.parts._part_weights`; :func:`planner.executor.unit_time_limits`):
    the stage keeps to the limit in wall-clock time, and a group that closes its gap early ends
    early.

    Parameters
    ----------
    scenario : Scenario
        Shift templates, break rules and settings.
    requirements : pandas.DataFrame
        From :func:`planner.staffing.requirements`; uses ``interval_start``, ``group`` and
        ``required_scheduled`` (agents working, on shift and not on a modelled break); for email
        groups (``kind == "email"``) with ``work_arrived_agent_intervals`` and
        ``work_due_agent_intervals``, those with ``shrinkage`` and ``is_open`` instead: the
        group is scheduled against its work and deadlines (:class:`DeferredWork`).
    progress : callable, optional
        ``progress(fraction 0..1, message)``.
    executor : planner.executor.SerialExecutor or DaskExecutor, optional
        Where the group units run (default: serially, in this process).
    previous_shifts : pandas.DataFrame, optional
        The shifts of a previous plan of the same scenario (a schedule's or a roster's, with
        ``group, template, start``): each group's solve starts from them (warm start).

    Returns
    -------
    ScheduleResult
    """
    missing = [c for c in ("interval_start", "group", "required_scheduled") if c not in requirements.columns]
    if missing:
        raise ValueError(f"requirements is missing columns {missing}")
    settings = scenario.settings
    groups = [g.name for g in scenario.staffing_groups]
    extra = sorted(set(requirements["group"].unique()) - set(groups))
    if extra:
        raise ValueError(f"requirements has unknown groups {extra}; known: {groups}")
    shared = ScheduleShared(settings, settings.interval_starts())
    units = group_units(scenario, requirements, previous_shifts)
    started = time.perf_counter()
    budget = float(settings.solver_time_limit_seconds)
    parallel = executor is not None and executor.kind != "serial" and len(units) > 1
    solved: list[ScheduleResult] = []
    if parallel:
        weights = np.asarray([_unit_weight(u, settings) for u in units], dtype=float)
        limits = unit_time_limits(budget, weights, executor.worker_count())
        timed = [replace(u, time_limit_seconds=limit) for u, limit in zip(units, limits, strict=True)]
        if progress:
            progress(0.0, f"scheduling {len(units)} groups {executor.spec.describe()}")

        def finished(done: int, total: int, key: str) -> None:
            if progress:
                progress(done / total, f"scheduled {key} ({done} of {total} groups)")

        solved = list(executor.map(schedule_group_unit, timed, shared=shared, keys=[u.group for u in units],
                                   progress=finished).values)
    else:
        for k, unit in enumerate(units):
            if progress:
                progress(k / len(units), f"scheduling {unit.group}")
            # every group gets a fair share of what is left, so time an easy group does not use
            # passes to the harder ones
            left = max(budget - (time.perf_counter() - started), min(0.5, budget))

            def within_group(fraction: float, message: str, k: int = k) -> None:
                if progress:
                    progress((k + fraction) / len(units), message)

            sized = replace(unit, time_limit_seconds=left / (len(units) - k))
            solved.append(schedule_group_unit(shared, sized, within_group))
    results: dict[str, ScheduleResult] = {}
    next_agent = 0
    for unit, part in zip(units, solved, strict=True):
        results[unit.group] = renumber_agents(part, next_agent)
        next_agent += len(part.shifts)
    if progress:
        progress(1.0, f"scheduled {len(results)} groups in {time.perf_counter() - started:.1f} s")
    if not results:
        empty = SolveResult(SolveStatus.optimal, 0.0, 0.0, 0.0, 0.0, "nothing to schedule")
        frames = _empty_frames()
        return ScheduleResult(empty, {}, frames[0], frames[1], pd.DataFrame(columns=list(COVERAGE_COLUMNS)),
                              frames[2], [], {"variables": 0, "integer_variables": 0, "constraints": 0})
    return combine_results(results)


def _unit_weight(unit: GroupUnit, settings: Settings) -> float:
    """Integer columns of a group's shift model (≈ its candidate starts × break placements), ≥ 1."""
    if not unit.templates:
        return 1.0
    return max(float(_part_weights(list(unit.templates), list(unit.break_rules), settings,
                                   [(0, settings.interval_count)]).sum()), 1.0)
