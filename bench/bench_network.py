"""Network benchmark: graph build, intro paths per target, keystones, and the map (data build
and time-to-interactive in headless Chromium for 500 and 2,000 people), each next to the same
operation in bare networkx (or bare vis-network) so the overhead of our layer shows as a ratio.

    .venv/bin/python bench/bench_network.py --people 20000 --ties 200000   # standalone
    CRM_DATABASE_URL=sqlite:////path/to.db .venv/bin/python bench/bench_network.py  # your data
    .venv/bin/python bench/run.py --only others                              # in `make bench`

`run(args) -> list[dict]` (name, median_ms, p95_ms, floor_ms, ratio, n) is what bench/run.py
imports; `args` carries app, partnership_id, target_id, database_url, small, repeat, measure
(and optionally `browser=False` to skip Chromium). Standalone, the script seeds the synthetic
state (crm/synth.py, cached under bench/cache/) unless CRM_DATABASE_URL names a database, and
prints one JSON object per line.

Floors: graph build = the same rows fetched with one raw SQL query per table and put into a
bare `nx.Graph`; intro paths = `nx.single_source_shortest_path(G, target, cutoff=2)` filtered
to the askers; keystones = `nx.articulation_points` + `nx.betweenness_centrality` on the same
member graph; map data = `json.dumps` of bare node and edge dicts (no layout); map
time-to-interactive = a bare vis-network page (same nodes, edges and positions, physics off).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

BROWSER_SIZES = (500, 2000)
BENCH_PASSWORD = "bench-network-password"  # noqa: S105 - a throwaway account in a bench copy


def _row(name, ours, floor=None) -> dict:
    median, p95, n = ours
    floor_ms = floor[0] if floor else None
    return {"name": name, "median_ms": median, "p95_ms": p95, "floor_ms": floor_ms,
            "ratio": round(median / floor_ms, 2) if floor_ms else None, "n": n}


def _bare_rows(engine):
    from sqlalchemy import text

    with engine.connect() as conn:
        people = conn.execute(text("SELECT id FROM people WHERE merged_into_id IS NULL "
                                   "AND archived_at IS NULL")).all()
        ties = conn.execute(text("SELECT source_id, target_id, strength FROM ties "
                                 "WHERE kind = 'knows'")).all()
    return people, ties


def _after_edits(app, answer, n: int) -> tuple[float, float, int]:
    """Median and p95 ms of `answer()` right after an edit committed elsewhere (the edit
    itself untimed): a person renamed and a knows tie added, as a convener would."""
    import math
    import statistics
    import time

    from sqlalchemy import select

    from crm.contacts.models import Person, Tie
    from crm.extensions import db

    samples = []
    with app.app_context():
        answer()
        ids = db.session.scalars(select(Person.id).where(Person.archived_at.is_(None))
                                 .order_by(Person.id).limit(2 * n + 2)).all()
        for i in range(n):
            person = db.session.get(Person, ids[i])
            person.name = person.name.rstrip("*") + "*"
            db.session.add(Tie(kind="knows", source_id=ids[i], target_id=ids[-1 - i], strength=2))
            db.session.commit()
            started = time.perf_counter()
            answer()
            samples.append((time.perf_counter() - started) * 1000)
        db.session.remove()
    samples.sort()
    return (round(statistics.median(samples), 2), round(samples[max(0, math.ceil(0.95 * n) - 1)], 2), n)


def run(args) -> list[dict]:
    """Every network case, with its bare networkx / vis-network floor."""
    import networkx as nx
    from sqlalchemy import create_engine

    from crm import vocab
    from crm.extensions import db
    from crm.network import cache, mapdata, services

    measure, app = args.measure, args.app
    repeat = max(3, args.repeat)
    n_cold = max(3, min(repeat, 7))
    pid = args.partnership_id
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"].replace(
        "postgresql://", "postgresql+psycopg://"))
    out = []

    # --- graph build ---------------------------------------------------------------------
    def ours_build():
        with app.app_context():
            services.load_network()
            db.session.remove()

    def bare_build():
        people, ties = _bare_rows(engine)
        graph = nx.Graph()
        graph.add_nodes_from(p[0] for p in people)
        graph.add_weighted_edges_from(ties, weight="strength")

    people_count = ties_count = 0
    with app.app_context():
        network = services.region_network()
        people_count, ties_count = len(network.nodes), network.knows.number_of_edges()
    out.append(_row(f"network: graph build ({people_count:,} people, {ties_count:,} knows ties)",
                    measure(ours_build, n_cold, 1), measure(bare_build, n_cold, 1)))

    # --- catching up after one edit (another worker renamed someone and added a tie) -------
    out.append(_row("network: catch up after one edit (rename + new tie), graph held",
                    _after_edits(app, lambda: services.region_network(), n_cold * 3),
                    measure(bare_build, n_cold, 1)))

    # --- intro paths per target (graph built) ------------------------------------------
    bare_graph = network.knows
    askers = network.askers(pid, vocab.ASKER_ROLES)
    rng = random.Random(1)
    employers = [p for p, node in network.nodes.items() if node.side == "employer"]
    targets = rng.sample(employers, min(200, len(employers)))
    cycle = {"i": 0}

    def next_target():
        cycle["i"] = (cycle["i"] + 1) % len(targets)
        return targets[cycle["i"]]

    def ours_paths():
        with app.app_context():
            services.intro_paths(pid, next_target())
            db.session.remove()

    def bare_paths():
        found = nx.single_source_shortest_path(bare_graph, next_target(), cutoff=2)
        [path for person, path in found.items() if person in askers]

    out.append(_row(f"network: intro paths per target ({len(askers)} askers)",
                    measure(ours_paths, repeat * 3, 5), measure(bare_paths, repeat * 3, 5)))

    # --- keystones (cold: nothing cached) --------------------------------------------------
    member_ids = list(network.members.get(pid, {}))
    member_graph = nx.Graph(bare_graph.subgraph(member_ids))

    def ours_keystones():
        cache.discard(("keystones", pid))
        cache.discard(("partnership", pid))
        with app.app_context():
            services.keystones(pid)
            db.session.remove()

    def bare_keystones():
        list(nx.articulation_points(member_graph))
        nx.betweenness_centrality(member_graph)

    out.append(_row(f"network: keystones, cold, graph built ({len(member_ids)} members, "
                    f"{member_graph.number_of_edges()} ties)",
                    measure(ours_keystones, n_cold, 1), measure(bare_keystones, n_cold, 1)))
    def ours_keystones_warm():
        with app.app_context():
            services.keystones(pid)
            db.session.remove()

    out.append(_row("network: keystones, warm (cached per graph version)",
                    measure(ours_keystones_warm, repeat, 2), measure(bare_keystones, n_cold, 1)))

    # --- map data for 500 and 2,000 people (layout included: the cold cost) ---------------
    ordered = sorted(network.nodes, key=lambda p: -bare_graph.degree(p))
    for size in BROWSER_SIZES:
        subset = sorted(ordered[:size])

        def ours_map(subset=subset):
            positions = mapdata.layout_for(network, subset)
            json.dumps(mapdata.people_map(network, pid, subset, {}, positions))

        def bare_map(subset=subset):
            sub = bare_graph.subgraph(subset)
            json.dumps({"nodes": [{"id": p, "label": network.nodes[p].name} for p in subset],
                        "edges": [{"from": a, "to": b} for a, b in sub.edges]})

        out.append(_row(f"network: map data incl. server layout, {size:,} people",
                        measure(ours_map, n_cold, 1), measure(bare_map, n_cold, 1)))

    # --- the map page (server time, warm) ---------------------------------------------------
    client = getattr(args, "client", None)
    if client is not None:
        url = f"/partnerships/{pid}/map"

        def ours_page():
            response = client.get(url)
            assert response.status_code == 200, f"{url}: {response.status_code}"

        def bare_page():
            sub = bare_graph.subgraph(member_ids)
            json.dumps({"nodes": [{"id": p, "label": network.nodes[p].name} for p in member_ids],
                        "edges": [{"from": a, "to": b} for a, b in sub.edges]})

        out.append(_row(f"network: map page, server time ({len(member_ids)} members)",
                        measure(ours_page, repeat, 2), measure(bare_page, repeat, 2)))

    if getattr(args, "browser", True) and not getattr(args, "small", False):
        try:
            out += browser_cases(args, network, ordered)
        except Exception as error:  # noqa: BLE001 - the rest of the results still count
            print(f"bench_network: browser cases skipped: {type(error).__name__}: {error}", file=sys.stderr)
    engine.dispose()
    return out


def _serve(app):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


BARE_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<script src="{base}/static/vendor/vis-network/vis-network.min.js"></script></head>
<body><div id="map" style="width:1200px;height:700px"></div>
<script>
var data = {data};
var net = new vis.Network(document.getElementById("map"), {{}},
  {{physics: {{enabled: false}}, layout: {{improvedLayout: false}},
    interaction: {{hideEdgesOnDrag: true}}, edges: {{smooth: false}}}});
net.once("afterDrawing", function () {{ document.getElementById("map").dataset.ready = "1"; }});
net.setData({{nodes: new vis.DataSet(data.nodes), edges: new vis.DataSet(data.edges)}});
</script></body></html>"""


