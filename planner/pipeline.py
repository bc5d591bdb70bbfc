"""The whole planning pipeline: demand → requirements → schedule → predicted KPIs → mix.

:func:`run_plan` is what ``planner plan``, the web jobs and the tests call. The schedule and the
mix can be switched off per run, and are skipped when the scenario has no shift templates or no
self-service rows; the skipped part of the plan is then ``None`` and an explanation says why.
"""

from __future__ import annotations

import dataclasses
import math
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from planner import demand, scheduling, staffing
from planner import mix as mix_module
from planner.types import Scenario

Progress = Callable[[float, str], None]
"""``progress(fraction, message)``: fraction of the whole run done, in [0, 1]."""

SHIFT_PRICE_SHARE: float = 0.2
"""With contracts, the share of the solver time limit the day-by-day shift model gets (it prices the
tours: the price of tours is the roster's labour against it); the tour model gets the rest."""
FTE_HOURS_PER_WEEK: float = 40.0
"""Paid hours of one full-time equivalent per week (the FTE unit of the summary)."""

# Share of the progress bar each stage takes (the schedule dominates when it runs).
_STAGES: dict[str, tuple[float, float]] = {
    "demand": (0.0, 0.05),
    "requirements": (0.05, 0.15),
    "schedule": (0.15, 0.75),
    "kpis": (0.75, 0.8),
    "mix": (0.8, 1.0),
}

COVERAGE_COLUMNS: tuple[str, ...] = (
    "interval_start", "group", "channel", "kind", "live_contacts", "required", "scheduled",
    "on_break", "short", "over", "target_service_level", "service_level_at_required",
    "predicted_service_level", "predicted_asa_seconds", "predicted_abandon", "predicted_occupancy",
    "predicted_backlog", "deadline_met",
)
"""Columns of :attr:`Plan.coverage`: per (interval, group) the agents required (scheduled,
working), the agents scheduled and working, and the KPIs predicted at that level."""


@dataclass(frozen=True, eq=False)
class Plan:
    """Everything computed for one scenario.

    Parameters
    ----------
    scenario : Scenario
        The inputs.
    live : pandas.DataFrame
        :func:`planner.demand.live_demand` output.
    requirements : pandas.DataFrame
        :func:`planner.staffing.requirements` output.
    schedule : ScheduleResult or None
        Shifts, breaks and coverage (None when not run or not available).
    mix : MixResult or None
        The human/automation mix recommendation (None when not run or not available).
    kpis : dict of str to float
        Headline numbers (see :func:`plan_kpis`), units in the key names.
    timings : dict of str to float
        Wall-clock seconds per stage.
    status : str
        ``requirements only``, or the schedule's solve status with the shortfall if any.
    coverage : pandas.DataFrame or None
        :data:`COVERAGE_COLUMNS` per (interval, group).
    explanations : tuple of str
        Plain-language notes of the pipeline itself (what was skipped and why).
    roster : RosterResult or None
        With ``contracts``: the weekly tours of people (:func:`planner.roster.roster_scenario`);
        ``schedule`` is then the roster's schedule (``agent`` = person id).
    """

    scenario: Scenario
    live: pd.DataFrame
    requirements: pd.DataFrame
    schedule: Any | None
    mix: Any | None
    kpis: dict[str, float]
    timings: dict[str, float]
    status: str
    coverage: pd.DataFrame | None = None
    explanations: tuple[str, ...] = field(default=())
    roster: Any | None = None


def _stage_progress(progress: Progress | None, stage: str) -> Progress:
    low, high = _STAGES[stage]

    def report(fraction: float, message: str) -> None:
        if progress is not None:
            share = min(max(float(fraction), 0.0), 1.0)
            text = message if message.startswith(f"{stage}:") else f"{stage}: {message}" if message else stage
            progress(low + (high - low) * share, text)

    return report


