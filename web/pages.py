"""HTML pages (blueprint ``pages``): upload, scenario editor, run with progress, results,
compare. Every form carries the session's CSRF token."""

from __future__ import annotations

import json
import math
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request, url_for
from sqlalchemy import select

from models import PlanRecord, ScenarioRecord
from models.codec import table_to_frame
from planner import key_figures
from web import services
from web.errors import ApiError
from web.security import check_csrf
from web.state import planner_state

bp = Blueprint("pages", __name__)
bp.before_request(check_csrf)


def _scenarios() -> list[dict[str, Any]]:
    with planner_state().database.session() as session:
        records = session.scalars(select(ScenarioRecord).order_by(
            ScenarioRecord.created_at.desc())).all()
        return [{"id": r.id, "name": r.name, "file": r.source_filename,
                 "created": r.created_at.strftime("%Y-%m-%d %H:%M") if r.created_at else "",
                 "overrides": bool(r.overrides),
                 "latest_plan": r.plans[-1].id if r.plans else None,
                 "plans": len(r.plans)} for r in records]


@bp.get("/")
def index() -> str:
    return render_template("index.html", scenarios=_scenarios(), problems=[], error=None)


@bp.post("/scenarios")
def upload() -> Any:
    upload_file = request.files.get("workbook")
    try:
        if upload_file is None or not upload_file.filename:
            raise ApiError(400, "choose an .xlsx workbook to upload")
        content = upload_file.read()
        scenario = services.parse_workbook(upload_file.filename, content)
        scenario_id = services.store_scenario(scenario, request.form.get("name"),
                                              upload_file.filename, content)
    except ApiError as exc:
        return render_template("index.html", scenarios=_scenarios(), problems=exc.details,
                               error=exc.message), exc.status
    return redirect(url_for("pages.scenario", scenario_id=scenario_id), code=303)


