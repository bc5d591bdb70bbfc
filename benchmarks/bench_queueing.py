"""Benchmark of planner.queueing.required_agents against pyworkforce's ErlangC.

Run: ``make bench`` (installs the optional ``bench`` extra, pyworkforce 0.5.1) or
``.venv/bin/python benchmarks/bench_queueing.py [--cells N] [--peer-cells M] [--repeat R]``.

What it measures
----------------
1. ``required_agents`` over 1,000,000 cells: loads log-uniform in 0.1–5,000 Erlangs (many small
   queues, some very large ones), AHT 120–600 s, service level 70/80/90 % in 10/20/30 s, occupancy
   caps 85/90/100 %; half the cells also have a patience of 30–600 s (Erlang A) and an abandonment
   cap of 3/5/10 %. Reported as seconds per million cells (best of ``--repeat`` runs), for the mixed
   set and for the Erlang C and Erlang A halves on their own.
2. The first 2,000 Erlang C cells through ``pyworkforce.queuing.ErlangC.required_positions``
   (one Python object per cell), the per-cell speed ratio, and every cell where the agent counts
   differ, grouped by the reason, each reason checked with a 50-digit mpmath computation.
"""

from __future__ import annotations

import argparse
import math
import time
from collections import Counter

import numpy as np

from planner import queueing as q


def make_cells(count: int, seed: int = 2024) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    load = np.exp(rng.uniform(np.log(0.1), np.log(5000.0), count))
    patience = np.where(rng.random(count) < 0.5, rng.uniform(30.0, 600.0, count), np.nan)
    return {
        "load": load,
        "aht": rng.uniform(120.0, 600.0, count),
        "sl": rng.choice([0.7, 0.8, 0.9], count),
        "t": rng.choice([10.0, 20.0, 30.0], count),
        "occ": rng.choice([0.85, 0.9, 1.0], count),
        "patience": patience,
        "abandon": np.where(np.isnan(patience), np.nan, rng.choice([0.03, 0.05, 0.1], count)),
    }


def subset(cells: dict[str, np.ndarray], mask: np.ndarray) -> dict[str, np.ndarray]:
    return {key: value[mask] for key, value in cells.items()}


def ours(cells: dict[str, np.ndarray]) -> np.ndarray:
    return q.required_agents(cells["load"], cells["aht"], cells["sl"], cells["t"], max_occupancy=cells["occ"],
                             patience_seconds=cells["patience"], max_abandon=cells["abandon"])


def best_time(cells: dict[str, np.ndarray], repeat: int) -> tuple[float, np.ndarray]:
    best = math.inf
    agents = np.empty(0)
    for _ in range(repeat):
        start = time.perf_counter()
        agents = ours(cells)
        best = min(best, time.perf_counter() - start)
    return best, agents


def verify(cells: dict[str, np.ndarray], agents: np.ndarray) -> int:
    """Cells where the answer misses a target or one agent fewer would also do (should be 0)."""
    load, aht, t, pat = cells["load"], cells["aht"], cells["t"], cells["patience"]

    def meets(k: np.ndarray) -> np.ndarray:
        ok = (q.service_level(k, load, aht, t, pat) >= cells["sl"]) & (q.occupancy(k, load, aht, pat)
                                                                     <= cells["occ"])
        ok &= np.isnan(cells["abandon"]) | (q.abandon_probability(k, load, aht, pat) <= cells["abandon"])
        return ok & (np.isfinite(pat) | (k > load))

    return int(np.sum(~meets(agents)) + np.sum(meets(np.maximum(agents - 1, 0)) & (agents > 1)))


def mp_service_level(n: int, load: float, aht: float, t: float) -> float:
    import mpmath as mp

    mp.mp.dps = 50
    a = mp.mpf(load)
    b = mp.mpf(1)
    for k in range(1, n + 1):
        b = a * b / (k + a * b)
    if n <= a:
        return 0.0
    c = n * b / (n - a + a * b)
    return float(1 - c * mp.exp(-(n - a) * mp.mpf(t) / aht))


