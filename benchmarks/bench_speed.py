"""Benchmark of issue 14 ("re-plan in seconds; big plans and sweeps on Dask"), ratios in one run.

Parts (each can be skipped or sized from the command line):

(a) the week sample's full plan (roster + mix) through the public ``pipeline.run_plan``, serially
    and with the groups on a local Dask cluster of two worker processes (``executor=``): wall
    seconds per stage, against the 67 s the issue quotes and serial against two workers; then a
    re-plan after +10 % volume cold and warm-started from the first plan's shifts
    (``previous_shifts=``): wall seconds, objective, gap and the warm start's objective;
(b) the mix search on the week sample: the tables from bracketed bounding rectangles (the
    default, ``mix.SearchOptions(table="boxes")``), every combination (``table="every"``), and the
    mix code at git revisions (``--baseline``, default ``main`` and ``0661e13`` — before issue
    14 — loaded from git, a one-file ``planner/mix.py`` or the package) in the same run — wall and
    CPU seconds, staffing evaluations, load, and that all give the same recommendation,
    sensitivity and frontier;
(c) a sweep of N scenarios (staffing + mix, no schedule; default 1,000 points over the day
    sample: volume × handle time × service level) serially and on a local Dask cluster of two
    worker processes: seconds, speed-up, per-task overhead = (wall × workers − Σ unit seconds) / N;
    ``--serial-points`` runs the serial side on the first M points only and scales it (said so);
(d) G staffing groups × one week scheduled through the seam, one ``scheduling.schedule_requirement``
    per group as a unit (plain data in: requirement, interval starts, templates, break rules,
    settings; the PuLP model is built inside the unit): serial vs two local workers;
(e) pyworkforce's own instance types (shifts of 4, 6, 8, 10 h at every start that fits in the
    day, cost = length in periods, hard coverage of an Erlang C requirement with a morning and an
    afternoon peak; a 15-minute day and a 30-minute week; and the same with one paid break per
    shift at three embedded positions) solved to gap ≤ 1e-4 by ``scheduling.schedule_requirement``
    and by pyworkforce 0.5.4 ``MinRequiredResources`` (breaks as fixed patterns, one per position)
    in ``.venv-bench312`` (``--make-venv`` creates it: Python 3.12 from the PATH or pyenv, ``pip
    install pyworkforce==0.5.4``); ours with both break formulations of ``build_group_model``
    (``breaks="per_shift"``, Aykin 1996, and ``"aggregated"``, Bechtold & Jacobs 1990): root LP
    bound, cost, same optimum?, wall and CPU seconds (CPU is steadier on a shared machine), ratio.

Usage::

    .venv/bin/python benchmarks/bench_speed.py [--skip a,b,c,d,e] [--sweep-points 1000]
        [--serial-points 1000] [--groups 200] [--group-seconds 10] [--make-venv]
        [--peer-seconds 300] [--week-seconds 30]

Timings on a shared machine vary with its load; the run prints ``os.getloadavg()`` at the start
and the end.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from python_lookup import find_python  # noqa: E402  (benchmarks/, the script's own folder)

from planner import demand, executor, mix, pipeline, queueing, scheduling, staffing, sweep  # noqa: E402
from planner.excel import read_workbook  # noqa: E402
from planner.types import BreakRule, Settings, ShiftTemplate  # noqa: E402

WEEK = ROOT / "sample_inputs" / "contact_center_week.xlsx"
DAY = ROOT / "sample_inputs" / "contact_center_day.xlsx"
PEER_VENV = ROOT / ".venv-bench312"
ISSUE_FULL_PLAN_SECONDS = 67.0
ISSUE_MIX_SECONDS = (13.0, 17.0)

PEER_RUNNER = r"""
import json, sys, time
from pyworkforce.scheduling import MinRequiredResources
spec = json.load(sys.stdin)
started, cpu = time.perf_counter(), time.process_time()
solution = MinRequiredResources(**spec).solve()
solution["seconds"] = time.perf_counter() - started
solution["cpu_seconds"] = time.process_time() - cpu
json.dump(solution, sys.stdout)
"""


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def table(title: str, header: list[str], rows: list[list[Any]]) -> None:
    print(f"\n{title}")
    cells = [[str(c) for c in header]] + [[f"{c:,.2f}" if isinstance(c, float) else str(c) for c in r]
                                           for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    for k, r in enumerate(cells):
        print("  " + "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths,
                                                                                         strict=True))))
        if k == 0:
            print("  " + "  ".join("-" * w for w in widths))


# ------------------------------------------------------------------------------ (a) (b)
def _plan_row(label: str, plan: Any, wall: float, baseline: float | None) -> list[Any]:
    solve = plan.schedule.solve if plan.schedule is not None else None
    start = getattr(solve, "start_objective", math.nan) if solve is not None else math.nan
    return [label, wall, f"{baseline / wall:.2f}×" if baseline else "1.00×",
            plan.timings.get("schedule", math.nan), plan.timings.get("roster", math.nan),
            plan.timings.get("mix", math.nan),
            f"{solve.objective:,.0f}" if solve is not None else "—",
            f"{solve.gap:.2%}" if solve is not None and math.isfinite(solve.gap) else "—",
            f"{start:,.0f}" if math.isfinite(start) else "—"]


def part_a() -> None:
    """The week sample's full plan serially and on two local workers; a re-plan after +10 % volume
    from the previous plan (warm start) against the same re-plan cold."""
    scenario = read_workbook(WEEK)
    header = ["run", "wall s", "vs baseline", "schedule s", "roster s", "mix s", "objective", "gap",
              "warm start objective"]
    print(f"\n(a) before: {load()}")
    started = time.perf_counter()
    serial = pipeline.run_plan(scenario)
    serial_wall = time.perf_counter() - started
    rows = [_plan_row("full plan, serial", serial, serial_wall, None)]
    opened = time.perf_counter()
    with executor.open_executor(executor.ExecutorSpec("local", workers=2)) as runner:
        cluster_seconds = time.perf_counter() - opened
        started = time.perf_counter()
        parallel = pipeline.run_plan(scenario, executor=runner)
        parallel_wall = time.perf_counter() - started
    rows.append(_plan_row("full plan, 2 local workers", parallel, parallel_wall, serial_wall))
    table(f"(a) week sample, full plan (roster + mix) — issue baseline {ISSUE_FULL_PLAN_SECONDS:g} s; "
          f"serial {serial_wall:.1f} s = {ISSUE_FULL_PLAN_SECONDS / serial_wall:.2f}× faster than it; "
          f"the local cluster took {cluster_seconds:.1f} s to start (not in the figures); "
          f"status serial: {serial.status}; 2 workers: {parallel.status}", header, rows)
    forecast = scenario.forecast.copy()
    forecast["contacts"] = forecast["contacts"] * 1.1
    grown = scenario.replace(forecast=forecast)
    previous = serial.schedule.shifts
    started = time.perf_counter()
    cold = pipeline.run_plan(grown, mix=False)
    cold_wall = time.perf_counter() - started
    started = time.perf_counter()
    warm = pipeline.run_plan(grown, mix=False, previous_shifts=previous)
    warm_wall = time.perf_counter() - started
    table("(a) re-plan after +10 % volume (serial, no mix): cold vs warm-started from the plan above "
          "(the day-by-day shift model starts from its shifts, each group's tours from its person-weeks); "
          "objective and gap of the roster", header,
          [_plan_row("re-plan, cold", cold, cold_wall, None),
           _plan_row("re-plan, warm start", warm, warm_wall, cold_wall)])
    for plan, label in ((cold, "cold"), (warm, "warm start")):
        price = plan.roster.price if plan.roster is not None else {}
        print(f"  {label}: day-by-day shift model objective {price.get('shift_objective', math.nan):,.0f}, "
              f"bound {price.get('shift_bound', math.nan):,.0f}; "
              + "; ".join(n for n in plan.explanations if n.startswith("Re-plan")))
    required = staffing.requirements(grown, demand.live_demand(grown))
    rows = []
    for label, shifts in (("cold", None), ("warm start", previous)):
        started = time.perf_counter()
        result = scheduling.schedule_scenario(grown, required, previous_shifts=shifts)
        seconds = time.perf_counter() - started
        solve = result.solve
        rows.append([label, seconds, f"{solve.objective:,.0f}", f"{solve.best_bound:,.0f}",
                     f"{solve.gap:.2%}", f"{solve.start_objective:,.0f}"
                     if math.isfinite(solve.start_objective) else "—"]
                    + [f"{r.gap:.2%}" for r in result.per_group.values()])
    limit = grown.settings.solver_time_limit_seconds
    table(f"(a) the day-by-day shift model alone after +10 % volume ({limit:g} s limit, serial), cold vs "
          "from the first plan's shifts", ["start", "seconds", "objective", "bound",
                                                                  "gap", "start objective",
                                                                  *(f"gap {g}" for g in result.per_group)],
          rows)
    print(f"(a) after: {load()}")


def baseline_mix(revision: str) -> Any | None:
    """The mix code as it was at ``revision`` (git), loaded as a module of its own.

    ``planner/mix.py`` (one file, before the package) or the ``planner/mix/`` package (its
    modules import each other relatively, so it loads under another name from a scratch copy).
    """
    import importlib.util
    import tempfile
    import types

    done = subprocess.run(["git", "-C", str(ROOT), "show", f"{revision}:planner/mix.py"],
                          capture_output=True, text=True)
    name = "mix_baseline_" + "".join(ch if ch.isalnum() else "_" for ch in revision)
    if not done.returncode:
        module = types.ModuleType(name)
        module.__file__ = f"{revision}:planner/mix.py"
        sys.modules[name] = module  # dataclasses look their module up by name
        exec(compile(done.stdout, module.__file__, "exec"), module.__dict__)  # the project's own file
        return module
    listing = subprocess.run(["git", "-C", str(ROOT), "ls-tree", "--name-only", f"{revision}:planner/mix/"],
                             capture_output=True, text=True)
    if listing.returncode:
        return None
    folder = Path(tempfile.mkdtemp(prefix="bench-mix-")) / name
    folder.mkdir()
    for file in listing.stdout.split():
        if file.endswith(".py"):
            text = subprocess.run(["git", "-C", str(ROOT), "show", f"{revision}:planner/mix/{file}"],
                                  capture_output=True, text=True, check=True).stdout
            (folder / file).write_text(text)
    spec = importlib.util.spec_from_file_location(name, folder / "__init__.py",
                                                  submodule_search_locations=[str(folder)])
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def run_mix(module: Any, scenario: Any, table: str | None) -> Any:
    """``recommend_mix`` of ``module`` with the given table method (options, or the old switch)."""
    if table is None:
        return module.recommend_mix(scenario)
    if hasattr(module, "SearchOptions"):
        return module.recommend_mix(scenario, options=module.SearchOptions(table=table))
    module.TABLE_METHOD = table  # before SearchOptions: a module-level switch
    try:
        return module.recommend_mix(scenario)
    finally:
        module.TABLE_METHOD = "boxes"


def part_b(revisions: list[str], every: bool, repeat: int) -> None:
    scenario = read_workbook(WEEK)
    results = {}
    runs: list[tuple[str, Any, str | None]] = [("rectangles, bracketed (now)", mix, "boxes")]
    if every:
        runs.append(("every combination (now)", mix, "every"))
    for revision in revisions:
        old = baseline_mix(revision)
        if old is None:
            print(f"  (b) baseline {revision}: no planner/mix there, skipped")
            continue
        runs.append((f"{revision} (git)", old, None))
    warm = read_workbook(DAY)  # imports and first calls outside the timings, for every row alike
    for _, module, method in runs:
        run_mix(module, warm, method)
    for label, module, method in runs:
        best: tuple[Any, float, float, float] | None = None
        for _ in range(repeat):
            load_before = os.getloadavg()[0]
            wall, cpu = time.perf_counter(), time.process_time()
            result = run_mix(module, scenario, method)
            timing = (result, time.perf_counter() - wall, time.process_time() - cpu,
                      max(load_before, os.getloadavg()[0]))
            best = timing if best is None or timing[2] < best[2] else best
        results[label] = best
    first = results["rectangles, bracketed (now)"]
    same = all(all(r[0].pairs[c].equals(first[0].pairs[c])
                   for c in ("recommended_share", "total_cost_recommended", "human_fte_recommended"))
               and r[0].sensitivity.equals(first[0].sensitivity) and r[0].frontier.equals(first[0].frontier)
               for r in results.values())
    rows = [[label, r[1], r[2], f"{r[2] / first[2]:.2f}×", f"{r[0].summary['evaluations']:,.0f}",
             f"{r[3]:.1f}"] for label, r in results.items()]
    table(f"(b) mix search, week sample — same recommendation, sensitivity and frontier on every row: "
          f"{same}; "
          f"now {first[1]:.1f} s wall, {first[2]:.1f} s CPU (best of {repeat}, after a warm-up on the day "
          f"sample); issue baseline "
          f"{ISSUE_MIX_SECONDS[0]:g}–{ISSUE_MIX_SECONDS[1]:g} s, target ≤ 3 s",
          ["search", "wall s", "CPU s", "CPU / now", "evaluations", "load (1 min)"], rows)


# ------------------------------------------------------------------------------ (c)
def sweep_grid(points: int) -> list[str]:
    """About ``points`` points: volume × aht × service level (10 × 10 × 10 for 1,000)."""
    side = max(1, round(points ** (1 / 3)))
    third = max(1, math.ceil(points / (side * side)))
    return [f"volume=-20%:{-20 + 4 * (side - 1)}%:4%", f"aht=-10%:{-10 + 2 * (side - 1)}%:2%",
            f"service_level=0.70:{0.70 + 0.02 * (third - 1):.2f}:0.02"]


def part_c(points: int, serial_points: int, workers: int) -> None:
    scenario = read_workbook(DAY)
    grid = sweep.parse_grid(sweep_grid(points), scenario, max_points=max(points * 2, 10))
    n = grid.size
    spec = executor.ExecutorSpec("local", workers=workers)
    started = time.perf_counter()
    with executor.open_executor(spec) as runner:
        startup = time.perf_counter() - started
        parallel = sweep.run_sweep(scenario, grid, executor=runner)
    compute = sum(r.seconds for r in parallel.runs)
    overhead = (parallel.seconds * workers - compute) / n
    m = min(serial_points, n)
    subset = sweep.SweepGrid(grid.axes)
    serial_seconds: float
    if m == n:
        serial = sweep.run_sweep(scenario, subset)
        serial_seconds = serial.seconds
        same = serial.points.equals(parallel.points)
        note = "all points"
    else:
        points_list = grid.points()[:m]
        started = time.perf_counter()
        outcomes = [sweep.evaluate_point(scenario, p, index=i) for i, p in enumerate(points_list)]
        serial_seconds = (time.perf_counter() - started) * n / m
        same = all(o.values["required_fte"] == parallel.points.iloc[i]["required_fte"]
                   for i, o in enumerate(outcomes))
        note = f"first {m} points, scaled × {n / m:.1f}"
    rows = [["serial", serial_seconds, serial_seconds / n, "", note],
            [f"local Dask, {workers} worker processes", parallel.seconds, parallel.seconds / n,
             f"{overhead * 1000:.1f} ms", f"cluster start {startup:.1f} s (not in the sweep's seconds)"]]
    table(f"(c) sweep of {n:,} scenarios (staffing + mix, day sample): speed-up "
          f"{serial_seconds / parallel.seconds:.2f}× over serial on {workers} workers; identical: {same}",
          ["path", "seconds", "s/point", "overhead/task", "note"], rows)


# ------------------------------------------------------------------------------ (d)
def group_units(count: int, seconds: float) -> tuple[Settings, list[dict[str, Any]]]:
    """``count`` staffing groups for one week: the week sample's voice requirement scaled by a
    seeded factor in [0.3, 1.7] per group, with the voice templates and breaks."""
    from planner import demand, staffing

    scenario = read_workbook(WEEK)
    requirements = staffing.requirements(scenario, demand.live_demand(scenario))
    voice = requirements[requirements["group"] == "voice"].set_index("interval_start")["required_scheduled"]
    starts = scenario.settings.interval_starts()
    base = voice.reindex(starts).fillna(0.0).to_numpy(dtype=float)
    templates = [t for t in scenario.shift_templates if t.group == "voice"]
    rules = [r for r in scenario.break_rules if r.template in {t.name for t in templates}]
    rng = np.random.default_rng(executor.unit_seeds(20260105, 1)[0])
    factors = rng.uniform(0.3, 1.7, count)
    settings = replace(scenario.settings, solver_time_limit_seconds=seconds)
    units = [{"name": f"group {i + 1:03d}", "required": np.ceil(base * f)} for i, f in enumerate(factors)]
    return settings, [{**u, "templates": templates, "rules": rules, "starts": starts} for u in units]


def schedule_unit(settings: Settings, unit: dict[str, Any]) -> dict[str, float]:
    """One group's week through the public ``schedule_requirement`` (the model is built here)."""
    result = scheduling.schedule_requirement(unit["required"], unit["starts"], unit["templates"],
                                             unit["rules"], settings, group=unit["name"])
    return {"cost": float(result.shifts["cost"].sum()) if len(result.shifts) else 0.0,
            "agents": float(len(result.shifts)), "short": float(result.coverage["short"].sum()),
            "gap": float(result.solve.gap) if result.solve.gap is not None else math.nan}


