"""One execution seam for independent units of work: serial, a local Dask cluster, or a remote one.

A *unit* is a call ``fn(shared, item)`` that needs nothing from any other unit: a scenario of a
sweep, a staffing group's schedule, a simulation replication. Every path runs the same units
and returns the same values in the same order:

* :class:`SerialExecutor` — in this process, one unit after another (the default in tests and
  on a one-core machine);
* :class:`DaskExecutor` on a ``distributed.LocalCluster`` with worker *processes*
  (``kind="local"``: the embedded default of ``planner sweep`` and ``planner serve`` on a
  machine with more than one core);
* :class:`DaskExecutor` connected to a running Dask scheduler by address (``kind="remote"``:
  ``--scheduler tcp://host:8786`` or :data:`SCHEDULER_ENVIRONMENT_VARIABLE`).

Rules every unit keeps (so the three paths give identical answers):

* plain data in and out — numbers, strings, tuples, frozen dataclasses, numpy arrays, pandas
  DataFrames. A solver model (PuLP) is built and solved *inside* the unit, never shipped;
* no hidden randomness — a unit that draws random numbers takes its seed in its item
  (:func:`unit_seeds` derives independent seeds from one base seed);
* results are assembled in the order of ``items``, whatever order the units finish in; the
  caller's ``progress(done, total, key)`` is called in the caller's thread as each one finishes.

A loop over independent parts becomes a call of the seam: where a module does
``[schedule_group(settings, g) for g in groups]`` it does
``executor.map(schedule_group, groups, shared=settings).values`` (same values, same order) with
``executor`` a :class:`SerialExecutor` by default — the scheduler's groups and parts, simulation
replications (seeds from :func:`unit_seeds`) and separable capacity scenarios plug in this way.

Failures are named: an unreachable scheduler (:class:`SchedulerUnreachableError`), a cluster
without workers (:class:`NoWorkersError`), a unit whose worker died more often than the
scheduler's ``distributed.scheduler.allowed-failures`` (:class:`WorkerLostError`; a worker that
dies once is replaced and its unit re-run elsewhere, which is Dask's own retry), and workers whose
software differs from this process's (:class:`VersionMismatchError`, from ``distributed``'s
version report). An exception raised *by a unit* (e.g. :class:`~planner.types.InputError`) is
re-raised unchanged in the caller and the units still queued are cancelled.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import time
import uuid
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

import numpy as np

SCHEDULER_ENVIRONMENT_VARIABLE = "PLANNER_DASK_SCHEDULER"
"""Address of a running Dask scheduler (``tcp://host:8786``) that the CLI and the web app use
instead of starting a local cluster."""

DEFAULT_CONNECT_TIMEOUT_SECONDS = 10.0
"""How long connecting to a remote scheduler may take before it is reported unreachable."""

DEFAULT_WORKER_WAIT_SECONDS = 30.0
"""How long a run waits for a cluster to have at least one worker."""

DEFAULT_LOCAL_WORKERS_CAP = 4
"""Most worker processes a local cluster starts by default (one thread each)."""

NO_WORKER_GRACE_SECONDS = 60.0
"""A run fails with :class:`NoWorkersError` when the cluster has had no worker this long."""

CHECKED_PACKAGES: tuple[str, ...] = ("dask", "distributed", "cloudpickle", "msgpack", "tornado", "toolz",
                                     "numpy", "pandas", "scipy", "pulp", "highspy", "cc-planner")
"""Packages whose versions must be the same on this process and every worker (``python`` too, by
major.minor): Dask's own wire packages, and the ones the units' numbers come from."""

_SCHEDULER_PACKAGES = frozenset({"dask", "distributed", "cloudpickle", "tornado", "toolz"})
_ADDRESS = re.compile(r"^(?:(?:tcp|tls|inproc|ws|wss)://)?[\w.\-\[\]:]+:\d{1,5}$")
_POLL_SECONDS = 0.01
_WORKER_CHECK_SECONDS = 1.0

ExecutorKind = Literal["serial", "local", "remote"]
S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")
UnitProgress = Callable[[int, int, str], None]
"""``progress(done, total, key)``: ``done`` units of ``total`` have finished, the last one ``key``."""


class ExecutorError(RuntimeError):
    """The execution seam could not run the units (the message says why, in plain words)."""


class SchedulerUnreachableError(ExecutorError):
    """No Dask scheduler answered at the given address."""


class NoWorkersError(ExecutorError):
    """The Dask cluster has no worker to run the units on."""


class WorkerLostError(ExecutorError):
    """A unit's worker died more often than the scheduler allows; the unit was given up."""


class VersionMismatchError(ExecutorError):
    """A worker (or the scheduler) runs other software versions than this process."""


@dataclass(frozen=True)
class UnitRun:
    """What happened to one unit.

    Attributes
    ----------
    key : str
        The unit's key (given by the caller, or its position).
    seconds : float
        Wall-clock seconds the unit's function ran, on the worker.
    worker : str
        ``host:pid`` of the process that ran it.
    """

    key: str
    seconds: float
    worker: str


@dataclass(frozen=True)
class Mapped(Generic[R]):
    """The values of a :meth:`Executor.map` call, in the order of its items, and how they ran.

    Attributes
    ----------
    values : tuple
        ``fn(shared, item)`` for every item, in item order.
    runs : tuple of UnitRun
        One per item, in item order.
    wall_seconds : float
        Wall-clock seconds of the whole call (submission to last result).
    """

    values: tuple[R, ...]
    runs: tuple[UnitRun, ...]
    wall_seconds: float


@dataclass(frozen=True)
class ExecutorSpec:
    """Which path runs the units.

    Parameters
    ----------
    kind : {"serial", "local", "remote"}
        In process; a ``LocalCluster`` of worker processes started here; a running scheduler.
    address : str or None
        The scheduler's address (``remote`` only), e.g. ``tcp://10.0.0.5:8786``.
    workers : int
        Worker processes of a local cluster (one thread each), ≥ 1.
    connect_timeout_seconds : float
        How long connecting to a remote scheduler may take (> 0).
    worker_wait_seconds : float
        How long to wait for the cluster's first worker (> 0).
    """

    kind: ExecutorKind = "serial"
    address: str | None = None
    workers: int = 1
    connect_timeout_seconds: float = DEFAULT_CONNECT_TIMEOUT_SECONDS
    worker_wait_seconds: float = DEFAULT_WORKER_WAIT_SECONDS

    def __post_init__(self) -> None:
        if self.kind not in ("serial", "local", "remote"):
            raise ValueError(f"executor kind must be 'serial', 'local' or 'remote', got {self.kind!r}")
        if self.kind == "remote":
            if not self.address or not _ADDRESS.match(self.address):
                raise ValueError(f"the Dask scheduler address must look like tcp://host:8786, got "
                                 f"{self.address!r}")
        elif self.address is not None:
            raise ValueError(f"an address is only given for a remote scheduler, not for {self.kind!r}")
        if isinstance(self.workers, bool) or not isinstance(self.workers, int) or self.workers < 1:
            raise ValueError(f"workers must be a whole number ≥ 1, got {self.workers!r}")
        for name in ("connect_timeout_seconds", "worker_wait_seconds"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be > 0, got {getattr(self, name)!r}")

    def cluster(self) -> str:
        """The cluster for messages: ``the local Dask cluster`` / ``the Dask cluster at ADDR``."""
        return "the local Dask cluster" if self.kind == "local" else f"the Dask cluster at {self.address}"

    def describe(self) -> str:
        """One line for people: where the units run."""
        if self.kind == "serial":
            return "serially in this process"
        if self.kind == "local":
            return f"on a local Dask cluster of {self.workers} worker process(es)"
        return f"on the Dask cluster at {self.address}"


def cpu_count() -> int:
    """Cores this process may use (the affinity mask where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def resolve_spec(scheduler: str | None = None, *, workers: int | None = None, serial: bool = False,
                 environ: Mapping[str, str] | None = None) -> ExecutorSpec:
    """The path a CLI command or the web app should take.

    Parameters
    ----------
    scheduler : str, optional
        ``--scheduler``: a running scheduler's address (wins over the environment).
    workers : int, optional
        Worker processes of a local cluster (default: the cores, at most
        :data:`DEFAULT_LOCAL_WORKERS_CAP`).
    serial : bool
        Run in this process whatever else is set.
    environ : mapping, optional
        Where :data:`SCHEDULER_ENVIRONMENT_VARIABLE` is read (default ``os.environ``).

    Returns
    -------
    ExecutorSpec
        ``remote`` with an address; else ``serial`` when asked for or on one core (or one
        worker); else ``local``.
    """
    environ = os.environ if environ is None else environ
    address = scheduler or environ.get(SCHEDULER_ENVIRONMENT_VARIABLE) or None
    if serial:
        return ExecutorSpec("serial")
    if address:
        return ExecutorSpec("remote", address=address.strip())
    count = workers if workers is not None else min(cpu_count(), DEFAULT_LOCAL_WORKERS_CAP)
    if count <= 1:
        return ExecutorSpec("serial")
    return ExecutorSpec("local", workers=count)


def unit_seeds(seed: int, count: int) -> tuple[int, ...]:
    """Independent 63-bit seeds for ``count`` units from one base seed.

    Uses :class:`numpy.random.SeedSequence` spawning (O'Neill 2015, PCG; numpy's recommended way to
    give parallel streams non-overlapping states), so unit *i* gets the same seed on every path
    and whatever the number of workers.
    """
    if count < 0:
        raise ValueError(f"count must be ≥ 0, got {count}")
    children = np.random.SeedSequence(int(seed)).spawn(count)
    return tuple(int(child.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)) for child in children)


def unit_time_limits(budget_seconds: float, weights: Sequence[float], workers: int,
                     floor_seconds: float = 0.5) -> tuple[float, ...]:
    """Wall-clock time limits of units that share one time limit and run ``workers`` at a time.

    The stage may take ``budget_seconds`` of wall-clock time, so its units have
    ``min(workers, units) × budget_seconds`` worker-seconds between them; each unit gets its share
    by weight (e.g. the integer columns of its model), and never more than ``budget_seconds``
    itself. On one worker this is each unit's share of the budget; summed over the units the
    limits are at most ``min(workers, units) × budget_seconds``.

    Parameters
    ----------
    budget_seconds : float
        The stage's time limit, s (> 0).
    weights : sequence of float
        One per unit, ≥ 0 (all 0: equal shares).
    workers : int
        Units that run at once (≥ 1).
    floor_seconds : float
        Least limit of a unit (a small unit still gets a moment to find a plan), capped at
        ``budget_seconds``.

    Returns
    -------
    tuple of float
        Seconds per unit, in the order of ``weights``.
    """
    if not budget_seconds > 0:
        raise ValueError(f"budget_seconds must be > 0, got {budget_seconds!r}")
    if workers < 1:
        raise ValueError(f"workers must be ≥ 1, got {workers!r}")
    shares = np.asarray(weights, dtype=float)
    if shares.size == 0:
        return ()
    if np.any(shares < 0) or not np.all(np.isfinite(shares)):
        raise ValueError("weights must be finite and ≥ 0")
    shares = shares / shares.sum() if shares.sum() > 0 else np.full(shares.size, 1.0 / shares.size)
    at_once = min(int(workers), int(shares.size))
    floor = min(float(floor_seconds), float(budget_seconds))
    return tuple(float(min(budget_seconds, max(floor, budget_seconds * share * at_once)))
                 for share in shares)


def _worker_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _run_unit(fn: Callable[[Any, Any], Any], shared: Any, item: Any) -> tuple[Any, float, str]:
    """Run one unit and time it (this runs on the worker)."""
    started = time.perf_counter()
    value = fn(shared, item)
    return value, time.perf_counter() - started, _worker_identity()


def _keys(items: Sequence[Any], keys: Sequence[str] | None) -> list[str]:
    if keys is None:
        return [str(i) for i in range(len(items))]
    if len(keys) != len(items):
        raise ValueError(f"{len(keys)} keys for {len(items)} items")
    return [str(k) for k in keys]


class SerialExecutor:
    """Runs every unit in this process, in item order."""

    kind: ExecutorKind = "serial"

    def __init__(self) -> None:
        self.spec = ExecutorSpec("serial")

    def map(self, fn: Callable[[S, T], R], items: Sequence[T], *, shared: S | None = None,
            keys: Sequence[str] | None = None, progress: UnitProgress | None = None) -> Mapped[R]:
        """``fn(shared, item)`` for every item (see :class:`DaskExecutor.map`)."""
        names = _keys(items, keys)
        started = time.perf_counter()
        values: list[R] = []
        runs: list[UnitRun] = []
        for done, (item, key) in enumerate(zip(items, names, strict=True), start=1):
            value, seconds, worker = _run_unit(fn, shared, item)
            values.append(value)
            runs.append(UnitRun(key, seconds, worker))
            if progress is not None:
                progress(done, len(names), key)
        return Mapped(tuple(values), tuple(runs), time.perf_counter() - started)

    def worker_count(self) -> int:
        return 1

    def close(self) -> None:
        """Nothing to release."""

    def __enter__(self) -> SerialExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _version_table(report: Mapping[str, Any]) -> list[str]:
    """Mismatches of :data:`CHECKED_PACKAGES` and python (major.minor), one line each."""

    def packages(entry: Any) -> dict[str, Any]:
        return dict((entry or {}).get("packages") or {})

    def short_python(value: Any) -> Any:
        return ".".join(str(value).split(".")[:2]) if value else value

    mine = packages(report.get("client"))
    lines = []
    sources = [("the scheduler", packages(report.get("scheduler")), _SCHEDULER_PACKAGES | {"python"})]
    sources += [(f"worker {address}", packages(entry), set(CHECKED_PACKAGES) | {"python"})
                for address, entry in sorted((report.get("workers") or {}).items())]
    for where, theirs, relevant in sources:
        for package in ("python", *CHECKED_PACKAGES):
            if package not in relevant:
                continue
            ours, other = mine.get(package), theirs.get(package)
            if package == "python":
                ours, other = short_python(ours), short_python(other)
            if ours != other:
                lines.append(f"{where} has {package} {other or 'missing'}, this process {ours or 'missing'}")
    return lines


def check_versions(client: Any) -> None:
    """Raise :class:`VersionMismatchError` when the scheduler or a worker runs other versions.

    ``distributed`` compares its own packages when a client connects but only *warns*
    (``VersionMismatchWarning``); a worker with another numpy, PuLP or planner could give other
    numbers, so here every package of :data:`CHECKED_PACKAGES` (and python's major.minor) must
    match exactly, as reported by :meth:`distributed.Client.get_versions`.
    """
    from distributed.versions import optional_packages, required_packages

    reported = set(required_packages) | set(optional_packages)  # distributed reports these anyway
    report = client.get_versions(packages=[p for p in CHECKED_PACKAGES if p not in reported])
    mismatches = _version_table(report)
    if mismatches:
        raise VersionMismatchError(
            "the Dask cluster runs other software than this planner, so its results could differ: "
            + "; ".join(mismatches)
            + ". Install the same versions on the scheduler and every worker (e.g. the same "
              "cc-planner wheel and its pinned dependencies).")


class DaskExecutor:
    """Runs units as tasks on a Dask cluster (local worker processes or a remote scheduler).

    Use :func:`open_executor` to build one; it owns the client (and the local cluster) and closes
    them on :meth:`close`.
    """

    def __init__(self, spec: ExecutorSpec, client: Any, cluster: Any | None = None) -> None:
        self.spec = spec
        self.kind: ExecutorKind = spec.kind
        self.client = client
        self._cluster = cluster

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def start(cls, spec: ExecutorSpec) -> DaskExecutor:
        """Start a local cluster or connect to a remote scheduler; check workers and versions."""
        from distributed import Client, LocalCluster
        from distributed.versions import VersionMismatchWarning

        cluster = None
        client = None
        try:
            with warnings.catch_warnings():
                # distributed only warns about mismatched versions; check_versions raises instead
                warnings.simplefilter("ignore", VersionMismatchWarning)
                if spec.kind == "local":
                    cluster = LocalCluster(n_workers=spec.workers, threads_per_worker=1, processes=True,
                                           dashboard_address=":0", silence_logs=logging.ERROR)
                    client = Client(cluster, set_as_default=False)
                else:
                    try:
                        client = Client(spec.address, timeout=spec.connect_timeout_seconds,
                                        set_as_default=False)
                    except (OSError, TimeoutError) as exc:
                        raise SchedulerUnreachableError(
                            f"cannot reach the Dask scheduler at {spec.address} within "
                            f"{spec.connect_timeout_seconds:g} s ({exc.__class__.__name__}: {exc}); "
                            f"check the address given by --scheduler or {SCHEDULER_ENVIRONMENT_VARIABLE}"
                            ", and that the scheduler is running") from None
            try:
                client.wait_for_workers(1, timeout=spec.worker_wait_seconds)
            except (OSError, TimeoutError):
                raise NoWorkersError(
                    f"{spec.cluster()} has no worker after "
                    f"{spec.worker_wait_seconds:g} s; start workers with `dask worker "
                    f"{spec.address or ''}`".rstrip()) from None
            check_versions(client)
        except BaseException:
            if client is not None:
                client.close()
            if cluster is not None:
                cluster.close()
            raise
        return cls(spec, client, cluster)

    # -- running ------------------------------------------------------------------------------
    def worker_count(self) -> int:
        """Workers connected now."""
        return len(self.client.nthreads())

    def map(self, fn: Callable[[S, T], R], items: Sequence[T], *, shared: S | None = None,
            keys: Sequence[str] | None = None, progress: UnitProgress | None = None) -> Mapped[R]:
        """``fn(shared, item)`` for every item, as Dask tasks; values in item order.

        Parameters
        ----------
        fn : callable(shared, item) -> value
            A module-level function (pickled by reference) or a picklable partial of one.
        items : sequence
            Plain data, one per unit.
        shared : object, optional
            Plain data every unit reads (e.g. the base scenario); sent to each worker once.
        keys : sequence of str, optional
            A name per unit for progress and :class:`UnitRun` (default: the positions).
        progress : callable(done, total, key), optional
            Called here, in the caller's thread, as each unit finishes.

        Raises
        ------
        WorkerLostError
            A unit's worker died more than ``distributed.scheduler.allowed-failures`` times.
        NoWorkersError
            The cluster has had no worker for :data:`NO_WORKER_GRACE_SECONDS`.
        VersionMismatchError
            A worker that joined runs other software versions.
        Exception
            Whatever a unit raised, unchanged.
        """
        from distributed import as_completed
        from distributed.scheduler import KilledWorker

        names = _keys(items, keys)
        started = time.perf_counter()
        if not names:
            return Mapped((), (), 0.0)
        check_versions(self.client)
        batch = uuid.uuid4().hex[:12]
        shared_ref = self.client.scatter(shared, broadcast=True, hash=False) if shared is not None else None
        futures = [self.client.submit(_run_unit, fn, shared_ref, item, key=f"planner-unit-{batch}-{i}",
                                      pure=False) for i, item in enumerate(items)]
        position = {f.key: i for i, f in enumerate(futures)}
        outcomes: list[tuple[Any, float, str] | None] = [None] * len(futures)
        pending = set(futures)
        done = 0
        without_workers_since: float | None = None
        completed = as_completed(futures, loop=self.client.loop)
        last_check = time.perf_counter()
        try:
            while pending:
                finished = completed.next_batch(block=False)
                if not finished:
                    time.sleep(_POLL_SECONDS)
                    if time.perf_counter() - last_check < _WORKER_CHECK_SECONDS:
                        continue
                    last_check = time.perf_counter()
                    if self.worker_count() == 0:
                        without_workers_since = without_workers_since or time.perf_counter()
                        if time.perf_counter() - without_workers_since > NO_WORKER_GRACE_SECONDS:
                            raise NoWorkersError(
                                f"every worker of {self.spec.cluster()} is gone "
                                f"and none came back within {NO_WORKER_GRACE_SECONDS:g} s; "
                                f"{len(pending)} of {len(futures)} units did not run")
                    else:
                        without_workers_since = None
                    continue
                for future in sorted(finished, key=lambda f: position[f.key]):
                    index = position[future.key]
                    try:
                        outcomes[index] = future.result()
                    except KilledWorker as exc:
                        raise WorkerLostError(
                            f"unit {names[index]!r} was lost: the worker running it died "
                            f"{exc.allowed_failures + 1} times (the scheduler retries a unit on "
                            f"another worker up to distributed.scheduler.allowed-failures = "
                            f"{exc.allowed_failures} times). A unit that kills its worker every "
                            "time usually runs out of memory; nothing was stored") from None
                    pending.discard(future)
                    done += 1
                    if progress is not None:
                        progress(done, len(futures), names[index])
        finally:
            if pending:
                self.client.cancel(list(pending))
            del futures
        values = tuple(o[0] for o in outcomes if o is not None)
        runs = tuple(UnitRun(names[i], o[1], o[2]) for i, o in enumerate(outcomes) if o is not None)
        return Mapped(values, runs, time.perf_counter() - started)

    # -- teardown -----------------------------------------------------------------------------
    def close(self) -> None:
        """Close the client (and stop the local cluster this executor started)."""
        try:
            self.client.close()
        finally:
            if self._cluster is not None:
                self._cluster.close()
                self._cluster = None

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


Executor = SerialExecutor | DaskExecutor
"""Either executor: both have ``kind``, ``spec``, ``map``, ``worker_count`` and ``close``."""


def start_executor(spec: ExecutorSpec) -> Executor:
    """A running executor for ``spec`` (close it, or use :func:`open_executor`)."""
    if spec.kind == "serial":
        return SerialExecutor()
    return DaskExecutor.start(spec)


@contextmanager
def open_executor(spec: ExecutorSpec | None = None) -> Iterator[Executor]:
    """``with open_executor(spec) as executor:`` — started on entry, closed on exit (serial by default)."""
    executor = start_executor(spec or ExecutorSpec("serial"))
    try:
        yield executor
    finally:
        executor.close()
