"""What the API and the pages share: storing uploads, loading records, exports, summaries."""

from __future__ import annotations

import io
import json
import math
import zipfile
from datetime import UTC
from typing import Any

import pandas as pd
from flask import url_for
from sqlalchemy import func, select

from models import (
    JobRecord,
    PlanRecord,
    ScenarioRecord,
    apply_overrides,
    scenario_from_document,
    scenario_to_document,
)
from models.codec import table_to_frame
from planner.types import InputError, Problem, Scenario
from web import export
from web.errors import ApiError, input_error
from web.security import safe_filename
from web.state import planner_state

XLSX_MAGIC = b"PK\x03\x04"
FTE_HOURS_PER_WEEK = 40.0
"""Paid hours of one full-time equivalent per 7 days (the compare page's FTE unit)."""


# -- loading ---------------------------------------------------------------------------------
def get_scenario(session: Any, scenario_id: str) -> ScenarioRecord:
    record = session.get(ScenarioRecord, scenario_id)
    if record is None:
        raise ApiError(404, f"no scenario {scenario_id!r}")
    return record


def get_plan(session: Any, plan_id: str) -> PlanRecord:
    record = session.get(PlanRecord, plan_id)
    if record is None:
        raise ApiError(404, f"no plan {plan_id!r}")
    return record


def get_job(session: Any, job_id: str) -> JobRecord:
    record = session.get(JobRecord, job_id)
    if record is None:
        raise ApiError(404, f"no job {job_id!r}")
    return record


# -- creating and changing scenarios -----------------------------------------------------------
def parse_workbook(filename: str, content: bytes) -> Scenario:
    """The scenario of an uploaded workbook; only ``.xlsx`` files are accepted."""
    from planner.excel import read_workbook

    if not filename.lower().endswith(".xlsx"):
        raise ApiError(400, "only .xlsx workbooks are accepted",
                       [{"location": "upload", "field": "workbook",
                         "message": f"{filename or 'the file'} is not an .xlsx file"}])
    if not content:
        raise ApiError(400, "the uploaded file is empty",
                       [{"location": "upload", "field": "workbook", "message": "is empty"}])
    if not content.startswith(XLSX_MAGIC) or not zipfile.is_zipfile(io.BytesIO(content)):
        raise ApiError(400, "the file is not an Excel workbook (.xlsx is a zip archive)",
                       [{"location": "upload", "field": "workbook",
                         "message": "is not a valid .xlsx file"}])
    try:
        return read_workbook(io.BytesIO(content))
    except InputError as exc:
        raise input_error(exc, "the workbook has problems") from None
    except (KeyError, ValueError, zipfile.BadZipFile, OSError) as exc:
        raise ApiError(400, "the workbook could not be read",
                       [{"location": "upload", "field": "workbook", "message": str(exc)}]) from None


def store_scenario(scenario: Scenario, name: str | None, filename: str | None,
                   workbook: bytes | None, overrides: dict[str, Any] | None = None) -> str:
    """Save a scenario in one transaction; returns its id."""
    overrides = overrides or {}
    if overrides:
        try:
            apply_overrides(scenario, overrides)
        except InputError as exc:
            raise input_error(exc, "the overrides have problems") from None
    display = (name or "").strip() or scenario.name
    with planner_state().database.transaction() as session:
        record = ScenarioRecord(name=display[:200], source_filename=filename, workbook=workbook,
                                inputs=scenario_to_document(scenario), overrides=overrides)
        session.add(record)
    return record.id


def scenario_from_json(body: Any) -> tuple[Scenario, dict[str, Any]]:
    """A scenario posted as JSON: the scenario document, optionally with ``overrides``."""
    if not isinstance(body, dict):
        raise ApiError(400, "the body must be a JSON object (a scenario document)")
    overrides = body.get("overrides") or {}
    document = {k: v for k, v in body.items() if k != "overrides"}
    try:
        return scenario_from_document(document), overrides
    except InputError as exc:
        raise input_error(exc, "the scenario has problems") from None


def update_scenario(scenario_id: str, name: str | None, overrides: Any) -> None:
    """Rename and/or replace the overrides (validated against the scenario) in one transaction."""
    with planner_state().database.transaction() as session:
        record = get_scenario(session, scenario_id)
        if overrides is not None:
            if not isinstance(overrides, dict):
                raise ApiError(400, "overrides must be a JSON object")
            try:
                apply_overrides(scenario_from_document(record.inputs), overrides)
            except InputError as exc:
                raise input_error(exc, "the overrides have problems") from None
            record.overrides = overrides
        if name is not None:
            if not isinstance(name, str) or not name.strip():
                raise ApiError(400, "name must be a non-empty string",
                               [{"location": "body.name", "field": "name",
                                 "message": "must be a non-empty string"}])
            record.name = name.strip()[:200]


