"""The invitation letter template: the workbook's sample by default, fields filled per
invitee, Jinja's sandbox refusing templates that reach for Python internals."""

from __future__ import annotations

import pytest

from crm.outreach import letters


def test_the_default_letter_is_the_workbooks_sample_with_fields(app):
    letter = letters.render(letters.DEFAULT_SUBJECT, letters.DEFAULT_BODY, {
        "invitee": "Jim Sorensen", "first_name": "Jim", "asker": "Karen Alvarez",
        "chairs": "Robin Castillo and Karen Alvarez",
        "sector": "Advanced Manufacturing", "partnership": "Region X", "date": "Thursday, January 30",
        "time": "09:00", "place": "Granite Dells Avionics", "region": "Yavapai"})
    assert letter.body.startswith("Dear Jim,")
    assert "Robin Castillo and Karen Alvarez are hosting a launch meeting" in letter.body
    assert "big ask" in letter.body and letter.body.rstrip().endswith("Karen Alvarez")
    assert letter.subject == "An invitation: the Advanced Manufacturing sector partnership launch, Thursday, January 30"


@pytest.mark.parametrize("body", ["{{ ''.__class__.__mro__ }}", "{{ invitee.__init__.__globals__ }}",
                                  "{% for x in range(10**9) %}x{% endfor %}",
                                  "{{ 1 / 0 }}", "{{ unclosed"])
def test_unsafe_or_broken_templates_are_refused(app, body):
    with pytest.raises(letters.LetterError):
        letters.check("Subject", body)


def test_html_preview_escapes_field_values(app):
    letter = letters.render("s", "Dear {{ invitee }}", {"invitee": "<script>x</script>"}, html=True)
    assert "&lt;script&gt;" in letter.body
