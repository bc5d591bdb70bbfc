"""Benchmark: demand + staffing for a week and a year of 15-minute intervals.

Three channels (voice Erlang C, chat with concurrency 2, email deferred with a 4-hour response
target) × three segments, with self-service deflection — the small test scenario
(``tests/conftest.py``) stretched over 7 and 365 days. Targets from issue 3: a week (672
intervals) in ≤ 0.5 s and a year (35,040 intervals) in ≤ 10 s, for ``live_demand`` +
``requirements`` together. Variants: Erlang A voice (patience given), and every channel open
24 h with demand in every interval (no idle night intervals).

Run: ``.venv/bin/python benchmarks/bench_staffing.py``
"""

from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.demand import live_demand
from planner.staffing import requirements
from planner.types import Channel, Scenario
from tests.conftest import build_small_scenario, small_forecast

TARGETS = {7: 0.5, 365: 10.0}


def _time(scenario: Scenario, repeats: int) -> tuple[float, float, int]:
    best_demand = best_total = float("inf")
    rows = 0
    for _ in range(repeats):
        start = time.perf_counter()
        live = live_demand(scenario)
        middle = time.perf_counter()
        table = requirements(scenario, live)
        end = time.perf_counter()
        best_demand = min(best_demand, middle - start)
        best_total = min(best_total, end - start)
        rows = len(table)
    return best_demand, best_total, rows


def _with_patience(scenario: Scenario) -> Scenario:
    channels = tuple(Channel("voice", "voice", aht_seconds=300.0, service_level=0.8,
                             answer_seconds=20.0, patience_seconds=120.0, max_abandon=0.05,
                             shrinkage=0.3, open_minute=8 * 60, close_minute=20 * 60)
                     if c.name == "voice" else c for c in scenario.channels)
    return scenario.replace(channels=channels)


def _round_the_clock(scenario: Scenario) -> Scenario:
    """Every channel open 24 h with at least 3 contacts per pair in every interval."""
    channels = tuple(dataclasses.replace(c, open_minute=0, close_minute=1440) for c in scenario.channels)
    forecast = small_forecast(channels, scenario.segments, scenario.settings.interval_minutes,
                              scenario.settings.days, scenario.settings.start_date)
    forecast["contacts"] = forecast["contacts"] + 3.0
    return scenario.replace(channels=channels, forecast=forecast)


def main() -> int:
    ok = True
    for days, target in TARGETS.items():
        scenario = build_small_scenario(days=days)
        intervals = scenario.settings.interval_count
        variants = (("Erlang C voice", scenario), ("Erlang A voice", _with_patience(scenario)),
                    ("24 h, all loaded", _round_the_clock(scenario)))
        for label, variant in variants:
            demand_s, total_s, rows = _time(variant, repeats=3 if days <= 7 else 1)
            verdict = "ok" if total_s <= target else "SLOW"
            ok &= total_s <= target
            print(f"{days:>3} days ({intervals:>6} intervals × 3 channels × 3 segments, {label}): "
                  f"demand {demand_s:.3f} s, demand+staffing {total_s:.3f} s "
                  f"(target ≤ {target:g} s, {total_s / target:.0%} of it) {verdict}; "
                  f"{rows} requirement rows")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
