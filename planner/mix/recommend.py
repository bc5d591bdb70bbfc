"""``recommend_mix``: the search, the sensitivity run, the frontier and the exact re-costing."""

from __future__ import annotations

import time

import pandas as pd

from planner.types import Scenario

from .model import _build_model
from .options import SearchOptions
from .report import _breakdown, _frontier, _pair_table, _shares_by_key
from .result import FRONTIER_COLUMNS, SENSITIVITY_COLUMNS, MixResult, Progress
from .search import _search

SENSITIVITY_CONTAINMENT_DROP = 0.10
"""Containment is lowered by this many points (absolute, clipped at 0) in the sensitivity run."""


def recommend_mix(scenario: Scenario, progress: Progress | None = None, *,
                  options: SearchOptions | None = None) -> MixResult:
    """Recommend the self-service-first share of every (segment, channel) pair.

    Parameters
    ----------
    scenario : Scenario
        Forecast, channels, segments (``prefers_human_share``, ``max_self_service_share``),
        deflections (current share, ``containment_rate``, escalation route,
        ``automation_cost_per_attempt``), staffing groups and shift templates (``cost_per_hour``),
        and ``scenario.mix`` (:class:`~planner.types.MixSettings`: grid step, experience price
        per unwanted contact, optional budget / service-level floor / escalation cap / human floor).
    progress : callable(fraction, message), optional
        Called as the search advances (fraction in [0, 1]).
    options : SearchOptions, optional
        Table and search methods and limits (:class:`~planner.mix.options.SearchOptions`; the
        defaults give the grid minimum fastest).

    Returns
    -------
    MixResult
        The grid-optimal shares with costs over the horizon in currency units (see the module
        docstring for the cost model and the search), the frontier, the sensitivity with
        containment 10 points lower, a summary and one reason per pair.

    Notes
    -----
    The recommended and current plans are re-costed through ``planner.demand.live_demand`` and
    ``planner.staffing.requirements`` (pooled, rounded per group and interval); the frontier and
    the search use the same staffing functions on group arrays.
    """
    started = time.perf_counter()

    def report(fraction: float, message: str) -> None:
        if progress is not None:
            progress(min(1.0, max(0.0, fraction)), message)

    report(0.0, "mix: building the demand basis")
    options = options or SearchOptions()
    model = _build_model(scenario, options=options)
    shares, feasible, n_components, complete = _search(
        model, lambda f, m: report(0.1 + 0.5 * f, m))
    proved = feasible and complete
    if not feasible:
        shares = {pi: p.current for pi, p in enumerate(model.pairs)}
    report(0.6, "mix: sensitivity (containment 10 points lower)")
    low_model = _build_model(scenario, SENSITIVITY_CONTAINMENT_DROP, options)
    low_shares, low_feasible, _, _ = _search(
        low_model, lambda f, m: report(0.6 + 0.2 * f, f"{m} (sensitivity)"))
    report(0.8, "mix: frontier and costs")
    frontier = _frontier(model, shares) if model.pairs else pd.DataFrame(columns=list(FRONTIER_COLUMNS))
    current = {(p.segment, p.channel): p.current for p in model.pairs}
    recommended = _shares_by_key(model, shares)
    now = _breakdown(scenario, current)
    best = _breakdown(scenario, recommended)
    pairs_frame, reasons = _pair_table(scenario, model, shares, now, best, frontier, feasible)
    sensitivity = pd.DataFrame.from_records([
        {"segment": p.segment, "channel": p.channel, "recommended_share": float(shares[pi]),
         "recommended_share_low_containment": float(low_shares[pi]) if low_feasible else float("nan"),
         "flips": bool(not low_feasible or abs(low_shares[pi] - shares[pi]) > 1e-9)}
        for pi, p in enumerate(model.pairs)], columns=list(SENSITIVITY_COLUMNS))
    evaluations = model.evaluations + low_model.evaluations
    seconds = time.perf_counter() - started
    summary = {
        "total_cost_current": float(pairs_frame["total_cost_current"].sum()),
        "total_cost_recommended": float(pairs_frame["total_cost_recommended"].sum()),
        "fte_saved": float(pairs_frame["human_fte_current"].sum()
                           - pairs_frame["human_fte_recommended"].sum()),
        "contacts_moved": float(sum(abs(shares[pi] - p.current) * p.offered
                                    for pi, p in enumerate(model.pairs))),
        "evaluations": float(evaluations),
        "seconds": float(seconds),
        "feasible": 1.0 if feasible else 0.0,
        "proved_optimal": 1.0 if proved else 0.0,
        "components": float(n_components),
        "labour_cost_current": now.labour_total,
        "labour_cost_recommended": best.labour_total,
    }
    status = "infeasible" if not feasible else ("optimal" if proved else "feasible")
    if not feasible:
        message = ("no combination of shares on the grid meets the constraints (budget, service-level "
                   "floor, escalation cap, human floor); the current shares are shown")
    elif not proved:
        message = (f"the branch-and-bound stopped at its {options.branch_time_limit_seconds:g} s limit: the "
                   "best combination found is shown, not proved the grid minimum")
    else:
        message = ""
    report(1.0, "mix: done")
    return MixResult(pairs=pairs_frame, frontier=frontier, sensitivity=sensitivity, summary=summary,
                     reasons=reasons, status=status, message=message)
