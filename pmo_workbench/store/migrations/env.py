"""Alembic environment of the assessment store.

The store runs migrations itself (:func:`pmo_workbench.store.alembic_config`),
passing an open connection in ``config.attributes["connection"]``; the
migrations then run inside that connection's transaction. Without one, the
``sqlalchemy.url`` main option is used (e.g. ``alembic -x`` style tooling).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context


def _run(connection: sa.Connection) -> None:
    context.configure(connection=connection, target_metadata=None, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = sa.create_engine(context.config.get_main_option("sqlalchemy.url"))
    try:
        with engine.connect() as connection:
            _run(connection)
            connection.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise RuntimeError("the assessment store's migrations run online only (give a connection or sqlalchemy.url)")
_main()
