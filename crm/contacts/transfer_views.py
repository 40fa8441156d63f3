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

from crm.accounts.access import require_staff
from crm.conditional import conditional
from crm.config import installation_id
from crm.contacts import exporting, import_parsing, import_runs, queries
from crm.contacts.forms import SearchArgs
from crm.contacts.models import Organisation, Person, Tie
from crm.extensions import db
from crm.headers import attachment
from crm.ids import parse_count

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
    kind = request.form.get("kind", request.args.get("kind", "people"))
    if kind not in import_runs.KINDS:
        kind = "people"
    if request.method == "POST":
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
                if is_vcard:
                    return redirect(url_for("transfer.preview", upload_id=upload_id))
                return redirect(url_for("transfer.mapping", upload_id=upload_id))
    return render_template("imports/start.html", kinds=import_runs.KINDS, kind=kind, errors=errors), (
        400 if errors else 200)


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
                           error=error), (400 if error else 200)


@bp.route("/imports/<upload_id>/preview")
def preview(upload_id: str):
    """What the import would do, row by row; nothing is written yet."""
    info, data = _staff_upload(upload_id)
    if info["format"] == "csv" and not info.get("mapping"):
        return redirect(url_for("transfer.mapping", upload_id=upload_id))
    records = import_runs.records_of(info, data)
    plans = import_runs.plan(info["kind"], records)
    db.session.rollback()
    show = request.args.get("show", "")
    shown = [p for p in plans if not show or p.action == show]
    return render_template("imports/preview.html", info=info, upload_id=upload_id,
                           counts=import_runs.summary(plans), plans=shown[:PREVIEW_LIMIT],
                           more=max(0, len(shown) - PREVIEW_LIMIT), total=len(plans), show=show)


@bp.route("/imports/<upload_id>/run", methods=["POST"])
def run(upload_id: str):
    """Confirm: import the rows, one chunk per htmx request (a progress bar asks for the next)."""
    info, data = _staff_upload(upload_id)
    records = import_runs.records_of(info, data)
    start_at = parse_count(request.args.get("start"), default=0, minimum=0, maximum=10**9)
    done = info.get("done") if start_at else None
    done = done or dict.fromkeys(("create", "update", "skip", "error"), 0)
    stepwise = bool(request.headers.get("HX-Request"))
    end = min(len(records), start_at + import_runs.CHUNK) if stepwise else len(records)
    for offset in range(start_at, end, import_runs.CHUNK):
        plans = import_runs.apply(info["kind"], records[offset:min(end, offset + import_runs.CHUNK)])
        db.session.commit()
        for action, n in import_runs.summary(plans).items():
            done[action] += n
    info["done"] = done
    _store().update(upload_id, info)
    context = dict(info=info, upload_id=upload_id, done=done, total=len(records), position=end)
    if stepwise:
        return render_template("imports/_progress.html", **context)
    return render_template("imports/done.html", **context)


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
