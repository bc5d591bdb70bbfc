"""Break variables aggregated by break start (Bechtold & Jacobs 1990), and their expansion per shift.

The per-shift (Aykin 1996) form of :mod:`planner.scheduling.model` has one break variable per
(template, shift start, activity, offset). Bechtold & Jacobs ("Implicit modeling of flexible
break assignments in optimal shift scheduling", Management Science 36(11), 1990) instead count
breaks by their *absolute* start: ``b[k, τ]`` ∈ ℤ≥0 breaks of pool ``k`` starting in interval ``τ``,
shared by every shift whose break window contains ``τ``. Which shift takes which break is left open
and settled after the solve (:func:`assign_break_starts`).

Where it is equivalent
----------------------
A pool is a set of templates with exactly one break activity, hard, of one duration, whose allowed
offsets are contiguous (the work stretch before and after the break is then kept by the window
itself, see :func:`planner.shifts.template_plan`; with two or more breaks per shift the breaks of one
shift are linked by the stretch and gap rules and stay per shift). Every shift ``i`` of the pool has
the window ``W_i = [e_i, l_i]`` of absolute break starts. The pool must have **no extraordinary
overlap** (Bechtold & Jacobs 1990): no window strictly inside another, i.e. no ``i, k`` with
``e_i < e_k`` and ``l_k < l_i`` (:func:`extraordinary_overlap`). The windows of one template are
translates of each other and never overlap so; templates are pooled together only when their
combined windows pass the check, else each is a pool of its own.

Constraints (:func:`add_break_start_linking`), per pool with shift counts ``x_i``:

* total: ``Σ_τ b[τ] = Σ_i x_i`` — every shift takes its break once;
* forward, for every window end ``L``: ``Σ_{i: l_i ≤ L} x_i ≤ Σ_{τ ≤ L} b[τ]``;
* backward, for every window start ``E``: ``Σ_{i: e_i ≥ E} x_i ≤ Σ_{τ ≥ E} b[τ]``.

Why they are exact (the proof :func:`assign_break_starts` relies on)
--------------------------------------------------------------------
Shift units and break units form a convex bipartite graph (a shift is adjacent to the starts of
its window, an interval). With equal totals a perfect matching exists iff Hall's condition holds
for the shift side, and for convex graphs only the sets ``S(E, L) = {i : W_i ⊆ [E, L]}`` need
checking (Glover 1967, "Maximum matching in a convex bipartite graph", Naval Res. Logist. Q. 14):
``Σ_{S(E,L)} x ≤ Σ_{E ≤ τ ≤ L} b``. From the backward rows at ``E`` and the forward rows at
``L`` with the total, ``Σ_{τ<E} b ≤ Σ_{e_i<E} x`` and ``Σ_{τ>L} b ≤ Σ_{l_i>L} x``, so
``Σ_{[E,L]} b ≥ Σ x − Σ_{e_i<E} x − Σ_{l_i>L} x = Σ_{S(E,L)} x − Σ_{e_i<E, l_i>L} x``.
The last sum is over windows strictly containing ``[E, L]``; taking ``E = e_a``, ``L = l_c`` for
shifts ``a, c`` of ``S(E, L)`` (the only ranges that matter), such a window strictly contains
``W_a`` — an extraordinary overlap. Without one it is empty and Hall's condition holds. Conversely
every assignment meets the three families, so the aggregated model has the same feasible shift
counts, the same coverage and the same optimum as the per-shift one.

The assignment is found greedily: break units in order of start ``τ``, each to the waiting shift
(``e_i ≤ τ``) whose window ends first — earliest deadline first, which finds a perfect matching in
a convex bipartite graph whenever one exists (Glover 1967).

The same argument holds for fractional counts (flows), so both formulations have the same LP
relaxation: aggregation shrinks the model (the 15-minute day of ``benchmarks/bench_speed.py`` (e)
with breaks: 534 integer columns instead of 1,752) but cannot move the root bound. The rows are
written as running balances (:func:`add_break_start_linking`); as one dense prefix sum per row they
made the model three times denser and the solve slower.

Why it is not the default (measured 2026-12-02 on the shared 2-core machine, load 4–7): on
pyworkforce's instance types the two formulations take the same CPU time within noise (15-minute
day with breaks 3.5–3.7 s aggregated vs 3.8–3.9 s per shift; 30-minute week with breaks 4.6–4.8 s vs
6.2–6.3 s; two runs), on the week sample
(30 s per group, 1 % gap) neither wins across groups (voice slower and 0.2 % dearer aggregated, chat
faster and cheaper, e-mail the same), and :mod:`planner.roster` reads per-shift ``y`` of its parts.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pulp

from planner.shifts import TemplatePlan

if TYPE_CHECKING:
    from planner.scheduling.model import GroupModel

BREAK_FORMULATIONS = ("per_shift", "aggregated")
"""Values of ``build_group_model(breaks=...)``: Aykin's per-shift break variables, or Bechtold &
Jacobs' break-start variables where equivalent (per shift elsewhere)."""


