"""The workbook's guardrails around a launch, as warnings with a reason. Pure: plain data in,
plain data out. Every number is the timeline's (`crm.rules.TIMELINE`, with its section):

- short_notice: a launch set less than 3 weeks ahead (B.5: invitations "with at least 3-4
  weeks notice"), or an ask or follow-up due later than that allows;
- second_meeting_late: a second partnership meeting more than 60 days after the launch (D.2);
- champion_call_late: champion calls later than 30 days after the launch (C, D.2);
- summary_late: the summary later than one week after the launch (D.1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from crm.rules import CHAIRS_MAX, CHAIRS_MIN, TIMELINE, TimelineOffsets

SHORT_NOTICE, SECOND_MEETING_LATE = "short_notice", "second_meeting_late"
CHAMPION_CALL_LATE, SUMMARY_LATE = "champion_call_late", "summary_late"
LABELS = {SHORT_NOTICE: "Short notice", SECOND_MEETING_LATE: "Second meeting late",
          CHAMPION_CALL_LATE: "Champion call late", SUMMARY_LATE: "Summary late"}


@dataclass(frozen=True)
class Warning:
    code: str
    message: str

    @property
    def label(self) -> str:
        return LABELS.get(self.code) or SETUP_LABELS[self.code]

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message}


def _short_notice(days: int, offsets: TimelineOffsets) -> Warning:
    return Warning(SHORT_NOTICE, f"Short notice: the launch was set {days} day{'s' if days != 1 else ''} "
                                 f"ahead; the workbook sends invitations at least {-offsets.ask_latest // 7}-"
                                 f"{-offsets.ask_earliest // 7} weeks before (section B.5). Asks are due at once.")


def _after(code: str, what: str, days: int, limit: int, section: str) -> Warning:
    return Warning(code, f"{what} {days} days after the launch: the workbook says within {limit} "
                         f"days (section {section}).")


def meeting_warnings(kind: str, day: date, set_on: date, launch_day: date | None,
                     offsets: TimelineOffsets = TIMELINE) -> list[Warning]:
    """A meeting's warnings: a launch set too close; a second meeting or champion call too late."""
    if kind == "launch":
        notice = (day - set_on).days
        return [_short_notice(notice, offsets)] if notice < -offsets.ask_latest else []
    if launch_day is None or day < launch_day:
        return []
    after = (day - launch_day).days
    if kind == "second" and after > offsets.second_meeting:
        return [_after(SECOND_MEETING_LATE, "The second meeting is", after, offsets.second_meeting, "D.2")]
    if kind == "champion_call" and after > offsets.champion_call:
        return [_after(CHAMPION_CALL_LATE, "This champion call is", after, offsets.champion_call, "D.2")]
    return []


#: task kind -> (code, what, the timeline's offset name, section): late past the workbook's limit.
_LATE_AFTER = {
    "second_meeting": (SECOND_MEETING_LATE, "The second meeting is due", "second_meeting", "D.2"),
    "champion_call": (CHAMPION_CALL_LATE, "The champion call is due", "champion_call", "D.2"),
    "send_summary": (SUMMARY_LATE, "The summary is due", "send_summary", "D.1"),
}


def task_warnings(kind: str, due: date, status: str, launch_day: date | None, today: date,
                  offsets: TimelineOffsets = TIMELINE) -> list[Warning]:
    """A launch step's warnings: an ask or follow-up later than the notice allows (short notice);
    a champion call, summary or second meeting later than the workbook's limit, by its due day
    or, while still open, by today."""
    if launch_day is None:
        return []
    if kind in ("ask", "follow_up_call"):
        latest = launch_day + timedelta(days=offsets.ask_latest if kind == "ask" else offsets.follow_up_call)
        if due > latest:
            return [Warning(SHORT_NOTICE, f"Short notice: due {(due - latest).days} days later than the "
                                          f"timeline's {latest:%d %b} (section B.5: 3-4 weeks before the launch).")]
        return []
    if kind in _LATE_AFTER:
        code, what, offset_name, section = _LATE_AFTER[kind]
        limit = getattr(offsets, offset_name)
        when = max(due, today) if status == "open" else due
        after = (when - launch_day).days
        if after > limit:
            return [_after(code, what, after, limit, section)]
    return []


#: How a meeting is set up (shown on its page when saved; not timing, so not in the API's codes).
CHAIRS_COUNT, HOST_NOT_EMPLOYER = "chairs_count", "host_not_employer"
SETUP_LABELS = {CHAIRS_COUNT: "Chairs", HOST_NOT_EMPLOYER: "Host"}


def setup_warnings(kind: str, chair_count: int, host_side: str | None) -> list[Warning]:
    """A launch chaired by fewer than 1 or more than 3 (B, "Identify and recruit employer
    chairs"; B.4 "your two or three chair persons"), or hosted by someone not an employer (B.5,
    C: hosted at an employer's place of business)."""
    found = []
    if kind == "launch" and not CHAIRS_MIN <= chair_count <= CHAIRS_MAX:
        found.append(Warning(CHAIRS_COUNT, f"{chair_count} chair{'s' if chair_count != 1 else ''}: the workbook's "
                                           f"launch has {CHAIRS_MIN}-{CHAIRS_MAX} employer chairs, who sign the "
                                           f"invitation (section B, \"Identify and recruit employer chairs\")."))
    if host_side is not None and host_side != "employer":
        found.append(Warning(HOST_NOT_EMPLOYER, "The host is not an employer: the workbook holds the launch at an "
                                                "employer's place of business (sections B.5 and C)."))
    return found


# --- champion calls (issue 14 item 4) --------------------------------------------------------
#: C and D.2: champion calls per priority area are "employers only", employer-to-employer, led
#: by the area's lead employer champion.
LEAD_NOT_EMPLOYER, NOT_EMPLOYERS_ON_CALL = "lead_not_employer", "not_employers_on_call"
LABELS.update({LEAD_NOT_EMPLOYER: "Lead not an employer", NOT_EMPLOYERS_ON_CALL: "Not employers only"})


def area_warnings(has_lead: bool, lead_is_employer: bool) -> list[Warning]:
    """An area whose lead champion is not an employer: the call it leads is employer-to-employer."""
    if has_lead and not lead_is_employer:
        return [Warning(LEAD_NOT_EMPLOYER, "The lead champion is not an employer: the workbook's champion calls are "
                                           "employers only, led by an employer champion (sections C and D.2). "
                                           "Make an employer champion the lead.")]
    return []


def champion_call_warnings(present_sides) -> list[Warning]:
    """A champion call with people on it who are not employers (community partners, or nobody's
    side on file): it is recorded as held, and flagged (C and D.2: "employers only")."""
    others = sum(side != "employer" for side in present_sides)
    if not others:
        return []
    return [Warning(NOT_EMPLOYERS_ON_CALL, f"{others} {'person' if others == 1 else 'people'} on this call "
                                           f"{'is' if others == 1 else 'are'} not at an employer: the workbook's "
                                           "champion calls are employers only (sections C and D.2).")]
