"""Synthetic state-scale data: `crm synth --people N --ties M --tasks T --partnerships P --seed S`.

A state running dozens of sector partnerships on one Convene: regions of counties, sectors,
employers of heavy-tailed sizes and community partners, people with a heavy-tailed number of
ties clustered by organisation, sector and county (a few hubs know hundreds), referral trees
grown from each partnership's chairs and champions, two years of meetings, invitations and
outreach tasks, trait assessments, and staff, chair and viewer accounts.

Deterministic: the same arguments (and --as-of date, default today) give the same rows, except
the accounts' random session tokens. `generate()` is plain Python (rows as
dicts, no database); `load_rows()` writes them with SQLAlchemy Core executemany, which is what
makes 20,000 people and 200,000 ties load in seconds. The ORM (and so the audit log) is
bypassed on purpose: this is bulk test data, not anyone's change.
"""

from __future__ import annotations

import bisect
import itertools
import random
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock

import click
from flask.cli import with_appcontext
from sqlalchemy import func, insert, select, text

from crm import vocab
from crm.accounts.models import _hasher, new_secret
from crm.changes.models import rebuild_everything
from crm.config import default_timezone
from crm.contacts.models import name_key
from crm.extensions import db
from crm.partnerships.models import Partnership

SECTORS = [
    ("Advanced Manufacturing", "33"), ("Healthcare", "62"), ("Information Technology", "54"),
    ("Construction", "23"), ("Transportation and Logistics", "48"), ("Creative Industries", "71"),
    ("Food and Agriculture", "31"), ("Energy", "22"),
]
COUNTIES = [
    "Adams", "Alamosa", "Arapahoe", "Archuleta", "Baca", "Bent", "Boulder", "Broomfield", "Chaffee",
    "Cheyenne", "Clear Creek", "Conejos", "Costilla", "Crowley", "Custer", "Delta", "Denver",
    "Dolores", "Douglas", "Eagle", "Elbert", "El Paso", "Fremont", "Garfield", "Gilpin", "Grand",
    "Gunnison", "Hinsdale", "Huerfano", "Jackson", "Jefferson", "Kiowa", "Kit Carson", "Lake",
    "La Plata", "Larimer", "Las Animas", "Lincoln", "Logan", "Mesa",
]
REGION_NAMES = ["Front Range", "Pikes Peak", "Northern", "Western Slope", "San Luis Valley",
                "Southeast", "Mountain", "Northeast", "Southwest", "Central"]
FIRST = ["Maria", "David", "Aisha", "Ben", "Chen", "Dolores", "Ethan", "Fatima", "Gabe", "Hana",
         "Isaac", "Jasmine", "Kofi", "Leah", "Marco", "Nadia", "Owen", "Priya", "Quinn", "Rosa",
         "Sam", "Tara", "Uma", "Victor", "Wendy", "Xavier", "Yara", "Zach", "Elena", "Miguel",
         "Karen", "Ginger", "Norela", "Lane", "Paul", "Robin", "Jim", "Al", "Casey", "Tom"]
LAST = ["Garcia", "Smith", "Johnson", "Lee", "Patel", "Nguyen", "Brown", "Martinez", "Yazzie",
        "Clark", "Lopez", "Walker", "Young", "King", "Wright", "Hill", "Scott", "Green", "Adams",
        "Baker", "Nelson", "Carter", "Mitchell", "Perez", "Roberts", "Turner", "Phillips", "Tso",
        "Okafor", "Castillo", "Sorensen", "Nakamura", "Duran", "Reinhardt", "Holloway", "Begay"]
WORDS = ["Summit", "Peak", "River", "Canyon", "Mesa", "Aspen", "Pine", "Granite", "Prairie",
         "Valley", "Ridge", "Eagle", "Cedar", "Frontier", "Juniper", "Sage", "Silver", "Blue"]
SUFFIX = {"Advanced Manufacturing": ["Machining", "Fabrication", "Composites", "Tool & Die"],
          "Healthcare": ["Health", "Medical Center", "Clinic", "Care Partners"],
          "Information Technology": ["Software", "Data Systems", "Networks", "Digital"],
          "Construction": ["Builders", "Construction", "Contracting", "Concrete"],
          "Transportation and Logistics": ["Freight", "Logistics", "Trucking", "Distribution"],
          "Creative Industries": ["Studios", "Design", "Media", "Works"],
          "Food and Agriculture": ["Farms", "Foods", "Dairy", "Growers"],
          "Energy": ["Energy", "Solar", "Power", "Utilities"]}
