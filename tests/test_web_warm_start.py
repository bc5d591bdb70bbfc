"""The web app's plan job re-plans a scenario from its latest stored plan (the MIP warm start)."""

from __future__ import annotations

from pathlib import Path

from models import PlanRecord, ScenarioRecord, scenario_to_document
from planner.types import BreakRule, ShiftTemplate
from tests.conftest import build_small_scenario
from tests.web_helpers import make_app, run_job
from web import planner_state, shutdown


def _scenario_with_templates() -> ScenarioRecord:
    base = build_small_scenario(interval_minutes=30)
    templates = tuple(ShiftTemplate(f"{g.name} 8h", g.name, 480, earliest_start_minute=8 * 60,
                                    latest_start_minute=12 * 60, start_step_minutes=60, cost_per_hour=20.0)
                      for g in base.staffing_groups)
    breaks = tuple(BreakRule(t.name, "LUNCH", 30, 210, 270, paid=False) for t in templates)
    scenario = base.replace(shift_templates=templates, break_rules=breaks)
    return ScenarioRecord(name="small", inputs=scenario_to_document(scenario), overrides={})


def test_second_plan_of_a_scenario_starts_from_the_first(tmp_path: Path) -> None:
    app = make_app(tmp_path / "warm.sqlite3")
    try:
        database = planner_state(app).database
        with database.transaction() as session:
            record = _scenario_with_templates()
            session.add(record)
            session.flush()
            scenario_id = record.id
        client = app.test_client()
        first = run_job(app, client, scenario_id)
        second = run_job(app, client, scenario_id)
        assert first["state"] == second["state"] == "succeeded", (first, second)
        with database.session() as session:
            plans = {p.id: p.results for p in session.query(PlanRecord)}
            cold, warm = plans[first["planId"]], plans[second["planId"]]
    finally:
        shutdown(app)
    assert not any(note.startswith("Re-plan") for note in cold["notes"])  # nothing stored before it
    groups = cold["schedule"]["per_group"]
    assert f"in {len(groups)} of {len(groups)} group(s)" in " ".join(warm["notes"])
    for group, result in warm["schedule"]["per_group"].items():
        assert "warm start" in result["message"] and "accepted" in result["message"], group
        # never worse than its start, the first plan's own shifts
        assert result["objective"] <= result["start_objective"] + 1e-6
        # the start is the first plan again: its shifts, breaks re-placed within the solver gap
        gap = build_small_scenario().settings.solver_gap
        assert result["start_objective"] <= groups[group]["objective"] * (1 + gap) + 1e-6
