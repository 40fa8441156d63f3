"""Locust journeys against a running Convene (started by bench/load.py, loopback only).

Mixed users, as a state's Monday morning looks: conveners browse, search and edit the contact
base and their partnerships; chairs review their partnership's suggested invitees; someone
looks at network maps; API clients page through lists. Every user signs in with a synthetic
account (crm/synth.py). bench/load.py passes, in LOAD_CONTEXT (JSON): the accounts, an API
token, the id range of people, and the URL rules present in this build (features that have not
landed are simply not visited).
"""

from __future__ import annotations

import json
import os
import random
import re

from locust import HttpUser, between, task

CONTEXT = json.loads(os.environ.get("LOAD_CONTEXT", "{}"))
RULES: dict[str, str] = CONTEXT.get("rules", {})
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
QUERIES = ["garcia", "lee", "smith", "health", "summit", "director", "ceo", "patel", "valley"]
COUNTIES = ["Denver", "Boulder", "Larimer", "El Paso", "Mesa", "Adams", "Jefferson"]
SECTORS = ["Healthcare", "Advanced Manufacturing", "Construction", "Energy"]


def url(endpoint: str, **values) -> str | None:
    """The path of an endpoint of this build with its <int:...> parts filled, or None."""
    rule = RULES.get(endpoint)
    if rule is None:
        return None
    return re.sub(r"<(?:int:)?(\w+)>", lambda m: str(values[m.group(1)]), rule)


class SignedIn(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    role = "convener"

    def on_start(self):
        accounts = CONTEXT["accounts"][self.role]
        self.account = random.choice(accounts)
        self.partnerships = self.account["partnerships"] or [None]
        page = self.client.get("/login", name="/login")
        token = CSRF.search(page.text)
        data = {"email": self.account["email"], "password": CONTEXT["password"]}
        if token:
            data["csrf_token"] = token.group(1)
        with self.client.post("/login", data=data, name="/login [POST]", catch_response=True,
                              allow_redirects=False) as response:
            if response.status_code != 302:
                response.failure(f"sign-in refused: {response.status_code}")
        self.csrf = None

    def person_id(self) -> int:
        low, high = CONTEXT["people"]
        return random.randint(low, high)

    def partnership_id(self) -> int | None:
        return random.choice(self.partnerships)

    def visit(self, endpoint: str, name: str | None = None, **values):
        path = url(endpoint, **values)
        if path is not None:
            response = self.client.get(path, name=name or RULES[endpoint])
            token = CSRF.search(response.text or "")
            if token:
                self.csrf = token.group(1)
            return response
        return None


class Convener(SignedIn):
    """Browses and searches people, opens records and partnerships, records ties."""

    weight = 5
    role = "convener"

    @task(5)
    def search_people(self):
        params = random.choice([
            {"q": random.choice(QUERIES)},
            {"side": "employer", "sector": random.choice(SECTORS)},
            {"county": random.choice(COUNTIES), "sort": "organisation"},
            {"q": random.choice(QUERIES), "county": random.choice(COUNTIES), "page": 2},
            {},
        ])
        self.client.get("/people", params=params, name="/people?search")

    @task(4)
    def open_person(self):
        person_id = self.person_id()
        with self.client.get(f"/people/{person_id}", name="/people/<id>",
                             catch_response=True) as response:
            if response.status_code == 404:  # archived or merged ids are fine to miss
                response.success()
                return
        # the panels the page loads with htmx once it is shown
        for endpoint in ("scoring.person_traits",):
            self.visit(endpoint, person_id=person_id)

    @task(1)
    def outreach(self):
        if self.visit("outreach.partnership_outreach", partnership_id=self.partnership_id()) is None:
            self.visit("partnerships.detail", partnership_id=self.partnership_id())

    @task(1)
    def my_tasks(self):
        self.visit("outreach.my_tasks")

    @task(3)
    def open_partnership(self):
        self.visit("partnerships.detail", partnership_id=self.partnership_id())

    @task(1)
    def pipeline(self):
        self.visit("partnerships.pipeline", partnership_id=self.partnership_id())

    @task(1)
    def start_page(self):
        self.client.get("/", name="/")

    @task(1)
    def organisations(self):
        self.client.get("/organisations", params={"q": random.choice(QUERIES)}, name="/organisations?q")

    @task(1)
    def record_tie(self):
        person = self.person_id()
        if self.csrf is None:
            self.client.get("/", name="/")
            self.csrf = (CSRF.search(self.client.get("/people", name="/people?search").text) or [None, None])[1]
        with self.client.post(f"/people/{person}/ties", name="/people/<id>/ties [POST]",
                              data={"kind": "knows", "other_id": self.person_id(), "strength": 2,
                                    "context": "load test", "csrf_token": self.csrf or ""},
                              catch_response=True) as response:
            if response.status_code == 404:
                response.success()


class Chair(SignedIn):
    """Reviews suggested invitees and readiness of their own partnership."""

    weight = 2
    role = "chair"

    @task(3)
    def review(self):
        if self.visit("scoring.review", partnership_id=self.partnership_id()) is None:
            self.visit("partnerships.detail", partnership_id=self.partnership_id())

    @task(2)
    def partnership(self):
        self.visit("partnerships.detail", partnership_id=self.partnership_id())

    @task(1)
    def readiness(self):
        self.visit("partnerships.readiness", partnership_id=self.partnership_id())

    @task(1)
    def start_page(self):
        self.client.get("/", name="/")

    @task(1)
    def my_tasks(self):
        self.visit("outreach.my_tasks")


class MapViewer(SignedIn):
    """Opens a partnership's network map and its data."""

    weight = 1
    role = "convener"

    @task
    def network(self):
        pid = self.partnership_id()
        shown = False
        for endpoint in ("network.map", "network.export_json", "network.keystones"):
            shown = self.visit(endpoint, partnership_id=pid) is not None or shown
        if not shown:
            self.visit("partnerships.detail", partnership_id=pid)


class ApiClient(HttpUser):
    """A script of a partner organisation paging through the API with a bearer token."""

    weight = 2
    wait_time = between(1, 3)

    def on_start(self):
        self.client.headers["Authorization"] = f"Bearer {CONTEXT['token']}"
        self.partnerships = CONTEXT["accounts"]["convener"][0]["partnerships"]

    @task(3)
    def people(self):
        if "api.list_people" in RULES:
            self.client.get("/api/v1/people", params={"page": random.randint(1, 20)}, name="/api/v1/people")
        else:
            self.client.get("/api/v1/partnerships", name="/api/v1/partnerships")

    @task(2)
    def partnership_tasks(self):
        path = url("api.list_tasks", partnership_id=random.choice(self.partnerships))
        if path:
            self.client.get(path, name=RULES["api.list_tasks"])

    @task(1)
    def partnerships_list(self):
        self.client.get("/api/v1/partnerships", name="/api/v1/partnerships")
