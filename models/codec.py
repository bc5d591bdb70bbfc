"""Pickle-free JSON documents of scenarios and plans.

A scenario document holds every typed input of :class:`planner.types.Scenario` (frozensets as
sorted lists, dates as ISO strings, DataFrames as ``{"columns": [...], "rows": [[...]]}``) and
round-trips exactly: ``scenario_from_document(scenario_to_document(s)).equals(s)``.
A plan document holds the results the pages and the API show (requirements, schedule, mix,
KPIs); interval times stay naive local times as in the planner, written ``YYYY-MM-DDTHH:MM:SS``.
"""

from __future__ import annotations

import dataclasses
import enum
import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from planner.types import (
    FORECAST_COLUMNS,
    BreakRule,
    Channel,
    Deflection,
    InputError,
    MixSettings,
    Problem,
    Scenario,
    Segment,
    Settings,
    ShiftTemplate,
    StaffingGroup,
)

TIME_COLUMNS: frozenset[str] = frozenset({"interval_start", "start", "end"})
"""Columns of stored tables that hold local date-times."""

_PARTS: tuple[tuple[str, type], ...] = (
    ("channels", Channel),
    ("segments", Segment),
    ("deflections", Deflection),
    ("staffing_groups", StaffingGroup),
    ("shift_templates", ShiftTemplate),
    ("break_rules", BreakRule),
)
_FROZENSET_FIELDS: frozenset[str] = frozenset({"open_days", "days"})


