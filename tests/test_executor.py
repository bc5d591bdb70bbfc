"""The execution seam on real Dask processes: the same sweep serially, on a LocalCluster of two
worker processes, and on a scheduler and workers started here as separate ``dask scheduler`` /
``dask worker`` processes on loopback (the remote path, connected by address) — identical
results; a worker killed mid-sweep (its unit is re-run elsewhere and the sweep completes); a
unit that kills its worker every time (a clear error); an unreachable address; a worker whose
installed versions differ (``distributed``'s version report → a clear error).

Every process started here is stopped by its fixture (SIGTERM, then SIGKILL after 10 s).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from planner import executor as ex
from planner import sweep
from planner.types import InputError, Problem, Scenario
from tests.conftest import build_small_scenario

ROOT = Path(__file__).resolve().parents[1]
DASK = Path(sys.executable).with_name("dask")
GRID = ["volume=-10%,0,+10%", "service_level=0.75,0.85"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _environment(first_on_path: Path | None = None) -> dict[str, str]:
    """This environment with the repository (and ``first_on_path`` before it) on PYTHONPATH."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(str(p) for p in (first_on_path, ROOT) if p is not None)
    env.pop(ex.SCHEDULER_ENVIRONMENT_VARIABLE, None)
    return env


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in reversed(processes):
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in reversed(processes):
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _start_workers(address: str, count: int, env: dict[str, str], log: Path) -> list[subprocess.Popen[bytes]]:
    with log.open("ab") as out:
        return [subprocess.Popen([str(DASK), "worker", address, "--nworkers", "1", "--nthreads", "1",
                                  "--no-dashboard", "--host", "127.0.0.1", "--name", f"w{i}"],
                                 cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
                for i in range(count)]


@pytest.fixture(scope="module")
def base() -> Scenario:
    return build_small_scenario()


@pytest.fixture(scope="module")
def grid(base: Scenario) -> sweep.SweepGrid:
    return sweep.parse_grid(GRID, base)


@pytest.fixture(scope="module")
def serial_result(base: Scenario, grid: sweep.SweepGrid) -> sweep.SweepResult:
    return sweep.run_sweep(base, grid)


@pytest.fixture(scope="module")
def local_executor() -> Iterator[ex.DaskExecutor]:
    executor = ex.DaskExecutor.start(ex.ExecutorSpec("local", workers=2))
    yield executor
    executor.close()


@pytest.fixture(scope="module")
def remote_address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A ``dask scheduler`` and two ``dask worker`` processes (each under its nanny) on loopback."""
    assert DASK.exists(), "the dask command comes with dask[distributed]"
    folder = tmp_path_factory.mktemp("dask")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = _environment()
    log = folder / "cluster.log"
    processes: list[subprocess.Popen[bytes]] = []
    try:
        with log.open("ab") as out:
            processes.append(subprocess.Popen(
                [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT))
        processes += _start_workers(address, 2, env, log)
        yield address
    finally:
        _stop(processes)


def _same(a: sweep.SweepResult, b: sweep.SweepResult) -> None:
    pd.testing.assert_frame_equal(a.points, b.points, check_exact=True)
    pd.testing.assert_frame_equal(a.decisions, b.decisions, check_exact=True)


# -- the plain parts ----------------------------------------------------------------------------


def test_unit_seeds_are_reproducible_distinct_and_independent_of_the_count():
    seeds = ex.unit_seeds(20260105, 50)
    assert seeds == ex.unit_seeds(20260105, 50)
    assert len(set(seeds)) == 50
    assert ex.unit_seeds(20260105, 10) == seeds[:10]  # unit i gets its seed whatever the total
    assert ex.unit_seeds(1, 5) != ex.unit_seeds(2, 5)
    assert all(0 <= s < 2**63 for s in seeds)


def test_resolve_spec_prefers_the_address_then_serial_then_a_local_cluster():
    assert ex.resolve_spec("tcp://127.0.0.1:8786", environ={}).kind == "remote"
    env = {ex.SCHEDULER_ENVIRONMENT_VARIABLE: "tcp://10.1.2.3:8786"}
    assert ex.resolve_spec(None, environ=env).address == "tcp://10.1.2.3:8786"
    assert ex.resolve_spec("tcp://127.0.0.1:9999", environ=env).address == "tcp://127.0.0.1:9999"
    assert ex.resolve_spec(None, serial=True, environ=env).kind == "serial"
    assert ex.resolve_spec(None, workers=1, environ={}).kind == "serial"
    local = ex.resolve_spec(None, workers=3, environ={})
    assert (local.kind, local.workers) == ("local", 3)


@pytest.mark.parametrize(("fields", "needle"), [
    ({"kind": "remote", "address": "not an address"}, "tcp://host:8786"),
    ({"kind": "remote"}, "tcp://host:8786"),
    ({"kind": "local", "workers": 0}, "workers must be"),
    ({"kind": "cloud"}, "executor kind"),
    ({"kind": "serial", "address": "tcp://127.0.0.1:1"}, "only given for a remote"),
])
def test_a_bad_executor_spec_is_refused_by_name(fields: dict[str, Any], needle: str):
    with pytest.raises(ValueError, match=needle):
        ex.ExecutorSpec(**fields)


def _slower_first(_shared: object, item: int) -> int:
    time.sleep(0.05 * (4 - item))
    return item * item


def _reject(_shared: object, item: int) -> int:
    if item == 2:
        raise InputError([Problem("volume", "must be > -100%, got -150%", "grid volume")])
    return item


def _exit_worker(_shared: object, _item: int) -> int:
    os._exit(3)  # what an out-of-memory kill looks like to the scheduler


def test_serial_map_keeps_order_reports_progress_and_times_units():
    told: list[tuple[int, int, str]] = []
    mapped = ex.SerialExecutor().map(_slower_first, [0, 1, 2, 3], keys=list("abcd"),
                                     progress=lambda *a: told.append(a))
    assert mapped.values == (0, 1, 4, 9)
    assert told == [(1, 4, "a"), (2, 4, "b"), (3, 4, "c"), (4, 4, "d")]
    assert [r.key for r in mapped.runs] == list("abcd")
    assert all(r.seconds >= 0.0 for r in mapped.runs)


# -- LocalCluster with worker processes ---------------------------------------------------------


def test_local_cluster_assembles_in_item_order_whatever_finishes_first(local_executor):
    told: list[tuple[int, int, str]] = []
    mapped = local_executor.map(_slower_first, [0, 1, 2, 3], progress=lambda *a: told.append(a))
    assert mapped.values == (0, 1, 4, 9)
    assert sorted(t[2] for t in told) == ["0", "1", "2", "3"]
    assert [t[0] for t in told] == [1, 2, 3, 4]
    workers = {r.worker for r in mapped.runs}
    assert all(w.split(":")[1] != str(os.getpid()) for w in workers)  # ran in worker processes
    assert len(workers) == 2


def test_a_units_input_error_comes_back_unchanged_with_its_problems(local_executor):
    with pytest.raises(InputError) as caught:
        local_executor.map(_reject, [0, 1, 2, 3])
    assert caught.value.problems == (Problem("volume", "must be > -100%, got -150%", "grid volume"),)


def test_the_sweep_is_identical_serially_and_on_a_local_cluster(local_executor, base, grid,
                                                               serial_result):
    told: list[float] = []
    result = sweep.run_sweep(base, grid, executor=local_executor, progress=lambda f, _m: told.append(f))
    _same(serial_result, result)
    assert told[0] == 0.0 and told[-1] == 1.0 and len(told) == grid.size + 1
    assert "local Dask cluster of 2" in result.executor


# -- a scheduler and workers started as separate processes -------------------------------------


def test_the_sweep_is_identical_on_a_separately_started_scheduler(remote_address, base, grid,
                                                                 serial_result):
    spec = ex.ExecutorSpec("remote", address=remote_address, worker_wait_seconds=60)
    with ex.open_executor(spec) as executor:
        assert executor.worker_count() >= 1
        result = sweep.run_sweep(base, grid, executor=executor)
    _same(serial_result, result)
    assert remote_address in result.executor


def test_a_worker_killed_mid_sweep_has_its_unit_rerun_and_the_sweep_completes(remote_address, base):
    spec = ex.ExecutorSpec("remote", address=remote_address, worker_wait_seconds=60)
    big = sweep.parse_grid(["volume=-10%,0,+10%", "service_level=0.75,0.8,0.85"], base)
    expected = sweep.run_sweep(base, big)
    killed: dict[str, Any] = {}
    with ex.open_executor(spec) as executor:
        executor.client.wait_for_workers(2, timeout=60)
        pids = executor.client.run(os.getpid)

        def kill_once(_fraction: float, _message: str) -> None:
            if killed or _fraction == 0.0:
                return
            processing = {w: keys for w, keys in executor.client.processing().items() if keys}
            if not processing:
                return
            worker = max(processing, key=lambda w: len(processing[w]))
            killed.update(worker=worker, pid=pids[worker], keys=set(processing[worker]))
            os.kill(pids[worker], signal.SIGKILL)

        result = sweep.run_sweep(base, big, executor=executor, progress=kill_once)
    assert killed, "no unit was running when the sweep made progress"
    _same(expected, result)
    assert result.failed == 0
    # every unit that was on the killed process when it died was run again on another process
    dead = f"{socket.gethostname()}:{killed['pid']}"
    lost = sorted(int(str(key).rsplit("-", 1)[1]) for key in killed["keys"])
    assert lost
    assert all(result.runs[i].worker != dead for i in lost), (lost, result.runs)
    assert len({run.worker for run in result.runs}) >= 2


def test_an_unreachable_scheduler_is_named_with_its_address():
    address = f"tcp://127.0.0.1:{_free_port()}"
    started = time.perf_counter()
    with pytest.raises(ex.SchedulerUnreachableError, match=address.replace(".", r"\.")) as caught:
        ex.start_executor(ex.ExecutorSpec("remote", address=address, connect_timeout_seconds=2))
    assert "PLANNER_DASK_SCHEDULER" in str(caught.value)
    assert time.perf_counter() - started < 30


def test_a_unit_that_kills_its_worker_every_time_is_a_clear_error():
    import dask

    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        executor = ex.DaskExecutor.start(ex.ExecutorSpec("local", workers=1))
    try:
        with pytest.raises(ex.WorkerLostError, match="died 2 times") as caught:
            executor.map(_exit_worker, [0], keys=["volume=+10%"])
        assert "'volume=+10%'" in str(caught.value)
        assert "allowed-failures = 1" in str(caught.value)
    finally:
        executor.close()


def test_a_worker_with_other_versions_is_refused(tmp_path):
    """A worker process whose installation reports an older planner and another toolz (one of
    ``distributed``'s required packages): the versions it reports to the scheduler differ, so the
    executor refuses the cluster with the differences spelled out."""
    from distributed import LocalCluster

    shadow = tmp_path / "site"
    for name, version in (("cc_planner", "0.0.1"), ("toolz", "0.0.1")):
        info = shadow / f"{name}-{version}.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name.replace('_', '-')}\n"
                                       f"Version: {version}\n")
    cluster = LocalCluster(n_workers=0, processes=True, dashboard_address=":0", host="127.0.0.1")
    workers = _start_workers(cluster.scheduler_address, 1,
                             _environment(shadow), tmp_path / "worker.log")
    try:
        spec = ex.ExecutorSpec("remote", address=cluster.scheduler_address, worker_wait_seconds=60)
        with pytest.raises(ex.VersionMismatchError) as caught:
            ex.start_executor(spec)
        message = str(caught.value)
        assert "cc-planner 0.0.1" in message and "toolz 0.0.1" in message
        assert "this process" in message
    finally:
        _stop(workers)
        cluster.close()
