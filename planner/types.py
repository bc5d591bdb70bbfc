"""Typed, validated inputs of a planning scenario.

Every configuration object here is a frozen dataclass whose ``__post_init__`` is the *one place*
where its fields are checked. A check never stops at the first problem: it collects every
:class:`Problem` and raises one :class:`InputError`. The Excel reader maps each problem's
``field`` to the cell it came from (``Channels!D4``); the web layer maps the error to HTTP 400.

Units are in the field names (``aht_seconds``, ``interval_minutes``, ``cost_per_hour``).
Time of day is kept as minutes after midnight (``0 ≤ minute ≤ 1440``); weekdays as integers,
Monday = 0 … Sunday = 6 (Python's :meth:`datetime.date.weekday`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, TypeVar

import pandas as pd

ChannelKind = Literal["voice", "chat", "email"]
CHANNEL_KINDS: tuple[ChannelKind, ...] = ("voice", "chat", "email")
ServiceLevelDefinition = Literal["offered", "answered"]
SolverName = Literal["highs", "cbc"]
WEEKDAY_NAMES: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
ALL_DAYS: frozenset[int] = frozenset(range(7))
ALLOWED_INTERVAL_MINUTES: tuple[int, ...] = (15, 30, 60)
MAX_DURATION_SECONDS: float = 86_400.0
"""Longest handle time, answer threshold, ASA cap or patience accepted, seconds (one day)."""
MAX_RESPONSE_HOURS: float = 8_760.0
"""Longest e-mail response time accepted, hours (a year)."""
MAX_AHT_MULTIPLIER: float = 10.0
"""Largest handle-time multiplier of a segment or an escalation."""
MAX_MONEY_PER_UNIT: float = 1_000_000.0
"""Largest cost per hour, per attempt or penalty per agent-hour accepted (keeps the MIP numerically sane)."""
MAX_CONTACTS_PER_INTERVAL: float = 1_000_000.0
"""Most contacts accepted in one forecast cell (one interval, channel and segment)."""
_T = TypeVar("_T")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input.

    Parameters
    ----------
    field : str
        The field (dataclass attribute or column name) that is wrong, e.g. ``"aht_seconds"``.
    message : str
        What is wrong and what is allowed, e.g. ``"must be > 0, got -3"``.
    location : str
        Where it came from, e.g. ``"Channels!D4"``; empty when not known (filled by the reader).
    """

    field: str
    message: str
    location: str = ""

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{where}{self.field} {self.message}"


