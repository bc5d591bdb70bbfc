"""The workbook contract: every input sheet and its columns, in one place.

Each :class:`SheetSpec` lists its :class:`Column` s (header, the dataclass field it fills, the cell
kind, whether it is required, its allowed values and the note shown in the template). The reader,
the template and ``sample_inputs/README.md`` are all written from these tables, so a new sheet is
added here once and then read, written and documented by the same code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from planner.types import (
    CHANNEL_KINDS,
)


# ------------------------------------------------------------------------------------------------
# The workbook contract: sheets and columns
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    """One column of an input sheet (or one key of a key/value sheet)."""

    header: str
    field: str
    kind: str  # text, number, int, time, days, bool, names, date, datetime, choice
    required: bool = False
    nullable: bool = False
    choices: tuple[str, ...] = ()
    note: str = ""
    aliases: tuple[str, ...] = ()
    lookup: str = ""  # sheet!column range feeding a drop-down, e.g. "Channels!$A$2:$A$200"


@dataclass(frozen=True)
class SheetSpec:
    """One input sheet: a table (one object per row) or key/value rows."""

    name: str
    columns: tuple[Column, ...]
    required: bool
    key_value: bool = False
    purpose: str = ""
    aliases: tuple[str, ...] = ()


def norm(text: object) -> str:
    """Header/sheet/key matching: case-, space-, underscore- and hyphen-insensitive."""
    return re.sub(r"[\s_\-]+", "", str(text)).lower()


_CHANNEL_LOOKUP = "Channels!$A$2:$A$200"
_SEGMENT_LOOKUP = "Segments!$A$2:$A$200"
_GROUP_LOOKUP = "StaffingGroups!$A$2:$A$200"
_TEMPLATE_LOOKUP = "ShiftTemplates!$A$2:$A$500"

SETTINGS_SHEET = SheetSpec(
    "Settings",
    (
        Column("scenario_name", "name", "text", note="Name of the scenario (text). Default: file name."),
        Column("start_date", "start_date", "date", required=True,
                note="First day planned: a date cell or ISO text YYYY-MM-DD."),
        Column("days", "days", "int", note="Days planned, 1–366. Default 7."),
        Column("interval_minutes", "interval_minutes", "int", choices=("15", "30", "60"),
                note="Interval length: 15, 30 or 60 minutes. Default 15."),
        Column("timezone", "timezone", "text", note="IANA zone of the times, e.g. Europe/London. "
                                                      "Default UTC."),
        Column("solver", "solver", "choice", choices=("highs", "cbc"),
                note="MILP solver: highs or cbc. Default highs."),
        Column("solver_time_limit_seconds", "solver_time_limit_seconds", "number",
                note="Solver time limit for the whole schedule (all groups), seconds (> 0). Default 60."),
        Column("solver_gap", "solver_gap", "number",
                note="Relative optimality gap at which the solver may stop, [0, 1). Default 0.01."),
        Column("solver_threads", "solver_threads", "int", note="Solver threads (≥ 1). Default 1."),
        Column("shortfall_penalty_per_agent_hour", "shortfall_penalty_per_agent_hour", "number",
                note="Cost of one agent-hour of requirement left uncovered (≫ wage). Default 200."),
        Column("overstaff_penalty_per_agent_hour", "overstaff_penalty_per_agent_hour", "number",
                note="Cost of one agent-hour above the requirement (≥ 0). Default 0.5."),
        Column("currency", "currency", "text", note="Display currency code. Default USD."),
    ),
    required=True,
    key_value=True,
    purpose="Scenario-wide settings, one per row: column A the setting, column B its value.",
)

CHANNELS_SHEET = SheetSpec(
    "Channels",
    (
        Column("name", "name", "text", required=True, note="Channel name, unique (e.g. voice)."),
        Column("kind", "kind", "choice", required=True, choices=CHANNEL_KINDS,
                note="voice (immediate queue), chat (queue, concurrent sessions) or email "
                     "(deferred work)."),
        Column("aht_seconds", "aht_seconds", "number", required=True,
                note="Average handle time of one contact, seconds (> 0)."),
        Column("service_level", "service_level", "number", nullable=True,
                note="Voice/chat: share answered within answer_seconds, (0, 1). Default 0.8; "
                     "'none' = no SL target."),
        Column("answer_seconds", "answer_seconds", "number", nullable=True,
                note="Voice/chat: SL threshold, seconds (≥ 0). Default 20; 'none' with SL none."),
        Column("max_asa_seconds", "max_asa_seconds", "number", nullable=True,
                note="Optional cap on average speed of answer, seconds (> 0). Empty = none."),
        Column("max_abandon", "max_abandon", "number", nullable=True,
                note="Optional cap on abandonment, (0, 1); needs patience_seconds. Empty = none."),
        Column("patience_seconds", "patience_seconds", "number", nullable=True,
                note="Mean customer patience, seconds (> 0); switches to Erlang A. Empty = none."),
        Column("max_occupancy", "max_occupancy", "number",
                note="Well-being cap on occupancy, (0, 1]. Default 0.85."),
        Column("concurrency", "concurrency", "int",
                note="Chat: most sessions per agent, 1–10 (1 for voice/email). Default 1."),
        Column("response_hours", "response_hours", "number", nullable=True,
                note="Email: every contact handled within this many hours (> 0). Required for email."),
        Column("shrinkage", "shrinkage", "number",
                note="Share of paid time lost to absence, training, meetings (not breaks), [0, 1). "
                     "Default 0.3."),
        Column("open_time", "open_minute", "time", aliases=("open", "opens", "open_minute"),
                note="Opening time HH:MM (text or a time cell). Default 00:00."),
        Column("close_time", "close_minute", "time", aliases=("close", "closes", "close_minute"),
                note="Closing time HH:MM; 24:00 = midnight; earlier than open = overnight. "
                     "Default 24:00."),
        Column("open_days", "open_days", "days",
                note="Weekdays open: all, Mon-Fri, Sat-Sun, Mon,Wed,Sat … Default all."),
        Column("service_level_definition", "service_level_definition", "choice",
                choices=("offered", "answered"),
                note="With abandonment: SL over offered or answered contacts. Default offered."),
    ),
    required=True,
    purpose="One row per contact channel with its service target and opening hours.",
)

SEGMENTS_SHEET = SheetSpec(
    "Segments",
    (
        Column("name", "name", "text", required=True, note="Segment name, unique (e.g. tech)."),
        Column("prefers_human_share", "prefers_human_share", "number", required=True,
                note="Share of customers preferring a person to self-service, [0, 1]."),
        Column("max_self_service_share", "max_self_service_share", "number", required=True,
                note="Cap on the share routed to self-service first, [0, 1)."),
        Column("aht_multiplier", "aht_multiplier", "number",
                note="Handle time relative to the channel's AHT (> 0). Default 1."),
    ),
    required=True,
    purpose="One row per customer segment (profession) with its preference for a person.",
)

FORECAST_SHEET = SheetSpec(
    "Forecast",
    (
        Column("interval_start", "interval_start", "datetime", required=True,
                note="Start of the interval: a date-time cell or ISO text YYYY-MM-DD HH:MM, on the "
                     "interval grid of the horizon."),
        Column("channel", "channel", "text", required=True, lookup=_CHANNEL_LOOKUP,
                note="A channel of the Channels sheet."),
        Column("segment", "segment", "text", required=True, lookup=_SEGMENT_LOOKUP,
                note="A segment of the Segments sheet."),
        Column("contacts", "contacts", "number", required=True,
                note="Forecast contacts arriving in the interval, before deflection (≥ 0)."),
        Column("aht_seconds", "aht_seconds", "number",
                note="Optional AHT of this interval, seconds (> 0). Empty = channel AHT × segment "
                     "multiplier."),
    ),
    required=True,
    purpose="Long layout: one row per interval × channel × segment. Wide layout also accepted: "
            "interval_start, then one column per channel/segment named like voice/tech.",
)

DEFLECTION_SHEET = SheetSpec(
    "Deflection",
    (
        Column("segment", "segment", "text", required=True, lookup=_SEGMENT_LOOKUP,
                note="A segment of the Segments sheet."),
        Column("channel", "channel", "text", required=True, lookup=_CHANNEL_LOOKUP,
                note="The channel the customer chose."),
        Column("self_service_share", "self_service_share", "number", required=True,
                note="Share of the pair's contacts starting in self-service, [0, 1], ≤ the segment "
                     "cap."),
        Column("containment_rate", "containment_rate", "number", required=True,
                note="Share of self-service attempts resolved without a person, [0, 1]."),
        Column("escalation_channel", "escalation_channel", "text", required=True,
                lookup=_CHANNEL_LOOKUP, note="Live channel that unresolved attempts reach."),
        Column("escalation_aht_multiplier", "escalation_aht_multiplier", "number",
                note="Handle time of an escalated contact relative to a direct one (> 0). "
                     "Default 1.2."),
        Column("automation_cost_per_attempt", "automation_cost_per_attempt", "number",
                note="Cost of one self-service attempt, currency (≥ 0). Default 0.5."),
    ),
    required=False,
    purpose="Self-service per (segment, channel) pair. Pairs not listed get no self-service.",
)

GROUPS_SHEET = SheetSpec(
    "StaffingGroups",
    (
        Column("name", "name", "text", required=True, note="Team name, unique."),
        Column("channel", "channel", "text", required=True, lookup=_CHANNEL_LOOKUP,
                note="The one channel the team answers."),
        Column("segments", "segments", "names", required=True,
                note="Segments it serves on that channel, comma-separated (e.g. tech, retail)."),
    ),
    required=False,
    purpose="Teams. Every (channel, segment) pair is served by exactly one team. Empty or absent: "
            "one team per channel serving every segment.",
)

TEMPLATES_SHEET = SheetSpec(
    "ShiftTemplates",
    (
        Column("name", "name", "text", required=True, note="Template name, unique (e.g. voice 8h)."),
        Column("group", "group", "text", required=True, lookup=_GROUP_LOOKUP,
                note="Staffing group whose agents work it (a name of StaffingGroups, or the channel "
                     "name when that sheet is empty)."),
        Column("length_minutes", "length_minutes", "int", required=True,
                note="Shift length, minutes, a multiple of the interval (≤ 960)."),
        Column("earliest_start", "earliest_start_minute", "time",
                aliases=("earliest_start_minute",), note="Earliest start HH:MM. Default 00:00."),
        Column("latest_start", "latest_start_minute", "time", aliases=("latest_start_minute",),
                note="Latest start HH:MM (earlier than earliest = wraps past midnight). "
                     "Default 23:45."),
        Column("start_step_minutes", "start_step_minutes", "int",
                note="Starts every this many minutes (multiple of the interval). Default 15."),
        Column("days", "days", "days",
                note="Weekdays a shift may start: all, Mon-Fri, Sat-Sun, Mon,Wed … Default all."),
        Column("cost_per_hour", "cost_per_hour", "number",
                note="Labour cost per paid hour, currency (≥ 0). Default 25."),
        Column("min_agents_per_day", "min_agents_per_day", "int", nullable=True,
                note="Optional least shifts of this template per day. Empty = none."),
        Column("max_agents_per_day", "max_agents_per_day", "int", nullable=True,
                note="Optional most shifts of this template per day. Empty = none."),
        Column("max_agents_per_start", "max_agents_per_start", "int", nullable=True,
                note="Optional most shifts starting at one time. Empty = none."),
        Column("max_work_stretch_minutes", "max_work_stretch_minutes", "int", nullable=True,
                note="Well-being: longest work stretch without a break, minutes. Empty = none."),
        Column("min_break_gap_minutes", "min_break_gap_minutes", "int",
                note="Least minutes between two breaks. Default 0."),
    ),
    required=False,
    purpose="Kinds of shift per staffing group; labour costs live here (cost_per_hour).",
)

BREAKS_SHEET = SheetSpec(
    "BreakRules",
    (
        Column("template", "template", "text", required=True, lookup=_TEMPLATE_LOOKUP,
                note="A shift template name."),
        Column("activity", "activity", "text", required=True,
                note="Activity code, unique in the template (e.g. BREAK1, LUNCH)."),
        Column("duration_minutes", "duration_minutes", "int", required=True,
                note="Break length, minutes, a multiple of the interval (> 0)."),
        Column("earliest_start_offset_minutes", "earliest_start_offset_minutes", "int",
                required=True, note="Earliest break start, minutes after the shift start."),
        Column("latest_start_offset_minutes", "latest_start_offset_minutes", "int", required=True,
                note="Latest break start, minutes after the shift start."),
        Column("paid", "paid", "bool", note="yes/no: is the break paid? Default yes."),
        Column("hard", "hard", "bool", note="yes/no: must it be taken? Default yes."),
        Column("skip_penalty", "skip_penalty", "number",
                note="Soft breaks: cost of skipping once, currency (≥ 0). Default 0."),
    ),
    required=False,
    purpose="Breaks and lunches of each shift template, with windows relative to the shift start.",
)

MIX_SHEET = SheetSpec(
    "MixSettings",
    (
        Column("experience_cost_per_unwanted_contact", "experience_cost_per_unwanted_contact",
                "number", note="Price of one contact sent to self-service against the customer's "
                               "wish for a person, currency (≥ 0). Default 2."),
        Column("grid_step", "grid_step", "number",
                note="Step of the self-service shares tried, (0, 0.5]. Default 0.05."),
        Column("budget", "budget", "number", nullable=True,
                note="Optional cap on labour + automation cost over the horizon. Empty = none."),
        Column("min_service_level", "min_service_level", "number", nullable=True,
                note="Optional floor on every live group's predicted SL, [0, 1]. Empty = none."),
        Column("max_escalation_rate", "max_escalation_rate", "number", nullable=True,
                note="Optional cap on escalations / attempts per pair, [0, 1]. Empty = none."),
        Column("min_human_share", "min_human_share", "number", nullable=True,
                note="Optional floor on the share going straight to a person, [0, 1]. Empty = none."),
    ),
    required=False,
    key_value=True,
    purpose="Inputs of the human/automation mix recommendation: key/value rows.",
    aliases=("Mix Settings",),
)

SHRINKAGE_SHEET = SheetSpec(
    "Shrinkage",
    (
        Column("interval_start", "interval_start", "datetime", required=True,
                note="Interval start (date-time), on the interval grid."),
        Column("channel", "channel", "text", required=True, lookup=_CHANNEL_LOOKUP,
                note="A channel of the Channels sheet."),
        Column("shrinkage", "shrinkage", "number", required=True,
                note="Shrinkage of this interval, [0, 1); overrides the channel's."),
    ),
    required=False,
    purpose="Optional: shrinkage per interval and channel, overriding the Channels value.",
)

SHEETS: tuple[SheetSpec, ...] = (
    SETTINGS_SHEET, CHANNELS_SHEET, SEGMENTS_SHEET, FORECAST_SHEET, DEFLECTION_SHEET, GROUPS_SHEET,
    TEMPLATES_SHEET, BREAKS_SHEET, MIX_SHEET, SHRINKAGE_SHEET,
)
INPUT_SHEETS: tuple[str, ...] = tuple(s.name for s in SHEETS)
"""Names of the input sheets, in workbook order."""
