"""A benchmark pool: anonymised past assessments to compare a client's PMO with.

The pool keeps its own tables (prefixed ``benchmark_``) with their own schema
version, so that it lives either in the assessment store's database or in a
database of its own (``--pool URL`` or ``$PMO_WORKBENCH_BENCHMARK``: a URL or a
SQLite file path; a new SQLite file is readable by its owner only). A store's
database holding a pool still opens as a store, and the other way round.

An entry holds one PMO assessment's instrument, fieldwork year, context (sector,
organisation size band, PMO level, region), type, target, overall and dimension
scores (rounded to 2 decimals), number of respondents, the day it was added and
whether it is synthetic; its id is random. Never an organisation's, PMO's or
respondent's name, an e-mail, an answer or a comment. The organisation is kept
only as ``org_key``, an HMAC-SHA256 of its case-folded name under the pool's
own secret key, so that one organisation counts once among the peers and a
client's own entries are left out of its comparison; the assessment likewise as
``source_key``, so that adding it again adds nothing. Both keys mean something
only to the pool that made them (:meth:`BenchmarkPool.org_key`).

:mod:`.pool_csv` writes and reads the pool's exchange file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from .._values import date_value, stored_dates
from ..assessment.benchmark import ENTRY_COLUMNS, SCORE_PREFIX, score_columns
from ..errors import StoreError
from .engine import (
    POOL_PREFIX,
    Database,
    _sqlite_file,
    open_database,
    own_tables,
    shown_url,
)
from .schema import _as_url

POOL_ENV = "PMO_WORKBENCH_BENCHMARK"
"""Environment variable naming the benchmark pool: a database URL or the path of a SQLite file."""
POOL_SCHEMA = "1"
"""The version of the pool's tables this package writes (kept in ``benchmark_attributes``)."""

metadata = sa.MetaData()
attributes = sa.Table(
    f"{POOL_PREFIX}attributes", metadata,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)
entries = sa.Table(
    f"{POOL_PREFIX}entries", metadata,
    sa.Column("entry_id", sa.String(32), primary_key=True),
    sa.Column("org_key", sa.String(64), nullable=False, index=True),
    sa.Column("source_key", sa.String(64), nullable=True, unique=True),
    sa.Column("instrument_id", sa.String(100), nullable=False),
    sa.Column("instrument_version", sa.String(40), nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("sector", sa.String(100), nullable=True),
    sa.Column("size", sa.String(10), nullable=True),
    sa.Column("pmo_level", sa.String(20), nullable=True),
    sa.Column("region", sa.String(60), nullable=True),
    sa.Column("type", sa.String(100), nullable=False),
    sa.Column("target", sa.String(100), nullable=True),
    sa.Column("overall", sa.Float, nullable=True),
    sa.Column("respondents", sa.Integer, nullable=False),
    sa.Column("added_on", sa.Date, nullable=False),
    sa.Column("synthetic", sa.Boolean, nullable=False),
)
scores = sa.Table(
    f"{POOL_PREFIX}scores", metadata,
    sa.Column("entry_id", sa.String(32), sa.ForeignKey(entries.c.entry_id, ondelete="CASCADE"), primary_key=True),
    sa.Column("dimension", sa.String(100), primary_key=True),
    sa.Column("score", sa.Float, nullable=True),
)
_FIELDS = [c for c in ENTRY_COLUMNS]
TEXT_LIMITS = {c.name: c.type.length for c in entries.c if isinstance(c.type, sa.String) and c.type.length}
"""The most characters each text column of an entry holds (every database is held to them, not only those that
check lengths)."""


def text_problem(column: str, value: str | None) -> str | None:
    """What is wrong with ``value`` as an entry's ``column`` (``None``: nothing): longer than the column holds, a
    control character, or (``region``) a comma, which a peer filter cannot name."""
    if value is None:
        return None
    limit = TEXT_LIMITS.get(column)
    if limit is not None and len(value) > limit:
        return f"is longer than {limit} characters"
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in value):
        return "holds a control character"
    if column == "region" and "," in value:
        return "holds a comma, which a peer filter (--peers region=...) cannot name"
    return None


