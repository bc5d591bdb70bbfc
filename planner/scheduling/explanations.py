"""Why an interval stays short, in a planner's words."""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.scheduling.deferred import DeferredWork, deferred_lateness
from planner.scheduling.model import GroupModel, _count
from planner.types import WEEKDAY_NAMES, Settings


def _when(start: pd.Timestamp, end: pd.Timestamp) -> str:
    day = WEEKDAY_NAMES[start.weekday()]
    if end.normalize() == start.normalize():
        return f"{day} {start:%H:%M}–{end:%H:%M}"
    if end == start.normalize() + pd.Timedelta(days=1):
        return f"{day} {start:%H:%M}–24:00"
    return f"{day} {start:%H:%M}–{WEEKDAY_NAMES[end.weekday()]} {end:%H:%M}"


def _agents(count: int) -> str:
    return "agent" if count == 1 else "agents"


def _short_reason(model: GroupModel, i: int) -> str:
    """Which rule keeps interval ``i`` from being covered, in a planner's words."""
    covering = [(t, int(s)) for t, plan in enumerate(model.plans)
                for s in model.starts[t][(model.starts[t] <= i) & (i < model.starts[t] + plan.length)]]
    if not covering:
        return "no template covers this interval"
    for t, s in covering:
        cap = model.plans[t].template.max_agents_per_start
        if cap is not None and _count(model.x[(t, s)]) >= cap:
            return f"max {cap} {_agents(cap)} per start of '{model.plans[t].name}' binds"
    for t, s in covering:
        cap = model.plans[t].template.max_agents_per_day
        if cap is None:
            continue
        day = int(model.start_days[t][np.searchsorted(model.starts[t], s)])
        on_day = model.starts[t][model.start_days[t] == day]
        if sum(_count(model.x[(t, int(q))]) for q in on_day) >= cap:
            return f"max {cap} {_agents(cap)} per day of '{model.plans[t].name}' binds"
    return (f"another shift costs more than the shortfall penalty "
            f"({model.settings.shortfall_penalty_per_agent_hour:g} per agent-hour) it would save")


def explain_shortfall(model: GroupModel, coverage: pd.DataFrame) -> list[str]:
    """Plain-language explanations of every run of consecutive short intervals.

    e.g. ``"Sun 22:00–23:00 (voice): no template covers this interval; 3 agents short"`` — the
    number is the largest shortfall in the run. A deferred (email) group's runs are those with
    overdue work, e.g. ``"Mon 21:00–23:00 (email): 3.5 agent-hours of e-mail answered after its
    deadline"`` (:func:`_explain_lateness`).
    """
    if model.deferred is not None:
        return _explain_lateness(model.group, model.deferred, model.settings, coverage)
    short = coverage["short"].to_numpy()
    starts = pd.DatetimeIndex(coverage["interval_start"])
    step = pd.Timedelta(minutes=model.settings.interval_minutes)
    lines: list[str] = []
    i, n = 0, len(short)
    while i < n:
        if short[i] <= 0:
            i += 1
            continue
        reason = _short_reason(model, i)
        k = i
        while k + 1 < n and short[k + 1] > 0 and _short_reason(model, k + 1) == reason:
            k += 1
        worst = int(short[i:k + 1].max())
        lines.append(f"{_when(starts[i], starts[k] + step)} ({model.group}): {reason}; "
                     f"{worst} {_agents(worst)} short")
        i = k + 1
    return lines


def _explain_lateness(group: str, deferred: DeferredWork, settings: Settings,
                      coverage: pd.DataFrame) -> list[str]:
    """Runs of intervals with overdue deferred work, with the agent-hours answered late.

    e.g. ``"Mon 21:00–23:00 (email): 3.5 agent-hours of e-mail answered after its deadline"``; the
    agent-hours are net work (:func:`deferred_lateness` ``late`` summed over the run × interval hours).
    """
    lateness = deferred_lateness(coverage["working"].to_numpy(dtype=float), deferred)
    overdue, late = lateness["overdue"], lateness["late"]
    starts = pd.DatetimeIndex(coverage["interval_start"])
    step = pd.Timedelta(minutes=settings.interval_minutes)
    lines: list[str] = []
    i, n = 0, len(overdue)
    while i < n:
        if overdue[i] <= 0:
            i += 1
            continue
        k = i
        while k + 1 < n and overdue[k + 1] > 0:
            k += 1
        hours = float(late[i:k + 1].sum()) * settings.interval_minutes / 60.0
        lines.append(f"{_when(starts[i], starts[k] + step)} ({group}): {hours:.1f} agent-hours of "
                     f"e-mail answered after its deadline")
        i = k + 1
    return lines