class InputError(ValueError):
    """One or more problems in the inputs; ``problems`` lists every one of them."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("; ".join(str(p) for p in self.problems) or "invalid input")


class _Checker:
    """Collects problems for one object; raises them together."""

    def __init__(self, owner: str) -> None:
        self.owner = owner
        self.problems: list[Problem] = []

    def add(self, field_name: str, message: str) -> None:
        self.problems.append(Problem(field_name, message))

    def finite(self, field_name: str, value: float | None) -> bool:
        if value is None:
            return False
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.add(field_name, f"must be a number, got {value!r}")
            return False
        if not math.isfinite(value):
            self.add(field_name, f"must be a finite number, got {value!r}")
            return False
        return True

    def positive(self, field_name: str, value: float | None, *, optional: bool = False) -> None:
        if value is None:
            if not optional:
                self.add(field_name, "is required (a number > 0)")
            return
        if self.finite(field_name, value) and value <= 0:
            self.add(field_name, f"must be > 0, got {value:g}")

    def non_negative(self, field_name: str, value: float | None, *, optional: bool = False) -> None:
        if value is None:
            if not optional:
                self.add(field_name, "is required (a number ≥ 0)")
            return
        if self.finite(field_name, value) and value < 0:
            self.add(field_name, f"must be ≥ 0, got {value:g}")

    def at_most(self, field_name: str, value: float | None, top: float, unit: str) -> None:
        """An upper bound that keeps the queueing math meaningful (e.g. a handle time ≤ one day)."""
        if value is not None and isinstance(value, int | float) and not isinstance(value, bool) \
                and math.isfinite(value) and value > top:
            self.add(field_name, f"must be ≤ {top:,.0f} {unit}, got {value:g}")

    def share(
        self,
        field_name: str,
        value: float | None,
        *,
        optional: bool = False,
        open_low: bool = False,
        open_high: bool = False,
    ) -> None:
        """A fraction in [0, 1] (bounds optionally open)."""
        if value is None:
            if not optional:
                self.add(field_name, "is required (a share between 0 and 1)")
            return
        if not self.finite(field_name, value):
            return
        low_ok = value > 0 if open_low else value >= 0
        high_ok = value < 1 if open_high else value <= 1
        if not (low_ok and high_ok):
            lo = "(0" if open_low else "[0"
            hi = "1)" if open_high else "1]"
            self.add(field_name, f"must be in {lo}, {hi} (a share, e.g. 0.8 for 80%), got {value:g}")

    def minute_of_day(self, field_name: str, value: int, *, allow_end: bool = True) -> None:
        top = 1440 if allow_end else 1439
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(field_name, f"must be whole minutes after midnight, got {value!r}")
        elif not 0 <= value <= top:
            self.add(field_name, f"must be between 0 and {top} minutes after midnight, got {value}")

    def name(self, field_name: str, value: str) -> None:
        if not isinstance(value, str) or not value.strip():
            self.add(field_name, f"must be a non-empty name, got {value!r}")

    def days(self, field_name: str, value: frozenset[int]) -> None:
        if not value or not set(value) <= ALL_DAYS:
            self.add(field_name, f"must be weekdays 0 (Mon) … 6 (Sun), at least one, got {sorted(value)}")

    def raise_if_any(self) -> None:
        if self.problems:
            raise InputError(self.problems)


@dataclass(frozen=True)
class Channel:
    """A contact channel and its service target.

    Parameters
    ----------
    name : str
        Channel name, unique in the scenario (e.g. ``"voice"``).
    kind : {"voice", "chat", "email"}
        ``voice`` is an immediate queue (Erlang C, or Erlang A with ``patience_seconds``);
        ``chat`` is an immediate queue where an agent holds up to ``concurrency`` sessions;
        ``email`` is deferred work cleared within ``response_hours``.
    aht_seconds : float
        Default average handle time of one contact, seconds (> 0). For chat: of one session when
        the agent handles it alone.
    service_level : float or None
        Target share of contacts answered within ``answer_seconds`` (0–1). Voice/chat.
    answer_seconds : float or None
        Threshold of the service-level target, seconds (≥ 0).
    max_asa_seconds : float or None
        Optional cap on average speed of answer, seconds.
    max_abandon : float or None
        Optional cap on the abandonment probability (needs ``patience_seconds``).
    patience_seconds : float or None
        Mean customer patience, seconds; switches voice/chat to Erlang A (M/M/n+M).
    max_occupancy : float
        Well-being cap on occupancy, (0, 1]; required agents ≥ load / max_occupancy.
    concurrency : int
        Chat only: the most sessions one agent holds at once (1–10).
    response_hours : float or None
        Email only: every contact is handled within this many hours of arrival (> 0).
    shrinkage : float
        Share of paid time lost to everything *not* modelled as scheduled breaks (absence,
        training, coaching, meetings), [0, 1). Scheduled = net / (1 − shrinkage). Breaks and
        lunches are placed by the scheduler and are not part of this factor.
    open_minute, close_minute : int
        Opening hours as minutes after midnight; ``close_minute`` may be 1440. When
        ``close_minute <= open_minute`` the channel is open overnight (e.g. 22:00–06:00).
        ``0`` and ``1440`` mean 24 h.
    open_days : frozenset[int]
        Weekdays the channel opens on (Mon = 0).
    service_level_definition : {"offered", "answered"}
        With abandonment: SL counted over all offered contacts or over answered contacts only.
    """

    name: str
    kind: ChannelKind
    aht_seconds: float
    service_level: float | None = 0.8
    answer_seconds: float | None = 20.0
    max_asa_seconds: float | None = None
    max_abandon: float | None = None
    patience_seconds: float | None = None
    max_occupancy: float = 0.85
    concurrency: int = 1
    response_hours: float | None = None
    shrinkage: float = 0.3
    open_minute: int = 0
    close_minute: int = 1440
    open_days: frozenset[int] = ALL_DAYS
    service_level_definition: ServiceLevelDefinition = "offered"

    def __post_init__(self) -> None:
        check = _Checker("Channel")
        check.name("name", self.name)
        if self.kind not in CHANNEL_KINDS:
            check.add("kind", f"must be one of {', '.join(CHANNEL_KINDS)}, got {self.kind!r}")
        check.positive("aht_seconds", self.aht_seconds)
        check.at_most("aht_seconds", self.aht_seconds, MAX_DURATION_SECONDS, "seconds (one day)")
        check.share("max_occupancy", self.max_occupancy, open_low=True)
        check.share("shrinkage", self.shrinkage, open_high=True)
        check.minute_of_day("open_minute", self.open_minute)
        check.minute_of_day("close_minute", self.close_minute)
        check.days("open_days", self.open_days)
        if self.service_level_definition not in ("offered", "answered"):
            check.add(
                "service_level_definition",
                f"must be 'offered' or 'answered', got {self.service_level_definition!r}",
            )
        if self.kind == "email":
            check.positive("response_hours", self.response_hours)
            check.at_most("response_hours", self.response_hours, MAX_RESPONSE_HOURS, "hours (a year)")
        else:
            check.share("service_level", self.service_level, optional=True, open_low=True,
                        open_high=True)
            check.non_negative("answer_seconds", self.answer_seconds, optional=True)
            check.positive("max_asa_seconds", self.max_asa_seconds, optional=True)
            check.positive("patience_seconds", self.patience_seconds, optional=True)
            check.share("max_abandon", self.max_abandon, optional=True, open_low=True,
                        open_high=True)
            for field_name in ("answer_seconds", "max_asa_seconds", "patience_seconds"):
                check.at_most(field_name, getattr(self, field_name), MAX_DURATION_SECONDS,
                              "seconds (one day)")
            if (self.service_level is None) != (self.answer_seconds is None):
                check.add("answer_seconds",
                          "and service_level go together: give both or neither")
            if self.max_abandon is not None and self.patience_seconds is None:
                check.add("max_abandon", "needs patience_seconds (abandonment needs a patience)")
            if (self.service_level is None and self.max_asa_seconds is None
                    and self.max_abandon is None):
                check.add("service_level",
                          "is required: give a service level + answer seconds, a max ASA, "
                          "or a max abandonment")
        if isinstance(self.concurrency, bool) or not isinstance(self.concurrency, int):
            check.add("concurrency", f"must be a whole number 1–10, got {self.concurrency!r}")
        elif not 1 <= self.concurrency <= 10:
            check.add("concurrency", f"must be between 1 and 10, got {self.concurrency}")
        elif self.kind != "chat" and self.concurrency != 1:
            check.add("concurrency", f"must be 1 for a {self.kind} channel, got {self.concurrency}")
        check.raise_if_any()

    @property
    def open_24h(self) -> bool:
        """True when the channel never closes on its open days."""
        return (self.open_minute % 1440) == (self.close_minute % 1440)


@dataclass(frozen=True)
class Segment:
    """A customer segment (e.g. tech, healthcare or retail workers).

    Parameters
    ----------
    name : str
        Segment name, unique in the scenario.
    prefers_human_share : float
        Share of this segment's customers who prefer a person over self-service, [0, 1].
    max_self_service_share : float
        Cap on the share of this segment's contacts that may be routed to self-service first,
        [0, 1). Below 1 so a human always stays reachable.
    aht_multiplier : float
        Handle time of this segment relative to the channel's default (> 0).
    """

    name: str
    prefers_human_share: float
    max_self_service_share: float
    aht_multiplier: float = 1.0

    def __post_init__(self) -> None:
        check = _Checker("Segment")
        check.name("name", self.name)
        check.share("prefers_human_share", self.prefers_human_share)
        check.share("max_self_service_share", self.max_self_service_share, open_high=True)
        check.positive("aht_multiplier", self.aht_multiplier)
        check.at_most("aht_multiplier", self.aht_multiplier, MAX_AHT_MULTIPLIER, "times the channel's AHT")
        check.raise_if_any()


@dataclass(frozen=True)
class Deflection:
    """Self-service for one (segment, channel) pair.

    Parameters
    ----------
    segment, channel : str
        The pair this applies to.
    self_service_share : float
        Share of the pair's forecast contacts that start in self-service, [0, 1]; at most the
        segment's ``max_self_service_share``.
    containment_rate : float
        Share of self-service attempts resolved without a person, [0, 1].
    escalation_channel : str
        The live channel that escalated attempts reach (may be the original channel).
    escalation_aht_multiplier : float
        Handle time of an escalated contact relative to a direct one (≥ 1 typically: residual
        contacts are the harder ones), > 0.
    automation_cost_per_attempt : float
        Cost of one self-service attempt, currency units (≥ 0).
    """

    segment: str
    channel: str
    self_service_share: float
    containment_rate: float
    escalation_channel: str
    escalation_aht_multiplier: float = 1.2
    automation_cost_per_attempt: float = 0.5

    def __post_init__(self) -> None:
        check = _Checker("Deflection")
        check.name("segment", self.segment)
        check.name("channel", self.channel)
        check.name("escalation_channel", self.escalation_channel)
        check.share("self_service_share", self.self_service_share)
        check.share("containment_rate", self.containment_rate)
        check.positive("escalation_aht_multiplier", self.escalation_aht_multiplier)
        check.at_most("escalation_aht_multiplier", self.escalation_aht_multiplier, MAX_AHT_MULTIPLIER,
                      "times the channel's AHT")
        check.non_negative("automation_cost_per_attempt", self.automation_cost_per_attempt)
        check.at_most("automation_cost_per_attempt", self.automation_cost_per_attempt, MAX_MONEY_PER_UNIT,
                      "per attempt")
        check.raise_if_any()


@dataclass(frozen=True)
class StaffingGroup:
    """A team that serves some (channel, segment) pairs of one channel.

    Parameters
    ----------
    name : str
        Group name, unique (e.g. ``"voice"``, ``"voice-healthcare"``).
    channel : str
        The one channel this team answers.
    segments : tuple of str
        The segments it serves on that channel. Every (channel, segment) pair with demand is
        served by exactly one group.
    """

    name: str
    channel: str
    segments: tuple[str, ...]

    def __post_init__(self) -> None:
        check = _Checker("StaffingGroup")
        check.name("name", self.name)
        check.name("channel", self.channel)
        if not self.segments:
            check.add("segments", "must list at least one segment")
        elif len(set(self.segments)) != len(self.segments):
            check.add("segments", f"lists a segment twice: {list(self.segments)}")
        check.raise_if_any()


@dataclass(frozen=True)
class ShiftTemplate:
    """A kind of shift that agents of one staffing group may work.

    Parameters
    ----------
    name : str
        Template name, unique (e.g. ``"voice 8h"``).
    group : str
        Staffing group whose agents work it.
    length_minutes : int
        Shift length from start to end, minutes, multiple of the interval (> 0, ≤ 16 h).
    earliest_start_minute, latest_start_minute : int
        Allowed start times, minutes after midnight. ``latest < earliest`` wraps past midnight.
        A shift may end after midnight (overnight); it then covers the next day's first intervals.
    start_step_minutes : int
        Start times every this many minutes (multiple of the interval).
    days : frozenset[int]
        Weekdays on which a shift may *start* (Mon = 0).
    cost_per_hour : float
        Labour cost per paid hour, currency units (≥ 0). Unpaid break time is not paid.
    min_agents_per_day, max_agents_per_day : int or None
        Bounds on the number of shifts of this template starting on one day.
    max_agents_per_start : int or None
        Cap on shifts of this template starting at one time.
    max_work_stretch_minutes : int or None
        Well-being: the longest stretch of work without a break, minutes (hard when given).
    min_break_gap_minutes : int
        Well-being: the least time between the end of one break and the start of the next.
    """

    name: str
    group: str
    length_minutes: int
    earliest_start_minute: int = 0
    latest_start_minute: int = 1440 - 15
    start_step_minutes: int = 15
    days: frozenset[int] = ALL_DAYS
    cost_per_hour: float = 25.0
    min_agents_per_day: int | None = None
    max_agents_per_day: int | None = None
    max_agents_per_start: int | None = None
    max_work_stretch_minutes: int | None = None
    min_break_gap_minutes: int = 0

    def __post_init__(self) -> None:
        check = _Checker("ShiftTemplate")
        check.name("name", self.name)
        check.name("group", self.group)
        for name in ("length_minutes", "start_step_minutes"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                check.add(name, f"must be a whole number of minutes > 0, got {value!r}")
        if isinstance(self.length_minutes, int) and self.length_minutes > 16 * 60:
            check.add("length_minutes", f"must be ≤ 960 (16 h), got {self.length_minutes}")
        check.minute_of_day("earliest_start_minute", self.earliest_start_minute, allow_end=False)
        check.minute_of_day("latest_start_minute", self.latest_start_minute, allow_end=False)
        check.days("days", self.days)
        check.non_negative("cost_per_hour", self.cost_per_hour)
        check.at_most("cost_per_hour", self.cost_per_hour, MAX_MONEY_PER_UNIT, "per hour")
        for name in ("min_agents_per_day", "max_agents_per_day", "max_agents_per_start"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                      or value < 0):
                check.add(name, f"must be a whole number ≥ 0 or empty, got {value!r}")
        if (isinstance(self.min_agents_per_day, int) and isinstance(self.max_agents_per_day, int)
                and self.min_agents_per_day > self.max_agents_per_day):
            check.add("min_agents_per_day",
                      f"must be ≤ max_agents_per_day ({self.max_agents_per_day}), "
                      f"got {self.min_agents_per_day}")
        if self.max_work_stretch_minutes is not None and (
                not isinstance(self.max_work_stretch_minutes, int)
                or self.max_work_stretch_minutes <= 0):
            check.add("max_work_stretch_minutes",
                      f"must be whole minutes > 0 or empty, got {self.max_work_stretch_minutes!r}")
        if not isinstance(self.min_break_gap_minutes, int) or self.min_break_gap_minutes < 0:
            check.add("min_break_gap_minutes",
                      f"must be whole minutes ≥ 0, got {self.min_break_gap_minutes!r}")
        check.raise_if_any()


@dataclass(frozen=True)
class BreakRule:
    """One break activity every shift of a template takes.

    Parameters
    ----------
    template : str
        The shift template this break belongs to.
    activity : str
        Activity code, e.g. ``"BREAK1"``, ``"LUNCH"``; unique within the template.
    duration_minutes : int
        Length of the break, minutes, multiple of the interval (> 0).
    earliest_start_offset_minutes, latest_start_offset_minutes : int
        Window for the break's *start*, minutes after the shift start. The break floats over
        every interval step inside the window.
    paid : bool
        Whether break time is paid (a 15-min rest break usually is; lunch usually not).
    hard : bool
        A hard break must be taken. A soft one may be skipped at ``skip_penalty`` per shift.
    skip_penalty : float
        Cost of skipping a soft break once, currency units (≥ 0).
    """

    template: str
    activity: str
    duration_minutes: int
    earliest_start_offset_minutes: int
    latest_start_offset_minutes: int
    paid: bool = True
    hard: bool = True
    skip_penalty: float = 0.0

    def __post_init__(self) -> None:
        check = _Checker("BreakRule")
        check.name("template", self.template)
        check.name("activity", self.activity)
        if (isinstance(self.duration_minutes, bool) or not isinstance(self.duration_minutes, int)
                or self.duration_minutes <= 0):
            check.add("duration_minutes",
                      f"must be a whole number of minutes > 0, got {self.duration_minutes!r}")
        for name in ("earliest_start_offset_minutes", "latest_start_offset_minutes"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                check.add(name, f"must be whole minutes ≥ 0 after the shift start, got {value!r}")
        if (isinstance(self.earliest_start_offset_minutes, int)
                and isinstance(self.latest_start_offset_minutes, int)
                and self.earliest_start_offset_minutes > self.latest_start_offset_minutes):
            check.add("latest_start_offset_minutes",
                      f"must be ≥ earliest_start_offset_minutes "
                      f"({self.earliest_start_offset_minutes}), "
                      f"got {self.latest_start_offset_minutes}")
        check.non_negative("skip_penalty", self.skip_penalty)
        check.raise_if_any()


@dataclass(frozen=True)
class Settings:
    """Scenario-wide settings.

    Parameters
    ----------
    start_date : datetime.date
        First day of the horizon (interval starts are local times on this date and after).
    days : int
        Number of days planned (1–366).
    interval_minutes : int
        Interval length: 15, 30 or 60.
    timezone : str
        IANA zone name of the interval times (for exports), e.g. ``"Europe/London"``.
    solver : {"highs", "cbc"}
        MILP backend.
    solver_time_limit_seconds : float
        Wall-clock limit of the solver over the whole schedule, all staffing groups together (> 0);
        each group gets a fair share of what the groups before it left unused.
    solver_gap : float
        Relative optimality gap at which the solver may stop, [0, 1).
    solver_threads : int
        Threads the solver may use (≥ 1).
    shortfall_penalty_per_agent_hour : float
        Objective cost of one agent-hour of requirement not covered (≫ labour cost).
    overstaff_penalty_per_agent_hour : float
        Small objective cost of one agent-hour above the requirement (≥ 0).
    currency : str
        Display currency code.
    """

    start_date: date
    days: int = 7
    interval_minutes: int = 15
    timezone: str = "UTC"
    solver: SolverName = "highs"
    solver_time_limit_seconds: float = 60.0
    solver_gap: float = 0.01
    solver_threads: int = 1
    shortfall_penalty_per_agent_hour: float = 200.0
    overstaff_penalty_per_agent_hour: float = 0.5
    currency: str = "USD"

    def __post_init__(self) -> None:
        check = _Checker("Settings")
        if not isinstance(self.start_date, date):
            check.add("start_date", f"must be a date (YYYY-MM-DD), got {self.start_date!r}")
        if isinstance(self.days, bool) or not isinstance(self.days, int) or not 1 <= self.days <= 366:
            check.add("days", f"must be a whole number of days 1–366, got {self.days!r}")
        if self.interval_minutes not in ALLOWED_INTERVAL_MINUTES:
            check.add("interval_minutes", f"must be 15, 30 or 60, got {self.interval_minutes!r}")
        if self.solver not in ("highs", "cbc"):
            check.add("solver", f"must be 'highs' or 'cbc', got {self.solver!r}")
        check.positive("solver_time_limit_seconds", self.solver_time_limit_seconds)
        check.at_most("solver_time_limit_seconds", self.solver_time_limit_seconds, MAX_DURATION_SECONDS,
                      "seconds (one day)")
        check.share("solver_gap", self.solver_gap, open_high=True)
        if (isinstance(self.solver_threads, bool) or not isinstance(self.solver_threads, int)
                or self.solver_threads < 1):
            check.add("solver_threads", f"must be a whole number ≥ 1, got {self.solver_threads!r}")
        check.non_negative("shortfall_penalty_per_agent_hour", self.shortfall_penalty_per_agent_hour)
        check.non_negative("overstaff_penalty_per_agent_hour", self.overstaff_penalty_per_agent_hour)
        for field_name in ("shortfall_penalty_per_agent_hour", "overstaff_penalty_per_agent_hour"):
            check.at_most(field_name, getattr(self, field_name), MAX_MONEY_PER_UNIT, "per agent-hour")
        check.raise_if_any()

    @property
    def intervals_per_day(self) -> int:
        return 1440 // self.interval_minutes

    @property
    def interval_count(self) -> int:
        return self.days * self.intervals_per_day

    def interval_starts(self) -> pd.DatetimeIndex:
        """The horizon's interval starts (naive local times), ``interval_count`` of them."""
        return pd.date_range(pd.Timestamp(self.start_date), periods=self.interval_count,
                             freq=f"{self.interval_minutes}min")


