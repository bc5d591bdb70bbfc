"""The capacity-plan sheets: inputs (read and written) and the ``CapacityPlan`` output sheet.

Input sheets (all optional together; a workbook without ``CapacitySettings`` has no capacity plan):
``CapacitySettings`` (key/value), ``TenureBuckets``, ``Headcount``, ``HireClasses``,
``CapacityGroups`` and ``CapacityWeeks``. Every problem is located ``Sheet!Cell`` — the cell checks
of each row's dataclass and the cross-checks of :func:`planner.capacity.inputs.validate_capacity`
(a lead time past the horizon, a start week that can never be productive, weeks out of order or
missing …) alike.
"""

from __future__ import annotations

import os
import re
from typing import IO, Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.worksheet.worksheet import Worksheet

from planner.capacity.inputs import (
    WEEK_COLUMNS,
    CapacityGroup,
    CapacityInputs,
    CapacitySettings,
    Headcount,
    HireClass,
    TenureBucket,
    format_start_weeks,
    parse_start_weeks,
    validate_capacity,
    week_frame,
)
from planner.excel.columns import Column, SheetSpec
from planner.excel.layout import BOLD, DATE_FORMAT, save_book, set_widths, style_header
from planner.excel.reader import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ROWS,
    LoadedWorkbook,
    open_workbook,
    scenario_from_book,
)
from planner.excel.tables import ProblemCollector, SheetObjects, Table, read_key_values, read_sheet
from planner.types import InputError, Problem, Scenario

_GROUP_LOOKUP = "StaffingGroups!$A$2:$A$200"

CAPACITY_SETTINGS_SHEET = SheetSpec(
    "CapacitySettings",
    (
        Column("first_week", "first_week", "date", required=True, note="First day of week 1 (a date)."),
        Column("weeks", "weeks", "int", note="Weeks planned, 1–104. Default 52."),
        Column(
            "paid_hours_per_fte_week",
            "paid_hours_per_fte_week",
            "number",
            note="Paid hours of one FTE per week, (0, 80]. Default 40.",
        ),
        Column(
            "growth_per_week",
            "growth_per_week",
            "number",
            note="Compound volume growth per week where CapacityWeeks gives no contacts, e.g. 0.002. "
            "Default 0.",
        ),
        Column(
            "volume_cv",
            "volume_cv",
            "number",
            note="Spread of weekly volume (sd of log), [0, 1). Default 0.05.",
        ),
        Column(
            "volume_autocorrelation",
            "volume_autocorrelation",
            "number",
            note="Week-to-week correlation of volume errors, [0, 1). Default 0.7.",
        ),
        Column(
            "attrition_cv",
            "attrition_cv",
            "number",
            note="Spread of attrition (sd of the log multiplier per scenario), [0, 2). Default 0.25.",
        ),
        Column(
            "scenarios", "scenarios", "int", note="Sampled scenarios, 1–1000 (1 = deterministic). Default 1."
        ),
        Column("seed", "seed", "int", note="Seed of the scenario draws (≥ 0). Default 12."),
        Column(
            "shortfall_penalty_per_fte_week",
            "shortfall_penalty_per_fte_week",
            "number",
            note="Cost of one FTE-week short (≥ an overtime FTE-week). Default 3000.",
        ),
        Column(
            "excess_penalty_per_fte_week",
            "excess_penalty_per_fte_week",
            "number",
            note="Cost of one FTE-week over the requirement (≥ 0). Default 50.",
        ),
        Column(
            "schedule_efficiency",
            "schedule_efficiency",
            "number",
            nullable=True,
            note="Paid hours per required hour, [1, 3]; empty = measured by the scheduler.",
        ),
        Column(
            "cvar_weight",
            "cvar_weight",
            "number",
            note="Weight of the CVaR of cost in the objective (≥ 0). Default 0.",
        ),
        Column("cvar_alpha", "cvar_alpha", "number", note="CVaR level, [0.5, 1). Default 0.9."),
        Column(
            "short_tolerance_fte",
            "short_tolerance_fte",
            "number",
            note="A week is short-staffed above this shortfall, FTE (≥ 0). Default 0.5.",
        ),
        Column(
            "solver_time_limit_seconds",
            "solver_time_limit_seconds",
            "number",
            note="Time limit of the hiring solve, seconds (> 0). Default 30.",
        ),
        Column(
            "solver_gap", "solver_gap", "number", note="Relative gap to stop at, [0, 0.5). Default 0.005."
        ),
    ),
    required=False,
    key_value=True,
    purpose="Horizon, uncertainty and penalties of the capacity plan.",
)

