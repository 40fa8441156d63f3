"""Importing people, organisations and relationships: plan (preview), then apply (confirm).

`plan(kind, records)` reads the database but changes nothing: it says per row what would be
created, updated or skipped and why. `apply(kind, records)` re-plans the same rows against the
current database and writes only creates and updates, so re-running a file (or a chunk of it,
after a first run) changes nothing: people match by email, else by normalised name +
organisation; organisations by normalised name; ties by (kind, source, target).
Lookups are loaded in bulk for all rows at once, never per row. Flush only; the caller commits.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from crm import vocab
from crm.audit.models import actor
from crm.contacts import import_parsing, sides
from crm.contacts.models import Organisation, Person, Tag, Tie, name_key, person_tags
from crm.contacts.services import parse_tags, tags_by_name
from crm.extensions import db

KINDS = ("people", "organisations", "relationships")
CHUNK = 500
_BATCH = 900


@dataclass
class Planned:
    """What one row of the file will do."""

    line: int
    action: str  # create | update | skip | error
    reason: str
    data: dict = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)
    target_id: int | None = None
    #: field -> new value (people: field -> (old, new), the old shown beside the new)
    changes: dict = field(default_factory=dict)
    #: fields left out or worth a look; the row is imported all the same
    warnings: list[tuple[str, str]] = field(default_factory=list)
    #: people: the existing person's name, when the row matches one
    matched: str | None = None
    #: people imported as someone's contacts: a new `knows` tie from them to this row's person
    tie: bool = False


@dataclass
class Options:
    """What the user chose on the preview, kept with the upload and applied by every chunk."""

    #: spreadsheet row -> fields whose existing value is kept on an update
    keep: dict[int, set[str]] = field(default_factory=dict)
    #: a new organisation's name key -> the kind chosen for it (the side follows)
    org_kinds: dict[str, str] = field(default_factory=dict)
    #: sector and county given to every new organisation
    sector: str | None = None
    county: str | None = None
    #: whose contacts the file holds (a person id): each row's person gets a `knows` tie to them
    contacts_of: int | None = None
    #: what the ties record as their source ("import:<upload id>"), to list and undo them
    source: str | None = None

    @classmethod
    def from_info(cls, info: dict) -> Options:
        saved = info.get("options") or {}
        return cls(keep={int(k): set(v) for k, v in (saved.get("keep") or {}).items()},
                   org_kinds=dict(saved.get("org_kinds") or {}),
                   sector=saved.get("sector") or None, county=saved.get("county") or None,
                   contacts_of=saved.get("contacts_of") or None, source=saved.get("source") or None)

    def to_info(self) -> dict:
        return {"keep": {str(k): sorted(v) for k, v in self.keep.items() if v},
                "org_kinds": self.org_kinds, "sector": self.sector, "county": self.county,
                "contacts_of": self.contacts_of, "source": self.source}


def _batches(values):
    values = list(values)
    for i in range(0, len(values), _BATCH):
        yield values[i:i + _BATCH]


def _check(kind: str, records: list[tuple[int, dict]]) -> list[import_parsing.RowCheck]:
    if kind == "people":
        return [import_parsing.check_person(line, r) for line, r in records]
    if kind == "organisations":
        kinds = {import_parsing._key(v): v for v in vocab.values(vocab.ORG_KINDS)}
        kinds.update({import_parsing._key(label): v for v, label in vocab.ORG_KINDS})
        return [import_parsing.check_organisation(line, r, kinds, vocab.values(vocab.SIZES))
                for line, r in records]
    return [import_parsing.check_relationship(line, r) for line, r in records]


def plan(kind: str, records: list[tuple[int, dict]], options: Options | None = None) -> list[Planned]:
    """Per row: create, update, skip or error, with the reason. Writes nothing."""
    checks = _check(kind, records)
    if kind == "people":
        return _plan_people(checks, options or Options())
    if kind == "organisations":
        return _plan_organisations(checks)
    return _plan_relationships(checks)


def apply(kind: str, records: list[tuple[int, dict]], options: Options | None = None) -> list[Planned]:
    """Plan the rows again against the database as it is now, and write creates and updates."""
    options = options or Options()
    plans = plan(kind, records, options)
    if kind == "people":
        _apply_people(plans, options)
    else:
        {"organisations": _apply_organisations, "relationships": _apply_relationships}[kind](plans)
    db.session.flush()
    return plans


def summary(plans: list[Planned]) -> dict[str, int]:
    counts = dict.fromkeys(("create", "update", "skip", "error", "ties"), 0)
    for p in plans:
        counts[p.action] += 1
        counts["ties"] += p.tie
    return counts


def undo_ties(source: str) -> int:
    """Remove the ties one import recorded (by their source); returns how many."""
    ties = db.session.scalars(select(Tie).where(Tie.source == source)).all()
    for tie in ties:
        db.session.delete(tie)
    db.session.flush()
    return len(ties)


def tie_sources() -> list[tuple[str, int, object]]:
    """Each import that recorded ties: (source, how many, when), newest first."""
    return db.session.execute(select(Tie.source, func.count(Tie.id), func.min(Tie.created_at))
                              .where(Tie.source.like("import:%")).group_by(Tie.source)
                              .order_by(func.min(Tie.created_at).desc())).all()


def _error(check: import_parsing.RowCheck) -> Planned:
    text = "; ".join(f"column {col}: {msg}" for col, msg in check.errors)
    return Planned(check.line, "error", f"row {check.line}: {text}", check.data, check.errors)


# --- organisations --------------------------------------------------------------------------

ORG_FIELDS = ("name", "kind", "sector", "naics", "county", "city", "size", "website", "notes")


def _orgs_by_key(keys) -> dict[str, Organisation]:
    found: dict[str, Organisation] = {}
    for batch in _batches({k for k in keys if k}):
        for org in db.session.scalars(select(Organisation).where(Organisation.name_key.in_(batch))
                                      .order_by(Organisation.id.desc())):
            found[org.name_key] = org  # the oldest wins
    return found


def _plan_organisations(checks) -> list[Planned]:
    existing = _orgs_by_key(name_key(c.data.get("name")) for c in checks)
    seen: dict[str, int] = {}
    plans = []
    for c in checks:
        if not c.ok:
            plans.append(_error(c))
            continue
        key = name_key(c.data["name"])
        if key in seen:
            plans.append(Planned(c.line, "skip", f"same organisation as row {seen[key]}", c.data))
            continue
        seen[key] = c.line
        org = existing.get(key)
        if org is None:
            plans.append(Planned(c.line, "create", "new organisation", c.data))
            continue
        changes = {f: c.data[f] for f in ORG_FIELDS if f != "name" and c.data.get(f)
                   and c.data[f] != getattr(org, f)}
        if changes:
            plans.append(Planned(c.line, "update", "changes " + ", ".join(changes), c.data,
                                 target_id=org.id, changes=changes))
        else:
            plans.append(Planned(c.line, "skip", f"already there, unchanged (#{org.id})", c.data,
                                 target_id=org.id))
    return plans


def _new_organisation(name: str, values: dict | None = None) -> Organisation:
    values = values or {}
    kind = values.get("kind") or "employer"
    org = Organisation(name=name, name_key=name_key(name), kind=kind,
                       side="employer" if kind == "employer" else "community",
                       **{f: values.get(f) for f in ORG_FIELDS if f not in ("name", "kind")})
    db.session.add(org)
    return org


def _apply_organisations(plans: list[Planned]) -> None:
    targets = {o.id: o for o in db.session.scalars(select(Organisation).where(
        Organisation.id.in_([p.target_id for p in plans if p.action == "update"] or [-1])))}
    for p in plans:
        if p.action == "create":
            _new_organisation(p.data["name"], p.data)
        elif p.action == "update":
            org = targets[p.target_id]
            for f, v in p.changes.items():
                setattr(org, f, v)
            org.side = "employer" if org.kind == "employer" else "community"


# --- people ---------------------------------------------------------------------------------

PERSON_FIELDS = ("title", "email", "phone", "notes")


def _people_lookups(checks):
    emails = {c.data["email"] for c in checks if c.ok and c.data.get("email")}
    keys = {name_key(c.data["name"]) for c in checks if c.ok}
    by_id: dict[int, Person] = {}
    for batch in _batches(emails):
        by_id.update({p.id: p for p in db.session.scalars(
            select(Person).where(Person.email.in_(batch), Person.merged_into_id.is_(None)))})
    for batch in _batches(keys):
        by_id.update({p.id: p for p in db.session.scalars(
            select(Person).where(Person.name_key.in_(batch), Person.merged_into_id.is_(None)))})
    tags: dict[int, set[str]] = {pid: set() for pid in by_id}
    for batch in _batches(by_id):
        for pid, tag in db.session.execute(
                select(person_tags.c.person_id, Tag.name).join(Tag, Tag.id == person_tags.c.tag_id)
                .where(person_tags.c.person_id.in_(batch))):
            tags[pid].add(tag.casefold())
    org_ids = {p.organisation_id for p in by_id.values() if p.organisation_id}
    org_key_of = dict(db.session.execute(select(Organisation.id, Organisation.name_key)
                                         .where(Organisation.id.in_(org_ids or [-1]))).all())
    by_email, by_name = {}, {}
    for p in sorted(by_id.values(), key=lambda p: p.id, reverse=True):  # the oldest wins
        if p.email:
            by_email[p.email.lower()] = p
        by_name[(p.name_key, org_key_of.get(p.organisation_id, ""))] = p
    orgs = _orgs_by_key(name_key(c.data.get("organisation")) for c in checks if c.ok)
    org_names = dict(db.session.execute(select(Organisation.id, Organisation.name)
                                        .where(Organisation.id.in_(org_ids or [-1]))).all())
    return by_email, by_name, tags, orgs, org_names


def _plan_people(checks, options: Options) -> list[Planned]:
    by_email, by_name, tags, orgs, org_names = _people_lookups(checks)
    seen: dict[object, int] = {}
    plans = []
    for c in checks:
        if not c.ok:
            why = "; ".join(f"{col}: {msg}" for col, msg in c.errors)
            plans.append(Planned(c.line, "skip", f"left out: {why}", c.data, c.errors,
                                 warnings=c.warnings))
            continue
        d = c.data
        email, org_key = d.get("email"), name_key(d.get("organisation"))
        keys = ([("email", email)] if email else []) + [("name", name_key(d["name"]), org_key)]
        first = next((seen[k] for k in keys if k in seen), None)
        if first is not None:
            plans.append(Planned(c.line, "skip", f"same person as row {first}", d, warnings=c.warnings))
            continue
        for k in keys:
            seen[k] = c.line
        person = by_email.get(email) if email else None
        if person is None:
            candidate = by_name.get((name_key(d["name"]), org_key))
            if candidate is not None and (not email or not candidate.email):
                person = candidate
        org = orgs.get(org_key)
        new_org = bool(org_key) and org is None
        if person is None:
            reason = "new person" + (f", and new organisation {d['organisation']}" if new_org else "")
            plans.append(Planned(c.line, "create", reason, d, warnings=c.warnings))
            continue
        changes = {f: (getattr(person, f), d[f]) for f in PERSON_FIELDS
                   if d.get(f) and d[f] != getattr(person, f)}
        if d["name"] != person.name and name_key(d["name"]) == person.name_key:
            pass  # same name written differently: keep ours
        elif d["name"] != person.name:
            changes["name"] = (person.name, d["name"])
        if org_key and (org is None or org.id != person.organisation_id):
            changes["organisation"] = (org_names.get(person.organisation_id), d["organisation"])
        new_tags = [t for t in parse_tags(d.get("tags")) if t.casefold() not in tags[person.id]]
        if new_tags:
            changes["tags"] = (None, ", ".join(new_tags))
        kept = options.keep.get(c.line, set()) & set(changes)
        changes = {f: v for f, v in changes.items() if f not in kept}
        how = "by email" if email and person.email == email else "by name and organisation"
        if changes:
            plans.append(Planned(c.line, "update", f"matches {person.name} {how}; changes "
                                 + ", ".join(changes), d, target_id=person.id, changes=changes,
                                 warnings=c.warnings, matched=person.name))
        else:
            plans.append(Planned(c.line, "skip", f"matches {person.name} {how}; nothing new"
                                 + (" (existing values kept)" if kept else ""), d,
                                 target_id=person.id, warnings=c.warnings, matched=person.name))
    if options.contacts_of:
        known = _known_by(options.contacts_of)
        for p in plans:
            if p.action == "create" or (p.target_id and p.target_id != options.contacts_of
                                        and p.target_id not in known):
                p.tie = True
    return plans


def _known_by(person_id: int) -> set[int]:
    """Everyone with a `knows` tie to this person (either end)."""
    rows = db.session.execute(select(Tie.source_id, Tie.target_id).where(
        Tie.kind == "knows", (Tie.source_id == person_id) | (Tie.target_id == person_id)))
    return {a if b == person_id else b for a, b in rows}


@dataclass
class NewOrganisation:
    """An organisation a people import would create, with its proposed kind (and side)."""

    key: str
    name: str
    guess: sides.Guess
    kind: str  # the user's choice, else the guess
    rows: int = 0

    @property
    def side(self) -> str:
        return "employer" if self.kind == "employer" else "community"


def new_organisations(plans: list[Planned], options: Options | None = None) -> list[NewOrganisation]:
    """The organisations the people rows would create, each with the kind guessed from its name
    and its people's email domains (crm/contacts/sides.py), or the one the user chose."""
    options = options or Options()
    names: dict[str, str] = {}
    domains: dict[str, list[str]] = {}
    rows: dict[str, int] = {}
    for p in plans:
        if p.action in ("create", "update") and p.data.get("organisation"):
            key = name_key(p.data["organisation"])
            names.setdefault(key, p.data["organisation"])
            rows[key] = rows.get(key, 0) + 1
            if p.data.get("email"):
                domains.setdefault(key, []).append(p.data["email"])
    existing = _orgs_by_key(names)
    found = []
    for key, name in names.items():
        if key in existing:
            continue
        guess = sides.guess(name, domains.get(key, ()))
        kind = options.org_kinds.get(key)
        found.append(NewOrganisation(key, name, guess, kind if kind in vocab.values(vocab.ORG_KINDS)
                                     else guess.kind, rows[key]))
    return found


