"""Data-protection requests on an assessment's invitations and respondents: forget a person, anonymise an
assessment; a helper of :mod:`.invitations` (mixed into :class:`~pmo_workbench.store.Store` through it).

A forgotten person's invitation keeps its role and status (so the counts by role stay right) and a one-way key
(:func:`~.people.forgotten_key`): inviting from the same people file again recognises them and leaves them out,
without the store saying who they are. ``Store.invite(..., include_forgotten=True)`` invites them again when
they ask to take part after all.

On SQLite, deleted content is overwritten (``secure_delete``, set per connection) and both requests end with a
checkpoint of the write-ahead log (:meth:`ProtectionMixin.checkpoint`), so the old values do not stay readable
in the database's files.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..errors import StoreError
from .drafts import _day, _random_label
from .people import FORGOTTEN, SEALED, forgotten_key, normal_key, sealed_key
from .schema import _ANS, _ASM, _DRAFT, _INV, _RESP, _TOK

_TIMES = ("created_at", "consented_at", "started_at", "submitted_at", "reminded_at")


class ProtectionMixin:
    """:class:`~pmo_workbench.store.Store`'s data-protection requests."""

    def invitation_of(self, assessment_id: int, given: str) -> int | None:
        """The id of the invitation of the person with this e-mail address (or name, for people invited without
        one), any case; also found once their key was sealed (anonymous submission) or forgotten. ``None`` when
        no invitation of the assessment is theirs."""
        key = normal_key(given)
        if not key:
            return None
        keys = (key, sealed_key(assessment_id, key), forgotten_key(assessment_id, key))
        with self._read() as conn:
            return conn.execute(sa.select(_INV.c.id).where(_INV.c.assessment_id == assessment_id,
                                                           _INV.c.person_key.in_(keys))).scalar()

    def forget_invitation(self, invitation_id: int) -> None:
        """Forget the person of an invitation, whether they answered or not (a data-protection request).

        The invitation loses name, e-mail, language, draft, tokens (its links stop working, and no reminder goes
        to it) and its link to a respondent; its key becomes one-way (:func:`~.people.forgotten_key`); it keeps
        its role and status, so the counts by role stay right. The respondent it is linked to (identified and
        confidential assessments) is deleted with their answers. In an anonymous assessment the answers cannot be
        told apart and stay; a draft saved from the link stays unlinked until the assessment closes.
        """
        with self._write() as conn:
            row = conn.execute(sa.select(_INV.c.id, _INV.c.assessment_id, _INV.c.person_key, _INV.c.respondent_id)
                               .where(_INV.c.id == invitation_id)).first()
            if row is None:
                raise StoreError(f"no invitation {invitation_id} in {self.url}")
            _forget(conn, row)
            if row.respondent_id is not None:
                _delete_respondent(conn, row.respondent_id)
        if row.respondent_id is not None:
            self._respondent_assessment.pop(row.respondent_id, None)
        self.checkpoint()

    def forget_respondent(self, respondent_id: int) -> None:
        """Delete a respondent and their answers; their invitation (when linked) is forgotten as by
        :meth:`forget_invitation`: it keeps only role, status and a one-way key."""
        with self._write() as conn:
            found = conn.execute(sa.select(_RESP.c.assessment_id).where(_RESP.c.id == respondent_id)).scalar()
            if found is None:
                raise StoreError(f"no respondent {respondent_id} in {self.url}")
            for row in conn.execute(sa.select(_INV.c.id, _INV.c.assessment_id, _INV.c.person_key)
                                    .where(_INV.c.respondent_id == respondent_id)).all():
                _forget(conn, row)
            _delete_respondent(conn, respondent_id)
        self._respondent_assessment.pop(respondent_id, None)
        self.checkpoint()

    def anonymise(self, assessment_id: int) -> None:
        """Make an assessment anonymous, removing what identifies people.

        Every invitation loses name, e-mail, language, draft and its link to a respondent (its key becomes one-way,
        :func:`~.people.sealed_key`, so inviting from the same file again still adds nobody twice); every
        respondent loses its name and gets a fresh ``web-`` label; every time kept on invitations, respondents
        and answers is coarsened to the day. Answers in progress are deleted.

        Raises
        ------
        StoreError
            For an unknown assessment, and for an open one (people may be answering under the promise they were
            given): close it first. Links not yet submitted work again once it is reopened, with a fresh draft.
        """
        with self._write() as conn:
            status = conn.execute(sa.select(_ASM.c.status).where(_ASM.c.id == assessment_id)).scalar()
            if status is None:
                raise StoreError(f"no assessment {assessment_id} in {self.url}")
            if status == "open":
                raise StoreError(f"assessment {assessment_id} is open; close it first: store close {assessment_id}")
            conn.execute(sa.delete(_DRAFT).where(_DRAFT.c.assessment_id == assessment_id))
            conn.execute(sa.update(_ASM).where(_ASM.c.id == assessment_id).values(anonymity="anonymous"))
            for row in conn.execute(sa.select(_INV.c.id, _INV.c.person_key, *(_INV.c[n] for n in _TIMES))
                                    .where(_INV.c.assessment_id == assessment_id)).all():
                key = row.person_key if row.person_key.startswith(FORGOTTEN) else sealed_key(assessment_id,
                                                                                              row.person_key)
                conn.execute(sa.update(_INV).where(_INV.c.id == row.id).values(
                    person_key=key, name=None, email=None, language=None, draft=None,
                    respondent_id=None, **{n: _day(getattr(row, n)) for n in _TIMES}))
            respondents = conn.execute(sa.select(_RESP.c.id, _RESP.c.created_at)
                                       .where(_RESP.c.assessment_id == assessment_id)).all()
            taken: set[str] = set()
            for rid, _ in respondents:  # every label first out of the way, so no new one collides
                conn.execute(sa.update(_RESP).where(_RESP.c.id == rid).values(label=f"anonymising {rid}"))
            for rid, created_at in respondents:
                label = _random_label(taken)
                taken.add(label)
                conn.execute(sa.update(_RESP).where(_RESP.c.id == rid).values(
                    label=label, name=None, created_at=_day(created_at)))
                for aid, updated_at in conn.execute(sa.select(_ANS.c.id, _ANS.c.updated_at)
                                                    .where(_ANS.c.respondent_id == rid)).all():
                    conn.execute(sa.update(_ANS).where(_ANS.c.id == aid).values(updated_at=_day(updated_at)))
        self.checkpoint()

    def checkpoint(self) -> bool:
        """Write SQLite's write-ahead log back into the database file and empty it (``wal_checkpoint(TRUNCATE)``),
        so that values just overwritten are no longer readable in the ``-wal`` file.

        Returns ``False`` when another connection (e.g. a running ``serve`` in the middle of a read) kept it from
        completing: the old values may then stay in the ``-wal`` file until the last connection closes. ``True``
        otherwise, and always on PostgreSQL (whose files are the server's to manage).
        """
        if not self._sqlite or self._read_only is not None:
            return True
        raw = self._engine.raw_connection()
        try:
            cursor = raw.cursor()
            busy, _log, _done = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            cursor.close()
        finally:
            raw.close()
        return busy == 0


def _forget(conn: sa.Connection, row) -> None:
    """Strip an invitation of what identifies its person; its key becomes one-way (a forgotten one)."""
    conn.execute(sa.delete(_TOK).where(_TOK.c.invitation_id == row.id))
    conn.execute(sa.update(_INV).where(_INV.c.id == row.id).values(
        person_key=forgotten_key(row.assessment_id, row.person_key), name=None, email=None, language=None,
        draft=None, respondent_id=None))


def _delete_respondent(conn: sa.Connection, respondent_id: int) -> None:
    conn.execute(sa.delete(_ANS).where(_ANS.c.respondent_id == respondent_id))
    conn.execute(sa.delete(_RESP).where(_RESP.c.id == respondent_id))


__all__ = ["FORGOTTEN", "SEALED", "ProtectionMixin"]
