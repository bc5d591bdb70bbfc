"""Excel in and out: the scenario workbook, the annotated template and the plan workbook.

This is the only module that touches workbooks (openpyxl). The workbook contract — sheets,
columns, units, allowed values and defaults — is documented sheet by sheet in
``sample_inputs/README.md`` and in the ``Instructions`` sheet of :func:`write_template`; the
column tables below (``_SHEETS``) are the single source of both.

Reading (:func:`read_workbook`) collects **every** problem it finds, each located by
``Sheet!Cell`` (``Channels!C4: aht_seconds must be > 0, got -3``), and raises one
:class:`planner.types.InputError` at the end.

Guard rails
-----------
* the file size is checked before anything is parsed (``max_bytes``, 20 MB by default), and the
  uncompressed size of the zip parts as well (a "zip bomb" is refused);
* every sheet is read up to ``max_rows`` rows (500 000 by default);
* macros are never run nor kept: ``.xlsm`` files are read like ``.xlsx`` (``keep_vba=False``);
  old binary ``.xls`` files and CSV are refused with a message;
* XML is parsed by openpyxl through ``defusedxml`` when it is installed (it is a runtime
  dependency of this project), which refuses entity expansion ("billion laughs") and external
  entities;
* formulas are read by their cached values (the workbook is loaded twice: once with
  ``data_only=True`` for values, once without to see which cells hold formulas); a formula cell
  without a cached value is an error that says so.
"""

from __future__ import annotations

import io
import math
import os
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import MISSING, dataclass, fields
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.chart.series import SeriesLabel
from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from planner.demand import closed_hours_rows
from planner.types import (
    ALL_DAYS,
    CHANNEL_KINDS,
    WEEKDAY_NAMES,
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

DEFAULT_MAX_BYTES: int = 20 * 1024 * 1024
"""Largest workbook file accepted, bytes (20 MB)."""
DEFAULT_MAX_ROWS: int = 500_000
"""Most rows read from one sheet (a year at 15-minute intervals × 14 channel/segment pairs)."""
MAX_UNCOMPRESSED_RATIO: int = 20
"""The zip parts may expand to at most this many times ``max_bytes``."""
MAX_PROBLEMS_PER_FIELD: int = 20
"""Problems reported per (sheet, column) before the rest are summarised in one line."""
HEADER_SEARCH_ROWS: int = 10
"""The header row is the first of these rows that names a required column."""
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
_NONE_WORDS = frozenset({"none", "off", "-", "n/a", "na"})
_TRUE_WORDS = frozenset({"yes", "y", "true", "1", "x"})
_FALSE_WORDS = frozenset({"no", "n", "false", "0"})
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_SHORT_FILL = PatternFill("solid", fgColor="F8CBAD")
_BOLD = Font(bold=True)


# ------------------------------------------------------------------------------------------------
# The workbook contract: sheets and columns
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Column:
    """One column of an input sheet (or one key of a key/value sheet)."""

    header: str
    field: str
    kind: str  # text, number, int, time, days, bool, names, date, datetime, choice
    required: bool = False
    nullable: bool = False
    choices: tuple[str, ...] = ()
    note: str = ""
    aliases: tuple[str, ...] = ()
    lookup: str = ""  # sheet!column range feeding a drop-down, e.g. "Channels!$A$2:$A$200"


@dataclass(frozen=True)
class _Sheet:
    """One input sheet: a table (one object per row) or key/value rows."""

    name: str
    columns: tuple[_Column, ...]
    required: bool
    key_value: bool = False
    purpose: str = ""
    aliases: tuple[str, ...] = ()


def _norm(text: object) -> str:
    """Header/sheet/key matching: case-, space-, underscore- and hyphen-insensitive."""
    return re.sub(r"[\s_\-]+", "", str(text)).lower()


_CHANNEL_LOOKUP = "Channels!$A$2:$A$200"
_SEGMENT_LOOKUP = "Segments!$A$2:$A$200"
_GROUP_LOOKUP = "StaffingGroups!$A$2:$A$200"
_TEMPLATE_LOOKUP = "ShiftTemplates!$A$2:$A$500"

_SETTINGS = _Sheet(
    "Settings",
    (
        _Column("scenario_name", "name", "text", note="Name of the scenario (text). Default: file name."),
        _Column("start_date", "start_date", "date", required=True,
                note="First day planned: a date cell or ISO text YYYY-MM-DD."),
        _Column("days", "days", "int", note="Days planned, 1–366. Default 7."),
        _Column("interval_minutes", "interval_minutes", "int", choices=("15", "30", "60"),
                note="Interval length: 15, 30 or 60 minutes. Default 15."),
        _Column("timezone", "timezone", "text", note="IANA zone of the times, e.g. Europe/London. "
                                                      "Default UTC."),
        _Column("solver", "solver", "choice", choices=("highs", "cbc"),
                note="MILP solver: highs or cbc. Default highs."),
        _Column("solver_time_limit_seconds", "solver_time_limit_seconds", "number",
                note="Solver time limit for the whole schedule (all groups), seconds (> 0). Default 60."),
        _Column("solver_gap", "solver_gap", "number",
                note="Relative optimality gap at which the solver may stop, [0, 1). Default 0.01."),
        _Column("solver_threads", "solver_threads", "int", note="Solver threads (≥ 1). Default 1."),
        _Column("shortfall_penalty_per_agent_hour", "shortfall_penalty_per_agent_hour", "number",
                note="Cost of one agent-hour of requirement left uncovered (≫ wage). Default 200."),
        _Column("overstaff_penalty_per_agent_hour", "overstaff_penalty_per_agent_hour", "number",
                note="Cost of one agent-hour above the requirement (≥ 0). Default 0.5."),
        _Column("currency", "currency", "text", note="Display currency code. Default USD."),
    ),
    required=True,
    key_value=True,
    purpose="Scenario-wide settings, one per row: column A the setting, column B its value.",
)

_CHANNELS = _Sheet(
    "Channels",
    (
        _Column("name", "name", "text", required=True, note="Channel name, unique (e.g. voice)."),
        _Column("kind", "kind", "choice", required=True, choices=CHANNEL_KINDS,
                note="voice (immediate queue), chat (queue, concurrent sessions) or email "
                     "(deferred work)."),
        _Column("aht_seconds", "aht_seconds", "number", required=True,
                note="Average handle time of one contact, seconds (> 0)."),
        _Column("service_level", "service_level", "number", nullable=True,
                note="Voice/chat: share answered within answer_seconds, (0, 1). Default 0.8; "
                     "'none' = no SL target."),
        _Column("answer_seconds", "answer_seconds", "number", nullable=True,
                note="Voice/chat: SL threshold, seconds (≥ 0). Default 20; 'none' with SL none."),
        _Column("max_asa_seconds", "max_asa_seconds", "number", nullable=True,
                note="Optional cap on average speed of answer, seconds (> 0). Empty = none."),
        _Column("max_abandon", "max_abandon", "number", nullable=True,
                note="Optional cap on abandonment, (0, 1); needs patience_seconds. Empty = none."),
        _Column("patience_seconds", "patience_seconds", "number", nullable=True,
                note="Mean customer patience, seconds (> 0); switches to Erlang A. Empty = none."),
        _Column("max_occupancy", "max_occupancy", "number",
                note="Well-being cap on occupancy, (0, 1]. Default 0.85."),
        _Column("concurrency", "concurrency", "int",
                note="Chat: most sessions per agent, 1–10 (1 for voice/email). Default 1."),
        _Column("response_hours", "response_hours", "number", nullable=True,
                note="Email: every contact handled within this many hours (> 0). Required for email."),
        _Column("shrinkage", "shrinkage", "number",
                note="Share of paid time lost to absence, training, meetings (not breaks), [0, 1). "
                     "Default 0.3."),
        _Column("open_time", "open_minute", "time", aliases=("open", "opens", "open_minute"),
                note="Opening time HH:MM (text or a time cell). Default 00:00."),
        _Column("close_time", "close_minute", "time", aliases=("close", "closes", "close_minute"),
                note="Closing time HH:MM; 24:00 = midnight; earlier than open = overnight. "
                     "Default 24:00."),
        _Column("open_days", "open_days", "days",
                note="Weekdays open: all, Mon-Fri, Sat-Sun, Mon,Wed,Sat … Default all."),
        _Column("service_level_definition", "service_level_definition", "choice",
                choices=("offered", "answered"),
                note="With abandonment: SL over offered or answered contacts. Default offered."),
    ),
    required=True,
    purpose="One row per contact channel with its service target and opening hours.",
)

_SEGMENTS = _Sheet(
    "Segments",
    (
        _Column("name", "name", "text", required=True, note="Segment name, unique (e.g. tech)."),
        _Column("prefers_human_share", "prefers_human_share", "number", required=True,
                note="Share of customers preferring a person to self-service, [0, 1]."),
        _Column("max_self_service_share", "max_self_service_share", "number", required=True,
                note="Cap on the share routed to self-service first, [0, 1)."),
        _Column("aht_multiplier", "aht_multiplier", "number",
                note="Handle time relative to the channel's AHT (> 0). Default 1."),
    ),
    required=True,
    purpose="One row per customer segment (profession) with its preference for a person.",
)

_FORECAST = _Sheet(
    "Forecast",
    (
        _Column("interval_start", "interval_start", "datetime", required=True,
                note="Start of the interval: a date-time cell or ISO text YYYY-MM-DD HH:MM, on the "
                     "interval grid of the horizon."),
        _Column("channel", "channel", "text", required=True, lookup=_CHANNEL_LOOKUP,
                note="A channel of the Channels sheet."),
        _Column("segment", "segment", "text", required=True, lookup=_SEGMENT_LOOKUP,
                note="A segment of the Segments sheet."),
        _Column("contacts", "contacts", "number", required=True,
                note="Forecast contacts arriving in the interval, before deflection (≥ 0)."),
        _Column("aht_seconds", "aht_seconds", "number",
                note="Optional AHT of this interval, seconds (> 0). Empty = channel AHT × segment "
                     "multiplier."),
    ),
    required=True,
    purpose="Long layout: one row per interval × channel × segment. Wide layout also accepted: "
            "interval_start, then one column per channel/segment named like voice/tech.",
)

_DEFLECTION = _Sheet(
    "Deflection",
    (
        _Column("segment", "segment", "text", required=True, lookup=_SEGMENT_LOOKUP,
                note="A segment of the Segments sheet."),
        _Column("channel", "channel", "text", required=True, lookup=_CHANNEL_LOOKUP,
                note="The channel the customer chose."),
        _Column("self_service_share", "self_service_share", "number", required=True,
                note="Share of the pair's contacts starting in self-service, [0, 1], ≤ the segment "
                     "cap."),
        _Column("containment_rate", "containment_rate", "number", required=True,
                note="Share of self-service attempts resolved without a person, [0, 1]."),
        _Column("escalation_channel", "escalation_channel", "text", required=True,
                lookup=_CHANNEL_LOOKUP, note="Live channel that unresolved attempts reach."),
        _Column("escalation_aht_multiplier", "escalation_aht_multiplier", "number",
                note="Handle time of an escalated contact relative to a direct one (> 0). "
                     "Default 1.2."),
        _Column("automation_cost_per_attempt", "automation_cost_per_attempt", "number",
                note="Cost of one self-service attempt, currency (≥ 0). Default 0.5."),
    ),
    required=False,
    purpose="Self-service per (segment, channel) pair. Pairs not listed get no self-service.",
)

_GROUPS = _Sheet(
    "StaffingGroups",
    (
        _Column("name", "name", "text", required=True, note="Team name, unique."),
        _Column("channel", "channel", "text", required=True, lookup=_CHANNEL_LOOKUP,
                note="The one channel the team answers."),
        _Column("segments", "segments", "names", required=True,
                note="Segments it serves on that channel, comma-separated (e.g. tech, retail)."),
    ),
    required=False,
    purpose="Teams. Every (channel, segment) pair is served by exactly one team. Empty or absent: "
            "one team per channel serving every segment.",
)

_TEMPLATES = _Sheet(
    "ShiftTemplates",
    (
        _Column("name", "name", "text", required=True, note="Template name, unique (e.g. voice 8h)."),
        _Column("group", "group", "text", required=True, lookup=_GROUP_LOOKUP,
                note="Staffing group whose agents work it (a name of StaffingGroups, or the channel "
                     "name when that sheet is empty)."),
        _Column("length_minutes", "length_minutes", "int", required=True,
                note="Shift length, minutes, a multiple of the interval (≤ 960)."),
        _Column("earliest_start", "earliest_start_minute", "time",
                aliases=("earliest_start_minute",), note="Earliest start HH:MM. Default 00:00."),
        _Column("latest_start", "latest_start_minute", "time", aliases=("latest_start_minute",),
                note="Latest start HH:MM (earlier than earliest = wraps past midnight). "
                     "Default 23:45."),
        _Column("start_step_minutes", "start_step_minutes", "int",
                note="Starts every this many minutes (multiple of the interval). Default 15."),
        _Column("days", "days", "days",
                note="Weekdays a shift may start: all, Mon-Fri, Sat-Sun, Mon,Wed … Default all."),
        _Column("cost_per_hour", "cost_per_hour", "number",
                note="Labour cost per paid hour, currency (≥ 0). Default 25."),
        _Column("min_agents_per_day", "min_agents_per_day", "int", nullable=True,
                note="Optional least shifts of this template per day. Empty = none."),
        _Column("max_agents_per_day", "max_agents_per_day", "int", nullable=True,
                note="Optional most shifts of this template per day. Empty = none."),
        _Column("max_agents_per_start", "max_agents_per_start", "int", nullable=True,
                note="Optional most shifts starting at one time. Empty = none."),
        _Column("max_work_stretch_minutes", "max_work_stretch_minutes", "int", nullable=True,
                note="Well-being: longest work stretch without a break, minutes. Empty = none."),
        _Column("min_break_gap_minutes", "min_break_gap_minutes", "int",
                note="Least minutes between two breaks. Default 0."),
    ),
    required=False,
    purpose="Kinds of shift per staffing group; labour costs live here (cost_per_hour).",
)

_BREAKS = _Sheet(
    "BreakRules",
    (
        _Column("template", "template", "text", required=True, lookup=_TEMPLATE_LOOKUP,
                note="A shift template name."),
        _Column("activity", "activity", "text", required=True,
                note="Activity code, unique in the template (e.g. BREAK1, LUNCH)."),
        _Column("duration_minutes", "duration_minutes", "int", required=True,
                note="Break length, minutes, a multiple of the interval (> 0)."),
        _Column("earliest_start_offset_minutes", "earliest_start_offset_minutes", "int",
                required=True, note="Earliest break start, minutes after the shift start."),
        _Column("latest_start_offset_minutes", "latest_start_offset_minutes", "int", required=True,
                note="Latest break start, minutes after the shift start."),
        _Column("paid", "paid", "bool", note="yes/no: is the break paid? Default yes."),
        _Column("hard", "hard", "bool", note="yes/no: must it be taken? Default yes."),
        _Column("skip_penalty", "skip_penalty", "number",
                note="Soft breaks: cost of skipping once, currency (≥ 0). Default 0."),
    ),
    required=False,
    purpose="Breaks and lunches of each shift template, with windows relative to the shift start.",
)

_MIX = _Sheet(
    "MixSettings",
    (
        _Column("experience_cost_per_unwanted_contact", "experience_cost_per_unwanted_contact",
                "number", note="Price of one contact sent to self-service against the customer's "
                               "wish for a person, currency (≥ 0). Default 2."),
        _Column("grid_step", "grid_step", "number",
                note="Step of the self-service shares tried, (0, 0.5]. Default 0.05."),
        _Column("budget", "budget", "number", nullable=True,
                note="Optional cap on labour + automation cost over the horizon. Empty = none."),
        _Column("min_service_level", "min_service_level", "number", nullable=True,
                note="Optional floor on every live group's predicted SL, [0, 1]. Empty = none."),
        _Column("max_escalation_rate", "max_escalation_rate", "number", nullable=True,
                note="Optional cap on escalations / attempts per pair, [0, 1]. Empty = none."),
        _Column("min_human_share", "min_human_share", "number", nullable=True,
                note="Optional floor on the share going straight to a person, [0, 1]. Empty = none."),
    ),
    required=False,
    key_value=True,
    purpose="Inputs of the human/automation mix recommendation: key/value rows.",
    aliases=("Mix Settings",),
)

_SHRINKAGE = _Sheet(
    "Shrinkage",
    (
        _Column("interval_start", "interval_start", "datetime", required=True,
                note="Interval start (date-time), on the interval grid."),
        _Column("channel", "channel", "text", required=True, lookup=_CHANNEL_LOOKUP,
                note="A channel of the Channels sheet."),
        _Column("shrinkage", "shrinkage", "number", required=True,
                note="Shrinkage of this interval, [0, 1); overrides the channel's."),
    ),
    required=False,
    purpose="Optional: shrinkage per interval and channel, overriding the Channels value.",
)

_SHEETS: tuple[_Sheet, ...] = (_SETTINGS, _CHANNELS, _SEGMENTS, _FORECAST, _DEFLECTION, _GROUPS,
                               _TEMPLATES, _BREAKS, _MIX, _SHRINKAGE)
INPUT_SHEETS: tuple[str, ...] = tuple(s.name for s in _SHEETS)
"""Names of the input sheets, in workbook order."""


# ------------------------------------------------------------------------------------------------
# Cell parsing
# ------------------------------------------------------------------------------------------------
class _CellError(ValueError):
    """A cell value that cannot be converted; the message says what is allowed."""


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, float) and math.isnan(value))


