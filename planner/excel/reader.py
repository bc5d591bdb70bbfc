"""Reading a scenario workbook into a validated :class:`planner.types.Scenario`.

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



import io
import math
import os
import re
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from planner.demand import closed_hours_rows
from planner.excel.cells import CellError, is_empty, parse_cell, parse_datetime, parse_number, parse_text
from planner.excel.columns import (
    BREAKS_SHEET,
    CHANNELS_SHEET,
    DEFLECTION_SHEET,
    FORECAST_SHEET,
    GROUPS_SHEET,
    MIX_SHEET,
    SEGMENTS_SHEET,
    SETTINGS_SHEET,
    SHEETS,
    SHRINKAGE_SHEET,
    TEMPLATES_SHEET,
    Column,
    SheetSpec,
    norm,
)
from planner.types import (
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

    def index_of(self, sheet: SheetSpec, column: Column) -> int | None:
        wanted = {norm(column.header), norm(column.field), *(norm(a) for a in column.aliases)}
        for i, header in enumerate(self.headers):
            if header is not None and norm(header) in wanted:
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


def _find_header(rows: list[tuple[Any, ...]], sheet: SheetSpec) -> int:
    """0-based index of the header row: the first row naming a required column (or row 0)."""
    names = {norm(c.header) for c in sheet.columns if c.required} | {
        norm(a) for c in sheet.columns if c.required for a in c.aliases}
    if sheet.key_value:
        names = {"setting", "key", "name", "parameter"}
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if any(v is not None and norm(v) in names for v in row):
            return i
    return 0


def _as_table(name: str, rows: list[tuple[Any, ...]], sheet: SheetSpec) -> _Table:
    if not rows:
        return _Table(name, 1, [], [])
    header_index = _find_header(rows, sheet)
    headers = [None if is_empty(v) else str(v).strip() for v in rows[header_index]]
    body = [(header_index + 2 + i, row) for i, row in enumerate(rows[header_index + 1:])
            if any(not is_empty(v) for v in row)]
    return _Table(name, header_index + 1, headers, body)  # type: ignore[arg-type]


def _locator(sheet: str, table: _Table, row: int, spec: SheetSpec) -> Callable[[str], str]:
    """Maps a dataclass field name to the cell of that field in ``row``."""
    def locate(field_name: str) -> str:
        for column in spec.columns:
            if column.field == field_name:
                index = table.index_of(spec, column)
                if index is not None:
                    return _cell(sheet, index, row)
        return f"{sheet}!A{row}"
    return locate


def _read_objects(table: _Table, spec: SheetSpec, factory: Callable[..., Any], problems: _Problems,
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
                and not is_empty(values[name_index]):
            claimed.add(parse_text(values[name_index]))
        for column in spec.columns:
            index = indices.get(column.field)
            value = values[index] if index is not None and index < len(values) else None
            if is_empty(value):
                if column.required:
                    problems.add(column.header, "is required; " + column.note,
                                 _cell(sheet, index if index is not None else 0, row_number))
                    row_ok = False
                continue
            try:
                kwargs[column.field] = parse_cell(column, value)
            except CellError as exc:
                problems.add(column.header, str(exc), _cell(sheet, index or 0, row_number))
                row_ok = False
        if not row_ok:
            continue
        try:
            objects.append((row_number, factory(**kwargs)))
        except InputError as exc:
            problems.extend_from(exc, _locator(sheet, table, row_number, spec))
    return objects


def _read_key_values(table: _Table, spec: SheetSpec, problems: _Problems) -> tuple[dict[str, Any],
                                                                                 dict[str, str]]:
    """Key/value sheet → (field → parsed value, field → value cell)."""
    sheet = table.name
    by_key = {}
    for column in spec.columns:
        for alias in (column.header, column.field, *column.aliases):
            by_key[norm(alias)] = column
    parsed: dict[str, Any] = {}
    cells: dict[str, str] = {}
    for row_number, values in table.rows:
        key = values[0] if values else None
        value = values[1] if len(values) > 1 else None
        if is_empty(key):
            if not is_empty(value):
                problems.add("setting", "has a value but no setting name in column A",
                             _cell(sheet, 0, row_number))
            continue
        column = by_key.get(norm(key))
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
        if is_empty(value):
            if column.required:
                problems.add(column.header, "is required; " + column.note, location)
            continue
        try:
            parsed[column.field] = parse_cell(column, value)
        except CellError as exc:
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
    matches = [name for name in known if norm(name) == norm(text)]
    return matches[0] if len(matches) == 1 else text


def _interval_cell(values: tuple[Any, ...], col: int, row_number: int, sheet: str,
                   settings: Settings | None, problems: _Problems) -> pd.Timestamp | None:
    value = values[col] if col < len(values) else None
    location = _cell(sheet, col, row_number)
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


def _contacts_cell(value: object, location: str, problems: _Problems) -> float | None:
    if is_empty(value):
        return 0.0
    try:
        contacts = parse_number(value)
    except CellError as exc:
        problems.add("contacts", f"{exc}; allowed: a number of contacts ≥ 0", location)
        return None
    if not math.isfinite(contacts) or contacts < 0:
        problems.add("contacts", f"must be a number ≥ 0, got {value!r}", location)
        return None
    return contacts


def _read_forecast_long(table: _Table, settings: Settings | None, channels: set[str],
                        segments: set[str], problems: _Problems) -> pd.DataFrame | None:
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
            location = _cell(sheet, col, row_number)  # type: ignore[arg-type]
            if is_empty(value):
                problems.add(field_name, f"is required; allowed: {', '.join(sorted(known))}", location)
                ok = False
                continue
            name = parse_text(value)
            if name not in known:
                problems.add(field_name, f"unknown {field_name} {name!r}; allowed: "
                                         f"{', '.join(sorted(known)) or '(none defined)'}", location)
                ok = False
            names.append(name)
        raw = values[col_contacts] if col_contacts < len(values) else None  # type: ignore[operator]
        location = _cell(sheet, col_contacts, row_number)  # type: ignore[arg-type]
        if is_empty(raw):
            problems.add("contacts", "is required; a number of contacts ≥ 0", location)
            contacts = None
        else:
            contacts = _contacts_cell(raw, location, problems)
        aht = math.nan
        if col_aht is not None and col_aht < len(values) and not is_empty(values[col_aht]):
            location = _cell(sheet, col_aht, row_number)
            try:
                aht = parse_number(values[col_aht])
                if not math.isfinite(aht) or aht <= 0:
                    problems.add("aht_seconds", f"must be > 0 seconds or empty, got {values[col_aht]!r}",
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
        channel = None if is_empty(raw_channel) else parse_text(raw_channel)
        if channel not in channels:
            problems.add("channel", f"unknown channel {raw_channel!r}; allowed: "
                                    f"{', '.join(sorted(channels))}", _cell(sheet, col, row_number))  # type: ignore[arg-type]
            channel = None
        col = index["shrinkage"]
        raw = values[col] if col < len(values) else None  # type: ignore[operator]
        location = _cell(sheet, col, row_number)  # type: ignore[arg-type]
        try:
            share = parse_number(raw) if not is_empty(raw) else None
        except CellError as exc:
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
    def where(sheet: SheetSpec, row: int, field_name: str) -> str:
        table = tables.get(sheet.name)
        if table is None:
            return f"{sheet.name}!A{row}"
        return _locator(table.name, table, row, sheet)(field_name)

    def unique(sheet: SheetSpec, what: str) -> set[str]:
        seen: dict[str, int] = {}
        for row, item in objects.get(sheet.name, []):
            if item.name in seen:
                problems.add("name", f"{what} {item.name!r} is defined twice (first at row "
                                     f"{seen[item.name]}); allowed: unique names", where(sheet, row, "name"))
            seen.setdefault(item.name, row)
        return set(seen) | claimed.get(sheet.name, set())

    channel_names = unique(CHANNELS_SHEET, "channel")
    segment_names = unique(SEGMENTS_SHEET, "segment")
    template_names = unique(TEMPLATES_SHEET, "shift template")
    caps = {s.name: s.max_self_service_share for _, s in objects.get("Segments", [])}
    pairs: dict[tuple[str, str], int] = {}
    for row, d in objects.get("Deflection", []):
        for field_name, name, known, what in (("segment", d.segment, segment_names, "segment"),
                                              ("channel", d.channel, channel_names, "channel"),
                                              ("escalation_channel", d.escalation_channel,
                                               channel_names, "channel")):
            if name not in known:
                problems.add(field_name, f"unknown {what} {name!r}; allowed: "
                                         f"{', '.join(sorted(known))}",
                             where(DEFLECTION_SHEET, row, field_name))
        if (d.segment, d.channel) in pairs:
            problems.add("channel", f"deflection for ({d.segment}, {d.channel}) is defined twice (first "
                                    f"at row {pairs[(d.segment, d.channel)]})",
                         where(DEFLECTION_SHEET, row, "channel"))
        pairs.setdefault((d.segment, d.channel), row)
        if d.segment in caps and d.self_service_share > caps[d.segment] + 1e-12:
            problems.add("self_service_share", f"{d.self_service_share:g} exceeds the cap "
                                               f"max_self_service_share {caps[d.segment]:g} of segment "
                                               f"{d.segment!r}; allowed: ≤ {caps[d.segment]:g}",
                         where(DEFLECTION_SHEET, row, "self_service_share"))
    groups = objects.get("StaffingGroups", [])
    groups_given = "StaffingGroups" in tables and bool(tables["StaffingGroups"].rows)
    group_names = unique(GROUPS_SHEET, "staffing group") if groups_given else set(channel_names)
    served: dict[tuple[str, str], str] = {}
    for row, g in groups:
        if g.channel not in channel_names:
            problems.add("channel", f"unknown channel {g.channel!r}; allowed: "
                                    f"{', '.join(sorted(channel_names))}",
                         where(GROUPS_SHEET, row, "channel"))
        for s in g.segments:
            if s not in segment_names:
                problems.add("segments", f"unknown segment {s!r}; allowed: "
                                         f"{', '.join(sorted(segment_names))}",
                             where(GROUPS_SHEET, row, "segments"))
            elif (g.channel, s) in served:
                problems.add("segments", f"({g.channel}, {s}) is already served by group "
                                         f"{served[(g.channel, s)]!r}; allowed: one group per pair",
                             where(GROUPS_SHEET, row, "segments"))
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
                                  f"{', '.join(sorted(group_names))}", where(TEMPLATES_SHEET, row, "group"))
        for field_name in ("length_minutes", "start_step_minutes"):
            if interval and getattr(t, field_name) % interval:
                problems.add(field_name, f"{getattr(t, field_name)} is not a multiple of the "
                                         f"{interval}-minute interval",
                             where(TEMPLATES_SHEET, row, field_name))
    activities: dict[tuple[str, str], int] = {}
    for row, b in objects.get("BreakRules", []):
        if b.template not in template_names:
            problems.add("template", f"unknown shift template {b.template!r}; allowed: "
                                     f"{', '.join(sorted(template_names)) or '(none defined)'}",
                         where(BREAKS_SHEET, row, "template"))
        elif b.latest_start_offset_minutes + b.duration_minutes > lengths[b.template]:
            problems.add("latest_start_offset_minutes",
                         f"break {b.activity!r} would end after the {lengths[b.template]}-minute shift "
                         f"({b.latest_start_offset_minutes}+{b.duration_minutes}); allowed: ≤ "
                         f"{lengths[b.template] - b.duration_minutes}",
                         where(BREAKS_SHEET, row, "latest_start_offset_minutes"))
        if interval and b.duration_minutes % interval:
            problems.add("duration_minutes", f"{b.duration_minutes} is not a multiple of the "
                                             f"{interval}-minute interval",
                         where(BREAKS_SHEET, row, "duration_minutes"))
        if (b.template, b.activity) in activities:
            problems.add("activity", f"{b.activity!r} is defined twice for {b.template!r} (first at row "
                                     f"{activities[(b.template, b.activity)]})",
                         where(BREAKS_SHEET, row, "activity"))
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
    present = {norm(name): name for name in values_book.sheetnames}
    tables: dict[str, _Table] = {}
    for spec in SHEETS:
        actual = next((present[norm(n)] for n in (spec.name, *spec.aliases) if norm(n) in present), None)
        if actual is None:
            if spec.required:
                problems.add("sheet", f"is missing; required sheets: "
                                      f"{', '.join(s.name for s in SHEETS if s.required)} (found: "
                                      f"{', '.join(values_book.sheetnames)})", spec.name)
            continue
        rows = _sheet_rows(values_book[actual], formulas_book[actual] if formulas_book else None,
                           actual, max_rows, problems)
        tables[spec.name] = _as_table(actual, rows, spec)

    settings: Settings | None = None
    name = Path(str(source)).stem if isinstance(source, str | os.PathLike) else "scenario"
    if "Settings" in tables:
        parsed, cells = _read_key_values(tables["Settings"], SETTINGS_SHEET, problems)
        name = parsed.pop("name", name)
        if "start_date" in parsed:
            try:
                settings = Settings(**parsed)
            except InputError as exc:
                problems.extend_from(exc, lambda f: cells.get(f, "Settings!B1"))
    mix = MixSettings()
    if "MixSettings" in tables:
        parsed, cells = _read_key_values(tables["MixSettings"], MIX_SHEET, problems)
        try:
            mix = MixSettings(**parsed)
        except InputError as exc:
            problems.extend_from(exc, lambda f: cells.get(f, "MixSettings!B1"))

    objects: dict[str, list[tuple[int, Any]]] = {}
    claimed: dict[str, set[str]] = {}
    table_sheets = ((CHANNELS_SHEET, Channel), (SEGMENTS_SHEET, Segment),
                    (DEFLECTION_SHEET, Deflection), (GROUPS_SHEET, StaffingGroup),
                    (TEMPLATES_SHEET, ShiftTemplate), (BREAKS_SHEET, BreakRule))
    for spec, factory in table_sheets:
        if spec.name in tables:
            claimed[spec.name] = set()
            objects[spec.name] = _read_objects(tables[spec.name], spec, factory, problems,
                                               claimed[spec.name])
    channel_names = claimed.get("Channels", set())
    segment_names = claimed.get("Segments", set())
    for spec in (CHANNELS_SHEET, SEGMENTS_SHEET):
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