def run_plan(scenario: Scenario, progress: Progress | None = None, *, schedule: bool = True,
             mix: bool = True, executor: Any | None = None,
             previous_shifts: pd.DataFrame | None = None) -> Plan:
    """Compute the plan of a scenario.

    Parameters
    ----------
    scenario : Scenario
        Validated inputs (e.g. from :func:`planner.excel.read_workbook`).
    progress : callable(fraction, message), optional
        Told of each stage; fraction of the whole run in [0, 1].
    schedule : bool
        Schedule shifts and breaks (:func:`planner.scheduling.schedule_scenario`).
    mix : bool
        Recommend the human/automation mix (:func:`planner.mix.recommend_mix`).
    executor : planner.executor.SerialExecutor or DaskExecutor, optional
        Where the staffing groups are scheduled and rostered (default: serially in this process):
        the schedule's groups, and the roster's sets of groups that share no people, run as units
        at once (:func:`planner.scheduling.schedule_scenario`, :func:`planner.roster.roster_scenario`).
        The mix is searched meanwhile in this process when a core is left for it (a remote
        cluster, or fewer local workers than cores). The results are the same on every path when
        the solver closes its gap.
    previous_shifts : pandas.DataFrame, optional
        The shifts of a previous plan of the same scenario (``group, template, start``; a
        schedule's or a roster's): the day-by-day shift model starts from them (a MIP warm start,
        :mod:`planner.scheduling.warm_start`). Shifts that no longer fit are dropped or repaired.

    Returns
    -------
    Plan
        Live demand, requirements, schedule, mix, coverage with predicted KPIs, headline KPIs.

    Raises
    ------
    planner.types.InputError
        When the demand or staffing stage finds the inputs inconsistent (e.g. contacts while a
        channel is closed).
    """
    timings: dict[str, float] = {}
    notes: list[str] = []

    report = _stage_progress(progress, "demand")
    report(0.0, "live contacts after self-service")
    started = time.perf_counter()
    live = demand.live_demand(scenario)
    timings["demand"] = time.perf_counter() - started
    report(1.0, "done")

    report = _stage_progress(progress, "requirements")
    report(0.0, "agents required per interval")
    started = time.perf_counter()
    requirements = staffing.requirements(scenario, live)
    timings["requirements"] = time.perf_counter() - started
    report(1.0, "done")

    schedule_result = None
    roster_result = None
    # with the groups on a cluster this process mostly waits: the mix (independent of the schedule)
    # is searched meanwhile on a thread of its own — where a core is left for it
    overlap = (mix and bool(scenario.deflections) and schedule and bool(scenario.shift_templates)
               and _core_left(executor))
    mix_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="planner-mix") if overlap else None
    mix_future = None
    if mix_pool is not None:
        def timed_mix() -> tuple[Any, float]:
            begun = time.perf_counter()
            return mix_module.recommend_mix(scenario), time.perf_counter() - begun

        mix_future = mix_pool.submit(timed_mix)
        mix_pool.shutdown(wait=False)
    report = _stage_progress(progress, "schedule")
    if schedule:
        if not scenario.shift_templates:
            notes.append("Schedule not computed: the scenario has no shift templates.")
        else:
            report(0.0, "shifts and breaks (integer program)")
            started = time.perf_counter()
            shift_scenario = scenario
            if scenario.contracts:  # the shift model only prices the tours: a share of the time limit
                shift_scenario = scenario.replace(settings=dataclasses.replace(
                    scenario.settings,
                    solver_time_limit_seconds=scenario.settings.solver_time_limit_seconds
                    * SHIFT_PRICE_SHARE))
            shift_report = report
            if scenario.contracts:  # the shift model is the first half of the stage, the roster the second
                def shift_report(fraction: float, message: str) -> None:
                    report(0.5 * fraction, message)
            schedule_result = scheduling.schedule_scenario(shift_scenario, requirements,
                                                           progress=shift_report, executor=executor,
                                                           previous_shifts=previous_shifts)
            timings["schedule"] = time.perf_counter() - started
            if previous_shifts is not None:
                notes.append(_warm_start_note(schedule_result))
            roster_result, roster_note = _roster(scenario, requirements, schedule_result, report, timings,
                                                 executor, previous_shifts)
            if roster_result is not None:
                schedule_result = roster_result.schedule
                if previous_shifts is not None:
                    notes.append(_warm_start_note(schedule_result, "the weekly tours"))
            if roster_note:
                notes.append(roster_note)
            report(1.0, "done")
    else:
        notes.append("Schedule not computed: scheduling was switched off for this run.")

    report = _stage_progress(progress, "kpis")
    report(0.0, "predicted service per interval")
    started = time.perf_counter()
    coverage = coverage_frame(requirements, schedule_result)
    timings["kpis"] = time.perf_counter() - started
    report(1.0, "done")

    mix_result = None
    report = _stage_progress(progress, "mix")
    if mix:
        if not scenario.deflections:
            notes.append("Mix not computed: the scenario has no self-service (Deflection) rows.")
        else:
            report(0.0, "human/automation mix")
            started = time.perf_counter()
            if mix_future is not None:  # searched while the groups were scheduled
                mix_result, timings["mix"] = mix_future.result()
            else:
                mix_result = mix_module.recommend_mix(scenario, progress=report)
                timings["mix"] = time.perf_counter() - started
            report(1.0, "done")
    else:
        notes.append("Mix not computed: the mix recommendation was switched off for this run.")

    kpis = plan_kpis(scenario, live, requirements, coverage, schedule_result, mix_result)
    status = _status(schedule_result, kpis)
    if progress is not None:
        progress(1.0, "plan ready")
    if roster_result is not None:
        kpis.update(roster_kpis(roster_result))
    return Plan(scenario=scenario, live=live, requirements=requirements, schedule=schedule_result,
                mix=mix_result, kpis=kpis, timings=timings, status=status, coverage=coverage,
                explanations=tuple(notes), roster=roster_result)


