"""People files: whom to invite (read_people), and inviting from one twice."""

from __future__ import annotations

import re

import openpyxl
import pytest

from pmo_workbench.errors import InputValidationError
from pmo_workbench.store import Person, Store, read_people



def _write(tmp_path, text: str, name: str = "people.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_people_file_in_any_column_order_with_labels_and_blank_rows(tmp_path, aud):
    path = _write(tmp_path, " Email ,ROLE,Name,language\n"
                            "Ada@Example.org,Executive,Ada  Lovelace,en\n"
                            ",,,\n"
                            ",pmo_staff,Grace Hopper,fr-CA\n"
                            ",project manager,,\n")
    people = read_people(path, aud)
    assert people[:2] == [
        Person("executive", "Ada Lovelace", "Ada@Example.org", "en", "ada@example.org"),
        Person("pmo_staff", "Grace Hopper", None, "fr-CA", "grace hopper"),
    ]
    assert people[2].role == "project_manager" and re.fullmatch(r"unnamed [0-9a-f]{32}", people[2].key)
    assert [p.row for p in people] == [2, 4, 5]  # header row 1, the blank row 3 counts


def test_a_people_workbook_reads_the_sheet_named_people(tmp_path, aud):
    book = openpyxl.Workbook()
    book.active.title = "notes"
    book.active.append(["nothing here"])
    sheet = book.create_sheet("People")
    sheet.append(["role", "email"])
    sheet.append(["PMO staff", "sam@example.org"])
    book.save(tmp_path / "people.xlsx")
    assert read_people(tmp_path / "people.xlsx", aud) == [
        Person("pmo_staff", None, "sam@example.org", None, "sam@example.org")]


@pytest.mark.parametrize(("text", "expected"), [
    ("name,email\nAda,ada@example.org\n", [":1:-: no 'role' column; a people file has role, name, email, language"]),
    ("role,team\nexecutive,x\n", [":1:team: unknown column 'team'; a people file has role, name, email, language"]),
    ("role,name\nceo,Ada\n,Bob\n", [":2:role: unknown role 'ceo'; expected one of executive (Executive), "
                                    "pmo_staff (PMO staff), project_manager (Project manager)",
                                    ":3:role: no role; expected one of executive (Executive)"]),
    ("role,email\nexecutive,ada at example\n", [":2:email: 'ada at example' is not an e-mail address"]),
    ("role,language\nexecutive,english!\n", [":2:language: 'english!' is not a language tag"]),
    ("role,email,name\nexecutive,ada@example.org,Ada\npmo_staff,ADA@example.org,A. L.\n",
     [":3:email: the same person as row 2 (ada@example.org); give each person once"]),
    ("role,name\nexecutive,Ada Lovelace\nexecutive,ada  lovelace\n",
     [":3:name: the same person as row 2 (ada lovelace)"]),
    ("role,name\n", [":2:-: nobody to invite: the file has a header but no people"]),
])
def test_a_wrong_people_file_names_file_row_column_and_what_was_expected(tmp_path, aud, text, expected):
    path = _write(tmp_path, text)
    with pytest.raises(InputValidationError) as raised:
        read_people(path, aud)
    shown = [str(p) for p in raised.value.problems]
    assert len(shown) == len(expected)
    for line, start in zip(shown, expected):
        assert line.startswith(str(path) + start), line


def test_inviting_from_the_same_file_again_adds_only_new_people(tmp_path, aud, db_url):
    path = _write(tmp_path, "role,name,email\nexecutive,Ada,ada@example.org\npmo_staff,,\n")
    with Store(db_url) as store:
        aid = store.create_assessment("Org", "PMO", aud)
        assert [i.person.key for i in store.invite(aid, read_people(path, aud))][:1] == ["ada@example.org"]
        path.write_text("role,name,email\nexecutive,Ada L.,ADA@example.org\npmo_staff,,\nexecutive,Bo,\n",
                        encoding="utf-8")
        again = store.invite(aid, read_people(path, aud))  # the nameless PMO staff cannot be recognised: again
        assert [(i.person.role, i.person.key.startswith("unnamed ")) for i in again] == [
            ("pmo_staff", True), ("executive", False)]
        assert store.invitation_status(aid)["invited"].tolist() == [2, 2, 0, 4]
