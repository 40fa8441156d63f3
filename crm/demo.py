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
from datetime import timedelta

from sqlalchemy import select

from crm.accounts import services as accounts
from crm.contacts import services as contacts
from crm.contacts.models import Person
from crm.extensions import db
from crm.outreach import reconcile
from crm.outreach import services as outreach
from crm.outreach.models import Task
from crm.partnerships import services as partnerships
from crm.partnerships.models import Invitation, Partnership
from crm.scoring import suggestions
from crm.timeutil import utcnow

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
        ("convener", "convener@convene.example", convener, [region_x.id, healthcare.id],
         f"{convener.name}, lead convener of both partnerships"),
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
    return made


#: The demo partnership's launch: about four weeks away (workbook B.5, "at least 3-4 weeks notice").
LAUNCH_IN_DAYS = 24


def _prepare_launch(region_x, champions: dict, convener: Person, others: list[Person], host, chair_user) -> None:
    """Region X about four weeks before its launch: the chairs' team in, the launch set, the
    chairs' review half done (approved, "I'll ask", assigned to the co-chair, not now), two asks
    the chairs took on by hand (two late, one on time), the plan's asks due within days (at risk),
    three already answered."""
    robin, karen = champions["Robin"], champions["Karen"]
    today = utcnow()
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
        outreach.create_task(region_x, "ask", (today + timedelta(days=due_in)).date(), person_id=person.id,
                             owner_id=owner.id)

    starts = (today + timedelta(days=LAUNCH_IN_DAYS)).replace(hour=16, minute=0, second=0, microsecond=0)
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
                           revisit_on=(today + timedelta(days=200)).date())
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
        outreach.create_task(region_x, "custom", (today + timedelta(days=due_in)).date(), owner_id=person.id,
                             title=title)
