"""Every weight of the civic-entrepreneur scoring model, in one place (README: "Scoring").

Plain data, no Flask: a region that reads titles differently or values ties more edits this
file. Points add up per trait and are capped at 100; each signal has its own cap so one kind
of evidence cannot fill a trait alone. Nothing here is a workbook number (those live in
crm/rules.py): these are the convening team's judgement, written down once.
"""

from __future__ import annotations

from dataclasses import dataclass

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

#: Partnerships they chair or co-chair (the workbook's civic entrepreneurs lead their peers):
#: industry and community.
CHAIR_INDUSTRY = (10, 10)
CHAIR_COMMUNITY = (10, 10)


@dataclass(frozen=True)
class Signal:
    """One named signal: which trait it feeds, what it reads (`fact`, a field of
    crm.scoring.signals.PersonFacts), how it scores, how much evidence it is, and its reason in
    words, (text, noun): "{}" in the text is the count with its noun, plural as crm.prose
    writes it ("kept {}", "commitment": "kept 2 commitments"). `kind`: "count" ((points each,
    cap) of a number),
    "title" (the TITLE_SENIORITY table; {title}{at}), "tags" (each civic tag its own reason,
    `points` each up to the cap), "assessments" (this trait's ratings, combined)."""

    trait: str
    kind: str
    fact: str
    points: tuple[int, int]
    evidence: float
    reason: tuple[str, str]


#: Every signal of the model, in the order reasons are read. crm.scoring.traits.score_person
#: evaluates them; nothing else knows them.
SIGNALS: tuple[Signal, ...] = (
    Signal("company", "title", "title", (0, 100), 1.0, ("{title}{at}", "")),
    Signal("company", "count", "tasks_done", COMMITMENT_KEPT, 1.0,
           ("kept {}", "commitment")),
    Signal("company", "count", "champion_areas", PRIORITY_CHAMPION_COMPANY, 1.0,
           ("champions {}", "priority area")),
    Signal("industry", "count", "champion_areas", PRIORITY_CHAMPION_INDUSTRY, 1.0,
           ("drives {}", "sector priority")),
    Signal("company", "count", "lead_areas", (LEAD_CHAMPION_COMPANY, LEAD_CHAMPION_COMPANY), 0.0,
           ("leads a priority area", "")),
    Signal("industry", "count", "chairs", CHAIR_INDUSTRY, 1.0,
           ("chairs {}", "sector partnership")),
    Signal("community", "count", "chairs", CHAIR_COMMUNITY, 1.0,
           ("leads {} for the region", "partnership")),
    Signal("industry", "count", "meetings_attended", MEETING_ATTENDED, 1.0,
           ("attended {}", "partnership meeting")),
    Signal("industry", "count", "sector_employers", SECTOR_EMPLOYER_TIE, 1.0,
           ("knows {}", "sector employer")),
    Signal("industry", "count", "employer_referrals", EMPLOYER_REFERRAL, 1.0,
           ("referred {}", "other employer")),
    Signal("community", "count", "community_orgs", COMMUNITY_PARTNER_TIE, 1.0,
           ("knows people at {}", "community partner")),
    Signal("community", "tags", "tags", CIVIC_TAG, 1.0, ("{tag} (tag)", "")),
    # each assessor's 0-3 rating of one trait, combined (see ASSESSMENT_POINTS below)
    *(Signal(trait, "assessments", "assessments", (0, 0), 1.5,
             ("{} (best: {best})", "assessment"))
      for trait in ("company", "industry", "community")),
)

# --- Assessments (0-3 from each assessor) -------------------------------------------------
#: Points one "exemplary" (3) rating is worth; lower ratings in proportion. Several
#: assessors combine like independent witnesses: 1 - prod(1 - share_i), so a second
#: "clear" raises the score, and a "none seen" adds confidence but never subtracts.
ASSESSMENT_POINTS = 60
ASSESSMENT_SHARE_PER_RATING = 0.25  # one rating point = 25 % of the way to ASSESSMENT_POINTS

# --- Confidence --------------------------------------------------------------------------
#: Each signal above carries its evidence weight (an assessment: per assessor);
#: a trait's confidence = 1 - exp(-evidence / SCALE).
CONFIDENCE_SCALE = 2.5

# --- Overall score: rewards balance --------------------------------------------------------
#: Trait weights of the weighted geometric mean (they sum to 1).
TRAIT_WEIGHTS = {"company": 1 / 3, "industry": 1 / 3, "community": 1 / 3}
#: Added to every trait before the geometric mean so a zero does not zero everything; small,
#: so a leader strong in one trait and absent in the others still ranks low.
BALANCE_FLOOR = 5.0
#: A trait counts in full toward the overall score at this many points (a CEO who champions a
#: priority area; knowing six sector employers and referring two; chairing and two civic
#: roles). More raises the trait and the confidence, not the overall: calibrated so that the
#: workbook's kind of leader, a CEO who chairs, champions and refers, reads as strong.
TRAIT_FULL = 40

# --- Reading the overall score ---------------------------------------------------------------
#: From this overall score a person reads as a "strong" civic entrepreneur ...
STRONG = 60
#: ... from this, "likely"; below it, or with less confidence than KNOWN_CONFIDENCE, "not
#: enough known" (the model only adds evidence, so a low score means little seen, not a no).
LIKELY = 35
KNOWN_CONFIDENCE = 0.3

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