TENURE_SHEET = SheetSpec(
    "TenureBuckets",
    (
        Column("name", "name", "text", required=True, note="Tenure bucket name, unique, new hires first."),
        Column(
            "max_tenure_weeks",
            "max_tenure_weeks",
            "int",
            nullable=True,
            note="Upper tenure bound, weeks (exclusive); empty in the last (open-ended) bucket.",
        ),
        Column(
            "attrition_per_week",
            "attrition_per_week",
            "number",
            required=True,
            note="Share leaving per week, [0, 1), e.g. 0.01.",
        ),
    ),
    required=False,
    purpose="Tenure bands and their weekly attrition.",
)

HEADCOUNT_SHEET = SheetSpec(
    "Headcount",
    (
        Column("group", "group", "text", required=True, lookup=_GROUP_LOOKUP, note="Staffing group."),
        Column("tenure_bucket", "tenure_bucket", "text", required=True, note="A TenureBuckets name."),
        Column(
            "fte",
            "fte",
            "number",
            required=True,
            note="People today, FTE (≥ 0). With an Agents sheet: the tenure split, totalling the "
            "group's agents' FTE ± 0.5.",
        ),
    ),
    required=False,
    purpose="The people today per staffing group and tenure bucket (with an Agents sheet: their "
    "tenure split only).",
)

HIRE_CLASSES_SHEET = SheetSpec(
    "HireClasses",
    (
        Column(
            "group", "group", "text", required=True, lookup=_GROUP_LOOKUP, note="Staffing group hired for."
        ),
        Column("name", "name", "text", required=True, note="Class name, unique."),
        Column(
            "lead_weeks", "lead_weeks", "int", required=True, note="Weeks from the decision to the first day."
        ),
        Column(
            "training_weeks",
            "training_weeks",
            "int",
            required=True,
            note="Classroom weeks (paid, not productive).",
        ),
        Column(
            "nesting_weeks",
            "nesting_weeks",
            "int",
            required=True,
            note="Weeks at reduced output after training.",
        ),
        Column(
            "nesting_start_proficiency",
            "nesting_start_proficiency",
            "number",
            note="Output in the first nesting week, share of a tenured agent, (0, 1]. Default 0.5.",
        ),
        Column(
            "nesting_aht_uplift",
            "nesting_aht_uplift",
            "number",
            nullable=True,
            note="Or: AHT uplift in the first nesting week (0.4 = 40 % longer); wins when given.",
        ),
        Column(
            "start_weeks",
            "start_weeks",
            "text",
            required=True,
            note="Week numbers a class may start: '6, 10, 14', '6-50/4' or 'every 4 from 6 to 50'.",
        ),
        Column("min_size", "min_size", "int", required=True, note="Least hires in a class that runs (≥ 0)."),
        Column("max_size", "max_size", "int", required=True, note="Most hires in one class (≥ 1, ≥ min)."),
        Column(
            "cost_per_hire",
            "cost_per_hire",
            "number",
            required=True,
            note="Recruiting + training cost per hire.",
        ),
    ),
    required=False,
    purpose="New-hire classes: lead time, training, nesting ramp, start weeks, sizes, cost.",
)

