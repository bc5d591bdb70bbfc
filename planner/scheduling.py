"""Shift scheduling with breaks: a covering integer program and its expansion into agents.

The model (one per staffing group — an agent belongs to one group, so groups are independent)
---------------------------------------------------------------------------------------------
Shift scheduling is a covering integer program (Dantzig 1954). Enumerating every shift with every
placement of its breaks as a separate pattern explodes; we use the *implicit* break formulation
in Aykin's per-shift form (Aykin 1996, "Optimal shift scheduling with multiple break windows",
Management Science 42(4)), with Bechtold & Jacobs' forward/backward linking (Bechtold & Jacobs
1990, Management Science 36(11)) between consecutive breaks of a shift:

* ``x[t, s]`` ∈ ℤ≥0 — shifts of template ``t`` starting at interval ``s``;
* ``y[t, s, j, p]`` ∈ ℤ≥0 — of those, how many take break activity ``j`` at ``s + p``
  (``p`` one of the activity's allowed offsets, see :func:`planner.shifts.template_plan`);
* ``skip[t, s, j]`` ∈ ℤ≥0 — of those, how many skip a *soft* activity ``j``;
* ``short[i], over[i]`` ≥ 0 — agents below / above the requirement in interval ``i``.

Constraint families (one named function each, each tested on a tiny instance):

* :func:`add_coverage` — Σ on shift − Σ on break + short − over = required, per interval;
* :func:`add_break_window_linking` — Σ_p y[t,s,j,p] + skip[t,s,j] = x[t,s]: every shift takes each
  break once, inside its window;
* :func:`add_soft_break_skip` — the skip variables of soft breaks and their penalty;
* :func:`add_stretch_rule` — forward constraints between consecutive breaks j, j+1 of a shift:
  Σ_{a ≤ a_k} y[j,a] ≤ Σ_{c ≤ a_k + d_j + S} y[j+1,c] (+ skip of j+1): every break j at or before
  ``a_k`` can be followed by a break j+1 within the work stretch ``S``;
* :func:`add_gap_rule` — backward constraints: Σ_{a ≥ a_k} y[j,a] ≤ Σ_{c ≥ a_k + d_j + G} y[j+1,c]
  (+ skip of j+1): every break j at or after ``a_k`` has a later break j+1 at least the gap ``G``
  after its end;
* :func:`apply_max_agents_per_start` — upper bound of ``x``;
* :func:`add_agents_per_day` — min/max shifts of a template starting on one day;
* :func:`add_shortfall_slack` — the ``short`` / ``over`` slacks that keep the model always feasible;
* :func:`add_deferred_work_flow` — deferred (email) groups only, *instead of* coverage and its
  slacks: cumulative work done against cumulative work arrived and due (see below).

Why the forward/backward constraints suffice: a break ``j`` at ``a`` fits a break ``j+1`` at ``c``
iff ``lo(a) ≤ c ≤ hi(a)`` with both ends non-decreasing in ``a``. In such a convex bipartite
graph Hall's condition needs checking only on contiguous ranges of starts (Glover 1967, "Maximum
matching in a convex bipartite graph", Naval Res. Logist. Q. 14), and with equal totals (every
shift takes both breaks) a range condition is the difference of one prefix (stretch) and one
suffix (gap) condition — exactly these two families. So when every break is hard, the solved
counts *always* admit a per-agent assignment keeping both rules, and :func:`expand_schedule` finds
one greedily (earliest compatible partner first, optimal for this structure). The first
stretch (shift start → first break) and the last (last break → shift end) are enforced by
removing the break starts that violate them from the windows. With *soft* breaks a skipped break
is a wildcard in these constraints; they are then necessary but not always sufficient, and a rare
leftover conflict is reported in the well-being table (``rule_ok`` False) rather than hidden.

The well-being rules ``max_work_stretch_minutes`` and ``min_break_gap_minutes`` are hard when
given; a break rule may be soft (``hard=False``), priced by ``skip_penalty``.

Objective: labour cost (paid hours × ``cost_per_hour``; unpaid breaks not paid, a skipped unpaid
break paid) + ``shortfall_penalty_per_agent_hour`` × short agent-hours +
``overstaff_penalty_per_agent_hour`` × over agent-hours + ``skip_penalty`` per skipped soft break.

Deferred work (email) is scheduled against work and deadlines, not per-interval coverage
-----------------------------------------------------------------------------------------
An e-mail does not need an agent in the interval staffing happens to place it; it needs answering
before its deadline. WFM practice plans deferred work (e-mail, back office) by workload and
response-time target with the backlog carried across intervals, not by an Erlang-style
per-interval requirement (Koole, *Call Center Optimization*, 2013, ch. on e-mail and other
deferred work; Cleveland, *Call Center Management on Fast Forward*, 3rd ed., 2012, on
"deferred" contacts). Covering staffing's levelled curve interval by interval *with breaks* both
over-constrains the plan (a break hole in one interval is fine when the work can wait 15 minutes)
and gives a weak LP bound on a flat curve. So for an email group the model uses the cumulative
(flow) formulation of scheduling work with release times and due dates — work is a fluid that
may be done any time between its arrival and its deadline, the cumulative-curve view of
Yao, Demers & Shenker (1995) and of network-calculus arrival/service curves, used by
:func:`planner.staffing.deferred_staffing` as *A(t)*, *D(t)*, *C(t)*. Per interval ``t``, in
agent-intervals of net work (one net agent clears ``interval × max_occupancy`` of work per
interval — staffing's ``cap``; ``a_t``/``d_t`` are ``work_arrived_agent_intervals`` /
``work_due_agent_intervals`` from :func:`planner.staffing.requirements`):

* ``done[t]`` ≥ 0, 0 while the channel is closed, and ``done[t] ≤ (1 − shrinkage_t) × working_t``
  (working = on shift − on break, the coverage expression);
* ``work_done[t] = work_done[t−1] + done[t]`` with ``work_done[t] ≤ Σ_{τ≤t} a_τ`` (a variable bound:
  no work before it arrives);
* ``work_done[t] + late[t] ≥ Σ_{τ≤t} d_τ``, ``late[t]`` ≥ 0: work overdue at the end of ``t``, priced
  like the coverage shortfall, ``shortfall_penalty_per_agent_hour × interval hours / (1 − shrinkage)``
  per agent-interval of overdue net work per interval.

There are no per-interval ``short`` / ``over`` slacks for such a group. Because deadlines are in
arrival order, first-in first-out is earliest-deadline-first, so any schedule meeting these rows
also meets every deadline when the work is done FIFO — which is how the result is checked: the
``short`` column of the coverage frame for an email group is recomputed from the *expanded*
schedule (:func:`deferred_lateness`, FIFO at ``working × (1 − shrinkage)``, the same re-simulation
as :func:`planner.staffing.kpis_at`): the overdue work at each interval's end, in scheduled
agents (rounded up); ``required`` stays staffing's ``required_scheduled``, for reference.

Independent parts of the horizon
--------------------------------
Any group's horizon falls apart where no shift can cross (day shifts that never run past
midnight; for deferred work, also no work that could be done on both sides): :func:`independent_parts`
finds those cuts and each part is its own small model, solved one after another with a share of
the time limit in proportion to its integer columns (exact for coverage; for deferred work exact
when no work is late at a cut). On the week sample that is seven day-models of ~1 800 integer
columns per group instead of one of ~12 700, on which :mod:`planner.solver` runs a full
branch-and-bound from its LP + RENS start (the week as one model only gets the start).

After a time-limited solve, :func:`repair_shortfall` adds single shifts (with a rule-abiding
break placement) to a coverage model while one costs less than the shortfall it removes — a
short budget's incumbent can leave such holes, above all under a hard-coverage penalty.

Breaks and shrinkage are not counted twice
-----------------------------------------
``required_scheduled`` from :mod:`planner.staffing` is the number of agents that must be *working*
(on shift and not on a modelled break). Shrinkage inflates net agents only for what is *not*
modelled here (absence, training, meetings); breaks and lunches are placed by this model and
subtracted from coverage explicitly, so they are not part of the shrinkage factor.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import pulp

from planner import shifts as shift_grid
from planner.shifts import TemplatePlan
from planner.solver import SolveResult, SolveStatus, combine, relative_gap, solve
from planner.types import WEEKDAY_NAMES, BreakRule, Scenario, Settings, ShiftTemplate

ProgressCallback = Callable[[float, str], None]
_DEFERRED_COLUMNS = frozenset({"kind", "work_arrived_agent_intervals", "work_due_agent_intervals",
                               "shrinkage", "is_open"})

SHIFT_COLUMNS = ("agent", "group", "template", "start", "end", "paid_hours", "cost")
ACTIVITY_COLUMNS = ("agent", "group", "activity", "start", "end", "paid")
COVERAGE_COLUMNS = ("interval_start", "group", "required", "on_shift", "on_break", "working", "short",
                    "over")
DEADLINE_MARGIN = 1e-6
"""Agent-intervals of net work added to each deadline row so that solver tolerances never turn a
plan the model calls on time into a late one in the FIFO re-simulation."""
WELLBEING_COLUMNS = ("agent", "group", "template", "breaks_taken", "breaks_required",
                     "longest_stretch_minutes", "max_stretch_allowed_minutes", "min_gap_minutes",
                     "rule_ok")


@dataclass(frozen=True)
class ScheduleResult:
    """A solved schedule (see ``/work/contracts.md``); all times naive local Timestamps."""

    solve: SolveResult
    per_group: dict[str, SolveResult]
    shifts: pd.DataFrame
    activities: pd.DataFrame
    coverage: pd.DataFrame
    wellbeing: pd.DataFrame
    explanations: list[str]
    model_size: dict[str, int]


@dataclass(frozen=True)
class DeferredWork:
    """Deferred (email) work of one group per interval of the horizon.

    Attributes
    ----------
    arrived : numpy.ndarray, shape (T,)
        Work arriving in each interval, agent-intervals of net work (``work_arrived_agent_intervals``).
    due : numpy.ndarray, shape (T,)
        Work whose deadline falls at the end of each interval, same units
        (``work_due_agent_intervals``; work due after the horizon is not included).
    shrinkage : numpy.ndarray, shape (T,)
        Share of working time lost to what breaks do not model, [0, 1).
    is_open : numpy.ndarray of bool, shape (T,)
        Whether agents may work the channel in the interval.
    """

    arrived: np.ndarray
    due: np.ndarray
    shrinkage: np.ndarray
    is_open: np.ndarray

    def __post_init__(self) -> None:
        lengths = {np.asarray(v).shape for v in (self.arrived, self.due, self.shrinkage, self.is_open)}
        if len(lengths) != 1 or len(next(iter(lengths))) != 1:
            raise ValueError(f"deferred work arrays must be 1-D of one length, got shapes {sorted(lengths)}")
        for name in ("arrived", "due"):
            values = np.asarray(getattr(self, name), dtype=float)
            if not np.all(np.isfinite(values)) or (values < 0).any():
                raise ValueError(f"deferred work {name} must be finite agent-intervals ≥ 0")
        shrink = np.asarray(self.shrinkage, dtype=float)
        if not np.all((shrink >= 0) & (shrink < 1)):
            raise ValueError("deferred work shrinkage must be in [0, 1)")
        if float(np.sum(self.due)) > float(np.sum(self.arrived)) * (1 + 1e-9) + 1e-9:
            raise ValueError("deferred work due exceeds the work arrived")

    @classmethod
    def from_requirements(cls, rows: pd.DataFrame, interval_starts: pd.DatetimeIndex) -> DeferredWork:
        """From one email group's rows of :func:`planner.staffing.requirements`, aligned to the horizon."""
        frame = rows.set_index(pd.DatetimeIndex(rows["interval_start"])).reindex(interval_starts)
        return cls(
            arrived=frame["work_arrived_agent_intervals"].fillna(0.0).to_numpy(dtype=float),
            due=frame["work_due_agent_intervals"].fillna(0.0).to_numpy(dtype=float),
            shrinkage=frame["shrinkage"].fillna(0.0).to_numpy(dtype=float),
            is_open=frame["is_open"].eq(True).to_numpy(dtype=bool))


