"""A throwaway PostgreSQL server for the tests: ``initdb`` in a private directory, ``pg_ctl start``
on a free loopback port with trust authentication, ``pg_ctl stop`` at the end.

Uses Debian's ``postgresql`` package (``make test`` installs it when missing). PostgreSQL refuses to
run as root, so under root the server runs as the ``postgres`` system user the package creates.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def postgres_bin() -> Path | None:
    """The directory of ``initdb`` and ``pg_ctl``: on PATH, else Debian's /usr/lib/postgresql/N/bin."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(versions[-1]).parent if versions else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_postgres(bin_dir: Path) -> Iterator[str]:
    """Start a server; yield its SQLAlchemy URL (``postgresql+psycopg://planner@127.0.0.1:PORT/planner``)."""
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    home = Path(tempfile.mkdtemp(prefix="planner-pg-"))
    data = home / "data"
    if as_root:
        shutil.chown(home, "postgres", "postgres")
    port = _free_port()
    log = home / "server.log"

    def run(*command: str) -> None:
        done = subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise RuntimeError(f"{' '.join(command)} failed: {done.stderr.strip() or done.stdout.strip()}"
                               + (f"\n{log.read_text()}" if log.exists() else ""))

    try:
        run(str(bin_dir / "initdb"), "-D", str(data), "-U", "planner", "-A", "trust", "-E", "UTF8",
            "--no-sync")
        options = f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=off"
        run(str(bin_dir / "pg_ctl"), "start", "-D", str(data), "-w", "-t", "60", "-l", str(log),
            "-o", options)
        try:
            run(str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "planner", "planner")
            yield f"postgresql+psycopg://planner@127.0.0.1:{port}/planner"
        finally:
            run(str(bin_dir / "pg_ctl"), "stop", "-D", str(data), "-m", "fast", "-w")
    finally:
        shutil.rmtree(home, ignore_errors=True)
