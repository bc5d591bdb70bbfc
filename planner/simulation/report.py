"""Simulated vs predicted KPIs per interval, day and week, and why they differ where they do.

Per staffing group and level (interval, day, the whole horizon) the report gives the simulated
service level under both definitions, ASA, abandonment, occupancy (and for e-mail the share
answered by the deadline and the backlog) with 95 % confidence intervals
(:mod:`planner.simulation.statistics`) next to the plan's prediction. Predictions are aggregated
the way the simulation counts: service level and abandonment weighted by live contacts, ASA by
the contacts predicted to be answered, occupancy by net agent time.

Intervals whose prediction lies outside the simulated interval get the likely reason, read from
what the simulation saw there (queue carried in at the start, arrivals rising or falling, a
neighbour short of agents, breaks starting late, a one-interval dip in agents, few contacts) —
the known failure modes of stationary per-interval formulas (Green, Kolesar & Soares 2001,
"Improving the SIPP approach for staffing service systems that have cyclic demands", Operations
Research 49(4); Robbins, Medeiros & Harrison 2010, "Does the Erlang C model fit in real call
centers?", Proceedings of the 2010 Winter Simulation Conference).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
import pandas as pd

from planner.simulation.inputs import GroupInputs, SimulationInputs
from planner.simulation.replications import GroupTally, stack
from planner.simulation.statistics import ratio_interval

TOLERANCE_POINTS = 2.0
"""Daily and weekly service levels within this many percentage points count as agreeing."""

_KPIS = ("service_level_offered", "service_level_answered", "asa_seconds", "abandon", "occupancy")


def _weighted(values: np.ndarray, weights: np.ndarray, buckets: np.ndarray, k: int) -> np.ndarray:
    ok = np.isfinite(values) & (weights > 0)
    num = np.bincount(buckets[ok], weights=values[ok] * weights[ok], minlength=k)
    inf = np.bincount(buckets, weights=(np.isinf(values) & (weights > 0)).astype(float), minlength=k)
    den = np.bincount(buckets[ok | (np.isinf(values) & (weights > 0))],
                      weights=weights[ok | (np.isinf(values) & (weights > 0))], minlength=k)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    return np.where(inf > 0, np.inf, out)


def _level(group: GroupInputs, tallies: dict[str, np.ndarray], predicted: pd.DataFrame,
           buckets: np.ndarray, k: int) -> dict[str, np.ndarray]:
    """Simulated (with CIs) and predicted KPIs of one group summed into ``k`` buckets."""

    def summed(name: str) -> np.ndarray:
        values = tallies[name]
        out = np.zeros((values.shape[0], k))
        for r in range(values.shape[0]):
            out[r] = np.bincount(buckets, weights=values[r], minlength=k)
        return out

    s = {name: summed(name) for name in ("offered", "due", "answered", "abandoned", "within", "wait_sum",
                                         "busy", "available")}
    cols: dict[str, np.ndarray] = {"simulated_contacts": s["offered"].mean(axis=0)}
    pairs = {"service_level_offered": ("within", "offered", 0.0, 1.0),
             "service_level_answered": ("within", "answered", 0.0, 1.0),
             "asa_seconds": ("wait_sum", "answered", 0.0, np.inf),
             "abandon": ("abandoned", "offered", 0.0, 1.0),
             "deadline_met": ("within", "due", 0.0, 1.0),
             "occupancy": ("busy", "available", 0.0, 1.0)}
    for name, (num, den, low, high) in pairs.items():
        est, lo, hi = ratio_interval(s[num], s[den], low=low, high=high,
                                     share=name not in ("asa_seconds", "occupancy"))
        cols[f"simulated_{name}"], cols[f"{name}_ci_low"], cols[f"{name}_ci_high"] = est, lo, hi
    live = predicted["live_contacts"].to_numpy(dtype=float)
    abandon = np.nan_to_num(predicted["predicted_abandon"].to_numpy(dtype=float), nan=0.0)
    net = predicted["net_agents"].to_numpy(dtype=float)
    cols["live_contacts"] = np.bincount(buckets, weights=live, minlength=k)
    for name, source in (("service_level_offered", "predicted_service_level_offered"),
                         ("service_level_answered", "predicted_service_level_answered")):
        cols[f"predicted_{name}"] = _weighted(predicted[source].to_numpy(dtype=float), live, buckets, k)
    cols["predicted_asa_seconds"] = _weighted(predicted["predicted_asa_seconds"].to_numpy(dtype=float),
                                              live * (1.0 - abandon), buckets, k)
    cols["predicted_abandon"] = _weighted(predicted["predicted_abandon"].to_numpy(dtype=float), live,
                                          buckets, k)
    cols["predicted_occupancy"] = _weighted(predicted["predicted_occupancy"].to_numpy(dtype=float), net,
                                            buckets, k)
    if group.kind == "email":
        met = predicted["predicted_deadline_met"].to_numpy(dtype=float)
        cols["predicted_service_level"] = _weighted(met, live, buckets, k)
        own = "deadline_met"  # share of the contacts due in the horizon answered by the deadline
    else:
        own = f"service_level_{group.definition}"
        cols["predicted_service_level"] = cols[f"predicted_{own}"]
    cols["simulated_service_level"] = cols[f"simulated_{own}"]
    cols["ci_low"], cols["ci_high"] = cols[f"{own}_ci_low"], cols[f"{own}_ci_high"]
    cols["scheduled_agent_hours"] = np.bincount(
        buckets, weights=predicted["scheduled"].to_numpy(dtype=float) * group.interval_seconds / 3600.0,
        minlength=k)
    with np.errstate(invalid="ignore"):
        cols["difference_points"] = (cols["simulated_service_level"] - cols["predicted_service_level"]) * 100
    return cols


def _frame(level: str, keys: pd.DataFrame, cols: dict[str, np.ndarray], group: GroupInputs) -> pd.DataFrame:
    frame = keys.copy()
    frame.insert(0, "group", group.group)
    frame.insert(1, "channel", group.channel)
    frame.insert(2, "kind", group.kind)
    frame["service_level_definition"] = "deadline" if group.kind == "email" else group.definition
    for name, values in cols.items():
        frame[name] = values
    frame["outside"] = (np.isfinite(frame["ci_low"]) & np.isfinite(frame["predicted_service_level"])
                        & ((frame["predicted_service_level"] < frame["ci_low"] - 1e-12)
                           | (frame["predicted_service_level"] > frame["ci_high"] + 1e-12)))
    frame["level"] = level
    return frame


def _hhmm(stamp: pd.Timestamp) -> str:
    return f"{stamp:%a %H:%M}"


def interval_reasons(group: GroupInputs, frame: pd.DataFrame, tallies: dict[str, np.ndarray],
                     predicted: pd.DataFrame) -> list[str]:
    """The likely reason per interval row of ``frame`` ('' where the prediction is inside the CI).

    Rules, in order (the first two that apply are given): the queue carried in at the start
    (simulated worse, ≥ 1 contact waiting on average when the interval begins); a neighbour
    interval with fewer agents than required or a predicted service level 5 points under target
    (worse); arrivals falling ≥ 13 % on the previous interval (worse: the backlog of the busier
    interval is still worked); the first interval of an opening or arrivals rising ≥ 15 % (better:
    the queue starts emptier than the steady state the formula assumes — ramp-up lag); breaks
    starting late in the interval (better: agents finish their contacts before leaving); a
    one-interval dip in agents (better: long contacts smooth it); few contacts (< 10) either way;
    otherwise the transient itself.
    """
    live = predicted["live_contacts"].to_numpy(dtype=float)
    scheduled = predicted["scheduled"].to_numpy(dtype=float)
    required = predicted["required"].to_numpy(dtype=float)
    pred_sl = predicted["predicted_service_level"].to_numpy(dtype=float)
    target = predicted["target_service_level"].to_numpy(dtype=float)
    queue_start = tallies["queue_start"].mean(axis=0)
    breaks = tallies["breaks"].sum(axis=0)
    late_share = np.where(breaks > 0, tallies["breaks_late"].sum(axis=0) / np.maximum(breaks, 1), 0.0)
    starts = predicted["interval_start"]
    n_t = live.size
    reasons: list[str] = []
    aht = float(np.nanmedian(group.handle_seconds[live > 0])) if np.any(live > 0) else math.nan
    for t, (outside, diff) in enumerate(zip(frame["outside"], frame["difference_points"], strict=True)):
        if not outside:
            reasons.append("")
            continue
        worse = diff < 0
        found: list[str] = []
        prev_live = live[t - 1] if t > 0 else 0.0
        if worse and queue_start[t] >= 1.0:
            found.append(f"backlog carried in: {queue_start[t]:.1f} contacts waiting on average when the "
                         "interval begins")
        if worse:
            for u in (t - 1, t + 1):
                if 0 <= u < n_t and live[u] > 0 and (
                        scheduled[u] < required[u]
                        or (np.isfinite(target[u]) and pred_sl[u] < target[u] - 0.05)):
                    found.append(f"understaffed neighbour: {_hhmm(starts.iloc[u])} has {scheduled[u]:.0f} "
                                 f"agents for {required[u]:.0f} required")
                    break
            if prev_live > 0 and live[t] <= 0.87 * prev_live:
                found.append(f"declining arrivals ({prev_live:.0f} → {live[t]:.0f}): the busier previous "
                             "interval's backlog is still being worked")
        else:
            if prev_live <= 0:
                found.append("start of an opening: the queue starts empty, not in the steady state the "
                             "formula assumes")
            elif live[t] >= 1.15 * prev_live:
                found.append(f"ramp-up lag: arrivals rise {prev_live:.0f} → {live[t]:.0f} and the queue "
                             "has not caught up yet")
            if breaks[t] > 0 and late_share[t] >= 0.5:
                found.append(f"breaks start late ({late_share[t]:.0%} of them): agents finish their "
                             "contacts before leaving, so capacity leaves gradually")
            if 0 < t < n_t - 1 and scheduled[t] < min(scheduled[t - 1], scheduled[t + 1]):
                found.append(f"one-interval dip to {scheduled[t]:.0f} agents: contacts of {aht:.0f} s "
                             "smooth it, the formula takes it in full")
        if live[t] < 10:
            found.append(f"few contacts ({live[t]:.1f}): the stationary formula is a rough guide")
        if not found:
            found.append("the queue does not reach the steady state the formula assumes within the "
                         f"interval (contacts of {aht:.0f} s)" if not worse else
                         "congestion carried over from earlier intervals")
        reasons.append("; ".join(found[:2]))
    return reasons


def _late_breaks(group: GroupInputs, tallies: dict[str, np.ndarray], days: np.ndarray, day_keys: pd.Series,
                 replications: int) -> pd.DataFrame:
    k = len(day_keys)

    def per_day(name: str) -> np.ndarray:
        return np.bincount(days, weights=tallies[name].sum(axis=0), minlength=k) / replications

    most = np.zeros(k)
    np.maximum.at(most, days, tallies["break_late_max"].max(axis=0))
    overtime_most = np.zeros(k)
    np.maximum.at(overtime_most, days, tallies["overtime_max"].max(axis=0))
    breaks, late, late_s = per_day("breaks"), per_day("breaks_late"), per_day("break_late_seconds")
    with np.errstate(invalid="ignore", divide="ignore"):
        return pd.DataFrame({
            "group": group.group, "date": day_keys.to_numpy(), "breaks_from_work": breaks,
            "breaks_late_share": np.where(breaks > 0, late / np.maximum(breaks, 1e-12), np.nan),
            "mean_lateness_minutes": np.where(late > 0, late_s / np.maximum(late, 1e-12) / 60.0, np.nan),
            "max_lateness_minutes": most / 60.0,
            "shift_ends": per_day("shift_ends"),
            "overtime_agent_hours": per_day("overtime_seconds") / 3600.0,
            "max_overtime_minutes": overtime_most / 60.0,
        })


def build_report(inputs: SimulationInputs, results: Sequence[tuple[GroupTally, ...]]
                 ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame, list[str]]:
    """Interval, day and week frames, late breaks per day, and plain-language notes.

    Returns
    -------
    intervals, days, week, late_breaks : pandas.DataFrame
        See :class:`planner.simulation.SimulationResult`.
    notes : list of str
    """
    starts = inputs.interval_starts
    dates = pd.Series(starts.normalize())
    day_keys = pd.Series(pd.unique(dates))
    day_index = pd.Index(day_keys).get_indexer(dates)
    n_t = len(starts)
    replications = len(results)
    frames: dict[str, list[pd.DataFrame]] = {"intervals": [], "days": [], "week": [], "breaks": []}
    notes: list[str] = []
    for g, group in enumerate(inputs.groups):
        tallies = stack(results, g)
        predicted = inputs.predicted[inputs.predicted["group"] == group.group].reset_index(drop=True)
        t_cols = _level(group, tallies, predicted, np.arange(n_t), n_t)
        t_frame = _frame("interval", pd.DataFrame({"interval_start": starts}), t_cols, group)
        t_frame["required"] = predicted["required"].to_numpy()
        t_frame["scheduled"] = predicted["scheduled"].to_numpy()
        t_frame["target_service_level"] = predicted["target_service_level"].to_numpy()
        t_frame["queue_at_start"] = tallies["queue_start"].mean(axis=0)
        t_frame["predicted_backlog"] = predicted["predicted_backlog"].to_numpy()
        t_frame["simulated_backlog"] = tallies["queue_end"].mean(axis=0)
        t_frame["reason"] = interval_reasons(group, t_frame, tallies, predicted)
        d_cols = _level(group, tallies, predicted, day_index, len(day_keys))
        d_frame = _frame("day", pd.DataFrame({"date": day_keys.dt.date}), d_cols, group)
        w_cols = _level(group, tallies, predicted, np.zeros(n_t, dtype=np.int64), 1)
        w_frame = _frame("week", pd.DataFrame({"first_date": [day_keys.iloc[0].date()],
                                               "last_date": [day_keys.iloc[-1].date()]}), w_cols, group)
        frames["intervals"].append(t_frame)
        frames["days"].append(d_frame)
        frames["week"].append(w_frame)
        frames["breaks"].append(_late_breaks(group, tallies, day_index, day_keys.dt.date, replications))
        notes.extend(_notes(group, t_frame, d_frame, w_frame))
        notes.extend(_capacity_notes(group, tallies, predicted, frames["breaks"][-1]))
    out = [pd.concat(frames[k], ignore_index=True) for k in ("intervals", "days", "week", "breaks")]
    return out[0], out[1], out[2], out[3], notes


def _pct(value: float) -> str:
    return "n/a" if not math.isfinite(value) else f"{value:.1%}"


def _notes(group: GroupInputs, intervals: pd.DataFrame, days: pd.DataFrame, week: pd.DataFrame) -> list[str]:
    """Headline lines: the week and the days off by more than :data:`TOLERANCE_POINTS`, with reasons."""
    what = "answered by the deadline" if group.kind == "email" else "service level"
    row = week.iloc[0]
    lines = []
    diff = float(row["difference_points"])
    verdict = ("within" if math.isfinite(diff) and abs(diff) <= TOLERANCE_POINTS else "outside")
    lines.append(f"{group.group}: simulated {what} over the horizon {_pct(row['simulated_service_level'])} "
                 f"(95% CI {_pct(row['ci_low'])}–{_pct(row['ci_high'])}) vs predicted "
                 f"{_pct(row['predicted_service_level'])}: {diff:+.1f} points, {verdict} ±"
                 f"{TOLERANCE_POINTS:g} points")
    with_contacts = intervals[intervals["live_contacts"] >= 1.0]
    diffs = with_contacts["difference_points"].to_numpy(dtype=float)
    if np.isfinite(diffs).any():
        live = intervals["live_contacts"].to_numpy(dtype=float)
        change = np.diff(live, prepend=np.nan)[(intervals["live_contacts"] >= 1.0).to_numpy()]
        prev = np.roll(live, 1)[(intervals["live_contacts"] >= 1.0).to_numpy()]
        rising = (change > 0.15 * prev) & (prev > 0)
        falling = (change < -0.13 * prev) & (prev > 0)

        def mean(mask: np.ndarray) -> str:
            values = diffs[mask & np.isfinite(diffs)]
            return f"{values.mean():+.1f}" if values.size else "n/a"

        big = float(np.mean(np.abs(diffs[np.isfinite(diffs)]) > 5.0))
        half = (with_contacts["ci_high"] - with_contacts["ci_low"]).to_numpy(dtype=float) * 50.0
        half_text = (f" (median 95 % CI half-width {np.nanmedian(half):.1f} points)"
                     if np.isfinite(half).any() else "")
        lines.append(f"{group.group}: per interval the simulation differs from the prediction by more than "
                     f"5 points in {big:.0%} of the intervals with contacts{half_text}; on average "
                     f"{mean(rising)} points where arrivals rise ≥ 15 %, {mean(falling)} where they fall "
                     f"≥ 13 %, {mean(~rising & ~falling)} elsewhere")
    day_dates = pd.Series(pd.to_datetime(intervals["interval_start"]).dt.date)
    for _, day in days.iterrows():
        d = float(day["difference_points"])
        if not math.isfinite(d) or abs(d) <= TOLERANCE_POINTS:
            continue
        flagged = intervals[(day_dates == day["date"]).to_numpy() & intervals["outside"].to_numpy()]
        better = int((flagged["difference_points"] > 0).sum())
        counted = Counter(r.split(": ")[0].split(" (")[0] for text in flagged["reason"]
                          for r in text.split("; "))
        top = ", ".join(f"{name} ({n})" for name, n in counted.most_common(3))
        open_n = int(((day_dates == day["date"]).to_numpy()
                      & (intervals["live_contacts"] > 0).to_numpy()).sum())
        lines.append(f"{group.group} {day['date']:%a %d %b}: simulated "
                     f"{_pct(day['simulated_service_level'])} vs "
                     f"predicted {_pct(day['predicted_service_level'])} ({d:+.1f} points); the prediction is "
                     f"outside the simulated interval in {len(flagged)} of {open_n} intervals "
                     f"({better} better, {len(flagged) - better} worse than predicted)"
                     + (f" — most often: {top}" if top else ""))
    return lines


def _capacity_notes(group: GroupInputs, tallies: dict[str, np.ndarray], predicted: pd.DataFrame,
                    late: pd.DataFrame) -> list[str]:
    """Late breaks, overtime and the agent time they add over the plan's net agent time."""
    lines = []
    breaks = float(late["breaks_from_work"].sum())
    if breaks > 0:
        share = float((late["breaks_late_share"].fillna(0.0) * late["breaks_from_work"]).sum()) / breaks
        late_n = float((late["breaks_late_share"].fillna(0.0) * late["breaks_from_work"]).sum())
        mean_late = (float((late["mean_lateness_minutes"].fillna(0.0) * late["breaks_late_share"].fillna(0.0)
                            * late["breaks_from_work"]).sum()) / late_n) if late_n > 0 else 0.0
        lines.append(f"{group.group}: {share:.0%} of the breaks taken from work start late (agents finish "
                     f"the contact in hand), {mean_late:.1f} min late on average, at worst "
                     f"{float(late['max_lateness_minutes'].max()):.0f} min; "
                     f"{float(late['overtime_agent_hours'].sum()):.1f} agent-hours of overtime at shift ends")
    net_seconds = float((predicted["net_agents"].to_numpy(dtype=float)).sum()) * group.interval_seconds
    available = float(tallies["available"].sum(axis=1).mean()) / max(group.slots, 1)
    if net_seconds > 0:
        lines.append(f"{group.group}: agents were on the queue {available / net_seconds - 1.0:+.1%} of the "
                     "plan's net agent time (contacts finished past breaks and shift ends count; the "
                     "formula stops the agent at the interval boundary)")
    return lines
