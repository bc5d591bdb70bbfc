"""Typed, validated inputs of the long-term capacity plan.

Every object is a frozen dataclass checked in its ``__post_init__`` (all problems at once, as
:class:`planner.types.InputError`); :func:`validate_capacity` checks the cross-references of a
whole :class:`CapacityInputs` against the scenario it plans for. Problem locations are paths
such as ``hire_classes[2].lead_weeks``; the workbook reader turns them into ``Sheet!Cell``.

Week numbers are 1-based: week 1 starts on ``CapacitySettings.first_week``; the hiring decisions
are taken at the start of week 1.

Units are in the names: ``*_weeks`` (weeks), ``*_per_week`` (share per week), ``*_per_hour``
and ``*_per_fte_week`` (currency units), ``fte`` (full-time equivalents of
``paid_hours_per_fte_week`` paid hours).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from planner.capacity.people import headcount_problems, people_today
from planner.types import InputError, Problem, Scenario

MAX_WEEKS = 104
"""Longest capacity horizon, weeks (two years)."""
MAX_SCENARIOS = 1000
"""Most sampled scenarios of one plan."""
WEEK_COLUMNS: tuple[str, ...] = (
    "week_start",
    "channel",
    "segment",
    "contacts",
    "aht_seconds",
    "self_service_share",
    "shrinkage",
)
"""Columns of :attr:`CapacityInputs.weeks`: the Monday (or ``first_week`` weekday) the week starts,
the channel, the segment (empty = the whole channel, split like the forecast), offered contacts
of the week (NaN = the scenario's forecast volume × growth), AHT in seconds (NaN = the forecast's),
the planned self-service share of the week's contacts resolved without a person ([0, 1), on top
of the scenario's own deflection; 0 when NaN), and shrinkage ([0, 1), NaN = the channel's)."""


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(float(value))


class _Check:
    """Collects problems of one object."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, name: str, message: str) -> None:
        self.problems.append(Problem(name, message))

    def number(
        self,
        name: str,
        value: object,
        low: float | None = None,
        high: float | None = None,
        *,
        low_open: bool = False,
        high_open: bool = False,
        optional: bool = False,
    ) -> None:
        if value is None:
            if not optional:
                self.add(name, "is required (a number)")
            return
        if not _is_number(value):
            self.add(name, f"must be a finite number, got {value!r}")
            return
        v = float(value)  # type: ignore[arg-type]
        bad_low = low is not None and (v <= low if low_open else v < low)
        bad_high = high is not None and (v >= high if high_open else v > high)
        if bad_low or bad_high:
            lo = "" if low is None else f"{'>' if low_open else '≥'} {low:g}"
            hi = "" if high is None else f"{'<' if high_open else '≤'} {high:g}"
            rule = " and ".join(r for r in (lo, hi) if r)
            self.add(name, f"must be {rule}, got {v:g}")

    def whole(
        self, name: str, value: object, low: int, high: int | None = None, *, optional: bool = False
    ) -> None:
        if value is None:
            if not optional:
                self.add(name, "is required (a whole number)")
            return
        if not _is_int(value):
            self.add(name, f"must be a whole number, got {value!r}")
            return
        if value < low or (high is not None and value > high):  # type: ignore[operator]
            rule = f"between {low} and {high}" if high is not None else f"≥ {low}"
            self.add(name, f"must be {rule}, got {value}")

    def name(self, name: str, value: object) -> None:
        if not isinstance(value, str) or not value.strip():
            self.add(name, f"must be a non-empty name, got {value!r}")

    def raise_if_any(self) -> None:
        if self.problems:
            raise InputError(self.problems)


