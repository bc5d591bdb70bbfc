"""E-mail: a FIFO backlog answered by the scheduled e-mail agents, deadlines checked per contact.

E-mails arrive around the clock (Poisson per interval like the other channels) into one
first-in first-out backlog worked by the group's agents whenever they are on duty — the event
engine with infinite patience. A contact's clock starts when it arrives, or at the next opening
when it arrives while the channel is closed (the convention of :mod:`planner.staffing`); it meets
its deadline when it is *answered* (handling finished) within ``response_hours`` of that.
"""

from __future__ import annotations

import numpy as np


def clock_start(arrival: np.ndarray, interval: np.ndarray, is_open: np.ndarray,
                interval_seconds: float) -> np.ndarray:
    """When each contact's response clock starts, seconds.

    Parameters
    ----------
    arrival : numpy.ndarray, shape (N,)
        Arrival times, seconds.
    interval : numpy.ndarray of int64, shape (N,)
        Arrival interval.
    is_open : numpy.ndarray of bool, shape (T,)
        Channel open per interval.
    interval_seconds : float

    Returns
    -------
    numpy.ndarray
        Arrival time in an open interval; the start of the next open interval otherwise
        (``inf`` when the channel never opens again in the horizon).
    """
    n_t = is_open.size
    index = np.arange(n_t)
    next_open = np.minimum.accumulate(np.where(is_open, index, n_t)[::-1])[::-1]
    opening = np.where(next_open[interval] < n_t, next_open[interval] * interval_seconds, np.inf)
    return np.where(is_open[interval], arrival, opening)


def deadline_met(answered_at: np.ndarray, clock: np.ndarray, response_seconds: float) -> np.ndarray:
    """Whether each contact was answered by its deadline (NaN answer time: missed), bool."""
    with np.errstate(invalid="ignore"):
        return np.isfinite(answered_at) & (answered_at <= clock + response_seconds + 1e-9)
