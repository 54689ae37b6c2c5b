"""Fixtures of the web-app tests: a store with one assessment and a few invitations behind a web app, a test
client, and the app running under uvicorn on 127.0.0.1 for the browser and load tests."""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from starlette.testclient import TestClient

from pmo_workbench.store import Person
from pmo_workbench.web import create_app

from ..audience_instrument import audience_instrument

ADMIN_PASSWORD = "correct horse battery staple"
SECRET = b"a fixed secret for the tests, 32b"
BASE_URL = "https://survey.example.org"
PEOPLE = [
    Person("executive", name="Ann Exec", email="ann@example.org", key="ann@example.org"),
    Person("pmo_staff", name="Piet Staff", email="piet@example.org", key="piet@example.org"),
    Person("executive", name="Eve Exec", email="eve@example.org", key="eve@example.org"),
    Person("project_manager", name="=HYPERLINK(\"x\")", email="pm@example.org", key="pm@example.org"),
]
"""An executive (asked 10 of the 11 items, on 3 pages: S2 is for PMO staff only), PMO staff (all 11), a second
executive and a project manager whose name looks like a spreadsheet formula."""


@pytest.fixture(scope="session")
def admin_hash() -> str:
    """An argon2id hash of :data:`ADMIN_PASSWORD` made cheap to check (the tests log in often); the server
    checks any argon2 hash with the parameters written in it."""
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(ADMIN_PASSWORD)


@dataclass
class Survey:
    app: object
    store: object
    assessment: int
    tokens: dict[str, str]  # person key -> token in clear
    instrument: object

    def token(self, email: str) -> str:
        return self.tokens[email]


def make_survey(db_url: str, folder, admin_hash: str | None, people=PEOPLE, **options) -> Survey:
    instrument = audience_instrument(folder)
    options = {"secret": SECRET, "base_url": BASE_URL, "secure_cookies": False, **options}
    app = create_app(db_url, admin_password_hash=admin_hash, **options)
    store = app.state.web.store
    store.use_instrument(instrument)
    assessment = store.create_assessment("Acme <Corp>", "Group PMO", instrument)
    store.set_survey(assessment, sender="Jo Consultant of <b>Advisory</b>", purpose="To see what the PMO does well.",
                     contact="jo@advisory.example", closes_on="2099-12-31")
    issued = store.invite(assessment, people)
    return Survey(app, store, assessment, {i.person.key: i.token for i in issued}, instrument)


@pytest.fixture
def survey(db_url, tmp_path, admin_hash) -> Iterator[Survey]:
    made = make_survey(db_url, tmp_path, admin_hash)
    try:
        yield made
    finally:
        made.store.close()


@pytest.fixture
def client(survey) -> Iterator[TestClient]:
    with TestClient(survey.app, follow_redirects=False) as test_client:
        yield test_client


CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    return CSRF.search(html).group(1)


def start(client: TestClient, token: str) -> str:
    """Open the link, consent; returns the page's CSRF token."""
    page = client.get(f"/r/{token}")
    assert page.status_code == 200, page.text
    csrf = csrf_of(page.text)
    done = client.post(f"/r/{token}", data={"csrf": csrf, "consent": "yes"})
    assert done.status_code == 303 and done.headers["location"] == f"/r/{token}/page/1"
    return csrf


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running(app) -> Iterator[str]:
    """``app`` served by uvicorn in a thread on a free port of 127.0.0.1; yields its base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