def _parse_number(value: object) -> float:
    if isinstance(value, bool):
        raise _CellError(f"must be a number, got {value!r}")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        text = value.strip().replace(",", ".") if value.count(",") == 1 and "." not in value \
            else value.strip()
        percent = text.endswith("%")
        try:
            number = float(text.rstrip("%").strip())
        except ValueError:
            raise _CellError(f"must be a number, got {value!r}") from None
        return number / 100.0 if percent else number
    raise _CellError(f"must be a number, got {value!r}")


def _parse_int(value: object) -> int:
    number = _parse_number(value)
    if not math.isfinite(number) or number != round(number):
        raise _CellError(f"must be a whole number, got {value!r}")
    return round(number)


def _format_minute(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _parse_time(value: object) -> int:
    """Minutes after midnight from ``HH:MM`` text, a time cell or an Excel day fraction."""
    allowed = "allowed: a time of day HH:MM from 00:00 to 24:00 (text or a time cell)"
    if isinstance(value, datetime):
        return value.hour * 60 + value.minute + (1 if value.second >= 30 else 0)
    if isinstance(value, time):
        return value.hour * 60 + value.minute + (1 if value.second >= 30 else 0)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 0 <= value <= 1:
            return round(value * 1440)
        raise _CellError(f"is not a time of day, got {value!r}; {allowed}")
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(\d{1,2})[:.h](\d{2})(?::(\d{2}))?\s*", value)
        if match:
            hours, minutes = int(match.group(1)), int(match.group(2))
            if minutes < 60 and (hours < 24 or (hours == 24 and minutes == 0)):
                return hours * 60 + minutes
    raise _CellError(f"is not a time of day, got {value!r}; {allowed}")


_DAY_INDEX = {name.lower(): i for i, name in enumerate(WEEKDAY_NAMES)}


def _parse_day(token: str) -> int:
    key = token.strip().lower()[:3]
    if key not in _DAY_INDEX or not token.strip():
        raise _CellError(f"has an unknown weekday {token.strip()!r}; allowed: Mon, Tue, Wed, Thu, Fri, "
                         "Sat, Sun, ranges such as Mon-Fri, lists such as Mon,Wed,Sat, or all")
    return _DAY_INDEX[key]


def _parse_days(value: object) -> frozenset[int]:
    """Weekday set from ``all`` / ``Mon-Fri`` / ``Mon,Wed,Sat`` / ``Sat-Mon`` (wraps) text."""
    if not isinstance(value, str):
        raise _CellError(f"must be weekdays as text (all, Mon-Fri, Mon,Wed,Sat), got {value!r}")
    text = value.strip().lower()
    named = {"all": ALL_DAYS, "daily": ALL_DAYS, "every day": ALL_DAYS,
             "weekdays": frozenset(range(5)), "weekends": frozenset({5, 6}),
             "weekend": frozenset({5, 6})}
    if text in named:
        return named[text]
    days: set[int] = set()
    for part in re.split(r"[,;]", text):
        if not part.strip():
            continue
        ends = re.split(r"\s*[-–]\s*", part.strip())
        if len(ends) == 1:
            days.add(_parse_day(ends[0]))
        elif len(ends) == 2:
            first, last = _parse_day(ends[0]), _parse_day(ends[1])
            span = (last - first) % 7
            days.update((first + k) % 7 for k in range(span + 1))
        else:
            raise _CellError(f"has a malformed weekday range {part.strip()!r}; allowed: e.g. Mon-Fri")
    if not days:
        raise _CellError("must name at least one weekday (all, Mon-Fri, Mon,Wed,Sat)")
    return frozenset(days)


def _format_days(days: Iterable[int]) -> str:
    """Compact weekday text: ``all``, ``Mon-Fri``, ``Sat-Sun`` or ``Mon,Wed,Sat``."""
    chosen = sorted(set(days))
    if set(chosen) == set(ALL_DAYS):
        return "all"
    if len(chosen) >= 3 and chosen == list(range(chosen[0], chosen[-1] + 1)):
        return f"{WEEKDAY_NAMES[chosen[0]]}-{WEEKDAY_NAMES[chosen[-1]]}"
    if len(chosen) == 2 and chosen[1] - chosen[0] == 1:
        return f"{WEEKDAY_NAMES[chosen[0]]}-{WEEKDAY_NAMES[chosen[1]]}"
    return ",".join(WEEKDAY_NAMES[d] for d in chosen)


def _parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE_WORDS:
            return True
        if text in _FALSE_WORDS:
            return False
    raise _CellError(f"must be yes or no, got {value!r}")


def _parse_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        raise _CellError(f"must be text, got a date/time {value!r}")
    return str(value).strip()


def _parse_names(value: object) -> tuple[str, ...]:
    names = tuple(part.strip() for part in re.split(r"[,;]", _parse_text(value)) if part.strip())
    if not names:
        raise _CellError("must list at least one name, comma-separated")
    return names


def _parse_date(value: object) -> date:
    if isinstance(value, datetime):
        if value.time() != time(0):
            raise _CellError(f"must be a date without a time of day, got {value!r}")
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise _CellError(f"must be a date (a date cell or ISO text YYYY-MM-DD), got {value!r}")


def _parse_datetime(value: object) -> pd.Timestamp:
    if isinstance(value, datetime | date):
        stamp = pd.Timestamp(value)
    elif isinstance(value, str):
        text = value.strip()
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}([ T]\d{1,2}:\d{2}(:\d{2})?)?", text):
            raise _CellError(f"must be a date-time (a date-time cell or ISO text YYYY-MM-DD HH:MM), "
                             f"got {value!r}")
        try:
            stamp = pd.Timestamp(text)
        except ValueError:
            raise _CellError(f"is not a valid date-time, got {value!r}") from None
    else:
        raise _CellError(f"must be a date-time (a date-time cell or ISO text YYYY-MM-DD HH:MM), "
                         f"got {value!r}")
    # Excel stores date-times as day fractions; round away float noise to the second.
    return stamp.round("s")


