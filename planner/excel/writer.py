"""The plan workbook: Summary, Requirements, Coverage (with native charts), Schedule, Breaks,
Well-being, Mix, Explanations, and the scenario's inputs echoed.
"""

from __future__ import annotations

import math
import os
from datetime import date, datetime
from typing import IO, Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.chart.series import SeriesLabel
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from planner.excel.layout import (
    BOLD,
    DATETIME_FORMAT,
    HEADER_FILL,
    SHORT_FILL,
    save_book,
    style_header,
)
from planner.excel.scenario_sheets import write_input_sheets
from planner.excel.summary import write_summary

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
        cell.font = BOLD
        cell.fill = HEADER_FILL
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
                                      FormulaRule(formula=[formula], fill=SHORT_FILL))
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
    write_summary(book.active, plan)
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
    style_header(ws, 1)
    ws.column_dimensions["A"].width = 120
    write_input_sheets(book, plan.scenario)
    save_book(book, path_or_file)
