"""Scenario sweeps: a grid of what-ifs over one scenario, each point planned independently.

A grid is a list of *axes*; each axis sweeps one parameter over a few values and the points are
every combination (the Cartesian product, first axis slowest). Each point is the base scenario
with the axis values applied (:func:`apply_point`, a new validated :class:`~planner.types.Scenario`,
nothing mutated) and planned through the public :func:`planner.pipeline.run_plan` — staffing and
the human/automation mix always, the shift schedule with ``schedule=True``. Points are
independent units run through :mod:`planner.executor` (serial, a local Dask cluster, or a remote
one) and come back in grid order on every path.

Parameters (``name`` applies to every channel/segment it concerns, ``name[target]`` to one):

=====================  ============================================================  ==========
parameter              meaning of a value                                            target
=====================  ============================================================  ==========
``volume``             forecast contacts × (1 + v); ``-10%`` … (> −100 %)            —
``aht``                every handle time × (1 + v); ``+5%`` … (> −100 %)             channel
``self_service``       self-service-first share of every pair, ``30%`` or ``0.3``;   segment
                       capped at each segment's ``max_self_service_share``
``containment``        share of self-service attempts resolved, [0, 1]               segment
``service_level``      target share answered within the answer time, (0, 1)          channel
``answer_seconds``     the service-level threshold, seconds ≥ 0                      channel
``shrinkage``          share of paid time not available, [0, 1)                      channel
=====================  ============================================================  ==========

Values are a comma-separated list (``-10%,0,+10%``) or an inclusive range ``start:stop:step``
(``-20%:20%:5%``). Percent values of ``volume``/``aht`` are changes (``+10%`` = × 1.1; a bare number
is a percent too); shares may be written ``80%`` or ``0.8``. A grid has at most
:data:`MAX_SWEEP_POINTS` points.

Per point the results hold (units in the names; costs in the scenario's currency over the
horizon): contacts, required agent-hours and FTE (40 h/week), the peak of required agents, the
requirement's labour cost (required agent-hours × the group's hourly cost, as the mix costs it),
the automation cost, their total, the mix's current/recommended total cost and FTE saved, and with
the schedule the scheduled FTE, schedule labour cost, predicted service level and shortfall. The
mix decision (recommended share per segment × channel) is kept per point in ``decisions``.
"""

from __future__ import annotations

import itertools
import math
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, Literal

import numpy as np
import pandas as pd

from planner.types import InputError, Problem, Scenario

MAX_SWEEP_POINTS = 2_000
"""Most points a grid may have (the product of its axes' value counts)."""

MAX_AXIS_VALUES = 200
"""Most values one axis may have."""

ParameterKind = Literal["change", "share", "seconds"]


@dataclass(frozen=True)
class SweepParameter:
    """What a grid parameter is and how a planner writes it.

    Parameters
    ----------
    name : str
        As written in ``--grid NAME=...``.
    label : str
        Column title for people, with the unit.
    kind : {"change", "share", "seconds"}
        ``change``: a relative change in percent (stored as a fraction, ``+10%`` → 0.1);
        ``share``: a fraction in [0, 1] (``80%`` or ``0.8``); ``seconds``: a duration.
    target : {"channel", "segment", None}
        What ``name[target]`` names.
    low, high : float
        Allowed range of a value (as stored).
    open_low, open_high : bool
        Whether the range excludes its end.
    """

    name: str
    label: str
    kind: ParameterKind
    target: Literal["channel", "segment"] | None
    low: float
    high: float
    open_low: bool = False
    open_high: bool = False

    def allowed(self) -> str:
        lo, hi = ("(" if self.open_low else "["), (")" if self.open_high else "]")
        if self.kind == "change":
            return f"a change in percent in {lo}{self.low * 100:g}%, {self.high * 100:g}%{hi}, e.g. -10%"
        if self.kind == "share":
            return f"a share in {lo}{self.low:g}, {self.high:g}{hi}, e.g. 0.8 or 80%"
        return f"seconds in {lo}{self.low:g}, {self.high:g}{hi}"

    def accepts(self, value: float) -> bool:
        low_ok = value > self.low if self.open_low else value >= self.low
        high_ok = value < self.high if self.open_high else value <= self.high
        return math.isfinite(value) and low_ok and high_ok