def to_plain(value: Any) -> Any:
    """A JSON-able copy of ``value`` (dataclasses, enums, numpy, pandas, dates; NaN → None)."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, enum.Enum):
        return to_plain(value.value)
    if isinstance(value, np.generic):
        return to_plain(value.item())
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, int):
        return value
    if isinstance(value, pd.DataFrame):
        return frame_to_table(value)
    if isinstance(value, pd.Timestamp | datetime):
        return None if pd.isna(value) else value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, frozenset | set):
        return sorted(to_plain(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, Sequence | np.ndarray):
        return [to_plain(v) for v in value]
    return str(value)


def frame_to_table(frame: pd.DataFrame) -> dict[str, Any]:
    """``{"columns": [...], "rows": [[...]]}`` of a DataFrame, JSON-able, NaN → None."""
    columns = [str(c) for c in frame.columns]
    if frame.empty:
        return {"columns": columns, "rows": []}
    cells: list[list[Any]] = []
    for name in frame.columns:
        series = frame[name]
        if pd.api.types.is_datetime64_any_dtype(series):
            text = series.dt.strftime("%Y-%m-%dT%H:%M:%S")
            cells.append([None if pd.isna(v) else v for v in text.tolist()])
        else:
            cells.append([to_plain(v) for v in series.tolist()])
    return {"columns": columns, "rows": [list(row) for row in zip(*cells, strict=True)]}


def table_to_frame(table: Mapping[str, Any] | None) -> pd.DataFrame:
    """The DataFrame of a stored table; date-time columns parsed back to ``Timestamp``."""
    if not table:
        return pd.DataFrame()
    frame = pd.DataFrame(table.get("rows", []), columns=list(table.get("columns", [])))
    for name in frame.columns:
        if name in TIME_COLUMNS:
            frame[name] = pd.to_datetime(frame[name])
    return frame


# -- scenarios ------------------------------------------------------------------------------
def scenario_to_document(scenario: Scenario) -> dict[str, Any]:
    """The JSON document of every input of ``scenario``."""
    document: dict[str, Any] = {"name": scenario.name,
                                "settings": to_plain(scenario.settings),
                                "mix": to_plain(scenario.mix)}
    for part, _cls in _PARTS:
        document[part] = [to_plain(item) for item in getattr(scenario, part)]
    forecast = scenario.forecast.loc[:, list(FORECAST_COLUMNS)]
    document["forecast"] = frame_to_table(forecast)
    shrink = scenario.shrinkage_by_interval
    document["shrinkage_by_interval"] = None if shrink is None else frame_to_table(shrink)
    if scenario.contracts or scenario.agents:
        document["contracts"] = [to_plain(c) for c in scenario.contracts]
        document["agents"] = [to_plain(a) for a in scenario.agents]
    return document


def _people(document: Mapping[str, Any], problems: list[Problem]) -> dict[str, tuple[Any, ...]]:
    """``contracts`` and ``agents`` of a scenario document (:mod:`planner.people`), located problems."""
    from planner.people import Agent, Contract, DayWindow

    found: dict[str, tuple[Any, ...]] = {}
    for part, cls in (("contracts", Contract), ("agents", Agent)):
        raw_items = document.get(part, [])
        if not isinstance(raw_items, list):
            problems.append(Problem(part, "must be a list", part))
            continue
        items = []
        for i, raw in enumerate(raw_items):
            where = f"{part}[{i}]"
            if isinstance(raw, Mapping):
                raw = dict(raw)
                try:
                    if "shift_lengths_minutes" in raw:
                        raw["shift_lengths_minutes"] = tuple(raw["shift_lengths_minutes"] or ())
                    if "groups" in raw:
                        raw["groups"] = tuple(raw["groups"] or ())
                    if "availability" in raw:
                        raw["availability"] = tuple(None if w is None else DayWindow(**w)
                                                    for w in raw["availability"])
                    if "time_off" in raw:
                        raw["time_off"] = tuple(date.fromisoformat(d) for d in raw["time_off"])
                    if "preferred_days_off" in raw:
                        raw["preferred_days_off"] = frozenset(raw["preferred_days_off"])
                except (TypeError, ValueError) as exc:
                    problems.append(Problem(where, f"cannot be read: {exc}", where))
                    continue
                except InputError as exc:
                    problems.extend(Problem(p.field, p.message, f"{where}.availability")
                                    for p in exc.problems)
                    continue
            items.append(_build(cls, raw, where, problems))
        found[part] = tuple(items)
    return found


def _build(cls: type, raw: Any, where: str, problems: list[Problem]) -> Any:
    """One dataclass from a JSON object; problems located at ``where.field``."""
    if not isinstance(raw, Mapping):
        problems.append(Problem(where, f"must be an object, got {type(raw).__name__}", where))
        return None
    known = {f.name for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            problems.append(Problem(key, f"is not a field of {cls.__name__}; known: "
                                         f"{sorted(known)}", f"{where}.{key}"))
            continue
        if key in _FROZENSET_FIELDS and cls is not Settings and isinstance(value, list):
            value = frozenset(value)
        elif key == "segments" and isinstance(value, list):
            value = tuple(value)
        elif key == "start_date" and isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                problems.append(Problem(key, f"must be a date YYYY-MM-DD, got {value!r}",
                                        f"{where}.{key}"))
                continue
        kwargs[key] = value
    try:
        return cls(**kwargs)
    except InputError as exc:
        problems.extend(Problem(p.field, p.message, p.location or f"{where}.{p.field}")
                        for p in exc.problems)
    except TypeError as exc:
        problems.append(Problem(where, f"is incomplete: {exc}", where))
    return None


def _forecast_frame(raw: Any, where: str, problems: list[Problem]) -> pd.DataFrame | None:
    if not isinstance(raw, Mapping) or "columns" not in raw or "rows" not in raw:
        problems.append(Problem(where, 'must be {"columns": [...], "rows": [[...]]}', where))
        return None
    try:
        frame = pd.DataFrame(raw["rows"], columns=list(raw["columns"]))
        frame["interval_start"] = pd.to_datetime(frame["interval_start"])
    except (KeyError, ValueError, TypeError) as exc:
        problems.append(Problem(where, f"cannot be read: {exc}", where))
        return None
    for column in ("contacts", "aht_seconds", "shrinkage"):
        if column in frame.columns:
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame


def scenario_from_document(document: Mapping[str, Any]) -> Scenario:
    """The :class:`Scenario` of a JSON document; raises :class:`InputError` naming every problem.

    Problem locations are JSON paths such as ``channels[0].aht_seconds``.
    """
    problems: list[Problem] = []
    if not isinstance(document, Mapping):
        raise InputError([Problem("body", "must be a JSON object", "$")])
    settings = _build(Settings, document.get("settings"), "settings", problems)
    mix = _build(MixSettings, document.get("mix", {}), "mix", problems)
    parts: dict[str, tuple[Any, ...]] = {}
    for part, cls in _PARTS:
        raw_items = document.get(part, [])
        if not isinstance(raw_items, list):
            problems.append(Problem(part, "must be a list", part))
            continue
        parts[part] = tuple(_build(cls, item, f"{part}[{i}]", problems)
                            for i, item in enumerate(raw_items))
    parts.update(_people(document, problems))
    forecast = _forecast_frame(document.get("forecast"), "forecast", problems)
    shrink_raw = document.get("shrinkage_by_interval")
    shrink = None if shrink_raw is None else _forecast_frame(shrink_raw, "shrinkage_by_interval",
                                                            problems)
    name = document.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(Problem("name", f"must be a non-empty name, got {name!r}", "name"))
    if problems:
        raise InputError(problems)
    try:
        return Scenario(name=name, settings=settings, mix=mix, forecast=forecast,
                        shrinkage_by_interval=shrink, **parts)
    except InputError as exc:
        raise InputError([Problem(p.field, p.message, p.location or "scenario")
                          for p in exc.problems]) from None


# -- plans ----------------------------------------------------------------------------------
def plan_to_document(plan: Any) -> dict[str, Any]:
    """The JSON document of a :class:`planner.pipeline.Plan`'s results (not its inputs)."""
    document: dict[str, Any] = {
        "status": to_plain(getattr(plan, "status", "")),
        "kpis": to_plain(getattr(plan, "kpis", {}) or {}),
        "timings": to_plain(getattr(plan, "timings", {}) or {}),
        "requirements": frame_to_table(plan.requirements) if plan.requirements is not None else None,
        "schedule": None,
        "mix": None,
    }
    schedule = getattr(plan, "schedule", None)
    if schedule is not None:
        document["schedule"] = {
            name: to_plain(getattr(schedule, name, None))
            for name in ("solve", "per_group", "shifts", "activities", "coverage", "wellbeing",
                         "explanations", "model_size")
        }
    roster = getattr(plan, "roster", None)
    if roster is not None:
        document["roster"] = {name: to_plain(getattr(roster, name, None))
                              for name in ("roster", "verification", "fairness", "unassigned", "price",
                                           "profiles", "assignment_seconds", "explanations")}
    mix = getattr(plan, "mix", None)
    if mix is not None:
        document["mix"] = {name: to_plain(getattr(mix, name, None))
                           for name in ("pairs", "frontier", "sensitivity", "summary", "reasons")}
    return document
