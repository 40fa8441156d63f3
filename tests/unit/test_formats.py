"""Each program's export read as the program writes it (samples in tests/unit/samples, written
here in each program's shape): the header found after a preamble, the program recognised, its
columns mapped, and each cell cleaned or refused with a reason; and new organisations' sides."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from crm.contacts import formats, import_parsing, sides

SAMPLES = Path(__file__).parent / "samples"


def _records(name: str, encoding: str = "utf-8") -> list[list[str]]:
    text = (SAMPLES / name).read_bytes().decode(encoding)
    return list(csv.reader(io.StringIO(text, newline="")))


def test_linkedin_preamble_is_skipped_and_its_columns_mapped():
    records = _records("linkedin_connections.csv")
    at = formats.find_header(records)
    assert records[at][0] == "First Name" and at == 3
    assert formats.detect(records[at]) == "linkedin"
    mapping = formats.mapping_for("linkedin", records[at])
    row = records[at + 2]
    assert {f: row[i] for f, i in mapping.items()} == {
        "first_name": "José", "last_name": "Núñez", "email": "jose.nunez@loveland-castings.example",
        "organisation": "Loveland Castings", "title": "President, Owner", "since": "03 Nov 2019"}


def test_a_header_on_the_first_line_is_kept():
    assert formats.find_header([["name", "email"], ["Ann", "a@x.example"]]) == 0
    assert formats.find_header([["Acme contacts"], [], ["Who", "Where"], ["Ann", "Acme"]]) == 2
    assert formats.find_header([["names only"], ["Ann"]]) == 0


def test_google_export_maps_title_email_phone_and_labels():
    records = _records("google_contacts.csv")
    assert formats.find_header(records) == 0
    assert formats.detect(records[0]) == "google"
    mapping = formats.mapping_for("google", records[0])
    assert {f: records[0][i] for f, i in mapping.items()} == {
        "first_name": "First Name", "last_name": "Last Name", "organisation": "Organization Name",
        "title": "Organization Title", "email": "E-mail 1 - Value", "phone": "Phone 1 - Value",
        "tags": "Labels", "notes": "Notes"}


def test_outlook_job_title_not_the_courtesy_title():
    records = _records("outlook_contacts.csv", "cp1252")
    assert formats.detect(records[0]) == "outlook"
    mapping = formats.mapping_for("outlook", records[0])
    assert records[1][mapping["title"]] == "Owner"
    assert records[1][mapping["first_name"]] == "Françoise"
    assert records[2][mapping["phone"]] == "970.555.0188"  # mobile when there is no other


def test_any_other_spreadsheet_is_generic():
    assert formats.detect(["Name", "Email", "Company"]) == "generic"
    assert formats.mapping_for("generic", ["Name"]) == {}


def test_google_labels_drop_system_labels_and_split_on_triple_colons():
    assert formats.clean_tags("* myContacts ::: Manufacturing ::: Chairs") == "Manufacturing, Chairs"
    assert formats.clean_tags("* myContacts ::: * starred") == ""
    assert formats.clean_tags("Imported on 3/4/24 ::: Board, board") == "Board"
    assert formats.clean_tags("Chairs;Manufacturing") == "Chairs, Manufacturing"


def test_multi_value_cells_give_their_first_value():
    assert formats.clean_email("Mariana@PV.example ::: m@gmail.example") == ("mariana@pv.example", None)
    assert formats.clean_phone("+1 970-555-0134 ::: 555") == ("+1 970-555-0134", None)


@pytest.mark.parametrize("raw, expected", [
    ("tel:+1-970-555-0112", "+1-970-555-0112"),
    ("tel:+1-970-555-0112;ext=12", "+1-970-555-0112 x12"),
    ("TEL:+19705550163;phone-context=example.com", "+19705550163"),
    ("(970) 555-0100 ext. 4", "(970) 555-0100 ext. 4"),
])
def test_phone_uris_and_extensions_become_numbers(raw, expected):
    assert formats.clean_phone(raw) == (expected, None)


@pytest.mark.parametrize("raw", ["call me", "555-CALL", "+", "tel:"])
def test_phones_that_are_not_numbers_say_why(raw):
    value, problem = formats.clean_phone(raw)
    assert value is None and "not a phone number" in problem


@pytest.mark.parametrize("raw", ["not-an-address", "ann@", "ann lee@x.example", "wei.chen@harmony-md"])
def test_emails_that_are_not_addresses_say_why(raw):
    value, problem = formats.clean_email(raw)
    assert value is None and repr(raw) in problem


@pytest.mark.parametrize("raw, expected", [
    ("14 Feb 2024", date(2024, 2, 14)), ("9 Jan 2018", date(2018, 1, 9)),
    ("2021-03-12", date(2021, 3, 12)), ("03/12/2021", date(2021, 3, 12)),
    ("March 12, 2021", date(2021, 3, 12)),
])
def test_connected_on_dates_are_read(raw, expected):
    assert formats.clean_date(raw) == (expected, None)


@pytest.mark.parametrize("raw", ["yesterday", "31 Feb 2021", "12 Mar 0021"])
def test_bad_dates_say_why(raw):
    assert formats.clean_date(raw)[0] is None


def test_vcard_folds_are_undone_as_bytes_so_split_characters_join_again():
    folded = "NOTE:Zoë".encode()
    data = folded[:-1] + b"\r\n " + folded[-1:]
    assert formats.unfold_vcard(data).decode() == "NOTE:Zoë"


@pytest.mark.parametrize("name, domains, kind", [
    ("Larimer County Workforce Center", (), "workforce_board"),
    ("Aims Community College", (), "community_college"),
    ("Colorado State University", (), "university"),
    ("Thompson School District", (), "k12"),
    ("Fort Collins Area Chamber of Commerce", (), "chamber"),
    ("Weld County", (), "government"),
    ("City of Loveland", (), "government"),
    ("United Way of Larimer County", (), "cbo"),
    ("Bohemian Foundation", (), "cbo"),
    ("Northern Colorado Economic Development Corporation", (), "economic_development"),
    ("IBEW Local 111", (), "labour"),
    ("Front Range Precision Machining", (), "employer"),
    ("Weld County Fabrication LLC", (), "employer"),
    ("Local Motors", (), "employer"),
    ("Poudre Health Partners", ("ann@phealth.example.org",), "cbo"),
    ("Thompson Valley", ("sam@thompson.k12.co.us",), "k12"),
    ("NoCo Works", ("ann@noco.gov",), "government"),
    ("Acme Widgets Inc", ("ann@acme.org",), "employer"),
    ("Harmony Medical Devices", ("wei@harmony.com",), "employer"),
])
def test_new_organisations_get_a_guessed_kind_and_side(name, domains, kind):
    found = sides.guess(name, domains)
    assert found.kind == kind and found.reason
    assert found.side == ("employer" if kind == "employer" else "community")


def test_a_dot_org_address_is_only_a_weak_hint():
    assert "weak" in sides.guess("Poudre Health Partners", ("x@y.org",)).reason
    assert sides.guess("Poudre Health Partners", ("x@y.org", "z@w.gov")).kind == "government"


# --- the whole file, through the importer's reading -----------------------------------------



def _people(name: str) -> list[tuple[int, import_parsing.RowCheck]]:
    data = (SAMPLES / name).read_bytes()
    if name.endswith(".vcf"):
        rows = list(enumerate(import_parsing.read_vcards(data), start=1))
    else:
        sheet = import_parsing.read_csv(data)
        mapping = import_parsing.guess_mapping(sheet.headers, "people")
        assert import_parsing.missing_columns("people", mapping) == []
        rows = list(zip(sheet.line_numbers, import_parsing.apply_mapping(sheet, mapping), strict=True))
    return [import_parsing.check_person(line, r) for line, r in rows]


def test_linkedin_file_imports_with_spreadsheet_rows_and_since_dates():
    sheet = import_parsing.read_csv((SAMPLES / "linkedin_connections.csv").read_bytes())
    assert (sheet.format, sheet.header_row, sheet.line_numbers) == ("linkedin", 4, [5, 6, 7, 8, 9])
    checks = _people("linkedin_connections.csv")
    assert [c.data["name"] for c in checks] == ["Renée Okafor", "José Núñez", "Priya Raman",
                                                "Tom O'Brien", "Zoë Lindqvist"]
    assert checks[1].data == {"name": "José Núñez", "email": "jose.nunez@loveland-castings.example",
                              "organisation": "Loveland Castings", "title": "President, Owner",
                              "since": "2019-11-03"}
    assert all(c.ok and not c.warnings for c in checks)


def test_google_file_imports_title_first_email_and_cleaned_labels():
    sheet = import_parsing.read_csv((SAMPLES / "google_contacts.csv").read_bytes())
    assert sheet.line_numbers == [2, 3, 4]  # the address with a line break is one row
    mariana, dwayne, siobhan = _people("google_contacts.csv")
    assert mariana.data == {"name": "Mariana Álvarez", "organisation": "Poudre Valley Plastics",
                            "title": "Chief Executive Officer", "email": "mariana@pvplastics.example",
                            "phone": "+1 970-555-0134", "tags": "Manufacturing, Chairs",
                            "notes": "Met at the NoCo manufacturing breakfast"}
    assert dwayne.data["tags"] == "Government" and dwayne.data["email"] == "dwhitfield@weld.example.gov"
    assert siobhan.ok and "email" not in siobhan.data and siobhan.data["phone"] == "+353 87 555 0199"
    assert siobhan.warnings == [("email", "'not-an-address' is not an email address; imported without it")]


def test_outlook_file_in_windows_1252_imports_job_titles_and_categories():
    francoise, ken = _people("outlook_contacts.csv")
    assert francoise.data == {"name": "Françoise Dubé", "title": "Owner", "organisation": "Berthoud Metal Works",
                              "email": "fdube@berthoud-metal.example", "phone": "(970) 555-0177",
                              "tags": "Chairs, Manufacturing", "notes": "Prefers calls, not email"}
    assert ken.data["phone"] == "970.555.0188"


def test_iphone_vcards_import_without_their_photo_and_keep_the_preferred_values():
    ingrid, wei = _people("iphone.vcf")
    assert ingrid.data == {"name": "Ingrid Håkansson", "title": "President & CEO",
                           "organisation": "Fort Collins Area Chamber of Commerce",
                           "email": "ingrid@fcchamber.example.org", "phone": "(970) 555-0121"}
    assert wei.ok and "email" not in wei.data and wei.warnings[0][0] == "email"
    assert wei.data["notes"] == "Met at the launch, wants to host"


def test_android_vcards_2_1_and_4_import_names_and_tel_uris():
    lucia, sam = _people("android.vcf")
    assert lucia.data == {"name": "Lucía Gómez", "title": "Plant Manager", "organisation": "Estes Valley Fabrication",
                          "email": "lucia@estes-valley-fab.example", "phone": "+19705550163"}
    assert sam.data["phone"] == "+1-970-555-0112 x12" and not sam.warnings