def _parse_cell(column: _Column, value: object) -> Any:
    """Convert one non-empty cell by the column's kind (raises :class:`_CellError`)."""
    if column.nullable and isinstance(value, str) and value.strip().lower() in _NONE_WORDS:
        return None
    kind = column.kind
    if kind == "number":
        number = _parse_number(value)
        if not math.isfinite(number):
            raise _CellError(f"must be a finite number, got {value!r}")
        return number
    if kind == "int":
        return _parse_int(value)
    if kind == "time":
        return _parse_time(value)
    if kind == "days":
        return _parse_days(value)
    if kind == "bool":
        return _parse_bool(value)
    if kind == "names":
        return _parse_names(value)
    if kind == "date":
        return _parse_date(value)
    if kind == "datetime":
        return _parse_datetime(value)
    if kind == "choice":
        text = _parse_text(value).lower()
        if text not in column.choices:
            raise _CellError(f"must be one of {', '.join(column.choices)}, got {value!r}")
        return text
    return _parse_text(value)


# ------------------------------------------------------------------------------------------------
# Reading
# ------------------------------------------------------------------------------------------------
def _cell(sheet: str, col_index: int, row: int) -> str:
    """``Sheet!C7`` from a 0-based column index and a 1-based row number."""
    return f"{sheet}!{get_column_letter(col_index + 1)}{row}"


class _Problems:
    """Collects located problems, summarising floods of the same kind."""

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self._counts: dict[tuple[str, str], int] = {}
        self._formula_cells: set[str] = set()

    def add(self, field_name: str, message: str, location: str) -> None:
        # A formula without a cached value reads as empty: report it once, not also as "required".
        if location in self._formula_cells:
            return
        if field_name == "formula":
            self._formula_cells.add(location)
        key = (location.split("!")[0], field_name)
        count = self._counts.get(key, 0) + 1
        self._counts[key] = count
        if count <= MAX_PROBLEMS_PER_FIELD:
            self.items.append(Problem(field_name, message, location))

    def extend_from(self, error: InputError, locate: Callable[[str], str]) -> None:
        for problem in error.problems:
            self.add(problem.field, problem.message, problem.location or locate(problem.field))

    def result(self) -> list[Problem]:
        extra = [Problem(field_name, f"… and {count - MAX_PROBLEMS_PER_FIELD} more problems like these",
                         sheet)
                 for (sheet, field_name), count in self._counts.items()
                 if count > MAX_PROBLEMS_PER_FIELD]
        return self.items + extra

    def __bool__(self) -> bool:
        return bool(self.items)


@dataclass
class _Table:
    """A sheet read as a header row and data rows (values already formula-checked)."""

    name: str
    header_row: int  # 1-based
    headers: list[str]  # as written
    rows: list[tuple[int, tuple[Any, ...]]]  # (1-based row number, values)

    def index_of(self, sheet: _Sheet, column: _Column) -> int | None:
        wanted = {_norm(column.header), _norm(column.field), *(_norm(a) for a in column.aliases)}
        for i, header in enumerate(self.headers):
            if header is not None and _norm(header) in wanted:
                return i
        return None


def _size_text(size: float) -> str:
    return f"{size / 1024 / 1024:.0f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


def _read_bytes(path_or_file: str | os.PathLike[str] | IO[bytes] | bytes, max_bytes: int) -> bytes:
    """The workbook's bytes, refusing files over ``max_bytes`` before reading them whole."""
    limit_text = _size_text(max_bytes)
    if isinstance(path_or_file, bytes | bytearray):
        content = bytes(path_or_file)
    elif isinstance(path_or_file, str | os.PathLike):
        path = Path(path_or_file)
        if not path.is_file():
            raise InputError([Problem("file", f"does not exist: {path}", "workbook")])
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError([Problem("file", f"is too large ({size / 1024 / 1024:.1f} MB); allowed: "
                                              f"at most {limit_text}", "workbook")])
        if path.suffix.lower() in (".xls", ".csv"):
            raise InputError([Problem("file", f"{path.suffix} is not supported; allowed: an Excel "
                                              ".xlsx workbook (save as Excel Workbook)", "workbook")])
        content = path.read_bytes()
    else:
        content = path_or_file.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise InputError([Problem("file", f"is too large (over {limit_text}); allowed: at most "
                                          f"{limit_text}", "workbook")])
    if not content.startswith(b"PK"):
        raise InputError([Problem("file", "is not an .xlsx workbook (not a zip package); allowed: an "
                                          "Excel 2007+ .xlsx file; .xls and .csv are not supported",
                                  "workbook")])
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            expanded = sum(info.file_size for info in package.infolist())
    except zipfile.BadZipFile as exc:
        raise InputError([Problem("file", f"is not a readable .xlsx workbook ({exc})", "workbook")]) from None
    if expanded > MAX_UNCOMPRESSED_RATIO * max_bytes:
        ceiling = MAX_UNCOMPRESSED_RATIO * max_bytes / 1024 / 1024
        raise InputError([Problem("file", f"expands to {expanded / 1024 / 1024:.0f} MB when unzipped; "
                                          f"allowed: at most {ceiling:.0f} MB", "workbook")])
    return content


def _load(content: bytes, *, data_only: bool) -> Any:
    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=data_only, keep_vba=False,
                             keep_links=False)
    except Exception as exc:  # openpyxl/defusedxml raise many types for a broken package
        cause: BaseException | None = exc
        while cause is not None and not type(cause).__module__.startswith("defusedxml"):
            cause = cause.__cause__ or cause.__context__
        if cause is not None:
            message = (f"contains unsafe XML ({type(cause).__name__}: entity and DTD declarations are "
                       "refused); allowed: a workbook saved by Excel, LibreOffice or openpyxl")
        else:
            message = f"cannot be read as an .xlsx workbook ({type(exc).__name__}: {exc})"
            message = message.splitlines()[0] + ")" if "\n" in message else message
        raise InputError([Problem("file", message, "workbook")]) from None


def _sheet_rows(values_ws: Any, formulas_ws: Any, sheet: str, max_rows: int,
                problems: _Problems) -> list[tuple[Any, ...]]:
    """All rows of a sheet as value tuples; formulas without a cached value become problems."""
    rows: list[tuple[Any, ...]] = []
    formula_rows = iter(()) if formulas_ws is None else formulas_ws.iter_rows(values_only=True)
    for row_number, values in enumerate(values_ws.iter_rows(values_only=True), start=1):
        formulas = next(formula_rows, ())
        if row_number > max_rows:
            problems.add("rows", f"the sheet has more than {max_rows} rows; allowed: at most "
                                 f"{max_rows} rows per sheet", f"{sheet}!A{row_number}")
            break
        values = tuple(values)
        for col, value in enumerate(values):
            if value is None and col < len(formulas):
                formula = formulas[col]
                if formula is not None and not isinstance(formula, int | float | bool | datetime | date
                                                          | time) and str(formula).startswith("="):
                    problems.add("formula", f"{formula} has no cached value (the file was saved by a "
                                            "program that does not compute formulas); allowed: open "
                                            "and save it in Excel or LibreOffice, or paste values",
                                 _cell(sheet, col, row_number))
        rows.append(values)
    return rows


def _find_header(rows: list[tuple[Any, ...]], sheet: _Sheet) -> int:
    """0-based index of the header row: the first row naming a required column (or row 0)."""
    names = {_norm(c.header) for c in sheet.columns if c.required} | {
        _norm(a) for c in sheet.columns if c.required for a in c.aliases}
    if sheet.key_value:
        names = {"setting", "key", "name", "parameter"}
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if any(v is not None and _norm(v) in names for v in row):
            return i
    return 0


def _as_table(name: str, rows: list[tuple[Any, ...]], sheet: _Sheet) -> _Table:
    if not rows:
        return _Table(name, 1, [], [])
    header_index = _find_header(rows, sheet)
    headers = [None if _is_empty(v) else str(v).strip() for v in rows[header_index]]
    body = [(header_index + 2 + i, row) for i, row in enumerate(rows[header_index + 1:])
            if any(not _is_empty(v) for v in row)]
    return _Table(name, header_index + 1, headers, body)  # type: ignore[arg-type]


def _locator(sheet: str, table: _Table, row: int, spec: _Sheet) -> Callable[[str], str]:
    """Maps a dataclass field name to the cell of that field in ``row``."""
    def locate(field_name: str) -> str:
        for column in spec.columns:
            if column.field == field_name:
                index = table.index_of(spec, column)
                if index is not None:
                    return _cell(sheet, index, row)
        return f"{sheet}!A{row}"
    return locate


