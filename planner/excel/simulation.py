"""The plan workbook's ``Simulation`` sheet, and reading a plan workbook's schedule back.

``Simulation`` (written when the plan was simulated, :func:`write_simulation_sheet`): the notes,
the week and every day per group (predicted vs simulated service level with the 95 % confidence
interval, ASA, abandonment, occupancy), late breaks and overtime per day, then the per-interval
table (with ``outside`` and the likely ``reason``), and per voice/chat group a native line chart of
predicted vs simulated service level with the confidence band drawn as a shaded area.

:func:`read_plan_schedule` reads the ``Schedule`` and ``Breaks`` sheets (and the live contacts
of ``Coverage``) of a plan workbook so ``planner simulate PLAN.xlsx`` replays exactly the
schedule the workbook holds.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import IO, Any

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.chart import AreaChart, LineChart, Reference
from openpyxl.chart.series import SeriesLabel
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from planner.excel.writer import _show_axes, _write_frame

SHEET = "Simulation"

_DAY_COLUMNS = ("group", "date", "service_level_definition", "live_contacts", "simulated_contacts",
                "predicted_service_level", "simulated_service_level", "ci_low", "ci_high",
                "difference_points", "predicted_asa_seconds", "simulated_asa_seconds",
                "predicted_abandon", "simulated_abandon", "predicted_occupancy", "simulated_occupancy",
                "scheduled_agent_hours")
_INTERVAL_COLUMNS = ("group", "interval_start", "live_contacts", "required", "scheduled",
                     "predicted_service_level", "simulated_service_level", "ci_low", "ci_high",
                     "difference_points", "outside", "reason", "simulated_service_level_offered",
                     "simulated_service_level_answered", "predicted_asa_seconds",
                     "simulated_asa_seconds", "asa_seconds_ci_low", "asa_seconds_ci_high",
                     "predicted_abandon", "simulated_abandon", "predicted_occupancy", "simulated_occupancy",
                     "queue_at_start", "predicted_backlog", "simulated_backlog")
_PERCENT = ("service_level", "ci_low", "ci_high", "abandon", "occupancy", "share")


def _formats(ws: Worksheet, header_row: int, last_row: int, columns: list[str]) -> None:
    for col, name in enumerate(columns, start=1):
        fmt = None
        if any(key in name for key in _PERCENT):
            fmt = "0.0%"
        elif name.endswith(("_seconds", "_points", "_minutes", "_hours", "contacts", "backlog", "start")):
            fmt = "0.0" if not name.endswith("interval_start") else None
        if fmt:
            for row in range(header_row + 1, last_row + 1):
                cell = ws.cell(row=row, column=col)
                if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                    cell.number_format = fmt


def _band_chart(ws: Worksheet, group: str, first: int, last: int, columns: list[str]) -> AreaChart:
    """Predicted vs simulated service level with the CI as a stacked band (native Excel chart)."""
    def ref(name: str) -> Reference:
        return Reference(ws, min_col=columns.index(name) + 1, min_row=first, max_row=last)

    band = AreaChart()
    band.grouping = "stacked"
    band.add_data(ref("ci_low"), titles_from_data=False)
    band.add_data(ref("ci_width"), titles_from_data=False)
    band.series[0].tx = SeriesLabel(v="95% CI low")
    band.series[0].graphicalProperties.noFill = True
    band.series[0].graphicalProperties.line.noFill = True
    band.series[1].tx = SeriesLabel(v="95% confidence band")
    band.series[1].graphicalProperties.solidFill = "C9DAF8"
    band.series[1].graphicalProperties.line.noFill = True
    lines = LineChart()
    for name, label, colour in (("predicted_service_level", "predicted", "C00000"),
                                ("simulated_service_level", "simulated", "1F4E79")):
        lines.add_data(ref(name), titles_from_data=False)
        lines.series[-1].tx = SeriesLabel(v=label)
        lines.series[-1].graphicalProperties.line.solidFill = colour
        lines.series[-1].smooth = False
    band.set_categories(ref("interval_start"))
    band.title = f"{group}: predicted vs simulated service level (95% CI)"
    band.y_axis.title = "service level"
    band.y_axis.number_format = "0%"
    band.y_axis.scaling.min = 0.0
    band.y_axis.scaling.max = 1.0
    band.x_axis.title = "interval"
    band.height, band.width = 9, 28
    _show_axes(band, lines)
    band += lines
    return band


def write_simulation_sheet(book: Workbook, result: Any) -> Worksheet:
    """Add the ``Simulation`` sheet of a :class:`planner.simulation.SimulationResult` to ``book``."""
    ws = book.create_sheet(SHEET)
    opts = result.options
    ws["A1"] = (f"Simulation: {opts.replications} replications (seed {opts.seed}), {opts.handle_time} "
                f"handle times, shrinkage '{opts.shrinkage}', 95% confidence intervals; "
                f"{result.contacts:,} contacts in {result.seconds:.1f} s")
    ws["A1"].font = Font(bold=True, size=12)
    row = 2
    for note in result.notes:
        ws.cell(row=row, column=1, value=note)
        row += 1
    row += 1
    week = result.week.rename(columns={"first_date": "date"})
    week = week.assign(date=[f"{a} – {b}" for a, b in zip(result.week["first_date"], result.week["last_date"],
                                                         strict=True)])
    summary = pd.concat([week, result.days], ignore_index=True)[list(_DAY_COLUMNS)]
    start = row
    row = _write_frame(ws, summary, start_row=start, title="Week and days (first row per group: the week)")
    _formats(ws, start + 1, row, list(_DAY_COLUMNS))
    row += 2
    start = row
    row = _write_frame(ws, result.late_breaks, start_row=start,
                       title="Late breaks and overtime per day (agents finish the contact in hand)")
    _formats(ws, start + 1, row, list(result.late_breaks.columns))
    row += 2
    correction = getattr(result, "correction", None)
    if correction is not None and len(correction):
        moved = result.correction_moved
        start = row
        title = "ISA correction: scheduled agent-hours moved per day (the schedule was re-planned)"
        row = _write_frame(ws, moved, start_row=start, title=title)
        _formats(ws, start + 1, row, list(moved.columns))
        row += 2
        changed = correction[correction["change"] != 0]
        start = row
        row = _write_frame(ws, changed, start_row=start,
                           title="ISA correction: intervals whose requirement changed")
        _formats(ws, start + 1, row, list(changed.columns))
        row += 2
    frame = result.intervals[list(_INTERVAL_COLUMNS)].copy()
    frame["ci_width"] = (frame["ci_high"] - frame["ci_low"]).clip(lower=0.0)
    columns = list(frame.columns)
    start = row
    row = _write_frame(ws, frame, start_row=start, title="Per interval (outside: the prediction lies "
                                                         "outside the simulated 95% CI)")
    _formats(ws, start + 1, row, columns)
    header = start + 1
    anchor = 2
    anchor_col = "AB"
    kinds = dict(zip(result.intervals["group"], result.intervals["kind"], strict=True))
    for group, rows in frame.reset_index(drop=True).groupby("group", sort=False):
        if kinds.get(group) == "email" or rows["predicted_service_level"].notna().sum() == 0:
            continue
        first, last = header + 1 + int(rows.index.min()), header + 1 + int(rows.index.max())
        ws.add_chart(_band_chart(ws, str(group), first, last, columns), f"{anchor_col}{anchor}")
        anchor += 19
    return ws


@dataclass(frozen=True, eq=False)
class StoredSchedule:
    """The schedule held by a plan workbook.

    Attributes
    ----------
    shifts, activities : pandas.DataFrame
        The ``Schedule`` and ``Breaks`` sheets (``agent, group, start, end`` …).
    coverage : pandas.DataFrame or None
        ``interval_start, group, live_contacts`` of the ``Coverage`` sheet (what the plan was
        computed for).
    """

    shifts: pd.DataFrame
    activities: pd.DataFrame
    coverage: pd.DataFrame | None


def _sheet_frame(book: Any, name: str) -> pd.DataFrame | None:
    if name not in book.sheetnames:
        return None
    rows = list(book[name].iter_rows(values_only=True))
    if not rows or not rows[0] or rows[0][0] is None:
        return None
    header = [str(c) if c is not None else "" for c in rows[0]]
    return pd.DataFrame([r[:len(header)] for r in rows[1:] if any(v is not None for v in r)], columns=header)


def read_plan_schedule(path_or_file: str | os.PathLike[str] | IO[bytes]) -> StoredSchedule | None:
    """The schedule of a plan workbook; ``None`` for a scenario workbook (no ``Schedule`` sheet).

    Raises
    ------
    planner.simulation.SimulationInputError
        A plan workbook whose ``Schedule`` sheet holds no schedule (planned without one) or lacks
        its columns.
    """
    from planner.simulation import SimulationInputError

    book = load_workbook(path_or_file, read_only=True, data_only=True)
    try:
        if "Schedule" not in book.sheetnames:
            return None
        shifts = _sheet_frame(book, "Schedule")
        if shifts is None or "agent" not in shifts.columns:
            raise SimulationInputError(
                "Schedule!A1: the plan workbook has no schedule (it was planned without one); "
                "plan with a schedule first")
        activities = _sheet_frame(book, "Breaks")
        if activities is None or "agent" not in activities.columns:
            activities = pd.DataFrame(columns=["agent", "group", "activity", "start", "end", "paid"])
        coverage = _sheet_frame(book, "Coverage")
    finally:
        book.close()
    for frame, sheet in ((shifts, "Schedule"), (activities, "Breaks")):
        for column in ("agent", "group", "start", "end"):
            if column not in frame.columns:
                raise SimulationInputError(f"{sheet}!A1: the column {column!r} is missing")
        frame["start"] = pd.to_datetime(frame["start"])
        frame["end"] = pd.to_datetime(frame["end"])
    if coverage is not None and {"interval_start", "group", "live_contacts"} <= set(coverage.columns):
        coverage = coverage[["interval_start", "group", "live_contacts"]].assign(
            interval_start=lambda f: pd.to_datetime(f["interval_start"]),
            live_contacts=lambda f: pd.to_numeric(f["live_contacts"], errors="coerce"))
    else:
        coverage = None
    return StoredSchedule(shifts=shifts, activities=activities, coverage=coverage)
