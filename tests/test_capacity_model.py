"""The hiring model: roll-forward, brute force, monotone properties, scenarios, decomposition."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from planner.capacity.baseline import rule_based_hires
from planner.capacity.decomposition import recourse
from planner.capacity.inputs import (
    CapacityGroup,
    CapacityInputs,
    CapacitySettings,
    Headcount,
    HireClass,
    TenureBucket,
)
from planner.capacity.model import (
    CapacityData,
    capacity_data,
    productive_of,
    solve_capacity,
)
from planner.capacity.rollforward import roll_forward
from planner.capacity.scenarios import ScenarioSet, deterministic, draw_scenarios
from planner.types import Scenario, Settings

FIRST = date(2027, 1, 4)
EXACT = Settings(start_date=FIRST, solver_gap=1e-7, solver_time_limit_seconds=60.0)
WAGE, OVERTIME = 25.0, 37.5  # per hour; 40 h weeks → 1,000 and 1,500 per FTE-week


def groups_economics(scenario: Scenario, **changes: object) -> tuple[CapacityGroup, ...]:
    values = {
        "wage_per_hour": WAGE,
        "overtime_cost_per_hour": OVERTIME,
        "max_overtime_hours_per_agent_week": 4.0,
        "max_vto_hours_per_agent_week": 4.0,
    }
    values.update(changes)
    return tuple(CapacityGroup(group=g.name, **values) for g in scenario.staffing_groups)  # type: ignore[arg-type]


def make_inputs(
    scenario: Scenario,
    *,
    weeks: int = 10,
    attrition: float = 0.01,
    lead: int = 1,
    training: int = 2,
    nesting: int = 0,
    starts: tuple[int, ...] = (3, 5, 7),
    min_size: int = 0,
    max_size: int = 4,
    people: float = 10.0,
    seats: int | None = None,
    scenarios: int = 1,
    training_attrition: float | None = None,
) -> CapacityInputs:
    buckets = (
        (TenureBucket("tenured", None, attrition),)
        if training_attrition is None
        else (
            TenureBucket("in training", training, training_attrition),
            TenureBucket("tenured", None, attrition),
        )
    )
    settings = CapacitySettings(
        first_week=FIRST,
        weeks=weeks,
        scenarios=scenarios,
        seed=3,
        shortfall_penalty_per_fte_week=3000.0,
        excess_penalty_per_fte_week=50.0,
        schedule_efficiency=1.0,
    )
    klass = HireClass(
        "voice",
        "voice academy",
        lead_weeks=lead,
        training_weeks=training,
        nesting_weeks=nesting,
        start_weeks=starts,
        min_size=min_size,
        max_size=max_size,
        cost_per_hire=2000.0,
        nesting_start_proficiency=0.5,
    )
    economics = tuple(
        replace(g, trainer_seats=seats) if g.group == "voice" else g for g in groups_economics(scenario)
    )
    return CapacityInputs(
        settings=settings,
        tenure_buckets=buckets,
        headcount=(Headcount("voice", buckets[-1].name, people),),
        hire_classes=(klass,),
        groups=economics,
    )


def voice_required(scenario: Scenario, values: list[float], count: int = 1) -> np.ndarray:
    """Required FTE (S, G, W): ``values`` for voice, 0 elsewhere."""
    required = np.zeros((count, len(scenario.staffing_groups), len(values)))
    required[:, 0, :] = values
    return required


RISING = [9.0, 9.5, 10.0, 11.0, 12.0, 13.0, 14.0, 14.5, 15.0, 15.0]


# -- the roll-forward ---------------------------------------------------------------------------
def test_roll_forward_reproduces_the_nice_formula_by_hand() -> None:
    # FTE(w) = max(0, FTE(w−1) − attrition(w−1)) + hires(w − 2), worked by hand:
    # w1 = 10; w2 = 10 − 1 = 9; w3 = 9 − 2 + 3 = 10; w4 = max(0, 10 − 20) + 0 = 0; w5 = 0.
    fte = roll_forward(10.0, [1.0, 2.0, 20.0, 0.0, 0.0], [3.0, 0.0, 0.0, 0.0, 0.0], 2)
    assert fte.tolist() == [10.0, 9.0, 10.0, 0.0, 0.0]


def test_model_with_hires_given_is_the_roll_forward_to_the_fte(small_scenario: Scenario) -> None:
    # One tenured rate, no attrition in training, no nesting: the cohort model is NICE's formula.
    inputs = make_inputs(
        small_scenario,
        weeks=12,
        attrition=0.02,
        training=3,
        starts=(2, 4, 6),
        training_attrition=0.0,
        people=40.0,
    )
    data = capacity_data(
        inputs, small_scenario, voice_required(small_scenario, [40.0] * 12), deterministic(12)
    )
    hires = {0: 4, 1: 2, 2: 3}
    solution = solve_capacity(data, EXACT, fixed_hires=hires)
    by_week = np.zeros(12)
    for i, size in hires.items():
        by_week[data.starts[i].week - 1] = size
    expected = roll_forward(40.0, [0.02] * 12, by_week, 3, attrition_is_rate=True)
    np.testing.assert_allclose(solution.productive[0, 0], expected, rtol=0, atol=1e-9)
    assert np.round(solution.productive[0, 0]).tolist() == np.round(expected).tolist()


# -- brute force --------------------------------------------------------------------------------
def brute_force_cost(data: CapacityData, hires: np.ndarray) -> float:
    """Total expected cost of a hiring plan, second stage by hand (greedy per week, independent)."""
    total = 0.0
    productive = productive_of(data, hires)
    for s, p_s in enumerate(data.weights):
        cost = float(data.wage_week @ data.existing[s].sum(axis=1))
        for i, st in enumerate(data.starts):
            cost += hires[i] * (
                st.hire_class.cost_per_hire
                + data.wage_week[st.group_index] * data.coefficients[i].headcount[s].sum()
            )
        for g in range(len(data.groups)):
            for w in range(data.weeks):
                have, need = productive[s, g, w], data.required[s, g, w]
                if need > have:
                    ot = min(need - have, data.overtime_cap[g] * have)
                    cost += data.overtime_week[g] * ot + data.shortfall_penalty * (need - have - ot)
                else:
                    vto = min(have - need, data.vto_cap[g] * have)
                    cost += -data.vto_week[g] * vto + data.excess_penalty * (have - need - vto)
        total += p_s * cost
    return total


@pytest.mark.parametrize("min_size", [0, 2])
def test_optimum_equals_brute_force_enumeration_of_class_sizes(
    small_scenario: Scenario, min_size: int
) -> None:
    inputs = make_inputs(small_scenario, min_size=min_size, max_size=4, nesting=2)
    data = capacity_data(inputs, small_scenario, voice_required(small_scenario, RISING), deterministic(10))
    sizes = [0, *range(max(min_size, 1), 5)]
    best = min((brute_force_cost(data, np.array(c)), c) for c in itertools.product(sizes, repeat=3))
    solution = solve_capacity(data, EXACT, method="extensive")
    assert solution.solve.status.value == "optimal"
    assert solution.cost_parts["total"] == pytest.approx(best[0], rel=1e-7)
    assert brute_force_cost(data, solution.hires) == pytest.approx(best[0], rel=1e-7)


def test_stochastic_optimum_equals_brute_force_and_the_decomposition(small_scenario: Scenario) -> None:
    inputs = make_inputs(small_scenario, scenarios=5, nesting=2)
    inputs = inputs.replace(settings=replace(inputs.settings, volume_cv=0.15, attrition_cv=0.5))
    draws = draw_scenarios(inputs.settings)
    required = voice_required(small_scenario, RISING, 5) * draws.volume[:, None, :]
    data = capacity_data(inputs, small_scenario, required, draws)
    best = min(brute_force_cost(data, np.array(c)) for c in itertools.product(range(5), repeat=3))
    extensive = solve_capacity(data, EXACT, method="extensive")
    decomposed = solve_capacity(data, EXACT, method="decomposed")
    assert extensive.cost_parts["total"] == pytest.approx(best, rel=1e-7)
    assert decomposed.solve.status.value == "optimal"
    assert decomposed.cost_parts["total"] == pytest.approx(best, rel=1e-6)


# -- monotone properties ------------------------------------------------------------------------
def test_more_attrition_never_means_fewer_hires(small_scenario: Scenario) -> None:
    hires = []
    for rate in (0.0, 0.01, 0.03, 0.06):
        inputs = make_inputs(
            small_scenario, weeks=16, attrition=rate, starts=(3, 5, 7, 9, 11), max_size=8, people=12.0
        )
        data = capacity_data(
            inputs, small_scenario, voice_required(small_scenario, [12.0] * 16), deterministic(16)
        )
        hires.append(int(solve_capacity(data, EXACT).hires.sum()))
    assert hires == sorted(hires)
    assert hires[-1] > hires[0]


def test_a_longer_lead_time_never_lowers_the_cost(small_scenario: Scenario) -> None:
    costs = []
    for lead in (1, 3, 5, 7):
        starts = tuple(w for w in (3, 5, 7, 9, 11) if w >= 1 + lead)
        inputs = make_inputs(small_scenario, weeks=16, lead=lead, starts=starts, max_size=8, people=9.0)
        ramp = [9.0 + 0.5 * w for w in range(16)]
        data = capacity_data(inputs, small_scenario, voice_required(small_scenario, ramp), deterministic(16))
        costs.append(solve_capacity(data, EXACT).cost_parts["total"])
    assert all(b >= a - 1e-6 for a, b in itertools.pairwise(costs))
    assert costs[-1] > costs[0]


# -- scenarios ---------------------------------------------------------------------------------
def test_the_scenario_model_with_one_scenario_is_the_deterministic_model(small_scenario: Scenario) -> None:
    inputs = make_inputs(small_scenario, nesting=2)
    required = voice_required(small_scenario, RISING)
    single = capacity_data(inputs, small_scenario, required, deterministic(10))
    # The same scenario four times, equally likely, through the two-stage machinery (both methods).
    copies = ScenarioSet(np.full(4, 0.25), np.ones((4, 10)), np.ones(4))
    repeated = capacity_data(inputs, small_scenario, np.repeat(required, 4, axis=0), copies)
    deterministic_plan = solve_capacity(single, EXACT, method="extensive")
    for method in ("extensive", "decomposed"):
        stochastic = solve_capacity(repeated, EXACT, method=method)
        assert stochastic.hires.tolist() == deterministic_plan.hires.tolist()
        assert stochastic.cost_parts["total"] == pytest.approx(
            deterministic_plan.cost_parts["total"], rel=1e-7
        )


def test_draws_are_seeded_and_mean_one() -> None:
    settings = CapacitySettings(first_week=FIRST, weeks=30, scenarios=400, seed=7, volume_cv=0.1)
    a, b = draw_scenarios(settings), draw_scenarios(settings)
    np.testing.assert_array_equal(a.volume, b.volume)
    assert a.weights.sum() == pytest.approx(1.0)
    assert a.volume.mean() == pytest.approx(1.0, abs=0.02)
    assert np.log(a.volume).std() == pytest.approx(0.1, rel=0.1)
    other = draw_scenarios(replace(settings, seed=8))
    assert not np.array_equal(a.volume, other.volume)


# -- constraints --------------------------------------------------------------------------------
def test_trainer_seats_cap_the_classes_in_training_and_have_a_value(small_scenario: Scenario) -> None:
    inputs = make_inputs(
        small_scenario,
        weeks=14,
        training=3,
        starts=(3, 4, 5, 6),
        max_size=10,
        people=5.0,
        seats=6,
        min_size=1,
    )
    data = capacity_data(
        inputs, small_scenario, voice_required(small_scenario, [14.0] * 14), deterministic(14)
    )
    for method in ("extensive", "decomposed"):
        solution = solve_capacity(data, EXACT, method=method)
        for w in range(1, 15):
            in_class = sum(
                h for st, h in zip(data.starts, solution.hires, strict=True) if st.week <= w < st.week + 3
            )
            assert in_class <= 6
        assert any(v > 0 for v in solution.seat_values.values()), method


def test_overtime_stays_within_the_cap(small_scenario: Scenario) -> None:
    inputs = make_inputs(small_scenario, max_size=1, people=10.0)
    data = capacity_data(
        inputs, small_scenario, voice_required(small_scenario, [13.0] * 10), deterministic(10)
    )
    for method in ("extensive", "decomposed"):
        solution = solve_capacity(data, EXACT, method=method)
        cap = data.overtime_cap[0] * solution.productive[0, 0]
        assert (solution.overtime[0, 0] <= cap + 1e-7).all()
        assert solution.overtime[0, 0].max() == pytest.approx(cap.max(), rel=1e-6)  # binds when short
        assert solution.short[0, 0].sum() > 0


def test_recourse_in_closed_form_is_a_subgradient(small_scenario: Scenario) -> None:
    inputs = make_inputs(small_scenario)
    data = capacity_data(inputs, small_scenario, voice_required(small_scenario, RISING), deterministic(10))
    rng = np.random.default_rng(1)
    for _ in range(20):
        p1 = rng.uniform(5, 20, data.required.shape)
        p2 = rng.uniform(5, 20, data.required.shape)
        r1, r2 = recourse(data, p1), recourse(data, p2)
        # convexity: f(p2) ≥ f(p1) + f'(p1)·(p2 − p1)
        assert (r2.cost >= r1.cost + r1.slope * (p2 - p1) - 1e-6).all()


def test_the_rule_hires_when_the_gap_exceeds_five_percent(small_scenario: Scenario) -> None:
    inputs = make_inputs(small_scenario, weeks=16, starts=(3, 5, 7, 9, 11), max_size=8, people=10.0)
    ample = capacity_data(
        inputs, small_scenario, voice_required(small_scenario, [5.0] * 16), deterministic(16)
    )
    assert rule_based_hires(ample) == {}  # supply far above the requirement: no class
    ramp = capacity_data(
        inputs,
        small_scenario,
        voice_required(small_scenario, [10.0 + w for w in range(16)]),
        deterministic(16),
    )
    placed = rule_based_hires(ramp)
    assert placed and min(placed) == 0  # the first start already sees a gap > 5 %
    assert all(1 <= h <= 8 for h in placed.values())


def test_the_cvar_term_trades_expected_cost_for_the_bad_tail(small_scenario: Scenario) -> None:
    from planner.capacity.report import cvar

    base = make_inputs(small_scenario, scenarios=8, nesting=2, max_size=6)
    base = base.replace(settings=replace(base.settings, volume_cv=0.25, attrition_cv=0.8, cvar_alpha=0.75))
    draws = draw_scenarios(base.settings)
    required = voice_required(small_scenario, RISING, 8) * draws.volume[:, None, :]
    plans = {}
    for weight in (0.0, 2.0):
        inputs = base.replace(settings=replace(base.settings, cvar_weight=weight))
        data = capacity_data(inputs, small_scenario, required, draws)
        extensive = solve_capacity(data, EXACT, method="extensive", duals=False)
        decomposed = solve_capacity(data, EXACT, method="decomposed")
        assert decomposed.solve.objective == pytest.approx(extensive.solve.objective, rel=1e-5)
        tail = cvar(extensive.cost_by_scenario, data.weights, 0.75)
        # the solver's objective is the expected cost plus weight × CVaR, recomputed independently
        expected = extensive.cost_parts["total"] + weight * tail
        assert extensive.solve.objective == pytest.approx(expected, rel=1e-6)
        plans[weight] = (extensive.cost_parts["total"], tail)
    assert plans[2.0][1] <= plans[0.0][1] + 1e-6  # the tail does not get worse …
    assert plans[2.0][0] >= plans[0.0][0] - 1e-6  # … and the mean does not get better


def test_a_lower_vto_saving_never_lowers_the_cost_and_both_methods_agree(small_scenario: Scenario) -> None:
    costs = []
    for saving in (None, 15.0, 0.0):  # the wage (25/h), less, nothing
        inputs = make_inputs(small_scenario, people=16.0, scenarios=3)
        inputs = inputs.replace(groups=tuple(replace(g, vto_saving_per_hour=saving) for g in inputs.groups))
        draws = draw_scenarios(inputs.settings)
        data = capacity_data(inputs, small_scenario, voice_required(small_scenario, RISING, 3), draws)
        extensive = solve_capacity(data, EXACT, method="extensive")
        decomposed = solve_capacity(data, EXACT, method="decomposed")
        assert decomposed.cost_parts["total"] == pytest.approx(extensive.cost_parts["total"], rel=1e-6)
        by_hand = brute_force_cost(data, extensive.hires)
        assert extensive.cost_parts["total"] == pytest.approx(by_hand, rel=1e-7)
        costs.append(extensive.cost_parts["total"])
    assert costs[0] < costs[1] < costs[2]  # 16 people for 9–15 required: VTO is used early on