def _apply_people(plans: list[Planned], options: Options) -> None:
    active = [p for p in plans if p.action in ("create", "update")]
    orgs = _orgs_by_key(name_key(p.data["organisation"]) for p in active if p.data.get("organisation"))
    for new in new_organisations(plans, options):
        orgs[new.key] = _new_organisation(new.name, {"kind": new.kind, "sector": options.sector,
                                                     "county": options.county})
    org_names = bool(orgs)
    all_tags = sorted({t for p in active for t in parse_tags(p.data.get("tags"))})
    existing_tags = {t.name.casefold(): t for t in db.session.scalars(select(Tag))} if all_tags else {}
    with db.session.no_autoflush:
        for name in all_tags:
            if name.casefold() not in existing_tags:
                existing_tags[name.casefold()] = tags_by_name([name])[0]
    if org_names:
        db.session.flush()
    targets = {p.id: p for p in db.session.scalars(select(Person).where(
        Person.id.in_([p.target_id for p in active if p.action == "update"] or [-1])))}
    created: list[tuple[Planned, Person]] = []
    with db.session.no_autoflush:
        for p in active:
            d = p.data
            org = orgs.get(name_key(d.get("organisation"))) if d.get("organisation") else None
            if p.action == "create":
                person = Person(name=d["name"], name_key=name_key(d["name"]), title=d.get("title"),
                                email=d.get("email"), phone=d.get("phone"), notes=d.get("notes"),
                                organisation_id=org.id if org else None)
                person.tags = [existing_tags[t.casefold()] for t in parse_tags(d.get("tags"))]
                db.session.add(person)
                created.append((p, person))
                continue
            person = targets[p.target_id]
            for f in ("name", *PERSON_FIELDS):
                if f in p.changes:
                    setattr(person, f, p.changes[f][1])
            person.name_key = name_key(person.name)
            if "organisation" in p.changes and org is not None:
                person.organisation_id = org.id
            if "tags" in p.changes:
                person.tags = list(person.tags) + [existing_tags[t.casefold()]
                                                   for t in parse_tags(p.changes["tags"][1])]
    db.session.flush()
    for p, person in created:
        p.target_id = person.id
    if options.contacts_of:
        user_id = actor.get()[0]
        for p in plans:
            if p.tie:
                pair = sorted((options.contacts_of, p.target_id))
                since = p.data.get("since")
                db.session.add(Tie(kind="knows", source_id=pair[0], target_id=pair[1], strength=1,
                                   source=options.source, created_by_id=user_id,
                                   since=date.fromisoformat(since) if since else None))