@dataclass(frozen=True)
class CapacitySettings:
    """Horizon, uncertainty and penalties of a capacity plan.

    Parameters
    ----------
    first_week : datetime.date
        First day of week 1 (the hiring decisions are taken then).
    weeks : int
        Weeks planned, 1–104.
    paid_hours_per_fte_week : float
        Paid hours of one FTE per week, (0, 80].
    growth_per_week : float
        Compound growth of the scenario's forecast volume per week where the ``CapacityWeeks``
        sheet gives no contacts, (−0.5, 0.5) (0.002 ≈ 11 % a year).
    volume_cv : float
        Spread of weekly volume: the standard deviation of log-volume of one week, [0, 1).
    volume_autocorrelation : float
        Correlation of one week's volume error with the previous week's, [0, 1).
    attrition_cv : float
        Spread of attrition: the standard deviation of the log of a scenario's attrition
        multiplier (one multiplier per scenario: "a year of high attrition"), [0, 2).
    scenarios : int
        Sampled scenarios, 1–1000. With 1 the plan is deterministic (the forecast itself).
    seed : int
        Seed of the scenario draws (≥ 0): the same seed gives the same plan.
    shortfall_penalty_per_fte_week : float
        Objective cost of one FTE-week of requirement not covered, currency units (≥ 0); above
        a week's wages, so the plan hires rather than runs short when it can.
    excess_penalty_per_fte_week : float
        Objective cost of one FTE-week above the requirement (after VTO), currency (≥ 0).
    schedule_efficiency : float or None
        Scheduled paid hours per required hour, [1, 3]; None = measured by the scheduler on the
        scenario's own horizon (see :mod:`planner.capacity.requirement`).
    cvar_weight : float
        Weight of the conditional value at risk of the cost in the objective (≥ 0; 0 = none).
    cvar_alpha : float
        CVaR level: the mean cost of the worst ``1 − alpha`` of scenarios, [0.5, 1).
    short_tolerance_fte : float
        A week counts as short-staffed when its shortfall exceeds this many FTE (≥ 0).
    solver_time_limit_seconds : float
        Time limit of the MIP solve, seconds (> 0).
    solver_gap : float
        Relative optimality gap at which the solver may stop, [0, 0.5).
    """

    first_week: date
    weeks: int = 52
    paid_hours_per_fte_week: float = 40.0
    growth_per_week: float = 0.0
    volume_cv: float = 0.05
    volume_autocorrelation: float = 0.7
    attrition_cv: float = 0.25
    scenarios: int = 1
    seed: int = 12
    shortfall_penalty_per_fte_week: float = 3000.0
    excess_penalty_per_fte_week: float = 50.0
    schedule_efficiency: float | None = None
    cvar_weight: float = 0.0
    cvar_alpha: float = 0.9
    short_tolerance_fte: float = 0.5
    solver_time_limit_seconds: float = 30.0
    solver_gap: float = 0.005

    def __post_init__(self) -> None:
        check = _Check()
        if not isinstance(self.first_week, date):
            check.add("first_week", f"must be a date (YYYY-MM-DD), got {self.first_week!r}")
        check.whole("weeks", self.weeks, 1, MAX_WEEKS)
        check.number("paid_hours_per_fte_week", self.paid_hours_per_fte_week, 0, 80, low_open=True)
        check.number("growth_per_week", self.growth_per_week, -0.5, 0.5, low_open=True, high_open=True)
        check.number("volume_cv", self.volume_cv, 0, 1, high_open=True)
        check.number("volume_autocorrelation", self.volume_autocorrelation, 0, 1, high_open=True)
        check.number("attrition_cv", self.attrition_cv, 0, 2, high_open=True)
        check.whole("scenarios", self.scenarios, 1, MAX_SCENARIOS)
        check.whole("seed", self.seed, 0)
        check.number("shortfall_penalty_per_fte_week", self.shortfall_penalty_per_fte_week, 0)
        check.number("excess_penalty_per_fte_week", self.excess_penalty_per_fte_week, 0)
        check.number("schedule_efficiency", self.schedule_efficiency, 1, 3, optional=True)
        check.number("cvar_weight", self.cvar_weight, 0)
        check.number("cvar_alpha", self.cvar_alpha, 0.5, 1, high_open=True)
        check.number("short_tolerance_fte", self.short_tolerance_fte, 0)
        check.number("solver_time_limit_seconds", self.solver_time_limit_seconds, 0, low_open=True)
        check.number("solver_gap", self.solver_gap, 0, 0.5, high_open=True)
        check.raise_if_any()

    def week_start(self, week: int) -> date:
        """First day of week ``week`` (1-based)."""
        return self.first_week + timedelta(days=7 * (week - 1))


