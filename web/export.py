"""Schedule exports: JSON, CSV, XLSX and iCalendar, with from/to/group filters.

Every shift is exported in the shape integrators of the large WFM suites know::

    {"agent": "voice-001", "group": "voice", "startDate": "2026-03-02T08:00:00+00:00",
     "lengthMinutes": 480,
     "activities": [{"activityCode": "BREAK1", "startDate": "...", "lengthMinutes": 15,
                     "paid": true}]}

Times are ISO 8601 with the offset of the scenario's time zone (``Settings.timezone``, via
:mod:`zoneinfo`). The iCalendar export follows RFC 5545: one ``VEVENT`` per shift with its breaks
listed in the description, times in UTC, lines folded at 75 octets and ended by CRLF.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd
from openpyxl import Workbook

from models.codec import table_to_frame
from planner.types import Problem

FORMATS: dict[str, str] = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ics": "text/calendar; charset=utf-8",
}
CSV_COLUMNS: tuple[str, ...] = ("agent", "group", "template", "activityCode", "startDate",
                                "lengthMinutes", "paid")
ISO_DATE_TIME_PATTERN = (r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
                         r"([T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?"
                         r"(Z|[+-]([01]\d|2[0-3]):[0-5]\d)?)?$")
"""What ``from`` and ``to`` accept: an ISO 8601 date, or date-time with an optional offset (the
OpenAPI document states the same pattern)."""
SHIFT_CODE = "SHIFT"
"""``activityCode`` of the whole-shift row in the CSV export."""


@dataclass(frozen=True)
class ScheduleFilter:
    """Which shifts to export: overlapping ``[start, end)`` and in ``groups`` (None = all)."""

    start: datetime | None = None
    end: datetime | None = None
    groups: tuple[str, ...] | None = None
    agents: tuple[str, ...] | None = None


def zone(name: str) -> ZoneInfo:
    """The :class:`ZoneInfo` of an IANA name (UTC when the name is unknown)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def parse_filter(args: Mapping[str, Any], timezone: str, known_groups: Sequence[str],
                 getlist: Any = None) -> tuple[ScheduleFilter, list[Problem]]:
    """The filter of query arguments ``from``, ``to`` (ISO date or date-time; naive = local time
    of the scenario) and ``group`` (repeatable or comma-separated); problems for bad values."""
    problems: list[Problem] = []
    tz = zone(timezone)
    bounds: dict[str, datetime | None] = {}
    for key in ("from", "to"):
        text = args.get(key)
        if text is None:  # absent; given but empty (``?to=``) is a bad value like any other
            bounds[key] = None
            continue
        text = str(text)
        try:
            if not re.fullmatch(ISO_DATE_TIME_PATTERN, text):
                raise ValueError(text)
            value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            problems.append(Problem(key, f"must be an ISO 8601 date or date-time such as "
                                         f"2026-03-02 or 2026-03-02T08:00:00+01:00, got {text!r}",
                                    f"query.{key}"))
            bounds[key] = None
            continue
        bounds[key] = value if value.tzinfo else value.replace(tzinfo=tz)
    raw_groups = getlist("group") if getlist else [args.get("group") or ""]
    names = [g.strip() for item in raw_groups for g in str(item).split(",") if g.strip()]
    unknown = sorted(set(names) - set(known_groups))
    if unknown:
        problems.append(Problem("group", f"unknown staffing group(s) {unknown}; known: "
                                         f"{sorted(known_groups)}", "query.group"))
    if bounds["from"] and bounds["to"] and bounds["from"] >= bounds["to"]:
        problems.append(Problem("to", "must be after 'from'", "query.to"))
    raw_agents = getlist("agent") if getlist else [args.get("agent") or ""]
    agents = tuple(a.strip() for item in raw_agents for a in str(item).split(",") if a.strip())
    return ScheduleFilter(bounds["from"], bounds["to"], tuple(names) or None, agents or None), problems


def _aware(values: pd.Series, tz: ZoneInfo) -> list[datetime]:
    # fold=0 picks the first of two repeated local times at a DST fall-back, which is the
    # reading a planner means by "01:30" on that night.
    return [ts.to_pydatetime().replace(tzinfo=tz) for ts in pd.to_datetime(values)]


