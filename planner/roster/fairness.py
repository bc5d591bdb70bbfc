"""Fairness of a roster per contract: weekends and late shifts spread, preferences granted.

Read from the verifier's report (``weekends_worked``, ``late_shifts``) and the published shifts; the
spread is ``max − min`` over the contract's rostered people (0 = perfectly even). A preference is
granted when a preferred day off is off, or when a shift matches the early/late preference (early:
starts before 09:00; late: ends after 20:00, as in :mod:`planner.roster.assign`).
"""

from __future__ import annotations

import math

import pandas as pd

from planner.roster.assign import EARLY_START_MINUTE, LATE_END_MINUTE
from planner.types import Scenario

FAIRNESS_COLUMNS: tuple[str, ...] = (
    "contract",
    "people",
    "weekends_mean",
    "weekends_min",
    "weekends_max",
    "weekends_spread",
    "late_shifts_mean",
    "late_shifts_min",
    "late_shifts_max",
    "late_shifts_spread",
    "preferences_asked",
    "preferences_granted_share",
)


def preferences_granted(shifts: pd.DataFrame, scenario: Scenario) -> dict[str, tuple[int, int]]:
    """Per agent id, (preferences asked, preferences granted) over the horizon's days and shifts."""
    origin = pd.Timestamp(scenario.settings.start_date)
    dates = [origin + pd.Timedelta(days=k) for k in range(scenario.settings.days)]
    by_agent = {a: f for a, f in shifts.groupby("agent")} if len(shifts) else {}
    granted: dict[str, tuple[int, int]] = {}
    for agent in scenario.agents:
        own = by_agent.get(agent.agent_id)
        worked = set() if own is None else {s.normalize() for s in own["start"]}
        asked = got = 0
        for day in dates:
            if day.weekday() in agent.preferred_days_off:
                asked += 1
                got += day not in worked
        if agent.prefers and own is not None:
            for start, end in zip(own["start"], own["end"], strict=True):
                asked += 1
                day = start.normalize()
                if agent.prefers == "early":
                    got += (start - day).total_seconds() / 60 < EARLY_START_MINUTE
                else:
                    got += (end - day).total_seconds() / 60 > LATE_END_MINUTE
        granted[agent.agent_id] = (asked, got)
    return granted


def fairness_report(shifts: pd.DataFrame, verification: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """One row per contract: :data:`FAIRNESS_COLUMNS`.

    Parameters
    ----------
    shifts : pandas.DataFrame
        The roster's shifts (``agent`` = person).
    verification : pandas.DataFrame
        :func:`planner.roster.verify.verify_roster` output.
    scenario : Scenario
    """
    granted = preferences_granted(shifts, scenario)
    rows = []
    for contract in scenario.contracts:
        mine = verification[verification["contract"] == contract.name]
        if not len(mine):
            continue
        weekends = mine["weekends_worked"].astype(float)
        late = mine["late_shifts"].astype(float)
        asked = sum(granted.get(a, (0, 0))[0] for a in mine["agent"])
        got = sum(granted.get(a, (0, 0))[1] for a in mine["agent"])
        rows.append(
            {
                "contract": contract.name,
                "people": len(mine),
                "weekends_mean": float(weekends.mean()),
                "weekends_min": float(weekends.min()),
                "weekends_max": float(weekends.max()),
                "weekends_spread": float(weekends.max() - weekends.min()),
                "late_shifts_mean": float(late.mean()),
                "late_shifts_min": float(late.min()),
                "late_shifts_max": float(late.max()),
                "late_shifts_spread": float(late.max() - late.min()),
                "preferences_asked": asked,
                "preferences_granted_share": got / asked if asked else math.nan,
            }
        )
    return pd.DataFrame(rows, columns=list(FAIRNESS_COLUMNS))
