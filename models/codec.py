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

from models.document_schema import PEOPLE_PARTS, dataclass_schema, type_problem
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
        fields = dataclass_schema(cls)["properties"]
        for i, raw in enumerate(raw_items):
            where = f"{part}[{i}]"
            if not isinstance(raw, Mapping):
                problems.append(Problem(where, f"must be an object, got {type(raw).__name__}", where))
                continue
            wrong = [(key, f"is not a field of {cls.__name__}; known: {sorted(fields)}")
                     if key not in fields else (key, type_problem(fields[key], value))
                     for key, value in raw.items()]
            wrong = [(key, message) for key, message in wrong if message is not None]
            problems.extend(Problem(key, message, f"{where}.{key}") for key, message in wrong)
            if wrong:
                continue
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
            try:  # the fields were type-checked and converted above
                items.append(cls(**raw))
            except InputError as exc:
                problems.extend(Problem(p.field, p.message, p.location or f"{where}.{p.field}")
                                for p in exc.problems)
            except TypeError as exc:
                problems.append(Problem(where, f"is incomplete: {exc}", where))
        found[part] = tuple(items)
    return found


def _build(cls: type, raw: Any, where: str, problems: list[Problem]) -> Any:
    """One dataclass from a JSON object; problems located at ``where.field``."""
    if not isinstance(raw, Mapping):
        problems.append(Problem(where, f"must be an object, got {type(raw).__name__}", where))
        return None
    fields = dataclass_schema(cls)["properties"]
    kwargs: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in fields:
            problems.append(Problem(key, f"is not a field of {cls.__name__}; known: "
                                         f"{sorted(fields)}", f"{where}.{key}"))
            continue
        wrong_type = type_problem(fields[key], value)
        if wrong_type is not None:
            problems.append(Problem(key, wrong_type, f"{where}.{key}"))
            continue
        value = _whole(fields[key], value)
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


def _whole(schema: dict[str, Any], value: Any) -> Any:
    """A JSON integer written 30.0 becomes the int 30 (the dataclasses check ``int``)."""
    if isinstance(value, float) and "integer" in str(schema.get("type")):
        return int(value)
    if isinstance(value, list) and "integer" in str(schema.get("items", {}).get("type")):
        return [int(v) if isinstance(v, float) else v for v in value]
    return value


_NUMERIC_COLUMNS: frozenset[str] = frozenset({"contacts", "aht_seconds", "shrinkage"})


def _table_problems(raw: Mapping[str, Any], where: str) -> list[Problem]:
    """What is wrong with the shape of a stored table: ``columns`` distinct names, every row a
    list as long, numeric columns holding numbers or null (located like ``forecast.rows[3][4]``)."""
    unknown = sorted(set(raw) - {"columns", "rows"}, key=str)
    if unknown:
        return [Problem(str(key), 'is not a part of a table {"columns": [...], "rows": [[...]]}',
                        f"{where}.{key}") for key in unknown]
    columns, rows = raw["columns"], raw["rows"]
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        return [Problem("columns", "must be a list of column names", f"{where}.columns")]
    if len(set(columns)) != len(columns):
        return [Problem("columns", f"names a column twice: {columns}", f"{where}.columns")]
    if not isinstance(rows, list):
        return [Problem("rows", "must be a list of rows", f"{where}.rows")]
    problems: list[Problem] = []
    numeric = [i for i, c in enumerate(columns) if c in _NUMERIC_COLUMNS]
    for r, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != len(columns):
            problems.append(Problem("rows", f"must be a list of {len(columns)} values (one per "
                                            f"column), got {row!r:.80}", f"{where}.rows[{r}]"))
        else:
            problems.extend(
                Problem(columns[i], f"must be a number or null, got {row[i]!r:.80}",
                        f"{where}.rows[{r}][{i}]")
                for i in numeric if type_problem({"type": ["number", "null"]}, row[i]))
        if len(problems) >= 20:  # enough to see the pattern
            break
    return problems


def _forecast_frame(raw: Any, where: str, problems: list[Problem]) -> pd.DataFrame | None:
    if not isinstance(raw, Mapping) or "columns" not in raw or "rows" not in raw:
        problems.append(Problem(where, 'must be {"columns": [...], "rows": [[...]]}', where))
        return None
    shape = _table_problems(raw, where)
    if shape:
        problems.extend(shape)
        return None
    try:
        frame = pd.DataFrame(raw["rows"], columns=list(raw["columns"]))
        frame["interval_start"] = pd.to_datetime(frame["interval_start"])
        for column in _NUMERIC_COLUMNS & set(frame.columns):
            frame[column] = pd.to_numeric(frame[column]).astype(float)
    except (KeyError, ValueError, TypeError, OverflowError) as exc:
        problems.append(Problem(where, f"cannot be read: {exc}", where))
        return None
    return frame


def scenario_from_document(document: Mapping[str, Any]) -> Scenario:
    """The :class:`Scenario` of a JSON document; raises :class:`InputError` naming every problem.

    Problem locations are JSON paths such as ``channels[0].aht_seconds``.
    """
    problems: list[Problem] = []
    if not isinstance(document, Mapping):
        raise InputError([Problem("body", "must be a JSON object", "$")])
    known = {"name", "settings", "mix", "forecast", "shrinkage_by_interval",
             *(part for part, _cls in _PARTS), *(part for part, _cls in PEOPLE_PARTS)}
    for key in sorted(set(document) - known, key=str):
        problems.append(Problem(str(key), f"is not a part of a scenario; known: {sorted(known)}",
                                str(key)))
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
