"""A plan's headline numbers as a planner reads them: labelled, grouped, with units.

:func:`planner.pipeline.plan_kpis` keeps machine keys with the unit in the name
(``predicted_service_level[voice]``, ``predicted_asa_seconds``); this module is the one place
that turns them into what the Summary sheet, the results page and the compare page show:
"Service level, voice — 86.6 %", "Average speed of answer — 23 s", "Labour cost — USD 96,314",
grouped as demand, staffing, cost, service, well-being and solver. A key it does not know (a
KPI added later) is still shown, under "Other", with a label made from its key.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

FigureKind = Literal["count", "agents", "hours", "fte", "money", "percent", "duration", "text"]
"""How a figure's value is read: plain count, agents, agent-hours, FTE, money, share, seconds, text."""

GROUPS: tuple[str, ...] = ("Scenario", "Demand", "Staffing", "Cost", "Service", "Well-being",
                           "Solver", "Other")
"""The groups, in the order they are shown."""


@dataclass(frozen=True)
class KeyFigure:
    """One headline number.

    Parameters
    ----------
    key : str
        The machine key (``predicted_service_level[voice]``), for the API and the compare page.
    group : str
        One of :data:`GROUPS`.
    label : str
        What a planner reads ("Service level, voice").
    value : float or str or None
        The number in its base unit (shares as fractions, money in the currency, seconds), text
        for status lines, None when not available.
    kind : FigureKind
        How ``value`` is read and shown.
    note : str
        A short explanation (what the figure counts), may be empty.
    """

    key: str
    group: str
    label: str
    value: float | str | None
    kind: FigureKind
    note: str = ""

    def text(self, currency: str) -> str:
        """The value as shown to a planner, e.g. ``86.6 %``, ``USD 96,314``, ``1 min 05 s``."""
        return format_value(self.value, self.kind, currency)


# key → (group, label, kind, note)
_CATALOGUE: dict[str, tuple[str, str, FigureKind, str]] = {
    "contacts_offered": ("Demand", "Contacts offered", "count", "all channels, before self-service"),
    "self_service_attempts": ("Demand", "Self-service attempts", "count", ""),
    "contained": ("Demand", "Resolved in self-service", "count", "attempts × containment"),
    "live_contacts": ("Demand", "Contacts for agents", "count", "after self-service, with escalations"),
    "required_agent_hours": ("Staffing", "Required agent-hours", "hours",
                             "agents working (on shift, not on a break), summed over intervals"),
    "required_fte": ("Staffing", "Required FTE", "fte", "required agent-hours ÷ 40 h per week"),
    "peak_required_agents": ("Staffing", "Peak agents required", "agents", "busiest interval"),
    "agents_scheduled": ("Staffing", "Shifts scheduled", "count", ""),
    "scheduled_paid_hours": ("Staffing", "Scheduled paid hours", "hours", ""),
    "scheduled_fte": ("Staffing", "Scheduled FTE", "fte", "paid hours ÷ 40 h per week"),
    "shortfall_agent_hours": ("Staffing", "Shortfall", "hours", "agent-hours below the requirement"),
    "overstaff_agent_hours": ("Staffing", "Overstaffing", "hours", "agent-hours above the requirement"),
    "labour_cost": ("Cost", "Labour cost", "money", "paid hours × cost per hour"),
    "automation_cost": ("Cost", "Self-service cost", "money", "attempts × cost per attempt"),
    "total_cost": ("Cost", "Total cost", "money", "labour + self-service"),
    "mix_total_cost_current": ("Cost", "Total cost at today's mix", "money", "mix model"),
    "mix_total_cost_recommended": ("Cost", "Total cost at the recommended mix", "money", "mix model"),
    "mix_fte_saved": ("Cost", "FTE saved by the recommended mix", "fte", ""),
    "predicted_service_level": ("Service", "Service level, voice and chat", "percent",
                                "predicted, weighted by contacts"),
    "predicted_asa_seconds": ("Service", "Average speed of answer", "duration", "voice and chat"),
    "predicted_abandon": ("Service", "Abandonment", "percent", "voice and chat"),
    "email_deadline_met_share": ("Service", "E-mail intervals within the response time", "percent", ""),
    "predicted_occupancy": ("Well-being", "Occupancy", "percent", "share of working time busy"),
    "wellbeing_rules_ok_share": ("Well-being", "Shifts keeping every break rule", "percent", ""),
}

_STAGE_LABELS: dict[str, str] = {"kpis": "predicted service", "requirements": "staffing",
                                 "demand": "demand", "schedule": "schedule", "mix": "mix"}

_PER_CHANNEL = re.compile(r"^(?P<base>[a-z_]+)\[(?P<channel>[^\]]+)\]$")
_PER_CHANNEL_LABELS: dict[str, tuple[str, str, FigureKind]] = {
    "predicted_service_level": ("Service", "Service level, {channel}", "percent"),
    "predicted_asa_seconds": ("Service", "Average speed of answer, {channel}", "duration"),
    "predicted_abandon": ("Service", "Abandonment, {channel}", "percent"),
}