def part_d(groups: int, seconds: float, workers: int) -> None:
    settings, units = group_units(groups, seconds)
    keys = [u["name"] for u in units]
    started = time.perf_counter()
    serial = executor.SerialExecutor().map(schedule_unit, units, shared=settings, keys=keys)
    serial_wall = time.perf_counter() - started
    with executor.open_executor(executor.ExecutorSpec("local", workers=workers)) as runner:
        parallel = runner.map(schedule_unit, units, shared=settings, keys=keys)
    # equal where every solve closes its gap; a solve stopped by its time limit may differ by path
    costs = np.array([[a["cost"], b["cost"]] for a, b in zip(serial.values, parallel.values, strict=True)])
    same = bool(np.allclose(costs[:, 0], costs[:, 1], rtol=1e-9, atol=1e-6))
    cost = sum(v["cost"] for v in parallel.values)
    table(f"(d) {groups} staffing groups × one week scheduled through the seam ({seconds:g} s limit per "
          f"group): speed-up {serial_wall / parallel.wall_seconds:.2f}× on {workers} workers; same costs: "
          f"{same} (time-limited solves may stop at different incumbents)",
          ["path", "seconds", "s/group", "labour cost"],
          [["serial", serial_wall, serial_wall / groups, cost],
           [f"local Dask, {workers} workers", parallel.wall_seconds, parallel.wall_seconds / groups, cost]])