@dataclass
class GroupModel:
    """The integer program of one staffing group while it is built and after it is solved.

    Variables are keyed by template index ``t``, start interval ``s``, activity index ``j`` and
    break offset ``p`` (intervals after the shift start).
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
    for t, plan in enumerate(model.plans):
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
    """
    for t, plan in enumerate(model.plans):
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


def add_shortfall_slack(model: GroupModel) -> None:
    """``short[i]`` (≤ required) and ``over[i]`` ≥ 0 per interval, priced per agent-hour.

    The shortfall slack makes the model feasible for any requirement; its price
    (``shortfall_penalty_per_agent_hour``) should be well above labour cost so that it is only used
    where no shift can cover.
    """
    hours = model.interval_hours
    short_cost = model.settings.shortfall_penalty_per_agent_hour * hours
    over_cost = model.settings.overstaff_penalty_per_agent_hour * hours
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


def add_deferred_work_flow(model: GroupModel) -> None:
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
    """
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


def set_objective(model: GroupModel) -> None:
    """Minimise labour cost + shortfall + over-staffing + skipped-break penalties."""
    model.problem.setObjective(_expr(model.cost_terms))


def build_group_model(required: np.ndarray, templates: Sequence[ShiftTemplate],
                      break_rules: Sequence[BreakRule], settings: Settings, group: str, *,
                      deferred: DeferredWork | None = None,
                      window: tuple[int, int] | None = None) -> GroupModel:
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
    """
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
    add_break_variables(model)
    add_soft_break_skip(model)
    add_break_window_linking(model)
    add_stretch_rule(model)
    add_gap_rule(model)
    add_agents_per_day(model)
    if deferred is None:
        add_shortfall_slack(model)
        add_agents_on_shift(model)
        add_coverage(model)
    else:
        add_agents_on_shift(model)
        add_deferred_work_flow(model)
    set_objective(model)
    return model


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


