"""The workbook's numbers, each named once, with the section it comes from.

Every rule the software applies reads its number from here; a partnership that works
differently changes it here (or through its own targets, where the model stores them).

"The workbook" is the Sector Partnership Workbook (launching and sustaining sector
partnerships). Its sections: A. Defining the scope of your sector partnership; B. Preparing to
launch your sector partnership; C. Holding the launch meeting; D. Organizing the aftermath;
E. Transition to implementation; F. Sustainable implementation. "B.5" is its "Steps to take now
(B.5)"; a heading in quotes is the workbook's own. A number the workbook does not give is
marked "our choice".
"""

from dataclasses import dataclass

# --- A/B. Building the list and making the ask -------------------------------------------
#: A, "Getting the scope just right": "Aim for 25-30 champs at your launch meeting".
LAUNCH_TARGET_LOW = 25
LAUNCH_TARGET_HIGH = 30
#: A, "Getting the scope just right": "be happy if you get 10 or more".
LAUNCH_MINIMUM = 10
#: A, "Getting the scope just right": 2 is too small ("just have a conversation with them").
LAUNCH_TOO_FEW = 2
#: A, "Getting the scope just right": 150 is too big.
LAUNCH_TOO_MANY = 150
#: B, "Preparing to launch": "a core of 15-25" champions works well.
CORE_CHAMPIONS_LOW = 15
CORE_CHAMPIONS_HIGH = 25
#: A, "Getting the scope just right": a broader employer membership of 30-80 members.
BROAD_MEMBERSHIP_LOW = 30
BROAD_MEMBERSHIP_HIGH = 80
#: Employer chairs of a launch: B, "Identify and recruit employer chairs" ("one or more civic
#: entrepreneurs") and B.4 ("your two or three chair persons").
CHAIRS_MIN = 1
CHAIRS_MAX = 3
#: Launch readiness's projection: the share of outstanding asks expected to accept (our choice) ...
DEFAULT_ACCEPT_RATE = 0.5
#: ... until the partnership has this many answers of its own (our choice).
MIN_ANSWERS_FOR_OWN_RATE = 5


# --- C. The launch meeting's room ----------------------------------------------------------
#: A, "industry-led, community-supported", and C (the launch is a room of employer champions;
#: community partners "support and listen"): the room is business-led when employers are at
#: least this share of the people present on either side (half: our choice).
BUSINESS_LED_MIN_SHARE = 0.5
#: C, "Holding the launch meeting": "1.5-2 hours". Once this long after its start the launch is
#: over: who was invited and not marked present is a no-show the plan reconnects with.
LAUNCH_HOURS = 2
#: C, "Commitments": the wall's opportunities and requirements "cluster into 4-5 strategy areas"
#: (the wall says so when it has more, or fewer once notes wait to be sorted).
WALL_AREAS_LOW = 4
WALL_AREAS_HIGH = 5


# --- B/C/D. The outreach timeline, in days relative to the launch meeting ----------------
@dataclass(frozen=True)
class TimelineOffsets:
    """Days from the meeting (negative = before). B.5: invitations "with at least 3-4 weeks
    notice" and follow-up phone calls; D.1: the summary "within one week of the meeting"; C,
    "Agree on a clear next step" and D.2: champion calls "within 30 days", a second meeting
    "within 60 days"; D, "Immediately expand the circle of employers": each attendee names "at
    least one more civic entrepreneur"."""

    ask_earliest: int = -28  # invitations out 4 weeks before ...
    ask_latest: int = -21  # ... and no later than 3 weeks before
    follow_up_call: int = -14  # B.4/B.5 follow-up calls by convener and chairs (two weeks: our choice)
    reminder_email: int = -3  # B: chairs "send an encouraging reminder email" (3 days: our choice)
    send_summary: int = 7  # summary to attendees and invited no-shows
    champion_call: int = 30  # champion calls per priority area
    second_meeting: int = 60  # the second partnership meeting
    recruit_one_more: int = 30  # D, "at least one more civic entrepreneur" (30 days: our choice)
    reconnect: int = 7  # D, "reconnect with invitees who missed the launch" (with the summary: our choice)
    thank_you: int = 2  # D.1 thanks participants (2 days: our choice)
    #: a step is "at risk" this many days before it is due while still open (our choice).
    at_risk_days: int = 3
    #: invitees who accepted get a reminder this many days before a meeting (our choice).
    meeting_reminder_days: int = 2


TIMELINE = TimelineOffsets()

# --- D/E. Action plans and early wins -------------------------------------------------------
#: D.2 and E, "Early wins": each priority area's plan names "one or two early wins" due
#: "within 60 days" of the launch meeting.
EARLY_WIN_DAYS = 60
EARLY_WINS_PER_AREA = (1, 2)
#: The longest line of an action plan (goal, outcome, action, commitment, progress note: our choice).
PLAN_TEXT_CHARS = 2000
#: The most outcomes or actions one plan holds (our choice).
PLAN_LINES = 50

