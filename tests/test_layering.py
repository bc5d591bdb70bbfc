"""The dependency direction holds: planner never imports web or models; models never imports web.

Scans every import statement (``import x``, ``from x import y``, and ``importlib.import_module``
with a literal name) in the source tree with :mod:`ast`, at module level and inside functions.
One exception is allowed and named: ``planner serve`` (``planner/cli.py::_cmd_serve``) imports
the web shell lazily inside the command — the command line is where the app is put together;
no planner *module* depends on web or models.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


ALLOWED_LAZY: dict[str, set[str]] = {"planner/cli.py": {"_cmd_serve"}}
"""Functions allowed to import upwards lazily, per file."""


def imported_top_level_names(path: Path, skip_functions: set[str] = frozenset()) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    skipped = {id(n) for f in ast.walk(tree)
               if isinstance(f, ast.FunctionDef) and f.name in skip_functions
               for n in ast.walk(f)}
    names: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
        elif (isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "import_module"
              and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)):
            names.add(node.args[0].value.split(".")[0])
    return names


@pytest.mark.parametrize(("package", "forbidden"), [
    ("planner", {"web", "models", "flask", "sqlalchemy", "werkzeug", "waitress"}),
    ("models", {"web", "flask", "werkzeug"}),
])
def test_package_does_not_import_upwards(package, forbidden):
    files = sorted((ROOT / package).rglob("*.py"))
    assert files
    offenders = {}
    for path in files:
        relative = path.relative_to(ROOT).as_posix()
        bad = imported_top_level_names(path, ALLOWED_LAZY.get(relative, set())) & forbidden
        if bad:
            offenders[relative] = sorted(bad)
    assert offenders == {}


def test_the_one_allowed_lazy_import_is_only_inside_cmd_serve():
    cli = ROOT / "planner" / "cli.py"
    if not cli.exists():
        pytest.skip("planner/cli.py not written yet")
    tree = ast.parse(cli.read_text(encoding="utf-8"))
    for node in tree.body:  # module level: no web/models import at all
        if isinstance(node, ast.Import | ast.ImportFrom):
            module = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
            assert (module or "").split(".")[0] not in {"web", "models"}


def test_the_scanner_sees_lazy_imports_inside_functions(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from web import create_app\n    import models.codec\n"
                      "def _cmd_serve():\n    import flask\n")
    assert imported_top_level_names(module) == {"web", "models", "flask"}
    assert imported_top_level_names(module, {"_cmd_serve"}) == {"web", "models"}
