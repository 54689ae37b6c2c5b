"""Who a person is, once they answered anonymously or asked to be forgotten: one-way keys that still recognise
them on a re-run of the people file, forgetting people who never answered, people without name or e-mail, a
changed role, and the SQLite files after forget and anonymise. Every store test runs on SQLite and on PostgreSQL
(``db_url``).

The audience instrument (tests/audience_instrument.py): roles executive, pmo_staff, project_manager; G1 is put to
every role.
"""

from __future__ import annotations

import hashlib

import pytest

from pmo_workbench.errors import StoreError
from pmo_workbench.store import Person, Store


ADA = Person("executive", "Ada Lovelace", "Ada@Example.org", "en")
GRACE = Person("pmo_staff", "Grace Hopper", "grace@example.org")


def _texts(store: Store) -> list[str]:
    """Every text value of every table, found by reflection."""
    import sqlalchemy as sa

    with store._engine.connect() as conn:
        metadata = sa.MetaData()
        metadata.reflect(conn)
        return [v for t in metadata.sorted_tables for r in conn.execute(sa.select(t)) for v in r if isinstance(v, str)]


def _identifying(store: Store, *needles: str) -> list[str]:
    return [v for v in _texts(store) if any(n.casefold() in v.casefold() for n in needles)]


def _key(aid: int, key: str) -> str:
    return hashlib.sha256(f"person:{aid}:{key}".encode()).hexdigest()


def _invitation_row(store: Store, invitation_id: int) -> dict:
    import sqlalchemy as sa

    from pmo_workbench.store.schema import _INV

    with store._engine.connect() as conn:
        return dict(conn.execute(sa.select(_INV).where(_INV.c.id == invitation_id)).one()._mapping)


def test_an_anonymous_submission_keeps_a_one_way_key_that_still_recognises_the_person(store, aid):
    store.set_survey(aid, anonymity="anonymous")
    tokens = {i.person.key: i.token for i in store.invite(aid, [ADA, GRACE])}
    store.save_draft(tokens["ada@example.org"], {"G1": 4}, {"gov": "fine"})
    assert store.submit(tokens["ada@example.org"])
    row = _invitation_row(store, 1)
    assert (row["name"], row["email"], row["language"], row["status"], row["respondent_id"]) == (
        None, None, None, "submitted", None)
    assert row["person_key"] == "sealed " + _key(aid, "ada@example.org")
    assert _identifying(store, "Lovelace", "ada@") == []
    # The same file again: Ada is recognised (nobody twice); her e-mail in any case finds her invitation.
    assert store.invite(aid, [Person("executive", "Ada Lovelace", "ADA@example.org"), GRACE]) == []
    assert store.invitation_status(aid)["invited"].tolist() == [1, 1, 0, 2]
    assert store.invitation_of(aid, " ada@EXAMPLE.org ") == 1 and store.invitation_of(aid, "grace hopper") is None
    assert store.invitation_of(aid, "grace@example.org") == 2
    # Forgetting her now: the key stays one-way, the counts stay, nothing identifying anywhere.
    store.forget_invitation(1)
    assert _invitation_row(store, 1)["person_key"] == "forgotten " + _key(aid, "ada@example.org")
    assert store.invitation_status(aid)["submitted"].tolist() == [1, 0, 0, 1]
    assert store.invitation_of(aid, "ada@example.org") == 1


