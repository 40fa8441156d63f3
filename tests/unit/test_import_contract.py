"""The import contract (issue 18 item 5, habits 4, 16 and 18), checked on every test run:

- import-linter's contracts in pyproject.toml ([tool.importlinter]): the pure cores import
  neither Flask nor SQLAlchemy, directly or through another module; `crm.network` never imports
  `crm.scoring`;
- views never import another feature's views (a shared piece moves down a floor instead);
- an import inside a function says why, in a comment on its line or the line above starting
  `# import here:` (today: one, `crm.create_app`, so that importing the package loads nothing);
- importing any module builds nothing (no app, no engine, no file), and a pure core loads
  without Flask or SQLAlchemy at all.

Each check is also run on a copy of the code with a violation planted, and must fail there.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
CONTRACTS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
PURE_CORES = next(c for c in CONTRACTS if c["id"] == "pure-cores")["source_modules"]
MARKER = "# import here:"


def _modules(root: Path):
    """(relative path, dotted module name, parsed tree, source lines) of every module of crm/."""
    for path in sorted((root / "crm").rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        name = relative.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
        source = path.read_text()
        yield relative, name, ast.parse(source), source.splitlines()


def _imported(node: ast.Import | ast.ImportFrom, module: str) -> list[str]:
    """The modules an import statement names (`from crm.x import views` names crm.x.views too)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:  # relative: resolve against the importing package
        package = module.split(".")[: -node.level] if not module.endswith("__init__") else module.split(".")
        base = ".".join(package + ([base] if base else []))
    return [base] + [f"{base}.{alias.name}" for alias in node.names]


def in_function_imports(root: Path) -> list[tuple[str, int, str]]:
    """(file, line, imported module) of every import inside a function without its reason."""
    found = []
    for relative, _, tree, lines in _modules(root):
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    around = lines[node.lineno - 2: node.end_lineno]
                    if not any(MARKER in line for line in around):
                        found.append((relative, node.lineno, node.module if isinstance(node, ast.ImportFrom)
                                      else node.names[0].name))
    return found


def _feature_of_views(module: str) -> str | None:
    """The feature a views module belongs to (crm.contacts.transfer_views -> contacts), else None."""
    parts = module.split(".")
    if module == "crm.main":
        return "main"
    if len(parts) == 3 and (parts[2] == "views" or parts[2].endswith("_views")):
        return parts[1]
    return None


def views_importing_other_views(root: Path) -> list[tuple[str, str]]:
    """(views module, other feature's views module) for every such direct import."""
    found = []
    for _, module, tree, _ in _modules(root):
        feature = _feature_of_views(module)
        if feature is None:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for target in _imported(node, module):
                    other = _feature_of_views(target)
                    if other is not None and other != feature:
                        found.append((module, target))
    return found


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """import-linter over the `crm` package found in `root`, with `root`'s pyproject.toml."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "--no-logo", str(root / "pyproject.toml")],  # noqa: S603
                          cwd=root, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def planted(tmp_path):
    """A copy of crm/ and pyproject.toml to plant violations in; returns (root, plant)."""
    shutil.copytree(ROOT / "crm", tmp_path / "crm", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")

    def plant(relative: str, code: str, where: str = "end") -> None:
        path = tmp_path / relative
        text = path.read_text()
        path.write_text(text + "\n" + code + "\n" if where == "end" else code + "\n" + text)

    return tmp_path, plant


def test_import_linter_contracts_are_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(("relative", "code", "contract"), [
    ("crm/vocab.py", "from flask import current_app  # planted", "Pure cores import neither"),
    ("crm/network/paths.py", "def _planted():\n    from crm.contacts import queries  # planted: reaches sqlalchemy",
     "Pure cores import neither"),
    ("crm/network/cache.py", "from crm.scoring import weights  # planted", "The network never imports scoring"),
])
def test_import_linter_fails_on_a_planted_violation(planted, relative, code, contract):
    root, plant = planted
    plant(relative, code)
    result = lint_imports(root)
    assert result.returncode != 0, result.stdout
    broken = result.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken, result.stdout


def test_no_views_module_imports_another_features_views():
    assert views_importing_other_views(ROOT) == []


def test_the_views_check_fails_on_a_planted_violation(planted):
    root, plant = planted
    plant("crm/outreach/views.py", "from crm.contacts.views import bp as _planted  # noqa", where="start")
    plant("crm/main.py", "from crm.partnerships import views as _planted2  # noqa", where="start")
    assert set(views_importing_other_views(root)) == {
        ("crm.outreach.views", "crm.contacts.views"), ("crm.main", "crm.partnerships.views")}


def test_imports_inside_functions_say_why():
    unexplained = in_function_imports(ROOT)
    assert not unexplained, ("imports inside functions without a '# import here: <why>' comment "
                             f"(hoist them to the top of the module): {unexplained}")


def test_the_in_function_check_fails_on_a_planted_violation(planted):
    root, plant = planted
    plant("crm/contacts/services.py", "def _planted():\n    from crm.rules import TIMELINE\n    return TIMELINE")
    plant("crm/rules.py", "def _explained():\n    # import here: a planted example with its reason\n"
                          "    import json\n    return json")
    found = in_function_imports(root)
    assert ("crm/contacts/services.py", "crm.rules") in {(f, m) for f, _, m in found}
    assert "crm/rules.py" not in {f for f, _, _ in found}


_BUILDS_NOTHING = """
import pkgutil, sys
import flask, sqlalchemy
def refuse(*args, **kwargs):
    raise AssertionError("built at import time")
flask.Flask.__init__ = refuse
sqlalchemy.create_engine = refuse
import crm
for module in pkgutil.walk_packages(crm.__path__, "crm."):
    __import__(module.name)
print("imported", len([m for m in sys.modules if m.startswith("crm")]))
"""


@pytest.mark.slow
def test_importing_every_module_builds_no_app_engine_or_file(tmp_path):
    before = sorted(p.name for p in (ROOT / "instance").glob("*")) if (ROOT / "instance").exists() else []
    result = subprocess.run([sys.executable, "-c", _BUILDS_NOTHING], cwd=tmp_path, capture_output=True,  # noqa: S603
                            text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr[-3000:]
    assert int(result.stdout.split()[-1]) > 50
    after = sorted(p.name for p in (ROOT / "instance").glob("*")) if (ROOT / "instance").exists() else []
    assert after == before and not list(tmp_path.iterdir())


def test_each_pure_core_loads_without_flask_or_sqlalchemy():
    code = ("import importlib, sys\n"
            f"for name in {PURE_CORES!r}:\n"
            "    importlib.import_module(name)\n"
            "print(sorted(m for m in ('flask', 'sqlalchemy', 'werkzeug', 'flask_sqlalchemy') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,  # noqa: S603
                            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "[]"