# ------------------------------------------------------------------------------ (e)
def erlang_requirement(periods_per_day: int, days: int, interval_minutes: int, seed: int) -> np.ndarray:
    """Erlang C agents (80 % in 20 s, AHT 300 s) for a day with peaks at 10:30 and 15:00."""
    hours = (np.arange(periods_per_day) + 0.5) * interval_minutes / 60.0
    shape = (np.exp(-0.5 * ((hours - 10.5) / 1.6) ** 2) + 0.8 * np.exp(-0.5 * ((hours - 15.0) / 1.8) ** 2))
    rng = np.random.default_rng(seed)
    rows = []
    for day in range(days):
        scale = (1.0, 1.05, 1.0, 0.95, 0.9, 0.5, 0.4)[day % 7]
        contacts = np.maximum(0.0, 120.0 * scale * interval_minutes / 30.0 * shape
                              * rng.uniform(0.9, 1.1, periods_per_day))
        load = queueing.offered_load(contacts, 300.0, interval_minutes * 60.0)
        agents = np.where(load > 0, queueing.required_agents(np.maximum(load, 1e-9), 300.0, 0.8, 20.0), 0)
        rows.append(np.asarray(agents, dtype=float))
    return np.concatenate(rows)


BREAKS = {4: (15, (90, 120, 150)), 6: (30, (150, 180, 210)), 8: (30, (210, 240, 270)),
          10: (30, (270, 300, 330))}
