"""Benchmark of the plan simulator (issue 13): speed on the week sample, and against ciw.

(a) The week sample (``sample_inputs/contact_center_week.xlsx``, planned first — not timed), all
    groups, ``--replications`` (default 100) replications: seconds, contacts simulated, contacts
    per second; then per group the week's and each day's predicted vs simulated service level with
    the 95 % CI and the verdict against ±2 points (the issue's "done when"), and the report's notes.
(b) The same voice day (Monday) in both our engine and ciw 3.x (``pip install ciw``, the ``dev``
    extra): Poisson arrivals at the plan's live contacts per interval, exponential handle times with
    the arrival interval's AHT, exponential patience, and the day's net agents per interval
    (working × (1 − shrinkage), rounded) as a server schedule with ciw's semantics (every server
    replaced at a change, a busy one finishes first; ours gets fresh servers per period likewise).
    Contacts per second of each and their ratio, and the day's service level and abandonment of
    both with the CI of the difference.

Usage::

    .venv/bin/python benchmarks/bench_simulation.py [--replications 100] [--ciw-replications 30]
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from planner import excel, pipeline, simulation  # noqa: E402
from planner.simulation.inputs import AgentCells, GroupInputs  # noqa: E402
from planner.simulation.replications import replication_rng, simulate_group  # noqa: E402
from planner.simulation.statistics import ratio_interval  # noqa: E402

WEEK = ROOT / "sample_inputs" / "contact_center_week.xlsx"


def _pct(value: float) -> str:
    return "n/a" if not math.isfinite(value) else f"{value:.1%}"


def _period_cells(staffing: list[int]) -> AgentCells:
    first_l, last_l = [], []
    start = 0
    for t in range(1, len(staffing) + 1):
        if t == len(staffing) or staffing[t] != staffing[start]:
            first_l += [start] * staffing[start]
            last_l += [t] * staffing[start]
            start = t
    first, last = np.array(first_l, dtype=np.int64), np.array(last_l, dtype=np.int64)
    lengths = last - first
    row = np.repeat(np.arange(first.size, dtype=np.int64), lengths)
    offsets = np.arange(row.size) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return AgentCells(agent=np.array([f"A{k}" for k in range(first.size)], dtype=object), first=first,
                      last=last, cell_row=row, cell_interval=np.repeat(first, lengths) + offsets,
                      cell_break=np.zeros(row.size, dtype=bool),
                      cell_break_left=np.zeros(row.size, dtype=np.int64))


def _ciw_day(contacts: np.ndarray, aht: np.ndarray, staffing: list[int], patience: float, dt: float,
             answer: float, seed: int) -> tuple[float, float, float, int]:
    import ciw

    class ArrivalIntervalExponential(ciw.dists.Distribution):
        """Exponential service with the mean AHT of the customer's arrival interval."""

        def sample(self, t: float | None = None, ind: object = None) -> float:
            k = min(int(ind.arrival_date // dt), len(aht) - 1)  # type: ignore[attr-defined]
            return random.expovariate(1.0 / aht[k])  # ciw.seed seeds this generator

    n_t = len(contacts)
    ends = [dt * (i + 1) for i in range(n_t)]
    numbers, shift_ends = [], []
    for i, level in enumerate(staffing):
        if numbers and numbers[-1] == level:
            shift_ends[-1] = ends[i]
        else:
            numbers.append(level)
            shift_ends.append(ends[i])
    numbers.append(0)
    shift_ends.append(1e9)
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.PoissonIntervals(list(contacts / dt), ends,
                                                          max_sample_date=ends[-1])],
        service_distributions=[ArrivalIntervalExponential()],
        number_of_servers=[ciw.Schedule(numbers_of_servers=numbers, shift_end_dates=shift_ends,
                                        preemption=False)],
        reneging_time_distributions=[ciw.dists.Exponential(rate=1.0 / patience)])
    ciw.seed(seed)
    sim = ciw.Simulation(network)
    sim.simulate_until_max_time(ends[-1] + 50 * patience + 50 * float(np.max(aht)))
    records = sim.get_all_records()
    served = sum(1 for r in records if r.record_type == "service")
    within = sum(1 for r in records if r.record_type == "service" and r.waiting_time <= answer)
    return float(len(records)), float(within), float(len(records) - served), len(records)