def working_from_solution(model: GroupModel) -> np.ndarray:
    """Agents working per interval of a solved model (on shift − on break), from the rounded counts."""
    n = model.interval_count
    working = np.zeros(n + 1, dtype=np.int64)
    for (t, s), var in model.x.items():
        count = _count(var)
        if count:
            working[s] += count
            working[min(s + model.plans[t].length, n)] -= count
    for (t, s, j, p), var in model.y.items():
        count = _count(var)
        if count:
            working[min(s + p, n)] -= count
            working[min(s + p + model.plans[t].activities[j].duration, n)] += count
    return np.cumsum(working)[:n]


def repair_shortfall(model: GroupModel) -> int:
    """Add single shifts to a solved coverage model while one lowers the objective; return how many.

    A time-limited solve can stop at an incumbent that leaves an interval short although one more
    shift would cost less than the shortfall it removes (typical with a hard-coverage penalty
    and a short budget). This local search takes, repeatedly, the candidate (template, start) and
    rule-abiding break placement (:func:`break_chains`) whose addition lowers labour + shortfall +
    over-staffing cost most: Δ = shift cost + Σ over its working intervals of (−shortfall price if
    the interval is short, else +over-staffing price). Per-start and per-day maxima are kept; the
    break-linking, stretch and gap constraints stay satisfied because the added shift's breaks form
    a compatible chain (each constraint gains as much on its right side as on its left). The
    variable values are updated in place (shifts, breaks, on-shift counts, slacks), so
    :func:`expand_schedule` and ``pulp.value(problem.objective)`` see the repaired schedule.
    Deferred (work-and-deadline) models are left alone.
    """
    if model.deferred is not None or not model.short:
        return 0
    hours = model.interval_hours
    short_price = model.settings.shortfall_penalty_per_agent_hour * hours
    over_price = model.settings.overstaff_penalty_per_agent_hour * hours
    n = model.interval_count
    need = np.asarray(model.required, dtype=np.int64)
    working = working_from_solution(model)
    chains = []
    for plan in model.plans:
        placements = break_chains(plan)
        chains.append(np.asarray(placements, dtype=np.int64).reshape(len(placements), len(plan.activities)))
    masks: list[np.ndarray] = []  # per template: chains × shift intervals, True where working
    for plan, placed in zip(model.plans, chains, strict=True):
        mask = np.ones((len(placed), plan.length), dtype=bool)
        for j, activity in enumerate(plan.activities):
            for k, offset in enumerate(placed[:, j]):
                mask[k, offset:offset + activity.duration] = False
        masks.append(mask)
    added = 0
    while True:
        short = need > working
        if not short.any():
            break
        value = np.where(short, -short_price, over_price)
        best: tuple[float, int, int, int] | None = None  # (Δ objective, template, start, chain)
        for t, plan in enumerate(model.plans):
            if not len(chains[t]):
                continue
            shift_cost = plan.paid_hours * plan.template.cost_per_hour
            cap_day = plan.template.max_agents_per_day
            for s in model.starts[t]:
                s = int(s)
                end = min(s + plan.length, n)
                if not short[s:end].any():
                    continue
                var = model.x[(t, s)]
                if var.upBound is not None and _count(var) + 1 > var.upBound:
                    continue
                if cap_day is not None:
                    day = model.start_days[t][np.searchsorted(model.starts[t], s)]
                    on_day = model.starts[t][model.start_days[t] == day]
                    if sum(_count(model.x[(t, int(q))]) for q in on_day) + 1 > cap_day:
                        continue
                gains = masks[t][:, :end - s] @ value[s:end]
                k = int(np.argmin(gains))
                delta = shift_cost + float(gains[k])
                if delta < -1e-9 and (best is None or delta < best[0]):
                    best = (delta, t, s, k)
        if best is None:
            break
        _, t, s, k = best
        plan = model.plans[t]
        model.x[(t, s)].varValue = _count(model.x[(t, s)]) + 1
        for j, offset in enumerate(chains[t][k]):
            var = model.y[(t, s, j, int(offset))]
            var.varValue = _count(var) + 1
        end = min(s + plan.length, n)
        working[s:end] += masks[t][k, :end - s]
        for i in range(s, end):
            if i in model.on_shift:
                model.on_shift[i].varValue = _count(model.on_shift[i]) + 1
        added += 1
    for i in range(n if added else 0):
        if i in model.short:
            model.short[i].varValue = float(max(need[i] - working[i], 0))
        model.over[i].varValue = float(max(working[i] - need[i], 0))
    return added


