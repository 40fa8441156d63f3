"""Operations on people, organisations and ties. They flush; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from crm.contacts.duplicates import NAME_SIMILARITY, similar_names
from crm.contacts.models import Organisation, Person, Tag, Tie, name_key
from crm.extensions import db
from crm.ids import parse_id
from crm.timeutil import utcnow


class ContactError(ValueError):
    """A change refused, with a message for the person who asked."""


@dataclass
class Conflict(Exception):
    """Someone else saved the record since the form was opened: what they changed."""

    changes: list[tuple[str, object, object]] = field(default_factory=list)  # (field, theirs, yours)

    def __str__(self) -> str:
        return "This record was changed by someone else while you were editing."


PERSON_FIELDS = ("name", "title", "organisation_id", "email", "phone", "notes")
ORGANISATION_FIELDS = ("name", "kind", "sector", "naics", "county", "city", "size", "website", "notes")


def clean(value):
    """Trimmed text, or None for blanks."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def parse_tags(text: str | None) -> list[str]:
    seen: dict[str, str] = {}
    for raw in (text or "").split(","):
        tag = " ".join(raw.split())[:80]
        if tag and tag.casefold() not in seen:
            seen[tag.casefold()] = tag
    return list(seen.values())


def tags_by_name(names: list[str]) -> list[Tag]:
    """Existing tags by name, creating those that do not exist yet."""
    if not names:
        return []
    existing = {t.name: t for t in db.session.scalars(select(Tag).where(Tag.name.in_(names)))}
    for name in names:
        if name not in existing:
            existing[name] = Tag(name=name)
            db.session.add(existing[name])
    return [existing[n] for n in names]


def _check_version(obj, expected, fields: tuple[str, ...], submitted: dict) -> None:
    if expected in (None, ""):
        return
    if parse_id(expected) != obj.version:  # a malformed version is stale too: never a 500
        changes = [
            (f, getattr(obj, f), submitted.get(f))
            for f in fields
            if f in submitted and getattr(obj, f) != submitted.get(f)
        ]
        raise Conflict(changes)


# --- organisations ------------------------------------------------------------------------

def save_organisation(org: Organisation | None, data: dict, expected_version=None) -> Organisation:
    """Create (org None) or update an organisation; side follows from kind."""
    values = {f: clean(data.get(f)) for f in ORGANISATION_FIELDS if f in data}
    if not values.get("name") and org is None:
        raise ContactError("An organisation needs a name.")
    if org is None:
        org = Organisation()
        db.session.add(org)
    else:
        _check_version(org, expected_version, ORGANISATION_FIELDS, values)
    for key, value in values.items():
        setattr(org, key, value)
    org.kind = org.kind or "employer"
    org.side = "employer" if org.kind == "employer" else "community"
    org.name_key = name_key(org.name)
    db.session.flush()
    return org


def archive_organisation(org: Organisation) -> None:
    """Archive, never delete: people and history stay attached."""
    org.archived_at = utcnow()
    db.session.flush()


def find_organisation(name: str) -> Organisation | None:
    key = name_key(name)
    if not key:
        return None
    return db.session.scalar(
        select(Organisation).where(Organisation.name_key == key).order_by(Organisation.id).limit(1)
    )


# --- people -------------------------------------------------------------------------------

def save_person(person: Person | None, data: dict, expected_version=None) -> Person:
    """Create (person None) or update a person from plain data (tags as a list or text)."""
    values = {f: clean(data.get(f)) for f in PERSON_FIELDS if f in data}
    if "email" in values and values["email"]:
        values["email"] = values["email"].lower()
    if values.get("organisation_id") == 0:
        values["organisation_id"] = None
    if person is None:
        if not values.get("name"):
            raise ContactError("A person needs a name.")
        person = Person()
        db.session.add(person)
    else:
        _check_version(person, expected_version, PERSON_FIELDS, values)
    for key, value in values.items():
        setattr(person, key, value)
    person.name_key = name_key(person.name)
    if "tags" in data:
        tags = data["tags"] if isinstance(data["tags"], list) else parse_tags(data["tags"])
        with db.session.no_autoflush:
            person.tags = tags_by_name(tags)
    db.session.flush()
    return person


