"""The domain's controlled vocabularies: one place for each list of allowed values.

Stored as short strings (portable between SQLite and PostgreSQL, readable in dumps and
exports); each tuple pairs the stored value with the label people read.
"""

SIDES = (("employer", "Employer"), ("community", "Community partner"))

#: Organisation kinds. Employers have one kind; community partners a named kind.
ORG_KINDS = (
    ("employer", "Employer"),
    ("workforce_board", "Workforce board"),
    ("economic_development", "Economic development"),
    ("community_college", "Community college"),
    ("university", "University"),
    ("k12", "K-12"),
    ("chamber", "Chamber / industry association"),
    ("government", "City / county government"),
    ("labour", "Labour"),
    ("cbo", "Community-based organisation"),
    ("other", "Other"),
)
COMMUNITY_KINDS = tuple(k for k, _ in ORG_KINDS if k != "employer")

SIZES = (
    ("1-9", "1-9 employees"),
    ("10-49", "10-49 employees"),
    ("50-249", "50-249 employees"),
    ("250-999", "250-999 employees"),
    ("1000+", "1,000+ employees"),
)

PARTNERSHIP_STAGES = (
    ("scoping", "Scoping"),
    ("preparing_launch", "Preparing launch"),
    ("launched", "Launched"),
    ("action_planning", "Action planning"),
    ("implementing", "Implementing"),
    ("sustaining", "Sustaining"),
)

ROLES = (
    ("chair", "Chair"),
    ("co_chair", "Co-chair"),
    ("lead_champion", "Lead champion"),
    ("champion", "Champion"),
    ("member", "Member"),
    ("community_partner", "Community partner"),
    ("convener", "Convener"),
)
#: Roles whose holders may make the ask of another employer.
ASKER_ROLES = ("chair", "co_chair", "lead_champion", "champion")
CHAIR_ROLES = ("chair", "co_chair")


def on_team(role: str, stage: str) -> bool:
    """Already a chair or champion of the partnership: they make asks, nobody needs to ask them
    (so "Who should ask" is not offered for them)."""
    return role in ASKER_ROLES or stage == "champion"


#: Engaged in a partnership (issue 15): said yes, came, or champion it; "approved" or "asked"
#: alone is not engaged. Keystones, health signals and the map's keystone marks read only the
#: engaged people, so an approval (which changes nothing real yet) never changes them.
ENGAGED_STAGES = ("accepted", "attended", "champion")
#: Roles that are engaged whatever the pipeline stage says: chairs, champions, conveners.
ENGAGED_ROLES = ("chair", "co_chair", "lead_champion", "champion", "convener")


#: Roles that are not champions even at the champion stage: they support (the workbook's
#: "industry-led, community-supported"). Readiness, the one-pager and health count by this.
NON_CHAMPION_ROLES = ("convener", "community_partner")


def counts_as_champion(role: str, stage: str) -> bool:
    """The one definition of a champion of the partnership: at the pipeline's champion stage,
    in a role that champions rather than supports."""
    return stage == "champion" and role not in NON_CHAMPION_ROLES


def engaged(role: str, stage: str) -> bool:
    """The one definition of an engaged member (see ENGAGED_STAGES): never a declined or
    put-aside one, whatever their role."""
    if stage in INACTIVE_STAGES:
        return False
    return stage in ENGAGED_STAGES or role in ENGAGED_ROLES

#: The pipeline, in order (section B-D: from brainstorm to champion).
STAGES = (
    ("candidate", "Candidate"),
    ("suggested", "Suggested"),
    ("approved", "Approved"),
    ("ask_assigned", "Ask assigned"),
    ("asked", "Asked"),
    ("accepted", "Accepted"),
    ("declined", "Declined"),
    ("attended", "Attended"),
    ("champion", "Champion"),
    ("not_now", "Not now"),
)
#: Stages out of the active pipeline: "not now" (the chairs' review put them aside, never
#: asked: they may be revisited) and "declined" (asked, said no).
INACTIVE_STAGES = ("not_now", "declined")