@dataclass(frozen=True)
class TenureBucket:
    """A tenure band with its weekly attrition.

    Parameters
    ----------
    name : str
        Bucket name, unique (e.g. ``"0-12 weeks"``).
    max_tenure_weeks : int or None
        The band covers tenures from the previous bucket's ``max_tenure_weeks`` (0 for the first)
        up to, not including, this many weeks; None = open-ended (the last bucket only).
    attrition_per_week : float
        Share of the band's people who leave in one week, [0, 1) (new hires leave more).
    """

    name: str
    max_tenure_weeks: int | None = None
    attrition_per_week: float = 0.0

    def __post_init__(self) -> None:
        check = _Check()
        check.name("name", self.name)
        check.whole("max_tenure_weeks", self.max_tenure_weeks, 1, optional=True)
        check.number("attrition_per_week", self.attrition_per_week, 0, 1, high_open=True)
        check.raise_if_any()


@dataclass(frozen=True)
class Headcount:
    """The people of one staffing group in one tenure bucket today.

    Parameters
    ----------
    group : str
        Staffing group.
    tenure_bucket : str
        A :class:`TenureBucket` name.
    fte : float
        Full-time equivalents, ≥ 0.
    """

    group: str
    tenure_bucket: str
    fte: float

    def __post_init__(self) -> None:
        check = _Check()
        check.name("group", self.group)
        check.name("tenure_bucket", self.tenure_bucket)
        check.number("fte", self.fte, 0)
        check.raise_if_any()


@dataclass(frozen=True)
class CapacityGroup:
    """Wages and the overtime / undertime levers of one staffing group.

    Parameters
    ----------
    group : str
        Staffing group.
    wage_per_hour : float
        Paid wage per hour of an agent (trainees too), currency units (≥ 0).
    overtime_cost_per_hour : float
        Cost of one overtime hour, currency units (≥ 0), typically 1.5 × wage.
    max_overtime_hours_per_agent_week : float
        Well-being cap: overtime hours one productive agent may work per week, [0, 40].
    max_vto_hours_per_agent_week : float
        Voluntary time off (undertime) one agent may take per week, unpaid, [0, 40].
    vto_saving_per_hour : float or None
        What one hour of VTO saves, currency units, [0, wage]; None = the wage (VTO unpaid).
    trainer_seats : int or None
        Most trainees of this group in training at the same time (trainers, seats); None = no cap.
    """

    group: str
    wage_per_hour: float
    overtime_cost_per_hour: float
    max_overtime_hours_per_agent_week: float = 4.0
    max_vto_hours_per_agent_week: float = 4.0
    trainer_seats: int | None = None
    vto_saving_per_hour: float | None = None

    def __post_init__(self) -> None:
        check = _Check()
        check.name("group", self.group)
        check.number("wage_per_hour", self.wage_per_hour, 0)
        check.number("overtime_cost_per_hour", self.overtime_cost_per_hour, 0)
        check.number("max_overtime_hours_per_agent_week", self.max_overtime_hours_per_agent_week, 0, 40)
        check.number("max_vto_hours_per_agent_week", self.max_vto_hours_per_agent_week, 0, 40)
        check.whole("trainer_seats", self.trainer_seats, 0, optional=True)
        check.number("vto_saving_per_hour", self.vto_saving_per_hour, 0, optional=True)
        if (_is_number(self.vto_saving_per_hour) and _is_number(self.wage_per_hour)
                and self.vto_saving_per_hour > self.wage_per_hour):  # type: ignore[operator]
            check.add("vto_saving_per_hour",
                      f"must be ≤ wage_per_hour ({self.wage_per_hour:g}): an hour off cannot save more "
                      f"than it pays, got {self.vto_saving_per_hour:g}")
        check.raise_if_any()

    @property
    def vto_saving(self) -> float:
        """What one VTO hour saves, currency units (the wage unless given)."""
        return float(self.wage_per_hour if self.vto_saving_per_hour is None else self.vto_saving_per_hour)


