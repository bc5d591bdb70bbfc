"""Simulation-based staffing correction: the iterative staffing algorithm (ISA).

Per voice/chat group the requirement is corrected for what the stationary formulas miss (queues
carried across intervals, lag behind changing arrivals) by the iterative staffing algorithm of
Feldman, Mandelbaum, Massey & Whitt (2008), "Staffing of time-varying queues to achieve
time-stable performance", Management Science 54(2):

1. simulate the queue with the current staffing curve ``s⁽ⁿ⁾(t)`` (agents joining and leaving at
   interval boundaries, a leaving agent finishing the contact in hand; no breaks, no shrinkage —
   the requirement is in net agents), ``replications`` times;
2. from the simulated number of contacts in the system ``L⁽ⁿ⁾(τ)`` (waiting + in service),
   sampled at :data:`SAMPLES_PER_INTERVAL` points of each interval and pooled over the
   replications, set ``s⁽ⁿ⁺¹⁾(t) = min{ s : P(L⁽ⁿ⁾ ≥ s) ≤ α(t) }`` — an arrival waits when all
   ``s`` servers are busy, so this is the least staffing whose delay probability is ``α(t)``;
3. repeat until no interval moves by more than one agent (FMMW's stopping rule) or
   ``max_iterations``; every iteration replays the same contacts (common random numbers), so
   the iteration is a deterministic map of the staffing curve.

The delay-probability target ``α(t)`` encodes the channel's service-level target through the
stationary model: halfway between :func:`planner.queueing.wait_probability` at the plan's analytic
requirement ``n(t)`` and at ``n(t) − 1`` — in a stationary interval the ISA then returns exactly
``n(t)`` (the formula's answer), robustly against sampling noise; it moves only where the
time-varying queue differs from the stationary one. Then, as the issue
asks, agents are added one at a time where the simulated service level of the corrected curve
is still below the target (at most ``sl_rounds`` rounds), and the occupancy cap
(``ceil(load / max_occupancy)``) is kept as a floor — a well-being rule, not a queueing effect.
Chat is corrected in session slots (``c`` per agent) and rounded up to agents.
Deferred (e-mail) groups are left as they are: their staffing already carries the backlog.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from planner import queueing
from planner.simulation.agents import cells_from_staffing, stretches
from planner.simulation.arrivals import draw_arrivals
from planner.simulation.engine import serve_fcfs
from planner.simulation.inputs import GroupInputs, SimulationInputs, SimulationOptions
from planner.simulation.replications import replication_rng

SAMPLES_PER_INTERVAL = 9
"""Time points per interval at which the number in system is sampled (midpoints of ninths)."""

Progress = Callable[[float, str], None]


@dataclass(frozen=True, eq=False)
class Correction:
    """The corrected requirement and what it moves.

    Attributes
    ----------
    requirements : pandas.DataFrame
        The plan's requirements with ``net_agents`` and ``required_scheduled`` replaced by the
        corrected values (``required_scheduled = ceil(net / (1 − shrinkage))``); the originals
        kept as ``net_agents_analytic`` and ``required_scheduled_analytic``.
    intervals : pandas.DataFrame
        Per (group, interval) of the corrected groups: ``analytic_net``, ``corrected_net``,
        ``change``, ``alpha`` (delay-probability target), ``target_service_level``,
        ``simulated_service_level`` at the corrected staffing and its CI.
    iterations : dict of str to int
        ISA iterations per group.
    moved : pandas.DataFrame
        Per (group, date): ``added_agent_hours``, ``removed_agent_hours``, ``net_agent_hours``
        (scheduled agents, i.e. after shrinkage).
    notes : list of str
    """

    requirements: pd.DataFrame
    intervals: pd.DataFrame
    iterations: dict[str, int]
    moved: pd.DataFrame
    notes: list[str]


def _number_in_system(group: GroupInputs, servers_per_interval: np.ndarray, rng: np.random.Generator,
                      options: SimulationOptions) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One replay of a staffing curve: L at the sample points (T, k), within and offered per interval."""
    n_t = group.intervals
    dt = group.interval_seconds
    cells = cells_from_staffing(servers_per_interval)
    servers = stretches(cells, np.ones(cells.cell_row.size, dtype=bool), dt)
    contacts = draw_arrivals(group.contacts, group.handle_seconds, dt, group.patience_seconds, rng,
                             distribution=options.handle_time, cv=options.handle_time_cv)
    outcome = serve_fcfs(contacts.time, contacts.handle, contacts.give_up, servers)
    served = np.isfinite(outcome.start)
    leave = np.where(served, outcome.start + contacts.handle,
                     np.where(np.isfinite(contacts.give_up), contacts.give_up, np.inf))
    points = ((np.arange(n_t)[:, None] + (np.arange(SAMPLES_PER_INTERVAL) + 0.5)[None, :]
               / SAMPLES_PER_INTERVAL) * dt).ravel()
    in_system = (np.searchsorted(contacts.time, points, side="right")
                 - np.searchsorted(np.sort(leave), points, side="right")).reshape(n_t, SAMPLES_PER_INTERVAL)
    wait = outcome.start - contacts.time
    ok = served & (wait <= group.answer_seconds + 1e-9)
    within = np.bincount(contacts.interval, weights=ok.astype(float), minlength=n_t)
    answered = np.bincount(contacts.interval, weights=served.astype(float), minlength=n_t)
    offered = np.bincount(contacts.interval, minlength=n_t).astype(float)
    denominator = answered if group.definition == "answered" else offered
    return in_system, within, denominator


