"""Required FTE per week and staffing group, from the project's own staffing model.

Each week's volume is spread over the intraday shape of the scenario's interval forecast and
staffed interval by interval with the channel's model (:func:`planner.staffing.requirements`:
Erlang C/A, chat, deferred email), then converted to FTE::

    required_fte[g, w] = H_g(m[g, w]) / (1 − shrinkage[g, w]) × efficiency_g / paid_hours_per_fte_week

``m[g, w]`` — the week's workload relative to the scenario's forecast (scaled to 7 days), per pair
(channel, segment) ``contacts_w / contacts_forecast × AHT_w / AHT_forecast × (1 − self_service_w)``,
averaged over the group's pairs weighted by their live workload in the forecast. ``H_g(m)`` —
net agent-hours per week the staffing model requires when every forecast interval's contacts are
multiplied by ``m``: computed once on a grid of multipliers covering every week and every sampled
scenario (:func:`requirement_curve`) and interpolated linearly, so the economies of scale of the
queue (Erlang: twice the calls need fewer than twice the agents) are kept, and 78 weeks × 100
scenarios cost a dozen staffing runs. A change of AHT is applied as a change of workload at the
forecast's AHT (an approximation: the service-level threshold relative to AHT shifts slightly).

``efficiency_g`` — the schedule-efficiency factor: scheduled paid hours over the required hours
they cover, measured by the project's own scheduler (:func:`planner.scheduling.schedule_scenario`
with its breaks, shift lengths and rules) on the scenario's own horizon — the "representative
week" — instead of the flat 10 % practitioners add. :func:`measure_efficiency` reads it off a
schedule already computed (a stored plan) or off one scheduled here once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from planner import demand, staffing
from planner.capacity.inputs import CapacityInputs
from planner.types import Scenario

CURVE_POINTS = 13
"""Grid points of the staffing curve H_g(m) (plus m = 0)."""
DEFAULT_EFFICIENCY = 1.10
"""The practitioners' flat 10 % when no schedule can be measured (reported as such)."""


@dataclass(frozen=True)
class WeeklyWorkload:
    """The weeks' workload relative to the forecast, per staffing group.

    Parameters
    ----------
    groups : tuple of str
        Staffing groups, in scenario order.
    multiplier : numpy.ndarray
        ``m[g, w]`` (groups × weeks), workload of the week / forecast workload scaled to 7 days.
    shrinkage : numpy.ndarray
        Shrinkage per group and week, [0, 1).
    offered : numpy.ndarray
        Offered contacts per group and week (before the planned self-service), for reports.
    notes : tuple of str
        Plain-language remarks (e.g. contacts given for a channel without a forecast shape).
    """

    groups: tuple[str, ...]
    multiplier: np.ndarray
    shrinkage: np.ndarray
    offered: np.ndarray
    notes: tuple[str, ...] = ()


def _pair_base(scenario: Scenario, live: pd.DataFrame) -> pd.DataFrame:
    """Per (channel, segment): forecast contacts and AHT scaled to 7 days, live workload share."""
    forecast = scenario.forecast
    per_week = 7.0 / scenario.settings.days
    aht = forecast["aht_seconds"].astype(float)
    default = [
        scenario.channel(c).aht_seconds * scenario.segment(s).aht_multiplier
        for c, s in zip(forecast["channel"], forecast["segment"], strict=True)
    ]
    aht = aht.where(aht.notna(), pd.Series(default, index=forecast.index))
    frame = pd.DataFrame(
        {
            "channel": forecast["channel"],
            "segment": forecast["segment"],
            "contacts": forecast["contacts"].astype(float),
            "work": forecast["contacts"].astype(float) * aht,
        }
    )
    base = frame.groupby(["channel", "segment"], sort=False).sum().reset_index()
    base["contacts"] *= per_week
    base["work"] *= per_week
    base["aht_seconds"] = np.where(
        base["contacts"] > 0, base["work"] / base["contacts"].where(base["contacts"] > 0, 1.0), np.nan
    )
    load = live.groupby(["channel", "segment"], sort=False)["live_workload_erlangs"].sum()
    base["live_work"] = [
        float(load.get((c, s), 0.0)) for c, s in zip(base["channel"], base["segment"], strict=True)
    ]
    return base