def _match(plan: TemplatePlan, j: int, first: list[int | None],
           second: list[int | None]) -> list[int]:
    """Pair the units of activity ``j`` with those of ``j + 1`` keeping both rules.

    ``first`` / ``second`` are break offsets (None = skipped). Greedy in order of ``first``: each
    taken break gets the earliest free compatible break of ``j + 1`` (optimal for doubly monotone
    compatibility, Glover 1967), else a skipped one; skipped units take what is left.

    Returns
    -------
    list of int
        ``order[k]`` = index into ``second`` paired with ``first[k]``.
    """
    free = sorted(range(len(second)), key=lambda i: (second[i] is None, second[i] or 0))
    order = [-1] * len(first)
    ranked = sorted(range(len(first)), key=lambda k: (first[k] is None, first[k] or 0))
    for k in ranked:
        a = first[k]
        if a is None:
            continue
        pick = next((i for i in free if second[i] is not None and plan.compatible(j, a, second[i])), None)
        if pick is None:
            pick = next((i for i in free if second[i] is None), None)
        if pick is None:  # only with soft breaks: keep order at least
            pick = next((i for i in free if second[i] is not None and second[i] >= plan.earliest_next(j, a)),
                        free[0])
        free.remove(pick)
        order[k] = pick
    for k in ranked:
        if order[k] < 0:
            order[k] = free.pop(0)
    return order


def agent_breaks(plan: TemplatePlan, counts: list[dict[int, int]], skips: list[int],
                 agents: int) -> list[list[int | None]]:
    """Concrete break offsets for ``agents`` shifts of one (template, start) from solved counts.

    Parameters
    ----------
    counts : list of dict
        Per activity, ``{offset: number of shifts taking it there}``.
    skips : list of int
        Per activity, number of shifts skipping it.

    Returns
    -------
    list of list
        Per agent, per activity, the break offset (intervals after shift start) or None (skipped).
        The multiset per activity equals the solved counts.
    """
    if not plan.activities:
        return [[] for _ in range(agents)]
    units: list[list[int | None]] = []
    for j in range(len(plan.activities)):
        column: list[int | None] = [p for p, n in sorted(counts[j].items()) for _ in range(n)]
        column += [None] * skips[j]
        if len(column) != agents:  # rounding noise of a non-integral solution: pad or trim
            column = (column + [None] * agents)[:agents]
        units.append(column)
    rows: list[list[int | None]] = [[units[0][k]] for k in range(agents)]
    for j in range(len(plan.activities) - 1):
        previous = [row[-1] for row in rows]
        order = _match(plan, j, previous, units[j + 1])
        for k, row in enumerate(rows):
            row.append(units[j + 1][order[k]])
    return rows


def _wellbeing_row(plan: TemplatePlan, offsets: list[int | None]) -> tuple[int, int, float, float, bool]:
    """Breaks taken, breaks required, longest work stretch (min), least gap (min), rules kept."""
    minutes = plan.interval_minutes
    taken = [(p, a.duration) for p, a in zip(offsets, plan.activities, strict=True) if p is not None]
    cursor, longest, gaps = 0, 0, []
    for k, (p, d) in enumerate(taken):
        longest = max(longest, p - cursor)
        if k:
            gaps.append(p - cursor)
        cursor = p + d
    longest = max(longest, plan.length - cursor)
    longest_minutes = float(longest * minutes)
    gap_minutes = float(min(gaps) * minutes) if gaps else math.nan
    ok = all(p is not None for p, a in zip(offsets, plan.activities, strict=True) if a.hard)
    ok = ok and all(p is None or p in a.positions for p, a in zip(offsets, plan.activities, strict=True))
    if plan.template.max_work_stretch_minutes is not None:
        ok = ok and longest_minutes <= plan.template.max_work_stretch_minutes
    if gaps:
        ok = ok and min(gaps) >= 0 and gap_minutes >= plan.template.min_break_gap_minutes
    return len(taken), len(plan.activities), longest_minutes, gap_minutes, bool(ok)


