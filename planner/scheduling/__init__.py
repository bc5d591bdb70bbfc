"""Shift scheduling with breaks: a covering integer program and its expansion into agents.

A package of one-concept modules: :mod:`~planner.scheduling.model` (the implicit program and its
constraint families), :mod:`~planner.scheduling.aggregated` (break-start variables, Bechtold &
Jacobs 1990, where they are exact, and their assignment to shifts),
:mod:`~planner.scheduling.deferred` (email work and its FIFO check),
:mod:`~planner.scheduling.explicit` (the set-covering baseline), :mod:`~planner.scheduling.parts`
(independent parts), :mod:`~planner.scheduling.repair`, :mod:`~planner.scheduling.breaks` (break
times per agent), :mod:`~planner.scheduling.expansion`, :mod:`~planner.scheduling.explanations`,
:mod:`~planner.scheduling.results` and :mod:`~planner.scheduling.schedule` (the orchestration).
Weekly tours of named people are in :mod:`planner.roster`, built on this model.

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

from planner.scheduling.breaks import (
    agent_breaks,
)
from planner.scheduling.deferred import (
    DEADLINE_MARGIN,
    DeferredWork,
    deferred_lateness,
)
from planner.scheduling.expansion import (
    coverage_from_schedule,
    expand_schedule,
)
from planner.scheduling.explanations import (
    explain_shortfall,
)
from planner.scheduling.explicit import (
    break_chains,
    build_explicit_group_model,
)
from planner.scheduling.model import (
    GroupModel,
    add_agents_on_shift,
    add_agents_per_day,
    add_break_variables,
    add_break_window_linking,
    add_coverage,
    add_deferred_work_flow,
    add_gap_rule,
    add_shift_variables,
    add_shortfall_slack,
    add_soft_break_skip,
    add_stretch_rule,
    apply_max_agents_per_start,
    build_group_model,
    coverage_terms,
    model_size,
    set_objective,
)
from planner.scheduling.parts import (
    independent_parts,
)
from planner.scheduling.repair import (
    repair_shortfall,
    working_from_solution,
)
from planner.scheduling.results import (
    ACTIVITY_COLUMNS,
    COVERAGE_COLUMNS,
    SHIFT_COLUMNS,
    WELLBEING_COLUMNS,
    ScheduleResult,
)
from planner.scheduling.schedule import (
    ProgressCallback,
    combine_results,
    schedule_requirement,
    schedule_scenario,
    wellbeing_summary,
)

__all__ = [
    "ACTIVITY_COLUMNS",
    "COVERAGE_COLUMNS",
    "DEADLINE_MARGIN",
    "SHIFT_COLUMNS",
    "WELLBEING_COLUMNS",
    "DeferredWork",
    "GroupModel",
    "ProgressCallback",
    "ScheduleResult",
    "add_agents_on_shift",
    "add_agents_per_day",
    "add_break_variables",
    "add_break_window_linking",
    "add_coverage",
    "add_deferred_work_flow",
    "add_gap_rule",
    "add_shift_variables",
    "add_shortfall_slack",
    "add_soft_break_skip",
    "add_stretch_rule",
    "agent_breaks",
    "apply_max_agents_per_start",
    "break_chains",
    "build_explicit_group_model",
    "build_group_model",
    "combine_results",
    "coverage_from_schedule",
    "coverage_terms",
    "deferred_lateness",
    "expand_schedule",
    "explain_shortfall",
    "independent_parts",
    "model_size",
    "repair_shortfall",
    "schedule_requirement",
    "schedule_scenario",
    "set_objective",
    "wellbeing_summary",
    "working_from_solution",
]
