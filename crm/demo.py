"""The demo partnership: the workbook's "Region X Light Manufacturing" (section D's sample
meeting summary, Dec 18 2012) with its champions and the three priority areas its chairs
drafted, about a hundred people around it, and demo accounts, told as a story on today's
calendar: about four weeks before its launch, with the chairs' decisions made, asks late, at
risk, on time and answered, so every screen has something true to show.

Deterministic: the same data every time (a seeded generator), except the passwords.
"""

from __future__ import annotations

import random
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from crm.accounts import services as accounts
from crm.contacts import services as contacts
from crm.contacts.models import Person
from crm.extensions import db
from crm.launch import champion_calls, plans, priorities, referrals, summaries
from crm.launch import services as door
from crm.outreach import reconcile
from crm.outreach import services as outreach
from crm.outreach.models import Task
from crm.partnerships import services as partnerships
from crm.partnerships.models import Invitation, Partnership
from crm.scoring import suggestions
from crm.timeutil import zone

NAME = "Region X Light Manufacturing"
SECTOR = "Advanced Manufacturing"
COUNTIES = ["Yavapai", "Coconino"]


class DemoError(RuntimeError):
    """The demo cannot be loaded (for example, it already is)."""


EMPLOYERS = [
    ("Prescott Precision Machining", "332710", "Yavapai", "Prescott", "50-249"),
    ("Granite Dells Avionics", "334511", "Yavapai", "Prescott", "250-999"),
    ("Thumb Butte Composites", "326199", "Yavapai", "Prescott Valley", "50-249"),
    ("Verde Valley Fabrication", "332312", "Yavapai", "Cottonwood", "10-49"),
    ("Mingus Mountain Metalworks", "332999", "Yavapai", "Chino Valley", "10-49"),
    ("Sedona Drone Systems", "336411", "Coconino", "Sedona", "50-249"),
    ("Flagstaff Optics", "333314", "Coconino", "Flagstaff", "250-999"),
    ("Lynx Creek Tool & Die", "333514", "Yavapai", "Prescott Valley", "10-49"),
    ("Bradshaw Electronics Assembly", "334418", "Yavapai", "Prescott", "50-249"),
    ("Peavine Plastics", "326121", "Yavapai", "Chino Valley", "10-49"),
    ("San Francisco Peaks Instruments", "334513", "Coconino", "Flagstaff", "50-249"),
    ("Camp Verde Welding Works", "332313", "Yavapai", "Camp Verde", "1-9"),
    ("Oak Creek Robotics", "333249", "Coconino", "Sedona", "10-49"),
    ("Juniper Aerospace Interiors", "336413", "Yavapai", "Prescott", "250-999"),
]

PARTNERS = [
    ("Region X Workforce Board", "workforce_board", "Yavapai", "Prescott"),
    ("Region X Economic Development Council", "economic_development", "Yavapai", "Prescott"),
    ("Region X College", "community_college", "Yavapai", "Prescott"),
    ("Embry-Riddle Aeronautical University", "university", "Yavapai", "Prescott"),
    ("Prescott Unified School District", "k12", "Yavapai", "Prescott"),
    ("Prescott Area Chamber of Commerce", "chamber", "Yavapai", "Prescott"),
    ("Yavapai County", "government", "Yavapai", "Prescott"),
    ("Northern Arizona Building Trades", "labour", "Coconino", "Flagstaff"),
    ("Verde Valley Community Action", "cbo", "Yavapai", "Cottonwood"),
]

# The workbook's champions (first names from the sample summary), each at an employer.
CHAMPIONS = [
    ("Karen Alvarez", "CEO", 0), ("Ginger Holloway", "President", 1),
    ("Norela Begay", "Owner", 2), ("Lane Whitaker", "General Manager", 3),
    ("Paul Okafor", "Plant Manager", 4), ("Robin Castillo", "CEO", 5),
    ("Jim Sorensen", "Founder and CEO", 6), ("Al Nakamura", "Owner", 7),
    ("Casey Duran", "Managing Director", 8), ("Tom Reinhardt", "President", 9),
]
AREAS = [
    ("Expand the local pool of qualified manufacturing workers",
     ["Karen", "Ginger", "Norela", "Lane", "Paul", "Robin"]),
    ("Promote manufacturing entrepreneurship", ["Robin", "Jim", "Al", "Casey"]),
    ("Promote Region X as a manufacturing hub", ["Tom", "Robin"]),
]

