"""What the database tests share: running a test on SQLite only, and SQL written to the database directly.

Every test taking the ``db_url`` fixture (tests/conftest.py) runs on SQLite and on PostgreSQL; a test about what
the store's own code decides (a message, a file layout), not about the database, takes :data:`sqlite_only` so that
the suite stays cheap (each PostgreSQL run costs a ``CREATE DATABASE``).
"""

from __future__ import annotations

import pytest

sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
"""Run a test that uses ``db_url`` (directly or through a fixture) on a SQLite file only."""


_KINDS = {  # what each database says, lower-cased -> the kind of refusal
    "outside the scale": "outside the scale",
    "unique constraint": "unique",
    "duplicate key": "unique",
    "foreign key": "foreign key",
    "check constraint": "check",
}


def refused_by_the_database(store):
    """A function running one SQL statement on ``store``'s database, in its own transaction (foreign keys on, as the
    store sets them), that returns the kind of :class:`sqlalchemy.exc.IntegrityError` the database raised:
    ``"unique"``, ``"foreign key"``, ``"check"`` or ``"outside the scale"`` (the triggers of migration 0003); it
    fails the test when the statement is accepted."""
    import sqlalchemy as sa

    def refused(sql: str, **params) -> str:
        try:
            with store._engine.connect() as conn, conn.begin():
                conn.execute(sa.text(sql), params)
        except sa.exc.IntegrityError as exc:
            message = str(exc.orig).lower()
            return next((kind for text, kind in _KINDS.items() if text in message), message)
        pytest.fail(f"the database accepted {sql} {params}")

    return refused