EMPLOYER_TITLES = ["CEO", "President", "Owner", "COO", "VP Operations", "HR Director",
                   "Plant Manager", "General Manager", "CFO", "Training Lead"]
PARTNER_TITLES = ["Executive Director", "Business Services Manager", "Dean of Workforce",
                  "Program Coordinator", "Director", "Superintendent", "Economic Development Manager"]
TAGS = ["United Way board", "Rotary", "Chamber board", "School board", "Hospital foundation",
        "Sector council", "Youth mentor", "Veteran", "Alumni network", "Civic entrepreneur"]
#: (size class, share of employers, people of it the contact base knows: low, high)
EMPLOYER_SIZES = [("1-9", 0.35, 1, 2), ("10-49", 0.30, 1, 3), ("50-249", 0.20, 2, 6),
                  ("250-999", 0.10, 3, 12), ("1000+", 0.05, 8, 40)]
TASK_KIND_WEIGHTS = {"ask": 35, "follow_up_call": 20, "reminder_email": 10, "thank_you": 10,
                     "recruit_one_more": 10, "send_summary": 3, "champion_call": 4,
                     "second_meeting": 2, "custom": 6}
STAGE_WEIGHTS = {"candidate": 30, "suggested": 15, "approved": 10, "ask_assigned": 8, "asked": 10,
                 "accepted": 8, "declined": 7, "attended": 6, "champion": 6}
PASSWORD = "synth-password-1"  # noqa: S105 - every synthetic account's password (they are test data)


def _slug(text_: str) -> str:
    return "".join(c for c in text_.lower() if c.isalnum())[:20]


class _Ids:
    """Next free id per table, so rows can reference each other before they are inserted."""

    def __init__(self, start: dict[str, int]):
        self.next = dict(start)

    def __call__(self, table: str) -> int:
        value = self.next.get(table, 1)
        self.next[table] = value + 1
        return value


