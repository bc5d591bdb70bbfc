"""The ``Contracts`` and ``Agents`` sheets: read, cross-checked with located problems, and written.

Both sheets are optional. With ``Contracts`` the plan is a roster of weekly tours
(:mod:`planner.roster`); with ``Agents`` too, the tours are given to named people. Cells:

* shift lengths: hours, comma-separated (``8, 10``); empty = any template's length;
* availability per weekday (``mon`` … ``sun``): ``HH:MM-HH:MM`` (earliest start – latest end; an end
  past midnight is written ``+HH:MM`` or as up to ``48:00``), ``off``, or empty = all day;
* ``time_off``: ISO dates, comma-separated; ``preferred_days_off``: weekdays (``Sat, Sun``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from openpyxl import Workbook

from planner.excel.cells import CellError, format_days, parse_days
from planner.excel.columns import Column, SheetSpec
from planner.excel.layout import set_widths, style_header
from planner.excel.tables import ProblemCollector, Table, read_sheet
from planner.people import FULL_DAY, Agent, Contract, DayWindow
from planner.types import InputError, Problem

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_CONTRACT_LOOKUP = "Contracts!$A$2:$A$500"

CONTRACTS_SHEET = SheetSpec(
    "Contracts",
    (
        Column("name", "name", "text", required=True, note="Contract name, unique (e.g. full-time)."),
        Column(
            "min_hours_per_week",
            "min_hours_per_week",
            "number",
            required=True,
            note="Least paid hours of a week's tour, h (0–80).",
        ),
        Column(
            "max_hours_per_week",
            "max_hours_per_week",
            "number",
            required=True,
            note="Most paid hours of a week's tour, h (≥ min, ≤ 80).",
        ),
        Column("min_days_per_week", "min_days_per_week", "int", note="Least working days, 0–7. Default 0."),
        Column("max_days_per_week", "max_days_per_week", "int", note="Most working days, 1–7. Default 5."),
        Column(
            "consecutive_days_off",
            "consecutive_days_off",
            "int",
            note="Days off that must be consecutive, 0–7 (week read as a cycle). Default 2.",
        ),
        Column(
            "max_consecutive_days",
            "max_consecutive_days",
            "int",
            note="Most working days in a row, 1–7, across the week boundary too. Default 5.",
        ),
        Column(
            "min_rest_hours",
            "min_rest_hours",
            "number",
            note="Least rest between two shifts, h (0–24). Default 11.",
        ),
        Column(
            "max_start_variance_minutes",
            "max_start_variance_minutes",
            "int",
            note="Latest minus earliest start time over the week, minutes (0–720). Default 60.",
        ),
        Column(
            "shift_lengths_hours",
            "shift_lengths_minutes",
            "names",
            note="Shift lengths allowed, hours, comma-separated (e.g. 8, 10). Empty = any template.",
        ),
        Column(
            "max_weekends_per_4_weeks",
            "max_weekends_per_4_weeks",
            "int",
            nullable=True,
            note="Most weekends worked in 4 weeks, 0–4, with the agents' recent weekends. Empty = no rule.",
        ),
        Column(
            "max_agents",
            "max_agents",
            "int",
            nullable=True,
            note="Without an Agents sheet: head-count limit per staffing group. Empty = as needed.",
        ),
    ),
    required=False,
    purpose="Weekly rules of each employment contract; makes the plan a roster of person-weeks.",
)

AGENTS_SHEET = SheetSpec(
    "Agents",
    (
        Column(
            "agent_id",
            "agent_id",
            "text",
            required=True,
            note="Stable person id, unique (e.g. employee number); the agent of every export.",
        ),
        Column("name", "name", "text", required=True, note="Display name."),
        Column(
            "contract",
            "contract",
            "text",
            required=True,
            lookup=_CONTRACT_LOOKUP,
            note="A contract of the Contracts sheet.",
        ),
        Column(
            "groups",
            "groups",
            "names",
            required=True,
            note="Staffing groups the agent is skilled for, comma-separated (e.g. voice, chat).",
        ),
        *(
            Column(
                day,
                day,
                "text",
                note=f"{day.title()}: HH:MM-HH:MM (earliest start – latest end), off, or empty = all day.",
            )
            for day in _DAYS
        ),
        Column("time_off", "time_off", "names", note="Dated days off, ISO dates comma-separated."),
        Column(
            "preferred_days_off",
            "preferred_days_off",
            "text",
            note="Weekdays the agent would rather have off (soft), e.g. Sat, Sun.",
        ),
        Column(
            "prefers",
            "prefers",
            "choice",
            choices=("early", "late"),
            note="Soft preference: early or late shifts. Empty = none.",
        ),
        Column(
            "recent_weekends_worked",
            "recent_weekends_worked",
            "int",
            note="Weekends worked in the 3 weeks before the horizon, 0–3. Default 0.",
        ),
    ),
    required=False,
    purpose="Named people: contract, skills, availability, time off and preferences.",
)

PEOPLE_SHEETS: tuple[SheetSpec, ...] = (CONTRACTS_SHEET, AGENTS_SHEET)

_WINDOW = re.compile(r"^(\d{1,2}):(\d{2})\s*[-–]\s*(\+?)(\d{1,2}):(\d{2})$")


def parse_window(text: str, field_name: str) -> DayWindow | None:
    """``"07:00-16:00"`` → DayWindow; ``"off"`` → None; raises InputError located at ``field_name``."""
    value = text.strip().lower()
    if value in ("off", "no", "-", "none"):
        return None
    match = _WINDOW.match(value)
    if not match:
        raise InputError(
            [Problem(field_name, f"must be HH:MM-HH:MM (earliest start – latest end) or off, got {text!r}")]
        )
    h1, m1, plus, h2, m2 = match.groups()
    start, end = int(h1) * 60 + int(m1), int(h2) * 60 + int(m2) + (1440 if plus else 0)
    if end <= start and not plus:
        end += 1440
    try:
        return DayWindow(start, end)
    except InputError as exc:
        raise InputError([Problem(field_name, p.message) for p in exc.problems]) from None


def _contract(**fields: Any) -> Contract:
    lengths = fields.pop("shift_lengths_minutes", ())
    minutes = []
    for text in lengths:
        try:
            hours = float(text)
        except ValueError:
            raise InputError(
                [
                    Problem(
                        "shift_lengths_minutes", f"must be hours, comma-separated (e.g. 8, 10), got {text!r}"
                    )
                ]
            ) from None
        if not 0 < hours <= 16 or abs(hours * 60 - round(hours * 60)) > 1e-9:
            raise InputError(
                [Problem("shift_lengths_minutes", f"must be whole minutes of 0–16 h, got {text!r}")]
            )
        minutes.append(round(hours * 60))
    return Contract(shift_lengths_minutes=tuple(minutes), **fields)


def _agent(**fields: Any) -> Agent:
    problems: list[Problem] = []
    windows: list[DayWindow | None] = []
    for day in _DAYS:
        text = fields.pop(day, None)
        if text is None:
            windows.append(FULL_DAY)
            continue
        try:
            windows.append(parse_window(str(text), day))
        except InputError as exc:
            problems.extend(exc.problems)
            windows.append(FULL_DAY)
    dates = []
    for text in fields.pop("time_off", ()):
        try:
            dates.append(date.fromisoformat(text))
        except ValueError:
            problems.append(
                Problem("time_off", f"must be ISO dates YYYY-MM-DD, comma-separated, got {text!r}")
            )
    preferred = fields.pop("preferred_days_off", None)
    days: frozenset[int] = frozenset()
    if preferred:
        try:
            days = frozenset(parse_days(preferred))
        except CellError as exc:
            problems.append(Problem("preferred_days_off", str(exc)))
    if problems:
        raise InputError(problems)
    return Agent(
        availability=tuple(windows),
        time_off=tuple(dates),
        preferred_days_off=days,
        prefers=fields.pop("prefers", None) or "",
        **fields,
    )


def read_people(
    tables: Mapping[str, Table], group_names: set[str], problems: ProblemCollector
) -> tuple[tuple[Contract, ...], tuple[Agent, ...]]:
    """Contracts and agents of a workbook; unknown contracts, groups and repeated ids are located."""
    claimed: dict[str, int] = {}
    contracts = read_sheet(tables, CONTRACTS_SHEET, _contract, problems, claimed)
    if contracts is not None:
        contracts.report_repeats(lambda c: c.name, "name", lambda name: f"contract {name!r} is defined twice",
                                 problems)
    agents = read_sheet(tables, AGENTS_SHEET, _agent, problems)
    if agents is not None:
        agents.report_repeats(lambda a: a.agent_id, "agent_id",
                              lambda agent_id: f"agent id {agent_id!r} is used twice", problems)
        for row, agent in agents.found:
            if agent.contract not in claimed:
                problems.add(
                    "contract",
                    f"unknown contract {agent.contract!r}; known (Contracts sheet): "
                    f"{sorted(claimed) or 'none'}",
                    agents.cell(row, "contract"),
                )
            unknown = [g for g in agent.groups if g not in group_names]
            if unknown:
                problems.add(
                    "groups",
                    f"unknown staffing group(s) {unknown}; known: {sorted(group_names)}",
                    agents.cell(row, "groups"),
                )
    return (contracts.items if contracts else ()), (agents.items if agents else ())


def _clock(minute: int) -> str:
    if minute > 1440:  # past midnight: +HH:MM
        return f"+{minute // 60 % 24:02d}:{minute % 60:02d}"
    return f"{minute // 60:02d}:{minute % 60:02d}"


def contract_row(contract: Contract) -> list[Any]:
    lengths = ", ".join(f"{m / 60:g}" for m in contract.shift_lengths_minutes) or None
    return [
        contract.name,
        contract.min_hours_per_week,
        contract.max_hours_per_week,
        contract.min_days_per_week,
        contract.max_days_per_week,
        contract.consecutive_days_off,
        contract.max_consecutive_days,
        contract.min_rest_hours,
        contract.max_start_variance_minutes,
        lengths,
        contract.max_weekends_per_4_weeks,
        contract.max_agents,
    ]


def agent_row(agent: Agent) -> list[Any]:
    days = []
    for window in agent.availability:
        if window is None:
            days.append("off")
        elif window == FULL_DAY:
            days.append(None)
        else:
            days.append(f"{_clock(window.earliest_start_minute)}-{_clock(window.latest_end_minute)}")
    return [
        agent.agent_id,
        agent.name,
        agent.contract,
        ", ".join(agent.groups),
        *days,
        ", ".join(d.isoformat() for d in agent.time_off) or None,
        format_days(agent.preferred_days_off) if agent.preferred_days_off else None,
        agent.prefers or None,
        agent.recent_weekends_worked,
    ]


def write_people_sheets(
    book: Workbook, contracts: Sequence[Contract], agents: Sequence[Agent], *, annotate: bool = False
) -> None:
    """Append the ``Contracts`` and ``Agents`` sheets read back by :func:`read_people` (just the
    header row when there are none: the sheets are optional and then change nothing)."""
    from planner.excel.scenario_sheets import _annotate

    for spec, rows in (
        (CONTRACTS_SHEET, [contract_row(c) for c in contracts]),
        (AGENTS_SHEET, [agent_row(a) for a in agents]),
    ):
        ws = book.create_sheet(spec.name)
        headers = [c.header for c in spec.columns]
        ws.append(headers)
        for row in rows:
            ws.append(row)
        style_header(ws, len(headers))
        set_widths(ws, [max(10, len(h) + 3) for h in headers])
        if annotate:
            _annotate(ws, spec, header_row=1)


def write_roster_sheets(book: Workbook, roster: Any, write_frame: Any) -> None:
    """The plan's roster sheets: ``Roster`` (person × day grid with hours and contract), ``Roster
    check`` (the verifier's report per person), ``Fairness`` (per contract) and ``Roster price`` (the
    price of tours against the shift model, the people profiles, and who is not rostered and why)."""
    write_frame(book.create_sheet("Roster"), roster.roster)
    write_frame(book.create_sheet("Roster check"), roster.verification)
    write_frame(book.create_sheet("Fairness"), roster.fairness)
    ws = book.create_sheet("Roster price")
    import pandas as pd

    price = pd.DataFrame({"measure": list(roster.price), "value": [float(v) for v in roster.price.values()]})
    row = write_frame(
        ws, price, title="Price of tours (labour and objective against the day-by-day shift model)"
    )
    row = write_frame(ws, roster.profiles, start_row=row + 2, title="People profiles")
    write_frame(ws, roster.unassigned, start_row=row + 2, title="People without a tour this week, and why")