def describe(key: str) -> tuple[str, str, FigureKind, str]:
    """(group, label, kind, note) of a KPI key; unknown keys get a label made from the key.

    The unit of an unknown key is read from its name, as the project names units
    (``*_seconds`` a duration, ``*_cost`` money, ``*_share`` a share, ``*_hours`` hours, ``*fte*``).
    """
    if key in _CATALOGUE:
        return _CATALOGUE[key]
    match = _PER_CHANNEL.match(key)
    if match and match["base"] in _PER_CHANNEL_LABELS:
        group, label, kind = _PER_CHANNEL_LABELS[match["base"]]
        return group, label.format(channel=match["channel"]), kind, ""
    words = key.replace("[", " ").replace("]", "").replace("_", " ").strip()
    kind: FigureKind = "count"
    if key.endswith("_seconds"):
        kind, words = "duration", words.removesuffix(" seconds")
    elif "cost" in key:
        kind = "money"
    elif key.endswith(("_share", "_rate")) or "service_level" in key or "occupancy" in key:
        kind = "percent"
    elif key.endswith("_hours"):
        kind, words = "hours", words.removesuffix(" hours") + " (hours)"
    elif "fte" in key:
        kind = "fte"
    return "Other", words[:1].upper() + words[1:], kind, ""


def format_value(value: float | str | None, kind: FigureKind, currency: str) -> str:
    """A value as a planner reads it.

    Parameters
    ----------
    value : float or str or None
        Base unit: a share as a fraction, money in ``currency``, a duration in seconds.
    kind : FigureKind
        How to read it.
    currency : str
        Currency code shown before money, e.g. ``USD``.
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if isinstance(value, str) or kind == "text":
        return str(value)
    number = float(value)
    if kind == "percent":
        return f"{number * 100:.1f} %"
    if kind == "money":
        return f"{currency} {number:,.0f}" if abs(number) >= 100 else f"{currency} {number:,.2f}"
    if kind == "duration":
        return format_duration(number)
    if kind == "hours":
        return f"{number:,.1f} h"
    if kind == "fte":
        return f"{number:,.1f} FTE"
    if kind == "agents":
        return f"{number:,.0f} agents" if number != 1 else "1 agent"
    return f"{number:,.0f}" if float(number).is_integer() or abs(number) >= 100 else f"{number:,.2f}"


def format_delta(delta: float | None, kind: FigureKind, currency: str) -> str:
    """A difference between two figures: ``+1.2 pts`` for shares, ``−USD 310`` for money …"""
    if delta is None or not math.isfinite(delta):
        return "–"
    if delta == 0:
        return "±0"
    if kind == "percent":
        return f"{delta * 100:+.1f} pts"
    sign = "+" if delta > 0 else "−"
    return f"{sign}{format_value(abs(delta), kind, currency)}"


def format_duration(seconds: float) -> str:
    """``12.3 s``, ``1 min 05 s``, ``2 h 05 min`` (seconds ≥ 0; negative shown with a sign)."""
    if not math.isfinite(seconds):
        return "–"
    sign = "−" if seconds < 0 else ""
    seconds = abs(seconds)
    if seconds < 60:
        return f"{sign}{seconds:.1f} s" if seconds < 10 else f"{sign}{seconds:.0f} s"
    if seconds < 3600:
        minutes, rest = divmod(round(seconds), 60)
        return f"{sign}{minutes} min {rest:02d} s"
    hours, rest = divmod(round(seconds / 60), 60)
    return f"{sign}{hours} h {rest:02d} min"


def key_figures(kpis: Mapping[str, float | None], *, solver: Mapping[str, object] | None = None,
                timings: Mapping[str, float] | None = None) -> list[KeyFigure]:
    """The plan's headline numbers, grouped in :data:`GROUPS` order.

    Parameters
    ----------
    kpis : mapping of str to float
        :func:`planner.pipeline.plan_kpis` (or the KPIs stored with a plan).
    solver : mapping, optional
        The schedule's solve: ``status`` (text), ``gap`` (fraction), ``seconds``, ``objective``
        (currency).
    timings : mapping of str to float, optional
        Wall-clock seconds per pipeline stage.

    Returns
    -------
    list of KeyFigure
        Known figures in the catalogue's order within each group, then unknown keys by name.
    """
    figures: list[KeyFigure] = []
    order = {key: i for i, key in enumerate(_CATALOGUE)}
    for key in sorted(kpis, key=lambda k: (order.get(_PER_CHANNEL.sub(r"\g<base>", k), len(order)), k)):
        group, label, kind, note = describe(key)
        raw = kpis[key]
        value = None if raw is None else float(raw)
        figures.append(KeyFigure(key, group, label, value, kind, note))
    if solver:
        status = solver.get("status")
        if status is not None:
            figures.append(KeyFigure("solver_status", "Solver", "Schedule solve status", str(status),
                                     "text"))
        for key, label, kind, note in (
                ("gap", "Optimality gap", "percent", "objective vs best bound"),
                ("objective", "Objective (labour + penalties)", "money", ""),
                ("seconds", "Solver time", "duration", "")):
            value = solver.get(key)
            if isinstance(value, int | float) and math.isfinite(float(value)):
                figures.append(KeyFigure(f"solver_{key}", "Solver", label, float(value), kind, note))
    for stage, seconds in (timings or {}).items():
        figures.append(KeyFigure(f"seconds[{stage}]", "Solver",
                                 f"Run time, {_STAGE_LABELS.get(stage, stage)}", float(seconds),
                                 "duration"))
    rank = {group: i for i, group in enumerate(GROUPS)}
    return sorted(figures, key=lambda f: rank.get(f.group, len(rank)))


def grouped(figures: list[KeyFigure]) -> list[tuple[str, list[KeyFigure]]]:
    """The figures as (group, figures) pairs in :data:`GROUPS` order, empty groups left out."""
    out: dict[str, list[KeyFigure]] = {}
    for figure in figures:
        out.setdefault(figure.group, []).append(figure)
    return list(out.items())