SWEEP_PARAMETERS: dict[str, SweepParameter] = {p.name: p for p in (
    SweepParameter("volume", "volume change (%)", "change", None, -1.0, 10.0, open_low=True),
    SweepParameter("aht", "handle-time change (%)", "change", "channel", -1.0, 10.0, open_low=True),
    SweepParameter("self_service", "self-service share", "share", "segment", 0.0, 1.0),
    SweepParameter("containment", "containment rate", "share", "segment", 0.0, 1.0),
    SweepParameter("service_level", "service-level target", "share", "channel", 0.0, 1.0,
                   open_low=True, open_high=True),
    SweepParameter("answer_seconds", "answer time (s)", "seconds", "channel", 0.0, 86_400.0),
    SweepParameter("shrinkage", "shrinkage", "share", "channel", 0.0, 1.0, open_high=True),
)}
"""Every parameter a grid may sweep (see the module docstring)."""


@dataclass(frozen=True)
class SweepAxis:
    """One parameter of the grid and its values (stored units: fractions, seconds)."""

    parameter: str
    target: str | None
    values: tuple[float, ...]

    @property
    def key(self) -> str:
        """``volume`` or ``service_level[voice]``: the column name of this axis."""
        return self.parameter if self.target is None else f"{self.parameter}[{self.target}]"

    @property
    def label(self) -> str:
        label = SWEEP_PARAMETERS[self.parameter].label
        return label if self.target is None else f"{label} — {self.target}"


@dataclass(frozen=True)
class SweepGrid:
    """The axes of a sweep; :meth:`points` is their Cartesian product (first axis slowest)."""

    axes: tuple[SweepAxis, ...]

    @property
    def size(self) -> int:
        return math.prod(len(a.values) for a in self.axes)

    def points(self) -> list[dict[str, float]]:
        """Every point as ``{axis key: value}``, in grid order."""
        keys = [a.key for a in self.axes]
        return [dict(zip(keys, combo, strict=True))
                for combo in itertools.product(*(a.values for a in self.axes))]

    def to_json(self) -> list[dict[str, Any]]:
        return [{"parameter": a.parameter, "target": a.target, "values": list(a.values)}
                for a in self.axes]


def format_value(parameter: str, value: float) -> str:
    """A grid value as a planner writes it: ``+10%``, ``80%``, ``20 s``."""
    kind = SWEEP_PARAMETERS[parameter].kind
    if kind == "change":
        return "0%" if abs(value) < 1e-12 else f"{value * 100:+.4g}%"
    if kind == "share":
        return f"{value * 100:.4g}%"
    return f"{value:g} s"


def point_label(point: Mapping[str, float]) -> str:
    """``volume=+10%, service_level[voice]=85%`` (``base`` for an empty grid point)."""
    parts = [f"{key}={format_value(key.split('[')[0], value)}" for key, value in point.items()]
    return ", ".join(parts) or "base"


# ---------------------------------------------------------------------------------------------
# parsing a grid


_AXIS = re.compile(r"^\s*(?P<name>[a-z_]+)\s*(?:\[(?P<target>[^\]]+)\])?\s*=(?P<values>.*)$")


def _parse_number(text: str, parameter: SweepParameter) -> float:
    raw = text.strip().replace("−", "-").replace(" ", "")
    percent = raw.endswith("%")
    number = float(raw.rstrip("%"))
    if parameter.kind == "change" or (parameter.kind == "share" and percent):
        return number / 100.0
    if percent:
        raise ValueError("seconds cannot be a percentage")
    return number