@dataclass(frozen=True)
class HireClass:
    """A kind of new-hire class of one staffing group and the weeks it may start.

    Parameters
    ----------
    group : str
        Staffing group the hires join.
    name : str
        Class name, unique (e.g. ``"voice academy"``).
    lead_weeks : int
        Weeks from the decision (week 1) to the first day of training (recruiting), ≥ 0.
        A class may start in week ``1 + lead_weeks`` at the earliest.
    training_weeks : int
        Classroom weeks, paid and not productive, ≥ 0.
    nesting_weeks : int
        Weeks after training at reduced output, ≥ 0.
    nesting_start_proficiency : float
        Output of a nesting agent in the first nesting week as a share of a tenured agent's,
        (0, 1]; it rises linearly to 1 after the last nesting week.
    nesting_aht_uplift : float or None
        Alternative to the proficiency: a nesting agent's AHT is (1 + uplift) × a tenured agent's
        in the first nesting week, ≥ 0; output = 1 / (1 + uplift). Wins when given.
    start_weeks : tuple of int
        The week numbers (1-based) a class may start in, each once.
    min_size, max_size : int
        Least and most hires in one class (0 ≤ min ≤ max, max ≥ 1).
    cost_per_hire : float
        Recruiting and training cost per hire, currency units (≥ 0).
    """

    group: str
    name: str
    lead_weeks: int
    training_weeks: int
    nesting_weeks: int
    start_weeks: tuple[int, ...]
    min_size: int
    max_size: int
    cost_per_hire: float
    nesting_start_proficiency: float = 0.5
    nesting_aht_uplift: float | None = None

    def __post_init__(self) -> None:
        check = _Check()
        check.name("group", self.group)
        check.name("name", self.name)
        check.whole("lead_weeks", self.lead_weeks, 0, MAX_WEEKS)
        check.whole("training_weeks", self.training_weeks, 0, MAX_WEEKS)
        check.whole("nesting_weeks", self.nesting_weeks, 0, MAX_WEEKS)
        check.whole("min_size", self.min_size, 0)
        check.whole("max_size", self.max_size, 1)
        if _is_int(self.min_size) and _is_int(self.max_size) and self.min_size > self.max_size:
            check.add("min_size", f"must be ≤ max_size ({self.max_size}), got {self.min_size}")
        check.number("cost_per_hire", self.cost_per_hire, 0)
        check.number("nesting_start_proficiency", self.nesting_start_proficiency, 0, 1, low_open=True)
        check.number("nesting_aht_uplift", self.nesting_aht_uplift, 0, optional=True)
        weeks = self.start_weeks
        if not isinstance(weeks, tuple) or not weeks:
            check.add("start_weeks", "must list at least one week number, e.g. '6, 10, 14'")
        elif not all(_is_int(w) and w >= 1 for w in weeks):
            check.add("start_weeks", f"must be whole week numbers ≥ 1, got {list(weeks)}")
        elif len(set(weeks)) != len(weeks):
            check.add("start_weeks", f"lists a week twice: {list(weeks)}")
        check.raise_if_any()

    @property
    def first_proficiency(self) -> float:
        """Output share in the first nesting week (from the AHT uplift when given)."""
        if self.nesting_aht_uplift is not None:
            return 1.0 / (1.0 + float(self.nesting_aht_uplift))
        return float(self.nesting_start_proficiency)

    def proficiency(self, tenure_weeks: int) -> float:
        """Output of one hire ``tenure_weeks`` after the class started, share of a tenured agent.

        0 in training (tenure < training_weeks); in nesting week k = 0 … N−1 the linear ramp
        p₀ + (1 − p₀)·k/N (a discrete learning curve, Gans & Zhou 2002, "Managing learning and
        turnover in employee staffing", *Operations Research* 50(6)); 1 afterwards.
        """
        if tenure_weeks < self.training_weeks:
            return 0.0
        k = tenure_weeks - self.training_weeks
        if k >= self.nesting_weeks:
            return 1.0
        p0 = self.first_proficiency
        return p0 + (1.0 - p0) * k / self.nesting_weeks