def weekly_workload(scenario: Scenario, inputs: CapacityInputs, live: pd.DataFrame) -> WeeklyWorkload:
    """The multiplier ``m[g, w]``, shrinkage and offered contacts of every group and week.

    Parameters
    ----------
    scenario : Scenario
        Its forecast gives the intraday shape and the base volume (scaled to 7 days).
    inputs : CapacityInputs
        ``weeks`` (optional weekly contacts, AHT, self-service share, shrinkage) and the growth.
    live : pandas.DataFrame
        :func:`planner.demand.live_demand` of the scenario (the pairs' live workload weights).
    """
    settings = inputs.settings
    n_w = settings.weeks
    base = _pair_base(scenario, live)
    growth = (1.0 + settings.growth_per_week) ** np.arange(n_w)
    table = inputs.weeks if inputs.weeks is not None else None
    starts = {settings.week_start(w): w - 1 for w in range(1, n_w + 1)}
    notes: list[str] = []
    pair_m: dict[tuple[str, str], np.ndarray] = {}
    pair_offered: dict[tuple[str, str], np.ndarray] = {}
    channel_shrink: dict[str, np.ndarray] = {c.name: np.full(n_w, c.shrinkage) for c in scenario.channels}
    for channel in scenario.channels:
        rows = base[base["channel"] == channel.name]
        channel_contacts = float(rows["contacts"].sum())
        channel_work = float(rows["work"].sum())
        channel_aht = channel_work / channel_contacts if channel_contacts > 0 else channel.aht_seconds
        given = None if table is None else table[table["channel"] == channel.name]
        for _, pair in rows.iterrows():
            key = (channel.name, str(pair["segment"]))
            contacts = pair["contacts"] * growth
            aht_ratio = np.ones(n_w)
            deflect = np.zeros(n_w)
            if given is not None and len(given):
                own = given[given["segment"] == key[1]]
                level = own if len(own) else given[given["segment"] == ""]
                share = (
                    (pair["contacts"] / channel_contacts) if not len(own) and channel_contacts > 0 else 1.0
                )
                reference = pair["aht_seconds"] if len(own) else channel_aht
                for _, row in level.iterrows():
                    start = row["week_start"]
                    start = start.date() if isinstance(start, pd.Timestamp) else start
                    w = starts.get(start)
                    if w is None:
                        continue
                    if not math.isnan(row["contacts"]):
                        contacts[w] = row["contacts"] * share
                    if not math.isnan(row["aht_seconds"]) and reference and reference > 0:
                        aht_ratio[w] = row["aht_seconds"] / reference
                    if not math.isnan(row["self_service_share"]):
                        deflect[w] = row["self_service_share"]
                    if not math.isnan(row["shrinkage"]):
                        channel_shrink[channel.name][w] = row["shrinkage"]
            ratio = np.where(pair["contacts"] > 0, contacts / max(pair["contacts"], 1e-12), 0.0)
            if pair["contacts"] <= 0 and (contacts > 0).any():
                notes.append(
                    f"{channel.name}/{key[1]}: weekly contacts given but the forecast has "
                    "none to shape them over the day; they are not staffed"
                )
            pair_m[key] = ratio * aht_ratio * (1.0 - deflect)
            pair_offered[key] = contacts
    groups = tuple(g.name for g in scenario.staffing_groups)
    multiplier = np.zeros((len(groups), n_w))
    shrink = np.zeros((len(groups), n_w))
    offered = np.zeros((len(groups), n_w))
    for k, group in enumerate(scenario.staffing_groups):
        keys = [(group.channel, s) for s in group.segments if (group.channel, s) in pair_m]
        weights = np.array(
            [
                float(base.loc[(base["channel"] == c) & (base["segment"] == s), "live_work"].sum())
                for c, s in keys
            ]
        )
        if keys and weights.sum() > 0:
            multiplier[k] = sum(w * pair_m[key] for w, key in zip(weights, keys, strict=True)) / weights.sum()
        offered[k] = sum((pair_offered[key] for key in keys), np.zeros(n_w))
        shrink[k] = channel_shrink[group.channel]
    return WeeklyWorkload(groups, multiplier, shrink, offered, tuple(notes))


