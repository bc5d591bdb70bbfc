r"""The hiring optimiser: a two-stage stochastic mixed-integer program (PuLP, HiGHS via the seam).

Sets and data
-------------
Groups ``g``, weeks ``w = 1…W``, scenarios ``s`` with probability ``p_s`` (one scenario = the
deterministic model), class starts ``(c, t)``: hire class ``c`` of group ``g(c)`` allowed to start in
week ``t``. From :mod:`planner.capacity.rollforward` per hire of start ``(c, t)`` in scenario ``s``:
on the payroll ``σ_s[c,t,w]``, productive ``π_s[c,t,w]`` (survival × proficiency ramp). The people
today: on the payroll ``E_s[g,w]``, productive ``E_s[g,w]`` (tenured). Required FTE ``R_s[g,w]`` from
:mod:`planner.capacity.requirement`.

First stage (decided once, in week 1, for every scenario)
---------------------------------------------------------
``n[c,t] ∈ ℤ≥0`` hires of the class starting in week ``t``; ``y[c,t] ∈ {0,1}`` the class runs (only
when ``min_size > 0``).

* :func:`add_class_size` — ``min_c·y[c,t] ≤ n[c,t] ≤ max_c·y[c,t]`` (or ``n ≤ max_c``);
* :func:`add_trainer_seats` — ``Σ_{c∈g, t ≤ w < t + training_c} n[c,t] ≤ seats_g`` per group and week.

Second stage (per scenario, after volume and attrition are known)
-----------------------------------------------------------------
``P[s,g,w]`` productive FTE, ``ot, vto, short, over ≥ 0`` in FTE-weeks:

* :func:`add_productive` — ``P[s,g,w] = E_s[g,w] + Σ_{c∈g,t} π_s[c,t,w]·n[c,t]``;
* :func:`add_coverage` — ``P + ot − vto + short − over = R_s[g,w]``;
* :func:`add_overtime_caps` — ``ot ≤ (OT_h / paid_h)·P`` and ``vto ≤ (VTO_h / paid_h)·P``: the
  well-being cap on overtime hours per productive agent per week, and the undertime cap;
* :func:`add_cvar` (optional) — ``u_s ≥ cost_s − η``, ``u_s ≥ 0`` (Rockafellar & Uryasev 2000,
  "Optimization of conditional value-at-risk", *J. of Risk* 2(3)).

Objective (:func:`set_objective`), currency units, expected over scenarios (the wages of the people
today are a constant, a column fixed at 1)::

    Σ_{c,t} cost_per_hire_c·n[c,t]
    + Σ_s p_s Σ_{g,w} [ wage_g·paid_h·(E_s[g,w] + Σ σ_s[c,t,w]·n[c,t])       wages, trainees too
                        + ot_cost_g·paid_h·ot − vto_saving_g·paid_h·vto      overtime − VTO savings
                        + pen_short·short + pen_excess·over ]                penalties
    + λ·(η + Σ_s p_s·u_s / (1 − α))                                          CVaR term, λ ≥ 0

This is the aggregate workforce-planning LP (Holt, Modigliani, Muth & Simon 1960, *Planning
Production, Inventories, and Work Force*; the hiring/overtime/idle-time LP of Hanssmann & Hess
1960, "A linear programming approach to production and employment scheduling", *Management
Technology* 1) with integer class sizes, cohorts through tenure with attrition by tenure and a
proficiency ramp (Gans & Zhou 2002, "Managing learning and turnover in employee staffing",
*Operations Research* 50(6)), and a two-stage sample-average form over volume and attrition
scenarios (Birge & Louveaux, *Introduction to Stochastic Programming*, 2nd ed., 2011, ch. 3).
The NICE roll-forward is the special case with every ``n`` fixed (:func:`solve_capacity` with
``fixed_hires``) and no overtime.

Shadow prices: after the MIP, the classes that run are fixed (``y`` at its value), class sizes are
relaxed to continuous and the LP is solved again; the dual of a trainer-seat row is the value of
one more seat in that week, the dual of ``n ≤ max·y`` the value of one more place in that class
(both in currency units saved, :func:`shadow_prices`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pulp

from planner import solver
from planner.capacity.inputs import CapacityInputs, HireClass
from planner.capacity.rollforward import (
    ClassCoefficients,
    class_coefficients,
    existing_headcount,
    tenure_attrition,
)
from planner.capacity.scenarios import ScenarioSet
from planner.solver import SolveResult, SolveStatus
from planner.types import Scenario, Settings


@dataclass(frozen=True)
class ClassStart:
    """One allowed start of one hire class."""

    hire_class: HireClass
    group_index: int
    week: int


@dataclass(frozen=True, eq=False)
class CapacityData:
    """Every number the model needs, computed once (arrays are scenarios × groups × weeks).

    Parameters
    ----------
    groups : tuple of str
    weeks : int
    weights : numpy.ndarray
        Scenario probabilities (S,).
    required : numpy.ndarray
        Required FTE (S, G, W).
    existing : numpy.ndarray
        The people today still employed (S, G, W), FTE; all tenured and productive.
    starts : tuple of ClassStart
    coefficients : tuple of ClassCoefficients
        Per hire of each start, arrays (S, W).
    wage_week, overtime_week, vto_week : numpy.ndarray
        Wage, overtime cost and VTO saving of one FTE-week per group (G,), currency units.
    overtime_cap, vto_cap : numpy.ndarray
        Overtime / VTO FTE per productive FTE per group (G,): cap hours / paid hours.
    seats : tuple of int or None
        Trainer seats per group.
    shortfall_penalty, excess_penalty : float
        Per FTE-week, currency units.
    cvar_weight, cvar_alpha : float
    """

    groups: tuple[str, ...]
    weeks: int
    weights: np.ndarray
    required: np.ndarray
    existing: np.ndarray
    starts: tuple[ClassStart, ...]
    coefficients: tuple[ClassCoefficients, ...]
    wage_week: np.ndarray
    overtime_week: np.ndarray
    vto_week: np.ndarray
    overtime_cap: np.ndarray
    vto_cap: np.ndarray
    seats: tuple[int | None, ...]
    shortfall_penalty: float
    excess_penalty: float
    cvar_weight: float = 0.0
    cvar_alpha: float = 0.9

    @property
    def scenario_count(self) -> int:
        return len(self.weights)


def capacity_data(
    inputs: CapacityInputs, scenario: Scenario, required: np.ndarray, scenarios: ScenarioSet
) -> CapacityData:
    """Assemble :class:`CapacityData` from validated inputs.

    Parameters
    ----------
    inputs : CapacityInputs
        Validated against ``scenario`` (:func:`planner.capacity.inputs.check_capacity`).
    scenario : Scenario
        Its staffing groups (order) and shift templates (default wages).
    required : numpy.ndarray
        Required FTE per scenario, group and week (S, G, W).
    scenarios : ScenarioSet
        Weights and the attrition multipliers.
    """
    settings = inputs.settings
    groups = tuple(g.name for g in scenario.staffing_groups)
    weeks = settings.weeks
    longest = max((b.max_tenure_weeks or 0 for b in inputs.tenure_buckets), default=0)
    attrition = tenure_attrition(inputs, longest + weeks + 1, scenarios.attrition)
    existing = np.stack([existing_headcount(inputs, g, attrition) for g in groups], axis=1)
    starts: list[ClassStart] = []
    coefficients: list[ClassCoefficients] = []
    for hire_class in inputs.hire_classes:
        k = groups.index(hire_class.group)
        for week in sorted(hire_class.start_weeks):
            starts.append(ClassStart(hire_class, k, week))
            coefficients.append(class_coefficients(hire_class, week, attrition, weeks))
    paid = settings.paid_hours_per_fte_week
    economics = [inputs.group_economics(scenario, g) for g in groups]
    return CapacityData(
        groups=groups,
        weeks=weeks,
        weights=np.asarray(scenarios.weights, dtype=float),
        required=np.asarray(required, dtype=float),
        existing=existing,
        starts=tuple(starts),
        coefficients=tuple(coefficients),
        wage_week=np.array([e.wage_per_hour * paid for e in economics]),
        vto_week=np.array([e.vto_saving * paid for e in economics]),
        overtime_week=np.array([e.overtime_cost_per_hour * paid for e in economics]),
        overtime_cap=np.array([e.max_overtime_hours_per_agent_week / paid for e in economics]),
        vto_cap=np.array([e.max_vto_hours_per_agent_week / paid for e in economics]),
        seats=tuple(e.trainer_seats for e in economics),
        shortfall_penalty=settings.shortfall_penalty_per_fte_week,
        excess_penalty=settings.excess_penalty_per_fte_week,
        cvar_weight=settings.cvar_weight,
        cvar_alpha=settings.cvar_alpha,
    )


@dataclass
class CapacityModel:
    """The PuLP problem and its variables (built by :func:`build_model`)."""

    data: CapacityData
    problem: pulp.LpProblem
    hires: list[pulp.LpVariable] = field(default_factory=list)
    runs: list[pulp.LpVariable | None] = field(default_factory=list)
    productive: dict[tuple[int, int, int], pulp.LpVariable] = field(default_factory=dict)
    overtime: dict[tuple[int, int, int], pulp.LpVariable] = field(default_factory=dict)
    vto: dict[tuple[int, int, int], pulp.LpVariable] = field(default_factory=dict)
    short: dict[tuple[int, int, int], pulp.LpVariable] = field(default_factory=dict)
    over: dict[tuple[int, int, int], pulp.LpVariable] = field(default_factory=dict)
    size_rows: list[pulp.LpConstraint | None] = field(default_factory=list)
    seat_rows: dict[tuple[int, int], pulp.LpConstraint] = field(default_factory=dict)
    cvar_eta: pulp.LpVariable | None = None
    cvar_excess: list[pulp.LpVariable] = field(default_factory=list)

    def add(self, name: str, constraint: pulp.LpConstraint) -> pulp.LpConstraint:
        self.problem.addConstraint(constraint, name)
        return constraint


def _cell_name(s: int, g: int, w: int) -> str:
    return f"s{s}_g{g}_w{w + 1}"


def add_class_size(model: CapacityModel, fixed_hires: Mapping[int, int] | None = None) -> None:
    """Class-size variables and ``min·y ≤ n ≤ max·y`` (``n ≤ max`` when ``min = 0``).

    With ``fixed_hires`` (start index → size) those sizes are fixed (the roll-forward case).
    """
    for i, start in enumerate(model.data.starts):
        c = start.hire_class
        n = model.problem.add_variable(f"hire_{i}", 0, c.max_size, pulp.LpInteger)
        model.hires.append(n)
        if fixed_hires is not None:
            size = int(fixed_hires.get(i, 0))
            n.lowBound = n.upBound = size
            model.runs.append(None)
            model.size_rows.append(None)
            continue
        if c.min_size > 0:
            y = model.problem.add_variable(f"runs_{i}", 0, 1, pulp.LpInteger)
            model.runs.append(y)
            model.add(f"min_size_{i}", pulp.LpAffineExpression([(n, 1.0), (y, -float(c.min_size))]) >= 0)
            row = model.add(
                f"max_size_{i}", pulp.LpAffineExpression([(n, 1.0), (y, -float(c.max_size))]) <= 0
            )
            model.size_rows.append(row)
        else:
            model.runs.append(None)
            model.size_rows.append(None)


def add_trainer_seats(model: CapacityModel) -> None:
    """``Σ_{c∈g, t ≤ w < t + training_c} n[c,t] ≤ seats_g`` for every group with a seat cap."""
    data = model.data
    for g, seats in enumerate(data.seats):
        if seats is None:
            continue
        for w in range(1, data.weeks + 1):
            terms = [
                (model.hires[i], 1.0)
                for i, st in enumerate(data.starts)
                if st.group_index == g and st.week <= w < st.week + st.hire_class.training_weeks
            ]
            if terms:
                model.seat_rows[(g, w)] = model.add(
                    f"seats_g{g}_w{w}", pulp.LpAffineExpression(terms) <= float(seats)
                )


def add_productive(model: CapacityModel) -> None:
    """``P[s,g,w] − Σ π_s[c,t,w]·n[c,t] = E_s[g,w]``: productive FTE of each scenario and week."""
    data = model.data
    by_group: dict[int, list[int]] = {}
    for i, st in enumerate(data.starts):
        by_group.setdefault(st.group_index, []).append(i)
    for s in range(data.scenario_count):
        for g in range(len(data.groups)):
            mine = by_group.get(g, [])
            for w in range(data.weeks):
                p = model.problem.add_variable(f"productive_{_cell_name(s, g, w)}", 0, None)
                model.productive[(s, g, w)] = p
                terms = [(p, 1.0)]
                for i in mine:
                    value = data.coefficients[i].productive[s, w]
                    if value > 0:
                        terms.append((model.hires[i], -float(value)))
                model.add(
                    f"prod_{_cell_name(s, g, w)}",
                    pulp.LpAffineExpression(terms) == float(data.existing[s, g, w]),
                )


def add_coverage(model: CapacityModel) -> None:
    """``P + ot − vto + short − over = R_s[g,w]`` with the four slacks ≥ 0."""
    data = model.data
    for (s, g, w), p in model.productive.items():
        name = _cell_name(s, g, w)
        ot = model.overtime[(s, g, w)] = model.problem.add_variable(f"ot_{name}", 0, None)
        vto = model.vto[(s, g, w)] = model.problem.add_variable(f"vto_{name}", 0, None)
        short = model.short[(s, g, w)] = model.problem.add_variable(f"short_{name}", 0, None)
        over = model.over[(s, g, w)] = model.problem.add_variable(f"over_{name}", 0, None)
        expr = pulp.LpAffineExpression([(p, 1.0), (ot, 1.0), (vto, -1.0), (short, 1.0), (over, -1.0)])
        model.add(f"cover_{name}", expr == float(data.required[s, g, w]))


def add_overtime_caps(model: CapacityModel) -> None:
    """``ot ≤ κ_ot,g·P`` and ``vto ≤ κ_vto,g·P`` (caps in hours per productive agent-week)."""
    data = model.data
    for (s, g, w), p in model.productive.items():
        name = _cell_name(s, g, w)
        for kind, var, cap in (
            ("ot", model.overtime[(s, g, w)], data.overtime_cap[g]),
            ("vto", model.vto[(s, g, w)], data.vto_cap[g]),
        ):
            if cap <= 0:
                var.upBound = 0
                continue
            model.add(f"{kind}cap_{name}", pulp.LpAffineExpression([(var, 1.0), (p, -float(cap))]) <= 0)


def scenario_cost_terms(model: CapacityModel, s: int) -> tuple[list[tuple[pulp.LpVariable, float]], float]:
    """Cost of scenario ``s`` as (terms, constant): hiring + wages + overtime − VTO + penalties."""
    data = model.data
    terms: list[tuple[pulp.LpVariable, float]] = []
    for i, st in enumerate(data.starts):
        wage = data.wage_week[st.group_index] * float(data.coefficients[i].headcount[s].sum())
        terms.append((model.hires[i], st.hire_class.cost_per_hire + wage))
    for g in range(len(data.groups)):
        for w in range(data.weeks):
            terms += [
                (model.overtime[(s, g, w)], float(data.overtime_week[g])),
                (model.vto[(s, g, w)], -float(data.vto_week[g])),
                (model.short[(s, g, w)], data.shortfall_penalty),
                (model.over[(s, g, w)], data.excess_penalty),
            ]
    constant = float((data.wage_week[:, None] * data.existing[s]).sum())
    return terms, constant


def add_cvar(model: CapacityModel) -> None:
    """``u_s ≥ cost_s − η``, ``u_s ≥ 0`` (only with ``cvar_weight > 0``)."""
    data = model.data
    if data.cvar_weight <= 0:
        return
    model.cvar_eta = model.problem.add_variable("cvar_eta", None, None)
    for s in range(data.scenario_count):
        u = model.problem.add_variable(f"cvar_excess_{s}", 0, None)
        model.cvar_excess.append(u)
        terms, constant = scenario_cost_terms(model, s)
        expr = pulp.LpAffineExpression([(u, 1.0), (model.cvar_eta, 1.0)] + [(v, -c) for v, c in terms])
        model.add(f"cvar_{s}", expr >= constant)


def set_objective(model: CapacityModel) -> None:
    """Expected cost (see the module docstring) plus the CVaR term."""
    data = model.data
    coefficient: dict[str, tuple[pulp.LpVariable, float]] = {}

    def put(var: pulp.LpVariable, value: float) -> None:
        old = coefficient.get(var.name)
        coefficient[var.name] = (var, value + (old[1] if old else 0.0))

    weights = data.weights
    for i, st in enumerate(data.starts):
        wage = data.wage_week[st.group_index] * float(weights @ data.coefficients[i].headcount.sum(axis=1))
        put(model.hires[i], st.hire_class.cost_per_hire + wage)
    for (s, g, w), ot in model.overtime.items():
        p = float(weights[s])
        put(ot, p * float(data.overtime_week[g]))
        put(model.vto[(s, g, w)], -p * float(data.vto_week[g]))
        put(model.short[(s, g, w)], p * data.shortfall_penalty)
        put(model.over[(s, g, w)], p * data.excess_penalty)
    if model.cvar_eta is not None:
        lam = data.cvar_weight
        put(model.cvar_eta, lam)
        for s, u in enumerate(model.cvar_excess):
            put(u, lam * float(weights[s]) / (1.0 - data.cvar_alpha))
    # The wages of the people today are a constant. HiGHS drops PuLP's objective constant, so it
    # enters as a column fixed at 1: the solver's gap is then the gap of the whole plan's cost.
    constant = float(np.einsum("s,g,sgw->", weights, data.wage_week, data.existing))
    today = model.problem.add_variable("wages_of_people_today", 1, 1)
    put(today, constant)
    model.problem.setObjective(pulp.LpAffineExpression(list(coefficient.values())))


def build_model(data: CapacityData, fixed_hires: Mapping[int, int] | None = None) -> CapacityModel:
    """The whole MIP (every constraint family above)."""
    model = CapacityModel(data=data, problem=pulp.LpProblem("capacity_plan", pulp.LpMinimize))
    add_class_size(model, fixed_hires)
    add_trainer_seats(model)
    add_productive(model)
    add_coverage(model)
    add_overtime_caps(model)
    add_cvar(model)
    set_objective(model)
    return model


@dataclass(frozen=True, eq=False)
class CapacitySolution:
    """The solved plan: hires and the second-stage levels of every scenario.

    Arrays of the second stage are (S, G, W), FTE (FTE-weeks for the slacks).

    Parameters
    ----------
    solve : SolveResult
        Status, objective, bound, gap and seconds of the MIP.
    hires : numpy.ndarray
        Class size of each start (int), aligned with ``data.starts``.
    productive, headcount, overtime, vto, short, over : numpy.ndarray
    cost_by_scenario : numpy.ndarray
        Total cost of each scenario (S,), currency units.
    cost_parts : dict of str to float
        Expected cost by component: ``hiring, wages, overtime, vto_savings, shortfall_penalty,
        excess_penalty, total``.
    seat_values : dict of (group, week) to float
        Value of one more trainer seat (currency saved), from the LP duals.
    place_values : dict of int to float
        Value of one more place in a class that runs (currency saved per extra hire allowed).
    build_seconds : float
    size : dict of str to int
        ``columns, integer_columns, rows``.
    """

    data: CapacityData
    solve: SolveResult
    hires: np.ndarray
    productive: np.ndarray
    headcount: np.ndarray
    overtime: np.ndarray
    vto: np.ndarray
    short: np.ndarray
    over: np.ndarray
    cost_by_scenario: np.ndarray
    cost_parts: dict[str, float]
    seat_values: dict[tuple[int, int], float]
    place_values: dict[int, float]
    build_seconds: float
    size: dict[str, int]


def _array(data: CapacityData, cells: Mapping[tuple[int, int, int], pulp.LpVariable]) -> np.ndarray:
    out = np.zeros((data.scenario_count, len(data.groups), data.weeks))
    for (s, g, w), var in cells.items():
        out[s, g, w] = var.varValue or 0.0
    return out


def evaluate_costs(
    data: CapacityData,
    hires: np.ndarray,
    overtime: np.ndarray,
    vto: np.ndarray,
    short: np.ndarray,
    over: np.ndarray,
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Cost of each scenario by component (the objective without the CVaR term), currency units."""
    hiring = np.full(
        data.scenario_count,
        float(sum(st.hire_class.cost_per_hire * h for st, h in zip(data.starts, hires, strict=True))),
    )
    wages = np.einsum("g,sgw->s", data.wage_week, data.existing)
    for i, st in enumerate(data.starts):
        wages = wages + hires[i] * data.wage_week[st.group_index] * data.coefficients[i].headcount.sum(axis=1)
    parts = {
        "hiring": hiring,
        "wages": wages,
        "overtime": np.einsum("g,sgw->s", data.overtime_week, overtime),
        "vto_savings": np.einsum("g,sgw->s", data.vto_week, vto),
        "shortfall_penalty": data.shortfall_penalty * short.sum(axis=(1, 2)),
        "excess_penalty": data.excess_penalty * over.sum(axis=(1, 2)),
    }
    total = (
        parts["hiring"]
        + parts["wages"]
        + parts["overtime"]
        - parts["vto_savings"]
        + parts["shortfall_penalty"]
        + parts["excess_penalty"]
    )
    return total, parts


