"""Contact files as people really write them: encodings, delimiters, headers, bad rows, vCards."""

from __future__ import annotations

import pytest

from crm.contacts import import_parsing
from crm.contacts.cells import formula_like, neutralise, unneutralise
from crm.contacts.exporting import csv_text, vcard_text


def test_utf8_with_bom_and_semicolons_is_read_with_accents_intact():
    data = "\ufeffNom complet;Company;E-mail\nJosé Núñez;Acme;jose@acme.example\n".encode()
    sheet = import_parsing.read_csv(data)
    assert sheet.encoding == "utf-8-sig" and sheet.delimiter == ";"
    assert sheet.headers == ["Nom complet", "Company", "E-mail"]
    assert sheet.rows == [["José Núñez", "Acme", "jose@acme.example"]]


def test_windows_1252_file_is_decoded_not_mangled():
    data = "Name,Organisation\nRenée Zoë,Café “Rouge”\n".encode("cp1252")
    sheet = import_parsing.read_csv(data)
    assert sheet.encoding == "windows-1252"
    assert sheet.rows[0] == ["Renée Zoë", "Café “Rouge”"]


def test_comma_file_with_quoted_semicolons_keeps_commas_as_delimiter():
    data = b'name,notes\n"Ann Lee","likes; semicolons"\n"Bo Park","x"\n'
    sheet = import_parsing.read_csv(data)
    assert sheet.delimiter == ","
    assert sheet.rows[0] == ["Ann Lee", "likes; semicolons"]


def test_blank_lines_are_dropped_but_line_numbers_stay_true():
    sheet = import_parsing.read_csv(b"name,email\n\nAnn,a@x.example\n,\nBo,b@x.example\n")
    assert [r[0] for r in sheet.rows] == ["Ann", "Bo"]
    assert sheet.line_numbers == [3, 5]


@pytest.mark.parametrize("data", [b"", b"   \n\n", b"\x00\x01\x02PK"])
def test_empty_or_binary_files_are_refused_with_a_message(data):
    with pytest.raises(import_parsing.FileError):
        import_parsing.read_csv(data)


def test_mapping_is_guessed_from_common_header_spellings():
    headers = ["First Name", "Last Name", "Company", "Job Title", "E-mail Address", "Mobile", "x"]
    mapping = import_parsing.guess_mapping(headers, "people")
    assert mapping == {"first_name": 0, "last_name": 1, "organisation": 2, "title": 3, "email": 4,
                       "phone": 5}


def test_person_row_joins_first_and_last_name_and_lowercases_email():
    check = import_parsing.check_person(2, {"first_name": "Ann", "last_name": "Lee", "email": "ANN@X.Example"})
    assert check.ok and check.data == {"name": "Ann Lee", "email": "ann@x.example"}


def test_person_row_problems_name_the_column_and_only_a_missing_name_refuses_the_row():
    check = import_parsing.check_person(7, {"name": "", "email": "not-an-email", "phone": "call me"})
    assert {c for c, _ in check.errors} == {"name"}
    assert {c for c, _ in check.warnings} == {"email", "phone"}


def test_one_bad_field_leaves_the_person_in_without_it():
    check = import_parsing.check_person(3, {"name": "Ann Lee", "email": "ann@", "phone": "tel:+1-970-555-0112",
                                       "title": "x" * 201, "since": "someday"})
    assert check.ok and check.data == {"name": "Ann Lee", "phone": "+1-970-555-0112"}
    assert [c for c, _ in check.warnings] == ["email", "since", "title"]
    assert all("imported without it" in m for _, m in check.warnings)


@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://x.example\")", "+1 Ann", "@Ann"])
def test_formula_looking_names_are_flagged_not_dropped(name):
    check = import_parsing.check_person(2, {"name": name})
    assert check.ok and check.warnings[0][0] == "name" and "formula" in check.warnings[0][1]


