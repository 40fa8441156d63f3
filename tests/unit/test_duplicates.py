"""Likely duplicates from plain data: same email, similar names at the same organisation."""

from __future__ import annotations

from crm.contacts.duplicates import Candidate, likely_pairs, similar_names


def test_name_similarity_handles_order_initials_and_typos():
    assert similar_names("ann lee", "ann lee") == 1.0
    assert similar_names("lee ann", "ann lee") > 0.95
    assert similar_names("j smith", "john smith") >= 0.9
    assert similar_names("katherine jones", "katherine jone") > 0.85
    assert similar_names("ann lee", "bo park") < 0.5


def test_pairs_by_email_anywhere_and_by_name_within_an_organisation():
    people = [Candidate(1, "ann lee", "ann@x.example", 10), Candidate(2, "annie lee", "ANN@x.example", 11),
              Candidate(3, "john smith", None, 10), Candidate(4, "j smith", None, 10),
              Candidate(5, "john smith", None, 12), Candidate(6, "bo park", None, None),
              Candidate(7, "bo park", None, None)]
    pairs = {(p.first, p.second): p.reason for p in likely_pairs(people)}
    assert pairs[(1, 2)] == "same email ann@x.example"
    assert "same organisation" in pairs[(3, 4)]
    assert (3, 5) not in pairs and (4, 5) not in pairs  # another organisation
    assert "without organisation" in pairs[(6, 7)]
    ordered = likely_pairs(people)
    assert ordered[0].reason.startswith("same email")
