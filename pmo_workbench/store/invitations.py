"""Invitations: one personal link per respondent, their progress, and what is kept of who answered.

:meth:`~InvitationMixin.invite` gives each person of a people file (:func:`~pmo_workbench.store.people.read_people`)
an invitation and a token; the token exists in clear only in the :class:`Issued` it returns (the store keeps its
SHA-256). A respondent then opens their link (:meth:`~InvitationMixin.invitation`), consents, saves a draft page
by page (:meth:`~InvitationMixin.save_draft`) and submits once (:meth:`~InvitationMixin.submit`), which turns the
draft into a respondent and answers like any other.

Each assessment has an anonymity mode (:data:`ANONYMITY`):

``identified``
    The respondent row carries the invitation's name; the invitation links to the respondent.
``confidential`` (the default)
    The invitation links to the respondent (the consultant can see who answered); the respondent has no name.
``anonymous``
    Nothing links an answer to an invitation: at submission the invitation records only that it was submitted,
    and on which day; the respondent has a random label, a random id and no name, and its times are kept to the
    day. Answers in progress are kept apart from the invitation (see :mod:`.drafts`) and deleted at submission
    and when the assessment closes. What this cannot hide (the role and the day; the database's own internals)
    is said in the README.

Respondents created from a submission are labelled ``web-`` and 8 random hex digits in every mode.
"""

from __future__ import annotations

import datetime as dt
import contextlib
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ..errors import StoreError
from .drafts import (
    COMMENT_MAX,
    EMPTY_SUBMISSION,
    WEB_LABEL,
    _answer_rows,
    _clean_comment,
    _comment_problem,
    _day,
    _dimensions_of,
    _dump_draft,
    _free_label,
    _iso_date,
    _load_draft,
    _open_assessment,
    _past_closing,
    draft_key,
    random_ids,
    token_hash,
)
from .people import FORGOTTEN, SEALED, Person, forgotten_key, language_code, person_key, sealed_key
from .protection import ProtectionMixin
from .schema import _ANS, _ASM, _DRAFT, _INV, _ORG, _PMO, _RESP, _TOK, ANONYMITY, _utcnow

SURVEY_KEYS = ("sender", "purpose", "contact", "closes_on")
"""What an assessment's welcome page may say (:meth:`InvitationMixin.set_survey`)."""

__all__ = ["ANONYMITY", "COMMENT_MAX", "EMPTY_SUBMISSION", "Invitation", "InvitationMixin", "Issued", "Person",
           "WEB_LABEL"]


@dataclass(frozen=True)
class Issued:
    """An invitation just issued, and its token: the only place a token exists in clear."""

    invitation_id: int
    person: Person
    token: str


@dataclass(frozen=True)
class Invitation:
    """What the respondent's pages need about a usable token (see :meth:`InvitationMixin.invitation`).

    ``survey`` is what the welcome page says (``{}`` when nothing was set); ``status`` is ``"invited"`` or
    ``"started"``; ``draft`` is ``{"answers": {item_id: int | "DK" | "n/a"}, "comments": {dimension_id: str}}``,
    with ``"page": n`` too once :meth:`InvitationMixin.save_draft` was given the page saved.
    """

    id: int
    assessment_id: int
    organisation: str
    pmo: str
    role: str
    language: str | None
    anonymity: str
    survey: dict
    status: str
    consented: bool
    draft: dict
    wave: str | None = None  # the assessment's wave label ("2026"), so a respondent can tell two years apart


_INVITATION_COLUMNS = ("id", "role", "name", "email", "language", "status", "created_at", "consented_at",
                       "started_at", "submitted_at", "reminded_at", "reminders", "respondent")
_TIME_COLUMNS = ("created_at", "consented_at", "started_at", "submitted_at", "reminded_at")


