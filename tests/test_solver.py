"""The MILP seam (planner.solver): both backends, typed results, bounds and gaps."""

from __future__ import annotations

import math
from datetime import date

import pulp
import pytest

from planner.solver import SolveResult, SolveStatus, combine, relative_gap, solve
from planner.types import Settings

SETTINGS = Settings(start_date=date(2026, 1, 5), solver_time_limit_seconds=20.0, solver_gap=1e-6)
BACKENDS = ("highs", "cbc")


def small_mip() -> tuple[pulp.LpProblem, pulp.LpVariable, pulp.LpVariable]:
    """min 3x + 2.2y s.t. 2x + 3y ≥ 7.5, x, y ∈ ℤ≥0.

    By hand: y = 3, x = 0 costs 6.6 (x = 1, y = 2 costs 7.4; y alone is the cheaper cover,
    2.2/3 < 3/2). The LP relaxation is y = 2.5 at 5.5.
    """
    problem = pulp.LpProblem("small", pulp.LpMinimize)
    x = problem.add_variable("x", 0, None, pulp.LpInteger)
    y = problem.add_variable("y", 0, None, pulp.LpInteger)
    problem.setObjective(3 * x + 2.2 * y)
    problem.addConstraint(2 * x + 3 * y >= 7.5, "cover")
    return problem, x, y


@pytest.mark.parametrize("backend", BACKENDS)
def test_small_mip_optimum_and_bound(backend: str) -> None:
    problem, x, y = small_mip()
    result = solve(problem, SETTINGS, solver=backend)
    assert result.status == SolveStatus.optimal
    assert result.objective == pytest.approx(6.6)
    assert (x.value(), y.value()) == (0, 3)
    assert 5.5 - 1e-9 <= result.best_bound <= result.objective + 1e-9
    assert result.gap <= 1e-6 and result.seconds > 0
    assert result.has_solution


@pytest.mark.parametrize("backend", BACKENDS)
def test_infeasible_model_is_reported_as_such(backend: str) -> None:
    problem = pulp.LpProblem("impossible", pulp.LpMinimize)
    x = problem.add_variable("x", 0, 1, pulp.LpInteger)
    problem.setObjective(x)
    problem.addConstraint(x >= 2, "too_much")
    result = solve(problem, SETTINGS, solver=backend)
    assert result.status == SolveStatus.infeasible
    assert not result.has_solution and math.isnan(result.objective)


@pytest.mark.parametrize("backend", BACKENDS)
def test_linear_program_bound_equals_objective(backend: str) -> None:
    problem = pulp.LpProblem("lp", pulp.LpMinimize)
    y = problem.add_variable("y", 0, None)
    problem.setObjective(2.2 * y)
    problem.addConstraint(3 * y >= 7.5, "cover")
    result = solve(problem, SETTINGS, solver=backend)
    assert result.status == SolveStatus.optimal
    assert result.objective == pytest.approx(5.5)
    assert result.best_bound == pytest.approx(5.5) and result.gap == pytest.approx(0.0, abs=1e-9)


def test_unknown_backend_is_a_value_error() -> None:
    problem, _, _ = small_mip()
    with pytest.raises(ValueError, match="'highs' or 'cbc'"):
        solve(problem, SETTINGS, solver="gurobi")


def test_relative_gap_definition() -> None:
    assert relative_gap(100.0, 99.0) == pytest.approx(0.01)
    assert relative_gap(100.0, 101.0) == 0.0  # never negative
    assert math.isnan(relative_gap(math.nan, 1.0))


def test_combine_adds_objectives_and_keeps_the_worst_status() -> None:
    a = SolveResult(SolveStatus.optimal, 100.0, 99.0, 0.01, 1.5, "a")
    b = SolveResult(SolveStatus.feasible, 300.0, 290.0, 1 / 30, 2.5, "b")
    both = combine([a, b])
    assert both.status == SolveStatus.feasible
    assert both.objective == 400.0 and both.best_bound == 389.0 and both.seconds == 4.0
    assert both.gap == pytest.approx(11 / 400)
    assert combine([a, SolveResult(SolveStatus.error, math.nan, math.nan, math.nan, 0.1)]).status \
        == SolveStatus.error


def test_combine_calls_parts_optimal_only_when_their_sum_is_within_the_requested_gap() -> None:
    big = SolveResult(SolveStatus.optimal, 1000.0, 995.0, 0.005, 1.0, "big")
    small = SolveResult(SolveStatus.feasible, 100.0, 97.0, 0.03, 1.0, "small")  # 3 % alone
    assert combine([big, small], rel_gap=0.01).status == SolveStatus.optimal  # 8 / 1100 = 0.73 %
    assert combine([big, small], rel_gap=0.005).status == SolveStatus.feasible  # 0.73 % > 0.5 %
    assert combine([big, small]).status == SolveStatus.feasible  # no target: the worst status
    missing = SolveResult(SolveStatus.time_limit_no_solution, math.nan, math.nan, math.nan, 1.0)
    assert combine([big, missing], rel_gap=0.5).status == SolveStatus.time_limit_no_solution