def _parse_values(text: str, parameter: SweepParameter) -> list[float]:
    values: list[float] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if ":" in part:
            pieces = part.split(":")
            if len(pieces) != 3:
                raise ValueError(f"a range is start:stop:step, got {part!r}")
            start, stop, step = (_parse_number(p, parameter) for p in pieces)
            if not step > 0:
                raise ValueError(f"the step of {part!r} must be > 0")
            count = math.floor((stop - start) / step + 1e-9) + 1
            if count < 1:
                raise ValueError(f"the range {part!r} is empty (stop below start)")
            if count > MAX_AXIS_VALUES:
                raise ValueError(f"the range {part!r} has {count} values; at most {MAX_AXIS_VALUES}")
            values.extend(round(start + i * step, 12) for i in range(count))
        else:
            values.append(round(_parse_number(part, parameter), 12))
    return values


def parse_grid(specs: Sequence[str], scenario: Scenario | None = None, *, source: str = "--grid",
               max_points: int = MAX_SWEEP_POINTS) -> SweepGrid:
    """Parse ``NAME[TARGET]=VALUES`` strings into a grid; every problem at once.

    Parameters
    ----------
    specs : sequence of str
        E.g. ``["volume=-10%,0,+10%", "service_level[voice]=0.7:0.9:0.05"]``.
    scenario : Scenario, optional
        Checks targets (channel/segment names) against it.
    source : str
        Where the specs came from, for the problems' locations (``--grid``, ``body.grid``).
    max_points : int
        Most points allowed (default :data:`MAX_SWEEP_POINTS`).

    Raises
    ------
    planner.types.InputError
        Unknown parameter or target, an empty or bad value list, a value out of range, an axis
        given twice, no axis at all, or more than ``max_points`` points.
    """
    problems: list[Problem] = []
    axes: list[SweepAxis] = []
    known = ", ".join(SWEEP_PARAMETERS)
    for i, spec in enumerate(specs):
        where = f"{source}[{i}]" if source.startswith("body") else f"{source} {spec}"
        match = _AXIS.match(str(spec))
        if match is None:
            problems.append(Problem("grid", f"must look like NAME=VALUES (e.g. volume=-10%,0,+10%), "
                                            f"got {spec!r}; parameters: {known}", where))
            continue
        name, target = match["name"], (match["target"] or "").strip() or None
        parameter = SWEEP_PARAMETERS.get(name)
        if parameter is None:
            problems.append(Problem(name, f"is not a sweep parameter; allowed: {known}", where))
            continue
        if target is not None:
            if parameter.target is None:
                problems.append(Problem(name, "applies to the whole scenario; give it without [...]",
                                        where))
                continue
            if scenario is not None:
                names = ([c.name for c in scenario.channels] if parameter.target == "channel"
                         else [s.name for s in scenario.segments])
                if target not in names:
                    problems.append(Problem(name, f"unknown {parameter.target} {target!r}; known: "
                                                  f"{', '.join(names)}", where))
                    continue
        try:
            values = _parse_values(match["values"], parameter)
        except ValueError as exc:
            text = str(exc)
            if text.startswith("could not convert"):
                text = f"has a value that is not a number ({text.split(': ', 1)[-1]})"
            problems.append(Problem(name, f"{text}; each value must be {parameter.allowed()}", where))
            continue
        if not values:
            problems.append(Problem(name, f"has no values; give one or more, each "
                                          f"{parameter.allowed()}", where))
            continue
        bad = [v for v in values if not parameter.accepts(v)]
        if bad:
            shown = ", ".join(format_value(name, v) if parameter.kind != "seconds" else f"{v:g}"
                              for v in bad[:5])
            problems.append(Problem(name, f"value(s) {shown} out of range; each must be "
                                          f"{parameter.allowed()}", where))
            continue
        unique = tuple(dict.fromkeys(values))
        if len(unique) > MAX_AXIS_VALUES:
            problems.append(Problem(name, f"has {len(unique)} values; at most {MAX_AXIS_VALUES}", where))
            continue
        axis = SweepAxis(name, target, unique)
        if any(a.key == axis.key for a in axes):
            problems.append(Problem(name, f"{axis.key} is given twice; give each parameter once", where))
            continue
        axes.append(axis)
    if not specs:
        problems.append(Problem("grid", f"give at least one axis, e.g. volume=-10%,0,+10%; parameters: "
                                        f"{known}", source))
    grid = SweepGrid(tuple(axes))
    if not problems and grid.size > max_points:
        sizes = " × ".join(str(len(a.values)) for a in axes)
        problems.append(Problem("grid", f"has {grid.size:,} points ({sizes}); at most {max_points:,}: "
                                        "use fewer values per axis", source))
    if problems:
        raise InputError(problems)
    return grid


