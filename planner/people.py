"""The people who work the schedule: contracts and named agents (typed, validated inputs).

A :class:`Contract` holds the weekly rules a person's week must keep (paid hours, working days,
days off, consecutive days, rest, start-time consistency, allowed shift lengths); an
:class:`Agent` is one named person with a contract, the staffing groups they are skilled for,
their availability per weekday, dated time off and soft preferences. Both are frozen dataclasses
checked in ``__post_init__`` (every :class:`~planner.types.Problem` collected, one
:class:`~planner.types.InputError` raised), like the rest of :mod:`planner.types`; the cross
references (contract and group names) are checked by :func:`people_problems` with the scenario.

Time of day is minutes after midnight; weekdays Monday = 0 … Sunday = 6. Hours are paid hours
(shift length less unpaid breaks), h.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from planner.types import ALL_DAYS, WEEKDAY_NAMES, InputError, Problem

Preference = Literal["", "early", "late"]
PREFERENCES: tuple[Preference, ...] = ("", "early", "late")


def _problem(problems: list[Problem], field_name: str, message: str) -> None:
    problems.append(Problem(field_name, message))


def _whole(problems: list[Problem], field_name: str, value: object, low: int, high: int) -> bool:
    if isinstance(value, bool) or not isinstance(value, int):
        _problem(problems, field_name, f"must be a whole number {low}–{high}, got {value!r}")
        return False
    if not low <= value <= high:
        _problem(problems, field_name, f"must be between {low} and {high}, got {value}")
        return False
    return True


def _number(problems: list[Problem], field_name: str, value: object, low: float, high: float) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        _problem(problems, field_name, f"must be a number {low:g}–{high:g}, got {value!r}")
        return False
    if not low <= value <= high:
        _problem(problems, field_name, f"must be between {low:g} and {high:g}, got {value:g}")
        return False
    return True


@dataclass(frozen=True)
class Contract:
    """The weekly rules of one employment contract.

    Parameters
    ----------
    name : str
        Contract name, unique (e.g. ``"full-time 37.5h"``).
    min_hours_per_week, max_hours_per_week : float
        Paid hours of a week's tour, h (0 ≤ min ≤ max ≤ 80).
    min_days_per_week, max_days_per_week : int
        Working days of a week (0 ≤ min ≤ max ≤ 7).
    consecutive_days_off : int
        The week's days off must include a run of at least this many consecutive days (0–7;
        counted on the week as a cycle, so Sun + Mon is a run of two). 0 = no rule.
    max_consecutive_days : int
        Most working days in a row (1–7), counted on the week as a cycle — i.e. across the week
        boundary when the same week repeats.
    min_rest_hours : float
        Least rest between the end of one shift and the start of the next, h (0–24; default 11,
        the EU Working Time Directive 2003/88/EC art. 3 daily rest).
    max_start_variance_minutes : int
        Latest start minus earliest start (time of day) over the week, minutes (0–720).
    shift_lengths_minutes : tuple of int
        Shift lengths (minutes) this contract may work; empty = any template's length.
    max_weekends_per_4_weeks : int or None
        Most weekends with any work in 4 weeks (0–4), counting the agent's
        ``recent_weekends_worked``; None = no rule.
    max_agents : int or None
        Head-count limit per staffing group when the roster is anonymous (no ``Agents``); None
        = as many as the cover needs.
    """

    name: str
    min_hours_per_week: float
    max_hours_per_week: float
    min_days_per_week: int = 0
    max_days_per_week: int = 5
    consecutive_days_off: int = 2
    max_consecutive_days: int = 5
    min_rest_hours: float = 11.0
    max_start_variance_minutes: int = 60
    shift_lengths_minutes: tuple[int, ...] = ()
    max_weekends_per_4_weeks: int | None = None
    max_agents: int | None = None

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        if not isinstance(self.name, str) or not self.name.strip():
            _problem(problems, "name", f"must be a non-empty name, got {self.name!r}")
        low_ok = _number(problems, "min_hours_per_week", self.min_hours_per_week, 0, 80)
        high_ok = _number(problems, "max_hours_per_week", self.max_hours_per_week, 0, 80)
        if low_ok and high_ok and self.min_hours_per_week > self.max_hours_per_week:
            _problem(
                problems,
                "min_hours_per_week",
                f"must be ≤ max_hours_per_week ({self.max_hours_per_week:g}), got "
                f"{self.min_hours_per_week:g}",
            )
        low_ok = _whole(problems, "min_days_per_week", self.min_days_per_week, 0, 7)
        high_ok = _whole(problems, "max_days_per_week", self.max_days_per_week, 1, 7)
        if low_ok and high_ok and self.min_days_per_week > self.max_days_per_week:
            _problem(
                problems,
                "min_days_per_week",
                f"must be ≤ max_days_per_week ({self.max_days_per_week}), got {self.min_days_per_week}",
            )
        _whole(problems, "consecutive_days_off", self.consecutive_days_off, 0, 7)
        _whole(problems, "max_consecutive_days", self.max_consecutive_days, 1, 7)
        _number(problems, "min_rest_hours", self.min_rest_hours, 0, 24)
        _whole(problems, "max_start_variance_minutes", self.max_start_variance_minutes, 0, 720)
        lengths = self.shift_lengths_minutes
        if not isinstance(lengths, tuple) or any(
            isinstance(v, bool) or not isinstance(v, int) or not 0 < v <= 960 for v in lengths
        ):
            _problem(
                problems,
                "shift_lengths_minutes",
                f"must be shift lengths in whole minutes 1–960, got {lengths!r}",
            )
        if self.max_weekends_per_4_weeks is not None:
            _whole(problems, "max_weekends_per_4_weeks", self.max_weekends_per_4_weeks, 0, 4)
        if self.max_agents is not None:
            _whole(problems, "max_agents", self.max_agents, 0, 100_000)
        if problems:
            raise InputError(problems)


@dataclass(frozen=True)
class DayWindow:
    """When an agent can work on one weekday: shifts start at or after ``earliest_start_minute``
    and end at or before ``latest_end_minute`` (minutes after that day's midnight; up to 2880, the
    next day's midnight, for overnight work)."""

    earliest_start_minute: int = 0
    latest_end_minute: int = 2880

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        ok = _whole(problems, "earliest_start_minute", self.earliest_start_minute, 0, 1439)
        ok = _whole(problems, "latest_end_minute", self.latest_end_minute, 1, 2880) and ok
        if ok and self.latest_end_minute <= self.earliest_start_minute:
            _problem(
                problems,
                "latest_end_minute",
                f"must be after the earliest start ({self.earliest_start_minute} min), got "
                f"{self.latest_end_minute}",
            )
        if problems:
            raise InputError(problems)

    def fits(self, start_minute: int, end_minute: int) -> bool:
        """Whether a shift from ``start_minute`` to ``end_minute`` (minutes after the day's
        midnight) lies inside the window."""
        return self.earliest_start_minute <= start_minute and end_minute <= self.latest_end_minute

    def label(self) -> str:
        def clock(minute: int) -> str:
            return f"{minute // 60 % 24:02d}:{minute % 60:02d}"

        return f"{clock(self.earliest_start_minute)}–{clock(self.latest_end_minute)}"


FULL_DAY = DayWindow()
"""Available all day."""


@dataclass(frozen=True)
class Agent:
    """One named person.

    Parameters
    ----------
    agent_id : str
        Stable identifier (e.g. an employee number), unique; the ``agent`` of every export.
    name : str
        Display name.
    contract : str
        Name of the agent's :class:`Contract`.
    groups : tuple of str
        Staffing groups the agent is skilled for (at least one). An agent works one group per
        week (see :mod:`planner.roster`).
    availability : tuple of DayWindow or None
        Seven entries, Monday … Sunday: the window the agent can work that day, or None (off).
    time_off : tuple of datetime.date
        Dated days off (holiday, training) — no shift starts on them.
    preferred_days_off : frozenset of int
        Weekdays the agent would rather not work (soft).
    prefers : {"", "early", "late"}
        Soft preference for early or late shifts (soft).
    recent_weekends_worked : int
        Weekends with work in the 3 weeks before the horizon (0–3): carried history for
        ``max_weekends_per_4_weeks`` and for the weekend fairness term.
    """

    agent_id: str
    name: str
    contract: str
    groups: tuple[str, ...]
    availability: tuple[DayWindow | None, ...] = (FULL_DAY,) * 7
    time_off: tuple[date, ...] = ()
    preferred_days_off: frozenset[int] = frozenset()
    prefers: Preference = ""
    recent_weekends_worked: int = 0

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        for name in ("agent_id", "name", "contract"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                _problem(problems, name, f"must be a non-empty text, got {value!r}")
        if (
            not isinstance(self.groups, tuple)
            or not self.groups
            or any(not isinstance(g, str) or not g.strip() for g in self.groups)
        ):
            _problem(problems, "groups", f"must list at least one staffing group, got {self.groups!r}")
        elif len(set(self.groups)) != len(self.groups):
            _problem(problems, "groups", f"lists a group twice: {list(self.groups)}")
        if (
            not isinstance(self.availability, tuple)
            or len(self.availability) != 7
            or any(w is not None and not isinstance(w, DayWindow) for w in self.availability)
        ):
            _problem(problems, "availability", "must be 7 day windows (Mon … Sun) or off")
        elif all(w is None for w in self.availability):
            _problem(problems, "availability", "is off on every weekday; give at least one day")
        if any(not isinstance(d, date) for d in self.time_off):
            _problem(problems, "time_off", f"must be dates (YYYY-MM-DD), got {self.time_off!r}")
        if not set(self.preferred_days_off) <= ALL_DAYS:
            _problem(
                problems,
                "preferred_days_off",
                f"must be weekdays 0 (Mon) … 6 (Sun), got {sorted(self.preferred_days_off)}",
            )
        if self.prefers not in PREFERENCES:
            _problem(problems, "prefers", f"must be empty, 'early' or 'late', got {self.prefers!r}")
        _whole(problems, "recent_weekends_worked", self.recent_weekends_worked, 0, 3)
        if problems:
            raise InputError(problems)

    def window_on(self, day: date) -> DayWindow | None:
        """The agent's window on a date (None when off that weekday or on time off)."""
        if day in self.time_off:
            return None
        return self.availability[day.weekday()]


def people_problems(
    contracts: Iterable[Contract], agents: Iterable[Agent], group_names: Iterable[str]
) -> list[Problem]:
    """Cross-references of contracts and agents: unique names and ids, known contract and groups.

    Each problem's field is ``contract``, ``groups``, ``name`` or ``agent_id``; the message names
    the agent or contract and what is allowed.
    """
    problems: list[Problem] = []
    contracts = tuple(contracts)
    known_groups = sorted(set(group_names))
    names = [c.name for c in contracts]
    for name in sorted({n for n in names if names.count(n) > 1}):
        _problem(problems, "name", f"contract {name!r} is defined twice")
    seen: set[str] = set()
    for agent in agents:
        if agent.agent_id in seen:
            _problem(problems, "agent_id", f"agent id {agent.agent_id!r} is used twice")
        seen.add(agent.agent_id)
        if agent.contract not in names:
            _problem(
                problems,
                "contract",
                f"agent {agent.agent_id!r}: unknown contract {agent.contract!r}; known: {sorted(names)}",
            )
        unknown = [g for g in agent.groups if g not in known_groups]
        if unknown:
            _problem(
                problems,
                "groups",
                f"agent {agent.agent_id!r}: unknown staffing group(s) {unknown}; known: {known_groups}",
            )
    if seen and not contracts:
        _problem(problems, "contract", "agents are given but no contracts; add a Contracts sheet")
    return problems


def weekday_label(days: Iterable[int]) -> str:
    """``"Sat, Sun"`` for ``{5, 6}``."""
    return ", ".join(WEEKDAY_NAMES[d] for d in sorted(days))
