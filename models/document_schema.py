"""JSON Schemas of the scenario document, derived from the typed inputs of :mod:`planner.types`.

One source for two readers: :func:`models.codec.scenario_from_document` checks each field's JSON
type with :func:`type_problem` before the dataclass checks its value, and the OpenAPI document
(:mod:`web.openapi`) describes a JSON scenario upload with :func:`scenario_document_schema` — so
what the document promises is what the upload checks: every field of a
dataclass with its JSON type (``float`` → number, ``int`` → integer, ``Literal`` → enum,
``X | None`` → X or null, ``frozenset[int]`` → array of unique integers), the fields without a
default required, no other field allowed. Ranges are added only where the dataclass checks them
(``BOUNDS``): the document may be looser than the planner (cross-field rules such as "every
forecast channel is a channel" cannot be said in JSON Schema) but never stricter.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date
from typing import Any

from planner.people import Agent, Contract
from planner.types import (
    ALLOWED_INTERVAL_MINUTES,
    FORECAST_COLUMNS,
    MAX_AHT_MULTIPLIER,
    MAX_DURATION_SECONDS,
    MAX_MONEY_PER_UNIT,
    BreakRule,
    Channel,
    Deflection,
    MixSettings,
    Segment,
    Settings,
    ShiftTemplate,
    StaffingGroup,
)

SCENARIO_PARTS: tuple[tuple[str, type], ...] = (
    ("channels", Channel), ("segments", Segment), ("deflections", Deflection),
    ("staffing_groups", StaffingGroup), ("shift_templates", ShiftTemplate),
    ("break_rules", BreakRule))
"""The list-valued parts of a scenario document and the dataclass of their items."""

_SHARE = {"minimum": 0, "maximum": 1}
_MINUTE = {"minimum": 0, "maximum": 1440}
_WEEKDAYS = {"minItems": 1, "items": {"type": "integer", "minimum": 0, "maximum": 6}}
BOUNDS: dict[str, dict[str, Any]] = {
    # field name → JSON Schema keywords the dataclass's __post_init__ enforces (for every class
    # that has the field); the planner's own check is as strict or stricter.
    "prefers_human_share": _SHARE, "max_self_service_share": _SHARE,
    "self_service_share": _SHARE, "containment_rate": _SHARE, "shrinkage": _SHARE,
    "max_occupancy": _SHARE, "solver_gap": _SHARE, "min_service_level": _SHARE,
    "max_escalation_rate": _SHARE, "min_human_share": _SHARE,
    "aht_seconds": {"exclusiveMinimum": 0, "maximum": MAX_DURATION_SECONDS},
    # answer_seconds, max_asa_seconds, patience_seconds (live channels) and response_hours
    # (e-mail) are bounded for one kind of channel only: no bound here, which would be stricter
    "aht_multiplier": {"exclusiveMinimum": 0, "maximum": MAX_AHT_MULTIPLIER},
    "escalation_aht_multiplier": {"exclusiveMinimum": 0, "maximum": MAX_AHT_MULTIPLIER},
    "solver_time_limit_seconds": {"exclusiveMinimum": 0, "maximum": MAX_DURATION_SECONDS},
    "automation_cost_per_attempt": {"minimum": 0, "maximum": MAX_MONEY_PER_UNIT},
    "cost_per_hour": {"maximum": MAX_MONEY_PER_UNIT},
    "shortfall_penalty_per_agent_hour": {"minimum": 0, "maximum": MAX_MONEY_PER_UNIT},
    "overstaff_penalty_per_agent_hour": {"minimum": 0, "maximum": MAX_MONEY_PER_UNIT},
    "experience_cost_per_unwanted_contact": {"minimum": 0},
    "grid_step": {"exclusiveMinimum": 0, "maximum": 0.5},
    "open_minute": _MINUTE, "close_minute": _MINUTE,
    "concurrency": {"minimum": 1, "maximum": 10},
    "solver_threads": {"minimum": 1},
    "open_days": _WEEKDAYS,
}
_CLASS_BOUNDS: dict[tuple[type, str], dict[str, Any]] = {
    (Settings, "days"): {"minimum": 1, "maximum": 366},  # horizon length
    (ShiftTemplate, "days"): _WEEKDAYS,  # the weekdays a template may be worked
}
_NAME_FIELDS: frozenset[str] = frozenset({"name", "segment", "channel", "escalation_channel"})


PEOPLE_PARTS: tuple[tuple[str, type], ...] = (("contracts", Contract), ("agents", Agent))
"""The people of a scenario (issue 11): document key and input dataclass, like SCENARIO_PARTS."""


def _json_type(annotation: Any) -> dict[str, Any]:
    """The JSON Schema of one resolved type annotation."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        inner = _json_type(options[0]) if len(options) == 1 else {
            "anyOf": [_json_type(a) for a in options]}
        if "type" in inner:
            return {**inner, "type": [inner["type"], "null"]}
        if "enum" in inner:
            return {**inner, "enum": [*inner["enum"], None]}
        return {"anyOf": [inner, {"type": "null"}]}
    if origin is typing.Literal:
        return {"enum": list(typing.get_args(annotation))}
    if origin in (frozenset, set):
        (item,) = typing.get_args(annotation)
        return {"type": "array", "items": _json_type(item)}  # duplicates collapse, as in a set
    if origin is tuple:
        return {"type": "array", "items": _json_type(typing.get_args(annotation)[0])}
    if annotation is bool:
        return {"type": "boolean"}
    if annotation is int:
        return {"type": "integer"}
    if annotation is float:
        return {"type": "number"}
    if annotation is str:
        return {"type": "string"}
    if annotation is date:
        return {"type": "string", "format": "date"}
    if dataclasses.is_dataclass(annotation):  # a nested input, e.g. an agent's DayWindow
        return dataclass_schema(annotation)  # type: ignore[arg-type]
    raise TypeError(f"no JSON type for {annotation!r}")


