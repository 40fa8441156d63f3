"""The workbook's numbers, each named once, with the section it comes from.

Every rule the software applies reads its number from here; a partnership that works
differently changes it here (or through its own targets, where the model stores them).
Section letters refer to `shared/seed/sector-partnership-workbook.txt`.
"""

from dataclasses import dataclass

# --- B. Building the list and making the ask ---------------------------------------------
#: "aim for 25-30 employer champions" at the launch meeting.
LAUNCH_TARGET_LOW = 25
LAUNCH_TARGET_HIGH = 30
#: "be happy with 10 or more".
LAUNCH_MINIMUM = 10
#: "2 is too few (just talk with them)".
LAUNCH_TOO_FEW = 2
#: "150 too many".
LAUNCH_TOO_MANY = 150
#: "a core of 15-25 champions works well".
CORE_CHAMPIONS_LOW = 15
CORE_CHAMPIONS_HIGH = 25
#: "broader membership: 30-80 employers".
BROAD_MEMBERSHIP_LOW = 30
BROAD_MEMBERSHIP_HIGH = 80
#: Employer chairs of a launch: "1-3 civic entrepreneurs".
CHAIRS_MIN = 1
CHAIRS_MAX = 3


# --- B/C/D. The outreach timeline, in days relative to the launch meeting ----------------
@dataclass(frozen=True)
class TimelineOffsets:
    """Days from the meeting (negative = before). Section B: "at least 3-4 weeks before";
    section D: summary "within one week", champion calls "within 30 days", second meeting
    "within 60 days"."""

    ask_earliest: int = -28  # invitations out 4 weeks before ...
    ask_latest: int = -21  # ... and no later than 3 weeks before
    follow_up_call: int = -14  # follow-up phone calls by convener and chairs
    reminder_email: int = -3  # the chair's encouraging reminder
    send_summary: int = 7  # summary to attendees and invited no-shows
    champion_call: int = 30  # champion calls per priority area
    second_meeting: int = 60  # the second partnership meeting
    recruit_one_more: int = 30  # "each attendee identifies at least one more"
    thank_you: int = 2
    #: a step is "at risk" this many days before it is due while still open.
    at_risk_days: int = 3
    #: invitees who accepted get a reminder this many days before a meeting.
    meeting_reminder_days: int = 2


TIMELINE = TimelineOffsets()

# --- F. Sustaining ----------------------------------------------------------------------
#: "Done deal": opportunities not revisited for about a year.
DONE_DEAL_DAYS = 365
#: Lead employer champions often time-boxed at 3-6 months.
LEAD_CHAMPION_TERM_MONTHS = (3, 6)
