"""The Flask shell of the planner: ``create_app(test_config=None)``.

Configuration (``test_config`` keys, or the environment):

- ``DATABASE_URL`` / ``PLANNER_DATABASE_URL``: any SQLAlchemy URL; default a SQLite file
  ``planner.sqlite3`` in the app's instance folder.
- ``API_TOKEN`` / ``PLANNER_API_TOKEN``: when set, the API's write endpoints need
  ``Authorization: Bearer <token>``; when not, a loud warning is logged at start-up.
- ``SECRET_KEY`` / ``PLANNER_SECRET_KEY``: signs the session (CSRF tokens); random per process
  when not given.
- ``MAX_CONTENT_LENGTH``: upload limit in bytes (16 MB).
- ``JOB_WORKERS``: planning threads (1).
- ``EXPORT_CACHE_ENTRIES``: rendered schedule exports kept in memory (256; 0 = none). Stored
  plans never change, so a cached export is valid until its plan is deleted.

Imports :mod:`planner` and :mod:`models`; neither of them imports this package.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from models import Database
from planner import key_figures
from web.errors import register_error_handlers
from web.jobs import JobRunner
from web.security import register_security
from web.state import EXTENSION, ExportCache, PlannerState, planner_state

__all__ = ["create_app", "planner_state", "shutdown"]

NO_TOKEN_WARNING = (
    "\n" + "!" * 78 + "\n"
    "!!  NO API TOKEN IS SET: the JSON API's write endpoints (upload, change, delete, plan)\n"
    "!!  are open to anyone who can reach this server. Set PLANNER_API_TOKEN to require\n"
    "!!  'Authorization: Bearer <token>'.\n" + "!" * 78)


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: configuration, database (schema created/checked), job runner, blueprints."""
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    default_db = "sqlite:///" + str(Path(app.instance_path) / "planner.sqlite3")
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("PLANNER_SECRET_KEY") or secrets.token_hex(32),
        DATABASE_URL=os.environ.get("PLANNER_DATABASE_URL") or default_db,
        API_TOKEN=os.environ.get("PLANNER_API_TOKEN") or None,
        MAX_CONTENT_LENGTH=16 * 1024 * 1024,
        JOB_WORKERS=1,
        EXPORT_CACHE_ENTRIES=256,
        CSRF_ENABLED=True,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    if test_config:
        app.config.update(test_config)

    database = Database(app.config["DATABASE_URL"])
    database.create_schema()
    jobs = JobRunner(database, workers=int(app.config["JOB_WORKERS"]))
    interrupted = jobs.recover_interrupted()
    if interrupted:
        app.logger.warning("%d planning job(s) were interrupted by a restart; marked failed",
                           interrupted)
    app.extensions[EXTENSION] = PlannerState(database=database, jobs=jobs,
                                             exports=ExportCache(
                                                 int(app.config["EXPORT_CACHE_ENTRIES"])))

    from web import api, pages

    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    register_error_handlers(app)
    register_security(app)
    app.jinja_env.filters["num"] = format_number
    app.jinja_env.filters["figure"] = key_figures.format_value
    app.jinja_env.filters["figure_delta"] = key_figures.format_delta

    if not app.config.get("API_TOKEN"):
        app.logger.setLevel(min(app.logger.getEffectiveLevel(), logging.WARNING))
        app.logger.warning(NO_TOKEN_WARNING)
    return app


def format_number(value: Any, sign: bool = False) -> str:
    """A number for people: thousands separated, 4 significant digits below 1000, "—" for none."""
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return "—" if value is None else str(value)
    if value != value:  # NaN
        return "—"
    plus = "+" if sign else ""
    if abs(value) >= 1000:
        return format(value, f"{plus},.0f")
    return format(value, f"{plus}.4g")


def shutdown(app: Flask, wait: bool = True) -> None:
    """Stop the app's job runner and close its database connections."""
    state = planner_state(app)
    state.jobs.shutdown(wait=wait)
    state.database.dispose()
