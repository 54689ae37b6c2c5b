"""The assessment store: every organisation, PMO, assessment, respondent and answer in one database.

SQLAlchemy 2 on an embedded SQLite file by default (WAL journal, so readers never
block the writer and a crash loses no committed answer); the same code runs on
PostgreSQL given a ``postgresql+psycopg://`` URL. The schema is versioned with
Alembic (migrations ship in ``pmo_workbench/migrations``) and an older database
is upgraded when it is opened.

Answers go in through :meth:`Store.save_answer` (the form) or
:meth:`Store.import_responses` (a responses file, checked by
:func:`~pmo_workbench.responses.read_responses` first), and come out as the
tidy frame scoring takes (:meth:`Store.responses`) or as a responses file
(:meth:`Store.export_responses`).

>>> with Store("sqlite:///:memory:") as store:                      # doctest: +SKIP
...     store.import_responses("examples/pmo_responses.csv", load_instrument("pmo-core"))
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ._io import write_with
from ._tables import per_value
from .errors import StoreError
from .instrument import Instrument, builtin_instruments, load_instrument
from .responses import KEY_COLUMNS, PMO_LEVELS, TIDY_COLUMNS, read_responses

DB_ENV = "PMO_WORKBENCH_DB"
"""Environment variable naming the database: a full URL or the path of a SQLite file."""
SCHEMA_HEAD = "0003"
"""The Alembic revision this version of the package writes (the head of ``migrations/versions``)."""
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
STATUSES = ("open", "closed")
LONG_FILE_COLUMNS = ("organisation", "pmo", "pmo_level", "respondent", "role", "item", "value", "assessed_on",
                     "comment")
"""Columns of an exported long responses file (the sample data's layout)."""
WIDE_META_COLUMNS = (*KEY_COLUMNS, "pmo_level", "assessed_on")
"""Columns of an exported wide responses file before the one column per item."""
NOT_APPLICABLE = "n/a"
"""The answer "not applicable" (:meth:`Store.save_answer`, :meth:`Store.answers`); exports write it as ``NA``."""
_REVISIONS = ("0001", "0002", "0003")
_NA_TEXT = "NA"
_NA_RAW = frozenset({"na", "n/a"})  # the not-answered markers of a responses file that are not a blank


def default_url() -> str:
    """The database to use when none is given.

    ``$PMO_WORKBENCH_DB`` when set (a full URL, or a plain path of a SQLite
    file), else ``workbench.db`` in the user's data folder.
    """
    given = os.environ.get(DB_ENV, "").strip()
    if given:
        return _as_url(given)
    import platformdirs

    return _as_url(str(platformdirs.user_data_path("pmo-workbench") / "workbench.db"))


def _as_url(text: str | os.PathLike) -> str:
    """A database URL as given, or ``sqlite:///<absolute path>`` for a plain file path."""
    text = os.fspath(text)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def alembic_config(connection: sa.Connection):
    """An Alembic ``Config`` for the store's migrations, running on ``connection``.

    No ``alembic.ini`` is needed: ``script_location`` points into the package.
    ``alembic.command.upgrade(alembic_config(conn), "0001")`` builds the first
    schema version, ``"head"`` the current one.
    """
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


# -- schema (the head revision; migrations/versions holds how it came to be) --------------------------

def _utcnow() -> dt.datetime:
    """Now in UTC, without a time zone (stored as UTC on every backend)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Organisation(Base):
    __tablename__ = "organisations"
    __table_args__ = (sa.UniqueConstraint("name", name="uq_organisations_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]


class Pmo(Base):
    __tablename__ = "pmos"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "name", name="uq_pmos_organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    name: Mapped[str]
    level: Mapped[str | None]
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pmos.id", ondelete="SET NULL"))


class Assessment(Base):
    __tablename__ = "assessments"
    __table_args__ = (
        sa.UniqueConstraint("pmo_id", "instrument_id", "instrument_version", name="uq_assessments_pmo_id"),
        sa.CheckConstraint("status IN ('open', 'closed')", name="ck_assessments_status"),
        sa.CheckConstraint("scale_max > scale_min", name="ck_assessments_scale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    pmo_id: Mapped[int] = mapped_column(sa.ForeignKey("pmos.id", ondelete="CASCADE"))
    instrument_id: Mapped[str]
    instrument_version: Mapped[str]
    scale_min: Mapped[int]
    scale_max: Mapped[int]
    assessed_on: Mapped[dt.date | None]
    status: Mapped[str] = mapped_column(server_default="open")
    created_at: Mapped[dt.datetime]


class Respondent(Base):
    __tablename__ = "respondents"
    __table_args__ = (sa.UniqueConstraint("assessment_id", "label", name="uq_respondents_assessment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessments.id", ondelete="CASCADE"))
    label: Mapped[str]
    role: Mapped[str]
    name: Mapped[str | None]
    assessed_on: Mapped[dt.date | None]
    created_at: Mapped[dt.datetime]


class Answer(Base):
    __tablename__ = "answers"
    __table_args__ = (
        sa.UniqueConstraint("respondent_id", "item", name="uq_answers_respondent_id"),
        sa.CheckConstraint("NOT not_applicable OR value IS NULL", name="ck_answers_not_applicable_no_value"),
    )  # plus triggers (migration 0003) refusing a value outside the assessment's scale

    id: Mapped[int] = mapped_column(primary_key=True)
    respondent_id: Mapped[int] = mapped_column(sa.ForeignKey("respondents.id", ondelete="CASCADE"))
    item: Mapped[str]
    value: Mapped[int | None]
    comment: Mapped[str | None] = mapped_column(sa.Text)
    updated_at: Mapped[dt.datetime]
    not_applicable: Mapped[bool] = mapped_column(server_default=sa.false())


_ORG, _PMO, _ASM, _RESP, _ANS = (m.__table__ for m in (Organisation, Pmo, Assessment, Respondent, Answer))


@dataclass(frozen=True)
class ImportResult:
    """What :meth:`Store.import_responses` did.

    ``assessments`` are the ids the file's answers went to (file order);
    the counts say how many respondents were new and how many answers were
    new, changed (value or comment) or already stored as given.
    """

    assessments: tuple[int, ...]
    respondents_added: int
    answers_added: int
    answers_changed: int
    answers_unchanged: int


@dataclass(frozen=True)
class _AssessmentInfo:
    instrument: Instrument
    scale_min: int
    scale_max: int


class Store:
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
    Instruments are found by id and version: the built-in ones always, any
    other once passed to :meth:`create_assessment`, :meth:`import_responses`
    or :meth:`use_instrument` in this session.
    """

    def __init__(self, url: str | os.PathLike | None = None, *, create: bool = True):
        self.url = _as_url(url) if url is not None else default_url()
        parsed = sa.make_url(self.url)
        self._sqlite = parsed.get_backend_name() == "sqlite"
        if self._sqlite:
            database = parsed.database or ""
            on_disk = database not in ("", ":memory:") and not database.startswith("file:")
            if on_disk and not Path(database).is_file():
                if not create:
                    raise StoreError(f"no database at {database}; create it with `pmo-workbench store init`")
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            self._engine = sa.create_engine(self.url, connect_args={"timeout": 30})
            event.listen(self._engine, "connect", _sqlite_on_connect)
            event.listen(self._engine, "begin", _sqlite_on_begin)
        else:
            self._engine = sa.create_engine(self.url)
        self._instruments: dict[tuple[str, str], Instrument] = {}
        self._info: dict[int, _AssessmentInfo] = {}  # assessment id -> instrument and scale
        self._respondent_assessment: dict[int, int] = {}
        try:
            self._open(create)
        except sa.exc.DatabaseError as exc:  # e.g. "file is not a database"
            self._engine.dispose()
            raise StoreError(f"{self.url} is not a pmo-workbench database ({exc.orig}); give the file "
                             "`pmo-workbench store init` created, or a new file name") from None
        except BaseException:
            self._engine.dispose()
            raise

    # -- lifecycle -----------------------------------------------------------------------------------
    def _open(self, create: bool) -> None:
        with self._engine.connect() as conn:
            revision = _revision(conn)
            foreign = revision is None and _has_tables(conn)
            conn.rollback()
        if revision == SCHEMA_HEAD:
            return
        if foreign:
            raise StoreError(self._foreign_message())
        if revision is not None and revision not in _REVISIONS:
            raise StoreError(f"the database {self.url} has schema {revision}, newer than this pmo-workbench knows "
                             f"({SCHEMA_HEAD}); upgrade pmo-workbench")
        if not create:
            if revision is None:
                raise StoreError(f"the database {self.url} is empty; run `pmo-workbench store init` to create "
                                 "the pmo-workbench schema in it")
            raise StoreError(f"the database {self.url} has schema {revision}, not {SCHEMA_HEAD}; run "
                             "`pmo-workbench store init` to upgrade it")
        from alembic import command

        with self._write() as conn:  # one writer migrates; others wait, then find it done
            revision = _revision(conn)
            if revision is None and _has_tables(conn):  # another tool's tables appeared meanwhile
                raise StoreError(self._foreign_message())
            if revision != SCHEMA_HEAD:
                command.upgrade(alembic_config(conn), "head")

    def _foreign_message(self) -> str:
        return (f"{self.url} is not a pmo-workbench database (it has tables but no alembic_version table); "
                "it was left as it is: give another file")

    def close(self) -> None:
        """Release every connection (committed data is already on disk)."""
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    @contextlib.contextmanager
    def _write(self) -> Iterator[sa.Connection]:
        """A transaction that holds the write lock from its start (SQLite ``BEGIN IMMEDIATE``), so
        concurrent writers queue (busy timeout 30 s) instead of failing on a lock upgrade."""
        with self._engine.connect() as conn:
            conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                yield conn

    @contextlib.contextmanager
    def _read(self) -> Iterator[sa.Connection]:
        with self._engine.connect() as conn, conn.begin():
            yield conn

    # -- instruments ---------------------------------------------------------------------------------
    def use_instrument(self, instrument: Instrument) -> None:
        """Make a (non built-in) instrument known to this session, for assessments that use it."""
        self._instruments[(instrument.id, instrument.version)] = instrument

    def instrument_for(self, assessment_id: int) -> Instrument:
        """The instrument an assessment uses (a custom one must be known through :meth:`use_instrument`)."""
        info = self.assessment(assessment_id)
        return self._instrument(info["instrument_id"], info["instrument_version"])

    def _instrument(self, instrument_id: str, version: str) -> Instrument:
        key = (instrument_id, version)
        if key not in self._instruments:
            path = builtin_instruments().get(instrument_id)
            found = load_instrument(path) if path is not None else None
            if found is None or found.version != version:
                raise StoreError(f"instrument {instrument_id} {version} is not a built-in one; pass it to "
                                 "Store.use_instrument() before working on its assessments")
            self._instruments[key] = found
        return self._instruments[key]

    def _assessment_info(self, conn: sa.Connection, assessment_id: int) -> _AssessmentInfo:
        if assessment_id not in self._info:
            row = conn.execute(sa.select(_ASM.c.instrument_id, _ASM.c.instrument_version, _ASM.c.scale_min,
                                         _ASM.c.scale_max).where(_ASM.c.id == assessment_id)).first()
            if row is None:
                raise StoreError(f"no assessment {assessment_id} in {self.url}")
            self._info[assessment_id] = _AssessmentInfo(self._instrument(row[0], row[1]), row[2], row[3])
        return self._info[assessment_id]

    def _respondent_info(self, conn: sa.Connection, respondent_id: int) -> _AssessmentInfo:
        if respondent_id not in self._respondent_assessment:
            found = conn.execute(sa.select(_RESP.c.assessment_id).where(_RESP.c.id == respondent_id)).scalar()
            if found is None:
                raise StoreError(f"no respondent {respondent_id} in {self.url}")
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

    def create_assessment(self, organisation: str, pmo: str, instrument: Instrument, *,
                          assessed_on: dt.date | None = None, status: str = "open",
                          level: str | None = None, parent: str | None = None) -> int:
        """The id of the assessment of this PMO with this instrument version, created when new.

        A PMO has one assessment per instrument id and version; when it exists
        already its date and status are left as they are. ``level`` and
        ``parent`` are passed to :meth:`pmo`.
        """
        if status not in STATUSES:
            raise StoreError(f"status '{status}' is not one of {', '.join(STATUSES)}")
        self.use_instrument(instrument)
        with self._write() as conn:
            org_id = self._organisation(conn, organisation)
            pmo_id = self._pmo(conn, org_id, pmo, level=level, parent=parent)
            return self._assessment(conn, org_id, pmo_id, instrument, assessed_on=assessed_on, status=status)[0]

    def assessments(self) -> pd.DataFrame:
        """Every assessment, oldest first.

        Columns: ``assessment_id``, ``organisation``, ``pmo``, ``pmo_level``,
        ``parent_pmo``, ``instrument_id``, ``instrument_version``,
        ``assessed_on`` (datetime, NaT when not set), ``status``,
        ``respondents`` and ``answers`` (answers with a value or "not
        applicable"; comments without an answer do not count).
        """
        with self._read() as conn:
            rows = conn.execute(self._assessment_query()).all()
        frame = pd.DataFrame(rows, columns=list(_ASSESSMENT_COLUMNS))
        frame["assessed_on"] = pd.to_datetime(frame["assessed_on"]).astype("datetime64[us]")
        for name in ("assessment_id", "respondents", "answers"):
            frame[name] = frame[name].astype("int64")
        return frame

    def assessment(self, assessment_id: int) -> dict:
        """One assessment's fields as in :meth:`assessments` (``assessed_on`` a date or ``None``)."""
        with self._read() as conn:
            row = conn.execute(self._assessment_query().where(_ASM.c.id == assessment_id)).first()
        if row is None:
            raise StoreError(f"no assessment {assessment_id} in {self.url}")
        return dict(zip(_ASSESSMENT_COLUMNS, row))

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
        withheld), ``answered`` (items with a value or "not applicable"; a
        comment alone is no answer), ``not_applicable`` (of those, the ones
        answered "not applicable"), ``total`` (items of the instrument),
        ``updated_at`` (last answer or comment saved, UTC; NaT before the first).
        """
        with self._read() as conn:
            total = len(self._assessment_info(conn, assessment_id).instrument.items)
            query = (
                sa.select(_RESP.c.id, _RESP.c.label, _RESP.c.role, _RESP.c.name, sa.func.count(_answered()),
                          sa.func.count(sa.case((_ANS.c.not_applicable, 1))), sa.func.max(_ANS.c.updated_at))
                .select_from(_RESP.outerjoin(_ANS, _ANS.c.respondent_id == _RESP.c.id))
                .where(_RESP.c.assessment_id == assessment_id)
                .group_by(_RESP.c.id, _RESP.c.label, _RESP.c.role, _RESP.c.name)
                .order_by(_RESP.c.id)
            )
            rows = conn.execute(query).all()
        frame = pd.DataFrame(rows, columns=["respondent_id", "label", "role", "name", "answered", "not_applicable",
                                            "updated_at"])
        frame.insert(6, "total", total)
        for name in ("respondent_id", "answered", "not_applicable", "total"):
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
            (``"n/a"``), or ``None`` for no answer: the row then keeps only the
            comment, and is deleted when the comment is empty too.
        comment
            Free text; an empty comment is stored as ``None``.

        Raises
        ------
        StoreError
            For an item the instrument does not have, or a value that is not a
            whole number on the scale (nor ``"n/a"`` nor ``None``).
        """
        self.save_answers(respondent_id, {item: (value, comment)})

    def save_answers(self, respondent_id: int, answers: Mapping[str, tuple[int | str | None, str | None]]) -> None:
        """Store several answers of one respondent in one transaction (all or none).

        Values and comments as in :meth:`save_answer`.

        Raises
        ------
        StoreError
            Naming every item the instrument does not have and every value
            outside its scale or not a whole number; nothing is stored then.
        """
        with self._write() as conn:
            info = self._respondent_info(conn, respondent_id)
            rows, cleared, bad = [], [], []
            now = _utcnow()
            for item, (value, comment) in answers.items():
                checked, problem = _check_answer(info, item, value)
                if problem:
                    bad.append(problem)
                    continue
                comment = comment or None
                not_applicable = checked == NOT_APPLICABLE
                if checked is None and comment is None:
                    cleared.append(item)
                    continue
                rows.append({"respondent_id": respondent_id, "item": item,
                             "value": None if not_applicable else checked, "not_applicable": not_applicable,
                             "comment": comment, "updated_at": now})
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

        ``value`` is a whole number, :data:`NOT_APPLICABLE` or ``None`` (a
        comment without an answer); items without a row are left out.
        """
        with self._read() as conn:
            self._respondent_info(conn, respondent_id)
            rows = conn.execute(sa.select(_ANS.c.item, _ANS.c.value, _ANS.c.not_applicable, _ANS.c.comment)
                                .where(_ANS.c.respondent_id == respondent_id).order_by(_ANS.c.id)).all()
        return {item: (NOT_APPLICABLE if not_applicable else value, comment)
                for item, value, not_applicable, comment in rows}

    # -- frames for the analysis -------------------------------------------------------------------------
    def responses(self, assessment_id: int | Sequence[int] | None = None) -> pd.DataFrame:
        """The stored answers as the tidy frame :func:`~pmo_workbench.responses.read_responses` returns.

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

    def _stored(self, assessment_id: int | Sequence[int] | None) -> tuple[pd.DataFrame, Instrument]:
        """The stored answer rows in :meth:`responses` order (with ``not_applicable``), and their instrument."""
        with self._read() as conn:
            query = sa.select(_ASM.c.id, _ASM.c.instrument_id, _ASM.c.instrument_version)
            if assessment_id is not None:
                ids = [int(assessment_id)] if np.ndim(assessment_id) == 0 else [int(i) for i in assessment_id]
                query = query.where(_ASM.c.id.in_(ids))
            chosen = conn.execute(query).all()
            if assessment_id is not None and len(chosen) < len(set(ids)):
                missing = sorted(set(ids) - {row[0] for row in chosen})
                raise StoreError(f"no assessment {', '.join(map(str, missing))} in {self.url}")
            if not chosen:
                raise StoreError(f"no assessments in {self.url}; import a responses file or create one")
            versions = sorted({(row[1], row[2]) for row in chosen})
            if len(versions) > 1:
                raise StoreError("the assessments use different instruments (" +
                                 ", ".join(f"{i} {v}" for i, v in versions) + "); ask for one instrument at a time")
            instrument = self._instrument(*versions[0])
            rows = conn.execute(
                sa.select(_ORG.c.id, _PMO.c.id, _ASM.c.id, _RESP.c.id, _ORG.c.name, _PMO.c.name, _PMO.c.level,
                          _RESP.c.label, _RESP.c.role, _ANS.c.item, _ANS.c.value, _RESP.c.assessed_on,
                          _ANS.c.comment, _ANS.c.not_applicable)
                .select_from(_ANS.join(_RESP, _ANS.c.respondent_id == _RESP.c.id)
                             .join(_ASM, _RESP.c.assessment_id == _ASM.c.id)
                             .join(_PMO, _ASM.c.pmo_id == _PMO.c.id)
                             .join(_ORG, _ASM.c.organisation_id == _ORG.c.id))
                .where(_ASM.c.id.in_([row[0] for row in chosen]))
            ).all()
        raw = pd.DataFrame(rows, columns=["org_id", "pmo_id", "assessment_id", "respondent_id", "organisation", "pmo",
                                          "pmo_level", "respondent", "role", "item", "value", "assessed_on",
                                          "comment", "not_applicable"])
        raw["not_applicable"] = raw["not_applicable"].astype(bool)
        position = pd.Series(np.arange(len(instrument.items)), index=instrument.items.index)
        raw["item_position"] = raw["item"].map(position)
        raw = raw.sort_values(["org_id", "pmo_id", "assessment_id", "respondent_id", "item_position"],
                              kind="stable").reset_index(drop=True)
        return raw, instrument

    # -- files -----------------------------------------------------------------------------------------
    def import_responses(self, path: str | os.PathLike, instrument: Instrument) -> ImportResult:
        """Import a responses file (CSV or XLSX, long or wide) in one transaction.

        The file is checked by :func:`~pmo_workbench.responses.read_responses`
        first; an invalid file raises
        :class:`~pmo_workbench.errors.InputValidationError` with every problem
        and nothing is written. Organisations, PMOs, assessments (one per PMO
        and instrument version) and respondents (by their id within the
        assessment) are found or created, and the answers upserted: importing
        the same file twice, or a file this store exported, changes nothing.

        A value ``NA`` (or ``n/a``) is stored as "not applicable". A blank
        value means the file has no answer: a stored answer is kept as it is
        and no row is added, unless the row has a comment (stored alone, or
        next to the stored answer). A file without a ``comment`` column (every
        wide file) leaves stored comments as they are.
        """
        frame = read_responses(path, instrument)
        self.use_instrument(instrument)
        not_applicable, has_comments = _file_markers(Path(path), frame, instrument)
        return self._import_frame(frame.assign(not_applicable=not_applicable), instrument,
                                  has_comments=has_comments)

    def export_responses(self, path: str | os.PathLike, *, assessment_id: int | Sequence[int] | None = None,
                         form: str = "long") -> Path:
        """Write stored answers as a responses file that :func:`read_responses` reads back.

        ``.csv`` or ``.xlsx`` by the suffix of ``path``; ``form`` ``"long"``
        (one answer per row, comments included) or ``"wide"`` (one row per
        respondent, one column per item; the wide form has no comments).
        "Not applicable" is written ``NA``, no answer is blank (a responses
        file reads both as not answered; :meth:`import_responses` tells them
        apart). Rows follow :meth:`responses`. Text is written as text, never
        as a spreadsheet formula. Written atomically; returns the path.
        """
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in (".csv", ".xlsx"):
            raise StoreError(f"export file must end in .csv or .xlsx, got '{path.name}'")
        if form not in ("long", "wide"):
            raise StoreError(f"form must be 'long' or 'wide', got {form!r}")
        raw, instrument = self._stored(assessment_id)
        frame = _tidy_frame(raw, instrument)
        values = _value_text(frame["value"]).where(~raw["not_applicable"].to_numpy(), _NA_TEXT)
        table = _long_table(frame, values) if form == "long" else _wide_table(frame, values)
        if suffix == ".csv":
            return write_with(path, lambda tmp: table.to_csv(tmp, index=False, lineterminator="\n", encoding="utf-8"))
        return write_with(path, lambda tmp: _workbook(table).save(tmp))

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

    def _assessment(self, conn: sa.Connection, org_id: int, pmo_id: int, instrument: Instrument, *,
                    assessed_on: dt.date | None, status: str = "open") -> tuple[int, bool]:
        found = conn.execute(sa.select(_ASM.c.id).where(
            _ASM.c.pmo_id == pmo_id, _ASM.c.instrument_id == instrument.id,
            _ASM.c.instrument_version == instrument.version)).scalar()
        if found is not None:
            return found, False
        result = conn.execute(sa.insert(_ASM).values(
            organisation_id=org_id, pmo_id=pmo_id, instrument_id=instrument.id,
            instrument_version=instrument.version, scale_min=instrument.scale.min, scale_max=instrument.scale.max,
            assessed_on=assessed_on, status=status, created_at=_utcnow()))
        return result.inserted_primary_key[0], True

    def _assessment_query(self) -> sa.Select:
        parent = _PMO.alias("parent")
        n_respondents = (sa.select(sa.func.count()).where(_RESP.c.assessment_id == _ASM.c.id)
                         .correlate(_ASM).scalar_subquery())
        n_answers = (sa.select(sa.func.count(_answered()))
                     .select_from(_ANS.join(_RESP, _ANS.c.respondent_id == _RESP.c.id))
                     .where(_RESP.c.assessment_id == _ASM.c.id).correlate(_ASM).scalar_subquery())
        return (
            sa.select(_ASM.c.id, _ORG.c.name, _PMO.c.name, _PMO.c.level, parent.c.name, _ASM.c.instrument_id,
                      _ASM.c.instrument_version, _ASM.c.assessed_on, _ASM.c.status, n_respondents, n_answers)
            .select_from(_ASM.join(_ORG, _ASM.c.organisation_id == _ORG.c.id)
                         .join(_PMO, _ASM.c.pmo_id == _PMO.c.id)
                         .outerjoin(parent, _PMO.c.parent_id == parent.c.id))
            .order_by(_ASM.c.id)
        )

    def _upsert_answers(self, conn: sa.Connection, rows: list[dict]) -> None:
        """Insert answers, replacing value, not-applicable flag, comment and time of existing (respondent, item)
        pairs."""
        insert = _dialect_insert(conn)
        if insert is not None:
            statement = insert(_ANS)
            statement = statement.on_conflict_do_update(
                index_elements=["respondent_id", "item"],
                set_={"value": statement.excluded.value, "not_applicable": statement.excluded.not_applicable,
                      "comment": statement.excluded.comment, "updated_at": statement.excluded.updated_at})
            conn.execute(statement, rows)
            return
        for row in rows:  # any other database: update, else insert (inside the caller's transaction)
            done = conn.execute(sa.update(_ANS).where(_ANS.c.respondent_id == row["respondent_id"],
                                                      _ANS.c.item == row["item"])
                                .values(value=row["value"], not_applicable=row["not_applicable"],
                                        comment=row["comment"], updated_at=row["updated_at"]))
            if done.rowcount == 0:
                conn.execute(sa.insert(_ANS), [row])

    def _import_frame(self, frame: pd.DataFrame, instrument: Instrument, *, has_comments: bool) -> ImportResult:
        keys = ["organisation", "pmo"]
        frame = frame.astype({k: object for k in (*KEY_COLUMNS, "item", "pmo_level")})
        dates = frame["assessed_on"].dt.date.astype(object).where(frame["assessed_on"].notna(), None)
        frame = frame.assign(assessed_on=dates)
        first = frame.groupby([*keys, "respondent"], sort=False)
        people = first.agg(role=("role", "first"), assessed_on=("assessed_on", "first")).reset_index()
        pmos = frame.groupby(keys, sort=False).agg(level=("pmo_level", "first"),
                                                   assessed_on=("assessed_on", "min")).reset_index()
        with self._write() as conn:
            # Organisations, PMOs and assessments are few: one by one.
            org_ids: dict[str, int] = {}
            assessment_of: dict[tuple[str, str], int] = {}
            for org, pmo, level, assessed_on in pmos.itertuples(index=False):
                if org not in org_ids:
                    org_ids[org] = self._organisation(conn, org)
                pmo_id = self._pmo(conn, org_ids[org], pmo, level=level)
                assessment_of[(org, pmo)], _ = self._assessment(conn, org_ids[org], pmo_id, instrument,
                                                                assessed_on=_none(assessed_on))
            ids = list(dict.fromkeys(assessment_of.values()))
            people["assessment_id"] = [assessment_of[k] for k in zip(people["organisation"], people["pmo"])]
            # Respondents: add the new ones in file order, then update role and date of known ones.
            known = self._respondent_frame(conn, ids)
            people = people.merge(known, how="left", left_on=["assessment_id", "respondent"],
                                  right_on=["assessment_id", "label"], suffixes=("", "_stored"))
            new = people[people["respondent_id"].isna()]
            now = _utcnow()
            if len(new):
                conn.execute(sa.insert(_RESP), [
                    {"assessment_id": int(a), "label": label, "role": role, "name": None, "assessed_on": _none(on),
                     "created_at": now}
                    for a, label, role, on in new[["assessment_id", "respondent", "role", "assessed_on"]]
                    .itertuples(index=False)])
            old = people[people["respondent_id"].notna()]
            stale = old[(old["role"] != old["role_stored"]) | (old["assessed_on"].astype(object).map(_none) !=
                                                               old["assessed_on_stored"].astype(object).map(_none))]
            if len(stale):
                conn.execute(sa.update(_RESP).where(_RESP.c.id == sa.bindparam("rid"))
                             .values(role=sa.bindparam("new_role"), assessed_on=sa.bindparam("new_on")),
                             [{"rid": int(r), "new_role": role, "new_on": _none(on)} for r, role, on in
                              stale[["respondent_id", "role", "assessed_on"]].itertuples(index=False)])
            ids_now = self._respondent_frame(conn, ids).set_index(["assessment_id", "label"])["respondent_id"]
            # Answers: compare with what is stored, write only new and changed ones, in bulk.
            keys_of = pd.MultiIndex.from_arrays([
                [assessment_of[k] for k in zip(frame["organisation"], frame["pmo"])], frame["respondent"]])
            comment = frame["comment"].astype(object).where(frame["comment"].ne(""), None)
            incoming = pd.DataFrame({
                "respondent_id": ids_now.reindex(keys_of).to_numpy(dtype="int64"),
                "item": frame["item"].to_numpy(object),
                "value": frame["value"].to_numpy(float),
                "not_applicable": frame["not_applicable"].to_numpy(bool),
                "comment": comment.to_numpy(object) if has_comments else np.full(len(frame), None, dtype=object),
            })
            blank = incoming["value"].isna().to_numpy() & ~incoming["not_applicable"].to_numpy()
            # A blank value without a comment says nothing: no row, and a stored one stays as it is.
            incoming = incoming[~(blank & incoming["comment"].isna().to_numpy())].reset_index(drop=True)
            stored = pd.DataFrame(conn.execute(
                sa.select(_ANS.c.respondent_id, _ANS.c.item, _ANS.c.value, _ANS.c.not_applicable, _ANS.c.comment)
                .select_from(_ANS.join(_RESP, _ANS.c.respondent_id == _RESP.c.id))
                .where(_RESP.c.assessment_id.in_(ids))).all(),
                columns=["respondent_id", "item", "value_stored", "not_applicable_stored", "comment_stored"])
            merged = incoming.merge(stored.astype({"respondent_id": "int64"}), how="left",
                                    on=["respondent_id", "item"], indicator=True)
            is_new = merged["_merge"].eq("left_only").to_numpy()
            stored_value = pd.to_numeric(merged["value_stored"], errors="coerce").to_numpy(float)
            stored_na = merged["not_applicable_stored"].fillna(False).astype(bool).to_numpy()
            stored_comment = merged["comment_stored"].astype(object).where(merged["comment_stored"].notna(), None)
            # What each row becomes: a blank value keeps the stored answer; no comment column keeps its comment.
            blank = merged["value"].isna().to_numpy() & ~merged["not_applicable"].to_numpy()
            value = np.where(blank, stored_value, merged["value"].to_numpy(float))
            na = np.where(blank, stored_na, merged["not_applicable"].to_numpy())
            comment = merged["comment"] if has_comments else stored_comment
            same_value = (value == stored_value) | (np.isnan(value) & np.isnan(stored_value))
            same_comment = comment.fillna("").to_numpy(object) == stored_comment.fillna("").to_numpy(object)
            unchanged = ~is_new & same_value & (na == stored_na) & same_comment
            write = ~unchanged
            if write.any():
                rows = [
                    {"respondent_id": r, "item": i, "value": None if v != v else int(v), "not_applicable": bool(n),
                     "comment": c, "updated_at": now}
                    for r, i, v, n, c in zip(merged["respondent_id"].to_numpy()[write].tolist(),
                                             merged["item"].to_numpy(object)[write].tolist(), value[write].tolist(),
                                             na[write].tolist(), comment.to_numpy(object)[write].tolist())
                ]
                self._upsert_answers(conn, rows)
        added = int(is_new.sum())
        return ImportResult(assessments=tuple(ids), respondents_added=len(new), answers_added=added,
                            answers_changed=int(write.sum()) - added,
                            answers_unchanged=int(unchanged.sum()))

    def _respondent_frame(self, conn: sa.Connection, assessment_ids: list[int]) -> pd.DataFrame:
        rows = conn.execute(sa.select(_RESP.c.assessment_id, _RESP.c.label, _RESP.c.id, _RESP.c.role,
                                      _RESP.c.assessed_on).where(_RESP.c.assessment_id.in_(assessment_ids))).all()
        frame = pd.DataFrame(rows, columns=["assessment_id", "label", "respondent_id", "role", "assessed_on"])
        return frame.astype({"assessment_id": "int64", "label": object, "role": object, "assessed_on": object})