@dataclass(frozen=True)
class BreakPool:
    """Templates whose single hard break shares break-start variables.

    Parameters
    ----------
    templates : tuple of int
        Template indices of the group model.
    duration : int
        Break length, intervals.
    """

    templates: tuple[int, ...]
    duration: int


def poolable(plan: TemplatePlan) -> bool:
    """Whether a template's breaks can be aggregated: one hard activity with contiguous offsets."""
    if len(plan.activities) != 1 or not plan.activities[0].hard:
        return False
    positions = plan.activities[0].positions
    return list(positions) == list(range(positions[0], positions[-1] + 1))


def extraordinary_overlap(windows: Sequence[tuple[int, int]]) -> tuple[int, int] | None:
    """A pair of windows one of which lies strictly inside the other, or None.

    Parameters
    ----------
    windows : sequence of (first, last)
        Closed ranges of break starts, intervals.

    Returns
    -------
    (outer, inner) or None
        Indices into ``windows`` with ``first_outer < first_inner`` and ``last_inner < last_outer``
        (Bechtold & Jacobs' extraordinary overlap), the first found in order of ``first``.
    """
    order = sorted(range(len(windows)), key=lambda i: (windows[i][0], -windows[i][1]))
    widest: int | None = None  # the window of largest end among those with a smaller first start
    pending: int | None = None  # largest-end window among those sharing the current first start
    current = None
    for i in order:
        first, last = windows[i]
        if first != current:
            if pending is not None and (widest is None or windows[pending][1] > windows[widest][1]):
                widest = pending
            current, pending = first, None
        if widest is not None and windows[widest][1] > last:
            return widest, i
        if pending is None or last > windows[pending][1]:
            pending = i
    return None


def _windows(plans: Sequence[TemplatePlan], starts: Sequence[np.ndarray], t: int) -> list[tuple[int, int]]:
    positions = plans[t].activities[0].positions
    return [(int(s) + positions[0], int(s) + positions[-1]) for s in starts[t]]


def break_pools(plans: Sequence[TemplatePlan], starts: Sequence[np.ndarray]) -> list[BreakPool]:
    """Pools of templates for break-start variables (see the module docstring).

    Poolable templates (:func:`poolable`) of one break duration form one pool when their windows
    together have no extraordinary overlap, else one pool each (a template's own windows are
    translates of one window and never overlap so; checked all the same).
    """
    by_duration: dict[int, list[int]] = {}
    for t, plan in enumerate(plans):
        if poolable(plan) and len(starts[t]):
            by_duration.setdefault(plan.activities[0].duration, []).append(t)
    pools: list[BreakPool] = []
    for duration, members in sorted(by_duration.items()):
        together = [w for t in members for w in _windows(plans, starts, t)]
        if extraordinary_overlap(together) is None:
            pools.append(BreakPool(tuple(members), duration))
            continue
        pools += [BreakPool((t,), duration) for t in members
                  if extraordinary_overlap(_windows(plans, starts, t)) is None]
    return pools