def delete_scenario(scenario_id: str) -> None:
    """Delete a scenario with its plans and jobs."""
    state = planner_state()
    with state.database.transaction() as session:
        record = get_scenario(session, scenario_id)
        plan_ids = {p.id for p in record.plans}
        session.delete(record)
    state.exports.forget_plans(plan_ids)


# -- representations ---------------------------------------------------------------------------
def iso(value: Any) -> str | None:
    """ISO 8601 of a stored UTC time (SQLite drops the zone; every stored time is UTC)."""
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


def scenario_summary(document: dict[str, Any]) -> dict[str, Any]:
    settings = document.get("settings", {})
    return {"startDate": settings.get("start_date"), "days": settings.get("days"),
            "intervalMinutes": settings.get("interval_minutes"),
            "timezone": settings.get("timezone"),
            "channels": [c["name"] for c in document.get("channels", [])],
            "segments": [s["name"] for s in document.get("segments", [])],
            "staffingGroups": [g["name"] for g in document.get("staffing_groups", [])],
            "shiftTemplates": [t["name"] for t in document.get("shift_templates", [])],
            "forecastRows": len(document.get("forecast", {}).get("rows", []))}


def scenario_json(record: ScenarioRecord, include_inputs: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": record.id, "name": record.name, "sourceFilename": record.source_filename,
        "createdAt": iso(record.created_at), "updatedAt": iso(record.updated_at),
        "overrides": record.overrides or {}, "summary": scenario_summary(record.inputs),
        "plans": [{"id": p.id, "status": p.status, "createdAt": iso(p.created_at),
                   "href": url_for("api.get_plan", plan_id=p.id)} for p in record.plans],
        "links": {"self": url_for("api.scenario", scenario_id=record.id),
                  "plans": url_for("api.create_plan", scenario_id=record.id),
                  "page": url_for("pages.scenario", scenario_id=record.id)},
    }
    if include_inputs:
        body["inputs"] = record.inputs
    return body


def job_json(record: JobRecord) -> dict[str, Any]:
    from sqlalchemy.orm import object_session

    from models.tables import CapacityPlanRecord

    session = object_session(record)
    capacity_id = None if session is None else session.scalar(
        select(CapacityPlanRecord.id).where(CapacityPlanRecord.job_id == record.id))
    return {"capacityPlanId": capacity_id,
            "id": record.id, "scenarioId": record.scenario_id, "state": record.state,
            "percentComplete": round(float(record.percent or 0.0), 1),
            "messages": list(record.messages or []), "error": record.error,
            "planId": record.plan_id, "createdAt": iso(record.created_at),
            "startedAt": iso(record.started_at), "finishedAt": iso(record.finished_at),
            "links": {"self": url_for("api.get_job", job_id=record.id),
                      "plan": url_for("api.get_plan", plan_id=record.plan_id)
                      if record.plan_id else None}}


def plan_json(record: PlanRecord) -> dict[str, Any]:
    results = record.results or {}
    schedule = results.get("schedule") or {}
    mix = results.get("mix") or {}
    return {
        "id": record.id, "scenarioId": record.scenario_id, "status": record.status,
        "createdAt": iso(record.created_at), "overrides": record.overrides or {},
        "kpis": record.kpis or {}, "timings": record.timings or {},
        "summary": plan_summary(results),
        "schedule": {"solve": schedule.get("solve"), "perGroup": schedule.get("per_group"),
                     "explanations": schedule.get("explanations") or [],
                     "modelSize": schedule.get("model_size"),
                     "shifts": len((schedule.get("shifts") or {}).get("rows", []))}
        if schedule else None,
        "mix": {"summary": mix.get("summary"), "reasons": mix.get("reasons") or []} if mix else None,
        "links": {"self": url_for("api.get_plan", plan_id=record.id),
                  "requirements": url_for("api.plan_requirements", plan_id=record.id),
                  "schedule": url_for("api.plan_schedule", plan_id=record.id),
                  "workbook": url_for("api.plan_workbook", plan_id=record.id),
                  "page": url_for("pages.plan", plan_id=record.id)},
    }


