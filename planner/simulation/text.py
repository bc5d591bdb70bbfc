"""The simulation report as plain text for the terminal (``planner simulate``, ``plan --simulate``)."""

from __future__ import annotations

import math

from planner.simulation import SimulationResult


def _pct(value: object) -> str:
    number = float(value)  # type: ignore[arg-type]
    return "   n/a" if not math.isfinite(number) else f"{number:6.1%}"


def _ci(low: object, high: object) -> str:
    lo, hi = float(low), float(high)  # type: ignore[arg-type]
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return "       (no CI)"
    return f"[{lo:6.1%}–{hi:6.1%}]"


def summary_text(result: SimulationResult) -> str:
    """Week and days per group (predicted vs simulated with the 95 % CI), late breaks, notes."""
    opts = result.options
    lines = [f"Simulation: {opts.replications} replication(s), seed {opts.seed}, {opts.handle_time} handle "
             f"times, shrinkage '{opts.shrinkage}' — {result.contacts:,} contacts in {result.seconds:.1f} s"]
    header = (f"  {'':<12} {'predicted':>9} {'simulated':>9} {'95% CI':>17} {'diff':>6}  "
              f"{'ASA s':>7} {'abandon':>7} {'occupancy':>9}")
    for group in result.week["group"]:
        week = result.week[result.week["group"] == group].iloc[0]
        what = ("answered by the deadline" if week["kind"] == "email"
                else f"service level ({week['service_level_definition']})")
        lines.append(f"{group} — {what}:")
        lines.append(header)
        days = result.days[result.days["group"] == group]
        for label, row in [("week", week), *((f"{d:%a %d %b}", r) for d, (_, r) in
                                              zip(days["date"], days.iterrows(), strict=True))]:
            diff = float(row["difference_points"])
            asa = float(row["simulated_asa_seconds"])
            lines.append(
                f"  {label:<12} {_pct(row['predicted_service_level']):>9} "
                f"{_pct(row['simulated_service_level']):>9} {_ci(row['ci_low'], row['ci_high']):>17} "
                f"{diff:+6.1f}  {asa:7.1f} {_pct(row['simulated_abandon']):>7} "
                f"{_pct(row['simulated_occupancy']):>9}" if math.isfinite(diff) else
                f"  {label:<12} (no contacts)")
        late = result.late_breaks[result.late_breaks["group"] == group]
        breaks = float(late["breaks_from_work"].sum())
        if breaks > 0:
            share = float((late["breaks_late_share"] * late["breaks_from_work"]).sum()) / breaks
            lines.append(f"  breaks: {share:.0%} start late (mean {late['mean_lateness_minutes'].mean():.1f} "
                         f"min, worst {late['max_lateness_minutes'].max():.0f} min); overtime "
                         f"{late['overtime_agent_hours'].sum():.1f} agent-hours")
    outside = result.intervals[result.intervals["outside"]]
    lines.append(f"intervals where the prediction lies outside the simulated 95% CI: {len(outside)} of "
                 f"{int((result.intervals['live_contacts'] > 0).sum())} with contacts")
    lines += [f"  {note}" for note in result.notes]
    return "\n".join(lines)