def check_pool(plans: Sequence[TemplatePlan], starts: Sequence[np.ndarray], pool: BreakPool) -> None:
    """Raise ValueError naming two shifts when ``pool`` is not valid for break-start variables."""
    for t in pool.templates:
        if not poolable(plans[t]):
            raise ValueError(f"template {plans[t].name!r} cannot share break-start variables: it needs "
                             "exactly one hard break with a contiguous window")
        if plans[t].activities[0].duration != pool.duration:
            raise ValueError(f"template {plans[t].name!r}: break of {plans[t].activities[0].duration} "
                             f"intervals in a pool of {pool.duration}-interval breaks")
    owners = [(t, int(s)) for t in pool.templates for s in starts[t]]
    windows = [w for t in pool.templates for w in _windows(plans, starts, t)]
    found = extraordinary_overlap(windows)
    if found is not None:
        (t1, s1), (t2, s2) = owners[found[0]], owners[found[1]]
        raise ValueError(
            f"break windows overlap extraordinarily: {plans[t1].name!r} starting at interval {s1} may break "
            f"in {windows[found[0]][0]}–{windows[found[0]][1]}, strictly around {plans[t2].name!r} starting "
            f"at {s2} ({windows[found[1]][0]}–{windows[found[1]][1]}); break-start variables would not be "
            "exact (Bechtold & Jacobs 1990)")


def add_break_start_variables(model: GroupModel) -> None:
    """``b[k, τ]`` ∈ ℤ≥0: breaks of pool ``k`` starting in interval ``τ`` (every τ of some window)."""
    for k, pool in enumerate(model.pools):
        check_pool(model.plans, model.starts, pool)
        taus = sorted({tau for t in pool.templates for first, last in _windows(model.plans, model.starts, t)
                       for tau in range(first, last + 1)})
        for tau in taus:
            model.b[(k, tau)] = model.problem.add_variable(f"b_{k}_{tau}", 0, None, pulp.LpInteger)


def add_break_start_linking(model: GroupModel) -> None:
    """Total, forward and backward rows linking ``b`` to the shifts of each pool (module docstring).

    Written sparsely, as running balances over the pool's break starts ``τ`` (ascending) instead of
    one dense prefix sum per row: ``ahead[τ] = ahead[τ⁻] + b[τ] − Σ_{i: l_i = τ} x_i ≥ 0`` (breaks
    taken by ``τ`` less shifts whose window has closed — the forward rows) and
    ``behind[τ] = behind[τ⁺] + b[τ] − Σ_{i: e_i = τ} x_i ≥ 0`` (the backward rows, from the last
    ``τ`` down); ``ahead`` at the last start is 0 (the total). Same polytope projected on ``(x, b)``,
    a few non-zeros per row rather than hundreds.
    """
    for k, pool in enumerate(model.pools):
        ending: dict[int, list[pulp.LpVariable]] = {}
        opening: dict[int, list[pulp.LpVariable]] = {}
        for t in pool.templates:
            for s, (first, last) in zip(model.starts[t], _windows(model.plans, model.starts, t), strict=True):
                ending.setdefault(last, []).append(model.x[(t, int(s))])
                opening.setdefault(first, []).append(model.x[(t, int(s))])
        taus = sorted(tau for (q, tau) in model.b if q == k)
        chains = (("break_forward", taus, ending), ("break_backward", taus[::-1], opening))
        for family, order, closing in chains:
            previous: pulp.LpVariable | None = None
            for n, tau in enumerate(order):
                last = n == len(order) - 1
                balance = model.problem.add_variable(f"{family}_{k}_{tau}", 0, 0 if last else None)
                terms = [(balance, 1.0), (model.b[(k, tau)], -1.0)]
                terms += [(x, 1.0) for x in closing.get(tau, [])]
                if previous is not None:
                    terms.append((previous, -1.0))
                model.add(family, pulp.LpAffineExpression(terms) == 0)
                previous = balance


