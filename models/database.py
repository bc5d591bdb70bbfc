"""The database: engine, sessions, schema creation and the recorded schema version.

SQLite (a file) by default, any SQLAlchemy URL (PostgreSQL) otherwise. Every write goes through
``with db.transaction() as session:`` so it commits whole or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import create_engine, event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from models.tables import Base, SchemaVersion

SCHEMA_VERSION = 1
"""The schema this code writes. Add a step to ``MIGRATIONS`` when it changes."""

MIGRATIONS: dict[int, str] = {}
"""SQL to go from version ``n - 1`` to ``n``, keyed by ``n`` (none yet: version 1 is the first)."""


class SchemaVersionError(RuntimeError):
    """The database was written by a newer version of the planner than this one."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL lets the progress writes of a running job proceed while pages read.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class Database:
    """An engine plus a session factory for one database URL.

    Parameters
    ----------
    url : str
        Any SQLAlchemy URL, e.g. ``sqlite:////path/planner.sqlite3`` or
        ``postgresql+psycopg://user@host/planner``.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        kwargs: dict[str, Any] = {}
        is_sqlite = url.startswith("sqlite")
        if is_sqlite:
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        self.engine: Engine = create_engine(url, **kwargs)
        if is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def create_schema(self) -> int:
        """Create missing tables and record/check the schema version; returns the version."""
        Base.metadata.create_all(self.engine)
        with self.transaction() as session:
            current = session.scalar(select(func.max(SchemaVersion.version)))
            if current is None:
                session.add(SchemaVersion(version=SCHEMA_VERSION))
                return SCHEMA_VERSION
            if current > SCHEMA_VERSION:
                raise SchemaVersionError(
                    f"database schema version {current} is newer than this planner's "
                    f"{SCHEMA_VERSION}; upgrade the planner")
            for version in range(current + 1, SCHEMA_VERSION + 1):
                session.connection().exec_driver_sql(MIGRATIONS[version])
                session.add(SchemaVersion(version=version))
            return SCHEMA_VERSION

    def schema_version(self) -> int | None:
        """The highest recorded schema version (None before :meth:`create_schema`)."""
        with self.session() as session:
            return session.scalar(select(func.max(SchemaVersion.version)))

    def session(self) -> Session:
        """A new session for reads (use as a context manager)."""
        return self._sessions()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session inside one transaction: commits on success, rolls back on any exception."""
        with self._sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
