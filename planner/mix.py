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
  load it (one vectorised staffing evaluation per combination and interval); the component's
  total at every combination is the broadcast sum of its group tables and the pairs' linear
  costs, and the minimum is read off. No property of the staffing curve is assumed: this is the
  grid minimum by construction;
* only when a group table would exceed :data:`GROUP_TABLE_CELL_LIMIT` cells (or the component
  :data:`ENUM_COMBINATION_LIMIT` combinations) does a depth-first branch-and-bound take over.
  Its bounds (:func:`_box_extremes`) rest on required agents being non-decreasing in the
  contact count at a fixed handle time and in the handle time at a fixed contact count
  (Erlang C, Erlang A and the chat model alike — at a fixed *load* Erlang A needs *fewer*
  agents for longer calls, so the bounds are not taken in load); ``tests/test_mix.py`` checks
  this monotonicity and that both searches agree with brute force.

The demand side is affine in the shares (``planner.demand.live_demand``: attempts = s·offered),
so ``1 + n_pairs`` calls of ``live_demand`` give every group's contacts and workload for any
share vector; a test checks the resulting labour against ``staffing.requirements`` directly.

With a budget, each component returns its Pareto set of (total cost, labour + automation spend)
and the sets are merged exactly. Ties are broken toward the current shares.

References
----------
Gans, Koole & Mandelbaum (2003), "Telephone call centers: tutorial, review, and research
prospects", *M&SOM* 5(2) — pooled staffing and economies of scale. Land & Doig (1960) —
branch-and-bound.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from planner.types import Deflection, InputError, Scenario

DEFAULT_COST_PER_HOUR = 25.0
"""Hourly labour cost of a staffing group without shift templates, currency units per agent-hour
(the :class:`~planner.types.ShiftTemplate` default)."""

FTE_HOURS_PER_WEEK = 40.0
"""Paid hours of one full-time equivalent per week, used to turn agent-hours into FTE."""

SENSITIVITY_CONTAINMENT_DROP = 0.10
"""Containment is lowered by this many points (absolute, clipped at 0) in the sensitivity run."""

SEARCH_METHOD = "auto"
"""``"auto"``: enumerate a component when its group tables fit, else branch-and-bound;
``"branch"`` forces branch-and-bound (tests compare the two; both are exact)."""

BRANCH_TIME_LIMIT_SECONDS = 120.0
"""Wall-clock limit of one component's branch-and-bound; when reached, the best combination found
is returned and ``summary["proved_optimal"]`` is 0."""

TABLE_METHOD = "boxes"
"""How a voice/chat group's table is filled: ``"boxes"`` resolves whole boxes of the grid at once
where their two bounding staffing levels agree (:meth:`_Model.table`, exact by the monotonicity the
branch-and-bound rests on); ``"every"`` evaluates every combination (tests compare the two)."""

ENUM_COMBINATION_LIMIT = 2_000_000
"""Largest component (product of grid sizes) that is enumerated outright."""

GROUP_TABLE_CELL_LIMIT = 50_000_000
"""Largest group table (scope combinations × intervals) tabulated outright."""

