"""Opening a database: SQLite settings, schema revision, and telling a pmo-workbench database from another."""

from __future__ import annotations

import sqlalchemy as sa


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


