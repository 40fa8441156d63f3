"""Network pages: the interactive map of a partnership, its exports, the keystone panel, and
the intro-path panel of the person page."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, request, url_for
from flask_login import current_user

from crm.accounts.access import get_partnership_or_404, get_person_or_404
from crm.headers import attachment
from crm.ids import parse_id
from crm.network import services

bp = Blueprint("network", __name__)


def _id_list(raw: str | None, limit: int = 10) -> list[int]:
    """A comma-separated list of ids (`?path=1,2,3`); anything malformed gives []."""
    ids = [parse_id(part) for part in (raw or "").split(",") if part.strip()]
    return [] if None in ids else ids[:limit]


@bp.route("/partnerships/<int:partnership_id>/map")
def map(partnership_id: int):  # noqa: A001  (the page is the map)
    """The interactive network map of the partnership."""
    partnership = get_partnership_or_404(partnership_id)
    summary = request.args.get("view")
    data = services.map_data(partnership.id, current_user, path=_id_list(request.args.get("path")),
                             organisation_id=parse_id(request.args.get("org")),
                             summarise={"summary": True, "people": False}.get(summary))
    return render_template("network/map.html", partnership=partnership, data=data)


@bp.route("/partnerships/<int:partnership_id>/map.json")
def export_json(partnership_id: int):
    """The partnership's network as JSON (nodes and edges, as the map draws them)."""
    partnership = get_partnership_or_404(partnership_id)
    data = services.map_data(partnership.id, current_user, summarise=False)
    response = jsonify({"partnership_id": partnership.id, "nodes": data["nodes"], "edges": data["edges"],
                        "keystones": data["keystones"]})
    response.headers["Content-Disposition"] = attachment(f"partnership-{partnership.id}-network.json")
    return response


@bp.route("/partnerships/<int:partnership_id>/map/people/<int:person_id>")
def map_person(partnership_id: int, person_id: int):
    """The map's panel for one person (JSON): overall score, stage, ties in the partnership,
    the best intro path in words, links. A person the user may not see is missing (404)."""
    partnership = get_partnership_or_404(partnership_id)
    person = get_person_or_404(person_id)
    panel = services.person_panel(current_user, partnership.id, person.id)
    panel["name"] = panel["name"] or person.name
    panel["url"] = url_for("contacts.person", person_id=person.id)
    panel["organisation_url"] = (url_for("contacts.organisation", org_id=panel["organisation_id"])
                                 if panel["organisation_id"] else None)
    for tie in panel["ties"]:
        tie["url"] = url_for("contacts.person", person_id=tie["id"])
    if panel["best_path"]:
        best = panel["best_path"]
        best["map_url"] = url_for("network.map", partnership_id=partnership.id,
                                  path=",".join(str(p) for p in best["path"]))
        for step in best["people"]:
            step["url"] = url_for("contacts.person", person_id=step["id"])
    return jsonify(panel)


@bp.route("/partnerships/<int:partnership_id>/map/invitees")
def map_invitees(partnership_id: int):
    """The map's "people we could invite" layer (JSON): people the members know who are not in
    the partnership, only those the user may see."""
    partnership = get_partnership_or_404(partnership_id)
    return jsonify(services.map_invitees(current_user, partnership.id))


@bp.route("/partnerships/<int:partnership_id>/map.graphml")
def export_graphml(partnership_id: int):
    """The partnership's network as GraphML (for Gephi, Cytoscape, yEd)."""
    partnership = get_partnership_or_404(partnership_id)
    return Response(services.graphml(partnership.id, current_user), mimetype="application/graphml+xml",
                    headers={"Content-Disposition": attachment(f"partnership-{partnership.id}-network.graphml")})


@bp.route("/partnerships/<int:partnership_id>/keystones")
def keystones(partnership_id: int):
    """The leaders the partnership depends on (a fragment for htmx, or a page)."""
    partnership = get_partnership_or_404(partnership_id)
    result = services.keystones(partnership.id)
    template = "network/_keystones.html" if request.headers.get("HX-Request") else "network/keystones.html"
    return render_template(template, partnership=partnership, result=result)


@bp.route("/people/<int:person_id>/intro-paths")
def person_intro_paths(person_id: int):
    """Who should ask this person, per partnership the user may see (a fragment or a page)."""
    person = get_person_or_404(person_id)
    sections = services.person_intro_panel(current_user, person.id)
    template = "network/_intro_paths.html" if request.headers.get("HX-Request") else "network/intro_paths.html"
    return render_template(template, person=person, sections=sections)