@dataclass(frozen=True)
class MixSettings:
    """Inputs of the human/automation mix recommendation.

    Parameters
    ----------
    experience_cost_per_unwanted_contact : float
        Price a planner puts on one contact routed to self-service against the customer's
        preference for a person, currency units (≥ 0); weighted by the segment's
        ``prefers_human_share``.
    grid_step : float
        Step of the candidate self-service shares, (0, 0.5].
    budget : float or None
        Optional cap on total cost (labour + automation) over the horizon.
    min_service_level : float or None
        Optional floor on the predicted service level of every live group.
    max_escalation_rate : float or None
        Optional cap on escalations / attempts per pair.
    min_human_share : float or None
        Optional floor on the share of each segment's contacts that go straight to a person.
    """

    experience_cost_per_unwanted_contact: float = 2.0
    grid_step: float = 0.05
    budget: float | None = None
    min_service_level: float | None = None
    max_escalation_rate: float | None = None
    min_human_share: float | None = None

    def __post_init__(self) -> None:
        check = _Checker("MixSettings")
        check.non_negative("experience_cost_per_unwanted_contact",
                           self.experience_cost_per_unwanted_contact)
        if check.finite("grid_step", self.grid_step) and not 0 < self.grid_step <= 0.5:
            check.add("grid_step", f"must be in (0, 0.5], got {self.grid_step:g}")
        check.positive("budget", self.budget, optional=True)
        check.share("min_service_level", self.min_service_level, optional=True)
        check.share("max_escalation_rate", self.max_escalation_rate, optional=True)
        check.share("min_human_share", self.min_human_share, optional=True)
        check.raise_if_any()