@dataclass(frozen=True, eq=False)
class CapacityInputs:
    """Everything a capacity plan needs besides the scenario (its channels, forecast, groups).

    ``weeks`` (optional) has :data:`WEEK_COLUMNS`; a channel without rows there keeps the
    forecast's volume (× growth), AHT and the channel's shrinkage in every week.
    """

    settings: CapacitySettings
    tenure_buckets: tuple[TenureBucket, ...]
    headcount: tuple[Headcount, ...]
    hire_classes: tuple[HireClass, ...] = ()
    groups: tuple[CapacityGroup, ...] = ()
    weeks: pd.DataFrame | None = None

    def replace(self, **changes: object) -> CapacityInputs:
        """A copy with some fields changed."""
        from dataclasses import replace as dc_replace

        return dc_replace(self, **changes)  # type: ignore[arg-type]

    def bucket_of_tenure(self, tenure_weeks: int) -> TenureBucket:
        """The tenure bucket covering ``tenure_weeks`` (weeks since the start of training)."""
        for bucket in self.tenure_buckets:
            if bucket.max_tenure_weeks is None or tenure_weeks < bucket.max_tenure_weeks:
                return bucket
        return self.tenure_buckets[-1]

    def attrition_by_tenure(self, length: int) -> list[float]:
        """Weekly attrition share at tenure 0 … ``length − 1`` weeks."""
        return [self.bucket_of_tenure(t).attrition_per_week for t in range(length)]

    def group_economics(self, scenario: Scenario, group: str) -> CapacityGroup:
        """The group's :class:`CapacityGroup`; default: the mean ``cost_per_hour`` of its shift
        templates (25 without any), overtime at 1.5 ×, 4 h caps, no seat cap."""
        for g in self.groups:
            if g.group == group:
                return g
        rates = [t.cost_per_hour for t in scenario.templates_of(group)]
        wage = sum(rates) / len(rates) if rates else 25.0
        return CapacityGroup(group=group, wage_per_hour=wage, overtime_cost_per_hour=1.5 * wage)


def _located(problems: Iterable[Problem], where: str) -> list[Problem]:
    return [Problem(p.field, p.message, p.location or f"{where}.{p.field}") for p in problems]