def generate(people: int, ties: int, tasks: int, partnerships: int, seed: int,
             start_ids: dict[str, int] | None = None, now: datetime | None = None) -> dict[str, list[dict]]:
    """Every synthetic row, by table name, as plain dicts (no database needed)."""
    rng = random.Random(seed)
    now = now or datetime.combine(date.today(), clock(12, 0), UTC)
    today = now.date()
    ids = _Ids(start_ids or {})
    rows: dict[str, list[dict]] = {t: [] for t in (
        "organisations", "people", "tags", "person_tags", "partnerships", "users",
        "partnership_access", "memberships", "stage_changes", "priority_areas", "priority_champions",
        "meetings", "meeting_chairs", "invitations", "ties", "tasks", "trait_assessments")}

    def when(days_back_low: int, days_back_high: int) -> datetime:
        return now - timedelta(days=rng.uniform(days_back_low, days_back_high))

    # --- regions and partnerships ------------------------------------------------------------
    per_region = max(1, len(COUNTIES) // len(REGION_NAMES))
    regions = [(REGION_NAMES[i], COUNTIES[i * per_region:(i + 1) * per_region])
               for i in range(len(REGION_NAMES))]
    pairs = [(r, s) for r in range(len(regions)) for s in range(len(SECTORS))]
    rng.shuffle(pairs)
    plist = []
    for i in range(partnerships):
        r, s = pairs[i % len(pairs)]
        suffix = "" if i < len(pairs) else f" {i // len(pairs) + 1}"
        stage = rng.choices([s_ for s_, _ in vocab.PARTNERSHIP_STAGES], [1, 2, 2, 3, 4, 3])[0]
        p = dict(id=ids("partnerships"), name=f"{regions[r][0]} {SECTORS[s][0]}{suffix}",
                 sector=SECTORS[s][0], region=", ".join(regions[r][1]), timezone=default_timezone(),
                 stage=stage, launch_target_low=25, launch_target_high=30, launch_minimum=10,
                 notes=None, archived_at=None, created_at=when(700, 760), version=1)
        rows["partnerships"].append(p)
        plist.append((p, r, s))

    # --- organisations and people -----------------------------------------------------------
    tag_ids = []
    for name in TAGS:
        tag_ids.append(ids("tags"))
        rows["tags"].append(dict(id=tag_ids[-1], name=name))
    person_org: list[tuple[int, dict]] = []  # (person id, organisation row)
    size_cum = list(itertools.accumulate(w for _, w, _, _ in EMPLOYER_SIZES))
    used_names: set[str] = set()
    while len(person_org) < people:
        community = rng.random() < 0.15
        county = rng.choice(COUNTIES)
        if community:
            kind = rng.choice(vocab.COMMUNITY_KINDS)
            sector, size, headcount = None, None, rng.randint(2, 10)
            base = f"{county} {vocab.label(vocab.ORG_KINDS, kind)}"
        else:
            kind = "employer"
            sector_name, naics = rng.choice(SECTORS)
            size_class, _, low, high = EMPLOYER_SIZES[bisect.bisect(size_cum, rng.random() * size_cum[-1])]
            sector, size, headcount = sector_name, size_class, rng.randint(low, high)
            base = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(SUFFIX[sector_name])}"
        name = base
        while name in used_names:
            name = f"{base} {rng.randint(2, 999)}"
        used_names.add(name)
        org = dict(id=ids("organisations"), name=name, name_key=name_key(name),
                   side="community" if community else "employer", kind=kind, sector=sector,
                   naics=None if community else naics + f"{rng.randint(0, 9999):04d}",
                   county=county, city=county, size=size, website=f"https://{_slug(name)}.example",
                   notes=None, archived_at=None, created_at=when(800, 1100),
                   updated_at=when(0, 700), version=1)
        rows["organisations"].append(org)
        for k in range(min(headcount, people - len(person_org))):
            pid = ids("people")
            full = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            titles = PARTNER_TITLES if community else (EMPLOYER_TITLES if k else EMPLOYER_TITLES[:3])
            rows["people"].append(dict(
                id=pid, name=full, name_key=name_key(full), title=rng.choice(titles),
                organisation_id=org["id"], email=f"{_slug(full)}{pid}@{_slug(name)}.example",
                phone=f"303-555-{pid % 10000:04d}" if rng.random() < 0.6 else None, notes=None,
                merged_into_id=None, archived_at=when(0, 300) if rng.random() < 0.02 else None,
                created_at=when(700, 1100), updated_at=when(0, 700), version=1))
            person_org.append((pid, org))
            for tag in rng.sample(tag_ids, k=rng.choice([0, 0, 0, 0, 1, 1, 2])):
                rows["person_tags"].append(dict(person_id=pid, tag_id=tag))

    # --- "knows" ties: heavy-tailed degree, clustered by organisation, sector and county ------
    pids = [pid for pid, _ in person_org]
    weights = [min(rng.paretovariate(1.6), 60.0) for _ in pids]
    for hub in rng.sample(range(len(pids)), k=max(1, len(pids) // 1000)):
        weights[hub] *= 40  # the few people everyone knows
    cum = list(itertools.accumulate(weights))
    by_org: dict[int, list[int]] = {}
    by_cluster: dict[tuple, list[int]] = {}
    for pid, org in person_org:
        by_org.setdefault(org["id"], []).append(pid)
        by_cluster.setdefault((org["sector"], org["county"]), []).append(pid)
    org_of = {pid: org for pid, org in person_org}
    # --- memberships, priority areas, meetings, invitations, referral trees ------------------
    scale = max(people / 20000, 0.01)
    members_of: dict[int, list[tuple[int, str]]] = {}
    employer_pool = {}
    for pid, org in person_org:
        if org["side"] == "employer":
            employer_pool.setdefault((org["sector"], org["county"]), []).append(pid)
    community_pool = {}
    for pid, org in person_org:
        if org["side"] == "community":
            community_pool.setdefault(org["county"], []).append(pid)
    referrals: list[tuple[int, int, int, int | None]] = []
    for p, r, s in plist:
        counties = regions[r][1]
        employers = [pid for c in counties for pid in employer_pool.get((SECTORS[s][0], c), [])]
        partners = [pid for c in counties for pid in community_pool.get(c, [])]
        rng.shuffle(employers)
        rng.shuffle(partners)
        wanted = max(5, int(rng.randint(150, 450) * scale))
        if len(employers) < wanted:  # a thin region: add the sector's employers from elsewhere
            local = set(employers)
            others = [pid for (sec, _c), ps in sorted(employer_pool.items()) if sec == SECTORS[s][0]
                      for pid in ps if pid not in local]
            employers += rng.sample(others, k=min(len(others), wanted - len(employers)))
        employers = employers[:wanted]
        partners = partners[:max(1, int(rng.randint(20, 60) * scale))]
        roles = (["chair", "chair", "co_chair"] + ["lead_champion"] * 4 + ["champion"] * 20)
        members = []
        for i, pid in enumerate(employers):
            role = roles[i] if i < len(roles) else "member"
            stage = "champion" if role != "member" else rng.choices(
                list(STAGE_WEIGHTS), list(STAGE_WEIGHTS.values()))[0]
            members.append((pid, role, stage))
        for i, pid in enumerate(partners):
            members.append((pid, "convener" if i < 2 else "community_partner", "champion" if i < 2 else
                            rng.choice(["candidate", "approved", "attended", "champion"])))
        members_of[p["id"]] = [(pid, role) for pid, role, _ in members]
        for pid, role, stage in members:
            mid = ids("memberships")
            at = when(0, 700)
            rows["memberships"].append(dict(
                id=mid, partnership_id=p["id"], person_id=pid, role=role, stage=stage,
                stage_changed_at=at, notes=None, created_at=at - timedelta(days=30), version=1))
            rows["stage_changes"].append(dict(id=ids("stage_changes"), membership_id=mid, from_stage=None,
                                              to_stage=stage, reason="synth", user_id=None, at=at))
        champions = [pid for pid, role, _ in members if role in vocab.ASKER_ROLES]
        launched = p["stage"] not in ("scoping", "preparing_launch")
        launch_at = now - timedelta(days=rng.randint(200, 690)) if launched else now + timedelta(
            days=rng.randint(20, 90))
        launch_at = launch_at.replace(hour=16, minute=0, second=0, microsecond=0)
        meeting_ids = []
        schedule = [("launch", launch_at), ("second", launch_at + timedelta(days=55))]
        areas = []
        if launched:
            for k in range(rng.randint(4, 5)):
                aid = ids("priority_areas")
                areas.append(aid)
                rows["priority_areas"].append(dict(
                    id=aid, partnership_id=p["id"], name=f"Priority {k + 1}: {rng.choice(WORDS)} talent",
                    description=None, created_at=launch_at))
                team = rng.sample(champions, k=min(len(champions), rng.randint(2, 6)))
                for j, pid in enumerate(team):
                    rows["priority_champions"].append(dict(
                        id=ids("priority_champions"), priority_area_id=aid, person_id=pid, lead=j == 0))
                schedule.append(("champion_call", launch_at + timedelta(days=rng.randint(20, 30))))
            day = launch_at + timedelta(days=90)
            while day < now + timedelta(days=60):
                schedule.append(("other", day))
                day += timedelta(days=rng.randint(75, 100))
        chairs = [pid for pid, role, _ in members if role in vocab.CHAIR_ROLES]
        for kind, starts in schedule:
            mid = ids("meetings")
            meeting_ids.append(mid)
            rows["meetings"].append(dict(
                id=mid, partnership_id=p["id"], kind=kind, title=f"{p['name']}: {kind.replace('_', ' ')}",
                starts_at=starts, ends_at=starts + timedelta(hours=2), location=f"{counties[0]} County",
                host_organisation_id=org_of[chairs[0]]["id"] if chairs else None, priority_area_id=None,
                notes=None, created_at=starts - timedelta(days=40), version=1))
            if kind == "launch":
                for pid in chairs[:3]:
                    rows["meeting_chairs"].append(dict(meeting_id=mid, person_id=pid))
                for pid, _role, _stage in members[:60]:
                    past = starts < now
                    response = rng.choice(["accepted", "accepted", "declined", "no_answer"]) if past else "pending"
                    rows["invitations"].append(dict(
                        id=ids("invitations"), meeting_id=mid, person_id=pid, response=response,
                        attended=(response == "accepted" and rng.random() < 0.85) if past else None,
                        invited_at=starts - timedelta(days=rng.randint(21, 28))))
        # referral trees: chairs and champions name peers, who name more (depth up to 3)
        referred = set(champions[:7])
        frontier = champions[:7]
        rest = [pid for pid, role, _ in members if pid not in referred]
        for _depth in range(3):
            nxt = []
            for referrer in frontier:
                for _ in range(rng.randint(0, 3)):
                    if not rest:
                        break
                    new = rest.pop()
                    referred.add(new)
                    nxt.append(new)
                    referrals.append((referrer, new, p["id"], meeting_ids[0] if launched else None))
            frontier = nxt
    knows: set[tuple[int, int]] = set()
    target, attempts = max(0, ties - len(referrals)), 0
    while len(knows) < target and attempts < 4 * target + 100 and len(pids) > 1:
        attempts += 1
        a = pids[bisect.bisect(cum, rng.random() * cum[-1])]
        org = org_of[a]
        mode = rng.random()
        if mode < 0.3 and len(by_org[org["id"]]) > 1:
            b = rng.choice(by_org[org["id"]])
        elif mode < 0.75:
            b = rng.choice(by_cluster[(org["sector"], org["county"])])
        else:
            b = pids[bisect.bisect(cum, rng.random() * cum[-1])]
        if a != b:
            knows.add((a, b) if a < b else (b, a))
    contexts = ["Same company", "Rotary", "Supplier", "Former colleague", "Chamber events", None, None]
    for a, b in sorted(knows):
        rows["ties"].append(dict(
            id=ids("ties"), kind="knows", source_id=a, target_id=b,
            strength=rng.choices([1, 2, 3], [6, 3, 1])[0], context=rng.choice(contexts),
            source="synth", since=today - timedelta(days=rng.randint(30, 3650)), partnership_id=None,
            meeting_id=None, created_by_id=None, created_at=when(0, 730)))

    seen = set()
    for a, b, pid_, mid in referrals[:ties]:
        if (a, b) in seen or a == b:
            continue
        seen.add((a, b))
        rows["ties"].append(dict(
            id=ids("ties"), kind="referred", source_id=a, target_id=b, strength=2,
            context="Named on the commitments wall", source="synth", since=None, partnership_id=pid_,
            meeting_id=mid, created_by_id=None, created_at=when(0, 600)))

    # --- accounts ---------------------------------------------------------------------------
    def user(email, role, person_id=None, access=()):
        uid = ids("users")
        rows["users"].append(dict(id=uid, email=email, name=email.split("@")[0], password_hash="",
                                  role=role, person_id=person_id, session_token=new_secret(),
                                  ics_token_hash=None, active=True, created_at=when(700, 760),
                                  last_login_at=None))
        for pid_ in access:
            rows["partnership_access"].append(dict(id=ids("partnership_access"), user_id=uid,
                                                   partnership_id=pid_))
        return uid

    all_p = [p["id"] for p, _, _ in plist]
    user("admin@synth.example", "admin")
    convener_ids = [user(f"convener{i:02d}@synth.example", "convener", access=all_p[i::20] or all_p[:1])
                    for i in range(min(20, max(1, partnerships)))]
    for i, (p, _, _) in enumerate(plist[:25]):
        chair = next((pid for pid, role in members_of[p["id"]] if role == "chair"), None)
        user(f"chair{i:02d}@synth.example", "chair", chair, [p["id"]])
    for i in range(4):
        user(f"viewer{i:02d}@synth.example", "viewer", access=all_p[i::4][:3])

    # --- tasks: two years of outreach history -----------------------------------------------
    kinds, kind_w = list(TASK_KIND_WEIGHTS), list(TASK_KIND_WEIGHTS.values())
    cum_p = list(itertools.accumulate(len(members_of[p["id"]]) or 1 for p, _, _ in plist))
    meetings_of: dict[int, list[int]] = {}
    for m in rows["meetings"]:
        meetings_of.setdefault(m["partnership_id"], []).append(m["id"])
    for _ in range(tasks if plist else 0):
        p = rng.choices(plist, cum_weights=cum_p)[0][0]
        members = members_of[p["id"]]
        if not members:
            continue
        person_id = rng.choice(members)[0]
        askers = [pid for pid, role in members[:27] if role in vocab.ASKER_ROLES] or [members[0][0]]
        kind = rng.choices(kinds, kind_w)[0]
        due = today + timedelta(days=rng.randint(-730, 90))
        if due < today:
            status = rng.choices(["done", "skipped", "cancelled", "open"], [75, 10, 5, 10])[0]
        else:
            status = "open"
        tid = ids("tasks")
        linked = rng.random() < 0.2 and meetings_of.get(p["id"])
        rows["tasks"].append(dict(
            id=tid, partnership_id=p["id"], kind=kind, title=f"{vocab.label(vocab.TASK_KINDS, kind)}",
            person_id=person_id, owner_id=rng.choice(askers),
            meeting_id=rng.choice(meetings_of[p["id"]]) if linked else None,
            priority_area_id=None, step_key=f"synth-{tid}" if linked else None, due=due, status=status,
            outcome=rng.choice(["accepted", "declined", "no_answer", "referred"])
            if kind == "ask" and status == "done" else None,
            notes=None, asker_reason=None,
            completed_at=datetime.combine(due, datetime.min.time(), UTC) + timedelta(hours=rng.randint(-48, 48))
            if status == "done" else None,
            created_at=datetime.combine(due, datetime.min.time(), UTC) - timedelta(days=rng.randint(7, 40)),
            version=1))

    # --- trait assessments for employer champions and a sample of members --------------------
    for p, _, _ in plist:
        for pid, role in members_of[p["id"]][:80]:
            if org_of[pid]["side"] != "employer" or (role == "member" and rng.random() < 0.6):
                continue
            for trait, _label in vocab.TRAITS:
                rows["trait_assessments"].append(dict(
                    id=ids("trait_assessments"), person_id=pid, partnership_id=p["id"], trait=trait,
                    rating=rng.choices([0, 1, 2, 3], [1, 3, 4, 2])[0], evidence="synth",
                    assessor_id=rng.choice(convener_ids), created_at=when(0, 600)))
    return rows


def load_rows(rows: dict[str, list[dict]], password_hash: str, batch: int = 5000) -> dict[str, int]:
    """Write the rows with Core executemany, in foreign-key order; returns counts by table.

    Flushes only: the caller commits (the CLI command does, once)."""
    tables = db.metadata.tables
    for u in rows["users"]:
        u["password_hash"] = password_hash
    counts = {}
    session = db.session
    for name, items in rows.items():
        for start in range(0, len(items), batch):
            session.execute(insert(tables[name]), items[start:start + batch])
        counts[name] = len(items)
    if db.engine.dialect.name == "postgresql":  # explicit ids: move each sequence past them
        for name in rows:
            if "id" in tables[name].c and rows[name]:
                session.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608 - our table names
                    f"(SELECT max(id) FROM \"{name}\"))"))
    # Planner statistics, as a maintained database has them (SQLite keeps none until ANALYZE:
    # without them it sorts all people for the list page instead of walking the name index).
    session.execute(text("ANALYZE"))
    return counts


