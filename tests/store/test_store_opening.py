"""Opening the assessment store: another application's file is checked read-only and left byte for byte as it
was, a read-only database serves reads and refuses writes, and every database or file failure is one clear
``StoreError`` line (the command line prints it as ``error: ...``, exit 2).

Read-only files: the tests run as root, whom ``chmod 0o444`` does not stop, so read-only is tested three ways:
a URL that opens the file read-only (``file:PATH?mode=ro&uri=true``: SQLite itself refuses to write, root or
not), ``chmod 0o444`` with ``os.access`` answering as it does for any other user, and a read-only file system
reported by ``os.statvfs``.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from pmo_workbench import load_instrument
from pmo_workbench.cli import app
from pmo_workbench.errors import StoreError
from pmo_workbench.resources import examples_dir
from pmo_workbench.store import Store, engine

SAMPLE = examples_dir() / "pmo_responses.csv"
runner = CliRunner()


@pytest.fixture(autouse=True)
def _short_wait_for_a_new_file(monkeypatch):
    """An empty file here is the user's, not one another store is creating: no need to wait long for it."""
    monkeypatch.setattr(engine, "_NEW_FILE_WAIT_S", 0.2)


@pytest.fixture(scope="module")
def core():
    return load_instrument("pmo-core")


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def fingerprint(path: Path) -> tuple[str, list[str]]:
    """The file's sha256 and the names of the files beside it (a -wal, -shm or -journal would show there)."""
    return hashlib.sha256(path.read_bytes()).hexdigest(), sorted(p.name for p in path.parent.iterdir())


def one_error_line(result, *parts: str) -> str:
    """The command failed with exit 2 and one ``error:`` line holding every part."""
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "internal error" not in lines[0]
    for part in parts:
        assert part in lines[0], lines[0]
    return lines[0]


def stored_sample(path: Path, core) -> Path:
    with Store(path) as opened:
        opened.import_responses(SAMPLE, core)
    return path


# -- another application's file is left exactly as it was ---------------------------------------------------

def _other_application(path: Path) -> None:
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE organisations (id INTEGER PRIMARY KEY, label TEXT)")
        raw.execute("INSERT INTO organisations (label) VALUES ('kept')")
    raw.close()


def _other_wal_application(path: Path) -> None:
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA journal_mode = WAL")
        raw.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    raw.close()  # the last connection gone: no -wal nor -shm left, the header says WAL


def _other_alembic_application(path: Path) -> None:
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
        raw.execute("INSERT INTO alembic_version VALUES ('a1b2c3d4e5f6')")
        raw.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    raw.close()


FOREIGN = {
    # kind: (how the file is made, what the message says)
    "another application's database": (_other_application, "has tables but no alembic_version table"),
    "another application's WAL database": (_other_wal_application, "has tables but no alembic_version table"),
    "another application's Alembic database": (_other_alembic_application,
                                               "belongs to another application (Alembic revision a1b2c3d4e5f6"),
    "a text file": (lambda path: path.write_bytes(b"name,value\nx,1\n"), "is not a pmo-workbench database"),
    "a damaged SQLite header": (lambda path: path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200),
                                "is not a pmo-workbench database"),
    "an empty file": (lambda path: path.write_bytes(b""), "is an empty file, not a pmo-workbench database"),
}
OPENINGS = {
    "Store(path)": lambda path: Store(path),
    "Store(path, create=False)": lambda path: Store(path, create=False),
    "store init": lambda path: run("store", "init", "--db", path),
    "store list": lambda path: run("store", "list", "--db", path),
    "store import": lambda path: run("store", "import", SAMPLE, "--db", path),
}


@pytest.mark.parametrize("opening", list(OPENINGS))
@pytest.mark.parametrize("kind", list(FOREIGN))
def test_a_file_that_is_not_ours_is_refused_and_left_byte_identical(tmp_path, kind, opening):
    make, message = FOREIGN[kind]
    path = tmp_path / "other.db"
    make(path)
    before = fingerprint(path)
    if opening.startswith("Store"):
        with pytest.raises(StoreError) as raised:
            OPENINGS[opening](path)
        assert message in str(raised.value) and str(path) in str(raised.value)
        assert "\n" not in str(raised.value)
    else:
        one_error_line(OPENINGS[opening](path), message, str(path))
    assert fingerprint(path) == before  # same bytes (journal mode included), no -wal, -shm or -journal beside it