FIRST = ["Maria", "David", "Aisha", "Ben", "Chen", "Dolores", "Ethan", "Fatima", "Gabe", "Hana",
         "Isaac", "Jasmine", "Kofi", "Leah", "Marco", "Nadia", "Owen", "Priya", "Quinn", "Rosa",
         "Sam", "Tara", "Uma", "Victor", "Wendy", "Xavier", "Yara", "Zach", "Elena", "Miguel"]
LAST = ["Garcia", "Smith", "Johnson", "Lee", "Patel", "Nguyen", "Brown", "Martinez", "Yazzie",
        "Clark", "Lopez", "Walker", "Young", "King", "Wright", "Hill", "Scott", "Green", "Adams",
        "Baker", "Nelson", "Carter", "Mitchell", "Perez", "Roberts", "Turner", "Phillips", "Tso"]
EMPLOYER_TITLES = ["CEO", "President", "Owner", "COO", "VP Operations", "HR Director",
                   "Plant Manager", "Engineering Manager", "General Manager", "CFO", "Training Lead"]
PARTNER_TITLES = ["Executive Director", "Business Services Manager", "Dean of Workforce",
                  "Program Coordinator", "Director", "Superintendent", "Economic Development Manager"]
CIVIC_TAGS = ["United Way board", "Rotary", "Chamber board", "School board", "Hospital foundation",
              "Manufacturing council", "Youth mentor"]


def _email(name: str, org: str) -> str:
    local = name.lower().replace(" ", ".")
    domain = "".join(c for c in org.lower() if c.isalnum())[:18]
    return f"{local}@{domain}.example"