def assign_break_starts(windows: Sequence[tuple[int, int]], shifts: Sequence[int],
                        breaks: dict[int, int]) -> list[list[int]]:
    """Give every shift unit one break start of its window (earliest deadline first).

    Parameters
    ----------
    windows : sequence of (first, last)
        Per shift group (e.g. one template and start), its window of absolute break starts.
    shifts : sequence of int
        Shift units per window (``x``).
    breaks : dict
        ``{τ: number of breaks starting at τ}`` (``b``), summing to ``Σ shifts``.

    Returns
    -------
    list of list of int
        Per window, the break starts of its shift units (ascending).

    Raises
    ------
    ValueError
        When no assignment exists: the counts break the forward/backward rows, or the windows
        overlap extraordinarily (then EDF may fail although Hall's condition holds; never in a
        checked pool).

    Notes
    -----
    Break units are taken in order of start; each goes to the waiting shift unit (``first ≤ τ``)
    with the earliest ``last``. An exchange argument shows this is optimal in a convex bipartite
    graph (Glover 1967): if some perfect matching gives τ to another unit whose window ends no
    sooner, swapping the two partners keeps both feasible.
    """
    if sum(shifts) != sum(breaks.values()):
        raise ValueError(f"{sum(shifts)} shifts but {sum(breaks.values())} breaks")
    order = sorted(range(len(windows)), key=lambda i: windows[i][0])
    result: list[list[int]] = [[] for _ in windows]
    waiting: list[tuple[int, int]] = []  # (last, window index), one entry per shift unit
    cursor = 0
    for tau in sorted(breaks):
        while cursor < len(order) and windows[order[cursor]][0] <= tau:
            i = order[cursor]
            for _ in range(shifts[i]):
                heapq.heappush(waiting, (windows[i][1], i))
            cursor += 1
        for _ in range(breaks[tau]):
            if not waiting:
                raise ValueError(f"{breaks[tau]} break(s) start at interval {tau} but no shift "
                                 "may break then")
            last, i = heapq.heappop(waiting)
            if last < tau:
                raise ValueError(f"a shift whose break window ends at interval {last} got no break")
            result[i].append(tau)
    return result


def disaggregate_breaks(model: GroupModel, *, force: bool = False) -> None:
    """Per-shift break counts ``model.y`` of the pooled templates from the solved ``b`` and ``x``.

    The assignment of :func:`assign_break_starts`, written as values of fresh ``y[t, s, 0, p]``
    variables (of a problem of their own, never solved — not part of ``model.problem``), so that
    the expansion, the repair and every reader of ``model.y`` work as with the per-shift
    formulation. Done once after a solve (``force`` redoes it).
    """
    if not model.pools or (model.breaks_disaggregated and not force):
        return
    holder = pulp.LpProblem(f"{model.problem.name}_breaks_per_shift")  # not solved: holds the values
    for k, pool in enumerate(model.pools):
        keys = [(t, int(s)) for t in pool.templates for s in model.starts[t]]
        windows = [w for t in pool.templates for w in _windows(model.plans, model.starts, t)]
        shifts = [_rounded(model.x[key]) for key in keys]
        breaks = {tau: n for (q, tau), var in model.b.items() if q == k and (n := _rounded(var))}
        placed = assign_break_starts(windows, shifts, breaks)
        for (t, s), starts_of_shift in zip(keys, placed, strict=True):
            for p in model.plans[t].activities[0].positions:
                var = holder.add_variable(f"y_{t}_{s}_0_{p}", 0, None, pulp.LpInteger)
                var.varValue = float(sum(1 for tau in starts_of_shift if tau - s == p))
                model.y[(t, s, 0, p)] = var
    model.breaks_disaggregated = True


def _rounded(var: pulp.LpVariable) -> int:
    return 0 if var.varValue is None else max(0, round(var.varValue))