def possible_duplicates(name: str | None, email: str | None, organisation_id: int | None,
                        limit: int = 5) -> list[tuple[Person, str]]:
    """People already recorded who may be the one about to be added by hand: the same email,
    or a similar name (crm/contacts/duplicates.py's measure) at the same organisation."""
    found: dict[int, tuple[Person, str]] = {}
    email = (email or "").strip().lower()
    live = (Person.merged_into_id.is_(None), Person.archived_at.is_(None))
    if email:
        for p in db.session.scalars(select(Person).where(func.lower(Person.email) == email, *live)
                                    .order_by(Person.id).limit(limit)):
            found[p.id] = (p, f"same email {email}")
    key = name_key(name)
    if key and organisation_id:
        for p in db.session.scalars(select(Person).where(Person.organisation_id == organisation_id,
                                                         *live).order_by(Person.id)):
            if p.id not in found and similar_names(key, p.name_key) >= NAME_SIMILARITY:
                found[p.id] = (p, "same name at the same organisation" if p.name_key == key
                               else "a similar name at the same organisation")
    return list(found.values())[:limit]


def archive_person(person: Person) -> None:
    """Archive, never delete: ties, memberships and history stay; the audit log keeps it."""
    person.archived_at = utcnow()
    db.session.flush()


def restore_person(person: Person) -> None:
    person.archived_at = None
    db.session.flush()


# --- ties -----------------------------------------------------------------------------------

def add_tie(kind: str, source_id: int, target_id: int, strength: int = 1, context: str | None = None,
            source: str | None = None, partnership_id: int | None = None,
            created_by_id: int | None = None) -> Tie:
    """Record who knows whom (mutual) or who referred whom (directed)."""
    if kind not in ("knows", "referred"):
        raise ContactError("A tie is either 'knows' or 'referred'.")
    if source_id == target_id:
        raise ContactError("A person cannot be tied to themselves.")
    if strength not in (1, 2, 3):
        raise ContactError("Strength is 1 (acquaintance), 2 (works with) or 3 (close).")
    for pid in (source_id, target_id):
        if db.session.get(Person, pid) is None:
            raise ContactError(f"No person #{pid}.")
    if kind == "knows":
        source_id, target_id = sorted((source_id, target_id))
    existing = db.session.scalar(
        select(Tie).where(Tie.kind == kind, Tie.source_id == source_id, Tie.target_id == target_id)
    )
    if existing is not None:
        a, b = db.session.get(Person, source_id), db.session.get(Person, target_id)
        verb = "know each other" if kind == "knows" else "referral"
        raise ContactError(f"Already recorded: {a.name} and {b.name} {verb}.")
    tie = Tie(kind=kind, source_id=source_id, target_id=target_id, strength=strength,
              context=clean(context), source=clean(source), partnership_id=partnership_id,
              created_by_id=created_by_id)
    db.session.add(tie)
    db.session.flush()
    return tie


def known_ids(person_id: int) -> set[int]:
    """Ids of the people a person already has a "knows" tie with."""
    rows = db.session.execute(select(Tie.source_id, Tie.target_id).where(
        Tie.kind == "knows", or_(Tie.source_id == person_id, Tie.target_id == person_id)))
    return {t if s == person_id else s for s, t in rows}


@dataclass
class BulkReport:
    """What a "who do you know?" submission did."""

    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # already recorded, or the person themselves


def add_ties_bulk(knower_id: int, person_ids: list[int], strength: int = 1,
                  context: str | None = None, created_by_id: int | None = None) -> BulkReport:
    """Record that one person knows each of many, skipping (and reporting) ties already there."""
    report = BulkReport()
    already = known_ids(knower_id)
    people = {p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_(person_ids or [-1])))}
    for pid in dict.fromkeys(person_ids):
        other = people.get(pid)
        if other is None:
            continue
        if pid == knower_id or pid in already:
            report.skipped.append(other.name)
            continue
        low, high = sorted((knower_id, pid))
        db.session.add(Tie(kind="knows", source_id=low, target_id=high, strength=strength,
                           context=clean(context), source="team", created_by_id=created_by_id))
        already.add(pid)
        report.added.append(other.name)
    db.session.flush()
    return report


def ties_of(person_id: int) -> list[Tie]:
    """Every tie touching a person, with both people loaded."""
    return db.session.scalars(
        select(Tie)
        .where(or_(Tie.source_id == person_id, Tie.target_id == person_id))
        .options(selectinload(Tie.source_person).selectinload(Person.organisation),
                 selectinload(Tie.target_person).selectinload(Person.organisation))
        .order_by(Tie.kind, Tie.strength.desc(), Tie.id)
    ).all()


def person_count() -> int:
    return db.session.scalar(select(func.count(Person.id))) or 0
