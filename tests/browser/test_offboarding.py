"""The administrator's morning (shared/journeys.md): someone moved to another partnership and
then left. The admin changes their role and partnerships, disables the account (the leaver's
open browser is signed out at once), re-enables it and hands over a one-time reset link, which
the user opens to choose a new password and sign in; the account's page shows the history."""

from __future__ import annotations

import os
import re

import pytest
from sqlalchemy import select

from crm.accounts.models import User
from tests.browser_fixtures import ARTIFACTS, sign_in_page

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a fresh long password"


def test_admin_edits_disables_enables_and_resets_a_user(page, browser, live_server, make_user,
                                                        make_partnership, committed):
    a, b = make_partnership("Alpha Manufacturing"), make_partnership("Beta Health")
    make_user("admin@example.org", role="admin")
    leaver = make_user("leaver@example.org", role="convener", partnerships=[a])

    theirs = browser.new_context(viewport={"width": 390, "height": 800})
    their_page = theirs.new_page()
    sign_in_page(their_page, live_server, "leaver@example.org")

    sign_in_page(page, live_server, "admin@example.org")
    page.get_by_role("link", name="Users").click()
    page.get_by_role("link", name="leaver@example.org").click()
    page.get_by_role("heading", name="leaver").wait_for()
    page.get_by_label("Role").select_option("viewer")
    page.get_by_label("Partnerships").select_option(label="Beta Health")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved leaver@example.org.").wait_for()
    user = committed().get(User, leaver.id)
    assert (user.role, user.partnership_ids) == ("viewer", {b.id})

    page.get_by_role("button", name="Disable account").click()
    page.get_by_text("leaver@example.org is disabled").wait_for()
    their_page.reload()
    their_page.get_by_role("heading", name="Sign in").wait_for()

    page.get_by_role("button", name="Enable account").click()
    page.get_by_text("leaver@example.org is enabled again").wait_for()
    page.get_by_label("Also email the link").check()
    page.get_by_role("button", name="Start password reset").click()
    link = page.locator("code.token").inner_text()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/reset/[A-Za-z0-9_-]+", link), link
    page.screenshot(path=os.path.join(ARTIFACTS, "offboarding_reset_link.png"), full_page=True)

    their_page.goto(link)
    their_page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    their_page.get_by_label("Repeat new password").fill(NEW_PASSWORD)
    their_page.get_by_role("button", name="Set password").click()
    their_page.get_by_text("Your password is set").wait_for()
    sign_in_page(their_page, live_server, "leaver@example.org", NEW_PASSWORD)
    their_page.goto(link)
    their_page.get_by_text("does not work any more").wait_for()
    theirs.close()

    page.goto(f"{live_server}/admin/users/{leaver.id}")  # not a reload: that would post the reset again
    history = page.get_by_role("table").last.inner_text()
    for words in ("Alpha Manufacturing -> Beta Health", "disabled; sessions ended", "enabled",
                  "emailed through the outbox", "password set through a reset link"):
        assert words in history, words
    assert history.count("password reset link for") == 1 and "update: last_login_at" not in history
    assert committed().scalar(select(User.active).where(User.id == leaver.id))
    assert page.dialogs == [] and page.errors == []
