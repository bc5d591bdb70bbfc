"""The explicit set-covering formulation (one column per shift and break placement)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pulp

from planner import shifts as shift_grid
from planner.scheduling.model import _expr
from planner.shifts import TemplatePlan
from planner.types import BreakRule, Settings, ShiftTemplate


def break_chains(plan: TemplatePlan) -> list[tuple[int, ...]]:
    """Every rule-abiding placement of a shift's breaks (offsets per activity, hard breaks only).

    The explicit formulation's patterns; use :func:`planner.shifts.break_combinations` to count
    them without enumerating.
    """
    chains: list[tuple[int, ...]] = [(p,) for p in plan.activities[0].positions] if plan.activities else [()]
    for j in range(1, len(plan.activities)):
        chains = [(*chain, c) for chain in chains for c in plan.activities[j].positions
                  if plan.compatible(j - 1, chain[-1], c)]
    return chains


def build_explicit_group_model(required: np.ndarray, templates: Sequence[ShiftTemplate],
                               break_rules: Sequence[BreakRule], settings: Settings,
                               group: str) -> tuple[pulp.LpProblem, int]:
    """The explicit (set-covering) formulation: one integer column per shift *and* break placement.

    Dantzig (1954): every (template, start, rule-abiding placement of all breaks) is a pattern
    ``z`` covering the intervals it works. Same objective and slacks as :func:`build_group_model`;
    soft breaks are treated as hard, and per-day/per-start bounds are left out (it exists to
    compare sizes and times, see ``benchmarks/bench_scheduling.py``, and to cross-check the
    implicit model's optimum on small instances).

    Returns
    -------
    problem : pulp.LpProblem
    patterns : int
        Number of pattern columns.
    """
    need = np.asarray(required, dtype=float)
    n = need.shape[0]
    plans = shift_grid.template_plans(list(templates), list(break_rules), settings.interval_minutes)
    problem = pulp.LpProblem("explicit_schedule", pulp.LpMinimize)
    rows: list[list[tuple[pulp.LpVariable, float]]] = [[] for _ in range(n)]
    cost: list[tuple[pulp.LpVariable, float]] = []
    patterns = 0
    for t, plan in enumerate(plans):
        starts, _days = shift_grid.candidate_starts(plan.template, settings)
        chains = break_chains(plan)
        shift_cost = plan.paid_hours * plan.template.cost_per_hour
        for s in starts:
            s = int(s)
            for k, chain in enumerate(chains):
                var = problem.add_variable(f"z_{t}_{s}_{k}", 0, None, pulp.LpInteger)
                patterns += 1
                cost.append((var, shift_cost))
                works = np.ones(plan.length, dtype=bool)
                for p, activity in zip(chain, plan.activities, strict=True):
                    works[p:p + activity.duration] = False
                for offset in np.flatnonzero(works):
                    if s + offset < n:
                        rows[s + offset].append((var, 1.0))
    hours = settings.interval_minutes / 60.0
    for i in range(n):
        row = list(rows[i])
        if need[i] > 0:
            short = problem.add_variable(f"short_{i}", 0, float(need[i]))
            row.append((short, 1.0))
            cost.append((short, settings.shortfall_penalty_per_agent_hour * hours))
        over = problem.add_variable(f"over_{i}", 0, None)
        row.append((over, -1.0))
        cost.append((over, settings.overstaff_penalty_per_agent_hour * hours))
        problem.addConstraint(_expr(row) == float(need[i]), f"cover_{i}")
    problem.setObjective(_expr(cost))
    return problem, patterns
