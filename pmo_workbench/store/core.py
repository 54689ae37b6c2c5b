"""The assessment store: every organisation, PMO, assessment, respondent and answer in one database.

SQLAlchemy 2 on an embedded SQLite file by default (WAL journal, so readers never
block the writer and a crash loses no committed answer); the same code runs on
PostgreSQL given a ``postgresql+psycopg://`` URL. The schema is versioned with
Alembic (migrations ship in ``pmo_workbench/store/migrations``) and an older database
is upgraded when it is opened.

Answers go in through :meth:`Store.save_answer` (the form) or
:meth:`Store.import_responses` (a responses file, checked by
:func:`~pmo_workbench.assessment.responses.read_responses` first), and come out as the
tidy frame scoring takes (:meth:`Store.responses`) or as a responses file
(:meth:`Store.export_responses`).

>>> with Store("sqlite:///:memory:") as store:                      # doctest: +SKIP
...     store.import_responses("examples/pmo_responses.csv", load_instrument("pmo-core"))
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ..assessment.instrument import Instrument
from ..assessment.responses import PMO_LEVELS
from ..errors import StoreError
from ._ids import in_range, lookup_id
from .engine import (
    Database,
    Probe,
    _dialect_insert,
    _has_tables,
    _revision,
    check_revision,
    foreign_message,
    open_database,
    read_only_message,
    shown_url,
)
from .competency import CompetencyMixin
from .competency_links import CompetencyLinkMixin
from .engagement import EngagementMixin
from .waves import AssessmentMixin, _answered
from .files import FileMixin, _builtin, _tidy_frame
from .invitations import InvitationMixin
from .schema import (
    _stored_text,
    _ANS,
    _ASM,
    _ORG,
    _PMO,
    _RESP,
    DONT_KNOW,
    NOT_APPLICABLE,
    SCHEMA_HEAD,
    _as_url,
    _name,
    _utcnow,
    alembic_config,
    default_url,
)


@dataclass(frozen=True)
class _AssessmentInfo:
    instrument: Instrument
    scale_min: int
    scale_max: int


class Store(AssessmentMixin, FileMixin, EngagementMixin, InvitationMixin, CompetencyMixin,
            CompetencyLinkMixin, Database):
    """An open assessment database.

    Parameters
    ----------
    url
        A SQLAlchemy URL (``sqlite:///path.db``, ``postgresql+psycopg://...``)
        or the path of a SQLite file; ``None`` for :func:`default_url`.
    create
        Create the database (file and folder included) when missing and upgrade
        an older schema to the current one. With ``False`` a database that is
        missing or not at the current schema raises :class:`StoreError`.

    Notes
    -----
    A SQLite file is checked read-only before anything is written to it (:mod:`.engine`): another
    application's file is refused and left as it was; a read-only one serves reads and refuses writes.
    Every database failure (locked, read-only, damaged, I/O) is a one-line :class:`StoreError`.

    Instruments are found by id and version: the built-in ones always, any
    other once passed to :meth:`create_assessment`, :meth:`import_responses`
    or :meth:`use_instrument` in this session.
    """

    def __init__(self, url: str | os.PathLike | None = None, *, create: bool = True):
        self.url = _as_url(url) if url is not None else default_url()
        self.shown_url = shown_url(self.url)  # what messages and output show: the password, if any, as ***
        opened = open_database(self.url, create)  # a SQLite file is checked read-only before anything is written
        self._engine, self._label, self._read_only = opened.engine, opened.label, opened.read_only
        self._sqlite = self._engine.dialect.name == "sqlite"
        self._instruments: dict[tuple[str, str], Instrument] = {}
        self._sources: dict[tuple[str, str], str] = {}  # where a custom instrument was loaded from
        self._translated: dict[tuple[str, str, str], Instrument] = {}  # (id, version, language)
        self._info: dict[int, _AssessmentInfo] = {}  # assessment id -> instrument and scale
        self._respondent_assessment: dict[int, int] = {}
        self._competency_instruments: dict = {}  # (id, version) -> CompetencyInstrument (see .competency)
        try:
            self._open(create, opened.probe)
        except BaseException:
            self._engine.dispose()
            raise

    # -- lifecycle -----------------------------------------------------------------------------------
    def _open(self, create: bool, probe: Probe | None) -> None:
        if probe is None:
            with self._read() as conn:
                revision, foreign = _revision(conn), None
                foreign = revision is None and _has_tables(conn)
        else:
            revision, foreign = probe.revision, probe.foreign
        if not check_revision(self._label, revision, foreign, create):
            return
        if self._read_only is not None:
            raise StoreError(read_only_message(self._label, self._read_only, "create or upgrade the schema of"
                                               if revision is None else f"upgrade schema {revision} of"))
        from alembic import command

        with self._write(migrating=True) as conn:  # one writer migrates; others wait, then find it done
            revision = _revision(conn)
            if revision is None and _has_tables(conn):  # another tool's tables appeared meanwhile
                raise StoreError(foreign_message(self._label))
            if revision != SCHEMA_HEAD:
                command.upgrade(alembic_config(conn), "head")

    # -- instruments ---------------------------------------------------------------------------------
    def use_instrument(self, instrument: Instrument, source: str | os.PathLike | None = None) -> None:
        """Make a (non built-in) instrument known to this session, for assessments that use it; ``source``, the
        YAML file it was loaded from, lets :meth:`instrument_for` load its texts in another language."""
        key = (instrument.id, instrument.version)
        self._instruments[key] = instrument
        if source is not None:  # without one, a source given before stays (the same id and version)
            self._sources[key] = os.fspath(source)
            for found in [k for k in self._translated if k[:2] == key]:
                del self._translated[found]

    def instrument_for(self, assessment_id: int, language: str | None = None) -> Instrument:
        """The instrument an assessment uses (a custom one must be known through :meth:`use_instrument`), its
        texts in ``language`` when the instrument declares it (``None``, or a language it does not declare:
        its default language). Ids and numbers are the same in every language."""
        info = self.assessment(assessment_id)
        instrument_id, version = info["instrument_id"], info["instrument_version"]
        found = self._instrument(instrument_id, version)
        if not language or language not in tuple(getattr(found, "languages", None) or ()):
            return found
        key = (instrument_id, version, language)
        if key not in self._translated:
            source = self._sources.get((instrument_id, version))
            if source is None:
                builtin = _builtin(instrument_id, version)
                source = builtin[1] if builtin is not None else None
            if source is None:
                return found
            from ..assessment.instrument import load_instrument

            loaded = load_instrument(source, language=language)
            if (loaded.id, loaded.version) != (instrument_id, version):
                raise StoreError(f"{source} now holds {loaded.id} {loaded.version}, not the {instrument_id} "
                                 f"{version} assessment {assessment_id} uses")
            self._translated[key] = loaded
        return self._translated[key]

    def _instrument(self, instrument_id: str, version: str) -> Instrument:
        """The instrument made known in this session, else the built-in one (current, or kept as ``id@version``)."""
        key = (instrument_id, version)
        if key not in self._instruments:
            found = _builtin(instrument_id, version)
            if found is None:
                raise StoreError(f"instrument {instrument_id} {version} is not a built-in one; pass it to "
                                 "Store.use_instrument() before working on its assessments")
            self._instruments[key] = found[0]
        return self._instruments[key]

    def _assessment_info(self, conn: sa.Connection, assessment_id: int) -> _AssessmentInfo:
        if assessment_id not in self._info:
            row = conn.execute(sa.select(_ASM.c.instrument_id, _ASM.c.instrument_version, _ASM.c.scale_min,
                                         _ASM.c.scale_max).where(_ASM.c.id == lookup_id(assessment_id))).first()
            if row is None:
                raise StoreError(f"no assessment {assessment_id} in {self.shown_url}")
            self._info[assessment_id] = _AssessmentInfo(self._instrument(row[0], row[1]), row[2], row[3])
        return self._info[assessment_id]

    def _respondent_info(self, conn: sa.Connection, respondent_id: int) -> _AssessmentInfo:
        if respondent_id not in self._respondent_assessment:
            found = conn.execute(sa.select(_RESP.c.assessment_id).where(_RESP.c.id == respondent_id)).scalar()
            if found is None:
                raise StoreError(f"no respondent {respondent_id} in {self.shown_url}")
            self._respondent_assessment[respondent_id] = found
        return self._assessment_info(conn, self._respondent_assessment[respondent_id])

    # -- organisations, PMOs, assessments, respondents -------------------------------------------------
    def organisation(self, name: str) -> int:
        """The id of the organisation called ``name``, created when new."""
        with self._write() as conn:
            return self._organisation(conn, name)

    def pmo(self, organisation: str, name: str, *, level: str | None = None, parent: str | None = None) -> int:
        """The id of PMO ``name`` of ``organisation`` (both created when new).

        ``level`` (one of :data:`~pmo_workbench.responses.PMO_LEVELS`) and
        ``parent`` (the name of another PMO of the same organisation, which
        must exist) are set when given and left as they are when ``None``.
        """
        with self._write() as conn:
            return self._pmo(conn, self._organisation(conn, organisation), name, level=level, parent=parent)

    def add_respondent(self, assessment_id: int, role: str, *, label: str | None = None, name: str | None = None,
                       assessed_on: dt.date | None = None) -> int:
        """The id of a respondent of the assessment, created when new.

        ``label`` is the respondent id exports show; by default the first free
        ``R<n>``. A label that exists already returns that respondent (its role
        must match). ``role`` must be one of the instrument's roles; ``name``
        may be withheld.
        """
        with self._write() as conn:
            info = self._assessment_info(conn, assessment_id)
            if role not in info.instrument.role_ids:
                raise StoreError(f"unknown role '{role}'; the instrument {info.instrument.id} has "
                                 f"{', '.join(info.instrument.role_ids)}")
            labels = dict(conn.execute(sa.select(_RESP.c.label, _RESP.c.role)
                                       .where(_RESP.c.assessment_id == assessment_id)).all())
            if label is None:
                n = len(labels) + 1
                while f"R{n}" in labels:
                    n += 1
                label = f"R{n}"
            elif label in labels:
                if labels[label] != role:
                    raise StoreError(f"respondent '{label}' of assessment {assessment_id} has role "
                                     f"'{labels[label]}', not '{role}'")
                return conn.execute(sa.select(_RESP.c.id).where(_RESP.c.assessment_id == assessment_id,
                                                                _RESP.c.label == label)).scalar_one()
            result = conn.execute(sa.insert(_RESP).values(assessment_id=assessment_id, label=label, role=role,
                                                          name=name, assessed_on=assessed_on, created_at=_utcnow()))
            return result.inserted_primary_key[0]

    def respondents(self, assessment_id: int) -> pd.DataFrame:
        """The respondents of an assessment, in the order they were added.

        Columns: ``respondent_id``, ``label``, ``role``, ``name`` (None when
        withheld), ``answered`` (items with a value, "not applicable" or
        "don't know"; a comment alone is no answer), ``not_applicable`` and
        ``dont_know`` (of those, the ones answered so), ``total`` (items the
        instrument asks of the respondent's role), ``updated_at`` (last answer
        or comment saved, UTC; NaT before the first).
        """
        with self._read() as conn:
            asked = self._assessment_info(conn, assessment_id).instrument.asked.sum(axis=1)
            query = (
                sa.select(_RESP.c.id, _RESP.c.label, _RESP.c.role, _RESP.c.name, sa.func.count(_answered()),
                          sa.func.count(sa.case((_ANS.c.not_applicable, 1))),
                          sa.func.count(sa.case((_ANS.c.dont_know, 1))), sa.func.max(_ANS.c.updated_at))
                .select_from(_RESP.outerjoin(_ANS, _ANS.c.respondent_id == _RESP.c.id))
                .where(_RESP.c.assessment_id == assessment_id)
                .group_by(_RESP.c.id, _RESP.c.label, _RESP.c.role, _RESP.c.name)
                .order_by(_RESP.c.id)
            )
            rows = conn.execute(query).all()
        frame = pd.DataFrame(rows, columns=["respondent_id", "label", "role", "name", "answered", "not_applicable",
                                            "dont_know", "updated_at"])
        frame.insert(7, "total", frame["role"].map(asked).fillna(0))
        for name in ("respondent_id", "answered", "not_applicable", "dont_know", "total"):
            frame[name] = frame[name].astype("int64")
        frame["name"] = frame["name"].astype(object).where(frame["name"].notna(), None)
        frame["updated_at"] = pd.to_datetime(frame["updated_at"]).astype("datetime64[us]")
        return frame

    # -- answers ---------------------------------------------------------------------------------------
    def save_answer(self, respondent_id: int, item: str, value: int | str | None,
                    comment: str | None = None) -> None:
        """Store one answer (replacing the respondent's earlier answer to ``item``), committed on return.

        Parameters
        ----------
        value
            A whole number on the assessment's scale, :data:`NOT_APPLICABLE`
            (``"n/a"``), :data:`DONT_KNOW` (``"DK"``, any case) for "don't
            know", or ``None`` for no answer: the row then keeps only the
            comment, and is deleted when the comment is empty too.
        comment
            Free text; an empty comment is stored as ``None``.

        Raises
        ------
        StoreError
            For an item the instrument does not have, a value that is not a
            whole number on the scale (nor ``"n/a"``, ``"DK"`` or ``None``), or
            a value or "don't know" to an item the instrument does not ask of
            the respondent's role (its ``audience``).
        """
        self.save_answers(respondent_id, {item: (value, comment)})

    def save_answers(self, respondent_id: int, answers: Mapping[str, tuple[int | str | None, str | None]]) -> None:
        """Store several answers of one respondent in one transaction (all or none).

        Values and comments as in :meth:`save_answer`.

        Raises
        ------
        StoreError
            Naming every item the instrument does not have, every value
            outside its scale or not a whole number, and every answer to an
            item the respondent's role is not asked; nothing is stored then.
        """
        with self._write() as conn:
            info = self._respondent_info(conn, respondent_id)
            # The role now (an import may change it): read in this transaction.
            role = conn.execute(sa.select(_RESP.c.role).where(_RESP.c.id == respondent_id)).scalar()
            rows, cleared, bad = [], [], []
            now = _utcnow()
            for item, (value, comment) in answers.items():
                checked, problem = _check_answer(info, item, value, role)
                if problem:
                    bad.append(problem)
                    continue
                comment = comment or None
                if checked is None and comment is None:
                    cleared.append(item)
                    continue
                marker = checked if isinstance(checked, str) else None
                rows.append({"respondent_id": respondent_id, "item": item,
                             "value": None if marker else checked, "not_applicable": marker == NOT_APPLICABLE,
                             "dont_know": marker == DONT_KNOW, "comment": comment, "updated_at": now})
            if bad:
                raise StoreError(f"respondent {respondent_id}: " + "; ".join(bad) + "; nothing was saved")
            try:
                if cleared:
                    conn.execute(sa.delete(_ANS).where(_ANS.c.respondent_id == respondent_id,
                                                       _ANS.c.item.in_(cleared)))
                if rows:
                    self._upsert_answers(conn, rows)
            except sa.exc.IntegrityError as exc:  # the database's own checks (scale triggers, keys)
                raise StoreError(f"respondent {respondent_id}: the database refused the answers ({exc.orig}); "
                                 "nothing was saved") from None

    def answers(self, respondent_id: int) -> dict[str, tuple[int | str | None, str | None]]:
        """The stored answers of a respondent: item -> (value, comment).

        ``value`` is a whole number, :data:`NOT_APPLICABLE`, :data:`DONT_KNOW`
        or ``None`` (a comment without an answer); items without a row are
        left out.
        """
        with self._read() as conn:
            self._respondent_info(conn, respondent_id)
            rows = conn.execute(sa.select(_ANS.c.item, _ANS.c.value, _ANS.c.not_applicable, _ANS.c.dont_know,
                                          _ANS.c.comment)
                                .where(_ANS.c.respondent_id == respondent_id).order_by(_ANS.c.id)).all()
        return {item: (NOT_APPLICABLE if not_applicable else DONT_KNOW if dont_know else value, comment)
                for item, value, not_applicable, dont_know, comment in rows}

    # -- frames for the analysis -------------------------------------------------------------------------
    def responses(self, assessment_id: int | Sequence[int] | None = None) -> pd.DataFrame:
        """The stored answers as the tidy frame :func:`~pmo_workbench.assessment.responses.read_responses` returns.

        Parameters
        ----------
        assessment_id
            One id, several, or ``None`` for every assessment; all must use the
            same instrument id and version.

        Returns
        -------
        pandas.DataFrame
            :data:`~pmo_workbench.responses.TIDY_COLUMNS` with the same dtypes
            and categories, ordered by organisation, PMO and respondent (as
            stored) and item (instrument order); ``source_row`` is the row each
            answer has in a long file written by :meth:`export_responses`.
            "Not applicable" and a comment without an answer both have
            ``value`` NaN (as in a responses file); items without a stored row
            are not in the frame.
        """
        raw, instrument = self._stored(assessment_id)
        return _tidy_frame(raw, instrument)

    def _stored(self, assessment_id: int | Sequence[int] | None, *,
                unanswered: bool = False) -> tuple[pd.DataFrame, Instrument]:
        """The stored answer rows in :meth:`responses` order (with ``not_applicable`` and ``dont_know``), and their
        instrument. With ``unanswered``, a respondent with nothing stored yet gets one row without a value or
        comment (on the first item their role is asked), so that an export lists them."""
        with self._read() as conn:
            query = sa.select(_ASM.c.id, _ASM.c.instrument_id, _ASM.c.instrument_version)
            if assessment_id is not None:
                ids = [int(assessment_id)] if np.ndim(assessment_id) == 0 else [int(i) for i in assessment_id]
                query = query.where(_ASM.c.id.in_([i for i in ids if in_range(i)]))
            chosen = conn.execute(query).all()
            if assessment_id is not None and len(chosen) < len(set(ids)):
                missing = sorted(set(ids) - {row[0] for row in chosen})
                raise StoreError(f"no assessment {', '.join(map(str, missing))} in {self.shown_url}")
            if not chosen:
                raise StoreError(f"no assessments in {self.shown_url}; import a responses file or create one")
            versions = sorted({(row[1], row[2]) for row in chosen})
            if len(versions) > 1:
                raise StoreError("the assessments use different instruments (" +
                                 ", ".join(f"{i} {v}" for i, v in versions) + "); ask for one instrument at a time")
            instrument = self._instrument(*versions[0])
            chosen_ids = [row[0] for row in chosen]
            rows = conn.execute(
                sa.select(_ORG.c.id, _PMO.c.id, _ASM.c.id, _RESP.c.id, _ORG.c.name, _PMO.c.name, _PMO.c.level,
                          _RESP.c.label, _RESP.c.role, _ANS.c.item, _ANS.c.value, _stored_text(_RESP.c.assessed_on),
                          _ANS.c.comment, _ANS.c.not_applicable, _ANS.c.dont_know, _ASM.c.label,
                          _RESP.c.language)
                .select_from(_ANS.join(_RESP, _ANS.c.respondent_id == _RESP.c.id)
                             .join(_ASM, _RESP.c.assessment_id == _ASM.c.id)
                             .join(_PMO, _ASM.c.pmo_id == _PMO.c.id)
                             .join(_ORG, _ASM.c.organisation_id == _ORG.c.id))
                .where(_ASM.c.id.in_(chosen_ids))
            ).all()
            if unanswered:
                rows += _unanswered_rows(conn, chosen_ids, instrument)
        raw = pd.DataFrame(rows, columns=["org_id", "pmo_id", "assessment_id", "respondent_id", "organisation", "pmo",
                                          "pmo_level", "respondent", "role", "item", "value", "assessed_on",
                                          "comment", "not_applicable", "dont_know", "wave", "language"])
        raw["not_applicable"] = raw["not_applicable"].astype(bool)
        raw["dont_know"] = raw["dont_know"].astype(bool)
        position = pd.Series(np.arange(len(instrument.items)), index=instrument.items.index)
        raw["item_position"] = raw["item"].map(position)
        raw = raw.sort_values(["org_id", "pmo_id", "assessment_id", "respondent_id", "item_position"],
                              kind="stable").reset_index(drop=True)
        return raw, instrument

    # -- internals ---------------------------------------------------------------------------------------
    def _organisation(self, conn: sa.Connection, name: str) -> int:
        name = _name(name, "organisation")
        found = conn.execute(sa.select(_ORG.c.id).where(_ORG.c.name == name)).scalar()
        if found is not None:
            return found
        return conn.execute(sa.insert(_ORG).values(name=name)).inserted_primary_key[0]

    def _pmo(self, conn: sa.Connection, org_id: int, name: str, *, level: str | None = None,
             parent: str | None = None) -> int:
        name = _name(name, "PMO")
        if level is not None and level not in PMO_LEVELS:
            raise StoreError(f"unknown PMO level '{level}'; expected one of {', '.join(PMO_LEVELS)}")
        parent_id = None
        if parent is not None:
            parent_id = conn.execute(sa.select(_PMO.c.id).where(_PMO.c.organisation_id == org_id,
                                                                _PMO.c.name == parent)).scalar()
            if parent_id is None or parent == name:
                raise StoreError(f"parent PMO '{parent}' of '{name}' must be another PMO of the same organisation; "
                                 "create it first")
        row = conn.execute(sa.select(_PMO.c.id, _PMO.c.level, _PMO.c.parent_id)
                           .where(_PMO.c.organisation_id == org_id, _PMO.c.name == name)).first()
        if row is None:
            return conn.execute(sa.insert(_PMO).values(organisation_id=org_id, name=name, level=level,
                                                       parent_id=parent_id)).inserted_primary_key[0]
        changes = {}
        if level is not None and level != row.level:
            changes["level"] = level
        if parent_id is not None and parent_id != row.parent_id:
            changes["parent_id"] = parent_id
        if changes:
            conn.execute(sa.update(_PMO).where(_PMO.c.id == row.id).values(**changes))
        return row.id

    def _upsert_answers(self, conn: sa.Connection, rows: list[dict]) -> None:
        """Insert answers, replacing value, not-applicable and don't-know flags, comment and time of existing
        (respondent, item) pairs."""
        insert = _dialect_insert(conn)
        if insert is not None:
            statement = insert(_ANS)
            statement = statement.on_conflict_do_update(
                index_elements=["respondent_id", "item"],
                set_={"value": statement.excluded.value, "not_applicable": statement.excluded.not_applicable,
                      "dont_know": statement.excluded.dont_know, "comment": statement.excluded.comment,
                      "updated_at": statement.excluded.updated_at})
            conn.execute(statement, rows)
            return
        for row in rows:  # any other database: update, else insert (inside the caller's transaction)
            done = conn.execute(sa.update(_ANS).where(_ANS.c.respondent_id == row["respondent_id"],
                                                      _ANS.c.item == row["item"])
                                .values(value=row["value"], not_applicable=row["not_applicable"],
                                        dont_know=row["dont_know"], comment=row["comment"],
                                        updated_at=row["updated_at"]))
            if done.rowcount == 0:
                conn.execute(sa.insert(_ANS), [row])

def _unanswered_rows(conn: sa.Connection, assessment_ids: list[int], instrument: Instrument) -> list[tuple]:
    """One row in :meth:`Store._stored`'s shape for each respondent of the assessments with no answer row at all
    (added or imported, nothing answered yet): no value, no comment, on the first item their role is asked."""
    found = conn.execute(
        sa.select(_ORG.c.id, _PMO.c.id, _ASM.c.id, _RESP.c.id, _ORG.c.name, _PMO.c.name, _PMO.c.level,
                  _RESP.c.label, _RESP.c.role, _RESP.c.assessed_on, _ASM.c.label, _RESP.c.language)
        .select_from(_RESP.join(_ASM, _RESP.c.assessment_id == _ASM.c.id)
                     .join(_PMO, _ASM.c.pmo_id == _PMO.c.id)
                     .join(_ORG, _ASM.c.organisation_id == _ORG.c.id))
        .where(_ASM.c.id.in_(assessment_ids), ~sa.exists().where(_ANS.c.respondent_id == _RESP.c.id))
    ).all()
    asked = instrument.asked
    items = list(instrument.items.index)

    def first_item(role: str) -> str:
        if role in asked.index and asked.loc[role].any():
            return str(asked.loc[role].idxmax())
        return items[0]

    return [(org, pmo, asm, rid, organisation, pmo_name, level, label, role, first_item(role), None, assessed_on,
             None, False, False, wave, language)
            for (org, pmo, asm, rid, organisation, pmo_name, level, label, role, assessed_on, wave, language)
            in found]


def _check_answer(info: _AssessmentInfo, item: str, value, role: str | None = None,
                  ) -> tuple[int | str | None, str | None]:
    """The value to store (a whole number, ``NOT_APPLICABLE``, ``DONT_KNOW`` or ``None``), or a message saying why
    it cannot be. A value or "don't know" to an item not asked of ``role`` cannot be ("not applicable" can)."""
    ins = info.instrument
    if item not in ins.items.index:
        return None, f"unknown item '{item}' (the instrument {ins.id} {ins.version} has no such item)"
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None, None
    if isinstance(value, str) and value == NOT_APPLICABLE:
        return NOT_APPLICABLE, None
    audience = ins.items.at[item, "audience"]
    if role is not None and audience is not None and role not in audience:
        return None, (f"item {item} is not asked of role '{role}' (the instrument {ins.id} {ins.version} asks it "
                      f"only of {', '.join(audience)}); leave it unanswered or mark it '{NOT_APPLICABLE}'")
    if isinstance(value, str) and value.strip().upper() == DONT_KNOW:
        return DONT_KNOW, None
    expected = (f"expected a whole number from {info.scale_min} to {info.scale_max}, '{DONT_KNOW}' (don't know), "
                f"'{NOT_APPLICABLE}' (not applicable) or None (no answer)")
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        return None, f"item {item}: value {value!r} is not a number; {expected}"
    if float(value) % 1 != 0 or not info.scale_min <= value <= info.scale_max:
        return None, f"item {item}: value {value!r} is outside the scale; {expected}"
    return int(value), None
