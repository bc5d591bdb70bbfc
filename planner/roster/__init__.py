"""Weekly tours of (named) people: the tour model, its split, the assignment, the verifier.

Modules, one concept each: :mod:`~planner.roster.tours` (tour classes that keep the contracts by
construction), :mod:`~planner.roster.model` (the implicit tour program on top of the shift model
of :mod:`planner.scheduling`), :mod:`~planner.roster.split` (counts → concrete tours),
:mod:`~planner.roster.assign` (named agents → tours, min-cost), :mod:`~planner.roster.verify`
(the independent per-person check), :mod:`~planner.roster.fairness`,
:mod:`~planner.roster.explain`, :mod:`~planner.roster.roster` (the orchestration of one week) and
:mod:`~planner.roster.horizon` (longer horizons week by week, history carried).
"""

from __future__ import annotations

from planner.roster.horizon import roster_horizon
from planner.roster.roster import (
    ROSTER_SHIFT_COLUMNS,
    UNASSIGNED_COLUMNS,
    RosterResult,
    day_label,
    roster_problems,
    roster_scenario,
)
from planner.roster.verify import VERIFY_COLUMNS, verify_roster

__all__ = [
    "ROSTER_SHIFT_COLUMNS",
    "UNASSIGNED_COLUMNS",
    "VERIFY_COLUMNS",
    "RosterResult",
    "day_label",
    "roster_horizon",
    "roster_problems",
    "roster_scenario",
    "verify_roster",
]
