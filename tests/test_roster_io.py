"""People in and out: Contracts/Agents sheets (round trip, located errors), the JSON scenario
codec, the plan workbook's roster sheets, and the per-person schedule export."""

from __future__ import annotations

import io
from datetime import date

import numpy as np
import openpyxl
import pandas as pd
import pytest

from models.codec import frame_to_table, plan_to_document, scenario_from_document, scenario_to_document
from planner import excel, pipeline
from planner.people import FULL_DAY, Agent, Contract, DayWindow
from planner.types import BreakRule, Channel, InputError, Scenario, Segment, Settings, ShiftTemplate
from web.export import parse_filter, shift_records, to_ics

MONDAY = date(2026, 1, 5)
SETTINGS = Settings(start_date=MONDAY, days=7, interval_minutes=60, solver_time_limit_seconds=20.0)
CONTRACTS = (
    Contract(
        "full-time",
        35.0,
        40.0,
        min_days_per_week=5,
        max_days_per_week=5,
        shift_lengths_minutes=(480,),
        max_weekends_per_4_weeks=2,
    ),
    Contract(
        "part-time", 16.0, 24.0, min_days_per_week=2, max_days_per_week=5, shift_lengths_minutes=(240, 480)
    ),
)


def people() -> tuple[Agent, ...]:
    early = tuple(DayWindow(8 * 60, 17 * 60) if d < 5 else None for d in range(7))
    return (
        Agent("E1", "Ada Evans", "full-time", ("voice",), preferred_days_off=frozenset({5, 6})),
        Agent("E2", "Ben Brown", "full-time", ("voice",), recent_weekends_worked=2),
        Agent("E3", "Cleo Costa", "full-time", ("voice",), prefers="late"),
        Agent("P1", "Dev Patel", "part-time", ("voice",), availability=early, time_off=(date(2026, 1, 7),)),
        Agent("P2", "Eve Smith", "part-time", ("voice",), prefers="early"),
    )


def tiny_scenario(agents: tuple[Agent, ...] | None = None) -> Scenario:
    starts = SETTINGS.interval_starts()
    hours = starts.hour.to_numpy()
    contacts = np.where((hours >= 9) & (hours < 17), 25.0, 0.0)
    forecast = pd.DataFrame(
        {
            "interval_start": starts,
            "channel": "voice",
            "segment": "all",
            "contacts": contacts,
            "aht_seconds": np.nan,
        }
    )
    template = ShiftTemplate(
        "day 8h",
        "voice",
        480,
        earliest_start_minute=8 * 60,
        latest_start_minute=9 * 60,
        start_step_minutes=60,
        cost_per_hour=20.0,
    )
    half = ShiftTemplate(
        "day 4h",
        "voice",
        240,
        earliest_start_minute=9 * 60,
        latest_start_minute=13 * 60,
        start_step_minutes=60,
        cost_per_hour=22.0,
    )
    return Scenario(
        name="tiny roster",
        settings=SETTINGS,
        channels=(
            Channel(
                "voice", "voice", aht_seconds=300.0, open_minute=8 * 60, close_minute=18 * 60, shrinkage=0.1
            ),
        ),
        segments=(Segment("all", 0.5, 0.5),),
        forecast=forecast,
        shift_templates=(template, half),
        break_rules=(BreakRule("day 8h", "LUNCH", 60, 180, 240, paid=False),),
        contracts=CONTRACTS,
        agents=people() if agents is None else agents,
    )


def test_people_sheets_round_trip_through_the_workbook() -> None:
    sc = tiny_scenario()
    buffer = io.BytesIO()
    excel.write_scenario(sc, buffer)
    back = excel.read_workbook(buffer.getvalue())
    assert back.contracts == sc.contracts
    assert back.agents == sc.agents
    assert back.equals(sc)


def test_bad_people_cells_are_located() -> None:
    buffer = io.BytesIO()
    excel.write_scenario(tiny_scenario(), buffer)
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    agents = book["Agents"]
    headers = [c.value for c in agents[1]]
    agents.cell(row=2, column=headers.index("contract") + 1, value="night shift")
    agents.cell(row=3, column=headers.index("groups") + 1, value="email")
    agents.cell(row=4, column=headers.index("tue") + 1, value="9 to 5")
    contracts = book["Contracts"]
    contracts.cell(
        row=2, column=[c.value for c in contracts[1]].index("shift_lengths_hours") + 1, value="eight"
    )
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(InputError) as error:
        excel.read_workbook(out.getvalue())
    where = {p.location: str(p) for p in error.value.problems}
    col = openpyxl.utils.get_column_letter
    assert "unknown contract 'night shift'" in where[f"Agents!{col(headers.index('contract') + 1)}2"]
    assert "unknown staffing group" in where[f"Agents!{col(headers.index('groups') + 1)}3"]
    assert "HH:MM-HH:MM" in where[f"Agents!{col(headers.index('tue') + 1)}4"]
    assert any(loc.startswith("Contracts!") and "hours" in text for loc, text in where.items())


def test_people_round_trip_through_the_json_codec() -> None:
    sc = tiny_scenario()
    back = scenario_from_document(scenario_to_document(sc))
    assert back.equals(sc)
    document = scenario_to_document(sc)
    document["agents"][0]["contract"] = "nobody"
    with pytest.raises(InputError, match="unknown contract 'nobody'"):
        scenario_from_document(document)


@pytest.fixture(scope="module")
def tiny_plan() -> pipeline.Plan:
    return pipeline.run_plan(tiny_scenario(), mix=False)


