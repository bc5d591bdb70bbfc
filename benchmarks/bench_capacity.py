"""Benchmark of the capacity plan: 78 weeks × 3 staffing groups × 100 scenarios (issue 12).

Run: ``.venv/bin/python benchmarks/bench_capacity.py [--weeks 78] [--scenarios 100] [--extensive]``.

What it measures
----------------
1. The hiring optimiser on the week sample's scenario and capacity inputs stretched to ``--weeks``
   weeks (0.3 % weekly growth; the sample's 52-week CapacityWeeks table is not used), a class may
   start every 2 weeks per group: seconds to compute the required FTE of every scenario (the
   staffing curve), to build the model data, and to solve (L-shaped method, the default above
   3 000 cells); integer columns, gap, master solves. Target (issue 12): build + solve ≤ 10 s.
2. Named baseline — *the rule a planner uses today*: the roll-forward with a class placed when the
   projected gap exceeds 5 % in the 12 weeks after it would be productive
   (:mod:`planner.capacity.baseline`), evaluated on the same scenarios with the same recourse
   (overtime, VTO, shortfall per scenario): expected total cost, expected weeks short, expected
   shortfall FTE-weeks; printed with the ratio optimiser / rule.
3. With ``--extensive``: the same model as one extensive-form MIP (4 rows per scenario, group and
   week) with the same time limit, for the seconds and objective of the direct approach.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from planner import excel  # noqa: E402
from planner.capacity import baseline, report  # noqa: E402
from planner.capacity.model import capacity_data, solve_capacity  # noqa: E402
from planner.capacity.plan import required_by_scenario  # noqa: E402
from planner.capacity.requirement import given_efficiency  # noqa: E402
from planner.capacity.scenarios import draw_scenarios  # noqa: E402
from planner.excel.capacity import read_capacity  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workbook", default=str(ROOT / "sample_inputs" / "contact_center_week.xlsx"))
    parser.add_argument("--weeks", type=int, default=78, help="weeks planned (8–104)")
    parser.add_argument("--scenarios", type=int, default=100, help="scenarios (1–1000)")
    parser.add_argument("--time-limit", type=float, default=30.0, help="solver time limit, seconds")
    parser.add_argument("--extensive", action="store_true", help="also solve the extensive form")
    args = parser.parse_args(argv)
    if not 8 <= args.weeks <= 104 or not 1 <= args.scenarios <= 1000:
        parser.error("--weeks must be 8–104 and --scenarios 1–1000")

    scenario = excel.read_workbook(args.workbook)
    sample = read_capacity(args.workbook, scenario)
    if sample is None:
        parser.error(f"{args.workbook} has no capacity sheets")
    settings = replace(
        sample.settings,
        weeks=args.weeks,
        scenarios=args.scenarios,
        growth_per_week=0.003,
        solver_time_limit_seconds=args.time_limit,
    )
    classes = tuple(
        replace(c, start_weeks=tuple(range(1 + c.lead_weeks, args.weeks - c.training_weeks, 2)))
        for c in sample.hire_classes
    )
    inputs = sample.replace(settings=settings, hire_classes=classes, weeks=None)
    groups = tuple(g.name for g in scenario.staffing_groups)
    efficiency = given_efficiency(1.08, groups, "the benchmark")
    solver_settings = replace(
        scenario.settings, solver_time_limit_seconds=args.time_limit, solver_gap=settings.solver_gap
    )
    print(f"workbook: {args.workbook}")
    print(
        f"{args.weeks} weeks × {len(groups)} groups × {args.scenarios} scenarios; "
        f"{sum(len(c.start_weeks) for c in classes)} class starts (every 2 weeks per group), "
        f"min class size {classes[0].min_size}, solver gap {settings.solver_gap:.2%}"
    )

    started = time.perf_counter()
    draws = draw_scenarios(settings)
    required, _ = required_by_scenario(scenario, inputs, draws, efficiency)
    requirement_seconds = time.perf_counter() - started
    started = time.perf_counter()
    data = capacity_data(inputs, scenario, required, draws)
    data_seconds = time.perf_counter() - started
    started = time.perf_counter()
    solution = solve_capacity(data, solver_settings)
    solve_seconds = time.perf_counter() - started
    rule = solve_capacity(data, solver_settings, fixed_hires=baseline.rule_based_hires(data), duals=False)
    compared = report.compare(solution, rule, settings.short_tolerance_fte)

    print()
    print(f"{'stage':<44} {'seconds':>8}")
    print(f"{'required FTE, all scenarios (staffing curve)':<44} {requirement_seconds:>8.2f}")
    print(f"{'model data (cohorts, survival)':<44} {data_seconds:>8.2f}")
    print(f"{'build + solve (L-shaped)':<44} {solve_seconds:>8.2f}")
    print(
        f"{'total':<44} {requirement_seconds + data_seconds + solve_seconds:>8.2f}   (target build + "
        f"solve ≤ 10 s)"
    )
    print()
    print(
        f"status {solution.solve.status.value}, gap {solution.solve.gap:.3%}, integer columns "
        f"{solution.size['integer_columns']}, columns {solution.size['columns']}, rows "
        f"{solution.size['rows']}; {solution.solve.message}"
    )
    print()
    o, r = compared["optimised"], compared["rule"]
    print(
        f"{'on the same ' + str(args.scenarios) + ' scenarios':<34} {'optimiser':>14} "
        f"{'rule (5 %/12 wk)':>17} {'ratio':>7}"
    )
    for label, key, fmt in (
        ("expected total cost", "expected_total_cost", ",.0f"),
        ("expected weeks short (any group)", "expected_weeks_short", ".2f"),
        ("expected shortfall FTE-weeks", "expected_shortfall_fte_weeks", ".1f"),
        ("hires", "hires", ".0f"),
        ("classes", "classes", ".0f"),
    ):
        ratio = o[key] / r[key] if r[key] else float("nan")
        print(f"{label:<34} {format(o[key], fmt):>14} {format(r[key], fmt):>17} {ratio:>7.3f}")
    if args.extensive:
        started = time.perf_counter()
        direct = solve_capacity(data, solver_settings, method="extensive", duals=False)
        seconds = time.perf_counter() - started
        print()
        print(
            f"extensive form (one MIP): {seconds:.1f} s, status {direct.solve.status.value}, "
            f"{direct.size['columns']} columns, {direct.size['rows']} rows, expected cost "
            f"{direct.cost_parts.get('total', float('nan')):,.0f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
