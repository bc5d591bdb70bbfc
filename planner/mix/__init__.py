"""Human/automation mix: how much of each (segment, channel) to route to self-service first.

The decision per (segment, channel) pair that has a :class:`~planner.types.Deflection` row is its
self-service-first share ``s`` on a grid ``{0, step, 2·step, …} ∪ {current, upper}`` where
``upper = min(segment.max_self_service_share, 1 − MixSettings.min_human_share)``.

Cost over the horizon (currency units)::

    total = labour + automation + experience
    labour      = Σ_group Σ_interval required_scheduled[g, t] · interval_hours · cost_per_hour[g]
    automation  = Σ_pair attempts · automation_cost_per_attempt
    experience  = Σ_pair attempts · prefers_human_share · experience_cost_per_unwanted_contact

``required_scheduled`` is the *pooled* staffing requirement of each staffing group per interval,
rounded once at the group level (``planner.staffing.requirements``); ``cost_per_hour`` of a group
is the mean ``cost_per_hour`` of its shift templates, or :data:`DEFAULT_COST_PER_HOUR` when the
group has none. Attempts are ``s · offered`` (the first step of the self-service funnel in
``planner.demand.live_demand``).

Constraints (all optional, from :class:`~planner.types.MixSettings`): ``budget`` caps labour +
automation; ``min_service_level`` floors the contact-weighted predicted service level of every
live voice/chat group over the horizon; ``max_escalation_rate`` caps escalations / attempts of a
pair (a pair whose bot escalates more than that is kept at 0); ``min_human_share`` floors the share
of a pair's contacts that go straight to a person (``s ≤ 1 − floor``).

Search (exact on the grid). Labour couples pairs only through the groups they load: their own
channel's group and their escalation channel's group. Pairs are split into independent
components (union–find over shared groups). Inside a component the search is exhaustive:

* each group's labour is tabulated at *every* combination of the grid shares of the pairs that
  load it; the component's total at every combination is the broadcast sum of its group tables
  and the pairs' linear costs, and the minimum is read off. A voice/chat table is filled from
  bounding rectangles of its (contacts, handle time) points (:mod:`planner.mix.rectangles`):
  required agents only rise with the contact count at a fixed handle time and with the handle
  time at a fixed contact count, so a rectangle whose two corners need the same agents needs no
  evaluation inside, and every evaluation inside one is bracketed by its corners (the same
  numbers as evaluating every combination, ``SearchOptions(table="every")``; tests compare);
* only when a group table would exceed ``SearchOptions.group_table_cell_limit`` cells (or the
  component ``SearchOptions.enum_combination_limit`` combinations) does a depth-first
  branch-and-bound take over. Its bounds (:func:`_box_extremes`) rest on the same monotonicity
  (Erlang C, Erlang A and the chat model alike — at a fixed *load* Erlang A needs *fewer*
  agents for longer calls, so the bounds are not taken in load); ``tests/test_mix.py`` checks
  this monotonicity and that both searches agree with brute force.

The demand side is affine in the shares (``planner.demand.live_demand``: attempts = s·offered),
so ``1 + n_pairs`` calls of ``live_demand`` give every group's contacts and workload for any
share vector; a test checks the resulting labour against ``staffing.requirements`` directly.

With a budget, each component returns its Pareto set of (total cost, labour + automation spend)
and the sets are merged exactly. Ties are broken toward the current shares.

Modules: :mod:`~planner.mix.model` (pairs, grids, the affine demand basis per group),
:mod:`~planner.mix.curve` (the group staffing curve), :mod:`~planner.mix.rectangles` (tables
from bounding rectangles), :mod:`~planner.mix.search` (components, enumeration,
branch-and-bound), :mod:`~planner.mix.report` (exact re-costing, frontier, reasons),
:mod:`~planner.mix.recommend` (:func:`recommend_mix`), :mod:`~planner.mix.options` and
:mod:`~planner.mix.result`.

References
----------
Gans, Koole & Mandelbaum (2003), "Telephone call centers: tutorial, review, and research
prospects", *M&SOM* 5(2) — pooled staffing and economies of scale. Land & Doig (1960) —
branch-and-bound.
"""

from __future__ import annotations

from .curve import deferred_net_agents
from .model import (
    DEFAULT_COST_PER_HOUR,
    _box_extremes,
    _build_model,
    _Group,
    _Model,
    _Pair,
    _share_grid,
    group_cost_per_hour,
)
from .options import SearchOptions
from .recommend import SENSITIVITY_CONTAINMENT_DROP, recommend_mix
from .rectangles import required_by_rectangles
from .report import FTE_HOURS_PER_WEEK, _breakdown, _frontier, _reason, _shares_by_key
from .result import FRONTIER_COLUMNS, PAIR_COLUMNS, SENSITIVITY_COLUMNS, MixResult, Progress
from .search import _components, _search

__all__ = [
    "DEFAULT_COST_PER_HOUR", "FRONTIER_COLUMNS", "FTE_HOURS_PER_WEEK", "PAIR_COLUMNS",
    "SENSITIVITY_COLUMNS", "SENSITIVITY_CONTAINMENT_DROP", "MixResult", "Progress", "SearchOptions",
    "_Group", "_Model", "_Pair", "_box_extremes", "_breakdown", "_build_model", "_components",
    "_frontier", "_reason", "_search", "_share_grid", "_shares_by_key", "deferred_net_agents",
    "group_cost_per_hour", "recommend_mix", "required_by_rectangles",
]
