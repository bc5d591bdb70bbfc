"""Staffing requirements per (interval, staffing group) from live demand.

A staffing group is one team answering one channel for some segments (default: every segment).
Its workload is *pooled*: live contacts and workload are summed over the group's segments first,
the group AHT is the workload-weighted mean (total workload / total contacts), and agents are
rounded **once**, at the group level — rounding per segment and then adding would over-staff.

Immediate channels (voice, chat)
    The smallest whole number of net agents meeting every target of the channel (service level
    within ``answer_seconds``, max ASA, max abandonment) and the occupancy cap
    (agents ≥ load / max_occupancy), from :func:`planner.queueing.required_agents`: Erlang C
    (M/M/n), or Erlang A (M/M/n+M, Mandelbaum & Zeltyn 2007) when ``patience_seconds`` is given;
    chat uses the queueing module's concurrency model. ``net_agents_fractional`` interpolates
    linearly between *n* − 1 and *n* agents on whichever target binds hardest (see
    :func:`_fractional_agents`), so it lies in (n − 1, n] and ``net_agents = ceil(fractional)``.

Deferred channel (email)
    Work must be finished within ``response_hours`` of arrival; agents work only while the
    channel is open; the backlog carries across intervals and is worked first-in first-out.
    By default the staffing is *levelled*: the least peak of whole agents that clears every
    contact in time, spread at the critical intensity of the work still to do (Yao, Demers &
    Shenker 1995) rather than piled up just before deadlines; the *lazy* rule (clear only what
    falls due now: fewest agent-intervals, but spikes) stays available as
    ``email_policy="lazy"``. See :func:`deferred_staffing` for both rules, their proofs and the
    timing conventions (contacts arriving while closed queue, and their clock starts, at the
    opening). Work whose deadline falls after the horizon is not forced into it (it shows as
    ``backlog`` at the end). The deadline is in calendar time: a contact arriving shortly before
    closing is due before closing when its response time ends overnight.

Shrinkage (absence, training, meetings — *not* the breaks the scheduler places) converts net to
scheduled agents: scheduled = net / (1 − shrinkage) (e.g. Cleveland, *Call Center Management on
Fast Forward*, 3rd ed., 2012). It is the channel's scalar, overridden per interval by
``scenario.shrinkage_by_interval`` where given.
"""

from __future__ import annotations

import math
import re
from typing import Literal

import numpy as np
import pandas as pd

from planner import queueing
from planner.demand import interval_index, open_mask
from planner.types import Channel, InputError, Problem, Scenario

REQUIREMENT_COLUMNS: tuple[str, ...] = (
    "interval_start", "group", "channel", "kind", "live_contacts", "aht_seconds",
    "workload_erlangs", "net_agents_fractional", "net_agents", "shrinkage", "scheduled_agents",
    "required_scheduled", "service_level", "asa_seconds", "abandon", "occupancy", "backlog",
    "oldest_age_minutes", "patience_seconds", "concurrency",
    # extra to the contract, needed by kpis_at and useful in reports:
    "is_open", "answer_seconds", "target_service_level", "max_occupancy",
    "service_level_definition", "response_hours", "due_interval_start", "interval_minutes",
    "work_arrived_agent_intervals", "work_due_agent_intervals",
)
"""Columns of :func:`requirements`. After ``concurrency`` come columns that carry the channel's
targets so :func:`kpis_at` needs nothing but the frame: ``is_open``, ``answer_seconds``,
``target_service_level``, ``max_occupancy``, ``service_level_definition``, ``response_hours``,
``due_interval_start`` (email: start of the last interval by whose end the contacts arriving in
this interval must be handled; NaT when that is after the horizon), ``interval_minutes``, and for
email (NaN for voice/chat) ``work_arrived_agent_intervals`` — the work arriving in the interval — and
``work_due_agent_intervals`` — the work whose deadline falls at the interval's end (deadlines after
the horizon are not counted) — both in agent-intervals of *net* work: one net agent clears
``interval_minutes × 60 × max_occupancy`` agent-seconds per open interval, the ``cap`` of
:func:`deferred_staffing` (their running sums are its *A(t)* and *D(t)* divided by ``cap``). The
scheduler plans deferred work against these (:func:`planner.scheduling.add_deferred_work_flow`)."""

KPI_COLUMNS: tuple[str, ...] = ("net_agents", "service_level", "asa_seconds", "abandon",
                                "occupancy", "backlog", "oldest_age_minutes", "deadline_met")
"""Columns of :func:`kpis_at`."""

EmailPolicy = Literal["level", "lazy"]
EMAIL_POLICIES: tuple[str, ...] = ("level", "lazy")
"""Staffing rules for deferred work (:func:`deferred_staffing`); ``"level"`` is the default."""

_LIVE_NEEDED = ("interval_start", "channel", "segment", "live_contacts", "live_workload_erlangs")