def expand_schedule(model: GroupModel, interval_starts: pd.DatetimeIndex,
                    first_agent: int = 1) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Individual agents (Agent 001 …) with concrete break times, from the solved counts.

    Returns
    -------
    shifts, activities, wellbeing : pandas.DataFrame
        Columns :data:`SHIFT_COLUMNS`, :data:`ACTIVITY_COLUMNS`, :data:`WELLBEING_COLUMNS`.
    """
    step = pd.Timedelta(minutes=model.settings.interval_minutes)
    origin = interval_starts[0]
    shift_rows, activity_rows, wellbeing_rows = [], [], []
    number = first_agent
    for t, plan in enumerate(model.plans):
        template = plan.template
        for s in model.starts[t]:
            s = int(s)
            agents = _count(model.x[(t, s)])
            if agents == 0:
                continue
            counts = [{p: _count(model.y[(t, s, j, p)]) for p in a.positions}
                      for j, a in enumerate(plan.activities)]
            skips = [_count(model.skip.get((t, s, j))) for j in range(len(plan.activities))]
            start = origin + s * step
            for offsets in agent_breaks(plan, counts, skips, agents):
                agent = f"Agent {number:03d}"
                number += 1
                taken = tuple(p is not None for p in offsets)
                paid_hours = plan.paid_intervals(taken) * plan.interval_minutes / 60.0
                shift_rows.append((agent, model.group, template.name, start, start + plan.length * step,
                                   paid_hours, paid_hours * template.cost_per_hour))
                for p, activity in zip(offsets, plan.activities, strict=True):
                    if p is not None:
                        activity_rows.append((agent, model.group, activity.activity, start + p * step,
                                              start + (p + activity.duration) * step, activity.paid))
                taken_n, required_n, longest, gap, ok = _wellbeing_row(plan, offsets)
                stretch = template.max_work_stretch_minutes
                wellbeing_rows.append((agent, model.group, template.name, taken_n, required_n, longest,
                                       float(stretch) if stretch is not None else math.nan, gap, ok))
    shifts_frame = pd.DataFrame(shift_rows, columns=list(SHIFT_COLUMNS))
    activities_frame = pd.DataFrame(activity_rows, columns=list(ACTIVITY_COLUMNS))
    wellbeing_frame = pd.DataFrame(wellbeing_rows, columns=list(WELLBEING_COLUMNS))
    return shifts_frame, activities_frame, wellbeing_frame


def coverage_from_schedule(shifts: pd.DataFrame, activities: pd.DataFrame, required: np.ndarray,
                           interval_starts: pd.DatetimeIndex, group: str) -> pd.DataFrame:
    """Agents on shift, on break and working per interval, read from the expanded schedule.

    ``working = on_shift − on_break``; ``short = max(required − working, 0)``;
    ``over = max(working − required, 0)``. Parts of shifts outside the horizon are not counted.
    """
    n = len(interval_starts)
    step = interval_starts[1] - interval_starts[0] if n > 1 else pd.Timedelta(minutes=15)
    origin = interval_starts[0]

    def tally(frame: pd.DataFrame) -> np.ndarray:
        delta = np.zeros(n + 1, dtype=np.int64)
        if len(frame):
            first = ((frame["start"] - origin) // step).to_numpy(dtype=np.int64)
            last = ((frame["end"] - origin) // step).to_numpy(dtype=np.int64)
            np.add.at(delta, np.clip(first, 0, n), 1)
            np.add.at(delta, np.clip(last, 0, n), -1)
        return np.cumsum(delta)[:n]

    on_shift = tally(shifts)
    on_break = tally(activities)
    working = on_shift - on_break
    need = np.asarray(required, dtype=np.int64)
    return pd.DataFrame({
        "interval_start": interval_starts, "group": group, "required": need, "on_shift": on_shift,
        "on_break": on_break, "working": working, "short": np.maximum(need - working, 0),
        "over": np.maximum(working - need, 0)})


def deferred_lateness(working: np.ndarray, deferred: DeferredWork) -> dict[str, np.ndarray]:
    """Deferred work done first-in first-out by the scheduled agents, and what misses its deadline.

    Parameters
    ----------
    working : numpy.ndarray, shape (T,)
        Scheduled agents working (on shift, not on break) per interval.
    deferred : DeferredWork

    Returns
    -------
    dict of str to numpy.ndarray
        ``done`` (cumulative work done by each interval's end), ``overdue`` (work due by then
        and not done, ≥ 0), ``late`` (work due at the end of the interval that misses its
        deadline: ``min(due_t, overdue_t)``, since FIFO order is deadline order) — all in
        agent-intervals of net work — and ``short_agents`` (int64: ⌈overdue / (1 − shrinkage)⌉,
        the scheduled agents who would have had to work in the interval to clear it).

    Notes
    -----
    FIFO with capacity ``working × (1 − shrinkage)`` per open interval is the work-conserving
    queue (:func:`planner.staffing.done_curve`, Lindley's recursion in cumulative form) that
    :func:`planner.staffing.kpis_at` re-simulates; it does at least as much work by every interval
    as the model's ``work_done``, so its lateness is never more than the model's.
    """
    from planner.staffing import done_curve

    net = 1.0 - np.asarray(deferred.shrinkage, dtype=float)
    capacity = np.where(np.asarray(deferred.is_open, dtype=bool),
                        np.asarray(working, dtype=float) * net, 0.0)
    done = done_curve(np.cumsum(np.asarray(deferred.arrived, dtype=float)), capacity)
    overdue = np.maximum(np.cumsum(np.asarray(deferred.due, dtype=float)) - done, 0.0)
    overdue[overdue < DEADLINE_MARGIN] = 0.0
    late = np.minimum(np.asarray(deferred.due, dtype=float), overdue)
    short = np.ceil(overdue / net - DEADLINE_MARGIN).clip(min=0).astype(np.int64)
    return {"done": done, "overdue": overdue, "late": late, "short_agents": short}


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


def _empty_frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return (pd.DataFrame(columns=list(SHIFT_COLUMNS)), pd.DataFrame(columns=list(ACTIVITY_COLUMNS)),
            pd.DataFrame(columns=list(WELLBEING_COLUMNS)))


def _required_array(required: np.ndarray | pd.Series, interval_starts: pd.DatetimeIndex) -> np.ndarray:
    if isinstance(required, pd.Series) and isinstance(required.index, pd.DatetimeIndex):
        aligned = required.reindex(interval_starts)
        values = aligned.fillna(0).to_numpy(dtype=float)
    else:
        values = np.asarray(required, dtype=float).ravel()
    if values.shape[0] != len(interval_starts):
        raise ValueError(f"required must have one value per interval ({len(interval_starts)}), "
                         f"got {values.shape[0]}")
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise ValueError("required must be finite agent counts ≥ 0")
    return np.ceil(values - 1e-9).astype(np.int64)


def independent_parts(templates: Sequence[ShiftTemplate], break_rules: Sequence[BreakRule],
                      settings: Settings, deferred: DeferredWork | None = None) -> list[tuple[int, int]]:
    """Split a group's horizon where its model falls apart into independent parts.

    A cut before interval ``c`` is exact when (1) no candidate shift works both ``c − 1`` and
    ``c``; (2) no template's start window of one day has starts on both sides (so the per-day
    bounds stay inside a part); and, for deferred work only, (3) the work arrived before ``c`` but
    due after it could not be worked before ``c`` anyway — no open interval that a candidate
    shift covers lies between its arrival and ``c`` (FIFO: it is the latest-arrived work, from the
    first interval ``k`` with ``A(k) > D(c − 1)``). Then every variable and constraint of the
    model lies on one side of the cut, and the optimum of the whole horizon is the sum of the
    parts' optima (for deferred work: as long as no work is late at a cut — late work is carried
    into the next part as due at its start). Of a run of valid cuts the *latest* is taken — just
    before work can resume — so that a part sees the overdue cost of work it leaves late over the
    closed hours that follow it, and every part holds intervals a shift can work. E.g. day shifts
    that never cross midnight split a week into seven days (07:00 to 07:00): seven models of
    ~1 800 integer columns instead of one of ~12 700, each of which :mod:`planner.solver` can
    search by full branch-and-bound (the week as one model only gets its LP + RENS start).

    Parameters
    ----------
    templates, break_rules : the group's shift templates and their break rules.
    settings : Settings
    deferred : DeferredWork, optional
        The group's deferred work (adds condition 3; a part must hold an interval that is open).

    Returns
    -------
    list of (first, end)
        Consecutive half-open interval ranges covering the horizon.
    """
    n = settings.interval_count
    plans = shift_grid.template_plans(list(templates), list(break_rules), settings.interval_minutes)
    spans = np.zeros(n + 1, dtype=bool)  # spans[c]: a shift works both c − 1 and c
    covered = np.zeros(n + 1, dtype=np.int64)
    split_days = np.zeros(n + 1, dtype=bool)
    for plan in plans:
        starts, days = shift_grid.candidate_starts(plan.template, settings)
        for s in starts:
            spans[s + 1:min(s + plan.length, n)] = True
            covered[s] += 1
            covered[min(s + plan.length, n)] -= 1
        for day in np.unique(days):
            on_day = starts[days == day]
            split_days[on_day.min() + 1:on_day.max() + 1] = True
    workable = np.cumsum(covered)[:n] > 0
    if deferred is not None:
        workable &= np.asarray(deferred.is_open, dtype=bool)
        arrived = np.cumsum(np.asarray(deferred.arrived, dtype=float))
        due = np.cumsum(np.asarray(deferred.due, dtype=float))
    workable_before = np.concatenate(([0], np.cumsum(workable)))  # workable intervals in [0, c)
    parts: list[tuple[int, int]] = []
    first, pending = 0, 0
    for c in range(1, n):
        valid = not (spans[c] or split_days[c] or workable_before[c] - workable_before[first] == 0)
        if valid and deferred is not None:
            k = int(np.searchsorted(arrived, due[c - 1] + DEADLINE_MARGIN, side="right"))
            valid = not (k < c and workable_before[c] - workable_before[k] > 0)
        if valid:
            pending = c
        if pending and workable[c]:  # the latest valid cut before work resumes
            parts.append((first, pending))
            first, pending = pending, 0
    parts.append((first, n))
    return parts


def _part_weights(templates: Sequence[ShiftTemplate], break_rules: Sequence[BreakRule], settings: Settings,
                  parts: Sequence[tuple[int, int]]) -> np.ndarray:
    """Integer columns (shift starts + break starts) of each part's model: its share of the time."""
    plans = shift_grid.template_plans(list(templates), list(break_rules), settings.interval_minutes)
    bounds = np.asarray([a for a, _ in parts] + [settings.interval_count])
    weights = np.zeros(len(parts))
    for plan in plans:
        starts, _ = shift_grid.candidate_starts(plan.template, settings)
        per_start = 1 + sum(len(a.positions) for a in plan.activities)
        owner = np.searchsorted(bounds, starts, side="right") - 1
        np.add.at(weights, owner, per_start)
    return np.maximum(weights, 1.0)