# --- relationships --------------------------------------------------------------------------

def _resolve_people(checks):
    emails, keys = set(), set()
    for c in checks:
        for side in ("source", "target"):
            if c.data.get(f"{side}_email"):
                emails.add(c.data[f"{side}_email"])
            elif c.data.get(f"{side}_name"):
                keys.add(name_key(c.data[f"{side}_name"]))
    by_email: dict[str, int] = {}
    by_key: dict[str, list[int]] = {}
    for batch in _batches(emails):
        for pid, email in db.session.execute(select(Person.id, Person.email).where(
                Person.email.in_(batch), Person.merged_into_id.is_(None)).order_by(Person.id)):
            by_email.setdefault(email, pid)
    for batch in _batches(keys):
        for pid, key in db.session.execute(select(Person.id, Person.name_key).where(
                Person.name_key.in_(batch), Person.merged_into_id.is_(None),
                Person.archived_at.is_(None))):
            by_key.setdefault(key, []).append(pid)
    return by_email, by_key


def _plan_relationships(checks) -> list[Planned]:
    by_email, by_key = _resolve_people(checks)
    resolved = []
    for c in checks:
        if not c.ok:
            resolved.append((c, None))
            continue
        ids = {}
        for side in ("source", "target"):
            email, name = c.data.get(f"{side}_email"), c.data.get(f"{side}_name")
            if email:
                if email in by_email:
                    ids[side] = by_email[email]
                else:
                    c.errors.append((f"{side}_email", f"no person with email {email}"))
            else:
                found = by_key.get(name_key(name), [])
                if len(found) == 1:
                    ids[side] = found[0]
                elif not found:
                    c.errors.append((f"{side}_name", f"no person named {name!r}"))
                else:
                    c.errors.append((f"{side}_name", f"{len(found)} people are named {name!r}; "
                                                     "give their email"))
        if c.ok and ids["source"] == ids["target"]:
            c.errors.append(("target_name", "a person cannot be tied to themselves"))
        if c.ok and c.data["kind"] == "knows":
            ids["source"], ids["target"] = sorted((ids["source"], ids["target"]))
        resolved.append((c, ids if c.ok else None))
    triples = {(c.data["kind"], i["source"], i["target"]) for c, i in resolved if i}
    existing: dict[tuple, Tie] = {}
    sources = {s for _, s, _ in triples}
    for batch in _batches(sources):
        for tie in db.session.scalars(select(Tie).where(Tie.source_id.in_(batch))):
            existing[(tie.kind, tie.source_id, tie.target_id)] = tie
    seen: dict[tuple, int] = {}
    plans = []
    for c, ids in resolved:
        if ids is None:
            plans.append(_error(c))
            continue
        triple = (c.data["kind"], ids["source"], ids["target"])
        data = {**c.data, "source_id": ids["source"], "target_id": ids["target"]}
        if triple in seen:
            plans.append(Planned(c.line, "skip", f"same tie as row {seen[triple]}", data))
            continue
        seen[triple] = c.line
        tie = existing.get(triple)
        if tie is None:
            plans.append(Planned(c.line, "create", f"new '{triple[0]}' tie", data))
            continue
        changes = {}
        if c.data["strength"] != tie.strength and "strength" in c.data:
            changes["strength"] = c.data["strength"]
        if c.data.get("context") and c.data["context"] != tie.context:
            changes["context"] = c.data["context"]
        if changes:
            plans.append(Planned(c.line, "update", "changes " + ", ".join(changes), data,
                                 target_id=tie.id, changes=changes))
        else:
            plans.append(Planned(c.line, "skip", "already recorded", data, target_id=tie.id))
    return plans