def load(seed: int = 2012) -> list[dict]:
    """Create the demo partnership, people, ties and accounts; returns the accounts made."""
    if db.session.scalar(select(Partnership.id).where(Partnership.name == NAME)):
        raise DemoError("The demo partnership is already loaded.")
    rng = random.Random(seed)
    employers = [contacts.save_organisation(None, {
        "name": n, "kind": "employer", "sector": SECTOR, "naics": naics, "county": county,
        "city": city, "size": size}) for n, naics, county, city, size in EMPLOYERS]
    partners = [contacts.save_organisation(None, {
        "name": n, "kind": kind, "county": county, "city": city}) for n, kind, county, city in PARTNERS]

    champions = {}
    for name, title, org_index in CHAMPIONS:
        org = employers[org_index]
        champions[name.split()[0]] = contacts.save_person(None, {
            "name": name, "title": title, "organisation_id": org.id, "email": _email(name, org.name),
            "phone": f"928-555-{1000 + len(champions):04d}",
            "tags": rng.sample(CIVIC_TAGS, k=rng.randint(0, 2))})
    convener = contacts.save_person(None, {
        "name": "Dana Whitehorse", "title": "Business Services Director",
        "organisation_id": partners[0].id, "email": "dana.whitehorse@regionxwib.example"})

    others: list[Person] = []
    used = {p.name for p in champions.values()} | {convener.name}
    while len(others) < 90:
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if name in used:
            continue
        used.add(name)
        if rng.random() < 0.7:
            org, title = rng.choice(employers), rng.choice(EMPLOYER_TITLES)
        else:
            org, title = rng.choice(partners), rng.choice(PARTNER_TITLES)
        others.append(contacts.save_person(None, {
            "name": name, "title": title, "organisation_id": org.id, "email": _email(name, org.name),
            "tags": rng.sample(CIVIC_TAGS, k=rng.choice([0, 0, 0, 1, 1, 2]))}))

    everyone = list(champions.values()) + [convener] + others
    pairs: set[tuple[int, int]] = set()

    def knows(a: Person, b: Person, strength: int, context: str) -> None:
        key = tuple(sorted((a.id, b.id)))
        if a.id != b.id and key not in pairs:
            pairs.add(key)
            contacts.add_tie("knows", a.id, b.id, strength, context, source="demo")

    champion_list = list(champions.values())
    for i, a in enumerate(champion_list):  # champions know each other, Robin most of all
        for b in champion_list[i + 1:]:
            if "Robin" in (a.name.split()[0], b.name.split()[0]) or rng.random() < 0.3:
                knows(a, b, rng.choice([2, 3]), "Manufacturing council")
    for person in others:  # everyone knows a few people, colleagues most
        colleagues = [p for p in everyone if p.organisation_id == person.organisation_id and p is not person]
        for other in rng.sample(colleagues, k=min(len(colleagues), 2)):
            knows(person, other, 2, "Same company")
        for other in rng.sample(everyone, k=rng.randint(1, 3)):
            knows(person, other, rng.choice([1, 1, 2, 3]), rng.choice(
                ["Rotary", "Supplier", "Former colleague", "Chamber events", "Neighbours", None]))
    for champion in champion_list:
        knows(convener, champion, 2, "Sector strategy team")

    region_x = partnerships.create_partnership(
        NAME, SECTOR, region=", ".join(COUNTIES), timezone="America/Phoenix", stage="preparing_launch")
    healthcare = partnerships.create_partnership(
        "Region X Health Care", "Healthcare", region="Yavapai", timezone="America/Phoenix",
        stage="scoping")
    launched = partnerships.create_partnership(
        LAUNCHED_NAME, LAUNCHED_SECTOR, region="Coconino", timezone="America/Phoenix", stage="launched")

    for name, champion in champions.items():
        role = "chair" if name == "Robin" else "co_chair" if name == "Karen" else "champion"
        partnerships.add_member(region_x, champion.id, role, "champion")
    partnerships.add_member(region_x, convener.id, "convener", "champion")
    for person in others[60:70]:
        partnerships.add_member(healthcare, person.id, "member", "candidate")

    for (title, names) in AREAS:  # drafted by the chairs while scoping, to be tested at the launch
        ids = [champions[n].id for n in names]
        partnerships.add_priority_area(region_x, title, ids, lead_id=ids[0])

    for referrer, referred in zip(champion_list[:6], others[20:26], strict=True):
        contacts.add_tie("referred", referrer.id, referred.id, partnership_id=region_x.id,
                         context="Named by a champion on the chairs' planning call", source="demo")

    made = []
    users = {}
    for role, email, person, access, who in [
        ("admin", "admin@convene.example", None, [], "administrator: users, every partnership"),
        ("convener", "convener@convene.example", convener, [region_x.id, healthcare.id, launched.id],
         f"{convener.name}, lead convener of the three partnerships"),
        ("chair", "cochair@convene.example", champions["Karen"], [region_x.id],
         f"Karen Alvarez, co-chair of {NAME}"),
        ("chair", "chair@convene.example", champions["Robin"], [region_x.id], f"Robin Castillo, chair of {NAME}"),
        ("viewer", "viewer@convene.example", None, [region_x.id], f"a funder reading {NAME}"),
    ]:
        password = secrets.token_urlsafe(9)
        users[email] = accounts.create_user(email, password, role, name=person.name if person else role.title(),
                                            partnership_ids=access, person_id=person.id if person else None)
        made.append({"role": role, "email": email, "password": password, "who": who})
    _prepare_launch(region_x, champions, convener, others, employers[1], users["chair@convene.example"])
    _load_launched(launched, convener, partners[7], users["convener@convene.example"])
    return made


# --- The second partnership: two weeks after its launch (issue 14 item 7) -------------------
LAUNCHED_NAME = "Flagstaff Area Construction"
LAUNCHED_SECTOR = "Construction"
#: its launch meeting was this many days ago: the summary is out, the champion calls are under way
LAUNCHED_DAYS_AGO = 14

LAUNCHED_EMPLOYERS = [
    ("Ponderosa Builders", "236220", "Flagstaff", "50-249"),
    ("Mogollon Rim Electric", "238210", "Flagstaff", "10-49"),
    ("Lava Flow Concrete", "238110", "Flagstaff", "50-249"),
    ("Sunset Crater Plumbing & Mechanical", "238220", "Flagstaff", "10-49"),
    ("Walnut Canyon Framing", "238130", "Williams", "10-49"),
    ("Kachina Peaks Excavation", "238910", "Flagstaff", "10-49"),
    ("Switzer Canyon Roofing", "238160", "Flagstaff", "1-9"),
]
LAUNCHED_PARTNERS = [
    ("Coconino Community College", "community_college", "Flagstaff"),
    ("Coconino County Workforce Development", "workforce_board", "Flagstaff"),
    ("Flagstaff Unified School District", "k12", "Flagstaff"),
]
#: (name, title, employer index or "partner:<index>" or "trades" for Northern Arizona Building Trades)
LAUNCHED_PEOPLE = [
    ("Maya Etsitty", "CEO", 0), ("Greg Halvorsen", "Owner", 1), ("Rita Alvarado", "President", 2),
    ("Joe Begaye", "Owner", 3), ("Frank Morales", "General Manager", 5), ("Dee Yellowhair", "Owner", 6),
    ("Nora Kee", "Dean of Workforce", "partner:0"), ("Ben Oakes", "Business Services Manager", "partner:1"),
    ("Pat Quinlan", "CTE Director", "partner:2"), ("Ruth Sandoval", "Apprenticeship Coordinator", "trades"),
]


