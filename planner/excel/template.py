"""The annotated, empty scenario workbook (``planner template``) and the example scenario in it."""

from __future__ import annotations

import math
import os
from datetime import date
from typing import IO

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from planner.excel.capacity import CAPACITY_SHEETS, example_capacity, write_capacity_sheets
from planner.excel.columns import SHEETS
from planner.excel.layout import BOLD, HEADER_FILL, save_book, set_widths
from planner.excel.people import PEOPLE_SHEETS
from planner.excel.scenario_sheets import write_input_sheets
from planner.types import (
    BreakRule,
    Channel,
    Deflection,
    Scenario,
    Segment,
    Settings,
    ShiftTemplate,
)


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
        cell.font = BOLD
        cell.fill = HEADER_FILL
    for spec in (*SHEETS, *PEOPLE_SHEETS, *CAPACITY_SHEETS):
        ws.append([spec.name, "yes" if spec.required else "no", spec.purpose])
        ws.cell(row=ws.max_row, column=1).font = BOLD
        for column in spec.columns:
            ws.append(["", "required" if column.required else "optional", column.header, column.note])
    set_widths(ws, [18, 10, 38, 110])
    scenario = example_scenario()
    write_input_sheets(book, scenario, annotate=True)
    write_capacity_sheets(book, example_capacity(scenario))  # the capacity plan's sheets (issue 12)
    save_book(book, path_or_file)