@dataclass(frozen=True)
class RequirementCurve:
    """Net agent-hours per week H_g(m) on a grid of workload multipliers.

    Parameters
    ----------
    multipliers : numpy.ndarray
        The grid, increasing, starting at 0.
    hours : numpy.ndarray
        ``hours[g, k]``: net agent-hours per 7 days group ``g`` needs at ``multipliers[k]``.
    """

    groups: tuple[str, ...]
    multipliers: np.ndarray
    hours: np.ndarray

    def at(self, multiplier: np.ndarray) -> np.ndarray:
        """H_g(m) by linear interpolation; ``multiplier`` has the groups as its first axis."""
        out = np.empty_like(multiplier, dtype=float)
        for k in range(len(self.groups)):
            out[k] = np.interp(multiplier[k], self.multipliers, self.hours[k])
        return out


def requirement_curve(scenario: Scenario, highest: float, points: int = CURVE_POINTS) -> RequirementCurve:
    """Staff the scenario's forecast scaled by ``m`` for ``points`` values of m in (0, highest].

    Net agents per interval from :func:`planner.staffing.requirements` (after the scenario's
    own deflection), summed to agent-hours and scaled to 7 days. Units: agent-hours per week.
    """
    top = max(float(highest), 1e-6) * 1.02
    grid = np.concatenate([[0.0], np.linspace(top / points, top, points)])
    groups = tuple(g.name for g in scenario.staffing_groups)
    hours = np.zeros((len(groups), len(grid)))
    interval_hours = scenario.settings.interval_minutes / 60.0
    per_week = 7.0 / scenario.settings.days
    forecast = scenario.forecast
    for k, m in enumerate(grid[1:], start=1):
        scaled = forecast.copy()
        scaled["contacts"] = forecast["contacts"].astype(float) * m
        variant = scenario.replace(forecast=scaled)
        required = staffing.requirements(variant, demand.live_demand(variant))
        by_group = required.groupby("group", sort=False)["net_agents"].sum()
        hours[:, k] = [float(by_group.get(g, 0.0)) * interval_hours * per_week for g in groups]
    return RequirementCurve(groups, grid, hours)


@dataclass(frozen=True)
class Efficiency:
    """Schedule-efficiency factor per group and where it came from.

    Parameters
    ----------
    factor : dict of str to float
        Scheduled paid hours per covered required hour, ≥ 1.
    source : str
        Plain-language provenance ("measured by the scheduler on …", "given in …").
    paid_hours, required_hours : dict of str to float
        The measured hours (empty when given).
    """

    factor: dict[str, float]
    source: str
    paid_hours: dict[str, float]
    required_hours: dict[str, float]


def measure_efficiency(
    requirements: pd.DataFrame,
    shifts: pd.DataFrame,
    coverage: pd.DataFrame | None,
    interval_minutes: int,
    groups: tuple[str, ...],
    where: str,
    unsolved: tuple[str, ...] = (),
) -> Efficiency:
    """Scheduled paid hours over the required hours they cover, per group.

    ``factor_g = Σ paid_hours_g / (Σ (required_scheduled − short)_g × interval hours)``, floored at
    1 (a schedule cannot cover more than it pays). A group without shifts or requirement gets the
    mean of the others (or :data:`DEFAULT_EFFICIENCY`).

    Parameters
    ----------
    requirements : pandas.DataFrame
        ``group``, ``required_scheduled`` per interval (:func:`planner.staffing.requirements`).
    shifts : pandas.DataFrame
        ``group``, ``paid_hours`` per shift (the schedule's ``shifts``).
    coverage : pandas.DataFrame or None
        ``group``, ``short`` per interval (agents short); None = no shortfall.
    interval_minutes : int
        Interval length, minutes.
    groups : tuple of str
        Groups to report.
    where : str
        Where the schedule came from (goes into ``source``).
    unsolved : tuple of str
        Groups whose schedule solve found no solution: not measured (they get the fallback).
    """
    hours = interval_minutes / 60.0
    required = requirements.groupby("group")["required_scheduled"].sum() * hours
    short = (
        coverage.groupby("group")["short"].sum() * hours
        if coverage is not None and len(coverage) and "short" in coverage
        else pd.Series(dtype=float)
    )
    paid = shifts.groupby("group")["paid_hours"].sum() if len(shifts) else pd.Series(dtype=float)
    factor: dict[str, float] = {}
    paid_hours: dict[str, float] = {}
    required_hours: dict[str, float] = {}
    for g in groups:
        if g in unsolved:
            continue
        covered = float(required.get(g, 0.0)) - float(short.get(g, 0.0))
        p = float(paid.get(g, 0.0))
        if covered > 1e-9 and p > 0:
            factor[g] = max(1.0, p / covered)
            paid_hours[g], required_hours[g] = p, covered
    fallback = float(np.mean(list(factor.values()))) if factor else DEFAULT_EFFICIENCY
    for g in groups:
        factor.setdefault(g, fallback)
    measured = ", ".join(
        f"{g} {factor[g]:.3f} ({paid_hours[g]:,.0f} paid h / {required_hours[g]:,.0f} required h)"
        for g in groups
        if g in paid_hours
    )
    source = (
        f"measured by the scheduler on {where}: {measured}"
        if measured
        else f"no schedule to measure on {where}; the flat {DEFAULT_EFFICIENCY - 1:.0%} is used"
    )
    missing = [g for g in groups if g not in paid_hours]
    if measured and missing:
        source += (f"; {', '.join(missing)}: no usable schedule, the mean of the measured groups "
                   f"({fallback:.3f}) is used")
    return Efficiency(factor, source, paid_hours, required_hours)


