"""The mix model of one scenario: decision pairs, their share grids, and each staffing group's
contacts and workload as an affine function of the shares (``base + Σ s_p · Δ_p``), with the
group's labour at any rows of shares (:class:`_Model`)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from planner.types import Deflection, InputError, Scenario

from .curve import _Staffing, _staffing_curve
from .options import SearchOptions
from .rectangles import CHUNK_POINTS, required_by_rectangles

DEFAULT_COST_PER_HOUR = 25.0
"""Hourly labour cost of a staffing group without shift templates, currency units per agent-hour
(the :class:`~planner.types.ShiftTemplate` default)."""

_CHUNK_CELLS = 400_000


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
    options: SearchOptions = field(default_factory=SearchOptions)
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
        ``options.group_table_cell_limit`` (combinations × intervals).
        """
        if gi in self.tables:
            return self.tables[gi]
        group = self.groups[gi]
        grids = [self.pairs[pi].grid for pi in group.scope]
        count = math.prod(g.size for g in grids)
        if count * group.base_contacts.size > self.options.group_table_cell_limit:
            return None
        if (self.options.table == "boxes" and group.kind != "email" and group.scope
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
        # the points, interval-major, with exactly the arithmetic of _rows (built block by block)
        contacts = np.empty((active.size, count))
        workload = np.empty((active.size, count))
        step = max(1, CHUNK_POINTS // max(count, 1))
        for first in range(0, active.size, step):
            rows = active[first:first + step]
            c = np.broadcast_to(group.base_contacts[rows][:, None], (rows.size, count)).copy()
            w = np.broadcast_to(group.base_workload[rows][:, None], (rows.size, count)).copy()
            for j, pi in enumerate(scope):
                c += combos[:, j][None, :] * group.d_contacts[pi][rows][:, None]
                w += combos[:, j][None, :] * group.d_workload[pi][rows][:, None]
            np.maximum(c, 0.0, out=c)
            np.maximum(w, 0.0, out=w)
            contacts[first:first + step], workload[first:first + step] = c, w

        def net_agents(c: np.ndarray, w: np.ndarray, lower: np.ndarray | None,
                       upper: np.ndarray | None) -> np.ndarray:
            return self.staffing.net(group.name, c, w, None if lower is None else (lower, upper))

        net, cells = required_by_rectangles(contacts, workload, net_agents)
        factor = self.staffing.factor(group.name)[active]
        total = np.zeros(count)  # Σ over intervals of whole agents: exact in any order
        for first in range(0, active.size, step):
            block = slice(first, first + step)
            total += np.ceil(net[block] / factor[block][:, None] - 1e-9).sum(axis=0)
        self.evaluations += math.ceil(cells / max(t_count, 1))
        labour = total * group.cost_per_interval
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



def _live(scenario: Scenario, shares: Mapping[tuple[str, str], float]) -> pd.DataFrame:
    from planner import demand

    return demand.live_demand(scenario, self_service_shares=dict(shares))


def _requirements(scenario: Scenario, live: pd.DataFrame) -> pd.DataFrame:
    from planner import staffing

    return staffing.requirements(scenario, live)


def _build_model(scenario: Scenario, containment_drop: float = 0.0,
                 options: SearchOptions | None = None) -> _Model:
    """Affine demand basis per group from ``1 + max pairs per segment`` calls of ``live_demand``.

    ``live_demand`` is affine in the shares (attempts = s·offered; contained, escalated and direct
    contacts are fixed fractions of the attempts), so live contacts and workload of any share
    vector are ``base + Σ s_p · Δ_p`` — ``tests/test_mix.py`` checks this against direct calls.
    """
    scenario, pairs = _build_pairs(scenario, containment_drop)
    zero = {(p.segment, p.channel): 0.0 for p in pairs}
    # live_demand's rows come in one fixed order (interval, channel, segment): aligned by position
    base = _live(scenario, zero)
    names: dict[tuple[str, str], str] = {}
    for key in zip(base["channel"], base["segment"], strict=True):
        if key not in names:
            names[key] = scenario.group_of(*key).name
    group_of_row = np.array([names[key] for key in zip(base["channel"], base["segment"], strict=True)])
    segment_of_row = base["segment"].to_numpy()
    intervals = scenario.settings.interval_starts()
    interval_hours = scenario.settings.interval_minutes / 60.0
    row_interval = intervals.get_indexer(base["interval_start"])
    base_contacts = base["live_contacts"].to_numpy(float)
    base_workload = base["live_workload_erlangs"].to_numpy(float)

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
            base_contacts=per_group(base_contacts, g.name), base_workload=per_group(base_workload, g.name),
        ))
    # A row of segment s depends only on the shares of segment s, so pairs of different segments
    # move together in one call (the k-th pair of every segment) and each reads its own segment's
    # rows; a call that live_demand rejects is retried pair by pair.
    movable = [pi for pi, p in enumerate(pairs) if float(p.grid.max()) > 0.0 and p.offered > 0.0]
    by_segment: dict[str, list[int]] = {}
    for pi in movable:
        by_segment.setdefault(pairs[pi].segment, []).append(pi)
    batches = [[members[k] for members in by_segment.values() if k < len(members)]
               for k in range(max((len(m) for m in by_segment.values()), default=0))]
    frames: dict[int, pd.DataFrame] = {}
    for batch in batches:
        shares = dict(zero)
        for pi in batch:
            shares[(pairs[pi].segment, pairs[pi].channel)] = float(pairs[pi].grid.max())
        try:
            frame = _live(scenario, shares)
        except InputError:
            for pi in batch:
                alone = dict(zero)
                alone[(pairs[pi].segment, pairs[pi].channel)] = float(pairs[pi].grid.max())
                try:
                    frames[pi] = _live(scenario, alone)
                except InputError:
                    # e.g. escalations reaching a closed voice/chat channel: any share > 0 is invalid
                    p = pairs[pi]
                    p.grid = np.array([0.0])
                    p.upper = 0.0
                    p.excluded_reason = (f"self-service is not possible: its escalations would reach "
                                         f"{p.deflection.escalation_channel} while that channel is closed")
            continue
        for pi in batch:
            frames[pi] = frame
    for pi in movable:
        if pi not in frames:
            continue
        p = pairs[pi]
        top = float(p.grid.max())
        own = segment_of_row == p.segment
        frame = frames[pi]
        dc = np.where(own, (frame["live_contacts"].to_numpy(float) - base_contacts) / top, 0.0)
        dw = np.where(own, (frame["live_workload_erlangs"].to_numpy(float) - base_workload) / top, 0.0)
        for group in groups:
            gc, gw = per_group(dc, group.name), per_group(dw, group.name)
            if np.any(np.abs(gc) > 1e-12) or np.any(np.abs(gw) > 1e-12):
                group.d_contacts[pi], group.d_workload[pi] = gc, gw
    curve = _staffing_curve(scenario, scenario.settings.interval_starts())
    return _Model(scenario=scenario, pairs=pairs, groups=groups, staffing=curve,
                  options=options or SearchOptions())