FORECAST_COLUMNS: tuple[str, ...] = ("interval_start", "channel", "segment", "contacts",
                                     "aht_seconds")
"""Columns of ``Scenario.forecast``: interval start (naive local ``Timestamp``), channel name,
segment name, forecast contacts in that interval (≥ 0, before any deflection), and an optional
AHT in seconds (NaN = channel default × segment multiplier)."""

SHRINKAGE_COLUMNS: tuple[str, ...] = ("interval_start", "channel", "shrinkage")
"""Columns of ``Scenario.shrinkage_by_interval``: overrides the channel's scalar shrinkage."""


def default_staffing_groups(channels: Iterable[Channel],
                            segments: Iterable[Segment]) -> tuple[StaffingGroup, ...]:
    """One team per channel pooling every segment (the default when none are given)."""
    segment_names = tuple(s.name for s in segments)
    return tuple(StaffingGroup(name=c.name, channel=c.name, segments=segment_names)
                 for c in channels)


@dataclass(frozen=True, eq=False)
class Scenario:
    """Everything one plan is computed from; cross-references validated here.

    ``forecast`` has :data:`FORECAST_COLUMNS`; ``shrinkage_by_interval`` (optional) has
    :data:`SHRINKAGE_COLUMNS`. Use :meth:`equals` to compare two scenarios.
    """

    name: str
    settings: Settings
    channels: tuple[Channel, ...]
    segments: tuple[Segment, ...]
    forecast: pd.DataFrame
    deflections: tuple[Deflection, ...] = ()
    staffing_groups: tuple[StaffingGroup, ...] = ()
    shift_templates: tuple[ShiftTemplate, ...] = ()
    break_rules: tuple[BreakRule, ...] = ()
    mix: MixSettings = field(default_factory=MixSettings)
    shrinkage_by_interval: pd.DataFrame | None = None

    def __post_init__(self) -> None:
        if not self.staffing_groups:
            object.__setattr__(self, "staffing_groups",
                               default_staffing_groups(self.channels, self.segments))
        problems = validate_scenario_references(self)
        if problems:
            raise InputError(problems)

    # -- lookups -------------------------------------------------------------------------
    def channel(self, name: str) -> Channel:
        return _by_name(self.channels, name, "channel")

    def segment(self, name: str) -> Segment:
        return _by_name(self.segments, name, "segment")

    def group(self, name: str) -> StaffingGroup:
        return _by_name(self.staffing_groups, name, "staffing group")

    def group_of(self, channel: str, segment: str) -> StaffingGroup:
        """The staffing group serving (channel, segment)."""
        for g in self.staffing_groups:
            if g.channel == channel and segment in g.segments:
                return g
        raise KeyError(f"no staffing group serves channel {channel!r} segment {segment!r}")

    def deflection(self, segment: str, channel: str) -> Deflection | None:
        for d in self.deflections:
            if d.segment == segment and d.channel == channel:
                return d
        return None

    def breaks_of(self, template: str) -> tuple[BreakRule, ...]:
        return tuple(b for b in self.break_rules if b.template == template)

    def templates_of(self, group: str) -> tuple[ShiftTemplate, ...]:
        return tuple(t for t in self.shift_templates if t.group == group)

    def replace(self, **changes: object) -> Scenario:
        """A copy with some fields changed (validated again)."""
        from dataclasses import replace as dc_replace

        return dc_replace(self, **changes)  # type: ignore[arg-type]

    def equals(self, other: Scenario) -> bool:
        """Field-by-field equality, comparing DataFrames by value."""
        if not isinstance(other, Scenario):
            return False
        simple = ("name", "settings", "channels", "segments", "deflections", "staffing_groups",
                  "shift_templates", "break_rules", "mix")
        if any(getattr(self, f) != getattr(other, f) for f in simple):
            return False
        if not _frames_equal(self.forecast, other.forecast):
            return False
        a, b = self.shrinkage_by_interval, other.shrinkage_by_interval
        if (a is None) != (b is None):
            return False
        return a is None or _frames_equal(a, b)  # type: ignore[arg-type]


