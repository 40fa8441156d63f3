"""The partnership one-pager's page: for chairs and funders, on screen and printed (one or two
pages). Every role that may see the partnership may read it."""

from __future__ import annotations

from flask import Blueprint, render_template

from crm import rules
from crm.accounts.access import get_partnership_or_404
from crm.onepager import services

bp = Blueprint("onepager", __name__)


@bp.route("/partnerships/<int:partnership_id>/one-pager")
def page(partnership_id: int):
    """The one-pager: members and champions, priority areas, the charts."""
    partnership = get_partnership_or_404(partnership_id)
    return render_template("onepager/page.html", partnership=partnership, page=services.one_pager(partnership),
                           early_win_days=rules.EARLY_WIN_DAYS)
