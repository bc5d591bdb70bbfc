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

* **(b) pyworkforce's** ``MinHoursRoster`` (0.5.4, CP-SAT), given our daily shift counts: the tour
  model's shifts counted per (day, group, template, start time) are its ``required_resources``,
  and the people our roster rostered are its resources — the same shifts and the same people, so
  our roster is one feasible answer of its model and the comparison is the assignment alone (it
  makes every resource work its minimum and cannot leave anyone out, so the people not needed
  are not given to it). With the day-by-day shift model's counts and all 140 agents instead, it
  proved its model infeasible in one run (159 shift types; its one ``min_working_hours`` and
  ``max_resting`` for everybody against the bans).
  Everything its API can say is passed: a ban per (agent, day, shift) for a group the agent
  is not skilled for, a length the contract does not allow, a day off, time off or a shift
  outside the day's availability (``banned_shifts``); the loosest contract minimums as its one
  ``min_working_hours`` and ``max_resting`` (it has one value for everybody, no maximum hours or
  days, no consecutive days off, start bands or weekends).
  Its ``non_sequential_shifts`` (the rest rule) is not passed: read from its source, an origin
  shift with more than one banned successor gets ``k·x[d][s] + Σ_j x[d+1][j] ≤ 1`` and can never
  be worked, which makes a real rest rule infeasible. Hours are given in minutes (CP-SAT needs
  whole coefficients). Its assignment is mapped to a shifts frame (each assigned shift takes the
  times, cost and breaks of one of our shifts of the same day and type; MinHoursRoster places no
  breaks) and checked by our verifier (:func:`planner.roster.verify.verify_roster`): time, people
  who pass, and violations per rule. It runs in a peer venv (``--make-venv`` builds
  ``.venv-bench312`` with pyenv's real Python 3.12 and ``pyworkforce==0.5.4``).

Usage::

    .venv/bin/python benchmarks/bench_roster.py [--seconds 50] [--voice-seconds 20]
        [--peer-seconds 50] [--make-venv]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pulp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from planner import demand, excel, scheduling, staffing  # noqa: E402
from planner import shifts as shift_grid  # noqa: E402
from planner.roster import roster_scenario  # noqa: E402
from planner.roster.model import build_tour_model  # noqa: E402
from planner.roster.solve import solve_tour_model  # noqa: E402
from planner.roster.tours import agent_profiles, horizon_dates, week_patterns  # noqa: E402
from planner.roster.verify import verify_roster  # noqa: E402
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


PEER_VENV = ROOT / ".venv-bench312"
PEER_RUNNER = r"""
import json, sys, time
from pyworkforce.rostering.binary_programming import MinHoursRoster
spec = json.load(sys.stdin)
started = time.perf_counter()
solution = MinHoursRoster(**spec).solve()
solution["seconds"] = time.perf_counter() - started
json.dump(solution, sys.stdout)
"""
RULE_KINDS: tuple[tuple[str, str], ...] = (
    ("paid hours", "weekly paid hours"),
    ("working days,", "working days per week"),
    ("run of days off", "consecutive days off"),
    ("in a row", "max consecutive days"),
    ("rest between", "rest between shifts"),
    ("start times vary", "start-time variance"),
    ("weekends worked", "weekends per 4 weeks"),
    ("more than one shift", "one shift a day"),
    ("skilled for", "skills"),
    ("not available", "availability"),
    ("time off", "availability"),
    ("outside the availability", "availability"),
    ("not taken", "breaks"),
    ("contract allows", "shift length"),
)
"""(words in a verifier problem, the rule it breaks), first match wins."""


def python312() -> Path | None:
    """The real Python 3.12 interpreter: pyenv's versions folder first (``shutil.which`` finds a
    pyenv shim that fails when 3.12 is not the selected version), then a working ``python3.12``."""
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    found = sorted(root.glob("versions/3.12*/bin/python3.12"))
    candidates = [*found[::-1], Path("python3.12")]
    for candidate in candidates:
        try:
            done = subprocess.run([str(candidate), "--version"], capture_output=True, text=True, timeout=30)
        except OSError:
            continue
        if done.returncode == 0 and done.stdout.startswith("Python 3.12"):
            return candidate
    return None


def make_peer_venv() -> Path:
    """``.venv-bench312`` with pyworkforce 0.5.4 (needs Python 3.12)."""
    python = PEER_VENV / "bin" / "python"
    if not python.exists():
        base = python312()
        if base is None:
            raise SystemExit("--make-venv: no working Python 3.12 (pyenv's versions or python3.12)")
        subprocess.run([str(base), "-m", "venv", str(PEER_VENV)], check=True)
        subprocess.run([str(PEER_VENV / "bin" / "pip"), "install", "-q", "pyworkforce==0.5.4"], check=True)
    return python


def shift_type(row: object) -> str:
    """The MinHoursRoster shift name of one of our shifts: group, template and start time."""
    return f"{row.group}|{row.template}|{row.start:%H:%M}"  # type: ignore[attr-defined]


def min_hours_roster_spec(scenario: Scenario, shifts: pd.DataFrame, seconds: float) -> dict[str, object]:
    """The ``MinHoursRoster`` arguments for our daily shift counts (see the module docstring)."""
    settings = scenario.settings
    origin = pd.Timestamp(settings.start_date)
    dates = horizon_dates(settings)
    frame = shifts.assign(day=[int((s.normalize() - origin).days) for s in shifts["start"]],
                          kind=[shift_type(r) for r in shifts.itertuples(index=False)])
    kinds = sorted(frame["kind"].unique())
    first = frame.drop_duplicates("kind").set_index("kind")
    minutes = {k: round((first.at[k, "end"] - first.at[k, "start"]).total_seconds() / 60) for k in kinds}
    paid_minutes = {k: round(float(first.at[k, "paid_hours"]) * 60) for k in kinds}
    counts = frame.groupby(["kind", "day"]).size()
    required = {k: [int(counts.get((k, d), 0)) for d in range(settings.days)] for k in kinds}
    contracts = {c.name: c for c in scenario.contracts}
    max_resting = settings.days - max(1, min(c.min_days_per_week for c in scenario.contracts))
    banned, people = [], []
    rostered = set(shifts["agent"])
    for agent in (a for a in scenario.agents if a.agent_id in rostered):
        lengths = set(contracts[agent.contract].shift_lengths_minutes)
        bans, open_days = [], 0
        for day, when in enumerate(dates):
            window = agent.window_on(when)
            allowed = 0
            for k in kinds:
                group = k.split("|", 1)[0]
                start = int(first.at[k, "start"].hour * 60 + first.at[k, "start"].minute)
                if (group not in agent.groups or (lengths and minutes[k] not in lengths)
                        or window is None or not window.fits(start, start + minutes[k])):
                    bans.append({"resource": agent.agent_id, "shift": k, "day": day})
                elif required[k][day] > 0:
                    allowed += 1
            open_days += allowed > 0
        # MinHoursRoster makes every resource work settings.days − max_resting days: an agent with
        # fewer days on which some shift is allowed would make it infeasible, so is left out.
        if open_days >= settings.days - max_resting:
            people.append(agent)
            banned += bans
    # Coverage is hard in MinHoursRoster: a (shift, day) needing more people than may work it is
    # capped at those people (the day-by-day model knows no availability), and the cap is counted.
    barred = Counter((b["shift"], b["day"]) for b in banned)
    capped = 0
    for k in kinds:
        for day in range(settings.days):
            most = len(people) - barred[(k, day)]
            if required[k][day] > most:
                capped += required[k][day] - most
                required[k][day] = most
    return {
        "capped_shifts": capped,
        "num_days": settings.days,
        "resources": [a.agent_id for a in people],
        "shifts": kinds,
        "shifts_hours": [paid_minutes[k] for k in kinds],  # minutes: CP-SAT takes whole coefficients
        "min_working_hours": round(min(c.min_hours_per_week for c in scenario.contracts) * 60) or 1,
        "banned_shifts": banned,
        "max_resting": max_resting,
        "required_resources": required,
        "max_search_time": float(seconds),
        "num_search_workers": 1,
    }


def peer_shifts(solution: dict[str, object], shifts: pd.DataFrame, activities: pd.DataFrame,
                scenario: Scenario) -> tuple[pd.DataFrame, pd.DataFrame]:
    """MinHoursRoster's assignment as our shifts and breaks frames: each assigned (agent, day, shift
    type) takes the times, cost and breaks of one of our shifts of that day and type, in order;
    shifts beyond our count (over-cover) get the times and no breaks."""
    origin = pd.Timestamp(scenario.settings.start_date)
    pools: dict[tuple[int, str], list[object]] = {}
    for row in shifts.itertuples(index=False):
        pools.setdefault((int((row.start.normalize() - origin).days), shift_type(row)), []).append(row)
    used: Counter[tuple[int, str]] = Counter()
    out_shifts, out_breaks = [], []
    for item in solution["resource_shifts"]:  # type: ignore[attr-defined]
        key = (int(item["day"]), str(item["shift"]))
        pool = pools[key]
        ours = pool[min(used[key], len(pool) - 1)]
        out_shifts.append({"agent": item["resource"], "group": ours.group, "template": ours.template,
                           "start": ours.start, "end": ours.end, "paid_hours": ours.paid_hours,
                           "cost": ours.cost})
        if used[key] < len(pool):
            own = activities[(activities["agent"] == ours.agent) & (activities["start"] >= ours.start)
                             & (activities["start"] < ours.end)]
            out_breaks += [{**b, "agent": item["resource"]} for b in own.to_dict(orient="records")]
        used[key] += 1
    columns = ["agent", "group", "activity", "start", "end", "paid"]
    return (pd.DataFrame(out_shifts, columns=list(shifts.columns[:7])),
            pd.DataFrame(out_breaks, columns=columns) if out_breaks else pd.DataFrame(columns=columns))


def rule_violations(report: pd.DataFrame) -> Counter[str]:
    """Problems of the verifier's report counted per rule (:data:`RULE_KINDS`)."""
    counts: Counter[str] = Counter()
    for text in report["problems"].dropna():
        for problem in (p for p in str(text).split("; ") if p):
            counts[next((rule for words, rule in RULE_KINDS if words in problem), "other")] += 1
    return counts


def baseline_b(scenario: Scenario, schedule: object, seconds: float, make_venv: bool) -> dict[str, object]:
    """Baseline (b) on our roster's ``schedule``: time, size, labour and our verifier on
    MinHoursRoster's output."""
    python = make_peer_venv() if make_venv else PEER_VENV / "bin" / "python"
    shifts = schedule.shifts  # type: ignore[attr-defined]
    activities = schedule.activities  # type: ignore[attr-defined]
    spec = min_hours_roster_spec(scenario, shifts, seconds)
    capped = spec.pop("capped_shifts")
    n, d, t = len(spec["resources"]), spec["num_days"], len(spec["shifts"])  # type: ignore[arg-type]
    size = {"variables": n * d * t, "rows": d * t + n * d + 2 * n + len(spec["banned_shifts"])  # type: ignore[arg-type,operator]
            + n * (d - 1) * t}  # type: ignore[operator]
    result: dict[str, object] = {**size, "types": t, "bans": len(spec["banned_shifts"]),  # type: ignore[arg-type]
                                 "left_out": int(shifts["agent"].nunique()) - n, "capped": capped}
    if not python.exists():
        return {**result, "status": f"not run: {PEER_VENV.name} is missing (--make-venv creates it)"}
    started = time.perf_counter()
    done = subprocess.run([str(python), "-c", PEER_RUNNER], input=json.dumps(spec), capture_output=True,
                          text=True, timeout=seconds * 4 + 600)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        return {**result, "status": "failed: " + (done.stderr.strip().splitlines() or ["?"])[-1][:80]}
    solution = json.loads(done.stdout)
    result.update(status=solution["status"], seconds=float(solution["seconds"]), wall=wall)
    if solution["status"] not in ("OPTIMAL", "FEASIBLE"):
        return result
    result["objective_minutes"] = float(solution["cost"])
    peer, breaks = peer_shifts(solution, shifts, activities, scenario)
    report = verify_roster(peer, breaks, scenario)
    result.update(shifts=len(peer), people=int(peer["agent"].nunique()), labour=float(peer["cost"].sum()),
                  ok=int(report["ok"].sum()), verified=len(report), violations=rule_violations(report))
    return result


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
    parser.add_argument(
        "--peer-seconds", type=float, default=None,
        help="time limit of pyworkforce's MinHoursRoster (default: the whole-week limit)",
    )
    parser.add_argument("--make-venv", action="store_true", help="build .venv-bench312 for baseline (b)")
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

    peer_seconds = args.peer_seconds or scenario.settings.solver_time_limit_seconds
    peer = baseline_b(scenario, roster.schedule, peer_seconds, args.make_venv)
    violations: Counter[str] = peer.get("violations", Counter())  # type: ignore[assignment]
    peer_notes = f"{peer['status']}; {peer['types']} shift types, {peer['bans']:,} bans"
    if peer["left_out"] or peer["capped"]:
        peer_notes += (f", {peer['left_out']} people left out (too few allowed days), {peer['capped']} "
                       "shifts nobody may work dropped")
    if "verified" in peer:
        peer_notes += (f"; {peer['shifts']} shifts to {peer['people']} people; verifier {peer['ok']}/"
                       f"{peer['verified']} ok; {sum(violations.values())} violations: "
                       + ", ".join(f"{rule} {count}" for rule, count in violations.most_common()))

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
        (
            "week: (b) pyworkforce MinHoursRoster, our daily shift counts",
            peer["variables"],
            peer["variables"],
            peer["rows"],
            peer.get("seconds", math.nan),
            peer.get("objective_minutes", math.nan),
            math.nan,
            math.nan,
            peer.get("labour", math.nan),
            peer_notes,
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
    print(f"patterns per full-time week: {len(week_patterns(scenario.contracts[0]))}")
    if "seconds" in peer:
        ratio = peer["seconds"] / max(roster_seconds, 1e-9)  # type: ignore[operator]
        print(
            f"(b) pyworkforce MinHoursRoster: {peer['seconds']:.1f} s in its solve ({peer['wall']:.1f} s "
            f"with the subprocess), objective in paid minutes; seconds ×{ratio:.2f} of our whole tour "
            f"run; our tour roster: verifier "
            f"{int(roster.verification['ok'].sum())}/{len(roster.verification)} ok"
        )
    else:
        print(f"(b) pyworkforce MinHoursRoster: {peer['status']}")
    one, five, _ = os.getloadavg()
    print(f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores")
    return 0


def _gap(value: float) -> str:
    return "—" if not math.isfinite(value) else f"{value:.2%}"


if __name__ == "__main__":
    raise SystemExit(main())