def _frames_equal(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    cols = list(a.columns)
    if sorted(cols) != sorted(b.columns) or len(a) != len(b):
        return False
    key = [c for c in ("interval_start", "channel", "segment") if c in cols]
    left = a.sort_values(key).reset_index(drop=True)[cols]
    right = b.sort_values(key).reset_index(drop=True)[cols]
    try:
        pd.testing.assert_frame_equal(left, right, check_dtype=False, check_exact=False,
                                      rtol=1e-9)
    except AssertionError:
        return False
    return True


def _by_name(items: Iterable[_T], name: str, what: str) -> _T:
    for item in items:
        if getattr(item, "name", None) == name:
            return item
    raise KeyError(f"unknown {what} {name!r}")


def _unique(check: Callable[[str, str], None], items: Iterable[object], attr: str,
            what: str) -> None:
    seen: set[str] = set()
    for item in items:
        value = getattr(item, attr)
        if value in seen:
            check(attr, f"{what} {value!r} is defined twice")
        seen.add(value)


def validate_scenario_references(scenario: Scenario) -> list[Problem]:
    """Every cross-reference between the parts of a scenario; returns all problems found."""
    problems: list[Problem] = []

    def add(field_name: str, message: str) -> None:
        problems.append(Problem(field_name, message))

    _unique(add, scenario.channels, "name", "channel")
    _unique(add, scenario.segments, "name", "segment")
    _unique(add, scenario.staffing_groups, "name", "staffing group")
    _unique(add, scenario.shift_templates, "name", "shift template")
    channel_names = {c.name for c in scenario.channels}
    segment_names = {s.name for s in scenario.segments}
    group_names = {g.name for g in scenario.staffing_groups}
    template_names = {t.name for t in scenario.shift_templates}
    if not scenario.channels:
        add("channels", "at least one channel is required")
    if not scenario.segments:
        add("segments", "at least one segment is required")
    seen_pairs: set[tuple[str, str]] = set()
    for d in scenario.deflections:
        if d.segment not in segment_names:
            add("segment", f"unknown segment {d.segment!r}; known: {sorted(segment_names)}")
        if d.channel not in channel_names:
            add("channel", f"unknown channel {d.channel!r}; known: {sorted(channel_names)}")
        if d.escalation_channel not in channel_names:
            add("escalation_channel",
                f"unknown channel {d.escalation_channel!r}; known: {sorted(channel_names)}")
        if (d.segment, d.channel) in seen_pairs:
            add("channel", f"deflection for ({d.segment}, {d.channel}) is defined twice")
        seen_pairs.add((d.segment, d.channel))
        if d.segment in segment_names:
            cap = next(s.max_self_service_share for s in scenario.segments if s.name == d.segment)
            if d.self_service_share > cap + 1e-12:
                add("self_service_share",
                    f"{d.self_service_share:g} exceeds segment {d.segment!r} cap "
                    f"max_self_service_share {cap:g}")
    served: dict[tuple[str, str], str] = {}
    for g in scenario.staffing_groups:
        if g.channel not in channel_names:
            add("channel", f"group {g.name!r}: unknown channel {g.channel!r}")
        for s in g.segments:
            if s not in segment_names:
                add("segments", f"group {g.name!r}: unknown segment {s!r}")
            if (g.channel, s) in served:
                add("segments", f"({g.channel}, {s}) is served by both {served[(g.channel, s)]!r}"
                                f" and {g.name!r}")
            served[(g.channel, s)] = g.name
    for c in scenario.channels:
        for s in scenario.segments:
            if (c.name, s.name) not in served:
                add("staffing_groups", f"no staffing group serves channel {c.name!r} "
                                       f"segment {s.name!r}")
    for t in scenario.shift_templates:
        if t.group not in group_names:
            add("group", f"template {t.name!r}: unknown staffing group {t.group!r}; "
                         f"known: {sorted(group_names)}")
        interval = scenario.settings.interval_minutes
        for name in ("length_minutes", "start_step_minutes"):
            if getattr(t, name) % interval:
                add(name, f"template {t.name!r}: {getattr(t, name)} is not a multiple of the "
                          f"{interval}-minute interval")
    for b in scenario.break_rules:
        if b.template not in template_names:
            add("template", f"break {b.activity!r}: unknown shift template {b.template!r}")
            continue
        t = next(t for t in scenario.shift_templates if t.name == b.template)
        if b.latest_start_offset_minutes + b.duration_minutes > t.length_minutes:
            add("latest_start_offset_minutes",
                f"break {b.activity!r} of {t.name!r} would end after the shift "
                f"({b.latest_start_offset_minutes}+{b.duration_minutes} > {t.length_minutes} min)")
        if b.duration_minutes % scenario.settings.interval_minutes:
            add("duration_minutes", f"break {b.activity!r}: {b.duration_minutes} is not a "
                                    f"multiple of the {scenario.settings.interval_minutes}-minute "
                                    "interval")
    forecast = scenario.forecast
    missing = [c for c in FORECAST_COLUMNS if c not in forecast.columns]
    if missing:
        add("forecast", f"missing columns {missing}")
    else:
        unknown_channels = set(forecast["channel"].unique()) - channel_names
        unknown_segments = set(forecast["segment"].unique()) - segment_names
        if unknown_channels:
            add("channel", f"forecast has unknown channels {sorted(map(str, unknown_channels))}")
        if unknown_segments:
            add("segment", f"forecast has unknown segments {sorted(map(str, unknown_segments))}")
        contacts = pd.to_numeric(forecast["contacts"], errors="coerce")
        if contacts.isna().any() or (contacts < 0).any():
            add("contacts", "forecast contacts must be numbers ≥ 0")
    return problems
