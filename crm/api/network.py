"""API endpoints of the network: warm intro paths to a person, and a partnership's keystones."""

from __future__ import annotations

from flask import request
from flask_login import current_user
from pydantic import BaseModel

from crm.accounts.access import get_partnership_or_404, get_person_or_404
from crm.api import bp
from crm.api.spec import ID_SCHEMA, document
from crm.api.util import ApiError, id_arg, int_arg, ok
from crm.network import services


class IntroPathOut(BaseModel):
    asker_id: int
    path: list[int]
    strength: float
    reason: str
    introducer_id: int | None
    employer_to_employer: bool


class BetweennessOut(BaseModel):
    person_id: int
    score: float


class LeaderOut(BaseModel):
    person_id: int
    name: str
    role: str
    betweenness: float
    articulation_point: bool
    dominant: bool
    champions_cut_off: list[int]
    people_cut_off: int
    #: the engaged people who would lose their only link to the partnership if they stepped back
    cut_off: list[int]
    #: their place in words ("If Robin Lane stepped back, 4 people would lose their only link...")
    sentence: str


class ReferrerOut(BaseModel):
    person_id: int
    referred: int
    tree_size: int
    share: float


class ReferralsOut(BaseModel):
    referrals_made: int
    people_referred: int
    employer_share: float | None
    referrers: list[ReferrerOut]


class KeystonesOut(BaseModel):
    partnership_id: int
    people: int
    ties: int
    exact: bool
    samples: int | None
    articulation_points: list[int]
    betweenness: list[BetweennessOut]
    leaders: list[LeaderOut]
    keystones: list[int]
    #: False below rules.KEYSTONE_MIN_PEOPLE engaged people: too few to judge
    enough: bool
    #: engaged people with no tie to the main group
    unlinked: list[int]
    #: the headline in words ("The partnership depends on Robin Lane.")
    verdict: str
    #: one sentence per keystone, in the order of `keystones`
    sentences: list[str]
    referrals: ReferralsOut
    #: big partnerships: betweenness and leaders are still being computed in the background
    pending: bool = False
    #: big partnerships: this is the previous result; a newer one is being computed
    stale: bool = False


PARTNERSHIP_PARAM = {"name": "partnership", "in": "query", "required": True,
                     "schema": ID_SCHEMA,
                     "description": "The partnership whose employer chairs and champions ask."}
LIMIT_PARAM = {"name": "limit", "in": "query", "required": False,
               "schema": {"type": "integer", "minimum": 1, "maximum": 50, "default": 5}}


def path_json(path) -> dict:
    return {"asker_id": path.asker_id, "path": list(path.path), "strength": round(path.strength, 4),
            "reason": path.reason, "introducer_id": path.introducer_id,
            "employer_to_employer": path.employer_to_employer}


@bp.get("/people/<int:person_id>/intro-paths")
@document("get", "/people/{person_id}/intro-paths", summary="Who should ask this person, ranked",
          response=IntroPathOut, response_list=True, params=[PARTNERSHIP_PARAM, LIMIT_PARAM],
          tag="network")
def intro_paths(person_id: int):
    """Ranked warm intro paths from the partnership's employer askers to the person."""
    if not request.args.get("partnership"):
        raise ApiError(400, "invalid", "Name the partnership: ?partnership=ID.",
                       {"partnership": ["required"]})
    partnership_id = id_arg("partnership")
    limit = int_arg("limit", 5, maximum=50)
    get_partnership_or_404(partnership_id)
    get_person_or_404(person_id)
    found = services.intro_paths_for(current_user, partnership_id, person_id, limit)
    return ok([path_json(p) for p in found])


@bp.get("/partnerships/<int:partnership_id>/keystones")
@document("get", "/partnerships/{partnership_id}/keystones",
          summary="Keystone leaders among the engaged people, in words (verdict, one sentence each) "
                  "and figures (cut points, betweenness, step-back impact, referrals)",
          response=KeystonesOut, tag="network")
def keystones(partnership_id: int):
    """The partnership's keystone analysis over its engaged members (accepted, attended,
    champions, chairs, conveners) and the knows ties among them: the same answer as the
    partnership page, the keystones page and the map."""
    get_partnership_or_404(partnership_id)
    return ok(services.keystones(partnership_id))
