"""The calendar feed imported by a real calendar program (issue 17 item 4): calcurse (Debian's
package; .ci/run installs it) reads the feed without a complaint and lists the launch meeting
and the chair's ask on their days. Skipped where calcurse is not installed, failing in CI."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime

import pytest
from icalendar import Calendar

from crm.accounts.models import token_digest
from crm.partnerships.models import Meeting
from tests.conftest import IN_CI
from tests.web.world import build_world

CALCURSE = shutil.which("calcurse")


def _calcurse(home, *args) -> subprocess.CompletedProcess:
    return subprocess.run([CALCURSE, "-D", str(home), "-C", str(home), *args], capture_output=True,
                          text=True, timeout=60, check=False)


def test_calcurse_imports_the_feed_and_shows_the_meeting_and_the_ask(client, db, tmp_path):
    if CALCURSE is None:
        if IN_CI:
            pytest.fail("calcurse is required in CI (apt-get install calcurse)")
        pytest.skip("calcurse is not installed (apt-get install calcurse)")
    world = build_world()
    world.users["chair_a"].ics_token_hash = token_digest("chair-token")
    meeting = db.session.get(Meeting, world.extra["meeting_id"])
    meeting.starts_at = datetime(2031, 3, 4, 16, 0, tzinfo=UTC)
    db.session.commit()
    feed = client.get("/calendar/chair-token.ics")
    assert feed.status_code == 200
    path = tmp_path / "convene.ics"
    path.write_bytes(feed.data)
    imported = _calcurse(tmp_path, "-i", str(path))
    assert imported.returncode == 0, imported.stderr
    report = re.search(r"(\d+) apps? / (\d+) events? / \d+ todos? / (\d+) skipped", imported.stdout)
    assert report, imported.stdout
    apps, events, skipped = map(int, report.groups())
    assert skipped == 0 and apps + events == len(Calendar.from_ical(feed.data).walk("VEVENT")), imported.stdout
    listed = _calcurse(tmp_path, "--input-datefmt", "4", "-Q", "--from", "2031-03-04", "--days", "1")
    assert "Launch meeting - Partnership A" in listed.stdout, listed.stdout
    everything = _calcurse(tmp_path, "--input-datefmt", "4", "-Q", "--from", "2026-01-01", "--days", "3000")
    assert "Member Alpha" in everything.stdout, everything.stdout
