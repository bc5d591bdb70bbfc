"""Find a working interpreter of a given Python version for the peers' benchmark venvs.

``shutil.which("python3.12")`` is not enough: under pyenv it finds a *shim* that exists on every
path but fails ("command not found") unless that version is the active one. Each candidate is
therefore run once (``--version``) and kept only if it answers with the wanted version.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path


def _answers(python: str, version: str) -> bool:
    """Whether ``python --version`` runs and reports ``version`` (e.g. "3.12")."""
    try:
        done = subprocess.run([python, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    words = (done.stdout + done.stderr).split()
    return done.returncode == 0 and len(words) >= 2 and (words[1] + ".").startswith(version + ".")


def find_python(version: str) -> str | None:
    """A runnable ``python<version>``: on the PATH, else a pyenv-installed one, else None.

    Parameters
    ----------
    version : str
        Major.minor, e.g. ``"3.12"``.

    Returns
    -------
    str or None
        Path of an interpreter that really is that version (pyenv shims that fail are skipped).
    """
    candidates: list[str] = []
    on_path = shutil.which(f"python{version}")
    if on_path:
        candidates.append(on_path)
    pyenv = shutil.which("pyenv")
    if pyenv:
        done = subprocess.run([pyenv, "versions", "--bare"], capture_output=True, text=True)
        for line in sorted(done.stdout.split(), reverse=True):
            if (line + ".").startswith(version + "."):
                prefix = subprocess.run([pyenv, "prefix", line], capture_output=True, text=True)
                if prefix.returncode == 0 and prefix.stdout.strip():
                    candidates.append(str(Path(prefix.stdout.strip()) / "bin" / f"python{version}"))
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    if root.is_dir():
        candidates += [str(p / "bin" / f"python{version}")
                       for p in sorted(root.glob(f"{version}.*"), reverse=True)]
    return next((c for c in candidates if _answers(c, version)), None)
