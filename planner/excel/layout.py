"""Shared workbook styling and the atomic save used by every writer."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
SHORT_FILL = PatternFill("solid", fgColor="F8CBAD")
BOLD = Font(bold=True)


def style_header(ws: Worksheet, count: int, row: int = 1) -> None:
    for col in range(1, count + 1):
        cell = ws.cell(row=row, column=col)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=False, vertical="center")
    ws.freeze_panes = ws.cell(row=row + 1, column=1)


def set_widths(ws: Worksheet, widths: Sequence[int]) -> None:
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width




def save_book(book: Workbook, path_or_file: str | os.PathLike[str] | IO[bytes]) -> None:
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
