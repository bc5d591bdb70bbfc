"""API contract fuzzing with schemathesis against a live ``planner serve`` (used by
``tests/test_api_contract.py`` and ``benchmarks/fuzz_api.py``).

:func:`live_server` starts the real command (waitress) on a free loopback port with an API token
and a throwaway SQLite database, loads and plans the day sample, and waits for that plan: the
fuzzer then reaches the job and export endpoints with REAL ids (a scenario, a finished job, a
plan), supplied as per-operation parameters in the schemathesis configuration
(:func:`contract_config`). JSON scenario uploads are fuzzed around the real scenario document
(:func:`register_scenario_mutations`): most generated documents are one generated part spliced
into the real document, so the deep checks (cross-references, ranges) are reached, not only the
top-level type checks.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DAY_SAMPLE = REPO / "sample_inputs" / "contact_center_day.xlsx"
TOKEN = "contract-token"
_LOADED = re.compile(r"scenario (\S+) loaded from .*\(job (\S+)\)")


@dataclass(frozen=True)
class LiveServer:
    """A running ``planner serve``: its URL, the real ids, its log file and process."""

    url: str
    scenario_id: str
    job_id: str
    plan_id: str
    log: Path
    process: subprocess.Popen

    def get_json(self, path: str) -> Any:
        with urllib.request.urlopen(self.url + path, timeout=30) as response:
            return json.loads(response.read())

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def live_server(folder: Path, timeout_seconds: float = 300.0) -> Iterator[LiveServer]:
    """``planner serve`` with the day sample loaded and planned; stopped on exit."""
    port = free_port()
    log = folder / "serve.log"
    env = {**os.environ, "PLANNER_DATABASE_URL": f"sqlite:///{folder / 'contract.sqlite3'}",
           "PLANNER_API_TOKEN": TOKEN}
    with log.open("w") as sink:
        process = subprocess.Popen(
            [sys.executable, "-c", "import sys; from planner.cli import main; sys.exit(main())",
             "serve", "--port", str(port), "--threads", "4", "--load-sample", str(DAY_SAMPLE)],
            cwd=REPO, env=env, stdout=sink, stderr=subprocess.STDOUT, text=True)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + timeout_seconds
        scenario_id = job_id = plan_id = None
        while plan_id is None:
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "planner serve did not start and plan in time"
            match = _LOADED.search(log.read_text())
            if match is not None:
                scenario_id, job_id = match.groups()
                try:
                    with urllib.request.urlopen(f"{url}/api/jobs/{job_id}", timeout=5) as answer:
                        job = json.loads(answer.read())
                    assert job["state"] != "failed", job
                    plan_id = job["planId"] if job["state"] == "succeeded" else None
                except OSError:
                    pass  # not serving yet
            time.sleep(0.3)
        yield LiveServer(url, str(scenario_id), str(job_id), str(plan_id), log, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


def real_ids(server: LiveServer) -> dict[str, str]:
    """Path ids of the planned sample per operation; ``DELETE /api/scenarios/{id}`` is left to
    generated ids so it never deletes the planned scenario under the other operations (the
    stateful phase deletes scenarios it created itself, through the document's links)."""
    return {"GET /api/scenarios/{id}": server.scenario_id,
            "PATCH /api/scenarios/{id}": server.scenario_id,
            "POST /api/scenarios/{id}/plans": server.scenario_id,
            "GET /api/jobs/{id}": server.job_id,
            "GET /api/scenarios/{id}/sweeps": server.scenario_id,
            "GET /api/scenarios/{id}/capacity-plans": server.scenario_id,
            "GET /api/plans/{id}/simulations": server.plan_id,
            **{f"GET /api/plans/{{id}}{tail}": server.plan_id
               for tail in ("", "/requirements", "/schedule", "/workbook")}}


def contract_config(max_examples: int, seed: int | None = None, max_steps: int = 6,
                    ids: dict[str, str] | None = None) -> Any:
    """The schemathesis configuration of a contract run: every check on, the API token sent,
    and (when ``ids`` are given) the real ids supplied per operation — the documented way to
    give operations that need existing resources their identifiers.

    ``positive_data_acceptance`` also accepts 400 for the six operations whose inputs carry
    rules JSON Schema cannot say (a workbook's cells; names that must match across the document,
    e.g. forecast channels; an export's staffing groups of the plan, ``to`` after ``from``, a
    real calendar day; a sweep grid's parameter names, channel/segment targets of the scenario,
    value ranges per parameter and at most 2,000 points in the product of its axes; a capacity
    document's groups, hire classes and weeks that must match the scenario and each other, or
    the capacity sheets the scenario's workbook must carry when no document is sent; a
    simulation's ``scenarioId`` that must be the plan's own scenario, and a plan that must have a
    schedule); every other schema-valid request must be accepted.
    """
    import schemathesis

    semantic = {"positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401", "404"]}}
    operations: list[dict[str, Any]] = [
        {"include-name": "PATCH /api/scenarios/{id}", "checks": semantic},
        {"include-name": "GET /api/plans/{id}/schedule", "checks": semantic},
        {"include-name": "POST /api/scenarios", "checks": semantic},
        {"include-name": "POST /api/scenarios/{id}/sweeps", "checks": semantic},
        {"include-name": "POST /api/scenarios/{id}/capacity-plans", "checks": semantic},
        {"include-name": "POST /api/plans/{id}/simulations", "checks": semantic},
        *({"include-name": name, "parameters": {"id": value}}
          for name, value in (ids or {}).items()),
    ]
    settings: dict[str, Any] = {
        "headers": {"Authorization": f"Bearer {TOKEN}"},
        "request-timeout": 60.0,
        "generation": {"max-examples": max_examples, "mode": "all"},
        "phases": {"stateful": {"max-steps": max_steps}},
        "checks": {"enabled": True},
        "operations": operations,
    }
    if seed is not None:
        settings["seed"] = seed
    return schemathesis.Config.from_dict(settings)


