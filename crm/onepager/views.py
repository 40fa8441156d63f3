"""The partnership one-pager's page: for chairs and funders, on screen and printed (one or two
pages). Every role that may see the partnership may read it."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from crm import rules
from crm.accounts.access import get_partnership_or_404, visible_person_ids
from crm.health import services as health
from crm.health.signals import LIGHT_WORDS, STATE_WORDS, TITLES
from crm.onepager import services

bp = Blueprint("onepager", __name__)


@bp.route("/partnerships/<int:partnership_id>/one-pager")
def page(partnership_id: int):
    """The one-pager: members and champions, priority areas, early wins, health, the charts."""
    partnership = get_partnership_or_404(partnership_id)
    one = services.one_pager(partnership)
    # an early win's owner may be someone outside the partnership: named only to those who may see them
    owners = set(visible_person_ids(current_user, list({w.commitment.owner_id for w in one.early_wins})))
    return render_template("onepager/page.html", partnership=partnership, page=one, visible_owners=owners,
                           health=health.report(partnership, current_user, one.today).health,
                           titles=TITLES, state_words=STATE_WORDS, light_words=LIGHT_WORDS,
                           early_win_days=rules.EARLY_WIN_DAYS)