@pytest.mark.parametrize("name", ["", "  ", "---", "."])
def test_a_person_with_no_usable_name_is_refused(name):
    assert not import_parsing.check_person(2, {"name": name, "email": "a@x.example"}).ok


def test_organisation_kind_accepts_labels_and_values():
    kinds = {"employer": "employer", "community college": "community_college"}
    assert import_parsing.check_organisation(2, {"name": "X", "kind": "Community College"}, kinds, ()).data[
        "kind"] == "community_college"
    bad = import_parsing.check_organisation(3, {"name": "X", "kind": "spaceship"}, kinds, ())
    assert bad.errors == [("kind", "unknown kind 'spaceship'")]


def test_relationship_strength_words_and_missing_people():
    check = import_parsing.check_relationship(2, {"kind": "Knows", "source_email": "A@x.example",
                                             "target_name": "Bo", "strength": "close"})
    assert check.ok and check.data["strength"] == 3 and check.data["source_email"] == "a@x.example"
    bad = import_parsing.check_relationship(3, {"kind": "hates", "strength": "9"})
    assert {c for c, _ in bad.errors} == {"kind", "source_name", "target_name", "strength"}


@pytest.mark.parametrize("cell", ["=1+1", "+1 555 0100", "-2", "@SUM(A1)", "\t=x", "\r=x", " =x",
                                  "\x01=cmd", "\n@x"])
def test_formula_like_cells_are_neutralised_and_restored_on_import(cell):
    assert formula_like(cell)
    written = neutralise(cell)
    assert written.startswith("'")
    assert unneutralise(written) == cell


@pytest.mark.parametrize("cell", ["Ann", "a-b", "it's", "", "'quoted"])
def test_ordinary_cells_are_left_alone(cell):
    assert neutralise(cell) == cell and unneutralise(cell) == cell


def test_export_then_read_gives_the_same_values():
    rows = [{"name": "Ann Lee", "title": "CEO", "organisation": "Acme; Inc", "email": "a@x.example",
             "phone": "+1 555 0100", "tags": "Rotary, board", "notes": "line one\nline two"}]
    data = "".join(csv_text("people", rows)).encode()
    sheet = import_parsing.read_csv(data)
    mapping = import_parsing.guess_mapping(sheet.headers, "people")
    assert import_parsing.apply_mapping(sheet, mapping) == rows


VCARD3 = b"""BEGIN:VCARD\r
VERSION:3.0\r
N:Lee;Ann;;;\r
FN:Ann Lee\r
ORG:Acme Corp;Sales\r
TITLE:CEO\r
EMAIL;TYPE=INTERNET;TYPE=WORK:ann@acme.example\r
TEL;TYPE=CELL:+1 555 0100\r
CATEGORIES:Rotary,Board\r
END:VCARD\r
BEGIN:VCARD\r
VERSION:4.0\r
FN:Bo Park\r
EMAIL;PREF=1:bo@park.example\r
EMAIL:other@park.example\r
END:VCARD\r
"""


def test_vcards_3_and_4_become_people_rows():
    rows = import_parsing.read_vcards(VCARD3)
    assert rows[0]["name"] == "Ann Lee" and rows[0]["organisation"] == "Acme Corp"
    assert rows[0]["email"] == "ann@acme.example" and rows[0]["tags"] == "Rotary, Board"
    assert rows[1]["name"] == "Bo Park" and rows[1]["email"] == "bo@park.example"


def test_our_vcard_export_reads_back():
    people = [{"name": "Ann Lee", "organisation": "Acme, Inc", "email": "a@x.example",
               "title": "CEO", "phone": "", "tags": "x", "notes": "n;1"}]
    rows = import_parsing.read_vcards("".join(vcard_text(people)).encode())
    assert rows[0]["name"] == "Ann Lee" and rows[0]["organisation"] == "Acme, Inc"
    assert rows[0]["notes"] == "n;1"


def test_not_a_vcard_is_refused():
    with pytest.raises(import_parsing.FileError):
        import_parsing.read_vcards(b"name,email\n")
