"""One replication of the horizon (a pure function of inputs and seed), and many of them.

:func:`simulate_replication` draws everything of replication ``r`` from
``numpy.random.SeedSequence(seed, spawn_key=(r, g))`` per group ``g`` and returns plain per-interval
tallies (:class:`GroupTally`), so replications can be mapped over any executor and combined in any
order with identical results. :func:`run_replications` is the serial loop with progress.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from functools import partial

import numpy as np

from planner.simulation import agents, chat, email
from planner.simulation.arrivals import draw_arrivals
from planner.simulation.engine import serve_fcfs
from planner.simulation.inputs import GAP_BREAK, GAP_SHIFT_END, GroupInputs, SimulationInputs

Progress = Callable[[float, str], None]


@dataclass(frozen=True, eq=False)
class GroupTally:
    """Per-interval counts of one group in one replication (arrays of shape (T,), float).

    Contacts are counted in their *arrival* interval; time in the interval it falls in.

    Attributes
    ----------
    offered, answered, abandoned, unserved : numpy.ndarray
        Contacts arriving; reaching an agent; giving up; still waiting when no agent would come
        on duty again.
    due : numpy.ndarray
        Contacts the service measure counts: all offered for voice and chat; for e-mail those
        due by the horizon's end or answered before it (work due later is not forced into the
        horizon, as in :mod:`planner.staffing`).
    within : numpy.ndarray
        Voice/chat: answered within the answer time. E-mail: answered by the deadline.
    wait_sum : numpy.ndarray
        Seconds waited by the answered contacts (for the ASA).
    busy, available : numpy.ndarray
        Server-seconds handling contacts and on duty (chat: session slots), including the
        overrun of a contact finished past a break or the shift end.
    queue_start : numpy.ndarray
        Contacts waiting at the interval's start.
    queue_end : numpy.ndarray
        Contacts waiting at the interval's end (e-mail: the backlog).
    breaks, breaks_late, break_late_seconds, break_late_max : numpy.ndarray
        Breaks scheduled to start in the interval that an agent reached from work; how many
        started late (the agent was finishing a contact); seconds late in total; the most.
    shift_ends, overtime_seconds, overtime_max : numpy.ndarray
        Shifts ending in the interval; seconds worked past the end in total; the most.
    """

    offered: np.ndarray
    due: np.ndarray
    answered: np.ndarray
    abandoned: np.ndarray
    unserved: np.ndarray
    within: np.ndarray
    wait_sum: np.ndarray
    busy: np.ndarray
    available: np.ndarray
    queue_start: np.ndarray
    queue_end: np.ndarray
    breaks: np.ndarray
    breaks_late: np.ndarray
    break_late_seconds: np.ndarray
    break_late_max: np.ndarray
    shift_ends: np.ndarray
    overtime_seconds: np.ndarray
    overtime_max: np.ndarray

    @property
    def contacts(self) -> int:
        return int(self.offered.sum())


TALLY_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(GroupTally))


def overlap_seconds(lo: np.ndarray, hi: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Total length of the intervals ``[lo_i, hi_i)`` falling in each ``[edges_k, edges_k+1)``.

    Uses ``F(x) = Σ_i clip(x − lo_i, 0, hi_i − lo_i) = Σ_{lo_i<x} (x − lo_i) − Σ_{hi_i<x} (x − hi_i)``
    on sorted ends with prefix sums (vectorised; O((N + K) log N)).
    """
    keep = hi > lo
    lo, hi = np.sort(lo[keep]), np.sort(hi[keep])

    def cumulative(points: np.ndarray, x: np.ndarray) -> np.ndarray:
        count = np.searchsorted(points, x, side="left")
        prefix = np.concatenate([[0.0], np.cumsum(points)])
        return x * count - prefix[count]

    total = cumulative(lo, edges) - cumulative(hi, edges)
    return np.diff(total)


