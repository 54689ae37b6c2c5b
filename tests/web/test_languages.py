"""The respondent's pages in the respondent's language: the invitation's, else the browser's (Accept-Language),
else the instrument's default; the pages' own sentences from the catalogue, the questionnaire's texts from the
instrument in that language; the language kept with the answers, which score as one whatever the language."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from pmo_workbench.assessment.responses import read_responses
from pmo_workbench.assessment.results import assess
from pmo_workbench.store import Person
from pmo_workbench.web import create_app

from ..bilingual import ENGLISH_ITEMS, GERMAN_ITEMS, bilingual_loader, write_bilingual
from ..catalogue import english_leftovers, html_text
from ..helpers import write_csv
from .conftest import ADMIN_PASSWORD, BASE_URL, SECRET, csrf_of

DE, EN, BROWSER = "de@example.org", "en@example.org", "browser@example.org"
PEOPLE = [
    Person("executive", name="Dora Deutsch", email=DE, language="de", key=DE),
    Person("pmo_staff", name="Ed English", email=EN, language="en", key=EN),
    Person("executive", name="Bo Browser", email=BROWSER, key=BROWSER),
]


class Bilingual:
    def __init__(self, db_url, folder, admin_hash, monkeypatch):
        from pmo_workbench.assessment import instrument as module

        bilingual_loader(monkeypatch)
        self.path = write_bilingual(folder)
        self.instrument = module.load_instrument(self.path, language="en")
        self.app = create_app(db_url, admin_password_hash=admin_hash, secret=SECRET, base_url=BASE_URL,
                              secure_cookies=False)
        self.store = self.app.state.web.store
        self.store.use_instrument(self.instrument, source=self.path)
        self.assessment = self.store.create_assessment("Acme", "Group PMO", self.instrument)
        self.store.set_survey(self.assessment, sender="Jo Consultant", purpose="To see what the PMO does well.",
                              contact="jo@advisory.example", closes_on="2099-12-31")
        self.tokens = {i.person.key: i.token for i in self.store.invite(self.assessment, PEOPLE)}


@pytest.fixture
def bilingual(db_url, tmp_path, admin_hash, monkeypatch):
    made = Bilingual(db_url, tmp_path, admin_hash, monkeypatch)
    try:
        yield made
    finally:
        made.store.close()


def _answer_all(client: TestClient, token: str, answers: dict[str, str], headers=None) -> list[str]:
    """Consent, answer both pages, submit; returns the HTML of each page seen (welcome, pages, review, thanks)."""
    seen = []
    page = client.get(f"/r/{token}", headers=headers)
    seen.append(page.text)
    csrf = csrf_of(page.text)
    assert client.post(f"/r/{token}", data={"csrf": csrf, "consent": "yes"}, headers=headers).status_code == 303
    for number, items in ((1, ("G1", "G2")), (2, ("S1", "S2"))):
        seen.append(client.get(f"/r/{token}/page/{number}", headers=headers).text)
        data = {"csrf": csrf, "action": "next", **{f"item-{i}": answers[i] for i in items}}
        assert client.post(f"/r/{token}/page/{number}", data=data, headers=headers).status_code == 303
    seen.append(client.get(f"/r/{token}/review", headers=headers).text)
    done = client.post(f"/r/{token}/submit", data={"csrf": csrf}, headers=headers)
    assert done.status_code == 303
    seen.append(client.get(done.headers["location"], headers=headers).text)
    return seen


def _text(html: str) -> str:
    """The visible text, spaces collapsed."""
    return " ".join(html_text(html).split())


def _lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def test_a_german_invitation_gets_german_pages_with_no_english_left(bilingual):
    with TestClient(bilingual.app, follow_redirects=False) as client:
        # the browser asks for English: the invitation's German wins
        welcome, first, second, review, thanks = _answer_all(
            client, bilingual.tokens[DE], {"G1": "5", "G2": "2", "S1": "4", "S2": "3"},
            headers={"Accept-Language": "en-GB,en;q=0.9"})
    for html in (welcome, first, second, review, thanks):
        assert _lang(html) == "de"
        assert english_leftovers(html_text(html)) == []
    text = _text(welcome)
    assert "Ich habe die obigen Informationen gelesen und bin mit der Teilnahme einverstanden." in text
    assert "Sie antworten als: Führungskraft." in text
    assert "„Stimme überhaupt nicht zu“ bis „Stimme voll und ganz zu“" in text
    # 4 statements at 15 s and 2 comment boxes at 15 s: 90 s, so 2 minutes; the date as Germans write it
    assert "4 Aussagen auf 2 Seiten: etwa 2 Minuten" in text
    assert "Antworten werden bis zum 31. Dezember 2099 angenommen." in text
    page = _text(first)
    assert "Seite 1 von 2" in page and "Steuerung" in page and "Wie Entscheidungen getroffen werden." in page
    assert GERMAN_ITEMS[0] in page and GERMAN_ITEMS[1] in page and ENGLISH_ITEMS[0] not in page
    assert "Weiß nicht" in page and "Nicht zutreffend" in page and "Speichern und weiter" in page
    assert "Kommentar zu „Steuerung“ (optional)" in page
    assert "4 von 4 Aussagen beantwortet" in _text(review) and "Antworten absenden" in _text(review)
    assert "Vielen Dank" in _text(thanks)


@pytest.mark.parametrize(("header", "lang", "sentence"), [
    ("de-DE,de;q=0.9,en;q=0.5", "de", "Fragebogen beginnen"),
    ("fr-FR,en;q=0.8", "en", "Start the questionnaire"),
    ("", "en", "Start the questionnaire"),
])
def test_without_an_invitation_language_the_browser_chooses(bilingual, header, lang, sentence):
    with TestClient(bilingual.app, follow_redirects=False) as client:
        page = client.get(f"/r/{bilingual.tokens[BROWSER]}", headers={"Accept-Language": header})
    assert _lang(page.text) == lang and sentence in page.text
    # the unusable link's page follows the browser too
    with TestClient(bilingual.app, follow_redirects=False) as client:
        neutral = client.get("/r/no-such-token", headers={"Accept-Language": header})
    assert _lang(neutral.text) == lang


def test_answers_in_english_and_german_score_as_one_and_keep_their_language(bilingual, tmp_path):
    with TestClient(bilingual.app, follow_redirects=False) as client:
        _answer_all(client, bilingual.tokens[DE], {"G1": "5", "G2": "2", "S1": "4", "S2": "3"})
        _answer_all(client, bilingual.tokens[EN], {"G1": "3", "G2": "1", "S1": "2", "S2": "5"})
    stored = bilingual.store.responses(bilingual.assessment)
    assert stored.drop_duplicates("respondent")["language"].tolist() == ["de", "en"]
    # The same answers, all given in English, from a file.
    same = write_csv(tmp_path / "english.csv", "organisation,pmo,respondent,role,item,value\n" + "".join(
        f"Acme,Group PMO,{who},{role},{item},{value}\n" for who, role, answers in (
            ("R1", "executive", {"G1": 5, "G2": 2, "S1": 4, "S2": 3}),
            ("R2", "pmo_staff", {"G1": 3, "G2": 1, "S1": 2, "S2": 5})) for item, value in answers.items()))
    by_store = assess(stored, bilingual.instrument).assessments[0]
    by_file = assess(read_responses(same, bilingual.instrument), bilingual.instrument).assessments[0]
    # item score = 100 (v - 1) / 4, G2 reversed. German respondent: gov (100 + 75) / 2 = 87.5, sup (75 + 50) / 2
    # = 62.5; English one: gov (50 + 100) / 2 = 75, sup (25 + 100) / 2 = 62.5. The PMO: gov (87.5 + 75) / 2 =
    # 81.25, sup 62.5, overall (81.25 + 62.5) / 2 = 71.875.
    scores = by_store.dimensions.set_index("dimension")["score"]
    assert scores.to_dict() == pytest.approx({"gov": 81.25, "sup": 62.5})
    assert by_store.overall_score == pytest.approx(71.875) == by_file.overall_score
    assert by_store.dimensions["score"].tolist() == by_file.dimensions["score"].tolist()
    assert by_store.type.type == by_file.type.type == "supportive"  # sup 62.5 misses controlling's 70


def test_the_dashboard_names_each_invitations_language_in_the_page_language(bilingual):
    with TestClient(bilingual.app, follow_redirects=False) as client:
        for header, names, leftovers in (("DE-de", ("Deutsch", "Englisch", "Nicht angegeben", "Führungskraft",
                                                    "PMO-Mitarbeitende"), True),
                                         ("en", ("German", "English", "Not given", "Executive", "PMO staff"), False)):
            login = client.get("/admin", headers={"Accept-Language": header})
            client.post("/admin/login", data={"csrf": csrf_of(login.text), "password": ADMIN_PASSWORD},
                        headers={"Accept-Language": header})
            page = client.get("/admin", headers={"Accept-Language": header})
            assert page.status_code == 200 and _lang(page.text) == header[:2].lower()  # as the package spells it
            text = _text(page.text)
            assert all(name in text for name in names)
            if leftovers:
                assert "Einladungen nach Sprache" in text and english_leftovers(text) == []
