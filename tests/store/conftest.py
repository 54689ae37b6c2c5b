"""Fixtures of the store tests: a new store on each backend, the audience instrument, an assessment in it."""

from __future__ import annotations

import pytest

from pmo_workbench.store import Store
from tests.audience_instrument import audience_instrument


@pytest.fixture
def store(db_url):
    """A new store on each backend (a test about the store's own decisions takes ``sqlite_only``)."""
    with Store(db_url) as opened:
        yield opened


@pytest.fixture(scope="module")
def aud(tmp_path_factory):
    """The instrument whose items are put to some roles only (tests/audience_instrument.py)."""
    return audience_instrument(tmp_path_factory.mktemp("audience"))


@pytest.fixture
def aid(store, aud):
    """An open assessment of organisation "Org", PMO "PMO" on the audience instrument."""
    return store.create_assessment("Org", "PMO", aud)
