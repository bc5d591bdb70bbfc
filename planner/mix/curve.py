"""The group staffing curve of the mix search: ``required_scheduled`` of one staffing group for many
rows of (contacts, workload) at once, with the arithmetic of :func:`planner.staffing.requirements`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.types import Scenario


def _staffing_curve(scenario: Scenario, intervals: pd.DatetimeIndex) -> _Staffing:
    """Vectorised ``required_scheduled`` of one group for (K, T) contacts and workload.

    The same steps as :func:`planner.staffing.requirements` on pooled group arrays, through the
    same public functions: AHT = workload × interval seconds / contacts (workload-weighted);
    voice/chat net agents from :func:`planner.queueing.required_agents` where load > 0;
    email from :func:`planner.staffing.deferred_staffing`; scheduled = net / (1 − shrinkage)
    with :func:`planner.staffing.shrinkage_matrix`; ``ceil(scheduled − 1e-9)``. A test checks
    the result equals ``requirements`` row by row. Also returns whether the contact-weighted
    service level of the group meets ``MixSettings.min_service_level`` (always True without it).
    """
    from planner import queueing, staffing
    from planner.demand import open_mask

    settings = scenario.settings
    interval_seconds = settings.interval_minutes * 60.0
    min_sl = scenario.mix.min_service_level
    channel_pos = {c.name: i for i, c in enumerate(scenario.channels)}
    shrink = staffing.shrinkage_matrix(scenario)
    by_group = {g.name: g for g in scenario.staffing_groups}

    def curve(group: str, contacts: np.ndarray, workload: np.ndarray, bound: bool = False
              ) -> tuple[np.ndarray, np.ndarray]:
        channel = scenario.channel(by_group[group].channel)
        factor = 1.0 - shrink[:, channel_pos[channel.name]]
        k = contacts.shape[0]
        ok = np.ones(k, dtype=bool)
        net = np.zeros(contacts.shape, dtype=np.int64)
        if channel.kind == "email":
            is_open = open_mask(channel, intervals)
            net[:] = deferred_net_agents(workload * interval_seconds, is_open,
                                         float(channel.response_hours or 0.0),
                                         settings.interval_minutes, channel.max_occupancy)
        else:
            busy = workload > 0
            if busy.any():
                load = workload[busy]
                aht = load * interval_seconds / np.where(contacts[busy] > 0, contacts[busy], 1.0)
                net[busy] = np.asarray(queueing.required_agents(
                    load, aht, channel.service_level, channel.answer_seconds,
                    max_occupancy=channel.max_occupancy, max_asa_seconds=channel.max_asa_seconds,
                    patience_seconds=channel.patience_seconds, max_abandon=channel.max_abandon,
                    concurrency=channel.concurrency, definition=channel.service_level_definition,
                ), dtype=np.int64)
                if min_sl is not None and channel.answer_seconds is not None:
                    kpis = staffing.queue_kpis(net[busy], load, aht, channel.answer_seconds,
                                               channel.patience_seconds, concurrency=channel.concurrency,
                                               definition=channel.service_level_definition)
                    sl = np.zeros(contacts.shape)
                    sl[busy] = np.nan_to_num(np.asarray(kpis["service_level"], dtype=float), nan=1.0)
                    weight = np.where(busy, contacts, 0.0)
                    total = weight.sum(axis=1)
                    mean = np.where(total > 0, (sl * weight).sum(axis=1) / np.where(total > 0, total, 1.0),
                                    1.0)
                    ok = mean >= min_sl - 1e-12
        if bound and channel.kind == "email":
            # Σ ceil(n_t / (1 − s_t)) ≥ Σ n_t / (1 − min s): the deferred rule's *total* is minimal
            # and feasibility is monotone in workload, but its per-interval agents are not.
            return net / factor.max(), ok
        required = np.ceil(net / factor[None, :] - 1e-9)
        return required, ok

    def net(group: str, contacts: np.ndarray, workload: np.ndarray,
            bracket: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
        # net agents of a voice/chat group for single cells (contacts[i], workload[i]), as ``curve``
        channel = scenario.channel(by_group[group].channel)
        agents = np.zeros(contacts.size, dtype=np.int64)
        busy = workload > 0
        if busy.any():
            load = workload[busy]
            aht = load * interval_seconds / np.where(contacts[busy] > 0, contacts[busy], 1.0)
            agents[busy] = np.asarray(queueing.required_agents(
                load, aht, channel.service_level, channel.answer_seconds,
                max_occupancy=channel.max_occupancy, max_asa_seconds=channel.max_asa_seconds,
                patience_seconds=channel.patience_seconds, max_abandon=channel.max_abandon,
                concurrency=channel.concurrency, definition=channel.service_level_definition,
                bracket=None if bracket is None else (bracket[0][busy], bracket[1][busy]),
            ), dtype=np.int64)
        return agents

    def factor(group: str) -> np.ndarray:
        return 1.0 - shrink[:, channel_pos[by_group[group].channel]]

    return _Staffing(rows=curve, net=net, factor=factor)


def deferred_net_agents(workload_seconds: np.ndarray, is_open: np.ndarray, response_hours: float,
                        interval_minutes: int, max_occupancy: float = 1.0) -> np.ndarray:
    """``net_agents`` of :func:`planner.staffing.deferred_staffing` (the level rule) for many rows.

    Parameters
    ----------
    workload_seconds : numpy.ndarray, shape (K, T)
        Work arriving per interval, agent-seconds, one row per share combination.
    is_open : numpy.ndarray of bool, shape (T,)
        Intervals in which agents may work (the same for every row).
    response_hours, interval_minutes, max_occupancy
        As in :func:`planner.staffing.deferred_staffing`.

    Returns
    -------
    numpy.ndarray of int64, shape (K, T)
        Row *k* equals ``deferred_staffing(workload_seconds[k], …)["net_agents"]``: the same least
        peak (bisection on the same done-curve check) and the same interval-by-interval levelling
        (Yao, Demers & Shenker 1995), with the same floating-point operations — only run for all
        rows at once, the interval loop outside and the rows inside (``tests/test_mix.py`` checks
        the equality row by row).
    """
    from planner.staffing import due_intervals

    work = np.atleast_2d(np.asarray(workload_seconds, dtype=float))
    k, n_t = work.shape
    if n_t == 0 or k == 0:
        return np.zeros((k, n_t), dtype=np.int64)
    opened = np.asarray(is_open, dtype=bool)
    cap = interval_minutes * 60.0 * max_occupancy
    due = due_intervals(opened, response_hours, interval_minutes)
    arrived = np.cumsum(work, axis=1)
    due_work = np.cumsum(np.stack([np.bincount(due, weights=row, minlength=n_t + 1)[:n_t] for row in work]),
                         axis=1)
    tolerance = 1e-9 * np.maximum(1.0, arrived[:, -1])
    # least peak: bisection on the done curve, every row at once (staffing.least_peak)
    opened_f = opened.astype(float)
    peak = np.zeros(k, dtype=np.int64)
    todo = due_work[:, -1] > tolerance
    low = np.zeros(k, dtype=np.int64)
    high = np.maximum(1, np.ceil(arrived[:, -1] / cap)).astype(np.int64)
    active = np.flatnonzero(todo & (high - low > 1))
    while active.size:
        middle = (low[active] + high[active]) // 2
        capacity = middle[:, None] * cap * opened_f[None, :]
        cumulative = np.cumsum(capacity, axis=1)
        done = cumulative + np.minimum(np.minimum.accumulate(arrived[active] - cumulative, axis=1), 0.0)
        ok = (done >= due_work[active] - tolerance[active][:, None]).all(axis=1)
        high[active[ok]] = middle[ok]
        low[active[~ok]] = middle[~ok]
        active = active[high[active] - low[active] > 1]
    peak[todo] = high[todo]
    # the levelled rule (staffing._level), interval by interval for every row
    open_count = np.cumsum(opened)
    slope = peak[:, None] * cap * open_count[None, :]
    must = slope + np.maximum.accumulate((due_work - slope)[:, ::-1], axis=1)[:, ::-1]
    window_end = np.minimum(due, n_t - 1)
    open_before = np.concatenate(([0], open_count[:-1]))
    agents = np.zeros((k, n_t), dtype=np.int64)
    previous = np.zeros(k)
    peak_f = peak.astype(float)
    for t in range(n_t):
        if not opened[t]:
            continue
        on_hand = arrived[:, t] - previous
        rows = np.flatnonzero(on_hand > tolerance)
        if not rows.size:
            continue
        end = int(window_end[t]) + 1
        before = previous[rows]
        ahead = ((due_work[rows, t:end] - before[:, None]) / (open_count[t:end] - open_before[t])).max(axis=1)
        need = np.maximum(ahead, must[rows, t] - before)
        rate = np.minimum(need, on_hand[rows]) / cap
        staffed = rate * cap > tolerance[rows]
        rows, rate, before = rows[staffed], rate[staffed], before[staffed]
        count = np.minimum(np.ceil(rate - 1e-9), peak_f[rows])
        agents[rows, t] = count.astype(np.int64)
        previous[rows] = np.minimum(arrived[rows, t], before + count * cap)
    return agents


@dataclass(frozen=True)
class _Staffing:
    """The group staffing curve over (K combinations, T intervals) arrays."""

    rows: Callable[[str, np.ndarray, np.ndarray, bool], tuple[np.ndarray, np.ndarray]]
    net: Callable[..., np.ndarray]
    factor: Callable[[str], np.ndarray]
