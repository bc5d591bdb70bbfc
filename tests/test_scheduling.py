"""Shift scheduling with breaks (planner.scheduling): one test per constraint family on a tiny
instance, the expanded schedule checked against every rule, explanations, and the scenario entry.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import pulp
import pytest

from planner import scheduling
from planner.scheduling import (
    ScheduleResult,
    build_explicit_group_model,
    build_group_model,
    expand_schedule,
    schedule_requirement,
    schedule_scenario,
)
from planner.scheduling.model import objective_step
from planner.solver import SolveStatus, solve
from planner.types import BreakRule, Settings, ShiftTemplate

MONDAY = date(2026, 1, 5)
HOURLY = Settings(start_date=MONDAY, days=1, interval_minutes=60, solver_gap=0.0,
                  solver_time_limit_seconds=30.0)
COST = 25.0


def hourly_requirement(hours: dict[int, int], days: int = 1) -> np.ndarray:
    need = np.zeros(24 * days, dtype=int)
    for hour, agents in hours.items():
        need[hour] = agents
    return need


def at_eight(name: str, hours: int, **kwargs: object) -> ShiftTemplate:
    """A template whose only start is 08:00 (hourly grid)."""
    return ShiftTemplate(name, "voice", hours * 60, earliest_start_minute=480, latest_start_minute=480,
                         start_step_minutes=60, cost_per_hour=COST, **kwargs)  # type: ignore[arg-type]


def run(required: np.ndarray, templates: Sequence[ShiftTemplate], rules: Sequence[BreakRule] = (),
        settings: Settings = HOURLY) -> ScheduleResult:
    return schedule_requirement(required, settings.interval_starts(), templates, rules, settings,
                                group="voice")


def assert_keeps_every_rule(result: ScheduleResult, templates: Sequence[ShiftTemplate],
                            rules: Sequence[BreakRule]) -> None:
    """Check the *expanded schedule* (shifts + activities frames), not the model, against every rule."""
    by_name = {t.name: t for t in templates}
    for shift in result.shifts.itertuples():
        template = by_name[shift.template]
        own = result.activities[result.activities["agent"] == shift.agent].sort_values("start")
        template_rules = {r.activity: r for r in rules if r.template == template.name}
        taken = Counter(own["activity"])
        for activity, rule in template_rules.items():
            assert taken[activity] == (1 if rule.hard else taken[activity]) and taken[activity] <= 1
        cursor, stretches, gaps = shift.start, [], []
        for row in own.itertuples():
            rule = template_rules[row.activity]
            offset = (row.start - shift.start) / pd.Timedelta(minutes=1)
            assert rule.earliest_start_offset_minutes <= offset <= rule.latest_start_offset_minutes
            assert (row.end - row.start) == pd.Timedelta(minutes=rule.duration_minutes)
            assert row.start >= cursor, "breaks overlap"
            stretches.append((row.start - cursor) / pd.Timedelta(minutes=1))
            if cursor != shift.start:
                gaps.append((row.start - cursor) / pd.Timedelta(minutes=1))
            cursor = row.end
        assert shift.end >= cursor
        stretches.append((shift.end - cursor) / pd.Timedelta(minutes=1))
        if template.max_work_stretch_minutes is not None and len(own) == len(template_rules):
            assert max(stretches) <= template.max_work_stretch_minutes
        if gaps:
            assert min(gaps) >= template.min_break_gap_minutes


def coverage_working(result: ScheduleResult) -> np.ndarray:
    return result.coverage["working"].to_numpy()


# ---------------------------------------------------------------------------------- coverage
def test_coverage_flat_requirement_is_met_by_whole_shifts() -> None:
    need = hourly_requirement({h: 2 for h in range(8, 16)})
    result = run(need, [at_eight("t8", 8)])
    assert result.solve.status == SolveStatus.optimal
    assert len(result.shifts) == 2
    np.testing.assert_array_equal(coverage_working(result), need)
    # 2 agents × 8 paid hours × 25 per hour, no shortfall, no over-staffing
    assert result.solve.objective == pytest.approx(2 * 8 * COST)
    assert result.coverage["short"].sum() == 0 and result.coverage["over"].sum() == 0
    assert result.explanations == []


def test_coverage_counts_over_staffing_with_its_small_penalty() -> None:
    need = hourly_requirement({h: 1 for h in range(8, 12)})  # 4 h needed, only an 8 h shift exists
    result = run(need, [at_eight("t8", 8)])
    assert result.coverage["over"].sum() == 4
    assert result.solve.objective == pytest.approx(8 * COST + 4 * HOURLY.overstaff_penalty_per_agent_hour)


# -------------------------------------------------------------------- break window linking
def test_break_window_linking_every_shift_takes_its_break_inside_the_window() -> None:
    rules = [BreakRule("t8", "LUNCH", 60, 180, 300, paid=False)]
    need = hourly_requirement({h: 3 for h in range(8, 16)})
    result = run(need, [at_eight("t8", 8)], rules)
    assert_keeps_every_rule(result, [at_eight("t8", 8)], rules)
    assert len(result.activities) == len(result.shifts)
    # lunches are unpaid: 7 paid hours per shift
    assert (result.shifts["paid_hours"] == 7.0).all()
    on_break = result.coverage["on_break"].to_numpy()
    assert on_break[:11].sum() == 0 and on_break[16:].sum() == 0  # only inside 11:00–14:00


def test_expanded_breaks_match_the_solved_break_counts() -> None:
    templates = [at_eight("t8", 8, max_work_stretch_minutes=180, min_break_gap_minutes=60)]
    rules = [BreakRule("t8", "B", 60, 60, 180), BreakRule("t8", "L", 60, 180, 360, paid=False)]
    need = hourly_requirement({h: 5 for h in range(8, 16)} | {10: 3, 12: 2})
    model = build_group_model(need, templates, rules, HOURLY, "voice")
    assert solve(model.problem, HOURLY).has_solution
    shifts, activities, _ = expand_schedule(model, HOURLY.interval_starts())
    solved = Counter()
    for (t, s, j, p), var in model.y.items():
        solved[(model.plans[t].activities[j].activity, s + p)] += round(var.value())
    expanded = Counter((row.activity, row.start.hour) for row in activities.itertuples())
    assert expanded == +solved
    assert len(shifts) == round(sum(v.value() for v in model.x.values()))
    # the on-shift count variables (add_agents_on_shift) agree with the expanded agents
    coverage = scheduling.coverage_from_schedule(shifts, activities, need, HOURLY.interval_starts(), "voice")
    for i, var in model.on_shift.items():
        assert round(var.value()) == coverage["on_shift"].iloc[i]
    assert set(model.on_shift) == set(range(8, 16))


# ------------------------------------------------------------------------ soft break skip
@pytest.mark.parametrize(("penalty", "expect_taken"), [(0.0, False), (10_000.0, True)])
def test_soft_break_is_skipped_only_when_skipping_is_cheaper(penalty: float, expect_taken: bool) -> None:
    templates = [at_eight("t4", 4)]
    rules = [BreakRule("t4", "B", 60, 60, 120, hard=False, skip_penalty=penalty)]
    need = hourly_requirement({h: 1 for h in range(8, 12)})
    result = run(need, templates, rules)
    taken = len(result.activities)
    if expect_taken:
        # skipping costs 10 000: a second agent covers the first one's break (2 × 4 h × 25 plus
        # 2 over-staffed agent-hours × 0.5), cheaper than 1 agent-hour short (200)
        assert taken == len(result.shifts) == 2 and result.coverage["short"].sum() == 0
        assert (result.wellbeing["breaks_taken"] == 1).all()
        assert result.solve.objective == pytest.approx(2 * 4 * COST + 2 * 0.5)
    else:
        assert taken == 0 and result.coverage["short"].sum() == 0
        assert (result.wellbeing["breaks_taken"] == 0).all()
        assert (result.wellbeing["breaks_required"] == 1).all()
        assert result.solve.objective == pytest.approx(4 * COST)


def test_skipped_unpaid_soft_break_is_paid() -> None:
    templates = [at_eight("t4", 4)]
    rules = [BreakRule("t4", "L", 60, 60, 120, paid=False, hard=False, skip_penalty=1.0)]
    result = run(hourly_requirement({h: 1 for h in range(8, 12)}), templates, rules)
    assert len(result.activities) == 0
    assert result.shifts["paid_hours"].tolist() == [4.0]
    assert result.solve.objective == pytest.approx(4 * COST + 1.0)


# -------------------------------------------------------------------------- stretch rule
def two_break_instance(holes: tuple[int, int], **rule_kwargs: object) -> tuple[np.ndarray,
                                                                             list[ShiftTemplate],
                                                                             list[BreakRule]]:
    """One 8 h shift from 08:00 needed all day except two hours (``holes``) where breaks fit."""
    templates = [at_eight("t8", 8, **rule_kwargs)]
    rules = [BreakRule("t8", "B1", 60, 60, 180), BreakRule("t8", "B2", 60, 120, 360)]
    need = hourly_requirement({h: 1 for h in range(8, 16) if h not in holes})
    return need, templates, rules


def test_stretch_rule_forbids_breaks_too_far_apart() -> None:
    # holes at 09:00 and 14:00 → 4 h of work between the breaks
    need, free_templates, rules = two_break_instance((9, 14))
    free = run(need, free_templates, rules)
    assert free.coverage["short"].sum() == 0
    assert sorted(free.activities["start"].dt.hour) == [9, 14]
    assert free.wellbeing["longest_stretch_minutes"].max() == 240
    need, ruled_templates, rules = two_break_instance((9, 14), max_work_stretch_minutes=180)
    ruled = run(need, ruled_templates, rules)
    assert_keeps_every_rule(ruled, ruled_templates, rules)
    assert ruled.wellbeing["rule_ok"].all()
    assert (ruled.wellbeing["longest_stretch_minutes"] <= 180).all()
    assert ruled.solve.objective > free.solve.objective + 1.0


# ------------------------------------------------------------------------------ gap rule
def test_gap_rule_keeps_breaks_apart() -> None:
    # holes at 11:00 and 12:00 → back-to-back breaks without the rule
    need, free_templates, rules = two_break_instance((11, 12))
    free = run(need, free_templates, rules)
    assert sorted(free.activities["start"].dt.hour) == [11, 12]
    assert free.wellbeing["min_gap_minutes"].min() == 0
    need, ruled_templates, rules = two_break_instance((11, 12), min_break_gap_minutes=120)
    ruled = run(need, ruled_templates, rules)
    assert_keeps_every_rule(ruled, ruled_templates, rules)
    assert (ruled.wellbeing["min_gap_minutes"] >= 120).all()
    assert ruled.solve.objective > free.solve.objective + 1.0


# ------------------------------------------------------------------- max agents per start
def test_max_agents_per_start_binds_and_is_explained() -> None:
    need = hourly_requirement({h: 3 for h in range(8, 12)})
    result = run(need, [at_eight("voice 4h", 4, max_agents_per_start=2)])
    assert len(result.shifts) == 2
    assert result.explanations == [
        "Mon 08:00–12:00 (voice): max 2 agents per start of 'voice 4h' binds; 1 agent short"]


# ------------------------------------------------------------------- min/max agents per day
def test_max_agents_per_day_binds_and_is_explained() -> None:
    template = ShiftTemplate("voice 4h", "voice", 240, earliest_start_minute=480, latest_start_minute=720,
                             start_step_minutes=60, cost_per_hour=COST, max_agents_per_day=1)
    need = hourly_requirement({h: 1 for h in range(8, 16)})
    result = run(need, [template])
    assert len(result.shifts) == 1
    assert len(result.explanations) == 1
    assert "max 1 agent per day of 'voice 4h' binds; 1 agent short" in result.explanations[0]


def test_min_agents_per_day_forces_shifts() -> None:
    need = hourly_requirement({h: 1 for h in range(8, 12)})
    result = run(need, [at_eight("voice 4h", 4, min_agents_per_day=3)])
    assert len(result.shifts) == 3
    assert result.coverage["over"].sum() == 8


# ------------------------------------------------------------------------ shortfall slack
def test_shortfall_slack_returns_a_plan_and_explains_uncovered_hours() -> None:
    need = hourly_requirement({2: 3, 3: 2} | {h: 1 for h in range(8, 12)})
    result = run(need, [at_eight("voice 4h", 4)])
    assert result.solve.has_solution
    assert len(result.shifts) == 1
    assert result.coverage["short"].tolist()[2:4] == [3, 2]
    assert result.explanations == [
        "Mon 02:00–04:00 (voice): no template covers this interval; 3 agents short"]
    # 5 agent-hours short at 200 per agent-hour, plus one 4 h shift
    assert result.solve.objective == pytest.approx(5 * 200.0 + 4 * COST)


def test_shortfall_cheaper_than_a_shift_is_explained() -> None:
    settings = Settings(start_date=MONDAY, days=1, interval_minutes=60, shortfall_penalty_per_agent_hour=10.0)
    need = hourly_requirement({9: 1})
    result = run(need, [at_eight("voice 8h", 8)], settings=settings)
    assert len(result.shifts) == 0
    assert "costs more than the shortfall penalty" in result.explanations[0]


# ---------------------------------------------------------- overnight and horizon ends
def test_overnight_shift_covers_the_next_day_and_the_horizon_end_cuts_it() -> None:
    settings = Settings(start_date=MONDAY, days=2, interval_minutes=60, solver_gap=0.0)
    night = ShiftTemplate("night", "voice", 480, earliest_start_minute=22 * 60, latest_start_minute=22 * 60,
                          start_step_minutes=60, cost_per_hour=COST)
    need = hourly_requirement({h: 2 for h in range(22, 30)} | {46: 1, 47: 1}, days=2)
    result = run(need, [night], settings=settings)
    assert result.coverage["short"].sum() == 0
    starts = sorted(result.shifts["start"])
    assert starts == [pd.Timestamp("2026-01-05 22:00")] * 2 + [pd.Timestamp("2026-01-06 22:00")]
    # the Tuesday-night shift runs to Wednesday 06:00 but only its 2 h inside the horizon count
    assert result.coverage["on_shift"].tolist()[46:48] == [1, 1]
    assert len(result.coverage) == 48
    assert result.shifts["paid_hours"].tolist() == [8.0, 8.0, 8.0]


# ----------------------------------------------------- the week-like instance, read back
def realistic_templates(group: str = "voice") -> tuple[list[ShiftTemplate], list[BreakRule]]:
    """4 h / 6 h / 8 h / 10 h, starts every 15 min 06:00–14:00, a break and a lunch from 6 h."""
    windows = {6: [("BREAK", 15, 60, 150, True), ("LUNCH", 30, 150, 240, False)],
               8: [("BREAK", 15, 90, 165, True), ("LUNCH", 30, 180, 300, False)],
               10: [("BREAK", 15, 90, 165, True), ("LUNCH", 30, 210, 330, False),
                    ("BREAK2", 15, 390, 450, True)]}
    templates, rules = [], []
    for hours in (4, 6, 8, 10):
        name = f"{group} {hours}h"
        templates.append(ShiftTemplate(name, group, hours * 60, earliest_start_minute=360,
                                       latest_start_minute=840, cost_per_hour=COST,
                                       max_work_stretch_minutes=180 if hours >= 6 else None,
                                       min_break_gap_minutes=60))
        rules += [BreakRule(name, a, d, lo, hi, paid=paid) for a, d, lo, hi, paid in windows.get(hours, [])]
    return templates, rules


def test_expanded_day_schedule_keeps_every_rule() -> None:
    settings = Settings(start_date=MONDAY, days=1, interval_minutes=15, solver_time_limit_seconds=20.0)
    hours = settings.interval_starts().hour + settings.interval_starts().minute / 60
    peaks = 4 + 14 * np.exp(-((hours - 11) / 2) ** 2) + 10 * np.exp(-((hours - 16) / 2) ** 2)
    need = np.where((hours >= 7) & (hours < 21), np.ceil(peaks), 0).astype(int)
    templates, rules = realistic_templates()
    result = run(need, templates, rules, settings=settings)
    assert result.solve.has_solution and result.solve.gap <= 0.01 + 1e-9
    assert_keeps_every_rule(result, templates, rules)
    assert result.wellbeing["rule_ok"].all()
    long_shifts = result.shifts["template"].isin(["voice 6h", "voice 8h", "voice 10h"])
    assert long_shifts.any()
    # coverage read back from the frames: working = on shift − on break, short/over consistent
    cov = result.coverage
    np.testing.assert_array_equal(cov["working"], cov["on_shift"] - cov["on_break"])
    np.testing.assert_array_equal(cov["working"] - cov["required"], cov["over"] - cov["short"])
    # labour cost in the objective equals the cost column of the expanded shifts
    assert result.shifts["cost"].sum() <= result.solve.objective
    assert result.model_size["integer_variables"] > 0


def test_implicit_and_explicit_formulations_have_the_same_optimum() -> None:
    settings = Settings(start_date=MONDAY, days=1, interval_minutes=60, solver_gap=0.0)
    templates = [ShiftTemplate("t6", "voice", 360, earliest_start_minute=360, latest_start_minute=720,
                               start_step_minutes=60, cost_per_hour=COST, max_work_stretch_minutes=180,
                               min_break_gap_minutes=60),
                 ShiftTemplate("t8", "voice", 480, earliest_start_minute=360, latest_start_minute=720,
                               start_step_minutes=60, cost_per_hour=30.0, max_work_stretch_minutes=180)]
    rules = [BreakRule("t6", "B", 60, 60, 180), BreakRule("t6", "L", 60, 120, 300, paid=False),
             BreakRule("t8", "B", 60, 60, 240), BreakRule("t8", "L", 60, 180, 420, paid=False)]
    need = hourly_requirement({6: 2, 7: 3, 8: 5, 9: 6, 10: 4, 11: 6, 12: 5, 13: 3, 14: 4, 15: 5, 16: 3, 17: 2,
                               18: 2, 19: 1})
    implicit = build_group_model(need, templates, rules, settings, "voice")
    explicit, patterns = build_explicit_group_model(need, templates, rules, settings, "voice")
    a = solve(implicit.problem, settings)
    b = solve(explicit, settings)
    assert a.status == b.status == SolveStatus.optimal
    assert a.objective == pytest.approx(b.objective)
    assert patterns > len(implicit.x)


def test_highs_and_cbc_agree_on_a_small_schedule() -> None:
    need, templates, rules = two_break_instance((9, 14), max_work_stretch_minutes=180)
    need = need * 3
    by_highs = run(need, templates, rules)
    cbc = Settings(start_date=MONDAY, days=1, interval_minutes=60, solver="cbc", solver_gap=0.0)
    by_cbc = run(need, templates, rules, settings=cbc)
    assert by_cbc.solve.status == SolveStatus.optimal
    assert by_highs.solve.objective == pytest.approx(by_cbc.solve.objective)


def test_requirement_of_the_wrong_length_is_rejected() -> None:
    with pytest.raises(ValueError, match="one value per interval"):
        run(np.ones(5), [at_eight("t4", 4)])


def test_requirement_series_is_aligned_by_interval_start() -> None:
    starts = HOURLY.interval_starts()
    series = pd.Series([2, 2, 2, 2], index=starts[8:12])
    result = run(series, [at_eight("t4", 4)])  # type: ignore[arg-type]
    assert len(result.shifts) == 2 and result.coverage["short"].sum() == 0


# ------------------------------------------------------------------- the scenario entry
def test_schedule_scenario_solves_each_group_and_combines(small_scenario) -> None:  # type: ignore[no-untyped-def]
    groups = [g.name for g in small_scenario.staffing_groups]
    templates: list[ShiftTemplate] = []
    rules: list[BreakRule] = []
    for group in groups:
        templates.append(ShiftTemplate(f"{group} 8h", group, 480, earliest_start_minute=420,
                                       latest_start_minute=720, start_step_minutes=30, cost_per_hour=COST))
        rules.append(BreakRule(f"{group} 8h", "LUNCH", 30, 180, 300, paid=False))
    scenario = small_scenario.replace(shift_templates=tuple(templates), break_rules=tuple(rules))
    starts = scenario.settings.interval_starts()
    hours = starts.hour + starts.minute / 60
    frames = []
    for k, group in enumerate(groups):
        need = np.where((hours >= 8) & (hours < 18), 2 + k, 0)
        frames.append(pd.DataFrame({"interval_start": starts, "group": group, "required_scheduled": need}))
    requirements = pd.concat(frames, ignore_index=True)
    seen: list[float] = []
    result = schedule_scenario(scenario, requirements, progress=lambda f, _m: seen.append(f))
    assert set(result.per_group) == set(groups)
    assert result.solve.objective == pytest.approx(sum(r.objective for r in result.per_group.values()))
    assert result.shifts["agent"].is_unique
    assert result.shifts["agent"].iloc[0] == "Agent 001"
    assert set(result.coverage["group"]) == set(groups)
    assert seen[0] == 0.0 and seen[-1] == 1.0
    for group in groups:
        cov = result.coverage[result.coverage["group"] == group]
        assert len(cov) == len(starts)
    assert list(result.shifts.columns) == list(scheduling.SHIFT_COLUMNS)
    assert list(result.wellbeing.columns) == list(scheduling.WELLBEING_COLUMNS)


def test_schedule_scenario_rejects_unknown_groups(small_scenario) -> None:  # type: ignore[no-untyped-def]
    requirements = pd.DataFrame({"interval_start": small_scenario.settings.interval_starts()[:1],
                                 "group": ["nobody"], "required_scheduled": [1]})
    with pytest.raises(ValueError, match="unknown groups"):
        schedule_scenario(small_scenario, requirements)


def test_soft_break_next_to_a_hard_one_keeps_the_rules_when_taken() -> None:
    templates = [at_eight("t8", 8, max_work_stretch_minutes=240, min_break_gap_minutes=60)]
    rules = [BreakRule("t8", "B1", 60, 60, 180),
             BreakRule("t8", "B2", 60, 240, 360, hard=False, skip_penalty=30.0)]
    need = hourly_requirement({h: 3 for h in range(8, 16)} | {9: 1, 10: 2, 13: 2})
    model = build_group_model(need, templates, rules, HOURLY, "voice")
    result = solve(model.problem, HOURLY)
    assert result.has_solution
    shifts, activities, wellbeing = expand_schedule(model, HOURLY.interval_starts())
    skipped = sum(round(v.value()) for v in model.skip.values())
    assert (activities["activity"] == "B2").sum() == len(shifts) - skipped
    assert (activities["activity"] == "B1").sum() == len(shifts)
    taken_both = wellbeing["breaks_taken"] == 2
    assert (wellbeing.loc[taken_both, "longest_stretch_minutes"] <= 240).all()
    assert (wellbeing.loc[taken_both, "min_gap_minutes"] >= 60).all()
    assert wellbeing.loc[taken_both, "rule_ok"].all()


def test_wellbeing_summary_occupancy_above_cap_only_where_short(small_scenario) -> None:  # type: ignore[no-untyped-def]
    from planner import demand, staffing
    from planner.scheduling import wellbeing_summary

    templates, rules = [], []
    for g in small_scenario.staffing_groups:
        for hours in (4, 8):
            name = f"{g.name} {hours}h"
            templates.append(ShiftTemplate(name, g.name, hours * 60, earliest_start_minute=420,
                                           latest_start_minute=1200 - hours * 60, start_step_minutes=30,
                                           cost_per_hour=COST, max_work_stretch_minutes=180))
            rules.append(BreakRule(name, "BREAK", 15, 90, 150))
            if hours == 8:
                rules.append(BreakRule(name, "LUNCH", 30, 210, 300, paid=False))
    scenario = small_scenario.replace(shift_templates=tuple(templates), break_rules=tuple(rules))
    requirements = staffing.requirements(scenario, demand.live_demand(scenario))
    result = schedule_scenario(scenario, requirements)
    summary = wellbeing_summary(scenario, requirements, result).set_index("group")
    assert set(summary.index) == {g.name for g in scenario.staffing_groups}
    assert (summary["agents_rule_ok_share"] == 1.0).all()
    assert (summary["longest_stretch_minutes"] <= 180).all()
    assert summary["share_above_occupancy_cap"].between(0, 1).all()
    # staffing sized required_scheduled so that occupancy stays under the cap: where the schedule
    # meets the requirement, voice/chat occupancy is under the cap too
    short = result.coverage.groupby("group")["short"].sum()
    met = [group for group in ("voice", "chat") if short[group] == 0]
    assert "voice" in met  # this instance covers voice fully, so the check below is not vacuous
    assert (summary.loc[met, "share_above_occupancy_cap"] == 0.0).all()


# ------------------------------------------------------------- deferred work (email) as a flow
def deferred(arrived: dict[int, float], due: dict[int, float], shrinkage: float = 0.0,
             closed: Sequence[int] = ()) -> scheduling.DeferredWork:
    """Work per hour of the HOURLY day, in agent-intervals of net work."""
    is_open = np.ones(24, dtype=bool)
    is_open[list(closed)] = False
    return scheduling.DeferredWork(
        arrived=np.array([arrived.get(h, 0.0) for h in range(24)], dtype=float),
        due=np.array([due.get(h, 0.0) for h in range(24)]), shrinkage=np.full(24, shrinkage),
        is_open=is_open)


def run_deferred(work: scheduling.DeferredWork, templates: Sequence[ShiftTemplate],
                 rules: Sequence[BreakRule] = (), required: np.ndarray | None = None) -> ScheduleResult:
    need = np.zeros(24, dtype=int) if required is None else required
    return schedule_requirement(need, HOURLY.interval_starts(), templates, rules, HOURLY, group="email",
                                deferred=work)


def test_deferred_work_flow_is_cheaper_than_covering_a_flat_requirement_and_meets_every_deadline() -> None:
    # flat 1 agent 08:00–16:00 with an unpaid lunch: per interval the lunch hour needs a second
    # shift; as work (7 agent-hours arriving 08:00–15:00, all due by 16:00) one agent clears it.
    rules = [BreakRule("t8", "LUNCH", 60, 180, 300, paid=False)]
    flat = hourly_requirement({h: 1 for h in range(8, 16)})
    covered = run(flat, [at_eight("t8", 8)], rules)
    work = deferred({h: 1 for h in range(8, 15)}, {15: 7.0})
    flowed = run_deferred(work, [at_eight("t8", 8)], rules, required=flat)
    # two shifts of 7 paid hours, 14 working hours against 8 required: 6 over
    over = 6 * HOURLY.overstaff_penalty_per_agent_hour
    assert covered.solve.objective == pytest.approx(2 * 7 * COST + over)
    assert flowed.solve.objective == pytest.approx(7 * COST)  # one shift
    assert flowed.solve.objective < covered.solve.objective
    lateness = scheduling.deferred_lateness(coverage_working(flowed), work)
    assert lateness["overdue"].max() == 0 and flowed.coverage["short"].sum() == 0
    assert flowed.explanations == []
    # required is still reported, for reference
    np.testing.assert_array_equal(flowed.coverage["required"], flat)


def test_deferred_work_is_not_done_before_it_arrives() -> None:
    # 4 agent-hours arriving at 14:00, due by 16:00: one agent would suffice if it could work
    # ahead in the morning; it cannot, so two agents work 14:00–16:00.
    work = deferred({14: 4}, {15: 4.0})
    result = run_deferred(work, [at_eight("t8", 8)])
    assert len(result.shifts) == 2
    assert result.coverage["short"].sum() == 0


def test_deferred_work_counts_shrinkage() -> None:
    # 3 agent-hours of net work at 50 % shrinkage need 6 agent-hours of scheduled work: 2 agents
    work = deferred({8: 3}, {11: 3.0}, shrinkage=0.5)
    result = run_deferred(work, [at_eight("t4", 4)])
    assert len(result.shifts) == 2


def test_deferred_work_late_when_nobody_can_work_is_penalised_and_explained() -> None:
    # work due by 21:00 but the only shift ends at 12:00, and the channel is closed 08:00–09:00
    work = deferred({18: 2}, {20: 2.0})
    result = run_deferred(work, [at_eight("t4", 4)])
    assert len(result.shifts) == 0
    # 2 agent-intervals overdue at the end of 20:00, 21:00, 22:00 and 23:00, each priced as 2 agents
    # short for an interval
    hours = HOURLY.interval_minutes / 60
    assert result.solve.objective == pytest.approx(2 * 4 * HOURLY.shortfall_penalty_per_agent_hour * hours)
    np.testing.assert_array_equal(result.coverage["short"].to_numpy()[20:], [2, 2, 2, 2])
    assert result.explanations == ["Mon 20:00–24:00 (email): 2.0 agent-hours of e-mail answered after its "
                                   "deadline"]
    closed = deferred({8: 1}, {9: 1.0}, closed=[8])
    result = run_deferred(closed, [at_eight("t4", 4)])  # may work at 09:00 only
    assert len(result.shifts) == 1
    assert scheduling.deferred_lateness(coverage_working(result), closed)["overdue"].max() == 0


def test_requirements_carry_deferred_work_in_agent_intervals(small_scenario) -> None:  # type: ignore[no-untyped-def]
    from planner import demand, staffing

    requirements = staffing.requirements(small_scenario, demand.live_demand(small_scenario))
    email = requirements[requirements["kind"] == "email"]
    other = requirements[requirements["kind"] != "email"]
    assert other["work_arrived_agent_intervals"].isna().all()
    assert other["work_due_agent_intervals"].isna().all()
    interval_seconds = small_scenario.settings.interval_minutes * 60.0
    cap = interval_seconds * email["max_occupancy"].iloc[0]
    # conservation: arrived work = workload; due never runs ahead of arrivals; what is not due in
    # the horizon is due after it
    np.testing.assert_allclose(email["work_arrived_agent_intervals"].sum() * cap,
                               email["workload_erlangs"].sum() * interval_seconds)
    arrived = np.cumsum(email["work_arrived_agent_intervals"].to_numpy())
    due = np.cumsum(email["work_due_agent_intervals"].to_numpy())
    assert (due <= arrived + 1e-9).all()
    after = email.loc[email["due_interval_start"].isna(), "work_arrived_agent_intervals"].sum()
    assert due[-1] + after == pytest.approx(arrived[-1])


def test_schedule_scenario_schedules_email_against_deadlines(small_scenario) -> None:  # type: ignore[no-untyped-def]
    from planner import demand, staffing

    templates = (ShiftTemplate("email 4h", "email", 240, earliest_start_minute=480, latest_start_minute=840,
                               start_step_minutes=60, cost_per_hour=COST),)
    scenario = small_scenario.replace(shift_templates=templates, break_rules=())
    requirements = staffing.requirements(scenario, demand.live_demand(scenario))
    result = schedule_scenario(scenario, requirements)
    assert result.per_group["email"].status == SolveStatus.optimal
    email = requirements[requirements["group"] == "email"].reset_index(drop=True)
    cov = result.coverage[result.coverage["group"] == "email"].set_index("interval_start")
    cov = cov.loc[email["interval_start"]]
    kpis = staffing.kpis_at(email, cov["working"].to_numpy(dtype=float))
    assert kpis["deadline_met"].all()  # the independent FIFO re-simulation agrees
    assert cov["short"].sum() == 0
    # the flow model needs no more agent-hours than covering staffing's per-interval requirement
    assert cov["working"].sum() <= email["required_scheduled"].sum()


def two_day_work(due_monday_from: int = 20) -> tuple[Settings, scheduling.DeferredWork]:
    """Open 08:00–20:00; work arriving before ``due_monday_from`` is due Monday 20:00, later work
    (some overnight) Tuesday 20:00."""
    settings = Settings(start_date=MONDAY, days=2, interval_minutes=60, solver_gap=0.0,
                        solver_time_limit_seconds=30.0)
    hours = np.arange(48) % 24
    is_open = (hours >= 8) & (hours < 20)
    arrived = np.where(is_open, 1.0, 0.25)
    due = np.zeros(48)
    due[19], due[43] = arrived[:due_monday_from].sum(), arrived[due_monday_from:44].sum()
    return settings, scheduling.DeferredWork(arrived, due, np.zeros(48), is_open)


def test_deferred_parts_split_where_no_shift_or_work_crosses_and_match_the_whole_model() -> None:
    settings, work = two_day_work()
    day = ShiftTemplate("d8", "email", 480, earliest_start_minute=480, latest_start_minute=720,
                        start_step_minutes=60, cost_per_hour=COST)
    parts = scheduling.independent_parts([day], [], settings, work)
    assert parts == [(0, 32), (32, 48)]  # cut at Tuesday 08:00, just before work can resume
    split = schedule_requirement(np.zeros(48), settings.interval_starts(), [day], [], settings, "email",
                                 deferred=work)
    whole = build_group_model(np.zeros(48), [day], [], settings, "email", deferred=work)
    assert solve(whole.problem, settings).objective == pytest.approx(split.solve.objective)
    assert split.coverage["short"].sum() == 0
    assert "2 independent parts" in split.solve.message
    # a shift working across 08:00 moves the cut before its start (Tuesday 04:00)
    early = ShiftTemplate("e8", "email", 480, earliest_start_minute=240, latest_start_minute=240,
                          start_step_minutes=60, cost_per_hour=COST)
    assert scheduling.independent_parts([day, early], [], settings, work) == [(0, 28), (28, 48)]
    # work arriving Monday afternoon and due Tuesday may be done on Monday: no cut
    settings, work = two_day_work(due_monday_from=12)
    assert scheduling.independent_parts([day], [], settings, work) == [(0, 48)]


def test_coverage_groups_split_into_days_where_no_shift_crosses_and_match_the_whole_model() -> None:
    """Independent parts of a per-interval (voice/chat) group: day shifts split a two-day horizon
    at the last idle interval before the second day's work, and the parts' optima add up to the
    optimum of the horizon as one model (both solved to gap 0)."""
    settings = Settings(start_date=MONDAY, days=2, interval_minutes=60, solver_gap=0.0,
                        solver_time_limit_seconds=30.0)
    day = ShiftTemplate("d4", "voice", 240, earliest_start_minute=480, latest_start_minute=720,
                        start_step_minutes=60, cost_per_hour=COST)
    rules = [BreakRule("d4", "BREAK1", 60, 60, 120)]
    required = hourly_requirement({9: 2, 10: 3, 11: 3, 12: 2, 13: 1}, days=2)
    required[24 + 22] = 1  # Tuesday 22:00: no template covers it (a shortfall the parts must keep)
    assert scheduling.independent_parts([day], rules, settings) == [(0, 32), (32, 48)]
    split = schedule_requirement(required, settings.interval_starts(), [day], rules, settings, "voice")
    whole = build_group_model(required, [day], rules, settings, "voice")
    assert solve(whole.problem, settings).objective == pytest.approx(split.solve.objective)
    assert "2 independent parts" in split.solve.message
    assert split.solve.status == SolveStatus.optimal
    assert split.coverage["short"].sum() == 1
    assert split.explanations == ["Tue 22:00–23:00 (voice): no template covers this interval; 1 agent short"]
    agents = split.shifts["agent"].tolist()
    assert agents == sorted(set(agents))  # numbered once across the parts
    assert_keeps_every_rule(split, [day], rules)
    # a late shift ending at 02:00 still leaves the cut at 08:00 ...
    late = ShiftTemplate("l4", "voice", 240, earliest_start_minute=480, latest_start_minute=1320,
                         start_step_minutes=60, cost_per_hour=COST)
    assert scheduling.independent_parts([day, late], rules, settings) == [(0, 32), (32, 48)]
    # ... but not a one-hour night shift whose start window (22:00 → 09:00) is one day's: no cut
    # inside that window (its per-day bounds would be split), so the cuts move to 22:00
    night = ShiftTemplate("n1", "voice", 60, earliest_start_minute=1320, latest_start_minute=540,
                          start_step_minutes=60, cost_per_hour=COST)
    assert scheduling.independent_parts([day, night], rules, settings) == [(0, 22), (22, 46), (46, 48)]


# ------------------------------------------------------------- repair after a time-limited solve
def _all_constraints_hold(model: scheduling.GroupModel) -> bool:
    return all(c.valid(1e-6) for c in model.problem.constraints())  # PuLP ≥ 3.3 and 4.x


def test_repair_adds_the_shifts_a_poor_incumbent_left_out_and_keeps_every_rule_and_cap() -> None:
    """A solved model reset to an empty schedule (what a time-limited solve might return): the repair
    adds shifts while one costs less than the shortfall it removes and keeps every constraint of
    the model (breaks in windows, stretch, per-start cap)."""
    template = ShiftTemplate("d6", "voice", 360, earliest_start_minute=480, latest_start_minute=600,
                             start_step_minutes=60, cost_per_hour=COST, max_work_stretch_minutes=180,
                             max_agents_per_start=2)
    rules = [BreakRule("d6", "BREAK1", 60, 120, 180)]
    need = hourly_requirement({h: 3 for h in range(9, 14)} | {8: 1, 14: 1, 15: 1})
    model = build_group_model(need, [template], rules, HOURLY, "voice")
    optimum = solve(model.problem, HOURLY)
    assert optimum.status == SolveStatus.optimal
    for var in model.problem.variables():  # the empty schedule: every agent short
        var.varValue = 0.0
    for i, short in model.short.items():
        short.varValue = float(need[i])
    for over in model.over.values():
        over.varValue = 0.0
    assert _all_constraints_hold(model)
    empty = pulp.value(model.problem.objective)
    added = scheduling.repair_shortfall(model)
    assert added > 0
    assert _all_constraints_hold(model)
    assert all(_count_of(v) <= 2 for v in model.x.values())  # the per-start cap holds
    assert pulp.value(model.problem.objective) < empty
    assert pulp.value(model.problem.objective) >= optimum.objective - 1e-6  # a local search, not the optimum
    # the repaired counts expand into agents keeping every rule
    shifts, activities, _ = expand_schedule(model, HOURLY.interval_starts(), 1)
    coverage = scheduling.coverage_from_schedule(shifts, activities, need, HOURLY.interval_starts(), "voice")
    np.testing.assert_array_equal(coverage["working"], scheduling.working_from_solution(model))
    assert coverage["short"].sum() == 0
    # a second pass finds nothing more to add
    assert scheduling.repair_shortfall(model) == 0


def test_repair_adds_no_shift_that_costs_more_than_the_shortfall_it_removes() -> None:
    settings = Settings(start_date=MONDAY, days=1, interval_minutes=60, shortfall_penalty_per_agent_hour=10.0)
    model = build_group_model(hourly_requirement({9: 1}), [at_eight("voice 8h", 8)], [], settings, "voice")
    solve(model.problem, settings)
    assert scheduling.repair_shortfall(model) == 0
    assert model.short[9].varValue == pytest.approx(1.0)


def _count_of(var: pulp.LpVariable) -> int:
    return round(var.varValue or 0.0)


# ------------------------------------------------------------- objective step (bound rounding)
def test_objective_step_is_the_gcd_of_whole_costs_and_none_otherwise() -> None:
    assert objective_step([16.0, 24.0, 32.0, 40.0, 0.0]) == 8
    assert objective_step([175.0, 100.0]) == 25
    assert objective_step([16.0, 0.25]) is None
    assert objective_step([]) is None


def test_shortfall_price_is_rounded_up_to_the_step_of_the_other_costs() -> None:
    # shifts of 4 and 8 hours at 2 per hour (costs 8 and 16: step 8), no over-staffing price; a
    # shortfall price of 10 per agent-hour on the hourly grid is 10 per agent-interval → 16
    settings = replace(HOURLY, shortfall_penalty_per_agent_hour=10.0, overstaff_penalty_per_agent_hour=0.0)
    templates = [replace(at_eight("t4", 4), cost_per_hour=2.0), replace(at_eight("t8", 8), cost_per_hour=2.0)]
    need = hourly_requirement({h: 1 for h in range(8, 12)})

    def short_prices(model: scheduling.GroupModel) -> set[float]:
        short = {id(v) for v in model.short.values()}
        return {round(c, 9) for v, c in model.cost_terms if id(v) in short}

    model = build_group_model(need, templates, [], settings, "voice")
    assert short_prices(model) == {16.0}
    assert all(c % 8 == 0 for _, c in model.cost_terms)
    # a cost that is not whole (an over-staffing price of 0.5 per agent-hour) leaves the price as given
    model = build_group_model(need, templates, [], replace(settings, overstaff_penalty_per_agent_hour=0.5),
                              "voice")
    assert short_prices(model) == {10.0}