def browser_cases(args, network, ordered) -> list[dict]:
    """Time from navigation until the map has drawn, in headless Chromium: our page (a
    partnership of 500 / 2,000 people) next to a bare vis-network page with the same data."""
    chromium = os.environ.get("CRM_CHROMIUM", "/usr/bin/chromium")
    if not os.path.exists(chromium):
        print(f"bench_network: no Chromium at {chromium}: map time-to-interactive skipped", file=sys.stderr)
        return []
    from playwright.sync_api import sync_playwright

    from crm.accounts import services as accounts
    from crm.extensions import db
    from crm.network import mapdata, services
    from crm.partnerships import services as partnerships

    app = args.app
    email = f"bench-network-{os.getpid()}@bench.example"
    ids = {}
    with app.app_context():
        accounts.create_user(email, BENCH_PASSWORD, "admin")
        for size in BROWSER_SIZES:
            partnership = partnerships.create_partnership(f"Bench map {size} {os.getpid()}", "Bench")
            db.session.flush()
            for person in ordered[:size]:
                partnerships.add_member(partnership, person, "member", "candidate")
            ids[size] = partnership.id
        db.session.commit()
        for size in BROWSER_SIZES:  # the server layout is built once per graph version
            services.map_data(ids[size], _Admin())
        db.session.remove()
    server, thread = _serve(app)
    base = f"http://127.0.0.1:{server.server_port}"
    repeat = max(3, min(args.repeat, 7))
    out = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, headless=True,
                                         args=["--no-sandbox", "--disable-gpu"])
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.goto(base + "/login")
            page.get_by_label("Email").fill(email)
            page.get_by_label("Password").fill(BENCH_PASSWORD)
            with page.expect_navigation():
                page.get_by_role("button", name="Sign in").click()
            if "/login" in page.url:
                raise RuntimeError("could not sign in the bench account")
            for size in BROWSER_SIZES:
                def ours(size=size):
                    page.goto(f"{base}/partnerships/{ids[size]}/map")
                    page.wait_for_selector("#map[data-ready='1']", timeout=60000)

                with app.app_context():
                    people = sorted(ordered[:size])
                    positions = mapdata.layout_for(network, people)
                    sub = network.knows.subgraph(people)
                    data = {"nodes": [{"id": p, "label": network.nodes[p].name,
                                       "x": positions[p][0], "y": positions[p][1]} for p in people],
                            "edges": [{"from": a, "to": b} for a, b in sub.edges]}
                bare_html = BARE_PAGE.format(base=base, data=json.dumps(data))

                bare_url = f"{base}/__bare_vis_network_{size}"  # served by Playwright, no CSP
                page.route(bare_url, _fulfil_with(bare_html))

                def bare(bare_url=bare_url):
                    page.goto(bare_url)
                    page.wait_for_selector("#map[data-ready='1']", timeout=60000)

                out.append(_row(f"network: map time-to-interactive in Chromium, {size:,} people",
                                args.measure(ours, repeat, 1), args.measure(bare, repeat, 1)))

                # one full redraw (what every pan, zoom step and hover costs): ours draws the
                # ties on the canvas and places the labels (collision-aware, map.js); the floor
                # is vis-network drawing the same nodes, ties and every label itself
                def redraw(where):
                    return lambda: page.evaluate(
                        "(w) => { const net = w === 'ours' ? document.getElementById('map').mapNetwork : window.net;"
                        " const t = performance.now(); for (let i = 0; i < 5; i++) { net.redraw(); }"
                        " return performance.now() - t; }", where)

                bare()
                floor_redraw = args.measure(redraw("bare"), repeat * 2, 1)
                ours()
                page.evaluate("() => document.getElementById('map').mapNetwork.fit({animation: false})")
                out.append(_row(f"network: map redraw x5 in Chromium (labels placed), {size:,} people",
                                args.measure(redraw("ours"), repeat * 2, 1), floor_redraw))
            browser.close()
    finally:
        server.shutdown()
        thread.join(timeout=5)
    return out