def _launched_people(employers: list, partners: list, trades) -> dict:
    people = {}
    for i, (name, title, where) in enumerate(LAUNCHED_PEOPLE):
        if isinstance(where, int):
            org = employers[where]
        elif where == "trades":
            org = trades
        else:
            org = partners[int(where.split(":")[1])]
        people[name.split()[0]] = contacts.save_person(None, {
            "name": name, "title": title, "organisation_id": org.id, "email": _email(name, org.name),
            "phone": f"928-555-{2000 + i:04d}"})
    return people


def _load_launched(launched: Partnership, convener: Person, trades, user) -> None:
    """Flagstaff Area Construction two weeks after its launch, every step through the services a
    convener's pages use: the door's attendance (accepted and present, a walk-in, invited
    no-shows, a business-led room), the wall's four areas (one nobody championed: "not a priority
    now") with their notes, champions and a lead each, peers named there (referred ties and
    candidates), the summary sent through the outbox, one champion call held, action plans with
    early wins, commitments by employers and partners (some delivered, one late), and the plan's
    steps: reconnect and recruit-one-more, some done.
    Community partners and the convener took on most of the open work: the health page's
    supply-side substitution is red because the data says so."""
    employers = [contacts.save_organisation(None, {
        "name": n, "kind": "employer", "sector": LAUNCHED_SECTOR, "naics": naics, "county": "Coconino",
        "city": city, "size": size}) for n, naics, city, size in LAUNCHED_EMPLOYERS]
    partners = [contacts.save_organisation(None, {"name": n, "kind": kind, "county": "Coconino", "city": city})
                for n, kind, city in LAUNCHED_PARTNERS]
    p = _launched_people(employers, partners, trades)
    for a, b, context in [("Maya", "Greg", "Builders' association"), ("Maya", "Rita", "Suppliers"),
                          ("Greg", "Joe", "Same job sites"), ("Rita", "Frank", "Suppliers"),
                          ("Nora", "Ben", "Workforce board"), ("Nora", "Pat", "Dual enrolment"),
                          ("Ruth", "Greg", "Electricians' apprenticeship"), ("Joe", "Dee", "Same job sites"),
                          ("Nora", "Greg", "Career days"), ("Ben", "Maya", "On-the-job training contract")]:
        contacts.add_tie("knows", p[a].id, p[b].id, 2, context, source="demo")
    for person in p.values():
        contacts.add_tie("knows", convener.id, person.id, 2, "Sector strategy team", source="demo")

    partnerships.add_member(launched, convener.id, "convener", "champion")
    launch_day = outreach.today_for(launched) - timedelta(days=LAUNCHED_DAYS_AGO)
    starts = _local_time(launched, launch_day, 9)
    launch = outreach.create_meeting(
        launched, starts, "launch", title=f"{LAUNCHED_NAME} launch meeting", ends_at=starts + timedelta(hours=2),
        location="Ponderosa Builders, Flagstaff", host_organisation_id=employers[0].id,
        chair_ids=[p["Maya"].id, p["Greg"].id])
    for name in ("Maya", "Greg"):
        partnerships.add_member(launched, p[name].id, "chair" if name == "Maya" else "co_chair", "accepted")
    for name in ("Rita", "Joe", "Frank", "Dee"):  # employers who said yes to the chairs' asks
        partnerships.add_member(launched, p[name].id, "member", "accepted")
    for name in ("Nora", "Ben", "Pat", "Ruth"):  # community partners supporting the launch
        partnerships.add_member(launched, p[name].id, "community_partner", "accepted")
    launch.invitations = [Invitation(person_id=p[n].id, response="accepted") for n in (
        "Maya", "Greg", "Rita", "Joe", "Frank", "Dee", "Nora", "Ben", "Pat", "Ruth")]
    db.session.flush()

    # At the door: seven of the ten who said yes came (Frank, Dee and Pat did not), and one
    # employer nobody had invited walked in.
    for name in ("Maya", "Greg", "Rita", "Joe", "Nora", "Ben", "Ruth"):
        door.set_present(launch, p[name], True, user.id)
    tess = door.add_walk_in(launch, "Tess Lindqvist", "Walnut Canyon Framing", email=_email(
        "Tess Lindqvist", "Walnut Canyon Framing"), user_id=user.id)
    contacts.add_tie("knows", tess.id, p["Joe"].id, 2, "Same job sites", source="demo")

    # The wall: four areas, three with champions (a lead each), one nobody put a name on.
    areas = {}
    for key, name, opportunities, requirements, champions in [
        ("apprentices", "Build the apprenticeship pipeline",
         ["Employers would take 12 apprentices a year between them", "The trades' electrical program has room"],
         ["A pre-apprenticeship that teaches site safety and math", "Tools and boots for new starters"],
         [("Maya", True), ("Rita", False), ("Ruth", False)]),
        ("schools", "Bring construction careers into the high schools",
         ["Flagstaff High has an empty shop classroom", "Employers will speak at career days"],
         ["Teachers who know today's construction jobs"], [("Greg", True), ("Joe", False), ("Nora", False)]),
        ("safety", "Shared safety training",
         ["Small firms pay for the same OSHA-10 class separately"], ["An OSHA-authorised trainer in Flagstaff"],
         [("Tess", True)]),
        ("hub", "A regional building-materials hub", ["Shared yard for bulk orders"],
         ["A site near I-40"], []),
    ]:
        areas[key] = priorities.create_area(launched, name, opportunities, requirements)
        for who, lead in champions:
            priorities.add_champion(areas[key], tess if who == "Tess" else p[who], lead, user.id)
    _next_request()
    reconcile.reconcile_partnership(launched.id)
    _next_request()
    _as_planned_at(launched, launch_day)

    # Peers named on the wall: each becomes a person (matched if known: Frank was invited and did
    # not come), a referred tie from the attendee who named them and a candidate.
    named = {}
    for referrer, name, org, title in [("Maya", "Luis Tapia", "Elden Mountain HVAC", "Owner"),
                                       ("Greg", "Sam Whitfield", "Peaks Solar Install", "Operations Manager"),
                                       ("Rita", "Frank Morales", "Kachina Peaks Excavation", None)]:
        named[name] = referrals.refer(launch, p[referrer], name, user, organisation_name=org, title=title).person
    luis = named["Luis Tapia"]

    # The week after: thanks and the summary (through the outbox, on the chairs' behalf).
    steps = _steps(launch)
    for key, day in (("reminder_email", -3), ("thank_you", 2)):
        if key in steps and steps[key].status == "open":
            outreach.complete_task(steps[key], "done", user_id=user.id, now=_at(launch_day + timedelta(days=day)))
    state = summaries.state_of(launch, user)
    summaries.send(launch, user, state.subject, state.text, state.version)
    sent_on = _at(launch_day + timedelta(days=5))  # the story's day: within the week (D.1)
    summaries.saved_of(launch).sent_at = sent_on
    if summaries.task_of(launch) is not None:
        summaries.task_of(launch).completed_at = sent_on

    # Ten days on: the apprenticeship area's champion call, on time; Luis, named by Maya at the
    # launch, joined it and put his name on the area. The other two calls are still to hold.
    champion_calls.record_call(
        areas["apprentices"], starts + timedelta(days=10), [p["Maya"], p["Rita"], luis],
        notes="Twelve apprentice places a year between the firms; the college's math module fits.",
        next_steps="Maya drafts the pre-apprenticeship pilot; Ruth checks the state registration.",
        ends_at=starts + timedelta(days=10, minutes=50), user_id=user.id)
    priorities.add_champion(areas["apprentices"], luis, False, user.id)
    _next_request()
    reconcile.reconcile_partnership(launched.id)
    _next_request()
    steps = _steps(launch)
    # Maya brought Luis in (recruit one more: done); the convener reached Frank (reconnect: done);
    # Dee and Pat are still to reconnect with, a week late.
    for key, day in ((f"recruit_one_more:{p['Maya'].id}", 10), (f"reconnect:{p['Frank'].id}", 6)):
        if key in steps and steps[key].status == "open":
            outreach.complete_task(steps[key], "done", user_id=user.id, now=_at(launch_day + timedelta(days=day)))

    # Action plans: goals, measurable outcomes, early wins and who delivers what.
    for key, goals, outcomes, actions in [
        ("apprentices", ("A pre-apprenticeship cohort of 8 started", "12 apprentices placed with partner firms",
                         "A registered construction apprenticeship run by the employers"),
         ["12 apprentices placed by next September", "8 pre-apprentices finish the first cohort"],
         ["Pilot a six-week pre-apprenticeship", "Register it with the state"]),
        ("schools", ("Construction on every high school's career day", "A construction elective at Flagstaff High",
                     "A dual-enrolment path into the trades"),
         ["4 career days with an employer speaker this school year"], ["Career days", "A shop elective"]),
        ("safety", ("One shared OSHA-10 class", "Quarterly classes for the small firms", None),
         ["40 workers OSHA-10 certified this year"], ["Find a trainer", "Pool the firms' places"]),
    ]:
        plans.save_plan(areas[key], dict(zip(plans.GOALS, goals, strict=True)), outcomes, actions)
    employer = {"Maya": p["Maya"], "Greg": p["Greg"], "Rita": p["Rita"], "Joe": p["Joe"], "Tess": tess}
    partner = {"Nora": p["Nora"], "Ben": p["Ben"], "Ruth": p["Ruth"]}
    made = {}
    for key, owner, text, due, early, kind, status in [
        ("apprentices", "Maya", "Pilot a six-week pre-apprenticeship for 8 starters at Ponderosa Builders",
         45, True, "prototype", "open"),
        ("apprentices", "Rita", "Open day at the Lava Flow Concrete plant for 15 students", 10, True, "activity",
         "done"),
        ("apprentices", "Nora", "Map the college's construction courses to the employers' skills list", 10,
         False, None, "open"),  # late
        ("apprentices", "Ruth", "Register the pre-apprenticeship with the state apprenticeship office", 40,
         False, None, "open"),
        ("apprentices", "Ben", "Fund the pre-apprentices' tools and boots from WIOA", 35, False, None, "open"),
        ("schools", "Greg", "Teach a four-week electrical module at Flagstaff High", 75, True, "prototype",
         "open"),  # an early win past the 60 days: saved with its warning
        ("schools", "Joe", "Speak at Coconino High's career day", 12, False, None, "done"),
        ("schools", "Nora", "Bring the career-and-technical teachers to a planning session", 30, False, None,
         "open"),
        ("schools", "Ben", "Print the construction careers guide for counsellors", 12, False, None, "done"),
        ("safety", "Ben", "Book an OSHA-authorised trainer for a first shared class", 20, True, "activity",
         "open"),
        ("safety", "Ruth", "Lend the trades' training room for the class", 25, False, None, "open"),
        ("safety", "Nora", "Put the OSHA-10 class in the college's catalogue", 50, False, None, "open"),
    ]:
        owner_person = employer.get(owner) or partner[owner]
        commitment, _warnings = plans.add_commitment(areas[key], owner_person, text, launch_day + timedelta(days=due),
                                                     early, kind, user.id)
        made[text] = commitment
        if status != "open":
            plans.set_status(commitment, status)
    plans.add_note(areas["apprentices"], "Rita's open day filled: 17 students came, 5 asked about apprenticeships.",
                   launch_day + timedelta(days=11), made["Open day at the Lava Flow Concrete plant for 15 students"],
                   user.id)
    # ... and the partners took on more of their own: the work drifting to the supply side.
    for owner, title, due in ((p["Ben"], "Draft the sector-grant application for the pre-apprenticeship", 30),
                              (p["Nora"], "Survey the firms on next year's hiring", 28)):
        outreach.add_own_task(launched, user, title, launch_day + timedelta(days=due), owner.id)
    launched.stage = "action_planning"
    db.session.flush()


