"""Every model, imported in one place so Alembic and the shell see the whole schema."""

from crm.accounts.models import ApiToken, PartnershipAccess, User
from crm.audit.models import AuditEntry
from crm.changes import tracking  # noqa: F401  (the flush hooks that log every tracked change)
from crm.changes.models import GraphChange, GraphVersion  # noqa: F401
from crm.contacts.models import Organisation, Person, Tag, Tie, person_tags
from crm.health.models import HealthNote
from crm.launch.models import ActionPlan, Commitment, ProgressNote
from crm.launch.summary_models import MeetingSummary
from crm.outreach.models import OutboxMessage, SchedulerLease, Task
from crm.partnerships.models import (
    Invitation,
    Meeting,
    Membership,
    Partnership,
    PriorityArea,
    PriorityChampion,
    PriorityNote,
    StageChange,
    meeting_chairs,
)
from crm.scoring.models import TraitAssessment

__all__ = [
    "ActionPlan", "ApiToken", "AuditEntry", "Commitment", "HealthNote", "Invitation", "Meeting", "Membership",
    "Organisation", "MeetingSummary", "OutboxMessage", "Partnership", "PartnershipAccess", "Person", "PriorityArea",
    "PriorityChampion", "PriorityNote", "ProgressNote", "SchedulerLease", "StageChange", "Tag", "Task", "Tie",
    "TraitAssessment", "User", "meeting_chairs", "person_tags",
]
