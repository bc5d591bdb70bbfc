"""Scenario sweeps in the web app: the runner (off the request thread, through the executor seam),
the JSON API and the sweep pages (blueprint ``sweeps``).

A sweep plans every point of a grid over a stored scenario (with its overrides) through
:func:`planner.sweep.run_sweep`. Its points run on the app's executor — a local Dask cluster of
worker processes on a machine with more than one core, the Dask scheduler of
``PLANNER_DASK_SCHEDULER``, or serially (``SWEEP_EXECUTOR`` in the configuration: ``auto`` (the
default), ``serial``, ``local`` or a scheduler address) — started on the first sweep and kept
until the app shuts down. The sweep row records state, percent and messages while it runs and the
results and their workbook at the end, in one transaction; a failed sweep (unreachable scheduler,
a worker lost for good) stores only its error and leaves every scenario and plan as it was.
"""

from __future__ import annotations

import io
import logging
import threading
from typing import Any

from flask import (
    Blueprint,
    Response,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from models import Database, ScenarioRecord, SweepRecord
from models.tables import utc_now
from planner import executor as executor_module
from planner.sweep import MAX_SWEEP_POINTS, SWEEP_PARAMETERS, grid_from_json, grid_specs, run_sweep
from planner.types import InputError
from web.bodies import object_body
from web.errors import ApiError, input_error
from web.jobs import load_scenario
from web.runner import BackgroundRunner, mark_succeeded
from web.security import check_api_token, check_csrf, safe_filename
from web.services import get_scenario, iso
from web.state import planner_state

LOG = logging.getLogger(__name__)
SWEEP_STATES: tuple[str, ...] = ("queued", "running", "succeeded", "failed")


def executor_spec(setting: str | None, connect_timeout_seconds: float = 10.0
                  ) -> executor_module.ExecutorSpec:
    """The executor of ``SWEEP_EXECUTOR``: ``auto``/empty, ``serial``, ``local`` or an address."""
    value = (setting or "auto").strip()
    if value == "auto":
        spec = executor_module.resolve_spec()
        if spec.kind == "remote":
            return executor_module.ExecutorSpec("remote", address=spec.address,
                                                connect_timeout_seconds=connect_timeout_seconds)
        return spec
    if value == "serial":
        return executor_module.ExecutorSpec("serial")
    if value == "local":
        return executor_module.ExecutorSpec("local", workers=max(2, min(executor_module.cpu_count(),
                                                                         4)))
    return executor_module.ExecutorSpec("remote", address=value,
                                        connect_timeout_seconds=connect_timeout_seconds)


class SweepRunner:
    """Runs sweeps one at a time on a :class:`~web.runner.BackgroundRunner` thread; their points go
    to the app's executor.

    Parameters
    ----------
    database : models.Database
        Where sweeps and scenarios live.
    spec : planner.executor.ExecutorSpec
        Where the points run; the executor is started on the first sweep and reused.
    """

    def __init__(self, database: Database, spec: executor_module.ExecutorSpec) -> None:
        self.database = database
        self.spec = spec
        self.runner = BackgroundRunner(database, SweepRecord, "sweeping",
                                       expected=(InputError, executor_module.ExecutorError, ValueError),
                                       thread_name_prefix="planner-sweep")
        self._lock = threading.Lock()
        self._executor: executor_module.Executor | None = None

    def recover_interrupted(self) -> int:
        """Mark sweeps left queued/running by a previous process as failed; returns how many."""
        return self.runner.recover_interrupted("sweep")

    def submit(self, scenario_id: str, grid: Any, schedule: bool) -> SweepRecord:
        """Validate the grid against the scenario and queue the sweep (state ``queued``).

        Raises
        ------
        KeyError
            No such scenario.
        planner.types.InputError
            A bad grid (unknown parameter, empty values, too many points) — nothing is stored.
        """
        with self.database.session() as session:
            record = session.get(ScenarioRecord, scenario_id)
            if record is None:
                raise KeyError(scenario_id)
            scenario = load_scenario(record)
        specs = grid_specs(grid)
        parsed = grid_from_json(specs, scenario)
        with self.database.transaction() as session:
            sweep = SweepRecord(scenario_id=scenario_id, grid={"axes": specs}, schedule=bool(schedule),
                                state="queued", percent=0.0,
                                messages=[{"at": utc_now().isoformat(),
                                           "text": f"queued: {parsed.size} point(s)"}])
            session.add(sweep)
        sweep_id = sweep.id
        self.runner.start(sweep_id, sweep_id, lambda: self._execute(sweep_id), self._after_failure)
        return sweep

    def wait(self, sweep_id: str, timeout: float | None = None) -> bool:
        """Block until the sweep's thread finishes; False when ``timeout`` seconds pass first."""
        return self.runner.wait(sweep_id, timeout)

    def shutdown(self, wait: bool = True) -> None:
        """Stop taking sweeps; close the executor (and its local cluster)."""
        self.runner.shutdown(wait)
        with self._lock:
            if self._executor is not None:
                self._executor.close()
                self._executor = None

    # -- the worker -----------------------------------------------------------------------
    def _runner(self) -> executor_module.Executor:
        with self._lock:
            if self._executor is None:
                self._executor = executor_module.start_executor(self.spec)
            return self._executor

    def _after_failure(self, exc: BaseException) -> None:
        """A broken cluster (an executor error) is closed and started afresh by the next sweep."""
        if not isinstance(exc, executor_module.ExecutorError):
            return
        with self._lock:
            broken, self._executor = self._executor, None
        if broken is not None:
            try:
                broken.close()
            except Exception:  # closing a lost cluster may fail too
                LOG.warning("closing the executor after a failed sweep failed", exc_info=True)

    def _execute(self, sweep_id: str) -> None:
        from planner.excel.sweep import write_sweep

        with self.database.session() as session:
            sweep = session.get(SweepRecord, sweep_id)
            if sweep is None:
                return
            record = session.get(ScenarioRecord, sweep.scenario_id)
            if record is None:
                raise ValueError("the scenario was deleted before the sweep started")
            scenario = load_scenario(record)
            specs, schedule = list((sweep.grid or {}).get("axes", [])), bool(sweep.schedule)
        grid = grid_from_json(specs, scenario)
        self.runner.record(sweep_id, state="running", started_at=utc_now(), percent=1.0,
                           message=f"starting {self.spec.describe()}")
        runner = self._runner()
        progress = self.runner.progress(sweep_id, high=97.0, every_message=False, final_percent=97.0)
        result = run_sweep(scenario, grid, schedule=schedule, executor=runner, progress=progress)
        document = result.to_json()
        buffer = io.BytesIO()
        write_sweep(result, buffer)
        with self.database.transaction() as session:
            stored = session.get(SweepRecord, sweep_id)
            if stored is None or session.get(ScenarioRecord, stored.scenario_id) is None:
                return  # deleted with its scenario while it ran: nothing to keep
            mark_succeeded(stored, results=document, workbook=buffer.getvalue())


def sweep_runner() -> SweepRunner:
    """The current app's :class:`SweepRunner` (created with the app)."""
    runner = planner_state().sweeps
    assert runner is not None
    return runner  # type: ignore[no-any-return]


def sweep_json(record: SweepRecord, include_results: bool = True) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": record.id, "scenarioId": record.scenario_id, "state": record.state,
        "percentComplete": round(float(record.percent or 0.0), 1),
        "messages": list(record.messages or []), "error": record.error,
        "grid": record.grid or {}, "schedule": bool(record.schedule),
        "createdAt": iso(record.created_at), "startedAt": iso(record.started_at),
        "finishedAt": iso(record.finished_at),
        "links": {"self": url_for("sweeps.api_sweep", sweep_id=record.id),
                  "page": url_for("sweeps.sweep_page", sweep_id=record.id),
                  "workbook": url_for("sweeps.api_sweep_workbook", sweep_id=record.id)
                  if record.state == "succeeded" else None},
    }
    if include_results:
        body["result"] = record.results if record.state == "succeeded" else None
    return body