def _read_objects(table: _Table, spec: _Sheet, factory: Callable[..., Any], problems: _Problems,
                  claimed: set[str] | None = None) -> list[tuple[int, Any]]:
    """One dataclass per data row of a table sheet; returns (row number, object) pairs.

    ``claimed`` receives the ``name`` of every row, valid or not, so that a row with a bad cell
    does not also make every reference to its name an error.
    """
    sheet = table.name
    indices: dict[str, int] = {}
    missing = []
    for column in spec.columns:
        index = table.index_of(spec, column)
        if index is None:
            if column.required:
                missing.append(column.header)
        else:
            indices[column.field] = index
    if missing:
        width = max(len(table.headers), 1)
        found = ", ".join(h for h in table.headers if h) or "none"
        for header in missing:
            problems.add(header, f"column is missing; required columns: "
                                 f"{', '.join(c.header for c in spec.columns if c.required)} "
                                 f"(found: {found})",
                         f"{sheet}!A{table.header_row}:{get_column_letter(width)}{table.header_row}")
        return []
    objects: list[tuple[int, Any]] = []
    name_index = indices.get("name")
    for row_number, values in table.rows:
        kwargs: dict[str, Any] = {}
        row_ok = True
        if claimed is not None and name_index is not None and name_index < len(values) \
                and not _is_empty(values[name_index]):
            claimed.add(_parse_text(values[name_index]))
        for column in spec.columns:
            index = indices.get(column.field)
            value = values[index] if index is not None and index < len(values) else None
            if _is_empty(value):
                if column.required:
                    problems.add(column.header, "is required; " + column.note,
                                 _cell(sheet, index if index is not None else 0, row_number))
                    row_ok = False
                continue
            try:
                kwargs[column.field] = _parse_cell(column, value)
            except _CellError as exc:
                problems.add(column.header, str(exc), _cell(sheet, index or 0, row_number))
                row_ok = False
        if not row_ok:
            continue
        try:
            objects.append((row_number, factory(**kwargs)))
        except InputError as exc:
            problems.extend_from(exc, _locator(sheet, table, row_number, spec))
    return objects


def _read_key_values(table: _Table, spec: _Sheet, problems: _Problems) -> tuple[dict[str, Any],
                                                                                 dict[str, str]]:
    """Key/value sheet → (field → parsed value, field → value cell)."""
    sheet = table.name
    by_key = {}
    for column in spec.columns:
        for alias in (column.header, column.field, *column.aliases):
            by_key[_norm(alias)] = column
    parsed: dict[str, Any] = {}
    cells: dict[str, str] = {}
    for row_number, values in table.rows:
        key = values[0] if values else None
        value = values[1] if len(values) > 1 else None
        if _is_empty(key):
            if not _is_empty(value):
                problems.add("setting", "has a value but no setting name in column A",
                             _cell(sheet, 0, row_number))
            continue
        column = by_key.get(_norm(key))
        if column is None:
            problems.add("setting", f"unknown setting {key!r}; allowed: "
                                    f"{', '.join(c.header for c in spec.columns)}",
                         _cell(sheet, 0, row_number))
            continue
        location = _cell(sheet, 1, row_number)
        if column.field in parsed or column.field in cells:
            problems.add(column.header, "is given twice", location)
            continue
        cells[column.field] = location
        if _is_empty(value):
            if column.required:
                problems.add(column.header, "is required; " + column.note, location)
            continue
        try:
            parsed[column.field] = _parse_cell(column, value)
        except _CellError as exc:
            problems.add(column.header, str(exc), location)
    for column in spec.columns:
        if column.required and column.field not in cells:
            problems.add(column.header, f"is missing; add a row '{column.header}' with "
                                        f"{column.note[0].lower() + column.note[1:]}",
                         f"{sheet}!A{table.header_row + len(table.rows) + 1}")
    return parsed, cells


def _grid_check(stamp: pd.Timestamp, settings: Settings) -> str | None:
    """Why ``stamp`` is not an interval start of the horizon (None when it is)."""
    start = pd.Timestamp(settings.start_date)
    step = pd.Timedelta(minutes=settings.interval_minutes)
    last = start + step * (settings.interval_count - 1)
    offset = stamp - start
    if offset % step != pd.Timedelta(0):
        return (f"{stamp:%Y-%m-%d %H:%M} is not on the {settings.interval_minutes}-minute grid; "
                f"allowed: interval starts every {settings.interval_minutes} min from "
                f"{start:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M}")
    if not start <= stamp <= last:
        return (f"{stamp:%Y-%m-%d %H:%M} is outside the horizon; allowed: {start:%Y-%m-%d %H:%M} to "
                f"{last:%Y-%m-%d %H:%M} (Settings start_date and days)")
    return None


def _read_forecast(table: _Table, settings: Settings | None, channels: set[str], segments: set[str],
                   problems: _Problems) -> pd.DataFrame | None:
    """The Forecast sheet in the long or the wide layout → forecast frame."""
    sheet = table.name
    normed = [_norm(h) if h else "" for h in table.headers]
    long_layout = "channel" in normed or "contacts" in normed
    if long_layout:
        return _read_forecast_long(table, settings, channels, segments, problems)
    if "intervalstart" not in normed:
        problems.add("interval_start", "column is missing; allowed: the long layout (interval_start, "
                                       "channel, segment, contacts[, aht_seconds]) or the wide layout "
                                       "(interval_start, then one column per channel/segment such as "
                                       "voice/tech)", f"{sheet}!A{table.header_row}")
        return None
    time_col = normed.index("intervalstart")
    pairs: dict[int, tuple[str, str]] = {}
    for col, header in enumerate(table.headers):
        if col == time_col or header is None:
            continue
        parts = [p.strip() for p in header.split("/")]
        if len(parts) == 2:
            parts = [_known_name(parts[0], channels), _known_name(parts[1], segments)]
        location = _cell(sheet, col, table.header_row)
        if len(parts) != 2 or not all(parts):
            problems.add("channel", f"header {header!r} is not channel/segment; allowed: e.g. voice/tech",
                         location)
            continue
        if parts[0] not in channels:
            problems.add("channel", f"unknown channel {parts[0]!r} in header {header!r}; allowed: "
                                    f"{', '.join(sorted(channels))}", location)
        if parts[1] not in segments:
            problems.add("segment", f"unknown segment {parts[1]!r} in header {header!r}; allowed: "
                                    f"{', '.join(sorted(segments))}", location)
        pairs[col] = (parts[0], parts[1])
    if not pairs:
        problems.add("contacts", "no channel/segment columns; allowed: columns named like voice/tech",
                     f"{sheet}!B{table.header_row}")
        return None
    records: list[_ForecastRecord] = []
    seen: dict[pd.Timestamp, int] = {}
    for row_number, values in table.rows:
        stamp = _interval_cell(values, time_col, row_number, sheet, settings, problems)
        if stamp is None:
            continue
        if stamp in seen:
            problems.add("interval_start", f"duplicate row for {stamp:%Y-%m-%d %H:%M} (first at row "
                                           f"{seen[stamp]}); allowed: each interval once",
                         _cell(sheet, time_col, row_number))
            continue
        seen[stamp] = row_number
        for col, (channel, segment) in pairs.items():
            value = values[col] if col < len(values) else None
            location = _cell(sheet, col, row_number)
            contacts = _contacts_cell(value, location, problems)
            if contacts is not None:
                records.append((stamp, channel, segment, contacts, math.nan, location))
    return _forecast_frame(records)


def _known_name(text: str, known: set[str]) -> str:
    """``text`` as written, or the one known name it matches case- and space-insensitively."""
    if text in known:
        return text
    matches = [name for name in known if _norm(name) == _norm(text)]
    return matches[0] if len(matches) == 1 else text


def _interval_cell(values: tuple[Any, ...], col: int, row_number: int, sheet: str,
                   settings: Settings | None, problems: _Problems) -> pd.Timestamp | None:
    value = values[col] if col < len(values) else None
    location = _cell(sheet, col, row_number)
    if _is_empty(value):
        problems.add("interval_start", "is required; a date-time cell or YYYY-MM-DD HH:MM", location)
        return None
    try:
        stamp = _parse_datetime(value)
    except _CellError as exc:
        problems.add("interval_start", str(exc), location)
        return None
    if settings is not None:
        reason = _grid_check(stamp, settings)
        if reason:
            problems.add("interval_start", reason, location)
            return None
    return stamp


def _contacts_cell(value: object, location: str, problems: _Problems) -> float | None:
    if _is_empty(value):
        return 0.0
    try:
        contacts = _parse_number(value)
    except _CellError as exc:
        problems.add("contacts", f"{exc}; allowed: a number of contacts ≥ 0", location)
        return None
    if not math.isfinite(contacts) or contacts < 0:
        problems.add("contacts", f"must be a number ≥ 0, got {value!r}", location)
        return None
    return contacts


def _read_forecast_long(table: _Table, settings: Settings | None, channels: set[str],
                        segments: set[str], problems: _Problems) -> pd.DataFrame | None:
    sheet = table.name
    spec = _FORECAST
    index = {c.field: table.index_of(spec, c) for c in spec.columns}
    missing = [c.header for c in spec.columns if c.required and index[c.field] is None]
    if missing:
        width = max(len(table.headers), 1)
        found = ", ".join(h for h in table.headers if h) or "none"
        for header in missing:
            problems.add(header, f"column is missing; required columns: interval_start, channel, "
                                 f"segment, contacts (found: {found})",
                         f"{sheet}!A{table.header_row}:{get_column_letter(width)}{table.header_row}")
        return None
    col_time, col_channel, col_segment, col_contacts = (index["interval_start"], index["channel"],
                                                        index["segment"], index["contacts"])
    col_aht = index["aht_seconds"]
    records: list[_ForecastRecord] = []
    seen: dict[tuple[pd.Timestamp, str, str], int] = {}
    for row_number, values in table.rows:
        ok = True
        stamp = _interval_cell(values, col_time, row_number, sheet, settings, problems)  # type: ignore[arg-type]
        names = []
        for field_name, col, known in (("channel", col_channel, channels),
                                       ("segment", col_segment, segments)):
            value = values[col] if col < len(values) else None  # type: ignore[operator]
            location = _cell(sheet, col, row_number)  # type: ignore[arg-type]
            if _is_empty(value):
                problems.add(field_name, f"is required; allowed: {', '.join(sorted(known))}", location)
                ok = False
                continue
            name = _parse_text(value)
            if name not in known:
                problems.add(field_name, f"unknown {field_name} {name!r}; allowed: "
                                         f"{', '.join(sorted(known)) or '(none defined)'}", location)
                ok = False
            names.append(name)
        raw = values[col_contacts] if col_contacts < len(values) else None  # type: ignore[operator]
        location = _cell(sheet, col_contacts, row_number)  # type: ignore[arg-type]
        if _is_empty(raw):
            problems.add("contacts", "is required; a number of contacts ≥ 0", location)
            contacts = None
        else:
            contacts = _contacts_cell(raw, location, problems)
        aht = math.nan
        if col_aht is not None and col_aht < len(values) and not _is_empty(values[col_aht]):
            location = _cell(sheet, col_aht, row_number)
            try:
                aht = _parse_number(values[col_aht])
                if not math.isfinite(aht) or aht <= 0:
                    problems.add("aht_seconds", f"must be > 0 seconds or empty, got {values[col_aht]!r}",
                                 location)
                    ok = False
            except _CellError as exc:
                problems.add("aht_seconds", f"{exc}; allowed: seconds > 0 or empty", location)
                ok = False
        if stamp is None or contacts is None or not ok:
            continue
        key = (stamp, names[0], names[1])
        if key in seen:
            problems.add("interval_start", f"duplicate row for {stamp:%Y-%m-%d %H:%M} {names[0]}/"
                                           f"{names[1]} (first at row {seen[key]}); allowed: each "
                                           "interval × channel × segment once",
                         _cell(sheet, col_time, row_number))  # type: ignore[arg-type]
            continue
        seen[key] = row_number
        records.append((stamp, names[0], names[1], contacts, aht,
                        _cell(sheet, col_contacts, row_number)))  # type: ignore[arg-type]
    return _forecast_frame(records)


