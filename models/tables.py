"""SQLAlchemy 2.x declarative tables: scenarios, plans, jobs and the schema version.

Ids are unguessable (:func:`secrets.token_urlsafe`, 128 bits) because they appear in URLs that
integrations share. JSON columns hold pickle-free documents (see :mod:`models.codec`).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

JOB_STATES: tuple[str, ...] = ("queued", "running", "succeeded", "failed")
"""Every state a job can be in; ``succeeded`` and ``failed`` are final."""


def new_id() -> str:
    """An unguessable URL-safe id (16 random bytes → 22 characters)."""
    return secrets.token_urlsafe(16)


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base of every table of the planner."""


class SchemaVersion(Base):
    """One row per applied schema version; the highest is the database's version."""

    __tablename__ = "schema_version"

    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    applied_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class ScenarioRecord(Base):
    """An uploaded (or JSON-posted) scenario with its parsed inputs and the user's overrides."""

    __tablename__ = "scenarios"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    source_filename: Mapped[str | None] = mapped_column(String(255), nullable=True)
    workbook: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    overrides: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now,
                                                 onupdate=utc_now)

    plans: Mapped[list[PlanRecord]] = relationship(
        back_populates="scenario", cascade="all, delete-orphan", passive_deletes=True,
        order_by="PlanRecord.created_at")
    jobs: Mapped[list[JobRecord]] = relationship(
        back_populates="scenario", cascade="all, delete-orphan", passive_deletes=True)
    sweeps: Mapped[list[SweepRecord]] = relationship(
        back_populates="scenario", cascade="all, delete-orphan", passive_deletes=True,
        order_by="SweepRecord.created_at")


class PlanRecord(Base):
    """The stored result of one successful planning run of a scenario.

    ``results`` is the plan document (:func:`models.codec.plan_to_document`); ``shifts`` the
    schedule in export shape (one object per shift with its activities, ISO times with the
    scenario's offset), computed once when the plan is stored; ``meta`` what the pages need to
    know of the scenario (time zone, groups, interval).
    """

    __tablename__ = "plans"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    scenario_id: Mapped[str] = mapped_column(ForeignKey("scenarios.id", ondelete="CASCADE"),
                                             index=True)
    status: Mapped[str] = mapped_column(String(40))
    overrides: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The heavy columns load only when read (deferred): the export endpoints read ``shifts``.
    results: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    shifts: Mapped[list[Any]] = mapped_column(JSON, default=list, deferred=True)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    kpis: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    timings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    workbook: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)

    scenario: Mapped[ScenarioRecord] = relationship(back_populates="plans")


class JobRecord(Base):
    """A planning run executing off the request thread; the run page polls it."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    scenario_id: Mapped[str] = mapped_column(ForeignKey("scenarios.id", ondelete="CASCADE"),
                                             index=True)
    plan_id: Mapped[str | None] = mapped_column(ForeignKey("plans.id", ondelete="SET NULL"),
                                                nullable=True)
    state: Mapped[str] = mapped_column(String(20), default="queued")
    percent: Mapped[float] = mapped_column(Float, default=0.0)
    messages: Mapped[list[Any]] = mapped_column(JSON, default=list)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    scenario: Mapped[ScenarioRecord] = relationship(back_populates="jobs")


class SimulationRecord(Base):
    """A simulation of a stored plan (issue 13): its options, the job running it and the result.

    ``result`` is :meth:`planner.simulation.SimulationResult.to_json` (per group the week, days and
    intervals, predicted vs simulated with 95 % confidence intervals), written once when the job
    succeeds; the job row carries the state and progress.
    """

    __tablename__ = "simulations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    job_id: Mapped[str | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"), nullable=True)
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True, deferred=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class SweepRecord(Base):
    """A scenario sweep (issue 14): its job state while it runs, its results when done.

    ``grid`` is the grid as posted (``{parameter: [values]}``); ``results`` the
    :meth:`planner.sweep.SweepResult.to_json` document; ``workbook`` the results workbook.
    A table of its own (``create_all`` adds it to an existing database; no migration needed).
    """

    __tablename__ = "sweeps"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    scenario_id: Mapped[str] = mapped_column(ForeignKey("scenarios.id", ondelete="CASCADE"),
                                             index=True)
    grid: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    schedule: Mapped[bool] = mapped_column(default=False)
    state: Mapped[str] = mapped_column(String(20), default="queued")
    percent: Mapped[float] = mapped_column(Float, default=0.0)
    messages: Mapped[list[Any]] = mapped_column(JSON, default=list)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    results: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True, deferred=True)
    workbook: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    scenario: Mapped[ScenarioRecord] = relationship(back_populates="sweeps")


class CapacityPlanRecord(Base):
    """The stored result of one capacity-plan run of a scenario (issue 12).

    ``inputs`` is the capacity document it was computed from (:mod:`models.capacity_codec`),
    ``results`` the report (summary, weekly table, hiring plan, reasons, the rule-based what-if),
    ``job_id`` the job that computed it. Deleted with its scenario (``ON DELETE CASCADE``).
    """

    __tablename__ = "capacity_plans"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    scenario_id: Mapped[str] = mapped_column(ForeignKey("scenarios.id", ondelete="CASCADE"), index=True)
    job_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    status: Mapped[str] = mapped_column(String(60))
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    results: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    workbook: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
