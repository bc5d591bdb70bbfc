"""Required agents at every (contacts, handle time) point of a group table from few evaluations.

Required agents only rise with the contact count at a fixed handle time and with the handle time
at a fixed contact count (Erlang C, Erlang A and the chat model; ``tests/test_mix.py`` checks it),
so a rectangle of points whose two bounding corners need the same agents needs no evaluation
inside, and every evaluation inside a rectangle is bracketed by its corners
(``tests/test_mix_rectangles.py`` checks the result equals evaluating every point).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

EXACT_POINTS = 4
"""A rectangle of at most this many points is evaluated point by point."""

START_BINS = 16
"""The first rectangles of an interval: its (λ, h) spread cut into at most this many × this many."""

POINTS_PER_START_BIN = 32
"""… and into fewer where an interval has fewer than this many points per first rectangle."""

EDGE = 1e-9
"""Relative push of a rectangle's corners outwards, so that rounding never leaves a point outside."""

CHUNK_POINTS = 65_536
"""Passes over every point run on blocks of about this many points (they stay in the cache)."""

NetAgents = Callable[[np.ndarray, np.ndarray, "np.ndarray | None", "np.ndarray | None"], np.ndarray]
"""``net_agents(contacts, workload, lower, upper)``: required net agents of single cells, searched
between ``lower`` and ``upper`` when given (see :func:`required_by_rectangles`)."""


def required_by_rectangles(contacts: np.ndarray, workload: np.ndarray, net_agents: NetAgents, *,
                           start_bins: int | None = None, exact_points: int = EXACT_POINTS,
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
        Each interval's (λ, h) spread is first cut into ``start_bins × start_bins`` rectangles
        (default: :data:`START_BINS`, fewer for fewer than :data:`POINTS_PER_START_BIN` points
        per rectangle);
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
    search (:func:`planner.queueing.required_agents` with ``bracket``); a half shares one corner
    with its parent, so it costs one corner evaluation at most, and a point or corner inside a
    bracket of one agent costs one probe of the queueing model.
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
    bins = start_bins or max(1, min(START_BINS, round(math.sqrt(n_k / POINTS_PER_START_BIN))))
    per_t = bins * bins
    start_of = np.empty((n_t, n_k), dtype=np.int32)
    counts = np.zeros(n_t * per_t, dtype=np.int64)
    for block in blocks:
        c, w = contacts[block], workload[block]
        valid = (w > 0) & (c > 0)
        uniform = has_points[block] & ~open_t[block]
        if uniform.any():
            view = net[block]  # (work without contacts keeps its own value from pass 1)
            view[uniform] = np.where(valid[uniform], lo_t[block][uniform][:, None], view[uniform])
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
    # whether b_lo / b_hi is the value *at* the rectangle's lower / upper corner (not just a bound)
    lo_exact = np.zeros(box_t.size, dtype=bool)
    hi_exact = np.zeros(box_t.size, dtype=bool)

    def corners(boxes: np.ndarray) -> None:
        # the corners of ``boxes`` not known yet, inside their bracket (narrowing it to them)
        low = boxes[~lo_exact[boxes]]
        if low.size:
            lo_c, lo_h = c_lo[low] * low_side, h_lo[low] * low_side
            b_lo[low] = evaluate(lo_c, lo_c * lo_h, b_lo[low], b_hi[low])
            lo_exact[low] = True
        high = boxes[(b_lo[boxes] < b_hi[boxes]) & ~hi_exact[boxes]]
        if high.size:
            hi_c, hi_h = c_hi[high] * high_side, h_hi[high] * high_side
            b_hi[high] = evaluate(hi_c, hi_c * hi_h, b_lo[high], b_hi[high])
            hi_exact[high] = True

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
        inner = np.flatnonzero(local >= 0)
        box = renumber[local[inner] + block.start * per_t]
        at = inner + block.start * n_k
        done = settled[box]
        flat_net[at[done]] = b_lo[box[done]]
        one = by_point[box]
        point_parts.append((at[one], box[one]))
        rest = ~done & ~one
        c_rest = contacts[block].ravel()[inner[rest]]
        with np.errstate(invalid="ignore", divide="ignore"):
            h_rest = workload[block].ravel()[inner[rest]] / c_rest  # as the handle time of pass 2
        open_parts.append((at[rest], box[rest], c_rest, h_rest))
    if point_parts:
        at = np.concatenate([p[0] for p in point_parts])
        box = np.concatenate([p[1] for p in point_parts])
        flat_net[at] = evaluate(flat_c[at], flat_w[at], b_lo[box], b_hi[box])
    if not open_parts:
        return net, cells
    pos, box, c_pts, h_pts = (np.concatenate([p[k] for p in open_parts]) for k in range(4))
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
        # a lower child shares its parent's lower corner, an upper child its upper corner
        lo_exact = np.tile(np.array([True, False]), parents.size)
        hi_exact = ~lo_exact
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
