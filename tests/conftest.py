"""Shared fixtures: a tiny instrument whose numbers are easy to work out by hand, and Chromium."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pmo_workbench import load_instrument

from .helpers import TINY_YAML

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