def test_forgetting_someone_who_never_answered_revokes_the_links_and_keeps_them_out_of_later_runs(store, aid):
    issued = store.invite(aid, [ADA, GRACE])
    token = issued[0].token
    store.consent(token)
    store.save_draft(token, {"G1": 2}, {"gov": "Ada's draft"})
    store.forget_invitation(1)
    assert _identifying(store, "Lovelace", "ada@") == []
    assert store.invitation(token) is None and not store.submit(token)  # the link stopped working
    assert [i.invitation_id for i in store.reissue([1, 2])] == [2]  # no reminder to a forgotten person
    frame = store.invitations(aid)
    assert frame[["role", "status", "name", "email", "language"]].values.tolist() == [
        ["executive", "started", None, None, None], ["pmo_staff", "invited", "Grace Hopper", "grace@example.org", None]]
    # The usual re-run with the same file plus a new person: the forgotten person is left out, and said to be.
    alan = Person("executive", "Alan Turing", "alan@example.org")
    assert [i.person.key for i in store.invite(aid, [ADA, GRACE, alan])] == ["alan@example.org"]
    assert store.forgotten(aid, [ADA, GRACE, alan]) == [ADA]
    assert store.invitation_status(aid)["invited"].tolist() == [2, 1, 0, 3]
    assert _identifying(store, "Lovelace", "ada@") == []
    # Asked to take part after all: the same invitation becomes a fresh one (counted once).
    again = store.invite(aid, [ADA, GRACE], include_forgotten=True)
    assert [(i.invitation_id, i.person.key) for i in again] == [(1, "ada@example.org")]
    assert store.invitation(again[0].token).draft == {"answers": {}, "comments": {}}
    assert store.invitations(aid).loc[0, ["name", "status"]].tolist() == ["Ada Lovelace", "invited"]
    assert store.invitation_status(aid)["invited"].tolist() == [2, 1, 0, 3]
    assert store.forgotten(aid, [ADA]) == []


def test_a_forgotten_respondent_is_not_invited_again_nor_counted_twice(store, aid):
    tokens = {i.person.key: i.token for i in store.invite(aid, [ADA, GRACE])}
    store.save_draft(tokens["ada@example.org"], {"G1": 4}, {})
    store.submit(tokens["ada@example.org"])
    store.forget_respondent(int(store.respondents(aid)["respondent_id"].iloc[0]))
    assert store.invite(aid, [ADA, GRACE]) == []
    status = store.invitation_status(aid)
    assert status["invited"].tolist() == [1, 1, 0, 2] and status["submitted"].tolist() == [1, 0, 0, 1]
    with pytest.raises(StoreError, match="^no invitation 9 in "):
        store.forget_invitation(9)


def test_people_without_name_or_email_are_new_on_every_run(store, aid):
    team = store.invite(aid, [Person("project_manager")] * 3)
    executives = store.invite(aid, [Person("executive")] * 4)  # another file: rows 2-4 are other people
    assert (len(team), len(executives)) == (3, 4)
    assert store.invitation_status(aid)["invited"].tolist() == [4, 0, 3, 7]
    assert store.forgotten(aid, [Person("executive")]) == []


def test_a_changed_role_is_refused_naming_the_row(store, aid):
    store.invite(aid, [ADA, GRACE])
    moved = [Person("executive", "Grace Hopper", "grace@example.org", row=2),
             Person("project_manager", "Ada", "ada@example.org", row=3),
             Person("executive", "Alan Turing", "alan@example.org", row=4)]
    with pytest.raises(StoreError) as raised:
        store.invite(aid, moved)
    assert str(raised.value) == (
        "row 2, column role: 'executive', but this person was invited as 'pmo_staff' (and is counted and asked as "
        "one); row 3, column role: 'project_manager', but this person was invited as 'executive' (and is counted "
        "and asked as one); an invitation's role does not change: give the role it was invited with; nobody was "
        "invited")
    assert store.invitation_status(aid)["invited"].tolist() == [1, 1, 0, 2]  # Alan was not invited either


def test_anonymise_seals_the_keys_so_a_rerun_after_reopening_adds_nobody(store, aid):
    store.invite(aid, [ADA, GRACE])
    store.forget_invitation(2)
    store.close_assessment(aid)
    store.anonymise(aid)
    assert [_invitation_row(store, i)["person_key"] for i in (1, 2)] == [
        "sealed " + _key(aid, "ada@example.org"), "forgotten " + _key(aid, "grace@example.org")]
    store.reopen_assessment(aid)
    assert store.invite(aid, [ADA, GRACE]) == [] and store.forgotten(aid, [ADA, GRACE]) == [GRACE]


