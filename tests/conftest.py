"""Shared fixtures: a tiny instrument whose numbers are easy to work out by hand, Chromium, and a fresh
database on each backend the store supports."""

from __future__ import annotations

import os
import signal
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from pmo_workbench import load_instrument

from .helpers import TINY_YAML


def pytest_configure(config):
    """Run the tests with a terminal's signals as a user's command gets them. Started in the background (a
    shell's ``cmd &`` without job control, ``nohup``), the suite inherits Ctrl-C ignored, and a batch rightly keeps
    ignored a signal it was started ignoring: the tests of how a batch stops would then see it carry on."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    for signum in (signal.SIGTERM, signal.SIGHUP):  # inherited by the batches the tests start
        if signal.getsignal(signum) is signal.SIG_IGN:
            signal.signal(signum, signal.SIG_DFL)


@pytest.fixture(scope="session")
def tiny_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("instrument") / "tiny.yaml"
    path.write_text(TINY_YAML, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def tiny(tiny_path):
    return load_instrument(tiny_path)


@pytest.fixture(scope="session")
def core():
    return load_instrument("pmo-core")


@pytest.fixture(scope="session")
def core_v1():
    return load_instrument("pmo-core@1.0")


@pytest.fixture
def chromium() -> str:
    """The Chromium binary; skips without one, unless CI said it must be there."""
    from pmo_workbench.reports.pdf import find_chromium

    found = find_chromium()
    if found is None:
        if os.environ.get("PMO_WORKBENCH_REQUIRE_CHROMIUM"):
            pytest.fail("Chromium is required here (PMO_WORKBENCH_REQUIRE_CHROMIUM) but was not found")
        pytest.skip("needs Chromium (apt-get install chromium)")
    return found


def _postgres_url(database: str) -> str:
    """A ``postgresql+psycopg://`` URL from libpq's environment (``PGHOST`` and friends, as ``pg_virtualenv``
    sets them) for ``database``."""
    import sqlalchemy as sa

    return sa.URL.create("postgresql+psycopg", username=os.environ.get("PGUSER"),
                         password=os.environ.get("PGPASSWORD"), host=os.environ.get("PGHOST"),
                         port=int(os.environ["PGPORT"]) if os.environ.get("PGPORT") else None,
                         database=database).render_as_string(hide_password=False)


def _postgres_or_skip():
    """A psycopg connection to the server named by ``PGHOST`` (autocommit), or a skip (a failure when CI said
    PostgreSQL must be there: ``PMO_WORKBENCH_REQUIRE_POSTGRES``)."""
    reason = None
    if not os.environ.get("PGHOST"):
        reason = "no PostgreSQL server: PGHOST is not set (`make test` sets it when Debian's postgresql is installed)"
    else:
        try:
            import psycopg

            return psycopg.connect(dbname=os.environ.get("PGDATABASE", "postgres"), autocommit=True,
                                   connect_timeout=10)
        except ImportError:
            reason = "the postgres extra (psycopg) is not installed"
        except Exception as exc:  # noqa: BLE001 - any failure to connect is a reason to skip here
            reason = f"cannot connect to PostgreSQL at {os.environ.get('PGHOST')}: {exc}"
    if os.environ.get("PMO_WORKBENCH_REQUIRE_POSTGRES"):
        pytest.fail(f"PostgreSQL is required here (PMO_WORKBENCH_REQUIRE_POSTGRES) but {reason}")
    pytest.skip(f"needs PostgreSQL: {reason}")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> Iterator[str]:
    """The URL of a fresh, empty database: a SQLite file, then a new PostgreSQL database (dropped afterwards).

    Every test using it runs on both backends; the PostgreSQL run skips without a server (see
    :func:`_postgres_or_skip`).
    """
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'workbench.db'}"
        return
    admin = _postgres_or_skip()
    name = f"pmo_test_{uuid.uuid4().hex[:16]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield _postgres_url(name)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
