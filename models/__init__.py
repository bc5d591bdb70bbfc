"""Persistence of scenarios, plans and jobs (SQLAlchemy 2.x).

Imports :mod:`planner` only — never :mod:`web` (a test scans the imports).
"""

from models.codec import plan_to_document, scenario_from_document, scenario_to_document
from models.database import SCHEMA_VERSION, Database, SchemaVersionError
from models.overrides import apply_overrides
from models.tables import (
    JOB_STATES,
    Base,
    JobRecord,
    PlanRecord,
    ScenarioRecord,
    SchemaVersion,
    SimulationRecord,
    SweepRecord,
)

__all__ = [
    "JOB_STATES",
    "SCHEMA_VERSION",
    "Base",
    "Database",
    "JobRecord",
    "PlanRecord",
    "ScenarioRecord",
    "SchemaVersion",
    "SchemaVersionError",
    "SimulationRecord",
    "SweepRecord",
    "apply_overrides",
    "plan_to_document",
    "scenario_from_document",
    "scenario_to_document",
]