@pytest.mark.parametrize("request_", ["forget", "anonymise"])
def test_forget_and_anonymise_leave_no_old_value_in_the_sqlite_files(tmp_path, aud, request_):
    path = tmp_path / "survey.db"
    with Store(f"sqlite:///{path}") as store:
        aid = store.create_assessment("Org", "PMO", aud)
        store.set_survey(aid, anonymity="identified")
        issued = store.invite(aid, [ADA, GRACE])
        for n, one in enumerate(issued):
            store.save_draft(one.token, {"G1": 3}, {"gov": f"remark number {n}"})
            store.submit(one.token)
        files = [path, path.with_name(path.name + "-wal")]
        assert any(b"Lovelace" in f.read_bytes() for f in files)
        if request_ == "forget":
            store.forget_invitation(store.invitation_of(aid, "ada@example.org"))
            gone = (b"Lovelace", b"Ada@Example.org", b"ada@example.org", b"remark number 0")  # her answers too
        else:
            store.close_assessment(aid)
            store.anonymise(aid)
            gone = (b"Lovelace", b"ada@example.org", b"Hopper", b"grace@example.org")  # the remarks stay
        assert store.checkpoint()
        # The store is still open (as a running web app keeps it): neither file holds the old values.
        for f in files:
            data = f.read_bytes() if f.exists() else b""
            assert [g for g in gone if g in data] == [], f.name


def test_after_forget_the_reports_invited_count_is_the_status_count(store, aid, aud, tmp_path):
    import yaml

    from pmo_workbench.store import report_input

    alan = Person("executive", "Alan Turing", "alan@example.org")
    tokens = {i.person.key: i.token for i in store.invite(aid, [ADA, GRACE, alan])}
    for key in ("ada@example.org", "alan@example.org"):
        store.save_draft(tokens[key], {"G1": 4}, {})
        store.submit(tokens[key])
    store.forget_respondent(int(store.respondents(aid)["respondent_id"].iloc[0]))  # answered, then forgotten
    store.forget_invitation(store.invitation_of(aid, "grace@example.org"))  # never answered
    status = store.invitation_status(aid).set_index("role")
    assert status.loc["total", ["invited", "submitted"]].tolist() == [3, 2]
    entry = yaml.safe_load(report_input(store, aid, tmp_path, instrument=aud).engagement.read_text("utf-8"))
    invited = entry["pmos"][0]["invited"]
    assert invited == {"executive": 2, "pmo_staff": 1}
    assert entry["pmos"][0].get("submitted", {"executive": 2, "pmo_staff": 0}) == {"executive": 2, "pmo_staff": 0}


def test_an_anonymous_or_anonymised_assessment_stays_anonymous_once_it_holds_answers(store, aid, aud):
    store.set_survey(aid, anonymity="anonymous")
    store.invite(aid, [ADA])
    store.set_survey(aid, anonymity="identified")  # nobody consented nor answered yet: still free to choose
    store.set_survey(aid, anonymity="anonymous")
    store.close_assessment(aid)
    store.anonymise(aid)  # anonymised: final, though nobody ever consented
    message = ("^assessment 1 is anonymous and holds answers or invitations kept under that promise (or was "
               "anonymised); it stays anonymous$")
    with pytest.raises(StoreError, match=message.replace("(", r"\(").replace(")", r"\)")):
        store.set_survey(aid, anonymity="identified")
    other = store.create_assessment("Org", "PMO 2", aud)
    store.set_survey(other, anonymity="anonymous")
    store.save_answer(store.add_respondent(other, "executive", label="r1"), "G1", 3)  # answers kept under it
    with pytest.raises(StoreError, match="it stays anonymous"):
        store.set_survey(other, anonymity="confidential")
    assert store.survey(aid)[0] == store.survey(other)[0] == "anonymous"