_ForecastRecord = tuple[pd.Timestamp, str, str, float, float, str]
"""One forecast value read: interval start, channel, segment, contacts, AHT, its contacts cell."""
_SOURCE_CELL = "source_cell"
"""Column of the frames the forecast readers return: the ``Sheet!Cell`` each value came from
(dropped before the scenario is built)."""


def _forecast_frame(records: list[_ForecastRecord]) -> pd.DataFrame:
    frame = pd.DataFrame(records, columns=["interval_start", "channel", "segment", "contacts",
                                           "aht_seconds", _SOURCE_CELL])
    frame["interval_start"] = pd.to_datetime(frame["interval_start"])
    frame["contacts"] = frame["contacts"].astype(float)
    frame["aht_seconds"] = frame["aht_seconds"].astype(float)
    return frame.sort_values(["interval_start", "channel", "segment"]).reset_index(drop=True)


def _read_shrinkage(table: _Table, settings: Settings | None, channels: set[str],
                    problems: _Problems) -> pd.DataFrame | None:
    sheet = table.name
    index = {c.field: table.index_of(_SHRINKAGE, c) for c in _SHRINKAGE.columns}
    missing = [c.header for c in _SHRINKAGE.columns if index[c.field] is None]
    if missing:
        for header in missing:
            problems.add(header, "column is missing; required columns: interval_start, channel, "
                                 "shrinkage", f"{sheet}!A{table.header_row}")
        return None
    records = []
    seen: dict[tuple[pd.Timestamp, str], int] = {}
    for row_number, values in table.rows:
        stamp = _interval_cell(values, index["interval_start"], row_number, sheet, settings,  # type: ignore[arg-type]
                               problems)
        col = index["channel"]
        raw_channel = values[col] if col < len(values) else None  # type: ignore[operator]
        channel = None if _is_empty(raw_channel) else _parse_text(raw_channel)
        if channel not in channels:
            problems.add("channel", f"unknown channel {raw_channel!r}; allowed: "
                                    f"{', '.join(sorted(channels))}", _cell(sheet, col, row_number))  # type: ignore[arg-type]
            channel = None
        col = index["shrinkage"]
        raw = values[col] if col < len(values) else None  # type: ignore[operator]
        location = _cell(sheet, col, row_number)  # type: ignore[arg-type]
        try:
            share = _parse_number(raw) if not _is_empty(raw) else None
        except _CellError as exc:
            problems.add("shrinkage", f"{exc}; allowed: a share in [0, 1)", location)
            continue
        if share is None or not 0 <= share < 1:
            problems.add("shrinkage", f"must be in [0, 1), got {raw!r}", location)
            continue
        if stamp is None or channel is None:
            continue
        if (stamp, channel) in seen:
            problems.add("interval_start", f"duplicate row for {stamp:%Y-%m-%d %H:%M} {channel} (first "
                                           f"at row {seen[(stamp, channel)]})",
                         _cell(sheet, index["interval_start"], row_number))  # type: ignore[arg-type]
            continue
        seen[(stamp, channel)] = row_number
        records.append((stamp, channel, share))
    frame = pd.DataFrame(records, columns=["interval_start", "channel", "shrinkage"])
    frame["interval_start"] = pd.to_datetime(frame["interval_start"])
    frame["shrinkage"] = frame["shrinkage"].astype(float)
    return frame.sort_values(["interval_start", "channel"]).reset_index(drop=True)


def _check_references(tables: Mapping[str, _Table], objects: Mapping[str, list[tuple[int, Any]]],
                      claimed: Mapping[str, set[str]], settings: Settings | None,
                      problems: _Problems) -> None:
    """Located cross-reference checks (the same rules as ``validate_scenario_references``)."""
    def where(sheet: _Sheet, row: int, field_name: str) -> str:
        table = tables.get(sheet.name)
        if table is None:
            return f"{sheet.name}!A{row}"
        return _locator(table.name, table, row, sheet)(field_name)

    def unique(sheet: _Sheet, what: str) -> set[str]:
        seen: dict[str, int] = {}
        for row, item in objects.get(sheet.name, []):
            if item.name in seen:
                problems.add("name", f"{what} {item.name!r} is defined twice (first at row "
                                     f"{seen[item.name]}); allowed: unique names", where(sheet, row, "name"))
            seen.setdefault(item.name, row)
        return set(seen) | claimed.get(sheet.name, set())

    channel_names = unique(_CHANNELS, "channel")
    segment_names = unique(_SEGMENTS, "segment")
    template_names = unique(_TEMPLATES, "shift template")
    caps = {s.name: s.max_self_service_share for _, s in objects.get("Segments", [])}
    pairs: dict[tuple[str, str], int] = {}
    for row, d in objects.get("Deflection", []):
        for field_name, name, known, what in (("segment", d.segment, segment_names, "segment"),
                                              ("channel", d.channel, channel_names, "channel"),
                                              ("escalation_channel", d.escalation_channel,
                                               channel_names, "channel")):
            if name not in known:
                problems.add(field_name, f"unknown {what} {name!r}; allowed: "
                                         f"{', '.join(sorted(known))}", where(_DEFLECTION, row, field_name))
        if (d.segment, d.channel) in pairs:
            problems.add("channel", f"deflection for ({d.segment}, {d.channel}) is defined twice (first "
                                    f"at row {pairs[(d.segment, d.channel)]})",
                         where(_DEFLECTION, row, "channel"))
        pairs.setdefault((d.segment, d.channel), row)
        if d.segment in caps and d.self_service_share > caps[d.segment] + 1e-12:
            problems.add("self_service_share", f"{d.self_service_share:g} exceeds the cap "
                                               f"max_self_service_share {caps[d.segment]:g} of segment "
                                               f"{d.segment!r}; allowed: ≤ {caps[d.segment]:g}",
                         where(_DEFLECTION, row, "self_service_share"))
    groups = objects.get("StaffingGroups", [])
    groups_given = "StaffingGroups" in tables and bool(tables["StaffingGroups"].rows)
    group_names = unique(_GROUPS, "staffing group") if groups_given else set(channel_names)
    served: dict[tuple[str, str], str] = {}
    for row, g in groups:
        if g.channel not in channel_names:
            problems.add("channel", f"unknown channel {g.channel!r}; allowed: "
                                    f"{', '.join(sorted(channel_names))}", where(_GROUPS, row, "channel"))
        for s in g.segments:
            if s not in segment_names:
                problems.add("segments", f"unknown segment {s!r}; allowed: "
                                         f"{', '.join(sorted(segment_names))}",
                             where(_GROUPS, row, "segments"))
            elif (g.channel, s) in served:
                problems.add("segments", f"({g.channel}, {s}) is already served by group "
                                         f"{served[(g.channel, s)]!r}; allowed: one group per pair",
                             where(_GROUPS, row, "segments"))
            served.setdefault((g.channel, s), g.name)
    if groups:
        table = tables.get("StaffingGroups")
        for c in sorted(channel_names):
            for s in sorted(segment_names):
                if (c, s) not in served:
                    problems.add("segments", f"no staffing group serves channel {c!r} segment {s!r}; "
                                             "every pair needs one group",
                                 f"StaffingGroups!A{(table.header_row if table else 1)}")
    interval = settings.interval_minutes if settings else None
    lengths: dict[str, int] = {}
    for row, t in objects.get("ShiftTemplates", []):
        lengths[t.name] = t.length_minutes
        if t.group not in group_names:
            problems.add("group", f"unknown staffing group {t.group!r}; allowed: "
                                  f"{', '.join(sorted(group_names))}", where(_TEMPLATES, row, "group"))
        for field_name in ("length_minutes", "start_step_minutes"):
            if interval and getattr(t, field_name) % interval:
                problems.add(field_name, f"{getattr(t, field_name)} is not a multiple of the "
                                         f"{interval}-minute interval", where(_TEMPLATES, row, field_name))
    activities: dict[tuple[str, str], int] = {}
    for row, b in objects.get("BreakRules", []):
        if b.template not in template_names:
            problems.add("template", f"unknown shift template {b.template!r}; allowed: "
                                     f"{', '.join(sorted(template_names)) or '(none defined)'}",
                         where(_BREAKS, row, "template"))
        elif b.latest_start_offset_minutes + b.duration_minutes > lengths[b.template]:
            problems.add("latest_start_offset_minutes",
                         f"break {b.activity!r} would end after the {lengths[b.template]}-minute shift "
                         f"({b.latest_start_offset_minutes}+{b.duration_minutes}); allowed: ≤ "
                         f"{lengths[b.template] - b.duration_minutes}",
                         where(_BREAKS, row, "latest_start_offset_minutes"))
        if interval and b.duration_minutes % interval:
            problems.add("duration_minutes", f"{b.duration_minutes} is not a multiple of the "
                                             f"{interval}-minute interval",
                         where(_BREAKS, row, "duration_minutes"))
        if (b.template, b.activity) in activities:
            problems.add("activity", f"{b.activity!r} is defined twice for {b.template!r} (first at row "
                                     f"{activities[(b.template, b.activity)]})",
                         where(_BREAKS, row, "activity"))
        activities.setdefault((b.template, b.activity), row)


def _check_closed_hours(forecast: pd.DataFrame, channels: Sequence[tuple[int, Channel]],
                        problems: _Problems) -> None:
    """Voice/chat contacts forecast while their channel is closed, each at its contacts cell.

    The rule and the message are :func:`planner.demand.closed_hours_rows`; this maps rows to cells.
    """
    closed = closed_hours_rows(forecast, [channel for _, channel in channels])
    cells = forecast.loc[closed.index, _SOURCE_CELL]
    for channel, message, cell in zip(closed["channel"], closed["message"], cells, strict=True):
        problems.add(str(channel), message, str(cell))