def _editor_rows(document: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """The editable values: base value and current override per field."""
    channels = [{"i": i, "name": c["name"], "kind": c["kind"],
                 "service_level": c.get("service_level"), "answer_seconds": c.get("answer_seconds"),
                 "shrinkage": c.get("shrinkage"),
                 "o_service_level": (overrides.get("service_level") or {}).get(c["name"]),
                 "o_answer_seconds": (overrides.get("answer_seconds") or {}).get(c["name"]),
                 "o_shrinkage": (overrides.get("shrinkage") or {}).get(c["name"])}
                for i, c in enumerate(document.get("channels", []))]
    shares: dict[str, list[float]] = {}
    for d in document.get("deflections", []):
        shares.setdefault(d["segment"], []).append(d["self_service_share"])
    segments = [{"i": i, "name": s["name"], "cap": s["max_self_service_share"],
                 "share": max(shares[s["name"]]) if s["name"] in shares else None,
                 "o_share": (overrides.get("deflection_share") or {}).get(s["name"])}
                for i, s in enumerate(document.get("segments", []))]
    tpl_over = overrides.get("shift_templates") or {}
    templates = [{"i": i, "name": t["name"], "group": t["group"],
                  "cost_per_hour": t.get("cost_per_hour"),
                  "length_minutes": t.get("length_minutes"),
                  "max_work_stretch_minutes": t.get("max_work_stretch_minutes"),
                  "o": tpl_over.get(t["name"], {})}
                 for i, t in enumerate(document.get("shift_templates", []))]
    brk_over = {(b.get("template"), b.get("activity")): b for b in overrides.get("break_rules") or []}
    breaks = [{"i": i, "template": b["template"], "activity": b["activity"],
               "duration_minutes": b["duration_minutes"],
               "earliest_start_offset_minutes": b["earliest_start_offset_minutes"],
               "latest_start_offset_minutes": b["latest_start_offset_minutes"],
               "o": brk_over.get((b["template"], b["activity"]), {})}
              for i, b in enumerate(document.get("break_rules", []))]
    return {"channels": channels, "segments": segments, "templates": templates, "breaks": breaks,
            "volume_pct": overrides.get("volume_pct"), "aht_pct": overrides.get("aht_pct")}


def _number(form: Any, key: str) -> float | str | None:
    text = (form.get(key) or "").strip().replace(",", ".").rstrip("%")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return text
    return int(value) if value.is_integer() and key.startswith(("brk_", "tpl_len", "tpl_stretch")) \
        else value


def _overrides_from_form(form: Any, document: dict[str, Any]) -> dict[str, Any]:
    """The overrides the editor's fields say (empty field = the workbook's value)."""
    overrides: dict[str, Any] = {}
    for key in ("volume_pct", "aht_pct"):
        value = _number(form, key)
        if value not in (None, 0, 0.0):
            overrides[key] = value
    for i, s in enumerate(document.get("segments", [])):
        value = _number(form, f"share_{i}")
        if value is not None:
            overrides.setdefault("deflection_share", {})[s["name"]] = value
    for i, c in enumerate(document.get("channels", [])):
        for prefix, key in (("sl", "service_level"), ("ans", "answer_seconds"),
                            ("shrink", "shrinkage")):
            value = _number(form, f"{prefix}_{i}")
            if value is not None:
                overrides.setdefault(key, {})[c["name"]] = value
    for i, t in enumerate(document.get("shift_templates", [])):
        fields = {}
        for prefix, key in (("tpl_cost", "cost_per_hour"), ("tpl_len", "length_minutes"),
                            ("tpl_stretch", "max_work_stretch_minutes")):
            value = _number(form, f"{prefix}_{i}")
            if value is not None:
                fields[key] = value
        if fields:
            overrides.setdefault("shift_templates", {})[t["name"]] = fields
    for i, b in enumerate(document.get("break_rules", [])):
        entry: dict[str, Any] = {}
        for prefix, key in (("brk_dur", "duration_minutes"),
                            ("brk_early", "earliest_start_offset_minutes"),
                            ("brk_late", "latest_start_offset_minutes")):
            value = _number(form, f"{prefix}_{i}")
            if value is not None:
                entry[key] = value
        if entry:
            overrides.setdefault("break_rules", []).append(
                {"template": b["template"], "activity": b["activity"], **entry})
    return overrides


@bp.route("/scenarios/<scenario_id>", methods=["GET", "POST"])
def scenario(scenario_id: str) -> Any:
    problems: list[dict[str, str]] = []
    error = None
    status = 200
    with planner_state().database.session() as session:
        record = services.get_scenario(session, scenario_id)
        document, overrides, name = record.inputs, dict(record.overrides or {}), record.name
        plans = [{"id": p.id, "status": p.status,
                  "created": p.created_at.strftime("%Y-%m-%d %H:%M:%S")} for p in record.plans]
    if request.method == "POST":
        overrides = _overrides_from_form(request.form, document)
        try:
            services.update_scenario(scenario_id, request.form.get("name") or name, overrides)
        except ApiError as exc:
            problems, error, status = exc.details, exc.message, exc.status
        else:
            if request.form.get("action") == "run":
                job = planner_state().jobs.submit(scenario_id)
                return redirect(url_for("pages.job", job_id=job.id), code=303)
            return redirect(url_for("pages.scenario", scenario_id=scenario_id, saved=1), code=303)
    return render_template("scenario.html", scenario_id=scenario_id, name=name,
                           summary=services.scenario_summary(document),
                           rows=_editor_rows(document, overrides), plans=plans,
                           problems=problems, error=error,
                           saved=request.args.get("saved") == "1"), status


@bp.post("/scenarios/<scenario_id>/run")
def run(scenario_id: str) -> Response:
    with planner_state().database.session() as session:
        services.get_scenario(session, scenario_id)
    job = planner_state().jobs.submit(scenario_id)
    return redirect(url_for("pages.job", job_id=job.id), code=303)


@bp.post("/scenarios/<scenario_id>/delete")
def delete(scenario_id: str) -> Response:
    services.delete_scenario(scenario_id)
    return redirect(url_for("pages.index"), code=303)


@bp.get("/jobs/<job_id>")
def job(job_id: str) -> str:
    with planner_state().database.session() as session:
        record = services.get_job(session, job_id)
        body = services.job_json(record)
        scenario_name = record.scenario.name
    return render_template("job.html", job=body, scenario_name=scenario_name)


def _chart_payload(results: dict[str, Any]) -> dict[str, Any]:
    """The data the results page's charts and timeline draw (sent as JSON)."""
    meta = results.get("meta") or {}
    schedule = results.get("schedule") or {}
    coverage = table_to_frame(results.get("coverage"))
    if coverage.empty:
        coverage = table_to_frame(schedule.get("coverage"))
    requirements = table_to_frame(results.get("requirements"))
    groups: dict[str, Any] = {}
    source = coverage if not coverage.empty else requirements
    for group, frame in source.groupby("group", sort=False) if not source.empty else []:
        frame = frame.sort_values("interval_start")
        required = frame["required"] if "required" in frame else frame["required_scheduled"]
        working = next((frame[c] for c in ("scheduled", "working") if c in frame), None)
        entry: dict[str, Any] = {
            "labels": frame["interval_start"].dt.strftime("%a %d %H:%M").tolist(),
            "required": _floats(required),
            "working": _floats(working) if working is not None else None,
            "target": (meta.get("serviceLevelTargets") or {}).get(group),
        }
        if "predicted_service_level" in frame and frame["predicted_service_level"].notna().any():
            entry["service_level"] = _floats(frame["predicted_service_level"])
        groups[str(group)] = entry
    shifts = table_to_frame(schedule.get("shifts"))
    activities = table_to_frame(schedule.get("activities"))
    timeline: list[dict[str, Any]] = []
    if not shifts.empty:
        origin = shifts["start"].min().normalize()
        acts: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for a in activities.itertuples(index=False) if not activities.empty else []:
            acts.setdefault((str(a.agent), str(a.group)), []).append({
                "code": str(a.activity),
                "start": (a.start - origin).total_seconds() / 60,
                "end": (a.end - origin).total_seconds() / 60, "paid": bool(a.paid)})
        for s in shifts.sort_values(["group", "start", "agent"]).itertuples(index=False):
            start = (s.start - origin).total_seconds() / 60
            end = (s.end - origin).total_seconds() / 60
            timeline.append({"agent": str(s.agent), "group": str(s.group), "start": start,
                             "end": end, "day": int(start // 1440),
                             "breaks": [a for a in acts.get((str(s.agent), str(s.group)), [])
                                        if start <= a["start"] < end]})
        origin_text = origin.strftime("%Y-%m-%d")
    else:
        origin_text = meta.get("startDate")
    frontier = table_to_frame((results.get("mix") or {}).get("frontier"))
    pairs = table_to_frame((results.get("mix") or {}).get("pairs"))
    curves = []
    if not frontier.empty:
        for (segment, channel), frame in frontier.groupby(["segment", "channel"], sort=False):
            frame = frame.sort_values("share")
            recommended = None
            if not pairs.empty:
                match = pairs[(pairs["segment"] == segment) & (pairs["channel"] == channel)]
                if not match.empty:
                    recommended = float(match["recommended_share"].iloc[0])
            curves.append({"label": f"{segment} / {channel}",
                           "points": [{"x": float(x), "y": float(y)} for x, y in
                                      zip(frame["share"], frame["total_cost"], strict=True)
                                      if y is not None and not math.isnan(y)],
                           "recommended": recommended})
    return {"groups": groups, "timeline": timeline, "origin": origin_text,
            "days": meta.get("days") or 1, "frontier": curves}


def _floats(series: Any) -> list[float | None]:
    return [None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)
            for v in series.tolist()]


MIX_COLUMNS: tuple[str, ...] = (
    "segment", "channel", "cap", "current_share", "recommended_share", "containment_rate",
    "human_fte_current", "human_fte_recommended", "total_cost_current", "total_cost_recommended",
    "experience_risk")
"""Columns of the mix table on the results page (the reasons are listed under it)."""


def _table_rows(table: dict[str, Any] | None, columns: tuple[str, ...]) -> dict[str, Any]:
    table = table or {"columns": [], "rows": []}
    present = [c for c in columns if c in table.get("columns", [])]
    index = [table["columns"].index(c) for c in present]
    return {"columns": present, "rows": [[row[i] for i in index] for row in table.get("rows", [])]}


def _wellbeing(results: dict[str, Any]) -> list[dict[str, Any]]:
    frame = table_to_frame((results.get("schedule") or {}).get("wellbeing"))
    if frame.empty:
        return []
    out = []
    for group, own in frame.groupby("group", sort=False):
        out.append({"group": group, "agents": len(own),
                    "rule_ok": int(own["rule_ok"].astype(bool).sum()),
                    "breaks_taken": int(own["breaks_taken"].sum()),
                    "breaks_required": int(own["breaks_required"].sum()),
                    "longest_stretch": float(own["longest_stretch_minutes"].max())})
    return out


@bp.get("/plans/<plan_id>")
def plan(plan_id: str) -> str:
    with planner_state().database.session() as session:
        record = services.get_plan(session, plan_id)
        body = services.plan_json(record)
        results = record.results or {}
        scenario_name, scenario_id = record.scenario.name, record.scenario_id
    mix = results.get("mix") or {}
    solve = (results.get("schedule") or {}).get("solve") or None
    solver = {"status": body["status"], **{k: solve.get(k) for k in ("gap", "objective", "seconds")}} \
        if isinstance(solve, dict) else None
    figures = key_figures.grouped(key_figures.key_figures(body["summary"], solver=solver,
                                                          timings=body["timings"]))
    return render_template(
        "plan.html", plan=body, results=results, scenario_name=scenario_name,
        figures=figures, currency=(results.get("meta") or {}).get("currency") or "USD",
        scenario_id=scenario_id, meta=results.get("meta") or {},
        chart_json=json.dumps(_chart_payload(results), separators=(",", ":")),
        mix_pairs=_table_rows(mix.get("pairs"), MIX_COLUMNS),
        mix_reasons=mix.get("reasons") or [], wellbeing=_wellbeing(results),
        explanations=((results.get("schedule") or {}).get("explanations") or [])[:50])


@bp.get("/compare")
def compare() -> str:
    ids = [i for i in request.args.getlist("scenario") if i]
    columns = []
    with planner_state().database.session() as session:
        for scenario_id in ids:
            record = session.get(ScenarioRecord, scenario_id)
            if record is None:
                raise ApiError(404, f"no scenario {scenario_id!r}")
            latest = session.scalars(select(PlanRecord).where(
                PlanRecord.scenario_id == scenario_id).order_by(
                PlanRecord.created_at.desc()).limit(1)).first()
            columns.append({"id": record.id, "name": record.name,
                            "plan_id": latest.id if latest else None,
                            "currency": ((latest.results or {}).get("meta") or {}).get("currency")
                            if latest else None,
                            "summary": services.plan_summary(latest.results) if latest else {}})
    if len(ids) < 2:
        return render_template("compare.html", columns=columns, metrics=[],
                               scenarios=_scenarios(),
                               error="choose two or more scenarios to compare")
    keys: list[str] = []
    for column in columns:
        keys += [k for k in column["summary"] if k not in keys]
    metrics = []
    for key in keys:
        base = columns[0]["summary"].get(key)
        cells = []
        for column in columns:
            value = column["summary"].get(key)
            delta = None if value is None or base is None else value - base
            cells.append({"value": value, "delta": delta})
        group, label, kind, _ = key_figures.describe(key)
        metrics.append({"key": key, "group": group, "label": label, "kind": kind, "cells": cells})
    rank = {group: i for i, group in enumerate(key_figures.GROUPS)}
    metrics.sort(key=lambda m: rank.get(m["group"], len(rank)))
    currency = next((c["currency"] for c in columns if c["currency"]), "USD")
    return render_template("compare.html", columns=columns, metrics=metrics, currency=currency,
                           scenarios=_scenarios(), error=None)