_ASSESSMENT_COLUMNS = ("assessment_id", "organisation", "pmo", "pmo_level", "parent_pmo", "instrument_id",
                       "instrument_version", "assessed_on", "status", "respondents", "answers")


def _sqlite_on_connect(dbapi_connection, _record) -> None:
    """Per connection: WAL journal, 30 s busy timeout, foreign keys; transactions begun by the store itself."""
    dbapi_connection.isolation_level = None  # no implicit BEGIN from the sqlite3 module; see _sqlite_on_begin
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout = 30000")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _sqlite_on_begin(conn: sa.Connection) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "")
    conn.exec_driver_sql(f"BEGIN {mode}".rstrip())


def _dialect_insert(conn: sa.Connection):
    """The ``insert`` with ``on_conflict_do_update`` of this database, or ``None`` when it has none."""
    name = conn.dialect.name
    if name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    elif name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        return None
    return insert


def _has_tables(conn: sa.Connection) -> bool:
    """Whether the database holds any table (another tool's, when there is no ``alembic_version``)."""
    return bool(sa.inspect(conn).get_table_names())


def _revision(conn: sa.Connection) -> str | None:
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def _name(value: str, what: str) -> str:
    text = str(value).strip() if value is not None else ""
    if not text:
        raise StoreError(f"a {what} needs a name")
    return text


