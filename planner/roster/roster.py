"""Roster a scenario: tour model per group, concrete tours, named agents, verifier, fairness, price.

:func:`roster_scenario` is what the pipeline calls when the scenario has ``contracts``. Groups are
solved one after another in the scenario's order; a person skilled for several groups works one
group for the week (a simplification: the tour model does not switch a person between groups
from day to day), and the people one group's tours use are no longer free for the next
(:func:`planner.roster.model.add_headcount_caps`), with a tiny cost keeping multi-skilled people
for later groups. Groups that share no people profile are independent (:func:`linked_groups`): on a
cluster each set of linked groups is one unit of the execution seam (:func:`roster_component`, plain
data in and out, the tour models built and solved inside), the sets at once.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from planner.executor import unit_time_limits
from planner.people import Agent
from planner.roster.assign import assign_profile
from planner.roster.explain import explain_people_shortfall, why_no_tour
from planner.roster.fairness import fairness_report
from planner.roster.model import TourModel, build_tour_model
from planner.roster.solve import solve_tour_model
from planner.roster.split import ConcreteTour, split_tours
from planner.roster.tours import (
    WEEKEND_DAYS,
    CarriedHistory,
    Profile,
    agent_profiles,
    anonymous_profiles,
    horizon_dates,
    weekend_allowed,
)
from planner.roster.verify import verify_roster
from planner.roster.warm_start import tour_start
from planner.scheduling import (
    ACTIVITY_COLUMNS,
    SHIFT_COLUMNS,
    WELLBEING_COLUMNS,
    DeferredWork,
    ScheduleResult,
    coverage_from_schedule,
    deferred_lateness,
    explain_shortfall,
    model_size,
)
from planner.scheduling.breaks import _wellbeing_row
from planner.scheduling.schedule import _DEFERRED_COLUMNS, _concat, _required_array
from planner.solver import SolveResult, SolveStatus, combine, relative_gap
from planner.types import WEEKDAY_NAMES, BreakRule, InputError, Problem, Scenario, ShiftTemplate

ProgressCallback = Callable[[float, str], None]
ROSTER_SHIFT_COLUMNS: tuple[str, ...] = (*SHIFT_COLUMNS, "name", "contract", "profile")
"""Shift frame of a roster: :data:`planner.scheduling.SHIFT_COLUMNS` (``agent`` is the person's
stable id, the same all week) plus display name, contract and people profile."""
UNASSIGNED_COLUMNS: tuple[str, ...] = ("agent", "name", "contract", "groups", "reason")
MAX_ROSTER_DAYS = 7


@dataclass(frozen=True)
class RosterResult:
    """A roster of person-weeks.

    Attributes
    ----------
    schedule : ScheduleResult
        The roster as a schedule (``shifts.agent`` = person id); what coverage, KPIs and exports read.
    roster : pandas.DataFrame
        One row per person: ``agent, name, contract, group, paid_hours, days_worked`` and one column
        per horizon day (``"Mon 05 Jan"``: ``"07:00–15:00"`` or ``"off"``).
    verification : pandas.DataFrame
        :data:`planner.roster.verify.VERIFY_COLUMNS`, one row per rostered person.
    fairness : pandas.DataFrame
        Per contract (:func:`planner.roster.fairness.fairness_report`).
    unassigned : pandas.DataFrame
        :data:`UNASSIGNED_COLUMNS`: named agents without a tour this week, and why.
    price : dict of str to float
        ``tour_labour_cost, tour_objective, tour_bound, tour_gap`` and, with the shift model,
        ``shift_labour_cost, shift_objective, shift_bound, labour_premium`` (tour / shift − 1).
    profiles : pandas.DataFrame
        Per people profile: people, tours used, tour classes.
    assignment_seconds : float
    explanations : list of str
    """

    schedule: ScheduleResult
    roster: pd.DataFrame
    verification: pd.DataFrame
    fairness: pd.DataFrame
    unassigned: pd.DataFrame
    price: dict[str, float]
    profiles: pd.DataFrame
    assignment_seconds: float
    explanations: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class GroupWork:
    """One group's tour problem as plain data (what a roster unit needs of it).

    Attributes
    ----------
    group : str
    need : numpy.ndarray of int
        Agents working required per interval.
    templates, break_rules : tuple
    deferred : DeferredWork or None
    day_shifts : pandas.DataFrame or None
        The day-by-day shift model's shifts of the group (the second candidate of the tour solve).
    shift_solve : SolveResult or None
        The day-by-day shift model's result of the group (its bound bounds the tour model too).
    weight : float
        Integer columns of the group's shift model: its share of the time limit.
    previous_shifts : pandas.DataFrame or None
        A previous roster's shifts of the group (the MIP start of phase 1,
        :func:`planner.roster.warm_start.tour_start`).
    """

    group: str
    need: np.ndarray
    templates: tuple[ShiftTemplate, ...]
    break_rules: tuple[BreakRule, ...]
    deferred: DeferredWork | None
    day_shifts: pd.DataFrame | None
    shift_solve: SolveResult | None
    weight: float
    previous_shifts: pd.DataFrame | None = None


@dataclass(frozen=True)
class ComponentUnit:
    """Groups linked by shared people profiles, rostered one after another in sheet order."""

    groups: tuple[GroupWork, ...]
    time_limit_seconds: float


@dataclass(frozen=True)
class RosterShared:
    """What every roster unit of one scenario reads."""

    scenario: Scenario
    profiles: tuple[Profile, ...]


@dataclass(frozen=True)
class GroupOutcome:
    """A group's solved tours and what the assembly needs of its (unshipped) model.

    ``tours`` carry global profile indices; ``class_counts`` are the tour classes per (global)
    profile; ``coverage_explanations`` are the group's shortfall lines (people or templates), read
    from its tours' coverage inside the unit.
    """

    group: str
    result: SolveResult
    tours: list[ConcreteTour]
    class_counts: dict[int, int]
    size: dict[str, int]
    explanations: list[str]
    coverage_explanations: list[str]


def linked_groups(groups: list[str], profiles: list[Profile]) -> list[tuple[str, ...]]:
    """The groups in sets that share no people profile (each set in sheet order, sets by first group).

    Two groups are linked when a profile may work both (its people go to one or the other, so the
    head-count caps carry from one to the next); linked groups must be rostered one after another,
    groups of different sets are independent.
    """
    parent = {g: g for g in groups}

    def root(g: str) -> str:
        while parent[g] != g:
            parent[g] = parent[parent[g]]
            g = parent[g]
        return g

    for profile in profiles:
        mine = [g for g in profile.groups if g in parent]
        for other in mine[1:]:
            a, b = root(mine[0]), root(other)
            if a != b:
                parent[max(a, b, key=groups.index)] = min(a, b, key=groups.index)
    sets: dict[str, list[str]] = {}
    for g in groups:
        sets.setdefault(root(g), []).append(g)
    return [tuple(members) for members in sets.values()]


def last_group_gap(target: float, objectives: float, gaps: float, estimate: float) -> float:
    """Gap to ask of the last group of a set so that the set's summed gap stays within ``target``.

    The set's relative gap is Σ(objective − bound) / Σ objective. With the earlier groups at
    ``objectives`` (Σ objective) and ``gaps`` (Σ (objective − bound)), the last group of objective
    ``O`` may have ``(O − bound) ≤ target × (objectives + O) − gaps``, i.e. a relative gap of
    ``target + (target × objectives − gaps) / O``. ``O`` is not known before the solve; ``estimate``
    (the day-by-day shift model's objective of the group, which the tours cost a few percent
    more than) stands in for it. Never below ``target``, at most 0.5; ``target`` when the estimate
    is not a positive number.

    The earlier groups are asked for the target itself: asking them for half of it (to leave more
    slack) was measured on the week sample and made the voice tours end *worse* (1.06 % after
    16.6 s against 0.87–0.89 % in 7 s at the full target; the solve's neighbourhood searches take
    another path), so the slack is only what the earlier groups leave by chance.
    """
    if not (math.isfinite(estimate) and estimate > 0):
        return target
    slack = max(target * objectives - gaps, 0.0)
    return float(min(target + slack / estimate, 0.5))


def roster_component(shared: RosterShared, unit: ComponentUnit,
                     progress: ProgressCallback | None = None) -> list[GroupOutcome]:
    """Tour models of linked groups, one after another (a unit of the execution seam).

    Each group gets a share of what is left of the unit's time by the size of its model; the
    people one group's tours use are no longer free for the next (head counts and weekend caps).
    The gap target is the set's: the last group is asked for what keeps the set's summed gap within
    it (:func:`last_group_gap`). The PuLP models are built, solved and read here.
    """
    scenario = shared.scenario
    settings = scenario.settings
    profiles = list(shared.profiles)
    interval_starts = settings.interval_starts()
    free: list[int | None] = [p.cap for p in profiles]
    # people of a profile who may still work a weekend, less the weekend tours earlier groups used
    weekend_free: list[int | None] = [p.weekend_cap for p in profiles]
    dates = horizon_dates(settings)
    target = settings.solver_gap
    solved_objectives = solved_gaps = 0.0
    started = time.perf_counter()
    budget = float(unit.time_limit_seconds)
    weights = np.asarray([w.weight for w in unit.groups], dtype=float)
    outcomes: list[GroupOutcome] = []
    models: dict[str, TourModel] = {}
    for k, work in enumerate(unit.groups):
        group = work.group
        if progress:
            progress(0.9 * k / max(len(unit.groups), 1), f"tours of {group}")
        local = [p for p, profile in enumerate(profiles) if group in profile.groups]
        model = build_tour_model(
            work.need,
            work.templates,
            work.break_rules,
            settings,
            group,
            [replace(profiles[p], weekend_cap=weekend_free[p]) for p in local],
            [free[p] for p in local],
            deferred=work.deferred,
        )
        models[group] = model
        class_counts: dict[int, int] = {}
        for tour_class in model.classes:
            class_counts[local[tour_class.profile]] = class_counts.get(local[tour_class.profile], 0) + 1
        size = dict(model_size(model.base))
        size["tour_classes"] = len(model.classes)
        left = max(budget - (time.perf_counter() - started), min(0.5, budget))
        share = float(weights[k] / max(weights[k:].sum(), 1.0))
        if k < len(unit.groups) - 1:
            aim = target
        else:
            estimate = work.shift_solve.objective if work.shift_solve is not None else math.nan
            aim = last_group_gap(target, solved_objectives, solved_gaps, estimate)
        start = tour_start(model, work.previous_shifts) if work.previous_shifts is not None else None
        result = solve_tour_model(
            model, work.need, work.templates, work.break_rules, settings, left * share,
            deferred=work.deferred, day_shifts=work.day_shifts, gap=aim, start=start or None,
        )
        if work.shift_solve is not None and result.has_solution:
            result = _with_shift_bound(result, work.shift_solve, settings.solver_gap)
        if result.has_solution and math.isfinite(result.best_bound):
            solved_objectives += result.objective
            solved_gaps += result.objective - result.best_bound
        explanations: list[str] = []
        tours: list[ConcreteTour] = []
        if not result.has_solution:
            explanations.append(
                f"{group}: the solver returned no roster ({result.status.value}: {result.message})"
            )
        else:
            split = split_tours(model)
            if split.unmatched_starts or split.empty_days:
                explanations.append(
                    f"{group}: {split.unmatched_starts} shift(s) found no tour and "
                    f"{split.empty_days} tour-day(s) no shift (solver tolerance)"
                )
            for tour in split.tours:
                tour.profile = local[tour.profile]
                if free[tour.profile] is not None:
                    free[tour.profile] -= 1
                if weekend_free[tour.profile] is not None and any(
                    dates[d].weekday() in WEEKEND_DAYS for d in tour.shifts
                ):
                    weekend_free[tour.profile] = max(weekend_free[tour.profile] - 1, 0)
            tours = split.tours
        outcomes.append(GroupOutcome(group, result, tours, class_counts, size, explanations, []))
    # the shortfall lines need every group of the unit done (people left free at the end)
    for work, outcome in zip(unit.groups, outcomes, strict=True):
        if not outcome.result.has_solution:
            continue
        shifts, activities, _, _ = _frames(outcome.tours, {}, profiles, interval_starts, settings)
        cov = coverage_from_schedule(shifts, activities, work.need, interval_starts, work.group)
        if work.deferred is not None:
            cov["short"] = deferred_lateness(cov["working"].to_numpy(dtype=float), work.deferred)[
                "short_agents"
            ]
        model = models[work.group]
        lines = explain_people_shortfall(model, cov, shifts, profiles, free, scenario)
        if not lines and work.deferred is None:  # without capped people, the shift model's reasons
            lines = explain_shortfall(model.base, cov)
        outcome.coverage_explanations.extend(lines)
    return outcomes


def roster_problems(scenario: Scenario) -> list[Problem]:
    """Why a scenario cannot be rostered at all (no contracts, horizon longer than a week)."""
    problems = []
    if not scenario.contracts:
        problems.append(Problem("contracts", "a roster needs at least one contract (Contracts sheet)"))
    if scenario.settings.days > MAX_ROSTER_DAYS:
        problems.append(
            Problem(
                "days",
                f"a roster of weekly tours covers at most {MAX_ROSTER_DAYS} days; "
                f"got {scenario.settings.days}",
            )
        )
    return problems


def _person_label(agent: Agent | None, number: int) -> tuple[str, str]:
    if agent is None:
        return f"Tour {number:03d}", f"Tour {number:03d}"
    return agent.agent_id, agent.name


def roster_scenario(
    scenario: Scenario,
    requirements: pd.DataFrame,
    *,
    shift_result: ScheduleResult | None = None,
    progress: ProgressCallback | None = None,
    history: Mapping[str, CarriedHistory] | None = None,
    executor: Any | None = None,
    previous_shifts: pd.DataFrame | None = None,
) -> RosterResult:
    """Roster every staffing group of a scenario with weekly tours of (named) people.

    Parameters
    ----------
    scenario : Scenario
        With ``contracts`` (and optionally ``agents``); horizon ≤ 7 days.
    requirements : pandas.DataFrame
        From :func:`planner.staffing.requirements` (as :func:`planner.scheduling.schedule_scenario`).
    shift_result : ScheduleResult, optional
        The day-by-day shift model's schedule of the same requirement: its labour cost and bound
        give the price of tours.
    progress : callable, optional
        ``progress(fraction 0..1, message)``.
    history : mapping of agent id to CarriedHistory, optional
        The earlier weeks of a longer horizon (:func:`planner.roster.horizon.roster_horizon`):
        tour classes keep each person's streaks and rest across the week boundary, and the
        assignment balances late shifts with them.
    executor : planner.executor.SerialExecutor or DaskExecutor, optional
        Where the tour models run. Serially (the default) the groups are solved one after another
        in sheet order, each with a share of what is left of the time limit. On a cluster, the
        sets of groups that share no people profile (:func:`linked_groups`) run as units,
        ``workers`` at a time, each with its share of the workers' time by the size of its models
        (:func:`planner.executor.unit_time_limits`: the stage keeps to the limit in wall-clock
        time), its groups in sheet order.
    previous_shifts : pandas.DataFrame, optional
        The shifts of a previous roster of the same scenario (with ``agent``, ``profile``): each
        group's phase 1 starts from its person-weeks (:func:`planner.roster.warm_start.tour_start`).

    Returns
    -------
    RosterResult

    Raises
    ------
    planner.types.InputError
        When the scenario cannot be rostered (:func:`roster_problems`).
    """
    problems = roster_problems(scenario)
    if problems:
        raise InputError(problems)
    settings = scenario.settings
    interval_starts = settings.interval_starts()
    dates = horizon_dates(settings)
    agents_by_id = {a.agent_id: a for a in scenario.agents}
    group_names = [g.name for g in scenario.staffing_groups]
    profiles: list[Profile] = (
        agent_profiles(scenario.agents, scenario.contracts, settings, history)
        if scenario.agents
        else anonymous_profiles(scenario.contracts, group_names, settings)
    )
    # time shares by the size of each group's model: integer columns of its shift model (≈ its weekly
    # starts and break placements) per group, from the templates alone
    weights = {g: _size_weight(scenario, g) for g in group_names}
    works = []
    for group in group_names:
        rows = requirements[requirements["group"] == group]
        required = pd.Series(
            rows["required_scheduled"].to_numpy(dtype=float), index=pd.DatetimeIndex(rows["interval_start"])
        )
        templates = scenario.templates_of(group)
        need = _required_array(required, interval_starts)
        if not templates and not (need > 0).any():
            continue
        deferred = None
        if set(rows.columns) >= _DEFERRED_COLUMNS and len(rows) and (rows["kind"] == "email").all():
            deferred = DeferredWork.from_requirements(rows, interval_starts)
        names = {t.name for t in templates}
        day_shifts = None
        if shift_result is not None and len(shift_result.shifts):
            day_shifts = shift_result.shifts[shift_result.shifts["group"] == group]
        shift_solve = shift_result.per_group.get(group) if shift_result is not None else None
        previous = None
        if previous_shifts is not None and len(previous_shifts) and "group" in previous_shifts.columns:
            previous = previous_shifts[previous_shifts["group"] == group]
        works.append(GroupWork(group, need, tuple(templates),
                               tuple(r for r in scenario.break_rules if r.template in names), deferred,
                               day_shifts, shift_solve, weights[group], previous))
    needs = {w.group: w.need for w in works}
    deferred_of = {w.group: w.deferred for w in works if w.deferred is not None}
    budget = float(settings.solver_time_limit_seconds)
    started = time.perf_counter()
    shared = RosterShared(scenario, tuple(profiles))
    components = linked_groups([w.group for w in works], profiles)
    parallel = executor is not None and executor.kind != "serial" and len(components) > 1
    if parallel:
        by_group = {w.group: w for w in works}
        limits = unit_time_limits(budget, [sum(by_group[g].weight for g in c) for c in components],
                                  executor.worker_count())
        units = [ComponentUnit(tuple(by_group[g] for g in component), limit)
                 for component, limit in zip(components, limits, strict=True)]
        if progress:
            progress(0.0, f"tours of {len(units)} independent sets of groups {executor.spec.describe()}")

        def finished(done: int, count: int, key: str) -> None:
            if progress:
                progress(0.9 * done / count, f"tours of {key} ({done} of {count} sets of groups)")

        outcomes = [o for mapped in executor.map(roster_component, units, shared=shared,
                                                   keys=[" + ".join(c) for c in components],
                                                   progress=finished).values for o in mapped]
    else:
        outcomes = roster_component(shared, ComponentUnit(tuple(works), budget), progress)
    by_name = {o.group: o for o in outcomes}
    ordered = [by_name[w.group] for w in works]  # sheet order, whichever unit ran a group
    class_counts = [0] * len(profiles)
    results: dict[str, SolveResult] = {}
    explanations: list[str] = []
    tours: list[ConcreteTour] = []
    size: dict[str, int] = {}
    for outcome in ordered:
        results[outcome.group] = outcome.result
        explanations += outcome.explanations
        tours += outcome.tours
        for p, count in outcome.class_counts.items():
            class_counts[p] += count
        for key, value in outcome.size.items():
            size[key] = size.get(key, 0) + value
    if progress:
        progress(0.9, f"assigning people to {len(tours)} tours")
    assign_started = time.perf_counter()
    owners: dict[int, Agent | None] = {}
    unassigned_rows = []
    for p, profile in enumerate(profiles):
        mine = [i for i, t in enumerate(tours) if t.profile == p]
        people = [agents_by_id[a] for a in profile.agents]
        pairs = assign_profile(
            people,
            [tours[i] for i in mine],
            dates,
            settings.intervals_per_day,
            settings.interval_minutes,
            [weekend_allowed(a, profile.contract) for a in people],
            [history[a.agent_id].late_shifts if history and a.agent_id in history else 0 for a in people],
        )
        taken = set()
        for a, c in pairs:
            owners[mine[c]] = people[a]
            taken.add(a)
        for a, agent in enumerate(people):
            if a in taken:
                continue
            if class_counts[p] == 0:
                reason = why_no_tour(profile, scenario, settings)
            else:
                reason = (
                    f"not needed this week: the cover used {len(mine)} of the {len(people)} people "
                    f"of profile '{profile.key}'"
                )
            unassigned_rows.append(
                (agent.agent_id, agent.name, agent.contract, ", ".join(agent.groups), reason)
            )
        if len(mine) > len(people) and people:
            explanations.append(
                f"{len(mine) - len(people)} tour(s) of profile '{profile.key}' have no person"
            )
    for p, profile in enumerate(profiles):
        if not profile.agents and class_counts[p] == 0:  # anonymous: say why a contract makes no tours
            explanations.append(
                f"{profile.key}: no tour possible — {why_no_tour(profile, scenario, settings)}"
            )
    assign_seconds = time.perf_counter() - assign_started
    unassigned = pd.DataFrame(unassigned_rows, columns=list(UNASSIGNED_COLUMNS))
    shifts, activities, wellbeing, people_rows = _frames(tours, owners, profiles, interval_starts, settings)
    coverage_frames = []
    for group, need in needs.items():
        cov = coverage_from_schedule(
            shifts[shifts["group"] == group],
            activities[activities["group"] == group],
            need,
            interval_starts,
            group,
        )
        if group in deferred_of:
            cov["short"] = deferred_lateness(cov["working"].to_numpy(dtype=float), deferred_of[group])[
                "short_agents"
            ]
        explanations += by_name[group].coverage_explanations
        coverage_frames.append(cov)
    if results:
        combined = combine(list(results.values()), rel_gap=settings.solver_gap)
        combined = replace(combined, message="; ".join(f"{g}: {r.message}" for g, r in results.items()))
    else:
        combined = SolveResult(SolveStatus.optimal, 0.0, 0.0, 0.0, 0.0, "nothing to roster")
    schedule = ScheduleResult(
        solve=combined,
        per_group=results,
        shifts=shifts,
        activities=activities,
        coverage=_concat(
            coverage_frames,
            ("interval_start", "group", "required", "on_shift", "on_break", "working", "short", "over"),
        ),
        wellbeing=wellbeing,
        explanations=explanations,
        model_size=size,
    )
    roster = _roster_grid(people_rows, shifts, dates, unassigned, agents_by_id)
    verification = verify_roster(shifts, activities, scenario)
    fairness = fairness_report(shifts, verification, scenario)
    price = _price(schedule, shift_result, shifts)
    profile_frame = pd.DataFrame(
        [
            {
                "profile": prof.key,
                "contract": prof.contract.name,
                "groups": ", ".join(prof.groups),
                "people": prof.cap if prof.cap is not None else math.nan,
                "tours": sum(1 for t in tours if t.profile == p),
                "tour_classes": class_counts[p],
            }
            for p, prof in enumerate(profiles)
        ]
    )
    if progress:
        progress(1.0, f"rostered {roster['agent'].nunique()} people in {time.perf_counter() - started:.1f} s")
    return RosterResult(
        schedule=schedule,
        roster=roster,
        verification=verification,
        fairness=fairness,
        unassigned=unassigned,
        price=price,
        profiles=profile_frame,
        assignment_seconds=assign_seconds,
        explanations=explanations,
    )


def _with_shift_bound(result: SolveResult, shift: SolveResult, target_gap: float) -> SolveResult:
    """The tour model's result with the better of its bound and the day-by-day shift model's.

    Every roster is a schedule of the shift model with the same objective (the multi-skill
    tie-breaker only adds), so the shift model's best bound is a lower bound of the tour model too.
    """
    if not math.isfinite(shift.best_bound) or (
        math.isfinite(result.best_bound) and shift.best_bound <= result.best_bound
    ):
        return result
    bound = min(float(shift.best_bound), float(result.objective))
    gap = relative_gap(float(result.objective), bound)
    status = SolveStatus.optimal if gap <= target_gap + 1e-12 else SolveStatus.feasible
    return replace(
        result,
        best_bound=bound,
        gap=gap,
        status=status,
        message=f"{result.message}; bound from the day-by-day shift model",
    )


def _size_weight(scenario: Scenario, group: str) -> float:
    from planner.scheduling.parts import _part_weights

    templates = scenario.templates_of(group)
    if not templates:
        return 1.0
    names = {t.name for t in templates}
    rules = [r for r in scenario.break_rules if r.template in names]
    return float(
        _part_weights(templates, rules, scenario.settings, [(0, scenario.settings.interval_count)]).sum()
    )


def _frames(
    tours: list[ConcreteTour],
    owners: dict[int, Agent | None],
    profiles: list[Profile],
    interval_starts: pd.DatetimeIndex,
    settings: object,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, list[tuple]]:
    step = pd.Timedelta(minutes=settings.interval_minutes)  # type: ignore[attr-defined]
    origin = interval_starts[0]
    shift_rows, activity_rows, wellbeing_rows, people = [], [], [], []
    order = sorted(
        range(len(tours)),
        key=lambda i: (
            owners.get(i) is None,
            owners[i].agent_id if owners.get(i) else "",
            tours[i].group,
            min(tours[i].shifts, default=0),
            min((s for s, _ in tours[i].shifts.values()), default=0),
        ),
    )
    number = 0
    for i in order:
        tour = tours[i]
        agent = owners.get(i)
        if agent is None:
            number += 1
        person, name = _person_label(agent, number)
        profile = profiles[tour.profile]
        plan = tour.plan
        template = plan.template
        people.append((person, name, profile.contract.name, tour.group))
        for day in sorted(tour.shifts):
            s, offsets = tour.shifts[day]
            start = origin + s * step
            taken = tuple(p is not None for p in offsets)
            paid_hours = plan.paid_intervals(taken) * plan.interval_minutes / 60.0
            shift_rows.append(
                (
                    person,
                    tour.group,
                    template.name,
                    start,
                    start + plan.length * step,
                    paid_hours,
                    paid_hours * template.cost_per_hour,
                    name,
                    profile.contract.name,
                    profile.key,
                )
            )
            for p, activity in zip(offsets, plan.activities, strict=True):
                if p is not None:
                    activity_rows.append(
                        (
                            person,
                            tour.group,
                            activity.activity,
                            start + p * step,
                            start + (p + activity.duration) * step,
                            activity.paid,
                        )
                    )
            taken_n, required_n, longest, gap, ok = _wellbeing_row(plan, offsets)
            stretch = template.max_work_stretch_minutes
            wellbeing_rows.append(
                (
                    person,
                    tour.group,
                    template.name,
                    taken_n,
                    required_n,
                    longest,
                    float(stretch) if stretch is not None else math.nan,
                    gap,
                    ok,
                )
            )
    return (
        pd.DataFrame(shift_rows, columns=list(ROSTER_SHIFT_COLUMNS)),
        pd.DataFrame(activity_rows, columns=list(ACTIVITY_COLUMNS)),
        pd.DataFrame(wellbeing_rows, columns=list(WELLBEING_COLUMNS)),
        people,
    )


def day_label(day: object) -> str:
    """``"Mon 05 Jan"``."""
    stamp = pd.Timestamp(day)
    return f"{WEEKDAY_NAMES[stamp.weekday()]} {stamp:%d %b}"


def _roster_grid(
    people: list[tuple],
    shifts: pd.DataFrame,
    dates: list,
    unassigned: pd.DataFrame,
    agents_by_id: dict[str, Agent],
) -> pd.DataFrame:
    labels = [day_label(d) for d in dates]
    rows = []
    by_agent = {a: f for a, f in shifts.groupby("agent", sort=False)} if len(shifts) else {}
    for person, name, contract, group in people:
        frame = by_agent.get(person)
        row: dict[str, object] = {"agent": person, "name": name, "contract": contract, "group": group}
        cells = dict.fromkeys(labels, "off")
        if frame is not None:
            for start, end in zip(frame["start"], frame["end"], strict=True):
                cells[day_label(start)] = f"{start:%H:%M}–{end:%H:%M}"
        row.update(cells)
        row["paid_hours"] = float(frame["paid_hours"].sum()) if frame is not None else 0.0
        row["days_worked"] = len(frame) if frame is not None else 0
        rows.append(row)
    for agent_id, name, contract, _groups, _reason in unassigned.itertuples(index=False):
        row = {"agent": agent_id, "name": name, "contract": contract, "group": "(not rostered)"}
        row.update(dict.fromkeys(labels, "off"))
        row["paid_hours"], row["days_worked"] = 0.0, 0
        rows.append(row)
    return pd.DataFrame(
        rows, columns=["agent", "name", "contract", "group", *labels, "paid_hours", "days_worked"]
    )


def _price(
    schedule: ScheduleResult, shift_result: ScheduleResult | None, shifts: pd.DataFrame
) -> dict[str, float]:
    tour_labour = float(shifts["cost"].sum()) if len(shifts) else 0.0
    price = {
        "tour_labour_cost": tour_labour,
        "tour_objective": float(schedule.solve.objective),
        "tour_bound": float(schedule.solve.best_bound),
        "tour_gap": float(schedule.solve.gap),
    }
    if shift_result is not None:
        shift_labour = float(shift_result.shifts["cost"].sum()) if len(shift_result.shifts) else 0.0
        price.update(
            {
                "shift_labour_cost": shift_labour,
                "shift_objective": float(shift_result.solve.objective),
                "shift_bound": float(shift_result.solve.best_bound),
                "labour_premium": tour_labour / shift_labour - 1.0 if shift_labour > 0 else math.nan,
                "objective_premium_over_shift_bound": float(schedule.solve.objective)
                / float(shift_result.solve.best_bound)
                - 1.0
                if shift_result.solve.best_bound and math.isfinite(shift_result.solve.best_bound)
                else math.nan,
            }
        )
    return price