def _core_left(executor: Any | None) -> bool:
    """Whether this process has a core to itself while ``executor`` runs the groups.

    A remote cluster's workers run elsewhere; a local cluster's take one core each, so the mix may
    run meanwhile only when they leave one free (on a machine of two cores with two workers it
    would take time from the solver units, whose limits are wall-clock seconds).
    """
    if executor is None or executor.kind == "serial":
        return False
    if executor.kind == "remote":
        return True
    from planner.executor import cpu_count

    return executor.worker_count() < cpu_count()


def _warm_start_note(result: Any, what: str = "the day-by-day schedule") -> str:
    """What became of the warm start, per group (a line of the plan's notes).

    A group counts as started when its solve (or one of its independent parts) accepted the start
    (:attr:`planner.solver.SolveResult.start_objective`, or "warm start accepted in k of n parts").
    """
    groups = result.per_group
    started = []
    for group, solved in groups.items():
        parts = _ACCEPTED_PARTS.search(getattr(solved, "message", ""))
        if parts:
            if int(parts.group(1)):
                started.append(f"{group} {parts.group(1)}/{parts.group(2)} parts")
        elif math.isfinite(getattr(solved, "start_objective", math.nan)):
            started.append(group)
    if not started:
        return (f"Re-plan: the previous plan's shifts could not start {what} (other "
                "templates or horizon, or no time to complete them); solved from scratch.")
    return (f"Re-plan: {what} started from the previous plan's shifts in "
            f"{len(started)} of {len(groups)} group(s) ({', '.join(started)}; MIP warm start).")


_ACCEPTED_PARTS = re.compile(r"warm start accepted in (\d+) of (\d+) parts")


def _roster(scenario: Scenario, requirements: pd.DataFrame, shift_result: Any, report: Progress,
            timings: dict[str, float], executor: Any | None = None,
            previous_shifts: pd.DataFrame | None = None) -> tuple[Any | None, str]:
    """The roster of weekly tours when the scenario has contracts (else ``None``), and a note."""
    if not scenario.contracts:
        return None, ""
    from planner.roster import horizon

    problems = horizon.horizon_problems(scenario)  # longer horizons go week by week
    if problems:
        return None, ("Roster not computed (" + "; ".join(p.message for p in problems)
                      + "); the schedule is day-by-day shifts.")
    report(0.5, "weekly tours of people (integer program)")
    started = time.perf_counter()
    limited = scenario.replace(settings=dataclasses.replace(
        scenario.settings,
        solver_time_limit_seconds=scenario.settings.solver_time_limit_seconds * (1 - SHIFT_PRICE_SHARE)))
    result = horizon.roster_horizon(limited, requirements, shift_result=shift_result,
                                    progress=lambda f, m: report(0.5 + 0.5 * f, m), executor=executor,
                                    previous_shifts=previous_shifts)
    timings["roster"] = time.perf_counter() - started
    return result, ""


