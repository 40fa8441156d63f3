"""Who may work on a launch's door and its priority areas: staff of the partnership and its
chairs (crm.outreach.access.can_act_on_tasks); objects of another partnership answer 404."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from crm.accounts.access import visible_commitment, visible_priority_area
from crm.launch.models import Commitment
from crm.outreach.access import can_act_on_tasks, get_meeting_or_404
from crm.partnerships.models import Meeting, PriorityArea


def get_door_meeting_or_404(meeting_id: int) -> Meeting:
    """The meeting, if the user may take its attendance (else 404 / 403)."""
    meeting = get_meeting_or_404(meeting_id)
    if not can_act_on_tasks(current_user, meeting.partnership_id):
        abort(403)
    return meeting


def get_area_or_404(area_id: int) -> PriorityArea:
    """The priority area, if the user may change it (else 404 / 403)."""
    area = visible_priority_area(current_user, area_id)
    if area is None:
        abort(404)
    if not can_act_on_tasks(current_user, area.partnership_id):
        abort(403)
    return area


def get_launch_or_404(meeting_id: int) -> Meeting:
    """The launch meeting, if the user may write its summary (another kind of meeting: 404)."""
    meeting = get_door_meeting_or_404(meeting_id)
    if meeting.kind != "launch":
        abort(404)
    return meeting


def get_commitment_or_404(commitment_id: int) -> Commitment:
    """The commitment, if the user may change it (else 404 / 403)."""
    commitment = visible_commitment(current_user, commitment_id)
    if commitment is None:
        abort(404)
    if not can_act_on_tasks(current_user, commitment.priority_area.partnership_id):
        abort(403)
    return commitment
