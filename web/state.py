"""What one app instance owns: the database, the job runner and the export cache.

Stored in ``app.extensions["planner"]`` — nothing of it is module-level state.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app

from models import Database
from web.jobs import JobRunner

EXTENSION = "planner"


class ExportCache:
    """A bounded LRU of rendered exports. Stored plans never change, so an entry stays valid
    until its plan is deleted (:meth:`forget_plans`)."""

    def __init__(self, max_entries: int = 256) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        if self.max_entries <= 0:
            return
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def forget_plans(self, plan_ids: set[str]) -> None:
        """Drop every entry whose key starts with one of ``plan_ids``."""
        with self._lock:
            for key in [k for k in self._entries if isinstance(k, tuple) and k[0] in plan_ids]:
                del self._entries[key]


@dataclass
class PlannerState:
    """The per-app services."""

    database: Database
    jobs: JobRunner
    exports: ExportCache
    sweeps: Any = None  # web.sweeps.SweepRunner (issue 14)


def planner_state(app: Flask | None = None) -> PlannerState:
    """The :class:`PlannerState` of ``app`` (default: the current app)."""
    return (app or current_app).extensions[EXTENSION]  # type: ignore[no-any-return]