def grid_specs(body: Any, *, source: str = "body.grid") -> list[str]:
    """``NAME=VALUES`` strings of a grid posted as JSON, in axis order.

    ``body`` is a list of command-line strings (``["volume=-10%,0,+10%", "aht=0,+5%"]``; the order
    of the axes is kept) or an object ``{"volume": ["-10%", 0, "+10%"], "aht": "0,+5%"}`` (values
    a list — strings as on the command line, or numbers in its units: percent for changes,
    fractions for shares — or one string; a JSON object's key order is not guaranteed by every
    client, so send the list form when the axis order matters).
    """
    if isinstance(body, list) and body and all(isinstance(v, str) for v in body):
        return list(body)
    if not isinstance(body, Mapping) or not body:
        raise InputError([Problem("grid", "must be a list of NAME=VALUES strings or an object "
                                          '{parameter: [values]}, e.g. ["volume=-10%,0,+10%"]', source)])
    specs = []
    for name, values in body.items():
        if isinstance(values, list | tuple):
            text = ",".join(_json_value(v) for v in values)
        else:
            text = _json_value(values)
        specs.append(f"{name}={text}")
    return specs


def grid_from_json(body: Any, scenario: Scenario | None = None, *, source: str = "body.grid",
                   max_points: int = MAX_SWEEP_POINTS) -> SweepGrid:
    """A grid posted as JSON (see :func:`grid_specs`), checked like :func:`parse_grid`."""
    return parse_grid(grid_specs(body, source=source), scenario, source=source, max_points=max_points)


def _json_value(value: Any) -> str:
    if isinstance(value, bool):
        return "not-a-number"
    if isinstance(value, int | float):
        return repr(float(value))
    return str(value)


# ---------------------------------------------------------------------------------------------
# applying a point


def _targets(key: str) -> tuple[str, str | None]:
    if "[" in key:
        name, target = key[:-1].split("[", 1)
        return name, target
    return key, None