def dataclass_schema(cls: type) -> dict[str, Any]:
    """The JSON Schema of one input dataclass: typed fields, required ones, no others."""
    hints = typing.get_type_hints(cls)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for spec in dataclasses.fields(cls):
        schema = _json_type(hints[spec.name])
        schema = {**schema, **_CLASS_BOUNDS.get((cls, spec.name), BOUNDS.get(spec.name, {}))}
        if spec.name in _NAME_FIELDS and hints[spec.name] is str:
            schema = {**schema, "minLength": 1}
        if spec.name == "interval_minutes":
            schema = {"enum": list(ALLOWED_INTERVAL_MINUTES)}
        if spec.name == "segments":
            schema = {**schema, "minItems": 1, "uniqueItems": True}
        properties[spec.name] = schema
        if (spec.default is dataclasses.MISSING
                and spec.default_factory is dataclasses.MISSING):
            required.append(spec.name)
    return {"type": "object", "additionalProperties": False, "required": required,
            "properties": properties, "description": f"planner.types.{cls.__name__}"}


def _table_schema(columns: tuple[str, ...], description: str) -> dict[str, Any]:
    return {"type": "object", "required": ["columns", "rows"], "additionalProperties": False,
            "description": description,
            "properties": {"columns": {"type": "array", "items": {"type": "string"},
                                       "examples": [list(columns)]},
                           "rows": {"type": "array", "items": {"type": "array"}}}}


def scenario_document_schema(overrides: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema of a scenario document (what ``GET /api/scenarios/{id}?include=inputs``
    returns as ``inputs``), with an optional ``overrides`` object of schema ``overrides``."""
    properties: dict[str, Any] = {
        "name": {"type": "string", "minLength": 1},
        "settings": dataclass_schema(Settings),
        "mix": dataclass_schema(MixSettings),
        "forecast": _table_schema(FORECAST_COLUMNS, "Forecast rows: interval_start (local "
                                  "ISO date-time), channel, segment, contacts (≥ 0), "
                                  "aht_seconds (null = channel default)"),
        "shrinkage_by_interval": {"anyOf": [_table_schema(
            ("interval_start", "channel", "shrinkage"), "Shrinkage per interval and channel"),
            {"type": "null"}]},
        "overrides": overrides,
    }
    for part, cls in (*SCENARIO_PARTS, *PEOPLE_PARTS):
        properties[part] = {"type": "array", "items": dataclass_schema(cls)}
    return {"type": "object", "additionalProperties": False,
            "required": ["name", "settings", "channels", "segments", "forecast"],
            "properties": properties,
            "description": "Every typed input of a scenario (GET /api/scenarios/{id}?include="
                           "inputs returns one); optional 'overrides'. Cross-references (forecast "
                           "channels and segments, templates of break rules, …) are checked "
                           "on upload and reported by JSON path."}


_JSON_TYPE_NAMES: dict[str, str] = {"string": "a string", "integer": "a whole number",
                                    "number": "a number", "boolean": "true or false",
                                    "array": "a list", "object": "an object", "null": "null"}


def _has_type(value: Any, json_type: str) -> bool:
    if json_type == "null":
        return value is None
    if json_type == "boolean":
        return isinstance(value, bool)
    if json_type == "integer":  # JSON Schema: 30.0 is an integer; true is not
        return ((not isinstance(value, bool) and isinstance(value, int))
                or (isinstance(value, float) and value.is_integer()))
    if json_type == "number":
        return not isinstance(value, bool) and isinstance(value, int | float)
    if json_type == "string":
        return isinstance(value, str)
    if json_type == "array":
        return isinstance(value, list | tuple)
    return isinstance(value, dict)


def type_problem(schema: dict[str, Any], value: Any) -> str | None:
    """What is wrong with the JSON *type* of ``value`` under a field schema of
    :func:`dataclass_schema` (type, enum, list items), or None; ranges are not checked here."""
    if "enum" in schema:
        return None if value in schema["enum"] else (
            f"must be one of {schema['enum']}, got {value!r}")
    types_allowed = schema.get("type")
    if types_allowed is None:
        return None
    names = [types_allowed] if isinstance(types_allowed, str) else list(types_allowed)
    if not any(_has_type(value, name) for name in names):
        wanted = " or ".join(_JSON_TYPE_NAMES[name] for name in names)
        return f"must be {wanted}, got {value!r}"
    if isinstance(value, list | tuple) and "items" in schema:
        for index, item in enumerate(value):
            problem = type_problem(schema["items"], item)
            if problem is not None:
                return f"item {index} {problem}"
    return None
