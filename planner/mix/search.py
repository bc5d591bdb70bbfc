"""The exact search on the share grid: independent components, outright enumeration of group
tables, or a depth-first branch-and-bound; Pareto fronts with a budget."""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass

import numpy as np

from .model import _Model
from .result import Progress

_TIE = 1e-9


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
    branch-and-bound hit ``SearchOptions.branch_time_limit_seconds`` (the best found is returned).
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
        tables = (model.options.search != "branch" and size <= model.options.enum_combination_limit
                  and all(model.table(gi) is not None for gi in groups))
        if tables:
            front = _enumerate(model, pairs, groups, with_budget)
        else:
            start = _coordinate_descent(model, pairs, groups)
            front, complete = _branch_and_bound(model, pairs, groups, with_budget,
                                                [start] if start else [],
                                                time.perf_counter() + model.options.branch_time_limit_seconds)
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