def _week_problems(
    weeks: pd.DataFrame, settings: CapacitySettings, channels: set[str], segments: set[str]
) -> list[Problem]:
    """Rows of the weekly table: known names, values in range, each week once and in order."""
    problems: list[Problem] = []
    missing = [c for c in ("week_start", "channel") if c not in weeks.columns]
    if missing:
        return [Problem("weeks", f"missing columns {missing}", "weeks")]

    def bad(i: int, name: str, message: str) -> None:
        problems.append(Problem(name, message, f"weeks[{i}].{name}"))

    expected = [settings.week_start(w) for w in range(1, settings.weeks + 1)]
    seen: dict[tuple[str, str], list[tuple[int, date]]] = {}
    for i, row in enumerate(weeks.to_dict(orient="records")):
        channel = row.get("channel")
        segment = row.get("segment") if isinstance(row.get("segment"), str) else ""
        if channel not in channels:
            bad(i, "channel", f"unknown channel {channel!r}; known: {sorted(channels)}")
        if segment and segment not in segments:
            bad(i, "segment", f"unknown segment {segment!r}; known: {sorted(segments)}")
        start = row.get("week_start")
        if isinstance(start, pd.Timestamp):
            start = start.date()
        if not isinstance(start, date):
            bad(i, "week_start", f"must be a date (YYYY-MM-DD), got {start!r}")
        else:
            seen.setdefault((str(channel), segment), []).append((i, start))
        for name, low, high in (
            ("contacts", 0.0, None),
            ("aht_seconds", 0.0, None),
            ("self_service_share", 0.0, 1.0),
            ("shrinkage", 0.0, 1.0),
        ):
            value = row.get(name)
            if value is None or (isinstance(value, float) and math.isnan(value)):
                continue
            if not _is_number(value):
                bad(i, name, f"must be a number, got {value!r}")
            elif name == "aht_seconds" and float(value) <= 0:
                bad(i, name, f"must be > 0 seconds, got {float(value):g}")
            elif float(value) < low or (high is not None and float(value) >= high):
                rule = f"in [{low:g}, {high:g})" if high is not None else f"≥ {low:g}"
                bad(i, name, f"must be {rule}, got {float(value):g}")
    for (channel, segment), rows in seen.items():
        what = f"channel {channel!r}" + (f" segment {segment!r}" if segment else "")
        for k, (i, start) in enumerate(rows):
            if k > 0 and start <= rows[k - 1][1]:
                bad(
                    i,
                    "week_start",
                    f"{what}: weeks out of order or repeated: {start} after "
                    f"{rows[k - 1][1]}; list each week once, in order",
                )
                break
        given = {start for _, start in rows}
        off_grid = [(i, s) for i, s in rows if s not in set(expected)]
        for i, start in off_grid[:3]:
            bad(
                i,
                "week_start",
                f"{what}: {start} is not a week of the horizon (weeks start "
                f"{settings.first_week} + 7-day steps, {settings.weeks} weeks)",
            )
        absent = [w for w, s in enumerate(expected, start=1) if s not in given]
        if absent:
            listed = ", ".join(f"week {w} ({expected[w - 1]})" for w in absent[:3])
            more = f" and {len(absent) - 3} more" if len(absent) > 3 else ""
            bad(
                rows[-1][0],
                "week_start",
                f"{what}: missing {listed}{more}; give every week of the horizon or none",
            )
    return problems