# --- E/F. Implementation and sustaining -----------------------------------------------------
#: F, red flag "The done deal": opportunities and requirements not revisited; "Embrace endings
#: and beginnings": "an annual review".
DONE_DEAL_DAYS = 365
#: E.1: lead employer champions asked to lead "for a limited period of time (3 to 6 months)".
LEAD_CHAMPION_TERM_MONTHS = (3, 6)

# --- F. Health: the red flags and green lights of "Sustainable implementation" -------------
# (crm/health/signals.py computes them; each number is "our choice" unless a quote says more)
#: What "recent" means for activity and growth: "the last three meetings or 90 days" (issue
#: 15); 90 days is also E's "first 60 days" plus the champion calls' 30 (our choice).
HEALTH_WINDOW_DAYS = 90
#: F, "The keystone conundrum" ("increasingly dependent on a single leader ... the trick is a
#: set of important but not indispensable leaders"): red when one person's stepping back would
#: cut at least this share of the engaged people off from the rest (our choice) ...
KEYSTONE_RED_SHARE = 0.2
#: ... and it takes this many engaged people with ties for a verdict at all (our choice).
KEYSTONE_MIN_PEOPLE = 5
#: F, "The supply-side substitution" ("community partners increasingly pushing their agenda";
#: the digest says "most open commitments"): red when community partners and conveners own more
#: than this share of the open commitments and tasks (half: "most") ...
SUPPLY_SIDE_RED_SHARE = 0.5
#: ... amber from this share (a third: our choice) ...
SUPPLY_SIDE_AMBER_SHARE = 1 / 3
#: ... counted over at least this many open items with a known owner (our choice).
SUPPLY_SIDE_MIN_OPEN = 5
#: Tasks that are the partnership's work (who drives it) rather than the convener's staff work
#: of outreach (asks, calls, reminders, thanks, the summary, reconnecting), which section B-D
#: gives to the convener by design (our choice).
SUPPLY_SIDE_TASK_KINDS = ("champion_call", "second_meeting", "recruit_one_more", "custom")
#: F, "The slippery slope" ("business champions getting increasingly quiet"): employer
#: attendance or employer-owned activity is falling when the latest count is below the
#: earliest (of the last three partnership meetings, or of the previous 90 days) by at least
#: this share of it (a quarter: our choice) ...
SLIPPERY_DROP_SHARE = 0.25
#: ... judged on at least this many employer-owned items in the earlier 90 days (our choice).
SLIPPERY_MIN_ACTIVITY = 4
#: F, "The narrowing niche" ("increasingly focused on a single priority"): amber when one
#: priority area holds more than this share of the activity tied to areas (our choice) ...
NICHE_AMBER_SHARE = 0.6
#: ... red from this share (our choice) ...
NICHE_RED_SHARE = 0.8
#: ... with at least this many items of activity tied to areas (our choice).
NICHE_MIN_ITEMS = 5
#: F, "The ambiguity anchor" ("trouble getting specific about outcomes and actions, especially
#: early wins"): an area is judged once it is this old (D.2: champion calls "within 30 days"
#: write the first plan) ...
AMBIGUITY_GRACE_DAYS = 30
#: ... red when at least this share of the priority areas judged lack a measurable outcome or
#: an early win (half: our choice); amber when any does.
AMBIGUITY_RED_SHARE = 0.5
#: F, "The done deal" and "Embrace endings and beginnings" ("an annual review"): amber this
#: many days after the last revisit (two months' warning before DONE_DEAL_DAYS: our choice).
DONE_DEAL_WARN_DAYS = 300
#: F, green light "The dominance of doers" ("more doers than talkers"): lit when at least this
#: share of the engaged people who owe commitments have delivered one (half: "more ... than").
DOERS_MIN_SHARE = 0.5
#: F, green light "The culture of commitment": employer-owned commitments delivered, lit when
#: at least this share of those due are done (half: our choice).
DELIVERED_MIN_SHARE = 0.5

# --- F. Red flag "The keystone conundrum" (computed over the engaged people: vocab.engaged) ---
#: F, "The keystone conundrum": the goal is "a set of important but not indispensable leaders".
#: Someone whose stepping back would leave at least this many engaged people with no link to
#: the rest of the partnership is a keystone (2: our choice; one leaf is a loose end, not a
#: partnership cut apart). Cutting off any champion also makes a keystone.
KEYSTONE_MIN_CUT_OFF = 2
#: ... as is someone on at least this share of the shortest links between other engaged people
#: (normalised betweenness; a quarter: our choice). Too few engaged people to judge at all:
#: KEYSTONE_MIN_PEOPLE (above, with the health signal's numbers).
KEYSTONE_DOMINANT_SHARE = 0.25
