"""Persistence: the schema version, pickle-free scenario documents, overrides, transactions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models import (
    SCHEMA_VERSION,
    Database,
    ScenarioRecord,
    SchemaVersion,
    SchemaVersionError,
    apply_overrides,
    scenario_from_document,
    scenario_to_document,
)
from planner.excel import read_workbook
from planner.types import InputError
from tests.web_helpers import DAY_SAMPLE


@pytest.fixture(scope="module")
def day_scenario():
    return read_workbook(DAY_SAMPLE)


@pytest.fixture
def db(tmp_path: Path):
    database = Database(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    database.create_schema()
    yield database
    database.dispose()


def test_schema_version_is_recorded_once_and_a_newer_database_is_refused(db):
    assert db.schema_version() == SCHEMA_VERSION
    assert db.create_schema() == SCHEMA_VERSION  # idempotent
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(SchemaVersion)) == 1
    with db.transaction() as session:
        session.add(SchemaVersion(version=SCHEMA_VERSION + 1))
    with pytest.raises(SchemaVersionError, match="newer"):
        db.create_schema()


def test_scenario_document_round_trips_exactly_through_json(day_scenario):
    document = json.loads(json.dumps(scenario_to_document(day_scenario), allow_nan=False))
    again = scenario_from_document(document)
    assert again.equals(day_scenario)
    assert scenario_to_document(again) == document


def test_a_transaction_that_raises_writes_nothing(db, day_scenario):
    document = scenario_to_document(day_scenario)
    with pytest.raises(RuntimeError), db.transaction() as session:
        session.add(ScenarioRecord(name="a", inputs=document, overrides={}))
        session.flush()
        raise RuntimeError("boom")
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(ScenarioRecord)) == 0
    with db.transaction() as session:
        session.add(ScenarioRecord(name="b", inputs=document, overrides={}))
    with db.session() as session:
        ids = session.scalars(select(ScenarioRecord.id)).all()
    assert len(ids) == 1 and len(ids[0]) == 22


def test_volume_and_aht_overrides_scale_the_forecast_and_channels(day_scenario):
    changed = apply_overrides(day_scenario, {"volume_pct": 10, "aht_pct": -20})
    before = day_scenario.forecast["contacts"].sum()
    assert changed.forecast["contacts"].sum() == pytest.approx(before * 1.10, rel=1e-12)
    for old, new in zip(day_scenario.channels, changed.channels, strict=True):
        assert new.aht_seconds == pytest.approx(old.aht_seconds * 0.8)
    # the stored scenario is untouched (frozen dataclasses, copied frames)
    assert day_scenario.forecast["contacts"].sum() == before


def test_deflection_service_shrinkage_template_and_break_overrides(day_scenario):
    segment = day_scenario.deflections[0].segment
    cap = day_scenario.segment(segment).max_self_service_share
    voice = next(c for c in day_scenario.channels if c.kind == "voice")
    template = day_scenario.shift_templates[0]
    rule = day_scenario.break_rules[0]
    changed = apply_overrides(day_scenario, {
        "deflection_share": {segment: cap},
        "service_level": {voice.name: 0.9}, "answer_seconds": {voice.name: 15},
        "shrinkage": {voice.name: 0.2},
        "shift_templates": {template.name: {"cost_per_hour": 31.5}},
        "break_rules": [{"template": rule.template, "activity": rule.activity,
                         "latest_start_offset_minutes": rule.earliest_start_offset_minutes}],
    })
    assert all(d.self_service_share == cap for d in changed.deflections if d.segment == segment)
    assert changed.channel(voice.name).service_level == 0.9
    assert changed.channel(voice.name).answer_seconds == 15
    assert changed.channel(voice.name).shrinkage == 0.2
    assert next(t for t in changed.shift_templates
                if t.name == template.name).cost_per_hour == 31.5
    new_rule = next(b for b in changed.break_rules
                    if (b.template, b.activity) == (rule.template, rule.activity))
    assert new_rule.latest_start_offset_minutes == rule.earliest_start_offset_minutes


def test_bad_overrides_are_all_reported_with_their_location(day_scenario):
    segment = day_scenario.segments[0]
    with pytest.raises(InputError) as caught:
        apply_overrides(day_scenario, {
            "volume_pct": "lots", "aht_pct": -100,
            "deflection_share": {segment.name: segment.max_self_service_share + 0.01},
            "shrinkage": {"fax": 0.1}, "colour": "blue",
            "shift_templates": {day_scenario.shift_templates[0].name: {"length_minutes": -5}},
        })
    locations = {p.location for p in caught.value.problems}
    assert {"overrides.volume_pct", "overrides.aht_pct",
            f"overrides.deflection_share.{segment.name}", "overrides.shrinkage.fax",
            "overrides.colour"} <= locations
    # the template's own validation runs too
    template = day_scenario.shift_templates[0].name
    assert f"overrides.shift_templates.{template}.length_minutes" in locations
    # and so do the scenario's cross-checks (7 minutes is not a multiple of the interval)
    with pytest.raises(InputError) as caught:
        apply_overrides(day_scenario, {"shift_templates": {template: {"length_minutes": 7}}})
    assert any(p.field == "length_minutes" and "multiple" in p.message
               for p in caught.value.problems)
