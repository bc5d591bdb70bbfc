"""Check a plan by simulation: replay the schedule contact by contact and compare with the prediction.

The plan's KPIs come from stationary formulas applied interval by interval. This package replays
the planned schedule as a discrete-event simulation per staffing group — Poisson arrivals at the
plan's live contacts, exponential (or lognormal) handle times, exponential patience, first come
first served to the earliest free agent on duty, agents finishing the contact in hand before a
break or the shift end, the queue carried across intervals and days, chat concurrency with the
analytic handle-time growth, e-mail as a FIFO backlog with deadlines — over independent seeded
replications, and reports the simulated KPIs with 95 % confidence intervals next to the prediction.

Modules: :mod:`~planner.simulation.inputs` (plan → arrays, validation),
:mod:`~planner.simulation.arrivals`, :mod:`~planner.simulation.agents` (shrinkage, stretches),
:mod:`~planner.simulation.engine` (the FCFS event engine), :mod:`~planner.simulation.chat`,
:mod:`~planner.simulation.email`, :mod:`~planner.simulation.replications`,
:mod:`~planner.simulation.statistics`, :mod:`~planner.simulation.report`,
:mod:`~planner.simulation.correction` (simulation-based staffing correction).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from planner.simulation.inputs import (
    SimulationInputError,
    SimulationInputs,
    SimulationOptions,
    from_plan,
    inputs_from_schedule,
    simulation_inputs,
)
from planner.simulation.replications import run_replications, simulate_replication
from planner.simulation.report import TOLERANCE_POINTS, build_report

__all__ = [
    "TOLERANCE_POINTS",
    "SimulationInputError",
    "SimulationInputs",
    "SimulationOptions",
    "SimulationResult",
    "from_plan",
    "inputs_from_schedule",
    "simulate",
    "simulate_plan",
    "simulate_replication",
    "simulation_inputs",
]

Progress = Callable[[float, str], None]


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """Simulated vs predicted KPIs of a plan.

    Attributes
    ----------
    options : SimulationOptions
    intervals : pandas.DataFrame
        Per (group, interval): ``interval_start``, ``live_contacts`` (predicted), ``required``,
        ``scheduled``, ``simulated_contacts``; for each KPI in ``service_level_offered``,
        ``service_level_answered``, ``asa_seconds``, ``abandon``, ``occupancy``:
        ``predicted_<kpi>``, ``simulated_<kpi>``, ``<kpi>_ci_low``, ``<kpi>_ci_high``; the channel's
        own definition as ``predicted_service_level``, ``simulated_service_level``, ``ci_low``,
        ``ci_high`` and ``difference_points`` (e-mail: share answered by the deadline);
        ``queue_at_start``, ``predicted_backlog``, ``simulated_backlog`` (contacts),
        ``outside`` (prediction outside the 95 % CI) and ``reason``.
    days, week : pandas.DataFrame
        The same KPIs per (group, date) and per group over the horizon (``first_date``,
        ``last_date``), with ``scheduled_agent_hours``.
    late_breaks : pandas.DataFrame
        Per (group, date), means over replications: ``breaks_from_work``, ``breaks_late_share``,
        ``mean_lateness_minutes`` (of the late ones), ``max_lateness_minutes``, ``shift_ends``,
        ``overtime_agent_hours``, ``max_overtime_minutes``.
    notes : list of str
        Plain-language findings (the horizon per group, and every day off by more than
        :data:`TOLERANCE_POINTS` with the reasons seen most often).
    seconds : float
        Wall-clock seconds of the replications.
    contacts : int
        Contacts simulated over all replications and groups.
    correction, correction_moved : pandas.DataFrame or None
        With ``planner simulate --correct``: the ISA-corrected requirement per (group, interval)
        and the agent-hours it moves per (group, date)
        (:class:`planner.simulation.correction.Correction`).
    """

    options: SimulationOptions
    intervals: pd.DataFrame
    days: pd.DataFrame
    week: pd.DataFrame
    late_breaks: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    contacts: int = 0
    correction: pd.DataFrame | None = None
    correction_moved: pd.DataFrame | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready document: per group the week, then ``days`` and ``intervals``.

        Every level has ``group``, ``predicted_service_level``, ``simulated_service_level``,
        ``ci_low``, ``ci_high`` (shares; ``null`` where undefined) and the other KPIs.
        """
        groups = []
        for name in pd.unique(self.week["group"]):
            week = _records(self.week[self.week["group"] == name])[0]
            week["days"] = _records(self.days[self.days["group"] == name])
            week["intervals"] = _records(self.intervals[self.intervals["group"] == name])
            week["late_breaks"] = _records(self.late_breaks[self.late_breaks["group"] == name])
            groups.append(week)
        opts = self.options
        extra: dict[str, Any] = {}
        if self.correction is not None:
            extra["correction"] = {"intervals": _records(self.correction),
                                   "moved": _records(self.correction_moved)
                                   if self.correction_moved is not None else []}
        return {**extra, "replications": opts.replications, "seed": opts.seed,
                "handle_time": opts.handle_time,
                "handle_time_cv": opts.handle_time_cv, "shrinkage": opts.shrinkage,
                "confidence": 0.95, "tolerance_points": TOLERANCE_POINTS, "seconds": self.seconds,
                "contacts_simulated": self.contacts, "notes": list(self.notes), "groups": groups}


def _plain(value: Any) -> Any:
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: _plain(v) for k, v in row.items() if k != "level"}
            for row in frame.to_dict(orient="records")]


def simulate(inputs: SimulationInputs, progress: Progress | None = None, *,
             mapper: Any | None = None) -> SimulationResult:
    """Run ``inputs.options.replications`` replications and report them against the prediction.

    Parameters
    ----------
    inputs : SimulationInputs
        From :func:`from_plan` or :func:`simulation_inputs`.
    progress : callable(fraction, message), optional
        Told after every replication.
    mapper : callable, optional
        ``mapper(function, replication_numbers)`` running the replications elsewhere, in order
        (the executor seam, :func:`planner.simulation.replications.run_replications`).

    Returns
    -------
    SimulationResult
    """
    results, seconds = run_replications(inputs, progress, mapper=mapper)
    intervals, days, week, late, notes = build_report(inputs, results)
    contacts = sum(t.contacts for r in results for t in r)
    if inputs.options.replications < 2:
        notes.insert(0, "one replication: no confidence intervals (run at least 2, 30 or more for "
                        "tight intervals)")
    return SimulationResult(options=inputs.options, intervals=intervals, days=days, week=week,
                            late_breaks=late, notes=notes, seconds=seconds, contacts=contacts)


def simulate_plan(plan: object, options: SimulationOptions | None = None,
                  progress: Progress | None = None) -> SimulationResult:
    """Simulate a :class:`planner.pipeline.Plan` (see :func:`simulate`).

    Raises
    ------
    SimulationInputError
        The plan has no schedule, or its schedule does not match its coverage.
    """
    return simulate(from_plan(plan, options), progress)
