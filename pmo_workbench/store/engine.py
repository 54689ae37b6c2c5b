"""Opening a database: SQLite settings, schema revision, and telling a pmo-workbench database from another.

A SQLite file is looked at before anything is written to it: its first bytes, then its tables through a
read-only connection that sets no pragma (:func:`probe_sqlite`). Only a pmo-workbench database (an
``alembic_version`` table holding one of our revisions) or a new or table-less database is then opened for
writing, which switches it to the WAL journal; anything else is refused and left byte for byte as it was.

A read-only database (the file or its file system, or a URL with ``mode=ro``) is opened read-only: reads work,
writes raise :class:`StoreError` saying it is read-only. A WAL-mode database read read-only needs its ``-shm``
file: when none exists and none can be created (read-only folder or file system) it is opened ``immutable``.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa

from ..errors import StoreError
from .schema import _REVISIONS, SCHEMA_HEAD

BUSY_TIMEOUT_MS = 30000
"""How long a writer waits for another one's lock before giving up."""
CONNECT_TIMEOUT_S = 10
"""How long opening a connection to a database server may take (unless the URL says ``connect_timeout``)."""
WRITE_LOCK = 0x706D6F2D776F726B
"""The PostgreSQL advisory lock every write transaction of the store holds (the bytes of ``pmo-work``)."""
_SQLITE_MAGIC = b"SQLite format 3\x00"
_NEW_FILE_WAIT_S = 5.0  # how long an empty file may take to get its header from the store creating it (under load)
_OUR_REVISION = re.compile(r"\d{4}")
_WORKING = "give sqlite:///PATH (or the path of a SQLite file) or postgresql+psycopg://USER@HOST/DATABASE"
_INIT = "give the file `pmo-workbench store init` created, or a new file name"


@dataclass(frozen=True)
class Probe:
    """What a read-only look at an existing SQLite file found."""

    revision: str | None
    foreign: bool
    wal: bool


@dataclass
class Opened:
    """An engine on a checked database: what to call it, why it is read-only (``None``: writable), the probe."""

    engine: sa.Engine
    label: str
    read_only: str | None
    probe: Probe | None


def open_database(url: str, create: bool) -> Opened:
    """An engine on ``url``, a SQLite file being checked first (read-only) and opened read-only when it is.

    Raises
    ------
    StoreError
        For a URL of an unknown kind or without its driver, a folder, a missing file (``create=False``), and a
        file that is not a pmo-workbench database (left as it was).
    """
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError:
        raise StoreError(f"cannot use '{shown_url(url)}' as a database; {_WORKING}") from None
    label = shown_url(url)
    _check_driver(parsed, label)
    if parsed.get_backend_name() != "sqlite":
        return Opened(_engine(parsed, label), label, None, None)
    path = _sqlite_file(parsed)
    if path is None:  # in memory
        engine = _engine(parsed, label)
        _listen(engine, writable=True)
        return Opened(engine, label, None, None)
    label = str(path)
    probe = probe_sqlite(path, create)
    read_only = _read_only_reason(parsed, path)
    if probe is None:
        if read_only is not None:
            raise StoreError(f"cannot create {path}: {read_only}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder {path.parent}: {exc.strerror or exc}") from None
    if read_only is not None:
        immutable = probe is not None and probe.wal and not Path(f"{path}-shm").exists() and (
            _on_read_only_file_system(path) or not os.access(path.parent, os.W_OK))
        query = {"immutable": "1"} if immutable else {"mode": "ro"}
        parsed = sa.URL.create("sqlite", database=f"file:{quote(str(path))}", query={**query, "uri": "true"})
    engine = _engine(parsed, label)
    _listen(engine, writable=read_only is None)
    if probe is None:
        _create_private(engine, path)
    return Opened(engine, label, read_only, probe)


