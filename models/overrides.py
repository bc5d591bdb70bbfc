"""Scenario overrides: what a planner tweaks in the editor, applied to the parsed scenario.

An overrides document is a JSON object with any of these keys (all optional)::

    {"volume_pct": 10,                       # forecast contacts × (1 + 10/100), in [-100, 1000]
     "aht_pct": -5,                          # every handle time × (1 - 5/100), in (-100, 1000]
     "deflection_share": {"tech": 0.4},      # self-service share of every pair of a segment
     "service_level": {"voice": 0.9},        # per channel, (0, 1)
     "answer_seconds": {"voice": 15},        # per channel, ≥ 0
     "shrinkage": {"voice": 0.25},           # per channel, [0, 1)
     "shift_templates": {"voice 8h": {"cost_per_hour": 27.5}},
     "break_rules": [{"template": "voice 8h", "activity": "LUNCH", "duration_minutes": 60}]}

Every problem is reported at once as an :class:`InputError` located like
``overrides.deflection_share.tech``. Nothing here mutates: the scenario is rebuilt with
:func:`dataclasses.replace`, so every field is validated again by the typed inputs.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

from planner.types import InputError, Problem, Scenario

OVERRIDE_KEYS: tuple[str, ...] = ("volume_pct", "aht_pct", "deflection_share", "service_level",
                                  "answer_seconds", "shrinkage", "shift_templates", "break_rules")
TEMPLATE_FIELDS: tuple[str, ...] = ("cost_per_hour", "length_minutes", "earliest_start_minute",
                                    "latest_start_minute", "start_step_minutes",
                                    "max_work_stretch_minutes", "min_break_gap_minutes",
                                    "max_agents_per_day", "min_agents_per_day")
BREAK_FIELDS: tuple[str, ...] = ("duration_minutes", "earliest_start_offset_minutes",
                                 "latest_start_offset_minutes", "paid", "hard", "skip_penalty")
_INT_FIELDS: frozenset[str] = frozenset(TEMPLATE_FIELDS + BREAK_FIELDS[:3]) - {"cost_per_hour"}


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _coerce(field: str, value: Any) -> Any:
    """Whole-minute fields arrive as 30.0 from forms and JSON numbers; keep them ints."""
    if field in _INT_FIELDS and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, location: str, message: str) -> None:
        self.problems.append(Problem(location.rsplit(".", 1)[-1], message, location))


def _per_name(raw: Any, known: set[str], what: str, key: str, low: float, high: float,
              open_low: bool, open_high: bool, out: _Collector) -> dict[str, float]:
    values: dict[str, float] = {}
    if not isinstance(raw, Mapping):
        out.add(f"overrides.{key}", f"must be an object {{{what}: value}}")
        return values
    for name, value in raw.items():
        where = f"overrides.{key}.{name}"
        if name not in known:
            out.add(where, f"unknown {what} {name!r}; known: {sorted(known)}")
            continue
        number = _number(value)
        low_ok = number is not None and (number > low if open_low else number >= low)
        high_ok = number is not None and (number < high if open_high else number <= high)
        if not (low_ok and high_ok):
            lo, hi = ("(" if open_low else "["), (")" if open_high else "]")
            out.add(where, f"must be a number in {lo}{low:g}, {high:g}{hi}, got {value!r}")
            continue
        values[name] = number  # type: ignore[assignment]
    return values


def apply_overrides(scenario: Scenario, overrides: Mapping[str, Any] | None) -> Scenario:
    """``scenario`` with ``overrides`` applied; raises :class:`InputError` listing every problem."""
    if not overrides:
        return scenario
    out = _Collector()
    if not isinstance(overrides, Mapping):
        raise InputError([Problem("overrides", "must be a JSON object", "overrides")])
    for key in overrides:
        if key not in OVERRIDE_KEYS:
            out.add(f"overrides.{key}", f"is not an override; allowed: {list(OVERRIDE_KEYS)}")
    channel_names = {c.name for c in scenario.channels}
    segment_caps = {s.name: s.max_self_service_share for s in scenario.segments}

    # null means "no change"; anything else must be a number ({} or "" is not 0)
    volume = overrides.get("volume_pct")
    volume = 0 if volume is None else volume
    if _number(volume) is None or not -100 <= volume <= 1000:
        out.add("overrides.volume_pct", f"must be a percentage in [-100, 1000], got {volume!r}")
        volume = 0
    aht = overrides.get("aht_pct")
    aht = 0 if aht is None else aht
    if _number(aht) is None or not -100 < aht <= 1000:
        out.add("overrides.aht_pct", f"must be a percentage in (-100, 1000], got {aht!r}")
        aht = 0
    shares = _per_name(overrides.get("deflection_share", {}), set(segment_caps), "segment",
                       "deflection_share", 0, 1, False, False, out)
    for segment, share in shares.items():
        if share > segment_caps[segment] + 1e-12:
            out.add(f"overrides.deflection_share.{segment}",
                    f"must be ≤ the segment's max_self_service_share {segment_caps[segment]:g}, "
                    f"got {share:g}")
    levels = _per_name(overrides.get("service_level", {}), channel_names, "channel",
                       "service_level", 0, 1, True, True, out)
    answers = _per_name(overrides.get("answer_seconds", {}), channel_names, "channel",
                        "answer_seconds", 0, 86400, False, False, out)
    shrinkages = _per_name(overrides.get("shrinkage", {}), channel_names, "channel", "shrinkage",
                           0, 1, False, True, out)
    for channel in list(levels) + list(answers):
        if scenario.channel(channel).kind == "email":
            out.add(f"overrides.service_level.{channel}",
                    "an email channel has a response time in hours, not a service level")

    changes: dict[str, Any] = {}
    channels = []
    for c in scenario.channels:
        fields: dict[str, Any] = {}
        if aht:
            fields["aht_seconds"] = c.aht_seconds * (1 + aht / 100)
        if c.name in levels:
            fields["service_level"] = levels[c.name]
        if c.name in answers:
            fields["answer_seconds"] = answers[c.name]
        if c.name in shrinkages:
            fields["shrinkage"] = shrinkages[c.name]
        channels.append(_replace(c, fields, f"overrides.channels.{c.name}", out))
    changes["channels"] = tuple(channels)
    if shares:
        changes["deflections"] = tuple(
            _replace(d, {"self_service_share": shares[d.segment]} if d.segment in shares else {},
                     f"overrides.deflection_share.{d.segment}", out)
            for d in scenario.deflections)
    changes["shift_templates"] = _templates(scenario, overrides.get("shift_templates", {}), out)
    changes["break_rules"] = _breaks(scenario, overrides.get("break_rules", []), out)
    if volume or aht:
        forecast = scenario.forecast.copy()
        forecast["contacts"] = forecast["contacts"].astype(float) * (1 + volume / 100)
        forecast["aht_seconds"] = forecast["aht_seconds"].astype(float) * (1 + aht / 100)
        changes["forecast"] = forecast
    if out.problems:
        raise InputError(out.problems)
    try:
        return scenario.replace(**changes)
    except InputError as exc:
        raise InputError([Problem(p.field, p.message, p.location or f"overrides.{p.field}")
                          for p in exc.problems]) from None


def _replace(item: Any, fields: Mapping[str, Any], where: str, out: _Collector) -> Any:
    if not fields:
        return item
    try:
        return dataclasses.replace(item, **fields)
    except InputError as exc:
        for p in exc.problems:
            out.add(f"{where}.{p.field}", p.message)
    except TypeError as exc:
        out.add(where, str(exc))
    return item


def _templates(scenario: Scenario, raw: Any, out: _Collector) -> tuple[Any, ...]:
    if not isinstance(raw, Mapping):
        out.add("overrides.shift_templates", "must be an object {template name: {field: value}}")
        return scenario.shift_templates
    names = {t.name for t in scenario.shift_templates}
    for name in raw:
        if name not in names:
            out.add(f"overrides.shift_templates.{name}",
                    f"unknown shift template {name!r}; known: {sorted(names)}")
    result = []
    for t in scenario.shift_templates:
        fields = raw.get(t.name, {})
        where = f"overrides.shift_templates.{t.name}"
        if not isinstance(fields, Mapping):
            out.add(where, "must be an object {field: value}")
            fields = {}
        bad = [f for f in fields if f not in TEMPLATE_FIELDS]
        for field in bad:
            out.add(f"{where}.{field}", f"cannot be overridden; allowed: {list(TEMPLATE_FIELDS)}")
        fields = {f: _coerce(f, v) for f, v in fields.items() if f not in bad}
        result.append(_replace(t, fields, where, out))
    return tuple(result)


def _breaks(scenario: Scenario, raw: Any, out: _Collector) -> tuple[Any, ...]:
    if not isinstance(raw, list):
        out.add("overrides.break_rules", "must be a list of {template, activity, field: value}")
        return scenario.break_rules
    by_key: dict[tuple[str, str], Mapping[str, Any]] = {}
    for i, entry in enumerate(raw):
        where = f"overrides.break_rules[{i}]"
        if not isinstance(entry, Mapping):
            out.add(where, "must be an object {template, activity, field: value}")
            continue
        key = (entry.get("template"), entry.get("activity"))
        if not any((b.template, b.activity) == key for b in scenario.break_rules):
            out.add(where, f"no break {key[1]!r} in shift template {key[0]!r}")
            continue
        for field in entry:
            if field not in (*BREAK_FIELDS, "template", "activity"):
                out.add(f"{where}.{field}", f"cannot be overridden; allowed: {list(BREAK_FIELDS)}")
        by_key[key] = {f: _coerce(f, v) for f, v in entry.items() if f in BREAK_FIELDS}
    return tuple(_replace(b, by_key.get((b.template, b.activity), {}),
                          f"overrides.break_rules.{b.template}.{b.activity}", out)
                 for b in scenario.break_rules)