def _none(value):
    """``None`` for any missing value (None, NaN, NaT), else the value."""
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def _answered():
    """1 for an answer row with a value or "not applicable", NULL for a comment alone (for ``count``)."""
    return sa.case((_ANS.c.value.is_not(None) | _ANS.c.not_applicable, 1))


def _check_answer(info: _AssessmentInfo, item: str, value) -> tuple[int | str | None, str | None]:
    """The value to store (a whole number, ``NOT_APPLICABLE`` or ``None``), or a message saying why it cannot be."""
    ins = info.instrument
    if item not in ins.items.index:
        return None, f"unknown item '{item}' (the instrument {ins.id} {ins.version} has no such item)"
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None, None
    if isinstance(value, str) and value == NOT_APPLICABLE:
        return NOT_APPLICABLE, None
    expected = (f"expected a whole number from {info.scale_min} to {info.scale_max}, "
                f"'{NOT_APPLICABLE}' (not applicable) or None (no answer)")
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        return None, f"item {item}: value {value!r} is not a number; {expected}"
    if float(value) % 1 != 0 or not info.scale_min <= value <= info.scale_max:
        return None, f"item {item}: value {value!r} is outside the scale; {expected}"
    return int(value), None


def _file_markers(path: Path, frame: pd.DataFrame, instrument: Instrument) -> tuple[np.ndarray, bool]:
    """Which answers of ``frame`` (as ``read_responses`` gave it) the file marks ``NA``/``n/a`` rather than leaving
    blank (both read as NaN), and whether the file has a ``comment`` column."""
    from .responses import _read_table

    table, _ = _read_table(path)
    cells = table.to_numpy(object)
    headers = [str(h).strip().lower() for h in cells[0]]
    position = {h: p for p, h in enumerate(headers) if h}
    rows = frame["source_row"].to_numpy("int64") - 1  # source_row is the spreadsheet row; row 1 is the header
    long_form = "item" in position or "value" in position
    if long_form:
        columns = np.full(len(frame), position["value"])
    else:
        column_of = {item: position[item.lower()] for item in instrument.items.index if item.lower() in position}
        columns = frame["item"].astype(object).map(column_of).to_numpy("int64")
    raw = pd.Series(cells[rows, columns], dtype=object)
    marked = per_value(raw, lambda u: u.astype(str).str.strip().str.lower().isin(_NA_RAW)).to_numpy(bool)
    return marked & frame["value"].isna().to_numpy(), long_form and "comment" in position


