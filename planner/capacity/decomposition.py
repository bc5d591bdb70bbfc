r"""The same two-stage model solved by the L-shaped method when there are many scenarios.

The extensive form of :mod:`planner.capacity.model` has four rows per (scenario, group, week):
100 scenarios × 3 groups × 78 weeks is a 94 000-row LP whose relaxation alone takes HiGHS over ten
seconds. But once the hires ``n`` are fixed, every (scenario, group, week) cell is a four-variable
LP with a closed-form answer. With ``P`` the productive FTE, ``R`` the requirement, gap ``d = R − P``,
overtime cap ``κ_o·P``, VTO cap ``κ_v·P``, costs per FTE-week: overtime ``c_o``, VTO saving ``c_w``
(the wage unless given), shortfall ``c_s`` and excess ``c_e`` (with ``c_s ≥ c_o ≥ wage ≥ c_w ≥ 0``
and ``c_e ≥ 0``, checked in :func:`planner.capacity.inputs.validate_capacity`)::

    d > 0:  ot = min(d, κ_o·P), short = d − ot              cost = c_o·ot + c_s·short
    d ≤ 0:  vto = min(−d, κ_v·P), over = −d − vto           cost = −c_w·vto + c_e·over

(:func:`recourse`). That cost is convex and piecewise linear in ``P`` (slopes
``c_o·κ_o − c_s·(1 + κ_o) ≤ −c_o ≤ −c_w ≤ −c_w·κ_v + c_e·(1 − κ_v)``), and ``P`` is affine in ``n``, so
the expected recourse ``Q_{g,w}(n) = Σ_s p_s·cost_{s,g,w}(P_{s,g,w}(n))`` is convex in ``n`` with the
subgradient ``Σ_s p_s·slope_{s,g,w}·π_s[c,t,w]``. The L-shaped method (Van Slyke & Wets 1969,
"L-shaped linear programs with applications to optimal control and stochastic programming", *SIAM
J. Appl. Math.* 17(4); multi-cut form of Birge & Louveaux 1988, *EJOR* 34(3)) keeps only the
first stage in a master MIP with one variable ``θ_{g,w}`` per group and week and adds the cut::

    θ_{g,w} ≥ Q_{g,w}(n^k) + Σ_{c,t} ∂Q_{g,w}/∂n[c,t] · (n[c,t] − n^k[c,t])

at each master solution ``n^k`` until the best evaluated cost (upper bound) is within the gap of the
master's bound (lower bound). With a CVaR term, one cut per scenario on its whole cost bounds
``u_s + η``. The answer is the extensive form's optimum (a test checks both on one instance).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pulp

from planner import solver
from planner.capacity.model import (
    CapacityData,
    CapacityModel,
    CapacitySolution,
    add_class_size,
    add_trainer_seats,
    evaluate_costs,
    headcount_of,
    productive_of,
    shadow_prices,
)
from planner.solver import SolveResult, SolveStatus
from planner.types import Settings

MAX_ITERATIONS = 200
"""Most master solves of one L-shaped run."""


@dataclass(frozen=True)
class Recourse:
    """Closed-form second stage of every cell (arrays shaped like ``P``)."""

    cost: np.ndarray
    slope: np.ndarray
    overtime: np.ndarray
    vto: np.ndarray
    short: np.ndarray
    over: np.ndarray


def recourse(data: CapacityData, productive: np.ndarray) -> Recourse:
    """The optimal overtime, VTO, shortfall and excess of every (scenario, group, week) cell.

    Parameters
    ----------
    data : CapacityData
        Requirement, caps and costs.
    productive : numpy.ndarray
        Productive FTE ``P`` (S, G, W).

    Returns
    -------
    Recourse
        Cost (currency units) and its slope d cost / d P per cell, and the levels (FTE-weeks).
    """
    have = np.maximum(productive, 0.0)
    need = data.required
    k_o = data.overtime_cap[None, :, None]
    k_v = data.vto_cap[None, :, None]
    c_o = data.overtime_week[None, :, None]
    c_w = data.vto_week[None, :, None]  # what an FTE-week of VTO saves (the wage by default)
    c_s, c_e = data.shortfall_penalty, data.excess_penalty
    gap = need - have
    short_side = gap > 0
    ot = np.where(short_side, np.minimum(np.maximum(gap, 0.0), k_o * have), 0.0)
    short = np.where(short_side, gap - ot, 0.0)
    excess = np.maximum(-gap, 0.0)
    vto = np.where(short_side, 0.0, np.minimum(excess, k_v * have))
    over = np.where(short_side, 0.0, excess - vto)
    cost = c_o * ot + c_s * short - c_w * vto + c_e * over
    capped_ot = short_side & (gap > k_o * have)
    capped_vto = ~short_side & (excess > k_v * have)
    slope = np.where(
        short_side,
        np.where(capped_ot, c_o * k_o - c_s * (1.0 + k_o), -c_o),
        np.where(capped_vto, -c_w * k_v + c_e * (1.0 - k_v), -c_w),
    )
    return Recourse(cost, np.broadcast_to(slope, have.shape).copy(), ot, vto, short, over)


def _productive_stack(data: CapacityData) -> np.ndarray:
    """π as one array (starts, S, W)."""
    if not data.starts:
        return np.zeros((0, data.scenario_count, data.weeks))
    return np.stack([c.productive for c in data.coefficients])


def solve_decomposed(
    data: CapacityData,
    settings: Settings,
    *,
    time_limit_seconds: float,
    gap: float,
    duals: bool = True,
    progress: Callable[[float, str], None] | None = None,
) -> CapacitySolution:
    """The two-stage model by the multi-cut L-shaped method (see the module docstring).

    Parameters
    ----------
    data : CapacityData
    settings : Settings
        Solver backend and threads for the master MIPs.
    time_limit_seconds : float
        Wall-clock limit of the whole run, seconds.
    gap : float
        Relative gap between the best evaluated cost and the master bound at which to stop.
    duals : bool
        Also the value of one more trainer seat / class place, from the master's LP with the
        classes that run fixed (on the cut model of the recourse, tight at the plan).
    progress : callable(fraction, message), optional
        Told after each master solve (fraction of the time limit used, the bounds' gap).
    """
    started = time.perf_counter()
    n_s, n_g, n_w = data.scenario_count, len(data.groups), data.weeks
    weights = data.weights
    pi = _productive_stack(data)
    group_of = np.array([st.group_index for st in data.starts], dtype=int)
    first_cost = np.array(
        [
            st.hire_class.cost_per_hire
            + data.wage_week[st.group_index] * float(weights @ c.headcount.sum(axis=1))
            for st, c in zip(data.starts, data.coefficients, strict=True)
        ]
    )
    wages_today = float(np.einsum("s,g,sgw->", weights, data.wage_week, data.existing))

    model = CapacityModel(data=data, problem=pulp.LpProblem("capacity_master", pulp.LpMinimize))
    add_class_size(model)
    add_trainer_seats(model)
    theta = {
        (g, w): model.problem.add_variable(f"theta_g{g}_w{w + 1}", None, None)
        for g in range(n_g)
        for w in range(n_w)
    }
    cvar_on = data.cvar_weight > 0
    eta = model.problem.add_variable("cvar_eta", None, None) if cvar_on else None
    excess_vars = (
        [model.problem.add_variable(f"cvar_excess_{s}", 0, None) for s in range(n_s)] if cvar_on else []
    )
    # The wages of the people today enter as a column fixed at 1, so the master's own gap is a gap
    # of the whole cost (as in the extensive form).
    today = model.problem.add_variable("wages_of_people_today", 1, 1)
    objective = [(today, wages_today)]
    objective += [(n, float(first_cost[i])) for i, n in enumerate(model.hires)]
    objective += [(t, 1.0) for t in theta.values()]
    if eta is not None:
        objective.append((eta, data.cvar_weight))
        objective += [
            (u, data.cvar_weight * float(weights[s]) / (1.0 - data.cvar_alpha))
            for s, u in enumerate(excess_vars)
        ]
    model.problem.setObjective(pulp.LpAffineExpression(objective))

    def evaluate(hires: np.ndarray) -> tuple[float, Recourse, np.ndarray]:
        prod = productive_of(data, hires)
        rec = recourse(data, prod)
        total, _parts = evaluate_costs(data, hires, rec.overtime, rec.vto, rec.short, rec.over)
        value = float(weights @ total)
        if cvar_on:
            value += data.cvar_weight * _cvar_value(total, weights, data.cvar_alpha)
        return value, rec, total

    def add_cuts(hires: np.ndarray, rec: Recourse, k: int) -> None:
        hires = np.asarray(hires, dtype=float)
        # b[g, w, i] = Σ_s p_s·slope[s, g, w]·π_i[s, w] for the starts of group g.
        weighted = rec.slope * weights[:, None, None]
        expected = np.einsum("s,sgw->gw", weights, rec.cost)
        for g in range(n_g):
            mine = np.flatnonzero(group_of == g)
            b = np.einsum("sw,isw->wi", weighted[:, g, :], pi[mine]) if len(mine) else np.zeros((n_w, 0))
            a = expected[g] - b @ np.asarray(hires, dtype=float)[mine] if len(mine) else expected[g]
            for w in range(n_w):
                terms = [(theta[(g, w)], 1.0)] + [
                    (model.hires[i], -float(b[w, j])) for j, i in enumerate(mine) if abs(b[w, j]) > 1e-9
                ]
                model.problem.addConstraint(
                    pulp.LpAffineExpression(terms) >= float(a[w]), f"cut{k}_g{g}_w{w + 1}"
                )
        if cvar_on and eta is not None:
            for s in range(n_s):
                # cost_s(n) ≥ cost_s(n^k) + Σ_i (first-stage + recourse subgradient)·(n_i − n^k_i)
                grad = np.array(
                    [
                        data.starts[i].hire_class.cost_per_hire
                        + data.wage_week[group_of[i]] * float(data.coefficients[i].headcount[s].sum())
                        + float(rec.slope[s, group_of[i], :] @ pi[i, s, :])
                        for i in range(len(data.starts))
                    ]
                )
                _, parts = evaluate_costs_single(data, hires, rec, s)
                const = parts - float(grad @ hires)
                terms = [(excess_vars[s], 1.0), (eta, 1.0)] + [
                    (model.hires[i], -float(grad[i])) for i in range(len(grad)) if abs(grad[i]) > 1e-9
                ]
                model.problem.addConstraint(
                    pulp.LpAffineExpression(terms) >= float(const), f"cvarcut{k}_s{s}"
                )

    hires = np.zeros(len(data.starts), dtype=int)
    best_value, best_rec, best_total = evaluate(hires)
    best_hires = hires.copy()
    add_cuts(hires, best_rec, 0)
    upper = np.array([st.hire_class.max_size for st in data.starts], dtype=int)
    value_max, rec_max, total_max = evaluate(upper)
    add_cuts(upper, rec_max, 1)
    if value_max < best_value:
        best_value, best_rec, best_total, best_hires = value_max, rec_max, total_max, upper.copy()
    lower_bound = -math.inf
    iterations = 0
    status = SolveStatus.feasible
    message = ""
    master_seconds = 0.0
    # Phase 1: cuts from the LP relaxation of the master (cheap solves) until its own bound is
    # close; phase 2: the integer master. Both bounds are valid; the LP's is weaker.
    integers = [v for v in model.problem.variables() if v.cat == pulp.LpInteger]
    relaxed = True
    for v in integers:
        v.cat = pulp.LpContinuous
    lp_best = math.inf
    while iterations < MAX_ITERATIONS:
        iterations += 1
        left = time_limit_seconds - (time.perf_counter() - started)
        if left <= 0.05:
            message = "time limit reached"
            break
        result = solver.solve(
            model.problem, settings, time_limit_seconds=left, gap=gap / 4 if relaxed else gap / 2
        )
        if relaxed:
            master_seconds += result.seconds
            if not result.has_solution:
                message = f"LP master {result.status}: {result.message}"
                break
            lower_bound = max(lower_bound, result.objective)
            point = np.array([v.varValue or 0.0 for v in model.hires])
            prod = productive_of(data, point)
            rec = recourse(data, prod)
            total, _ = evaluate_costs(data, point, rec.overtime, rec.vto, rec.short, rec.over)
            lp_value = float(weights @ total) + (
                data.cvar_weight * _cvar_value(total, weights, data.cvar_alpha) if cvar_on else 0.0
            )
            lp_best = min(lp_best, lp_value)
            if (lp_best - lower_bound) <= (gap / 4) * max(
                abs(lp_best), 1e-9
            ) or iterations >= MAX_ITERATIONS // 2:
                relaxed = False
                for v in integers:
                    v.cat = pulp.LpInteger
            else:
                add_cuts(point, rec, iterations + 1)
            continue
        master_seconds += result.seconds
        if not result.has_solution:
            message = f"master {result.status}: {result.message}"
            if result.status == SolveStatus.infeasible:
                status = SolveStatus.infeasible
            break
        if progress is not None:
            progress(min((time.perf_counter() - started) / time_limit_seconds, 1.0),
                     f"integer master {iterations}: best {best_value:,.0f}, gap "
                     f"{solver.relative_gap(best_value, lower_bound):.2%}")
        bound = result.best_bound if math.isfinite(result.best_bound) else result.objective
        lower_bound = max(lower_bound, bound)
        hires = np.array([round(v.varValue or 0.0) for v in model.hires], dtype=int)
        value, rec, total = evaluate(hires)
        if value < best_value - 1e-9:
            best_value, best_rec, best_total, best_hires = value, rec, total, hires.copy()
        if (best_value - lower_bound) <= gap * max(abs(best_value), 1e-9):
            status = SolveStatus.optimal
            break
        add_cuts(hires, rec, iterations + 1)
    for v in integers:
        v.cat = pulp.LpInteger
    relative = solver.relative_gap(best_value, lower_bound) if math.isfinite(lower_bound) else math.nan
    if status == SolveStatus.feasible and math.isfinite(relative) and relative <= gap:
        status = SolveStatus.optimal
    seconds = time.perf_counter() - started
    text = f"L-shaped: {iterations} master solve(s), {master_seconds:.1f} s in the master" + (
        f"; {message}" if message else ""
    )
    solve = SolveResult(status, best_value, lower_bound, relative, seconds, text)
    _total, parts = evaluate_costs(
        data, best_hires, best_rec.overtime, best_rec.vto, best_rec.short, best_rec.over
    )
    cost_parts = {k: float(weights @ v) for k, v in parts.items()}
    cost_parts["total"] = float(weights @ best_total)
    variables = model.problem.variables()
    size = {
        "columns": len(variables),
        "integer_columns": sum(v.cat == pulp.LpInteger for v in variables),
        "rows": model.problem.numConstraints(),
        "iterations": iterations,
    }
    seats: dict[tuple[int, int], float] = {}
    places: dict[int, float] = {}
    if duals and math.isfinite(lower_bound):
        # Shadow prices on the master's cut model, tight at the chosen plan: the classes that run are
        # fixed, class sizes relaxed (see planner.capacity.model.shadow_prices).
        add_cuts(best_hires, best_rec, iterations + 2)
        for i, y in enumerate(model.runs):
            if y is not None:
                y.varValue = 1.0 if best_hires[i] > 0 else 0.0
        seats, places = shadow_prices(model, settings)
    return CapacitySolution(
        data,
        solve,
        best_hires,
        productive_of(data, best_hires),
        headcount_of(data, best_hires),
        best_rec.overtime,
        best_rec.vto,
        best_rec.short,
        best_rec.over,
        best_total,
        cost_parts,
        seats,
        places,
        0.0,
        size,
    )


def evaluate_fixed(data: CapacityData, fixed_hires: Mapping[int, int]) -> CapacitySolution:
    """A given hiring plan with its closed-form recourse in every scenario (no solver needed)."""
    started = time.perf_counter()
    hires = np.array([int(fixed_hires.get(i, 0)) for i in range(len(data.starts))], dtype=int)
    prod = productive_of(data, hires)
    rec = recourse(data, prod)
    total, parts = evaluate_costs(data, hires, rec.overtime, rec.vto, rec.short, rec.over)
    weights = data.weights
    cost_parts = {k: float(weights @ v) for k, v in parts.items()}
    cost_parts["total"] = float(weights @ total)
    value = cost_parts["total"]
    solve = SolveResult(
        SolveStatus.optimal,
        value,
        value,
        0.0,
        time.perf_counter() - started,
        "hires given: second stage in closed form",
    )
    return CapacitySolution(
        data,
        solve,
        hires,
        prod,
        headcount_of(data, hires),
        rec.overtime,
        rec.vto,
        rec.short,
        rec.over,
        total,
        cost_parts,
        {},
        {},
        0.0,
        {"columns": 0, "integer_columns": 0, "rows": 0},
    )


def evaluate_costs_single(data: CapacityData, hires: np.ndarray, rec: Recourse, s: int) -> tuple[None, float]:
    """Total cost of scenario ``s`` for ``hires`` with its recourse (the CVaR cut's value)."""
    total, _ = evaluate_costs(data, hires, rec.overtime, rec.vto, rec.short, rec.over)
    return None, float(total[s])


def _cvar_value(costs: np.ndarray, weights: np.ndarray, alpha: float) -> float:
    from planner.capacity.report import cvar

    return cvar(costs, weights, alpha)