def test_a_newer_pmo_workbench_database_is_called_newer(tmp_path):
    path = tmp_path / "newer.db"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
        raw.execute("INSERT INTO alembic_version VALUES ('0042')")
    raw.close()
    before = fingerprint(path)
    with pytest.raises(StoreError, match="has schema 0042, newer than this pmo-workbench knows"):
        Store(path)
    assert fingerprint(path) == before


def test_an_empty_sqlite_database_gets_the_schema(tmp_path):
    path = tmp_path / "empty.db"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE t (x)")  # writes the header; the table goes again: a SQLite database without one
    raw.execute("DROP TABLE t")
    raw.commit()
    raw.close()
    assert path.read_bytes().startswith(b"SQLite format 3\x00")
    with Store(path) as opened:
        assert opened.assessments().empty


# -- read-only databases --------------------------------------------------------------------------------------

def _read_only_url(path: Path) -> str:
    return f"sqlite:///file:{path}?mode=ro&uri=true"


def _as_if_not_root(monkeypatch):
    """``os.access`` as it answers for a user other than root: no write access to a file without write bits."""
    real = os.access

    def access(path, mode, *args, **kwargs):
        if mode & os.W_OK and os.path.exists(path) and not os.stat(path).st_mode & 0o222:
            return False
        return real(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)


class _ReadOnlyFileSystem:
    f_flag = os.ST_RDONLY


READ_ONLY = {
    # how the file is read-only: (prepare(monkeypatch, path) -> the --db to give, what the message says)
    "a mode=ro URL": (lambda monkeypatch, path: _read_only_url(path), "read-only"),
    "chmod 0o444": (lambda monkeypatch, path: (path.chmod(0o444), _as_if_not_root(monkeypatch), path)[-1],
                    "the file is read-only"),
    "a read-only file system": (lambda monkeypatch, path: (
        monkeypatch.setattr(os, "statvfs", lambda _path: _ReadOnlyFileSystem()), path)[-1],
        "on a read-only file system"),
}


@pytest.mark.parametrize("how", list(READ_ONLY))
def test_a_read_only_database_serves_reads_and_refuses_writes(tmp_path, core, monkeypatch, how):
    path = stored_sample(tmp_path / "ro.db", core)
    prepare, message = READ_ONLY[how]
    db = prepare(monkeypatch, path)
    before = fingerprint(path)
    listed = run("store", "list", "--db", db)
    assert listed.exit_code == 0, listed.output
    assert "Acme" in listed.stdout or "Assessments in" in listed.stdout
    exported = run("store", "export", tmp_path / "out.csv", "--db", db)
    assert exported.exit_code == 0, exported.output
    scored = run("score", "--store", db)
    assert scored.exit_code == 0, scored.output
    one_error_line(run("store", "import", SAMPLE, "--db", db), str(path), message)
    init = run("store", "init", "--db", db)  # at the current schema: nothing to write
    assert init.exit_code == 0, init.output
    with Store(db) as opened:
        with pytest.raises(StoreError, match="read-only") as raised:
            opened.save_answer(1, "MAN1", 3)
        assert str(path) in str(raised.value)
        assert not opened.assessments().empty
    assert fingerprint(path)[0] == before[0]


