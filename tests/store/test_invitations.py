"""Invitations in the store: tokens, drafts, single-use submission, anonymity modes, tracking and data-protection
requests; migration 0006. Every test runs on SQLite and on PostgreSQL (``db_url``).

The audience instrument (tests/audience_instrument.py): dimensions gov (G1-G4), sup (S1, S2; S2 asked of PMO staff
only) and ppl (P1-P5) on a 1-5 scale; roles executive, pmo_staff, project_manager.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import threading

import pandas as pd
import pytest
import sqlalchemy as sa
from alembic import command

from pmo_workbench.errors import InputValidationError, StoreError
from pmo_workbench.store import ANONYMITY, COMMENT_MAX, Invitation, Issued, Person, Store, alembic_config
from pmo_workbench.store.schema import DONT_KNOW, NOT_APPLICABLE


ADA = Person("executive", "Ada Lovelace", "Ada@Example.org", "en")
GRACE = Person("pmo_staff", "Grace Hopper", None, None)
NOBODY = Person("project_manager")
LATER = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=21)  # a closing date still ahead whenever tests run


def _tokens(issued: list[Issued]) -> dict[str, str]:
    return {i.person.key: i.token for i in issued}


def _every_text(store: Store) -> list[tuple[str, str, str]]:
    """(table, column, value) of every non-null text value of every table of the database (found by reflection)."""
    found = []
    with store._engine.connect() as conn:
        metadata = sa.MetaData()
        metadata.reflect(conn)
        for table in metadata.sorted_tables:
            for column in table.columns:
                for (value,) in conn.execute(sa.select(column).where(column.is_not(None))):
                    if isinstance(value, str):
                        found.append((table.name, column.name, value))
    return found


def _rows(store: Store, name: str) -> list[dict]:
    """The rows of a table (reflected, so times read as datetimes on both backends), by id."""
    with store._engine.connect() as conn:
        table = sa.Table(name, sa.MetaData(), autoload_with=conn)
        return [dict(r._mapping) for r in conn.execute(sa.select(table).order_by(table.c.id))]


# -- inviting ------------------------------------------------------------------------------------------------

def test_invite_keys_people_and_adds_nobody_twice(store, aid):
    first = store.invite(aid, [ADA, GRACE, NOBODY])
    assert [i.person.key for i in first][:2] == ["ada@example.org", "grace hopper"]
    assert re.fullmatch(r"unnamed [0-9a-f]{32}", first[2].person.key)  # nobody to recognise: a random key
    assert [i.invitation_id for i in first] == [1, 2, 3]
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{43}", i.token) for i in first)  # token_urlsafe(32)
    assert len({i.token for i in first}) == 3
    # The same people again (the same file read again; e-mail case and name spacing do not matter): nobody new.
    again = store.invite(aid, [Person("executive", "Ada", "ada@example.ORG"), Person("pmo_staff", "grace  HOPPER"),
                               NOBODY, Person("executive", name="Alan Turing")])
    assert [i.person.key for i in again][1:] == ["alan turing"]  # the nameless person is invited again
    frame = store.invitations(aid)
    assert frame["name"].tolist() == ["Ada Lovelace", "Grace Hopper", None, None, "Alan Turing"]
    assert frame["email"].tolist() == ["Ada@Example.org", None, None, None, None]
    assert frame["status"].tolist() == ["invited"] * 5
    assert frame["respondent"].tolist() == [None] * 5 and frame["reminders"].tolist() == [0] * 5


def test_only_the_tokens_hash_is_stored(store, aid):
    issued = store.invite(aid, [ADA])
    token = issued[0].token
    assert [r["token_hash"] for r in _rows(store, "invitation_tokens")] == [
        hashlib.sha256(token.encode()).hexdigest()]
    assert not any(token in value for _, _, value in _every_text(store))
    assert not {"token", "token_hash"} & set(store.invitations(aid).columns)


@pytest.mark.parametrize(("people", "message"), [
    ([Person("ceo")], r"unknown role\(s\) 'ceo'; the instrument tiny-audience 0.1 has executive, pmo_staff, "
                      "project_manager; nobody was invited"),
    ([ADA, Person("pmo_staff", email="ada@example.org")], r"people 1 and 2 are the same person \(ada@example.org\)"),
])
def test_invite_refuses_unknown_roles_and_the_same_person_twice(store, aid, people, message):
    with pytest.raises(StoreError, match=message):
        store.invite(aid, people)
    assert store.invitations(aid).empty


def test_a_closed_assessment_invites_nobody_and_refuses_its_links(store, aid):
    token = store.invite(aid, [ADA])[0].token
    store.close_assessment(aid)
    assert store.assessment(aid)["status"] == "closed"
    with pytest.raises(StoreError, match="assessment 1 is closed; reopen it"):
        store.invite(aid, [GRACE])
    assert store.invitation(token) is None
    assert store.consent(token) is False and store.save_draft(token, {"G1": 3}, {}) is False
    assert store.submit(token) is False
    store.reopen_assessment(aid)
    assert store.invitation(token).status == "invited"
    with pytest.raises(StoreError, match="no assessment 9"):
        store.close_assessment(9)


# -- the respondent's side -----------------------------------------------------------------------------------

def test_invitation_gives_what_the_pages_need_and_none_for_any_unusable_token(store, aid):
    store.set_survey(aid, sender="Jo Consultant", purpose="How the PMO serves you", closes_on=LATER)
    tokens = _tokens(store.invite(aid, [ADA, GRACE]))
    found = store.invitation(tokens["ada@example.org"])
    assert found == Invitation(id=1, assessment_id=aid, organisation="Org", pmo="PMO", role="executive",
                               language="en", anonymity="confidential",
                               survey={"sender": "Jo Consultant", "purpose": "How the PMO serves you",
                                       "closes_on": LATER.isoformat()},
                               status="invited", consented=False, draft={"answers": {}, "comments": {}},
                               wave=store.assessment(aid)["wave"])
    assert store.consent(tokens["ada@example.org"]) is True
    assert store.invitation(tokens["ada@example.org"]).consented is True
    # Unknown, empty, absurdly long, submitted and closed all give the same None.
    assert store.save_draft(tokens["grace hopper"], {"S2": 3}, {}) is True
    assert store.submit(tokens["grace hopper"]) is True
    for token in ("x" * 43, "", "y" * 5000, tokens["grace hopper"]):
        assert store.invitation(token) is None
        assert store.consent(token) is False


def test_save_draft_merges_and_a_draft_resumes(store, aid):
    token = store.invite(aid, [GRACE])[0].token
    assert store.save_draft(token, {"G1": 4, "G2": "dk", "S2": 5}, {"gov": "  A fair start  "}) is True
    started = store.invitations(aid)["started_at"][0]
    assert store.invitation(token).status == "started" and not pd.isna(started)
    # None removes an answer or a comment; other answers stay; a blank comment removes it too.
    assert store.save_draft(token, {"G1": None, "G3": NOT_APPLICABLE, "S2": 2}, {"gov": None, "sup": "Slow"})
    assert store.save_draft(token, {}, {"sup": "   "})
    assert store.invitation(token).draft == {"answers": {"G2": DONT_KNOW, "G3": NOT_APPLICABLE, "S2": 2},
                                             "comments": {}}
    assert store.invitations(aid)["started_at"][0] == started  # the first save's time stays
    assert store.assessment(aid)["respondents"] == 0  # a draft is no respondent yet


@pytest.mark.parametrize(("answers", "comments", "message"), [
    ({"S2": 3}, {}, "question S2 is not one of the questions for your role"),  # asked of PMO staff only
    ({"S2": NOT_APPLICABLE}, {}, "question S2 is not one of the questions for your role"),
    ({"ZZ9": 3}, {}, "question ZZ9 is not one of the questions for your role"),
    ({"G1": 6}, {}, r"item G1: value 6 is outside the scale; expected a whole number from 1 to 5"),
    ({"G1": 0}, {}, "item G1: value 0 is outside the scale"),
    ({"G1": 2.5}, {}, "item G1: value 2.5 is outside the scale"),
    ({"G1": "maybe"}, {}, "item G1: value 'maybe' is not a number"),
    ({"G1": True}, {}, "item G1: value True is not a number"),
    ({}, {"xyz": "hello"}, "section xyz is not one of the sections for your role"),
    ({}, {"gov": "x" * (COMMENT_MAX + 1)}, "the comment on Governance has 2001 characters; shorten it to at most 2000"),
    ({"G1": 3, "G2": 9}, {}, r"item G2: value 9 is outside the scale.*; nothing was saved"),
])
def test_save_draft_refuses_what_is_not_put_to_the_role_or_not_on_the_scale(store, aid, answers, comments, message):
    token = store.invite(aid, [ADA])[0].token  # an executive
    with pytest.raises(StoreError, match=message):
        store.save_draft(token, answers, comments)
    assert store.invitation(token).draft == {"answers": {}, "comments": {}}
    assert store.invitation(token).status == "invited"


def test_a_comment_of_exactly_the_limit_is_kept(store, aid):
    token = store.invite(aid, [ADA])[0].token
    assert store.save_draft(token, {"G1": 1, "G4": 5}, {"ppl": "y" * COMMENT_MAX})
    assert store.invitation(token).draft["comments"] == {"ppl": "y" * COMMENT_MAX}


# -- submitting ------------------------------------------------------------------------------------------------

def test_submit_stores_the_draft_once_as_a_respondent_and_its_answers(store, aid, tmp_path):
    token = store.invite(aid, [GRACE])[0].token
    store.consent(token)
    store.save_draft(token, {"G1": 4, "G2": "DK", "G3": NOT_APPLICABLE, "S1": 5, "S2": 2, "P2": 1},
                     {"gov": "Charter is <b>new</b>", "ppl": "No training"})
    assert store.submit(token) is True
    assert store.submit(token) is False and store.save_draft(token, {"G4": 3}, {}) is False
    assert store.invitation(token) is None
    people = store.respondents(aid)
    assert len(people) == 1 and re.fullmatch(r"web-[0-9a-f]{8}", people["label"][0])
    assert people["role"][0] == "pmo_staff" and people["name"][0] is None  # confidential: no name
    rid = int(people["respondent_id"][0])
    # The gov comment goes on G1 (answered); the ppl comment on P1, the first ppl item, left out: a blank answer.
    assert store.answers(rid) == {"G1": (4, "Charter is <b>new</b>"), "G2": (DONT_KNOW, None),
                                  "G3": (NOT_APPLICABLE, None), "S1": (5, None), "S2": (2, None),
                                  "P1": (None, "No training"), "P2": (1, None)}
    assert store.assessment(aid)["answers"] == 6  # answered items; the comment alone is no answer
    row = store.invitations(aid).iloc[0]
    assert row["status"] == "submitted" and row["respondent"] == people["label"][0]
    assert _rows(store, "invitations")[0]["draft"] is None and _rows(store, "invitation_tokens") == []
    # The respondent is one like any other: in the tidy frame and in exports.
    frame = store.responses(aid)
    assert frame["respondent"].astype(str).unique().tolist() == [people["label"][0]]
    assert frame["assessed_on"].dt.date.tolist() == [dt.datetime.now(dt.UTC).date()] * 7
    exported = store.export_responses(tmp_path / "out.csv", assessment_id=aid)
    text = exported.read_text(encoding="utf-8")
    assert people["label"][0] in text and ",DK," in text and "No training" in text


def test_two_requests_submitting_the_same_token_at_once_store_it_once(db_url, aud):
    with Store(db_url) as first:
        aid = first.create_assessment("Org", "PMO", aud)
        token = first.invite(aid, [ADA])[0].token
        first.save_draft(token, {"G1": 4, "G2": 2}, {"gov": "once"})
    results, errors = [], []
    start = threading.Barrier(2)

    def submit() -> None:
        try:
            with Store(db_url) as own:  # each request its own connection pool, as two server workers
                own.use_instrument(aud)
                start.wait()
                results.append(own.submit(token))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and sorted(results) == [False, True]
    with Store(db_url) as after:
        after.use_instrument(aud)
        assert len(after.respondents(aid)) == 1
        rid = int(after.respondents(aid)["respondent_id"][0])
        assert after.answers(rid) == {"G1": (4, "once"), "G2": (2, None)}
        assert after.invitation_status(aid)["submitted"].tolist() == [1, 0, 0, 1]


def test_two_pages_saved_at_once_both_land_in_the_draft(db_url, aud):
    with Store(db_url) as first:
        aid = first.create_assessment("Org", "PMO", aud)
        token = first.invite(aid, [ADA])[0].token
    errors = []
    start = threading.Barrier(4)

    def save(page: dict) -> None:
        try:
            with Store(db_url) as own:
                own.use_instrument(aud)
                start.wait()
                own.save_draft(token, page, {})
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    pages = [{"G1": 1}, {"G2": 2}, {"S1": 3}, {"P1": 4}]
    threads = [threading.Thread(target=save, args=(page,)) for page in pages]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Store(db_url) as after:
        assert after.invitation(token).draft["answers"] == {"G1": 1, "G2": 2, "S1": 3, "P1": 4}


def test_a_submission_without_an_answer_is_refused_and_writes_nothing(store, aid):
    token = store.invite(aid, [NOBODY])[0].token
    with pytest.raises(StoreError, match="^answer at least one statement before sending$"):
        store.submit(token)
    store.save_draft(token, {}, {"gov": "a comment alone is no answer"})
    with pytest.raises(StoreError, match="^answer at least one statement before sending$"):
        store.submit(token)
    assert len(store.respondents(aid)) == 0 and store.invitations(aid)["status"].tolist() == ["started"]
    store.save_draft(token, {"G1": NOT_APPLICABLE}, {})  # "not applicable" is an answer
    assert store.submit(token) is True
    assert store.respondents(aid)["answered"].tolist() == [1]


# -- anonymity modes -------------------------------------------------------------------------------------------

def test_identified_keeps_the_name_on_the_respondent(store, aid):
    store.set_survey(aid, anonymity="identified")
    token = store.invite(aid, [ADA])[0].token
    store.save_draft(token, {"G1": 3}, {})
    assert store.submit(token)
    people = store.respondents(aid)
    assert people["name"].tolist() == ["Ada Lovelace"]
    assert store.invitations(aid)["respondent"].tolist() == people["label"].tolist()


def test_anonymous_leaves_nothing_linking_an_answer_to_an_invitation_or_a_name(store, aid):
    store.set_survey(aid, anonymity="anonymous")
    tokens = _tokens(store.invite(aid, [ADA, GRACE]))
    ada = tokens["ada@example.org"]
    store.consent(ada)
    store.save_draft(ada, {"G1": 5, "G4": 2}, {"gov": "Fine"})
    store.mark_reminded([1])
    assert store.invitation(ada).anonymity == "anonymous"
    assert store.submit(ada) is True
    today = dt.datetime.combine(dt.datetime.now(dt.UTC).date(), dt.time())
    with store._engine.connect() as conn:
        metadata = sa.MetaData()
        metadata.reflect(conn)
        # No column of the invitation tables references a respondent or an answer but invitations.respondent_id,
        # which is empty; nothing references an invitation from the respondents' side.
        for table in metadata.sorted_tables:
            for fk in table.foreign_keys:
                if fk.column.table.name in ("invitations", "invitation_tokens"):
                    assert table.name in ("invitations", "invitation_tokens"), (table.name, fk)
                if table.name in ("invitations", "invitation_tokens") and fk.column.table.name in (
                        "respondents", "answers"):
                    assert fk.parent.name == "respondent_id"
        invitation = dict(conn.execute(sa.select(metadata.tables["invitations"])
                                       .where(metadata.tables["invitations"].c.id == 1)).one()._mapping)
        respondent = dict(conn.execute(sa.select(metadata.tables["respondents"])).one()._mapping)
        answers = [dict(r._mapping) for r in conn.execute(sa.select(metadata.tables["answers"]))]
        tokens_left = conn.execute(sa.select(metadata.tables["invitation_tokens"].c.invitation_id)).scalars().all()
    assert invitation["status"] == "submitted" and invitation["respondent_id"] is None and invitation["draft"] is None
    for column in ("submitted_at", "consented_at", "reminded_at", "created_at"):
        assert invitation[column] == today, column  # coarsened to the day
    assert tokens_left == [2]  # the submitted invitation's token is gone; Grace's still works
    # The respondent: a random label, no name, times to the day.
    assert re.fullmatch(r"web-[0-9a-f]{8}", respondent["label"]) and respondent["name"] is None
    assert respondent["created_at"] == today and respondent["role"] == "executive"
    assert {a["updated_at"] for a in answers} == {today}
    assert sorted((a["item"], a["value"], a["comment"]) for a in answers) == [("G1", 5, "Fine"), ("G4", 2, None)]
    # The label is not derived from the invitation: not its key, id or token, nor any hash of them.
    for source in ("ada@example.org", "1", ada, hashlib.sha256(ada.encode()).hexdigest()):
        assert respondent["label"][4:] not in source
    # Nothing on the respondent's side names Ada.
    for table, column, value in _every_text(store):
        if table in ("respondents", "answers"):
            assert "Ada" not in value and "ada@" not in value.lower(), (table, column)
    assert store.invitations(aid)["respondent"].tolist() == [None, None]


@pytest.mark.parametrize("mode", ["identified", "confidential"])
def test_the_anonymity_mode_cannot_change_once_someone_consented(store, aid, mode):
    assert mode in ANONYMITY
    store.set_survey(aid, anonymity=mode)
    token = store.invite(aid, [ADA])[0].token
    store.set_survey(aid, anonymity="anonymous")  # nobody has seen the promise yet: it may still change
    store.set_survey(aid, anonymity=mode)
    store.consent(token)  # consented, nothing saved or sent
    store.set_survey(aid, anonymity=mode, contact="jo@example.org")  # the same mode: fine
    for other in ANONYMITY:
        if other != mode:
            with pytest.raises(StoreError, match=f"assessment 1 is {mode} and 1 person.* consented under that "
                                                 "promise; its anonymity can no longer change"):
                store.set_survey(aid, anonymity=other)
    assert store.survey(aid) == (mode, {"contact": "jo@example.org"})


def test_set_survey_merges_the_welcome_text_and_checks_its_values(store, aid):
    store.set_survey(aid, sender="Jo", purpose="Why", contact="jo@example.org", closes_on=LATER.isoformat())
    store.set_survey(aid, purpose="", contact="desk@example.org")  # blank removes; None keeps
    assert store.survey(aid) == ("confidential", {"sender": "Jo", "contact": "desk@example.org",
                                                  "closes_on": LATER.isoformat()})
    with pytest.raises(StoreError, match="anonymity 'secret' is not one of identified, confidential, anonymous"):
        store.set_survey(aid, anonymity="secret")
    with pytest.raises(StoreError, match="closes_on '24/12/2026' is not a date; expected a date as YYYY-MM-DD from "
                                         "1950 to 2150"):
        store.set_survey(aid, closes_on="24/12/2026")
    with pytest.raises(StoreError, match="no assessment 7"):
        store.set_survey(7, sender="x")
    store.set_survey(aid, sender="", contact="", closes_on="")
    assert store.survey(aid) == ("confidential", {})


# -- tracking and reminders ------------------------------------------------------------------------------------

def test_invitation_status_counts_by_role_and_the_response_rate(store, aid):
    people = [Person("executive", f"E{n}") for n in range(4)] + [Person("pmo_staff", f"S{n}") for n in range(2)]
    tokens = [i.token for i in store.invite(aid, people)]
    for token in tokens[:3]:  # 3 executives start, 2 of them submit; 1 PMO staff submits
        store.save_draft(token, {"G1": 3}, {})
    store.save_draft(tokens[4], {"S2": 1}, {})
    for token in (tokens[0], tokens[1], tokens[4]):
        store.submit(token)
    status = store.invitation_status(aid)
    assert status["role"].tolist() == ["executive", "pmo_staff", "project_manager", "total"]
    assert status["label"].tolist() == ["Executive", "PMO staff", "Project manager", "Total"]
    assert status["invited"].tolist() == [4, 2, 0, 6]
    assert status["started"].tolist() == [3, 1, 0, 4]  # began answering, the submitted ones included
    assert status["submitted"].tolist() == [2, 1, 0, 3]
    rates = status["response_rate"].tolist()
    assert rates[0] == 0.5 and rates[1] == 0.5 and pd.isna(rates[2]) and rates[3] == 0.5


def test_reissue_gives_fresh_tokens_that_work_beside_the_old_ones_and_skips_the_submitted(store, aid):
    first = _tokens(store.invite(aid, [ADA, GRACE]))
    store.save_draft(first["grace hopper"], {"G1": 2}, {})
    store.submit(first["grace hopper"])
    fresh = store.reissue([1, 2])
    assert [(i.invitation_id, i.person) for i in fresh] == [(1, Person("executive", "Ada Lovelace", "Ada@Example.org",
                                                                        "en", "ada@example.org"))]
    assert fresh[0].token != first["ada@example.org"]
    assert store.invitation(fresh[0].token).id == store.invitation(first["ada@example.org"]).id == 1
    store.mark_reminded([1, 2])
    store.mark_reminded([1])
    frame = store.invitations(aid)
    assert frame["reminders"].tolist() == [2, 0] and frame["reminded_at"].notna().tolist() == [True, False]
    store.save_draft(first["ada@example.org"], {"G1": 5}, {})
    assert store.submit(fresh[0].token) is True and store.submit(first["ada@example.org"]) is False
    with pytest.raises(StoreError, match="no invitation 5"):
        store.reissue([1, 5])


# -- data-protection requests ----------------------------------------------------------------------------------

def _identifying(store: Store, *needles: str) -> list[tuple[str, str]]:
    return [(table, column) for table, column, value in _every_text(store)
            if any(n.casefold() in value.casefold() for n in needles)]


def test_forget_respondent_leaves_nothing_identifying_and_keeps_the_counts(store, aid):
    store.set_survey(aid, anonymity="identified")
    tokens = _tokens(store.invite(aid, [ADA, GRACE]))
    store.save_draft(tokens["ada@example.org"], {"G1": 4}, {"gov": "ok"})
    store.submit(tokens["ada@example.org"])
    store.save_draft(tokens["grace hopper"], {"G1": 2}, {})
    store.submit(tokens["grace hopper"])
    assert _identifying(store, "Ada Lovelace", "ada@example.org")  # before: the invitation and the respondent
    ada = int(store.respondents(aid).set_index("name").at["Ada Lovelace", "respondent_id"])
    store.forget_respondent(ada)
    assert _identifying(store, "Ada Lovelace", "Lovelace", "ada@example.org") == []
    assert store.respondents(aid)["name"].tolist() == ["Grace Hopper"]
    assert store.invitation_status(aid)["submitted"].tolist() == [1, 1, 0, 2]
    row = store.invitations(aid).iloc[0]
    assert (row["role"], row["status"], row["name"], row["email"], row["respondent"]) == (
        "executive", "submitted", None, None, None)
    with pytest.raises(StoreError, match=f"no respondent {ada}"):
        store.forget_respondent(ada)


def test_anonymise_leaves_nothing_identifying(store, aid, aud):
    store.set_survey(aid, anonymity="identified")
    tokens = _tokens(store.invite(aid, [ADA, GRACE]))
    store.save_draft(tokens["ada@example.org"], {"G1": 4}, {})
    store.submit(tokens["ada@example.org"])
    store.save_draft(tokens["grace hopper"], {"G1": 2}, {"gov": "draft"})  # not submitted yet
    imported = store.add_respondent(aid, "executive", label="Alan", name="Alan Turing")
    store.save_answer(imported, "G2", 5)
    with pytest.raises(StoreError, match="^assessment 1 is open; close it first: store close 1$"):
        store.anonymise(aid)
    assert store.survey(aid)[0] == "identified"
    store.close_assessment(aid)  # identified: drafts are kept on close ...
    assert store.invitations(aid)["status"].tolist() == ["submitted", "started"]
    store.anonymise(aid)  # ... and anonymise deletes them
    assert _identifying(store, "Ada Lovelace", "ada@example.org", "Grace Hopper", "Alan Turing", "Alan") == []
    assert store.survey(aid)[0] == "anonymous"
    people = store.respondents(aid)
    assert people["name"].tolist() == [None, None]
    assert all(re.fullmatch(r"web-[0-9a-f]{8}", label) for label in people["label"])
    assert store.invitations(aid)["respondent"].tolist() == [None, None]
    for row in _rows(store, "invitations") + _rows(store, "respondents"):
        for column in ("created_at", "consented_at", "started_at", "submitted_at", "reminded_at"):
            if row.get(column) is not None:
                assert row[column].time() == dt.time(), column
    assert {r["updated_at"].time() for r in _rows(store, "answers")} == {dt.time()}
    # Once reopened, Grace's link works again; her draft went, and her answers are now anonymous.
    store.reopen_assessment(aid)
    assert store.invitation(tokens["grace hopper"]).draft == {"answers": {}, "comments": {}}
    store.save_draft(tokens["grace hopper"], {"G1": 1}, {})
    assert store.submit(tokens["grace hopper"]) and len(store.respondents(aid)) == 3
    assert store.invitations(aid)["respondent"].tolist() == [None, None]


# -- migration 0006 --------------------------------------------------------------------------------------------

def test_migration_0006_downgrades_and_upgrades_keeping_assessments_and_answers(db_url, aud):
    with Store(db_url) as store:
        aid = store.create_assessment("Org", "PMO", aud)
        rid = store.add_respondent(aid, "executive")
        store.save_answers(rid, {"G1": (4, "kept"), "G2": (DONT_KNOW, None)})
        store.set_survey(aid, anonymity="anonymous", sender="Jo")
        store.invite(aid, [ADA])
    engine = sa.create_engine(db_url)
    try:
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0005")
        with engine.connect() as conn:
            tables = set(sa.inspect(conn).get_table_names())
            columns = {c["name"] for c in sa.inspect(conn).get_columns("assessments")}
        assert not {"invitations", "invitation_tokens"} & tables and not {"anonymity", "survey"} & columns
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
    finally:
        engine.dispose()
    with Store(db_url) as store:
        store.use_instrument(aud)
        assert store.answers(rid) == {"G1": (4, "kept"), "G2": (DONT_KNOW, None)}
        assert store.survey(aid) == ("confidential", {})  # the default for every assessment it finds
        assert store.invitations(aid).empty
        with store._engine.connect() as conn, pytest.raises(sa.exc.IntegrityError):
            conn.execute(sa.text("UPDATE assessments SET anonymity = 'public'"))


# -- the report's data basis -----------------------------------------------------------------------------------

EXECUTIVE_ITEMS = {item: 4 for item in ("G1", "G2", "G3", "G4", "S1", "P1", "P2", "P3", "P4", "P5")}


@pytest.mark.parametrize(("mode", "size"), [("confidential", 1), ("anonymous", 5)])
def test_report_input_carries_the_invited_by_role_into_the_data_basis(store, aid, aud, tmp_path, mode, size):
    import yaml

    from pmo_workbench.assessment.narrative import data_basis
    from pmo_workbench.assessment.report import positioning_input
    from pmo_workbench.store import report_input

    store.set_survey(aid, anonymity=mode)
    people = [Person("executive", f"E{n}") for n in range(3)] + [Person("pmo_staff", f"S{n}") for n in range(2)]
    tokens = [i.token for i in store.invite(aid, people)]
    for token in tokens[:2]:  # two executives answer all 10 items put to them
        store.save_draft(token, EXECUTIVE_ITEMS, {})
        store.submit(token)
    given = report_input(store, aid, tmp_path, instrument=aud)
    entry = yaml.safe_load(given.engagement.read_text(encoding="utf-8"))["pmos"][0]
    assert entry == {"organisation": "Org", "pmo": "PMO", "invited": {"executive": 3, "pmo_staff": 2},
                     "submitted": {"executive": 2, "pmo_staff": 0}, "anonymity": mode}
    if mode == "anonymous":  # 2 anonymous respondents, fewer than 5: no report at all
        with pytest.raises(InputValidationError, match="2 respondents answered anonymously, fewer than the minimum"):
            positioning_input(given.responses, "Org", instrument=given.instrument, engagement=given.engagement)
        store.save_answer(store.add_respondent(aid, "pmo_staff", label="imported"), "S1", 3)
        store.save_answer(store.add_respondent(aid, "pmo_staff", label="imported-2"), "S1", 3)
        store.save_answer(store.add_respondent(aid, "pmo_staff", label="imported-3"), "S1", 3)
        given = report_input(store, aid, tmp_path, instrument=aud)
    data = positioning_input(given.responses, "Org", instrument=given.instrument, engagement=given.engagement,
                             min_group_size=1)
    assert data.min_group_size == size
    # 2 of 3 + 2 = 5 invited (40%); with groups of 5 both roles (2 executives, 3 imported PMO staff) go together;
    # anonymous: 2 x 10 + 3 x 1 answered of 2 x 10 + 3 x 11 put to them = 23 of 53 = 43%.
    assert data_basis(data.pmos[0], data.instrument, data.min_group_size) == (
        "2 of 5 people invited (40%) answered: " + ("Executive 2 of 3, PMO staff 0 of 2. They answered 100%" if
                                                    size == 1 else "2 of 5 in roles too small to show apart; plus 3 "
                                                    "respondents who answered by other means. They answered 43%")
        + " of the items put to them on the scale.")


def test_report_input_of_an_anonymised_assessment_without_invitations_keeps_groups_of_5(store, aid, aud, tmp_path):
    import yaml

    from pmo_workbench.store import report_input

    rid = store.add_respondent(aid, "executive")
    store.save_answer(rid, "G1", 3)
    assert report_input(store, aid, tmp_path, instrument=aud).engagement is None  # nothing to say: no file, as before
    store.close_assessment(aid)
    store.anonymise(aid)
    written = report_input(store, aid, tmp_path, instrument=aud).engagement
    entry = yaml.safe_load(written.read_text(encoding="utf-8"))["pmos"][0]
    assert entry == {"organisation": "Org", "pmo": "PMO", "anonymity": "anonymous"}


@pytest.mark.slow
def test_the_positioning_report_of_a_stored_assessment_gives_the_response_rate(db_url, core, tmp_path):
    from typer.testing import CliRunner

    from pmo_workbench.cli import app

    first, second = core.roles[0], core.roles[1]
    with Store(db_url) as store:
        aid = store.create_assessment("Rate Org", "Rate PMO", core)
        people = [Person(first.id, f"A{n}") for n in range(4)] + [Person(second.id, f"B{n}") for n in range(2)]
        tokens = [i.token for i in store.invite(aid, people)]
        asked = core.asked.loc[first.id]
        for token in tokens[:3]:  # three of the four people of the first role answer every item put to them
            assert store.save_draft(token, {item: 4 for item in asked.index[asked.to_numpy(bool)]}, {})
            assert store.submit(token)
    result = CliRunner().invoke(app, ["report", "positioning", "--store", db_url, "--assessment", str(aid),
                                      "--out", str(tmp_path), "--format", "html"])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "rate-org-positioning.html").read_text(encoding="utf-8")
    # 3 of 4 + 2 = 6 invited: 50%.
    assert (f"3 of 6 people invited (50%) answered: {first.label} 3 of 4, {second.label} 0 of 2. They answered 100% "
            "of the items put to them on the scale.") in page