_SHEET_OF_FIELD = {"channels": "Channels", "segments": "Segments", "forecast": "Forecast",
                   "staffing_groups": "StaffingGroups", "contacts": "Forecast"}


def read_workbook(path_or_file: str | os.PathLike[str] | IO[bytes] | bytes, *,
                  max_bytes: int = DEFAULT_MAX_BYTES, max_rows: int = DEFAULT_MAX_ROWS) -> Scenario:
    """Read a scenario workbook into a validated :class:`~planner.types.Scenario`.

    Parameters
    ----------
    path_or_file : path, binary file object or bytes
        The ``.xlsx`` workbook (``.xlsm`` is read with its macros ignored).
    max_bytes : int
        Largest file accepted, bytes; checked before anything is parsed.
    max_rows : int
        Most rows read per sheet.

    Returns
    -------
    Scenario
        The typed, validated scenario.

    Raises
    ------
    planner.types.InputError
        With **every** problem found, each located as ``Sheet!Cell`` (``Forecast!B7: channel
        unknown channel 'fax'; allowed: chat, email, voice``).
    """
    content = _read_bytes(path_or_file, max_bytes)
    values_book = _load(content, data_only=True)
    try:
        # The second load (to see formulas) is only needed when some sheet holds a formula.
        formulas_book = _load(content, data_only=False) if _has_formulas(content) else None
        try:
            return _read_books(values_book, formulas_book, path_or_file, max_rows)
        finally:
            if formulas_book is not None:
                formulas_book.close()
    finally:
        values_book.close()


def _has_formulas(content: bytes) -> bool:
    """Whether any worksheet part has a formula element ``<f>`` (cheap scan of the raw XML)."""
    pattern = re.compile(rb"<(?:\w+:)?f[\s>/]")
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        return any(pattern.search(package.read(info)) for info in package.infolist()
                   if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"))


def _read_books(values_book: Any, formulas_book: Any, source: object, max_rows: int) -> Scenario:
    problems = _Problems()
    present = {_norm(name): name for name in values_book.sheetnames}
    tables: dict[str, _Table] = {}
    for spec in _SHEETS:
        actual = next((present[_norm(n)] for n in (spec.name, *spec.aliases) if _norm(n) in present), None)
        if actual is None:
            if spec.required:
                problems.add("sheet", f"is missing; required sheets: "
                                      f"{', '.join(s.name for s in _SHEETS if s.required)} (found: "
                                      f"{', '.join(values_book.sheetnames)})", spec.name)
            continue
        rows = _sheet_rows(values_book[actual], formulas_book[actual] if formulas_book else None,
                           actual, max_rows, problems)
        tables[spec.name] = _as_table(actual, rows, spec)

    settings: Settings | None = None
    name = Path(str(source)).stem if isinstance(source, str | os.PathLike) else "scenario"
    if "Settings" in tables:
        parsed, cells = _read_key_values(tables["Settings"], _SETTINGS, problems)
        name = parsed.pop("name", name)
        if "start_date" in parsed:
            try:
                settings = Settings(**parsed)
            except InputError as exc:
                problems.extend_from(exc, lambda f: cells.get(f, "Settings!B1"))
    mix = MixSettings()
    if "MixSettings" in tables:
        parsed, cells = _read_key_values(tables["MixSettings"], _MIX, problems)
        try:
            mix = MixSettings(**parsed)
        except InputError as exc:
            problems.extend_from(exc, lambda f: cells.get(f, "MixSettings!B1"))

    objects: dict[str, list[tuple[int, Any]]] = {}
    claimed: dict[str, set[str]] = {}
    for spec, factory in ((_CHANNELS, Channel), (_SEGMENTS, Segment), (_DEFLECTION, Deflection),
                          (_GROUPS, StaffingGroup), (_TEMPLATES, ShiftTemplate), (_BREAKS, BreakRule)):
        if spec.name in tables:
            claimed[spec.name] = set()
            objects[spec.name] = _read_objects(tables[spec.name], spec, factory, problems,
                                               claimed[spec.name])
    channel_names = claimed.get("Channels", set())
    segment_names = claimed.get("Segments", set())
    for spec in (_CHANNELS, _SEGMENTS):
        if spec.name in tables and not tables[spec.name].rows:
            problems.add(spec.name.lower(), "has no rows; at least one is required",
                         f"{tables[spec.name].name}!A{tables[spec.name].header_row + 1}")
    forecast = None
    if "Forecast" in tables:
        forecast = _read_forecast(tables["Forecast"], settings, channel_names, segment_names, problems)
    shrinkage = None
    if "Shrinkage" in tables and tables["Shrinkage"].rows:
        shrinkage = _read_shrinkage(tables["Shrinkage"], settings, channel_names, problems)
    if forecast is not None:
        _check_closed_hours(forecast, objects.get("Channels", []), problems)
        forecast = forecast.drop(columns=[_SOURCE_CELL])
    if forecast is not None and not len(forecast) and not problems:
        table = tables["Forecast"]
        problems.add("contacts", "the forecast has no rows; at least one interval is required",
                     f"{table.name}!A{table.header_row + 1}")
    _check_references(tables, objects, claimed, settings, problems)
    if problems or settings is None or forecast is None:
        raise InputError(problems.result() or [Problem("workbook", "could not be read", "workbook")])

    def things(sheet: str) -> tuple[Any, ...]:
        return tuple(item for _, item in objects.get(sheet, []))

    try:
        return Scenario(name=name, settings=settings, channels=things("Channels"),
                        segments=things("Segments"), forecast=forecast,
                        deflections=things("Deflection"), staffing_groups=things("StaffingGroups"),
                        shift_templates=things("ShiftTemplates"), break_rules=things("BreakRules"),
                        mix=mix, shrinkage_by_interval=shrinkage)
    except InputError as exc:
        problems.extend_from(exc, lambda f: f"{_SHEET_OF_FIELD.get(f, 'workbook')}")
        raise InputError(problems.result()) from None


# ------------------------------------------------------------------------------------------------
# Writing the input sheets (template, and the inputs echoed in a plan)
# ------------------------------------------------------------------------------------------------
def _field_default(cls: type, field_name: str) -> Any:
    for f in fields(cls):
        if f.name == field_name:
            if f.default is not MISSING:
                return f.default
            if f.default_factory is not MISSING:  # pragma: no cover - no such field today
                return f.default_factory()
    return MISSING


def _cell_value(column: _Column, value: Any, cls: type) -> Any:
    """The value written for one field (inverse of :func:`_parse_cell`)."""
    if value is None:
        default = _field_default(cls, column.field)
        return "none" if column.nullable and default not in (None, MISSING) else None
    if column.kind == "time":
        return _format_minute(int(value))
    if column.kind == "days":
        return _format_days(value)
    if column.kind == "bool":
        return "yes" if value else "no"
    if column.kind == "names":
        return ", ".join(value)
    if column.kind == "datetime":
        return pd.Timestamp(value).to_pydatetime()
    if isinstance(value, float) and value.is_integer() and column.kind == "int":
        return int(value)
    return value


def _style_header(ws: Worksheet, count: int, row: int = 1) -> None:
    for col in range(1, count + 1):
        cell = ws.cell(row=row, column=col)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=False, vertical="center")
    ws.freeze_panes = ws.cell(row=row + 1, column=1)


def _set_widths(ws: Worksheet, widths: Sequence[int]) -> None:
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width


def _write_table_sheet(ws: Worksheet, spec: _Sheet, objects: Sequence[Any], cls: type, *,
                       annotate: bool) -> None:
    headers = [c.header for c in spec.columns]
    ws.append(headers)
    for item in objects:
        ws.append([_cell_value(c, getattr(item, c.field), cls) for c in spec.columns])
    _style_header(ws, len(headers))
    _set_widths(ws, [max(12, len(h) + 3) for h in headers])
    if annotate:
        _annotate(ws, spec, header_row=1)


def _annotate(ws: Worksheet, spec: _Sheet, header_row: int, *, key_value: bool = False) -> None:
    """Header comments and drop-down validation of the enumerated columns."""
    last_row = 2000 if spec.name in ("Forecast", "Shrinkage") else 500
    for index, column in enumerate(spec.columns):
        tag = "required" if column.required else "optional"
        comment = Comment(f"{column.header} ({tag}): {column.note}", "planner template")
        comment.width, comment.height = 300, 110
        if key_value:
            ws.cell(row=header_row + 1 + index, column=1).comment = comment
            continue
        ws.cell(row=header_row, column=index + 1).comment = comment
        letter = get_column_letter(index + 1)
        formula = None
        if column.kind == "choice" or column.choices:
            formula = '"' + ",".join(column.choices) + '"'
        elif column.kind == "bool":
            formula = '"yes,no"'
        elif column.lookup:
            formula = column.lookup
        if formula:
            validation = DataValidation(type="list", formula1=formula, allow_blank=True,
                                        showErrorMessage=not column.lookup)
            validation.error = f"{column.header}: {column.note}"
            validation.errorTitle = "Not an allowed value"
            ws.add_data_validation(validation)
            validation.add(f"{letter}{header_row + 1}:{letter}{last_row}")


def _write_key_value_sheet(ws: Worksheet, spec: _Sheet, values: Mapping[str, Any], cls: type | None,
                           *, annotate: bool) -> None:
    ws.append(["setting", "value", "notes"])
    for column in spec.columns:
        value = values.get(column.field)
        if column.kind == "date" and isinstance(value, date):
            cell_value: Any = value
        elif cls is not None:
            cell_value = _cell_value(column, value, cls)
        else:
            cell_value = value
        ws.append([column.header, cell_value, column.note])
        if column.kind == "date":
            ws.cell(row=ws.max_row, column=2).number_format = DATE_FORMAT
    _style_header(ws, 3)
    _set_widths(ws, [36, 22, 90])
    if annotate:
        _annotate(ws, spec, header_row=1, key_value=True)
        for index, column in enumerate(spec.columns):
            if column.kind == "choice" or column.choices:
                validation = DataValidation(type="list", formula1='"' + ",".join(column.choices) + '"',
                                            allow_blank=True)
                ws.add_data_validation(validation)
                validation.add(f"B{index + 2}")


def _write_forecast_sheet(ws: Worksheet, forecast: pd.DataFrame, *, annotate: bool) -> None:
    headers = [c.header for c in _FORECAST.columns]
    ws.append(headers)
    ordered = forecast.sort_values(["interval_start", "channel", "segment"])
    stamps = pd.to_datetime(ordered["interval_start"]).dt.to_pydatetime()
    aht = ordered["aht_seconds"].to_numpy(dtype=float) if "aht_seconds" in ordered else \
        np.full(len(ordered), np.nan)
    for stamp, channel, segment, contacts, seconds in zip(stamps, ordered["channel"], ordered["segment"],
                                                          ordered["contacts"].to_numpy(dtype=float), aht,
                                                          strict=True):
        ws.append([stamp, channel, segment, float(contacts), None if math.isnan(seconds) else float(seconds)])
    for row in ws.iter_rows(min_row=2, max_col=1):
        row[0].number_format = DATETIME_FORMAT
    _style_header(ws, len(headers))
    _set_widths(ws, [19, 12, 14, 11, 13])
    if annotate:
        _annotate(ws, _FORECAST, header_row=1)


