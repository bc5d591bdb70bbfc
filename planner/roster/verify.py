"""An independent per-person check of a roster: it reads the published shifts and breaks only.

Nothing here looks at the tour model or its classes; every rule is re-derived from the shift and
break *times* and the scenario's contracts, agents, templates and break rules, so a bug in the
model, the split or the assignment shows up as a failed check. Per person:

* at most one shift starting per day; the shift's template belongs to its group, and the group is
  one of the agent's skills; the length is one the contract allows;
* availability: no shift on a day off or dated time off; each shift inside that day's window;
* weekly paid hours and working days in the contract's range (on a 7-day horizon; a shorter one
  is a part of a week, where only the upper limits are checked);
* the longest run of days off ≥ ``consecutive_days_off`` and the longest run of working days
  ≤ ``max_consecutive_days``, on the week as a cycle (7-day horizon; a shorter horizon checks
  the working run inside it);
* rest between consecutive shifts ≥ ``min_rest_hours`` (on a 7-day horizon also from the week's
  last shift to the next week's first, the week repeating);
* start-time variance (latest − earliest time of day) ≤ ``max_start_variance_minutes``;
* weekends: recent weekends + this one ≤ ``max_weekends_per_4_weeks``;
* on a horizon longer than a week (:func:`horizon_rules`): the weekly rules per 7-day week from the
  horizon's first day (hours, days, start variance, a run of days off touching the week, on the
  real timeline) and, across the week boundaries, the longest run of working days, the rest
  between consecutive shifts and the weekends in every 4-week window;
* breaks: every hard break rule of the template taken once, inside its window, of its duration;
  breaks inside the shift and not overlapping; no work stretch above ``max_work_stretch_minutes``;
  at least ``min_break_gap_minutes`` between breaks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from planner.people import Agent, Contract
from planner.roster.tours import WEEKEND_DAYS, longest_cyclic_run
from planner.types import WEEKDAY_NAMES, Scenario, ShiftTemplate

VERIFY_COLUMNS: tuple[str, ...] = (
    "agent",
    "name",
    "contract",
    "group",
    "shifts",
    "paid_hours",
    "days_worked",
    "longest_days_off",
    "longest_work_run",
    "min_rest_hours",
    "start_variance_minutes",
    "weekends_worked",
    "late_shifts",
    "problems",
    "ok",
)
"""Columns of the verifier's report: one row per person with shifts; ``problems`` is ``"; "``-joined
planner words (empty when ``ok``)."""
LATE_END_MINUTE = 20 * 60
"""A shift ending after 20:00 (minutes after its start day's midnight) counts as a late shift."""


def _minutes(stamp: pd.Timestamp, day: pd.Timestamp) -> int:
    return int((stamp - day).total_seconds() // 60)


def check_breaks(
    template: ShiftTemplate, rules: Sequence, start: pd.Timestamp, end: pd.Timestamp, breaks: pd.DataFrame
) -> list[str]:
    """Break problems of one shift (see the module docstring), in planner words."""
    problems = []
    when = f"{WEEKDAY_NAMES[start.weekday()]} {start:%H:%M}"
    taken = breaks.sort_values("start")
    by_activity = {a: f for a, f in taken.groupby("activity")}
    for rule in rules:
        rows = by_activity.get(rule.activity)
        if rows is None or not len(rows):
            if rule.hard:
                problems.append(f"{when}: {rule.activity} not taken")
            continue
        if len(rows) > 1:
            problems.append(f"{when}: {rule.activity} taken {len(rows)} times")
        offset = _minutes(rows["start"].iloc[0], start)
        duration = _minutes(rows["end"].iloc[0], rows["start"].iloc[0])
        if not rule.earliest_start_offset_minutes <= offset <= rule.latest_start_offset_minutes:
            problems.append(
                f"{when}: {rule.activity} starts {offset} min into the shift, outside "
                f"{rule.earliest_start_offset_minutes}–{rule.latest_start_offset_minutes}"
            )
        if duration != rule.duration_minutes:
            problems.append(f"{when}: {rule.activity} lasts {duration} min, not {rule.duration_minutes}")
    known = {r.activity for r in rules}
    for activity in sorted(set(by_activity) - known):
        problems.append(f"{when}: {activity} is not a break of '{template.name}'")
    cursor = start
    gaps = []
    for k, (b_start, b_end) in enumerate(zip(taken["start"], taken["end"], strict=True)):
        if b_start < cursor or b_end > end:
            problems.append(f"{when}: break at {b_start:%H:%M} overlaps another or leaves the shift")
        elif (
            template.max_work_stretch_minutes is not None
            and _minutes(b_start, cursor) > template.max_work_stretch_minutes
        ):
            problems.append(
                f"{when}: {_minutes(b_start, cursor)} min of work without a break "
                f"(max {template.max_work_stretch_minutes})"
            )
        if k:
            gaps.append(_minutes(b_start, cursor))
        cursor = max(cursor, b_end)
    if (
        template.max_work_stretch_minutes is not None
        and _minutes(end, cursor) > template.max_work_stretch_minutes
    ):
        problems.append(
            f"{when}: {_minutes(end, cursor)} min of work after the last break "
            f"(max {template.max_work_stretch_minutes})"
        )
    if gaps and min(gaps) < template.min_break_gap_minutes:
        problems.append(
            f"{when}: only {min(gaps)} min between two breaks (min {template.min_break_gap_minutes})"
        )
    return problems


WEEK_DAYS = 7


def longest_run(flags: Sequence[bool], value: bool) -> int:
    """Longest run of ``value`` in ``flags`` read as a line (no wrap), days."""
    best = run = 0
    for flag in flags:
        run = run + 1 if bool(flag) == value else 0
        best = max(best, run)
    return best


def off_run_through_week(worked: Sequence[bool], first: int, days: int) -> int:
    """Longest run of days off on the horizon's timeline that has at least one day in the week
    ``[first, first + days)`` (it may reach into the weeks on either side), days."""
    best = 0
    k, n = 0, len(worked)
    while k < n:
        if worked[k]:
            k += 1
            continue
        end = k
        while end + 1 < n and not worked[end + 1]:
            end += 1
        if k < first + days and end >= first:
            best = max(best, end - k + 1)
        k = end + 1
    return best


def weekends_in_4_weeks(weekends: Sequence[bool], recent: int) -> list[int]:
    """Per week of the horizon, the weekends worked in it and the 3 weeks before.

    ``recent`` (the agent's ``recent_weekends_worked``, the 3 weeks before the horizon) is taken
    to be the latest of those weeks — the cautious reading, as in
    :func:`planner.roster.horizon.recent_weekends`.
    """
    return [
        min(recent, max(0, 3 - w)) + sum(bool(x) for x in weekends[max(0, w - 3) : w + 1])
        for w in range(len(weekends))
    ]


@dataclass(frozen=True)
class HorizonRules:
    """The per-person rules of a horizon longer than a week, checked on its real timeline."""

    problems: list[str]
    days_off_run: float
    work_run: int
    min_rest_hours: float
    start_variance_minutes: int
    weekends_worked: int


def horizon_rules(
    worked: Sequence[bool],
    starts: Sequence[pd.Timestamp],
    ends: Sequence[pd.Timestamp],
    paid_hours: Sequence[float],
    contract: Contract,
    agent: Agent | None,
    start_date: date,
) -> HorizonRules:
    """Weekly and cross-week rules of one person over a horizon longer than a week.

    Weeks are 7 days from the horizon's first day (the last may be shorter). Per week with a
    shift: paid hours and working days in the contract's range (a shorter last week: the upper
    limits only), start variance ≤ ``max_start_variance_minutes``, and (full weeks) a run of
    ``consecutive_days_off`` days off that touches the week. Over the whole horizon, across the
    week boundaries: no run of working days above ``max_consecutive_days``, rest between
    consecutive shifts ≥ ``min_rest_hours``, and in every window of 4 weeks (the weeks before
    the horizon from ``recent_weekends_worked``) at most ``max_weekends_per_4_weeks`` weekends.
    Nothing before the horizon's first day is known except those recent weekends.

    Parameters
    ----------
    worked : per horizon day, whether a shift starts on it.
    starts, ends : the person's shifts (timestamps), sorted by start.
    paid_hours : paid hours of each of those shifts, h.
    contract : Contract
    agent : Agent or None
        ``recent_weekends_worked`` (0 for an anonymous tour).
    start_date : datetime.date
        The horizon's first day.
    """
    problems: list[str] = []
    tol = 1e-6
    n = len(worked)
    origin = pd.Timestamp(start_date)
    weekdays = [(origin + pd.Timedelta(days=k)).weekday() for k in range(n)]
    off_runs: list[int] = []
    variance = 0
    weekends: list[bool] = []
    for number, first in enumerate(range(0, n, WEEK_DAYS), start=1):
        days = min(WEEK_DAYS, n - first)
        label = f"week {number}"
        span = range(first, first + days)
        weekends.append(any(worked[k] for k in span if weekdays[k] in WEEKEND_DAYS))
        mine = [
            (s, h)
            for s, h in zip(starts, paid_hours, strict=True)
            if first <= (s.normalize() - origin).days < first + days
        ]
        if not mine:
            continue  # not rostered that week (the plan lists who and why)
        full = days == WEEK_DAYS
        paid = math.fsum(h for _, h in mine)
        if paid > contract.max_hours_per_week + tol or (full and paid < contract.min_hours_per_week - tol):
            problems.append(
                f"{label}: {paid:g} paid hours, contract allows {contract.min_hours_per_week:g}–"
                f"{contract.max_hours_per_week:g}"
            )
        worked_days = sum(worked[k] for k in span)
        if worked_days > contract.max_days_per_week or (full and worked_days < contract.min_days_per_week):
            problems.append(
                f"{label}: {worked_days} working days, contract allows {contract.min_days_per_week}–"
                f"{contract.max_days_per_week}"
            )
        minutes = [_minutes(s, s.normalize()) for s, _ in mine]
        spread = max(minutes) - min(minutes)
        variance = max(variance, spread)
        if spread > contract.max_start_variance_minutes:
            problems.append(
                f"{label}: start times vary by {spread} min (max {contract.max_start_variance_minutes})"
            )
        if full:
            run = off_run_through_week(worked, first, days)
            off_runs.append(run)
            if contract.consecutive_days_off and run < contract.consecutive_days_off:
                problems.append(
                    f"{label}: longest run of days off is {run}, contract needs "
                    f"{contract.consecutive_days_off} in a row"
                )
    work_run = longest_run(worked, True)
    if work_run > contract.max_consecutive_days:
        problems.append(f"{work_run} working days in a row, contract allows {contract.max_consecutive_days}")
    rests = [(starts[k + 1] - ends[k]).total_seconds() / 3600 for k in range(len(starts) - 1)]
    min_rest = min(rests) if rests else math.nan
    if rests and min_rest < contract.min_rest_hours - tol:
        worst = int(np.argmin(rests))
        problems.append(
            f"only {min_rest:g} h rest between {WEEKDAY_NAMES[ends[worst].weekday()]} "
            f"{ends[worst]:%d %b %H:%M} and {WEEKDAY_NAMES[starts[worst + 1].weekday()]} "
            f"{starts[worst + 1]:%d %b %H:%M} "
            f"(min {contract.min_rest_hours:g})"
        )
    if contract.max_weekends_per_4_weeks is not None:
        recent = agent.recent_weekends_worked if agent is not None else 0
        for number, count in enumerate(weekends_in_4_weeks(weekends, recent), start=1):
            if count > contract.max_weekends_per_4_weeks:
                problems.append(
                    f"week {number}: {count} weekends worked in 4 weeks "
                    f"(max {contract.max_weekends_per_4_weeks})"
                )
    return HorizonRules(
        problems=problems,
        days_off_run=float(min(off_runs)) if off_runs else math.nan,
        work_run=work_run,
        min_rest_hours=min_rest,
        start_variance_minutes=variance,
        weekends_worked=sum(weekends),
    )


def verify_person(
    shifts: pd.DataFrame, breaks: pd.DataFrame, contract: Contract, agent: Agent | None, scenario: Scenario
) -> dict[str, object]:
    """One row of :data:`VERIFY_COLUMNS` for one person's shifts and breaks."""
    settings = scenario.settings
    origin = pd.Timestamp(settings.start_date)
    full_week = settings.days == 7
    templates = {t.name: t for t in scenario.shift_templates}
    shifts = shifts.sort_values("start")
    problems: list[str] = []
    days = [int((s.normalize() - origin).days) for s in shifts["start"]]
    if len(set(days)) != len(days):
        problems.append("more than one shift starts on one day")
    worked = [False] * settings.days
    for d in days:
        if 0 <= d < settings.days:
            worked[d] = True
    weekdays = [(origin + pd.Timedelta(days=k)).weekday() for k in range(settings.days)]
    paid = float(shifts["paid_hours"].sum())
    days_worked = sum(worked)
    starts, ends = list(shifts["start"]), list(shifts["end"])
    if settings.days > WEEK_DAYS:
        rules = horizon_rules(
            worked, starts, ends, list(shifts["paid_hours"]), contract, agent, settings.start_date
        )
        problems += rules.problems
        days_off_run, work_run, min_rest = rules.days_off_run, rules.work_run, rules.min_rest_hours
        variance, weekend_count = rules.start_variance_minutes, rules.weekends_worked
    else:
        tol = 1e-6
        if paid > contract.max_hours_per_week + tol or (
            full_week and paid < contract.min_hours_per_week - tol
        ):
            problems.append(
                f"{paid:g} paid hours, contract allows {contract.min_hours_per_week:g}–"
                f"{contract.max_hours_per_week:g}"
            )
        if days_worked > contract.max_days_per_week or (
            full_week and days_worked < contract.min_days_per_week
        ):
            problems.append(
                f"{days_worked} working days, contract allows {contract.min_days_per_week}–"
                f"{contract.max_days_per_week}"
            )
        if full_week:
            week = [False] * 7
            for k, w in enumerate(weekdays):
                week[w] = worked[k]
            days_off_run = longest_cyclic_run(week, False)
            work_run = longest_cyclic_run(week, True)
            if contract.consecutive_days_off and days_off_run < contract.consecutive_days_off:
                problems.append(
                    f"longest run of days off is {days_off_run}, contract needs "
                    f"{contract.consecutive_days_off} in a row"
                )
        else:
            days_off_run = math.nan
            run = work_run = 0
            for flag in worked:
                run = run + 1 if flag else 0
                work_run = max(work_run, run)
        if work_run > contract.max_consecutive_days:
            problems.append(
                f"{work_run} working days in a row, contract allows {contract.max_consecutive_days}"
            )
        rests = [(starts[k + 1] - ends[k]).total_seconds() / 3600 for k in range(len(starts) - 1)]
        if full_week and len(starts) > 1:
            rests.append((starts[0] + pd.Timedelta(days=7) - ends[-1]).total_seconds() / 3600)
        min_rest = min(rests) if rests else math.nan
        if rests and min_rest < contract.min_rest_hours - tol:
            problems.append(f"only {min_rest:g} h rest between two shifts (min {contract.min_rest_hours:g})")
        minutes = [_minutes(s, s.normalize()) for s in starts]
        variance = (max(minutes) - min(minutes)) if minutes else 0
        if variance > contract.max_start_variance_minutes:
            problems.append(
                f"start times vary by {variance} min over the week "
                f"(max {contract.max_start_variance_minutes})"
            )
        weekend = any(worked[k] for k, w in enumerate(weekdays) if w in WEEKEND_DAYS)
        recent = agent.recent_weekends_worked if agent is not None else 0
        if (
            contract.max_weekends_per_4_weeks is not None
            and recent + int(weekend) > contract.max_weekends_per_4_weeks
        ):
            problems.append(
                f"{recent + int(weekend)} weekends worked in 4 weeks "
                f"(max {contract.max_weekends_per_4_weeks})"
            )
        weekend_count = int(weekend)
    lengths = set(contract.shift_lengths_minutes)
    groups = set(shifts["group"])
    late = 0
    for row in shifts.itertuples(index=False):
        template = templates.get(row.template)
        day = row.start.normalize()
        when = f"{WEEKDAY_NAMES[row.start.weekday()]} {row.start:%H:%M}"
        if template is None:
            problems.append(f"{when}: unknown template {row.template!r}")
            continue
        if template.group != row.group:
            problems.append(
                f"{when}: template '{template.name}' belongs to {template.group}, not {row.group}"
            )
        length = _minutes(row.end, row.start)
        if length != template.length_minutes:
            problems.append(
                f"{when}: {length} min long, template '{template.name}' is {template.length_minutes}"
            )
        if lengths and length not in lengths:
            problems.append(
                f"{when}: a {length // 60:g} h shift; contract allows "
                f"{', '.join(f'{v / 60:g} h' for v in sorted(lengths))}"
            )
        if _minutes(row.end, day) > LATE_END_MINUTE:
            late += 1
        if agent is not None:
            if row.group not in agent.groups:
                problems.append(f"{when}: works {row.group}, skilled for {', '.join(agent.groups)}")
            window = agent.window_on(row.start.date())
            if window is None:
                off = "time off" if row.start.date() in agent.time_off else "not available"
                problems.append(f"{when}: {off} on {WEEKDAY_NAMES[row.start.weekday()]} {row.start:%d %b}")
            elif not window.fits(_minutes(row.start, day), _minutes(row.end, day)):
                problems.append(f"{when}–{row.end:%H:%M}: outside the availability {window.label()}")
        mine = breaks[(breaks["start"] >= row.start) & (breaks["start"] < row.end)]
        problems += check_breaks(template, scenario.breaks_of(template.name), row.start, row.end, mine)
    own_breaks = breaks[
        ~breaks.index.isin(
            [
                i
                for i in breaks.index
                if any(s <= breaks.at[i, "start"] < e for s, e in zip(starts, ends, strict=True))
            ]
        )
    ]
    if len(own_breaks):
        problems.append(f"{len(own_breaks)} break(s) outside any shift")
    return {
        "agent": str(shifts["agent"].iloc[0]) if len(shifts) else (agent.agent_id if agent else ""),
        "name": agent.name if agent is not None else str(shifts.get("name", shifts["agent"]).iloc[0]),
        "contract": contract.name,
        "group": ", ".join(sorted(groups)),
        "shifts": len(shifts),
        "paid_hours": paid,
        "days_worked": days_worked,
        "longest_days_off": days_off_run,
        "longest_work_run": work_run,
        "min_rest_hours": min_rest,
        "start_variance_minutes": variance,
        "weekends_worked": weekend_count,
        "late_shifts": late,
        "problems": "; ".join(problems),
        "ok": not problems,
    }


def verify_roster(shifts: pd.DataFrame, activities: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """The verifier's report of a roster (module docstring), one row per person with shifts.

    Parameters
    ----------
    shifts : pandas.DataFrame
        At least :data:`planner.scheduling.SHIFT_COLUMNS`; ``agent`` is the person; ``contract``
        names the contract of an anonymous tour (named agents' contracts come from the scenario).
    activities : pandas.DataFrame
        :data:`planner.scheduling.ACTIVITY_COLUMNS`.
    scenario : Scenario
        Contracts, agents, templates, break rules and the horizon.

    Returns
    -------
    pandas.DataFrame
        :data:`VERIFY_COLUMNS`.
    """
    contracts = {c.name: c for c in scenario.contracts}
    agents = {a.agent_id: a for a in scenario.agents}
    rows = []
    for person, own in shifts.groupby("agent", sort=False):
        agent = agents.get(str(person))
        name = (
            agent.contract if agent is not None else str(own["contract"].iloc[0]) if "contract" in own else ""
        )
        contract = contracts.get(name)
        own_breaks = activities[activities["agent"] == person]
        if contract is None:
            rows.append(
                {
                    **dict.fromkeys(VERIFY_COLUMNS, math.nan),
                    "agent": person,
                    "contract": name,
                    "problems": f"unknown contract {name!r}",
                    "ok": False,
                }
            )
            continue
        if scenario.agents and agent is None:
            rows.append(
                {
                    **dict.fromkeys(VERIFY_COLUMNS, math.nan),
                    "agent": person,
                    "contract": name,
                    "problems": f"{person!r} is not an agent of the Agents sheet",
                    "ok": False,
                }
            )
            continue
        rows.append(verify_person(own, own_breaks, contract, agent, scenario))
    return pd.DataFrame(rows, columns=list(VERIFY_COLUMNS))