def _replay(group: GroupInputs, servers: np.ndarray, replications: int, options: SimulationOptions,
            g: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # Common random numbers: every round replays the same contacts (streams of replications
    # 10 000 + r, apart from the plan's own), so rounds differ only by the staffing and the
    # fixed-point iteration is not driven by sampling noise.
    runs = [_number_in_system(group, servers, replication_rng(options.seed, 10_000 + r, g), options)
            for r in range(replications)]
    return (np.concatenate([r[0] for r in runs], axis=1), np.stack([r[1] for r in runs]),
            np.stack([r[2] for r in runs]))


def isa_staffing(in_system: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """``min{s : P(L ≥ s) ≤ α}`` per interval from samples of the number in system.

    Parameters
    ----------
    in_system : numpy.ndarray of int, shape (T, samples)
        Contacts in the system at sample times of each interval.
    alpha : numpy.ndarray, shape (T,)
        Delay-probability target per interval, (0, 1].

    Returns
    -------
    numpy.ndarray of int64, shape (T,)
        With the samples sorted, ``P(L ≥ s) ≤ α`` holds exactly from the ``⌈(1 − α) N⌉``-th
        smallest sample plus one upward (the empirical ``1 − α`` quantile, plus one).
    """
    samples = np.sort(in_system, axis=1)
    n = samples.shape[1]
    # P(L >= s) = #(L >= s)/n <= alpha  <=>  at least ceil((1 - alpha) n) samples are < s
    need = np.clip(np.ceil((1.0 - alpha) * n - 1e-9).astype(np.int64), 0, n)
    out = np.zeros(samples.shape[0], dtype=np.int64)
    positive = need > 0
    out[positive] = samples[positive, need[positive] - 1] + 1
    return out


def correct_requirements(inputs: SimulationInputs, requirements: pd.DataFrame, *, replications: int = 40,
                         max_iterations: int = 10, sl_rounds: int = 3,
                         progress: Progress | None = None) -> Correction:
    """The ISA-corrected requirement of every voice/chat group (see the module docstring).

    Parameters
    ----------
    inputs : SimulationInputs
        Of the plan (arrivals, handle times, patience, targets per group).
    requirements : pandas.DataFrame
        The plan's :func:`planner.staffing.requirements`.
    replications : int
        Replications per ISA iteration (≥ 2).
    max_iterations : int
        Most ISA iterations per group.
    sl_rounds : int
        Most rounds of adding an agent where the simulated service level is below target.
    progress : callable(fraction, message), optional

    Returns
    -------
    Correction
    """
    if replications < 2:
        raise ValueError(f"replications must be ≥ 2 for the correction, got {replications}")
    from planner.simulation.statistics import ratio_interval

    req = requirements.reset_index(drop=True).copy()
    req["net_agents_analytic"] = req["net_agents"]
    req["required_scheduled_analytic"] = req["required_scheduled"]
    frames, iterations, notes = [], {}, []
    queues = [(g, group) for g, group in enumerate(inputs.groups) if group.kind != "email"]
    for k, (g, group) in enumerate(queues):
        mask = (req["group"] == group.group).to_numpy()
        rows = req[mask].sort_values("interval_start")
        index = rows.index.to_numpy()
        load = rows["workload_erlangs"].to_numpy(dtype=float)
        aht = rows["aht_seconds"].to_numpy(dtype=float)
        aht = np.where(np.isfinite(aht) & (aht > 0), aht, 1.0)
        analytic = rows["net_agents"].to_numpy(dtype=np.int64)
        target = rows["target_service_level"].to_numpy(dtype=float)
        patience = None if math.isinf(group.patience_seconds) else group.patience_seconds
        with np.errstate(all="ignore"):
            at_n = np.asarray(queueing.wait_probability(analytic, load, aht, patience,
                                                        concurrency=group.slots), dtype=float)
            below = np.asarray(queueing.wait_probability(np.maximum(analytic - 1, 0), load, aht, patience,
                                                         concurrency=group.slots), dtype=float)
        # Halfway between the delay probability at n and at n − 1 agents: the stationary model
        # then returns exactly n, and sampling noise around P(wait | n) cannot tip the answer.
        alpha = 0.5 * (at_n + below)
        alpha = np.clip(np.nan_to_num(alpha, nan=1.0), 1e-3, 1.0)
        slots = group.slots
        # agents ≥ slot load / (max occupancy × slots per agent)
        occupancy_floor = np.ceil(queueing.chat_load(load, slots, inputs.options.chat_slowdown)
                                  / (rows["max_occupancy"].to_numpy(dtype=float) * slots) - 1e-9
                                  ).astype(np.int64)
        servers = analytic * slots
        active = load > 0
        done = 0
        for it in range(max_iterations):
            done = it + 1
            in_system, _, _ = _replay(group, servers, replications, inputs.options, g)
            new = np.where(active, isa_staffing(in_system, alpha), 0)
            moved = int(np.max(np.abs(new - servers))) if new.size else 0
            servers = new
            if progress is not None:
                progress((k + (it + 1) / (max_iterations + sl_rounds + 1)) / len(queues),
                         f"correction: {group.group}, ISA iteration {it + 1} (largest change {moved})")
            if moved <= 1:
                break
        iterations[group.group] = done
        agents = np.maximum(np.ceil(servers / slots).astype(np.int64), np.where(active, occupancy_floor, 0))
        for extra in range(sl_rounds + 1):
            _, within, offered = _replay(group, agents * slots, replications, inputs.options, g)
            sl, low, high = ratio_interval(within, offered, low=0.0, high=1.0)
            short = active & np.isfinite(target) & np.isfinite(sl) & (sl < target)
            if extra == sl_rounds or not short.any():
                break
            agents = agents + short.astype(np.int64)
        shrink = rows["shrinkage"].to_numpy(dtype=float)
        scheduled = np.ceil(agents / (1.0 - shrink) - 1e-9).astype(np.int64)
        req.loc[index, "net_agents"] = agents
        req.loc[index, "required_scheduled"] = scheduled
        frames.append(pd.DataFrame({
            "group": group.group, "interval_start": rows["interval_start"].to_numpy(),
            "analytic_net": analytic, "corrected_net": agents, "change": agents - analytic,
            "required_scheduled_analytic": rows["required_scheduled"].to_numpy(),
            "required_scheduled_corrected": scheduled, "alpha": alpha,
            "target_service_level": target, "simulated_service_level": sl, "ci_low": low,
            "ci_high": high}))
    intervals = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    moved = _moved(intervals, inputs.groups[0].interval_seconds if inputs.groups else 900.0)
    for name, rows in intervals.groupby("group", sort=False):
        delta = rows["required_scheduled_corrected"] - rows["required_scheduled_analytic"]
        hours = inputs.groups[0].interval_seconds / 3600.0
        top = rows.assign(delta=delta).loc[delta.abs().sort_values(ascending=False).index[:3]]
        where = ", ".join(f"{pd.Timestamp(t):%a %H:%M} {d:+d}" for t, d in zip(top["interval_start"],
                                                                               top["delta"], strict=True)
                          if d != 0)
        added, removed = delta.clip(lower=0).sum() * hours, (-delta).clip(lower=0).sum() * hours
        notes.append(f"{name}: the ISA correction ({iterations[name]} iterations) adds {added:.1f} and "
                     f"removes {removed:.1f} scheduled agent-hours ({delta.sum() * hours:+.1f} net)"
                     + (f"; largest changes: {where}" if where else ""))
    return Correction(requirements=req, intervals=intervals, iterations=iterations, moved=moved, notes=notes)


def _moved(intervals: pd.DataFrame, interval_seconds: float) -> pd.DataFrame:
    if intervals.empty:
        return pd.DataFrame(columns=["group", "date", "added_agent_hours", "removed_agent_hours",
                                     "net_agent_hours"])
    hours = interval_seconds / 3600.0
    delta = (intervals["required_scheduled_corrected"] - intervals["required_scheduled_analytic"]) * hours
    frame = intervals.assign(date=pd.to_datetime(intervals["interval_start"]).dt.date,
                             added_agent_hours=delta.clip(lower=0),
                             removed_agent_hours=(-delta).clip(lower=0), net_agent_hours=delta)
    return frame.groupby(["group", "date"], sort=False, as_index=False)[
        ["added_agent_hours", "removed_agent_hours", "net_agent_hours"]].sum()


def replan(plan: object, correction: Correction, progress: Progress | None = None) -> object:
    """The plan scheduled again against the corrected requirement (same scenario, same rules).

    Returns a :class:`planner.pipeline.Plan` whose ``requirements`` are the corrected ones and
    whose coverage and KPIs are those of the new schedule.
    """
    from planner import pipeline, scheduling

    scenario = plan.scenario  # type: ignore[attr-defined]
    schedule = scheduling.schedule_scenario(scenario, correction.requirements, progress=progress)
    coverage = pipeline.coverage_frame(correction.requirements, schedule)
    kpis = pipeline.plan_kpis(scenario, plan.live, correction.requirements, coverage,  # type: ignore[attr-defined]
                              schedule, None)
    return replace(plan, requirements=correction.requirements, schedule=schedule,  # type: ignore[type-var]
                   coverage=coverage, kpis=kpis, mix=None,
                   status=f"{getattr(schedule.solve.status, 'value', schedule.solve.status)} "
                          "(scheduled against the ISA-corrected requirement)")


def correct_and_replan(plan: object, before: object, progress: Progress | None = None,
                       *, replications: int | None = None) -> tuple[object, object]:
    """Correct the requirement (ISA), schedule against it and simulate the new plan.

    Parameters
    ----------
    plan : planner.pipeline.Plan
        The plan as planned.
    before : planner.simulation.SimulationResult
        Its simulation (the options are reused).
    progress : callable(fraction, message), optional
    replications : int, optional
        Replications per ISA iteration (default: the simulation's, between 20 and 100).

    Returns
    -------
    (Plan, SimulationResult)
        The re-planned plan and its simulation, which carries the correction
        (``correction``, ``correction_moved``) and notes comparing before and after.
    """
    from planner import simulation

    options = before.options  # type: ignore[attr-defined]
    reps = replications if replications is not None else min(max(options.replications, 20), 100)
    inputs = simulation.from_plan(plan, options)

    def stage(low: float, high: float) -> Progress | None:
        if progress is None:
            return None
        return lambda f, m: progress(low + (high - low) * min(max(f, 0.0), 1.0), m)

    correction = correct_requirements(inputs, plan.requirements, replications=reps,  # type: ignore[attr-defined]
                                      progress=stage(0.0, 0.3))
    replanned = replan(plan, correction, progress=stage(0.3, 0.8))
    after = simulation.simulate(simulation.from_plan(replanned, options), stage(0.8, 1.0))
    lines = list(correction.notes)
    hours = {name: float(v) for name, v in
             zip(before.week["group"], before.week["scheduled_agent_hours"], strict=True)}  # type: ignore[attr-defined]
    for _, row in after.week.iterrows():  # type: ignore[attr-defined]
        if row["kind"] == "email":
            continue
        old = before.week[before.week["group"] == row["group"]].iloc[0]  # type: ignore[attr-defined]
        lines.append(
            f"{row['group']}: before the correction {hours[row['group']]:,.1f} agent-hours working, "
            f"simulated {old['simulated_service_level']:.1%} "
            f"(predicted {old['predicted_service_level']:.1%}); "
            f"after {row['scheduled_agent_hours']:,.1f}, simulated {row['simulated_service_level']:.1%} "
            f"(predicted {row['predicted_service_level']:.1%})")
    result = replace(after, correction=correction.intervals, correction_moved=correction.moved,  # type: ignore[type-var]
                     notes=lines + list(after.notes))  # type: ignore[attr-defined]
    return replanned, result
