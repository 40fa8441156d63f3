"""Pages to import contacts (upload, map columns, preview, confirm in chunks) and export them."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import aliased, selectinload

from crm import vocab
from crm.accounts.access import (
    can_edit_partnership,
    get_partnership_or_404,
    limit_partnerships,
    require_staff,
    visible_person,
)
from crm.conditional import conditional
from crm.config import installation_id
from crm.contacts import exporting, formats, import_parsing, import_runs, queries
from crm.contacts.forms import SearchArgs
from crm.contacts.models import Organisation, Person, Tie
from crm.extensions import db
from crm.headers import attachment
from crm.ids import parse_count, parse_id
from crm.partnerships import services as partnership_services
from crm.partnerships.models import Membership, Partnership

bp = Blueprint("transfer", __name__)

PREVIEW_LIMIT = 1000


def _store() -> import_runs.UploadStore:
    folder = current_app.config.get("IMPORT_FOLDER") or Path(current_app.instance_path) / "imports"
    return import_runs.UploadStore(folder)


def _staff_upload(upload_id: str) -> tuple[dict, bytes]:
    """The signed-in staff user's upload (its info and bytes), for the steps after the first:
    others are refused (403); an upload that has expired or is not theirs sends them back to
    the start with a message."""
    require_staff()
    found = _store().load(upload_id, current_user.id)
    if found is None:
        flash("That upload has expired or is not yours: upload the file again.", "error")
        abort(redirect(url_for("transfer.start")))
    return found


@bp.route("/imports", methods=["GET", "POST"])
def start():
    """Upload a CSV or vCard file to import people, organisations or relationships."""
    require_staff()
    errors = {}
    partnership_id = parse_id(request.values.get("partnership"))
    partnership = get_partnership_or_404(partnership_id) if partnership_id else None
    kind = request.form.get("kind", request.args.get("kind", "people"))
    if kind not in import_runs.KINDS:
        kind = "people"
    owners = _contact_owners()
    contacts_of = None
    if request.method == "POST" and request.form.get("contacts_of"):
        contacts_of = visible_person(current_user, request.form.get("contacts_of"))
        if contacts_of is None:
            errors["contacts_of"] = "Choose a person from the list."
        elif contacts_of.id != current_user.person_id and request.form.get("consent") != "1":
            errors["contacts_of"] = f"Tick that {contacts_of.name} agreed to share their contacts."
        elif kind != "people":
            errors["contacts_of"] = "Only a file of people can be someone's contacts."
    if request.method == "POST" and not errors:
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            errors["file"] = "Choose a file."
        else:
            data = upload.read()
            is_vcard = upload.filename.lower().endswith((".vcf", ".vcard"))
            try:
                if is_vcard:
                    if kind != "people":
                        raise import_parsing.FileError("vCard files hold people: choose People.")
                    import_parsing.read_vcards(data)
                else:
                    import_parsing.read_csv(data)
            except import_parsing.FileError as error:
                errors["file"] = str(error)
            else:
                upload_id = _store().save(current_user.id, kind, upload.filename, data)
                if partnership is not None or contacts_of is not None:
                    info, _ = _store().load(upload_id, current_user.id)
                    info["partnership_id"] = partnership.id if partnership else None
                    if contacts_of is not None:
                        info["options"] = import_runs.Options(
                            contacts_of=contacts_of.id, source=f"import:{upload_id}").to_info()
                        info["contacts_of_name"] = contacts_of.name
                    _store().update(upload_id, info)
                if is_vcard:
                    return redirect(url_for("transfer.preview", upload_id=upload_id))
                return redirect(url_for("transfer.mapping", upload_id=upload_id))
    return render_template("imports/start.html", kinds=import_runs.KINDS, kind=kind, errors=errors,
                           partnership=partnership, owners=owners,
                           chosen_owner=request.form.get("contacts_of", "")), (400 if errors else 200)


def _contact_owners() -> list[tuple[int, str]]:
    """Whose contacts a file may be: the user's own person, and the chairs of the partnerships
    the user sees (uploaded by the convener, with the chair's consent)."""
    owners: dict[int, str] = {}
    if current_user.person_id:
        me = visible_person(current_user, current_user.person_id)
        if me is not None:
            owners[me.id] = f"Mine ({me.name})"
    stmt = (select(Person.id, Person.name, Partnership.name).join(Membership, Membership.person_id == Person.id)
            .join(Partnership, Partnership.id == Membership.partnership_id)
            .where(Membership.role.in_(vocab.CHAIR_ROLES), Person.archived_at.is_(None))
            .order_by(Person.name))
    for pid, name, pname in db.session.execute(limit_partnerships(stmt, Partnership.id, current_user)):
        owners.setdefault(pid, f"{name}, chair of {pname}")
    return list(owners.items())


@bp.route("/imports/<upload_id>/mapping", methods=["GET", "POST"])
def mapping(upload_id: str):
    """Say which column of the file holds which field."""
    info, data = _staff_upload(upload_id)
    if info["format"] == "vcard":  # vCards name their own fields
        return redirect(url_for("transfer.preview", upload_id=upload_id))
    sheet = import_parsing.read_csv(data)
    fields = import_parsing.FIELDS[info["kind"]]
    chosen = info.get("mapping") or import_parsing.guess_mapping(sheet.headers, info["kind"])
    error = None
    if request.method == "POST":
        chosen = {}
        for f in fields:
            raw = request.form.get(f"col_{f}", "")
            if raw.isascii() and raw.isdigit() and int(raw) < len(sheet.headers):
                chosen[f] = int(raw)
        required = {"people": ("name", "first_name"), "organisations": ("name",),
                    "relationships": ("source_name", "source_email")}[info["kind"]]
        if not any(f in chosen for f in required):
            error = "Choose the column holding " + " or ".join(r.replace("_", " ") for r in required) + "."
        else:
            info["mapping"] = chosen
            _store().update(upload_id, info)
            return redirect(url_for("transfer.preview", upload_id=upload_id))
    return render_template("imports/mapping.html", info=info, sheet=sheet, fields=fields,
                           chosen=chosen, sample=sheet.rows[:3], upload_id=upload_id,
                           error=error, missing=import_parsing.missing_columns(info["kind"], chosen),
                           program=formats.FORMATS[sheet.format]), (400 if error else 200)


@bp.route("/imports/<upload_id>/preview")
def preview(upload_id: str):
    """What the import would do, row by row; nothing is written yet."""
    info, data = _staff_upload(upload_id)
    if info["format"] == "csv" and not info.get("mapping"):
        return redirect(url_for("transfer.mapping", upload_id=upload_id))
    records = import_runs.records_of(info, data)
    options = import_runs.Options.from_info(info)
    plans = import_runs.plan(info["kind"], records, options)
    new_orgs = import_runs.new_organisations(plans, options) if info["kind"] == "people" else []
    db.session.rollback()
    show = request.args.get("show", "")
    shown = [p for p in plans if not show or p.action == show or (show == "warning" and p.warnings)]
    partnership = _partnership_of(info)
    counties = partnership.counties if partnership else []
    defaults = {"sector": options.sector or (partnership.sector if partnership else ""),
                "county": options.county or (counties[0] if len(counties) == 1 else "")}
    return render_template("imports/preview.html", info=info, upload_id=upload_id,
                           counts=import_runs.summary(plans), plans=shown[:PREVIEW_LIMIT],
                           more=max(0, len(shown) - PREVIEW_LIMIT), total=len(plans), show=show,
                           warned=sum(1 for p in plans if p.warnings), new_orgs=new_orgs,
                           org_kinds=vocab.ORG_KINDS, defaults=defaults, counties=counties,
                           partnership=partnership)


def _partnership_of(info: dict) -> Partnership | None:
    """The partnership an import was started from, if the user may still see it."""
    pid = info.get("partnership_id")
    return get_partnership_or_404(pid) if pid else None


def _options_from_form(info: dict, plans) -> import_runs.Options:
    """The preview's choices: fields to keep per row, each new organisation's kind, and the
    sector and county for all of them (every new organisation's kind is fixed now, so every
    chunk creates it the same way)."""
    saved = import_runs.Options.from_info(info)
    options = import_runs.Options(contacts_of=saved.contacts_of, source=saved.source)
    for raw in request.form.getlist("keep"):
        row, _, fld = raw.partition(":")
        if row.isascii() and row.isdigit() and fld in ("name", "organisation", "tags",
                                                       *import_runs.PERSON_FIELDS):
            options.keep.setdefault(int(row), set()).add(fld)
    kinds = vocab.values(vocab.ORG_KINDS)
    for new in import_runs.new_organisations(plans, options):
        chosen = request.form.get(f"kind-{new.key}")
        options.org_kinds[new.key] = chosen if chosen in kinds else new.kind
    options.sector = (request.form.get("sector") or "").strip()[:120] or None
    options.county = (request.form.get("county") or "").strip()[:120] or None
    return options


@bp.route("/imports/<upload_id>/run", methods=["POST"])
def run(upload_id: str):
    """Confirm: import the rows, one chunk per htmx request (a progress bar asks for the next)."""
    info, data = _staff_upload(upload_id)
    records = import_runs.records_of(info, data)
    start_at = parse_count(request.args.get("start"), default=0, minimum=0, maximum=10**9)
    if not start_at:  # the confirm button: the preview's choices hold for every chunk
        options = _options_from_form(info, import_runs.plan(info["kind"], records,
                                                            import_runs.Options.from_info(info)))
        db.session.rollback()
        info["options"] = options.to_info()
        info["outcome"] = []
    options = import_runs.Options.from_info(info)
    done = info.get("done") if start_at else None
    done = done or dict.fromkeys(("create", "update", "skip", "error", "ties"), 0)
    stepwise = bool(request.headers.get("HX-Request"))
    end = min(len(records), start_at + import_runs.CHUNK) if stepwise else len(records)
    for offset in range(start_at, end, import_runs.CHUNK):
        plans = import_runs.apply(info["kind"], records[offset:min(end, offset + import_runs.CHUNK)],
                                  options)
        db.session.commit()
        for action, n in import_runs.summary(plans).items():
            done[action] += n
        info.setdefault("outcome", []).extend(
            [p.line, p.action, p.reason, p.target_id, p.data.get("name") or ""] for p in plans)
    info["done"] = done
    _store().update(upload_id, info)
    if end >= len(records):
        if stepwise:  # a page of its own, titled for what happened (not the preview's)
            return "", 204, {"HX-Redirect": url_for("transfer.done", upload_id=upload_id)}
        return redirect(url_for("transfer.done", upload_id=upload_id), 303)
    return render_template("imports/_progress.html", info=info, upload_id=upload_id, done=done,
                           total=len(records), position=end)


def _outcome(info: dict) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {a: [] for a in ("create", "update", "skip", "error")}
    for line, action, reason, target_id, name in info.get("outcome") or []:
        rows[action].append({"row": line, "reason": reason, "id": target_id, "name": name})
    return rows


def _people_ids(info: dict) -> list[int]:
    """The people of an import: those created, updated or found already there."""
    if info["kind"] != "people":
        return []
    ids = [r[3] for r in info.get("outcome") or [] if r[3] and r[1] in ("create", "update", "skip")]
    return list(dict.fromkeys(ids))


def _editable_partnerships() -> list[Partnership]:
    stmt = limit_partnerships(select(Partnership).order_by(Partnership.name), Partnership.id, current_user)
    return [p for p in db.session.scalars(stmt) if can_edit_partnership(current_user, p.id)]


@bp.route("/imports/<upload_id>/done")
def done(upload_id: str):
    """What the import did: created, updated, skipped and why, with links."""
    info, _ = _staff_upload(upload_id)
    if not info.get("done"):
        return redirect(url_for("transfer.preview", upload_id=upload_id))
    partnership = _partnership_of(info)
    return render_template("imports/done.html", info=info, upload_id=upload_id, done=info["done"],
                           rows=_outcome(info), people=len(_people_ids(info)),
                           partnerships=_editable_partnerships(), partnership=partnership)


@bp.route("/imports/<upload_id>/ties/undo", methods=["POST"])
def undo_ties(upload_id: str):
    """Remove exactly the ties this import recorded (the people stay)."""
    info, _ = _staff_upload(upload_id)
    removed = import_runs.undo_ties(f"import:{upload_id}")
    db.session.commit()
    flash(f"{removed} tie{'s' if removed != 1 else ''} of this import removed.", "success")
    return redirect(url_for("transfer.done", upload_id=upload_id))


@bp.route("/imports/ties")
def tie_sources():
    """The imports that recorded ties, each with how many, and undo."""
    require_staff()
    return render_template("imports/tie_sources.html", sources=import_runs.tie_sources())


@bp.route("/imports/ties/undo", methods=["POST"])
def undo_tie_source():
    """Remove the ties one import recorded, by their source, from the list of sources."""
    require_staff()
    source = request.form.get("source", "")
    if not source.startswith("import:") or not import_runs.UPLOAD_ID.match(source[7:]):
        abort(400)
    removed = import_runs.undo_ties(source)
    db.session.commit()
    flash(f"{removed} tie{'s' if removed != 1 else ''} removed.", "success")
    return redirect(url_for("transfer.tie_sources"))


@bp.route("/imports/<upload_id>/candidates", methods=["POST"])
def add_candidates(upload_id: str):
    """Add the import's people to a partnership as candidates (those already in it stay as they are)."""
    info, _ = _staff_upload(upload_id)
    partnership = get_partnership_or_404(parse_id(request.form.get("partnership")) or 0, edit=True)
    ids = _people_ids(info)
    members = set(db.session.scalars(select(Membership.person_id).where(
        Membership.partnership_id == partnership.id)))
    live = set(db.session.scalars(select(Person.id).where(
        Person.id.in_(ids or [-1]), Person.archived_at.is_(None), Person.merged_into_id.is_(None))))
    added = 0
    for person_id in ids:
        if person_id in live and person_id not in members:
            partnership_services.add_member(partnership, person_id, role="member", stage="candidate",
                                            user_id=current_user.id)
            added += 1
    db.session.commit()
    flash(f"{added} added to {partnership.name} as candidates"
          + (f"; {len(ids) - added} were already there." if len(ids) - added else "."), "success")
    return redirect(url_for("transfer.done", upload_id=upload_id))


# --- export ---------------------------------------------------------------------------------

def _csv_response(kind: str, rows) -> Response:
    body = "".join(exporting.csv_text(kind, rows))  # built whole: 20,000 people is ~2 MB
    return conditional(body, "text/csv", headers={
        "Content-Disposition": attachment(f"convene-{kind}.csv")})


def _people_rows(args: SearchArgs):
    stmt = queries.people_query(args, current_user).options(
        selectinload(Person.organisation), selectinload(Person.tags))
    for person in db.session.scalars(stmt.execution_options(yield_per=500)):
        yield {"name": person.name, "title": person.title,
               "organisation": person.organisation.name if person.organisation else None,
               "email": person.email, "phone": person.phone, "tags": ", ".join(person.tag_names),
               "notes": person.notes, "id": person.id, "rev": person.updated_at}


@bp.route("/export/people.csv")
def export_people():
    """The people of the list page (same filters) as CSV the importer reads back."""
    require_staff()
    return _csv_response("people", _people_rows(SearchArgs(request.args)))


@bp.route("/export/people.vcf")
def export_vcards():
    """The people of the list page (same filters) as vCard 4.0."""
    require_staff()
    installation = installation_id()
    rows = ({**row, "uid": exporting.vcard_uid(installation, row["id"])}
            for row in _people_rows(SearchArgs(request.args)))
    return conditional("".join(exporting.vcard_text(rows)), "text/vcard", headers={
        "Content-Disposition": attachment("convene-people.vcf")})


@bp.route("/export/organisations.csv")
def export_organisations():
    """All organisations (not archived) as CSV."""
    require_staff()
    stmt = (select(Organisation).where(Organisation.archived_at.is_(None))
            .order_by(Organisation.name_key, Organisation.id))

    def rows():
        for org in db.session.scalars(stmt.execution_options(yield_per=500)):
            yield {f: getattr(org, f) for f in import_parsing.FIELDS["organisations"]}

    return _csv_response("organisations", rows())


@bp.route("/export/relationships.csv")
def export_relationships():
    """Every tie (who knows whom, who referred whom) as CSV, people named and emailed."""
    require_staff()
    source, target = aliased(Person), aliased(Person)
    stmt = (select(Tie.kind, source.name, source.email, target.name, target.email, Tie.strength,
                   Tie.context)
            .join(source, source.id == Tie.source_id).join(target, target.id == Tie.target_id)
            .order_by(Tie.id))

    def rows():
        for row in db.session.execute(stmt.execution_options(yield_per=1000)):
            yield dict(zip(import_parsing.FIELDS["relationships"], row, strict=True))

    return _csv_response("relationships", rows())
