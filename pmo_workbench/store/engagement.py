"""What the consultant records: once per PMO, on its assessment, the target type, context and evidence; once per
organisation, the client-level edit of its reports (the engagement file's other keys)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

import sqlalchemy as sa

from ..assessment.deliverable import CLIENT_FIELDS
from ..assessment.engagement import Engagement, EvidenceAnswer, PmoEngagement
from ..assessment.instrument import Instrument
from ..errors import StoreError
from .schema import _ASM, _ORG, _PMO


class EngagementMixin:
    """:class:`~pmo_workbench.store.Store`'s target types and engagement entries."""

    def set_target(self, assessment_id: int, type_id: str | None) -> None:
        """Set (or, with ``None``, clear) the type the client wants this PMO to be.

        Raises
        ------
        StoreError
            When ``type_id`` is not a type of the assessment's instrument.
        """
        with self._write() as conn:
            ins = self._assessment_info(conn, assessment_id).instrument
            if type_id is not None and type_id not in {t.id for t in ins.types}:
                raise StoreError(f"'{type_id}' is not a type of the instrument {ins.id} {ins.version} of assessment "
                                 f"{assessment_id}; expected one of {', '.join(t.id for t in ins.types)}")
            conn.execute(sa.update(_ASM).where(_ASM.c.id == assessment_id).values(target_type=type_id))

    def set_engagement(self, assessment_id: int, entry: PmoEngagement) -> None:
        """Record an engagement entry (target type, context answers, evidence, steps done) for an assessment.

        The entry replaces what was recorded before (a part it leaves out is
        cleared). Its organisation and PMO must be the assessment's, and its
        ids those of the assessment's instrument.

        Raises
        ------
        StoreError
            When the entry names another PMO, or a type, context or evidence
            question the instrument does not have.
        """
        self.set_engagements({assessment_id: entry})

    def set_engagements(self, entries: Mapping[int, PmoEngagement]) -> None:
        """:meth:`set_engagement` for several assessments in one transaction (all or none)."""
        with self._write() as conn:
            for assessment_id, entry in entries.items():
                row = conn.execute(sa.select(_ORG.c.name, _PMO.c.name)
                                   .select_from(_ASM.join(_ORG, _ASM.c.organisation_id == _ORG.c.id)
                                                .join(_PMO, _ASM.c.pmo_id == _PMO.c.id))
                                   .where(_ASM.c.id == assessment_id)).first()
                if row is None:
                    raise StoreError(f"no assessment {assessment_id} in {self.shown_url}")
                if (entry.organisation, entry.pmo) != tuple(row):
                    raise StoreError(f"the engagement entry of PMO '{entry.pmo}' of '{entry.organisation}' does not "
                                     f"belong to assessment {assessment_id} (PMO '{row[1]}' of '{row[0]}')")
                ins = self._assessment_info(conn, assessment_id).instrument
                _check_engagement(entry, ins, assessment_id)
                conn.execute(sa.update(_ASM).where(_ASM.c.id == assessment_id).values(
                    target_type=entry.target,
                    context=json.dumps(entry.context, ensure_ascii=False) if entry.context else None,
                    evidence=json.dumps({k: v.model_dump() for k, v in entry.evidence.items()}, ensure_ascii=False)
                    if entry.evidence else None,
                    done=json.dumps(list(entry.done), ensure_ascii=False) if entry.done else None))

    def set_client_engagement(self, engagement: Engagement, base: str | os.PathLike | None = None) -> None:
        """Keep the client-level edit of an engagement (every key but ``pmos``) on its organisation, replacing
        what was kept before; each PMO entry's own ``recommendations`` choice is kept with it.

        Logo paths are kept as absolute paths, taken relative to ``base`` (the engagement file's folder; the
        file itself is not kept).

        Raises
        ------
        StoreError
            When the engagement names no organisation, or one the store does not hold.
        """
        if engagement.organisation is None:
            raise StoreError("the engagement file names no organisation: its client-level edit belongs to none")
        record = engagement.model_dump(mode="json", include=set(CLIENT_FIELDS), exclude_unset=True)
        for key in ("client_logo", "consultancy_logo"):
            if record.get(key) and base is not None:
                record[key] = str((Path(base) / Path(record[key]).expanduser()).resolve())
        choices = {e.pmo: e.recommendations.model_dump(mode="json") for e in engagement.pmos
                   if e.organisation == engagement.organisation and e.recommendations is not None}
        if choices:
            record["pmo_recommendations"] = choices
        with self._write() as conn:
            done = conn.execute(sa.update(_ORG).where(_ORG.c.name == engagement.organisation)
                                .values(engagement=json.dumps(record, ensure_ascii=False, sort_keys=True)))
            if done.rowcount == 0:
                raise StoreError(f"no organisation '{engagement.organisation}' in {self.shown_url}")

    def client_engagement(self, organisation: str) -> dict | None:
        """What :meth:`set_client_engagement` kept for an organisation: the engagement file's client-level keys
        (JSON values; logos as absolute paths) and ``pmo_recommendations`` (PMO -> choice), or ``None``.

        Raises
        ------
        StoreError
            When the store holds no organisation of that name.
        """
        with self._read() as conn:
            row = conn.execute(sa.select(_ORG.c.engagement).where(_ORG.c.name == organisation)).first()
        if row is None:
            raise StoreError(f"no organisation '{organisation}' in {self.shown_url}")
        return None if row[0] is None else json.loads(row[0])

    def clear_client_engagement(self, organisation: str) -> None:
        """Forget the client-level edit kept for an organisation."""
        with self._write() as conn:
            conn.execute(sa.update(_ORG).where(_ORG.c.name == organisation).values(engagement=None))

    def engagement(self, assessment_id: int) -> PmoEngagement | None:
        """What :meth:`set_engagement` (or :meth:`set_target`) recorded for an assessment; ``None`` when nothing."""
        with self._read() as conn:
            row = conn.execute(sa.select(_ORG.c.name, _PMO.c.name, _ASM.c.target_type, _ASM.c.context,
                                         _ASM.c.evidence, _ASM.c.done)
                               .select_from(_ASM.join(_ORG, _ASM.c.organisation_id == _ORG.c.id)
                                            .join(_PMO, _ASM.c.pmo_id == _PMO.c.id))
                               .where(_ASM.c.id == assessment_id)).first()
        if row is None:
            raise StoreError(f"no assessment {assessment_id} in {self.shown_url}")
        organisation, pmo, target, context, evidence, done = row
        if target is None and context is None and evidence is None and done is None:
            return None
        return PmoEngagement(
            organisation=organisation, pmo=pmo, target=target,
            context=json.loads(context) if context else {},
            evidence={k: EvidenceAnswer(**v) for k, v in json.loads(evidence).items()} if evidence else {},
            done=tuple(json.loads(done)) if done else ())


def _check_engagement(entry: PmoEngagement, instrument: Instrument, assessment_id: int) -> None:
    """Check an engagement entry's ids and answers against the assessment's instrument."""
    import pydantic

    try:
        PmoEngagement.model_validate(entry.model_dump(), context={"instrument": instrument})
    except pydantic.ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg'].removeprefix('Value error, ')}"
                             for e in exc.errors())
        raise StoreError(f"assessment {assessment_id} (PMO '{entry.pmo}' of '{entry.organisation}'): {problems}"
                         ) from None