def validate_capacity(inputs: CapacityInputs, scenario: Scenario) -> list[Problem]:
    """Every cross-reference of ``inputs`` and against ``scenario``; returns the problems.

    Checks: known groups, buckets and channels; bucket bounds increasing with one open-ended last
    bucket; no people count twice; with named agents, each group's ``Headcount`` total agrees with
    its agents' FTE (:mod:`planner.capacity.people`); unique class names; each class's lead time inside the
    horizon; every start week at or after ``1 + lead_weeks`` and early enough to be productive
    (training over) inside the horizon; overtime caps within the paid week; the weekly table.
    """
    problems: list[Problem] = []
    settings = inputs.settings
    groups = {g.name for g in scenario.staffing_groups}
    bucket_names = [b.name for b in inputs.tenure_buckets]

    def add(where: str, name: str, message: str) -> None:
        problems.append(Problem(name, message, f"{where}.{name}" if where else name))

    if not inputs.tenure_buckets:
        add("", "tenure_buckets", "at least one tenure bucket (with its attrition) is required")
    last_max = 0
    for i, bucket in enumerate(inputs.tenure_buckets):
        where = f"tenure_buckets[{i}]"
        if bucket_names.count(bucket.name) > 1 and bucket_names.index(bucket.name) != i:
            add(where, "name", f"tenure bucket {bucket.name!r} is defined twice")
        is_last = i == len(inputs.tenure_buckets) - 1
        if bucket.max_tenure_weeks is None and not is_last:
            add(where, "max_tenure_weeks", "may be empty (open-ended) only in the last bucket")
        elif bucket.max_tenure_weeks is not None:
            if bucket.max_tenure_weeks <= last_max:
                add(
                    where,
                    "max_tenure_weeks",
                    f"must be > the previous bucket's ({last_max}): list buckets from new hires to tenured",
                )
            last_max = max(last_max, bucket.max_tenure_weeks)
    seen_people: set[tuple[str, str]] = set()
    for i, row in enumerate(inputs.headcount):
        where = f"headcount[{i}]"
        if row.group not in groups:
            add(where, "group", f"unknown staffing group {row.group!r}; known: {sorted(groups)}")
        if row.tenure_bucket not in bucket_names:
            add(where, "tenure_bucket", f"unknown tenure bucket {row.tenure_bucket!r}; known: {bucket_names}")
        if (row.group, row.tenure_bucket) in seen_people:
            add(where, "tenure_bucket", f"({row.group}, {row.tenure_bucket}) is listed twice")
        seen_people.add((row.group, row.tenure_bucket))
    if scenario.agents:
        # Named agents are today's people; the Headcount rows may only give their tenure split.
        people = people_today(scenario.agents, scenario.contracts, sorted(groups),
                              settings.paid_hours_per_fte_week)
        problems += headcount_problems(inputs.headcount, people)
    seen_groups: set[str] = set()
    for i, g in enumerate(inputs.groups):
        where = f"groups[{i}]"
        if g.group not in groups:
            add(where, "group", f"unknown staffing group {g.group!r}; known: {sorted(groups)}")
        if g.group in seen_groups:
            add(where, "group", f"group {g.group!r} is listed twice")
        seen_groups.add(g.group)
        for name in ("max_overtime_hours_per_agent_week", "max_vto_hours_per_agent_week"):
            if getattr(g, name) > settings.paid_hours_per_fte_week:
                add(
                    where,
                    name,
                    f"must be ≤ the paid week ({settings.paid_hours_per_fte_week:g} h), "
                    f"got {getattr(g, name):g}",
                )
    paid = settings.paid_hours_per_fte_week
    for i, g in enumerate(inputs.groups):
        if g.overtime_cost_per_hour < g.wage_per_hour:
            add(
                f"groups[{i}]",
                "overtime_cost_per_hour",
                f"must be ≥ wage_per_hour ({g.wage_per_hour:g}): overtime is paid at least the wage, "
                f"got {g.overtime_cost_per_hour:g}",
            )
    for name in sorted(groups):
        economics = inputs.group_economics(scenario, name)
        week_cost = max(economics.overtime_cost_per_hour, economics.wage_per_hour) * paid
        if settings.shortfall_penalty_per_fte_week < week_cost:
            add(
                "settings",
                "shortfall_penalty_per_fte_week",
                f"must be ≥ the cost of an FTE-week of overtime in group {name!r} ({week_cost:,.0f}), "
                f"got {settings.shortfall_penalty_per_fte_week:,.0f}: below it running short is cheaper "
                "than paying an agent",
            )
            break
    names: set[str] = set()
    for i, c in enumerate(inputs.hire_classes):
        where = f"hire_classes[{i}]"
        if c.group not in groups:
            add(where, "group", f"unknown staffing group {c.group!r}; known: {sorted(groups)}")
        if c.name in names:
            add(where, "name", f"hire class {c.name!r} is defined twice")
        names.add(c.name)
        earliest = 1 + c.lead_weeks
        latest = settings.weeks - c.training_weeks  # the last start with one productive week
        if earliest > settings.weeks:
            add(
                where,
                "lead_weeks",
                f"{c.lead_weeks} weeks of lead time end past the "
                f"{settings.weeks}-week horizon: the class could never start",
            )
            continue
        if earliest > latest:
            add(
                where,
                "training_weeks",
                f"lead {c.lead_weeks} + training {c.training_weeks} weeks leave no productive week "
                f"inside the {settings.weeks}-week horizon",
            )
            continue
        early = sorted(w for w in c.start_weeks if w < earliest)
        if early:
            add(
                where,
                "start_weeks",
                f"week(s) {early} are before the lead time allows (week "
                f"{earliest} at the earliest: decision in week 1 + "
                f"{c.lead_weeks} lead weeks)",
            )
        late = sorted(w for w in c.start_weeks if w > latest)
        if late:
            add(
                where,
                "start_weeks",
                f"week(s) {late} can never be productive inside the horizon (training of "
                f"{c.training_weeks} weeks ends after week {settings.weeks}); latest start week "
                f"{latest}",
            )
    if inputs.weeks is not None and len(inputs.weeks):
        problems += _week_problems(
            inputs.weeks, settings, {c.name for c in scenario.channels}, {s.name for s in scenario.segments}
        )
    return problems