CAPACITY_GROUPS_SHEET = SheetSpec(
    "CapacityGroups",
    (
        Column("group", "group", "text", required=True, lookup=_GROUP_LOOKUP, note="Staffing group."),
        Column("wage_per_hour", "wage_per_hour", "number", required=True, note="Paid wage per hour (≥ 0)."),
        Column(
            "overtime_cost_per_hour",
            "overtime_cost_per_hour",
            "number",
            required=True,
            note="Cost of one overtime hour (≥ wage).",
        ),
        Column(
            "max_overtime_hours_per_agent_week",
            "max_overtime_hours_per_agent_week",
            "number",
            note="Well-being cap on overtime per agent-week, hours [0, 40]. Default 4.",
        ),
        Column(
            "max_vto_hours_per_agent_week",
            "max_vto_hours_per_agent_week",
            "number",
            note="Cap on voluntary time off per agent-week, hours [0, 40]. Default 4.",
        ),
        Column(
            "vto_saving_per_hour",
            "vto_saving_per_hour",
            "number",
            nullable=True,
            note="What one VTO hour saves, [0, wage]; empty = the wage (VTO is unpaid).",
        ),
        Column(
            "trainer_seats",
            "trainer_seats",
            "int",
            nullable=True,
            note="Most trainees in training at once; empty = no cap.",
        ),
    ),
    required=False,
    purpose="Wages, overtime/VTO caps and costs, trainer seats per staffing group.",
)

CAPACITY_WEEKS_SHEET = SheetSpec(
    "CapacityWeeks",
    (
        Column(
            "week_start",
            "week_start",
            "date",
            required=True,
            note="First day of the week (first_week + 7·k).",
        ),
        Column("channel", "channel", "text", required=True, note="Channel."),
        Column("segment", "segment", "text", note="Segment; empty = the whole channel."),
        Column(
            "contacts",
            "contacts",
            "number",
            nullable=True,
            note="Offered contacts of the week; empty = forecast × growth.",
        ),
        Column(
            "aht_seconds",
            "aht_seconds",
            "number",
            nullable=True,
            note="AHT of the week, seconds; empty = forecast's.",
        ),
        Column(
            "self_service_share",
            "self_service_share",
            "number",
            nullable=True,
            note="Planned share resolved by self-service that week, [0, 1).",
        ),
        Column(
            "shrinkage",
            "shrinkage",
            "number",
            nullable=True,
            note="Shrinkage of the week, [0, 1); empty = channel's.",
        ),
    ),
    required=False,
    purpose="Weekly volume, AHT, self-service ramp and shrinkage per channel (optional).",
)

CAPACITY_SHEETS: tuple[SheetSpec, ...] = (
    CAPACITY_SETTINGS_SHEET,
    TENURE_SHEET,
    HEADCOUNT_SHEET,
    HIRE_CLASSES_SHEET,
    CAPACITY_GROUPS_SHEET,
    CAPACITY_WEEKS_SHEET,
)
"""Every capacity input sheet, in workbook order."""

_PATH = re.compile(r"^(\w+)\[(\d+)\]\.(\w+)$")


def _hire_class(**kwargs: Any) -> HireClass:
    text = kwargs.pop("start_weeks")
    try:
        weeks = parse_start_weeks(text)
    except ValueError as exc:
        raise InputError([Problem("start_weeks", str(exc))]) from None
    return HireClass(start_weeks=weeks, **kwargs)