def _create_private(engine: sa.Engine, path: Path) -> None:
    """Create the new SQLite file now and make it (and the -wal/-shm files beside it) readable by its owner
    only: it will hold names, e-mails and answers. Modes are left alone where the system has none."""
    with engine.connect():
        pass
    if os.name != "posix":
        return
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        with contextlib.suppress(OSError):
            if name.exists() and name.stat().st_mode & 0o077:
                os.chmod(name, 0o600)


_SECRET_QUERY = re.compile(r"(?i)([?&](?:password|sslpassword)=)[^&#]*")
"""A secret in a database URL's query (libpq takes ``?password=...`` as well as ``user:password@``)."""


def shown_url(url: str) -> str:
    """``url`` with its password hidden (``***``), as messages and output show it: in the ``user:password@`` part and
    in a ``password=`` (or ``sslpassword=``) query parameter alike."""
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError:
        return _SECRET_QUERY.sub(r"\1***", url)
    shown = parsed.render_as_string(hide_password=True) if parsed.password else url
    return _SECRET_QUERY.sub(r"\1***", shown)


def _engine(parsed: sa.URL, label: str) -> sa.Engine:
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return sa.create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    if backend == "postgresql" and "connect_timeout" not in parsed.query:
        # A host that drops packets would otherwise keep a command waiting for minutes before saying anything.
        return sa.create_engine(parsed, connect_args={"connect_timeout": CONNECT_TIMEOUT_S})
    return sa.create_engine(parsed)


def _check_driver(parsed: sa.URL, label: str) -> None:
    """Raise :class:`StoreError` when the URL's kind of database is unknown or its driver is not installed."""
    try:
        parsed.get_dialect().import_dbapi()
    except sa.exc.NoSuchModuleError:
        raise StoreError(f"cannot use {label}: '{parsed.drivername}' is not a kind of database pmo-workbench "
                         f"knows; {_WORKING}") from None
    except ImportError as exc:
        module = exc.name or parsed.get_driver_name()
        if parsed.get_backend_name() == "postgresql":
            raise StoreError(f"cannot use {label}: its database driver {module} is not installed; install the "
                             "postgres extra (pip install 'pmo-workbench[postgres]') and give a "
                             "postgresql+psycopg:// URL") from None
        raise StoreError(f"cannot use {label}: its database driver {module} is not installed; {_WORKING}") from None


def _listen(engine: sa.Engine, *, writable: bool) -> None:
    sa.event.listen(engine, "connect", _sqlite_on_connect if writable else _sqlite_on_connect_read_only)
    sa.event.listen(engine, "begin", _sqlite_on_begin)


def _sqlite_file(parsed: sa.URL) -> Path | None:
    """The file of a SQLite URL (``sqlite:///PATH`` or ``sqlite:///file:PATH?...&uri=true``); ``None`` in memory."""
    database = parsed.database or ""
    if database in ("", ":memory:") or parsed.query.get("mode") == "memory":
        return None
    if database.startswith("file:"):
        from urllib.parse import unquote

        database = unquote(database[len("file:"):].split("?", 1)[0])
        if not database or database == ":memory:":
            return None
    return Path(database).expanduser().resolve()


