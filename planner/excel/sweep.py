"""The sweep results workbook: About, Points (one row per grid point), Mix decisions, Charts.

Native Excel charts on the ``Charts`` sheet: total cost against the service-level target (one
series per value of the other first axis, when there is one), required FTE against the volume
change, and the recommended self-service share per point and (segment, channel).
"""

from __future__ import annotations

import math
import os
from typing import IO, Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference, ScatterChart, Series
from openpyxl.chart.series import SeriesLabel
from openpyxl.worksheet.worksheet import Worksheet

from planner.excel.layout import BOLD, save_book, style_header

POINT_TITLES: dict[str, str] = {
    "point": "point", "label": "grid point", "status": "status", "message": "problem",
    "contacts_offered": "contacts offered", "live_contacts": "live contacts after self-service",
    "required_agent_hours": "required agent-hours", "required_fte": "required FTE (40 h/week)",
    "peak_required_agents": "peak agents required", "service_level_target": "service-level target",
    "requirement_labour_cost": "labour cost of the requirement",
    "automation_cost": "automation cost", "total_cost": "total cost (labour + automation)",
    "mix_status": "mix status", "mix_total_cost_current": "mix: total cost now",
    "mix_total_cost_recommended": "mix: total cost recommended", "mix_fte_saved": "mix: FTE saved",
    "schedule_status": "schedule status", "scheduled_fte": "scheduled FTE",
    "schedule_labour_cost": "schedule labour cost",
    "predicted_service_level": "predicted service level", "shortfall_agent_hours": "agent-hours short",
    "notes": "notes",
}
"""Column titles a planner reads (units in the titles, money in the scenario's currency)."""

_PERCENT = {"service_level_target", "predicted_service_level"}
_MONEY = {"requirement_labour_cost", "automation_cost", "total_cost", "mix_total_cost_current",
          "mix_total_cost_recommended", "schedule_labour_cost"}
_ONE_DECIMAL = {"required_agent_hours", "required_fte", "mix_fte_saved", "scheduled_fte",
                "shortfall_agent_hours", "contacts_offered", "live_contacts"}


