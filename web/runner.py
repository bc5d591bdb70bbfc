"""The one background runner of the web app: long work off the request thread, its progress and
its failure recorded on a database row.

Planning jobs (:mod:`web.jobs`), capacity plans (:mod:`web.capacity`), simulations
(:mod:`web.simulations`) and sweeps (:mod:`web.sweeps`) all run through a
:class:`BackgroundRunner`: a thread pool owned by the app (never module state), one future per
run, and a *progress row* — a :class:`~models.JobRecord` or a :class:`~models.SweepRecord`, both
with ``state`` (queued → running → succeeded | failed), ``percent``, ``messages``, ``error``,
``started_at`` and ``finished_at``. A run's result and its success are written by the run itself in
one transaction (:func:`mark_succeeded` inside it); when the run raises, the runner records the
failure on the row only (an expected error's own words, anything else "internal error … in the
server log" with the trace logged), so a failed run stores nothing else and every scenario and
plan stays as it was.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from models import Database
from models.tables import utc_now

LOG = logging.getLogger(__name__)
MAX_MESSAGES = 200
"""Progress messages kept per row (the oldest are dropped)."""
ACTIVE_STATES: tuple[str, ...] = ("queued", "running")


class RunFailedError(RuntimeError):
    """A run that finished without a usable result; its message is shown to the user as is."""


def append_message(row: Any, text: str) -> None:
    """Append a timestamped progress message to ``row.messages`` (at most :data:`MAX_MESSAGES`)."""
    row.messages = [*list(row.messages or []), {"at": utc_now().isoformat(), "text": text}][-MAX_MESSAGES:]


def mark_succeeded(row: Any, **fields: Any) -> None:
    """Mark a progress row done (state, 100 %, finished, "done") inside the caller's transaction."""
    for name, value in fields.items():
        setattr(row, name, value)
    row.state = "succeeded"
    row.percent = 100.0
    row.finished_at = utc_now()
    append_message(row, "done")


class BackgroundRunner:
    """Runs callables on a thread pool and records their progress and failure on a row.

    Parameters
    ----------
    database : models.Database
        Where the progress rows live.
    row_type : type
        The progress row's table (``JobRecord`` or ``SweepRecord``).
    noun : str
        What runs, in planner words (``"planning"``, ``"sweeping"``): the internal-error text.
    workers : int
        Runs at once (the work is CPU-bound: 1 is a sensible default).
    expected : tuple of exception types
        Failures whose own message is the user's reason; others are logged as internal errors.
    thread_name_prefix : str
    stale_error : type
        What :meth:`record` raises when the row was deleted under it (a :class:`RunFailedError`).
    """

    def __init__(self, database: Database, row_type: type, noun: str, *, workers: int = 1,
                 expected: tuple[type[BaseException], ...] = (ValueError, RunFailedError),
                 thread_name_prefix: str = "planner-run",
                 stale_error: type[RunFailedError] = RunFailedError) -> None:
        self.database = database
        self.row_type = row_type
        self.noun = noun
        self.expected = expected
        self.stale_error = stale_error
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=thread_name_prefix)
        self._futures: dict[str, Future[None]] = {}
        self._lock = threading.Lock()

    def start(self, key: str, row_id: str, work: Callable[[], None],
              on_failure: Callable[[BaseException], None] | None = None) -> None:
        """Run ``work()`` off the request thread; ``key`` is what :meth:`wait` is given."""
        with self._lock:
            self._futures[key] = self._executor.submit(self._run, key, row_id, work, on_failure)

    def wait(self, key: str, timeout: float | None = None) -> bool:
        """Block until the run finishes; False when ``timeout`` seconds pass first."""
        with self._lock:
            future = self._futures.get(key)
        if future is None:
            return True
        try:
            future.result(timeout=timeout)
        except FutureTimeout:
            return False
        return True

    def shutdown(self, wait: bool = True) -> None:
        """Stop taking runs; with ``wait`` let running ones finish, else cancel the queued ones."""
        self._executor.shutdown(wait=wait, cancel_futures=not wait)

    def recover_interrupted(self, what: str) -> int:
        """Mark rows left queued/running by a previous process as failed; returns how many."""
        with self.database.transaction() as session:
            stale = session.scalars(select(self.row_type).where(
                self.row_type.state.in_(ACTIVE_STATES))).all()
            for row in stale:
                row.state = "failed"
                row.error = f"interrupted: the server stopped before the {what} finished"
                row.finished_at = utc_now()
            return len(stale)

    def record(self, row_id: str, **fields: Any) -> None:
        """Update the progress row (``message=`` appends a progress message).

        Raises
        ------
        RunFailedError
            (``stale_error``) The row was deleted (with its scenario) between read and write.
        """
        message = fields.pop("message", None)
        try:
            with self.database.transaction() as session:
                row = session.get(self.row_type, row_id)
                if row is None:
                    return
                for name, value in fields.items():
                    setattr(row, name, value)
                if message:
                    append_message(row, message)
        except StaleDataError:  # the scenario (with its rows) was deleted between read and write
            raise self.stale_error("the scenario was deleted while it was being planned") from None

    def progress(self, row_id: str, *, low: float = 1.0, high: float = 95.0, every_seconds: float = 0.2,
                 min_step: float = 1.0, every_message: bool = True,
                 final_percent: float | None = None) -> Callable[[float, str], None]:
        """A ``progress(fraction, message)`` callback writing ``low + (high − low)·fraction`` percent.

        A write is *due* when the percent moved by ``min_step`` points and ``every_seconds`` passed,
        or the percent reached ``final_percent``. With ``every_message`` a new message is written at
        once (and a due write without a new message updates the percent only); without it only due
        writes happen, each with its message (for work that says something new at every step).
        """
        last: dict[str, Any] = {"percent": low, "message": "", "at": 0.0}

        def report(fraction: float, message: str) -> None:
            percent = round(low + (high - low) * min(max(float(fraction), 0.0), 1.0), 1)
            now = time.monotonic()
            new = message != last["message"]
            due = (percent - last["percent"] >= min_step and now - last["at"] > every_seconds) or (
                final_percent is not None and percent >= final_percent)
            if (new and every_message) or due:
                last.update(percent=percent, message=message, at=now)
                self.record(row_id, percent=percent, message=message if new or not every_message else None)

        return report

    def _run(self, key: str, row_id: str, work: Callable[[], None],
             on_failure: Callable[[BaseException], None] | None) -> None:
        try:
            work()
        except Exception as exc:  # every failure is recorded on the row
            if isinstance(exc, self.expected):
                reason = str(exc)
            else:
                LOG.exception("%s run %s failed", self.noun, key)
                reason = f"internal error while {self.noun} — the details are in the server log"
            if on_failure is not None:
                on_failure(exc)
            self.record(row_id, state="failed", error=reason, finished_at=utc_now(),
                        message=f"failed: {reason}")
        finally:
            with self._lock:
                self._futures.pop(key, None)
