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


from __future__ import annotations

import io
import os
import re
import warnings
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

import pandas as pd
from openpyxl import load_workbook

from planner.demand import closed_hours_rows
from planner.excel.columns import (
    BREAKS_SHEET,
    CHANNELS_SHEET,
    DEFLECTION_SHEET,
    GROUPS_SHEET,
    MIX_SHEET,
    SEGMENTS_SHEET,
    SETTINGS_SHEET,
    SHEETS,
    TEMPLATES_SHEET,
    SheetSpec,
    norm,
)
from planner.excel.forecast import SOURCE_CELL, read_forecast, read_shrinkage
from planner.excel.people import PEOPLE_SHEETS, read_people
from planner.excel.tables import (
    ProblemCollector,
    Table,
    as_table,
    cell_ref,
    locator,
    read_key_values,
    read_objects,
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


def _size_text(size: float) -> str:
    return f"{size / 1024 / 1024:.0f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


def read_bytes(path_or_file: str | os.PathLike[str] | IO[bytes] | bytes, max_bytes: int) -> bytes:
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


def load_book(content: bytes, *, data_only: bool) -> Any:
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


def sheet_rows(values_ws: Any, formulas_ws: Any, sheet: str, max_rows: int,
                problems: ProblemCollector) -> list[tuple[Any, ...]]:
    """All rows of a sheet as value tuples; formulas without a cached value become problems."""
    # openpyxl parses cells while rows are iterated and warns (rather than raises) about a cell it
    # cannot convert, e.g. a date-formatted number outside Excel's dates: each becomes a problem.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rows = _sheet_values(values_ws, formulas_ws, sheet, max_rows, problems)
    for warning in caught:
        match = _BAD_DATE_WARNING.search(str(warning.message))
        if match:
            problems.add("date", f"the number {match['serial']} is formatted as a date but is outside "
                                 "the dates a workbook can hold; allowed: a date from 1900-01-01 to "
                                 "9999-12-31, or the cell formatted as a number",
                         f"{sheet}!{match['cell']}")
    return rows


_BAD_DATE_WARNING = re.compile(r"Cell (?P<cell>[A-Z]+\d+) is marked as a date but the serial value "
                               r"(?P<serial>\S+) is outside")


def _sheet_values(values_ws: Any, formulas_ws: Any, sheet: str, max_rows: int,
                  problems: ProblemCollector) -> list[tuple[Any, ...]]:
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
                                 cell_ref(sheet, col, row_number))
        rows.append(values)
    return rows




def _check_references(tables: Mapping[str, Table], objects: Mapping[str, list[tuple[int, Any]]],
                      claimed: Mapping[str, Mapping[str, int]], settings: Settings | None,
                      problems: ProblemCollector) -> None:
    """Located cross-reference checks (the same rules as ``validate_scenario_references``).

    ``claimed`` holds, per sheet, the name → row of every row, valid or not. A reference to a row
    that failed its own validation is not an "unknown name"; the checks it would need are skipped
    and said at that row's problem (:meth:`ProblemCollector.skipped`).
    """
    def where(sheet: SheetSpec, row: int, field_name: str) -> str:
        table = tables.get(sheet.name)
        if table is None:
            return f"{sheet.name}!A{row}"
        return locator(table.name, table, row, sheet)(field_name)

    def unique(sheet: SheetSpec, what: str) -> set[str]:
        seen: dict[str, int] = {}
        for row, item in objects.get(sheet.name, []):
            if item.name in seen:
                problems.add("name", f"{what} {item.name!r} is defined twice (first at row "
                                     f"{seen[item.name]}); allowed: unique names", where(sheet, row, "name"))
            seen.setdefault(item.name, row)
        return set(seen) | set(claimed.get(sheet.name, {}))

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
        failed_segment = claimed.get("Segments", {}).get(d.segment) if d.segment not in caps else None
        if failed_segment is not None:
            share_cell = where(DEFLECTION_SHEET, row, "self_service_share")
            problems.skipped("Segments", failed_segment,
                             f"the self-service share of {share_cell} against this segment's cap")
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
        elif b.template not in lengths:
            problems.skipped("ShiftTemplates", claimed.get("ShiftTemplates", {}).get(b.template, 0),
                             f"break {b.activity!r} at {where(BREAKS_SHEET, row, 'template')} against "
                             "this template's length")
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
                        problems: ProblemCollector) -> None:
    """Voice/chat contacts forecast while their channel is closed, each at its contacts cell.

    The rule and the message are :func:`planner.demand.closed_hours_rows`; this maps rows to cells.
    """
    closed = closed_hours_rows(forecast, [channel for _, channel in channels])
    cells = forecast.loc[closed.index, SOURCE_CELL]
    for channel, message, cell in zip(closed["channel"], closed["message"], cells, strict=True):
        problems.add(str(channel), message, str(cell))