TIE_KINDS = (("knows", "Knows"), ("referred", "Referred"))
STRENGTHS = ((1, "Acquaintance"), (2, "Works with"), (3, "Close"))

TRAITS = (
    ("company", "Passion for their company"),
    ("industry", "Passion for their industry"),
    ("community", "Passion for their community"),
)
RATINGS = ((0, "None seen"), (1, "Some"), (2, "Clear"), (3, "Exemplary"))
#: How an overall score reads (crm.scoring.traits.score_label; thresholds in crm/scoring/weights.py).
SCORE_LABELS = (("strong", "Strong"), ("likely", "Likely"), ("not_enough_known", "Not enough known"))
#: What a chair decides about a suggested invitee in the review, and the stage it moves them to.
REVIEW_DECISIONS = (
    ("approve", "Approve"),
    ("not_now", "Not now"),
    ("ill_ask", "I'll ask"),
    ("someone_else", "Someone else should ask"),
)
REVIEW_DECISION_STAGES = {"approve": "approved", "not_now": "not_now", "ill_ask": "ask_assigned",
                          "someone_else": "ask_assigned"}

MEETING_KINDS = (
    ("launch", "Launch meeting"),
    ("second", "Second partnership meeting"),
    ("champion_call", "Champion call"),
    ("other", "Other meeting"),
)

#: The launch wall's notes (section C): opportunities and requirements, clustered into areas.
NOTE_KINDS = (("opportunity", "Opportunity"), ("requirement", "Requirement"))

#: A commitment of an action plan (section D): open, delivered, or dropped.
COMMITMENT_STATUSES = (("open", "Open"), ("done", "Done"), ("dropped", "Dropped"))
#: What an early win is (section D: "prototypes or first steps of a larger strategy, not mere
#: activities"): the workbook prefers the first.
EARLY_WIN_KINDS = (("prototype", "Prototype / first step"), ("activity", "Activity"))

#: An invitation's answer (the door list shows those who accepted first).
INVITATION_RESPONSES = (
    ("accepted", "Accepted"),
    ("pending", "Not answered"),
    ("no_answer", "No answer"),
    ("declined", "Declined"),
)

TASK_KINDS = (
    ("ask", "Ask (invitation)"),
    ("follow_up_call", "Follow-up call"),
    ("reminder_email", "Reminder email"),
    ("send_summary", "Send summary"),
    ("champion_call", "Champion call"),
    ("second_meeting", "Second meeting"),
    ("recruit_one_more", "Recruit one more"),
    ("reconnect", "Reconnect"),
    ("thank_you", "Thank-you"),
    ("custom", "Custom"),
)
TASK_STATUSES = (
    ("open", "Open"),
    ("done", "Done"),
    ("skipped", "Skipped"),
    ("cancelled", "Cancelled"),
)
TASK_OUTCOMES = (
    ("accepted", "Accepted"),
    ("declined", "Declined"),
    ("no_answer", "No answer"),
    ("referred", "Referred someone"),
)

#: The red flags the convener records rather than Convene computes (section F): crm/health.
JUDGEMENT_CALLS = (("grant_game", "Grant game"), ("turf_trap", "Turf trap"))

USER_ROLES = (
    ("admin", "Administrator"),
    ("convener", "Convener"),
    ("chair", "Chair"),
    ("viewer", "Viewer"),
)
STAFF_ROLES = ("admin", "convener")


def values(vocab) -> tuple:
    """The stored values of a vocabulary."""
    return tuple(v for v, _ in vocab)


def label(vocab, value) -> str:
    """The readable label of a stored value (the value itself if unknown)."""
    return dict(vocab).get(value, str(value) if value is not None else "")


def check(column: str, vocab) -> str:
    """SQL CHECK expression restricting a column to a vocabulary."""
    quoted = ", ".join(f"'{v}'" if isinstance(v, str) else str(v) for v in values(vocab))
    return f"{column} IN ({quoted})"
