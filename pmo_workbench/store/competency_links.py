"""Competency invitations: one personal link per rater and person rated.

:meth:`CompetencyLinkMixin.invite_competency` turns a cohort file (:func:`~pmo_workbench.assessment.
competency_intake.read_cohort`) into raters (the person themself, their line manager, each peer; see
:func:`~pmo_workbench.assessment.competency_intake.rating_pairs`) and gives each rater of each person an
invitation and a token; the token exists in clear only in the :class:`CompetencyIssued` returned (the store keeps
its SHA-256). A manager of five people gets five links, one per person: each link names whom it rates, and a
submission is one rater's ratings of one person, as the issue asks.

Ratings are personal by nature (the person rated is named; their manager is one person), so the PMO side's
anonymity modes do not apply: a submission's ratings are stored under the rater's name, as an import stores them.
Submitting is single use: the invitation is marked submitted by a conditional update in the same transaction as
the ratings, and the row count decides.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from ..assessment.competency_intake import CohortPerson, RatingPair, rating_pairs
from ..errors import StoreError
from ._ids import lookup_id
from .competency import _count, _upsert_ratings, check_rating, name_key, same_name
from .drafts import token_hash
from .schema import _CASM, _CINV, _CRAT, _CSUB, _CVAL, _ORG, DONT_KNOW, _utcnow

EMPTY_RATINGS = "no rating given yet: rate at least one statement (or choose 'don't know') before sending"


@dataclass(frozen=True)
class CompetencyIssued:
    """A competency invitation just issued, and its token: the only place a token exists in clear."""

    invitation_id: int
    rater_id: int
    pair: RatingPair
    token: str


@dataclass(frozen=True)
class CompetencyLink:
    """What the rater's page needs about a usable token (:meth:`CompetencyLinkMixin.competency_link`).

    ``draft`` maps item ids to a whole number or ``"DK"``: the ratings saved but not yet sent."""

    invitation_id: int
    rater_id: int
    competency_id: int
    organisation: str
    cohort: str
    subject: str
    job_level: str
    rater: str
    role: str
    language: str | None
    status: str
    draft: dict


class CompetencyLinkMixin:
    """:class:`~pmo_workbench.store.Store`'s competency invitations, drafts and submissions."""

    def invite_competency(self, competency_id: int, people: Sequence[CohortPerson], *,
                          language: str | None = None,
                          before_commit: Callable[[list[CompetencyIssued]], None] | None = None
                          ) -> list[CompetencyIssued]:
        """Invite every rater of every person of ``people`` not invited yet, in one transaction: one token per
        rater and person rated. Raters and people are created as :meth:`add_rater` does; running it again with
        the same file invites only the pairs new in it.

        ``before_commit`` is called with the invitations issued before the transaction commits (the caller writes
        the links there): when it raises, nobody is invited, so no link is ever stored without being written.

        Raises
        ------
        StoreError
            For an unknown or closed competency assessment, or a person or rater that contradicts what is
            stored (another job level, another role), named with the file's row; nobody is invited then.
        """
        with self._write() as conn:
            status = conn.execute(sa.select(_CASM.c.status).where(_CASM.c.id == lookup_id(competency_id))).scalar()
            if status is None:
                raise StoreError(f"no competency assessment {competency_id} in {self.shown_url}")
            if status != "open":
                raise StoreError(f"competency assessment {competency_id} is closed; reopen it before inviting anyone")
            ins = self._cohort_instrument(conn, competency_id)
            email_of = {p.name: p.email for p in people}
            issued, now = [], _utcnow()
            for pair in rating_pairs(list(people)):
                try:
                    rater_id, _ = self._rater(conn, ins, competency_id, pair.subject, pair.job_level, pair.rater,
                                              pair.role, email_of.get(pair.subject))
                except StoreError as exc:
                    where = f"row {pair.row}: " if pair.row else ""
                    raise StoreError(f"{where}{exc}; nobody was invited") from None
                if conn.execute(sa.select(_CINV.c.id).where(_CINV.c.rater_id == rater_id)).first() is not None:
                    continue
                token = secrets.token_urlsafe(32)
                invitation_id = conn.execute(sa.insert(_CINV).values(
                    rater_id=rater_id, token_hash=token_hash(token), email=pair.rater_email, language=language,
                    status="invited", created_at=now)).inserted_primary_key[0]
                issued.append(CompetencyIssued(invitation_id, rater_id, pair, token))
            if issued and before_commit is not None:
                before_commit(issued)
            return issued

    def reissue_competency(self, competency_id: int, *, rater: str | None = None, subject: str | None = None,
                           before_commit: Callable[[list[CompetencyIssued]], None] | None = None
                           ) -> list[CompetencyIssued]:
        """A fresh token for every invitation of the assessment not yet submitted (only ``rater``'s, only those
        rating ``subject``: names in any case and spacing), in one transaction. The new token replaces the old
        one: the links issued earlier stop working (they may be lost). ``before_commit`` as in
        :meth:`invite_competency`; a draft saved from an earlier link stays.

        Raises
        ------
        StoreError
            For an unknown or closed competency assessment, or a ``rater`` or ``subject`` it has no invitation of.
        """
        with self._write() as conn:
            status = conn.execute(sa.select(_CASM.c.status).where(_CASM.c.id == lookup_id(competency_id))).scalar()
            if status is None:
                raise StoreError(f"no competency assessment {competency_id} in {self.shown_url}")
            if status != "open":
                raise StoreError(f"competency assessment {competency_id} is closed; reopen it before reminding anyone")
            rows = conn.execute(
                sa.select(_CINV.c.id, _CINV.c.rater_id, _CINV.c.email, _CINV.c.status, _CSUB.c.name,
                          _CSUB.c.job_level, _CRAT.c.rater, _CRAT.c.role)
                .select_from(_CINV.join(_CRAT, _CINV.c.rater_id == _CRAT.c.id)
                             .join(_CSUB, _CRAT.c.subject_id == _CSUB.c.id))
                .where(_CSUB.c.assessment_id == competency_id).order_by(_CINV.c.id)).all()
            for option, given, column in (("rater", rater, "rater"), ("subject", subject, "name")):
                if given is not None:
                    key = name_key(given)
                    known = [r for r in rows if name_key(getattr(r, column)) == key]
                    if not known:
                        raise StoreError(f"competency assessment {competency_id} has no invitation with {option} "
                                         f"'{given.strip()}'")
                    rows = known
            issued = []
            for r in rows:
                if r.status == "submitted":
                    continue
                token = secrets.token_urlsafe(32)
                conn.execute(sa.update(_CINV).where(_CINV.c.id == r.id, _CINV.c.status != "submitted")
                             .values(token_hash=token_hash(token)))
                issued.append(CompetencyIssued(r.id, r.rater_id, RatingPair(r.name, r.job_level, r.rater, r.role,
                                                                            r.email), token))
            if issued and before_commit is not None:
                before_commit(issued)
            return issued

    def competency_differences(self, competency_id: int, people: Sequence[CohortPerson]) -> list[str]:
        """What the store holds that the cohort file ``people`` no longer says, as lines to show the user (nothing
        is changed): each stored invitation whose rater no longer rates the person in that role, and each person
        whose e-mail address in the file differs from the stored one. Names are matched as the store matches
        them (case and spacing aside)."""
        wanted = {(name_key(p.subject), name_key(p.rater), p.role) for p in rating_pairs(list(people))}
        emails = {name_key(p.name): p.email for p in people if p.email}
        with self._read() as conn:
            pairs = conn.execute(
                sa.select(_CSUB.c.name, _CRAT.c.rater, _CRAT.c.role, _CINV.c.status)
                .select_from(_CINV.join(_CRAT, _CINV.c.rater_id == _CRAT.c.id)
                             .join(_CSUB, _CRAT.c.subject_id == _CSUB.c.id))
                .where(_CSUB.c.assessment_id == competency_id).order_by(_CINV.c.id)).all()
            stored = conn.execute(sa.select(_CSUB.c.name, _CSUB.c.email)
                                  .where(_CSUB.c.assessment_id == competency_id).order_by(_CSUB.c.id)).all()
        lines = [f"'{rater}' still rates '{subject}' as {role} ({status}): the file no longer says so; their link "
                 "stays valid and their ratings count" for subject, rater, role, status in pairs
                 if (name_key(subject), name_key(rater), role) not in wanted]
        for name, email in stored:
            given = emails.get(name_key(name))
            if given and (email or "").casefold() != given.casefold():
                lines.append(f"'{name}' keeps the stored e-mail {email or '(none)'}, not {given}")
        return lines

    def competency_invitations(self, competency_id: int) -> pd.DataFrame:
        """The invitations of a competency assessment, oldest first; no tokens, no hashes. Columns:
        ``invitation_id``, ``subject``, ``rater``, ``role``, ``email``, ``status``, ``submitted_at``."""
        with self._read() as conn:
            self._cohort_instrument(conn, competency_id)
            rows = conn.execute(
                sa.select(_CINV.c.id, _CSUB.c.name, _CRAT.c.rater, _CRAT.c.role, _CINV.c.email, _CINV.c.status,
                          _CINV.c.submitted_at)
                .select_from(_CINV.join(_CRAT, _CINV.c.rater_id == _CRAT.c.id)
                             .join(_CSUB, _CRAT.c.subject_id == _CSUB.c.id))
                .where(_CSUB.c.assessment_id == competency_id).order_by(_CINV.c.id)).all()
        frame = pd.DataFrame(rows, columns=["invitation_id", "subject", "rater", "role", "email", "status",
                                            "submitted_at"])
        frame["email"] = frame["email"].astype(object).where(frame["email"].notna(), None)
        frame["submitted_at"] = pd.to_datetime(frame["submitted_at"]).astype("datetime64[us]")
        return frame.astype({"invitation_id": "int64"})

    # -- the rater's side ------------------------------------------------------------------------------
    def _competency_row(self, conn: sa.Connection, token: str, *, lock: bool = False):
        query = (sa.select(_CINV.c.id, _CINV.c.rater_id, _CINV.c.language, _CINV.c.status, _CINV.c.draft,
                           _CINV.c.started_at, _CASM.c.id.label("competency_id"), _ORG.c.name.label("organisation"),
                           _CASM.c.cohort, _CSUB.c.name.label("subject"), _CSUB.c.job_level, _CRAT.c.rater,
                           _CRAT.c.role)
                 .select_from(_CINV.join(_CRAT, _CINV.c.rater_id == _CRAT.c.id)
                              .join(_CSUB, _CRAT.c.subject_id == _CSUB.c.id)
                              .join(_CASM, _CSUB.c.assessment_id == _CASM.c.id)
                              .join(_ORG, _CASM.c.organisation_id == _ORG.c.id))
                 .where(_CINV.c.token_hash == token_hash(token), _CINV.c.status != "submitted",
                        _CASM.c.status == "open"))
        return conn.execute(query.with_for_update(of=_CINV) if lock else query).first()

    def competency_link(self, token: str) -> CompetencyLink | None:
        """The invitation a token opens, with its draft; ``None`` when the token is unknown, already submitted,
        or its assessment closed (callers cannot tell which)."""
        with self._read() as conn:
            row = self._competency_row(conn, token)
        if row is None:
            return None
        return CompetencyLink(row.id, row.rater_id, row.competency_id, row.organisation, row.cohort, row.subject,
                              row.job_level, row.rater, row.role, row.language, row.status, _draft(row.draft))

    def competency_submitted(self, token: str) -> bool:
        """Whether ``token`` is the link of an invitation already submitted (whose holder sent it: a second click
        of "Send" is no guess)."""
        with self._read() as conn:
            return conn.execute(sa.select(_CINV.c.id).where(_CINV.c.token_hash == token_hash(token),
                                                            _CINV.c.status == "submitted")).first() is not None

    def save_competency_draft(self, token: str, ratings: Mapping[str, int | str | None]) -> bool:
        """Merge ratings (item -> whole number, ``"DK"``, or ``None`` to remove) into the token's draft; the
        invitation is then ``started``. ``False`` (nothing saved) when the token is not usable.

        Raises
        ------
        StoreError
            Naming every item unknown or not expected of the person's job level and every value off the scale;
            nothing is saved then.
        """
        with self._write() as conn:
            row = self._competency_row(conn, token, lock=True)
            if row is None:
                return False
            ins = self._cohort_instrument(conn, row.competency_id)
            draft, problems = _draft(row.draft), []
            for item, value in ratings.items():
                checked, problem = check_rating(ins, item, value, row.job_level)
                if problem:
                    problems.append(problem)
                elif checked is None:
                    draft.pop(item, None)
                else:
                    draft[item] = checked
            if problems:
                raise StoreError("; ".join(problems) + "; nothing was saved")
            conn.execute(sa.update(_CINV).where(_CINV.c.id == row.id, _CINV.c.status != "submitted").values(
                draft=json.dumps(draft, sort_keys=True), status="started", started_at=row.started_at or _utcnow()))
            return True

    def submit_competency(self, token: str, *, allow_empty: bool = False) -> bool:
        """Store the token's draft as the rater's ratings of the person, once, in one transaction.

        Returns ``False`` (nothing written) when the token is not usable or another request submitted it first.

        Raises
        ------
        StoreError
            :data:`EMPTY_RATINGS` when the draft holds no rating (``allow_empty`` lifts this).
        """
        with self._write() as conn:
            row = self._competency_row(conn, token, lock=True)
            if row is None:
                return False
            draft = _draft(row.draft)
            if not draft and not allow_empty:
                raise StoreError(EMPTY_RATINGS)
            now = _utcnow()
            done = conn.execute(sa.update(_CINV).where(
                _CINV.c.id == row.id, _CINV.c.status != "submitted",
                _CINV.c.rater_id.in_(sa.select(_CRAT.c.id).join(_CSUB, _CRAT.c.subject_id == _CSUB.c.id)
                                     .join(_CASM, _CSUB.c.assessment_id == _CASM.c.id)
                                     .where(_CASM.c.status == "open"))
            ).values(status="submitted", submitted_at=now, draft=None))
            if done.rowcount != 1:
                return False
            conn.execute(sa.update(_CRAT).where(_CRAT.c.id == row.rater_id).values(assessed_on=now.date()))
            kept = dict(conn.execute(sa.select(_CVAL.c.item, _CVAL.c.comment).where(
                _CVAL.c.rater_id == row.rater_id)).all())  # a comment an import stored stays
            _upsert_ratings(conn, [{"rater_id": row.rater_id, "item": item,
                                    "value": None if value == DONT_KNOW else int(value),
                                    "dont_know": value == DONT_KNOW, "comment": kept.get(item), "updated_at": now}
                                   for item, value in draft.items()])
            return True

    def forget_competency_person(self, competency_id: int, given: str) -> dict[str, int]:
        """Delete a person from a competency assessment (a data-protection request), found by name (any case and
        spacing) or by e-mail address: as a person rated, with every rating of them, their raters, invitations and
        drafts; as a rater, with their ratings of others and their invitations. On SQLite the deleted values are
        overwritten (``secure_delete``) and the write-ahead log checkpointed, as ``store forget`` does.

        Returns how many ``people`` (0 or 1), ``raters`` (rater-and-person pairs) and ``ratings`` were deleted.

        Raises
        ------
        StoreError
            For an unknown assessment, or one that holds nobody of that name or address.
        """
        text = same_name(given)
        if not text:
            raise StoreError("give the name or e-mail address of the person to forget")
        key, mail = name_key(text), text.casefold() if "@" in text else None
        with self._write() as conn:
            self._cohort_instrument(conn, competency_id)
            subjects = conn.execute(sa.select(_CSUB.c.id, _CSUB.c.name, _CSUB.c.email)
                                    .where(_CSUB.c.assessment_id == competency_id)).all()
            pairs = conn.execute(sa.select(_CRAT.c.id, _CRAT.c.rater, _CINV.c.email)
                                 .select_from(_CRAT.join(_CSUB, _CRAT.c.subject_id == _CSUB.c.id)
                                              .outerjoin(_CINV, _CINV.c.rater_id == _CRAT.c.id))
                                 .where(_CSUB.c.assessment_id == competency_id)).all()
            keys = {key}
            if mail is not None:  # the address names the person: their spellings as subject and as rater
                keys = {name_key(r.name) for r in subjects if (r.email or "").casefold() == mail} | {
                    name_key(r.rater) for r in pairs if (r.email or "").casefold() == mail}
            people = [r.id for r in subjects if name_key(r.name) in keys]
            raters = {r.id for r in pairs if name_key(r.rater) in keys}
            raters |= {rid for (rid,) in conn.execute(sa.select(_CRAT.c.id).where(
                _CRAT.c.subject_id.in_(people or [0])))}
            if not people and not raters:
                raise StoreError(f"competency assessment {competency_id} holds nobody named or with the address "
                                 f"'{text}' (neither rated nor rating); nothing was deleted")
            ids = sorted(raters)
            ratings = _count(conn, _CVAL, _CVAL.c.rater_id.in_(ids))
            conn.execute(sa.delete(_CVAL).where(_CVAL.c.rater_id.in_(ids)))
            conn.execute(sa.delete(_CINV).where(_CINV.c.rater_id.in_(ids)))
            conn.execute(sa.delete(_CRAT).where(_CRAT.c.id.in_(ids)))
            conn.execute(sa.delete(_CSUB).where(_CSUB.c.id.in_(people or [0])))
        self.checkpoint()
        return {"people": len(people), "raters": len(ids), "ratings": ratings}


def _draft(text: str | None) -> dict:
    try:
        found = json.loads(text) if text else {}
    except ValueError:
        found = {}
    return {str(k): v for k, v in found.items() if isinstance(v, int) or v == DONT_KNOW} if isinstance(
        found, dict) else {}