def apply_point(scenario: Scenario, point: Mapping[str, float]) -> tuple[Scenario, tuple[str, ...]]:
    """The base scenario with one grid point applied, and notes of what was capped.

    Parameters
    ----------
    scenario : Scenario
        The base scenario (not changed).
    point : mapping of axis key to value
        E.g. ``{"volume": 0.1, "service_level[voice]": 0.85}`` (stored units).

    Returns
    -------
    (Scenario, tuple of str)
        The new, validated scenario; plain-language notes (e.g. a self-service share capped at a
        segment's ``max_self_service_share``).
    """
    channels = {c.name: c for c in scenario.channels}
    deflections = list(scenario.deflections)
    forecast = scenario.forecast
    notes: list[str] = []
    caps = {s.name: s.max_self_service_share for s in scenario.segments}
    for key, value in point.items():
        name, target = _targets(key)
        if name == "volume":
            forecast = forecast.assign(contacts=forecast["contacts"].astype(float) * (1.0 + value))
        elif name == "aht":
            factor = 1.0 + value
            for c in channels.values():
                if target in (None, c.name):
                    channels[c.name] = replace(c, aht_seconds=c.aht_seconds * factor)
            rows = np.ones(len(forecast), dtype=bool) if target is None else \
                (forecast["channel"] == target).to_numpy()
            aht = forecast["aht_seconds"].astype(float).to_numpy().copy()
            aht[rows] = aht[rows] * factor
            forecast = forecast.assign(aht_seconds=aht)
        elif name in ("self_service", "containment"):
            for i, d in enumerate(deflections):
                if target not in (None, d.segment):
                    continue
                if name == "self_service":
                    share = value
                    if share > caps[d.segment] + 1e-12:
                        share = caps[d.segment]
                        notes.append(f"self-service share of {d.segment} {d.channel} capped at the "
                                     f"segment's maximum {caps[d.segment]:.0%}")
                    deflections[i] = replace(d, self_service_share=share)
                else:
                    deflections[i] = replace(d, containment_rate=value)
        elif name in ("service_level", "answer_seconds", "shrinkage"):
            for c in channels.values():
                if target not in (None, c.name):
                    continue
                if c.kind == "email" and name != "shrinkage":
                    if target is not None:
                        raise InputError([Problem(name, f"{c.name} is an e-mail channel: it has a "
                                                        "response time in hours, not a service level",
                                                  f"grid {key}")])
                    continue
                if name == "service_level" and c.service_level is None:
                    fields: dict[str, Any] = {"service_level": value,
                                              "answer_seconds": c.answer_seconds or 20.0}
                elif name == "answer_seconds" and c.service_level is None:
                    continue
                else:
                    fields = {name: value}
                channels[c.name] = replace(c, **fields)
        else:
            raise InputError([Problem(name, f"is not a sweep parameter; allowed: "
                                            f"{', '.join(SWEEP_PARAMETERS)}", f"grid {key}")])
    changed = scenario.replace(channels=tuple(channels[c.name] for c in scenario.channels),
                               deflections=tuple(deflections), forecast=forecast)
    return changed, tuple(dict.fromkeys(notes))


# ---------------------------------------------------------------------------------------------
# evaluating a point (one unit of the executor)


POINT_COLUMNS: tuple[str, ...] = (
    "point", "label", "status", "message", "contacts_offered", "live_contacts",
    "required_agent_hours", "required_fte", "peak_required_agents", "service_level_target",
    "requirement_labour_cost", "automation_cost", "total_cost", "mix_status",
    "mix_total_cost_current", "mix_total_cost_recommended", "mix_fte_saved", "schedule_status",
    "scheduled_fte", "schedule_labour_cost", "predicted_service_level", "shortfall_agent_hours",
    "notes",
)
"""Columns of :attr:`SweepResult.points` after the axis columns (one per axis key)."""

DECISION_COLUMNS: tuple[str, ...] = ("point", "segment", "channel", "current_share",
                                     "recommended_share", "human_fte_recommended")
"""Columns of :attr:`SweepResult.decisions`: the mix decision per point and pair."""


@dataclass(frozen=True)
class PointOutcome:
    """The plain-data result of one point (what a unit sends back)."""

    values: dict[str, Any]
    decisions: tuple[dict[str, Any], ...]


def service_level_target(scenario: Scenario) -> float:
    """Live-contact-weighted mean service-level target of the voice/chat channels (NaN without).

    Weighted by each channel's forecast contacts (before self-service), so a sweep over one
    channel's target moves it in proportion to that channel's volume.
    """
    contacts = scenario.forecast.groupby("channel")["contacts"].sum()
    total = weight = 0.0
    for c in scenario.channels:
        if c.kind == "email" or c.service_level is None:
            continue
        w = float(contacts.get(c.name, 0.0))
        total += w * c.service_level
        weight += w
    return total / weight if weight > 0 else math.nan


