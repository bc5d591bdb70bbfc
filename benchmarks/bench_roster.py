"""Benchmark of the roster of weekly tours (issue 11): one table, ratios in one run.

Input: the week sample with its ``Contracts`` and ``Agents`` sheets
(``sample_inputs/contact_center_week.xlsx``: 672 intervals, breaks and lunch, 140 named agents).

Rows
----
* **shift model** — the day-by-day shift model it replaces (:func:`planner.scheduling.schedule_scenario`,
  every shift its own agent): size, seconds, objective, best bound, gap, labour;
* **tour model** — :func:`planner.roster.roster_scenario`: size (variables, rows, tour classes),
  seconds, objective, best bound, gap against the tour model's own bound, labour, the price of
  tours (labour / shift-model labour − 1, and objective against the shift model's bound),
  assignment seconds, people rostered and the verifier's result;
* **voice alone** — the tour model of the voice group against baseline (a), an *explicit*
  per-person model (one binary per agent × day × shift start, as in OR-Tools'
  ``shift_scheduling_sat.py``; weekly hours, working days, two consecutive days off, max
  consecutive days, start variance and availability per person, coverage without breaks — i.e. a
  *relaxation* of ours, which places breaks too), both through :func:`planner.solver.solve` with
  the same time limit: size, seconds, objective, bound, gap.

Baseline (b), pyworkforce's ``MinHoursRoster``, is not run (optional in the issue; not done).

Usage::

    .venv/bin/python benchmarks/bench_roster.py [--seconds 50] [--voice-seconds 20]
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pulp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from planner import demand, excel, scheduling, staffing  # noqa: E402
from planner import shifts as shift_grid  # noqa: E402
from planner.roster import roster_scenario  # noqa: E402
from planner.roster.model import build_tour_model  # noqa: E402
from planner.roster.solve import solve_tour_model  # noqa: E402
from planner.roster.tours import agent_profiles, horizon_dates, week_patterns  # noqa: E402
from planner.solver import solve  # noqa: E402
from planner.types import Scenario  # noqa: E402


def explicit_person_model(scenario: Scenario, group: str, need: np.ndarray) -> pulp.LpProblem:
    """Baseline (a): one binary per agent × day × (template, start) the agent may work."""
    settings = scenario.settings
    contracts = {c.name: c for c in scenario.contracts}
    plans = shift_grid.template_plans(
        list(scenario.templates_of(group)), list(scenario.break_rules), settings.interval_minutes
    )
    dates = horizon_dates(settings)
    problem = pulp.LpProblem("explicit_roster", pulp.LpMinimize)
    cover: list[list[pulp.LpVariable]] = [[] for _ in range(settings.interval_count)]
    cost: list[tuple[pulp.LpVariable, float]] = []
    rows = 0
    for agent in (a for a in scenario.agents if group in a.groups):
        contract = contracts[agent.contract]
        lengths = set(contract.shift_lengths_minutes)
        used = problem.add_variable(f"u_{agent.agent_id}", 0, 1, pulp.LpInteger)
        low = problem.add_variable(f"lo_{agent.agent_id}", 0, 2880)
        high = problem.add_variable(f"hi_{agent.agent_id}", 0, 2880)
        works, hours = [], []
        for day, when in enumerate(dates):
            window = agent.window_on(when)
            today = []
            for t, plan in enumerate(plans):
                if lengths and plan.template.length_minutes not in lengths:
                    continue
                starts, days = shift_grid.candidate_starts(plan.template, settings)
                for s in starts[days == day]:
                    minute = int(s - day * settings.intervals_per_day) * settings.interval_minutes
                    if window is None or not window.fits(minute, minute + plan.template.length_minutes):
                        continue
                    z = problem.add_variable(f"z_{agent.agent_id}_{day}_{t}_{s}", 0, 1, pulp.LpInteger)
                    today.append(z)
                    hours.append((z, plan.paid_hours))
                    cost.append((z, plan.paid_hours * plan.template.cost_per_hour))
                    for i in range(int(s), min(int(s) + plan.length, settings.interval_count)):
                        cover[i].append(z)
                    problem.addConstraint(low <= minute + 2880 * (1 - z))
                    problem.addConstraint(high >= minute - 2880 * (1 - z))
                    rows += 2
            worked = pulp.lpSum(today) if today else pulp.LpAffineExpression()
            problem.addConstraint(worked <= used)
            works.append(worked)
            rows += 1
        problem.addConstraint(high - low <= contract.max_start_variance_minutes)
        total = pulp.LpAffineExpression(hours)
        problem.addConstraint(total >= contract.min_hours_per_week * used)
        problem.addConstraint(total <= contract.max_hours_per_week * used)
        problem.addConstraint(pulp.lpSum(works) >= contract.min_days_per_week * used)
        problem.addConstraint(pulp.lpSum(works) <= contract.max_days_per_week * used)
        rows += 5
        n = len(works)
        if n == 7 and contract.consecutive_days_off >= 2:
            pairs = []
            for d in range(7):  # an off pair (d, d+1) on the cycle
                q = problem.add_variable(f"q_{agent.agent_id}_{d}", 0, 1, pulp.LpInteger)
                problem.addConstraint(q + works[d] <= 1)
                problem.addConstraint(q + works[(d + 1) % 7] <= 1)
                pairs.append(q)
                rows += 2
            problem.addConstraint(pulp.lpSum(pairs) >= used)
            rows += 1
        span = contract.max_consecutive_days + 1
        if n == 7 and span <= 7:
            for d in range(7):
                problem.addConstraint(
                    pulp.lpSum(works[(d + k) % 7] for k in range(span)) <= contract.max_consecutive_days
                )
                rows += 1
    hours = settings.interval_minutes / 60
    for i, covering in enumerate(cover):
        short = problem.add_variable(f"short_{i}", 0, float(need[i]) if need[i] > 0 else 0)
        over = problem.add_variable(f"over_{i}", 0, None)
        cost.append((short, settings.shortfall_penalty_per_agent_hour * hours))
        cost.append((over, settings.overstaff_penalty_per_agent_hour * hours))
        problem.addConstraint(pulp.lpSum(covering) + short - over == float(need[i]))
        rows += 1
    problem.setObjective(pulp.LpAffineExpression(cost))
    problem.rows_counted = rows  # type: ignore[attr-defined]
    return problem


def _fmt(value: float, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    return f"{value:,.{digits}f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seconds",
        type=float,
        default=None,
        help="time limit of each whole-week run (default: the sample's setting)",
    )
    parser.add_argument(
        "--voice-seconds", type=float, default=20.0, help="time limit of the voice-alone rows"
    )
    args = parser.parse_args(argv)
    scenario = excel.read_workbook(ROOT / "sample_inputs" / "contact_center_week.xlsx")
    if args.seconds is not None:
        scenario = scenario.replace(
            settings=replace(scenario.settings, solver_time_limit_seconds=args.seconds)
        )
    live = demand.live_demand(scenario)
    requirements = staffing.requirements(scenario, live)
    print(
        f"week sample: {scenario.settings.interval_count} intervals, {len(scenario.agents)} agents, "
        f"{len(scenario.contracts)} contracts, limit {scenario.settings.solver_time_limit_seconds:g} s",
        file=sys.stderr,
    )

    started = time.perf_counter()
    shift = scheduling.schedule_scenario(scenario, requirements)
    shift_seconds = time.perf_counter() - started
    started = time.perf_counter()
    roster = roster_scenario(scenario, requirements, shift_result=shift)
    roster_seconds = time.perf_counter() - started
    shift_labour = float(shift.shifts["cost"].sum())
    price = roster.price

    group = "voice"
    rows = requirements[requirements["group"] == group]
    need = np.ceil(rows["required_scheduled"].to_numpy(dtype=float) - 1e-9).astype(np.int64)
    templates = scenario.templates_of(group)
    names = {t.name for t in templates}
    rules = [r for r in scenario.break_rules if r.template in names]
    profiles = [
        p for p in agent_profiles(scenario.agents, scenario.contracts, scenario.settings) if group in p.groups
    ]
    model = build_tour_model(
        need, templates, rules, scenario.settings, group, profiles, [p.cap for p in profiles]
    )
    voice_size = scheduling.model_size(model.base)
    started = time.perf_counter()
    ours = solve_tour_model(model, need, templates, rules, scenario.settings, args.voice_seconds)
    ours_seconds = time.perf_counter() - started
    explicit = explicit_person_model(scenario, group, need)
    explicit_vars = len(explicit.variables())
    explicit_ints = sum(1 for v in explicit.variables() if v.cat == pulp.LpInteger)
    started = time.perf_counter()
    baseline = solve(explicit, scenario.settings, time_limit_seconds=args.voice_seconds)
    baseline_seconds = time.perf_counter() - started

    header = (
        "run",
        "variables",
        "integer",
        "rows",
        "seconds",
        "objective",
        "best bound",
        "gap",
        "labour",
        "notes",
    )
    table = [
        (
            "shift model (day by day), all groups",
            shift.model_size["variables"],
            shift.model_size["integer_variables"],
            shift.model_size["constraints"],
            shift_seconds,
            shift.solve.objective,
            shift.solve.best_bound,
            shift.solve.gap,
            shift_labour,
            f"{len(shift.shifts)} shifts = {len(shift.shifts)} 'agents'",
        ),
        (
            "tour model (ours), all groups",
            roster.schedule.model_size["variables"],
            roster.schedule.model_size["integer_variables"],
            roster.schedule.model_size["constraints"],
            roster_seconds,
            price["tour_objective"],
            price["tour_bound"],
            price["tour_gap"],
            price["tour_labour_cost"],
            f"{roster.schedule.model_size.get('tour_classes', 0)} tour classes; "
            f"{int((roster.roster['days_worked'] > 0).sum())} people rostered, "
            f"{len(roster.unassigned)} not needed; verifier {int(roster.verification['ok'].sum())}/"
            f"{len(roster.verification)} ok; assignment {roster.assignment_seconds:.2f} s",
        ),
        (
            "voice: tour model (ours)",
            voice_size["variables"],
            voice_size["integer_variables"],
            voice_size["constraints"],
            ours_seconds,
            ours.objective,
            ours.best_bound,
            ours.gap,
            math.nan,
            f"{len(model.classes)} tour classes, {len(profiles)} people profiles; breaks placed",
        ),
        (
            "voice: (a) explicit per-person model",
            explicit_vars,
            explicit_ints,
            explicit.rows_counted,  # type: ignore[attr-defined]
            baseline_seconds,
            baseline.objective,
            baseline.best_bound,
            baseline.gap,
            math.nan,
            f"{baseline.status.value}; no breaks (a relaxation of ours)",
        ),
    ]
    widths = [max(len(str(h)), 12) for h in header]
    widths[0], widths[-1] = 40, 20
    print(" | ".join(str(h).ljust(w) for h, w in zip(header, widths, strict=True)))
    print("-|-".join("-" * w for w in widths))
    for row in table:
        cells = [
            row[0],
            _fmt(row[1]),
            _fmt(row[2]),
            _fmt(row[3]),
            _fmt(row[4], 1),
            _fmt(row[5]),
            _fmt(row[6]),
            "—" if not math.isfinite(row[7]) else f"{row[7]:.2%}",
            _fmt(row[8]),
            row[9],
        ]
        print(" | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)))
    print()
    for name, result in roster.schedule.per_group.items():
        print(f"tour model, {name}: objective {_fmt(result.objective)}, bound {_fmt(result.best_bound)}, "
              f"gap {_gap(result.gap)}, {result.seconds:.1f} s — {result.message}")
    print(
        f"price of tours: labour {price['tour_labour_cost']:,.0f} vs shift model {shift_labour:,.0f} "
        f"({price.get('labour_premium', math.nan):+.1%}); roster objective vs shift model bound "
        f"{price.get('objective_premium_over_shift_bound', math.nan):+.1%}"
    )
    print(
        f"voice: explicit / tour model — variables ×{explicit_vars / voice_size['variables']:.1f}, "
        f"seconds ×{baseline_seconds / max(ours_seconds, 1e-9):.2f}, "
        f"gap {_gap(baseline.gap)} vs {_gap(ours.gap)}"
    )
    print(
        f"patterns per full-time week: {len(week_patterns(scenario.contracts[0]))}; pyworkforce (b): not run"
    )
    return 0


def _gap(value: float) -> str:
    return "—" if not math.isfinite(value) else f"{value:.2%}"


if __name__ == "__main__":
    raise SystemExit(main())
