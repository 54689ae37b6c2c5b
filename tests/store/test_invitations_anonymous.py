"""What an anonymous assessment keeps while people answer and after they submit, and the limits on answering
(closing date, control characters). Every test runs on SQLite and on PostgreSQL (``db_url``).

The audience instrument (tests/audience_instrument.py): dimensions gov (G1-G4), sup (S1, S2; S2 asked of PMO staff
only) and ppl (P1-P5) on a 1-5 scale; roles executive, pmo_staff, project_manager.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
import sqlalchemy as sa

from pmo_workbench.errors import StoreError
from pmo_workbench.store import Person, Store


ADA = Person("executive", "Ada Lovelace", "ada@example.org")
ALAN = Person("executive", "Alan Turing", "alan@example.org")
GRACE = Person("pmo_staff", "Grace Hopper", "grace@example.org")
NAMES = ("Ada", "Lovelace", "ada@", "Alan", "Turing", "alan@", "Grace", "Hopper", "grace@")


def _today() -> dt.datetime:
    return dt.datetime.combine(dt.datetime.now(dt.UTC).date(), dt.time())


def _tables(store: Store) -> dict[str, list[dict]]:
    """Every row of every table (found by reflection), by table name."""
    with store._engine.connect() as conn:
        metadata = sa.MetaData()
        metadata.reflect(conn)
        return {t.name: [dict(r._mapping) for r in conn.execute(sa.select(t))] for t in metadata.sorted_tables}


def _columns_referring_to(store: Store, tables: set[str]) -> set[tuple[str, str]]:
    with store._engine.connect() as conn:
        metadata = sa.MetaData()
        metadata.reflect(conn)
    return {(fk.parent.table.name, fk.parent.name) for t in metadata.sorted_tables for fk in t.foreign_keys
            if fk.column.table.name in tables}


def _draft_key(token: str) -> str:
    return hashlib.sha256(b"draft:" + token.encode()).hexdigest()


def test_an_anonymous_draft_is_kept_apart_from_the_invitation_and_each_link_resumes_its_own(store, aid):
    store.set_survey(aid, anonymity="anonymous")
    ada = store.invite(aid, [ADA])[0].token
    assert store.consent(ada) and store.save_draft(ada, {"G1": 4}, {"gov": "My boss ignores the PMO"}, page=1)
    assert store.save_draft(ada, {"G2": "DK"}, {}, page=2)
    assert store.invitation(ada).draft == {"answers": {"G1": 4, "G2": "DK"},
                                           "comments": {"gov": "My boss ignores the PMO"}, "page": 2}
    assert store.save_draft(ada, {"G3": 1}, {}) and store.invitation(ada).draft["page"] == 2  # kept when not given
    rows = _tables(store)
    (invitation,) = rows["invitations"]
    assert invitation["draft"] is None and invitation["status"] == "started"
    assert invitation["consented_at"] == invitation["started_at"] == _today()  # the day only
    (draft,) = rows["drafts"]
    assert set(draft) == {"key", "assessment_id", "role", "draft", "updated_at"}  # nothing naming the invitation
    assert draft["key"] == _draft_key(ada) != hashlib.sha256(ada.encode()).hexdigest()
    assert (draft["assessment_id"], draft["role"], draft["updated_at"]) == (aid, "executive", _today())
    assert json.loads(draft["draft"])["comments"] == {"gov": "My boss ignores the PMO"}
    assert _columns_referring_to(store, {"invitations", "invitation_tokens"}) == {
        ("invitation_tokens", "invitation_id")}
    # A reminder's new link starts a fresh draft; the first link still resumes its own.
    fresh = store.reissue([1])[0].token
    assert store.invitation(fresh).draft == {"answers": {}, "comments": {}}
    assert store.invitation(ada).draft["answers"] == {"G1": 4, "G2": "DK", "G3": 1}


def test_an_identified_draft_keeps_its_page_on_the_invitation(store, aid):
    token = store.invite(aid, [ADA])[0].token
    assert store.save_draft(token, {"G1": 2}, {}, page=3)
    assert store.invitation(token).draft == {"answers": {"G1": 2}, "comments": {}, "page": 3}
    assert _tables(store)["drafts"] == []


def test_after_anonymous_submissions_and_the_close_nothing_links_an_answer_to_an_invitation(store, aid):
    store.set_survey(aid, anonymity="anonymous")
    ada, alan, grace = (i.token for i in store.invite(aid, [ADA, ALAN, GRACE]))
    for token, answers in ((ada, {"G1": 5}), (alan, {"G1": 1, "G2": 2}), (grace, {"S2": "n/a"})):
        store.consent(token)
        store.save_draft(token, answers, {"gov": "Said in confidence"}, page=1)
    store.mark_reminded([2])
    assert store.submit(ada) and store.submit(alan)
    assert len(_tables(store)["drafts"]) == 1  # Grace's, not sent
    store.close_assessment(aid)
    rows = _tables(store)
    assert rows["drafts"] == []  # closing an anonymous assessment deletes what was not sent
    assert store.invitations(aid)["status"].tolist() == ["submitted", "submitted", "started"]
    # No column of the answering side refers to an invitation, and the invitations refer to no respondent.
    assert _columns_referring_to(store, {"invitations", "invitation_tokens"}) == {
        ("invitation_tokens", "invitation_id")}
    assert all(i["respondent_id"] is None and i["draft"] is None for i in rows["invitations"])
    # Every time is a day; the respondents' and answers' ids are random (no submission order).
    submitted = [r for r in rows["invitations"] if r["status"] == "submitted"]
    times = [v for r in (*submitted, *rows["respondents"], *rows["answers"]) for k, v in r.items()
             if k.endswith("_at") and v is not None]
    times += [r[k] for r in rows["invitations"] for k in ("consented_at", "started_at")]
    assert times and all(t == _today() for t in times)
    assert all(r["id"] >= 2**30 for t in ("respondents", "answers") for r in rows[t])
    # No value of a respondent or an answer is found on an invitation or a token, but the assessment and the role.
    invitation_values = {v for t in ("invitations", "invitation_tokens") for r in rows[t] for v in r.values()}
    for table in ("respondents", "answers"):
        for row in rows[table]:
            shared = {k for k, v in row.items()
                      if v is not None and not isinstance(v, bool | dt.datetime) and v in invitation_values}
            assert shared <= {"assessment_id", "role", "value"}, (table, shared)  # value: 1 and 2 are small ints
            assert not any(n.casefold() in str(v).casefold() for v in row.values() for n in NAMES), row
    # Nothing named sits beside an answer or a comment anywhere.
    for table, table_rows in rows.items():
        for row in table_rows:
            text = " ".join(str(v) for v in row.values())
            assert not ("Said in confidence" in text and any(n in text for n in NAMES)), table


def test_on_postgresql_the_respondent_does_not_share_the_invitations_transaction_id(db_url, aud):
    if not db_url.startswith("postgresql"):
        pytest.skip("xmin is a PostgreSQL system column")
    with Store(db_url) as store:
        aid = store.create_assessment("Org", "PMO", aud)
        store.set_survey(aid, anonymity="anonymous")
        ada, alan, grace = (i.token for i in store.invite(aid, [ADA, ALAN, GRACE]))
        for token in (ada, alan, grace):
            store.save_draft(token, {"G1" if token != grace else "S2": 3}, {})
        with store._engine.connect() as conn:  # an answer in progress: its row and the invitation's apart
            drafts = conn.execute(sa.text("SELECT count(*) FROM invitations i JOIN drafts d ON d.xmin = i.xmin"))
            assert drafts.scalar() == 0
        assert store.submit(ada) and store.submit(alan)
        with store._engine.connect() as conn:
            joined = conn.execute(sa.text(
                "SELECT count(*) FROM invitations i JOIN respondents r ON r.xmin = i.xmin")).scalar()
            answers = conn.execute(sa.text(
                "SELECT count(*) FROM invitations i JOIN answers a ON a.xmin = i.xmin")).scalar()
    assert (joined, answers) == (0, 0)


def test_closing_keeps_the_drafts_of_a_confidential_assessment_and_reopening_resumes_them(store, aid):
    token = store.invite(aid, [ADA])[0].token
    store.save_draft(token, {"G1": 4}, {})
    store.close_assessment(aid)
    assert store.invitation(token) is None and store.save_draft(token, {"G2": 1}, {}) is False
    store.reopen_assessment(aid)
    assert store.invitation(token).draft == {"answers": {"G1": 4}, "comments": {}}


def test_anonymous_draft_rows_go_with_the_submission_and_a_reopened_link_starts_afresh(store, aid):
    store.set_survey(aid, anonymity="anonymous")
    ada, alan = (i.token for i in store.invite(aid, [ADA, ALAN]))
    store.save_draft(ada, {"G1": 4}, {})
    store.save_draft(alan, {"G1": 2}, {})
    assert store.submit(ada) and [d["key"] for d in _tables(store)["drafts"]] == [_draft_key(alan)]
    store.close_assessment(aid)
    store.reopen_assessment(aid)
    assert store.invitation(alan).draft == {"answers": {}, "comments": {}}


def test_a_closing_date_ends_answering_after_that_day_and_cannot_be_in_the_past(store, aid):
    token = store.invite(aid, [ADA])[0].token
    today = dt.datetime.now(dt.UTC).date()
    store.set_survey(aid, closes_on=today)  # today is fine: links work until the end of the day
    assert store.save_draft(token, {"G1": 3}, {}) and store.invitation(token) is not None
    yesterday = today - dt.timedelta(days=1)
    with pytest.raises(StoreError, match=f"closes_on {yesterday} is in the past"):
        store.set_survey(aid, closes_on=yesterday)
    with store._engine.begin() as conn:  # the day has passed
        conn.execute(sa.text("UPDATE assessments SET survey = :s WHERE id = :a"),
                     {"s": json.dumps({"closes_on": yesterday.isoformat()}), "a": aid})
    assert store.invitation(token) is None
    assert store.consent(token) is False and store.save_draft(token, {"G2": 1}, {}) is False
    assert store.submit(token) is False
    assert store.invitations(aid)["status"].tolist() == ["started"] and len(store.respondents(aid)) == 0


@pytest.mark.parametrize("comment", ["pasted\x00text", "bell\x07", "escape\x1b[0m", "c1\x85control"])
def test_a_comment_with_a_control_character_is_refused_on_every_backend(store, aid, comment):
    token = store.invite(aid, [ADA])[0].token
    with pytest.raises(StoreError, match=r"the comment on Governance contains a control character \(U\+00"
                                         r"[0-9A-F]{2}\) that cannot be stored; remove it.*; nothing was saved$"):
        store.save_draft(token, {"G1": 2}, {"gov": comment})
    assert store.invitation(token).draft == {"answers": {}, "comments": {}}


def test_line_breaks_and_tabs_are_kept_in_a_comment_and_it_submits(store, aid):
    token = store.invite(aid, [ADA])[0].token
    assert store.save_draft(token, {"G1": 2}, {"gov": "first line\r\nsecond\tline"})  # a browser sends \r\n
    assert store.invitation(token).draft["comments"] == {"gov": "first line\nsecond\tline"}
    assert store.submit(token)
    assert store.responses(aid)["comment"].dropna().tolist() == ["first line\nsecond\tline"]
