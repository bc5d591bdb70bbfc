"""Local repair of a time-limited schedule: add single shifts that cost less than their shortfall."""

from __future__ import annotations

import numpy as np

from planner.scheduling.aggregated import disaggregate_breaks
from planner.scheduling.explicit import break_chains
from planner.scheduling.model import GroupModel, _count


def working_from_solution(model: GroupModel) -> np.ndarray:
    """Agents working per interval of a solved model (on shift − on break), from the rounded counts."""
    disaggregate_breaks(model)  # aggregated break starts → per shift (no-op for per-shift breaks)
    n = model.interval_count
    working = np.zeros(n + 1, dtype=np.int64)
    for (t, s), var in model.x.items():
        count = _count(var)
        if count:
            working[s] += count
            working[min(s + model.plans[t].length, n)] -= count
    for (t, s, j, p), var in model.y.items():
        count = _count(var)
        if count:
            working[min(s + p, n)] -= count
            working[min(s + p + model.plans[t].activities[j].duration, n)] += count
    return np.cumsum(working)[:n]


def repair_shortfall(model: GroupModel) -> int:
    """Add single shifts to a solved coverage model while one lowers the objective; return how many.

    A time-limited solve can stop at an incumbent that leaves an interval short although one more
    shift would cost less than the shortfall it removes (typical with a hard-coverage penalty
    and a short budget). This local search takes, repeatedly, the candidate (template, start) and
    rule-abiding break placement (:func:`break_chains`) whose addition lowers labour + shortfall +
    over-staffing cost most: Δ = shift cost + Σ over its working intervals of (−shortfall price if
    the interval is short, else +over-staffing price). Per-start and per-day maxima are kept; the
    break-linking, stretch and gap constraints stay satisfied because the added shift's breaks form
    a compatible chain (each constraint gains as much on its right side as on its left). The
    variable values are updated in place (shifts, breaks, on-shift counts, slacks), so
    :func:`expand_schedule` and ``pulp.value(problem.objective)`` see the repaired schedule.
    Deferred (work-and-deadline) models are left alone.
    """
    if model.deferred is not None or not model.short:
        return 0
    hours = model.interval_hours
    short_price = model.settings.shortfall_penalty_per_agent_hour * hours
    over_price = model.settings.overstaff_penalty_per_agent_hour * hours
    n = model.interval_count
    need = np.asarray(model.required, dtype=np.int64)
    working = working_from_solution(model)
    chains = []
    for plan in model.plans:
        placements = break_chains(plan)
        chains.append(np.asarray(placements, dtype=np.int64).reshape(len(placements), len(plan.activities)))
    masks: list[np.ndarray] = []  # per template: chains × shift intervals, True where working
    for plan, placed in zip(model.plans, chains, strict=True):
        mask = np.ones((len(placed), plan.length), dtype=bool)
        for j, activity in enumerate(plan.activities):
            for k, offset in enumerate(placed[:, j]):
                mask[k, offset:offset + activity.duration] = False
        masks.append(mask)
    added = 0
    while True:
        short = need > working
        if not short.any():
            break
        value = np.where(short, -short_price, over_price)
        best: tuple[float, int, int, int] | None = None  # (Δ objective, template, start, chain)
        for t, plan in enumerate(model.plans):
            if not len(chains[t]):
                continue
            shift_cost = plan.paid_hours * plan.template.cost_per_hour
            cap_day = plan.template.max_agents_per_day
            for s in model.starts[t]:
                s = int(s)
                end = min(s + plan.length, n)
                if not short[s:end].any():
                    continue
                var = model.x[(t, s)]
                if var.upBound is not None and _count(var) + 1 > var.upBound:
                    continue
                if cap_day is not None:
                    day = model.start_days[t][np.searchsorted(model.starts[t], s)]
                    on_day = model.starts[t][model.start_days[t] == day]
                    if sum(_count(model.x[(t, int(q))]) for q in on_day) + 1 > cap_day:
                        continue
                gains = masks[t][:, :end - s] @ value[s:end]
                k = int(np.argmin(gains))
                delta = shift_cost + float(gains[k])
                if delta < -1e-9 and (best is None or delta < best[0]):
                    best = (delta, t, s, k)
        if best is None:
            break
        _, t, s, k = best
        plan = model.plans[t]
        model.x[(t, s)].varValue = _count(model.x[(t, s)]) + 1
        for j, offset in enumerate(chains[t][k]):
            var = model.y[(t, s, j, int(offset))]
            var.varValue = _count(var) + 1
        end = min(s + plan.length, n)
        working[s:end] += masks[t][k, :end - s]
        for i in range(s, end):
            if i in model.on_shift:
                model.on_shift[i].varValue = _count(model.on_shift[i]) + 1
        added += 1
    for i in range(n if added else 0):
        if i in model.short:
            model.short[i].varValue = float(max(need[i] - working[i], 0))
        model.over[i].varValue = float(max(working[i] - need[i], 0))
    return added