def pool_url(pool: str | os.PathLike | None, store: str | os.PathLike | None = None) -> str | None:
    """The pool to use: ``pool`` when given, else ``$PMO_WORKBENCH_BENCHMARK``, else the store's database
    (``store``), else ``None``. A plain path becomes a ``sqlite:///`` URL."""
    for given in (pool, os.environ.get(POOL_ENV, "").strip() or None, store):
        if given is not None and str(given).strip():
            return _as_url(given)
    return None


def _fold(text: str) -> str:
    return " ".join(str(text).split()).casefold()


@dataclass(frozen=True)
class AddResult:
    """What :meth:`BenchmarkPool.add` did: the entry's id and ``added`` or ``unchanged``."""

    entry_id: str
    status: str


@dataclass(frozen=True)
class ImportCounts:
    """What :meth:`BenchmarkPool.import_frame` did: entries added and entries already there unchanged."""

    added: int
    unchanged: int


class BenchmarkPool(Database):
    """A benchmark pool in a database (its own tables, created on first use).

    Parameters
    ----------
    url
        A database URL or the path of a SQLite file (see :func:`pool_url`).
    create
        Create the database file and the pool's tables when missing; ``False`` raises :class:`StoreError` when
        there is no pool there.

    Raises
    ------
    StoreError
        When the database cannot be opened, belongs to another application, holds a newer pool schema, or
        (``create=False``) holds no pool.
    """

    def __init__(self, url: str | os.PathLike, *, create: bool = True):
        self.url = _as_url(url)
        self.shown_url = shown_url(self.url)
        parsed = sa.make_url(self.url) if "://" in self.url else None
        if not create and parsed is not None and parsed.get_backend_name() == "sqlite":
            path = _sqlite_file(parsed)
            if path is not None and not path.exists():
                raise StoreError(f"no benchmark pool at {path}; add an entry first with `pmo-workbench benchmark "
                                 "add`")
        opened = open_database(self.url, True)
        self._engine, self._label, self._read_only = opened.engine, opened.label, opened.read_only
        try:
            self._open(create)
        except BaseException:
            self._engine.dispose()
            raise
        self._secret: bytes | None = None

    def _open(self, create: bool) -> None:
        with self._read() as conn:
            tables = set(sa.inspect(conn).get_table_names())
            version = (conn.execute(sa.select(attributes.c.value).where(attributes.c.name == "schema")).scalar()
                       if attributes.name in tables else None)
            foreign = "alembic_version" not in tables and bool(own_tables(tables))
        if version == POOL_SCHEMA:
            return
        if version is not None:
            raise StoreError(f"the benchmark pool in {self._label} has schema {version}, newer than this "
                             f"pmo-workbench knows ({POOL_SCHEMA}); upgrade pmo-workbench")
        if foreign:
            raise StoreError(f"{self._label} holds another application's tables and no benchmark pool; it was "
                             "left as it is: give another database")
        if not create:
            raise StoreError(f"{self._label} holds no benchmark pool; add an entry first with `pmo-workbench "
                             "benchmark add`")
        with self._write() as conn:  # one writer creates it; another finds it done
            metadata.create_all(conn, checkfirst=True)
            have = set(conn.execute(sa.select(attributes.c.name)).scalars())
            fresh = {"schema": POOL_SCHEMA, "secret": secrets.token_hex(32),
                     "created_on": dt.date.today().isoformat()}
            rows = [{"name": k, "value": v} for k, v in fresh.items() if k not in have]
            if rows:
                conn.execute(attributes.insert(), rows)

    # -- attributes and keys ---------------------------------------------------------------------------
    def _attribute(self, name: str) -> str | None:
        with self._read() as conn:
            return conn.execute(sa.select(attributes.c.value).where(attributes.c.name == name)).scalar()

    @property
    def created_on(self) -> dt.date:
        """The day the pool was created."""
        stored = self._attribute("created_on")
        day = stored_dates(pd.Series([stored], dtype=object), key="attributes.created_on", rows=None).iat[0]
        return dt.date.today() if pd.isna(day) else day.date()

    @property
    def synthetic(self) -> bool:
        """Whether the pool holds entries and every one is synthetic."""
        with self._read() as conn:
            total, made = conn.execute(sa.select(sa.func.count(), sa.func.sum(
                sa.case((entries.c.synthetic, 1), else_=0)))).one()
        return bool(total) and int(made or 0) == int(total)

    @property
    def synthetic_entries(self) -> int:
        """How many entries are synthetic."""
        with self._read() as conn:
            return int(conn.execute(sa.select(sa.func.count()).where(entries.c.synthetic)).scalar() or 0)

    @property
    def merged(self) -> bool:
        """Whether entries of another pool were ever imported: their organisation keys were made under that
        pool's secret, so they cannot be matched with this pool's organisations."""
        return self._attribute("merged") == "true"

    def _key(self, *parts: str) -> str:
        if self._secret is None:
            self._secret = bytes.fromhex(self._attribute("secret") or "")
        message = "\x1f".join(_fold(p) for p in parts).encode("utf-8")
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def org_key(self, organisation: str) -> str:
        """The pool's key of an organisation: HMAC-SHA256 of its trimmed, case-folded name (spaces collapsed)
        under this pool's secret. Another pool gives another key."""
        return self._key("organisation", organisation)

    def source_key(self, organisation: str, pmo: str, instrument_id: str, instrument_version: str,
                   round_: str) -> str:
        """The pool's key of one assessment: its organisation, PMO, instrument and round (wave label or year)."""
        return self._key("assessment", organisation, pmo, instrument_id, instrument_version, round_)

    # -- entries -----------------------------------------------------------------------------------------
    def frame(self) -> pd.DataFrame:
        """Every entry as a table: :data:`~pmo_workbench.assessment.benchmark.ENTRY_COLUMNS`, then one
        ``score_<dimension>`` column per dimension (in the order they were first stored); oldest first."""
        with self._read() as conn:
            rows = conn.execute(sa.select(entries).order_by(entries.c.added_on, entries.c.entry_id)).mappings().all()
            dims = conn.execute(sa.select(scores.c.entry_id, scores.c.dimension, scores.c.score)).all()
        table = pd.DataFrame([dict(r) for r in rows], columns=_FIELDS)
        table["synthetic"] = table["synthetic"].astype(bool)
        table["added_on"] = table["added_on"].map(lambda d: d.isoformat() if isinstance(d, dt.date) else d)
        if dims:
            wide = pd.DataFrame(dims, columns=["entry_id", "dimension", "score"])
            order = list(dict.fromkeys(wide["dimension"]))
            wide = wide.pivot(index="entry_id", columns="dimension", values="score")[order]
            wide.columns = [f"{SCORE_PREFIX}{d}" for d in wide.columns]
            table = table.join(wide, on="entry_id")
        return table.reset_index(drop=True)

    def __len__(self) -> int:
        with self._read() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(entries)).scalar() or 0)

    def add(self, entry: dict) -> AddResult:
        """Add one entry (:data:`~pmo_workbench.assessment.benchmark.ENTRY_COLUMNS` less ``entry_id`` and
        ``added_on``, which are made here, plus ``scores``: dimension -> score).

        The same assessment (``source_key``) added again with the same numbers changes nothing (``unchanged``);
        with other numbers it is refused.

        Raises
        ------
        StoreError
            When the pool already holds the assessment with other numbers, or it cannot be written.
        """
        row = {k: entry.get(k) for k in _FIELDS if k not in ("entry_id", "added_on")}
        dims = {str(k): _rounded(v) for k, v in dict(entry["scores"]).items() if _rounded(v) is not None}
        row["overall"] = _rounded(row["overall"])
        with self._write() as conn:
            if row.get("source_key"):
                found = conn.execute(sa.select(entries).where(entries.c.source_key == row["source_key"])
                                     ).mappings().first()
                if found is not None:
                    have = dict(conn.execute(sa.select(scores.c.dimension, scores.c.score)
                                             .where(scores.c.entry_id == found["entry_id"])).all())
                    same = all(found[k] == row[k] for k in row if k != "synthetic") and have == dims
                    if same:
                        return AddResult(found["entry_id"], "unchanged")
                    raise StoreError(f"the pool already holds this assessment as entry {found['entry_id']} (added "
                                     f"on {found['added_on']}) with other scores or context; remove it first "
                                     f"(`pmo-workbench benchmark remove {found['entry_id']}`) to add it again")
            entry_id = secrets.token_hex(16)
            conn.execute(entries.insert(), [{**row, "entry_id": entry_id, "added_on": dt.date.today()}])
            if dims:
                conn.execute(scores.insert(), [{"entry_id": entry_id, "dimension": d, "score": s}
                                               for d, s in dims.items()])
        return AddResult(entry_id, "added")

    def remove(self, ids: Sequence[str]) -> int:
        """Remove entries by id; every id must be in the pool (else nothing is removed).

        Raises
        ------
        StoreError
            Naming the ids the pool does not hold.
        """
        wanted = list(dict.fromkeys(str(i).strip().lower() for i in ids))
        with self._write() as conn:
            found = set(conn.execute(sa.select(entries.c.entry_id).where(entries.c.entry_id.in_(wanted))).scalars())
            missing = [i for i in wanted if i not in found]
            if missing:
                raise StoreError(f"the pool holds no entry {', '.join(missing)}; nothing was removed (see "
                                 "`pmo-workbench benchmark list`)")
            conn.execute(scores.delete().where(scores.c.entry_id.in_(wanted)))
            conn.execute(entries.delete().where(entries.c.entry_id.in_(wanted)))
        return len(wanted)

    def import_frame(self, table: pd.DataFrame, where: str = "the import") -> ImportCounts:
        """Add the entries of a checked pool table (see :func:`~.pool_csv.read_pool_csv`), keeping their ids and
        keys; an entry already held identically changes nothing.

        Raises
        ------
        StoreError
            When an entry id (or an assessment's key) is already held with other content: nothing is imported.
        """
        dims = score_columns(table)
        added, unchanged, clashes = [], 0, []
        with self._write() as conn:
            held = self._held(conn)
            own_keys = {r["org_key"] for r, _ in held.values()}
            merged = conn.execute(sa.select(attributes.c.value).where(attributes.c.name == "merged")).scalar()
            sources = dict(conn.execute(sa.select(entries.c.source_key, entries.c.entry_id)
                                        .where(entries.c.source_key.is_not(None))).all())
            for record in table.to_dict("records"):
                row = _entry_row(record)
                row_scores = {d: _rounded(record.get(f"{SCORE_PREFIX}{d}")) for d in dims}
                row_scores = {d: s for d, s in row_scores.items() if s is not None}
                if row["entry_id"] in held:
                    if held[row["entry_id"]] == (row, row_scores):
                        unchanged += 1
                    else:
                        clashes.append(f"entry {row['entry_id']} is held with other content")
                    continue
                if row["source_key"] and sources.get(row["source_key"], row["entry_id"]) != row["entry_id"]:
                    clashes.append(f"entry {row['entry_id']} is the assessment held as entry "
                                   f"{sources[row['source_key']]}")
                    continue
                held[row["entry_id"]] = (row, row_scores)
                if row["source_key"]:
                    sources[row["source_key"]] = row["entry_id"]
                added.append((row, row_scores))
            if clashes:
                raise StoreError(f"{where}: {'; '.join(clashes[:5])}{' ...' if len(clashes) > 5 else ''}; nothing "
                                 "was imported (remove the pool's entry first to replace it)")
            foreign = [r for r, _ in added if r["org_key"] not in own_keys] if added else []
            if foreign and not merged:
                conn.execute(attributes.insert(), [{"name": "merged", "value": "true"}])
            if added:
                conn.execute(entries.insert(), [r for r, _ in added])
                dim_rows = [{"entry_id": r["entry_id"], "dimension": d, "score": score}
                            for r, given in added for d, score in given.items()]
                if dim_rows:
                    conn.execute(scores.insert(), dim_rows)
        return ImportCounts(len(added), unchanged)

    def _held(self, conn: sa.Connection) -> dict[str, tuple[dict, dict]]:
        held: dict[str, tuple[dict, dict]] = {}
        for r in conn.execute(sa.select(entries)).mappings():
            held[r["entry_id"]] = (_entry_row(dict(r)), {})
        for entry_id, dim, score in conn.execute(sa.select(scores.c.entry_id, scores.c.dimension, scores.c.score)):
            if score is not None:
                held[entry_id][1][dim] = _rounded(score)
        return held