def requirement_labour_cost(scenario: Scenario, requirements: pd.DataFrame) -> float:
    """Σ required scheduled agents × interval hours × the group's hourly cost, currency units.

    The group's hourly cost is :func:`planner.mix.group_cost_per_hour` (the mean of its shift
    templates' ``cost_per_hour``), so this is the labour the mix search minimises at the current
    shares — a cost of the requirement, before any schedule rounds it into shifts.
    """
    from planner.mix import group_cost_per_hour

    hours = scenario.settings.interval_minutes / 60.0
    by_group = requirements.groupby("group")["required_scheduled"].sum()
    return float(sum(float(agents) * hours * group_cost_per_hour(scenario, str(group))
                     for group, agents in by_group.items()))


def evaluate_point(scenario: Scenario, point: Mapping[str, float], *, schedule: bool = False,
                   mix: bool = True, index: int = 0) -> PointOutcome:
    """Plan one point of a sweep (staffing + mix, optionally the schedule) as plain data.

    Runs the public :func:`planner.pipeline.run_plan` on :func:`apply_point`'s scenario. A point
    whose inputs become invalid (e.g. a target no staffing can reach) is reported with
    ``status = "error"`` and the reason, so one bad point never loses the others.
    """
    from planner.pipeline import run_plan
    from planner.queueing import UnreachableTargetError

    values: dict[str, Any] = {"point": index, "label": point_label(point), **dict(point)}
    values.update({c: math.nan for c in POINT_COLUMNS if c not in values})
    values.update(status="ok", message="", mix_status="", schedule_status="", notes="")
    try:
        changed, notes = apply_point(scenario, point)
        plan = run_plan(changed, schedule=schedule, mix=mix)
    except (InputError, UnreachableTargetError, ValueError) as exc:
        values.update(status="error", message=str(exc))
        return PointOutcome(values, ())
    kpis = plan.kpis
    labour = requirement_labour_cost(changed, plan.requirements)
    values.update(
        contacts_offered=kpis["contacts_offered"], live_contacts=kpis["live_contacts"],
        required_agent_hours=kpis["required_agent_hours"], required_fte=kpis["required_fte"],
        peak_required_agents=kpis["peak_required_agents"],
        service_level_target=service_level_target(changed),
        requirement_labour_cost=labour, automation_cost=kpis["automation_cost"],
        total_cost=labour + kpis["automation_cost"],
        notes="; ".join(notes + tuple(n for n in plan.explanations if "switched off" not in n)),
    )
    decisions: list[dict[str, Any]] = []
    if plan.mix is not None:
        summary = plan.mix.summary
        values.update(mix_status=plan.mix.status,
                      mix_total_cost_current=float(summary["total_cost_current"]),
                      mix_total_cost_recommended=float(summary["total_cost_recommended"]),
                      mix_fte_saved=float(summary["fte_saved"]))
        for row in plan.mix.pairs.itertuples(index=False):
            decisions.append({"point": index, "segment": row.segment, "channel": row.channel,
                              "current_share": float(row.current_share),
                              "recommended_share": float(row.recommended_share),
                              "human_fte_recommended": float(row.human_fte_recommended)})
    if plan.schedule is not None:
        values.update(schedule_status=plan.status, scheduled_fte=kpis.get("scheduled_fte", math.nan),
                      schedule_labour_cost=kpis.get("labour_cost", math.nan),
                      predicted_service_level=kpis.get("predicted_service_level", math.nan),
                      shortfall_agent_hours=kpis.get("shortfall_agent_hours", math.nan))
    return PointOutcome(values, tuple(decisions))


def _point_unit(scenario: Scenario, item: tuple[int, dict[str, float]], *, schedule: bool,
                mix: bool) -> PointOutcome:
    index, point = item
    return evaluate_point(scenario, point, schedule=schedule, mix=mix, index=index)


# ---------------------------------------------------------------------------------------------
# the sweep


