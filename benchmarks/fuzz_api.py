"""Long API contract fuzz run (issue 15): schemathesis against a live ``planner serve``.

The same set-up as ``tests/test_api_contract.py`` (a real ``planner serve`` on a free loopback
port, ``PLANNER_API_TOKEN`` set, a throwaway SQLite database, the day sample stored and planned,
real ids for the operations that need them, JSON uploads spliced into the real scenario document)
but thousands of requests: every operation gets ``--examples`` positive and ``--examples``
negative (schema-violating) requests, then ``--scenarios`` stateful scenarios follow the
document's links from created scenarios. Every response is validated with every schemathesis
check plus the error-shape check; failures are counted, not raised.

Prints, per operation and in total: requests sent, server errors (5xx), schema violations
(status code, content type, headers or body not as documented), schema-violating requests
accepted, schema-valid requests refused, error-shape violations; and whether the server logged a
trace. Baseline named for the ratio: none is timed — the figures to quote are the counts, which
must all be 0.

    python benchmarks/fuzz_api.py [--examples 300] [--scenarios 200] [--seed 15]
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.contract_helpers import (  # noqa: E402
    contract_config,
    error_shape,
    live_server,
    load_schema,
    real_ids,
    run_stateful,
)

SERVER_ERROR = "Server error"
SCHEMA_VIOLATIONS: frozenset[str] = frozenset({
    "Undocumented HTTP status code", "Undocumented Content-Type", "Response violates schema",
    "Missing Content-Type header", "Malformed media type", "Missing required headers",
    "Response header does not conform to the schema", "Undocumented Allow header"})
NEGATIVE_ACCEPTED = "Schema-violating request accepted"
POSITIVE_REJECTED = "Schema-valid request rejected"
COLUMNS = ("requests", "2xx", "5xx", "schema", "bad accepted", "good refused", "error shape", "other")


def _classify(titles: list[str]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for title in titles:
        if title == SERVER_ERROR:
            counts["5xx"] += 1
        elif title in SCHEMA_VIOLATIONS:
            counts["schema"] += 1
        elif title == NEGATIVE_ACCEPTED:
            counts["bad accepted"] += 1
        elif title == POSITIVE_REJECTED:
            counts["good refused"] += 1
        elif title.startswith("error shape"):
            counts["error shape"] += 1
        else:
            counts["other"] += 1
    return counts


def _validate(case: Any, response: Any, base_url: str, examples: dict[str, list[str]]) -> list[str]:
    """Titles of the failed checks of one response (empty when it keeps the contract)."""
    from schemathesis.core.failures import Failure, FailureGroup

    try:
        case.validate_response(response, additional_checks=[error_shape],
                               transport_kwargs={"base_url": base_url})
    except FailureGroup as group:
        failures = [(f.title, f.message) for f in group.exceptions]
    except Failure as failure:
        failures = [(failure.title, failure.message)]
    except AssertionError as exc:
        failures = [("error shape", str(exc))]
    else:
        return []
    for title, message in failures:
        examples.setdefault(title, []).append(
            f"{case.method} {case.formatted_path} → {response.status_code}: "
            f"{' '.join(message.split())[:900]} | answer {response.text[:160]!r}")
    return [title for title, _message in failures]


def _send(strategy: Any, count: int, seed: int, base_url: str, counts: Counter[str],
          examples: dict[str, list[str]]) -> None:
    """Send ``count`` generated requests of ``strategy``; tally what their responses break."""
    import hypothesis

    @hypothesis.settings(max_examples=count, deadline=None, database=None,
                         phases=[hypothesis.Phase.generate],
                         suppress_health_check=list(hypothesis.HealthCheck))
    @hypothesis.seed(seed)
    @hypothesis.given(case=strategy)
    def send(case: Any) -> None:
        response = case.call(base_url=base_url)
        counts["requests"] += 1
        counts["2xx"] += 200 <= response.status_code < 300
        counts.update(_classify(_validate(case, response, base_url, examples)))

    # Unsatisfiable: nothing to violate, the operation has no inputs (or only fixed ones)
    with contextlib.suppress(hypothesis.errors.Unsatisfiable):
        send()


def fuzz_operations(schema: Any, ids: dict[str, str], base_url: str, examples_per_mode: int,
                    seed: int, examples: dict[str, list[str]]) -> dict[str, Counter[str]]:
    """Positive and negative requests for every operation; counts per operation."""
    from schemathesis import GenerationMode

    results: dict[str, Counter[str]] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path}"
        counts: Counter[str] = Counter()
        fixed = {"id": ids[label]} if label in ids else None
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _send(operation.as_strategy(generation_mode=mode, path_parameters=fixed),
                  examples_per_mode, seed, base_url, counts, examples)
        results[label] = counts
        print(f"  {label}: {counts['requests']} requests", file=sys.stderr, flush=True)
    return results


def fuzz_stateful(schema: Any, scenarios: int, steps: int, seed: int,
                  examples: dict[str, list[str]]) -> Counter[str]:
    """Stateful scenarios along the document's links (see ``run_stateful``); counts."""
    from schemathesis.core.failures import Failure, FailureGroup

    counts: Counter[str] = Counter()

    def tally(case: Any, response: Any, failure: BaseException | None) -> None:
        counts["requests"] += 1
        if 200 <= response.status_code < 300:
            counts["2xx"] += 1
            counts[f"ok {case.method} {case.operation.path}"] += 1
        if failure is None:
            return
        if isinstance(failure, FailureGroup):
            found = [(f.title, f.message) for f in failure.exceptions]
        elif isinstance(failure, Failure):
            found = [(failure.title, failure.message)]
        else:
            found = [("error shape", str(failure))]
        counts.update(_classify([title for title, _message in found]))
        for title, message in found:
            examples.setdefault(title, []).append(
                f"{case.method} {case.formatted_path} → {response.status_code}: "
                f"{' '.join(message.split())[:900]}")

    counts["runs"] = run_stateful(schema, scenarios, steps, seed, tally)
    counts["scenarios"] = scenarios
    return counts