_SHEET_OF_FIELD = {"channels": "Channels", "segments": "Segments", "forecast": "Forecast",
                   "staffing_groups": "StaffingGroups", "contacts": "Forecast"}


@dataclass
class LoadedWorkbook:
    """An open, parsed workbook: its values, its formulas (when any sheet has one) and its source.

    One parse serves every reader of the file (the scenario sheets, the capacity sheets):
    :meth:`table` reads any sheet of a :class:`~planner.excel.columns.SheetSpec` from it.
    """

    values: Any
    formulas: Any | None
    source: object
    max_rows: int

    def sheet_name(self, spec: SheetSpec) -> str | None:
        """The workbook's own name of ``spec``'s sheet (its name or an alias), or None."""
        present = {norm(name): name for name in self.values.sheetnames}
        return next((present[norm(n)] for n in (spec.name, *spec.aliases) if norm(n) in present), None)

    def has_sheet(self, spec: SheetSpec) -> bool:
        return self.sheet_name(spec) is not None

    def table(self, spec: SheetSpec, problems: ProblemCollector) -> Table | None:
        """``spec``'s sheet as a :class:`Table` (formula cells without values become problems)."""
        actual = self.sheet_name(spec)
        if actual is None:
            return None
        rows = sheet_rows(self.values[actual], self.formulas[actual] if self.formulas else None,
                          actual, self.max_rows, problems)
        return as_table(actual, rows, spec)


@contextmanager
def open_workbook(path_or_file: str | os.PathLike[str] | IO[bytes] | bytes, *,
                  max_bytes: int = DEFAULT_MAX_BYTES,
                  max_rows: int = DEFAULT_MAX_ROWS) -> Iterator[LoadedWorkbook]:
    """The workbook parsed once, behind the guard rails; closed on leaving the block.

    Raises
    ------
    planner.types.InputError
        A file that is too large, not an .xlsx package, a zip bomb or unsafe XML.
    """
    content = read_bytes(path_or_file, max_bytes)
    values_book = load_book(content, data_only=True)
    try:
        # The second load (to see formulas) is only needed when some sheet holds a formula.
        formulas_book = load_book(content, data_only=False) if has_formulas(content) else None
        try:
            yield LoadedWorkbook(values_book, formulas_book, path_or_file, max_rows)
        finally:
            if formulas_book is not None:
                formulas_book.close()
    finally:
        values_book.close()


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
    with open_workbook(path_or_file, max_bytes=max_bytes, max_rows=max_rows) as book:
        return scenario_from_book(book)


