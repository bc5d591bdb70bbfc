"""What a planner reads of a capacity plan: the weekly table, the hiring plan, risk and reasons.

Risk per week is over the sampled scenarios (equally likely): ``p_short`` is the probability that
the week is short-staffed — its shortfall after overtime exceeds ``short_tolerance_fte`` —,
``shortfall_fte`` the expected shortfall (FTE), the cost spread is the 5th / 50th / 95th percentile
of the scenarios' total cost, and the CVaR the mean cost of the worst ``1 − alpha`` of them.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from planner.capacity.inputs import CapacityInputs
from planner.capacity.model import CapacitySolution
from planner.capacity.requirement import Efficiency, WeeklyWorkload

WEEKLY_COLUMNS: tuple[str, ...] = (
    "group",
    "week",
    "week_start",
    "offered_contacts",
    "workload_multiplier",
    "shrinkage",
    "required_fte",
    "required_fte_p10",
    "required_fte_p90",
    "available_fte",
    "headcount_fte",
    "in_training_fte",
    "hires_starting",
    "overtime_fte",
    "vto_fte",
    "shortfall_fte",
    "excess_fte",
    "p_short",
)
"""Columns of the weekly table: per (group, week) expected values over the scenarios — required
FTE (mean and 10th/90th percentile), productive FTE available before overtime, people on the
payroll, in training, hires starting that week, overtime / VTO / shortfall / excess FTE, and the
probability of being short-staffed."""

HIRING_COLUMNS: tuple[str, ...] = (
    "group",
    "hire_class",
    "start_week",
    "start_date",
    "recruit_from_week",
    "productive_from_week",
    "full_speed_week",
    "hires",
    "cost_per_hire",
    "value_of_one_more_place",
)
"""Columns of the hiring plan: one row per class that runs."""


def weekly_table(
    inputs: CapacityInputs, workload: WeeklyWorkload, solution: CapacitySolution, tolerance_fte: float
) -> pd.DataFrame:
    """:data:`WEEKLY_COLUMNS` per group and week (expected over scenarios)."""
    data = solution.data
    p = data.weights
    settings = inputs.settings
    rows: list[dict[str, Any]] = []
    in_training = np.zeros_like(solution.headcount)
    starting = np.zeros((len(data.groups), data.weeks))
    for i, st in enumerate(data.starts):
        in_training[:, st.group_index, :] += solution.hires[i] * data.coefficients[i].in_training
        starting[st.group_index, st.week - 1] += solution.hires[i]
    required = data.required
    for g, group in enumerate(data.groups):
        req = required[:, g, :]
        short_flag = (solution.short[:, g, :] > tolerance_fte).astype(float)
        for w in range(data.weeks):
            values = req[:, w]
            rows.append(
                {
                    "group": group,
                    "week": w + 1,
                    "week_start": settings.week_start(w + 1),
                    "offered_contacts": float(workload.offered[g, w]),
                    "workload_multiplier": float(workload.multiplier[g, w]),
                    "shrinkage": float(workload.shrinkage[g, w]),
                    "required_fte": float(p @ values),
                    "required_fte_p10": _quantile(values, p, 0.10),
                    "required_fte_p90": _quantile(values, p, 0.90),
                    "available_fte": float(p @ solution.productive[:, g, w]),
                    "headcount_fte": float(p @ solution.headcount[:, g, w]),
                    "in_training_fte": float(p @ in_training[:, g, w]),
                    "hires_starting": float(starting[g, w]),
                    "overtime_fte": float(p @ solution.overtime[:, g, w]),
                    "vto_fte": float(p @ solution.vto[:, g, w]),
                    "shortfall_fte": float(p @ solution.short[:, g, w]),
                    "excess_fte": float(p @ solution.over[:, g, w]),
                    "p_short": float(p @ short_flag[:, w]),
                }
            )
    return pd.DataFrame(rows, columns=list(WEEKLY_COLUMNS))


def _quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """Weighted quantile (inverse of the empirical distribution function)."""
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    k = int(np.searchsorted(cumulative, q * cumulative[-1] - 1e-12))
    return float(values[order][min(k, len(values) - 1)])


def hiring_table(inputs: CapacityInputs, solution: CapacitySolution) -> pd.DataFrame:
    """:data:`HIRING_COLUMNS`, one row per class start with hires > 0, by start week."""
    rows = []
    for i, st in enumerate(solution.data.starts):
        hires = int(solution.hires[i])
        if hires <= 0:
            continue
        c = st.hire_class
        rows.append(
            {
                "group": solution.data.groups[st.group_index],
                "hire_class": c.name,
                "start_week": st.week,
                "start_date": inputs.settings.week_start(st.week),
                "recruit_from_week": max(1, st.week - c.lead_weeks),
                "productive_from_week": st.week + c.training_weeks,
                "full_speed_week": st.week + c.training_weeks + c.nesting_weeks,
                "hires": hires,
                "cost_per_hire": c.cost_per_hire,
                "value_of_one_more_place": solution.place_values.get(i, 0.0),
            }
        )
    frame = pd.DataFrame(rows, columns=list(HIRING_COLUMNS))
    return frame.sort_values(["start_week", "group"]).reset_index(drop=True) if len(frame) else frame


def cvar(costs: np.ndarray, weights: np.ndarray, alpha: float) -> float:
    """Mean of the worst ``1 − alpha`` of the costs (Rockafellar & Uryasev 2000), currency units."""
    order = np.argsort(costs)[::-1]
    tail = 1.0 - alpha
    taken, total = 0.0, 0.0
    for k in order:
        share = min(float(weights[k]), tail - taken)
        if share <= 0:
            break
        total += share * float(costs[k])
        taken += share
    return total / taken if taken > 0 else math.nan


def summary(
    inputs: CapacityInputs, efficiency: Efficiency, solution: CapacitySolution, weekly: pd.DataFrame
) -> dict[str, Any]:
    """Headline numbers (units in the key names) and the status of the solve."""
    data = solution.data
    solve = solution.solve
    costs = solution.cost_by_scenario
    p = data.weights
    out: dict[str, Any] = {
        "status": str(getattr(solve.status, "value", solve.status)),
        "gap": solve.gap,
        "solve_seconds": solve.seconds,
        "build_seconds": solution.build_seconds,
        "scenarios": data.scenario_count,
        "seed": inputs.settings.seed,
        "weeks": data.weeks,
        "columns": solution.size.get("columns", 0),
        "integer_columns": solution.size.get("integer_columns", 0),
        "rows": solution.size.get("rows", 0),
        "hires_total": int(solution.hires.sum()),
        "classes": int((solution.hires > 0).sum()),
        "efficiency_source": efficiency.source,
    }
    for g, factor in efficiency.factor.items():
        out[f"schedule_efficiency[{g}]"] = factor
    for key, value in solution.cost_parts.items():
        out[f"expected_cost_{key}"] = value
    if len(costs) and np.isfinite(costs).all():
        out["cost_p5"] = _quantile(costs, p, 0.05)
        out["cost_p50"] = _quantile(costs, p, 0.50)
        out["cost_p95"] = _quantile(costs, p, 0.95)
        out["cost_cvar"] = cvar(costs, p, inputs.settings.cvar_alpha)
    out["expected_shortfall_fte_weeks"] = float(weekly["shortfall_fte"].sum()) if len(weekly) else 0.0
    out["expected_overtime_fte_weeks"] = float(weekly["overtime_fte"].sum()) if len(weekly) else 0.0
    by_week = weekly.groupby("week")["p_short"].max() if len(weekly) else pd.Series(dtype=float)
    out["weeks_at_risk"] = int((by_week > 0.1).sum())
    out["max_p_short"] = float(by_week.max()) if len(by_week) else 0.0
    out["expected_weeks_short"] = float(weekly["p_short"].sum()) if len(weekly) else 0.0
    return out


def _ranges(weeks: list[int]) -> str:
    parts: list[str] = []
    for w in sorted(weeks):
        if parts and parts[-1][1] == w - 1:
            parts[-1] = (parts[-1][0], w)
        else:
            parts.append((w, w))  # type: ignore[arg-type]
    return ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in parts)  # type: ignore[misc]


def explain(inputs: CapacityInputs, solution: CapacitySolution, weekly: pd.DataFrame) -> list[str]:
    """Which rule binds where, in planner words: short weeks before any class can help, at the class
    size cap, at the trainer seats, at the overtime cap; and the values of more capacity."""
    data = solution.data
    notes: list[str] = []
    if not solution.solve.has_solution:
        return [f"No plan: the solve ended {solution.solve.status} ({solution.solve.message})."]
    tolerance = inputs.settings.short_tolerance_fte
    for g, group in enumerate(data.groups):
        rows = weekly[weekly["group"] == group]
        short = rows[rows["shortfall_fte"] > tolerance]
        mine = [i for i, st in enumerate(data.starts) if st.group_index == g]
        first = min(
            (data.starts[i].week + data.starts[i].hire_class.training_weeks for i in mine), default=None
        )
        if len(short):
            early = [int(w) for w in short["week"] if first is None or w < first]
            late = [int(w) for w in short["week"] if first is not None and w >= first]
            cap_h = data.overtime_cap[g] * inputs.settings.paid_hours_per_fte_week
            if early:
                worst = float(short[short["week"].isin(early)]["shortfall_fte"].max())
                why = (
                    "it has no hire class"
                    if first is None
                    else f"no class can be productive before week {first} (lead + training)"
                )
                notes.append(
                    f"{group}: weeks {_ranges(early)} short by up to {worst:.1f} FTE (expected): "
                    f"{why}; overtime is capped at {cap_h:g} h per agent-week."
                )
            if late:

                def can_help(week: int, starts: list[int] = mine) -> bool:
                    """Some class start below its maximum size is productive by ``week``."""
                    return any(
                        solution.hires[i] < data.starts[i].hire_class.max_size
                        and data.starts[i].week + data.starts[i].hire_class.training_weeks <= week
                        for i in starts
                    )

                costly = [w for w in late if can_help(w)]
                capped = [w for w in late if not can_help(w)]
                for weeks, reason in (
                    (capped, "every class that could be productive by then is at its maximum size"),
                    (costly, "one more hire costs more (wages to the horizon, hiring cost) than the "
                             f"shortfall it removes at {data.shortfall_penalty:,.0f} per FTE-week"),
                ):
                    if weeks:
                        worst = float(short[short["week"].isin(weeks)]["shortfall_fte"].max())
                        notes.append(f"{group}: weeks {_ranges(weeks)} still short by up to {worst:.1f} "
                                     f"FTE (expected): {reason}.")
        seat_weeks = [w for (gg, w), v in solution.seat_values.items() if gg == g and v > 1e-6]
        if seat_weeks:
            best = max(v for (gg, _w), v in solution.seat_values.items() if gg == g)
            notes.append(
                f"{group}: the trainer seats bind in weeks {_ranges(seat_weeks)}; one more seat "
                f"would save up to {best:,.0f}."
            )
    for i, value in solution.place_values.items():
        if value > 1e-6:
            st = data.starts[i]
            notes.append(
                f"{data.groups[st.group_index]}: the class '{st.hire_class.name}' of week "
                f"{st.week} is at its maximum size; one more place would save {value:,.0f}."
            )
    for cap_group in inputs.groups:
        if cap_group.max_overtime_hours_per_agent_week > 10:
            notes.append(
                f"{cap_group.group}: the overtime cap of {cap_group.max_overtime_hours_per_agent_week:g} h "
                "per agent-week is high for well-being (more than 10 h a week for months)."
            )
    if solution.solve.status.value == "feasible":
        notes.append(
            f"The hiring plan is within {solution.solve.gap:.1%} of the best possible (time limit reached)."
        )
    return notes


def compare(optimised: CapacitySolution, rule: CapacitySolution, tolerance_fte: float) -> dict[str, Any]:
    """Optimiser vs the rule-based what-if on the same scenarios: cost, weeks short, shortfall."""
    p = optimised.data.weights

    def figures(solution: CapacitySolution) -> dict[str, float]:
        short_weeks = (solution.short > tolerance_fte).any(axis=1).sum(axis=1)  # per scenario
        return {
            "expected_total_cost": float(p @ solution.cost_by_scenario),
            "expected_weeks_short": float(p @ short_weeks),
            "expected_shortfall_fte_weeks": float(p @ solution.short.sum(axis=(1, 2))),
            "hires": float(solution.hires.sum()),
            "classes": float((solution.hires > 0).sum()),
        }

    return {
        "optimised": figures(optimised),
        "rule": figures(rule),
        "rule_description": "hire a class when the projected gap exceeds 5 % in the 12 weeks after "
        "it would be productive",
    }


def plan_text(plan: Any) -> str:
    """The CLI summary of a :class:`planner.capacity.plan.CapacityPlan`."""
    s = plan.summary
    currency = plan.scenario.settings.currency
    lines = [
        f"Capacity plan of '{plan.scenario.name}': {s['weeks']} weeks from "
        f"{plan.inputs.settings.first_week}, {s['scenarios']} scenario(s) — status: {s['status']}"
        + (f" (gap {s['gap']:.2%})" if isinstance(s.get("gap"), float) and math.isfinite(s["gap"]) else ""),
        f"  schedule efficiency: {s['efficiency_source']}",
        f"  people today: {s.get('people_source', 'Headcount sheet')}",
        f"  expected total cost: {s.get('expected_cost_total', math.nan):,.0f} {currency} "
        f"(hiring {s.get('expected_cost_hiring', 0):,.0f}, wages {s.get('expected_cost_wages', 0):,.0f}, "
        f"overtime {s.get('expected_cost_overtime', 0):,.0f}, VTO savings "
        f"{s.get('expected_cost_vto_savings', 0):,.0f})",
    ]
    if "cost_p5" in s:
        lines.append(
            f"  cost spread over scenarios: p5 {s['cost_p5']:,.0f}, p50 {s['cost_p50']:,.0f}, "
            f"p95 {s['cost_p95']:,.0f}, CVaR {s['cost_cvar']:,.0f} {currency}"
        )
    lines.append(
        f"  hires: {s['hires_total']} in {s['classes']} class(es); expected shortfall "
        f"{s['expected_shortfall_fte_weeks']:.1f} FTE-weeks; weeks with P(short) > 10 %: "
        f"{s['weeks_at_risk']}"
    )
    lines.append(
        f"  model: {s['columns']:,} columns ({s['integer_columns']} integer), {s['rows']:,} rows; "
        f"built in {s['build_seconds']:.1f} s, solved in {s['solve_seconds']:.1f} s"
    )
    if len(plan.hiring):
        lines.append("  hiring plan:")
        for _, row in plan.hiring.iterrows():
            lines.append(
                f"    {row['group']:<10} {row['hire_class']:<18} start week {row['start_week']:>3} "
                f"({row['start_date']}), recruit from week {row['recruit_from_week']}, productive "
                f"from week {row['productive_from_week']}: {row['hires']} hire(s)"
            )
    if plan.baseline:
        o, r = plan.baseline["optimised"], plan.baseline["rule"]
        lines.append(
            f"  vs the rule ({plan.baseline['rule_description']}): cost {o['expected_total_cost']:,.0f}"
            f" vs {r['expected_total_cost']:,.0f}; weeks short {o['expected_weeks_short']:.1f} vs "
            f"{r['expected_weeks_short']:.1f}; shortfall {o['expected_shortfall_fte_weeks']:.1f} vs "
            f"{r['expected_shortfall_fte_weeks']:.1f} FTE-weeks"
        )
    lines += [f"  note: {n}" for n in plan.explanations]
    return "\n".join(lines)