def _rounded(value) -> float | None:
    if value is None or pd.isna(value):
        return None
    return round(float(value), 2)


def _entry_row(record: dict) -> dict:
    """An entry's fields as the database holds them, compared field by field on import."""
    def text(name):
        value = record.get(name)
        return None if value is None or (isinstance(value, float) and pd.isna(value)) or value == "" else str(value)

    added = record["added_on"]
    return {
        "entry_id": str(record["entry_id"]), "org_key": str(record["org_key"]), "source_key": text("source_key"),
        "instrument_id": str(record["instrument_id"]), "instrument_version": str(record["instrument_version"]),
        "year": int(record["year"]), "sector": text("sector"), "size": text("size"),
        "pmo_level": text("pmo_level"), "region": text("region"), "type": str(record["type"]),
        "target": text("target"), "overall": _rounded(record.get("overall")),
        "respondents": int(record["respondents"]),
        "added_on": added if isinstance(added, dt.date) else date_value(added, where="pool", column="added_on"),
        "synthetic": bool(record["synthetic"]),
    }


@dataclass(frozen=True)
class LoadedPool:
    """A pool read for a report: its table, whether it is synthetic, where it came from, and (from a database)
    the key of the report's organisation, so that its own entries are left out."""

    table: pd.DataFrame
    synthetic: bool
    source: str
    own_org_key: str | None = None
    synthetic_entries: int = 0
    merged: bool = False


def load_pool(source: str | os.PathLike, organisation: str | None = None) -> LoadedPool:
    """A benchmark pool for a report: an exported pool CSV file, or a database (URL or SQLite file) holding one.

    With a database, ``organisation``'s key is worked out so that the comparison leaves its entries out; an
    exported file has no secret to work it out with, so it cannot (the report says so).

    Raises
    ------
    InputValidationError
        For a CSV file that is not a pool export (a responses file, say: the message says how to add one).
    StoreError
        For a database that holds no pool.
    """
    from .pool_csv import read_pool_csv

    text = os.fspath(source)
    if "://" not in text and Path(text).suffix.lower() in (".csv", ".xlsx", ".xls", ".txt"):
        table = read_pool_csv(text)
        synthetic = bool(len(table)) and bool(table["synthetic"].all())
        return LoadedPool(table, synthetic, text, None, int(table["synthetic"].sum()))
    with BenchmarkPool(text, create=False) as pool:
        return LoadedPool(pool.frame(), pool.synthetic, pool.shown_url,
                          None if organisation is None else pool.org_key(organisation), pool.synthetic_entries,
                          pool.merged)
