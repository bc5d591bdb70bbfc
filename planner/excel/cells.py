"""Parsing one cell: numbers, integers, times of day, weekday sets, booleans, names, dates.

Every parser raises :class:`CellError` with a planner-readable message ("must be a number, got
'abc'"); the reader adds the ``Sheet!Cell`` location.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

import pandas as pd

from planner.excel.columns import Column
from planner.types import (
    ALL_DAYS,
    WEEKDAY_NAMES,
)

_NONE_WORDS = frozenset({"none", "off", "-", "n/a", "na"})
_TRUE_WORDS = frozenset({"yes", "y", "true", "1", "x"})
_FALSE_WORDS = frozenset({"no", "n", "false", "0"})


# ------------------------------------------------------------------------------------------------
# Cell parsing
# ------------------------------------------------------------------------------------------------
class CellError(ValueError):
    """A cell value that cannot be converted; the message says what is allowed."""


def shown(value: object, limit: int = 60) -> str:
    """``repr`` of a cell value for a message, cut to ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit - 1]}…"


def is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, float) and math.isnan(value))


def parse_number(value: object) -> float:
    if isinstance(value, bool):
        raise CellError(f"must be a number, got {shown(value)}")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        text = value.strip().replace(",", ".") if value.count(",") == 1 and "." not in value \
            else value.strip()
        percent = text.endswith("%")
        try:
            number = float(text.rstrip("%").strip())
        except ValueError:
            raise CellError(f"must be a number, got {shown(value)}") from None
        return number / 100.0 if percent else number
    raise CellError(f"must be a number, got {shown(value)}")


def _parse_int(value: object) -> int:
    number = parse_number(value)
    if not math.isfinite(number) or number != round(number):
        raise CellError(f"must be a whole number, got {shown(value)}")
    return round(number)


def format_minute(minute: int) -> str:
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
        raise CellError(f"is not a time of day, got {shown(value)}; {allowed}")
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(\d{1,2})[:.h](\d{2})(?::(\d{2}))?\s*", value)
        if match:
            hours, minutes = int(match.group(1)), int(match.group(2))
            if minutes < 60 and (hours < 24 or (hours == 24 and minutes == 0)):
                return hours * 60 + minutes
    raise CellError(f"is not a time of day, got {shown(value)}; {allowed}")


_DAY_INDEX = {name.lower(): i for i, name in enumerate(WEEKDAY_NAMES)}


def _parse_day(token: str) -> int:
    key = token.strip().lower()[:3]
    if key not in _DAY_INDEX or not token.strip():
        raise CellError(f"has an unknown weekday {token.strip()!r}; allowed: Mon, Tue, Wed, Thu, Fri, "
                         "Sat, Sun, ranges such as Mon-Fri, lists such as Mon,Wed,Sat, or all")
    return _DAY_INDEX[key]


def parse_days(value: object) -> frozenset[int]:
    """Weekday set from ``all`` / ``Mon-Fri`` / ``Mon,Wed,Sat`` / ``Sat-Mon`` (wraps) text."""
    if not isinstance(value, str):
        raise CellError(f"must be weekdays as text (all, Mon-Fri, Mon,Wed,Sat), got {shown(value)}")
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
            raise CellError(f"has a malformed weekday range {part.strip()!r}; allowed: e.g. Mon-Fri")
    if not days:
        raise CellError("must name at least one weekday (all, Mon-Fri, Mon,Wed,Sat)")
    return frozenset(days)


def format_days(days: Iterable[int]) -> str:
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
    raise CellError(f"must be yes or no, got {shown(value)}")


SPREADSHEET_ERRORS: frozenset[str] = frozenset({
    "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!",
    "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#PYTHON!",
})
"""The error values a spreadsheet stores in a cell whose formula or value failed."""
MAX_TEXT_LENGTH: int = 200
"""Longest text accepted in one cell (names, choices, settings), characters."""


def parse_text(value: object) -> str:
    """A text cell, stripped; dates, spreadsheet errors and overlong text are refused."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        raise CellError(f"must be text, got a date/time {shown(value)}")
    text = str(value).strip()
    if text.upper() in SPREADSHEET_ERRORS:
        raise CellError(f"holds the spreadsheet error {text}; allowed: a value typed in the cell")
    if len(text) > MAX_TEXT_LENGTH:
        raise CellError(f"is {len(text):,} characters long; allowed: at most {MAX_TEXT_LENGTH}")
    return text


def _parse_names(value: object) -> tuple[str, ...]:
    names = tuple(part.strip() for part in re.split(r"[,;]", parse_text(value)) if part.strip())
    if not names:
        raise CellError("must list at least one name, comma-separated")
    return names


def _parse_date(value: object) -> date:
    if isinstance(value, datetime):
        if value.time() != time(0):
            raise CellError(f"must be a date without a time of day, got {shown(value)}")
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise CellError(f"must be a date (a date cell or ISO text YYYY-MM-DD), got {shown(value)}")


def parse_datetime(value: object) -> pd.Timestamp:
    if isinstance(value, datetime | date):
        stamp = pd.Timestamp(value)
    elif isinstance(value, str):
        text = value.strip()
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}([ T]\d{1,2}:\d{2}(:\d{2})?)?", text):
            raise CellError(f"must be a date-time (a date-time cell or ISO text YYYY-MM-DD HH:MM), "
                             f"got {shown(value)}")
        try:
            stamp = pd.Timestamp(text)
        except ValueError:
            raise CellError(f"is not a valid date-time, got {shown(value)}") from None
    else:
        raise CellError(f"must be a date-time (a date-time cell or ISO text YYYY-MM-DD HH:MM), "
                         f"got {shown(value)}")
    # Excel stores date-times as day fractions; round away float noise to the second.
    return stamp.round("s")


def parse_cell(column: Column, value: object) -> Any:
    """Convert one non-empty cell by the column's kind (raises :class:`CellError`)."""
    if column.nullable and isinstance(value, str) and value.strip().lower() in _NONE_WORDS:
        return None
    kind = column.kind
    if kind == "number":
        number = parse_number(value)
        if not math.isfinite(number):
            raise CellError(f"must be a finite number, got {shown(value)}")
        return number
    if kind == "int":
        return _parse_int(value)
    if kind == "time":
        return _parse_time(value)
    if kind == "days":
        return parse_days(value)
    if kind == "bool":
        return _parse_bool(value)
    if kind == "names":
        return _parse_names(value)
    if kind == "date":
        return _parse_date(value)
    if kind == "datetime":
        return parse_datetime(value)
    if kind == "choice":
        text = parse_text(value).lower()
        if text not in column.choices:
            raise CellError(f"must be one of {', '.join(column.choices)}, got {shown(value)}")
        return text
    return parse_text(value)