def roster_kpis(result: Any) -> dict[str, float]:
    """Headline numbers of a roster: people, verifier pass share, the price of tours."""
    verification = result.verification
    kpis = {"people_rostered": float(result.roster["days_worked"].gt(0).sum()),
            "people_not_rostered": float(len(result.unassigned)),
            "roster_verified_share": float(verification["ok"].astype(bool).mean()) if len(verification)
            else math.nan,
            "roster_gap": float(result.price.get("tour_gap", math.nan))}
    for key in ("shift_labour_cost", "labour_premium"):
        if key in result.price:
            kpis[key] = float(result.price[key])
    return kpis


def coverage_frame(requirements: pd.DataFrame, schedule_result: Any | None) -> pd.DataFrame:
    """Required vs scheduled agents and the KPIs predicted per (interval, group).

    Parameters
    ----------
    requirements : pandas.DataFrame
        :func:`planner.staffing.requirements` output.
    schedule_result : ScheduleResult or None
        Its ``coverage`` (``working`` agents per interval and group) gives the scheduled level.

    Returns
    -------
    pandas.DataFrame
        :data:`COVERAGE_COLUMNS`, one row per requirements row. ``required`` is
        ``required_scheduled`` (agents working, before shrinkage); ``scheduled`` the agents
        working in the schedule (NaN without one); ``predicted_*`` are
        :func:`planner.staffing.kpis_at` at the scheduled level (NaN without a schedule).
    """
    req = requirements.reset_index(drop=True)
    frame = pd.DataFrame({
        "interval_start": req["interval_start"],
        "group": req["group"],
        "channel": req["channel"],
        "kind": req["kind"],
        "live_contacts": req["live_contacts"].astype(float),
        "required": req["required_scheduled"].astype(int),
        "target_service_level": req.get("target_service_level", np.nan),
        "service_level_at_required": req["service_level"].astype(float),
    })
    nan = np.full(len(req), np.nan)
    for name in ("scheduled", "on_break", "short", "over", "predicted_service_level",
                 "predicted_asa_seconds", "predicted_abandon", "predicted_occupancy",
                 "predicted_backlog"):
        frame[name] = nan
    frame["deadline_met"] = pd.Series([None] * len(req), dtype=object)
    if schedule_result is not None and schedule_result.coverage is not None:
        cov = schedule_result.coverage[["interval_start", "group", "working", "on_break", "short",
                                        "over"]]
        merged = req[["interval_start", "group"]].merge(cov, on=["interval_start", "group"],
                                                        how="left")
        working = merged["working"].fillna(0.0).to_numpy(dtype=float)
        frame["scheduled"] = working
        frame["on_break"] = merged["on_break"].fillna(0.0).to_numpy(dtype=float)
        frame["short"] = merged["short"].fillna(0.0).to_numpy(dtype=float)
        frame["over"] = merged["over"].fillna(0.0).to_numpy(dtype=float)
        predicted = staffing.kpis_at(req, working).reset_index(drop=True)
        frame["predicted_service_level"] = predicted["service_level"].to_numpy(dtype=float)
        frame["predicted_asa_seconds"] = predicted["asa_seconds"].to_numpy(dtype=float)
        frame["predicted_abandon"] = predicted["abandon"].to_numpy(dtype=float)
        frame["predicted_occupancy"] = predicted["occupancy"].to_numpy(dtype=float)
        frame["predicted_backlog"] = predicted["backlog"].to_numpy(dtype=float)
        frame["deadline_met"] = predicted["deadline_met"].astype(object).to_numpy()
    return frame[list(COVERAGE_COLUMNS)]


def _weighted(values: pd.Series, weights: pd.Series) -> float:
    ok = values.notna() & (weights > 0)
    total = float(weights[ok].sum())
    if total <= 0:
        return math.nan
    return float((values[ok] * weights[ok]).sum() / total)