# ----------------------------------------------------------------------------------------------
# deferred work (email)
# ----------------------------------------------------------------------------------------------
def due_intervals(is_open: np.ndarray, response_hours: float, interval_minutes: int) -> np.ndarray:
    """For each arrival interval, the last interval in which its contacts may still be handled.

    Parameters
    ----------
    is_open : numpy.ndarray of bool, shape (T,)
        Whether the channel is open in each interval of the horizon.
    response_hours : float
        Every contact must be handled within this many hours, hours (> 0).
    interval_minutes : int
        Interval length, minutes.

    Returns
    -------
    numpy.ndarray of int64, shape (T,)
        Interval index ``due[t]`` (an open interval) by whose *end* work arriving in interval
        ``t`` must be done; ``T`` when the deadline lies after the horizon.

    Notes
    -----
    Conventions (a fluid model, worst case inside the interval): contacts arriving in interval
    *t* are counted from its start and may be worked from interval *t* on; contacts arriving
    while the channel is closed queue and their clock starts at the next opening *o*. The
    deadline is ``start(o) + response_hours``; the due interval is the last *open* interval
    ending no later than that — at least *o* itself when ``response_hours`` is shorter than one
    interval. ``due`` is non-decreasing in *t*, so first-in first-out is earliest-deadline-first.
    """
    if not (math.isfinite(response_hours) and response_hours > 0):
        raise ValueError(f"response_hours must be > 0, got {response_hours!r}")
    is_open = np.asarray(is_open, dtype=bool)
    n_t = is_open.size
    index = np.arange(n_t)
    next_open = np.minimum.accumulate(np.where(is_open, index, n_t)[::-1])[::-1]
    last_open = np.maximum.accumulate(np.where(is_open, index, -1))
    span = max(1, math.floor(response_hours * 60.0 / interval_minutes + 1e-9))
    limit = next_open + span - 1
    due = np.full(n_t, n_t, dtype=np.int64)
    inside = (next_open < n_t) & (limit < n_t)
    due[inside] = last_open[limit[inside]]
    return due


def deferred_staffing(
    workload_seconds: np.ndarray,
    contacts: np.ndarray,
    is_open: np.ndarray,
    response_hours: float,
    interval_minutes: int,
    max_occupancy: float = 1.0,
    *,
    policy: EmailPolicy = "level",
) -> dict[str, np.ndarray]:
    """Net agents per interval that handle every deferred contact by its deadline.

    Parameters
    ----------
    workload_seconds : numpy.ndarray, shape (T,)
        Work arriving in each interval, agent-seconds (contacts × AHT).
    contacts : numpy.ndarray, shape (T,)
        Contacts arriving in each interval (for the backlog in contacts).
    is_open : numpy.ndarray of bool, shape (T,)
        Intervals in which agents may work.
    response_hours : float
        Response-time target, hours.
    interval_minutes : int
        Interval length, minutes.
    max_occupancy : float
        Share of an agent's interval spent on work, (0, 1]: one agent clears
        ``cap = interval_minutes × 60 × max_occupancy`` seconds of work per interval — the same
        well-being cap as voice and chat (agents ≥ work / max_occupancy), so the reported
        occupancy (work done ÷ agent time) never exceeds it. :func:`kpis_at` uses the same
        ``cap``.
    policy : {"level", "lazy"}
        ``"level"`` (default): the least *peak* staffing, levelled (see Notes). ``"lazy"``:
        each interval staffs just enough to clear the work falling due by its end — the fewest
        agent-intervals, but it piles work up right before deadlines (one-interval spikes).

    Returns
    -------
    dict of str to numpy.ndarray
        ``net_agents`` (int64), ``net_agents_fractional`` (the rate the policy asks for, in
        agents, before rounding up; ``net_agents`` is its ceiling), ``processed_seconds``,
        ``backlog`` (contacts waiting at the interval's end), ``oldest_age_minutes`` (age at
        the interval's end of the oldest waiting contact, counted from the start of its arrival
        interval; 0 with no backlog), ``due`` (from :func:`due_intervals`), and ``peak`` (0-d
        int64: for ``"level"`` the least peak of any feasible whole-agent staffing).

    Raises
    ------
    ValueError
        ``max_occupancy`` outside (0, 1], a bad ``response_hours`` or an unknown ``policy``.

    Notes
    -----
    Let *A(t)* be the work arrived by the end of interval *t*, *D(t)* the work due by the end of
    *t* (:func:`due_intervals`), *C(t)* the work done, *n(t)* the agents and *O(a, b)* the
    number of open intervals in [a, b]. Work is done first-in first-out, which is
    earliest-deadline-first since deadlines follow arrival order, and an agent can only work on
    what has arrived::

        C(t) = min(A(t), C(t−1) + n(t) · cap)   ⇔   C(t) = K(t) + min(0, min_{s≤t} A(s) − K(s))

    with *K* the running sum of ``n · cap`` (the unrolled recursion — it makes any given staffing
    a vectorised check). Every deadline holds iff C(t) ≥ D(t) for all *t*.

    **Level** (default). The least whole-agent peak *P* is the smallest constant staffing of the
    open intervals that meets every deadline (more agents never delay FIFO work, so a profile of
    peak *P* is feasible only if the constant *P* is); it is found by bisection on that check.
    Then, interval by interval, the rate is the *critical intensity* of the work still to do —
    Yao, Demers & Shenker (1995), "A scheduling model for reduced CPU energy", FOCS, whose
    speed profile minimises the peak (and every convex cost) of work with release times and
    deadlines, here applied to FIFO/EDF deferred work::

        ρ(t) = max_{t ≤ d ≤ e(t)} (D(d) − C(t−1)) / (cap · O(t, d))
        n(t) = min(P, ⌈ min(max(ρ(t), (L(t) − C(t−1)) / cap), (A(t) − C(t−1)) / cap) ⌉)

    in open intervals (0 when closed). The look-ahead ends at *e(t)* = ``due[t]``, the last
    deadline of anything arrived so far — the response time plus any closed gap — and is
    vectorised. Two guards make the rounded, short-sighted rule exact: *L(t)* =
    max_{d ≥ t} D(d) − P · cap · O(t+1, d) is the least work that must be done by the end of *t*
    for *P* agents afterwards to still meet every deadline (a reverse running maximum), and
    the rate is capped by the work on hand, so no agent is staffed to wait for work.

    *Why it is right.* By induction C(t) ≥ L(t) ≥ D(t): if C(t−1) ≥ L(t−1) then
    L(t) − C(t−1) ≤ P · cap, and D(d) − C(t−1) ≤ D(d) − L(t−1) ≤ P · cap · O(t, d), so every
    term of the rule is ≤ *P*; *n(t)* covers L(t) − C(t−1), or all work on hand, and
    A(t) ≥ L(t) because *P* is feasible. So every contact meets its deadline, the peak is *P*
    — the least possible — and an interval's agents never exceed what its backlog can use.
    Totals: the work done is the same as lazy's; agent-intervals may be more, because a low
    rate rounds up to one agent per open interval (a realistic trickle) where lazy batches it.

    **Lazy.** n(t) = ⌈(D(t) − C(t−1)) / cap⌉⁺: every staffed interval is tight and the total of
    agent-intervals (and every prefix of it) is the least of any feasible staffing (the
    earliest-deadline-first argument, Jackson 1955; Liu & Layland 1973), but peaks can be many
    times the level one. The fluid deferred-work view follows Koole, *Call Center Optimization*
    (2013), on e-mail and other deferred work. Both loops are sequential (C(t) depends on
    C(t−1) through a ceiling) and O(T · look-ahead) on small numpy slices.
    """
    if policy not in EMAIL_POLICIES:
        raise ValueError(f"policy must be one of {', '.join(EMAIL_POLICIES)}, got {policy!r}")
    workload_seconds = np.asarray(workload_seconds, dtype=float)
    contacts = np.asarray(contacts, dtype=float)
    is_open = np.asarray(is_open, dtype=bool)
    if not 0 < max_occupancy <= 1:
        raise ValueError(f"max_occupancy must be in (0, 1], got {max_occupancy!r}")
    n_t = workload_seconds.size
    cap = interval_minutes * 60.0 * max_occupancy
    due = due_intervals(is_open, response_hours, interval_minutes)
    arrived = np.cumsum(workload_seconds)
    due_work = np.cumsum(np.bincount(due, weights=workload_seconds, minlength=n_t + 1)[:n_t])
    tolerance = 1e-9 * max(1.0, float(arrived[-1]) if n_t else 1.0)
    if policy == "lazy":
        agents, fractional, done_arr = _lazy(arrived, due_work, is_open, cap, tolerance)
        peak = int(agents.max()) if n_t else 0
    else:
        peak = least_peak(arrived, due_work, is_open, cap, tolerance)
        agents, fractional, done_arr = _level(arrived, due_work, due, is_open, cap, peak, tolerance)
    processed = np.diff(done_arr, prepend=0.0)
    backlog, oldest = _backlog(arrived, np.cumsum(contacts), done_arr, interval_minutes, tolerance)
    return {
        "net_agents": agents,
        "net_agents_fractional": fractional,
        "processed_seconds": processed,
        "backlog": backlog,
        "oldest_age_minutes": oldest,
        "due": due,
        "peak": np.asarray(peak, dtype=np.int64),
    }