def headcount_of(data: CapacityData, hires: np.ndarray) -> np.ndarray:
    """People on the payroll (trainees included), (S, G, W), FTE."""
    head = data.existing.copy()
    for i, st in enumerate(data.starts):
        head[:, st.group_index, :] += hires[i] * data.coefficients[i].headcount
    return head


def productive_of(data: CapacityData, hires: np.ndarray) -> np.ndarray:
    """Productive FTE (S, G, W) of a hiring plan (the first-stage part of the model, in numpy)."""
    prod = data.existing.copy()
    for i, st in enumerate(data.starts):
        prod[:, st.group_index, :] += hires[i] * data.coefficients[i].productive
    return prod


def shadow_prices(
    model: CapacityModel, settings: Settings
) -> tuple[dict[tuple[int, int], float], dict[int, float]]:
    """Duals of the seat rows and of ``n ≤ max·y`` with the running classes fixed (see module doc).

    The MIP's values are kept: the variables' categories and bounds are restored afterwards.
    """
    if not model.seat_rows and not any(r is not None for r in model.size_rows):
        return {}, {}
    saved = {v.name: (v.cat, v.lowBound, v.upBound, v.varValue) for v in model.problem.variables()}
    try:
        for y in model.runs:
            if y is not None:
                value = round(y.varValue or 0.0)
                y.lowBound = y.upBound = value
        for var in model.problem.variables():
            if var.cat == pulp.LpInteger:
                var.cat = pulp.LpContinuous
        result = solver.solve(model.problem, settings)
        if result.status != SolveStatus.optimal:
            return {}, {}
        seats = {
            key: -float(row.pi or 0.0)
            for key, row in model.seat_rows.items()
            if row.pi is not None and abs(row.pi) > 1e-7
        }
        places = {
            i: -float(row.pi or 0.0)
            for i, row in enumerate(model.size_rows)
            if row is not None
            and row.pi is not None
            and abs(row.pi) > 1e-7
            and (model.runs[i] is not None and (model.runs[i].varValue or 0) > 0.5)
        }
        return seats, places
    finally:
        for var in model.problem.variables():
            cat, low, high, value = saved[var.name]
            var.cat, var.lowBound, var.upBound, var.varValue = cat, low, high, value


