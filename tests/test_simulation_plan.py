"""Simulating a real plan: inputs from the public result frames, the report, the workbook, the CLI.

The plan is the small one-day scenario of ``conftest.py`` with 4- and 8-hour shifts with breaks,
solved with a loose gap (about a second).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from planner import excel, pipeline, simulation
from planner.cli import main
from planner.excel.simulation import SHEET, read_plan_schedule
from planner.simulation import SimulationInputError, SimulationOptions
from planner.types import BreakRule, Scenario, Settings, ShiftTemplate
from tests.conftest import SMALL_START, build_small_scenario


def _scheduled_scenario(**overrides: object) -> Scenario:
    templates, breaks = [], []
    for group in ("voice", "chat", "email"):
        for hours in (4, 8):
            name = f"{group} {hours}h"
            templates.append(ShiftTemplate(name, group, hours * 60, earliest_start_minute=480,
                                           latest_start_minute=1200 - hours * 60, start_step_minutes=30,
                                           max_work_stretch_minutes=150))
            breaks.append(BreakRule(name, "BREAK1", 15, 75, 135, paid=True))
            if hours == 8:
                breaks.append(BreakRule(name, "LUNCH", 30, 210, 270, paid=False))
                breaks.append(BreakRule(name, "BREAK2", 15, 330, 390, paid=True))
    return build_small_scenario(shift_templates=tuple(templates), break_rules=tuple(breaks),
                                settings=Settings(start_date=SMALL_START, days=1, solver_time_limit_seconds=3,
                                                  solver_gap=0.05), **overrides)


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return _scheduled_scenario()


@pytest.fixture(scope="module")
def plan(scenario: Scenario) -> pipeline.Plan:
    return pipeline.run_plan(scenario, mix=False)


@pytest.fixture(scope="module")
def result(plan: pipeline.Plan) -> simulation.SimulationResult:
    return simulation.simulate_plan(plan, SimulationOptions(replications=8, seed=3))


def test_inputs_read_the_schedule_as_the_plan_counted_it(plan: pipeline.Plan) -> None:
    inputs = simulation.from_plan(plan, SimulationOptions(replications=2))
    assert [g.group for g in inputs.groups] == ["voice", "chat", "email"]
    for group in inputs.groups:
        rows = plan.coverage[plan.coverage["group"] == group.group]
        np.testing.assert_array_equal(group.agents.working(group.intervals), rows["scheduled"].to_numpy())
        np.testing.assert_allclose(group.contacts, rows["live_contacts"].to_numpy())
    chat = next(g for g in inputs.groups if g.kind == "chat")
    assert chat.slots == 2  # sessions at concurrency 2 last 1.5 × the single-session AHT
    req = plan.requirements[plan.requirements["group"] == "chat"]
    np.testing.assert_allclose(chat.handle_seconds[req["live_contacts"].to_numpy() > 0],
                               1.5 * req["aht_seconds"].to_numpy()[req["live_contacts"].to_numpy() > 0])


def test_report_levels_are_consistent(plan: pipeline.Plan, result: simulation.SimulationResult) -> None:
    week, days, intervals = result.week, result.days, result.intervals
    assert list(week["group"]) == ["voice", "chat", "email"]
    assert len(intervals) == 3 * len(plan.scenario.settings.interval_starts())
    for frame in (week, days, intervals):
        ok = frame["ci_low"].notna()
        assert (frame.loc[ok, "ci_low"] <= frame.loc[ok, "simulated_service_level"] + 1e-12).all()
        assert (frame.loc[ok, "simulated_service_level"] <= frame.loc[ok, "ci_high"] + 1e-12).all()
    # one day: the day is the week; the week's prediction is the contact-weighted mean of intervals
    pd.testing.assert_series_equal(week["simulated_service_level"], days["simulated_service_level"],
                                   check_names=False)
    voice = intervals[intervals["group"] == "voice"]
    weighted = np.nansum(voice["predicted_service_level"] * voice["live_contacts"]) / \
        voice.loc[voice["predicted_service_level"].notna(), "live_contacts"].sum()
    assert week.iloc[0]["predicted_service_level"] == pytest.approx(weighted)
    # simulated contacts are Poisson around the plan's live contacts (8 replications)
    for _, row in week.iterrows():
        sd = np.sqrt(row["live_contacts"] / 8)
        assert abs(row["simulated_contacts"] - row["live_contacts"]) < 4 * sd
    # outside ⇔ the prediction is outside the interval, and each such interval has a reason
    outside = intervals[intervals["outside"]]
    assert ((outside["predicted_service_level"] < outside["ci_low"])
            | (outside["predicted_service_level"] > outside["ci_high"])).all()
    assert (outside["reason"].str.len() > 0).all()
    assert (intervals.loc[~intervals["outside"], "reason"] == "").all()
    late = result.late_breaks
    assert (late["breaks_late_share"].dropna().between(0, 1)).all()
    assert len(result.notes) >= 3


def test_same_seed_gives_the_same_report(plan: pipeline.Plan, result: simulation.SimulationResult) -> None:
    again = simulation.simulate_plan(plan, SimulationOptions(replications=8, seed=3))
    pd.testing.assert_frame_equal(again.intervals, result.intervals)
    other = simulation.simulate_plan(plan, SimulationOptions(replications=8, seed=4))
    assert not other.intervals["simulated_service_level"].equals(result.intervals["simulated_service_level"])


def test_json_has_the_published_fields_at_every_level(result: simulation.SimulationResult) -> None:
    document = json.loads(json.dumps(result.to_json(), allow_nan=False))
    keys = {"group", "predicted_service_level", "simulated_service_level", "ci_low", "ci_high"}
    for group in document["groups"]:
        assert keys <= set(group)
        assert group["days"] and all(keys <= set(d) for d in group["days"])
        assert group["intervals"] and all(keys <= set(i) for i in group["intervals"])
        assert {"simulated_service_level_offered", "simulated_service_level_answered"} <= set(group)
    assert document["replications"] == 8 and document["seed"] == 3


def test_a_plan_without_schedule_is_refused(scenario: Scenario) -> None:
    bare = pipeline.run_plan(scenario, schedule=False, mix=False)
    with pytest.raises(SimulationInputError, match="no schedule"):
        simulation.simulate_plan(bare, SimulationOptions(replications=2))


def test_a_plan_of_another_scenario_is_refused(plan: pipeline.Plan) -> None:
    busier = plan.scenario.replace(forecast=plan.scenario.forecast.assign(
        contacts=plan.scenario.forecast["contacts"] * 1.1))
    with pytest.raises(SimulationInputError, match="another scenario: live contacts of group"):
        simulation.simulation_inputs(plan.requirements, plan.coverage, plan.schedule.shifts,
                                     plan.schedule.activities, scenario=busier)
    same = simulation.simulation_inputs(plan.requirements, plan.coverage, plan.schedule.shifts,
                                        plan.schedule.activities, scenario=plan.scenario)
    assert len(same.groups) == 3


def test_a_schedule_that_is_not_the_plans_is_refused(plan: pipeline.Plan) -> None:
    first = plan.schedule.shifts["agent"].iloc[0]
    shifts = plan.schedule.shifts.iloc[1:]
    activities = plan.schedule.activities[plan.schedule.activities["agent"] != first]
    with pytest.raises(SimulationInputError, match="does not belong to this plan"):
        simulation.simulation_inputs(plan.requirements, plan.coverage, shifts, activities)
    moved = plan.schedule.shifts.copy()
    moved.loc[0, "start"] = moved.loc[0, "start"] + pd.Timedelta(minutes=5)
    with pytest.raises(SimulationInputError, match="off the 15-minute interval grid"):
        simulation.simulation_inputs(plan.requirements, plan.coverage, moved, plan.schedule.activities)
    activities = plan.schedule.activities.copy()
    activities.loc[0, ["start", "end"]] = [pd.Timestamp("2026-01-05 03:00"), pd.Timestamp("2026-01-05 03:15")]
    with pytest.raises(SimulationInputError, match="lies outside every shift of that agent"):
        simulation.simulation_inputs(plan.requirements, plan.coverage, plan.schedule.shifts, activities)


def test_workbook_sheet_and_replay_of_a_plan_workbook(plan: pipeline.Plan,
                                                      result: simulation.SimulationResult) -> None:
    buffer = io.BytesIO()
    excel.write_plan(plan, buffer, simulation=result)
    buffer.seek(0)
    book = openpyxl.load_workbook(buffer)
    ws = book[SHEET]
    assert len(ws._charts) == 2  # voice and chat: predicted vs simulated with the CI band
    values = [row for row in ws.iter_rows(values_only=True)]
    assert any(row[0] == "interval_start" or row[1] == "interval_start" for row in values)
    assert book.sheetnames.index(SHEET) < book.sheetnames.index("Settings")
    buffer.seek(0)
    assert excel.read_workbook(buffer).equals(plan.scenario)  # still reads back as its scenario
    buffer.seek(0)
    stored = read_plan_schedule(buffer)
    assert stored is not None and len(stored.shifts) == len(plan.schedule.shifts)
    replay = simulation.inputs_from_schedule(plan.scenario, stored.shifts, stored.activities,
                                             SimulationOptions(replications=2), stored_live=stored.coverage)
    original = simulation.from_plan(plan, SimulationOptions(replications=2))
    np.testing.assert_allclose(replay.predicted["predicted_service_level"].to_numpy(),
                               original.predicted["predicted_service_level"].to_numpy(), equal_nan=True)
    changed = stored.coverage.assign(live_contacts=stored.coverage["live_contacts"] + 1.0)
    with pytest.raises(SimulationInputError, match="Coverage: the plan was computed for another scenario"):
        simulation.inputs_from_schedule(plan.scenario, stored.shifts, stored.activities,
                                        stored_live=changed)


def test_cli_simulate_json_and_bad_input(tmp_path: Path, scenario: Scenario,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    workbook = tmp_path / "small.xlsx"
    excel.write_scenario(scenario, workbook)
    assert main(["simulate", str(workbook), "--replications", "2", "--seed", "5", "--json"]) == 0
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    assert "simulation: replication 2 of 2" in captured.err
    voice = document["groups"][0]
    assert voice["group"] == "voice" and 0 <= voice["simulated_service_level"] <= 1
    assert len(voice["days"]) == 1 and len(voice["intervals"]) == 96
    assert main(["simulate", str(workbook), "--replications", "0"]) == 2
    assert "--replications must be a whole number ≥ 1" in capsys.readouterr().err
    bare = tmp_path / "bare_plan.xlsx"
    assert main(["plan", str(workbook), "-o", str(bare), "--no-schedule", "--no-mix"]) == 0
    capsys.readouterr()
    assert main(["simulate", str(bare), "--replications", "2"]) == 1
    assert "no schedule" in capsys.readouterr().err


def test_cli_plan_with_simulate_adds_the_sheet(tmp_path: Path, scenario: Scenario,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    workbook = tmp_path / "small.xlsx"
    excel.write_scenario(scenario, workbook)
    out = tmp_path / "plan.xlsx"
    assert main(["plan", str(workbook), "-o", str(out), "--no-mix", "--simulate", "3"]) == 0
    captured = capsys.readouterr()
    assert "Simulation: 3 replication(s)" in captured.out and "replication 3 of 3" in captured.err
    book = openpyxl.load_workbook(out, read_only=True)
    assert SHEET in book.sheetnames
    book.close()
    # the plan workbook is replayed as it is: the same predictions, no new solve
    assert main(["simulate", str(out), "--replications", "2"]) == 0
    assert "replaying the schedule stored in" in capsys.readouterr().err


def test_cli_simulate_correct_replans_against_the_corrected_requirement(
        tmp_path: Path, scenario: Scenario, capsys: pytest.CaptureFixture[str]) -> None:
    workbook = tmp_path / "small.xlsx"
    excel.write_scenario(scenario, workbook)
    out = tmp_path / "corrected.xlsx"
    assert main(["simulate", str(workbook), "--replications", "3", "--correct", "-o", str(out),
                 "--json"]) == 0
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    correction = document["correction"]
    assert {row["group"] for row in correction["intervals"]} == {"voice", "chat"}
    for row in correction["intervals"]:
        assert row["change"] == row["corrected_net"] - row["analytic_net"]
    assert any("ISA correction" in note for note in document["notes"])
    assert "correction: voice, ISA iteration 1" in captured.err
    book = openpyxl.load_workbook(out, read_only=True)
    rows = [r[0] for r in book[SHEET].iter_rows(values_only=True) if r and isinstance(r[0], str)]
    book.close()
    assert any(text.startswith("ISA correction: scheduled agent-hours moved") for text in rows)
    assert main(["simulate", str(out), "--correct"]) == 2  # a plan workbook is replayed, not re-planned
    assert "--correct plans again" in capsys.readouterr().err


def test_replications_run_in_worker_processes_give_the_same_report(plan: pipeline.Plan) -> None:
    from concurrent.futures import ProcessPoolExecutor

    inputs = simulation.from_plan(plan, SimulationOptions(replications=4, seed=9))
    serial = simulation.simulate(inputs)
    with ProcessPoolExecutor(max_workers=2) as pool:
        mapped = simulation.simulate(inputs, mapper=pool.map)
    pd.testing.assert_frame_equal(serial.intervals, mapped.intervals)
    assert serial.contacts == mapped.contacts


def test_an_agent_with_several_shift_rows_is_one_stretch_per_row(plan: pipeline.Plan) -> None:
    """Weekly tours name one agent on several rows: each row is an on-duty stretch minus that
    agent's breaks inside it."""
    shifts = plan.schedule.shifts.copy()
    activities = plan.schedule.activities.copy()
    voice = shifts[shifts["group"] == "voice"].sort_values("start")
    early = voice.iloc[0]
    later = voice[voice["start"] >= early["end"]].iloc[0]  # a shift starting after the first ends
    shifts.loc[shifts["agent"] == later["agent"], "agent"] = early["agent"]
    activities.loc[activities["agent"] == later["agent"], "agent"] = early["agent"]
    inputs = simulation.simulation_inputs(plan.requirements, plan.coverage, shifts, activities,
                                          SimulationOptions(replications=2))
    cells = inputs.groups[0].agents
    assert (cells.agent == early["agent"]).sum() == 2
    np.testing.assert_array_equal(cells.working(inputs.groups[0].intervals),
                                  plan.coverage[plan.coverage["group"] == "voice"]["scheduled"].to_numpy())
    result = simulation.simulate(inputs)
    assert result.week.iloc[0]["simulated_contacts"] > 0