def test_a_read_only_database_of_an_older_schema_is_not_upgraded(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    engine_ = sa.create_engine(f"sqlite:///{path}")
    from alembic import command

    from pmo_workbench.store import alembic_config
    with engine_.begin() as conn:
        command.upgrade(alembic_config(conn), "0001")
    engine_.dispose()
    before = fingerprint(path)
    one_error_line(run("store", "init", "--db", _read_only_url(path)), str(path), "read-only",
                   "cannot upgrade")
    path.chmod(0o444)
    _as_if_not_root(monkeypatch)
    one_error_line(run("store", "init", "--db", path), str(path), "read-only", "cannot upgrade")
    assert fingerprint(path) == before


# -- clear messages instead of tracebacks ---------------------------------------------------------------------

def _damaged(path: Path, core) -> Path:
    stored_sample(path, core)
    data = bytearray(path.read_bytes())
    page = 4096
    for start in range(page, len(data), page):  # every page but the first (the schema): garbage in the middle
        data[start + 200:start + 1200] = b"\xa5" * 1000
    path.write_bytes(bytes(data))
    return path


def test_a_folder_given_as_the_database_is_named_a_folder(tmp_path):
    for create in (True, False):
        with pytest.raises(StoreError, match=f"{tmp_path} is a folder, not a database file"):
            Store(tmp_path, create=create)
    one_error_line(run("store", "list", "--db", tmp_path), "is a folder")
    one_error_line(run("store", "init", "--db", tmp_path), "is a folder")


def test_a_damaged_database_is_a_store_error_naming_the_file(tmp_path, core):
    path = _damaged(tmp_path / "damaged.db", core)
    one_error_line(run("store", "list", "--db", path), str(path), "damaged")
    one_error_line(run("store", "export", tmp_path / "x.csv", "--db", path), str(path), "damaged")
    one_error_line(run("score", "--store", path), str(path), "damaged")


@pytest.mark.parametrize("url, parts", [
    ("postgresql+psycopg://u@localhost/db", ("psycopg", "pip install 'pmo-workbench[postgres]'")),
    ("postgresql://u@localhost/db", ("psycopg", "pip install 'pmo-workbench[postgres]'", "postgresql+psycopg://")),
    ("foo://x", ("foo", "sqlite:///PATH", "postgresql+psycopg://")),
    ("sqlite+nosuchdriver:///x.db", ("sqlite+nosuchdriver", "sqlite:///PATH")),
])
def test_an_unusable_url_says_what_works(url, parts):
    if url.startswith("postgresql") and _installed("psycopg"):  # SQLAlchemy 2.1's default PostgreSQL driver too
        pytest.skip("the driver is installed here")
    with pytest.raises(StoreError) as raised:
        Store(url)
    for part in parts:
        assert part in str(raised.value)
    one_error_line(run("store", "list", "--db", url), *parts)


def _installed(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def test_a_lock_held_beyond_the_busy_timeout_is_a_store_error(tmp_path, core, monkeypatch):
    path = stored_sample(tmp_path / "locked.db", core)
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 100)
    with Store(path) as opened:
        holder = sqlite3.connect(path, isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")
            with pytest.raises(StoreError, match=f"cannot write to {path}: .*locked by another program"):
                opened.save_answer(1, "MAN1", 3)
        finally:
            holder.close()
        opened.save_answer(1, "MAN1", 3)  # once the lock is gone, it works
        assert opened.answers(1)["MAN1"][0] == 3


def test_writing_through_a_read_only_connection_midway_is_a_store_error(tmp_path, core):
    path = stored_sample(tmp_path / "midway.db", core)
    with Store(path) as opened:  # writable when opened; the connection turns read-only afterwards
        opened._engine.dispose()
        opened._engine = sa.create_engine(_read_only_url(path))
        with pytest.raises(StoreError, match=f"cannot write to {path}: it is read-only"):
            opened.save_answer(1, "MAN1", 3)


@pytest.mark.parametrize("reason, expected", [
    ("disk I/O error", "disk I/O error"),
    ("database is locked", "locked by another program"),
    ("attempt to write a readonly database", "it is read-only"),
    ("database disk image is malformed", "damaged (database disk image is malformed)"),
    ("database or disk is full", "database or disk is full"),
])
def test_database_failures_midway_are_one_line_store_errors(tmp_path, core, monkeypatch, reason, expected):
    path = stored_sample(tmp_path / "failing.db", core)
    with Store(path) as opened:
        def fail(*args, **kwargs):
            raise sa.exc.OperationalError("UPDATE ...", {}, sqlite3.OperationalError(reason))

        monkeypatch.setattr(opened, "_upsert_answers", fail)
        with pytest.raises(StoreError) as raised:
            opened.save_answer(1, "MAN1", 3)
        assert str(raised.value).startswith(f"cannot write to {path}: ") and expected in str(raised.value)
        assert "\n" not in str(raised.value)
        monkeypatch.setattr(sa.Connection, "execute", fail)
        with pytest.raises(StoreError) as raised:
            opened.assessments()
        assert str(raised.value).startswith(f"cannot read {path}: ") and expected in str(raised.value)


def test_an_empty_database_another_application_claimed_is_left_alone(tmp_path):
    import hashlib
    import sqlite3

    path = tmp_path / "claimed.db"
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA application_id = 1234")
        raw.execute("PRAGMA user_version = 7")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(StoreError, match="not a pmo-workbench database"):
        Store(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