def shift_records(results: Mapping[str, Any], timezone: str,
                  selection: ScheduleFilter = ScheduleFilter()) -> list[dict[str, Any]]:
    """Every selected shift with its activities, in export shape, sorted by start then agent."""
    schedule = results.get("schedule") or {}
    shifts = table_to_frame(schedule.get("shifts"))
    if shifts.empty:
        return []
    activities = table_to_frame(schedule.get("activities"))
    tz = zone(timezone)
    shifts = shifts.sort_values(["start", "agent"]).reset_index(drop=True)
    starts = _aware(shifts["start"], tz)
    ends = _aware(shifts["end"], tz)
    by_agent: dict[tuple[str, str], list[tuple[datetime, datetime, dict[str, Any]]]] = {}
    if not activities.empty:
        act_starts = _aware(activities["start"], tz)
        act_ends = _aware(activities["end"], tz)
        for row, a_start, a_end in zip(activities.itertuples(index=False), act_starts, act_ends,
                                       strict=True):
            by_agent.setdefault((str(row.agent), str(row.group)), []).append((a_start, a_end, {
                "activityCode": str(row.activity),
                "startDate": a_start.isoformat(),
                "lengthMinutes": round((a_end - a_start).total_seconds() / 60),
                "paid": bool(row.paid),
            }))
    records = []
    for row, start, end in zip(shifts.itertuples(index=False), starts, ends, strict=True):
        own = [a for a_start, _a_end, a in by_agent.get((str(row.agent), str(row.group)), [])
               if start <= a_start < end]
        own.sort(key=lambda a: a["startDate"])
        records.append({
            "agent": str(row.agent),
            "group": str(row.group),
            "template": str(getattr(row, "template", "")),
            "startDate": start.isoformat(),
            "lengthMinutes": round((end - start).total_seconds() / 60),
            "paidHours": _hours(getattr(row, "paid_hours", None)),
            "activities": own,
        })
        name = getattr(row, "name", None)
        if isinstance(name, str) and name:  # a roster: the person's display name and contract
            records[-1]["name"] = name
            records[-1]["contract"] = str(getattr(row, "contract", ""))
    return filter_records(records, selection)


def _hours(value: Any) -> float | None:
    try:
        hours = float(value)
    except (TypeError, ValueError):
        return None
    return hours if hours == hours else None  # NaN → None (JSON has no NaN)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(text: str) -> str:
    """A text cell that a spreadsheet will not run as a formula (OWASP "CSV injection"):
    text starting with ``= + - @`` TAB or CR gets a leading apostrophe."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def filter_records(records: list[dict[str, Any]], selection: ScheduleFilter) -> list[dict[str, Any]]:
    """The shifts in ``selection``: of its groups, overlapping ``[start, end)``."""
    if selection.groups is None and selection.start is None and selection.end is None \
            and selection.agents is None:
        return records
    chosen = []
    for record in records:
        if selection.groups is not None and record["group"] not in selection.groups:
            continue
        if selection.agents is not None and record["agent"] not in selection.agents:
            continue
        if selection.start is not None or selection.end is not None:
            start = datetime.fromisoformat(record["startDate"])
            end = start + timedelta(minutes=record["lengthMinutes"])
            if selection.start is not None and end <= selection.start:
                continue
            if selection.end is not None and start >= selection.end:
                continue
        chosen.append(record)
    return chosen


def to_json_document(records: list[dict[str, Any]], plan_id: str, timezone: str,
                     selection: ScheduleFilter) -> dict[str, Any]:
    """The JSON export: the filter echoed back and the shifts."""
    return {"planId": plan_id, "timezone": timezone,
            "from": selection.start.isoformat() if selection.start else None,
            "to": selection.end.isoformat() if selection.end else None,
            "groups": list(selection.groups) if selection.groups else None,
            "shifts": records}


def to_csv(records: list[dict[str, Any]]) -> bytes:
    """One row per shift (``activityCode`` = ``SHIFT``) followed by one per activity."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for shift in records:
        names = [spreadsheet_text(shift[k]) for k in ("agent", "group", "template")]
        writer.writerow([*names, SHIFT_CODE, shift["startDate"], shift["lengthMinutes"], "true"])
        for a in shift["activities"]:
            writer.writerow([*names, spreadsheet_text(a["activityCode"]), a["startDate"],
                             a["lengthMinutes"], "true" if a["paid"] else "false"])
    return buffer.getvalue().encode("utf-8")


