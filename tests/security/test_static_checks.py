"""Static checks in the suite: ruff (style and the flake8-bandit rules), bandit with no high
finding, and pip-audit of the installed dependencies (skipped, with the reason, where PyPI's
vulnerability data cannot be reached)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import IN_CI
from tests.security.figures import put
from tests.security.helpers import SQLITE_ONLY

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

pytestmark = SQLITE_ONLY


def _tool(name: str) -> str:
    path = BIN / name
    if path.exists():
        return str(path)
    found = shutil.which(name)
    if found is None:
        if IN_CI:
            pytest.fail(f"{name} is required in CI (pip install -e .[test])")
        pytest.skip(f"{name} is not installed (pip install -e .[test])")
    return found


def test_ruff_finds_nothing():
    result = subprocess.run([_tool("ruff"), "check", "crm", "tests"], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout[-5000:]


def test_bandit_finds_no_high_severity_issue():
    result = subprocess.run([_tool("bandit"), "-q", "-r", "crm", "-f", "json", "--severity-level", "high"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    report = json.loads(result.stdout)
    high = [f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}" for r in report["results"]
            if r["issue_severity"] == "HIGH"]
    put("static", "bandit high findings", len(high))
    assert not high, "\n".join(high)


def test_pip_audit_finds_no_known_vulnerability():
    result = subprocess.run([_tool("pip-audit"), "--format", "json", "--progress-spinner", "off", "--skip-editable"],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.skip(f"pip-audit could not run (no network to PyPI?): {result.stderr[-300:]}")
    dependencies = report.get("dependencies", [])
    audited = [d for d in dependencies if "skip_reason" not in d]
    if not audited:
        pytest.skip("pip-audit reached no vulnerability data: PyPI's JSON API is not reachable from "
                    "this machine (every dependency was skipped)")
    vulnerable = [f"{d['name']} {d['version']}: {[v['id'] for v in d['vulns']]}" for d in audited if d.get("vulns")]
    put("static", "dependencies audited", len(audited))
    assert not vulnerable, "\n".join(vulnerable)