def efficiency_from_plan(plan: Any, groups: tuple[str, ...]) -> Efficiency | None:
    """The factor of a :class:`planner.pipeline.Plan` that has a schedule (None otherwise)."""
    schedule = getattr(plan, "schedule", None)
    if schedule is None or getattr(schedule, "shifts", None) is None:
        return None
    scenario = plan.scenario
    solve = schedule.solve
    where = (
        f"the scenario's {scenario.settings.days} day(s) from {scenario.settings.start_date} "
        f"(schedule {getattr(solve.status, 'value', solve.status)}, gap "
        f"{solve.gap:.1%})"
        if math.isfinite(solve.gap)
        else f"the scenario's {scenario.settings.days} day(s) from {scenario.settings.start_date}"
    )
    return measure_efficiency(
        plan.requirements,
        schedule.shifts,
        schedule.coverage,
        scenario.settings.interval_minutes,
        groups,
        where,
        tuple(g for g, r in (schedule.per_group or {}).items() if not r.has_solution),
    )


def schedule_efficiency(scenario: Scenario, time_limit_seconds: float = 20.0) -> Efficiency:
    """Schedule the scenario's own horizon once (time-limited) and measure the factor."""
    from planner import scheduling

    groups = tuple(g.name for g in scenario.staffing_groups)
    if not scenario.shift_templates:
        return Efficiency(
            {g: DEFAULT_EFFICIENCY for g in groups},
            f"the scenario has no shift templates; the flat {DEFAULT_EFFICIENCY - 1:.0%} is used",
            {},
            {},
        )
    settings = scenario.settings
    quick = scenario.replace(settings=_with_limit(settings, time_limit_seconds))
    live = demand.live_demand(quick)
    required = staffing.requirements(quick, live)
    result = scheduling.schedule_scenario(quick, required)
    solve = result.solve
    gap = f", gap {solve.gap:.1%}" if math.isfinite(solve.gap) else ""
    where = (
        f"the scenario's {settings.days} day(s) from {settings.start_date} (scheduled once, "
        f"{solve.seconds:.1f} s, {getattr(solve.status, 'value', solve.status)}{gap})"
    )
    unsolved = tuple(g for g, r in result.per_group.items() if not r.has_solution)
    return measure_efficiency(
        required, result.shifts, result.coverage, settings.interval_minutes, groups, where, unsolved
    )


def given_efficiency(value: float, groups: tuple[str, ...], where: str) -> Efficiency:
    """A factor typed in by the planner."""
    return Efficiency({g: float(value) for g in groups}, f"given in {where}: {value:.3f}", {}, {})


def _with_limit(settings: Any, seconds: float) -> Any:
    from dataclasses import replace

    return replace(
        settings, solver_time_limit_seconds=float(seconds), solver_gap=max(settings.solver_gap, 0.02)
    )


def required_fte(
    curve: RequirementCurve,
    multiplier: np.ndarray,
    shrinkage: np.ndarray,
    efficiency: Mapping[str, float],
    paid_hours_per_fte_week: float,
) -> np.ndarray:
    """Required FTE: ``H_g(m) / (1 − shrinkage) × efficiency_g / paid_hours_per_fte_week``.

    ``multiplier`` and ``shrinkage`` have the groups first (groups × … ); so does the result.
    """
    hours = curve.at(multiplier)
    factor = np.array([efficiency[g] for g in curve.groups]).reshape((-1,) + (1,) * (hours.ndim - 1))
    return hours / (1.0 - shrinkage) * factor / paid_hours_per_fte_week
