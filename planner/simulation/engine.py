"""The event engine of one queue: first come, first served to the earliest free server on duty.

Exact event logic, one pass over the contacts in arrival order with a heap of servers keyed by the
time each can next start a contact (``heapq``; pure Python on plain lists, the fastest form of
this inherently sequential recursion — every contact's start depends on all earlier ones).

Why one pass in arrival order is exact. With one FCFS queue and identical servers, the contact at
the head of the line takes the first server that is free and on duty; contacts behind it cannot
overtake. So contact *i* starts at ``max(a_i, min_k next_k)`` where ``next_k`` is the earliest time
server *k* can start after serving contacts ``< i`` — independent of later contacts. A contact whose
start would come after its patience runs out (``a_i + patience_i``) abandons at that moment and
takes no server, so it changes nothing for those behind it (Erlang A's M/M/n+M dynamics). Servers
idle at ``a_i`` but off duty are moved to their next stretch lazily, when they reach the top of
the heap. Among servers free at ``a_i`` the one free the longest (smallest key) is taken.

A server finishes the contact in hand past the end of its stretch; what it misses then depends
on the gap (see :mod:`planner.simulation.agents`): a late break still lasts its full length, so
the next stretch starts ``max(next start, contact end + break length)``; after shrinkage time or
the shift end it is ``max(next start, contact end)``. The session slots of one chat agent share
that clock: the agent's break starts when its *last* session ends, and every slot is back only
then plus the break (checked lazily when a slot reaches the top of the heap — by then every
session of the agent that started before the break is known, because all other servers are free
no earlier).
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

import numpy as np

from planner.simulation.agents import Stretches


@dataclass(frozen=True, eq=False)
class QueueOutcome:
    """What happened to every contact and stretch of one queue in one replication.

    Attributes
    ----------
    start : numpy.ndarray, shape (N,)
        When each contact reached a server, seconds (NaN: never — abandoned or still waiting
        when no server would come on duty again).
    stretch : numpy.ndarray of int64, shape (N,)
        The stretch (server) that served it (−1: not served).
    busy_until : numpy.ndarray, shape (S,)
        End of the last contact started in each stretch when it runs past the stretch end
        (NaN: the stretch ended on time).
    actual_start : numpy.ndarray, shape (S,)
        When each stretch really began (later than scheduled after a late break).
    """

    start: np.ndarray
    stretch: np.ndarray
    busy_until: np.ndarray
    actual_start: np.ndarray


def serve_fcfs(arrival: np.ndarray, handle: np.ndarray, give_up: np.ndarray,
               servers: Stretches) -> QueueOutcome:
    """Replay one FCFS multi-server queue with impatience over the servers' stretches.

    Parameters
    ----------
    arrival : numpy.ndarray, shape (N,)
        Arrival times, seconds, non-decreasing.
    handle : numpy.ndarray, shape (N,)
        Handle times, seconds (> 0).
    give_up : numpy.ndarray, shape (N,)
        Time each contact abandons if not yet served, seconds (``inf``: never).
    servers : Stretches
        On-duty stretches (:func:`planner.simulation.agents.stretches`).

    Returns
    -------
    QueueOutcome
    """
    n = int(arrival.size)
    st_start = servers.start.tolist()
    st_end = servers.end.tolist()
    st_rest = servers.rest.tolist()
    st_next = servers.next.tolist()
    base = servers.base.tolist()
    has_prev = servers.prev >= 0
    safe_prev = np.where(has_prev, servers.prev, 0)
    # The guard of each stretch: its agent-level predecessor, when it ended and the time off after it.
    prev_base = np.where(has_prev, servers.base[safe_prev], -1).tolist()
    prev_end = servers.end[safe_prev].tolist()
    prev_rest = servers.rest[safe_prev].tolist()
    base_done = [-math.inf] * (int(servers.base.max()) + 1 if servers.base.size else 0)
    actual = list(st_start)
    over: list[float] = [math.nan] * len(st_start)
    heap = [(st_start[j], j) for j in servers.first.tolist()]
    heapq.heapify(heap)
    heapreplace, heappop = heapq.heapreplace, heapq.heappop
    starts = [math.nan] * n
    served_by = [-1] * n
    arr, hnd, gup = arrival.tolist(), handle.tolist(), give_up.tolist()
    for i in range(n):
        a = arr[i]
        while heap:
            key, j = heap[0]
            pb = prev_base[j]
            if pb >= 0 and base_done[pb] > prev_end[j]:
                need = base_done[pb] + prev_rest[j]
                if need > key:
                    # Another slot of this agent ran late: the agent's break started when its last
                    # session ended, so this slot too is back only then (lazy: checked at the top,
                    # when every session of the agent that started before the break is known).
                    nj = j
                    while nj >= 0 and st_end[nj] <= need:
                        actual[nj] = st_end[nj]
                        nj = st_next[nj]
                    if nj < 0:
                        heappop(heap)
                    else:
                        actual[nj] = need if need > st_start[nj] else st_start[nj]
                        heapreplace(heap, (actual[nj], nj))
                    continue
            if key >= a or a < st_end[j]:
                break
            # Idle through the end of its stretch: on to the stretch containing a, or the next.
            nj = st_next[j]
            while nj >= 0 and st_end[nj] <= a:
                nj = st_next[nj]
            if nj < 0:
                heappop(heap)
            else:
                heapreplace(heap, (st_start[nj], nj))
        if not heap:
            break
        key, j = heap[0]
        begin = key if key > a else a
        if begin > gup[i]:
            continue  # abandons; takes no server
        done = begin + hnd[i]
        starts[i] = begin
        served_by[i] = j
        end_j = st_end[j]
        if done < end_j:
            heapreplace(heap, (done, j))
            continue
        if done > end_j:
            over[j] = done
            b = base[j]
            if done > base_done[b]:
                base_done[b] = done
            ready = base_done[b] + st_rest[j]
        else:
            ready = end_j
        nj = st_next[j]
        while nj >= 0:
            begin_next = st_start[nj] if st_start[nj] >= ready else ready
            if begin_next < st_end[nj]:
                actual[nj] = begin_next
                break
            actual[nj] = st_end[nj]  # swallowed by the overrun
            nj = st_next[nj]
        if nj < 0:
            heappop(heap)
        else:
            heapreplace(heap, (actual[nj], nj))
    return QueueOutcome(start=np.asarray(starts, dtype=float),
                        stretch=np.asarray(served_by, dtype=np.int64),
                        busy_until=np.asarray(over, dtype=float),
                        actual_start=np.asarray(actual, dtype=float))
