"""Exact costs of a share vector through the real pipeline (``live_demand`` → ``requirements``),
the frontier, the plain-language reasons and the ``pairs`` frame of the mix result."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.types import Scenario

from .model import _live, _Model, _Pair, _pair_key, _requirements, group_cost_per_hour
from .result import FRONTIER_COLUMNS, PAIR_COLUMNS

FTE_HOURS_PER_WEEK = 40.0
"""Paid hours of one full-time equivalent per week, used to turn agent-hours into FTE."""


@dataclass(frozen=True)
class _Breakdown:
    rows: pd.DataFrame  # per (segment, channel): demand counts, labour, agent-hours
    labour_total: float


def _breakdown(scenario: Scenario, shares: Mapping[tuple[str, str], float]) -> _Breakdown:
    """Per-(segment, channel) demand and attributed pooled labour for ``shares``.

    The pooled ``required_scheduled`` of a group in an interval is split over the group's live
    rows in proportion to their workload (evenly when the group has no workload then), so the
    pair labour adds up to the group labour exactly.
    """
    live = _live(scenario, shares)
    requirements = _requirements(scenario, live)
    interval_hours = scenario.settings.interval_minutes / 60.0
    names: dict[tuple[str, str], str] = {}
    for key in zip(live["channel"], live["segment"], strict=True):
        if key not in names:
            names[key] = scenario.group_of(*key).name
    live = live.assign(group=[names[key] for key in zip(live["channel"], live["segment"], strict=True)])
    req = requirements[["interval_start", "group", "required_scheduled"]].copy()
    prices = {g: group_cost_per_hour(scenario, g) for g in req["group"].unique()}
    req["cost_per_hour"] = req["group"].map(prices).astype(float)
    merged = live.merge(req, on=["interval_start", "group"], how="left")
    merged["required_scheduled"] = merged["required_scheduled"].fillna(0.0)
    key = [merged["interval_start"], merged["group"]]
    group_workload = merged.groupby(key)["live_workload_erlangs"].transform("sum")
    group_rows = merged.groupby(key)["live_workload_erlangs"].transform("size")
    weight = np.where(group_workload > 0,
                      merged["live_workload_erlangs"] / group_workload.where(group_workload > 0, 1.0),
                      1.0 / group_rows)
    merged["agent_hours"] = merged["required_scheduled"].to_numpy(float) * weight * interval_hours
    merged["labour_cost"] = merged["agent_hours"] * merged["cost_per_hour"]
    rows = merged.groupby(["segment", "channel"], sort=False)[
        ["offered", "self_service_attempts", "contained", "escalated_out", "live_contacts",
         "agent_hours", "labour_cost"]].sum()
    labour_total = float((req["required_scheduled"] * req["cost_per_hour"]).sum() * interval_hours)
    return _Breakdown(rows=rows, labour_total=labour_total)


def _shares_by_key(model: _Model, shares: Mapping[int, float]) -> dict[tuple[str, str], float]:
    return {(model.pairs[pi].segment, model.pairs[pi].channel): float(s) for pi, s in shares.items()}


def _frontier(model: _Model, shares: Mapping[int, float]) -> pd.DataFrame:
    """Whole-scenario costs as one pair moves over its grid, the others at ``shares``."""
    records = []
    base = np.array([shares[pi] for pi in range(len(model.pairs))], dtype=float)
    for pi, pair in enumerate(model.pairs):
        rows = np.tile(base, (pair.grid.size, 1))
        rows[:, pi] = pair.grid
        labour = np.zeros(pair.grid.size)
        ok = np.ones(pair.grid.size, dtype=bool)
        for gi, group in enumerate(model.groups):
            lab, sl_ok = model.group_values(gi, rows[:, group.scope])
            labour += lab
            ok &= sl_ok
        automation = np.zeros(pair.grid.size)
        experience = np.zeros(pair.grid.size)
        for qj, other in enumerate(model.pairs):
            a, e = other.linear_cost(rows[:, qj])
            automation += a
            experience += e
        if model.scenario.mix.budget is not None:
            ok &= labour + automation <= model.scenario.mix.budget * (1 + 1e-12)
        for k, share in enumerate(pair.grid):
            records.append({
                "segment": pair.segment, "channel": pair.channel, "share": float(share),
                "labour_cost": float(labour[k]), "automation_cost": float(automation[k]),
                "experience_cost": float(experience[k]),
                "total_cost": float(labour[k] + automation[k] + experience[k]),
                "feasible": bool(ok[k]),
            })
    return pd.DataFrame.from_records(records, columns=list(FRONTIER_COLUMNS))


def _pct(share: float) -> str:
    return f"{share * 100:.0f}%" if abs(share * 100 - round(share * 100)) < 1e-6 else f"{share * 100:.1f}%"


def _reason(pair: _Pair, recommended: float, frontier: pd.DataFrame, feasible: bool) -> str:
    """One plain-language line: what happens to the pair and which cost decides it."""
    name = f"{pair.segment} {pair.channel}"
    if abs(recommended - pair.current) < 1e-9:
        verb = f"kept at {_pct(recommended)}"
    elif recommended > pair.current:
        verb = f"raised from {_pct(pair.current)} to {_pct(recommended)}"
    else:
        verb = f"lowered from {_pct(pair.current)} to {_pct(recommended)}"
    if not feasible:
        return f"{name}: {verb} — no combination on the grid meets the constraints"
    if pair.offered <= 0:
        return f"{name}: {verb} — no forecast contacts"
    if pair.grid.size <= 1 and pair.excluded_reason:
        return f"{name}: {verb} — {pair.excluded_reason}"
    rows = frontier[(frontier["segment"] == pair.segment) & (frontier["channel"] == pair.channel)]
    rows = rows.sort_values("share").reset_index(drop=True)
    at = int(np.argmin(np.abs(rows["share"].to_numpy() - recommended)))
    here = rows.iloc[at]
    if at == len(rows) - 1:
        limit = ("the segment's cap" if abs(pair.upper - pair.cap) < 1e-12 else pair.excluded_reason)
        if at == 0:
            return f"{name}: {verb} — {limit}"
        below = rows.iloc[at - 1]
        saving = below["labour_cost"] - here["labour_cost"]
        extra = (here["automation_cost"] + here["experience_cost"]
                 - below["automation_cost"] - below["experience_cost"])
        return (f"{name}: {verb} ({limit}) — labour saving of the last step ({saving:,.0f}) exceeds "
                f"its automation and preference cost ({extra:,.0f})")
    above = rows.iloc[at + 1]
    if not bool(above["feasible"]):
        return f"{name}: {verb} — a higher share breaks the service-level floor or the budget"
    saving = here["labour_cost"] - above["labour_cost"]
    preference = above["experience_cost"] - here["experience_cost"]
    if saving < 0:
        return f"{name}: {verb} — more self-service adds escalation workload instead of saving labour"
    if saving == 0:
        return (f"{name}: {verb} — a further step saves no agent-hours (staffing moves in whole "
                "agents) but costs automation and preference")
    automation = above["automation_cost"] - here["automation_cost"]
    if preference >= saving:
        return f"{name}: {verb} — preference cost exceeds labour saving"
    if automation >= saving:
        return f"{name}: {verb} — automation cost exceeds labour saving"
    return f"{name}: {verb} — automation and preference cost together exceed labour saving"


# ---------------------------------------------------------------------------------------------
# public



def _pair_table(scenario: Scenario, model: _Model, shares: Mapping[int, float], now: _Breakdown,
                best: _Breakdown, frontier: pd.DataFrame, feasible: bool
                ) -> tuple[pd.DataFrame, list[str]]:
    """The ``pairs`` frame and the reasons, from the two exact breakdowns."""
    weeks = scenario.settings.days / 7.0
    fte_hours = FTE_HOURS_PER_WEEK * weeks
    by_key = {(p.segment, p.channel): (pi, p) for pi, p in enumerate(model.pairs)}
    keys = set(by_key)
    for frame in (now.rows, best.rows):
        active = frame[(frame["offered"] > 0) | (frame["live_contacts"] > 0) | (frame["labour_cost"] > 0)]
        keys |= set(active.index)
    segments = {s.name: s for s in scenario.segments}
    records = []
    reasons = []
    for key in sorted(keys, key=_pair_key(scenario)):
        segment, channel = key
        a = now.rows.loc[key] if key in now.rows.index else None
        b = best.rows.loc[key] if key in best.rows.index else None

        def value(row: pd.Series | None, name: str) -> float:
            return 0.0 if row is None else float(row[name])

        ph = segments[segment].prefers_human_share
        price = scenario.mix.experience_cost_per_unwanted_contact
        if key in by_key:
            pi, pair = by_key[key]
            cap, cur, rec = pair.cap, pair.current, float(shares[pi])
            containment = pair.deflection.containment_rate
            cost_attempt = pair.automation_per_attempt
            reason = _reason(pair, rec, frontier, feasible)
        else:
            cap = cur = rec = 0.0
            containment = float("nan")
            cost_attempt = 0.0
            reason = f"{segment} {channel}: kept at 0% — no self-service is configured for this pair"
        attempts_now, attempts = value(a, "self_service_attempts"), value(b, "self_service_attempts")
        offered = value(b, "offered")
        labour_now, labour = value(a, "labour_cost"), value(b, "labour_cost")
        auto_now, auto = attempts_now * cost_attempt, attempts * cost_attempt
        exp_now, exp = attempts_now * ph * price, attempts * ph * price
        records.append({
            "segment": segment, "channel": channel, "cap": cap, "current_share": cur,
            "recommended_share": rec, "containment_rate": containment, "attempts": attempts,
            "contained": value(b, "contained"),
            "net_deflection": value(b, "contained") / offered if offered > 0 else 0.0,
            "escalations": value(b, "escalated_out"), "live_contacts": value(b, "live_contacts"),
            "human_fte_current": value(a, "agent_hours") / fte_hours,
            "human_fte_recommended": value(b, "agent_hours") / fte_hours,
            "labour_cost_current": labour_now, "labour_cost_recommended": labour,
            "automation_cost_current": auto_now, "automation_cost_recommended": auto,
            "experience_cost_current": exp_now, "experience_cost_recommended": exp,
            "total_cost_current": labour_now + auto_now + exp_now,
            "total_cost_recommended": labour + auto + exp,
            "experience_risk": rec * ph, "reason": reason,
        })
        reasons.append(reason)
    return pd.DataFrame.from_records(records, columns=list(PAIR_COLUMNS)), reasons