def read_capacity(
    path_or_file: str | os.PathLike[str] | IO[bytes] | bytes,
    scenario: Scenario,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> CapacityInputs | None:
    """The capacity inputs of a workbook (None without a ``CapacitySettings`` sheet).

    For a scenario that is read from the same workbook, :func:`read_scenario_and_capacity` parses
    the file once for both.

    Raises
    ------
    planner.types.InputError
        Every problem, located ``Sheet!Cell``.
    """
    with open_workbook(path_or_file, max_bytes=max_bytes, max_rows=max_rows) as book:
        return capacity_from_book(book, scenario)


def read_scenario_and_capacity(
    path_or_file: str | os.PathLike[str] | IO[bytes] | bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> tuple[Scenario, CapacityInputs | None]:
    """The scenario and its capacity inputs from one parse of the workbook.

    Raises
    ------
    planner.types.InputError
        The scenario's problems (then the capacity sheets are not read), else the capacity
        sheets' problems, every one located ``Sheet!Cell``.
    """
    with open_workbook(path_or_file, max_bytes=max_bytes, max_rows=max_rows) as book:
        scenario = scenario_from_book(book)
        return scenario, capacity_from_book(book, scenario)


def capacity_from_book(book: LoadedWorkbook, scenario: Scenario) -> CapacityInputs | None:
    """The capacity inputs of an open workbook (None without a ``CapacitySettings`` sheet).

    With named agents in ``scenario`` the ``Headcount`` rows are checked against them
    (:mod:`planner.capacity.people`); a contradiction is located at the group's fte cell.
    """
    if not book.has_sheet(CAPACITY_SETTINGS_SHEET):
        return None
    problems = ProblemCollector()
    tables: dict[str, Table] = {}
    for spec in CAPACITY_SHEETS:
        table = book.table(spec, problems)
        if table is not None:
            tables[spec.name] = table
    return _capacity_from_tables(tables, scenario, problems)


def _capacity_from_tables(
    tables: dict[str, Table], scenario: Scenario, problems: ProblemCollector
) -> CapacityInputs | None:
    settings = None
    parsed, cells = read_key_values(tables["CapacitySettings"], CAPACITY_SETTINGS_SHEET, problems)
    if "first_week" in parsed:
        try:
            settings = CapacitySettings(**parsed)
        except InputError as exc:
            problems.extend_from(exc, lambda f: cells.get(f, "CapacitySettings!B1"))
    sheets = {
        "tenure_buckets": read_sheet(tables, TENURE_SHEET, TenureBucket, problems),
        "headcount": read_sheet(tables, HEADCOUNT_SHEET, Headcount, problems),
        "hire_classes": read_sheet(tables, HIRE_CLASSES_SHEET, _hire_class, problems),
        "groups": read_sheet(tables, CAPACITY_GROUPS_SHEET, CapacityGroup, problems),
        "weeks": read_sheet(tables, CAPACITY_WEEKS_SHEET, lambda **kw: kw, problems),
    }
    weeks = sheets["weeks"]
    if settings is None:
        raise InputError(problems.result() or [Problem("first_week", "is required", "CapacitySettings!A1")])

    def items(part: str) -> tuple[Any, ...]:
        found = sheets[part]
        return found.items if found is not None else ()

    inputs = CapacityInputs(
        settings=settings,
        tenure_buckets=items("tenure_buckets"),
        headcount=items("headcount"),
        hire_classes=items("hire_classes"),
        groups=items("groups"),
        weeks=None if weeks is None else week_frame([{c: kw.get(c) for c in WEEK_COLUMNS}
                                                     for kw in weeks.items]),
    )
    # Cross-checks run on the rows that parsed, so one read reports cell and rule problems together.
    present = {part: found for part, found in sheets.items() if found is not None}
    failed = _failed_rows_by_group(sheets["headcount"])
    for problem in validate_capacity(inputs, scenario):
        group = _contradicted_group(problem, inputs)
        if group in failed:
            # A group with a bad Headcount row has no total to compare yet: said at that row.
            problems.skipped(HEADCOUNT_SHEET.name, failed[group],
                             f"the Headcount total of {group!r} against the Agents sheet")
            continue
        problems.add(problem.field, problem.message, _cell_of(problem, present, cells))
    if problems:
        raise InputError(problems.result())
    return inputs


def _failed_rows_by_group(headcount: SheetObjects | None) -> dict[str, int]:
    """Group → first row of the ``Headcount`` rows that failed their own checks."""
    if headcount is None:
        return {}
    table = headcount.table
    column = next(c for c in HEADCOUNT_SHEET.columns if c.field == "group")
    index = table.index_of(HEADCOUNT_SHEET, column)
    parsed = set(headcount.rows)
    failed: dict[str, int] = {}
    for row, values in table.rows:
        if row not in parsed and index is not None and index < len(values) and values[index] is not None:
            failed.setdefault(str(values[index]).strip(), row)
    return failed


def _contradicted_group(problem: Problem, inputs: CapacityInputs) -> str | None:
    """The group of a Headcount-against-Agents contradiction (located ``headcount[i].fte``)."""
    match = _PATH.match(problem.location)
    if match and match.group(1) == "headcount" and match.group(3) == "fte":
        index = int(match.group(2))
        if index < len(inputs.headcount):
            return inputs.headcount[index].group
    return None


def _cell_of(problem: Problem, sheets: dict[str, SheetObjects], setting_cells: dict[str, str]) -> str:
    """``Sheet!Cell`` of a cross-check problem located ``part[i].field``."""
    match = _PATH.match(problem.location)
    if match:
        part, index, field_name = match.group(1), int(match.group(2)), match.group(3)
        found = sheets.get(part)
        if found is not None and index < len(found.found):
            return found.cell(found.found[index][0], field_name)
    if problem.location.startswith("settings"):
        return setting_cells.get(problem.field, "CapacitySettings!A1")
    sheet = {
        "tenure_buckets": "TenureBuckets",
        "headcount": "Headcount",
        "hire_classes": "HireClasses",
        "groups": "CapacityGroups",
        "weeks": "CapacityWeeks",
    }.get(problem.location.split("[")[0], "workbook")
    return f"{sheet}!A1" if sheet != "workbook" else sheet


def example_capacity(scenario: Scenario) -> CapacityInputs:
    """Example capacity inputs for ``scenario`` (the template's rows): 52 weeks, three tenure
    buckets, 10 FTE per group today, one class per group every 4 weeks."""
    buckets = (TenureBucket("0-12 weeks", 12, 0.012), TenureBucket("13-52 weeks", 52, 0.006),
               TenureBucket("tenured", None, 0.003))
    groups = [g.name for g in scenario.staffing_groups]
    headcount = tuple(Headcount(g, b.name, fte) for g in groups
                      for b, fte in zip(buckets, (1.0, 3.0, 6.0), strict=True))
    classes = tuple(HireClass(g, f"{g} class", lead_weeks=4, training_weeks=3, nesting_weeks=6,
                              start_weeks=tuple(range(5, 46, 4)), min_size=3, max_size=12,
                              cost_per_hire=3500.0) for g in groups)
    settings = CapacitySettings(first_week=scenario.settings.start_date, weeks=52, scenarios=20)
    economics = tuple(CapacityGroup(g, wage_per_hour=25.0, overtime_cost_per_hour=37.5) for g in groups)
    return CapacityInputs(settings=settings, tenure_buckets=buckets, headcount=headcount,
                          hire_classes=classes, groups=economics)


# -- writing the inputs -------------------------------------------------------------------------
def _value(value: Any) -> Any:
    if isinstance(value, tuple):
        return format_start_weeks(value)
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value


def write_capacity_sheets(book: Workbook, inputs: CapacityInputs) -> None:
    """Append the capacity input sheets of ``inputs`` to ``book`` (the inverse of the reader)."""
    ws = book.create_sheet(CAPACITY_SETTINGS_SHEET.name)
    ws.append(["setting", "value", "note"])
    for column in CAPACITY_SETTINGS_SHEET.columns:
        ws.append([column.header, _value(getattr(inputs.settings, column.field)), column.note])
        if column.kind == "date":
            ws.cell(row=ws.max_row, column=2).number_format = DATE_FORMAT
    style_header(ws, 3)
    set_widths(ws, [34, 14, 90])
    for spec, items in (
        (TENURE_SHEET, inputs.tenure_buckets),
        (HEADCOUNT_SHEET, inputs.headcount),
        (HIRE_CLASSES_SHEET, inputs.hire_classes),
        (CAPACITY_GROUPS_SHEET, inputs.groups),
    ):
        ws = book.create_sheet(spec.name)
        ws.append([c.header for c in spec.columns])
        for item in items:
            ws.append([_value(getattr(item, c.field)) for c in spec.columns])
        style_header(ws, len(spec.columns))
        set_widths(ws, [max(12, len(c.header) + 2) for c in spec.columns])
    if inputs.weeks is not None and len(inputs.weeks):
        ws = book.create_sheet(CAPACITY_WEEKS_SHEET.name)
        ws.append([c.header for c in CAPACITY_WEEKS_SHEET.columns])
        for row in inputs.weeks.to_dict(orient="records"):
            ws.append(
                [
                    _value(row.get(c.field)) if row.get(c.field) != "" else None
                    for c in CAPACITY_WEEKS_SHEET.columns
                ]
            )
            ws.cell(row=ws.max_row, column=1).number_format = DATE_FORMAT
        style_header(ws, len(CAPACITY_WEEKS_SHEET.columns))
        set_widths(ws, [12, 10, 12, 12, 12, 18, 12])


# -- the CapacityPlan output ----------------------------------------------------------------------
_PEOPLE_HEADERS = {
    "group": "Group",
    "contract": "Contract",
    "agents": "Agents skilled",
    "multi_skilled_agents": "Of them multi-skilled",
    "fte": "FTE (contract max h ÷ FTE week; shared agents split)",
}

_WEEKLY_HEADERS = {
    "group": "Group",
    "week": "Week",
    "week_start": "Week starting",
    "offered_contacts": "Offered contacts",
    "workload_multiplier": "Workload vs forecast",
    "shrinkage": "Shrinkage",
    "required_fte": "Required FTE",
    "required_fte_p10": "Required FTE (p10)",
    "required_fte_p90": "Required FTE (p90)",
    "available_fte": "Available FTE (productive)",
    "headcount_fte": "Headcount FTE",
    "in_training_fte": "In training FTE",
    "hires_starting": "Hires starting",
    "overtime_fte": "Overtime FTE",
    "vto_fte": "VTO FTE",
    "shortfall_fte": "Expected shortfall FTE",
    "excess_fte": "Excess FTE",
    "p_short": "P(short-staffed)",
}


def _write_table(ws: Worksheet, frame: pd.DataFrame, headers: dict[str, str], start_row: int) -> int:
    names = [headers.get(c, c.replace("_", " ")) for c in frame.columns]
    for col, name in enumerate(names, start=1):
        ws.cell(row=start_row, column=col, value=name).font = BOLD
    for r, row in enumerate(frame.itertuples(index=False), start=start_row + 1):
        for col, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=col, value=_value(value))
            column = frame.columns[col - 1]
            if column in ("week_start", "start_date"):
                cell.number_format = DATE_FORMAT
            elif column in ("p_short", "shrinkage"):
                cell.number_format = "0.0%"
            elif isinstance(value, float):
                cell.number_format = "#,##0.0"
    return start_row + len(frame)


def write_capacity_plan(plan: Any, path_or_file: str | os.PathLike[str] | IO[bytes]) -> None:
    """The capacity plan workbook: ``CapacityPlan`` (summary, hiring plan, charts, weekly table) and
    one ``Capacity <group>`` sheet per group with its charts. Native Excel charts (openpyxl)."""
    book = Workbook()
    ws = book.active
    ws.title = "CapacityPlan"
    currency = plan.scenario.settings.currency
    ws.append([f"Capacity plan of '{plan.scenario.name}'"])
    ws["A1"].font = BOLD
    summary = plan.summary
    for label, key, fmt in (
        ("Status", "status", None),
        ("Scenarios", "scenarios", "0"),
        ("Weeks", "weeks", "0"),
        (f"Expected total cost ({currency})", "expected_cost_total", "#,##0"),
        (f"Hiring cost ({currency})", "expected_cost_hiring", "#,##0"),
        (f"Wages ({currency})", "expected_cost_wages", "#,##0"),
        (f"Overtime ({currency})", "expected_cost_overtime", "#,##0"),
        (f"VTO savings ({currency})", "expected_cost_vto_savings", "#,##0"),
        (f"Cost p5 ({currency})", "cost_p5", "#,##0"),
        (f"Cost p95 ({currency})", "cost_p95", "#,##0"),
        (f"CVaR of cost ({currency})", "cost_cvar", "#,##0"),
        ("Hires", "hires_total", "0"),
        ("Classes", "classes", "0"),
        ("Expected shortfall (FTE-weeks)", "expected_shortfall_fte_weeks", "#,##0.0"),
        ("Weeks with P(short) > 10 %", "weeks_at_risk", "0"),
        ("Schedule efficiency from", "efficiency_source", None),
        ("People today from", "people_source", None),
        ("Optimality gap", "gap", "0.00%"),
        ("Solve seconds", "solve_seconds", "0.0"),
    ):
        if key in summary:
            ws.append([label, _value(summary[key])])
            if fmt:
                ws.cell(row=ws.max_row, column=2).number_format = fmt
    for note in plan.explanations:
        ws.append(["Note", note])
    row = ws.max_row + 2
    people = getattr(plan, "people", None)
    if people is not None and len(people):
        ws.cell(row=row, column=1, value="People today (Agents sheet), FTE by staffing group and "
                                        "contract").font = BOLD
        row = _write_table(ws, people, _PEOPLE_HEADERS, row + 1) + 2
    ws.cell(row=row, column=1, value="Hiring plan").font = BOLD
    end = _write_table(ws, plan.hiring, {}, row + 1)
    if plan.baseline:
        row = end + 2
        ws.cell(row=row, column=1, value=f"Versus the rule: {plan.baseline['rule_description']}").font = BOLD
        ws.append(["", "optimised", "rule"])
        for key in ("expected_total_cost", "expected_weeks_short", "expected_shortfall_fte_weeks", "hires"):
            ws.append([key.replace("_", " "), plan.baseline["optimised"][key], plan.baseline["rule"][key]])
    set_widths(ws, [34, 16, 14, 14, 16, 18, 18, 12, 12, 18])
    for group in plan.data.groups:
        sheet = book.create_sheet(f"Capacity {group}"[:31])
        rows = plan.weekly[plan.weekly["group"] == group].reset_index(drop=True)
        last = _write_table(sheet, rows, _WEEKLY_HEADERS, 1)
        style_header(sheet, len(rows.columns))
        set_widths(sheet, [10, 6, 12] + [14] * (len(rows.columns) - 3))
        if len(rows) == 0:
            continue
        col = {c: i + 1 for i, c in enumerate(rows.columns)}
        chart = LineChart()
        chart.title = f"{group}: required FTE (p10–p90) vs available FTE"
        chart.y_axis.title = "FTE"
        chart.x_axis.title = "Week"
        for name in ("required_fte_p10", "required_fte", "required_fte_p90", "available_fte"):
            chart.add_data(
                Reference(sheet, min_col=col[name], min_row=1, max_row=last), titles_from_data=True
            )
        chart.set_categories(Reference(sheet, min_col=col["week"], min_row=2, max_row=last))
        chart.height, chart.width = 9, 22
        sheet.add_chart(chart, f"A{last + 3}")
        bars = BarChart()
        bars.title = f"{group}: hires starting per week"
        bars.y_axis.title = "Hires"
        bars.add_data(
            Reference(sheet, min_col=col["hires_starting"], min_row=1, max_row=last), titles_from_data=True
        )
        bars.set_categories(Reference(sheet, min_col=col["week"], min_row=2, max_row=last))
        bars.height, bars.width = 7, 22
        sheet.add_chart(bars, f"A{last + 22}")
        ot = LineChart()
        ot.title = f"{group}: overtime and expected shortfall"
        ot.y_axis.title = "FTE"
        for name in ("overtime_fte", "shortfall_fte"):
            ot.add_data(Reference(sheet, min_col=col[name], min_row=1, max_row=last), titles_from_data=True)
        ot.set_categories(Reference(sheet, min_col=col["week"], min_row=2, max_row=last))
        ot.height, ot.width = 7, 22
        sheet.add_chart(ot, f"A{last + 38}")
        for c in (chart, bars, ot):
            c.x_axis.delete = False
            c.y_axis.delete = False
    save_book(book, path_or_file)