def to_xlsx(records: list[dict[str, Any]], timezone: str) -> bytes:
    """Sheets ``Shifts`` and ``Activities``; ISO strings keep the offset, a second column the
    local time as an Excel date-time."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Shifts"
    sheet.append(["agent", "group", "template", "startDate", "localStart", "lengthMinutes",
                  "paidHours"])
    activities = workbook.create_sheet("Activities")
    activities.append(["agent", "group", "shiftStartDate", "activityCode", "startDate",
                       "localStart", "lengthMinutes", "paid"])
    for shift in records:
        start = datetime.fromisoformat(shift["startDate"])
        sheet.append([shift["agent"], shift["group"], shift["template"], shift["startDate"],
                      start.replace(tzinfo=None), shift["lengthMinutes"], shift["paidHours"]])
        for a in shift["activities"]:
            a_start = datetime.fromisoformat(a["startDate"])
            activities.append([shift["agent"], shift["group"], shift["startDate"],
                               a["activityCode"], a["startDate"], a_start.replace(tzinfo=None),
                               a["lengthMinutes"], a["paid"]])
    for ws in (sheet, activities):
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                elif cell.data_type == "f":  # openpyxl reads "=..." as a formula: keep it text
                    cell.data_type = "s"
        ws.freeze_panes = "A2"
    info = workbook.create_sheet("About")
    info.append(["timezone", timezone])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# -- iCalendar (RFC 5545) -------------------------------------------------------------------
def ical_escape(text: str) -> str:
    """Escape a TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma, newline."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def fold_line(line: str, limit: int = 75) -> str:
    """Fold one content line at ``limit`` octets (RFC 5545 §3.1), never inside a UTF-8
    character; continuation lines start with one space. Lines end with CRLF."""
    encoded = line.encode("utf-8")
    if len(encoded) <= limit:
        return line + "\r\n"
    parts: list[str] = []
    current = ""
    size = 0
    budget = limit
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > budget:
            parts.append(current)
            current, size, budget = "", 0, limit - 1
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts) + "\r\n"


def _utc(text: str) -> str:
    return datetime.fromisoformat(text).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _uid_part(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text)


def to_ics(records: list[dict[str, Any]], plan_id: str, stamp: datetime, name: str) -> bytes:
    """One ``VEVENT`` per shift; its breaks listed (local times) in ``DESCRIPTION``."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//cc-planner//schedule export//EN",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", f"X-WR-CALNAME:{ical_escape(name)}"]
    stamp = stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)  # stored times are UTC
    dtstamp = stamp.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    for shift in records:
        start = datetime.fromisoformat(shift["startDate"])
        end = start + timedelta(minutes=shift["lengthMinutes"])
        breaks = [f"{a['activityCode']} {datetime.fromisoformat(a['startDate']):%H:%M}"
                  f"–{datetime.fromisoformat(a['startDate']) + timedelta(minutes=a['lengthMinutes']):%H:%M}"
                  f" ({'paid' if a['paid'] else 'unpaid'})" for a in shift["activities"]]
        who = f"{shift['name']} ({shift['agent']})" if shift.get("name") else f"Agent {shift['agent']}"
        description = "\n".join([f"{who}, group {shift['group']}, "
                                 f"template {shift['template']}",
                                 "Breaks: " + ("; ".join(breaks) if breaks else "none")])
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_uid_part(plan_id)}-{_uid_part(shift['agent'])}-{_utc(shift['startDate'])}"
            "@cc-planner",
            f"DTSTAMP:{dtstamp}",
            f"DTSTART:{_utc(shift['startDate'])}",
            f"DTEND:{end.astimezone(UTC):%Y%m%dT%H%M%SZ}",
            "SUMMARY:" + ical_escape(f"Shift {shift['agent']} ({shift['group']})"),
            f"DESCRIPTION:{ical_escape(description)}",
            f"CATEGORIES:{ical_escape(shift['group'])}",
            "TRANSP:OPAQUE",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) for line in lines).encode("utf-8")