def probe_sqlite(path: Path, create: bool) -> Probe | None:
    """What the SQLite file at ``path`` holds, found without writing to it (``None``: no file yet).

    The first 100 bytes are read as a file; then, for a SQLite file, its tables through a ``mode=ro``
    connection (``immutable=1`` for a WAL-mode file with no ``-wal`` nor ``-shm`` beside it, so that none is
    created) that sets no pragma.

    Raises
    ------
    StoreError
        For a folder, a missing file when ``create`` is false, an unreadable, empty, damaged or foreign file
        (another application's tables or Alembic revision, or a newer pmo-workbench's schema).
    """
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a database file; give the path of a file in it "
                         f"(e.g. {path / 'workbench.db'})")
    if not path.exists():
        if not create:
            raise StoreError(f"no database at {path}; create it with `pmo-workbench store init`")
        return None
    header = _header(path)
    waited = 0.0
    while not header and waited < _NEW_FILE_WAIT_S:  # another store may have just created it: its header follows
        time.sleep(0.02)
        waited += 0.02
        header = _header(path)
    if not header:
        raise StoreError(f"{path} is an empty file, not a pmo-workbench database; it was left as it is: delete it "
                         "or give another file name")
    if not header.startswith(_SQLITE_MAGIC):
        raise StoreError(f"{path} is not a pmo-workbench database (not a SQLite file); it was left as it is: {_INIT}")
    wal = header[18:20] == b"\x02\x02"
    quiet = wal and not any(Path(f"{path}{suffix}").exists() for suffix in ("-wal", "-shm"))
    uri = f"file:{quote(str(path))}?{'immutable=1' if quiet else 'mode=ro'}"
    try:
        with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)) as raw:
            tables = {row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            revisions = ([row[0] for row in raw.execute("SELECT version_num FROM alembic_version")]
                         if "alembic_version" in tables else [])
    except sqlite3.DatabaseError as exc:
        if "file is not a database" in str(exc):
            raise StoreError(f"{path} is not a pmo-workbench database ({exc}); it was left as it is: {_INIT}") from None
        raise database_error(str(path), exc, "read") from None
    revision = ", ".join(sorted(map(str, revisions))) or None
    # Another application may claim a file before it has tables: a user_version or application_id in the header.
    claimed = header[60:64] != bytes(4) or header[68:72] != bytes(4)
    foreign = revision is None and (bool(own_tables(tables)) or claimed)
    probe = Probe(revision, foreign, wal)
    check_revision(str(path), probe.revision, probe.foreign, create)
    return probe


def _header(path: Path) -> bytes:
    """The first 100 bytes of a file (a SQLite file's header)."""
    try:
        with path.open("rb") as file:
            return file.read(100)
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from None


def check_revision(label: str, revision: str | None, foreign: bool, create: bool) -> bool:
    """Whether the database needs the schema created or upgraded; raises when it is not ours or cannot be used."""
    if revision == SCHEMA_HEAD:
        return False
    if foreign:
        raise StoreError(foreign_message(label))
    if revision is not None and revision not in _REVISIONS:
        if _OUR_REVISION.fullmatch(revision) and revision > SCHEMA_HEAD:
            raise StoreError(f"the database {label} has schema {revision}, newer than this pmo-workbench knows "
                             f"({SCHEMA_HEAD}); upgrade pmo-workbench")
        raise StoreError(f"{label} belongs to another application (Alembic revision {revision}; pmo-workbench "
                         f"revisions are 4-digit numbers, {SCHEMA_HEAD} here); it was left as it is: {_INIT}")
    if not create:
        if revision is None:
            raise StoreError(f"the database {label} is empty; run `pmo-workbench store init` to create "
                             "the pmo-workbench schema in it")
        raise StoreError(f"the database {label} has schema {revision}, not {SCHEMA_HEAD}; run "
                         "`pmo-workbench store init` to upgrade it")
    return True


def foreign_message(label: str) -> str:
    return (f"{label} is not a pmo-workbench database (it has tables but no alembic_version table, or another "
            "application's mark in its header); "
            "it was left as it is: give another file")


def read_only_message(label: str, reason: str, action: str = "change") -> str:
    return f"cannot {action} {label}: {reason}; it can be read (store list, store export, score --store), not written"


def _read_only_reason(parsed: sa.URL, path: Path) -> str | None:
    """Why the SQLite file (or, when missing, its folder) cannot be written; ``None`` when it can."""
    if parsed.query.get("mode") == "ro" or parsed.query.get("immutable") in ("1", "true"):
        return "it is read-only (the URL opens it with mode=ro)"
    where = path if path.exists() else path.parent
    while not where.exists() and where != where.parent:
        where = where.parent
    if _on_read_only_file_system(where):
        return "it is on a read-only file system"
    if not os.access(where, os.W_OK):
        return "the file is read-only" if where == path else f"the folder {where} is read-only"
    return None


def _on_read_only_file_system(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no statvfs (Windows)
        return False


def database_error(label: str, exc: BaseException, action: str) -> StoreError:
    """One line saying why reading or writing (``action``) the database failed, from a driver error."""
    original = getattr(exc, "orig", None) or exc
    reason = " ".join(str(original).split()) or type(original).__name__
    lowered = reason.lower()
    verb = "write to" if action == "write" else action
    if "readonly database" in lowered or "read-only" in lowered:
        return StoreError(read_only_message(label, "it is read-only", verb))
    if _cannot_connect(lowered):
        return StoreError(f"cannot connect to {label}: {_connection_reason(reason, lowered)}")
    if "database is locked" in lowered or "database table is locked" in lowered or "lock timeout" in lowered:
        reason = (f"it is locked by another program beyond the {BUSY_TIMEOUT_MS // 1000} s busy timeout "
                  f"({reason}); try again when that program is done")
    elif "malformed" in lowered or "file is not a database" in lowered:
        reason = f"the file is damaged ({reason}); restore it from a copy"
    elif "disk i/o error" in lowered:
        reason = f"{reason} (check the disk, and that the file is still there)"
    return StoreError(f"cannot {verb} {label}: {reason}")


def _cannot_connect(lowered: str) -> bool:
    """Whether a driver's message (lower case) says a connection could not be opened (psycopg's wording)."""
    return (lowered.startswith(("connection failed", "failed to resolve host", "connection timeout expired"))
            or "connection to server" in lowered)


def _connection_reason(reason: str, lowered: str) -> str:
    """The driver's reason a connection failed, with what to check; its ``connection failed:`` prefix dropped."""
    reason = reason.removeprefix("connection failed: ")
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        hint = "check the user and password in the URL (or PGPASSWORD, or ~/.pgpass)"
    elif "does not exist" in lowered and "database" in lowered:
        hint = "create it first (createdb, or CREATE DATABASE in psql) or correct the database name in the URL"
    elif "role" in lowered and "does not exist" in lowered:
        hint = "create that login role first (CREATE ROLE ... LOGIN in psql) or correct the user in the URL"
    elif "timeout" in lowered:
        hint = (f"no answer within {CONNECT_TIMEOUT_S} s: check the host and port, and that a firewall lets the "
                "connection through")
    else:
        hint = "is the server running on that host and port, and accepting TCP/IP connections? Check the URL"
    reason = reason.replace(" Is the server running on that host and accepting TCP/IP connections?", "")
    return f"{reason.rstrip('. ')}; {hint}"


def serialise_writers(conn: sa.Connection) -> None:
    """Make a PostgreSQL write transaction wait for the store's other writers, as SQLite's ``BEGIN IMMEDIATE`` does.

    The store's writes read before they write (an organisation, PMO or assessment found or created, the next free
    respondent label, an import compared with what is stored, the schema revision before a migration): one
    writer at a time keeps each of them right when several consultants, or many respondents, write at once. The
    lock (:data:`WRITE_LOCK`) is released when the transaction ends; readers never wait for it. Waiting is bounded
    like SQLite's busy timeout (``lock_timeout``), after which the write fails as "locked".
    """
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = {int(BUSY_TIMEOUT_MS)}")
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")


def _sqlite_on_connect(dbapi_connection, _record) -> None:
    """Per connection: WAL journal, busy timeout, foreign keys; transactions begun by the store itself."""
    dbapi_connection.isolation_level = None  # no implicit BEGIN from the sqlite3 module; see _sqlite_on_begin
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
    _wal(cursor)
    cursor.execute("PRAGMA secure_delete = ON")  # deleted values overwritten, not left readable in the file
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _wal(cursor) -> None:
    """Put the database in WAL mode (kept in the file, so once is enough). Switching needs the database to itself
    and SQLite answers "locked" at once, without waiting out the busy timeout, while another store creates the
    schema: the switch is tried again until the busy timeout has passed."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            if str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _sqlite_on_connect_read_only(dbapi_connection, _record) -> None:
    """Per read-only connection: as :func:`_sqlite_on_connect`, journal mode left as it is."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
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
    return bool(own_tables(set(sa.inspect(conn).get_table_names())))


POOL_PREFIX = "benchmark_"
"""The prefix of a benchmark pool's tables (:mod:`.pool`), which may share a database with the store."""


def own_tables(tables: set[str]) -> set[str]:
    """The tables that tell a database apart: every table but ``alembic_version`` and a benchmark pool's."""
    return {t for t in tables if t != "alembic_version" and not t.startswith(POOL_PREFIX)}


def _revision(conn: sa.Connection) -> str | None:
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    found = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all()
    return ", ".join(sorted(map(str, found))) or None


@contextlib.contextmanager
def sqlite_foreign_keys_off(conn: sa.Connection, off: bool):
    """SQLite's foreign keys off on ``conn`` (not yet in a transaction, where the pragma does nothing) while the
    block runs, on again after; nothing when ``off`` is false. A migration rebuilding a parent table needs it:
    dropping the old table would otherwise delete its children through ``ON DELETE CASCADE``."""
    if not off:
        yield
        return
    raw = conn.connection.driver_connection
    raw.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        raw.execute("PRAGMA foreign_keys = ON")


def check_foreign_keys(conn: sa.Connection) -> None:
    """Raise :class:`StoreError` (the transaction then rolls back) when a SQLite row refers to a missing one."""
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        raise StoreError(f"the schema upgrade left {len(broken)} rows referring to missing ones (first: table "
                         f"{broken[0][0]}, row {broken[0][1]}); nothing was changed")


class Database:
    """What :class:`~pmo_workbench.store.Store` and :class:`~pmo_workbench.store.pool.BenchmarkPool` share once
    their ``__init__`` has set ``_engine``, ``_label`` (how messages name the database), ``_read_only`` (why it
    cannot be written, or ``None``) and ``shown_url``: closing, and the read and write transactions, every
    database failure of which becomes a one-line :class:`StoreError`."""

    _engine: sa.Engine
    _label: str
    _read_only: str | None
    shown_url: str

    def close(self) -> None:
        """Release every connection (committed data is already on disk)."""
        self._engine.dispose()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.shown_url!r})"

    @contextlib.contextmanager
    def _write(self, *, migrating: bool = False) -> Iterator[sa.Connection]:
        """A transaction that holds the write lock from its start (SQLite ``BEGIN IMMEDIATE``), so
        concurrent writers queue (busy timeout 30 s) instead of failing on a lock upgrade. ``migrating``: SQLite's
        foreign keys off for the transaction (a migration rebuilding a table), checked before it commits."""
        if self._read_only is not None:
            raise StoreError(read_only_message(self._label, self._read_only))
        rebuilding = migrating and self._engine.dialect.name == "sqlite"
        try:
            with self._engine.connect() as conn, sqlite_foreign_keys_off(conn, rebuilding):
                conn.execution_options(sqlite_begin="IMMEDIATE")
                with conn.begin():
                    serialise_writers(conn)
                    yield conn
                    if rebuilding:
                        check_foreign_keys(conn)
        except (sa.exc.OperationalError, sa.exc.DatabaseError) as exc:  # locked, read-only, I/O error, damaged
            if isinstance(exc, sa.exc.IntegrityError):
                raise
            raise database_error(self._label, exc, "write") from None

    @contextlib.contextmanager
    def _read(self) -> Iterator[sa.Connection]:
        try:
            with self._engine.connect() as conn, conn.begin():
                yield conn
        except (sa.exc.OperationalError, sa.exc.DatabaseError) as exc:
            if isinstance(exc, sa.exc.IntegrityError):
                raise
            raise database_error(self._label, exc, "read") from None