def _schedule_parts(need: np.ndarray, interval_starts: pd.DatetimeIndex, templates: Sequence[ShiftTemplate],
                    rules: Sequence[BreakRule], settings: Settings, group: str, first_agent: int,
                    deferred: DeferredWork | None, solver: str | None, time_limit_seconds: float | None,
                    gap: float | None, progress: ProgressCallback | None = None) -> ScheduleResult:
    """Schedule a group part by part (:func:`independent_parts`), one model per part.

    The time limit is shared over the parts by their integer columns, out of what is left when each
    part starts (a part that closes its gap early passes its time on). Deferred work still open
    at the end of a part is carried into the next as arrived (and, if overdue, due) at its start.
    """
    parts = independent_parts(templates, rules, settings, deferred)
    weights = _part_weights(templates, rules, settings, parts)
    budget = float(time_limit_seconds if time_limit_seconds is not None
                   else settings.solver_time_limit_seconds)
    started = time.perf_counter()
    results: list[SolveResult] = []
    frames: list[tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]] = []
    explanations: list[str] = []
    size: dict[str, int] = {}
    carried_arrived, carried_due, number = 0.0, 0.0, first_agent
    step = pd.Timedelta(minutes=settings.interval_minutes)
    target = gap if gap is not None else settings.solver_gap
    for k, (a, b) in enumerate(parts):
        if progress and len(parts) > 1:
            progress(k / len(parts), f"scheduling {group}: part {k + 1} of {len(parts)}, "
                                     f"{_when(interval_starts[a], interval_starts[b - 1] + step)}")
        work = None
        if deferred is not None:
            part_arrived = np.asarray(deferred.arrived, dtype=float)[a:b].copy()
            part_due = np.asarray(deferred.due, dtype=float)[a:b].copy()
            part_arrived[0] += carried_arrived
            part_due[0] += carried_due
            work = DeferredWork(arrived=part_arrived, due=part_due,
                                shrinkage=np.asarray(deferred.shrinkage, dtype=float)[a:b],
                                is_open=np.asarray(deferred.is_open, dtype=bool)[a:b])
        model = build_group_model(need[a:b], templates, rules, settings, group, deferred=work,
                                  window=None if len(parts) == 1 else (a, b))
        for key, value in model_size(model).items():
            size[key] = size.get(key, 0) + value
        left = max(budget - (time.perf_counter() - started), 0.0)
        share = float(weights[k] / weights[k:].sum())
        # a part reached after the budget is spent still gets a moment to find a plan (≤ 0.2 s)
        limit = max(left * share, min(0.2, budget / len(parts)))
        result = solve(model.problem, settings, solver=solver, time_limit_seconds=limit, gap=gap)
        results.append(result)
        if not result.has_solution:
            frames.append(_empty_frames())
            when = _when(interval_starts[a], interval_starts[b - 1] + step)
            span = "" if len(parts) == 1 else f" for {when}"
            explanations.append(f"{group}: the solver returned no schedule{span} "
                                f"({result.status.value}: {result.message})")
            if work is not None:
                carried_arrived += float(work.arrived.sum())
                carried_due += float(work.due.sum())
            continue
        if work is None:
            repaired = repair_shortfall(model)
            if repaired:
                objective = float(pulp.value(model.problem.objective) or 0.0)
                part_gap = relative_gap(objective, result.best_bound)
                result = replace(result, objective=objective, gap=part_gap,
                                 status=SolveStatus.optimal if part_gap <= target else result.status,
                                 message=f"{result.message}; {repaired} shift(s) added after the solve "
                                         "where one cost less than the shortfall it removed")
                results[-1] = result
        part_frames = expand_schedule(model, interval_starts[a:b], number)
        number += len(part_frames[0])
        frames.append(part_frames)
        part_coverage = coverage_from_schedule(part_frames[0], part_frames[1], need[a:b],
                                               interval_starts[a:b], group)
        if work is None:
            explanations += explain_shortfall(model, part_coverage)
        else:
            done = float(deferred_lateness(part_coverage["working"].to_numpy(dtype=float), work)["done"][-1])
            carried_arrived = float(work.arrived.sum()) - done
            carried_due = max(float(work.due.sum()) - done, 0.0)
    combined = combine(results, rel_gap=target) if len(results) > 1 else results[0]
    if len(results) > 1:
        statuses = sorted({r.status.value for r in results})
        combined = replace(combined, message=f"{len(parts)} independent parts ({'/'.join(statuses)}); "
                                             f"{results[0].message}")
    shifts_frame = _concat([f[0] for f in frames], SHIFT_COLUMNS)
    activities_frame = _concat([f[1] for f in frames], ACTIVITY_COLUMNS)
    wellbeing_frame = _concat([f[2] for f in frames], WELLBEING_COLUMNS)
    coverage = coverage_from_schedule(shifts_frame, activities_frame, need, interval_starts, group)
    if deferred is not None:
        coverage["short"] = deferred_lateness(coverage["working"].to_numpy(dtype=float),
                                              deferred)["short_agents"]
        explanations = _explain_lateness(group, deferred, settings, coverage) + explanations
    return ScheduleResult(solve=combined, per_group={group: combined}, shifts=shifts_frame,
                          activities=activities_frame, coverage=coverage, wellbeing=wellbeing_frame,
                          explanations=explanations, model_size=size)


