"""Reading a sheet as a table of objects: header search, cell locations, located problems.

Every input sheet goes through :func:`read_objects` (one object per row, built by its dataclass,
whose own validation problems are located at the cell of the field) or :func:`read_key_values`
(Settings-like sheets). New sheets use the same two functions; :func:`read_sheet` wraps
:func:`read_objects` for an optional sheet and keeps each object's row, so later cross-checks
(:meth:`SheetObjects.cell`, :meth:`SheetObjects.report_repeats`) are located without repeating
the lookup.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from openpyxl.utils import get_column_letter

from planner.excel.cells import CellError, is_empty, parse_cell, parse_text
from planner.excel.columns import (
    Column,
    SheetSpec,
    norm,
)
from planner.types import (
    InputError,
    Problem,
)

MAX_PROBLEMS_PER_FIELD: int = 20
"""Problems reported per (sheet, column) before the rest are summarised in one line."""
HEADER_SEARCH_ROWS: int = 10
"""The header row is the first of these rows that names a required column."""


def cell_ref(sheet: str, col_index: int, row: int) -> str:
    """``Sheet!C7`` from a 0-based column index and a 1-based row number."""
    return f"{sheet}!{get_column_letter(col_index + 1)}{row}"


_ROW_OF_LOCATION = re.compile(r"^(?P<sheet>.+)![A-Z]+(?P<row>\d+)$")


class ProblemCollector:
    """Collects located problems, summarising floods of the same kind.

    A row that failed validation keeps its name "claimed" (so references to it raise no cascade of
    "unknown name" problems); the checks that had to be skipped because of it are noted with
    :meth:`skipped` and said once, at the end of that row's first problem.
    """

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self._counts: dict[tuple[str, str], int] = {}
        self._formula_cells: set[str] = set()
        self._skipped: dict[tuple[str, int], list[str]] = {}

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

    def skipped(self, sheet: str, row: int, check: str) -> None:
        """Note that ``check`` was not made because row ``row`` of ``sheet`` has problems."""
        notes = self._skipped.setdefault((sheet, row), [])
        if check not in notes:
            notes.append(check)

    def result(self) -> list[Problem]:
        items = list(self.items)
        for (sheet, row), notes in self._skipped.items():
            for i, problem in enumerate(items):
                match = _ROW_OF_LOCATION.match(problem.location)
                if match and match["sheet"] == sheet and int(match["row"]) == row:
                    items[i] = Problem(problem.field, f"{problem.message} (not checked until this is "
                                                      f"fixed: {'; '.join(notes)})", problem.location)
                    break
        extra = [Problem(field_name, f"… and {count - MAX_PROBLEMS_PER_FIELD} more problems like these",
                         sheet)
                 for (sheet, field_name), count in self._counts.items()
                 if count > MAX_PROBLEMS_PER_FIELD]
        return items + extra

    def __bool__(self) -> bool:
        return bool(self.items)


@dataclass
class Table:
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


def as_table(name: str, rows: list[tuple[Any, ...]], sheet: SheetSpec) -> Table:
    if not rows:
        return Table(name, 1, [], [])
    header_index = _find_header(rows, sheet)
    headers = [None if is_empty(v) else str(v).strip() for v in rows[header_index]]
    body = [(header_index + 2 + i, row) for i, row in enumerate(rows[header_index + 1:])
            if any(not is_empty(v) for v in row)]
    return Table(name, header_index + 1, headers, body)  # type: ignore[arg-type]


def locator(sheet: str, table: Table, row: int, spec: SheetSpec) -> Callable[[str], str]:
    """Maps a dataclass field name to the cell of that field in ``row``."""
    def locate(field_name: str) -> str:
        for column in spec.columns:
            if column.field == field_name:
                index = table.index_of(spec, column)
                if index is not None:
                    return cell_ref(sheet, index, row)
        return f"{sheet}!A{row}"
    return locate


def read_objects(table: Table, spec: SheetSpec, factory: Callable[..., Any], problems: ProblemCollector,
                  claimed: dict[str, int] | None = None) -> list[tuple[int, Any]]:
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
            # A name that is not text is reported below, with the rest of the row.
            with contextlib.suppress(CellError):
                claimed.setdefault(parse_text(values[name_index]), row_number)
        for column in spec.columns:
            index = indices.get(column.field)
            value = values[index] if index is not None and index < len(values) else None
            if is_empty(value):
                if column.required:
                    problems.add(column.header, "is required; " + column.note,
                                 cell_ref(sheet, index if index is not None else 0, row_number))
                    row_ok = False
                continue
            try:
                kwargs[column.field] = parse_cell(column, value)
            except CellError as exc:
                problems.add(column.header, str(exc), cell_ref(sheet, index or 0, row_number))
                row_ok = False
        if not row_ok:
            continue
        try:
            objects.append((row_number, factory(**kwargs)))
        except InputError as exc:
            problems.extend_from(exc, locator(sheet, table, row_number, spec))
    return objects


@dataclass(frozen=True)
class SheetObjects:
    """The objects read from one table sheet, each with the row it came from.

    Parameters
    ----------
    table : Table
    spec : SheetSpec
    found : list of (int, object)
        (1-based row number, object) of every row that passed its own validation, in sheet order.
    """

    table: Table
    spec: SheetSpec
    found: list[tuple[int, Any]]

    @property
    def items(self) -> tuple[Any, ...]:
        """The objects, in sheet order."""
        return tuple(item for _, item in self.found)

    @property
    def rows(self) -> list[int]:
        """The row number of each object, in sheet order."""
        return [row for row, _ in self.found]

    def cell(self, row: int, field_name: str) -> str:
        """``Sheet!Cell`` of ``field_name`` in ``row`` (column A when the column is absent)."""
        return locator(self.table.name, self.table, row, self.spec)(field_name)

    def report_repeats(self, key: Callable[[Any], Hashable], field_name: str,
                       message: Callable[[Any], str], problems: ProblemCollector) -> None:
        """A located problem at every row whose ``key`` an earlier row already has."""
        seen: set[Hashable] = set()
        for row, item in self.found:
            value = key(item)
            if value in seen:
                problems.add(field_name, message(value), self.cell(row, field_name))
            seen.add(value)


def read_sheet(tables: Mapping[str, Table], spec: SheetSpec, factory: Callable[..., Any],
               problems: ProblemCollector, claimed: dict[str, int] | None = None) -> SheetObjects | None:
    """:func:`read_objects` of ``spec``'s sheet when the workbook has it (None when not)."""
    table = tables.get(spec.name)
    if table is None:
        return None
    return SheetObjects(table, spec, read_objects(table, spec, factory, problems, claimed))


def read_key_values(table: Table, spec: SheetSpec, problems: ProblemCollector) -> tuple[dict[str, Any],
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
                             cell_ref(sheet, 0, row_number))
            continue
        column = by_key.get(norm(key))
        if column is None:
            problems.add("setting", f"unknown setting {key!r}; allowed: "
                                    f"{', '.join(c.header for c in spec.columns)}",
                         cell_ref(sheet, 0, row_number))
            continue
        location = cell_ref(sheet, 1, row_number)
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
