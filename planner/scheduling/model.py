"""The implicit integer program of one staffing group: variables and constraint families."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pulp

from planner import shifts as shift_grid
from planner.scheduling.aggregated import (
    BREAK_FORMULATIONS,
    BreakPool,
    add_break_start_linking,
    add_break_start_variables,
    break_pools,
)
from planner.scheduling.deferred import DEADLINE_MARGIN, DeferredWork
from planner.shifts import TemplatePlan
from planner.types import BreakRule, Settings, ShiftTemplate


@dataclass
class GroupModel:
    """The integer program of one staffing group while it is built and after it is solved.

    Variables are keyed by template index ``t``, start interval ``s``, activity index ``j`` and
    break offset ``p`` (intervals after the shift start); with aggregated breaks
    (:mod:`planner.scheduling.aggregated`) the templates of ``pools`` have break-start variables
    ``b[k, τ]`` (pool, absolute interval) instead, and their ``y`` are filled after the solve.
    """

    group: str
    plans: list[TemplatePlan]
    starts: list[np.ndarray]
    start_days: list[np.ndarray]
    required: np.ndarray
    settings: Settings
    problem: pulp.LpProblem
    x: dict[tuple[int, int], pulp.LpVariable] = field(default_factory=dict)
    y: dict[tuple[int, int, int, int], pulp.LpVariable] = field(default_factory=dict)
    skip: dict[tuple[int, int, int], pulp.LpVariable] = field(default_factory=dict)
    short: dict[int, pulp.LpVariable] = field(default_factory=dict)
    over: dict[int, pulp.LpVariable] = field(default_factory=dict)
    on_shift: dict[int, pulp.LpVariable] = field(default_factory=dict)
    cost_terms: list[tuple[pulp.LpVariable, float]] = field(default_factory=list)
    constraint_counts: dict[str, int] = field(default_factory=dict)
    deferred: DeferredWork | None = None
    done: dict[int, pulp.LpVariable] = field(default_factory=dict)
    work_done: dict[int, pulp.LpVariable] = field(default_factory=dict)
    late: dict[int, pulp.LpVariable] = field(default_factory=dict)
    pools: list[BreakPool] = field(default_factory=list)
    b: dict[tuple[int, int], pulp.LpVariable] = field(default_factory=dict)
    breaks_disaggregated: bool = False

    @property
    def pooled_templates(self) -> frozenset[int]:
        """Templates whose breaks are break-start variables ``b`` (no ``y`` in the problem)."""
        return frozenset(t for pool in self.pools for t in pool.templates)

    @property
    def interval_count(self) -> int:
        return int(self.required.shape[0])

    @property
    def interval_hours(self) -> float:
        return self.settings.interval_minutes / 60.0

    def add(self, family: str, constraint: pulp.LpConstraint) -> None:
        count = self.constraint_counts.get(family, 0)
        self.problem.addConstraint(constraint, f"{family}_{count}")
        self.constraint_counts[family] = count + 1


def _expr(terms: Sequence[tuple[pulp.LpVariable, float]]) -> pulp.LpAffineExpression:
    return pulp.LpAffineExpression(list(terms))


# --------------------------------------------------------------------------------------------
# variables and constraint families
# --------------------------------------------------------------------------------------------
def add_shift_variables(model: GroupModel) -> None:
    """``x[t, s]`` ∈ ℤ≥0 for every candidate start, with its labour cost in the objective.

    Cost of one shift = paid hours (length − unpaid breaks) × ``cost_per_hour``, currency units.
    """
    for t, plan in enumerate(model.plans):
        shift_cost = plan.paid_hours * plan.template.cost_per_hour
        for s in model.starts[t]:
            var = model.problem.add_variable(f"x_{t}_{s}", 0, None, pulp.LpInteger)
            model.x[(t, int(s))] = var
            model.cost_terms.append((var, shift_cost))


def add_break_variables(model: GroupModel) -> None:
    """``y[t, s, j, p]`` ∈ ℤ≥0: shifts ``(t, s)`` taking activity ``j`` at offset ``p``."""
    pooled = model.pooled_templates
    for t, plan in enumerate(model.plans):
        if t in pooled:
            continue
        for s in model.starts[t]:
            for j, activity in enumerate(plan.activities):
                for p in activity.positions:
                    model.y[(t, int(s), j, p)] = model.problem.add_variable(
                        f"y_{t}_{s}_{j}_{p}", 0, None, pulp.LpInteger)


def add_soft_break_skip(model: GroupModel) -> None:
    """``skip[t, s, j]`` ∈ ℤ≥0 for soft activities, costing ``skip_penalty`` each.

    A skipped *unpaid* break is worked and therefore paid: its duration × ``cost_per_hour`` is
    added to the skip cost.
    """
    hours = model.interval_hours
    for t, plan in enumerate(model.plans):
        for j, activity in enumerate(plan.activities):
            if activity.hard:
                continue
            cost = activity.skip_penalty
            if not activity.paid:
                cost += activity.duration * hours * plan.template.cost_per_hour
            for s in model.starts[t]:
                var = model.problem.add_variable(f"skip_{t}_{s}_{j}", 0, None, pulp.LpInteger)
                model.skip[(t, int(s), j)] = var
                model.cost_terms.append((var, cost))


def add_break_window_linking(model: GroupModel) -> None:
    """Every shift takes each break activity once inside its window (or skips a soft one).

    Σ_p y[t, s, j, p] + skip[t, s, j] − x[t, s] = 0 for every (t, s, j) (Aykin 1996, eq. 3).
    Pooled templates are linked by :func:`~planner.scheduling.aggregated.add_break_start_linking`.
    """
    pooled = model.pooled_templates
    for t, plan in enumerate(model.plans):
        if t in pooled:
            continue
        for s in model.starts[t]:
            s = int(s)
            for j, activity in enumerate(plan.activities):
                terms = [(model.y[(t, s, j, p)], 1.0) for p in activity.positions]
                if (t, s, j) in model.skip:
                    terms.append((model.skip[(t, s, j)], 1.0))
                terms.append((model.x[(t, s)], -1.0))
                model.add("link", _expr(terms) == 0)


def _pair_terms(model: GroupModel, t: int, s: int, j: int,
                positions: Sequence[int]) -> list[tuple[pulp.LpVariable, float]]:
    return [(model.y[(t, s, j, p)], 1.0) for p in positions]


def add_stretch_rule(model: GroupModel) -> None:
    """Forward constraints: no more than ``max_work_stretch_minutes`` of work between two breaks.

    For consecutive activities ``j, j+1`` and each start ``a_k`` of ``j``:
    Σ_{a ≤ a_k} y[j, a] ≤ Σ_{c ≤ a_k + d_j + S} y[j+1, c] + skip[j+1]
    (Bechtold & Jacobs 1990 forward constraints, per shift start as in Aykin 1996). Only the
    non-redundant ones are added (the largest ``a_k`` of each distinct right-hand side).
    """
    for t, plan in enumerate(model.plans):
        if plan.stretch is None:
            continue
        for j in range(len(plan.activities) - 1):
            first, second = plan.activities[j].positions, plan.activities[j + 1].positions
            keys: dict[int, int] = {}  # number of j+1 starts on the right -> largest a_k
            for k, a in enumerate(first):
                reach = sum(1 for c in second if c <= plan.latest_next(j, a))
                if reach < len(second):
                    keys[reach] = k
            for reach, k in keys.items():
                for s in model.starts[t]:
                    s = int(s)
                    right = _pair_terms(model, t, s, j + 1, second[:reach])
                    if (t, s, j + 1) in model.skip:
                        right.append((model.skip[(t, s, j + 1)], 1.0))
                    left = _pair_terms(model, t, s, j, first[:k + 1])
                    model.add("stretch", _expr(left) <= _expr(right))


def add_gap_rule(model: GroupModel) -> None:
    """Backward constraints: at least ``min_break_gap_minutes`` between two breaks, in order.

    For consecutive activities ``j, j+1`` and each start ``a_k`` of ``j``:
    Σ_{a ≥ a_k} y[j, a] ≤ Σ_{c ≥ a_k + d_j + G} y[j+1, c] + skip[j+1]
    (Bechtold & Jacobs 1990 backward constraints). With ``G = 0`` this still keeps two breaks of a
    shift from overlapping. Only the non-redundant ones are added.
    """
    for t, plan in enumerate(model.plans):
        for j in range(len(plan.activities) - 1):
            first, second = plan.activities[j].positions, plan.activities[j + 1].positions
            keys: dict[int, int] = {}  # number of j+1 starts excluded on the left -> smallest a_k
            for k in range(len(first) - 1, -1, -1):
                excluded = sum(1 for c in second if c < plan.earliest_next(j, first[k]))
                if excluded > 0:
                    keys[excluded] = k
            for excluded, k in keys.items():
                for s in model.starts[t]:
                    s = int(s)
                    right = _pair_terms(model, t, s, j + 1, second[excluded:])
                    if (t, s, j + 1) in model.skip:
                        right.append((model.skip[(t, s, j + 1)], 1.0))
                    left = _pair_terms(model, t, s, j, first[k:])
                    model.add("gap", _expr(left) <= _expr(right))


def apply_max_agents_per_start(model: GroupModel) -> None:
    """``x[t, s] ≤ max_agents_per_start`` of the template (a variable bound)."""
    for (t, _s), var in model.x.items():
        cap = model.plans[t].template.max_agents_per_start
        if cap is not None:
            var.upBound = cap


def add_agents_per_day(model: GroupModel) -> None:
    """``min_agents_per_day ≤ Σ_{s on day d} x[t, s] ≤ max_agents_per_day`` per template and day.

    A day counts the starts of its own start window (see :mod:`planner.shifts`); only days on which
    the template may start are constrained.
    """
    for t, plan in enumerate(model.plans):
        low, high = plan.template.min_agents_per_day, plan.template.max_agents_per_day
        if low is None and high is None:
            continue
        for day in np.unique(model.start_days[t]):
            on_day = model.starts[t][model.start_days[t] == day]
            total = _expr([(model.x[(t, int(s))], 1.0) for s in on_day])
            if low is not None and low > 0:
                model.add("min_per_day", total >= low)
            if high is not None:
                model.add("max_per_day", total <= high)


def objective_step(costs: Sequence[float]) -> int | None:
    """The largest whole number ``g`` that divides every cost, or None when a cost is not whole.

    Parameters
    ----------
    costs : sequence of float
        Objective coefficients, currency units (zeros are ignored).

    Returns
    -------
    int or None
        ``gcd`` of the costs when each is an integer (to 1e-9), else None.
    """
    step = 0
    for cost in costs:
        if cost == 0:
            continue
        whole = round(cost)
        if abs(cost - whole) > 1e-9:
            return None
        step = math.gcd(step, abs(int(whole)))
    return step or None


def add_shortfall_slack(model: GroupModel) -> None:
    """``short[i]`` (≤ required) and ``over[i]`` ≥ 0 per interval, priced per agent-hour.

    The shortfall slack makes the model feasible for any requirement; its price
    (``shortfall_penalty_per_agent_hour``) should be well above labour cost so that it is only used
    where no shift can cover.

    When every other cost of the model (shifts, skipped breaks, over-staffing) is a whole multiple
    of one step ``g`` (:func:`objective_step`, e.g. costs in whole currency units per shift), the
    shortfall price of an agent-interval is rounded *up* to a multiple of ``g`` too — less than ``g``
    more, a penalty that is a choice of the planner anyway. Every solution's objective is then a
    multiple of ``g`` (the short and over counts are whole in every schedule), so the solver may
    round its bound up to the next multiple (objective integrality: HiGHS detects it, Achterberg
    2007, *Constraint Integer Programming*, §8.6 "objective propagation"): on pyworkforce's 15-minute
    day with breaks, shift costs in multiples of 8 and an LP bound of 913.3 prove 920 at the root.
    """
    hours = model.interval_hours
    short_cost = model.settings.shortfall_penalty_per_agent_hour * hours
    over_cost = model.settings.overstaff_penalty_per_agent_hour * hours
    step = objective_step([c for _, c in model.cost_terms] + [over_cost])
    if step is not None and short_cost > 0:
        short_cost = math.ceil(short_cost / step - 1e-9) * step
    for i in range(model.interval_count):
        need = float(model.required[i])
        if need > 0:
            var = model.problem.add_variable(f"short_{i}", 0, need)
            model.short[i] = var
            model.cost_terms.append((var, short_cost))
        over = model.problem.add_variable(f"over_{i}", 0, None)
        model.over[i] = over
        if over_cost:
            model.cost_terms.append((over, over_cost))


def coverage_terms(model: GroupModel) -> list[list[tuple[pulp.LpVariable, float]]]:
    """Per interval, the (variable, ±1) terms of the agents working in it (on shift, not on break).

    Shifts running past the horizon end cover only inside the horizon.
    """
    n = model.interval_count
    terms: list[list[tuple[pulp.LpVariable, float]]] = [[] for _ in range(n)]
    for (t, s), var in model.x.items():
        for i in range(s, min(s + model.plans[t].length, n)):
            terms[i].append((var, 1.0))
    for (t, s, j, p), var in model.y.items():
        start = s + p
        for i in range(start, min(start + model.plans[t].activities[j].duration, n)):
            terms[i].append((var, -1.0))
    for (k, tau), var in model.b.items():
        for i in range(tau, min(tau + model.pools[k].duration, n)):
            terms[i].append((var, -1.0))
    return terms


def add_agents_on_shift(model: GroupModel) -> None:
    """``on_shift[i]`` ∈ ℤ≥0 = Σ shifts covering interval ``i`` (a branching aid).

    The count is integral in every schedule anyway; declaring it lets the solver branch on and
    cut with the number of agents on shift per interval rather than on single shift starts, which
    finds better schedules when breaks make the LP relaxation weak (flat requirements).
    """
    n = model.interval_count
    terms: list[list[tuple[pulp.LpVariable, float]]] = [[] for _ in range(n)]
    for (t, s), var in model.x.items():
        for i in range(s, min(s + model.plans[t].length, n)):
            terms[i].append((var, 1.0))
    for i, row in enumerate(terms):
        if row:
            count = model.problem.add_variable(f"on_shift_{i}", 0, None, pulp.LpInteger)
            model.on_shift[i] = count
            model.add("on_shift", _expr([*row, (count, -1.0)]) == 0)


def add_coverage(model: GroupModel) -> None:
    """Σ on shift − Σ on break + short − over = required, for every interval.

    Needs :func:`add_shortfall_slack` first. ``working − required = over − short``.
    """
    for i, terms in enumerate(coverage_terms(model)):
        row = list(terms)
        if i in model.short:
            row.append((model.short[i], 1.0))
        row.append((model.over[i], -1.0))
        model.add("cover", _expr(row) == float(model.required[i]))


def add_deferred_work_flow(model: GroupModel, block: int = 1) -> None:
    """Deferred work done between its arrival and its deadline (replaces coverage for email).

    Per interval ``t``, in agent-intervals of net work (see the module docstring):
    ``0 ≤ done[t] ≤ (1 − shrinkage_t) × working_t`` (0 while closed);
    ``work_done[t] = work_done[t−1] + done[t] ≤ Σ_{τ≤t} arrived_τ``;
    ``work_done[t] + late[t] ≥ Σ_{τ≤t} due_τ`` (+ :data:`DEADLINE_MARGIN`, capped at the work arrived),
    ``late[t]`` ≥ 0 priced ``shortfall_penalty_per_agent_hour × interval hours / (1 − shrinkage_t)``.
    The cumulative (flow) form of due-date scheduling with release times (cumulative arrival,
    service and deadline curves, as in :func:`planner.staffing.deferred_staffing`); earliest
    deadline first is optimal for such fluid work, and FIFO is EDF here since deadlines follow
    arrivals. Needs ``model.deferred``.

    With ``block`` > 1 the same rows are written on blocks of ``block`` consecutive intervals
    (:func:`_add_block_flow`): capacity summed over the block, arrival and deadline rows at the
    block's last interval only. Every per-interval solution gives a block solution of no greater
    cost (sum its ``done`` over each block; the block rows are sums or a subset of the interval
    rows, and its lateness is one of the interval terms), so the block model is a *relaxation*: its
    bound is a valid bound of the exact model, and its schedules must be checked against the exact
    flow (:mod:`planner.roster.solve` places them in the exact model).
    """
    if block < 1:
        raise ValueError(f"block must be ≥ 1 interval, got {block}")
    work = model.deferred
    if work is None:
        raise ValueError(f"group {model.group!r} has no deferred work to schedule")
    n = model.interval_count
    if np.asarray(work.arrived).shape != (n,):
        raise ValueError(f"deferred work must have one value per interval ({n}), "
                         f"got {np.asarray(work.arrived).shape[0]}")
    arrived = np.cumsum(np.asarray(work.arrived, dtype=float))
    due = np.cumsum(np.asarray(work.due, dtype=float))
    net = 1.0 - np.asarray(work.shrinkage, dtype=float)
    is_open = np.asarray(work.is_open, dtype=bool)
    penalty = model.settings.shortfall_penalty_per_agent_hour * model.interval_hours
    terms = coverage_terms(model)
    if block > 1:
        _add_block_flow(model, block, arrived, due, net, is_open, penalty, terms)
        return
    previous: pulp.LpVariable | None = None
    for t in range(n):
        can_work = bool(is_open[t]) and bool(terms[t])
        done = model.problem.add_variable(f"done_{t}", 0, None if can_work else 0)
        cumulative = model.problem.add_variable(f"work_done_{t}", 0, float(arrived[t]))
        model.done[t], model.work_done[t] = done, cumulative
        balance = [(cumulative, 1.0), (done, -1.0)]
        if previous is not None:
            balance.append((previous, -1.0))
        model.add("work_balance", _expr(balance) == 0)
        if can_work:
            model.add("work_capacity", _expr([(done, 1.0), *((v, -c * net[t]) for v, c in terms[t])]) <= 0)
        if due[t] > DEADLINE_MARGIN:
            need = min(float(due[t]) + DEADLINE_MARGIN, float(arrived[t]))
            late = model.problem.add_variable(f"late_{t}", 0, need)
            model.late[t] = late
            model.cost_terms.append((late, penalty / net[t]))
            model.add("deadline", _expr([(cumulative, 1.0), (late, 1.0)]) >= need)
        previous = cumulative


def _add_block_flow(model: GroupModel, block: int, arrived: np.ndarray, due: np.ndarray,
                    net: np.ndarray, is_open: np.ndarray, penalty: float,
                    terms: list[list[tuple[pulp.LpVariable, float]]]) -> None:
    """The flow of :func:`add_deferred_work_flow` on blocks of ``block`` intervals (a relaxation).

    Block ``b`` covers intervals ``[b·block, (b+1)·block)``: ``done[b] ≤ Σ_{t ∈ b, open}
    (1 − shrinkage_t) × working_t``; ``work_done[b] ≤ Σ arrived`` and ``work_done[b] + late[b] ≥
    Σ due`` up to the block's last interval; ``late[b]`` priced as one interval at the block's
    largest ``1 − shrinkage`` (at most the exact model's lateness cost of the same backlog).
    """
    n = model.interval_count
    previous: pulp.LpVariable | None = None
    for b, first in enumerate(range(0, n, block)):
        last = min(first + block, n) - 1
        capacity: dict[pulp.LpVariable, float] = {}
        for t in range(first, last + 1):
            if is_open[t]:
                for v, c in terms[t]:
                    capacity[v] = capacity.get(v, 0.0) + c * net[t]
        can_work = bool(capacity)
        done = model.problem.add_variable(f"done_{b}", 0, None if can_work else 0)
        cumulative = model.problem.add_variable(f"work_done_{b}", 0, float(arrived[last]))
        model.done[b], model.work_done[b] = done, cumulative
        balance = [(cumulative, 1.0), (done, -1.0)]
        if previous is not None:
            balance.append((previous, -1.0))
        model.add("work_balance", _expr(balance) == 0)
        if can_work:
            model.add("work_capacity", _expr([(done, 1.0), *((v, -c) for v, c in capacity.items())]) <= 0)
        if due[last] > DEADLINE_MARGIN:
            need = min(float(due[last]) + DEADLINE_MARGIN, float(arrived[last]))
            late = model.problem.add_variable(f"late_{b}", 0, need)
            model.late[b] = late
            model.cost_terms.append((late, penalty / float(net[first:last + 1].max())))
            model.add("deadline", _expr([(cumulative, 1.0), (late, 1.0)]) >= need)
        previous = cumulative


def set_objective(model: GroupModel) -> None:
    """Minimise labour cost + shortfall + over-staffing + skipped-break penalties."""
    model.problem.setObjective(_expr(model.cost_terms))


def build_group_model(required: np.ndarray, templates: Sequence[ShiftTemplate],
                      break_rules: Sequence[BreakRule], settings: Settings, group: str, *,
                      deferred: DeferredWork | None = None,
                      window: tuple[int, int] | None = None, branching_aid: bool = True,
                      deferred_block: int = 1, breaks: str = "per_shift") -> GroupModel:
    """Build the integer program of one staffing group (every family above).

    Parameters
    ----------
    required : numpy.ndarray of int, shape (settings.interval_count,)
        Agents that must be working in each interval of the horizon (with ``deferred``: for
        reference only, not a constraint).
    templates, break_rules : the group's shift templates and their break rules.
    settings : Settings
    group : str
    deferred : DeferredWork, optional
        Deferred (email) work: schedule against cumulative work and deadlines
        (:func:`add_deferred_work_flow`) instead of per-interval coverage.
    window : (first, end), optional
        Model only the intervals ``first ≤ i < end`` of the horizon (``required`` and ``deferred``
        are then those of the window) and the shifts starting in it, re-indexed from ``first``
        (see :func:`independent_parts`).
    branching_aid : bool
        Add the integer on-shift counts of :func:`add_agents_on_shift` (default). The tour model
        leaves them out: its first phase relaxes them anyway (:mod:`planner.roster.solve`).
    breaks : {"per_shift", "aggregated"}
        ``"per_shift"``: break variables per (template, start, activity, offset) (Aykin 1996).
        ``"aggregated"``: templates with one hard break share break-start variables per pool and
        interval (Bechtold & Jacobs 1990) where that is exact
        (:func:`~planner.scheduling.aggregated.break_pools`), per shift elsewhere; their per-shift
        breaks are assigned after the solve
        (:func:`~planner.scheduling.aggregated.disaggregate_breaks`, called by the expansion).
    """
    if breaks not in BREAK_FORMULATIONS:
        raise ValueError(f"breaks must be one of {BREAK_FORMULATIONS}, got {breaks!r}")
    plans = shift_grid.template_plans(list(templates), list(break_rules), settings.interval_minutes)
    starts, days = [], []
    for plan in plans:
        s, d = shift_grid.candidate_starts(plan.template, settings)
        if window is not None:
            inside = (s >= window[0]) & (s < window[1])
            s, d = s[inside] - window[0], d[inside]
        starts.append(s)
        days.append(d)
    problem = pulp.LpProblem(f"schedule_{''.join(ch if ch.isalnum() else '_' for ch in group)}",
                             pulp.LpMinimize)
    model = GroupModel(group=group, plans=plans, starts=starts, start_days=days,
                       required=np.asarray(required, dtype=float), settings=settings, problem=problem,
                       deferred=deferred)
    add_shift_variables(model)
    apply_max_agents_per_start(model)
    if breaks == "aggregated":
        model.pools = break_pools(plans, starts)
        add_break_start_variables(model)
        add_break_start_linking(model)
    add_break_variables(model)
    add_soft_break_skip(model)
    add_break_window_linking(model)
    add_stretch_rule(model)
    add_gap_rule(model)
    add_agents_per_day(model)
    if deferred is None:
        add_shortfall_slack(model)
        if branching_aid:
            add_agents_on_shift(model)
        add_coverage(model)
    else:
        if branching_aid:
            add_agents_on_shift(model)
        add_deferred_work_flow(model, deferred_block)
    set_objective(model)
    return model



def model_size(model: GroupModel) -> dict[str, int]:
    """Variables, integer variables and constraints of a built model."""
    variables = model.problem.variables()
    return {"variables": len(variables),
            "integer_variables": sum(1 for v in variables if v.cat == pulp.LpInteger),
            "constraints": sum(model.constraint_counts.values())}


# --------------------------------------------------------------------------------------------
# after the solve
# --------------------------------------------------------------------------------------------
def _count(var: pulp.LpVariable | None) -> int:
    if var is None or var.varValue is None:
        return 0
    return max(0, round(var.varValue))