def schedule_requirement(required: np.ndarray | pd.Series, interval_starts: pd.DatetimeIndex | Sequence,
                         templates: Sequence[ShiftTemplate], break_rules: Sequence[BreakRule],
                         settings: Settings, group: str = "group", *, first_agent: int = 1,
                         solver: str | None = None, time_limit_seconds: float | None = None,
                         gap: float | None = None, deferred: DeferredWork | None = None,
                         progress: ProgressCallback | None = None) -> ScheduleResult:
    """Schedule one staffing group against its per-interval requirement (or its deferred work).

    Parameters
    ----------
    required : array-like or pandas.Series
        Agents that must be working per interval (a Series indexed by interval start is aligned
        to ``interval_starts``, missing = 0). Fractions are rounded up.
    interval_starts : DatetimeIndex
        The horizon's interval starts (``settings.interval_starts()``), naive local.
    templates : sequence of ShiftTemplate
        The templates agents of this group may work (their ``group`` is not checked here).
    break_rules : sequence of BreakRule
        Break rules; those of other templates are ignored.
    settings : Settings
        Interval length, horizon, penalties and solver options.
    group : str
        Name used in the result frames and explanations.
    first_agent : int
        Number of the first agent (agents are ``Agent 001`` …).
    solver, time_limit_seconds, gap : optional overrides of the solver settings.
    deferred : DeferredWork, optional
        Deferred (email) work: the model meets cumulative work and deadlines
        (:func:`add_deferred_work_flow`) and ``required`` is reported for reference only; the
        coverage frame's ``short`` is then the overdue work in agents (:func:`deferred_lateness`).
    progress : callable, optional
        ``progress(fraction 0..1, message)`` before each independent part (:func:`independent_parts`).

    Returns
    -------
    ScheduleResult
    """
    interval_starts = pd.DatetimeIndex(interval_starts)
    need = _required_array(required, interval_starts)
    names = {t.name for t in templates}
    rules = [r for r in break_rules if r.template in names]
    return _schedule_parts(need, interval_starts, templates, rules, settings, group, first_agent, deferred,
                           solver, time_limit_seconds, gap, progress)


def _concat(frames: list[pd.DataFrame], columns: Sequence[str]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=list(columns))
    return pd.concat(frames, ignore_index=True)


def combine_results(results: Mapping[str, ScheduleResult]) -> ScheduleResult:
    """One :class:`ScheduleResult` from independently solved groups."""
    parts = list(results.values())
    size: dict[str, int] = {}
    for part in parts:
        for key, value in part.model_size.items():
            size[key] = size.get(key, 0) + value
    combined = combine([p.solve for p in parts])
    named = "; ".join(f"{g}: {p.solve.message}" for g, p in results.items() if p.solve.message)
    return ScheduleResult(
        solve=replace(combined, message=named) if len(parts) > 1 else combined,
        per_group={g: p.solve for g, p in results.items()},
        shifts=_concat([p.shifts for p in parts], SHIFT_COLUMNS),
        activities=_concat([p.activities for p in parts], ACTIVITY_COLUMNS),
        coverage=_concat([p.coverage for p in parts], COVERAGE_COLUMNS),
        wellbeing=_concat([p.wellbeing for p in parts], WELLBEING_COLUMNS),
        explanations=[line for p in parts for line in p.explanations],
        model_size=size)


