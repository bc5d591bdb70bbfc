"""Writing a scenario's input sheets, in the layout :func:`planner.excel.read_workbook` reads.

Used by the template, by :func:`write_scenario` and by the plan workbook, which echoes its inputs so a
plan can be uploaded again as a scenario.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import MISSING, fields
from datetime import date
from typing import IO, Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from planner.excel.cells import format_days, format_minute
from planner.excel.columns import (
    BREAKS_SHEET,
    CHANNELS_SHEET,
    DEFLECTION_SHEET,
    FORECAST_SHEET,
    GROUPS_SHEET,
    MIX_SHEET,
    SEGMENTS_SHEET,
    SETTINGS_SHEET,
    SHRINKAGE_SHEET,
    TEMPLATES_SHEET,
    Column,
    SheetSpec,
)
from planner.excel.layout import DATE_FORMAT, DATETIME_FORMAT, save_book, set_widths, style_header
from planner.types import (
    BreakRule,
    Channel,
    Deflection,
    MixSettings,
    Scenario,
    Segment,
    Settings,
    ShiftTemplate,
    StaffingGroup,
)


# ------------------------------------------------------------------------------------------------
# Writing the input sheets (template, and the inputs echoed in a plan)
# ------------------------------------------------------------------------------------------------
def _field_default(cls: type, field_name: str) -> Any:
    for f in fields(cls):
        if f.name == field_name:
            if f.default is not MISSING:
                return f.default
            if f.default_factory is not MISSING:  # pragma: no cover - no such field today
                return f.default_factory()
    return MISSING


def _cell_value(column: Column, value: Any, cls: type) -> Any:
    """The value written for one field (inverse of :func:`parse_cell`)."""
    if value is None:
        default = _field_default(cls, column.field)
        return "none" if column.nullable and default not in (None, MISSING) else None
    if column.kind == "time":
        return format_minute(int(value))
    if column.kind == "days":
        return format_days(value)
    if column.kind == "bool":
        return "yes" if value else "no"
    if column.kind == "names":
        return ", ".join(value)
    if column.kind == "datetime":
        return pd.Timestamp(value).to_pydatetime()
    if isinstance(value, float) and value.is_integer() and column.kind == "int":
        return int(value)
    return value




def _write_table_sheet(ws: Worksheet, spec: SheetSpec, objects: Sequence[Any], cls: type, *,
                       annotate: bool) -> None:
    headers = [c.header for c in spec.columns]
    ws.append(headers)
    for item in objects:
        ws.append([_cell_value(c, getattr(item, c.field), cls) for c in spec.columns])
    style_header(ws, len(headers))
    set_widths(ws, [max(12, len(h) + 3) for h in headers])
    if annotate:
        _annotate(ws, spec, header_row=1)


def _annotate(ws: Worksheet, spec: SheetSpec, header_row: int, *, key_value: bool = False) -> None:
    """Header comments and drop-down validation of the enumerated columns."""
    last_row = 2000 if spec.name in ("Forecast", "Shrinkage") else 500
    for index, column in enumerate(spec.columns):
        tag = "required" if column.required else "optional"
        comment = Comment(f"{column.header} ({tag}): {column.note}", "planner template")
        comment.width, comment.height = 300, 110
        if key_value:
            ws.cell(row=header_row + 1 + index, column=1).comment = comment
            continue
        ws.cell(row=header_row, column=index + 1).comment = comment
        letter = get_column_letter(index + 1)
        formula = None
        if column.kind == "choice" or column.choices:
            formula = '"' + ",".join(column.choices) + '"'
        elif column.kind == "bool":
            formula = '"yes,no"'
        elif column.lookup:
            formula = column.lookup
        if formula:
            validation = DataValidation(type="list", formula1=formula, allow_blank=True,
                                        showErrorMessage=not column.lookup)
            validation.error = f"{column.header}: {column.note}"
            validation.errorTitle = "Not an allowed value"
            ws.add_data_validation(validation)
            validation.add(f"{letter}{header_row + 1}:{letter}{last_row}")


def _write_key_value_sheet(ws: Worksheet, spec: SheetSpec, values: Mapping[str, Any], cls: type | None,
                           *, annotate: bool) -> None:
    ws.append(["setting", "value", "notes"])
    for column in spec.columns:
        value = values.get(column.field)
        if column.kind == "date" and isinstance(value, date):
            cell_value: Any = value
        elif cls is not None:
            cell_value = _cell_value(column, value, cls)
        else:
            cell_value = value
        ws.append([column.header, cell_value, column.note])
        if column.kind == "date":
            ws.cell(row=ws.max_row, column=2).number_format = DATE_FORMAT
    style_header(ws, 3)
    set_widths(ws, [36, 22, 90])
    if annotate:
        _annotate(ws, spec, header_row=1, key_value=True)
        for index, column in enumerate(spec.columns):
            if column.kind == "choice" or column.choices:
                validation = DataValidation(type="list", formula1='"' + ",".join(column.choices) + '"',
                                            allow_blank=True)
                ws.add_data_validation(validation)
                validation.add(f"B{index + 2}")


def _write_forecast_sheet(ws: Worksheet, forecast: pd.DataFrame, *, annotate: bool) -> None:
    headers = [c.header for c in FORECAST_SHEET.columns]
    ws.append(headers)
    ordered = forecast.sort_values(["interval_start", "channel", "segment"])
    stamps = pd.to_datetime(ordered["interval_start"]).dt.to_pydatetime()
    aht = ordered["aht_seconds"].to_numpy(dtype=float) if "aht_seconds" in ordered else \
        np.full(len(ordered), np.nan)
    for stamp, channel, segment, contacts, seconds in zip(stamps, ordered["channel"], ordered["segment"],
                                                          ordered["contacts"].to_numpy(dtype=float), aht,
                                                          strict=True):
        ws.append([stamp, channel, segment, float(contacts), None if math.isnan(seconds) else float(seconds)])
    for row in ws.iter_rows(min_row=2, max_col=1):
        row[0].number_format = DATETIME_FORMAT
    style_header(ws, len(headers))
    set_widths(ws, [19, 12, 14, 11, 13])
    if annotate:
        _annotate(ws, FORECAST_SHEET, header_row=1)


def _write_shrinkage_sheet(ws: Worksheet, shrinkage: pd.DataFrame | None) -> None:
    ws.append([c.header for c in SHRINKAGE_SHEET.columns])
    if shrinkage is not None:
        ordered = shrinkage.sort_values(["interval_start", "channel"])
        for stamp, channel, share in zip(pd.to_datetime(ordered["interval_start"]).dt.to_pydatetime(),
                                         ordered["channel"], ordered["shrinkage"].astype(float),
                                         strict=True):
            ws.append([stamp, channel, float(share)])
        for row in ws.iter_rows(min_row=2, max_col=1):
            row[0].number_format = DATETIME_FORMAT
    style_header(ws, 3)
    set_widths(ws, [19, 12, 11])


def write_input_sheets(book: Workbook, scenario: Scenario, *, annotate: bool = False) -> None:
    """Append the scenario's input sheets, in the layout :func:`read_workbook` reads."""
    settings_values = {f.name: getattr(scenario.settings, f.name) for f in fields(Settings)}
    settings_values["name"] = scenario.name
    _write_key_value_sheet(book.create_sheet("Settings"), SETTINGS_SHEET, settings_values, Settings,
                           annotate=annotate)
    _write_table_sheet(book.create_sheet("Channels"), CHANNELS_SHEET, scenario.channels, Channel,
                       annotate=annotate)
    _write_table_sheet(book.create_sheet("Segments"), SEGMENTS_SHEET, scenario.segments, Segment,
                       annotate=annotate)
    _write_forecast_sheet(book.create_sheet("Forecast"), scenario.forecast, annotate=annotate)
    _write_table_sheet(book.create_sheet("Deflection"), DEFLECTION_SHEET, scenario.deflections, Deflection,
                       annotate=annotate)
    _write_table_sheet(book.create_sheet("StaffingGroups"), GROUPS_SHEET, scenario.staffing_groups,
                       StaffingGroup, annotate=annotate)
    _write_table_sheet(book.create_sheet("ShiftTemplates"), TEMPLATES_SHEET, scenario.shift_templates,
                       ShiftTemplate, annotate=annotate)
    _write_table_sheet(book.create_sheet("BreakRules"), BREAKS_SHEET, scenario.break_rules, BreakRule,
                       annotate=annotate)
    mix_values = {f.name: getattr(scenario.mix, f.name) for f in fields(MixSettings)}
    _write_key_value_sheet(book.create_sheet("MixSettings"), MIX_SHEET, mix_values, MixSettings,
                           annotate=annotate)
    _write_shrinkage_sheet(book.create_sheet("Shrinkage"), scenario.shrinkage_by_interval)
    from planner.excel.people import write_people_sheets

    write_people_sheets(book, scenario.contracts, scenario.agents, annotate=annotate)


def write_scenario(scenario: Scenario, path_or_file: str | os.PathLike[str] | IO[bytes]) -> None:
    """Write a scenario as an input workbook that :func:`read_workbook` reads back equal.

    Parameters
    ----------
    scenario : Scenario
        The scenario to write.
    path_or_file : path or binary file object
        Destination ``.xlsx``.
    """
    book = Workbook()
    book.remove(book.active)
    write_input_sheets(book, scenario)
    save_book(book, path_or_file)