_CHUNK_CELLS = 400_000
_TIE = 1e-9

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
        :data:`BRANCH_TIME_LIMIT_SECONDS`; best found) or ``"infeasible"`` (no grid combination
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


# ---------------------------------------------------------------------------------------------
# model of one scenario: affine demand basis per staffing group


@dataclass
class _Pair:
    segment: str
    channel: str
    deflection: Deflection
    offered: float
    current: float
    cap: float
    upper: float
    grid: np.ndarray
    excluded_reason: str
    prefers_human: float
    automation_per_attempt: float
    experience_per_attempt: float

    def linear_cost(self, share: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Automation and experience cost (currency) at ``share``."""
        attempts = np.asarray(share, dtype=float) * self.offered
        return attempts * self.automation_per_attempt, attempts * self.experience_per_attempt


@dataclass
class _Group:
    name: str
    kind: str
    cost_per_interval: float
    base_contacts: np.ndarray
    base_workload: np.ndarray
    d_contacts: dict[int, np.ndarray] = field(default_factory=dict)
    d_workload: dict[int, np.ndarray] = field(default_factory=dict)

    @property
    def scope(self) -> list[int]:
        return sorted(self.d_contacts)


@dataclass
class _Model:
    scenario: Scenario
    pairs: list[_Pair]
    groups: list[_Group]
    staffing: _Staffing
    evaluations: int = 0
    tables: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    # -- vectorised evaluation --------------------------------------------------------------
    def group_values(self, gi: int, shares: np.ndarray, *, bound: tuple[np.ndarray, np.ndarray] | None = None
                     ) -> tuple[np.ndarray, np.ndarray]:
        """Labour cost and service-level feasibility of group ``gi`` for rows of ``shares``.

        ``shares`` is (K, n_scope) in the order of ``group.scope``. With ``bound=(lo, hi)``
        (each (K, n_scope)) the lower bound over the box is returned instead. Grid points are
        looked up in the group's table when it has been built.
        """
        if bound is None and gi in self.tables and shares.shape[0]:
            grids = [self.pairs[pi].grid for pi in self.groups[gi].scope]
            index = []
            for j, grid in enumerate(grids):
                pos = np.clip(np.searchsorted(grid, shares[:, j] - 1e-9), 0, grid.size - 1)
                if np.any(np.abs(grid[pos] - shares[:, j]) > 1e-9):
                    break
                index.append(pos)
            else:
                flat = np.ravel_multi_index(tuple(index), tuple(g.size for g in grids)) if grids \
                    else np.zeros(shares.shape[0], dtype=np.int64)
                labour, ok = self.tables[gi]
                return labour[flat], ok[flat]
        return self._rows(gi, shares, bound)

    def table(self, gi: int) -> tuple[np.ndarray, np.ndarray] | None:
        """Labour and feasibility of group ``gi`` at every grid combination of its pairs (C order).

        Every combination is evaluated (vectorised); None when that is more than
        :data:`GROUP_TABLE_CELL_LIMIT` (combinations × intervals).
        """
        if gi in self.tables:
            return self.tables[gi]
        group = self.groups[gi]
        grids = [self.pairs[pi].grid for pi in group.scope]
        count = math.prod(g.size for g in grids)
        if count * group.base_contacts.size > GROUP_TABLE_CELL_LIMIT:
            return None
        if (TABLE_METHOD == "boxes" and group.kind != "email" and group.scope
                and self.scenario.mix.min_service_level is None):
            result = self._table_by_boxes(gi)
        else:
            combos = np.array(list(itertools.product(*grids)), dtype=float).reshape(count, len(grids))
            result = self._rows(gi, combos, None)
        self.tables[gi] = result
        return result

    def _table_by_boxes(self, gi: int) -> tuple[np.ndarray, np.ndarray]:
        """The group's table from far fewer staffing evaluations, with the same numbers.

        Every grid combination is a point (contacts λ, handle time h = A/λ) in each interval,
        with exactly the arithmetic of :meth:`_rows`; :func:`required_by_rectangles` gives the
        net agents of every point, then ``scheduled = ceil(net / (1 − shrinkage) − 1e-9)`` and
        the labour sum over intervals are those of :meth:`_rows`. ``ok`` is all True (used only
        without a service-level floor). ``evaluations`` counts evaluated cells ÷ intervals.
        """
        group = self.groups[gi]
        scope = group.scope
        grids = [self.pairs[pi].grid for pi in scope]
        count = math.prod(g.size for g in grids)
        t_count = group.base_contacts.size
        combos = np.array(list(itertools.product(*grids)), dtype=float).reshape(count, len(grids))
        active = np.flatnonzero((group.base_workload > 0)
                                | np.any([np.abs(group.d_workload[pi]) > 0 for pi in scope], axis=0))
        # the points, interval-major, with exactly the arithmetic of _rows
        contacts = np.broadcast_to(group.base_contacts[active][:, None], (active.size, count)).copy()
        workload = np.broadcast_to(group.base_workload[active][:, None], (active.size, count)).copy()
        for j, pi in enumerate(scope):
            contacts += combos[:, j][None, :] * group.d_contacts[pi][active][:, None]
            workload += combos[:, j][None, :] * group.d_workload[pi][active][:, None]
        np.maximum(contacts, 0.0, out=contacts)
        np.maximum(workload, 0.0, out=workload)

        def net_agents(c: np.ndarray, w: np.ndarray, lower: np.ndarray | None,
                       upper: np.ndarray | None) -> np.ndarray:
            return self.staffing.net(group.name, c, w, None if lower is None else (lower, upper))

        net, cells = required_by_rectangles(contacts, workload, net_agents)
        required = np.ceil(net / self.staffing.factor(group.name)[active][:, None] - 1e-9)
        self.evaluations += math.ceil(cells / max(t_count, 1))
        labour = required.sum(axis=0) * group.cost_per_interval
        return labour, np.ones(count, dtype=bool)

    def _rows(self, gi: int, shares: np.ndarray, bound: tuple[np.ndarray, np.ndarray] | None
              ) -> tuple[np.ndarray, np.ndarray]:
        group = self.groups[gi]
        k = shares.shape[0] if bound is None else bound[0].shape[0]
        t = group.base_contacts.size
        labour = np.empty(k)
        sl_ok = np.empty(k, dtype=bool)
        step = max(1, _CHUNK_CELLS // max(t, 1))
        for start in range(0, k, step):
            stop = min(k, start + step)
            dcs = [group.d_contacts[pi] for pi in group.scope]
            dws = [group.d_workload[pi] for pi in group.scope]
            if bound is None:
                contacts = np.broadcast_to(group.base_contacts, (stop - start, t)).copy()
                workload = np.broadcast_to(group.base_workload, (stop - start, t)).copy()
                for j in range(len(dcs)):
                    share = shares[start:stop, j][:, None]
                    contacts += share * dcs[j]
                    workload += share * dws[j]
                np.maximum(contacts, 0.0, out=contacts)
                np.maximum(workload, 0.0, out=workload)
            else:
                lows = [bound[0][start:stop, j][:, None] for j in range(len(dcs))]
                highs = [bound[1][start:stop, j][:, None] for j in range(len(dcs))]
                contacts, workload, _, _, least_workload = _box_extremes(
                    group.base_contacts[None, :], group.base_workload[None, :], dcs, dws, lows, highs)
                if group.kind == "email":
                    workload = least_workload
            required, sl_ok_chunk = self.staffing.rows(group.name, contacts, workload, bound is not None)
            labour[start:stop] = required.sum(axis=1) * group.cost_per_interval
            sl_ok[start:stop] = sl_ok_chunk
            self.evaluations += stop - start
        return labour, sl_ok


def _box_extremes(base_contacts: np.ndarray, base_workload: np.ndarray, d_contacts: Sequence[np.ndarray],
                  d_workload: Sequence[np.ndarray], low: Sequence[np.ndarray], high: Sequence[np.ndarray]
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Bounding (contacts, workload) points of a box of shares, cell by cell.

    Contacts λ(s) = base + Σ s_j·Δλ_j and workload A(s) are affine in the shares, so their
    extremes over the box lie at its 2^k vertices; so do those of the handle time A/λ, a
    linear-fractional function (quasi-linear where λ > 0). Required agents are non-decreasing
    in the contact count at a fixed handle time and in the handle time at a fixed contact count
    (Erlang C, Erlang A and the chat model; ``tests/test_mix.py`` checks it), so they lie between
    the values at (λ_min, h_min) and (λ_max, h_max) — given back as (contacts, workload) pairs —
    for every share vector in the box. Also returns the least workload (for email's bound).
    """
    k = len(d_contacts)
    c_min = c_max = w_min = h_min = h_max = None
    for corner in itertools.product((0, 1), repeat=k):
        contacts = base_contacts.copy()
        workload = base_workload.copy()
        for j in range(k):
            share = high[j] if corner[j] else low[j]
            contacts = contacts + share * d_contacts[j]
            workload = workload + share * d_workload[j]
        contacts = np.maximum(contacts, 0.0)
        workload = np.maximum(workload, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.where(contacts > 0, workload / np.where(contacts > 0, contacts, 1.0), np.nan)
        if c_min is None:
            c_min, c_max, w_min, h_min, h_max = contacts, contacts, workload, ratio, ratio
        else:
            c_min, c_max = np.minimum(c_min, contacts), np.maximum(c_max, contacts)
            w_min = np.minimum(w_min, workload)
            h_min, h_max = np.fmin(h_min, ratio), np.fmax(h_max, ratio)
    h_min = np.nan_to_num(h_min, nan=0.0)
    h_max = np.nan_to_num(h_max, nan=0.0)
    return c_min, c_min * h_min, c_max, c_max * h_max, w_min


EXACT_POINTS = 8
"""A rectangle of at most this many points is evaluated point by point."""

START_BINS = 16
"""The first rectangles of an interval: its (λ, h) spread cut into this many × this many."""

EDGE = 1e-9
"""Relative push of a rectangle's corners outwards, so that rounding never leaves a point outside."""

CHUNK_POINTS = 65_536
"""Passes over every point run on blocks of about this many points (they stay in the cache)."""

NetAgents = Callable[[np.ndarray, np.ndarray, "np.ndarray | None", "np.ndarray | None"], np.ndarray]

def required_by_rectangles(contacts: np.ndarray, workload: np.ndarray, net_agents: NetAgents, *,
                           start_bins: int = START_BINS, exact_points: int = EXACT_POINTS,
                           edge: float = EDGE, chunk_points: int = CHUNK_POINTS) -> tuple[np.ndarray, int]:
    """Net agents at every (interval, combination) point from few staffing evaluations.

    Parameters
    ----------
    contacts, workload : numpy.ndarray, shape (T, K)
        Live contacts and workload (Erlangs) of each of K share combinations in T intervals
        (interval-major).
    net_agents : callable(contacts, workload, lower, upper) -> numpy.ndarray of int
        Required net agents of single cells (1-D arrays); ``lower``/``upper`` are agents known to
        bracket the answer (``None``: unknown). Must be non-decreasing in the contact count at a
        fixed handle time ``h = workload / contacts`` and in ``h`` at a fixed contact count.
    start_bins, exact_points, edge, chunk_points
        Each interval's (λ, h) spread is first cut into ``start_bins × start_bins`` rectangles;
        a rectangle of at most ``exact_points`` points is evaluated point by point; corners are
        pushed out by ``edge`` (relative) so that rounding never leaves a point outside; the
        passes over every point run on blocks of about ``chunk_points`` points (memory traffic).

    Returns
    -------
    net : numpy.ndarray of int64, shape (T, K)
        ``net_agents`` at every point (0 where the workload is 0) — the same as evaluating every
        point, by the monotonicity (``tests/test_mix_rectangles.py`` checks it).
    cells : int
        Staffing evaluations made (points and corners).

    Notes
    -----
    Required agents only rise with λ at a fixed h and with h at a fixed λ, so over a rectangle
    ``[λ_lo, λ_hi] × [h_lo, h_hi]`` they lie between the values at ``(λ_lo, h_lo)`` and
    ``(λ_hi, h_hi)``; where the two agree every point inside has that value (no evaluation).
    Each interval's bounding rectangle is searched in full at its two corners; an interval whose
    corners disagree is cut into ``start_bins²`` rectangles, and a rectangle whose corners
    disagree is halved along its wider side (relative to its interval's spread). Every
    evaluation inside a rectangle takes its parent's two corner values as the bracket of its
    search (:func:`planner.queueing.required_agents` with ``bracket``): a lower corner that
    reaches the parent's upper value settles the rectangle without its upper corner, and a
    point or corner inside a bracket of one agent costs one probe of the queueing model.
    """
    n_t, n_k = contacts.shape
    net = np.zeros((n_t, n_k), dtype=np.int64)
    flat_net, flat_c, flat_w = net.ravel(), contacts.ravel(), workload.ravel()
    cells = 0

    def evaluate(c: np.ndarray, w: np.ndarray, lower: np.ndarray | None,
                 upper: np.ndarray | None) -> np.ndarray:
        nonlocal cells
        cells += c.size
        if not c.size:
            return np.zeros(0, dtype=np.int64)
        return np.asarray(net_agents(c, w, lower, upper), dtype=np.int64)

    step = max(1, chunk_points // max(n_k, 1))
    blocks = [slice(a, min(n_t, a + step)) for a in range(0, n_t, step)]
    # pass 1: each interval's extremes over its valid points; workload without contacts in full
    c_min, h_min = np.full(n_t, np.inf), np.full(n_t, np.inf)
    c_max, h_max = np.full(n_t, -np.inf), np.full(n_t, -np.inf)
    odd_parts = []
    for block in blocks:
        c, w = contacts[block], workload[block]
        busy = w > 0
        valid = busy & (c > 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            h = w / np.where(valid, c, 1.0)
        c_min[block] = np.where(valid, c, np.inf).min(axis=1)
        c_max[block] = np.where(valid, c, -np.inf).max(axis=1)
        h_min[block] = np.where(valid, h, np.inf).min(axis=1)
        h_max[block] = np.where(valid, h, -np.inf).max(axis=1)
        odd_parts.append(np.flatnonzero((busy & ~valid).ravel()) + block.start * n_k)
    odd = np.concatenate(odd_parts) if odd_parts else np.zeros(0, dtype=np.int64)
    if odd.size:
        flat_net[odd] = evaluate(flat_c[odd], flat_w[odd], None, None)
    has_points = np.isfinite(c_min)
    low_side, high_side = 1.0 - edge, 1.0 + edge
    # each interval as one rectangle: its two corners, searched in full, bracket all its points
    lo_t, hi_t = np.zeros(n_t, dtype=np.int64), np.zeros(n_t, dtype=np.int64)
    rows = np.flatnonzero(has_points)
    if rows.size:
        lo_c, lo_h = c_min[rows] * low_side, h_min[rows] * low_side
        hi_c, hi_h = c_max[rows] * high_side, h_max[rows] * high_side
        lo_t[rows] = evaluate(lo_c, lo_c * lo_h, None, None)
        hi_t[rows] = evaluate(hi_c, hi_c * hi_h, None, None)
    open_t = has_points & (lo_t < hi_t)
    spread_c = np.where(open_t, np.maximum(c_max - c_min, 1e-9), 1.0)
    spread_h = np.where(open_t, np.maximum(h_max - h_min, 1e-12), 1.0)
    c_min, h_min = np.where(has_points, c_min, 0.0), np.where(has_points, h_min, 0.0)
    c_max, h_max = np.where(has_points, c_max, 0.0), np.where(has_points, h_max, 0.0)
    # pass 2: the start rectangle of every point of an open interval, and their counts
    bins = start_bins
    per_t = bins * bins
    start_of = np.empty((n_t, n_k), dtype=np.int32)
    counts = np.zeros(n_t * per_t, dtype=np.int64)
    for block in blocks:
        c, w = contacts[block], workload[block]
        valid = (w > 0) & (c > 0)
        uniform = has_points[block] & ~open_t[block]
        if uniform.any():
            net[block][uniform] = np.where(valid[uniform], lo_t[block][uniform][:, None], 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            h = w / np.where(valid, c, 1.0)
            col = np.minimum(bins * (c - c_min[block, None]) / spread_c[block, None], bins - 1)
            row = np.minimum(bins * (h - h_min[block, None]) / spread_h[block, None], bins - 1)
        local = (np.arange(block.stop - block.start, dtype=np.int32)[:, None] * bins
                 + row.astype(np.int32)) * bins + col.astype(np.int32)
        inside = valid & open_t[block, None]
        local[~inside] = -1
        start_of[block] = local
        counts[block.start * per_t:block.stop * per_t] += np.bincount(
            local[inside], minlength=(block.stop - block.start) * per_t)
    # the start rectangles: bounds, bracket (the interval's corners), corners where > exact_points
    first = np.flatnonzero(counts)
    box_t = first // per_t
    first_col, first_row = first % bins, (first // bins) % bins
    c_lo = c_min[box_t] + first_col * spread_c[box_t] / bins
    c_hi = np.where(first_col == bins - 1, c_max[box_t],
                    c_min[box_t] + (first_col + 1) * spread_c[box_t] / bins)
    h_lo = h_min[box_t] + first_row * spread_h[box_t] / bins
    h_hi = np.where(first_row == bins - 1, h_max[box_t],
                    h_min[box_t] + (first_row + 1) * spread_h[box_t] / bins)
    b_lo, b_hi = lo_t[box_t], hi_t[box_t]

    def corners(boxes: np.ndarray) -> None:
        # evaluate the corners of ``boxes`` inside their bracket, narrowing it to them
        if not boxes.size:
            return
        lo_c, lo_h = c_lo[boxes] * low_side, h_lo[boxes] * low_side
        b_lo[boxes] = evaluate(lo_c, lo_c * lo_h, b_lo[boxes], b_hi[boxes])
        rest = boxes[b_lo[boxes] < b_hi[boxes]]
        if rest.size:
            hi_c, hi_h = c_hi[rest] * high_side, h_hi[rest] * high_side
            b_hi[rest] = evaluate(hi_c, hi_c * hi_h, b_lo[rest], b_hi[rest])

    members = counts[first]
    big = members > exact_points
    corners(np.flatnonzero(big))
    settled = b_lo == b_hi
    by_point = ~settled & ~big
    # pass 3: settled points take their rectangle's value; the rest are evaluated or go on
    renumber = np.full(n_t * per_t, -1, dtype=np.int64)
    renumber[first] = np.arange(first.size)
    point_parts, open_parts = [], []
    for block in blocks:
        local = start_of[block].ravel()
        at = np.flatnonzero(local >= 0)
        box = renumber[local[at] + block.start * per_t]
        at += block.start * n_k
        done = settled[box]
        flat_net[at[done]] = b_lo[box[done]]
        one = by_point[box]
        point_parts.append((at[one], box[one]))
        rest = ~done & ~one
        open_parts.append((at[rest], box[rest]))
    if point_parts:
        at = np.concatenate([p[0] for p in point_parts])
        box = np.concatenate([p[1] for p in point_parts])
        flat_net[at] = evaluate(flat_c[at], flat_w[at], b_lo[box], b_hi[box])
    if not open_parts:
        return net, cells
    pos = np.concatenate([p[0] for p in open_parts])
    box = np.concatenate([p[1] for p in open_parts])
    c_pts = flat_c[pos]
    with np.errstate(invalid="ignore", divide="ignore"):
        h_pts = flat_w[pos] / c_pts
    while pos.size:
        # halve each open rectangle along its wider side (relative to its interval's spread)
        n_boxes = box_t.size
        open_box = np.zeros(n_boxes, dtype=bool)
        open_box[box] = True
        parents = np.flatnonzero(open_box)
        t_p = box_t[parents]
        cut_c = ((c_hi[parents] - c_lo[parents]) / spread_c[t_p]
                 >= (h_hi[parents] - h_lo[parents]) / spread_h[t_p])
        mid = np.where(cut_c, 0.5 * (c_lo[parents] + c_hi[parents]), 0.5 * (h_lo[parents] + h_hi[parents]))
        slot = np.full(n_boxes, -1, dtype=np.int64)
        slot[parents] = np.arange(parents.size)
        p_of = slot[box]
        upper = np.where(cut_c[p_of], c_pts > mid[p_of], h_pts > mid[p_of])
        box = 2 * p_of + upper
        new_c_lo, new_c_hi = np.repeat(c_lo[parents], 2), np.repeat(c_hi[parents], 2)
        new_h_lo, new_h_hi = np.repeat(h_lo[parents], 2), np.repeat(h_hi[parents], 2)
        lower_child, upper_child = np.arange(0, 2 * parents.size, 2), np.arange(1, 2 * parents.size, 2)
        new_c_hi[lower_child] = np.where(cut_c, mid, c_hi[parents])
        new_c_lo[upper_child] = np.where(cut_c, mid, c_lo[parents])
        new_h_hi[lower_child] = np.where(cut_c, h_hi[parents], mid)
        new_h_lo[upper_child] = np.where(cut_c, h_lo[parents], mid)
        c_lo, c_hi, h_lo, h_hi = new_c_lo, new_c_hi, new_h_lo, new_h_hi
        b_lo, b_hi = np.repeat(b_lo[parents], 2), np.repeat(b_hi[parents], 2)
        box_t = np.repeat(t_p, 2)
        # the children: corners of the big ones, then settle, evaluate or go on
        members = np.bincount(box, minlength=box_t.size)
        big = members > exact_points
        corners(np.flatnonzero(big))
        settled = b_lo == b_hi
        done = settled[box]
        flat_net[pos[done]] = b_lo[box[done]]
        one = (~settled & ~big)[box]
        if one.any():
            at, boxes = pos[one], box[one]
            flat_net[at] = evaluate(flat_c[at], flat_w[at], b_lo[boxes], b_hi[boxes])
        keep = ~done & ~one
        pos, box, c_pts, h_pts = pos[keep], box[keep], c_pts[keep], h_pts[keep]
    return net, cells


def group_cost_per_hour(scenario: Scenario, group: str) -> float:
    """Hourly labour cost of a staffing group, currency units per agent-hour.

    The mean ``cost_per_hour`` of the group's shift templates, else :data:`DEFAULT_COST_PER_HOUR`
    (the labour price the mix search uses).
    """
    templates = scenario.templates_of(group)
    if not templates:
        return DEFAULT_COST_PER_HOUR
    return float(np.mean([t.cost_per_hour for t in templates]))


def _pair_key(scenario: Scenario) -> Callable[[tuple[str, str]], tuple[int, int]]:
    seg_order = {s.name: i for i, s in enumerate(scenario.segments)}
    ch_order = {c.name: i for i, c in enumerate(scenario.channels)}
    return lambda key: (seg_order.get(key[0], 99), ch_order.get(key[1], 99))


def _share_grid(step: float, upper: float, current: float) -> np.ndarray:
    """``{0, step, 2·step, … ≤ upper} ∪ {upper} ∪ {current if ≤ upper}``, sorted, unique."""
    count = math.floor(upper / step + 1e-9)
    values = [round(i * step, 12) for i in range(count + 1)]
    values.append(upper)
    if current <= upper + 1e-12:
        values.append(current)
    return np.unique(np.round(np.asarray(values, dtype=float), 12))


def _build_pairs(scenario: Scenario, containment_drop: float) -> tuple[Scenario, list[_Pair]]:
    """Decision pairs (one per Deflection) and the scenario with containment possibly lowered."""
    settings = scenario.mix
    deflections = list(scenario.deflections)
    if containment_drop:
        from dataclasses import replace

        deflections = [replace(d, containment_rate=max(0.0, d.containment_rate - containment_drop))
                       for d in deflections]
        scenario = scenario.replace(deflections=tuple(deflections))
    offered = scenario.forecast.groupby(["segment", "channel"])["contacts"].sum()
    pairs: list[_Pair] = []
    for d in sorted(deflections, key=lambda d: _pair_key(scenario)((d.segment, d.channel))):
        segment = scenario.segment(d.segment)
        cap = segment.max_self_service_share
        upper = cap
        excluded = ""
        if settings.min_human_share is not None and 1.0 - settings.min_human_share < upper:
            upper = max(0.0, 1.0 - settings.min_human_share)
            excluded = f"min human share {settings.min_human_share:.0%} limits it to {upper:.0%}"
        escalation_rate = 1.0 - d.containment_rate
        max_rate = settings.max_escalation_rate
        if max_rate is not None and escalation_rate > max_rate + 1e-12:
            upper = 0.0
            excluded = (f"its bot escalates {escalation_rate:.0%} of attempts, above the "
                        f"{settings.max_escalation_rate:.0%} maximum")
        grid = _share_grid(settings.grid_step, upper, d.self_service_share)
        pairs.append(_Pair(
            segment=d.segment, channel=d.channel, deflection=d,
            offered=float(offered.get((d.segment, d.channel), 0.0)),
            current=d.self_service_share, cap=cap, upper=upper, grid=grid, excluded_reason=excluded,
            prefers_human=segment.prefers_human_share,
            automation_per_attempt=d.automation_cost_per_attempt,
            experience_per_attempt=segment.prefers_human_share
            * settings.experience_cost_per_unwanted_contact,
        ))
    return scenario, pairs


_KEYS = ["interval_start", "channel", "segment"]


def _live(scenario: Scenario, shares: Mapping[tuple[str, str], float]) -> pd.DataFrame:
    from planner import demand

    return demand.live_demand(scenario, self_service_shares=dict(shares))


def _requirements(scenario: Scenario, live: pd.DataFrame) -> pd.DataFrame:
    from planner import staffing

    return staffing.requirements(scenario, live)


def _build_model(scenario: Scenario, containment_drop: float = 0.0) -> _Model:
    """Affine demand basis per group from ``1 + n_pairs`` calls of ``demand.live_demand``.

    ``live_demand`` is affine in the shares (attempts = s·offered; contained, escalated and direct
    contacts are fixed fractions of the attempts), so live contacts and workload of any share
    vector are ``base + Σ s_p · Δ_p`` — ``tests/test_mix.py`` checks this against direct calls.
    """
    scenario, pairs = _build_pairs(scenario, containment_drop)
    zero = {(p.segment, p.channel): 0.0 for p in pairs}
    base = _live(scenario, zero).set_index(_KEYS)
    group_of_row = np.array([scenario.group_of(ch, seg).name
                             for ch, seg in zip(base.index.get_level_values("channel"),
                                                base.index.get_level_values("segment"), strict=True)])
    intervals = scenario.settings.interval_starts()
    interval_hours = scenario.settings.interval_minutes / 60.0
    row_interval = intervals.get_indexer(base.index.get_level_values("interval_start"))

    def per_group(values: np.ndarray, name: str) -> np.ndarray:
        mask = group_of_row == name
        out = np.zeros(len(intervals))
        np.add.at(out, row_interval[mask], values[mask])
        return out

    groups: list[_Group] = []
    for g in scenario.staffing_groups:
        groups.append(_Group(
            name=g.name, kind=scenario.channel(g.channel).kind,
            cost_per_interval=group_cost_per_hour(scenario, g.name) * interval_hours,
            base_contacts=per_group(base["live_contacts"].to_numpy(float), g.name),
            base_workload=per_group(base["live_workload_erlangs"].to_numpy(float), g.name),
        ))
    for pi, p in enumerate(pairs):
        top = float(p.grid.max())
        if top <= 0.0 or p.offered <= 0.0:
            continue
        shares = dict(zero)
        shares[(p.segment, p.channel)] = top
        try:
            frame = _live(scenario, shares).set_index(_KEYS).reindex(base.index).fillna(0.0)
        except InputError:
            # e.g. escalations reaching a closed voice/chat channel: any share > 0 is invalid
            p.grid = np.array([0.0])
            p.upper = 0.0
            d = p.deflection
            p.excluded_reason = (f"self-service is not possible: its escalations would reach "
                                 f"{d.escalation_channel} while that channel is closed")
            continue
        dc = (frame["live_contacts"].to_numpy(float) - base["live_contacts"].to_numpy(float)) / top
        dw = (frame["live_workload_erlangs"].to_numpy(float)
              - base["live_workload_erlangs"].to_numpy(float)) / top
        for group in groups:
            gc, gw = per_group(dc, group.name), per_group(dw, group.name)
            if np.any(np.abs(gc) > 1e-12) or np.any(np.abs(gw) > 1e-12):
                group.d_contacts[pi], group.d_workload[pi] = gc, gw
    curve = _staffing_curve(scenario, scenario.settings.interval_starts())
    return _Model(scenario=scenario, pairs=pairs, groups=groups, staffing=curve)


def _staffing_curve(scenario: Scenario, intervals: pd.DatetimeIndex) -> _Staffing:
    """Vectorised ``required_scheduled`` of one group for (K, T) contacts and workload.

    The same steps as :func:`planner.staffing.requirements` on pooled group arrays, through the
    same public functions: AHT = workload × interval seconds / contacts (workload-weighted);
    voice/chat net agents from :func:`planner.queueing.required_agents` where load > 0;
    email from :func:`planner.staffing.deferred_staffing`; scheduled = net / (1 − shrinkage)
    with :func:`planner.staffing.shrinkage_matrix`; ``ceil(scheduled − 1e-9)``. A test checks
    the result equals ``requirements`` row by row. Also returns whether the contact-weighted
    service level of the group meets ``MixSettings.min_service_level`` (always True without it).
    """
    from planner import queueing, staffing
    from planner.demand import open_mask

    settings = scenario.settings
    interval_seconds = settings.interval_minutes * 60.0
    min_sl = scenario.mix.min_service_level
    channel_pos = {c.name: i for i, c in enumerate(scenario.channels)}
    shrink = staffing.shrinkage_matrix(scenario)
    by_group = {g.name: g for g in scenario.staffing_groups}

    def curve(group: str, contacts: np.ndarray, workload: np.ndarray, bound: bool = False
              ) -> tuple[np.ndarray, np.ndarray]:
        channel = scenario.channel(by_group[group].channel)
        factor = 1.0 - shrink[:, channel_pos[channel.name]]
        k = contacts.shape[0]
        ok = np.ones(k, dtype=bool)
        net = np.zeros(contacts.shape, dtype=np.int64)
        if channel.kind == "email":
            is_open = open_mask(channel, intervals)
            net[:] = deferred_net_agents(workload * interval_seconds, is_open,
                                         float(channel.response_hours or 0.0),
                                         settings.interval_minutes, channel.max_occupancy)
        else:
            busy = workload > 0
            if busy.any():
                load = workload[busy]
                aht = load * interval_seconds / np.where(contacts[busy] > 0, contacts[busy], 1.0)
                net[busy] = np.asarray(queueing.required_agents(
                    load, aht, channel.service_level, channel.answer_seconds,
                    max_occupancy=channel.max_occupancy, max_asa_seconds=channel.max_asa_seconds,
                    patience_seconds=channel.patience_seconds, max_abandon=channel.max_abandon,
                    concurrency=channel.concurrency, definition=channel.service_level_definition,
                ), dtype=np.int64)
                if min_sl is not None and channel.answer_seconds is not None:
                    kpis = staffing.queue_kpis(net[busy], load, aht, channel.answer_seconds,
                                               channel.patience_seconds, concurrency=channel.concurrency,
                                               definition=channel.service_level_definition)
                    sl = np.zeros(contacts.shape)
                    sl[busy] = np.nan_to_num(np.asarray(kpis["service_level"], dtype=float), nan=1.0)
                    weight = np.where(busy, contacts, 0.0)
                    total = weight.sum(axis=1)
                    mean = np.where(total > 0, (sl * weight).sum(axis=1) / np.where(total > 0, total, 1.0),
                                    1.0)
                    ok = mean >= min_sl - 1e-12
        if bound and channel.kind == "email":
            # Σ ceil(n_t / (1 − s_t)) ≥ Σ n_t / (1 − min s): the deferred rule's *total* is minimal
            # and feasibility is monotone in workload, but its per-interval agents are not.
            return net / factor.max(), ok
        required = np.ceil(net / factor[None, :] - 1e-9)
        return required, ok

    def net(group: str, contacts: np.ndarray, workload: np.ndarray,
            bracket: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
        # net agents of a voice/chat group for single cells (contacts[i], workload[i]), as ``curve``
        channel = scenario.channel(by_group[group].channel)
        agents = np.zeros(contacts.size, dtype=np.int64)
        busy = workload > 0
        if busy.any():
            load = workload[busy]
            aht = load * interval_seconds / np.where(contacts[busy] > 0, contacts[busy], 1.0)
            agents[busy] = np.asarray(queueing.required_agents(
                load, aht, channel.service_level, channel.answer_seconds,
                max_occupancy=channel.max_occupancy, max_asa_seconds=channel.max_asa_seconds,
                patience_seconds=channel.patience_seconds, max_abandon=channel.max_abandon,
                concurrency=channel.concurrency, definition=channel.service_level_definition,
                bracket=None if bracket is None else (bracket[0][busy], bracket[1][busy]),
            ), dtype=np.int64)
        return agents

    def factor(group: str) -> np.ndarray:
        return 1.0 - shrink[:, channel_pos[by_group[group].channel]]

    return _Staffing(rows=curve, net=net, factor=factor)


def deferred_net_agents(workload_seconds: np.ndarray, is_open: np.ndarray, response_hours: float,
                        interval_minutes: int, max_occupancy: float = 1.0) -> np.ndarray:
    """``net_agents`` of :func:`planner.staffing.deferred_staffing` (the level rule) for many rows.

    Parameters
    ----------
    workload_seconds : numpy.ndarray, shape (K, T)
        Work arriving per interval, agent-seconds, one row per share combination.
    is_open : numpy.ndarray of bool, shape (T,)
        Intervals in which agents may work (the same for every row).
    response_hours, interval_minutes, max_occupancy
        As in :func:`planner.staffing.deferred_staffing`.

    Returns
    -------
    numpy.ndarray of int64, shape (K, T)
        Row *k* equals ``deferred_staffing(workload_seconds[k], …)["net_agents"]``: the same least
        peak (bisection on the same done-curve check) and the same interval-by-interval levelling
        (Yao, Demers & Shenker 1995), with the same floating-point operations — only run for all
        rows at once, the interval loop outside and the rows inside (``tests/test_mix.py`` checks
        the equality row by row).
    """
    from planner.staffing import due_intervals

    work = np.atleast_2d(np.asarray(workload_seconds, dtype=float))
    k, n_t = work.shape
    if n_t == 0 or k == 0:
        return np.zeros((k, n_t), dtype=np.int64)
    opened = np.asarray(is_open, dtype=bool)
    cap = interval_minutes * 60.0 * max_occupancy
    due = due_intervals(opened, response_hours, interval_minutes)
    arrived = np.cumsum(work, axis=1)
    due_work = np.cumsum(np.stack([np.bincount(due, weights=row, minlength=n_t + 1)[:n_t] for row in work]),
                         axis=1)
    tolerance = 1e-9 * np.maximum(1.0, arrived[:, -1])
    # least peak: bisection on the done curve, every row at once (staffing.least_peak)
    opened_f = opened.astype(float)
    peak = np.zeros(k, dtype=np.int64)
    todo = due_work[:, -1] > tolerance
    low = np.zeros(k, dtype=np.int64)
    high = np.maximum(1, np.ceil(arrived[:, -1] / cap)).astype(np.int64)
    active = np.flatnonzero(todo & (high - low > 1))
    while active.size:
        middle = (low[active] + high[active]) // 2
        capacity = middle[:, None] * cap * opened_f[None, :]
        cumulative = np.cumsum(capacity, axis=1)
        done = cumulative + np.minimum(np.minimum.accumulate(arrived[active] - cumulative, axis=1), 0.0)
        ok = (done >= due_work[active] - tolerance[active][:, None]).all(axis=1)
        high[active[ok]] = middle[ok]
        low[active[~ok]] = middle[~ok]
        active = active[high[active] - low[active] > 1]
    peak[todo] = high[todo]
    # the levelled rule (staffing._level), interval by interval for every row
    open_count = np.cumsum(opened)
    slope = peak[:, None] * cap * open_count[None, :]
    must = slope + np.maximum.accumulate((due_work - slope)[:, ::-1], axis=1)[:, ::-1]
    window_end = np.minimum(due, n_t - 1)
    open_before = np.concatenate(([0], open_count[:-1]))
    agents = np.zeros((k, n_t), dtype=np.int64)
    previous = np.zeros(k)
    peak_f = peak.astype(float)
    for t in range(n_t):
        if not opened[t]:
            continue
        on_hand = arrived[:, t] - previous
        rows = np.flatnonzero(on_hand > tolerance)
        if not rows.size:
            continue
        end = int(window_end[t]) + 1
        before = previous[rows]
        ahead = ((due_work[rows, t:end] - before[:, None]) / (open_count[t:end] - open_before[t])).max(axis=1)
        need = np.maximum(ahead, must[rows, t] - before)
        rate = np.minimum(need, on_hand[rows]) / cap
        staffed = rate * cap > tolerance[rows]
        rows, rate, before = rows[staffed], rate[staffed], before[staffed]
        count = np.minimum(np.ceil(rate - 1e-9), peak_f[rows])
        agents[rows, t] = count.astype(np.int64)
        previous[rows] = np.minimum(arrived[rows, t], before + count * cap)
    return agents


@dataclass(frozen=True)
class _Staffing:
    """The group staffing curve over (K combinations, T intervals) arrays."""

    rows: Callable[[str, np.ndarray, np.ndarray, bool], tuple[np.ndarray, np.ndarray]]
    net: Callable[..., np.ndarray]
    factor: Callable[[str], np.ndarray]


# ---------------------------------------------------------------------------------------------
# exact search on the grid


@dataclass
class _Point:
    """One combination of a component: grid indices of its pairs and its costs."""

    total: float
    spend: float
    distance: float
    index: tuple[int, ...]


def _components(model: _Model) -> list[tuple[list[int], list[int]]]:
    """Independent (pairs, groups) components: union–find over groups a pair loads."""
    free = [pi for pi, p in enumerate(model.pairs) if p.grid.size > 1]
    parent = {pi: pi for pi in free}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for group in model.groups:
        scope = [pi for pi in group.scope if pi in parent]
        for a, b in itertools.pairwise(scope):
            parent[find(a)] = find(b)
    members: dict[int, list[int]] = {}
    for pi in free:
        members.setdefault(find(pi), []).append(pi)
    components = []
    for pairs in members.values():
        groups = [gi for gi, g in enumerate(model.groups) if set(g.scope) & set(pairs)]
        components.append((sorted(pairs), groups))
    return sorted(components, key=lambda c: c[0][0])


def _pareto(points: list[_Point], with_budget: bool) -> list[_Point]:
    """Minimum-total point (ties → nearest to current); with a budget, the (total, spend) front."""
    if not points:
        return []
    ranked = sorted(points, key=lambda p: (p.total, p.distance))
    if not with_budget:
        best = ranked[0]
        ties = [p for p in ranked if p.total <= best.total + _TIE * max(1.0, abs(best.total))]
        return [min(ties, key=lambda p: p.distance)]
    front: list[_Point] = []
    lowest_spend = math.inf
    for p in ranked:
        slack = _TIE * max(1.0, abs(lowest_spend)) if math.isfinite(lowest_spend) else 0.0
        if p.spend < lowest_spend - slack:
            front.append(p)
            lowest_spend = p.spend
    return front


def _enumerate(model: _Model, pairs: list[int], groups: list[int], with_budget: bool) -> list[_Point]:
    """Every combination of the component, by summing per-group tables (broadcast)."""
    sizes = [model.pairs[pi].grid.size for pi in pairs]
    total = np.zeros(sizes)
    spend = np.zeros(sizes)
    feasible = np.ones(sizes, dtype=bool)
    for gi in groups:
        scope = model.groups[gi].scope
        axes = [pairs.index(pi) for pi in scope]
        table = model.table(gi)
        if table is None:
            grids = [model.pairs[pi].grid for pi in scope]
            combos = np.array(list(itertools.product(*grids)), dtype=float).reshape(-1, len(scope))
            table = model.group_values(gi, combos)
        labour, ok = table
        table_shape = [sizes[a] if a in axes else 1 for a in range(len(pairs))]
        total += labour.reshape(table_shape)
        spend += labour.reshape(table_shape)
        feasible &= ok.reshape(table_shape)
    distance = np.zeros(sizes)
    for axis, pi in enumerate(pairs):
        pair = model.pairs[pi]
        automation, experience = pair.linear_cost(pair.grid)
        shape = [1] * len(pairs)
        shape[axis] = sizes[axis]
        total += (automation + experience).reshape(shape)
        spend += automation.reshape(shape)
        distance += np.abs(pair.grid - pair.current).reshape(shape)
    total = np.where(feasible, total, np.inf)
    candidates = np.flatnonzero(np.isfinite(total.ravel()))
    if not with_budget:
        if candidates.size == 0:
            return []
        flat_total = total.ravel()
        best = flat_total[candidates].min()
        ties = candidates[flat_total[candidates] <= best + _TIE * max(1.0, abs(best))]
        chosen = ties[np.argmin(distance.ravel()[ties])]
        candidates = np.array([chosen])
    else:  # (total, spend) front: sort by total, keep each point that lowers the spend
        order = candidates[np.lexsort((distance.ravel()[candidates], total.ravel()[candidates]))]
        spend_sorted = spend.ravel()[order]
        running = np.minimum.accumulate(spend_sorted)
        keep = np.ones(order.size, dtype=bool)
        keep[1:] = spend_sorted[1:] < running[:-1]
        candidates = order[keep]
    points = [_Point(float(total.ravel()[c]), float(spend.ravel()[c]), float(distance.ravel()[c]),
                     tuple(int(i) for i in np.unravel_index(c, sizes))) for c in candidates]
    return _pareto(points, with_budget)


def _branch_and_bound(model: _Model, pairs: list[int], groups: list[int], with_budget: bool,
                      incumbent: list[_Point], deadline: float = math.inf
                      ) -> tuple[list[_Point], bool]:
    """Depth-first branch-and-bound over the component's grid (exact; see module docstring).

    Returns the best points found and whether the search completed before ``deadline``
    (``time.perf_counter()`` value); an incomplete search is reported as not proved optimal.

    Children of a node are bounded together in one vectorised call per affected group; a group
    whose pairs are untouched by the branching pair keeps its parent's bound.
    """
    impact = {pi: float(sum(np.abs(model.groups[gi].d_workload.get(pi, 0.0)).sum() for gi in groups))
              for pi in pairs}
    order = sorted(pairs, key=lambda pi: -impact[pi])
    position = {pi: k for k, pi in enumerate(order)}
    grids = [model.pairs[pi].grid for pi in order]
    n = len(order)
    lows = np.array([g.min() for g in grids])
    highs = np.array([g.max() for g in grids])
    linear = [model.pairs[pi].linear_cost(g) for pi, g in zip(order, grids, strict=True)]
    linear_total = [a + e for a, e in linear]
    currents = [model.pairs[pi].current for pi in order]
    scope_pos = {gi: [position[pi] for pi in model.groups[gi].scope] for gi in groups}
    # the incumbent comes in the component's pair order; the archive works in branching order
    archive = [_Point(p.total, p.spend, p.distance,
                      tuple(p.index[pairs.index(pi)] for pi in order)) for p in incumbent]

    def dominated(total_lb: float, spend_lb: float) -> bool:
        for p in archive:
            if with_budget:
                if p.total <= total_lb + _TIE * max(1.0, abs(p.total)) and p.spend <= spend_lb:
                    return True
            elif p.total < total_lb - _TIE * max(1.0, abs(p.total)):
                return True
        return False

    def add(point: _Point) -> None:
        nonlocal archive
        archive = _pareto([*archive, point], with_budget)

    root_bounds: dict[int, float] = {}
    for gi in groups:
        cols = scope_pos[gi]
        lab, _ = model.group_values(gi, np.empty((1, 0)), bound=(lows[cols][None, :], highs[cols][None, :]))
        root_bounds[gi] = float(lab[0])
    stack: list[tuple[tuple[int, ...], dict[int, float]]] = [((), root_bounds)]
    complete = True
    while stack:
        if time.perf_counter() > deadline:
            complete = False
            break
        prefix, parent_bounds = stack.pop()
        depth = len(prefix)
        values = grids[depth]
        m = values.size
        lo = np.tile(lows, (m, 1))
        hi = np.tile(highs, (m, 1))
        for j, idx in enumerate(prefix):
            lo[:, j] = hi[:, j] = grids[j][idx]
        lo[:, depth] = hi[:, depth] = values
        labour_lb = np.zeros(m)
        ok = np.ones(m, dtype=bool)
        child_bounds = [dict(parent_bounds) for _ in range(m)]
        leaf = depth == n - 1
        for gi in groups:
            cols = scope_pos[gi]
            if leaf:
                lab, sl_ok = model.group_values(gi, lo[:, cols])
                labour_lb += lab
                ok &= sl_ok
            elif depth in cols:
                lab, _ = model.group_values(gi, np.empty((m, 0)), bound=(lo[:, cols], hi[:, cols]))
                for c in range(m):
                    child_bounds[c][gi] = float(lab[c])
                labour_lb += lab
            else:
                labour_lb += parent_bounds[gi]
        fixed_linear = sum(linear_total[j][idx] for j, idx in enumerate(prefix))
        fixed_auto = sum(linear[j][0][idx] for j, idx in enumerate(prefix))
        free_linear = sum(linear_total[j].min() for j in range(depth + 1, n))
        free_auto = sum(linear[j][0].min() for j in range(depth + 1, n))
        total_lb = labour_lb + fixed_linear + linear_total[depth] + free_linear
        spend_lb = labour_lb + fixed_auto + linear[depth][0] + free_auto
        dist_prefix = sum(abs(grids[j][idx] - currents[j]) for j, idx in enumerate(prefix))
        if leaf:
            for c in range(m):
                if not ok[c] or dominated(float(total_lb[c]), float(spend_lb[c])):
                    continue
                index = (*prefix, c)
                add(_Point(float(total_lb[c]), float(spend_lb[c]),
                           dist_prefix + abs(values[c] - currents[depth]), index))
            continue
        ranked = sorted(range(m), key=lambda c: (total_lb[c], abs(values[c] - currents[depth])),
                        reverse=True)
        for c in ranked:
            if not dominated(float(total_lb[c]), float(spend_lb[c])):
                stack.append(((*prefix, c), child_bounds[c]))
    # map back from branching order to the component's pair order
    result = []
    for p in archive:
        by_pair = {order[j]: idx for j, idx in enumerate(p.index)}
        result.append(_Point(p.total, p.spend, p.distance, tuple(by_pair[pi] for pi in pairs)))
    return result, complete


def _coordinate_descent(model: _Model, pairs: list[int], groups: list[int]) -> _Point | None:
    """A quick feasible incumbent for branch-and-bound: best single-pair moves from current."""
    index = [int(np.argmin(np.abs(model.pairs[pi].grid - model.pairs[pi].current))) for pi in pairs]

    def evaluate(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        total = np.zeros(rows.shape[0])
        spend = np.zeros(rows.shape[0])
        ok = np.ones(rows.shape[0], dtype=bool)
        for gi in groups:
            cols = [pairs.index(pi) for pi in model.groups[gi].scope]
            lab, sl_ok = model.group_values(gi, rows[:, cols])
            total += lab
            spend += lab
            ok &= sl_ok
        for j, pi in enumerate(pairs):
            automation, experience = model.pairs[pi].linear_cost(rows[:, j])
            total += automation + experience
            spend += automation
        return total, spend, ok

    best: _Point | None = None
    for _ in range(3):
        improved = False
        for j, pi in enumerate(pairs):
            grid = model.pairs[pi].grid
            rows = np.tile([model.pairs[q].grid[i] for q, i in zip(pairs, index, strict=True)],
                           (grid.size, 1))
            rows[:, j] = grid
            total, spend, ok = evaluate(rows)
            total = np.where(ok, total, np.inf)
            c = int(np.argmin(total))
            better = best is None or total[c] < best.total - _TIE * max(1.0, best.total)
            if np.isfinite(total[c]) and better:
                index[j] = c
                distance = sum(abs(model.pairs[q].grid[i] - model.pairs[q].current)
                               for q, i in zip(pairs, index, strict=True))
                best = _Point(float(total[c]), float(spend[c]), float(distance), tuple(index))
                improved = True
        if not improved:
            break
    return best


def _search(model: _Model, progress: Progress | None = None
            ) -> tuple[dict[int, float], bool, int, bool]:
    """Grid-optimal shares per pair index.

    Returns (shares, feasible, number of components, proved): ``proved`` is False only when a
    branch-and-bound hit :data:`BRANCH_TIME_LIMIT_SECONDS` (the best found is returned).
    """
    proved = True
    settings = model.scenario.mix
    with_budget = settings.budget is not None
    components = _components(model)
    shares = {pi: float(p.grid[np.argmin(np.abs(p.grid - p.current))]) for pi, p in enumerate(model.pairs)}
    # labour of groups no free pair loads, and costs of pairs fixed at one grid value
    fixed_pairs = [pi for pi, p in enumerate(model.pairs) if p.grid.size <= 1]
    touched = {gi for _, gs in components for gi in gs}
    const_spend = 0.0
    const_ok = True
    for gi, group in enumerate(model.groups):
        if gi in touched:
            continue
        cols = np.array([[shares[pi] for pi in group.scope]], dtype=float).reshape(1, -1)
        lab, ok = model.group_values(gi, cols)
        const_spend += float(lab[0])
        const_ok &= bool(ok[0])
    for pi in fixed_pairs:
        automation, _ = model.pairs[pi].linear_cost(np.array([shares[pi]]))
        const_spend += float(automation[0])
    fronts: list[list[_Point]] = []
    for k, (pairs, groups) in enumerate(components):
        if progress is not None:
            progress(k / max(1, len(components)), f"mix: component {k + 1} of {len(components)}")
        size = math.prod(model.pairs[pi].grid.size for pi in pairs)
        tables = (SEARCH_METHOD != "branch" and size <= ENUM_COMBINATION_LIMIT
                  and all(model.table(gi) is not None for gi in groups))
        if tables:
            front = _enumerate(model, pairs, groups, with_budget)
        else:
            start = _coordinate_descent(model, pairs, groups)
            front, complete = _branch_and_bound(model, pairs, groups, with_budget,
                                                [start] if start else [],
                                                time.perf_counter() + BRANCH_TIME_LIMIT_SECONDS)
            proved &= complete
        if not front:
            return shares, False, len(components), proved
        fronts.append([_Point(p.total, p.spend, p.distance, tuple(zip(pairs, p.index, strict=True)))
                       for p in front])
    merged = [_Point(0.0, const_spend, 0.0, ())]
    for front in fronts:
        merged = _pareto([_Point(a.total + b.total, a.spend + b.spend, a.distance + b.distance,
                                 a.index + b.index) for a in merged for b in front], with_budget)
    if with_budget:
        merged = [p for p in merged if p.spend <= settings.budget * (1 + 1e-12)]
    if not merged or not const_ok:
        return shares, False, len(components), proved
    best = _pareto(merged, False)[0]
    for pi, idx in best.index:
        shares[pi] = float(model.pairs[pi].grid[idx])
    return shares, True, len(components), proved


# ---------------------------------------------------------------------------------------------
# exact costs of one share vector through the real pipeline (live_demand → requirements)


@dataclass(frozen=True)
class _Breakdown:
    rows: pd.DataFrame  # per (segment, channel): demand counts, labour, agent-hours
    labour_total: float


def _breakdown(scenario: Scenario, shares: Mapping[tuple[str, str], float]) -> _Breakdown:
    """Per-(segment, channel) demand and attributed pooled labour for ``shares``.

    The pooled ``required_scheduled`` of a group in an interval is split over the group's live
    rows in proportion to their workload (evenly when the group has no workload then), so the
    pair labour adds up to the group labour exactly.
    """
    live = _live(scenario, shares)
    requirements = _requirements(scenario, live)
    interval_hours = scenario.settings.interval_minutes / 60.0
    live = live.assign(group=[scenario.group_of(c, s).name
                              for c, s in zip(live["channel"], live["segment"], strict=True)])
    req = requirements[["interval_start", "group", "required_scheduled"]].copy()
    req["cost_per_hour"] = [group_cost_per_hour(scenario, g) for g in req["group"]]
    merged = live.merge(req, on=["interval_start", "group"], how="left")
    merged["required_scheduled"] = merged["required_scheduled"].fillna(0.0)
    key = [merged["interval_start"], merged["group"]]
    group_workload = merged.groupby(key)["live_workload_erlangs"].transform("sum")
    group_rows = merged.groupby(key)["live_workload_erlangs"].transform("size")
    weight = np.where(group_workload > 0,
                      merged["live_workload_erlangs"] / group_workload.where(group_workload > 0, 1.0),
                      1.0 / group_rows)
    merged["agent_hours"] = merged["required_scheduled"].to_numpy(float) * weight * interval_hours
    merged["labour_cost"] = merged["agent_hours"] * merged["cost_per_hour"]
    rows = merged.groupby(["segment", "channel"], sort=False)[
        ["offered", "self_service_attempts", "contained", "escalated_out", "live_contacts",
         "agent_hours", "labour_cost"]].sum()
    labour_total = float((req["required_scheduled"] * req["cost_per_hour"]).sum() * interval_hours)
    return _Breakdown(rows=rows, labour_total=labour_total)


def _shares_by_key(model: _Model, shares: Mapping[int, float]) -> dict[tuple[str, str], float]:
    return {(model.pairs[pi].segment, model.pairs[pi].channel): float(s) for pi, s in shares.items()}


def _frontier(model: _Model, shares: Mapping[int, float]) -> pd.DataFrame:
    """Whole-scenario costs as one pair moves over its grid, the others at ``shares``."""
    records = []
    base = np.array([shares[pi] for pi in range(len(model.pairs))], dtype=float)
    for pi, pair in enumerate(model.pairs):
        rows = np.tile(base, (pair.grid.size, 1))
        rows[:, pi] = pair.grid
        labour = np.zeros(pair.grid.size)
        ok = np.ones(pair.grid.size, dtype=bool)
        for gi, group in enumerate(model.groups):
            lab, sl_ok = model.group_values(gi, rows[:, group.scope])
            labour += lab
            ok &= sl_ok
        automation = np.zeros(pair.grid.size)
        experience = np.zeros(pair.grid.size)
        for qj, other in enumerate(model.pairs):
            a, e = other.linear_cost(rows[:, qj])
            automation += a
            experience += e
        if model.scenario.mix.budget is not None:
            ok &= labour + automation <= model.scenario.mix.budget * (1 + 1e-12)
        for k, share in enumerate(pair.grid):
            records.append({
                "segment": pair.segment, "channel": pair.channel, "share": float(share),
                "labour_cost": float(labour[k]), "automation_cost": float(automation[k]),
                "experience_cost": float(experience[k]),
                "total_cost": float(labour[k] + automation[k] + experience[k]),
                "feasible": bool(ok[k]),
            })
    return pd.DataFrame.from_records(records, columns=list(FRONTIER_COLUMNS))


def _pct(share: float) -> str:
    return f"{share * 100:.0f}%" if abs(share * 100 - round(share * 100)) < 1e-6 else f"{share * 100:.1f}%"


def _reason(pair: _Pair, recommended: float, frontier: pd.DataFrame, feasible: bool) -> str:
    """One plain-language line: what happens to the pair and which cost decides it."""
    name = f"{pair.segment} {pair.channel}"
    if abs(recommended - pair.current) < 1e-9:
        verb = f"kept at {_pct(recommended)}"
    elif recommended > pair.current:
        verb = f"raised from {_pct(pair.current)} to {_pct(recommended)}"
    else:
        verb = f"lowered from {_pct(pair.current)} to {_pct(recommended)}"
    if not feasible:
        return f"{name}: {verb} — no combination on the grid meets the constraints"
    if pair.offered <= 0:
        return f"{name}: {verb} — no forecast contacts"
    if pair.grid.size <= 1 and pair.excluded_reason:
        return f"{name}: {verb} — {pair.excluded_reason}"
    rows = frontier[(frontier["segment"] == pair.segment) & (frontier["channel"] == pair.channel)]
    rows = rows.sort_values("share").reset_index(drop=True)
    at = int(np.argmin(np.abs(rows["share"].to_numpy() - recommended)))
    here = rows.iloc[at]
    if at == len(rows) - 1:
        limit = ("the segment's cap" if abs(pair.upper - pair.cap) < 1e-12 else pair.excluded_reason)
        if at == 0:
            return f"{name}: {verb} — {limit}"
        below = rows.iloc[at - 1]
        saving = below["labour_cost"] - here["labour_cost"]
        extra = (here["automation_cost"] + here["experience_cost"]
                 - below["automation_cost"] - below["experience_cost"])
        return (f"{name}: {verb} ({limit}) — labour saving of the last step ({saving:,.0f}) exceeds "
                f"its automation and preference cost ({extra:,.0f})")
    above = rows.iloc[at + 1]
    if not bool(above["feasible"]):
        return f"{name}: {verb} — a higher share breaks the service-level floor or the budget"
    saving = here["labour_cost"] - above["labour_cost"]
    preference = above["experience_cost"] - here["experience_cost"]
    if saving < 0:
        return f"{name}: {verb} — more self-service adds escalation workload instead of saving labour"
    if saving == 0:
        return (f"{name}: {verb} — a further step saves no agent-hours (staffing moves in whole "
                "agents) but costs automation and preference")
    automation = above["automation_cost"] - here["automation_cost"]
    if preference >= saving:
        return f"{name}: {verb} — preference cost exceeds labour saving"
    if automation >= saving:
        return f"{name}: {verb} — automation cost exceeds labour saving"
    return f"{name}: {verb} — automation and preference cost together exceed labour saving"


# ---------------------------------------------------------------------------------------------
# public


def recommend_mix(scenario: Scenario, progress: Progress | None = None) -> MixResult:
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
    model = _build_model(scenario)
    shares, feasible, n_components, complete = _search(
        model, lambda f, m: report(0.1 + 0.5 * f, m))
    proved = feasible and complete
    if not feasible:
        shares = {pi: p.current for pi, p in enumerate(model.pairs)}
    report(0.6, "mix: sensitivity (containment 10 points lower)")
    low_model = _build_model(scenario, SENSITIVITY_CONTAINMENT_DROP)
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
        message = (f"the branch-and-bound stopped at its {BRANCH_TIME_LIMIT_SECONDS:g} s limit: the "
                   "best combination found is shown, not proved the grid minimum")
    else:
        message = ""
    report(1.0, "mix: done")
    return MixResult(pairs=pairs_frame, frontier=frontier, sensitivity=sensitivity, summary=summary,
                     reasons=reasons, status=status, message=message)


def _pair_table(scenario: Scenario, model: _Model, shares: Mapping[int, float], now: _Breakdown,
                best: _Breakdown, frontier: pd.DataFrame, feasible: bool
                ) -> tuple[pd.DataFrame, list[str]]:
    """The ``pairs`` frame and the reasons, from the two exact breakdowns."""
    weeks = scenario.settings.days / 7.0
    fte_hours = FTE_HOURS_PER_WEEK * weeks
    by_key = {(p.segment, p.channel): (pi, p) for pi, p in enumerate(model.pairs)}
    keys = set(by_key)
    for frame in (now.rows, best.rows):
        active = frame[(frame["offered"] > 0) | (frame["live_contacts"] > 0) | (frame["labour_cost"] > 0)]
        keys |= set(active.index)
    segments = {s.name: s for s in scenario.segments}
    records = []
    reasons = []
    for key in sorted(keys, key=_pair_key(scenario)):
        segment, channel = key
        a = now.rows.loc[key] if key in now.rows.index else None
        b = best.rows.loc[key] if key in best.rows.index else None

        def value(row: pd.Series | None, name: str) -> float:
            return 0.0 if row is None else float(row[name])

        ph = segments[segment].prefers_human_share
        price = scenario.mix.experience_cost_per_unwanted_contact
        if key in by_key:
            pi, pair = by_key[key]
            cap, cur, rec = pair.cap, pair.current, float(shares[pi])
            containment = pair.deflection.containment_rate
            cost_attempt = pair.automation_per_attempt
            reason = _reason(pair, rec, frontier, feasible)
        else:
            cap = cur = rec = 0.0
            containment = float("nan")
            cost_attempt = 0.0
            reason = f"{segment} {channel}: kept at 0% — no self-service is configured for this pair"
        attempts_now, attempts = value(a, "self_service_attempts"), value(b, "self_service_attempts")
        offered = value(b, "offered")
        labour_now, labour = value(a, "labour_cost"), value(b, "labour_cost")
        auto_now, auto = attempts_now * cost_attempt, attempts * cost_attempt
        exp_now, exp = attempts_now * ph * price, attempts * ph * price
        records.append({
            "segment": segment, "channel": channel, "cap": cap, "current_share": cur,
            "recommended_share": rec, "containment_rate": containment, "attempts": attempts,
            "contained": value(b, "contained"),
            "net_deflection": value(b, "contained") / offered if offered > 0 else 0.0,
            "escalations": value(b, "escalated_out"), "live_contacts": value(b, "live_contacts"),
            "human_fte_current": value(a, "agent_hours") / fte_hours,
            "human_fte_recommended": value(b, "agent_hours") / fte_hours,
            "labour_cost_current": labour_now, "labour_cost_recommended": labour,
            "automation_cost_current": auto_now, "automation_cost_recommended": auto,
            "experience_cost_current": exp_now, "experience_cost_recommended": exp,
            "total_cost_current": labour_now + auto_now + exp_now,
            "total_cost_recommended": labour + auto + exp,
            "experience_risk": rec * ph, "reason": reason,
        })
        reasons.append(reason)
    return pd.DataFrame.from_records(records, columns=list(PAIR_COLUMNS)), reasons
