"""Pickle-free JSON documents of capacity inputs (issue 12).

``capacity_from_document(capacity_to_document(inputs))`` gives back the same inputs; problems are
located by JSON path (``hire_classes[1].lead_weeks``), like :mod:`models.codec`.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

import pandas as pd

from models.codec import to_plain
from planner.capacity.inputs import (
    WEEK_COLUMNS,
    CapacityGroup,
    CapacityInputs,
    CapacitySettings,
    Headcount,
    HireClass,
    TenureBucket,
    validate_capacity,
    week_frame,
)
from planner.types import InputError, Problem, Scenario

_PATH = re.compile(r"^(\w+)\[(\d+)\]\.(\w+)$")
_PARTS: tuple[tuple[str, type], ...] = (
    ("tenure_buckets", TenureBucket),
    ("headcount", Headcount),
    ("hire_classes", HireClass),
    ("groups", CapacityGroup),
)


def capacity_to_document(inputs: CapacityInputs) -> dict[str, Any]:
    """The JSON document of every capacity input."""
    document: dict[str, Any] = {"settings": to_plain(inputs.settings)}
    for part, _cls in _PARTS:
        document[part] = [to_plain(item) for item in getattr(inputs, part)]
    weeks = inputs.weeks
    document["weeks"] = (
        None
        if weeks is None
        else [{k: to_plain(v) for k, v in row.items()} for row in weeks.to_dict(orient="records")]
    )
    return document


def _build(cls: type, raw: Any, where: str, problems: list[Problem]) -> Any:
    if not isinstance(raw, Mapping):
        problems.append(Problem(where, f"must be an object, got {type(raw).__name__}", where))
        return None
    known = {f.name for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            problems.append(
                Problem(key, f"is not a field of {cls.__name__}; known: {sorted(known)}", f"{where}.{key}")
            )
            continue
        if key == "first_week" and isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                problems.append(Problem(key, f"must be a date YYYY-MM-DD, got {value!r}", f"{where}.{key}"))
                continue
        if key == "start_weeks" and isinstance(value, list):
            value = tuple(value)
        kwargs[key] = value
    try:
        return cls(**kwargs)
    except InputError as exc:
        problems.extend(Problem(p.field, p.message, p.location or f"{where}.{p.field}") for p in exc.problems)
    except TypeError as exc:
        problems.append(Problem(where, f"is incomplete: {exc}", where))
    return None


def _weeks(raw: Any, problems: list[Problem]) -> pd.DataFrame | None:
    if raw is None:
        return None
    if not isinstance(raw, list):
        problems.append(Problem("weeks", "must be a list of week rows", "weeks"))
        return None
    rows = []
    for i, row in enumerate(raw):
        if not isinstance(row, Mapping):
            problems.append(Problem("weeks", "must be an object", f"weeks[{i}]"))
            continue
        unknown = sorted(set(row) - set(WEEK_COLUMNS))
        if unknown:
            problems.append(
                Problem(
                    unknown[0], f"is not a column; known: {list(WEEK_COLUMNS)}", f"weeks[{i}].{unknown[0]}"
                )
            )
        start = row.get("week_start")
        try:
            start = date.fromisoformat(start) if isinstance(start, str) else start
        except ValueError:
            problems.append(
                Problem("week_start", f"must be a date YYYY-MM-DD, got {start!r}", f"weeks[{i}].week_start")
            )
        values = {c: row.get(c) for c in WEEK_COLUMNS}
        values["week_start"] = start
        values["segment"] = values["segment"] or ""
        for name in ("contacts", "aht_seconds", "self_service_share", "shrinkage"):
            value = values[name]
            values[name] = math.nan if value is None else value
        rows.append(values)
    return week_frame(rows)


def capacity_from_document(document: Mapping[str, Any], scenario: Scenario | None = None) -> CapacityInputs:
    """The :class:`CapacityInputs` of a JSON document; raises :class:`InputError` naming every problem.

    With ``scenario`` the cross-checks of :func:`planner.capacity.inputs.validate_capacity` run too,
    on the items that are valid on their own, so one answer lists every problem."""
    if not isinstance(document, Mapping):
        raise InputError([Problem("capacity", "must be a JSON object", "capacity")])
    problems: list[Problem] = []
    settings = _build(CapacitySettings, document.get("settings"), "settings", problems)
    parts: dict[str, tuple[Any, ...]] = {}
    for part, cls in _PARTS:
        items = document.get(part, [])
        if not isinstance(items, list):
            problems.append(Problem(part, "must be a list", part))
            continue
        parts[part] = tuple(_build(cls, item, f"{part}[{i}]", problems) for i, item in enumerate(items))
    weeks = _weeks(document.get("weeks"), problems)
    if scenario is not None and settings is not None:
        kept = {
            part: [i for i, item in enumerate(items) if item is not None] for part, items in parts.items()
        }
        partial = CapacityInputs(
            settings=settings,
            weeks=weeks,
            **{part: tuple(x for x in items if x is not None) for part, items in parts.items()},
        )
        for problem in validate_capacity(partial, scenario):
            match = _PATH.match(problem.location)
            location = problem.location
            if match and match.group(1) in kept and int(match.group(2)) < len(kept[match.group(1)]):
                location = f"{match.group(1)}[{kept[match.group(1)][int(match.group(2))]}].{match.group(3)}"
            problems.append(Problem(problem.field, problem.message, location))
    if problems:
        raise InputError(problems)
    return CapacityInputs(settings=settings, weeks=weeks, **parts)
