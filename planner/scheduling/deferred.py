"""Deferred (email) work of one group and its first-in first-out lateness check."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

DEADLINE_MARGIN = 1e-6
"""Agent-intervals of net work added to each deadline row so that solver tolerances never turn a
plan the model calls on time into a late one in the FIFO re-simulation."""

@dataclass(frozen=True)
class DeferredWork:
    """Deferred (email) work of one group per interval of the horizon.

    Attributes
    ----------
    arrived : numpy.ndarray, shape (T,)
        Work arriving in each interval, agent-intervals of net work (``work_arrived_agent_intervals``).
    due : numpy.ndarray, shape (T,)
        Work whose deadline falls at the end of each interval, same units
        (``work_due_agent_intervals``; work due after the horizon is not included).
    shrinkage : numpy.ndarray, shape (T,)
        Share of working time lost to what breaks do not model, [0, 1).
    is_open : numpy.ndarray of bool, shape (T,)
        Whether agents may work the channel in the interval.
    """

    arrived: np.ndarray
    due: np.ndarray
    shrinkage: np.ndarray
    is_open: np.ndarray

    def __post_init__(self) -> None:
        lengths = {np.asarray(v).shape for v in (self.arrived, self.due, self.shrinkage, self.is_open)}
        if len(lengths) != 1 or len(next(iter(lengths))) != 1:
            raise ValueError(f"deferred work arrays must be 1-D of one length, got shapes {sorted(lengths)}")
        for name in ("arrived", "due"):
            values = np.asarray(getattr(self, name), dtype=float)
            if not np.all(np.isfinite(values)) or (values < 0).any():
                raise ValueError(f"deferred work {name} must be finite agent-intervals ≥ 0")
        shrink = np.asarray(self.shrinkage, dtype=float)
        if not np.all((shrink >= 0) & (shrink < 1)):
            raise ValueError("deferred work shrinkage must be in [0, 1)")
        if float(np.sum(self.due)) > float(np.sum(self.arrived)) * (1 + 1e-9) + 1e-9:
            raise ValueError("deferred work due exceeds the work arrived")

    @classmethod
    def from_requirements(cls, rows: pd.DataFrame, interval_starts: pd.DatetimeIndex) -> DeferredWork:
        """From one email group's rows of :func:`planner.staffing.requirements`, aligned to the horizon."""
        frame = rows.set_index(pd.DatetimeIndex(rows["interval_start"])).reindex(interval_starts)
        return cls(
            arrived=frame["work_arrived_agent_intervals"].fillna(0.0).to_numpy(dtype=float),
            due=frame["work_due_agent_intervals"].fillna(0.0).to_numpy(dtype=float),
            shrinkage=frame["shrinkage"].fillna(0.0).to_numpy(dtype=float),
            is_open=frame["is_open"].eq(True).to_numpy(dtype=bool))



def deferred_lateness(working: np.ndarray, deferred: DeferredWork) -> dict[str, np.ndarray]:
    """Deferred work done first-in first-out by the scheduled agents, and what misses its deadline.

    Parameters
    ----------
    working : numpy.ndarray, shape (T,)
        Scheduled agents working (on shift, not on break) per interval.
    deferred : DeferredWork

    Returns
    -------
    dict of str to numpy.ndarray
        ``done`` (cumulative work done by each interval's end), ``overdue`` (work due by then
        and not done, ≥ 0), ``late`` (work due at the end of the interval that misses its
        deadline: ``min(due_t, overdue_t)``, since FIFO order is deadline order) — all in
        agent-intervals of net work — and ``short_agents`` (int64: ⌈overdue / (1 − shrinkage)⌉,
        the scheduled agents who would have had to work in the interval to clear it).

    Notes
    -----
    FIFO with capacity ``working × (1 − shrinkage)`` per open interval is the work-conserving
    queue (:func:`planner.staffing.done_curve`, Lindley's recursion in cumulative form) that
    :func:`planner.staffing.kpis_at` re-simulates; it does at least as much work by every interval
    as the model's ``work_done``, so its lateness is never more than the model's.
    """
    from planner.staffing import done_curve

    net = 1.0 - np.asarray(deferred.shrinkage, dtype=float)
    capacity = np.where(np.asarray(deferred.is_open, dtype=bool),
                        np.asarray(working, dtype=float) * net, 0.0)
    done = done_curve(np.cumsum(np.asarray(deferred.arrived, dtype=float)), capacity)
    overdue = np.maximum(np.cumsum(np.asarray(deferred.due, dtype=float)) - done, 0.0)
    overdue[overdue < DEADLINE_MARGIN] = 0.0
    late = np.minimum(np.asarray(deferred.due, dtype=float), overdue)
    short = np.ceil(overdue / net - DEADLINE_MARGIN).clip(min=0).astype(np.int64)
    return {"done": done, "overdue": overdue, "late": late, "short_agents": short}