def main() -> int:
    parser = argparse.ArgumentParser(description="simulation benchmark (issue 13)")
    parser.add_argument("--replications", type=int, default=100)
    parser.add_argument("--ciw-replications", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    started = time.perf_counter()
    scenario = excel.read_workbook(WEEK)
    plan = pipeline.run_plan(scenario, mix=False)
    print(f"planned {WEEK.name} in {time.perf_counter() - started:.1f} s (not timed below): {plan.status}")

    options = simulation.SimulationOptions(replications=args.replications, seed=args.seed)
    started = time.perf_counter()
    inputs = simulation.from_plan(plan, options)
    prepared = time.perf_counter() - started
    result = simulation.simulate(inputs)
    total = prepared + result.seconds
    print(f"\n(a) week sample, all groups, {args.replications} replications")
    print(f"| step | seconds |\n|---|---|\n| inputs from the plan | {prepared:.2f} |\n"
          f"| replications | {result.seconds:.2f} |\n| total | {total:.2f} (target ≤ 30) |")
    print(f"contacts simulated: {result.contacts:,}; contacts per second: "
          f"{result.contacts / result.seconds:,.0f}")
    print("\n| group | level | predicted | simulated | 95% CI | diff (points) | within ±2 |")
    print("|---|---|---|---|---|---|---|")
    for group in result.week["group"]:
        rows = [("week", result.week[result.week["group"] == group].iloc[0])]
        days = result.days[result.days["group"] == group]
        rows += [(f"{r['date']:%a %d %b}", r) for _, r in days.iterrows()]
        for label, r in rows:
            diff = float(r["difference_points"])
            print(f"| {group} | {label} | {_pct(r['predicted_service_level'])} | "
                  f"{_pct(r['simulated_service_level'])} | {_pct(r['ci_low'])}–{_pct(r['ci_high'])} | "
                  f"{diff:+.1f} | {'yes' if abs(diff) <= 2 else 'no'} |")
    print("\nnotes:")
    for note in result.notes:
        print(f"  {note}")
    outside = result.intervals[result.intervals["outside"]]
    print(f"intervals with the prediction outside the 95% CI: {len(outside)} of "
          f"{int((result.intervals['live_contacts'] > 0).sum())} with contacts")

    # (b) the voice day against ciw
    try:
        import ciw  # noqa: F401
    except ImportError:
        print("\n(b) ciw not installed (pip install -e '.[dev]'): skipped")
        return 0
    voice = next(g for g in inputs.groups if g.kind == "voice")
    per_day = 1440 // int(voice.interval_seconds // 60)
    day = slice(0, per_day)
    predicted = inputs.predicted[inputs.predicted["group"] == voice.group].iloc[day]
    staffing = [round(float(x)) for x in predicted["net_agents"].to_numpy()]
    contacts = voice.contacts[day]
    aht = voice.handle_seconds[day]
    group = GroupInputs(group=voice.group, channel=voice.channel, kind="voice",
                        interval_seconds=voice.interval_seconds, contacts=contacts, handle_seconds=aht,
                        patience_seconds=voice.patience_seconds, answer_seconds=voice.answer_seconds,
                        definition="offered", slots=1, shrinkage=np.zeros(per_day),
                        is_open=voice.is_open[day],
                        response_seconds=math.nan, agents=_period_cells(staffing))
    reps = args.ciw_replications
    started = time.perf_counter()
    ours = [simulate_group(group, replication_rng(args.seed, r, 0), shrinkage="none") for r in range(reps)]
    ours_s = time.perf_counter() - started
    started = time.perf_counter()
    theirs = [_ciw_day(contacts, aht, staffing, voice.patience_seconds, voice.interval_seconds,
                       voice.answer_seconds, seed=10_000 + r) for r in range(reps)]
    ciw_s = time.perf_counter() - started
    ours_n = sum(t.contacts for t in ours)
    ciw_n = sum(t[3] for t in theirs)
    print(f"\n(b) voice, {scenario.settings.start_date:%a %d %b}, net agents per interval as a server "
          f"schedule, {reps} replications each")
    print("| simulator | seconds | contacts | contacts/s | service level | abandonment |")
    print("|---|---|---|---|---|---|")
    ours_sl = ratio_interval(np.array([[t.within.sum()] for t in ours]),
                             np.array([[t.offered.sum()] for t in ours]))
    ours_ab = ratio_interval(np.array([[t.abandoned.sum()] for t in ours]),
                             np.array([[t.offered.sum()] for t in ours]))
    ciw_sl = ratio_interval(np.array([[t[1]] for t in theirs]), np.array([[t[0]] for t in theirs]))
    ciw_ab = ratio_interval(np.array([[t[2]] for t in theirs]), np.array([[t[0]] for t in theirs]))
    for name, secs, n, sl, ab in (("ours", ours_s, ours_n, ours_sl, ours_ab),
                                  ("ciw", ciw_s, ciw_n, ciw_sl, ciw_ab)):
        print(f"| {name} | {secs:.2f} | {n:,} | {n / secs:,.0f} | {_pct(sl[0][0])} "
              f"[{_pct(sl[1][0])}–{_pct(sl[2][0])}] | {_pct(ab[0][0])} [{_pct(ab[1][0])}–{_pct(ab[2][0])}] |")
    print(f"speed ratio (ours / ciw, contacts per second): {(ours_n / ours_s) / (ciw_n / ciw_s):,.1f}×")
    for label, a, b in (("service level", ours_sl, ciw_sl), ("abandonment", ours_ab, ciw_ab)):
        half_a, half_b = (a[2][0] - a[1][0]) / 2, (b[2][0] - b[1][0]) / 2
        gap = abs(a[0][0] - b[0][0])
        bound = math.hypot(half_a, half_b)
        print(f"{label}: difference {gap * 100:.2f} points, 95% CI half-width of the difference "
              f"{bound * 100:.2f} points → {'same within CI' if gap <= bound else 'DIFFERENT'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
