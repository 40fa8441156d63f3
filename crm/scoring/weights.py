"""Every weight of the civic-entrepreneur scoring model, in one place (README: "Scoring").

Plain data, no Flask: a region that reads titles differently or values ties more edits this
file. Points add up per trait and are capped at 100; each signal has its own cap so one kind
of evidence cannot fill a trait alone. Nothing here is a workbook number (those live in
crm/rules.py): these are the convening team's judgement, written down once.
"""

from __future__ import annotations

# --- Seniority and decision authority (trait: company) -----------------------------------
#: Title words -> (points for the company trait, the label read in reasons). The first
#: matching row wins, so put the more specific words first. Matching is on whole words of
#: the lower-cased title ("vp" matches "VP Operations", not "mvp").
TITLE_SENIORITY: tuple[tuple[tuple[str, ...], int, str], ...] = (
    (("ceo", "chief executive"), 30, "CEO"),
    (("owner", "co-owner", "proprietor"), 30, "owner"),
    (("founder", "co-founder"), 28, "founder"),
    (("president",), 28, "president"),
    (("general manager", "gm", "managing director", "managing partner"), 24, "general manager"),
    (("coo", "cfo", "cto", "chief"), 18, "chief officer"),
    (("vice president", "vp", "svp", "evp"), 15, "vice president"),
    (("plant manager", "director", "executive director", "superintendent", "dean"), 10, "director"),
    (("manager", "head"), 5, "manager"),
)

# --- Other signals: (points per item, cap) ------------------------------------------------
#: Tasks done as their owner (commitments kept): company.
COMMITMENT_KEPT = (6, 18)
#: Priority areas they put their name on: company (delivering) and industry (a sector agenda).
PRIORITY_CHAMPION_COMPANY = (8, 16)
PRIORITY_CHAMPION_INDUSTRY = (5, 10)
#: Extra for leading a priority area.
LEAD_CHAMPION_COMPANY = 6
#: Partnership meetings attended: industry.
MEETING_ATTENDED = (6, 18)
#: Distinct other employers of the same sector they know: industry.
SECTOR_EMPLOYER_TIE = (4, 24)
#: Employers they referred (the "second colour" on the commitments wall): industry.
EMPLOYER_REFERRAL = (7, 21)
#: Distinct community-partner organisations they know: community.
COMMUNITY_PARTNER_TIE = (4, 20)
#: Civic roles recorded as tags: community.
CIVIC_TAG = (15, 30)
#: A tag is a civic role when it contains one of these words (lower case).
CIVIC_TAG_WORDS = ("board", "rotary", "united way", "foundation", "council", "mentor",
                   "trustee", "commission", "volunteer", "kiwanis", "lions", "civic", "chamber")

# --- Assessments (0-3 from each assessor) -------------------------------------------------
#: Points one "exemplary" (3) rating is worth; lower ratings in proportion. Several
#: assessors combine like independent witnesses: 1 - prod(1 - share_i), so a second
#: "clear" raises the score, and a "none seen" adds confidence but never subtracts.
ASSESSMENT_POINTS = 60
ASSESSMENT_SHARE_PER_RATING = 0.25  # one rating point = 25 % of the way to ASSESSMENT_POINTS

# --- Confidence --------------------------------------------------------------------------
#: Evidence weight of each kind of observation; confidence = 1 - exp(-evidence / SCALE).
EVIDENCE_WEIGHT = {
    "title": 1.0, "commitments": 1.0, "champion": 1.0, "meetings": 1.0, "sector_ties": 1.0,
    "referrals": 1.0, "community_ties": 1.0, "civic_tags": 1.0, "assessment": 1.5,
}
CONFIDENCE_SCALE = 2.5

# --- Overall score: rewards balance --------------------------------------------------------
#: Trait weights of the weighted geometric mean (they sum to 1).
TRAIT_WEIGHTS = {"company": 1 / 3, "industry": 1 / 3, "community": 1 / 3}
#: Added to every trait before the geometric mean so a zero does not zero everything; small,
#: so a leader strong in one trait and absent in the others still ranks low.
BALANCE_FLOOR = 5.0

# --- Suggestions: fit and reachability ------------------------------------------------------
#: Multipliers of the overall score.
FIT_SAME_SECTOR = 1.0
FIT_OTHER_SECTOR = 0.6
FIT_IN_REGION = 1.0
FIT_OUT_OF_REGION = 0.75
#: Reachability: factor = REACH_BASE + REACH_SPAN * path strength (0-1); unreachable: REACH_NONE.
REACH_BASE = 0.7
REACH_SPAN = 0.3
REACH_NONE = 0.6
#: Longest intro path considered (asker -> introducer -> ... -> target), in ties.
REACH_MAX_HOPS = 3
#: Each hop beyond the first weakens a path by this factor (a friend of a friend asks less well).
REACH_HOP_DECAY = 0.8
#: A path whose asker is not on the employer side is worth this share (asks go employer-to-employer).
REACH_NON_EMPLOYER_ASKER = 0.5