def has_formulas(content: bytes) -> bool:
    """Whether any worksheet part has a formula element ``<f>`` (cheap scan of the raw XML)."""
    pattern = re.compile(rb"<(?:\w+:)?f[\s>/]")
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        return any(pattern.search(package.read(info)) for info in package.infolist()
                   if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"))


def scenario_from_book(book: LoadedWorkbook) -> Scenario:
    """The validated scenario of an open workbook (:func:`read_workbook` without the parse)."""
    problems = ProblemCollector()
    source = book.source
    tables: dict[str, Table] = {}
    for spec in (*SHEETS, *PEOPLE_SHEETS):
        table = book.table(spec, problems)
        if table is None:
            if spec.required:
                problems.add("sheet", f"is missing; required sheets: "
                                      f"{', '.join(s.name for s in SHEETS if s.required)} (found: "
                                      f"{', '.join(book.values.sheetnames)})", spec.name)
            continue
        tables[spec.name] = table

    settings: Settings | None = None
    name = Path(str(source)).stem if isinstance(source, str | os.PathLike) else "scenario"
    if "Settings" in tables:
        parsed, cells = read_key_values(tables["Settings"], SETTINGS_SHEET, problems)
        name = parsed.pop("name", name)
        if "start_date" in parsed:
            try:
                settings = Settings(**parsed)
            except InputError as exc:
                problems.extend_from(exc, lambda f: cells.get(f, "Settings!B1"))
    mix = MixSettings()
    if "MixSettings" in tables:
        parsed, cells = read_key_values(tables["MixSettings"], MIX_SHEET, problems)
        try:
            mix = MixSettings(**parsed)
        except InputError as exc:
            problems.extend_from(exc, lambda f: cells.get(f, "MixSettings!B1"))

    objects: dict[str, list[tuple[int, Any]]] = {}
    claimed: dict[str, dict[str, int]] = {}
    table_sheets = ((CHANNELS_SHEET, Channel), (SEGMENTS_SHEET, Segment),
                    (DEFLECTION_SHEET, Deflection), (GROUPS_SHEET, StaffingGroup),
                    (TEMPLATES_SHEET, ShiftTemplate), (BREAKS_SHEET, BreakRule))
    for spec, factory in table_sheets:
        if spec.name in tables:
            claimed[spec.name] = {}
            objects[spec.name] = read_objects(tables[spec.name], spec, factory, problems,
                                               claimed[spec.name])
    channel_names = set(claimed.get("Channels", {}))
    segment_names = set(claimed.get("Segments", {}))
    for spec in (CHANNELS_SHEET, SEGMENTS_SHEET):
        if spec.name in tables and not tables[spec.name].rows:
            problems.add(spec.name.lower(), "has no rows; at least one is required",
                         f"{tables[spec.name].name}!A{tables[spec.name].header_row + 1}")
    forecast = None
    if "Forecast" in tables:
        forecast = read_forecast(tables["Forecast"], settings, channel_names, segment_names, problems)
    shrinkage = None
    if "Shrinkage" in tables and tables["Shrinkage"].rows:
        shrinkage = read_shrinkage(tables["Shrinkage"], settings, channel_names, problems)
    if forecast is not None:
        _check_closed_hours(forecast, objects.get("Channels", []), problems)
        forecast = forecast.drop(columns=[SOURCE_CELL])
    if forecast is not None and not len(forecast) and not problems:
        table = tables["Forecast"]
        problems.add("contacts", "the forecast has no rows; at least one interval is required",
                     f"{table.name}!A{table.header_row + 1}")
    _check_references(tables, objects, claimed, settings, problems)
    contracts, agents = read_people(tables, claimed.get("StaffingGroups") or set(channel_names), problems)
    if problems or settings is None or forecast is None:
        raise InputError(problems.result() or [Problem("workbook", "could not be read", "workbook")])

    def things(sheet: str) -> tuple[Any, ...]:
        return tuple(item for _, item in objects.get(sheet, []))

    try:
        return Scenario(name=name, settings=settings, channels=things("Channels"),
                        segments=things("Segments"), forecast=forecast,
                        deflections=things("Deflection"), staffing_groups=things("StaffingGroups"),
                        shift_templates=things("ShiftTemplates"), break_rules=things("BreakRules"),
                        mix=mix, shrinkage_by_interval=shrinkage, contracts=contracts, agents=agents)
    except InputError as exc:
        problems.extend_from(exc, lambda f: f"{_SHEET_OF_FIELD.get(f, 'workbook')}")
        raise InputError(problems.result()) from None
