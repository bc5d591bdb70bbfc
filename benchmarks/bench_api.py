"""Loopback load test of the schedule export API under waitress.

Starts the app under waitress on 127.0.0.1 (a free port, in its own process), uploads and plans
the day sample once, then runs N concurrent clients (default 20, at most 64) that fetch schedule
exports — every format, with and without group/time filters — for a bounded time (default 60 s,
at most 300 s), each over one keep-alive connection. Prints p50/p95/p99 latency, throughput and
errors. Target (issue 7): p95 < 200 ms with 0 errors.

Baseline named for the ratio: the same requests issued one at a time by a single client
(``--baseline-seconds``, default 5 s) — the ratio p95(concurrent) / p50(single) shows the cost
of queueing under load.

    python benchmarks/bench_api.py [--clients 20] [--seconds 60]
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_inputs" / "contact_center_day.xlsx"
MAX_CLIENTS = 64
MAX_SECONDS = 300.0


def _server(ready: multiprocessing.Queue, stop: multiprocessing.Event, threads: int,
            cache_entries: int) -> None:
    sys.path.insert(0, str(ROOT))
    import logging

    from web import create_app, planner_state, shutdown
    from web.serve import load_sample, start_server

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "queue depth" notes under load

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
                          "API_TOKEN": "bench-token", "EXPORT_CACHE_ENTRIES": cache_entries})
        _scenario_id, job_id = load_sample(app, SAMPLE)
        planner_state(app).jobs.wait(job_id, timeout=900)
        with planner_state(app).database.session() as session:
            from models import JobRecord

            job = session.get(JobRecord, job_id)
            plan_id, state, error = job.plan_id, job.state, job.error
        running = start_server(app, threads=threads)
        ready.put({"url": running.url, "plan_id": plan_id, "state": state, "error": error,
                   "groups": _groups(app, plan_id)})
        stop.wait()
        running.stop()
        shutdown(app)


def _groups(app, plan_id: str | None) -> list[str]:
    if plan_id is None:
        return []
    from web import planner_state

    with planner_state(app).database.session() as session:
        from models import PlanRecord

        return list((session.get(PlanRecord, plan_id).results.get("meta") or {}).get("groups", []))


def _paths(plan_id: str, groups: list[str], start_date: str) -> list[str]:
    base = f"/api/plans/{plan_id}/schedule"
    paths = [f"{base}?format={fmt}" for fmt in ("json", "csv", "xlsx", "ics")]
    paths += [f"{base}?format=json&group={g}" for g in groups]
    paths += [f"{base}?format=csv&group={g}" for g in groups]
    paths += [f"{base}?format=ics&from={start_date}T08:00:00&to={start_date}T12:00:00"]
    return paths


def _client(host: str, port: int, paths: list[str], deadline: float, latencies: list[float],
            errors: list[str], offset: int) -> None:
    connection = http.client.HTTPConnection(host, port, timeout=30)
    i = offset
    try:
        while time.perf_counter() < deadline:
            path = paths[i % len(paths)]
            i += 1
            started = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                elapsed = time.perf_counter() - started
                if response.status != 200:
                    errors.append(f"{response.status} {path}")
                else:
                    latencies.append(elapsed)
            except (OSError, http.client.HTTPException) as exc:
                errors.append(f"{type(exc).__name__} {path}")
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=30)
    finally:
        connection.close()


def _run(host: str, port: int, paths: list[str], clients: int, seconds: float
         ) -> tuple[list[float], list[str], float]:
    latencies: list[float] = []
    errors: list[str] = []
    deadline = time.perf_counter() + seconds
    started = time.perf_counter()
    workers = [threading.Thread(target=_client, args=(host, port, paths, deadline, latencies,
                                                      errors, k)) for k in range(clients)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return latencies, errors, time.perf_counter() - started


def _quantile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 \
        else (values[0] if values else float("nan"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--baseline-seconds", type=float, default=5.0)
    parser.add_argument("--server-threads", type=int, default=8)
    parser.add_argument("--no-cache", action="store_true",
                        help="render every export afresh (the app's export cache off)")
    args = parser.parse_args(argv)
    clients = max(1, min(args.clients, MAX_CLIENTS))
    seconds = max(1.0, min(args.seconds, MAX_SECONDS))

    context = multiprocessing.get_context("spawn")
    ready = context.Queue()
    stop = context.Event()
    server = context.Process(target=_server, args=(ready, stop, args.server_threads,
                                                         0 if args.no_cache else 256), daemon=True)
    server.start()
    try:
        info = ready.get(timeout=900)
        if info["state"] != "succeeded":
            print(f"planning the day sample failed: {info['error']}")
            return 1
        host, port = info["url"].removeprefix("http://").split(":")
        assert host == "127.0.0.1"  # loopback only
        start_date = _start_date(int(port), info["plan_id"])
        paths = _paths(info["plan_id"], info["groups"], start_date)
        base_lat, base_err, _ = _run(host, int(port), paths, 1, args.baseline_seconds)
        latencies, errors, wall = _run(host, int(port), paths, clients, seconds)
    finally:
        stop.set()
        server.join(timeout=30)
        if server.is_alive():
            server.terminate()

    p50, p95, p99 = (_quantile(latencies, q) * 1000 for q in (50, 95, 99))
    base_p50 = _quantile(base_lat, 50) * 1000
    print(f"bench_api: {clients} clients × {seconds:.0f} s on {info['url']} "
          f"({len(paths)} export URLs: json/csv/xlsx/ics, group and time filters; "
          f"export cache {'off' if args.no_cache else 'on'})")
    print(f"  requests ok      {len(latencies)}   ({len(latencies) / wall:.0f} req/s)")
    print(f"  errors           {len(errors)}" + (f"   first: {errors[:3]}" if errors else ""))
    print(f"  latency p50      {p50:.1f} ms")
    print(f"  latency p95      {p95:.1f} ms   (target < 200 ms: {'met' if p95 < 200 else 'MISSED'})")
    print(f"  latency p99      {p99:.1f} ms")
    print(f"  baseline         single client p50 {base_p50:.1f} ms over {len(base_lat)} requests "
          f"({len(base_err)} errors); p95(concurrent)/p50(single) = {p95 / base_p50:.1f}")
    return 0 if not errors and p95 < 200 else 1


def _start_date(port: int, plan_id: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", f"/api/plans/{plan_id}/schedule?format=json")
        shifts = json.loads(connection.getresponse().read())["shifts"]
    finally:
        connection.close()
    return shifts[0]["startDate"][:10] if shifts else "2026-01-01"


if __name__ == "__main__":
    raise SystemExit(main())