def _row(label: str, counts: Counter[str]) -> str:
    return f"{label:<34}" + "".join(f"{counts.get(c, 0):>13}" for c in COLUMNS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=300,
                        help="requests per operation and mode (positive, negative); 300")
    parser.add_argument("--scenarios", type=int, default=200, help="stateful scenarios; 200")
    parser.add_argument("--steps", type=int, default=10, help="steps per stateful scenario; 10")
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args(argv)
    if not 1 <= args.examples <= 100_000 or not 0 <= args.scenarios <= 100_000:
        parser.error("--examples must be 1–100000 and --scenarios 0–100000")

    import schemathesis

    examples: dict[str, list[str]] = {}
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as folder, live_server(Path(folder)) as server:
        ids = real_ids(server)
        schema = load_schema(server, contract_config(args.examples, seed=args.seed,
                                                     max_steps=args.steps))
        print(f"schemathesis {schemathesis.__version__} against {server.url} "
              f"(plan {server.plan_id})", file=sys.stderr, flush=True)
        per_operation = fuzz_operations(schema, ids, server.url, args.examples, args.seed,
                                        examples)
        stateful = fuzz_stateful(schema, args.scenarios, args.steps, args.seed, examples)
        log = server.log_text()
        traces = log.count("Traceback")
        trace_lines = [line for line in log.splitlines()
                       if line.startswith(("ERROR", "Traceback", '  File "', "    ")) or
                       (line and not line.startswith((" ", "INFO", "WARNING")) and ":" in line)]
    seconds = time.monotonic() - started

    print(f"\nAPI contract fuzz: schemathesis {schemathesis.__version__}, seed {args.seed}, "
          f"{args.examples} examples per operation and mode, {args.scenarios} stateful "
          f"scenarios × ≤ {args.steps} steps, {seconds:.0f} s\n")
    print(f"{'operation':<34}" + "".join(f"{c:>13}" for c in COLUMNS))
    total: Counter[str] = Counter()
    for label, counts in per_operation.items():
        print(_row(label, counts))
        total.update(counts)
    print(_row("stateful (links)", stateful))
    total.update({k: v for k, v in stateful.items()
                  if not k.startswith("ok ") and k not in ("scenarios", "runs")})
    print(_row("TOTAL", total))
    followed = sorted(k[3:] for k in stateful if k.startswith("ok "))
    print(f"\nstateful: ≥ {stateful['scenarios']} scenarios in {stateful['runs']} run(s); steps "
          f"answered 2xx: {', '.join(followed) or 'none'}")
    print(f"traces in the server log: {traces}")
    if traces:
        print("\n".join(trace_lines[-60:]))
    for title, cases in sorted(examples.items()):
        print(f"\n{title} ({len(cases)}), e.g.:")
        for line in cases[:3]:
            print(f"  {line}")
    failures = sum(total[c] for c in COLUMNS if c not in ("requests", "2xx")) + traces
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