def _write_shrinkage_sheet(ws: Worksheet, shrinkage: pd.DataFrame | None) -> None:
    ws.append([c.header for c in _SHRINKAGE.columns])
    if shrinkage is not None:
        ordered = shrinkage.sort_values(["interval_start", "channel"])
        for stamp, channel, share in zip(pd.to_datetime(ordered["interval_start"]).dt.to_pydatetime(),
                                         ordered["channel"], ordered["shrinkage"].astype(float),
                                         strict=True):
            ws.append([stamp, channel, float(share)])
        for row in ws.iter_rows(min_row=2, max_col=1):
            row[0].number_format = DATETIME_FORMAT
    _style_header(ws, 3)
    _set_widths(ws, [19, 12, 11])


def _write_inputs(book: Workbook, scenario: Scenario, *, annotate: bool = False) -> None:
    """Append the scenario's input sheets, in the layout :func:`read_workbook` reads."""
    settings_values = {f.name: getattr(scenario.settings, f.name) for f in fields(Settings)}
    settings_values["name"] = scenario.name
    _write_key_value_sheet(book.create_sheet("Settings"), _SETTINGS, settings_values, Settings,
                           annotate=annotate)
    _write_table_sheet(book.create_sheet("Channels"), _CHANNELS, scenario.channels, Channel,
                       annotate=annotate)
    _write_table_sheet(book.create_sheet("Segments"), _SEGMENTS, scenario.segments, Segment,
                       annotate=annotate)
    _write_forecast_sheet(book.create_sheet("Forecast"), scenario.forecast, annotate=annotate)
    _write_table_sheet(book.create_sheet("Deflection"), _DEFLECTION, scenario.deflections, Deflection,
                       annotate=annotate)
    _write_table_sheet(book.create_sheet("StaffingGroups"), _GROUPS, scenario.staffing_groups,
                       StaffingGroup, annotate=annotate)
    _write_table_sheet(book.create_sheet("ShiftTemplates"), _TEMPLATES, scenario.shift_templates,
                       ShiftTemplate, annotate=annotate)
    _write_table_sheet(book.create_sheet("BreakRules"), _BREAKS, scenario.break_rules, BreakRule,
                       annotate=annotate)
    mix_values = {f.name: getattr(scenario.mix, f.name) for f in fields(MixSettings)}
    _write_key_value_sheet(book.create_sheet("MixSettings"), _MIX, mix_values, MixSettings,
                           annotate=annotate)
    _write_shrinkage_sheet(book.create_sheet("Shrinkage"), scenario.shrinkage_by_interval)


def write_scenario(scenario: Scenario, path_or_file: str | os.PathLike[str] | IO[bytes]) -> None:
    """Write a scenario as an input workbook that :func:`read_workbook` reads back equal.

    Parameters
    ----------
    scenario : Scenario
        The scenario to write.
    path_or_file : path or binary file object
        Destination ``.xlsx``.
    """
    book = Workbook()
    book.remove(book.active)
    _write_inputs(book, scenario)
    _save(book, path_or_file)


def example_scenario() -> Scenario:
    """The small scenario of the template's example rows: one weekday, three channels, two hours.

    Returns
    -------
    Scenario
        Valid, readable as it stands; planners overwrite its rows with their own.
    """
    settings = Settings(start_date=date(2026, 1, 5), days=1, interval_minutes=15)
    channels = (
        Channel("voice", "voice", aht_seconds=300.0, service_level=0.8, answer_seconds=20.0,
                patience_seconds=120.0, shrinkage=0.3, open_minute=7 * 60, close_minute=22 * 60,
                open_days=frozenset(range(5))),
        Channel("chat", "chat", aht_seconds=480.0, service_level=0.8, answer_seconds=60.0,
                concurrency=2, shrinkage=0.3, open_minute=8 * 60, close_minute=20 * 60),
        Channel("email", "email", aht_seconds=420.0, service_level=None, answer_seconds=None,
                response_hours=4.0, shrinkage=0.3, open_minute=8 * 60, close_minute=18 * 60,
                open_days=frozenset(range(5))),
    )
    segments = (Segment("tech", 0.34, 0.66, 1.1), Segment("healthcare", 0.72, 0.4, 1.2),
                Segment("retail", 0.6, 0.5, 0.9))
    stamps = pd.date_range("2026-01-05 09:00", periods=8, freq="15min")
    records = [(stamp, channel, segment, float(base + 2 * k), math.nan)
               for k, stamp in enumerate(stamps)
               for channel, segment, base in (("voice", "tech", 10), ("voice", "healthcare", 18),
                                              ("voice", "retail", 14), ("chat", "tech", 8),
                                              ("chat", "retail", 9), ("email", "healthcare", 4))]
    forecast = pd.DataFrame(records, columns=["interval_start", "channel", "segment", "contacts",
                                              "aht_seconds"])
    deflections = (Deflection("tech", "chat", 0.5, 0.7, "chat", 1.2, 0.4),
                   Deflection("retail", "voice", 0.2, 0.5, "voice", 1.3, 0.6))
    templates = tuple(ShiftTemplate(f"{c.name} 8h", c.name, 480, earliest_start_minute=c.open_minute,
                                    latest_start_minute=c.close_minute - 480,
                                    days=frozenset(range(5)), cost_per_hour=cost,
                                    max_work_stretch_minutes=150)
                      for c, cost in zip(channels, (24.0, 22.0, 20.0), strict=True))
    # Any placement inside these windows keeps every work stretch ≤ 150 min.
    breaks = tuple(rule for t in templates for rule in (
        BreakRule(t.name, "BREAK1", 15, 90, 150, paid=True),
        BreakRule(t.name, "LUNCH", 30, 180, 240, paid=False),
        BreakRule(t.name, "BREAK2", 15, 315, 360, paid=True)))
    return Scenario(name="template example", settings=settings, channels=channels, segments=segments,
                    forecast=forecast, deflections=deflections, shift_templates=templates,
                    break_rules=breaks)


_INSTRUCTIONS_HEAD = (
    "Contact-center planner — scenario workbook",
    "",
    "Fill the sheets below, save as .xlsx and run:  planner plan THIS.xlsx -o plan.xlsx",
    "Headers are matched case- and space-insensitively and may be in any order; extra columns and "
    "sheets are ignored.",
    "Hover a header for its unit, allowed values and default. An empty optional cell takes the default; "
    "write 'none' to switch an optional target off.",
    "Times of day: HH:MM text or a time cell (24:00 = midnight). Weekdays: all, Mon-Fri, Sat-Sun, "
    "Mon,Wed,Sat. Dates: date cells or YYYY-MM-DD text.",
    "Formulas are read by their last computed value: save the file in Excel/LibreOffice before uploading.",
    "Costs: labour cost per paid hour is a column of ShiftTemplates; the automation cost per attempt is a "
    "column of Deflection; shortfall/overstaff penalties are Settings; the experience cost is MixSettings.",
    "Every problem is reported with its cell, e.g. 'Channels!C4: aht_seconds must be > 0, got -3'.",
    "",
)


def write_template(path_or_file: str | os.PathLike[str] | IO[bytes]) -> None:
    """Write the annotated scenario template.

    An ``Instructions`` sheet, then every input sheet with header comments (unit, allowed values,
    default), drop-down validation on enumerated columns and example rows
    (:func:`example_scenario`), so the template reads as a valid scenario as it stands.

    Parameters
    ----------
    path_or_file : path or binary file object
        Destination ``.xlsx``.
    """
    book = Workbook()
    ws = book.active
    ws.title = "Instructions"
    for line in _INSTRUCTIONS_HEAD:
        ws.append([line])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["Sheet", "Required", "Purpose / column", "Notes"])
    for cell in ws[ws.max_row]:
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
    for spec in _SHEETS:
        ws.append([spec.name, "yes" if spec.required else "no", spec.purpose])
        ws.cell(row=ws.max_row, column=1).font = _BOLD
        for column in spec.columns:
            ws.append(["", "required" if column.required else "optional", column.header, column.note])
    _set_widths(ws, [18, 10, 38, 110])
    _write_inputs(book, example_scenario(), annotate=True)
    _save(book, path_or_file)


# ------------------------------------------------------------------------------------------------
# Writing the plan
# ------------------------------------------------------------------------------------------------
_FORMATS: dict[str, str] = {
    "interval_start": DATETIME_FORMAT, "start": DATETIME_FORMAT, "end": DATETIME_FORMAT,
    "service_level": "0.0%", "predicted_service_level": "0.0%", "target_service_level": "0.0%",
    "occupancy": "0.0%", "predicted_occupancy": "0.0%", "abandon": "0.0%", "predicted_abandon": "0.0%",
    "shrinkage": "0.0%", "current_share": "0%", "recommended_share": "0%", "share": "0%", "cap": "0%",
    "containment_rate": "0%", "experience_risk": "0.00",
    "asa_seconds": "0.0", "predicted_asa_seconds": "0.0",
    "cost": "#,##0.00", "paid_hours": "0.00",
}
_MONEY = ("labour_cost", "automation_cost", "experience_cost", "total_cost")


def _number_format(column: str) -> str | None:
    if column in _FORMATS:
        return _FORMATS[column]
    if any(column.startswith(prefix) for prefix in _MONEY):
        return "#,##0"
    if column.endswith(("_erlangs", "_fractional", "scheduled_agents", "fte_current",
                        "fte_recommended")) or column.startswith("human_fte"):
        return "0.00"
    if column.endswith(("contacts", "attempts", "contained", "escalations", "deflection", "backlog",
                        "escalated_in", "escalated_out", "offered")):
        return "0.0"
    return None


def _excel_value(value: Any) -> Any:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.to_pydatetime()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, datetime | date | str | int | float | bool):
        return value
    return str(value)


def _write_frame(ws: Worksheet, frame: pd.DataFrame, *, start_row: int = 1, title: str | None = None
                 ) -> int:
    """Write a frame as a table (bold frozen header, widths, number formats); returns the last row."""
    row = start_row
    if title:
        ws.cell(row=row, column=1, value=title).font = Font(bold=True, size=12)
        row += 1
    columns = [str(c) for c in frame.columns]
    for col, name in enumerate(columns, start=1):
        cell = ws.cell(row=row, column=col, value=name)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
    if start_row == 1 and not title:
        ws.freeze_panes = ws.cell(row=row + 1, column=1)
    header_row = row
    formats = [_number_format(c) for c in columns]
    for values in frame.itertuples(index=False, name=None):
        row += 1
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=col, value=_excel_value(value))
            if formats[col - 1] and cell.value is not None:
                cell.number_format = formats[col - 1]
    for col, name in enumerate(columns, start=1):
        width = max(10, min(48, len(name) + 2))
        if formats[col - 1] == DATETIME_FORMAT:
            width = max(width, 17)
        elif frame[frame.columns[col - 1]].dtype == object and len(frame):
            longest = frame[frame.columns[col - 1]].fillna("").astype(str).str.len().max()
            width = max(width, min(60, int(longest or 0) + 2))
        letter = get_column_letter(col)
        current = ws.column_dimensions[letter].width
        ws.column_dimensions[letter].width = max(width, current or 0)
    if len(frame):
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(columns))}{row}"
    return row


