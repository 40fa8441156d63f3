"""The floors: the same rows served by a bare Flask app with one SQL query per request.

No Convene code runs here: no access checks, no ORM objects, no forms, no base template. What
Convene spends above these numbers is the price of its framework code; the ratio ours/floor
is what the benchmark reports. Each route runs exactly one statement (the import: one
executemany) on the same database file as the app under test.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from flask import Flask, jsonify, render_template_string, request
from sqlalchemy import create_engine, text

ROWS = """<!doctype html><title>people</title><table>
{% for r in rows %}<tr><td>{{ r.name }}</td><td>{{ r.title }}</td><td>{{ r.org }}</td>
<td>{{ r.email }}</td><td>{{ r.tags }}</td></tr>{% endfor %}</table>"""


def _tags_sql(dialect: str) -> str:
    agg = "group_concat(t.name, ', ')" if dialect == "sqlite" else "string_agg(t.name, ', ')"
    return (f"(SELECT {agg} FROM person_tags pt JOIN tags t ON t.id = pt.tag_id "  # noqa: S608 - fixed text
            "WHERE pt.person_id = p.id)")


def create_floor_app(database_url: str) -> Flask:
    """A bare Flask app reading the same database with one query per request."""
    app = Flask("floor")
    engine = create_engine(database_url)
    dialect = engine.dialect.name

    def people_sql(args) -> tuple[str, dict]:
        where = ["p.archived_at IS NULL", "p.merged_into_id IS NULL"]
        params: dict = {"limit": 51, "offset": (int(args.get("page", 1)) - 1) * 50}
        if args.get("q"):
            where.append("(p.name_key LIKE :q OR o.name_key LIKE :q OR lower(p.email) LIKE :q)")
            params["q"] = f"%{args['q'].lower()}%"
        for column in ("side", "sector", "county"):
            if args.get(column):
                where.append(f"lower(o.{column}) = :{column}")
                params[column] = args[column].lower()
        sql = (f"SELECT p.id, p.name, p.title, p.email, o.name AS org, {_tags_sql(dialect)} AS tags "  # noqa: S608
               "FROM people p LEFT JOIN organisations o ON o.id = p.organisation_id "
               f"WHERE {' AND '.join(where)} ORDER BY p.name_key, p.id LIMIT :limit OFFSET :offset")
        return sql, params

    @app.get("/people")
    def people():
        sql, params = people_sql(request.args)
        with engine.connect() as conn:
            rows = conn.execute(text(sql), params).mappings().all()
        return render_template_string(ROWS, rows=rows)

    @app.get("/api/people")
    def api_people():
        sql, params = people_sql(request.args)
        with engine.connect() as conn:
            rows = conn.execute(text(sql), params).mappings().all()
        return jsonify({"items": [dict(r) for r in rows[:50]], "has_next": len(rows) > 50})

    @app.get("/people/<int:person_id>")
    def person(person_id: int):
        sql = ("SELECT p.name, p.title, p.email, o.name AS org, t.kind, t.strength, other.name AS other "
               "FROM people p LEFT JOIN organisations o ON o.id = p.organisation_id "
               "LEFT JOIN ties t ON (t.source_id = p.id OR t.target_id = p.id) "
               "LEFT JOIN people other ON other.id = CASE WHEN t.source_id = p.id "
               "THEN t.target_id ELSE t.source_id END WHERE p.id = :id ORDER BY other.name_key")
        with engine.connect() as conn:
            rows = conn.execute(text(sql), {"id": person_id}).mappings().all()
        return render_template_string(
            "<h1>{{ rows[0].name }}</h1><ul>{% for r in rows %}<li>{{ r.kind }} {{ r.other }} "
            "{{ r.strength }}</li>{% endfor %}</ul>", rows=rows)

    @app.get("/partnerships/<int:partnership_id>")
    def partnership(partnership_id: int):
        sql = ("SELECT m.role, m.stage, p.name, p.title, o.name AS org FROM memberships m "
               "JOIN people p ON p.id = m.person_id LEFT JOIN organisations o ON o.id = p.organisation_id "
               "WHERE m.partnership_id = :id ORDER BY m.role, p.name_key")
        with engine.connect() as conn:
            rows = conn.execute(text(sql), {"id": partnership_id}).mappings().all()
        return render_template_string(
            "<table>{% for r in rows %}<tr><td>{{ r.name }}</td><td>{{ r.org }}</td><td>{{ r.role }}"
            "</td><td>{{ r.stage }}</td></tr>{% endfor %}</table>", rows=rows)

    @app.post("/import")
    def import_people():
        now = datetime.now(UTC)
        rows = [dict(name=r["name"], name_key=r["name"].lower(), title=r.get("title") or None,
                     email=(r.get("email") or "").lower() or None, phone=r.get("phone") or None,
                     created_at=now, updated_at=now, version=1)
                for r in csv.DictReader(io.StringIO(request.get_data(as_text=True)))]
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO people (name, name_key, title, email, phone, created_at, "
                              "updated_at, version) VALUES (:name, :name_key, :title, :email, :phone, "
                              ":created_at, :updated_at, :version)"), rows)
        return jsonify({"created": len(rows)})

    app.extensions["floor_engine"] = engine
    return app