def peer_comparison(cells: dict[str, np.ndarray], peer_cells: int, per_cell_ours: float) -> None:
    try:
        from pyworkforce.queuing import ErlangC
    except ImportError:
        print("pyworkforce is not installed: `.venv/bin/pip install pyworkforce==0.5.1` (the bench extra)")
        return
    erlang_c = np.flatnonzero(np.isnan(cells["patience"]))[:peer_cells]
    first = subset(cells, erlang_c)
    interval = 30.0
    peer = np.empty(erlang_c.size, dtype=np.int64)
    start = time.perf_counter()
    for i in range(erlang_c.size):
        aht_min = first["aht"][i] / 60.0
        model = ErlangC(transactions=first["load"][i] * interval / aht_min, aht=aht_min,
                        asa=first["t"][i] / 60.0, interval=interval)
        peer[i] = model.required_positions(service_level=first["sl"][i],
                                           max_occupancy=first["occ"][i])["raw_positions"]
    peer_seconds = time.perf_counter() - start
    start = time.perf_counter()
    mine = ours(first)
    mine_seconds = time.perf_counter() - start
    per_cell_peer = peer_seconds / erlang_c.size
    print(f"\npyworkforce 0.5.1 ErlangC.required_positions on the first {erlang_c.size:,} Erlang C cells: "
          f"{peer_seconds:.2f} s ({per_cell_peer * 1e6:,.0f} µs per cell)")
    print(f"planner.queueing on the same cells (one call): {mine_seconds * 1e3:.1f} ms "
          f"({mine_seconds / erlang_c.size * 1e6:.2f} µs per cell)")
    print(f"per-cell speed ratio vs pyworkforce: {per_cell_peer / per_cell_ours:,.0f}x "
          f"(against our per-cell time in the 1M-cell run), "
          f"{per_cell_peer / (mine_seconds / erlang_c.size):,.0f}x (against the 2,000-cell call)")

    differ = np.flatnonzero(mine != peer)
    print(f"cells where the agent counts differ: {differ.size} of {erlang_c.size:,}")
    reasons: Counter[str] = Counter()
    for i in differ:
        load, aht, t, sl, occ = (float(first[k][i]) for k in ("load", "aht", "t", "sl", "occ"))
        ours_n, peer_n = int(mine[i]), int(peer[i])
        low = min(ours_n, peer_n)
        sl_low = mp_service_level(low, load, aht, t)
        low_ok = sl_low >= sl and load / low <= occ and low > load
        if peer_n > ours_n and low_ok and ours_n == math.floor(load) + 1 and round(load + 1) > ours_n:
            reason = ("pyworkforce starts its search at round(A + 1), so it never tries floor(A) + 1 "
                      "when the fractional part of A is ≥ 0.5; the smaller count meets every target "
                      "(checked with 50-digit mpmath)")
        elif peer_n > ours_n and low_ok:
            reason = "pyworkforce overstaffs: the smaller count meets every target (50-digit mpmath check)"
        elif peer_n < ours_n and not low_ok:
            reason = "pyworkforce understaffs: its count misses a target (50-digit mpmath check)"
        else:
            reason = (f"UNEXPLAINED (load {load!r}, aht {aht!r}, t {t!r}, sl {sl!r}, occ {occ!r}: "
                      f"ours {ours_n}, pyworkforce {peer_n})")
        reasons[reason] += 1
    for reason, count in reasons.most_common():
        print(f"  {count:5d}  {reason}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=1_000_000)
    parser.add_argument("--peer-cells", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    cells = make_cells(args.cells)
    ours(subset(cells, np.arange(args.cells) < 1000))  # warm-up
    erlang_a = np.isfinite(cells["patience"])
    print(f"required_agents on {args.cells:,} cells (loads log-uniform 0.1–5,000 Erlangs; SL 70/80/90 % "
          "in 10/20/30 s; occupancy caps 85/90/100 %; half with patience 30–600 s and abandonment cap "
          "3/5/10 %), best of", args.repeat)
    total, agents = best_time(cells, args.repeat)
    print(f"  mixed ({int(erlang_a.sum()):,} Erlang A + {int((~erlang_a).sum()):,} Erlang C): "
          f"{total:.3f} s  = {total / args.cells * 1e6:.3f} s per million cells")
    c_only, _ = best_time(subset(cells, ~erlang_a), args.repeat)
    a_only, _ = best_time(subset(cells, erlang_a), args.repeat)
    print(f"  Erlang C cells alone: {c_only / (~erlang_a).sum() * 1e6:.3f} s per million cells")
    print(f"  Erlang A cells alone: {a_only / erlang_a.sum() * 1e6:.3f} s per million cells")
    check = np.random.default_rng(5).choice(args.cells, size=min(args.cells, 200_000), replace=False)
    print(f"  verified on {check.size:,} random cells (meets every target, one fewer does not): "
          f"{verify(subset(cells, check), agents[check])} failures")
    if args.peer_cells > 0:
        peer_comparison(cells, args.peer_cells, total / args.cells)
    else:
        print("  pyworkforce comparison skipped (--peer-cells 0)")


if __name__ == "__main__":
    main()