def next_ids() -> dict[str, int]:
    """The next free id of every table synth writes (so it can add to a database in use)."""
    out = {}
    for name, table in db.metadata.tables.items():
        if "id" in table.c:
            out[name] = (db.session.scalar(select(func.max(table.c.id))) or 0) + 1
    return out


@click.command("synth")
@click.option("--people", default=20000, show_default=True)
@click.option("--ties", default=200000, show_default=True)
@click.option("--tasks", default=100000, show_default=True)
@click.option("--partnerships", default=50, show_default=True)
@click.option("--seed", default=1, show_default=True)
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="The day the history leads up to (default: today).")
@with_appcontext
def synth_command(people, ties, tasks, partnerships, seed, as_of):
    """Load deterministic synthetic state-scale data (accounts: *@synth.example, password synth-password-1)."""
    started = time.monotonic()
    now = datetime.combine(as_of.date(), clock(12, 0), UTC) if as_of else None
    rows = generate(people, ties, tasks, partnerships, seed, start_ids=next_ids(), now=now)
    clash = db.session.scalar(select(Partnership.name).where(
        Partnership.name.in_([p["name"] for p in rows["partnerships"]])).limit(1))
    if clash:
        raise click.ClickException(f"Partnership {clash!r} exists: synth data is already loaded "
                                   "(use another database, or another --seed with more partnerships).")
    generated = time.monotonic() - started
    counts = load_rows(rows, _hasher.hash(PASSWORD))
    # Core inserts skip the ORM's hooks: every process's graph cache rebuilds
    rebuild_everything(db.session)
    db.session.commit()
    click.echo(", ".join(f"{n} {t}" for t, n in counts.items() if n))
    click.echo(f"Generated in {generated:.1f}s, loaded in {time.monotonic() - started - generated:.1f}s.")