def plan_kpis(scenario: Scenario, live: pd.DataFrame, requirements: pd.DataFrame,
              coverage: pd.DataFrame, schedule_result: Any | None,
              mix_result: Any | None) -> dict[str, float]:
    """Headline numbers of a plan (units in the key names).

    FTE = agent-hours / (40 h × days / 7) (:data:`FTE_HOURS_PER_WEEK`). Service level, ASA and
    abandonment are averaged over voice/chat intervals weighted by live contacts.

    Returns
    -------
    dict of str to float
        ``contacts_offered, self_service_attempts, contained, live_contacts,
        required_agent_hours, required_fte, peak_required_agents, automation_cost`` and, with a
        schedule, ``agents_scheduled`` (distinct agents: people in a roster), ``shifts_scheduled,
        scheduled_paid_hours, scheduled_fte, labour_cost,
        total_cost, shortfall_agent_hours, overstaff_agent_hours, predicted_service_level,
        predicted_service_level[<channel>], predicted_asa_seconds, predicted_abandon,
        predicted_occupancy, email_deadline_met_share, wellbeing_rules_ok_share``; with a mix,
        ``mix_total_cost_current, mix_total_cost_recommended, mix_fte_saved``.
    """
    settings = scenario.settings
    hours_per_interval = settings.interval_minutes / 60.0
    fte_hours = FTE_HOURS_PER_WEEK * settings.days / 7.0
    cost_per_attempt = {(d.segment, d.channel): d.automation_cost_per_attempt
                        for d in scenario.deflections}
    pair_cost = [cost_per_attempt.get((s, c), 0.0) for s, c in zip(live["segment"], live["channel"],
                                                                    strict=True)]
    automation_cost = float((live["self_service_attempts"].to_numpy(dtype=float)
                             * np.asarray(pair_cost, dtype=float)).sum())
    required_hours = float(requirements["required_scheduled"].sum()) * hours_per_interval
    kpis: dict[str, float] = {
        "contacts_offered": float(live["offered"].sum()),
        "self_service_attempts": float(live["self_service_attempts"].sum()),
        "contained": float(live["contained"].sum()),
        "live_contacts": float(live["live_contacts"].sum()),
        "required_agent_hours": required_hours,
        "required_fte": required_hours / fte_hours,
        "peak_required_agents": float(requirements.groupby("interval_start")["required_scheduled"]
                                      .sum().max()),
        "automation_cost": automation_cost,
    }
    if schedule_result is not None:
        shifts = schedule_result.shifts
        paid_hours = float(shifts["paid_hours"].sum()) if len(shifts) else 0.0
        labour_cost = float(shifts["cost"].sum()) if len(shifts) else 0.0
        kpis.update({
            "agents_scheduled": float(shifts["agent"].nunique()) if len(shifts) else 0.0,
            "shifts_scheduled": float(len(shifts)),
            "scheduled_paid_hours": paid_hours,
            "scheduled_fte": paid_hours / fte_hours,
            "labour_cost": labour_cost,
            "total_cost": labour_cost + automation_cost,
            "shortfall_agent_hours": float(coverage["short"].sum()) * hours_per_interval,
            "overstaff_agent_hours": float(coverage["over"].sum()) * hours_per_interval,
        })
        queues = coverage[coverage["kind"] != "email"]
        kpis["predicted_service_level"] = _weighted(queues["predicted_service_level"],
                                                    queues["live_contacts"])
        for channel, rows in queues.groupby("channel", sort=False):
            kpis[f"predicted_service_level[{channel}]"] = _weighted(rows["predicted_service_level"],
                                                                    rows["live_contacts"])
        kpis["predicted_asa_seconds"] = _weighted(queues["predicted_asa_seconds"],
                                                  queues["live_contacts"])
        kpis["predicted_abandon"] = _weighted(queues["predicted_abandon"], queues["live_contacts"])
        kpis["predicted_occupancy"] = _weighted(coverage["predicted_occupancy"],
                                                coverage["live_contacts"])
        email = coverage[coverage["kind"] == "email"]
        if len(email):
            kpis["email_deadline_met_share"] = float(email["deadline_met"].astype(bool).mean())
        wellbeing = schedule_result.wellbeing
        if wellbeing is not None and len(wellbeing):
            kpis["wellbeing_rules_ok_share"] = float(wellbeing["rule_ok"].astype(bool).mean())
    if mix_result is not None:
        summary = mix_result.summary
        for key in ("total_cost_current", "total_cost_recommended", "fte_saved"):
            if key in summary:
                kpis[f"mix_{key}"] = float(summary[key])
    return kpis


def _status(schedule_result: Any | None, kpis: dict[str, float]) -> str:
    if schedule_result is None:
        return "requirements only"
    status = str(getattr(schedule_result.solve.status, "value", schedule_result.solve.status))
    gap = schedule_result.solve.gap
    if status == "feasible" and gap is not None and math.isfinite(gap):
        status = f"feasible (gap {gap:.1%})"
    short = kpis.get("shortfall_agent_hours", 0.0)
    if short > 1e-9:
        status += f", {short:.1f} agent-hours short"
    return status
