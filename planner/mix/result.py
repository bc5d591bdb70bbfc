"""The mix recommendation's result: :class:`MixResult` and the column contracts of its frames."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

PAIR_COLUMNS: tuple[str, ...] = (
    "segment", "channel", "cap", "current_share", "recommended_share", "containment_rate",
    "attempts", "contained", "net_deflection", "escalations", "live_contacts",
    "human_fte_current", "human_fte_recommended", "labour_cost_current", "labour_cost_recommended",
    "automation_cost_current", "automation_cost_recommended", "experience_cost_current",
    "experience_cost_recommended", "total_cost_current", "total_cost_recommended",
    "experience_risk", "reason",
)
FRONTIER_COLUMNS: tuple[str, ...] = ("segment", "channel", "share", "labour_cost", "automation_cost",
                                     "experience_cost", "total_cost", "feasible")
SENSITIVITY_COLUMNS: tuple[str, ...] = ("segment", "channel", "recommended_share",
                                        "recommended_share_low_containment", "flips")

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class MixResult:
    """The mix recommendation.

    Attributes
    ----------
    pairs : pandas.DataFrame
        One row per (segment, channel) with demand (:data:`PAIR_COLUMNS`). Costs are over the
        horizon in currency units; FTE = agent-hours / (40 h × weeks). ``labour_cost_*`` is the
        pooled group labour attributed to the pair's live rows by workload share, so the
        columns add up to the totals in ``summary``. ``net_deflection`` = contained / offered;
        ``experience_risk`` = recommended share × prefers_human_share (share of the pair's
        contacts sent to a bot against their preference).
    frontier : pandas.DataFrame
        Whole-scenario costs when one pair's share moves over its grid and every other pair
        stays at its recommended share (:data:`FRONTIER_COLUMNS`).
    sensitivity : pandas.DataFrame
        Recommendation with containment :data:`SENSITIVITY_CONTAINMENT_DROP` lower
        (:data:`SENSITIVITY_COLUMNS`); ``flips`` where the recommended share changes.
    summary : dict[str, float]
        ``total_cost_current, total_cost_recommended, fte_saved, contacts_moved, evaluations,
        seconds`` plus ``feasible`` (1/0), ``proved_optimal`` (1/0) and ``components``.
    reasons : list[str]
        One plain-language line per pair.
    status : str
        ``"optimal"`` (the grid minimum), ``"feasible"`` (a branch-and-bound stopped at
        ``SearchOptions.branch_time_limit_seconds``; best found) or ``"infeasible"`` (no grid combination
        meets the constraints; the current shares are then reported as the recommendation).
    message : str
        Why the status is not ``"optimal"``; empty otherwise.
    """

    pairs: pd.DataFrame
    frontier: pd.DataFrame
    sensitivity: pd.DataFrame
    summary: dict[str, float]
    reasons: list[str]
    status: str = "optimal"
    message: str = ""