"""Shift hours → (paid break minutes, the three embedded break start offsets in minutes)."""


def peer_instance(interval_minutes: int, days: int, with_breaks: bool, peer_seconds: float,
                  every_start: bool = False) -> dict[str, Any]:
    """One instance for both sides. Our break rule floats over every grid start of the window
    first–last embedded position; the peer gets the three embedded positions as fixed patterns, or
    with ``every_start`` each grid start of that window (then both solve the same problem: on a
    15-minute grid the window 1.5–2.5 h holds five starts, on a 30-minute grid three)."""
    per_day = 1440 // interval_minutes
    need = erlang_requirement(per_day, days, interval_minutes, seed=14)
    templates, rules, coverage, costs = [], [], {}, {}
    for hours in (4, 6, 8, 10):
        length = hours * 60
        name = f"{hours}h"
        templates.append(ShiftTemplate(name=name, group="g", length_minutes=length, earliest_start_minute=0,
                                       latest_start_minute=1440 - length, start_step_minutes=interval_minutes,
                                       cost_per_hour=60.0 / interval_minutes))
        duration, offsets = BREAKS[hours]
        duration = max(duration, interval_minutes)  # a 15-minute break is one 30-minute period
        if with_breaks:
            rules.append(BreakRule(template=name, activity="BREAK", duration_minutes=duration,
                                   earliest_start_offset_minutes=offsets[0],
                                   latest_start_offset_minutes=offsets[-1], paid=True))
        positions = (tuple(range(offsets[0], offsets[-1] + 1, interval_minutes)) if every_start
                     else offsets)
        for start in range(0, per_day - length // interval_minutes + 1):
            for k, offset in enumerate(positions if with_breaks else (None,)):
                works = [0] * per_day
                for p in range(start, start + length // interval_minutes):
                    works[p] = 1
                if offset is not None:
                    b0 = start + offset // interval_minutes
                    for p in range(b0, b0 + duration // interval_minutes):
                        works[p] = 0
                key = f"{name}@{start}" + (f"/b{k}" if offset is not None else "")
                coverage[key] = works
                costs[key] = length // interval_minutes
    settings = Settings(start_date=date(2026, 1, 5), days=days, interval_minutes=interval_minutes,
                        solver_gap=1e-4, solver_time_limit_seconds=600.0,
                        shortfall_penalty_per_agent_hour=1e4, overstaff_penalty_per_agent_hour=0.0)
    peer = {"num_days": days, "periods": per_day, "shifts_coverage": coverage,
            "required_resources": need.reshape(days, per_day).astype(int).tolist(), "cost_dict": costs,
            "max_period_concurrency": int(need.max() * 3 + 10),
            "max_shift_concurrency": int(need.max() * 2 + 10),
            "max_search_time": peer_seconds, "num_search_workers": 1}
    return {"settings": settings, "templates": templates, "rules": rules, "need": need, "peer": peer}


def make_peer_venv() -> None:
    """``.venv-bench312``: Python 3.12 (PATH or pyenv) with pyworkforce 0.5.4, unless it exists."""
    if (PEER_VENV / "bin" / "python").exists():
        return
    py312 = find_python("3.12")  # not "python3.12" on the PATH: a pyenv shim may not run
    if py312 is None:
        raise SystemExit("--make-venv: no Python 3.12 found (PATH or pyenv)")
    subprocess.run([py312, "-m", "venv", str(PEER_VENV)], check=True)
    subprocess.run([str(PEER_VENV / "bin" / "pip"), "install", "-q", "pyworkforce==0.5.4"], check=True)


def solve_formulation(instance: dict[str, Any], breaks: str) -> dict[str, Any]:
    """Our side with one break formulation: what ``scheduling.schedule_requirement`` does for a
    coverage group (independent parts, one model each, the solver seam, repair, expansion), with
    ``build_group_model(breaks=...)``; wall and CPU seconds of building, solving and expanding, and
    the root LP bound (the relaxation of each part, solved apart and not timed)."""
    from planner.scheduling.parts import independent_parts
    from planner.solver import combine, solve

    settings = instance["settings"]
    need = np.ceil(np.asarray(instance["need"]) - 1e-9).astype(np.int64)
    starts = settings.interval_starts()
    templates, rules = instance["templates"], instance["rules"]
    wall, cpu = time.perf_counter(), time.process_time()
    parts = independent_parts(templates, rules, settings)
    results, cost, short, integers, ok = [], 0.0, 0.0, 0, True
    for a, b in parts:
        window = None if len(parts) == 1 else (a, b)
        model = scheduling.build_group_model(need[a:b], templates, rules, settings, "g", window=window,
                                             breaks=breaks)
        integers += scheduling.model_size(model)["integer_variables"]
        results.append(solve(model.problem, settings))
        scheduling.repair_shortfall(model)
        shifts, activities, wellbeing = scheduling.expand_schedule(model, starts[a:b])
        coverage = scheduling.coverage_from_schedule(shifts, activities, need[a:b], starts[a:b], "g")
        cost += float(shifts["cost"].sum())
        short += float(coverage["short"].sum())
        ok = ok and bool(wellbeing["rule_ok"].all())
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    lp = 0.0
    for a, b in parts:
        model = scheduling.build_group_model(need[a:b], templates, rules, settings, "g",
                                             window=None if len(parts) == 1 else (a, b), breaks=breaks)
        for var in model.problem.variables():
            var.cat = "Continuous"
        lp += solve(model.problem, settings).objective
    solved = combine(results, rel_gap=settings.solver_gap)
    return {"wall": wall, "cpu": cpu, "cost": cost, "short": short, "integers": integers, "lp": lp,
            "status": solved.status.value, "gap": solved.gap, "rules_ok": ok}


def part_e_week(seconds: float) -> None:
    """Both break formulations on the week sample's groups (the default's other criterion): per
    group, its independent parts, each with an equal share of ``seconds`` (simpler than
    ``schedule_requirement``'s shares; the e-mail group as one week-long deferred model, without the
    pipeline's part-by-part carry-over); objective, bound, gap, seconds."""
    from planner import demand, staffing
    from planner.scheduling.parts import independent_parts
    from planner.solver import combine, solve

    scenario = read_workbook(WEEK)
    settings = scenario.settings
    starts = settings.interval_starts()
    requirements = staffing.requirements(scenario, demand.live_demand(scenario))
    rows = []
    for group in [g.name for g in scenario.staffing_groups]:
        own = requirements[requirements["group"] == group]
        need = np.ceil(own.set_index("interval_start")["required_scheduled"].reindex(starts).fillna(0.0)
                       .to_numpy(dtype=float) - 1e-9).astype(np.int64)
        templates = scenario.templates_of(group)
        rules = [r for r in scenario.break_rules if r.template in {t.name for t in templates}]
        work = (scheduling.DeferredWork.from_requirements(own, starts) if (own["kind"] == "email").all()
                else None)
        parts = [(0, len(starts))] if work is not None else independent_parts(templates, rules, settings)
        for breaks in ("per_shift", "aggregated"):
            wall, cpu = time.perf_counter(), time.process_time()
            results, ok = [], True
            for a, b in parts:
                window = None if len(parts) == 1 else (a, b)
                model = scheduling.build_group_model(need[a:b], templates, rules, settings, group,
                                                     deferred=work, window=window, breaks=breaks)
                results.append(solve(model.problem, settings, time_limit_seconds=seconds / len(parts)))
                ok = ok and bool(scheduling.expand_schedule(model, starts[a:b])[2]["rule_ok"].all())
            solved = combine(results, rel_gap=settings.solver_gap)
            rows.append([group, breaks, solved.objective, solved.best_bound, f"{solved.gap:.2%}",
                         solved.status.value, time.perf_counter() - wall, time.process_time() - cpu,
                         "" if ok else "NO"])
    table(f"(e) the week sample's groups with both break formulations ({seconds:g} s per group, gap "
          f"{settings.solver_gap:g}) — {load()}",
          ["group", "formulation", "objective", "bound", "gap", "status", "wall s", "CPU s", "rules broken"],
          rows)


def run_peer(python: Path, spec: dict[str, Any]) -> dict[str, Any]:
    done = subprocess.run([str(python), "-c", PEER_RUNNER], input=json.dumps(spec), capture_output=True,
                          text=True, timeout=float(spec["max_search_time"]) * 3 + 120)
    if done.returncode:
        return {"error": (done.stderr.strip().splitlines() or ["?"])[-1][:60]}
    return json.loads(done.stdout)


def part_e(peer_seconds: float) -> None:
    """Both break formulations and pyworkforce on each instance type, in one run."""
    python = PEER_VENV / "bin" / "python"
    rows = []
    worst: dict[str, float] = {}  # formulation → least CPU ratio peer / ours over the instances
    cases = (("15-min day", 15, 1, False, False), ("30-min week", 30, 7, False, False),
             ("15-min day, breaks", 15, 1, True, False),
             ("15-min day, breaks (peer: every start)", 15, 1, True, True),
             ("30-min week, breaks", 30, 7, True, False))
    for label, minutes, days, breaks, every_start in cases:
        instance = peer_instance(minutes, days, breaks, peer_seconds, every_start)
        print(f"  (e) {label} … {load()}", file=sys.stderr, flush=True)
        ours = {f: solve_formulation(instance, f) for f in ("per_shift", "aggregated")}
        peer: dict[str, Any] = {"error": f"{PEER_VENV.name} missing (--make-venv)"}
        if python.exists():
            peer = run_peer(python, instance["peer"])
        peer_cost = float(peer.get("cost", math.nan)) if "error" not in peer else math.nan
        for formulation, r in ours.items():
            same = ("" if not math.isfinite(peer_cost) else "yes" if abs(r["cost"] - peer_cost) < 0.5
                    else "NO" if peer.get("status") == "OPTIMAL" else "peer not proven")
            if "cpu_seconds" in peer:
                worst[formulation] = min(worst.get(formulation, math.inf), peer["cpu_seconds"] / r["cpu"])
            ratio = (f"{peer['seconds'] / r['wall']:.1f}× / {peer['cpu_seconds'] / r['cpu']:.1f}×"
                     if "seconds" in peer else "")
            rows.append([label, formulation, f"{r['integers']:,}", f"{r['lp']:,.2f}", r["cost"], r["short"],
                         f"{r['status']} ({r['gap']:.1e})", same, r["wall"], r["cpu"], ratio,
                         "" if r["rules_ok"] else "NO"])
        rows.append([label, "pyworkforce 0.5.4", "", "", peer_cost, "",
                     str(peer.get("status", peer.get("error", ""))), "", peer.get("seconds", math.nan),
                     peer.get("cpu_seconds", math.nan), "", ""])
    table("(e) pyworkforce's instance types, gap ≤ 1e-4 (ours: independent parts through the solver seam, "
          "HiGHS one thread, per-shift (Aykin 1996) or break-start (Bechtold & Jacobs 1990) break variables; "
          "pyworkforce 0.5.4 MinRequiredResources, CP-SAT, one worker; cost in periods; ratio = peer / ours, "
          "wall / CPU; 'rules broken' = an expanded shift failing a break rule)",
          ["instance", "formulation", "integers", "root LP", "cost", "short", "status (gap)", "same cost",
           "wall s", "CPU s", "peer ÷ ours", "rules broken"], rows)
    for formulation, ratio in worst.items():
        print(f"  {formulation}: least CPU ratio over the instances {ratio:.1f}× (target ≥ 5×: "
              f"{'met' if ratio >= 5 else 'NOT met'})")
    if not python.exists():
        print(f"  pyworkforce not run: {PEER_VENV.name} is missing (--make-venv creates it)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip", default="", help="parts to skip, e.g. a,d")
    parser.add_argument("--sweep-points", type=int, default=1000)
    parser.add_argument("--serial-points", type=int, default=None,
                        help="serial side of (c) on the first M points only, scaled (default: all)")
    parser.add_argument("--groups", type=int, default=200)
    parser.add_argument("--group-seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--baseline", default="main,0661e13",
                        help="git revisions (comma-separated) whose planner/mix is a 'before' row of (b); "
                             "0661e13 is before issue 14")
    parser.add_argument("--repeat", type=int, default=2, help="(b): runs per row, the best CPU is shown")
    parser.add_argument("--no-every", action="store_true",
                        help="(b) without the every-combination row (the slowest, ~20 s)")
    parser.add_argument("--make-venv", action="store_true")
    parser.add_argument("--week-seconds", type=float, default=30.0,
                        help="(e) the week sample's groups, both break formulations, s per group (0: skip)")
    parser.add_argument("--peer-seconds", type=float, default=300.0,
                        help="pyworkforce's max_search_time per instance (e)")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    print(f"bench_speed — {load()}")
    if args.make_venv:
        make_peer_venv()
    if "a" not in skip:
        part_a()
    if "b" not in skip:
        part_b([r for r in args.baseline.split(",") if r], not args.no_every, max(1, args.repeat))
    if "c" not in skip:
        part_c(args.sweep_points, args.serial_points or args.sweep_points, args.workers)
    if "d" not in skip:
        part_d(args.groups, args.group_seconds, args.workers)
    if "e" not in skip:
        part_e(args.peer_seconds)
        if args.week_seconds > 0:
            part_e_week(args.week_seconds)
    print(f"\nend — {load()}")


if __name__ == "__main__":
    main()
