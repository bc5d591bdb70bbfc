"""Rosters longer than a week: week by week, each person's history carried into the next week.

:func:`roster_horizon` cuts the horizon into weeks of 7 days from its first day (the last one
shorter when the horizon is not a whole number of weeks) and rosters each with
:func:`planner.roster.roster_scenario`, in order. After each week every named person's
:class:`~planner.roster.tours.CarriedHistory` is brought forward (:func:`carry_history`):

* the days worked (or off) in a row up to the week's last day — the next week's tour classes may
  not extend the streak past ``max_consecutive_days``, and days off carried in count towards the
  next week's ``consecutive_days_off`` (:func:`planner.roster.tours.history_allows`);
* the end of the last shift — a shift on the next week's first day starts ``min_rest_hours`` later;
* the weekends worked — ``max_weekends_per_4_weeks`` counts the 3 weeks before each week
  (:func:`recent_weekends`), the weekend fairness term too;
* the late shifts — the assignment gives late tours first to those with fewer late shifts so far
  (:data:`planner.roster.assign.LATE_FAIRNESS_COST`), and the week's person-weeks are then handed
  round across the profiles history split (:func:`rebalance_weeks`).

People with the same history limits stay interchangeable, so profiles are split by them
(:func:`planner.roster.tours.agent_profiles`) and the tour model keeps the history by
construction; a person whom history leaves without any tour is listed as not rostered that
week, with the reason (:func:`planner.roster.explain.why_no_tour`).

The weeks are put together into one :class:`~planner.roster.RosterResult` over the whole horizon
(one row per person, one column per day); coverage is read again from all shifts (a shift running
past a week's end covers the next week's first hours, which that week's model was told: its
requirement is net of them), and the independent verifier checks every person over the whole
horizon, across the week boundaries (:func:`planner.roster.verify.verify_roster`).

The solver's time limit is per week (a last shorter week gets its share): each week is a model
of the size of a one-week roster, and a week given half the time of a one-week plan would have
fewer tours found in time. Before the horizon nothing is known but each agent's
``recent_weekends_worked``: no streak, full rest. An anonymous roster (no ``Agents`` sheet) is
made of person-weeks, labelled with their week ("W2 Tour 003").
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta

import numpy as np
import pandas as pd

from planner.executor import Executor
from planner.people import Agent, Contract
from planner.roster.assign import LATE_END_MINUTE, person_week_cost, reassign_weeks
from planner.roster.fairness import fairness_report
from planner.roster.roster import (
    MAX_ROSTER_DAYS,
    UNASSIGNED_COLUMNS,
    RosterResult,
    _price,
    _roster_grid,
    _with_shift_bound,
    day_label,
    roster_problems,
    roster_scenario,
)
from planner.roster.tours import (
    WEEKEND_DAYS,
    CarriedHistory,
    HistoryLimits,
    history_allows,
    history_limits,
    weekend_allowed,
)
from planner.roster.verify import verify_roster
from planner.scheduling import DeferredWork, ScheduleResult, coverage_from_schedule, deferred_lateness
from planner.scheduling.schedule import _DEFERRED_COLUMNS, _concat, _required_array
from planner.solver import SolveResult, SolveStatus, combine
from planner.types import InputError, Problem, Scenario, Settings

ProgressCallback = Callable[[float, str], None]
COVERAGE_COLUMNS: tuple[str, ...] = (
    "interval_start",
    "group",
    "required",
    "on_shift",
    "on_break",
    "working",
    "short",
    "over",
)


def horizon_weeks(settings: Settings) -> list[tuple[int, int]]:
    """``(first day, days)`` of each week of the horizon: 7-day weeks from its first day, the last shorter."""
    return [(first, min(MAX_ROSTER_DAYS, settings.days - first)) for first in range(0, settings.days, 7)]


def week_label(settings: Settings, first: int, days: int, number: int) -> str:
    """``"week 2 (Mon 12 Jan–Sun 18 Jan)"``."""
    start = settings.start_date + timedelta(days=first)
    return f"week {number} ({day_label(start)}–{day_label(start + timedelta(days=days - 1))})"


def horizon_problems(scenario: Scenario) -> list[Problem]:
    """Why a scenario cannot be rostered at all, at any horizon (no contracts)."""
    return [p for p in roster_problems(scenario) if p.field != "days"]


def recent_weekends(agent: Agent, weekends: Sequence[bool]) -> int:
    """Weekends worked in the 3 weeks before the week that follows ``weekends``.

    Parameters
    ----------
    agent : Agent
        ``recent_weekends_worked``: weekends in the 3 weeks before the horizon, taken to be the
        latest of them (the cautious reading: a count does not say which weeks).
    weekends : sequence of bool
        Per earlier week of the horizon, oldest first, whether a weekend day was worked.

    Returns
    -------
    int
        0–3.
    """
    week = len(weekends)
    before = min(agent.recent_weekends_worked, max(0, 3 - week))
    return before + sum(bool(w) for w in weekends[max(0, week - 3) :])


def carry_history(
    previous: CarriedHistory,
    starts: Sequence[pd.Timestamp],
    ends: Sequence[pd.Timestamp],
    week_start: date,
    week_days: int,
) -> CarriedHistory:
    """One person's history after a week in which they worked shifts ``starts``/``ends``.

    Parameters
    ----------
    previous : CarriedHistory
        Before the week.
    starts, ends : the week's shift starts and ends (timestamps).
    week_start : datetime.date
        The week's first day.
    week_days : int
        Its length, days.
    """
    origin = pd.Timestamp(week_start)
    worked = {int((pd.Timestamp(s).normalize() - origin).days) for s in starts}
    work = off = 0
    for day in range(week_days - 1, -1, -1):
        if day not in worked:
            break
        work += 1
    for day in range(week_days - 1, -1, -1):
        if day in worked:
            break
        off += 1
    if work == week_days:
        work += previous.work_streak_days
    if off == week_days:
        off += previous.off_streak_days
    last = max((pd.Timestamp(e) for e in ends), default=None)
    weekend = any(
        (week_start + timedelta(days=d)).weekday() in WEEKEND_DAYS for d in worked if 0 <= d < week_days
    )
    late = sum(
        1
        for s, e in zip(starts, ends, strict=True)
        if (pd.Timestamp(e) - pd.Timestamp(s).normalize()).total_seconds() / 60 > LATE_END_MINUTE
    )
    return CarriedHistory(
        work_streak_days=work,
        off_streak_days=off,
        last_shift_end=last.to_pydatetime() if last is not None else previous.last_shift_end,
        weekends=(*previous.weekends, weekend),
        late_shifts=previous.late_shifts + late,
    )


def binding_history(
    history: CarriedHistory, agent: Agent, scenario: Scenario, week_start: date
) -> CarriedHistory:
    """``history`` without a last shift end whose rest is over before any of the agent's templates
    can start on ``week_start`` — so people who are free alike share a profile (fewer tour classes).
    """
    if history.last_shift_end is None:
        return history
    contract = next(c for c in scenario.contracts if c.name == agent.contract)
    first = min(
        (t.earliest_start_minute for t in scenario.shift_templates if t.group in agent.groups), default=0
    )
    rested = pd.Timestamp(history.last_shift_end) + pd.Timedelta(hours=contract.min_rest_hours)
    if rested <= pd.Timestamp(week_start) + pd.Timedelta(minutes=first):
        return dataclasses.replace(history, last_shift_end=None)
    return history


def may_take(
    agent: Agent,
    contract: Contract,
    week_shifts: pd.DataFrame,
    limits: HistoryLimits | None,
    week_start: date,
    week_days: int,
) -> bool:
    """Whether ``agent`` may work the published week ``week_shifts`` of someone else of their contract.

    Skills, availability and time off, the weekend cap, and the history limits
    (:func:`planner.roster.tours.history_allows`, with the week's real first start).
    """
    origin = pd.Timestamp(week_start)
    days = sorted({int((s.normalize() - origin).days) for s in week_shifts["start"]})
    first_minute = None
    for row in week_shifts.itertuples(index=False):
        if row.group not in agent.groups:
            return False
        day = row.start.normalize()
        window = agent.window_on(row.start.date())
        start = int((row.start - day).total_seconds() // 60)
        if window is None or not window.fits(start, int((row.end - day).total_seconds() // 60)):
            return False
        if row.start.weekday() in WEEKEND_DAYS and not weekend_allowed(agent, contract):
            return False
        if day == origin:
            first_minute = start
    return history_allows(limits, contract, days, week_days, first_minute)


def rebalance_weeks(
    week: Scenario,
    shifts: pd.DataFrame,
    history: Mapping[str, CarriedHistory],
    binding: Mapping[str, CarriedHistory],
) -> dict[str, str]:
    """Hand the week's published person-weeks round among the people of a contract and group
    (across profiles) where that lowers the assignment's cost — late shifts so far above all.

    Within a profile the assignment already balanced them (:func:`planner.roster.assign.assign_profile`);
    history splits people into more profiles (:func:`planner.roster.tours.agent_profiles`), and
    this evens out late shifts between them wherever the rules let a person take another's week
    (:func:`may_take`). Returns holder → new holder (only those that change).
    """
    agents = {a.agent_id: a for a in week.agents}
    contracts = {c.name: c for c in week.contracts}
    moves: dict[str, str] = {}
    if not len(shifts):
        return moves
    for (contract_name, _group), own in shifts.groupby(["contract", "group"], sort=False):
        holders = sorted(set(own["agent"]) & set(agents))
        if len(holders) < 2:
            continue
        contract = contracts[str(contract_name)]
        weeks = {h: own[own["agent"] == h].sort_values("start") for h in holders}
        least = min(history[h].late_shifts for h in holders)
        costs = np.zeros((len(holders), len(holders)))
        allowed = np.zeros((len(holders), len(holders)), dtype=bool)
        for i, person in enumerate(holders):
            agent = agents[person]
            limits = history_limits(binding[person], contract, week.settings.start_date)
            for j, holder in enumerate(holders):
                mine = weeks[holder]
                allowed[i, j] = i == j or may_take(
                    agent, contract, mine, limits, week.settings.start_date, week.settings.days
                )
                costs[i, j] = person_week_cost(
                    agent,
                    list(mine["start"]),
                    list(mine["end"]),
                    weekend_allowed(agent, contract),
                    history[person].late_shifts - least,
                )
        for i, j in enumerate(reassign_weeks(costs, allowed)):
            if i != j:
                moves[holders[j]] = holders[i]
    return moves


def _stack(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """The weeks' frames one under the other; ``start``/``end`` stay timestamps (an empty week too)."""
    stacked = pd.concat([f for f in frames if len(f)] or list(frames[:1]), ignore_index=True)
    for column in ("start", "end"):
        if column in stacked:
            stacked[column] = pd.to_datetime(stacked[column])
    return stacked


def _spill(
    shifts: pd.DataFrame, activities: pd.DataFrame, interval_starts: pd.DatetimeIndex, group: str
) -> np.ndarray:
    """Agents working per interval of ``interval_starts`` from shifts that started before it."""
    own = shifts[shifts["group"] == group]
    if not len(own):
        return np.zeros(len(interval_starts))
    cov = coverage_from_schedule(
        own, activities[activities["group"] == group], np.zeros(len(interval_starts)), interval_starts, group
    )
    return cov["working"].to_numpy(dtype=float)


def roster_horizon(
    scenario: Scenario,
    requirements: pd.DataFrame,
    *,
    shift_result: ScheduleResult | None = None,
    progress: ProgressCallback | None = None,
    executor: Executor | None = None,
    previous_shifts: pd.DataFrame | None = None,
) -> RosterResult:
    """Roster a scenario of any horizon: one week directly, longer ones week by week (module docstring).

    Parameters
    ----------
    scenario : Scenario
        With ``contracts`` (and optionally ``agents``).
    requirements : pandas.DataFrame
        From :func:`planner.staffing.requirements`, over the whole horizon.
    shift_result : ScheduleResult, optional
        The day-by-day shift model over the whole horizon: each week's tours may be matched to its
        shifts, and its labour and bound price the whole roster.
    progress : callable, optional
        ``progress(fraction 0..1, message)``.
    executor : planner.executor.Executor, optional
        Runs each week's sets of linked groups (:func:`planner.roster.roster.roster_scenario`).
    previous_shifts : pandas.DataFrame, optional
        A previous roster's shifts: the MIP start of a one-week horizon (longer horizons start cold).

    Returns
    -------
    RosterResult
        Over the whole horizon.

    Raises
    ------
    planner.types.InputError
        Without contracts (:func:`horizon_problems`).
    """
    settings = scenario.settings
    if settings.days <= MAX_ROSTER_DAYS:
        return roster_scenario(
            scenario, requirements, shift_result=shift_result, progress=progress, executor=executor,
            previous_shifts=previous_shifts,
        )
    problems = horizon_problems(scenario)
    if problems:
        raise InputError(problems)
    weeks = horizon_weeks(settings)
    history = {a.agent_id: CarriedHistory() for a in scenario.agents}
    step = pd.Timedelta(minutes=settings.interval_minutes)
    starts_of = pd.DatetimeIndex(requirements["interval_start"])
    results: list[RosterResult] = []
    labels: list[str] = []
    shift_frames: list[pd.DataFrame] = []
    activity_frames: list[pd.DataFrame] = []
    started = time.perf_counter()
    for number, (first, days) in enumerate(weeks, start=1):
        label = week_label(settings, first, days, number)
        labels.append(label)
        week_start = settings.start_date + timedelta(days=first)
        week_settings = dataclasses.replace(
            settings,
            start_date=week_start,
            days=days,
            solver_time_limit_seconds=settings.solver_time_limit_seconds * days / MAX_ROSTER_DAYS,
        )
        agents = tuple(
            dataclasses.replace(a, recent_weekends_worked=recent_weekends(a, history[a.agent_id].weekends))
            for a in scenario.agents
        )
        week = scenario.replace(settings=week_settings, agents=agents)
        week_starts = week_settings.interval_starts()
        rows = requirements[(starts_of >= week_starts[0]) & (starts_of < week_starts[-1] + step)].copy()
        if shift_frames:  # shifts of the previous week still running: that much is covered already
            done, breaks = _stack(shift_frames), _stack(activity_frames)
            for group in rows["group"].unique():
                carried = _spill(done, breaks, week_starts, str(group))
                email = "kind" in rows and (rows.loc[rows["group"] == group, "kind"] == "email").all()
                if carried.any() and not email:  # e-mail is levelled over the week as it is
                    mask = (rows["group"] == group).to_numpy()
                    index = week_starts.get_indexer(pd.DatetimeIndex(rows.loc[mask, "interval_start"]))
                    rows.loc[mask, "required_scheduled"] = np.maximum(
                        rows.loc[mask, "required_scheduled"].to_numpy(dtype=float) - carried[index], 0.0
                    )
        week_shift_result = None
        if shift_result is not None:
            day_shifts = shift_result.shifts
            inside = (day_shifts["start"] >= week_starts[0]) & (day_shifts["start"] < week_starts[-1] + step)
            week_shift_result = dataclasses.replace(shift_result, shifts=day_shifts[inside], per_group={})

        def week_progress(
            fraction: float, message: str, first: int = first, days: int = days, label: str = label
        ) -> None:
            if progress is not None:
                progress((first + fraction * days) / settings.days, f"{label}: {message}")

        binding = {
            a.agent_id: binding_history(history[a.agent_id], a, scenario, week_start) for a in scenario.agents
        }
        result = roster_scenario(
            week,
            rows,
            shift_result=week_shift_result,
            progress=week_progress,
            history=binding if scenario.agents else None,
            executor=executor,
        )
        shifts = result.schedule.shifts.copy()
        activities = result.schedule.activities.copy()
        wellbeing = result.schedule.wellbeing.copy()
        moves = rebalance_weeks(week, shifts, history, binding) if scenario.agents else {}
        if moves:  # person-weeks handed round: the shifts, breaks and well-being follow the week
            profile_of = dict(zip(shifts["agent"], shifts["profile"], strict=True))
            names = {a.agent_id: a.name for a in scenario.agents}
            for frame in (shifts, activities, wellbeing):
                frame["agent"] = frame["agent"].map(moves).fillna(frame["agent"])
            shifts["name"] = shifts["agent"].map(names)
            shifts["profile"] = shifts["agent"].map(profile_of)
        if not scenario.agents:  # person-weeks: the week is part of the tour's name
            rename = {a: f"W{number} {a}" for a in shifts["agent"].unique()}
            for frame in (shifts, activities, wellbeing):
                frame["agent"] = frame["agent"].map(rename).fillna(frame["agent"])
            if "name" in shifts:
                shifts["name"] = shifts["agent"]
            result = dataclasses.replace(
                result,
                roster=result.roster.assign(
                    agent=result.roster["agent"].map(rename).fillna(result.roster["agent"]),
                    name=result.roster["name"].map(rename).fillna(result.roster["name"]),
                ),
            )
        result = dataclasses.replace(
            result,
            schedule=dataclasses.replace(
                result.schedule, shifts=shifts, activities=activities, wellbeing=wellbeing
            ),
        )
        for agent in scenario.agents:
            own = shifts[shifts["agent"] == agent.agent_id]
            history[agent.agent_id] = carry_history(
                history[agent.agent_id], list(own["start"]), list(own["end"]), week_start, days
            )
        shift_frames.append(shifts)
        activity_frames.append(activities)
        results.append(result)
    combined = _combine_weeks(scenario, requirements, results, labels, shift_result)
    if progress is not None:
        progress(
            1.0,
            f"rostered {int((combined.roster['days_worked'] > 0).sum())} people over {len(weeks)} weeks "
            f"in {time.perf_counter() - started:.1f} s",
        )
    return combined


def _combine_weeks(
    scenario: Scenario,
    requirements: pd.DataFrame,
    weeks: list[RosterResult],
    labels: list[str],
    shift_result: ScheduleResult | None,
) -> RosterResult:
    """One :class:`RosterResult` over the whole horizon from the weeks' results."""
    settings = scenario.settings
    interval_starts = settings.interval_starts()
    shifts = _stack([w.schedule.shifts for w in weeks])
    activities = _stack([w.schedule.activities for w in weeks])
    wellbeing = _stack([w.schedule.wellbeing for w in weeks])
    per_group: dict[str, SolveResult] = {}
    for group in dict.fromkeys(g for w in weeks for g in w.schedule.per_group):
        result = combine(
            [w.schedule.per_group[group] for w in weeks if group in w.schedule.per_group],
            rel_gap=settings.solver_gap,
        )
        if shift_result is not None and group in shift_result.per_group and result.has_solution:
            result = _with_shift_bound(result, shift_result.per_group[group], settings.solver_gap)
        per_group[group] = result
    explanations = [
        f"{label}: {line}" for w, label in zip(weeks, labels, strict=True) for line in w.explanations
    ]
    coverage_frames = []
    for group in dict.fromkeys(requirements["group"]):
        rows = requirements[requirements["group"] == group]
        required = pd.Series(
            rows["required_scheduled"].to_numpy(dtype=float), index=pd.DatetimeIndex(rows["interval_start"])
        )
        need = _required_array(required, interval_starts)
        mine = shifts["group"] == group
        if not mine.any() and not (need > 0).any():
            continue
        cov = coverage_from_schedule(
            shifts[mine], activities[activities["group"] == group], need, interval_starts, str(group)
        )
        if set(rows.columns) >= _DEFERRED_COLUMNS and len(rows) and (rows["kind"] == "email").all():
            deferred = DeferredWork.from_requirements(rows, interval_starts)
            cov["short"] = deferred_lateness(cov["working"].to_numpy(dtype=float), deferred)["short_agents"]
        coverage_frames.append(cov)
    if per_group:
        solve = combine(list(per_group.values()), rel_gap=settings.solver_gap)
        solve = dataclasses.replace(
            solve,
            message=f"{len(weeks)} weeks: "
            + "; ".join(f"{g}: {r.status.value}, gap {r.gap:.2%}" for g, r in per_group.items()),
        )
    else:
        solve = SolveResult(SolveStatus.optimal, 0.0, 0.0, 0.0, 0.0, "nothing to roster")
    size: dict[str, int] = {}
    for w in weeks:
        for key, value in w.schedule.model_size.items():
            size[key] = size.get(key, 0) + value
    schedule = ScheduleResult(
        solve=solve,
        per_group=per_group,
        shifts=shifts,
        activities=activities,
        coverage=_concat(coverage_frames, COVERAGE_COLUMNS),
        wellbeing=wellbeing,
        explanations=explanations,
        model_size=size,
    )
    unassigned = _unassigned(weeks, labels)
    agents_by_id = {a.agent_id: a for a in scenario.agents}
    people = _people(weeks, scenario)
    never = unassigned[~unassigned["agent"].isin(shifts["agent"])] if len(shifts) else unassigned
    never = never.assign(reason="")
    roster = _roster_grid(
        people,
        shifts,
        [settings.start_date + timedelta(days=k) for k in range(settings.days)],
        never,
        agents_by_id,
    )
    verification = verify_roster(shifts, activities, scenario)
    fairness = fairness_report(shifts, verification, scenario)
    profiles = pd.concat(
        [w.profiles.assign(week=label) for w, label in zip(weeks, labels, strict=True)], ignore_index=True
    )
    profiles = profiles[["week", *[c for c in profiles.columns if c != "week"]]]
    return RosterResult(
        schedule=schedule,
        roster=roster,
        verification=verification,
        fairness=fairness,
        unassigned=unassigned,
        price=_price(schedule, shift_result, shifts),
        profiles=profiles,
        assignment_seconds=math.fsum(w.assignment_seconds for w in weeks),
        explanations=explanations,
    )


def _people(weeks: list[RosterResult], scenario: Scenario) -> list[tuple]:
    """``(person, name, contract, groups)`` of everyone with a tour in some week, in roster order."""
    seen: dict[str, list] = {}
    for w in weeks:
        for row in w.roster.itertuples(index=False):
            if row.days_worked <= 0:
                continue
            entry = seen.setdefault(str(row.agent), [str(row.agent), str(row.name), str(row.contract), []])
            if row.group not in entry[3]:
                entry[3].append(row.group)
    order = {a.agent_id: k for k, a in enumerate(scenario.agents)}
    people = sorted(seen.values(), key=lambda e: (order.get(e[0], len(order)), e[0]))
    return [(p, n, c, ", ".join(g)) for p, n, c, g in people]


def _unassigned(weeks: list[RosterResult], labels: list[str]) -> pd.DataFrame:
    """One row per named person without a tour in at least one week; the reasons per week."""
    rows: dict[str, list] = {}
    for w, label in zip(weeks, labels, strict=True):
        for agent, name, contract, groups, reason in w.unassigned.itertuples(index=False):
            entry = rows.setdefault(agent, [agent, name, contract, groups, []])
            entry[4].append(f"{label}: {reason}")
    return pd.DataFrame(
        [(a, n, c, g, "; ".join(r)) for a, n, c, g, r in rows.values()], columns=list(UNASSIGNED_COLUMNS)
    )