def done_curve(arrived: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """Cumulative work done first-in first-out at a given capacity per interval.

    Parameters
    ----------
    arrived : numpy.ndarray, shape (T,)
        Cumulative work arrived by the end of each interval, agent-seconds.
    capacity : numpy.ndarray, shape (T,)
        Work the agents can do in each interval, agent-seconds (0 when closed).

    Returns
    -------
    numpy.ndarray, shape (T,)
        Cumulative work done by the end of each interval, agent-seconds.

    Notes
    -----
    The recursion C(t) = min(A(t), C(t−1) + k(t)), C(−1) = 0, unrolled:
    C(t) = K(t) + min(0, min_{s ≤ t} A(s) − K(s)) with K the running sum of *k* — the
    min-plus form of a work-conserving queue (Lindley's recursion for the cumulative output).
    """
    cumulative = np.cumsum(np.asarray(capacity, dtype=float))
    return cumulative + np.minimum(np.minimum.accumulate(np.asarray(arrived, dtype=float)
                                                         - cumulative), 0.0)


def least_peak(arrived: np.ndarray, due_work: np.ndarray, is_open: np.ndarray, cap: float,
               tolerance: float = 1e-9) -> int:
    """Least whole number of agents which, staffed in every open interval, meets every deadline.

    Parameters
    ----------
    arrived, due_work : numpy.ndarray, shape (T,)
        Cumulative work arrived / due by the end of each interval, agent-seconds.
    is_open : numpy.ndarray of bool, shape (T,)
        Intervals in which agents may work.
    cap : float
        Work one agent clears per open interval, agent-seconds.
    tolerance : float
        Slack on the deadline check, agent-seconds.

    Returns
    -------
    int
        The least peak of any feasible whole-agent staffing (monotone: more agents never delay
        first-in first-out work, so a profile of peak *P* is feasible only if the constant *P*
        is). Bisection on :func:`done_curve` ≥ ``due_work``.
    """
    if arrived.size == 0 or float(due_work[-1]) <= tolerance:
        return 0
    opened = np.asarray(is_open, dtype=float)

    def feasible(agents: int) -> bool:
        return bool((done_curve(arrived, agents * cap * opened) >= due_work - tolerance).all())

    low, high = 0, max(1, math.ceil(float(arrived[-1]) / cap))  # high clears all on hand
    while high - low > 1:
        middle = (low + high) // 2
        if feasible(middle):
            high = middle
        else:
            low = middle
    return high


def _lazy(arrived: np.ndarray, due_work: np.ndarray, is_open: np.ndarray, cap: float,
          tolerance: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The lazy rule: clear exactly what falls due by each interval's end."""
    n_t = arrived.size
    agents = [0] * n_t
    fractional = [0.0] * n_t
    done = [0.0] * n_t
    previous = 0.0
    arrived_list = arrived.tolist()
    due_list = due_work.tolist()
    open_list = np.asarray(is_open, dtype=bool).tolist()
    for t in range(n_t):
        if open_list[t]:
            need = due_list[t] - previous
            if need > tolerance:
                fractional[t] = need / cap
                agents[t] = math.ceil(need / cap - 1e-9)
                previous = min(arrived_list[t], previous + agents[t] * cap)
        done[t] = previous
    return np.asarray(agents, dtype=np.int64), np.asarray(fractional), np.asarray(done)


def _level(arrived: np.ndarray, due_work: np.ndarray, due: np.ndarray, is_open: np.ndarray,
           cap: float, peak: int, tolerance: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The levelled rule of :func:`deferred_staffing` at least peak ``peak``."""
    n_t = arrived.size
    opened = np.asarray(is_open, dtype=bool)
    open_count = np.cumsum(opened)  # O(0, t)
    # L(t) = P·cap·O(0, t) + max_{d ≥ t} (D(d) − P·cap·O(0, d))
    slope = peak * cap * open_count
    must = slope + np.maximum.accumulate((due_work - slope)[::-1])[::-1]
    window_end = np.minimum(due, n_t - 1)
    agents = [0] * n_t
    fractional = [0.0] * n_t
    done = [0.0] * n_t
    previous = 0.0
    arrived_list = arrived.tolist()
    must_list = must.tolist()
    open_list = opened.tolist()
    end_list = window_end.tolist()
    open_before = np.concatenate(([0], open_count[:-1])).tolist()  # O(0, t−1)
    for t in range(n_t):
        on_hand = arrived_list[t] - previous
        if open_list[t] and on_hand > tolerance:
            end = end_list[t] + 1
            ahead = (due_work[t:end] - previous) / (open_count[t:end] - open_before[t])
            need = max(float(ahead.max()), must_list[t] - previous)
            rate = min(need, on_hand) / cap
            if rate * cap > tolerance:
                fractional[t] = min(rate, float(peak))
                agents[t] = min(math.ceil(rate - 1e-9), peak)
                previous = min(arrived_list[t], previous + agents[t] * cap)
        done[t] = previous
    return np.asarray(agents, dtype=np.int64), np.asarray(fractional), np.asarray(done)


def _backlog(arrived: np.ndarray, arrived_contacts: np.ndarray, done: np.ndarray,
             interval_minutes: int, tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    """Contacts waiting and age of the oldest one at each interval's end (FIFO, fluid)."""
    n_t = arrived.size
    # Work done maps to contacts done along the arrival curve (FIFO, uniform within an interval).
    done_contacts = np.interp(done, np.concatenate(([0.0], arrived)),
                              np.concatenate(([0.0], arrived_contacts)))
    backlog = np.maximum(arrived_contacts - done_contacts, 0.0)
    waiting = (arrived - done) > tolerance
    oldest_interval = np.searchsorted(arrived, done + tolerance, side="right")
    age = (np.arange(n_t) + 1 - oldest_interval) * float(interval_minutes)
    backlog[~waiting] = 0.0
    return backlog, np.where(waiting, age, 0.0)


def _deferred_at(workload_seconds: np.ndarray, due: np.ndarray, is_open: np.ndarray,
                 net_agents: np.ndarray, cap: float) -> tuple[np.ndarray, np.ndarray]:
    """Work done (cumulative) and whether every deadline holds, at given (fractional) agents."""
    arrived = np.cumsum(workload_seconds)
    n_t = arrived.size
    due_work = np.cumsum(np.bincount(due, weights=workload_seconds, minlength=n_t + 1)[:n_t])
    tolerance = 1e-9 * max(1.0, float(arrived[-1]) if n_t else 1.0)
    done = done_curve(arrived, np.where(is_open, np.maximum(net_agents, 0.0), 0.0) * cap)
    return done, done >= due_work - tolerance


# ----------------------------------------------------------------------------------------------
# immediate queues (voice, chat)
# ----------------------------------------------------------------------------------------------
def queue_kpis(agents: np.ndarray, load: np.ndarray, aht_seconds: np.ndarray,
               answer_seconds: float | None, patience_seconds: float | None, *,
               concurrency: int = 1, definition: str = "offered") -> dict[str, np.ndarray]:
    """Service level, ASA, abandonment and occupancy of an immediate queue at whole agents.

    Parameters
    ----------
    agents : array_like of int
        Net agents (≥ 0).
    load : array_like
        Offered load, Erlangs (single-session Erlangs for chat).
    aht_seconds : array_like
        Average handle time, seconds.
    answer_seconds : float or None
        Service-level threshold, seconds; SL is NaN without it.
    patience_seconds : float or None
        Mean patience, seconds: Erlang A when given, else Erlang C (abandonment then NaN,
        "not modelled").
    concurrency : int
        Chat sessions per agent (:mod:`planner.queueing`'s slot model).
    definition : {"offered", "answered"}
        Service-level definition with abandonment.

    Returns
    -------
    dict of str to numpy.ndarray
        ``service_level`` (share), ``asa_seconds`` (seconds, inf when unstable under Erlang C),
        ``abandon`` (share), ``occupancy`` (share); all NaN where ``agents`` is 0 and the load
        is 0 (nothing to measure).

    Notes
    -----
    Thin wrapper over :func:`planner.queueing.service_level`,
    :func:`~planner.queueing.average_speed_of_answer`, :func:`~planner.queueing.abandon_probability`
    and :func:`~planner.queueing.occupancy` (Erlang C: Gross & Harris; Erlang A: Mandelbaum &
    Zeltyn 2007; chat: Tezcan & Zhang 2014 slot reduction) — no queueing math here.
    """
    agents = np.asarray(agents, dtype=float)
    load = np.asarray(load, dtype=float)
    aht_seconds = np.asarray(aht_seconds, dtype=float)
    agents, load, aht_seconds = np.broadcast_arrays(agents, load, aht_seconds)
    shape = agents.shape
    result = {name: np.full(shape, np.nan) for name in ("service_level", "asa_seconds", "abandon",
                                                        "occupancy")}
    measured = (agents > 0) | (load > 0)
    if not measured.any():
        return result
    n, a, aht = agents[measured], load[measured], aht_seconds[measured]
    # aht is only a scale here; a cell with no contacts has none, so give it a harmless one.
    aht = np.where(np.isfinite(aht) & (aht > 0), aht, 1.0)
    if answer_seconds is not None:
        result["service_level"][measured] = queueing.service_level(
            n, a, aht, answer_seconds, patience_seconds, definition=definition,
            concurrency=concurrency)
    result["asa_seconds"][measured] = queueing.average_speed_of_answer(
        n, a, aht, patience_seconds, concurrency=concurrency)
    result["occupancy"][measured] = queueing.occupancy(n, a, aht, patience_seconds,
                                                       concurrency=concurrency)
    if patience_seconds is not None:
        result["abandon"][measured] = queueing.abandon_probability(
            n, a, aht, patience_seconds, concurrency=concurrency)
    return result


def _queue_kpis(agents: np.ndarray, load: np.ndarray, aht: np.ndarray, answer_seconds: float | None,
                patience_seconds: float | None, concurrency: int,
                definition: str) -> dict[str, np.ndarray]:
    return queue_kpis(agents, load, aht, answer_seconds, patience_seconds,
                      concurrency=concurrency, definition=definition)


def _fractional_agents(agents: np.ndarray, load: np.ndarray, aht: np.ndarray, channel: Channel,
                       at_n: dict[str, np.ndarray]) -> np.ndarray:
    """Fractional net agents in (n − 1, n]: the binding target's crossing point.

    For the service-level, ASA and abandonment targets the metric is evaluated at n − 1 and n
    agents and the crossing of the target is found by linear interpolation,
    ``f = (target − g(n−1)) / (g(n) − g(n−1))`` clipped to [0, 1] (an infinite ASA at n − 1,
    an unstable queue, gives f = 1 when the ASA target is missed there). The occupancy cap is
    continuous already: x = n × occupancy(n) / max_occupancy agents carry the work at the cap
    (Erlang C: load / max_occupancy exactly). The fractional requirement is
    ``max(n − 1 + max f, x)``, clipped to (n − 1, n]: ``net_agents = ceil(fractional)``.
    """
    fractional = agents.astype(float)
    positive = agents > 0
    if not positive.any():
        return fractional
    n = agents[positive]
    below = n - 1
    at_below = _queue_kpis(below, load[positive], aht[positive], channel.answer_seconds,
                           channel.patience_seconds, channel.concurrency,
                           channel.service_level_definition)
    share = np.zeros(n.size)
    targets: list[tuple[str, float, bool]] = []
    if channel.service_level is not None:
        targets.append(("service_level", channel.service_level, True))
    if channel.max_asa_seconds is not None:
        targets.append(("asa_seconds", channel.max_asa_seconds, False))
    if channel.max_abandon is not None:
        targets.append(("abandon", channel.max_abandon, False))
    for name, target, higher_is_better in targets:
        low = at_below[name]
        high = at_n[name][positive]
        with np.errstate(invalid="ignore", divide="ignore"):
            if higher_is_better:
                low = np.where(np.isnan(low), 0.0, low)  # no agents: nothing answered
                missed = low < target
                f = (target - low) / (high - low)
            else:
                low = np.where(np.isnan(low), np.inf, low)
                missed = low > target
                f = np.where(np.isinf(low), 1.0, (low - target) / (low - high))
        f = np.where(missed, np.clip(np.nan_to_num(f, nan=1.0), 0.0, 1.0), 0.0)
        share = np.maximum(share, f)
    occupancy_bound = n * np.nan_to_num(at_n["occupancy"][positive], nan=0.0) / channel.max_occupancy
    value = np.maximum(below + share, occupancy_bound)
    fractional[positive] = np.clip(value, below + 1e-12, n)
    return fractional


def _immediate(channel: Channel, load: np.ndarray, aht: np.ndarray, group: str,
               starts: pd.DatetimeIndex) -> dict[str, np.ndarray]:
    """Net agents and KPIs of one voice/chat group over the horizon."""
    n_t = load.size
    agents = np.zeros(n_t, dtype=np.int64)
    busy = np.flatnonzero(load > 0)
    if busy.size:
        try:
            agents[busy] = np.asarray(queueing.required_agents(
                load[busy], aht[busy], channel.service_level, channel.answer_seconds,
                max_occupancy=channel.max_occupancy, max_asa_seconds=channel.max_asa_seconds,
                patience_seconds=channel.patience_seconds, max_abandon=channel.max_abandon,
                concurrency=channel.concurrency, definition=channel.service_level_definition,
            ), dtype=np.int64)
        except queueing.UnreachableTargetError as exc:
            found = re.search(r"cell (\d+)", str(exc))
            where = (f" at {starts[busy[int(found.group(1))]]:%Y-%m-%d %H:%M}"
                     if found and int(found.group(1)) < busy.size else "")
            # The inputs ask for the impossible: a located input problem, not an internal error.
            message = str(exc).split(": ", 1)[-1]
            raise InputError([Problem(
                "service_level", f"cannot be met: {message}; allowed: targets below 100 % and a load "
                "some number of agents can serve (check the contacts, the channel's aht_seconds and "
                "the segments' aht_multiplier)",
                f"Forecast ({group}{where})")]) from exc
    kpis = _queue_kpis(agents, load, aht, channel.answer_seconds, channel.patience_seconds,
                       channel.concurrency, channel.service_level_definition)
    fractional = _fractional_agents(agents, load, aht, channel, kpis)
    return {"net_agents": agents, "net_agents_fractional": fractional, **kpis}


# ----------------------------------------------------------------------------------------------
# inputs
# ----------------------------------------------------------------------------------------------
def shrinkage_matrix(scenario: Scenario) -> np.ndarray:
    """Shrinkage per (interval, channel): the channel scalar, overridden per interval.

    Parameters
    ----------
    scenario : Scenario
        ``channels[*].shrinkage`` and the optional ``shrinkage_by_interval`` frame
        (``interval_start, channel, shrinkage``).

    Returns
    -------
    numpy.ndarray, shape (interval_count, channels)
        Share of paid time lost, [0, 1).

    Raises
    ------
    InputError
        Unknown channels, intervals off the grid, or shares outside [0, 1).
    """
    n_t = scenario.settings.interval_count
    matrix = np.broadcast_to(np.array([c.shrinkage for c in scenario.channels], dtype=float),
                             (n_t, len(scenario.channels))).copy()
    overrides = scenario.shrinkage_by_interval
    if overrides is None or len(overrides) == 0:
        return matrix
    problems: list[Problem] = []
    missing = [c for c in ("interval_start", "channel", "shrinkage") if c not in overrides.columns]
    if missing:
        raise InputError([Problem("shrinkage_by_interval", f"missing columns {missing}")])
    channel_pos = {c.name: i for i, c in enumerate(scenario.channels)}
    unknown = sorted(set(map(str, overrides["channel"])) - set(channel_pos))
    if unknown:
        problems.append(Problem("channel", f"shrinkage_by_interval has unknown channels {unknown}; "
                                           f"known: {sorted(channel_pos)}"))
    values = pd.to_numeric(overrides["shrinkage"], errors="coerce").to_numpy(dtype=float)
    bad = ~((values >= 0) & (values < 1))
    if bad.any():
        problems.append(Problem("shrinkage", f"must be in [0, 1) (a share, e.g. 0.3), got "
                                             f"{values[bad][:3].tolist()} in {int(bad.sum())} rows"))
    if problems:
        raise InputError(problems)
    rows = interval_index(scenario, overrides["interval_start"], "interval_start")
    cols = overrides["channel"].map(channel_pos).to_numpy(dtype=np.int64)
    matrix[rows, cols] = values
    return matrix


def _group_arrays(scenario: Scenario, live: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Live contacts, workload (Erlangs) and mean live AHT per (interval, group)."""
    missing = [c for c in _LIVE_NEEDED if c not in live.columns]
    if missing:
        raise ValueError(f"live demand frame lacks columns {missing} (see planner.demand.live_demand)")
    n_t = scenario.settings.interval_count
    groups = scenario.staffing_groups
    pair_group = {(g.channel, s): k for k, g in enumerate(groups) for s in g.segments}
    keys = list(zip(live["channel"].astype(object), live["segment"].astype(object), strict=True))
    try:
        g_index = np.fromiter((pair_group[k] for k in keys), dtype=np.int64, count=len(keys))
    except KeyError as exc:
        raise ValueError(f"live demand has a (channel, segment) no staffing group serves: {exc}") \
            from exc
    t_index = interval_index(scenario, live["interval_start"], "interval_start")
    flat = t_index * len(groups) + g_index
    size = n_t * len(groups)
    contacts = np.bincount(flat, weights=live["live_contacts"].to_numpy(dtype=float), minlength=size)
    workload = np.bincount(flat, weights=live["live_workload_erlangs"].to_numpy(dtype=float),
                           minlength=size)
    shape = (n_t, len(groups))
    if "live_aht_seconds" in live.columns:
        aht_sum = np.bincount(flat, weights=live["live_aht_seconds"].to_numpy(dtype=float),
                              minlength=size)
        count = np.bincount(flat, minlength=size)
        fallback = aht_sum / np.maximum(count, 1)
    else:
        fallback = np.full(size, np.nan)
    interval_seconds = scenario.settings.interval_minutes * 60.0
    with np.errstate(invalid="ignore", divide="ignore"):
        aht = np.where(contacts > 0, workload * interval_seconds / np.where(contacts > 0, contacts, 1),
                       fallback)
    return contacts.reshape(shape), workload.reshape(shape), aht.reshape(shape)


# ----------------------------------------------------------------------------------------------
# public
# ----------------------------------------------------------------------------------------------
def requirements(scenario: Scenario, live: pd.DataFrame, *,
                 email_policy: EmailPolicy = "level") -> pd.DataFrame:
    """Net and scheduled agents required per (interval, staffing group), with predicted KPIs.

    Parameters
    ----------
    scenario : Scenario
        Channels (targets, opening hours, shrinkage), staffing groups, settings.
    live : pandas.DataFrame
        Output of :func:`planner.demand.live_demand` (``live_contacts`` per interval,
        ``live_workload_erlangs`` in Erlangs, ``live_aht_seconds`` in seconds).
    email_policy : {"level", "lazy"}
        Rule for deferred (email) groups, see :func:`deferred_staffing`: the least peak,
        levelled (default), or the fewest agent-intervals with spikes before deadlines.

    Returns
    -------
    pandas.DataFrame
        One row per (interval, group), ordered by interval then the scenario's group order, with
        :data:`REQUIREMENT_COLUMNS`: pooled ``live_contacts``, ``aht_seconds`` (workload-weighted,
        seconds), ``workload_erlangs``, ``net_agents_fractional`` (float, see the module
        docstring), ``net_agents`` (int), ``shrinkage``, ``scheduled_agents`` =
        net_agents / (1 − shrinkage), ``required_scheduled`` = ceil(scheduled_agents − 1e-9),
        and at ``net_agents``: ``service_level``, ``asa_seconds`` (seconds), ``abandon``
        (NaN without patience, i.e. Erlang C), ``occupancy``; email: ``backlog`` (contacts),
        ``oldest_age_minutes`` and SL/ASA/abandon NaN; voice/chat: backlog/oldest age NaN.

    Raises
    ------
    InputError
        Bad ``shrinkage_by_interval`` or live rows off the interval grid.
    ValueError
        A live frame lacking columns or containing pairs no group serves, or an unknown
        ``email_policy``.
        Also when a voice/chat target cannot be met by any number of agents (a load beyond the
        search range): located at the group and interval, ``Forecast (voice at 2026-01-05 09:00)``.

    Notes
    -----
    Formulas: Erlang C / Erlang A / chat model from :mod:`planner.queueing`; occupancy cap
    agents ≥ load / max_occupancy; deferred work by :func:`deferred_staffing`; shrinkage
    scheduled = net / (1 − shrinkage).
    """
    if email_policy not in EMAIL_POLICIES:
        raise ValueError(f"email_policy must be one of {', '.join(EMAIL_POLICIES)}, "
                         f"got {email_policy!r}")
    settings = scenario.settings
    n_t = settings.interval_count
    groups = scenario.staffing_groups
    n_g = len(groups)
    starts = settings.interval_starts()
    contacts, workload, aht = _group_arrays(scenario, live)
    shrink = shrinkage_matrix(scenario)
    channel_pos = {c.name: i for i, c in enumerate(scenario.channels)}
    open_by_channel = {c.name: open_mask(c, starts) for c in scenario.channels}
    interval_seconds = settings.interval_minutes * 60.0

    def column(fill: float) -> np.ndarray:
        return np.full((n_t, n_g), fill, dtype=float)

    net = np.zeros((n_t, n_g), dtype=np.int64)
    fractional = column(0.0)
    service_level, asa, abandon, occupancy = column(np.nan), column(np.nan), column(np.nan), \
        column(np.nan)
    backlog, oldest = column(np.nan), column(np.nan)
    starts_ns = starts.to_numpy()
    due_start = np.full((n_t, n_g), np.datetime64("NaT"), dtype=starts_ns.dtype)
    work_arrived, work_due = column(np.nan), column(np.nan)
    for k, group in enumerate(groups):
        channel = scenario.channel(group.channel)
        if channel.kind == "email":
            result = deferred_staffing(workload[:, k] * interval_seconds, contacts[:, k],
                                       open_by_channel[channel.name],
                                       float(channel.response_hours or 0.0),
                                       settings.interval_minutes, channel.max_occupancy,
                                       policy=email_policy)
            net[:, k] = result["net_agents"]
            fractional[:, k] = result["net_agents_fractional"]
            backlog[:, k] = result["backlog"]
            oldest[:, k] = result["oldest_age_minutes"]
            staffed = result["net_agents"] > 0
            occupancy[staffed, k] = (result["processed_seconds"][staffed]
                                     / (result["net_agents"][staffed] * interval_seconds))
            inside = result["due"] < n_t
            due_start[inside, k] = starts_ns[result["due"][inside]]
            cap = interval_seconds * channel.max_occupancy
            arriving = workload[:, k] * interval_seconds
            work_arrived[:, k] = arriving / cap
            work_due[:, k] = np.bincount(result["due"], weights=arriving, minlength=n_t + 1)[:n_t] / cap
        else:
            result = _immediate(channel, workload[:, k], aht[:, k], group.name, starts)
            net[:, k] = result["net_agents"]
            fractional[:, k] = result["net_agents_fractional"]
            service_level[:, k] = result["service_level"]
            asa[:, k] = result["asa_seconds"]
            abandon[:, k] = result["abandon"]
            occupancy[:, k] = result["occupancy"]

    shrinkage = shrink[:, [channel_pos[g.channel] for g in groups]]
    scheduled = net / (1.0 - shrinkage)
    channels = [scenario.channel(g.channel) for g in groups]
    rows = n_t * n_g

    def per_group(values: list[object], dtype: object = None) -> np.ndarray:
        return np.tile(np.array(values, dtype=dtype), n_t)

    return pd.DataFrame({
        "interval_start": np.repeat(starts.to_numpy(), n_g),
        "group": per_group([g.name for g in groups], object),
        "channel": per_group([g.channel for g in groups], object),
        "kind": per_group([c.kind for c in channels], object),
        "live_contacts": contacts.reshape(rows),
        "aht_seconds": aht.reshape(rows),
        "workload_erlangs": workload.reshape(rows),
        "net_agents_fractional": fractional.reshape(rows),
        "net_agents": net.reshape(rows),
        "shrinkage": shrinkage.reshape(rows),
        "scheduled_agents": scheduled.reshape(rows),
        "required_scheduled": np.ceil(scheduled - 1e-9).astype(np.int64).reshape(rows),
        "service_level": service_level.reshape(rows),
        "asa_seconds": asa.reshape(rows),
        "abandon": abandon.reshape(rows),
        "occupancy": occupancy.reshape(rows),
        "backlog": backlog.reshape(rows),
        "oldest_age_minutes": oldest.reshape(rows),
        "patience_seconds": per_group([c.patience_seconds if c.patience_seconds is not None
                                       else np.nan for c in channels], float),
        "concurrency": per_group([c.concurrency for c in channels], np.int64),
        "is_open": np.stack([open_by_channel[g.channel] for g in groups], axis=1).reshape(rows),
        "answer_seconds": per_group([c.answer_seconds if c.answer_seconds is not None else np.nan
                                     for c in channels], float),
        "target_service_level": per_group([c.service_level if c.service_level is not None
                                           and c.kind != "email" else np.nan for c in channels],
                                          float),
        "max_occupancy": per_group([c.max_occupancy for c in channels], float),
        "service_level_definition": per_group([c.service_level_definition for c in channels],
                                              object),
        "response_hours": per_group([c.response_hours if c.response_hours is not None else np.nan
                                     for c in channels], float),
        "due_interval_start": due_start.reshape(rows),
        "interval_minutes": np.full(rows, settings.interval_minutes, dtype=np.int64),
        "work_arrived_agent_intervals": work_arrived.reshape(rows),
        "work_due_agent_intervals": work_due.reshape(rows),
    })


def kpis_at(requirements: pd.DataFrame, working_agents: np.ndarray) -> pd.DataFrame:
    """Predicted KPIs per requirement row when ``working_agents`` are working.

    Parameters
    ----------
    requirements : pandas.DataFrame
        Output of :func:`requirements` (any row order; email groups need all their intervals).
    working_agents : array_like, shape (len(requirements),)
        Scheduled agents working (on shift, not on a modelled break) per row, before shrinkage.

    Returns
    -------
    pandas.DataFrame
        Same index as ``requirements``, columns :data:`KPI_COLUMNS`: ``net_agents`` =
        working × (1 − shrinkage) (float); voice/chat ``service_level``, ``asa_seconds``
        (seconds), ``abandon``, ``occupancy``; email ``backlog`` (contacts), ``oldest_age_minutes``,
        ``occupancy`` and ``deadline_met`` (bool; True for voice/chat rows).

    Notes
    -----
    Queue KPIs need whole agents; at a fractional net *x* they are interpolated linearly between
    ⌊x⌋ and ⌈x⌉ — the same convention as ``net_agents_fractional``, so at that value the binding
    target is met with equality. Email is re-simulated first-in first-out with capacity
    net × interval × max_occupancy per open interval (:func:`deferred_staffing`'s model).
    """
    working = np.asarray(working_agents, dtype=float)
    if working.shape != (len(requirements),):
        raise ValueError(f"working_agents must have one value per requirements row "
                         f"({len(requirements)}), got shape {working.shape}")
    if not np.all(np.isfinite(working)) or (working < 0).any():
        raise ValueError("working_agents must be finite numbers ≥ 0")
    net = working * (1.0 - requirements["shrinkage"].to_numpy(dtype=float))
    n_rows = len(requirements)
    out = {name: np.full(n_rows, np.nan) for name in KPI_COLUMNS}
    out["net_agents"] = net
    deadline_met = np.ones(n_rows, dtype=bool)
    positions = np.arange(n_rows)
    group_values = requirements["group"].to_numpy()
    for group in pd.unique(group_values):
        members = positions[group_values == group]
        order = requirements["interval_start"].to_numpy()[members].argsort(kind="stable")
        rows = members[order]
        frame = requirements.iloc[rows]
        first = frame.iloc[0]
        if first["kind"] == "email":
            deferred = _email_kpis(frame, net[rows])
            for name in ("backlog", "oldest_age_minutes", "occupancy"):
                out[name][rows] = deferred[name]
            deadline_met[rows] = deferred["deadline_met"]
            continue
        load = frame["workload_erlangs"].to_numpy(dtype=float)
        aht = frame["aht_seconds"].to_numpy(dtype=float)
        answer = float(first["answer_seconds"])
        patience = float(first["patience_seconds"])
        kpis = _interpolated_kpis(net[rows], load, aht, None if math.isnan(answer) else answer,
                                  None if math.isnan(patience) else patience,
                                  int(first["concurrency"]), str(first["service_level_definition"]))
        for name in ("service_level", "asa_seconds", "abandon", "occupancy"):
            out[name][rows] = kpis[name]
    out["deadline_met"] = deadline_met
    return pd.DataFrame(out, index=requirements.index)


def _interpolated_kpis(net: np.ndarray, load: np.ndarray, aht: np.ndarray, answer: float | None,
                       patience: float | None, concurrency: int,
                       definition: str) -> dict[str, np.ndarray]:
    """Queue KPIs at fractional agents: linear between the neighbouring whole numbers."""
    low = np.floor(net + 1e-9)
    weight = np.clip(net - low, 0.0, 1.0)
    at_low = _queue_kpis(low.astype(np.int64), load, aht, answer, patience, concurrency, definition)
    at_high = _queue_kpis(low.astype(np.int64) + 1, load, aht, answer, patience, concurrency,
                          definition)
    result = {}
    for name in ("service_level", "asa_seconds", "abandon", "occupancy"):
        a, b = at_low[name], at_high[name]
        with np.errstate(invalid="ignore"):
            mixed = np.where(weight == 0, a, a + weight * (b - a))
        mixed = np.where((weight > 0) & np.isinf(a), np.inf, mixed)
        result[name] = mixed
    return result


def _email_kpis(frame: pd.DataFrame, net: np.ndarray) -> dict[str, np.ndarray]:
    """Backlog, oldest age, occupancy and deadline check of one email group at ``net`` agents."""
    interval_minutes = int(frame["interval_minutes"].iloc[0])
    interval_seconds = interval_minutes * 60.0
    cap = interval_seconds * float(frame["max_occupancy"].iloc[0])
    workload = frame["workload_erlangs"].to_numpy(dtype=float) * interval_seconds
    contacts = frame["live_contacts"].to_numpy(dtype=float)
    is_open = frame["is_open"].to_numpy(dtype=bool)
    due = due_intervals(is_open, float(frame["response_hours"].iloc[0]), interval_minutes)
    done, met = _deferred_at(workload, due, is_open, net, cap)
    arrived = np.cumsum(workload)
    tolerance = 1e-9 * max(1.0, float(arrived[-1]) if arrived.size else 1.0)
    backlog, oldest = _backlog(arrived, np.cumsum(contacts), done, interval_minutes, tolerance)
    processed = np.diff(done, prepend=0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        occupancy = np.where(net > 0, processed / (net * interval_seconds), np.nan)
    return {"backlog": backlog, "oldest_age_minutes": oldest, "occupancy": occupancy,
            "deadline_met": met}