class InvitationMixin(ProtectionMixin):
    """:class:`~pmo_workbench.store.Store`'s invitations, drafts, submissions and (through
    :class:`~.protection.ProtectionMixin`) data-protection requests."""

    # -- the assessment's side ---------------------------------------------------------------------------
    def set_survey(self, assessment_id: int, *, anonymity: str | None = None, sender: str | None = None,
                   purpose: str | None = None, contact: str | None = None,
                   closes_on: dt.date | str | None = None) -> None:
        """Set an assessment's anonymity mode and what its welcome page says.

        A part given as ``None`` is left as it is; an empty text removes it. ``closes_on`` is a date (or
        ``YYYY-MM-DD``), today or later: after the end of that day (UTC) the links accept nothing more
        (:meth:`invitation` gives ``None``, :meth:`save_draft` and :meth:`submit` ``False``).

        Raises
        ------
        StoreError
            For an unknown assessment or mode, a date that is not one or is past, for changing the anonymity
            mode once someone consented to the promise it makes (:meth:`anonymise` makes a closed assessment
            anonymous), and for leaving ``anonymous`` once the assessment holds respondents or was anonymised.
        """
        if anonymity is not None and anonymity not in ANONYMITY:
            raise StoreError(f"anonymity '{anonymity}' is not one of {', '.join(ANONYMITY)}")
        given = {"sender": sender, "purpose": purpose, "contact": contact, "closes_on": closes_on}
        if closes_on is not None and closes_on != "":
            given["closes_on"] = _iso_date(closes_on, _utcnow().date())
        with self._write() as conn:
            row = conn.execute(sa.select(_ASM.c.anonymity, _ASM.c.survey).where(_ASM.c.id == assessment_id)).first()
            if row is None:
                raise StoreError(f"no assessment {assessment_id} in {self.url}")
            changes: dict = {}
            if anonymity is not None and anonymity != row.anonymity:
                engaged = conn.execute(sa.select(sa.func.count()).select_from(_INV).where(
                    _INV.c.assessment_id == assessment_id,
                    sa.or_(_INV.c.consented_at.is_not(None), _INV.c.status != "invited"))).scalar()
                if engaged:
                    raise StoreError(f"assessment {assessment_id} is {row.anonymity} and {engaged} person(s) "
                                     f"consented under that promise; its anonymity can no longer change "
                                     "(`store anonymise` makes a closed assessment anonymous, removing what "
                                     "identifies people)")
                if row.anonymity == "anonymous":  # final once answers are kept under it, or it was anonymised
                    held = conn.execute(sa.select(sa.func.count()).select_from(_RESP).where(
                        _RESP.c.assessment_id == assessment_id)).scalar() + conn.execute(
                        sa.select(sa.func.count()).select_from(_INV).where(
                            _INV.c.assessment_id == assessment_id, _INV.c.person_key.like(SEALED + "%"))).scalar()
                    if held:
                        raise StoreError(f"assessment {assessment_id} is anonymous and holds answers or invitations "
                                         "kept under that promise (or was anonymised); it stays anonymous")
                changes["anonymity"] = anonymity
            survey = json.loads(row.survey) if row.survey else {}
            for key, value in given.items():
                if value is None:
                    continue
                text = str(value).strip()
                if text:
                    survey[key] = text
                else:
                    survey.pop(key, None)
            changes["survey"] = json.dumps(survey, ensure_ascii=False, sort_keys=True) if survey else None
            conn.execute(sa.update(_ASM).where(_ASM.c.id == assessment_id).values(**changes))

    def survey(self, assessment_id: int) -> tuple[str, dict]:
        """An assessment's anonymity mode and welcome text (``{}`` when none was set)."""
        with self._read() as conn:
            row = conn.execute(sa.select(_ASM.c.anonymity, _ASM.c.survey).where(_ASM.c.id == assessment_id)).first()
        if row is None:
            raise StoreError(f"no assessment {assessment_id} in {self.url}")
        return row.anonymity, json.loads(row.survey) if row.survey else {}

    def close_assessment(self, assessment_id: int) -> None:
        """Close an assessment: no more answers; its links are refused (:meth:`invitation` gives ``None``).

        An anonymous assessment's answers in progress (its drafts) are deleted for good; in the other modes they
        are kept, and :meth:`reopen_assessment` lets each link resume its own.
        """
        with self._write() as conn:
            done = conn.execute(sa.update(_ASM).where(_ASM.c.id == assessment_id).values(status="closed"))
            if done.rowcount == 0:
                raise StoreError(f"no assessment {assessment_id} in {self.url}")
            mode = conn.execute(sa.select(_ASM.c.anonymity).where(_ASM.c.id == assessment_id)).scalar_one()
            if mode == "anonymous":
                conn.execute(sa.delete(_DRAFT).where(_DRAFT.c.assessment_id == assessment_id))
                conn.execute(sa.update(_INV).where(_INV.c.assessment_id == assessment_id,
                                                   _INV.c.draft.is_not(None)).values(draft=None))

    def reopen_assessment(self, assessment_id: int) -> None:
        """Open a closed assessment again: links not yet submitted work again."""
        with self._write() as conn:
            done = conn.execute(sa.update(_ASM).where(_ASM.c.id == assessment_id).values(status="open"))
            if done.rowcount == 0:
                raise StoreError(f"no assessment {assessment_id} in {self.url}")
    # -- invitations -----------------------------------------------------------------------------------------
    def invite(self, assessment_id: int, people: Sequence[Person], *,
               include_forgotten: bool = False) -> list[Issued]:
        """Invite the people not invited yet (by :attr:`Person.key`), in one transaction; one token each.

        A person without a key gets one from :func:`~pmo_workbench.store.people.person_key`: the e-mail, else the
        name, else a random one (such a person is new on every run). People already invited are left out of what
        is returned, also once their key was sealed (an anonymous submission, :meth:`anonymise`). A person
        forgotten at their request (:meth:`forget_invitation`) is left out too, unless ``include_forgotten``:
        then their forgotten invitation is made a fresh one (their earlier status no longer counts).
        :meth:`forgotten` tells which people of a list were forgotten.

        Raises
        ------
        StoreError
            For an unknown or closed assessment, a role the instrument does not have, two people with the same
            key, or a person invited already whose role differs from the one given now (each named by its row,
            column ``role``): an invitation's role does not change. Nothing is written then.
        """
        keyed = [p if p.key else replace(p, key=person_key(p)) for p in people]
        seen: dict[str, int] = {}
        for n, person in enumerate(keyed, start=1):
            if person.key in seen:
                raise StoreError(f"people {seen[person.key]} and {n} are the same person ({person.key}); "
                                 "nobody was invited")
            seen[person.key] = n
        with self._write() as conn:
            status = conn.execute(sa.select(_ASM.c.status).where(_ASM.c.id == assessment_id)).scalar()
            if status is None:
                raise StoreError(f"no assessment {assessment_id} in {self.url}")
            if status != "open":
                raise StoreError(f"assessment {assessment_id} is closed; reopen it before inviting anyone")
            ins = self._assessment_info(conn, assessment_id).instrument
            unknown = sorted({p.role for p in keyed} - set(ins.role_ids))
            if unknown:
                raise StoreError(f"unknown role(s) {', '.join(map(repr, unknown))}; the instrument {ins.id} "
                                 f"{ins.version} has {', '.join(ins.role_ids)}; nobody was invited")
            stored = {r.person_key: r for r in conn.execute(
                sa.select(_INV.c.id, _INV.c.person_key, _INV.c.role).where(_INV.c.assessment_id == assessment_id))}
            fresh, again, changed = [], [], []
            for n, person in enumerate(keyed, start=1):
                found = stored.get(person.key) or stored.get(sealed_key(assessment_id, person.key))
                forgot = stored.get(forgotten_key(assessment_id, person.key))
                if found is not None and found.role != person.role:
                    where = f"row {person.row}" if person.row else f"person {n}"
                    changed.append(f"{where}, column role: '{person.role}', but this person was invited as "
                                   f"'{found.role}' (and is counted and asked as one)")
                elif found is None and forgot is None:
                    fresh.append(person)
                elif found is None and include_forgotten:
                    again.append((forgot.id, person))
            if changed:
                raise StoreError("; ".join(changed) + "; an invitation's role does not change: give the role it "
                                 "was invited with; nobody was invited")
            now = _utcnow()
            issued = []
            for invitation_id, person in again:
                conn.execute(sa.update(_INV).where(_INV.c.id == invitation_id).values(
                    person_key=person.key, role=person.role, name=person.name, email=person.email,
                    language=person.language, status="invited", created_at=now, consented_at=None, started_at=None,
                    submitted_at=None, reminded_at=None, reminders=0, respondent_id=None, draft=None))
                issued.append(Issued(invitation_id, person, self._new_token(conn, invitation_id, now)))
            for person in fresh:
                invitation_id = conn.execute(sa.insert(_INV).values(
                    assessment_id=assessment_id, person_key=person.key, role=person.role, name=person.name,
                    email=person.email, language=person.language, status="invited", created_at=now,
                    reminders=0)).inserted_primary_key[0]
                issued.append(Issued(invitation_id, person, self._new_token(conn, invitation_id, now)))
            return issued

    def forgotten(self, assessment_id: int, people: Sequence[Person]) -> list[Person]:
        """The people of ``people`` forgotten at their request (:meth:`forget_invitation`): :meth:`invite` leaves
        them out unless told ``include_forgotten``. People without a key (nor e-mail, nor name) are never."""
        keys = {forgotten_key(assessment_id, p.key or person_key(p)): p for p in people}
        with self._read() as conn:
            found = set(conn.execute(sa.select(_INV.c.person_key).where(
                _INV.c.assessment_id == assessment_id, _INV.c.person_key.in_(list(keys)))).scalars())
        return [p for k, p in keys.items() if k in found]

    def reissue(self, invitation_ids: Sequence[int]) -> list[Issued]:
        """A fresh token for each invitation not yet submitted (for a reminder); earlier tokens keep working.

        Submitted and forgotten invitations are skipped; an id the store does not hold raises :class:`StoreError`.
        """
        ids = [int(i) for i in invitation_ids]
        with self._write() as conn:
            rows = {r.id: r for r in conn.execute(
                sa.select(_INV.c.id, _INV.c.person_key, _INV.c.role, _INV.c.name, _INV.c.email, _INV.c.language,
                          _INV.c.status).where(_INV.c.id.in_(ids)))}
            missing = [i for i in ids if i not in rows]
            if missing:
                raise StoreError(f"no invitation {', '.join(map(str, missing))} in {self.url}")
            now = _utcnow()
            issued = []
            for i in dict.fromkeys(ids):
                row = rows[i]
                if row.status == "submitted" or row.person_key.startswith(FORGOTTEN):
                    continue
                person = Person(row.role, row.name, row.email, row.language, row.person_key)
                issued.append(Issued(i, person, self._new_token(conn, i, now)))
            return issued

    def mark_reminded(self, invitation_ids: Sequence[int]) -> None:
        """Record that a reminder went to each of these invitations (not those submitted meanwhile)."""
        ids = [int(i) for i in invitation_ids]
        if not ids:
            return
        with self._write() as conn:
            conn.execute(sa.update(_INV).where(_INV.c.id.in_(ids), _INV.c.status != "submitted")
                         .values(reminded_at=_utcnow(), reminders=_INV.c.reminders + 1))

    def _new_token(self, conn: sa.Connection, invitation_id: int, now: dt.datetime) -> str:
        token = secrets.token_urlsafe(32)
        conn.execute(sa.insert(_TOK).values(invitation_id=invitation_id, token_hash=token_hash(token), created_at=now))
        return token

    # -- the respondent's side -------------------------------------------------------------------------------
    def _usable(self, conn: sa.Connection, token: str, *, lock: bool = False):
        """The invitation row of a usable token (known, not submitted, its assessment open and not past its
        ``closes_on``), or ``None``.

        ``lock`` holds the invitation row until the transaction ends (PostgreSQL ``FOR UPDATE``; SQLite's write
        transaction holds the whole database already), so that two saves of one draft merge one after the other.
        """
        if not isinstance(token, str) or not token or len(token) > 200:
            return None
        query = (
            sa.select(_INV.c.id, _INV.c.assessment_id, _INV.c.person_key, _INV.c.role, _INV.c.name,
                      _INV.c.language, _INV.c.status,
                      _INV.c.consented_at, _INV.c.started_at, _INV.c.reminded_at, _INV.c.created_at, _INV.c.draft,
                      _ASM.c.anonymity, _ASM.c.survey,
                      _ORG.c.name.label("organisation"), _PMO.c.name.label("pmo"), _ASM.c.label.label("wave"))
            .select_from(_TOK.join(_INV, _TOK.c.invitation_id == _INV.c.id)
                         .join(_ASM, _INV.c.assessment_id == _ASM.c.id)
                         .join(_ORG, _ASM.c.organisation_id == _ORG.c.id)
                         .join(_PMO, _ASM.c.pmo_id == _PMO.c.id))
            .where(_TOK.c.token_hash == token_hash(token), _INV.c.status != "submitted", _ASM.c.status == "open")
        )
        row = conn.execute(query.with_for_update(of=_INV) if lock else query).first()
        if row is None or _past_closing(row.survey, _utcnow().date()):
            return None
        return row

    def _draft_of(self, conn: sa.Connection, row, token: str) -> dict:
        """The token's draft: its own ``drafts`` row in an anonymous assessment, else the invitation's."""
        if row.anonymity != "anonymous":
            return _load_draft(row.draft)
        return _load_draft(conn.execute(sa.select(_DRAFT.c.draft).where(_DRAFT.c.key == draft_key(token))).scalar())

    def invitation(self, token: str) -> Invitation | None:
        """The invitation a token opens, with its saved draft; ``None`` when the token is unknown, already
        submitted, or its assessment is closed or past its ``closes_on`` (callers cannot tell which).

        In an anonymous assessment the draft is the one this token saved (a reminder's new link starts afresh).
        """
        with self._read() as conn:
            row = self._usable(conn, token)
            draft = None if row is None else self._draft_of(conn, row, token)
        if row is None:
            return None
        return Invitation(id=row.id, assessment_id=row.assessment_id, organisation=row.organisation, pmo=row.pmo,
                          role=row.role, language=row.language, anonymity=row.anonymity,
                          survey=json.loads(row.survey) if row.survey else {}, status=row.status,
                          consented=row.consented_at is not None, draft=draft, wave=row.wave)

    def consent(self, token: str) -> bool:
        """Record the respondent's consent (the first time; to the day in an anonymous assessment); ``False`` when
        the token is not usable."""
        with self._write() as conn:
            row = self._usable(conn, token, lock=True)
            if row is None:
                return False
            if row.consented_at is None:
                now = _utcnow()
                conn.execute(sa.update(_INV).where(_INV.c.id == row.id, _INV.c.status != "submitted")
                             .values(consented_at=_day(now) if row.anonymity == "anonymous" else now))
            return True

    def save_draft(self, token: str, answers: Mapping[str, int | str | None],
                   comments: Mapping[str, str | None], *, page: int | None = None) -> bool:
        """Merge answers and comments into the token's draft; the invitation is then ``started``.

        ``answers`` maps item ids to a whole number on the scale, ``"DK"`` (don't know, any case), ``"n/a"``
        (not applicable) or ``None`` (removes the draft's answer); ``comments`` maps dimension ids to a text of
        at most :data:`COMMENT_MAX` characters without control characters (line breaks and tabs allowed), or
        ``None`` or blank (removes it). ``page`` (the last page saved) is kept in the draft as ``"page"``; left
        as it was when not given. Returns ``False`` (nothing saved) when the token is not usable.

        In an anonymous assessment the draft goes to the ``drafts`` table under :func:`.drafts.draft_key` (never
        on the invitation, which holds the name), and the invitation records only ``started`` and the day.

        Raises
        ------
        StoreError
            Saying, for a person, what is wrong (an item or dimension not put to the respondent's role, a value
            outside the scale, a comment too long or with a control character); nothing is saved then.
        """
        from .core import _check_answer

        with self._write() as conn:
            row = self._usable(conn, token, lock=True)
            if row is None:
                return False
            info = self._assessment_info(conn, row.assessment_id)
            ins, role = info.instrument, row.role
            draft = self._draft_of(conn, row, token)
            asked = ins.asked.loc[role] if role in ins.asked.index else pd.Series(dtype=bool)
            problems = []
            for item, value in answers.items():
                if item not in asked.index or not bool(asked[item]):
                    problems.append(f"question {item} is not one of the questions for your role")
                    continue
                checked, problem = _check_answer(info, item, value, role)
                if problem:
                    problems.append(problem)
                elif checked is None:
                    draft["answers"].pop(item, None)
                else:
                    draft["answers"][item] = checked
            dimensions = _dimensions_of(ins, role)
            for dimension, text in comments.items():
                if dimension not in dimensions:
                    problems.append(f"section {dimension} is not one of the sections for your role")
                    continue
                text = _clean_comment(text)
                problem = _comment_problem(text, dimensions[dimension])
                if problem:
                    problems.append(problem)
                elif text:
                    draft["comments"][dimension] = text
                else:
                    draft["comments"].pop(dimension, None)
            if problems:
                raise StoreError("; ".join(problems) + "; nothing was saved")
            if page is not None:
                draft["page"] = int(page)
            now = _utcnow()
            changes = {"status": "started", "started_at": row.started_at or now}
            anonymous = row.anonymity == "anonymous"
            if anonymous:  # in its own savepoint (PostgreSQL): the draft row does not share the invitation's xmin
                changes["started_at"] = _day(changes["started_at"])
                with _apart(conn, anonymous):
                    self._keep_anonymous_draft(conn, token, row, draft, _day(now))
            else:
                changes["draft"] = _dump_draft(draft)
            with _apart(conn, anonymous):
                conn.execute(sa.update(_INV).where(_INV.c.id == row.id, _INV.c.status != "submitted")
                             .values(**changes))
            return True

    @staticmethod
    def _keep_anonymous_draft(conn: sa.Connection, token: str, row, draft: dict, day: dt.datetime) -> None:
        key, text = draft_key(token), _dump_draft(draft)
        if conn.execute(sa.update(_DRAFT).where(_DRAFT.c.key == key).values(draft=text, updated_at=day)).rowcount:
            return
        conn.execute(sa.insert(_DRAFT).values(key=key, assessment_id=row.assessment_id, role=row.role, draft=text,
                                              updated_at=day))

    def submit(self, token: str, *, allow_empty: bool = False, language: str | None = None) -> bool:
        """Turn the token's draft into a respondent and answers, once, in one transaction.

        The invitation is marked submitted by a conditional update (not submitted yet, assessment open) whose
        row count decides: of two requests submitting the same token at once, one writes and the other gets
        ``False``. A dimension's comment goes on the answer to the dimension's first item put to the role
        (a blank answer when that item was left out). What is kept of who answered follows the assessment's
        anonymity mode (see the module's notes); in an anonymous assessment the draft row is deleted, the
        respondent and answers get random ids, and on PostgreSQL the invitation's update and the answers are
        written in separate subtransactions (savepoints), so their rows carry different transaction ids
        (``xmin``). They are still one transaction, and the ids follow each other: a database administrator
        reading the server's internals can pair them (see the README).

        ``language`` is the language the answers were given in (the page language, ``en``, ``de``), kept on the
        respondent (``None``: not known); not in an anonymous assessment, where it could single a person out.

        Returns ``False`` (nothing written) when the token is not usable or was submitted by another request.

        Raises
        ------
        StoreError
            :data:`EMPTY_SUBMISSION` when the draft holds no answer at all (a value, "don't know" or "not
            applicable"; comments alone do not count); nothing is written. ``allow_empty=True`` lifts this.
        """
        with self._write() as conn:
            row = self._usable(conn, token, lock=True)
            if row is None:
                return False
            draft = self._draft_of(conn, row, token)
            if not allow_empty and not draft["answers"]:
                raise StoreError(EMPTY_SUBMISSION)
            now = _utcnow()
            anonymous = row.anonymity == "anonymous"
            stamp = _day(now) if anonymous else now
            changes = {"status": "submitted", "submitted_at": stamp, "draft": None}
            if anonymous:  # nothing of who they are, and no time finer than the day, which could order submissions
                changes.update(name=None, email=None, language=None,
                               person_key=sealed_key(row.assessment_id, row.person_key),
                               consented_at=_day(row.consented_at), started_at=_day(row.started_at),
                               reminded_at=_day(row.reminded_at), created_at=_day(row.created_at))
            with _apart(conn, anonymous):
                done = conn.execute(sa.update(_INV).where(_INV.c.id == row.id, _INV.c.status != "submitted",
                                                          _open_assessment(_INV.c.assessment_id)).values(**changes))
                if done.rowcount != 1:
                    return False
                conn.execute(sa.delete(_TOK).where(_TOK.c.invitation_id == row.id))
            with _apart(conn, anonymous):
                conn.execute(sa.delete(_DRAFT).where(_DRAFT.c.key == draft_key(token)))
                info = self._assessment_info(conn, row.assessment_id)
                values = {"assessment_id": row.assessment_id, "label": _free_label(conn, row.assessment_id),
                          "role": row.role, "name": row.name if row.anonymity == "identified" else None,
                          "assessed_on": now.date(), "created_at": stamp,
                          # anonymous: not kept (the invitation's language goes too; it could single a person out)
                          "language": None if anonymous else language_code(language)}
                if anonymous:
                    values["id"] = random_ids(conn, _RESP, 1)[0]
                respondent_id = conn.execute(sa.insert(_RESP).values(**values)).inserted_primary_key[0]
                rows = _answer_rows(info.instrument, row.role, draft, respondent_id, stamp)
                if anonymous:
                    for answer, answer_id in zip(rows, random_ids(conn, _ANS, len(rows)), strict=True):
                        answer["id"] = answer_id
                if rows:
                    conn.execute(sa.insert(_ANS), rows)
            if not anonymous:
                conn.execute(sa.update(_INV).where(_INV.c.id == row.id).values(respondent_id=respondent_id))
            return True

    # -- tracking --------------------------------------------------------------------------------------------
    def invitations(self, assessment_id: int) -> pd.DataFrame:
        """The invitations of an assessment, oldest first; no tokens, no hashes.

        Columns: ``id``, ``role``, ``name``, ``email``, ``language`` (``None`` when not given), ``status``
        (``invited``, ``started``, ``submitted``), ``created_at``, ``consented_at``, ``started_at``,
        ``submitted_at``, ``reminded_at`` (UTC; NaT when not yet), ``reminders`` (how many were sent) and
        ``respondent`` (the label of the respondent the submission created; ``None`` before, and always in an
        anonymous assessment).
        """
        with self._read() as conn:
            self._assessment_info(conn, assessment_id)
            rows = conn.execute(
                sa.select(_INV.c.id, _INV.c.role, _INV.c.name, _INV.c.email, _INV.c.language, _INV.c.status,
                          _INV.c.created_at, _INV.c.consented_at, _INV.c.started_at, _INV.c.submitted_at,
                          _INV.c.reminded_at, _INV.c.reminders, _RESP.c.label)
                .select_from(_INV.outerjoin(_RESP, _INV.c.respondent_id == _RESP.c.id))
                .where(_INV.c.assessment_id == assessment_id).order_by(_INV.c.id)).all()
        frame = pd.DataFrame(rows, columns=list(_INVITATION_COLUMNS))
        for name in ("name", "email", "language", "respondent"):
            frame[name] = frame[name].astype(object).where(frame[name].notna(), None)
        for name in _TIME_COLUMNS:
            frame[name] = pd.to_datetime(frame[name]).astype("datetime64[us]")
        return frame.astype({"id": "int64", "reminders": "int64"})

    def invitation_status(self, assessment_id: int) -> pd.DataFrame:
        """How many were invited, started and submitted, by role (the instrument's order) and in total.

        Columns: ``role`` (``"total"`` on the last row), ``label``, ``invited``, ``started`` (began answering:
        the submitted ones included), ``submitted`` and ``response_rate`` (submitted / invited, 0 to 1; NaN when
        nobody of that role was invited).
        """
        with self._read() as conn:
            ins = self._assessment_info(conn, assessment_id).instrument
            rows = conn.execute(sa.select(_INV.c.role, _INV.c.status, sa.func.count())
                                .where(_INV.c.assessment_id == assessment_id)
                                .group_by(_INV.c.role, _INV.c.status)).all()
        counts = {(role, status): n for role, status, n in rows}
        table = []
        for role in (*ins.role_ids, "total"):
            roles = ins.role_ids if role == "total" else (role,)
            invited, started, submitted = (
                sum(counts.get((r, s), 0) for r in roles for s in statuses)
                for statuses in (("invited", "started", "submitted"), ("started", "submitted"), ("submitted",)))
            label = "Total" if role == "total" else next(r.label for r in ins.roles if r.id == role)
            table.append((role, label, invited, started, submitted, submitted / invited if invited else np.nan))
        frame = pd.DataFrame(table, columns=["role", "label", "invited", "started", "submitted", "response_rate"])
        return frame.astype({"invited": "int64", "started": "int64", "submitted": "int64", "response_rate": float})


def _apart(conn: sa.Connection, anonymous: bool) -> contextlib.AbstractContextManager:
    """A savepoint on PostgreSQL for an anonymous submission (its rows then carry their own ``xmin``), else
    nothing."""
    if anonymous and conn.dialect.name == "postgresql":
        return conn.begin_nested()
    return contextlib.nullcontext()
