"""Who may see and act on meetings and tasks: the partnership's rules of crm.accounts.access,
plus "chairs act on their partnership's tasks". Objects of another partnership answer 404."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from crm.accounts.access import can_edit_partnership, can_see_partnership, visible_meeting, visible_task
from crm.outreach.models import Task
from crm.partnerships.models import Meeting


def can_act_on_tasks(user, partnership_id: int) -> bool:
    """Staff of the partnership, and its chairs, may work on its tasks; viewers may not."""
    return can_see_partnership(user, partnership_id) and (user.is_staff or user.role == "chair")


def get_meeting_or_404(meeting_id: int, edit: bool = False) -> Meeting:
    """The meeting if its partnership is visible (and editable, if asked: else 403)."""
    meeting = visible_meeting(current_user, meeting_id)
    if meeting is None:
        abort(404)
    if edit and not can_edit_partnership(current_user, meeting.partnership_id):
        abort(403)
    return meeting


def get_task_or_404(task_id: int, act: bool = False) -> Task:
    """The task if its partnership is visible (and the user may work on it, if asked: else 403)."""
    task = visible_task(current_user, task_id)
    if task is None:
        abort(404)
    if act and not can_act_on_tasks(current_user, task.partnership_id):
        abort(403)
    return task
