"""Agents on duty in one replication: shrinkage drawn, then on-duty stretches per server.

A *stretch* is a maximal run of intervals in which one server (an agent; for chat one of the
agent's session slots) may start a contact. What follows a stretch decides what happens when the
agent is still busy at its end (the agent always finishes the contact in hand):

* a scheduled **break**: the break starts late, when the contact ends, and lasts its full length,
  so the agent is back late by the same amount;
* the **shift end**: the overrun is overtime;
* **shrinkage** time (a meeting, training, absence — fixed times): the agent joins late and
  returns at the scheduled time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.simulation.inputs import GAP_BREAK, GAP_SHIFT_END, GAP_SHRINKAGE, AgentCells


@dataclass(frozen=True, eq=False)
class Stretches:
    """On-duty stretches of every server of one group in one replication (times in seconds).

    Attributes
    ----------
    start, end : numpy.ndarray of float, shape (S,)
        Scheduled start and end of each stretch, seconds from the horizon start.
    rest : numpy.ndarray of float, shape (S,)
        Least time off after the stretch when it ends late (the break's length; 0 otherwise).
    gap : numpy.ndarray of int8, shape (S,)
        What follows: :data:`~planner.simulation.inputs.GAP_BREAK`, ``GAP_SHIFT_END``,
        ``GAP_SHRINKAGE``.
    next, prev : numpy.ndarray of int64, shape (S,)
        Index of the server's next and previous stretch (−1: none).
    first : numpy.ndarray of int64
        First stretch of each server that has one.
    row : numpy.ndarray of int64, shape (S,)
        Shift row (:class:`AgentCells` row) the stretch belongs to.
    base : numpy.ndarray of int64, shape (S,)
        For chat slots: the agent-level stretch each slot copy comes from (identity otherwise).
    """

    start: np.ndarray
    end: np.ndarray
    rest: np.ndarray
    gap: np.ndarray
    next: np.ndarray
    prev: np.ndarray
    first: np.ndarray
    row: np.ndarray
    base: np.ndarray


def available_cells(cells: AgentCells, shrinkage: np.ndarray, mode: str, rng: np.random.Generator,
                    intervals: int, intervals_per_day: int | None = None) -> np.ndarray:
    """Which working cells answer contacts after shrinkage, shape (cells,) of bool.

    Parameters
    ----------
    cells : AgentCells
    shrinkage : numpy.ndarray, shape (T,)
        Share away per interval, [0, 1).
    mode : {"interval", "absence", "none"}
        See :class:`~planner.simulation.inputs.SimulationOptions`.
    rng : numpy.random.Generator
    intervals : int
        T.
    intervals_per_day : int, optional
        Intervals of one day: the rounding offset is drawn per day (default: one for the horizon).

    Returns
    -------
    numpy.ndarray of bool
        True where the cell is worked (not a break) and the agent is not away.

    Notes
    -----
    ``"interval"``: in interval *t* the ``k_t = ⌊w_t (1 − s_t) + U_d⌋`` working rows with the
    highest random priority (one uniform per row and replication) answer, ``U_d`` one uniform per
    day and replication — systematic randomised rounding, so ``E[k_t] = w_t (1 − s_t)`` exactly,
    the net agents the prediction interpolates at, while ``k_t`` changes only where the schedule
    does (no artificial churn of agents within a day); days are independent of each other.
    """
    working = ~cells.cell_break
    if mode == "none" or cells.rows == 0:
        return working.copy()
    if mode == "absence":
        present = rng.random(cells.rows) >= shrinkage[np.clip(cells.first, 0, intervals - 1)]
        return working & present[cells.cell_row]
    w_idx = np.flatnonzero(working)
    t = cells.cell_interval[w_idx]
    counts = np.bincount(t, minlength=intervals)[:intervals]
    target = counts * (1.0 - shrinkage)
    # Systematic randomised rounding, one offset per day: E[k_t] = target_t in every interval
    # while k_t only moves where the target crosses a whole number (no artificial churn).
    per_day = intervals_per_day or intervals
    offsets = rng.random(-(-intervals // per_day))
    keep = np.floor(target + np.repeat(offsets, per_day)[:intervals])
    priority = rng.random(cells.rows)
    order = np.lexsort((-priority[cells.cell_row[w_idx]], t))
    t_sorted = t[order]
    column_start = np.searchsorted(t_sorted, t_sorted, side="left")
    rank = np.arange(t_sorted.size) - column_start
    answer = np.zeros(cells.cell_row.size, dtype=bool)
    answer[w_idx[order[rank < keep[t_sorted]]]] = True
    return answer


def stretches(cells: AgentCells, answering: np.ndarray, interval_seconds: float, slots: int = 1) -> Stretches:
    """Maximal runs of answering cells per shift row, as server stretches.

    Parameters
    ----------
    cells : AgentCells
    answering : numpy.ndarray of bool, shape (cells,)
        From :func:`available_cells`.
    interval_seconds : float
    slots : int
        Servers per agent (chat concurrency): each stretch is copied ``slots`` times, one chain
        per slot.

    Returns
    -------
    Stretches
    """
    idx = np.flatnonzero(answering)
    row = cells.cell_row[idx]
    t = cells.cell_interval[idx]
    if idx.size == 0:
        empty_f, empty_i = np.zeros(0), np.zeros(0, dtype=np.int64)
        return Stretches(empty_f, empty_f, empty_f, np.zeros(0, dtype=np.int8), empty_i, empty_i, empty_i,
                         empty_i, empty_i)
    new_run = np.ones(idx.size, dtype=bool)
    new_run[1:] = (row[1:] != row[:-1]) | (t[1:] != t[:-1] + 1)
    run_first = np.flatnonzero(new_run)
    run_last = np.append(run_first[1:], idx.size) - 1
    s_row = row[run_first]
    s_start = t[run_first]
    s_end = t[run_last] + 1  # exclusive interval index
    # What follows each run: the cell after its last one (same row) if still on shift.
    after = idx[run_last] + 1
    on_shift_after = s_end < cells.last[s_row]
    after = np.where(on_shift_after, after, 0)
    is_break = on_shift_after & cells.cell_break[after]
    gap = np.where(~on_shift_after, GAP_SHIFT_END, np.where(is_break, GAP_BREAK, GAP_SHRINKAGE))
    rest = np.where(is_break, cells.cell_break_left[after], 0) * interval_seconds
    n = s_row.size
    nxt = np.arange(1, n + 1, dtype=np.int64)
    last_of_agent = np.append(s_row[1:] != s_row[:-1], True)
    # Rows of one agent (a weekly tour) are separate servers: a row is one on-duty stretch.
    nxt[last_of_agent] = -1
    first_of_row = np.insert(s_row[1:] != s_row[:-1], 0, True)
    prv = np.where(first_of_row, -1, np.arange(n, dtype=np.int64) - 1)
    first = np.flatnonzero(first_of_row)
    base = np.arange(n, dtype=np.int64)
    start_s = s_start * interval_seconds
    end_s = s_end * interval_seconds
    gap = gap.astype(np.int8)
    if slots > 1:
        k = np.arange(slots, dtype=np.int64)
        offset = (k * n)[:, None]
        nxt = np.where(nxt[None, :] >= 0, nxt[None, :] + offset, -1).ravel()
        prv = np.where(prv[None, :] >= 0, prv[None, :] + offset, -1).ravel()
        first = (first[None, :] + offset).ravel()
        start_s, end_s, rest = (np.tile(v, slots) for v in (start_s, end_s, rest))
        gap, s_row, base = np.tile(gap, slots), np.tile(s_row, slots), np.tile(base, slots)
    return Stretches(start=start_s.astype(float), end=end_s.astype(float), rest=rest.astype(float),
                     gap=gap, next=nxt, prev=prv, first=first.astype(np.int64), row=s_row, base=base)


__all__ = ["GAP_BREAK", "GAP_SHIFT_END", "GAP_SHRINKAGE", "Stretches", "available_cells", "stretches"]


def cells_from_staffing(staffing: np.ndarray) -> AgentCells:
    """Agents on a per-interval staffing curve: agent *k* works every interval with ≥ k + 1 agents.

    Parameters
    ----------
    staffing : numpy.ndarray of int, shape (T,)
        Agents working per interval (≥ 0), no breaks.

    Returns
    -------
    AgentCells
        One shift row per maximal run of intervals of each agent number — the servers of a queue
        whose staffing changes at interval boundaries (a leaving agent finishes the contact in hand).
    """
    staffing = np.asarray(staffing, dtype=np.int64)
    if staffing.ndim != 1 or np.any(staffing < 0):
        raise ValueError("staffing must be a 1-D array of whole agents ≥ 0")
    top = int(staffing.max()) if staffing.size else 0
    on = staffing[None, :] > np.arange(top)[:, None]  # (agents, T)
    padded = np.pad(on, ((0, 0), (1, 1)))
    change = np.diff(padded.astype(np.int8), axis=1)
    agent_s, first = np.nonzero(change == 1)
    agent_e, last = np.nonzero(change == -1)
    order_s, order_e = np.lexsort((first, agent_s)), np.lexsort((last, agent_e))
    agent_s, first, last = agent_s[order_s], first[order_s], last[order_e]
    lengths = last - first
    cell_row = np.repeat(np.arange(first.size, dtype=np.int64), lengths)
    offsets = np.arange(cell_row.size, dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return AgentCells(agent=np.array([f"Agent {k + 1:03d}" for k in agent_s], dtype=object),
                      first=first.astype(np.int64), last=last.astype(np.int64), cell_row=cell_row,
                      cell_interval=np.repeat(first, lengths) + offsets,
                      cell_break=np.zeros(cell_row.size, dtype=bool),
                      cell_break_left=np.zeros(cell_row.size, dtype=np.int64))