def test_plan_has_one_person_week_per_agent(tiny_plan: pipeline.Plan) -> None:
    roster = tiny_plan.roster
    assert roster is not None
    shifts = tiny_plan.schedule.shifts
    names = {a.agent_id for a in tiny_scenario().agents}
    assert set(shifts["agent"]) <= names  # no phantom agents
    assert shifts.groupby("agent")["start"].apply(lambda s: s.dt.normalize().is_unique).all()
    assert roster.verification["ok"].all()
    assert (
        tiny_plan.kpis["agents_scheduled"] == shifts["agent"].nunique() == tiny_plan.kpis["people_rostered"]
    )
    assert "labour_premium" in tiny_plan.kpis and "shift_labour_cost" in roster.price
    # the weekend cap is hard: E2 has worked 2 of the last 3 weekends, the contract allows 2 in 4
    e2 = shifts[shifts["agent"] == "E2"]
    assert not e2["start"].dt.day_of_week.isin([5, 6]).any()
    # time off and availability hold for P1
    p1 = shifts[shifts["agent"] == "P1"]
    assert not (p1["start"].dt.date == date(2026, 1, 7)).any()
    assert (p1["end"].dt.hour.le(17) | p1.empty).all()


def test_plan_workbook_has_the_roster_sheets(tiny_plan: pipeline.Plan) -> None:
    buffer = io.BytesIO()
    excel.write_plan(tiny_plan, buffer)
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()), read_only=True)
    assert {"Roster", "Roster check", "Fairness", "Roster price", "Contracts", "Agents"} <= set(
        book.sheetnames
    )
    rows = list(book["Roster"].values)
    assert rows[0][:4] == ("agent", "name", "contract", "group")
    assert len(rows) - 1 == len(tiny_scenario().agents)  # everyone is listed, rostered or not
    schedule = list(book["Schedule"].values)
    header = list(schedule[0])
    for row in schedule[1:]:  # each shift lists only the breaks inside it
        start, end, breaks = row[header.index("start")], row[header.index("end")], row[header.index("breaks")]
        assert breaks.count("LUNCH") <= 1
        if breaks:
            hh = int(breaks.split()[1][:2])
            assert start.hour <= hh < end.hour
    assert excel.read_workbook(buffer.getvalue()).equals(tiny_plan.scenario)


def test_export_has_stable_person_ids_and_one_calendar_per_agent(tiny_plan: pipeline.Plan) -> None:
    document = plan_to_document(tiny_plan)
    assert document["roster"]["verification"]["rows"]
    results = {
        "schedule": {
            "shifts": frame_to_table(tiny_plan.schedule.shifts),
            "activities": frame_to_table(tiny_plan.schedule.activities),
        }
    }
    records = shift_records(results, "Europe/London")
    assert {r["agent"] for r in records} == set(tiny_plan.schedule.shifts["agent"])
    assert all(r["name"] for r in records)
    agent = records[0]["agent"]
    selection, problems = parse_filter({"agent": agent}, "Europe/London", ["voice"])
    assert problems == []
    mine = shift_records(results, "Europe/London", selection)
    assert {r["agent"] for r in mine} == {agent} and len(mine) == (
        tiny_plan.schedule.shifts["agent"] == agent
    ).sum()
    calendar = to_ics(mine, "plan-1", pd.Timestamp("2026-01-01T00:00:00Z").to_pydatetime(), "tiny")
    assert calendar.count(b"BEGIN:VEVENT") == len(mine)
    assert records[0]["name"].encode() in calendar


def test_no_agents_gives_an_anonymous_roster_of_person_weeks() -> None:
    capped = (
        Contract(
            "full-time",
            35.0,
            40.0,
            min_days_per_week=5,
            max_days_per_week=5,
            shift_lengths_minutes=(480,),
            max_agents=3,
        ),
    )
    sc = tiny_scenario(agents=()).replace(contracts=capped)
    plan = pipeline.run_plan(sc, mix=False)
    shifts = plan.schedule.shifts
    assert shifts["agent"].str.startswith("Tour ").all()
    assert shifts["agent"].nunique() <= 3  # the head-count limit per contract and group
    assert (shifts.groupby("agent").size() == 5).all()
    assert plan.roster.verification["ok"].all()
    assert FULL_DAY.fits(0, 1440)


def test_a_horizon_longer_than_a_week_is_rostered_week_by_week() -> None:
    from dataclasses import replace

    sc = tiny_scenario()
    settings = replace(SETTINGS, days=14)
    starts = settings.interval_starts()
    hours = starts.hour.to_numpy()
    forecast = pd.DataFrame(
        {
            "interval_start": starts,
            "channel": "voice",
            "segment": "all",
            "contacts": np.where((hours >= 9) & (hours < 17), 10.0, 0.0),
            "aht_seconds": np.nan,
        }
    )
    plan = pipeline.run_plan(sc.replace(settings=settings, forecast=forecast), mix=False)
    assert plan.roster is not None and not any("Roster not computed" in n for n in plan.explanations)
    weekdays = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}
    days = [c for c in plan.roster.roster.columns if c[:3] in weekdays]
    assert len(days) == 14 and days[0] == "Mon 05 Jan" and days[-1] == "Sun 18 Jan"
    shifts = plan.schedule.shifts
    assert set(shifts["start"].dt.normalize()) > {pd.Timestamp(SETTINGS.start_date) + pd.Timedelta(days=7)}
    assert plan.roster.verification["ok"].all()  # every person checked over the 14 days
    assert set(plan.roster.verification["agent"]) == set(shifts["agent"])