def _fulfil_with(html: str):
    """A Playwright route handler answering with `html` (one argument: Playwright passes the
    request too when a handler takes two)."""
    def handler(route):
        route.fulfill(body=html, content_type="text/html; charset=utf-8")
    return handler


class _Admin:
    """Enough of a user for `map_data` outside a request (sees every partnership)."""

    is_admin = True
    is_staff = True
    partnership_ids: set = set()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--ties", type=int, default=200000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium timings")
    options = parser.parse_args(argv)
    import run as harness

    database_url = os.environ.get("CRM_DATABASE_URL")
    if not database_url:
        scale = dict(people=options.people, ties=options.ties, tasks=options.people,
                     partnerships=max(8, min(50, options.people // 400)), seed=1)
        if (options.people, options.ties) == (harness.FULL["people"], harness.FULL["ties"]):
            scale = harness.FULL  # the state `make bench` already seeded (bench/cache/)
        database_url = f"sqlite:///{harness.seeded_copy(scale)}"
    app = harness.make_app(database_url)
    from floors import create_floor_app

    cases = harness.Cases(app, create_floor_app(app.config["SQLALCHEMY_DATABASE_URI"]), options.repeat)
    args = cases.args(False, database_url)
    args.browser = not options.no_browser
    for result in run(args):
        print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
