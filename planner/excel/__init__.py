"""Excel in and out: the scenario workbook, the annotated template and the plan workbook.

This package is the only place that touches workbooks (openpyxl). One module per concept:

``columns``
    The workbook contract: every input sheet and its columns (:class:`~planner.excel.columns.SheetSpec`).
    ``sample_inputs/README.md`` and the template's ``Instructions`` sheet are written from it.
``cells``
    Parsing one cell (numbers, times of day, weekday sets, dates …) with planner-readable errors.
``reader``
    :func:`read_workbook`: every problem located ``Sheet!Cell``, one :class:`planner.types.InputError`.
``scenario_sheets``
    Writing a scenario's input sheets (:func:`write_scenario`), the inverse of the reader.
``template``
    :func:`write_template` and :func:`example_scenario`.
``writer``
    :func:`write_plan`, the plan workbook.
``sweep``
    :func:`~planner.excel.sweep.write_sweep`, the sweep results workbook (issue 14).
``layout``
    Shared styling and the atomic save.

A new input sheet gets its :class:`~planner.excel.columns.SheetSpec` (in ``columns`` or in a module
of its own next to it) and a small hook in the reader and in ``scenario_sheets``.
"""

from planner.excel.columns import INPUT_SHEETS as _SCENARIO_SHEETS
from planner.excel.columns import SHEETS as _SCENARIO_SPECS
from planner.excel.people import PEOPLE_SHEETS
from planner.excel.reader import DEFAULT_MAX_BYTES, DEFAULT_MAX_ROWS, read_workbook
from planner.excel.scenario_sheets import write_scenario
from planner.excel.template import example_scenario, write_template
from planner.excel.writer import write_plan

SHEETS = (*_SCENARIO_SPECS, *PEOPLE_SHEETS)
"""Every input sheet's spec, the optional people sheets (:mod:`planner.excel.people`) last."""
INPUT_SHEETS = (*_SCENARIO_SHEETS, *(s.name for s in PEOPLE_SHEETS))

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_ROWS",
    "INPUT_SHEETS",
    "SHEETS",
    "example_scenario",
    "read_workbook",
    "write_plan",
    "write_scenario",
    "write_template",
]
