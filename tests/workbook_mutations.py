"""Random edits of a scenario workbook, as a planner's hand might make them, for fuzzing the reader.

One source of mutations serves the bounded hypothesis test (``tests/test_excel_fuzz.py``) and the
long seeded run (``benchmarks/fuzz_workbooks.py``): both pass a *chooser* that picks one item of a
sequence — hypothesis' ``data.draw(sampled_from(...))`` or ``random.Random(seed).choice``.

A case is "handled" when :func:`planner.excel.read_workbook` returns a scenario or raises
:class:`planner.types.InputError` whose every problem names a location; anything else is a crash.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

import openpyxl
from openpyxl.workbook.workbook import Workbook

Chooser = Callable[[Sequence[Any]], Any]
"""Picks one item of a non-empty sequence."""

CELL_VALUES: tuple[Any, ...] = (
    None, "", " ", "abc", "none", "-", "x" * 40_000, "ümlaut ✓ 日本語 🙂", "\t\n", "1,5", "12:99",
    "25:00", "24:00", "Mon-Fri", "Funday", "=1/0", "=SUM(A1:A3)", "#N/A", "#DIV/0!",
    0, 1, -1, -5, 0.5, -0.0001, 1e-9, 7, 15, 61, 1_000_000, 10**12, 1e308, -1e308,
    math.nan, math.inf, -math.inf, True, False,
    date(2026, 1, 5), datetime(2026, 1, 5, 7, 30), datetime(1900, 1, 1), datetime(9999, 12, 31, 23, 59),
    time(7, 30), time(23, 59, 59),
)
"""Values a cell may be set to: wrong types, blanks, unicode, dates, formula text, huge, NaN/inf."""

MUTATION_KINDS: tuple[str, ...] = (
    "set_cell", "set_cell", "set_cell", "set_cell", "set_header", "clear_row", "delete_rows",
    "insert_rows", "delete_cols", "insert_cols", "delete_sheet", "rename_sheet", "swap_rows",
    "add_sheet",
)
"""Kinds of edit, cell edits weighted up (they are what planners do most)."""

SHEET_NAMES: tuple[str, ...] = ("Channels", "Forecast", "Settings", "Data", "Sheet1", "channels ",
                                "Shift Templates", "BreakRules", "Ünïcode")


@dataclass(frozen=True)
class Mutation:
    """One edit: its kind, the sheet, a row and a column (1-based) and a value."""

    kind: str
    sheet: str
    row: int
    col: int
    value: Any = None

    def __str__(self) -> str:
        shown = self.value if not isinstance(self.value, str) or len(self.value) < 30 else \
            f"{self.value[:10]!r}…({len(self.value)} chars)"
        return f"{self.kind} {self.sheet}!R{self.row}C{self.col} {shown!r}"


def mutate(content: bytes, choose: Chooser, *, most: int = 4) -> tuple[bytes, list[Mutation]]:
    """Apply 1..``most`` random edits drawn with ``choose`` to the workbook ``content``.

    Each edit is drawn against the workbook as the previous edits left it (its sheets and size).

    Returns
    -------
    tuple
        The edited workbook as .xlsx bytes, and the edits (for the report of a crash).
    """
    book = openpyxl.load_workbook(io.BytesIO(content))
    count = choose(range(1, most + 1))
    applied = []
    for _ in range(count):
        mutation = _draw(book, choose)
        _apply(book, mutation)
        applied.append(mutation)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), applied


def _draw(book: Workbook, choose: Chooser) -> Mutation:
    kind = choose(MUTATION_KINDS)
    sheet = choose(book.sheetnames)
    ws = book[sheet]
    row = choose(range(1, max(ws.max_row, 1) + 2))
    col = choose(range(1, max(ws.max_column, 1) + 2))
    value: Any = None
    if kind in ("set_cell", "set_header"):
        value = choose(CELL_VALUES)
    elif kind in ("delete_rows", "insert_rows", "delete_cols", "insert_cols"):
        value = choose((1, 1, 2, 5))
    elif kind in ("rename_sheet", "add_sheet"):
        value = choose(SHEET_NAMES)
    elif kind == "swap_rows":
        value = choose(range(1, max(ws.max_row, 1) + 1))
    return Mutation(kind, sheet, row, col, value)


def _apply(book: Workbook, m: Mutation) -> None:
    ws = book[m.sheet]
    if m.kind == "set_cell":
        ws.cell(row=m.row, column=m.col).value = m.value
    elif m.kind == "set_header":
        ws.cell(row=1, column=m.col).value = m.value
    elif m.kind == "clear_row":
        for col in range(1, ws.max_column + 1):
            ws.cell(row=m.row, column=col).value = None
    elif m.kind == "delete_rows":
        ws.delete_rows(m.row, m.value)
    elif m.kind == "insert_rows":
        ws.insert_rows(m.row, m.value)
    elif m.kind == "delete_cols":
        ws.delete_cols(m.col, m.value)
    elif m.kind == "insert_cols":
        ws.insert_cols(m.col, m.value)
    elif m.kind == "delete_sheet":
        if len(book.sheetnames) > 1:
            book.remove(ws)
    elif m.kind == "rename_sheet":
        if m.value not in book.sheetnames:
            ws.title = m.value
    elif m.kind == "add_sheet":
        if m.value not in book.sheetnames:
            book.create_sheet(m.value).cell(row=1, column=1).value = "name"
    elif m.kind == "swap_rows":
        for col in range(1, ws.max_column + 1):
            a, b = ws.cell(row=m.row, column=col), ws.cell(row=m.value, column=col)
            a.value, b.value = b.value, a.value


def unlocated(problems: Sequence[Any]) -> list[Any]:
    """The problems of an InputError that name no location (should be none)."""
    return [p for p in problems if not str(getattr(p, "location", "") or "").strip()]
