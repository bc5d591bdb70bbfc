"""The plan workbook's Summary sheet: the key figures grouped and labelled as a planner reads them.

The figures come from :func:`planner.key_figures.key_figures` (the same the results page shows);
values stay numbers in the cell, with an Excel number format that shows their unit (percentages
as percentages, money with the currency, durations as minutes:seconds). Column D keeps each
figure's machine key for scripts that read the sheet.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from planner.excel.layout import BOLD, DATE_FORMAT, HEADER_FILL, set_widths, style_header
from planner.key_figures import FigureKind, KeyFigure, grouped, key_figures

SUMMARY_HEADERS: tuple[str, ...] = ("Figure", "Value", "What it counts", "Key")
"""The Summary sheet's columns."""
_KEY_FONT = Font(color="808080", size=9)


def number_format(kind: FigureKind, currency: str, value: float | None = None) -> str | None:
    """The Excel number format that shows a figure of ``kind`` with its unit."""
    code = re.sub(r"[^A-Za-z$€£¥]", "", currency) or "USD"
    if kind == "percent":
        return "0.0%"
    if kind == "money":
        return f'"{code}" #,##0' if value is None or abs(value) >= 100 else f'"{code}" #,##0.00'
    if kind == "duration":  # under a minute: seconds; longer: a duration of the day fraction
        if value is not None and value < 60:
            return '0.0" s"'
        return "[m]:ss" if value is None or value < 3600 else "[h]:mm:ss"
    if kind == "hours":
        return '#,##0.0" h"'
    if kind == "fte":
        return '#,##0.0" FTE"'
    if kind in ("agents", "count"):
        return "#,##0" if value is None or float(value).is_integer() or abs(value) >= 100 else "#,##0.00"
    return None


def _cell_value(figure: KeyFigure) -> Any:
    if figure.kind == "duration" and isinstance(figure.value, float) and figure.value >= 60:
        return figure.value / 86_400.0  # Excel durations are fractions of a day
    return figure.value


def write_summary(ws: Worksheet, plan: Any) -> None:
    """Fill ``ws`` with the plan's scenario facts and key figures, grouped."""
    scenario = plan.scenario
    settings = scenario.settings
    currency = settings.currency
    schedule = plan.schedule
    solver: dict[str, object] | None = None
    if schedule is not None:
        solve = schedule.solve
        solver = {"status": plan.status, "gap": solve.gap, "objective": solve.objective,
                  "seconds": solve.seconds}
    figures = key_figures(plan.kpis, solver=solver, timings=plan.timings)
    ws.append(list(SUMMARY_HEADERS))
    facts: list[tuple[str, Any, str, str | None]] = [
        ("Scenario name", scenario.name, "", None),
        ("Plan status", plan.status, "", None),
        ("First day", settings.start_date, "", DATE_FORMAT),
        ("Days planned", settings.days, "days", "0"),
        ("Interval", settings.interval_minutes, "minutes", "0"),
        ("Currency", currency, "", None),
    ]
    _group_row(ws, "Scenario")
    for label, value, note, fmt in facts:
        ws.append([label, value, note, ""])
        cell = ws.cell(row=ws.max_row, column=2)
        if fmt and isinstance(value, int | float | date):
            cell.number_format = fmt
    for group, members in grouped(figures):
        _group_row(ws, group)
        for figure in members:
            ws.append([figure.label, _cell_value(figure), figure.note, figure.key])
            row = ws.max_row
            value = figure.value if isinstance(figure.value, float) else None
            fmt = number_format(figure.kind, currency, value)
            if fmt and value is not None:
                ws.cell(row=row, column=2).number_format = fmt
            ws.cell(row=row, column=4).font = _KEY_FONT
        if group == "Solver" and schedule is not None:
            _solver_details(ws, schedule)
    if schedule is None:
        _group_row(ws, "Schedule")
        ws.append(["Schedule", "not computed", "run without --no-schedule to schedule shifts", ""])
    style_header(ws, len(SUMMARY_HEADERS))
    set_widths(ws, [44, 22, 52, 34])


def _group_row(ws: Worksheet, group: str) -> None:
    ws.append([group])
    cell = ws.cell(row=ws.max_row, column=1)
    cell.font = BOLD
    for col in range(1, len(SUMMARY_HEADERS) + 1):
        ws.cell(row=ws.max_row, column=col).fill = HEADER_FILL


def _solver_details(ws: Worksheet, schedule: Any) -> None:
    """Per-group solve status and the model size, under the Solver group."""
    for group, result in schedule.per_group.items():
        status = str(getattr(result.status, "value", result.status))
        gap = f", gap {result.gap:.2%}" if result.gap is not None else ""
        ws.append([f"Schedule solve, {group}", f"{status}{gap}", "", f"solver_status[{group}]"])
        ws.cell(row=ws.max_row, column=4).font = _KEY_FONT
    size = schedule.model_size or {}
    if size:
        text = ", ".join(f"{value:,} {key.replace('_', ' ')}" for key, value in size.items())
        ws.append(["Model size", text, "integer program of the schedule", "model_size"])
        ws.cell(row=ws.max_row, column=4).font = _KEY_FONT
    if schedule.solve.message:
        ws.append(["Solver message", schedule.solve.message, "", "solver_message"])
        ws.cell(row=ws.max_row, column=4).font = _KEY_FONT