def count_waiting(arrival: np.ndarray, leave: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Contacts waiting just before each time point: ``#(a < x) − #(leave < x)`` (leave ≥ arrival).

    A contact taken at the boundary itself counts as waiting there (it waited into the interval).
    """
    return (np.searchsorted(np.sort(arrival), points, side="left")
            - np.searchsorted(np.sort(leave), points, side="left")).astype(float)


def _events(times: np.ndarray, values: np.ndarray, interval_seconds: float, n_t: int,
            shift: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    index = np.clip(np.round(times / interval_seconds).astype(np.int64) - shift, 0, n_t - 1)
    count = np.bincount(index, minlength=n_t).astype(float)
    late = np.bincount(index, weights=(values > 1e-9).astype(float), minlength=n_t)
    total = np.bincount(index, weights=values, minlength=n_t)
    most = np.zeros(n_t)
    np.maximum.at(most, index, values)
    return count, late, total, most


def simulate_group(group: GroupInputs, rng: np.random.Generator, *, shrinkage: str = "interval",
                   handle_time: str = "exponential", handle_time_cv: float = 1.0) -> GroupTally:
    """Replay one group over the horizon once.

    Parameters
    ----------
    group : GroupInputs
    rng : numpy.random.Generator
    shrinkage, handle_time, handle_time_cv
        See :class:`~planner.simulation.inputs.SimulationOptions`.

    Returns
    -------
    GroupTally
    """
    n_t = group.intervals
    dt = group.interval_seconds
    answering = agents.available_cells(group.agents, group.shrinkage, shrinkage, rng, n_t,
                                       max(1, round(86_400 / dt)))
    servers = agents.stretches(group.agents, answering, dt, group.slots)
    contacts = draw_arrivals(group.contacts, group.handle_seconds, dt, group.patience_seconds, rng,
                             distribution=handle_time, cv=handle_time_cv)
    outcome = serve_fcfs(contacts.time, contacts.handle, contacts.give_up, servers)
    served = np.isfinite(outcome.start)
    wait = np.where(served, outcome.start - contacts.time, 0.0)
    gave_up = ~served & np.isfinite(contacts.give_up)
    idx = contacts.interval

    def per_interval(weights: np.ndarray | None = None) -> np.ndarray:
        return np.bincount(idx, weights=weights, minlength=n_t).astype(float)

    if group.kind == "email":
        clock = email.clock_start(contacts.time, idx, group.is_open, dt)
        answered_at = outcome.start + contacts.handle
        met = email.deadline_met(answered_at, clock, group.response_seconds)
        horizon_end = n_t * dt
        counted = (clock + group.response_seconds <= horizon_end + 1e-9) | (answered_at <= horizon_end)
        within = per_interval((met & counted).astype(float))
        due = per_interval(counted.astype(float))
    else:
        within = per_interval((served & (wait <= group.answer_seconds + 1e-9)).astype(float))
        due = per_interval()
    edges = np.arange(n_t + 1) * dt
    service_end = outcome.start + contacts.handle
    busy = overlap_seconds(outcome.start[served], service_end[served], edges)
    on_duty_end = np.fmax(servers.end, outcome.busy_until)
    available = overlap_seconds(outcome.actual_start, on_duty_end, edges)
    leave = np.where(served, outcome.start, np.where(gave_up, contacts.give_up, np.inf))
    waiting = count_waiting(contacts.time, leave, edges)
    # Lateness per agent-level stretch (chat: the latest slot).
    slot_late = np.nan_to_num(outcome.busy_until - servers.end, nan=0.0).clip(min=0.0)
    n_base = int(servers.base.max()) + 1 if servers.base.size else 0
    late = chat.agent_lateness(slot_late, servers.base, n_base)
    base_end, base_gap = servers.end[:n_base], servers.gap[:n_base]
    is_break, is_end = base_gap == GAP_BREAK, base_gap == GAP_SHIFT_END
    breaks, breaks_late, break_late_s, break_late_max = _events(base_end[is_break], late[is_break], dt,
                                                                n_t, 0)
    ends, _, overtime, overtime_max = _events(base_end[is_end], late[is_end], dt, n_t, 1)
    return GroupTally(
        offered=per_interval(), due=due, answered=per_interval(served.astype(float)),
        abandoned=per_interval(gave_up.astype(float)),
        unserved=per_interval((~served & ~gave_up).astype(float)), within=within,
        wait_sum=per_interval(wait), busy=busy, available=available, queue_start=waiting[:-1],
        queue_end=waiting[1:], breaks=breaks, breaks_late=breaks_late,
        break_late_seconds=break_late_s, break_late_max=break_late_max, shift_ends=ends,
        overtime_seconds=overtime, overtime_max=overtime_max)


def replication_rng(seed: int, replication: int, group_index: int) -> np.random.Generator:
    """The generator of one (replication, group): ``SeedSequence(seed, spawn_key=(r, g))``."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(int(seed),
                                                                      spawn_key=(int(replication),
                                                                                 int(group_index)))))


def simulate_replication(inputs: SimulationInputs, replication: int,
                         seed: int | None = None) -> tuple[GroupTally, ...]:
    """Replication ``replication`` of every group — a pure function of (inputs, seed, replication).

    Parameters
    ----------
    inputs : SimulationInputs
    replication : int
        Replication number (≥ 0).
    seed : int, optional
        Root seed (default ``inputs.options.seed``).

    Returns
    -------
    tuple of GroupTally
        In the order of ``inputs.groups``.
    """
    options = inputs.options
    root = options.seed if seed is None else seed
    return tuple(simulate_group(group, replication_rng(root, replication, g), shrinkage=options.shrinkage,
                                handle_time=options.handle_time, handle_time_cv=options.handle_time_cv)
                 for g, group in enumerate(inputs.groups))


Mapper = Callable[[Callable[[int], tuple[GroupTally, ...]], Sequence[int]], Iterable[tuple[GroupTally, ...]]]
"""``mapper(function, replication_numbers)`` → results in order (e.g. an executor's ``map``)."""


def run_replications(inputs: SimulationInputs, progress: Progress | None = None,
                     replications: Iterable[int] | None = None, *, mapper: Mapper | None = None,
                     ) -> tuple[list[tuple[GroupTally, ...]], float]:
    """Run the replications, telling ``progress`` after each.

    Parameters
    ----------
    inputs : SimulationInputs
    progress : callable(fraction, message), optional
    replications : iterable of int, optional
        Replication numbers (default ``range(options.replications)``).
    mapper : callable, optional
        Runs :func:`simulate_replication` over the numbers elsewhere (the executor seam: plain
        data in and out, the seed travels with the inputs); default: one after another here.

    Returns
    -------
    (list of per-replication tallies, wall-clock seconds)
    """
    numbers: Sequence[int] = list(range(inputs.options.replications) if replications is None
                                  else replications)
    started = time.perf_counter()
    results: list[tuple[GroupTally, ...]] = []

    one = partial(simulate_replication, inputs)  # picklable: a module function and plain data
    produced = map(one, numbers) if mapper is None else mapper(one, numbers)
    for k, result in enumerate(produced):
        results.append(result)
        if progress is not None:
            progress((k + 1) / len(numbers), f"simulation: replication {k + 1} of {len(numbers)}")
    return results, time.perf_counter() - started


def stack(results: Sequence[tuple[GroupTally, ...]], group_index: int) -> dict[str, np.ndarray]:
    """Per field, the (R, T) array of one group over the replications."""
    return {name: np.stack([getattr(r[group_index], name) for r in results]) for name in TALLY_FIELDS}