def _apply_relationships(plans: list[Planned]) -> None:
    user_id = actor.get()[0]
    targets = {t.id: t for t in db.session.scalars(select(Tie).where(
        Tie.id.in_([p.target_id for p in plans if p.action == "update"] or [-1])))}
    for p in plans:
        if p.action == "create":
            db.session.add(Tie(kind=p.data["kind"], source_id=p.data["source_id"],
                               target_id=p.data["target_id"], strength=p.data.get("strength", 1),
                               context=p.data.get("context"), source="import",
                               created_by_id=user_id))
        elif p.action == "update":
            for f, v in p.changes.items():
                setattr(targets[p.target_id], f, v)


# --- uploads kept between the steps ---------------------------------------------------------

UPLOAD_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
MAX_AGE = 24 * 3600


class UploadStore:
    """Uploaded files and their mapping, kept in a folder between upload, preview and confirm.

    Each upload has a random id and belongs to the user who sent it; another user's id (or an
    expired one) is simply not found.
    """

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def _paths(self, upload_id: str) -> tuple[Path, Path]:
        return self.folder / f"{upload_id}.data", self.folder / f"{upload_id}.json"

    def save(self, user_id: int, kind: str, filename: str, data: bytes) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._expire()
        upload_id = secrets.token_urlsafe(18)
        raw, meta = self._paths(upload_id)
        raw.write_bytes(data)
        fmt = "vcard" if filename.lower().endswith((".vcf", ".vcard")) else "csv"
        meta.write_text(json.dumps({"user_id": user_id, "kind": kind, "filename": filename,
                                    "format": fmt, "mapping": None, "created": time.time()}))
        return upload_id

    def load(self, upload_id: str, user_id: int) -> tuple[dict, bytes] | None:
        if not UPLOAD_ID.match(upload_id or ""):
            return None
        raw, meta = self._paths(upload_id)
        try:
            info = json.loads(meta.read_text())
            data = raw.read_bytes()
        except (OSError, ValueError):
            return None
        if info.get("user_id") != user_id or time.time() - info.get("created", 0) > MAX_AGE:
            return None
        return info, data

    def update(self, upload_id: str, info: dict) -> None:
        self._paths(upload_id)[1].write_text(json.dumps(info))

    def delete(self, upload_id: str) -> None:
        for path in self._paths(upload_id):
            path.unlink(missing_ok=True)

    def _expire(self) -> None:
        now = time.time()
        for path in self.folder.glob("*.json"):
            try:
                if now - path.stat().st_mtime > MAX_AGE:
                    self.delete(path.stem)
            except OSError:
                pass


def is_vcard(filename: str) -> bool:
    return (filename or "").lower().endswith((".vcf", ".vcard"))


def records_of(info: dict, data: bytes) -> list[tuple[int, dict]]:
    """(row, {field: text}) for every data row of an upload, through its mapping (a CSV file
    without one: the guessed mapping, its program's own columns when it is known)."""
    if info["format"] == "vcard":
        return [(i + 1, row) for i, row in enumerate(import_parsing.read_vcards(data))]
    sheet = import_parsing.read_csv(data)
    mapping = info.get("mapping")
    if mapping is None:
        mapping = import_parsing.guess_mapping(sheet.headers, info["kind"])
    mapping = {f: int(i) for f, i in mapping.items()}
    return list(zip(sheet.line_numbers, import_parsing.apply_mapping(sheet, mapping), strict=True))


def run_all(kind: str, records: list[tuple[int, dict]], options: Options) -> list[Planned]:
    """Apply every row, a chunk at a time (each chunk flushed; the caller commits)."""
    plans: list[Planned] = []
    for offset in range(0, len(records), CHUNK):
        plans.extend(apply(kind, records[offset:offset + CHUNK], options))
    return plans

