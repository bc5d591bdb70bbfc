"""Weekly tours of people: each constraint family alone on a tiny instance, the split, the
assignment, and the independent verifier fed broken rosters."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from planner.people import FULL_DAY, Agent, Contract, DayWindow
from planner.roster import roster_scenario, verify_roster
from planner.roster.model import build_tour_model
from planner.roster.solve import solve_tour_model
from planner.roster.split import split_tours
from planner.roster.tours import (
    Profile,
    anonymous_profiles,
    longest_cyclic_run,
    start_bands,
    tour_classes,
    week_patterns,
)
from planner.shifts import template_plan
from planner.types import BreakRule, Channel, InputError, Scenario, Segment, Settings, ShiftTemplate

MONDAY = date(2026, 1, 5)
HOURLY = Settings(
    start_date=MONDAY, days=7, interval_minutes=60, solver_gap=0.0, solver_time_limit_seconds=20.0
)
DAY = ShiftTemplate(
    "day 8h",
    "voice",
    480,
    earliest_start_minute=8 * 60,
    latest_start_minute=10 * 60,
    start_step_minutes=60,
    cost_per_hour=20.0,
)
LUNCH = BreakRule("day 8h", "LUNCH", 60, 180, 240, paid=False)
FIVE_DAYS = Contract(
    "full-time",
    35.0,
    40.0,
    min_days_per_week=5,
    max_days_per_week=5,
    consecutive_days_off=2,
    max_consecutive_days=5,
    max_start_variance_minutes=60,
)


def weekly_need(weekday: int, weekend: int, hours: range = range(9, 17)) -> np.ndarray:
    """Agents required per hour of the week: ``weekday`` Mon–Fri and ``weekend`` Sat–Sun in ``hours``."""
    need = np.zeros(7 * 24, dtype=int)
    for day in range(7):
        for hour in hours:
            need[day * 24 + hour] = weekday if day < 5 else weekend
    return need


def scenario(
    contracts: tuple[Contract, ...] = (FIVE_DAYS,),
    agents: tuple[Agent, ...] = (),
    templates: tuple[ShiftTemplate, ...] = (DAY,),
    breaks: tuple[BreakRule, ...] = (),
) -> Scenario:
    starts = HOURLY.interval_starts()
    forecast = pd.DataFrame(
        {
            "interval_start": starts,
            "channel": "voice",
            "segment": "all",
            "contacts": 0.0,
            "aht_seconds": np.nan,
        }
    )
    return Scenario(
        name="tiny",
        settings=HOURLY,
        channels=(Channel("voice", "voice", aht_seconds=300.0),),
        segments=(Segment("all", 0.5, 0.5),),
        forecast=forecast,
        shift_templates=templates,
        break_rules=breaks,
        contracts=contracts,
        agents=agents,
    )


def requirements(need: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "interval_start": HOURLY.interval_starts(),
            "group": "voice",
            "required_scheduled": need.astype(float),
            "kind": "voice",
        }
    )


# ------------------------------------------------------------------------------------------------
# tour classes: each weekly rule holds by construction
# ------------------------------------------------------------------------------------------------
def test_cyclic_runs_cross_the_week_boundary() -> None:
    assert longest_cyclic_run([True, True, False, False, True, True, True], True) == 5  # Fri–Tue
    assert longest_cyclic_run([False, True, True, True, True, True, False], False) == 2  # Sun+Mon
    assert longest_cyclic_run([True] * 7, True) == 7


def test_five_days_with_two_consecutive_off_are_the_seven_rotations() -> None:
    # 5 of 7 days with both days off adjacent on the cycle: exactly 7 patterns (one per first day off)
    patterns = week_patterns(FIVE_DAYS)
    assert len(patterns) == 7
    assert all(sum(p) == 5 and longest_cyclic_run(p, False) >= 2 for p in patterns)


def test_max_consecutive_days_family() -> None:
    loose = Contract(
        "c", 0, 80, min_days_per_week=6, max_days_per_week=6, consecutive_days_off=0, max_consecutive_days=7
    )
    tight = Contract(
        "c", 0, 80, min_days_per_week=6, max_days_per_week=6, consecutive_days_off=0, max_consecutive_days=5
    )
    assert len(week_patterns(loose)) == 7
    assert week_patterns(tight) == []  # six days of seven always make a cyclic run of six


def test_start_band_width_family() -> None:
    plan = template_plan(
        ShiftTemplate("t", "g", 480, earliest_start_minute=6 * 60, latest_start_minute=12 * 60), [], 15
    )
    for width in (0, 60, 120):
        bands = start_bands(plan, width)
        assert all(b[-1] - b[0] <= width for b in bands)
        assert sorted(m for b in bands for m in b) == list(range(6 * 60, 12 * 60 + 1, 15))


def _classes(
    contract: Contract,
    windows: tuple[DayWindow | None, ...] | None = None,
    template: ShiftTemplate = DAY,
    weekend_cap: int | None = None,
) -> list:
    plan = template_plan(template, [], 60)
    profile = Profile("p", contract, ("voice",), windows or (FULL_DAY,) * 7, (), None, weekend_cap)
    return tour_classes(
        [plan], [start_bands(plan, contract.max_start_variance_minutes)], [profile], HOURLY, [set(range(7))]
    )


def test_weekly_hours_family() -> None:
    # an 8 h shift without unpaid breaks pays 8 h: 30–32 h allows only four days
    four = Contract("c", 30.0, 32.0, min_days_per_week=3, max_days_per_week=5)
    assert {len(c.days) for c in _classes(four)} == {4}
    assert all(c.paid_hours == 32.0 for c in _classes(four))
    assert _classes(Contract("c", 33.0, 34.0, min_days_per_week=3, max_days_per_week=5)) == []


def test_rest_family() -> None:
    long_shift = ShiftTemplate(
        "long", "voice", 600, earliest_start_minute=6 * 60, latest_start_minute=12 * 60, start_step_minutes=60
    )
    ok = Contract("c", 0, 80, max_start_variance_minutes=180, min_rest_hours=11)  # 24 − 3 − 10 = 11 h
    short = Contract("c", 0, 80, max_start_variance_minutes=240, min_rest_hours=11)  # 24 − 4 − 10 = 10 h
    assert {c.band for c in _classes(ok, template=long_shift)} == {0, 1}  # 06–09 and 10–12
    # bands 06–10 (4 h wide: 10 h rest) and 11–12: only the narrow one keeps 11 h of rest
    assert {c.band for c in _classes(short, template=long_shift)} == {1}


def test_availability_family() -> None:
    windows = (FULL_DAY, FULL_DAY, None, FULL_DAY, DayWindow(8 * 60, 17 * 60), FULL_DAY, FULL_DAY)
    classes = _classes(FIVE_DAYS, windows)
    assert classes
    assert all(2 not in c.days for c in classes)  # Wednesday off
    plan_bands = start_bands(template_plan(DAY, [], 60), 60)
    assert any(4 in c.days for c in classes)
    assert all(plan_bands[c.band][-1] + 480 <= 17 * 60 for c in classes if 4 in c.days)


def test_weekend_cap_family() -> None:
    assert all(not {5, 6} & set(c.days) for c in _classes(FIVE_DAYS, weekend_cap=0))


# ------------------------------------------------------------------------------------------------
# the model: linking, head-count caps, coverage net of breaks, exact split
# ------------------------------------------------------------------------------------------------
def _solve(need: np.ndarray, caps: list[int | None], breaks: tuple[BreakRule, ...] = ()):
    profiles = anonymous_profiles([FIVE_DAYS], ["voice"], HOURLY)
    model = build_tour_model(need, [DAY], list(breaks), HOURLY, "voice", profiles, caps)
    result = solve_tour_model(model, need, [DAY], list(breaks), HOURLY, 20.0)
    return model, result


def test_linking_and_split_are_exact() -> None:
    need = weekly_need(2, 1)
    model, result = _solve(need, [None], (LUNCH,))
    assert result.has_solution
    split = split_tours(model)
    assert split.unmatched_starts == 0 and split.empty_days == 0
    shifts = sum(round(v.varValue or 0) for v in model.base.x.values())
    assert sum(len(t.shifts) for t in split.tours) == shifts
    assert all(len(t.shifts) == 5 for t in split.tours)


def test_headcount_cap_family() -> None:
    need = weekly_need(3, 3)
    _, free = _solve(need, [None])
    model, capped = _solve(need, [2])
    assert len(split_tours(model).tours) <= 2
    assert capped.objective > free.objective  # fewer people: shortfall is paid for


def test_coverage_is_net_of_breaks() -> None:
    # one agent all day needs cover during lunch: with a lunch, two tours per weekday are needed
    need = weekly_need(1, 0)
    model, _ = _solve(need, [None], (LUNCH,))
    without, _ = _solve(need, [None])
    assert len(split_tours(model).tours) > len(split_tours(without).tours)


# ------------------------------------------------------------------------------------------------
# roster of named agents and the verifier
# ------------------------------------------------------------------------------------------------
def _agents(count: int, **kwargs: object) -> tuple[Agent, ...]:
    return tuple(
        Agent(f"P{k:02d}", f"Person {k}", "full-time", ("voice",), **kwargs)  # type: ignore[arg-type]
        for k in range(count)
    )


def test_named_roster_one_person_week_each_and_verified() -> None:
    agents = _agents(5, preferred_days_off=frozenset({5, 6}))
    sc = scenario(agents=agents, breaks=(LUNCH,))
    result = roster_scenario(sc, requirements(weekly_need(2, 1)))
    shifts = result.schedule.shifts
    assert set(shifts["agent"]) <= {a.agent_id for a in agents}
    per_agent = shifts.groupby("agent")["start"].apply(lambda s: s.dt.normalize().nunique())
    assert (per_agent == shifts.groupby("agent").size()).all()  # one shift a day per person
    assert result.verification["ok"].all()
    assert len(result.roster) == len(agents)  # the people not needed are listed too
    rostered = set(result.roster.loc[result.roster["days_worked"] > 0, "agent"])
    assert rostered == set(shifts["agent"]) and len(rostered) + len(result.unassigned) == len(agents)


def test_people_shortfall_is_explained() -> None:
    sc = scenario(agents=_agents(2))
    result = roster_scenario(sc, requirements(weekly_need(3, 3)))
    assert (result.schedule.coverage["short"] > 0).any()
    assert any("short" in line and "one more 'full-time' person" in line for line in result.explanations)


def test_agent_no_tour_fits_is_reported_not_dropped() -> None:
    mornings = (DayWindow(6 * 60, 12 * 60),) * 7  # no 8 h shift fits
    agents = (*_agents(2), Agent("X1", "Early Bird", "full-time", ("voice",), availability=mornings))
    result = roster_scenario(scenario(agents=agents), requirements(weekly_need(1, 1)))
    row = result.unassigned[result.unassigned["agent"] == "X1"]
    assert len(row) == 1 and "availability" in row["reason"].iloc[0]


def test_roster_needs_contracts_and_a_week() -> None:
    with pytest.raises(InputError, match="contract"):
        roster_scenario(scenario(contracts=()), requirements(weekly_need(1, 1)))


@pytest.fixture(scope="module")
def valid_roster() -> tuple[Scenario, pd.DataFrame, pd.DataFrame]:
    sc = scenario(agents=_agents(4), breaks=(LUNCH,))
    result = roster_scenario(sc, requirements(weekly_need(2, 1)))
    assert result.verification["ok"].all()
    return sc, result.schedule.shifts, result.schedule.activities


def _first_agent(shifts: pd.DataFrame) -> str:
    return str(shifts["agent"].iloc[0])


def _problems(sc: Scenario, shifts: pd.DataFrame, activities: pd.DataFrame, agent: str) -> str:
    report = verify_roster(shifts, activities, sc)
    row = report[report["agent"] == agent]
    assert not bool(row["ok"].iloc[0])
    return str(row["problems"].iloc[0])


def test_verifier_flags_a_sixth_day(valid_roster) -> None:
    sc, shifts, activities = valid_roster
    agent = _first_agent(shifts)
    own = shifts[shifts["agent"] == agent]
    worked = set(own["start"].dt.normalize())
    free_day = next(
        pd.Timestamp(MONDAY) + pd.Timedelta(days=k)
        for k in range(7)
        if pd.Timestamp(MONDAY) + pd.Timedelta(days=k) not in worked
    )
    extra = own.iloc[[0]].copy()
    shift_by = free_day - extra["start"].iloc[0].normalize()
    extra["start"] += shift_by
    extra["end"] += shift_by
    text = _problems(sc, pd.concat([shifts, extra], ignore_index=True), activities, agent)
    assert "6 working days" in text and "paid hours" in text


def test_verifier_flags_short_rest_and_start_variance(valid_roster) -> None:
    sc, shifts, activities = valid_roster
    agent = _first_agent(shifts)
    broken = shifts.copy()
    rows = broken.index[broken["agent"] == agent]
    first = rows[0]
    broken.loc[first, "start"] += pd.Timedelta(hours=8)  # a late shift the day before an early one
    broken.loc[first, "end"] += pd.Timedelta(hours=8)
    moved = activities.copy()
    mask = (
        (moved["agent"] == agent)
        & (moved["start"] >= shifts.loc[first, "start"])
        & (moved["start"] < shifts.loc[first, "end"])
    )
    moved.loc[mask, ["start", "end"]] += pd.Timedelta(hours=8)
    text = _problems(sc, broken, moved, agent)
    assert "h rest between two shifts" in text and "start times vary" in text


def test_verifier_flags_a_missing_break_and_availability(valid_roster) -> None:
    sc, shifts, activities = valid_roster
    agent = _first_agent(shifts)
    first = shifts[shifts["agent"] == agent].iloc[0]
    dropped = activities[
        ~(
            (activities["agent"] == agent)
            & (activities["start"] >= first["start"])
            & (activities["start"] < first["end"])
        )
    ]
    assert "LUNCH not taken" in _problems(sc, shifts, dropped, agent)
    weekday = first["start"].weekday()
    strict = tuple(None if d == weekday else FULL_DAY for d in range(7))
    limited = tuple(replace_agent(a, availability=strict) if a.agent_id == agent else a for a in sc.agents)
    assert "not available" in _problems(sc.replace(agents=limited), shifts, activities, agent)


def test_verifier_flags_skills_and_unknown_people(valid_roster) -> None:
    sc, shifts, activities = valid_roster
    agent = _first_agent(shifts)
    chat_only = tuple(replace_agent(a, groups=("chat",)) if a.agent_id == agent else a for a in sc.agents)
    from planner.types import default_staffing_groups

    channels = (*sc.channels, Channel("chat", "chat", aht_seconds=300.0))
    two_groups = sc.replace(
        channels=channels,
        staffing_groups=default_staffing_groups(channels, sc.segments),
        forecast=pd.concat([sc.forecast, sc.forecast.assign(channel="chat")], ignore_index=True),
        agents=chat_only,
    )
    assert "skilled for chat" in _problems(two_groups, shifts, activities, agent)
    phantom = shifts.copy()
    phantom.loc[phantom.index[0], "agent"] = "Agent 001"
    report = verify_roster(phantom, activities, sc)
    assert not report.loc[report["agent"] == "Agent 001", "ok"].iloc[0]


def replace_agent(agent: Agent, **changes: object) -> Agent:
    from dataclasses import replace

    return replace(agent, **changes)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------------
# inputs
# ------------------------------------------------------------------------------------------------
def test_contract_and_agent_validation_names_every_field() -> None:
    with pytest.raises(InputError) as error:
        Contract("", 40.0, 30.0, min_days_per_week=6, max_days_per_week=5, min_rest_hours=30)
    fields = {p.field for p in error.value.problems}
    assert {"name", "min_hours_per_week", "min_days_per_week", "min_rest_hours"} <= fields
    with pytest.raises(InputError) as error:
        Agent("A1", "x", "full-time", (), availability=(None,) * 7, prefers="night")  # type: ignore[arg-type]
    assert {"groups", "availability", "prefers"} <= {p.field for p in error.value.problems}


def test_scenario_checks_agent_references() -> None:
    with pytest.raises(InputError) as error:
        scenario(agents=(Agent("A1", "x", "unknown", ("email",)), Agent("A1", "y", "full-time", ("voice",))))
    text = str(error.value)
    assert "unknown contract 'unknown'" in text and "unknown staffing group" in text and "used twice" in text


def test_contract_hours_no_template_reaches_are_explained() -> None:
    # 8 h shifts (8 paid hours, no unpaid break) on 5 days make 40 h: 30–32 h is out of reach
    odd = Contract("thirty", 30.0, 32.0, min_days_per_week=5, max_days_per_week=5)
    result = roster_scenario(scenario(contracts=(odd, FIVE_DAYS)), requirements(weekly_need(1, 1)))
    lines = [line for line in result.explanations if line.startswith("thirty")]
    assert lines and "needs 30–32 paid hours" in lines[0] and "5 × 8 h = 40 h" in lines[0]
    assert (
        result.verification["ok"].all()
        and (result.schedule.shifts["profile"].str.startswith("full-time")).all()
    )


def test_tours_matched_to_a_day_by_day_schedule() -> None:
    """The second candidate: tours whose agents on shift follow a day-by-day schedule."""
    from planner.roster.solve import band_counts, match_day_shifts
    from planner.scheduling import schedule_requirement

    need = weekly_need(2, 2)  # 2 every day: the day model starts 2 shifts a day, 14 a week
    day = schedule_requirement(need, HOURLY.interval_starts(), [DAY], [], HOURLY, "voice")
    assert len(day.shifts) == 14
    profiles = anonymous_profiles([FIVE_DAYS], ["voice"], HOURLY)
    model = build_tour_model(need, [DAY], [], HOURLY, "voice", profiles, [3])
    tours = match_day_shifts(model, day.shifts, HOURLY, 10.0)
    # 14 shift-days need three five-day tours (15 ≥ 14); the head-count cap (3) holds
    assert tours is not None and sum(tours.values()) == 3
    per_day: dict[int, int] = {}
    for (_, _, d), n in band_counts(model, tours).items():
        per_day[d] = per_day.get(d, 0) + n
    assert sum(per_day.values()) == 15 and all(per_day.get(d, 0) >= 2 for d in range(7))


def test_the_shift_models_bound_is_used_only_when_it_is_better() -> None:
    from planner.roster.roster import _with_shift_bound
    from planner.solver import SolveResult, SolveStatus

    tours = SolveResult(SolveStatus.feasible, 103.0, 100.0, 0.03, 1.0, "tours")
    better = _with_shift_bound(tours, SolveResult(SolveStatus.optimal, 101.0, 102.5, 0.0, 1.0, ""), 0.01)
    assert better.best_bound == 102.5 and better.status == SolveStatus.optimal and better.gap < 0.01
    worse = _with_shift_bound(tours, SolveResult(SolveStatus.optimal, 99.0, 98.0, 0.0, 1.0, ""), 0.01)
    assert worse == tours


def test_roster_re_plan_starts_from_its_previous_person_weeks() -> None:
    # the second roster of the same scenario starts phase 1 of each group from the first one's
    # person-weeks: the start is accepted (its completed objective is known) and never beaten by it
    agents = _agents(5)
    sc = scenario(agents=agents, breaks=(LUNCH,))
    need = requirements(weekly_need(2, 1))
    first = roster_scenario(sc, need)
    again = roster_scenario(sc, need, previous_shifts=first.schedule.shifts)
    solved = again.schedule.per_group["voice"]
    assert np.isfinite(solved.start_objective)
    assert solved.objective <= solved.start_objective + 1e-6
    assert solved.objective == pytest.approx(first.schedule.per_group["voice"].objective)
    assert again.verification["ok"].all()
    # a previous roster of another group starts nothing
    other = first.schedule.shifts.assign(group="chat")
    cold = roster_scenario(sc, need, previous_shifts=other)
    assert not np.isfinite(cold.schedule.per_group["voice"].start_objective)


def test_last_group_gap_keeps_the_sets_summed_gap_within_the_target() -> None:
    from planner.roster.roster import last_group_gap

    # earlier groups: objectives 100 + 50 at gaps 0.5 % and 0.4 % (0.5 + 0.2 = 0.7 below their
    # bounds); target 1 %: the last group (about 20) may be 0.01 × (150 + 20) − 0.7 = 1.0 above
    # its bound, 5 % of 20
    aim = last_group_gap(0.01, 150.0, 0.7, 20.0)
    assert aim == pytest.approx(0.01 + (1.5 - 0.7) / 20.0)
    assert (0.7 + aim * 20.0) / (150.0 + 20.0) == pytest.approx(0.01)
    assert last_group_gap(0.01, 150.0, 2.0, 20.0) == 0.01  # earlier groups over budget: the target
    assert last_group_gap(0.01, 0.0, 0.0, 20.0) == 0.01  # nothing before it
    assert last_group_gap(0.01, 150.0, 0.7, float("nan")) == 0.01  # no estimate
    assert last_group_gap(0.01, 1e6, 0.0, 1.0) == 0.5  # capped
