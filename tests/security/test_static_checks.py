"""Static checks in the suite: ruff (style and the flake8-bandit rules), bandit with no high
finding, and pip-audit of the installed dependencies against PyPI's or else OSV's vulnerability
data (skipped, with both reasons, where neither can be reached)."""

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


@pytest.mark.slow  # runs the tool over the tree
def test_bandit_finds_no_high_severity_issue():
    result = subprocess.run([_tool("bandit"), "-q", "-r", "crm", "-f", "json", "--severity-level", "high"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    report = json.loads(result.stdout)
    high = [f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}" for r in report["results"]
            if r["issue_severity"] == "HIGH"]
    put("static", "bandit high findings", len(high))
    assert not high, "\n".join(high)


#: where pip-audit reads vulnerability data, tried in turn: PyPI's JSON API, then OSV's
AUDIT_SERVICES = ("pypi", "osv")


def _audit(service: str) -> tuple[list[dict], str]:
    """(dependencies audited, why none were) with one vulnerability service."""
    result = subprocess.run([_tool("pip-audit"), "--vulnerability-service", service, "--format", "json",
                             "--progress-spinner", "off", "--skip-editable"],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        return [], f"{service}: could not run ({result.stderr.strip().splitlines()[-1:] or ['no output']})"
    dependencies = report.get("dependencies", [])
    audited = [d for d in dependencies if "skip_reason" not in d]
    first = dependencies[0].get("skip_reason") if dependencies else "none listed"
    reason = "" if audited else f"{service}: every dependency skipped ({first})"
    return audited, reason


@pytest.mark.slow  # runs the tool over the tree
def test_pip_audit_finds_no_known_vulnerability():
    reasons = []
    for service in AUDIT_SERVICES:
        audited, reason = _audit(service)
        if audited:
            break
        reasons.append(reason)
    else:
        # On this workplace's machines (and CI's) PyPI's JSON API answers 404 and OSV's host does
        # not resolve: only package downloads are reachable, so there is no data to audit against.
        pytest.skip("pip-audit reached no vulnerability data: " + "; ".join(reasons))
    vulnerable = [f"{d['name']} {d['version']}: {[v['id'] for v in d['vulns']]}" for d in audited if d.get("vulns")]
    put("static", "dependencies audited", len(audited))
    put("static", "vulnerability service", service)
    assert not vulnerable, "\n".join(vulnerable)