def sample_document() -> dict[str, Any]:
    """The scenario document of the day sample, as ``planner serve --load-sample`` stores it."""
    from models import scenario_to_document
    from planner.excel import read_workbook

    return json.loads(json.dumps(scenario_to_document(read_workbook(DAY_SAMPLE))))


def load_schema(server: LiveServer, config: Any) -> Any:
    """The OpenAPI document as the live server serves it, with the real-document mutations."""
    import schemathesis

    schema = schemathesis.openapi.from_url(f"{server.url}/api/openapi.json", config=config)
    register_scenario_mutations(schema, server.get_json(
        f"/api/scenarios/{server.scenario_id}?include=inputs")["inputs"])
    return schema


def register_scenario_mutations(schema: Any,
                                document: dict[str, Any] | Callable[[], dict[str, Any]]) -> None:
    """JSON uploads of ``POST /api/scenarios``: most generated documents become the real
    ``document`` with ONE of its parts replaced by the generated part (or the real document
    untouched), so the deep checks (cross-references, ranges) are reached, not only the top-level
    type checks. The choice is a function of the generated body (no extra draws, so hypothesis'
    replay stays consistent); schemathesis re-checks whether the spliced body is still
    schema-valid or -invalid before judging the answer. ``document`` may be a function that
    returns it, called on first use."""
    loaded: list[dict[str, Any]] = [] if callable(document) else [document]

    @schema.hook("map_case").apply_to(method="POST", path="/api/scenarios")
    def splice_real_document(context: Any, case: Any) -> Any:
        body = case.body
        if case.media_type != "application/json" or not isinstance(body, dict):
            return case  # the multipart form, or a body that is not an object
        if not loaded:
            loaded.append(document())  # type: ignore[operator]
        real = loaded[0]
        keys = sorted(body, key=str)
        pick = zlib.crc32(json.dumps(body, sort_keys=True, default=str).encode()) % (len(keys) + 4)
        if pick < len(keys):
            case.body = {**real, keys[pick]: body[keys[pick]]}
        elif pick <= len(keys) + 1:  # two chances in len + 4: the stateful run must create one
            case.body = dict(real)
        return case  # else: the generated document as it is


def error_shape(ctx: Any, response: Any, case: Any) -> bool | None:
    """A schemathesis check: every API error answers the one error shape
    ``{"error": {"status", "message", "details": [{"location", "field", "message"}]}}`` with the
    response's own status, and no trace or exception name reaches the client."""
    if response.status_code < 400:
        return None
    text = response.text
    assert "Traceback (most recent call last)" not in text, f"a trace leaked: {text[:300]}"
    body = json.loads(text)
    error = body["error"]
    assert set(body) == {"error"}, f"extra keys beside 'error': {sorted(body)}"
    assert error["status"] == response.status_code, (error["status"], response.status_code)
    assert isinstance(error["message"], str) and error["message"].strip(), error
    assert isinstance(error["details"], list), error
    for detail in error["details"]:
        assert {"location", "field", "message"} <= set(detail), detail
        assert all(isinstance(detail[k], str) for k in ("location", "field", "message")), detail
    return True


def run_stateful(schema: Any, scenarios: int, steps: int, seed: int,
                 on_call: Callable[[Any, Any, BaseException | None], None]) -> int:
    """Stateful scenarios along the document's links until ``scenarios`` have started; returns
    the number of hypothesis runs.

    Every response is validated by schemathesis' state machine (all checks, including the stateful
    ones such as use-after-free) plus :func:`error_shape`; ``on_call(case, response, failure)``
    hears of each, with the failure or None, and the run goes on (failures are the caller's to
    judge). Hypothesis may stop a run with ``Flaky`` when it replays a scenario and the server's
    answers have moved on (a job finished in the background, so its plan link now resolves): as
    schemathesis' own engine does, that ends the run, and the next one (next seed) continues.
    """
    import hypothesis
    from schemathesis.core.failures import FailureGroup

    started = [0]

    class Machine(schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            started[0] += 1

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            try:
                super().validate_response(response, case, additional_checks=[error_shape],
                                          **kwargs)
            except (AssertionError, FailureGroup) as failure:
                on_call(case, response, failure)
            else:
                on_call(case, response, None)

    runs = 0
    while started[0] < scenarios and runs < 100:
        with contextlib.suppress(hypothesis.errors.Flaky):
            hypothesis.seed(seed + runs)(Machine).run(settings=hypothesis.settings(
                max_examples=scenarios - started[0], stateful_step_count=steps, deadline=None,
                database=None, phases=[hypothesis.Phase.generate],
                suppress_health_check=list(hypothesis.HealthCheck)))
        runs += 1
    return runs