# -- blueprint --------------------------------------------------------------------------------

bp = Blueprint("sweeps", __name__)


@bp.before_request
def _check() -> None:
    if request.path.startswith("/api/"):
        check_api_token()
    else:
        check_csrf()


def _submit(scenario_id: str, grid: Any, schedule: Any) -> SweepRecord:
    if not isinstance(schedule, bool):
        raise ApiError(400, "schedule must be true or false",
                       [{"location": "body.schedule", "field": "schedule", "message": "must be a boolean"}])
    try:
        return sweep_runner().submit(scenario_id, grid, schedule)
    except KeyError:
        raise ApiError(404, f"no scenario {scenario_id!r}") from None
    except InputError as exc:
        raise input_error(exc, "the grid has problems") from None


@bp.route("/api/scenarios/<scenario_id>/sweeps", methods=["GET", "POST"])
def api_sweeps(scenario_id: str) -> Any:
    if request.method == "GET":
        with planner_state().database.session() as session:
            record = get_scenario(session, scenario_id)
            return jsonify({"sweeps": [sweep_json(s, include_results=False) for s in record.sweeps]})
    body = object_body('{"grid": {"volume": ["-10%", 0, "+10%"]}, "schedule": false}')
    unknown = sorted(set(body) - {"grid", "schedule"})
    if unknown:
        raise ApiError(400, "unknown fields", [{"location": f"body.{k}", "field": k,
                                                "message": "allowed: grid, schedule"} for k in unknown])
    sweep = _submit(scenario_id, body.get("grid"), body.get("schedule", False))
    response = jsonify({"job": sweep_json(sweep)})
    response.status_code = 202
    response.headers["Location"] = url_for("sweeps.api_sweep", sweep_id=sweep.id)
    return response