def _note(ws: Worksheet, text: str) -> None:
    ws["A1"] = text
    ws.column_dimensions["A"].width = 90


def _write_summary(ws: Worksheet, plan: Any) -> None:
    scenario: Scenario = plan.scenario
    settings = scenario.settings
    rows: list[tuple[str, Any, str]] = [
        ("scenario", scenario.name, ""),
        ("status", plan.status, ""),
        ("start_date", settings.start_date, ""),
        ("days", settings.days, "days"),
        ("interval_minutes", settings.interval_minutes, "minutes"),
        ("currency", settings.currency, ""),
    ]
    for key, value in plan.kpis.items():
        rows.append((key, value, _kpi_unit(key, settings.currency)))
    schedule = plan.schedule
    if schedule is not None:
        solve = schedule.solve
        rows.append(("solver_status", str(getattr(solve.status, "value", solve.status)), ""))
        rows.append(("solver_objective", solve.objective, settings.currency))
        rows.append(("solver_gap", solve.gap, "relative"))
        rows.append(("solver_seconds", solve.seconds, "seconds"))
        if solve.message:
            rows.append(("solver_message", solve.message, ""))
        for group, result in schedule.per_group.items():
            rows.append((f"solver_status[{group}]", str(getattr(result.status, "value", result.status)),
                         f"gap {result.gap if result.gap is not None else 'n/a'}"))
        for key, value in schedule.model_size.items():
            rows.append((f"model_{key}", value, ""))
    else:
        rows.append(("schedule", "not computed", "run without --no-schedule to schedule shifts"))
    for stage, seconds in plan.timings.items():
        rows.append((f"seconds[{stage}]", seconds, "seconds"))
    ws.append(["item", "value", "unit"])
    for key, value, unit in rows:
        ws.append([key, _excel_value(value), unit])
        cell = ws.cell(row=ws.max_row, column=2)
        if isinstance(cell.value, float):
            cell.number_format = _kpi_format(key)
        elif isinstance(cell.value, date):
            cell.number_format = DATE_FORMAT
    _style_header(ws, 3)
    _set_widths(ws, [38, 22, 30])


def _kpi_unit(key: str, currency: str) -> str:
    if "cost" in key:
        return currency
    if key.endswith("_hours"):
        return "agent-hours"
    if "fte" in key:
        return "FTE (40 h/week)"
    if key.endswith("_seconds"):
        return "seconds"
    if "service_level" in key or "occupancy" in key or "abandon" in key or key.endswith("_share"):
        return "share"
    return ""


def _kpi_format(key: str) -> str:
    if "service_level" in key or "occupancy" in key or "abandon" in key or key.endswith("_share"):
        return "0.0%"
    if "cost" in key:
        return "#,##0.00"
    return "0.00"


def _show_axes(*charts: LineChart) -> None:
    """Keep the axes visible: openpyxl 3.1 leaves ``<c:delete>`` out, which Excel reads as hidden."""
    for chart in charts:
        chart.x_axis.delete = False
        chart.y_axis.delete = False


def _write_coverage(ws: Worksheet, coverage: pd.DataFrame) -> None:
    frame = coverage.sort_values(["group", "interval_start"]).reset_index(drop=True)
    last = _write_frame(ws, frame)
    if not len(frame):
        return
    columns = list(frame.columns)
    letters = {name: get_column_letter(i + 1) for i, name in enumerate(columns)}
    if "required" in letters and "scheduled" in letters:
        formula = f"AND(ISNUMBER(${letters['scheduled']}2),${letters['scheduled']}2<${letters['required']}2)"
        ws.conditional_formatting.add(f"A2:{get_column_letter(len(columns))}{last}",
                                      FormulaRule(formula=[formula], fill=_SHORT_FILL))
    anchor_col = get_column_letter(len(columns) + 2)
    anchor_row = 2
    for group, rows in frame.groupby("group", sort=False):
        first = int(rows.index.min()) + 2
        final = int(rows.index.max()) + 2
        chart = LineChart()
        chart.title = f"{group}: required vs scheduled agents"
        chart.y_axis.title = "agents"
        chart.x_axis.title = "interval"
        chart.height, chart.width = 8, 24
        for name in ("required", "scheduled"):
            if name in letters:
                chart.add_data(Reference(ws, min_col=columns.index(name) + 1, min_row=first,
                                         max_row=final), titles_from_data=False)
                chart.series[-1].tx = SeriesLabel(v=name)
        time_col = columns.index("interval_start") + 1
        chart.set_categories(Reference(ws, min_col=time_col, min_row=first, max_row=final))
        if "predicted_service_level" in letters and rows["predicted_service_level"].notna().any():
            # predicted service level on a secondary axis (0–100 %) of the same chart
            level = LineChart()
            level.add_data(Reference(ws, min_col=columns.index("predicted_service_level") + 1,
                                     min_row=first, max_row=final), titles_from_data=False)
            level.series[-1].tx = SeriesLabel(v="predicted service level")
            level.y_axis.axId = 200
            level.y_axis.title = "service level"
            level.y_axis.number_format = "0%"
            level.y_axis.scaling.min = 0.0
            level.y_axis.scaling.max = 1.0
            level.y_axis.crosses = "max"
            chart.title = f"{group}: required vs scheduled agents, predicted service level"
            _show_axes(level)
            chart += level
        _show_axes(chart)
        ws.add_chart(chart, f"{anchor_col}{anchor_row}")
        anchor_row += 17


def _write_mix(ws: Worksheet, mix: Any) -> None:
    last = _write_frame(ws, mix.pairs)
    start = last + 3
    frontier = mix.frontier.sort_values(["segment", "channel", "share"]).reset_index(drop=True)
    _write_frame(ws, frontier, start_row=start, title="Frontier: cost by self-service share")
    header_row = start + 1
    columns = list(frontier.columns)
    if not len(frontier) or "total_cost" not in columns:
        return
    anchor_col = get_column_letter(max(len(mix.pairs.columns), len(columns)) + 2)
    anchor_row = 1
    for (segment, channel), rows in frontier.groupby(["segment", "channel"], sort=False):
        first = int(rows.index.min()) + header_row + 1
        final = int(rows.index.max()) + header_row + 1
        chart = LineChart()
        chart.title = f"{segment} / {channel}: total cost vs self-service share"
        chart.y_axis.title = "total cost"
        chart.x_axis.title = "self-service share"
        chart.height, chart.width = 7, 16
        chart.add_data(Reference(ws, min_col=columns.index("total_cost") + 1, min_row=first,
                                 max_row=final), titles_from_data=False)
        chart.series[0].tx = SeriesLabel(v="total cost")
        chart.set_categories(Reference(ws, min_col=columns.index("share") + 1, min_row=first,
                                       max_row=final))
        _show_axes(chart)
        ws.add_chart(chart, f"{anchor_col}{anchor_row}")
        anchor_row += 15


def _schedule_with_breaks(schedule: Any) -> pd.DataFrame:
    shifts = schedule.shifts.copy()
    activities = schedule.activities
    if activities is not None and len(activities) and len(shifts):
        ordered = activities.sort_values("start")
        text = ordered.groupby("agent").apply(
            lambda rows: "; ".join(f"{a} {pd.Timestamp(s):%H:%M}–{pd.Timestamp(e):%H:%M}"
                                   for a, s, e in zip(rows["activity"], rows["start"], rows["end"],
                                                      strict=True)),
            include_groups=False)
        shifts["breaks"] = shifts["agent"].map(text).fillna("")
    return shifts


def write_plan(plan: Any, path_or_file: str | os.PathLike[str] | IO[bytes]) -> None:
    """Write a plan workbook a planner can open, read, filter and re-upload.

    Sheets: Summary, Requirements, Coverage (line chart per group, under-covered rows shaded),
    Schedule and Breaks (when scheduled), Mix (when computed), Well-being, Explanations, then the
    full inputs in the input layout (Settings … Shrinkage) so the plan reads back as its scenario.

    Parameters
    ----------
    plan : planner.pipeline.Plan
        The computed plan.
    path_or_file : path or binary file object
        Destination ``.xlsx``; a path is written through a temporary file in the same folder and
        renamed, so a failed write never leaves a half-written file.
    """
    book = Workbook()
    _write_summary(book.active, plan)
    book.active.title = "Summary"
    _write_frame(book.create_sheet("Requirements"), plan.requirements)
    coverage = getattr(plan, "coverage", None)
    ws = book.create_sheet("Coverage")
    if coverage is not None and len(coverage):
        _write_coverage(ws, coverage)
    else:
        _note(ws, "Coverage not computed.")
    schedule = plan.schedule
    if schedule is not None:
        _write_frame(book.create_sheet("Schedule"), _schedule_with_breaks(schedule))
        _write_frame(book.create_sheet("Breaks"), schedule.activities)
        _write_frame(book.create_sheet("Well-being"), schedule.wellbeing)
    else:
        for title in ("Schedule", "Breaks", "Well-being"):
            _note(book.create_sheet(title), f"{title}: not computed (the schedule was not run).")
    ws = book.create_sheet("Mix")
    if plan.mix is not None:
        _write_mix(ws, plan.mix)
    else:
        _note(ws, "Mix: not computed (the mix recommendation was not run).")
    ws = book.create_sheet("Explanations")
    ws.append(["explanation"])
    lines = list(getattr(plan, "explanations", ()) or ())
    if schedule is not None:
        lines += list(schedule.explanations)
    if plan.mix is not None:
        lines += list(plan.mix.reasons)
    for line in lines or ["Nothing to explain: every requirement is covered."]:
        ws.append([line])
    _style_header(ws, 1)
    ws.column_dimensions["A"].width = 120
    _write_inputs(book, plan.scenario)
    _save(book, path_or_file)


def _save(book: Workbook, path_or_file: str | os.PathLike[str] | IO[bytes]) -> None:
    """Save atomically when given a path (temp file in the same folder, then ``os.replace``)."""
    if not isinstance(path_or_file, str | os.PathLike):
        book.save(path_or_file)
        return
    target = Path(path_or_file)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        book.save(partial)
        os.replace(partial, target)
    finally:
        if partial.exists():
            partial.unlink()
