"""60 respondents answering at once (httpx.AsyncClient, a connection each, all released together) against the app
under uvicorn on 127.0.0.1, on SQLite and PostgreSQL: every answer is stored, and no request fails."""

from __future__ import annotations

import asyncio
import re

import httpx
import pytest

from pmo_workbench.store import Person
from pmo_workbench.web.forms import pages_for

from .conftest import make_survey, running

pytestmark = pytest.mark.slow

ROLES = ("executive", "pmo_staff", "project_manager")
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def planned(instrument, role: str, n: int) -> list[tuple[int, dict[str, str]]]:
    """Respondent ``n``'s answers page by page: values cycling through the scale, every seventh item "don't
    know"."""
    plan = []
    for page in pages_for(instrument, role):
        answers = {}
        for k, item in enumerate(page.items):
            answers[item.id] = "DK" if (n + k) % 7 == 0 else str(1 + (n + k) % 5)
        plan.append((page.number, answers))
    return plan


async def respond(client: httpx.AsyncClient, go: asyncio.Event, token: str, plan) -> None:
    async def call(method, url, **kw):
        return await client.request(method, url, **kw)

    await go.wait()
    welcome = await call("GET", f"/r/{token}")
    assert welcome.status_code == 200, welcome.status_code
    csrf = CSRF.search(welcome.text).group(1)
    done = await call("POST", f"/r/{token}", data={"csrf": csrf, "consent": "yes"})
    assert done.status_code == 303, done.status_code
    for number, answers in plan:
        saved = await call("POST", f"/r/{token}/page/{number}",
                           data={"csrf": csrf, **{f"item-{k}": v for k, v in answers.items()}})
        assert saved.status_code == 303, saved.status_code
    sent = await call("POST", f"/r/{token}/submit", data={"csrf": csrf})
    assert sent.status_code == 303 and sent.headers["location"].startswith("/thanks"), sent.status_code


async def everyone(base: str, tokens: dict[str, str], plans: dict[str, list]) -> None:
    go = asyncio.Event()
    # A connection each; an idle one is not reused after 2 s (the server closes idle ones after 5 s).
    limits = httpx.Limits(max_connections=len(tokens), keepalive_expiry=2.0)
    async with httpx.AsyncClient(base_url=base, timeout=httpx.Timeout(120), limits=limits) as client:
        visits = [asyncio.ensure_future(respond(client, go, tokens[key], plans[key])) for key in tokens]
        await asyncio.sleep(0)  # every visit waits at the start line
        go.set()
        await asyncio.wait_for(asyncio.gather(*visits), timeout=600)


def test_sixty_respondents_at_once_every_answer_stored(db_url, tmp_path):
    people = [Person(ROLES[n % 3], name=f"Person {n}", key=f"p{n}") for n in range(60)]
    survey = make_survey(db_url, tmp_path, None, people=people)
    try:
        plans = {p.key: planned(survey.instrument, p.role, n) for n, p in enumerate(people)}
        with running(survey.app) as base:
            asyncio.run(everyone(base, survey.tokens, plans))
        store = survey.store
        invitations = store.invitations(survey.assessment)
        assert (invitations["status"] == "submitted").all() and invitations["respondent"].notna().all()
        label_of = dict(zip(invitations["name"], invitations["respondent"]))
        stored = store.responses(survey.assessment)
        assert stored["respondent"].nunique() == 60
        by_respondent = {label: frame for label, frame in stored.groupby("respondent", observed=True)}
        for person in people:
            expected = {item: value for _, answers in plans[person.key] for item, value in answers.items()}
            got = by_respondent[label_of[person.name]]
            values = {row.item: ("DK" if row.value != row.value else str(int(row.value))) for row in got.itertuples()}
            assert values == expected, person
        status = store.invitation_status(survey.assessment).set_index("role")
        assert status.loc["total", "submitted"] == 60 and status.loc["total", "response_rate"] == 1.0
    finally:
        survey.store.close()