def _cell(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def _axis_format(parameter: str) -> str:
    from planner.sweep import SWEEP_PARAMETERS

    kind = SWEEP_PARAMETERS[parameter].kind
    return "+0%;-0%;0%" if kind == "change" else ("0.0%" if kind == "share" else "0")


def _write_points(ws: Worksheet, result: Any) -> None:
    """The Points sheet: one row per grid point, titles a planner reads."""
    frame: pd.DataFrame = result.points
    axes = {a.key: a for a in result.grid.axes}
    keys = list(frame.columns)
    titles = [axes[k].label if k in axes else POINT_TITLES.get(k, k) for k in keys]
    currency = result.currency
    titles = [f"{t} ({currency})" if k in _MONEY else t for k, t in zip(keys, titles, strict=True)]
    ws.append(titles)
    for row in frame.itertuples(index=False):
        ws.append([_cell(v) for v in row])
    style_header(ws, len(titles))  # after the rows: freezing panes creates row 2
    for col, key in enumerate(keys, start=1):
        fmt = None
        if key in axes:
            fmt = _axis_format(axes[key].parameter)
        elif key in _PERCENT:
            fmt = "0.0%"
        elif key in _MONEY:
            fmt = "#,##0"
        elif key in _ONE_DECIMAL:
            fmt = "#,##0.0"
        if fmt:
            for r in range(2, len(frame) + 2):
                ws.cell(row=r, column=col).number_format = fmt
        width = 12 if key in axes or key == "point" else min(44, max(12, len(titles[col - 1]) + 2))
        ws.column_dimensions[ws.cell(row=1, column=col).column_letter].width = width


def _write_decisions(ws: Worksheet, result: Any) -> tuple[list[tuple[str, str]], int]:
    """Recommended share per point (rows) and pair (columns); returns the pairs and last row."""
    decisions: pd.DataFrame = result.decisions
    labels = result.points.set_index("point")["label"]
    ws.append(["point", "grid point"])
    if decisions.empty:
        ws.append(["", "no mix decisions (the mix was not run or the scenario has no self-service)"])
        style_header(ws, 2)
        return [], 2
    pairs = list(dict.fromkeys(zip(decisions["segment"], decisions["channel"], strict=True)))
    table = decisions.pivot_table(index="point", columns=["segment", "channel"],
                                  values="recommended_share", aggfunc="first")
    for segment, channel in pairs:
        ws.cell(row=1, column=ws.max_column + 1, value=f"{segment} / {channel}: recommended share")
    for point in result.points["point"]:
        row = [int(point), str(labels.get(point, ""))]
        for pair in pairs:
            value = table.loc[point, pair] if point in table.index and pair in table.columns else None
            row.append(_cell(value))
        ws.append(row)
    style_header(ws, 2 + len(pairs))
    for r in range(2, ws.max_row + 1):
        for c in range(3, 3 + len(pairs)):
            ws.cell(row=r, column=c).number_format = "0%"
    ws.column_dimensions["B"].width = 40
    return pairs, ws.max_row


def _scatter(title: str, x_title: str, y_title: str, x_format: str, y_format: str) -> ScatterChart:
    chart = ScatterChart()
    chart.title = title
    chart.style = 13
    chart.x_axis.title = x_title
    chart.y_axis.title = y_title
    chart.x_axis.number_format = x_format
    chart.y_axis.number_format = y_format
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.height, chart.width = 9, 18
    return chart


def _line_series(ws: Worksheet, x_col: int, y_col: int, rows: list[int], name: str) -> Series | None:
    """A series over consecutive sheet rows (a helper block is written when they are not)."""
    if not rows:
        return None
    series = Series(Reference(ws, min_col=y_col, min_row=rows[0], max_row=rows[-1]),
                    Reference(ws, min_col=x_col, min_row=rows[0], max_row=rows[-1]),
                    title=None)
    series.tx = SeriesLabel(v=name)
    series.marker.symbol = "circle"
    return series


def _charts(book: Workbook, result: Any, pairs: list[tuple[str, str]], decisions_last: int) -> None:
    ws = book.create_sheet("Charts")
    ws["A1"] = "Charts of the sweep (data on the Points and Mix decisions sheets)"
    ws["A1"].font = BOLD
    points: pd.DataFrame = result.points
    ok = points[points["status"] == "ok"]
    axes = list(result.grid.axes)
    anchor = 3
    # helper blocks: sorted copies of (x, y) per series, so every series is a contiguous range
    helper = book.create_sheet("Chart data")
    helper.sheet_state = "hidden"
    helper_col = 1

    def block(x: pd.Series, y: pd.Series) -> tuple[int, list[int]]:
        nonlocal helper_col
        pairs_xy = sorted((float(a), float(b)) for a, b in zip(x, y, strict=True)
                          if math.isfinite(float(a)) and math.isfinite(float(b)))
        for r, (a, b) in enumerate(pairs_xy, start=1):
            helper.cell(row=r, column=helper_col, value=a)
            helper.cell(row=r, column=helper_col + 1, value=b)
        col = helper_col
        helper_col += 2
        return col, list(range(1, len(pairs_xy) + 1))

    def by_other(x_key: str) -> list[tuple[str, pd.DataFrame]]:
        others = [a for a in axes if a.key != x_key]
        if not others:
            return [("all points", ok)]
        other = others[0]
        from planner.sweep import format_value

        return [(f"{other.key} = {format_value(other.parameter, float(v))}", rows)
                for v, rows in ok.groupby(other.key, sort=True)]

    sl_key = next((a.key for a in axes if a.parameter == "service_level"), None)
    x_key = sl_key or "service_level_target"
    chart = _scatter("Total cost against the service-level target", "service-level target",
                     f"total cost ({result.currency})", "0%", "#,##0")
    for name, rows in by_other(x_key) if sl_key else [("all points", ok)]:
        col, rows_used = block(rows[x_key], rows["total_cost"])
        series = _line_series(helper, col, col + 1, rows_used, name)
        if series is not None:
            chart.series.append(series)
    ws.add_chart(chart, f"A{anchor}")
    volume_key = next((a.key for a in axes if a.parameter == "volume"), None)
    chart = _scatter("Required FTE against the volume change", "volume change",
                     "required FTE (40 h/week)", "+0%;-0%;0%", "#,##0")
    for name, rows in by_other(volume_key) if volume_key else [("all points", ok)]:
        x = rows[volume_key] if volume_key else pd.Series([0.0] * len(rows))
        col, rows_used = block(x, rows["required_fte"])
        series = _line_series(helper, col, col + 1, rows_used, name)
        if series is not None:
            chart.series.append(series)
    ws.add_chart(chart, f"L{anchor}")
    anchor += 20
    if pairs:
        bar = BarChart()
        bar.type = "col"
        bar.grouping = "clustered"
        bar.title = "Mix decision per point: recommended self-service share"
        bar.y_axis.title = "recommended share"
        bar.y_axis.number_format = "0%"
        bar.x_axis.title = "grid point"
        bar.x_axis.delete = False
        bar.y_axis.delete = False
        bar.height, bar.width = 10, 36
        decisions = book["Mix decisions"]
        bar.add_data(Reference(decisions, min_col=3, max_col=2 + len(pairs), min_row=1,
                               max_row=decisions_last), titles_from_data=True)
        bar.set_categories(Reference(decisions, min_col=1, min_row=2, max_row=decisions_last))
        ws.add_chart(bar, f"A{anchor}")


def write_sweep(result: Any, path_or_file: str | os.PathLike[str] | IO[bytes]) -> None:
    """Write the sweep results workbook (atomically when given a path).

    Parameters
    ----------
    result : planner.sweep.SweepResult
        The sweep.
    path_or_file : path or binary file object
        Destination ``.xlsx``.
    """
    book = Workbook()
    about = book.active
    about.title = "About"
    about.append(["Scenario sweep", result.scenario_name])
    about["A1"].font = BOLD
    about.append(["points", len(result.points)])
    about.append(["points with invalid inputs", result.failed])
    about.append(["scheduled per point", "yes" if result.schedule else "no (staffing and mix only)"])
    about.append(["ran", result.executor])
    about.append(["wall-clock seconds", round(float(result.seconds), 2)])
    about.append(["currency", result.currency])
    about.append([])
    about.append(["axis", "values"])
    from planner.sweep import format_value

    for axis in result.grid.axes:
        about.append([axis.label, ", ".join(format_value(axis.parameter, v) for v in axis.values)])
    about.column_dimensions["A"].width = 34
    about.column_dimensions["B"].width = 80
    _write_points(book.create_sheet("Points"), result)
    pairs, last = _write_decisions(book.create_sheet("Mix decisions"), result)
    _charts(book, result, pairs, last)
    save_book(book, path_or_file)