@dataclass(frozen=True)
class SweepResult:
    """A sweep's results.

    Attributes
    ----------
    scenario_name : str
        The base scenario.
    grid : SweepGrid
        The axes.
    points : pandas.DataFrame
        One row per point in grid order: ``point``, ``label``, one column per axis key, then
        :data:`POINT_COLUMNS`.
    decisions : pandas.DataFrame
        :data:`DECISION_COLUMNS`: the recommended self-service share per point and pair.
    schedule : bool
        Whether each point was scheduled.
    executor : str
        Where the points ran (:meth:`planner.executor.ExecutorSpec.describe`).
    seconds : float
        Wall-clock seconds of the sweep.
    currency : str
        The scenario's currency.
    runs : tuple of planner.executor.UnitRun
        Per point (grid order): seconds it took on its worker and which process ran it.
    """

    scenario_name: str
    grid: SweepGrid
    points: pd.DataFrame
    decisions: pd.DataFrame
    schedule: bool
    executor: str
    seconds: float
    currency: str
    runs: tuple[Any, ...] = ()

    @property
    def failed(self) -> int:
        """Points whose inputs were invalid (``status == "error"``)."""
        return int((self.points["status"] == "error").sum())

    def to_json(self) -> dict[str, Any]:
        """A JSON-able document (NaN → None)."""

        def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
            clean = frame.astype(object).where(pd.notna(frame), None)
            return [{k: _plain(v) for k, v in row.items()} for row in clean.to_dict(orient="records")]

        return {"scenarioName": self.scenario_name, "grid": self.grid.to_json(),
                "axes": [{"key": a.key, "label": a.label} for a in self.grid.axes],
                "schedule": self.schedule, "executor": self.executor, "seconds": self.seconds,
                "currency": self.currency, "failed": self.failed, "points": records(self.points),
                "decisions": records(self.decisions)}


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


SweepProgress = Callable[[float, str], None]
"""``progress(fraction, message)``, fraction of the sweep done in [0, 1]."""


def run_sweep(scenario: Scenario, grid: SweepGrid, *, schedule: bool = False, mix: bool = True,
              executor: Any | None = None, progress: SweepProgress | None = None) -> SweepResult:
    """Plan every point of ``grid`` and assemble the results in grid order.

    Parameters
    ----------
    scenario : Scenario
        The base scenario.
    grid : SweepGrid
        From :func:`parse_grid` or :func:`grid_from_json`.
    schedule : bool
        Also schedule each point (slow: one MIP per point and staffing group).
    mix : bool
        Recommend the mix per point (default).
    executor : planner.executor.SerialExecutor or DaskExecutor, optional
        Where the points run (default: serially here).
    progress : callable(fraction, message), optional
        Told as each point finishes.

    Returns
    -------
    SweepResult
        Identical whichever executor ran it (a test checks serial, local and remote Dask).
    """
    from planner.executor import SerialExecutor

    runner = executor if executor is not None else SerialExecutor()
    points = grid.points()
    labels = [point_label(p) for p in points]
    started = time.perf_counter()

    def told(done: int, total: int, key: str) -> None:
        if progress is not None:
            progress(done / total, f"sweep: {done} of {total} points done ({key})")

    if progress is not None:
        progress(0.0, f"sweep: {len(points)} points {runner.spec.describe()}")
    unit = partial(_point_unit, schedule=schedule, mix=mix)
    mapped = runner.map(unit, list(enumerate(points)), shared=scenario, keys=labels, progress=told)
    axis_keys = [a.key for a in grid.axes]
    columns = ["point", "label", *axis_keys, *[c for c in POINT_COLUMNS if c not in ("point", "label")]]
    rows = pd.DataFrame.from_records([o.values for o in mapped.values], columns=columns)
    decisions = pd.DataFrame.from_records([d for o in mapped.values for d in o.decisions],
                                          columns=list(DECISION_COLUMNS))
    return SweepResult(scenario_name=scenario.name, grid=grid, points=rows, decisions=decisions,
                       schedule=schedule, executor=runner.spec.describe(),
                       seconds=time.perf_counter() - started, currency=scenario.settings.currency,
                       runs=mapped.runs)
