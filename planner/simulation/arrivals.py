"""Random inputs of one replication: Poisson arrivals per interval, handle times, patience.

Arrivals are a non-homogeneous Poisson process with a rate constant within each interval: the
count of interval *t* is Poisson with the plan's live contacts as mean, and given the count the
arrival times are independent uniforms over the interval (the order-statistics property of the
Poisson process, e.g. Ross, *Introduction to Probability Models*, 12th ed., ch. 5). Handle times
are exponential with the arrival interval's AHT as mean, or lognormal with that mean and a given
coefficient of variation: ``σ² = ln(1 + cv²)``, ``μ = ln(mean) − σ²/2``. Patience is exponential
with the channel's mean (Erlang A's assumption; Mandelbaum & Zeltyn 2007).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Arrivals:
    """The contacts of one queue in one replication, in arrival order.

    Attributes
    ----------
    time : numpy.ndarray, shape (N,)
        Arrival times, seconds from the horizon start (sorted).
    interval : numpy.ndarray of int64, shape (N,)
        Arrival interval of each contact.
    handle : numpy.ndarray, shape (N,)
        Handle times, seconds.
    give_up : numpy.ndarray, shape (N,)
        Arrival + patience, seconds (``inf``: never abandons).
    """

    time: np.ndarray
    interval: np.ndarray
    handle: np.ndarray
    give_up: np.ndarray


def draw_arrivals(contacts: np.ndarray, handle_seconds: np.ndarray, interval_seconds: float,
                  patience_seconds: float, rng: np.random.Generator, *, distribution: str = "exponential",
                  cv: float = 1.0) -> Arrivals:
    """Draw the contacts of the horizon.

    Parameters
    ----------
    contacts : numpy.ndarray, shape (T,)
        Expected contacts per interval (≥ 0).
    handle_seconds : numpy.ndarray, shape (T,)
        Mean handle time per arrival interval, seconds (> 0).
    interval_seconds : float
        Interval length, seconds.
    patience_seconds : float
        Mean patience, seconds (``inf``: nobody abandons).
    rng : numpy.random.Generator
    distribution : {"exponential", "lognormal"}
    cv : float
        Coefficient of variation of the lognormal law.

    Returns
    -------
    Arrivals
    """
    counts = rng.poisson(np.maximum(contacts, 0.0))
    interval = np.repeat(np.arange(contacts.size, dtype=np.int64), counts)
    time = (interval + rng.random(interval.size)) * interval_seconds
    order = np.argsort(time, kind="stable")
    time, interval = time[order], interval[order]
    mean = handle_seconds[interval]
    if distribution == "lognormal":
        sigma2 = math.log1p(cv * cv)
        handle = rng.lognormal(np.log(mean) - sigma2 / 2.0, math.sqrt(sigma2))
    else:
        handle = rng.exponential(mean)
    if math.isfinite(patience_seconds):
        give_up = time + rng.exponential(patience_seconds, size=time.size)
    else:
        give_up = np.full(time.size, np.inf)
    return Arrivals(time=time, interval=interval, handle=handle, give_up=give_up)
