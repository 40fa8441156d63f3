"""vCard lines fold at 75 octets (RFC 6350 section 3.2) and never inside a UTF-8 sequence;
unfolding gives the line back."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from crm.contacts.exporting import FOLD_OCTETS, fold, vcard_uid


@given(st.text(alphabet=st.characters(exclude_categories=("Cs", "Cc")), max_size=400))
def test_folded_lines_fit_75_octets_and_unfold_to_the_original(text):
    line = "NOTE:" + text
    folded = fold(line)
    physical = folded.split("\r\n")
    assert all(len(p.encode()) <= FOLD_OCTETS for p in physical)
    assert all(p.startswith(" ") for p in physical[1:])
    assert "".join([physical[0], *(p[1:] for p in physical[1:])]) == line


def test_a_line_of_four_octet_characters_breaks_between_them():
    folded = fold("NOTE:" + "😀" * 40)
    for part in folded.split("\r\n"):
        part.encode().decode("utf-8")
        assert len(part.encode()) <= 75


def test_vcard_uids_are_stable_per_person_and_differ_between_installations():
    assert vcard_uid("a.example", 5) == vcard_uid("a.example", 5)
    assert vcard_uid("a.example", 5) != vcard_uid("a.example", 6)
    assert vcard_uid("a.example", 5) != vcard_uid("b.example", 5)
    assert vcard_uid("a.example", 5).startswith("urn:uuid:")
