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
* breaks: every hard break rule of the template taken once, inside its window, of its duration;
  breaks inside the shift and not overlapping; no work stretch above ``max_work_stretch_minutes``;
  at least ``min_break_gap_minutes`` between breaks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

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
    tol = 1e-6
    if paid > contract.max_hours_per_week + tol or (full_week and paid < contract.min_hours_per_week - tol):
        problems.append(
            f"{paid:g} paid hours, contract allows {contract.min_hours_per_week:g}–"
            f"{contract.max_hours_per_week:g}"
        )
    if days_worked > contract.max_days_per_week or (full_week and days_worked < contract.min_days_per_week):
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
        problems.append(f"{work_run} working days in a row, contract allows {contract.max_consecutive_days}")
    starts, ends = list(shifts["start"]), list(shifts["end"])
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
            f"start times vary by {variance} min over the week (max {contract.max_start_variance_minutes})"
        )
    weekend = any(worked[k] for k, w in enumerate(weekdays) if w in WEEKEND_DAYS)
    recent = agent.recent_weekends_worked if agent is not None else 0
    if (
        contract.max_weekends_per_4_weeks is not None
        and recent + int(weekend) > contract.max_weekends_per_4_weeks
    ):
        problems.append(
            f"{recent + int(weekend)} weekends worked in 4 weeks (max {contract.max_weekends_per_4_weeks})"
        )
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
        "weekends_worked": int(weekend),
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
