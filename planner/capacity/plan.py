"""One capacity plan end to end: inputs → required FTE → scenarios → MIP → report.

:func:`plan_capacity` is what ``planner capacity``, the web job and the tests call. Each stage is
computed once and passed on: the live demand and the staffing curve of the scenario, the
schedule-efficiency factor (from a plan given by the caller, typed in, or one time-limited
schedule of the scenario's own horizon), the scenario draws, the model data.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from planner import demand
from planner.capacity import baseline, report
from planner.capacity.inputs import CapacityInputs, Headcount, check_capacity
from planner.capacity.model import CapacityData, CapacitySolution, capacity_data, solve_capacity
from planner.capacity.people import PEOPLE_COLUMNS, people_today, starting_headcount
from planner.capacity.requirement import (
    Efficiency,
    WeeklyWorkload,
    efficiency_from_plan,
    given_efficiency,
    required_fte,
    requirement_curve,
    schedule_efficiency,
    weekly_workload,
)
from planner.capacity.scenarios import ScenarioSet, draw_scenarios
from planner.types import Scenario

Progress = Callable[[float, str], None]
"""``progress(fraction, message)``: fraction of the whole run done, in [0, 1]."""


@dataclass(frozen=True, eq=False)
class CapacityPlan:
    """A solved capacity plan with its report tables.

    Parameters
    ----------
    scenario : Scenario
    inputs : CapacityInputs
    workload : WeeklyWorkload
    efficiency : Efficiency
    scenarios : ScenarioSet
    data : CapacityData
    solution : CapacitySolution
    weekly : pandas.DataFrame
        :data:`planner.capacity.report.WEEKLY_COLUMNS`, one row per (group, week).
    hiring : pandas.DataFrame
        :data:`planner.capacity.report.HIRING_COLUMNS`, one row per class that runs.
    summary : dict of str to float or str
        Headline numbers (:func:`planner.capacity.report.summary`).
    explanations : tuple of str
        Which rule binds where, in planner words, and warnings.
    baseline : dict or None
        The rule-based what-if on the same scenarios (:func:`planner.capacity.report.compare`).
    timings : dict of str to float
        Seconds per stage.
    people : pandas.DataFrame
        Today's people per (group, contract) from the ``Agents`` sheet
        (:data:`planner.capacity.people.PEOPLE_COLUMNS`); empty without agents.
    people_source : str
        Where today's people come from (the ``Agents`` or the ``Headcount`` sheet), in planner words.
    """

    scenario: Scenario
    inputs: CapacityInputs
    workload: WeeklyWorkload
    efficiency: Efficiency
    scenarios: ScenarioSet
    data: CapacityData
    solution: CapacitySolution
    weekly: Any
    hiring: Any
    summary: dict[str, Any]
    explanations: tuple[str, ...]
    baseline: dict[str, Any] | None = None
    timings: dict[str, float] = field(default_factory=dict)
    people: Any = None
    people_source: str = ""

    @property
    def status(self) -> str:
        return str(self.summary.get("status", ""))


def required_by_scenario(
    scenario: Scenario,
    inputs: CapacityInputs,
    scenarios: ScenarioSet,
    efficiency: Efficiency,
    live: Any | None = None,
) -> tuple[np.ndarray, WeeklyWorkload]:
    """Required FTE (S, G, W) of every scenario, and the weeks' workload (one staffing curve)."""
    live = demand.live_demand(scenario) if live is None else live
    workload = weekly_workload(scenario, inputs, live)
    # m[s, g, w] = m[g, w] × volume[s, w]; groups first for the curve.
    scaled = workload.multiplier[:, None, :] * scenarios.volume[None, :, :]
    curve = requirement_curve(scenario, float(scaled.max()) if scaled.size else 1.0)
    shrink = np.broadcast_to(workload.shrinkage[:, None, :], scaled.shape)
    fte = required_fte(curve, scaled, shrink, efficiency.factor, inputs.settings.paid_hours_per_fte_week)
    return np.transpose(fte, (1, 0, 2)), workload


def with_people_today(scenario: Scenario, inputs: CapacityInputs) -> tuple[CapacityInputs, Any, str]:
    """``inputs`` with today's head count from the scenario's named agents (when it has any), the
    people table and the source text (rules: :mod:`planner.capacity.people`)."""
    if not scenario.agents:
        total = sum(h.fte for h in inputs.headcount)
        return (inputs, pd.DataFrame(columns=list(PEOPLE_COLUMNS)),
                f"Headcount sheet: {total:.1f} FTE by tenure bucket (no Agents sheet)")
    people = people_today(scenario.agents, scenario.contracts,
                          [g.name for g in scenario.staffing_groups],
                          inputs.settings.paid_hours_per_fte_week)
    rows, split_from = starting_headcount(inputs.headcount, inputs.tenure_buckets[-1].name, people)
    headcount = tuple(Headcount(group, bucket, fte) for group, bucket, fte in rows)
    return inputs.replace(headcount=headcount), people.table, people.source_text(split_from)