def _tidy_frame(raw: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """The stored rows (already in order) in the exact shape ``read_responses`` returns."""
    tidy = pd.DataFrame(index=pd.RangeIndex(len(raw)))
    for name in ("organisation", "pmo", "respondent"):
        values = raw[name].astype(object)
        tidy[name] = pd.Categorical(values, categories=pd.unique(values))
    tidy["pmo_level"] = pd.Categorical(raw["pmo_level"].astype(object), categories=PMO_LEVELS)
    tidy["role"] = pd.Categorical(raw["role"].astype(object), categories=instrument.role_ids)
    tidy["item"] = pd.Categorical(raw["item"].astype(object), categories=instrument.items.index)
    tidy["value"] = pd.to_numeric(raw["value"], errors="coerce").astype(float)
    dates = pd.to_datetime(raw["assessed_on"])
    # read_responses parses dates to microseconds, and a column without any date to seconds.
    tidy["assessed_on"] = dates.astype("datetime64[us]" if dates.notna().any() else "datetime64[s]")
    tidy["comment"] = raw["comment"].fillna("").astype(str)
    # The row each answer has in a long export, which lists every item of every respondent.
    person = tidy.groupby(["organisation", "pmo", "respondent"], observed=True, sort=False).ngroup()
    tidy["source_row"] = (2 + person.to_numpy("int64") * len(instrument.items)
                          + tidy["item"].cat.codes.to_numpy("int64")).astype("int64")
    return tidy.loc[:, list(TIDY_COLUMNS)]


def _long_table(frame: pd.DataFrame, values: pd.Series) -> pd.DataFrame:
    """The tidy frame as the cells of a long responses file (text; blank for missing), ``values`` as written.

    Every respondent gets one row per item of the instrument, in instrument order, blank where nothing is
    stored, as an intake file lists them; so a file that lists every item comes back row for row.
    """
    table = pd.DataFrame({name: frame[name].astype(object).where(frame[name].notna(), "")
                          for name in ("organisation", "pmo", "pmo_level", "respondent", "role", "item")})
    table["value"] = values.to_numpy(object)
    table["assessed_on"] = _date_text(frame["assessed_on"])
    table["comment"] = frame["comment"].astype(object).where(frame["comment"].notna(), "")
    keys = ["organisation", "pmo", "respondent"]
    items = list(frame["item"].cat.categories)
    people = table.drop_duplicates(keys)[[*keys, "pmo_level", "role", "assessed_on"]]
    grid = people.loc[people.index.repeat(len(items))].assign(item=items * len(people))
    full = grid.merge(table[[*keys, "item", "value", "comment"]], on=[*keys, "item"], how="left", sort=False)
    full[["value", "comment"]] = full[["value", "comment"]].fillna("")
    return full.loc[:, list(LONG_FILE_COLUMNS)].reset_index(drop=True)


def _wide_table(frame: pd.DataFrame, values: pd.Series) -> pd.DataFrame:
    """One row per respondent (in order), one column per item of the instrument (``values`` as written, blank
    where nothing is stored); no comments."""
    keys = ["organisation", "pmo", "respondent"]
    plain = frame.astype({k: object for k in keys}).assign(text=values.to_numpy(object))
    meta = plain.drop_duplicates(keys).set_index(keys)
    values = plain.pivot(index=keys, columns="item", values="text").reindex(meta.index)
    values = values.reindex(columns=list(frame["item"].cat.categories))
    table = meta.reset_index()[keys].copy()
    table["role"] = meta["role"].astype(object).to_numpy()
    table["pmo_level"] = meta["pmo_level"].astype(object).where(meta["pmo_level"].notna(), "").to_numpy()
    table["assessed_on"] = _date_text(meta["assessed_on"]).to_numpy()
    items = pd.DataFrame({item: values[item].astype(object).where(values[item].notna(), "").to_numpy()
                          for item in values.columns})
    return pd.concat([table.loc[:, list(WIDE_META_COLUMNS)], items], axis=1)


def _value_text(values: pd.Series) -> pd.Series:
    numbers = values.astype(float)
    return numbers.map(lambda v: "" if v != v else str(int(v))).astype(object)


def _date_text(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).dt.strftime("%Y-%m-%d").astype(object).where(values.notna(), "")


def _workbook(table: pd.DataFrame):
    """An openpyxl workbook with the table on sheet ``responses`` (numbers as numbers, blanks empty, and text as
    text: a comment such as ``=1+2`` stays a string, never a formula)."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell

    wb = Workbook()
    ws = wb.active
    ws.title = "responses"

    def cell(column: str, value: str) -> Cell | int | None:
        if value == "":
            return None
        if column in numeric and value != _NA_TEXT:
            return int(value)
        text = Cell(ws, value=None)
        text.value, text.data_type = value, "s"  # set after the value: assigning a str starting "=" makes a formula
        return text

    numeric = {c for c in table.columns if c == "value" or c not in (*LONG_FILE_COLUMNS, *WIDE_META_COLUMNS)}
    ws.append([cell("", str(c)) for c in table.columns])
    for row in table.itertuples(index=False):
        ws.append([cell(c, v) for c, v in zip(table.columns, row)])
    return wb
