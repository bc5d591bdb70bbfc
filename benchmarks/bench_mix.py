"""Benchmark of the human/automation mix search (planner.mix.recommend_mix) on the week sample.

Run: ``.venv/bin/python benchmarks/bench_mix.py [--workbook PATH] [--baseline-samples N]``.

What it measures
----------------
1. ``recommend_mix`` on ``sample_inputs/contact_center_week.xlsx`` (7 days × 96 intervals,
   3 channels × 3 segments, 8 deflected pairs, pooled groups, Erlang A voice): wall seconds,
   staffing evaluations (one = one staffing group at one combination of shares, over every
   interval of the horizon), the independent components and the grid sizes. The run includes
   the sensitivity search (containment 10 points lower), the frontier and the exact re-costing.
   Target (issue 6): ≤ 30 s.
2. Named baseline — *naive brute force*: one ``demand.live_demand`` + ``staffing.requirements``
   call per combination of the full product grid. Its cost is estimated from the mean time of
   ``--baseline-samples`` such calls × the number of combinations (it is far too slow to run),
   and printed as a ratio to the measured search.
3. Agreement: the recommended plan's total cost from the search's group tables against the same
   plan re-costed through ``live_demand`` + ``requirements``.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from planner import demand, excel, mix, staffing  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workbook", default=str(ROOT / "sample_inputs" / "contact_center_week.xlsx"))
    parser.add_argument("--baseline-samples", type=int, default=5,
                        help="exact pipeline calls timed for the brute-force estimate (1–50)")
    args = parser.parse_args(argv)
    if not 1 <= args.baseline_samples <= 50:
        parser.error(f"--baseline-samples must be between 1 and 50, got {args.baseline_samples}")

    scenario = excel.read_workbook(args.workbook)
    settings = scenario.settings
    print(f"workbook: {args.workbook}")
    print(f"horizon: {settings.days} days × {settings.intervals_per_day} intervals; "
          f"{len(scenario.deflections)} deflected pairs; groups: "
          f"{', '.join(g.name for g in scenario.staffing_groups)}; grid step {scenario.mix.grid_step}")

    started = time.perf_counter()
    result = mix.recommend_mix(scenario)
    seconds = time.perf_counter() - started
    summary = result.summary

    model = mix._build_model(scenario)
    sizes = [p.grid.size for p in model.pairs]
    combinations = math.prod(sizes)
    components = mix._components(model)
    print(f"grid sizes per pair: {sizes} → {combinations:,} combinations in the full product grid")
    for pairs, groups in components:
        names = ", ".join(f"{model.pairs[pi].segment}/{model.pairs[pi].channel}" for pi in pairs)
        tables = " + ".join(
            f"{model.groups[gi].name} "
            f"{math.prod(model.pairs[pi].grid.size for pi in model.groups[gi].scope):,}"
            for gi in groups)
        print(f"  component [{names}]: {math.prod(model.pairs[pi].grid.size for pi in pairs):,} "
              f"combinations; group tables {tables}")

    print(f"\nrecommend_mix: {seconds:.2f} s wall (target ≤ 30 s), "
          f"{summary['evaluations']:,.0f} staffing evaluations (main + sensitivity), "
          f"status {result.status}, grid optimum proved: {bool(summary['proved_optimal'])}")
    print(f"total cost now {summary['total_cost_current']:,.2f}, recommended "
          f"{summary['total_cost_recommended']:,.2f} {settings.currency}; FTE saved "
          f"{summary['fte_saved']:.2f}; contacts moved {summary['contacts_moved']:,.0f}")
    for _, row in result.sensitivity.iterrows():
        print(f"  {row['segment']:<11} {row['channel']:<6} recommended {row['recommended_share']:.2f}"
              f"  low containment {row['recommended_share_low_containment']:.2f}"
              + ("  FLIPS" if row["flips"] else ""))

    # baseline: naive brute force, one exact pipeline call per combination
    rng = np.random.default_rng(0)
    timings = []
    for _ in range(args.baseline_samples):
        shares = {(p.segment, p.channel): float(rng.choice(p.grid)) for p in model.pairs}
        tic = time.perf_counter()
        staffing.requirements(scenario, demand.live_demand(scenario, self_service_shares=shares))
        timings.append(time.perf_counter() - tic)
    per_call = float(np.mean(timings))
    brute = per_call * combinations * 2  # main + sensitivity
    print(f"\nbaseline (naive brute force): {per_call * 1000:.0f} ms per live_demand+requirements "
          f"call × {combinations:,} combinations × 2 runs ≈ {brute / 3600:,.0f} h; "
          f"ratio baseline / search ≈ {brute / seconds:,.0f}×")

    # agreement of the search's tables with the exact pipeline at the recommendation
    recommended = {(p.segment, p.channel): float(s) for p, s in
                   zip(model.pairs, result.sensitivity["recommended_share"], strict=True)}
    frontier = result.frontier
    first = model.pairs[0]
    at = frontier[(frontier["segment"] == first.segment) & (frontier["channel"] == first.channel)
                  & np.isclose(frontier["share"], recommended[(first.segment, first.channel)])]
    print(f"agreement: search total at the recommendation {float(at['total_cost'].iloc[0]):,.4f} vs "
          f"exact re-costing {summary['total_cost_recommended']:,.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