def wellbeing_summary(scenario: Scenario, requirements: pd.DataFrame, result: ScheduleResult) -> pd.DataFrame:
    """Well-being report per staffing group, read from the expanded schedule.

    Parameters
    ----------
    scenario : Scenario
        For each group's channel ``max_occupancy`` (the occupancy cap carried from staffing).
    requirements : pandas.DataFrame
        From :func:`planner.staffing.requirements` (the predicted occupancy at the scheduled
        level comes from :func:`planner.staffing.kpis_at`, net = working × (1 − shrinkage)).
    result : ScheduleResult

    Returns
    -------
    pandas.DataFrame
        One row per group: ``group, agents, breaks_per_shift`` (mean breaks taken),
        ``breaks_required_per_shift``, ``longest_stretch_minutes`` (max over agents),
        ``agents_rule_ok_share``, ``open_intervals`` (intervals with live contacts) and
        ``share_above_occupancy_cap`` (share of those whose predicted occupancy exceeds the cap).
    """
    from planner import staffing

    keys = ["interval_start", "group"]
    working = requirements[keys].merge(result.coverage[[*keys, "working"]], on=keys, how="left")
    kpis = staffing.kpis_at(requirements, working["working"].fillna(0).to_numpy(dtype=float))
    rows = []
    for group in requirements["group"].unique():
        mask = (requirements["group"] == group).to_numpy()
        cap = scenario.channel(scenario.group(group).channel).max_occupancy
        live = mask & (requirements["live_contacts"].to_numpy(dtype=float) > 0)
        occupancy = kpis["occupancy"].to_numpy(dtype=float)
        above = live & (occupancy > cap + 1e-9)
        agents = result.wellbeing[result.wellbeing["group"] == group]

        def stat(column: str, how: str, agents: pd.DataFrame = agents) -> float:
            return float(getattr(agents[column].astype(float), how)()) if len(agents) else math.nan

        rows.append({
            "group": group, "agents": len(agents),
            "breaks_per_shift": stat("breaks_taken", "mean"),
            "breaks_required_per_shift": stat("breaks_required", "mean"),
            "longest_stretch_minutes": stat("longest_stretch_minutes", "max"),
            "agents_rule_ok_share": stat("rule_ok", "mean"),
            "open_intervals": int(live.sum()),
            "share_above_occupancy_cap": float(above.sum() / live.sum()) if live.any() else 0.0})
    return pd.DataFrame(rows)


def schedule_scenario(scenario: Scenario, requirements: pd.DataFrame,
                      progress: ProgressCallback | None = None) -> ScheduleResult:
    """Schedule every staffing group of a scenario against its requirement.

    One integer program per group (agents belong to one group, so groups are independent); the
    per-group results are combined (objectives, bounds and seconds add up; the status is the worst).

    Parameters
    ----------
    scenario : Scenario
        Shift templates, break rules and settings.
    requirements : pandas.DataFrame
        From :func:`planner.staffing.requirements`; uses ``interval_start``, ``group`` and
        ``required_scheduled`` (agents working, on shift and not on a modelled break); for email
        groups (``kind == "email"``) with ``work_arrived_agent_intervals`` and
        ``work_due_agent_intervals``, those with ``shrinkage`` and ``is_open`` instead: the
        group is scheduled against its work and deadlines (:class:`DeferredWork`).
    progress : callable, optional
        ``progress(fraction 0..1, message)``.

    Returns
    -------
    ScheduleResult
    """
    missing = [c for c in ("interval_start", "group", "required_scheduled") if c not in requirements.columns]
    if missing:
        raise ValueError(f"requirements is missing columns {missing}")
    settings = scenario.settings
    interval_starts = settings.interval_starts()
    groups = [g.name for g in scenario.staffing_groups]
    extra = sorted(set(requirements["group"].unique()) - set(groups))
    if extra:
        raise ValueError(f"requirements has unknown groups {extra}; known: {groups}")
    results: dict[str, ScheduleResult] = {}
    next_agent = 1
    started = time.perf_counter()
    # Settings.solver_time_limit_seconds bounds the whole schedule, not each group: every group gets
    # a fair share of what is left, so time an easy group does not use passes to the harder ones.
    budget = float(settings.solver_time_limit_seconds)
    for k, group in enumerate(groups):
        if progress:
            progress(k / max(len(groups), 1), f"scheduling {group}")
        rows = requirements[requirements["group"] == group]
        required = pd.Series(rows["required_scheduled"].to_numpy(dtype=float),
                             index=pd.DatetimeIndex(rows["interval_start"]))
        templates = scenario.templates_of(group)
        if not templates and not (required > 0).any():
            continue
        deferred = None
        if (set(rows.columns) >= _DEFERRED_COLUMNS and len(rows)
                and (rows["kind"] == "email").all()):
            deferred = DeferredWork.from_requirements(rows, interval_starts)
        left = max(budget - (time.perf_counter() - started), min(0.5, budget))
        def within_group(fraction: float, message: str, k: int = k) -> None:
            if progress:
                progress((k + fraction) / len(groups), message)

        part = schedule_requirement(required, interval_starts, templates, scenario.break_rules, settings,
                                    group, first_agent=next_agent, deferred=deferred,
                                    time_limit_seconds=left / (len(groups) - k), progress=within_group)
        next_agent += len(part.shifts)
        results[group] = part
    if progress:
        progress(1.0, f"scheduled {len(results)} groups in {time.perf_counter() - started:.1f} s")
    if not results:
        empty = SolveResult(SolveStatus.optimal, 0.0, 0.0, 0.0, 0.0, "nothing to schedule")
        frames = _empty_frames()
        return ScheduleResult(empty, {}, frames[0], frames[1], pd.DataFrame(columns=list(COVERAGE_COLUMNS)),
                              frames[2], [], {"variables": 0, "integer_variables": 0, "constraints": 0})
    return combine_results(results)