def check_capacity(inputs: CapacityInputs, scenario: Scenario) -> None:
    """Raise one :class:`InputError` with every problem of :func:`validate_capacity`."""
    problems = validate_capacity(inputs, scenario)
    if problems:
        raise InputError(problems)


def parse_start_weeks(text: object) -> tuple[int, ...]:
    """Week numbers from ``"6, 10, 14"``, ``"6-20/4"`` (6 to 20 every 4) or ``"every 4 from 6 to 50"``.

    Raises
    ------
    ValueError
        With the allowed forms when the text is none of them.
    """
    if _is_int(text):
        return (int(text),)  # type: ignore[arg-type]
    if isinstance(text, float) and text.is_integer():
        return (int(text),)
    if not isinstance(text, str) or not text.strip():
        raise ValueError("must list week numbers, e.g. '6, 10, 14', '6-50/4' or 'every 4 from 6 to 50'")
    words = text.lower().replace(";", ",").split()
    try:
        if words and words[0] == "every":
            # every N from A [to B]
            step = int(words[1])
            start = int(words[words.index("from") + 1])
            end = int(words[words.index("to") + 1]) if "to" in words else start + step * MAX_WEEKS
            end = min(end, MAX_WEEKS)
            return tuple(range(start, end + 1, step))
        weeks: list[int] = []
        for part in text.replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            step = 1
            if "/" in part:
                part, step_text = part.split("/", 1)
                step = int(step_text)
            if "-" in part:
                low, high = (int(p) for p in part.split("-", 1))
                weeks.extend(range(low, high + 1, step))
            else:
                weeks.append(int(part))
        if not weeks:
            raise ValueError
        return tuple(weeks)
    except (ValueError, IndexError):
        raise ValueError(
            f"must list week numbers, e.g. '6, 10, 14', '6-50/4' or 'every 4 from 6 to 50', got {text!r}"
        ) from None


def format_start_weeks(weeks: Sequence[int]) -> str:
    """The shortest text :func:`parse_start_weeks` reads back to ``weeks``."""
    items = list(weeks)
    if len(items) >= 3:
        step = items[1] - items[0]
        if step > 0 and all(b - a == step for a, b in itertools.pairwise(items)):
            return f"{items[0]}-{items[-1]}/{step}" if step > 1 else f"{items[0]}-{items[-1]}"
    return ", ".join(str(w) for w in items)


def week_frame(rows: Sequence[dict[str, object]] | None = None) -> pd.DataFrame:
    """An empty (or filled) weekly table with :data:`WEEK_COLUMNS`."""
    frame = pd.DataFrame(list(rows or []), columns=list(WEEK_COLUMNS))
    for name in ("contacts", "aht_seconds", "self_service_share", "shrinkage"):
        frame[name] = pd.to_numeric(frame[name], errors="coerce").astype(float)
    frame["segment"] = frame["segment"].fillna("").astype(str)
    return frame