def _get_sweep(session: Any, sweep_id: str) -> SweepRecord:
    record = session.get(SweepRecord, sweep_id)
    if record is None:
        raise ApiError(404, f"no sweep {sweep_id!r}")
    return record  # type: ignore[no-any-return]


@bp.get("/api/sweeps/<sweep_id>")
def api_sweep(sweep_id: str) -> Response:
    with planner_state().database.session() as session:
        return jsonify(sweep_json(_get_sweep(session, sweep_id)))


@bp.get("/api/sweeps/<sweep_id>/workbook")
def api_sweep_workbook(sweep_id: str) -> Response:
    with planner_state().database.session() as session:
        record = _get_sweep(session, sweep_id)
        content = record.workbook
        name = safe_filename(f"{record.scenario.name}-sweep")
    if not content:
        raise ApiError(404, "this sweep has no workbook (it has not succeeded)")
    response = Response(content, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


def _form_grid(form: Any) -> list[str]:
    specs = []
    for name in SWEEP_PARAMETERS:
        text = (form.get(f"grid_{name}") or "").strip()
        target = (form.get(f"target_{name}") or "").strip()
        if text:
            specs.append(f"{name}[{target}]={text}" if target else f"{name}={text}")
    return specs


@bp.route("/scenarios/<scenario_id>/sweeps", methods=["GET", "POST"])
def new_sweep(scenario_id: str) -> Any:
    with planner_state().database.session() as session:
        record = get_scenario(session, scenario_id)
        name = record.name
        channels = [c["name"] for c in record.inputs.get("channels", [])]
        segments = [s["name"] for s in record.inputs.get("segments", [])]
        sweeps = [{"id": s.id, "state": s.state,
                   "grid": "; ".join((s.grid or {}).get("axes", [])),
                   "created": s.created_at.strftime("%Y-%m-%d %H:%M:%S") if s.created_at else ""}
                  for s in record.sweeps]
    problems: list[dict[str, str]] = []
    error = None
    status = 200
    values = {k: v for k, v in request.form.items()} if request.method == "POST" else {}
    if request.method == "POST":
        try:
            sweep = _submit(scenario_id, _form_grid(request.form), request.form.get("schedule") == "1")
        except ApiError as exc:
            problems, error, status = exc.details, exc.message, exc.status
        else:
            return redirect(url_for("sweeps.sweep_page", sweep_id=sweep.id), code=303)
    return render_template("sweep_new.html", scenario_id=scenario_id, name=name, channels=channels,
                           segments=segments, parameters=list(SWEEP_PARAMETERS.values()),
                           max_points=MAX_SWEEP_POINTS, values=values, sweeps=sweeps,
                           problems=problems, error=error,
                           executor=sweep_runner().spec.describe()), status


@bp.get("/sweeps/<sweep_id>")
def sweep_page(sweep_id: str) -> str:
    with planner_state().database.session() as session:
        record = _get_sweep(session, sweep_id)
        body = sweep_json(record, include_results=False)
        name = record.scenario.name if record.scenario else ""
    return render_template("sweep.html", sweep=body, name=name)