def _finite(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def plan_summary(results: dict[str, Any]) -> dict[str, float | None]:
    """Headline numbers of a plan for the results and compare pages.

    The pipeline's KPIs (:func:`planner.pipeline.plan_kpis`, units in the key names) come first;
    when a plan lacks one of them it is computed here from the stored schedule:
    ``labour_cost`` = Σ shift cost, ``scheduled_paid_hours`` = Σ paid hours,
    ``scheduled_fte`` = paid hours ÷ (40 h × days / 7), ``shortfall_agent_hours`` =
    Σ short × interval / 60.
    """
    summary: dict[str, float | None] = {}
    for key, value in (results.get("kpis") or {}).items():
        if _finite(value) is not None:
            summary[str(key)] = _finite(value)
    meta = results.get("meta") or {}
    days = meta.get("days") or 1
    interval = meta.get("intervalMinutes") or 15
    schedule = results.get("schedule") or {}
    shifts = table_to_frame(schedule.get("shifts"))
    fallback: dict[str, float] = {}
    if not shifts.empty:
        paid_hours = float(pd.to_numeric(shifts["paid_hours"], errors="coerce").sum())
        fallback["labour_cost"] = float(pd.to_numeric(shifts["cost"], errors="coerce").sum())
        fallback["scheduled_paid_hours"] = paid_hours
        fallback["agents_scheduled"] = float(shifts["agent"].nunique())
        fallback["scheduled_fte"] = paid_hours / (FTE_HOURS_PER_WEEK * days / 7.0)
    coverage = table_to_frame(schedule.get("coverage"))
    if not coverage.empty and "short" in coverage:
        fallback["shortfall_agent_hours"] = float(coverage["short"].sum()) * interval / 60.0
    for key, value in fallback.items():
        summary.setdefault(key, value)
    return summary


# -- exports -----------------------------------------------------------------------------------
def render_schedule(plan_id: str, fmt: str, args: Any) -> tuple[bytes, str, str]:
    """The schedule export (body, mimetype, file name); cached per plan and filter."""
    fmt = fmt or "json"  # exactly as documented: "JSON" is not a format
    if fmt not in export.FORMATS:
        raise ApiError(400, f"unknown format {fmt!r}",
                       [{"location": "query.format", "field": "format",
                         "message": f"must be one of {sorted(export.FORMATS)}"}])
    groups = tuple(args.getlist("group"))
    key = (plan_id, fmt, args.get("from", ""), args.get("to", ""), groups, tuple(args.getlist("agent")))
    state = planner_state()
    cached = state.exports.get(key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    with state.database.session() as session:
        record = get_plan(session, plan_id)
        meta, created = record.meta or {}, record.created_at
        stored_shifts = record.shifts or []
        scenario_name = record.scenario.name if record.scenario else "plan"
    timezone = meta.get("timezone") or "UTC"
    selection, problems = export.parse_filter(args, timezone, meta.get("groups") or [],
                                              args.getlist)
    if problems:
        raise input_error(InputError(problems), "the export filter has problems")
    if selection.agents is not None:
        known = {str(s.get("agent")) for s in stored_shifts}
        unknown = sorted(set(selection.agents) - known)
        if unknown:
            raise input_error(InputError([Problem("agent", f"unknown agent(s) {unknown[:10]}; the plan's "
                                                           f"schedule has {len(known)} agents",
                                                  "query.agent")]), "the export filter has problems")
    records = export.filter_records(stored_shifts, selection)
    base = safe_filename(f"{scenario_name}-schedule")
    if selection.agents is not None and len(selection.agents) == 1:
        who = next((r.get("name") for r in records if r.get("name")), selection.agents[0])
        scenario_name = f"{scenario_name} · {who}"
        base = safe_filename(f"{scenario_name}-{selection.agents[0]}-schedule")
    if fmt == "json":
        body = json.dumps(export.to_json_document(records, plan_id, timezone, selection),
                          separators=(",", ":")).encode()
    elif fmt == "csv":
        body = export.to_csv(records)
    elif fmt == "xlsx":
        body = export.to_xlsx(records, timezone)
    else:
        body = export.to_ics(records, plan_id, created, f"{scenario_name} schedule")
    rendered = (body, export.FORMATS[fmt], f"{base}.{fmt}")
    state.exports.put(key, rendered)
    return rendered


def requirements_records(plan_id: str) -> dict[str, Any]:
    with planner_state().database.session() as session:
        results = get_plan(session, plan_id).results or {}
    meta = results.get("meta") or {}
    tz = export.zone(meta.get("timezone") or "UTC")
    frame = table_to_frame(results.get("requirements"))
    rows: list[dict[str, Any]] = []
    if not frame.empty:
        starts = [ts.to_pydatetime().replace(tzinfo=tz).isoformat()
                  for ts in frame["interval_start"]]
        frame = frame.drop(columns=["interval_start"]).astype(object)
        frame = frame.where(pd.notna(frame), None)
        for start, row in zip(starts, frame.to_dict(orient="records"), strict=True):
            rows.append({"intervalStart": start, **{k: _plain(v) for k, v in row.items()}})
    return {"planId": plan_id, "timezone": meta.get("timezone"),
            "intervalMinutes": meta.get("intervalMinutes"), "requirements": rows}


def _plain(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return value


def count_rows() -> dict[str, int]:
    """Rows per table (used by the health endpoint)."""
    with planner_state().database.session() as session:
        return {name: int(session.scalar(select(func.count()).select_from(table)) or 0)
                for name, table in (("scenarios", ScenarioRecord), ("plans", PlanRecord),
                                    ("jobs", JobRecord))}
