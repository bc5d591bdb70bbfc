"""Reading the time series sheets: Forecast (long or wide layout) and Shrinkage, on the interval grid."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from openpyxl.utils import get_column_letter

from planner.excel.cells import CellError, is_empty, parse_datetime, parse_number, parse_text, shown
from planner.excel.columns import (
    FORECAST_SHEET,
    SHRINKAGE_SHEET,
    norm,
)
from planner.excel.tables import ProblemCollector, Table, cell_ref
from planner.types import MAX_CONTACTS_PER_INTERVAL, MAX_DURATION_SECONDS, Settings


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


def read_forecast(table: Table, settings: Settings | None, channels: set[str], segments: set[str],
                   problems: ProblemCollector) -> pd.DataFrame | None:
    """The Forecast sheet in the long or the wide layout → forecast frame."""
    sheet = table.name
    normed = [norm(h) if h else "" for h in table.headers]
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
        location = cell_ref(sheet, col, table.header_row)
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
                         cell_ref(sheet, time_col, row_number))
            continue
        seen[stamp] = row_number
        for col, (channel, segment) in pairs.items():
            value = values[col] if col < len(values) else None
            location = cell_ref(sheet, col, row_number)
            contacts = _contacts_cell(value, location, problems)
            if contacts is not None:
                records.append((stamp, channel, segment, contacts, math.nan, location))
    return _forecast_frame(records)


def _known_name(text: str, known: set[str]) -> str:
    """``text`` as written, or the one known name it matches case- and space-insensitively."""
    if text in known:
        return text
    matches = [name for name in known if norm(name) == norm(text)]
    return matches[0] if len(matches) == 1 else text


def _interval_cell(values: tuple[Any, ...], col: int, row_number: int, sheet: str,
                   settings: Settings | None, problems: ProblemCollector) -> pd.Timestamp | None:
    value = values[col] if col < len(values) else None
    location = cell_ref(sheet, col, row_number)
    if is_empty(value):
        problems.add("interval_start", "is required; a date-time cell or YYYY-MM-DD HH:MM", location)
        return None
    try:
        stamp = parse_datetime(value)
    except CellError as exc:
        problems.add("interval_start", str(exc), location)
        return None
    if settings is not None:
        reason = _grid_check(stamp, settings)
        if reason:
            problems.add("interval_start", reason, location)
            return None
    return stamp


def _contacts_cell(value: object, location: str, problems: ProblemCollector) -> float | None:
    if is_empty(value):
        return 0.0
    try:
        contacts = parse_number(value)
    except CellError as exc:
        problems.add("contacts", f"{exc}; allowed: a number of contacts ≥ 0", location)
        return None
    if not math.isfinite(contacts) or not 0 <= contacts <= MAX_CONTACTS_PER_INTERVAL:
        problems.add("contacts", f"must be a number from 0 to {MAX_CONTACTS_PER_INTERVAL:,.0f} contacts "
                                 f"per interval, got {shown(value)}", location)
        return None
    return contacts


def _read_forecast_long(table: Table, settings: Settings | None, channels: set[str],
                        segments: set[str], problems: ProblemCollector) -> pd.DataFrame | None:
    sheet = table.name
    spec = FORECAST_SHEET
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
            location = cell_ref(sheet, col, row_number)  # type: ignore[arg-type]
            if is_empty(value):
                problems.add(field_name, f"is required; allowed: {', '.join(sorted(known))}", location)
                ok = False
                continue
            try:
                name = parse_text(value)
            except CellError as exc:
                problems.add(field_name, f"{exc}; allowed: {', '.join(sorted(known))}", location)
                ok = False
                continue
            if name not in known:
                problems.add(field_name, f"unknown {field_name} {name!r}; allowed: "
                                         f"{', '.join(sorted(known)) or '(none defined)'}", location)
                ok = False
            names.append(name)
        raw = values[col_contacts] if col_contacts < len(values) else None  # type: ignore[operator]
        location = cell_ref(sheet, col_contacts, row_number)  # type: ignore[arg-type]
        if is_empty(raw):
            problems.add("contacts", "is required; a number of contacts ≥ 0", location)
            contacts = None
        else:
            contacts = _contacts_cell(raw, location, problems)
        aht = math.nan
        if col_aht is not None and col_aht < len(values) and not is_empty(values[col_aht]):
            location = cell_ref(sheet, col_aht, row_number)
            try:
                aht = parse_number(values[col_aht])
                if not math.isfinite(aht) or not 0 < aht <= MAX_DURATION_SECONDS:
                    problems.add("aht_seconds", f"must be > 0 and ≤ {MAX_DURATION_SECONDS:,.0f} seconds "
                                                f"(one day), or empty; got {shown(values[col_aht])}",
                                 location)
                    ok = False
            except CellError as exc:
                problems.add("aht_seconds", f"{exc}; allowed: seconds > 0 or empty", location)
                ok = False
        if stamp is None or contacts is None or not ok:
            continue
        key = (stamp, names[0], names[1])
        if key in seen:
            problems.add("interval_start", f"duplicate row for {stamp:%Y-%m-%d %H:%M} {names[0]}/"
                                           f"{names[1]} (first at row {seen[key]}); allowed: each "
                                           "interval × channel × segment once",
                         cell_ref(sheet, col_time, row_number))  # type: ignore[arg-type]
            continue
        seen[key] = row_number
        records.append((stamp, names[0], names[1], contacts, aht,
                        cell_ref(sheet, col_contacts, row_number)))  # type: ignore[arg-type]
    return _forecast_frame(records)


_ForecastRecord = tuple[pd.Timestamp, str, str, float, float, str]
"""One forecast value read: interval start, channel, segment, contacts, AHT, its contacts cell."""
SOURCE_CELL = "source_cell"
"""Column of the frames the forecast readers return: the ``Sheet!Cell`` each value came from
(dropped before the scenario is built)."""


def _forecast_frame(records: list[_ForecastRecord]) -> pd.DataFrame:
    frame = pd.DataFrame(records, columns=["interval_start", "channel", "segment", "contacts",
                                           "aht_seconds", SOURCE_CELL])
    frame["interval_start"] = pd.to_datetime(frame["interval_start"])
    frame["contacts"] = frame["contacts"].astype(float)
    frame["aht_seconds"] = frame["aht_seconds"].astype(float)
    return frame.sort_values(["interval_start", "channel", "segment"]).reset_index(drop=True)


def read_shrinkage(table: Table, settings: Settings | None, channels: set[str],
                    problems: ProblemCollector) -> pd.DataFrame | None:
    sheet = table.name
    index = {c.field: table.index_of(SHRINKAGE_SHEET, c) for c in SHRINKAGE_SHEET.columns}
    missing = [c.header for c in SHRINKAGE_SHEET.columns if index[c.field] is None]
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
        try:
            channel = None if is_empty(raw_channel) else parse_text(raw_channel)
        except CellError:
            channel = None
        if channel not in channels:
            problems.add("channel", f"unknown channel {shown(raw_channel)}; allowed: "
                                    f"{', '.join(sorted(channels))}", cell_ref(sheet, col, row_number))  # type: ignore[arg-type]
            channel = None
        col = index["shrinkage"]
        raw = values[col] if col < len(values) else None  # type: ignore[operator]
        location = cell_ref(sheet, col, row_number)  # type: ignore[arg-type]
        try:
            share = parse_number(raw) if not is_empty(raw) else None
        except CellError as exc:
            problems.add("shrinkage", f"{exc}; allowed: a share in [0, 1)", location)
            continue
        if share is None or not 0 <= share < 1:
            problems.add("shrinkage", f"must be in [0, 1), got {shown(raw)}", location)
            continue
        if stamp is None or channel is None:
            continue
        if (stamp, channel) in seen:
            problems.add("interval_start", f"duplicate row for {stamp:%Y-%m-%d %H:%M} {channel} (first "
                                           f"at row {seen[(stamp, channel)]})",
                         cell_ref(sheet, index["interval_start"], row_number))  # type: ignore[arg-type]
            continue
        seen[(stamp, channel)] = row_number
        records.append((stamp, channel, share))
    frame = pd.DataFrame(records, columns=["interval_start", "channel", "shrinkage"])
    frame["interval_start"] = pd.to_datetime(frame["interval_start"])
    frame["shrinkage"] = frame["shrinkage"].astype(float)
    return frame.sort_values(["interval_start", "channel"]).reset_index(drop=True)