def _local_time(partnership: Partnership, day, hour: int) -> datetime:
    """`hour` o'clock of `day` in the partnership's zone, as UTC: the story's days are the
    partnership's days (from 17:00 in Denver UTC's day is already tomorrow's)."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=zone(partnership.timezone)).astimezone(UTC)


def _at(day) -> datetime:
    """Midday UTC of a story day (when a step of the story was done)."""
    return datetime(day.year, day.month, day.day, 17, tzinfo=UTC)


def _next_request() -> None:
    """What the pages do in many requests the loader does in one session: write what is pending
    and read afresh (a partnership's areas collection loaded earlier would not hold the new ones)."""
    db.session.flush()
    db.session.expire_all()


def _steps(meeting) -> dict[str, Task]:
    return {t.step_key: t for t in db.session.scalars(select(Task).where(
        Task.meeting_id == meeting.id, Task.step_key.is_not(None)))}


def _as_planned_at(partnership: Partnership, day) -> None:
    """The story's history: the plan laid these steps out when the launch was set, four weeks
    before it (the demo makes them today), so each is due on the workbook's day, not today.
    Reconciling again applies it."""
    for task in db.session.scalars(select(Task).where(Task.partnership_id == partnership.id,
                                                      Task.step_key.is_not(None))):
        task.created_at = _at(day - timedelta(days=28))
    _next_request()
    reconcile.reconcile_partnership(partnership.id)
    _next_request()


#: The demo partnership's launch: about four weeks away (workbook B.5, "at least 3-4 weeks notice").
LAUNCH_IN_DAYS = 24


def _prepare_launch(region_x, champions: dict, convener: Person, others: list[Person], host, chair_user) -> None:
    """Region X about four weeks before its launch: the chairs' team in, the launch set, the
    chairs' review half done (approved, "I'll ask", assigned to the co-chair, not now), two asks
    the chairs took on by hand (two late, one on time), the plan's asks due within days (at risk),
    three already answered."""
    robin, karen = champions["Robin"], champions["Karen"]
    today = outreach.today_for(region_x)
    taken = {p.id for p in others[20:26]} | {p.id for p in others[60:70]}
    employers = [p for p in others if p.organisation and p.organisation.side == "employer" and p.id not in taken]
    partners = [p for p in others[:20] if not (p.organisation and p.organisation.side == "employer")]
    for person in partners[:4]:  # community partners who support the launch
        partnerships.add_member(region_x, person.id, "community_partner", "accepted")
    waiting, approve, mine, karens, not_now, early = (
        employers[0:6], employers[6:10], employers[10:12], employers[12:13], employers[13:14], employers[14:17])
    for i, person in enumerate(waiting):  # the chairs' review: still to decide
        partnerships.add_member(region_x, person.id, "member", "suggested" if i % 2 else "candidate")
    for person, owner, due_in in zip(early, (robin, karen, robin), (-4, -2, 9), strict=True):
        # asks the chairs took on by hand before the plan was laid out: two now overdue
        partnerships.add_member(region_x, person.id, "member", "ask_assigned")
        outreach.create_task(region_x, "ask", today + timedelta(days=due_in), person_id=person.id,
                             owner_id=owner.id)

    starts = _local_time(region_x, today + timedelta(days=LAUNCH_IN_DAYS), 9)
    launch = outreach.create_meeting(
        region_x, starts, "launch", title=f"{NAME} launch meeting", ends_at=starts + timedelta(hours=2),
        location="Granite Dells Avionics, Prescott", host_organisation_id=host.id, chair_ids=[robin.id, karen.id])
    launch.invitations = [Invitation(person_id=c.id, response="accepted") for c in champions.values()]
    db.session.flush()

    for person in approve:
        suggestions.decide(region_x, person.id, "approve", chair_user)
    for person in mine:
        suggestions.decide(region_x, person.id, "ill_ask", chair_user)
    for person in karens:
        suggestions.decide(region_x, person.id, "someone_else", chair_user, asker_id=karen.id)
    for person in not_now:
        suggestions.decide(region_x, person.id, "not_now", chair_user, reason="Selling the business this year",
                           revisit_on=today + timedelta(days=200))
    reconcile.reconcile_partnership(region_x.id)  # the plan's asks, as the commit would lay them out
    db.session.flush()
    asks = {t.person_id: t for t in db.session.scalars(select(Task).where(
        Task.partnership_id == region_x.id, Task.kind == "ask", Task.status == "open"))}
    for person, outcome in zip(approve[:3], ("accepted", "accepted", "declined"), strict=True):
        if person.id in asks:  # answered already
            outreach.complete_task(asks[person.id], "done", outcome, user_id=chair_user.id)
    # Community partners already set "next steps" of their own before the employers have met:
    # the workbook's red flag "supply-side substitution" (section F), which the health page
    # shows with links to these tasks and their owners.
    for person, title, due_in in zip(partners[:3], (
            "Draft the college's course catalogue for employers", "Write the state sector-grant application",
            "Survey employers on their training needs"), (12, 18, 26), strict=True):
        outreach.create_task(region_x, "custom", today + timedelta(days=due_in), owner_id=person.id,
                             title=title)