EXTENSIVE_MAX_CELLS = 3000
"""Above this many (scenario, group, week) cells ``method="auto"`` uses the L-shaped method."""


def solve_capacity(
    data: CapacityData,
    settings: Settings,
    *,
    fixed_hires: Mapping[int, int] | None = None,
    duals: bool = True,
    method: str = "auto",
    progress: Callable[[float, str], None] | None = None,
) -> CapacitySolution:
    """Build and solve the model; read the solution back into arrays.

    Parameters
    ----------
    data : CapacityData
    settings : Settings
        Solver backend, time limit (s), gap and threads (:func:`planner.solver.solve`).
    fixed_hires : mapping of start index to class size, optional
        Evaluate a given hiring plan (the roll-forward case, or the rule-based what-if): the
        second stage is still optimised per scenario.
    duals : bool
        Also compute :func:`shadow_prices` (extensive form only).
    method : {"auto", "extensive", "decomposed"}
        The extensive form (one MIP) or the L-shaped method
        (:func:`planner.capacity.decomposition.solve_decomposed`); ``auto`` picks the extensive
        form up to :data:`EXTENSIVE_MAX_CELLS` cells. With ``fixed_hires`` anything but
        ``extensive`` evaluates the second stage in closed form
        (:func:`planner.capacity.decomposition.evaluate_fixed`; trainer seats are not checked).
    progress : callable(fraction, message), optional
        Told after each master solve of the L-shaped method.
    """
    if method not in ("auto", "extensive", "decomposed"):
        raise ValueError(f"method must be 'auto', 'extensive' or 'decomposed', got {method!r}")
    cells = data.scenario_count * len(data.groups) * data.weeks
    if (fixed_hires is not None and method != "extensive") or method == "decomposed" or (
            method == "auto" and cells > EXTENSIVE_MAX_CELLS):
        from planner.capacity import decomposition

        if fixed_hires is not None:  # the second stage in closed form: no solver needed
            return decomposition.evaluate_fixed(data, fixed_hires)
        return decomposition.solve_decomposed(
            data,
            settings,
            time_limit_seconds=settings.solver_time_limit_seconds,
            gap=settings.solver_gap,
            duals=duals,
            progress=progress,
        )
    started = time.perf_counter()
    model = build_model(data, fixed_hires)
    build_seconds = time.perf_counter() - started
    result = solver.solve(model.problem, settings)
    variables = model.problem.variables()
    size = {
        "columns": len(variables),
        "integer_columns": sum(v.cat == pulp.LpInteger for v in variables),
        "rows": model.problem.numConstraints(),
    }
    if not result.has_solution:
        zeros = np.zeros((data.scenario_count, len(data.groups), data.weeks))
        empty = np.zeros(len(data.starts), dtype=int)
        return CapacitySolution(
            data,
            result,
            empty,
            zeros,
            zeros,
            zeros,
            zeros,
            zeros,
            zeros,
            np.full(data.scenario_count, math.nan),
            {},
            {},
            {},
            build_seconds,
            size,
        )
    hires = np.array([round(v.varValue or 0.0) for v in model.hires], dtype=int)
    overtime, vto = _array(data, model.overtime), _array(data, model.vto)
    short, over = _array(data, model.short), _array(data, model.over)
    total, parts = evaluate_costs(data, hires, overtime, vto, short, over)
    weights = data.weights
    cost_parts = {k: float(weights @ v) for k, v in parts.items()}
    cost_parts["total"] = float(weights @ total)
    seats, places = shadow_prices(model, settings) if duals and fixed_hires is None else ({}, {})
    return CapacitySolution(
        data,
        result,
        hires,
        _array(data, model.productive),
        headcount_of(data, hires),
        overtime,
        vto,
        short,
        over,
        total,
        cost_parts,
        seats,
        places,
        build_seconds,
        size,
    )


def starts_of_group(data: CapacityData, group: int) -> Sequence[int]:
    """Indices of the class starts of one group."""
    return [i for i, st in enumerate(data.starts) if st.group_index == group]
