"""Roster a scenario: tour model per group, concrete tours, named agents, verifier, fairness, price.

:func:`roster_scenario` is what the pipeline calls when the scenario has ``contracts``. Groups are
solved one after another in the scenario's order; a person skilled for several groups works one
group for the week (a simplification: the tour model does not switch a person between groups
from day to day), and the people one group's tours use are no longer free for the next
(:func:`planner.roster.model.add_headcount_caps`), with a tiny cost keeping multi-skilled people
for later groups.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from planner.people import Agent
from planner.roster.assign import assign_profile
from planner.roster.explain import explain_people_shortfall, why_no_tour
from planner.roster.fairness import fairness_report
from planner.roster.model import build_tour_model
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
from planner.types import WEEKDAY_NAMES, InputError, Problem, Scenario

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
    free: list[int | None] = [p.cap for p in profiles]
    # people of a profile who may still work a weekend, less the weekend tours earlier groups used
    weekend_free: list[int | None] = [p.weekend_cap for p in profiles]
    class_counts = [0] * len(profiles)
    budget = float(settings.solver_time_limit_seconds)
    started = time.perf_counter()
    results: dict[str, SolveResult] = {}
    explanations: list[str] = []
    tours: list[ConcreteTour] = []
    size: dict[str, int] = {}
    needs: dict[str, np.ndarray] = {}
    deferred_of: dict[str, DeferredWork] = {}
    models = {}
    # time shares by the size of each group's model: integer columns of its shift model (≈ its weekly
    # starts and break placements) per group, from the templates alone
    weights = np.asarray([_size_weight(scenario, g) for g in group_names], dtype=float)
    for k, group in enumerate(group_names):
        if progress:
            progress(k / max(len(group_names), 1), f"tours of {group}")
        rows = requirements[requirements["group"] == group]
        required = pd.Series(
            rows["required_scheduled"].to_numpy(dtype=float), index=pd.DatetimeIndex(rows["interval_start"])
        )
        templates = scenario.templates_of(group)
        need = _required_array(required, interval_starts)
        if not templates and not (need > 0).any():
            continue
        needs[group] = need
        deferred = None
        if set(rows.columns) >= _DEFERRED_COLUMNS and len(rows) and (rows["kind"] == "email").all():
            deferred = DeferredWork.from_requirements(rows, interval_starts)
            deferred_of[group] = deferred
        local = [p for p, profile in enumerate(profiles) if group in profile.groups]
        names = {t.name for t in templates}
        rules = [r for r in scenario.break_rules if r.template in names]
        model = build_tour_model(
            need,
            templates,
            rules,
            settings,
            group,
            [replace(profiles[p], weekend_cap=weekend_free[p]) for p in local],
            [free[p] for p in local],
            deferred=deferred,
        )
        models[group] = model
        for tour_class in model.classes:
            class_counts[local[tour_class.profile]] += 1
        for key, value in model_size(model.base).items():
            size[key] = size.get(key, 0) + value
        size["tour_classes"] = size.get("tour_classes", 0) + len(model.classes)
        left = max(budget - (time.perf_counter() - started), min(0.5, budget))
        share = float(weights[k] / max(weights[k:].sum(), 1.0))
        day_shifts = None
        if shift_result is not None and len(shift_result.shifts):
            day_shifts = shift_result.shifts[shift_result.shifts["group"] == group]
        result = solve_tour_model(
            model, need, templates, rules, settings, left * share, deferred=deferred, day_shifts=day_shifts
        )

        if shift_result is not None and group in shift_result.per_group and result.has_solution:
            result = _with_shift_bound(result, shift_result.per_group[group], settings.solver_gap)
        results[group] = result
        if not result.has_solution:
            explanations.append(
                f"{group}: the solver returned no roster ({result.status.value}: {result.message})"
            )
            continue
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
        tours += split.tours
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
        if group in models and results[group].has_solution:
            people_lines = explain_people_shortfall(
                models[group], cov, shifts[shifts["group"] == group], profiles, free, scenario
            )
            explanations += people_lines
            if not people_lines:  # without capped people, the shift model's reasons (templates, caps)
                explanations += explain_shortfall(models[group].base, cov) if group not in deferred_of else []
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