def resolve_efficiency(
    scenario: Scenario, inputs: CapacityInputs, plan: Any | None, schedule_seconds: float
) -> Efficiency:
    """The schedule-efficiency factor: typed in, from ``plan``'s schedule, or scheduled once."""
    groups = tuple(g.name for g in scenario.staffing_groups)
    if inputs.settings.schedule_efficiency is not None:
        return given_efficiency(
            inputs.settings.schedule_efficiency, groups, "CapacitySettings (schedule_efficiency)"
        )
    if plan is not None:
        measured = efficiency_from_plan(plan, groups)
        if measured is not None:
            return measured
    return schedule_efficiency(scenario, schedule_seconds)


def plan_capacity(
    scenario: Scenario,
    inputs: CapacityInputs,
    progress: Progress | None = None,
    *,
    plan: Any | None = None,
    efficiency: Efficiency | None = None,
    scenarios: int | None = None,
    schedule_seconds: float = 10.0,
    compare_rule: bool = True,
) -> CapacityPlan:
    """Compute the capacity plan of ``scenario`` with ``inputs``.

    Parameters
    ----------
    scenario : Scenario
        Forecast (intraday shape), channels, staffing groups, shift templates, solver settings.
    inputs : CapacityInputs
        Validated here against the scenario (raises :class:`planner.types.InputError`).
    progress : callable(fraction, message), optional
    plan : planner.pipeline.Plan, optional
        A plan of the same scenario with a schedule: its schedule gives the efficiency factor.
    efficiency : Efficiency, optional
        A factor measured elsewhere (e.g. from a stored plan); wins over ``plan``.
    scenarios : int, optional
        Overrides ``inputs.settings.scenarios``.
    schedule_seconds : float
        Time limit of the one schedule run when the factor must be measured here, seconds.
    compare_rule : bool
        Also evaluate the rule-based what-if on the same scenarios.
    """

    def tell(fraction: float, message: str) -> None:
        if progress is not None:
            progress(fraction, f"capacity: {message}")

    timings: dict[str, float] = {}
    if scenarios is not None:
        inputs = inputs.replace(settings=replace(inputs.settings, scenarios=int(scenarios)))
    check_capacity(inputs, scenario)
    inputs, people, people_source = with_people_today(scenario, inputs)
    settings = inputs.settings
    tell(0.0, "schedule-efficiency factor")
    started = time.perf_counter()
    if efficiency is None:
        efficiency = resolve_efficiency(scenario, inputs, plan, schedule_seconds)
    timings["efficiency"] = time.perf_counter() - started
    tell(0.3, f"required FTE per week ({settings.weeks} weeks, {settings.scenarios} scenario(s))")
    started = time.perf_counter()
    draws = draw_scenarios(settings)
    required, workload = required_by_scenario(scenario, inputs, draws, efficiency)
    timings["requirement"] = time.perf_counter() - started
    tell(0.4, "hiring model")
    started = time.perf_counter()
    data = capacity_data(inputs, scenario, required, draws)
    solver_settings = replace(
        scenario.settings,
        solver_time_limit_seconds=settings.solver_time_limit_seconds,
        solver_gap=settings.solver_gap,
    )
    tell(0.45, f"solving the hiring MIP ({len(data.starts)} class starts × {draws.count} scenario(s))")
    solution = solve_capacity(data, solver_settings,
                              progress=lambda share, text: tell(0.45 + 0.4 * share, text))
    timings["model_build"] = solution.build_seconds
    timings["solve"] = solution.solve.seconds
    timings["optimise"] = time.perf_counter() - started
    comparison = None
    if compare_rule and solution.solve.has_solution:
        tell(0.85, "rule-based what-if on the same scenarios")
        started = time.perf_counter()
        rule = baseline.rule_based_hires(data)
        rule_solution = solve_capacity(data, solver_settings, fixed_hires=rule, duals=False)
        comparison = report.compare(solution, rule_solution, settings.short_tolerance_fte)
        timings["rule_what_if"] = time.perf_counter() - started
    tell(0.95, "report")
    weekly = report.weekly_table(inputs, workload, solution, settings.short_tolerance_fte)
    hiring = report.hiring_table(inputs, solution)
    summary = report.summary(inputs, efficiency, solution, weekly)
    summary["people_source"] = people_source
    for group in data.groups:
        summary[f"people_today_fte[{group}]"] = float(sum(h.fte for h in inputs.headcount
                                                          if h.group == group))
    notes = list(workload.notes) + report.explain(inputs, solution, weekly)
    tell(1.0, "plan ready")
    return CapacityPlan(
        scenario=scenario,
        inputs=inputs,
        workload=workload,
        efficiency=efficiency,
        scenarios=draws,
        data=data,
        solution=solution,
        weekly=weekly,
        hiring=hiring,
        summary=summary,
        explanations=tuple(notes),
        baseline=comparison,
        timings=timings,
        people=people,
        people_source=people_source,
    )
