"""Tour classes: who (profile) works which template, in which start band, on which days.

A *tour* is one person's week: the same shift template on each working day, starting inside one
start-time band. A *tour class* (Jacobs & Brusco 1996, "Overlapping start-time bands in implicit
tour scheduling", Management Science 42(9); Brusco & Jacobs 2000, Operations Research 48(4)) is
(people profile × template × start band × working-day pattern); the tour model counts tours per
class and links them to the daily start variables of the shift model. Every weekly rule of the
contract is kept *by construction* here, by leaving out the classes that break it:

* working days per week in ``[min_days_per_week, max_days_per_week]``;
* paid hours per week (days × the template's paid hours) in ``[min_hours, max_hours]``;
* the days off hold a run of ``consecutive_days_off`` and no run of work exceeds
  ``max_consecutive_days`` — both on the week as a cycle (:func:`longest_cyclic_run`), so they hold
  across the week boundary when the week repeats;
* starts of one tour differ by at most the band's width ≤ ``max_start_variance_minutes``;
* rest: two shifts on consecutive days of a band of width ``W`` are at least
  ``24 h − W − length`` apart, so a class is left out when that is below ``min_rest_hours``;
* availability: every start of the band fits the profile's window on every working day (and no
  working day is a day off or time off); weekends when the weekend cap is already reached;
* history, when the horizon goes week by week (:mod:`planner.roster.horizon`): the working days
  from the week's first day may not extend the previous week's streak past
  ``max_consecutive_days``, a shift on the first day starts ``min_rest_hours`` after the previous
  week's last shift (every start of the band), and the days off hold a run of
  ``consecutive_days_off`` on the real timeline (the days off carried in from the previous week
  count, a wrap from Sunday to the same week's Monday does not) — :class:`HistoryLimits`.

Simplification (documented in ``sample_inputs/README.md``): bands partition a template's start
times (non-overlapping bands of width ``max_start_variance_minutes``), and a tour keeps one template
(one length) all week.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np

from planner import shifts as shift_grid
from planner.people import Agent, Contract, DayWindow
from planner.shifts import TemplatePlan
from planner.types import Settings

WEEKEND_DAYS: frozenset[int] = frozenset({5, 6})


def longest_cyclic_run(flags: Sequence[bool], value: bool) -> int:
    """Longest run of ``value`` in ``flags`` read as a cycle (the week repeating), days.

    ``longest_cyclic_run([1,1,0,0,1,1,1], True)`` is 5 (Fri–Tue across the week boundary).
    """
    n = len(flags)
    if all(bool(f) == value for f in flags):
        return n
    best = run = 0
    for k in range(2 * n):
        run = run + 1 if bool(flags[k % n]) == value else 0
        best = max(best, min(run, n))
    return best


def week_patterns(contract: Contract) -> list[tuple[bool, ...]]:
    """Every Monday…Sunday working-day pattern the contract allows (days, days off, streaks).

    Returns
    -------
    list of tuple of bool
        Seven flags each (True = works that weekday), at least one working day.
    """
    patterns = []
    for mask in range(1, 128):
        flags = tuple(bool(mask >> d & 1) for d in range(7))
        days = sum(flags)
        if not contract.min_days_per_week <= days <= contract.max_days_per_week:
            continue
        if contract.consecutive_days_off and longest_cyclic_run(flags, False) < contract.consecutive_days_off:
            continue
        if longest_cyclic_run(flags, True) > contract.max_consecutive_days:
            continue
        patterns.append(flags)
    return patterns


def start_bands(plan: TemplatePlan, width_minutes: int) -> list[tuple[int, ...]]:
    """The template's start times (minutes after the window's midnight) cut into bands.

    Consecutive, non-overlapping bands, each spanning at most ``width_minutes`` from its first
    start to its last.
    """
    minutes = shift_grid.start_minutes(plan.template)
    bands: list[tuple[int, ...]] = []
    current: list[int] = []
    for m in minutes:
        if current and m - current[0] > width_minutes:
            bands.append(tuple(current))
            current = []
        current.append(int(m))
    if current:
        bands.append(tuple(current))
    return bands


@dataclass(frozen=True)
class Profile:
    """People who are interchangeable for the tour model: one contract, one skill set, one
    availability over the horizon.

    Attributes
    ----------
    key : str
        Label, e.g. ``"full-time · voice+chat · all week"``.
    contract : Contract
    groups : tuple of str
        Staffing groups these people may work.
    windows : tuple of DayWindow or None
        Per horizon day, when they can work (None = off or time off).
    agents : tuple of str
        Agent ids (empty for an anonymous profile).
    cap : int or None
        People available (None = unlimited, anonymous without ``max_agents``).
    weekend_cap : int or None
        People of the profile who may still work a weekend (``max_weekends_per_4_weeks`` not yet
        reached by their recent weekends); None = all. Tours with weekend work are capped by it
        (:func:`planner.roster.model.add_headcount_caps`) — exact for the assignment, since the
        weekend tours are then the only other set Hall's condition can bind on.
    """

    key: str
    contract: Contract
    groups: tuple[str, ...]
    windows: tuple[DayWindow | None, ...]
    agents: tuple[str, ...]
    cap: int | None
    weekend_cap: int | None = None
    limits: HistoryLimits | None = None


@dataclass(frozen=True)
class CarriedHistory:
    """What one person's earlier weeks of a longer horizon leave for the next week.

    Attributes
    ----------
    work_streak_days : int
        Days worked in a row up to the previous week's last day, days (0 if it was a day off).
    off_streak_days : int
        Days off in a row up to the previous week's last day, days (0 if it was worked).
    last_shift_end : datetime or None
        End of the person's last shift so far (None = none in the horizon yet).
    weekends : tuple of bool
        Per earlier week of the horizon (oldest first), whether a weekend day was worked.
    late_shifts : int
        Late shifts worked so far in the horizon (as :data:`planner.roster.verify.LATE_END_MINUTE`).
    """

    work_streak_days: int = 0
    off_streak_days: int = 0
    last_shift_end: datetime | None = None
    weekends: tuple[bool, ...] = ()
    late_shifts: int = 0


@dataclass(frozen=True)
class HistoryLimits:
    """What a :class:`CarriedHistory` forbids in the next week, for one contract.

    Attributes
    ----------
    lead_cap_days : int
        Most working days in a row from the week's first day, days
        (``max_consecutive_days`` − the carried streak).
    first_day_earliest_minute : int
        Earliest start on the week's first day, minutes after its midnight (the previous shift's
        end + ``min_rest_hours``; 0 = no limit).
    off_days_carried : int
        Days off carried in from the previous week (counted towards ``consecutive_days_off``,
        capped at ``consecutive_days_off − 1``: more change nothing).
    """

    lead_cap_days: int = 7
    first_day_earliest_minute: int = 0
    off_days_carried: int = 0

    @property
    def binding(self) -> bool:
        """Whether these limits forbid anything a fresh week would allow."""
        return self.lead_cap_days < 7 or self.first_day_earliest_minute > 0

    def label(self) -> str:
        """In planner words, e.g. ``"worked the previous 3 days (max 5 in a row)"``."""
        parts = []
        if self.lead_cap_days < 7:
            parts.append(
                "must be off the first day"
                if self.lead_cap_days == 0
                else f"at most {self.lead_cap_days} day(s) in a row from the first day"
            )
        if self.first_day_earliest_minute > 0:
            minute = self.first_day_earliest_minute
            parts.append(f"rest: first day not before {minute // 60 % 24:02d}:{minute % 60:02d}")
        if self.off_days_carried:
            parts.append(f"{self.off_days_carried} day(s) off carried in")
        return ", ".join(parts) or "no limit"


def history_limits(history: CarriedHistory, contract: Contract, week_start: date) -> HistoryLimits:
    """The :class:`HistoryLimits` of ``history`` for a week starting on ``week_start``.

    Parameters
    ----------
    history : CarriedHistory
    contract : Contract
        ``max_consecutive_days``, ``min_rest_hours`` (h) and ``consecutive_days_off``.
    week_start : datetime.date
        First day of the week.
    """
    streak = history.work_streak_days
    lead = 7 if streak == 0 else max(contract.max_consecutive_days - streak, 0)
    earliest = 0
    if history.last_shift_end is not None:
        midnight = datetime(week_start.year, week_start.month, week_start.day)
        rested = history.last_shift_end + timedelta(hours=contract.min_rest_hours)
        earliest = max(math.ceil((rested - midnight).total_seconds() / 60 - 1e-9), 0)
    if earliest >= 1440:  # the rest runs past the first day: it is a day off
        lead, earliest = 0, 0
    return HistoryLimits(
        lead_cap_days=lead,
        first_day_earliest_minute=earliest,
        # k − 1 carried days off already make any week starting with a day off keep the run of k,
        # so more are the same limit (fewer profiles)
        off_days_carried=min(history.off_streak_days, max(contract.consecutive_days_off - 1, 0)),
    )


def history_allows(
    limits: HistoryLimits | None,
    contract: Contract,
    days: Sequence[int],
    horizon_days: int,
    first_start_minute: int | None,
) -> bool:
    """Whether a tour working ``days`` (0-based, of a ``horizon_days``-day week) keeps ``limits``.

    Parameters
    ----------
    limits : HistoryLimits or None
        None = no history (always allowed).
    contract : Contract
    days : horizon days worked.
    horizon_days : days of this week (7, or fewer for the last part of a longer horizon).
    first_start_minute : int or None
        Earliest start on the first day (minutes after its midnight) when day 0 is worked.
    """
    if limits is None:
        return True
    worked = set(days)
    lead = 0
    while lead < horizon_days and lead in worked:
        lead += 1
    if lead > limits.lead_cap_days:
        return False
    earliest = limits.first_day_earliest_minute
    if 0 in worked and first_start_minute is not None and first_start_minute < earliest:
        return False
    need = contract.consecutive_days_off
    if need and horizon_days >= 7:
        best, run = 0, limits.off_days_carried  # the carried run counts only if it goes on into the week
        for k in range(horizon_days):
            run = 0 if k in worked else run + 1
            best = max(best, run)
        if best < need:
            return False
    return True


def horizon_dates(settings: Settings) -> list[date]:
    return [settings.start_date + timedelta(days=k) for k in range(settings.days)]


def agent_profiles(
    agents: Sequence[Agent],
    contracts: Sequence[Contract],
    settings: Settings,
    history: Mapping[str, CarriedHistory] | None = None,
) -> list[Profile]:
    """Group named agents into :class:`Profile` s (same contract, skills, availability, weekend cap
    and — with ``history`` from the previous weeks — the same :class:`HistoryLimits`)."""
    by_name = {c.name: c for c in contracts}
    dates = horizon_dates(settings)
    buckets: dict[tuple, list[Agent]] = {}
    for agent in agents:
        windows = tuple(agent.window_on(d) for d in dates)
        limits = None
        if history is not None and agent.agent_id in history:
            limits = history_limits(history[agent.agent_id], by_name[agent.contract], settings.start_date)
        key = (agent.contract, tuple(sorted(agent.groups)), windows, limits)
        buckets.setdefault(key, []).append(agent)
    profiles = []
    for (contract_name, groups, windows, limits), members in buckets.items():
        contract = by_name[contract_name]
        weekend = sum(1 for a in members if weekend_allowed(a, contract))
        where = _windows_label(windows, dates) or "all week"
        if limits is not None and (limits.binding or limits.off_days_carried):
            where += f" · {limits.label()}"
        profiles.append(
            Profile(
                key=f"{contract_name} · {'+'.join(groups)} · {where}",
                contract=contract,
                groups=groups,
                windows=windows,
                agents=tuple(a.agent_id for a in members),
                cap=len(members),
                weekend_cap=None if weekend == len(members) else weekend,
                limits=limits,
            )
        )
    return profiles


def weekend_allowed(agent: Agent, contract: Contract) -> bool:
    """Whether the agent may work this weekend (``max_weekends_per_4_weeks`` with recent weekends)."""
    return (
        contract.max_weekends_per_4_weeks is None
        or agent.recent_weekends_worked < contract.max_weekends_per_4_weeks
    )


def _windows_label(windows: Sequence[DayWindow | None], dates: Sequence[date]) -> str:
    from planner.types import WEEKDAY_NAMES

    parts: dict[str, list[str]] = {}
    for window, day in zip(windows, dates, strict=True):
        if window is not None and window.earliest_start_minute == 0 and window.latest_end_minute >= 1440:
            continue
        text = "off" if window is None else window.label()
        parts.setdefault(text, []).append(WEEKDAY_NAMES[day.weekday()])
    return ", ".join(f"{'/'.join(days)} {text}" for text, days in parts.items())


def anonymous_profiles(
    contracts: Sequence[Contract], groups: Sequence[str], settings: Settings
) -> list[Profile]:
    """One profile per (contract, group), available all week, capped by ``max_agents``."""
    windows = tuple(DayWindow() for _ in range(settings.days))
    return [
        Profile(key=f"{c.name} · {g}", contract=c, groups=(g,), windows=windows, agents=(), cap=c.max_agents)
        for c in contracts
        for g in groups
    ]


@dataclass(frozen=True)
class TourClass:
    """One tour class of a group's model.

    Attributes
    ----------
    profile : int
        Index into the group's profiles.
    template : int
        Index into the group's template plans.
    band : int
        Index into that template's start bands.
    days : tuple of int
        Horizon days worked (0-based).
    paid_hours : float
        Paid hours of the tour over the horizon, h.
    """

    profile: int
    template: int
    band: int
    days: tuple[int, ...]
    paid_hours: float


def tour_classes(
    plans: Sequence[TemplatePlan],
    bands: Sequence[Sequence[tuple[int, ...]]],
    profiles: Sequence[Profile],
    settings: Settings,
    starts_on_day: Sequence[set[int]],
) -> list[TourClass]:
    """Every tour class that keeps its profile's contract and availability (module docstring).

    Parameters
    ----------
    plans : the group's template plans.
    bands : per template, its start bands (:func:`start_bands`).
    profiles : the people who may work the group.
    settings : Settings
        Horizon (``start_date``, ``days`` ≤ 7).
    starts_on_day : per template, the horizon days on which it has candidate starts.

    Returns
    -------
    list of TourClass
    """
    dates = horizon_dates(settings)
    weekdays = [d.weekday() for d in dates]
    classes: list[TourClass] = []
    for p, profile in enumerate(profiles):
        contract = profile.contract
        lengths = set(contract.shift_lengths_minutes)
        patterns = week_patterns(contract)
        for t, plan in enumerate(plans):
            if lengths and plan.template.length_minutes not in lengths:
                continue
            hours = plan.paid_hours
            length = plan.template.length_minutes
            projected: set[tuple[int, ...]] = set()
            for flags in patterns:
                if (
                    not contract.min_hours_per_week - 1e-9
                    <= sum(flags) * hours
                    <= contract.max_hours_per_week + 1e-9
                ):
                    continue
                days = tuple(k for k, w in enumerate(weekdays) if flags[w])
                if days:
                    projected.add(days)
            for b, band in enumerate(bands[t]):
                width = band[-1] - band[0]
                if 1440 - width - length < contract.min_rest_hours * 60 - 1e-9:
                    continue
                usable = set()
                for k, window in enumerate(profile.windows):
                    if window is None or k not in starts_on_day[t]:
                        continue
                    if profile.weekend_cap == 0 and weekdays[k] in WEEKEND_DAYS:
                        continue
                    if window.fits(band[0], band[-1] + length):
                        usable.add(k)
                for days in sorted(projected):
                    if set(days) <= usable and history_allows(
                        profile.limits, contract, days, settings.days, band[0]
                    ):
                        classes.append(TourClass(p, t, b, days, len(days) * hours))
    return classes


def band_of_start(bands: Sequence[tuple[int, ...]]) -> dict[int, int]:
    """Start minute → band index, for one template."""
    return {m: b for b, band in enumerate(bands) for m in band}


def start_minute(start: int, day: int, intervals_per_day: int, interval_minutes: int) -> int:
    """Minutes after the midnight of ``day`` (the day the start window opened) of start interval ``start``."""
    return int((start - day * intervals_per_day) * interval_minutes)


def days_with_starts(start_days: np.ndarray) -> set[int]:
    return {int(d) for d in np.unique(start_days)}
