"""The pure parts of the web app: pages from an instrument, checking a posted page, the time estimate, the
language, rate limits, CSRF tokens, admin passwords and the body limit (no database)."""

from __future__ import annotations

import asyncio

import pytest
from starlette.requests import Request

from pmo_workbench.web.app import negotiate
from pmo_workbench.web.forms import (
    Problem,
    choices,
    minutes_for,
    pages_for,
    parse_page,
    resume_page,
    unanswered,
)
from pmo_workbench.web.security import (
    BodyLimit,
    RateLimit,
    admin_hash,
    check_password,
    hash_password,
    respondent_csrf,
    same,
)

from ..audience_instrument import audience_instrument


@pytest.fixture(scope="module")
def instrument(tmp_path_factory):
    return audience_instrument(tmp_path_factory.mktemp("instrument"))


def test_pages_hold_only_the_items_put_to_the_role(instrument):
    executive = pages_for(instrument, "executive")
    assert [(p.number, p.dimension.id, [i.id for i in p.items]) for p in executive] == [
        (1, "gov", ["G1", "G2", "G3", "G4"]), (2, "sup", ["S1"]), (3, "ppl", ["P1", "P2", "P3", "P4", "P5"])]
    assert [i.id for i in pages_for(instrument, "pmo_staff")[1].items] == ["S1", "S2"]


def test_core_instrument_leaves_out_what_a_role_is_not_asked(core):
    team = pages_for(core, "team_member")
    asked = sum(len(p.items) for p in team)
    assert asked == int(core.asked.loc["team_member"].sum())
    assert all(item.asks("team_member") for page in team for item in page.items)


@pytest.mark.parametrize("items, minutes", [
    (1, 1),     # 15 s rounds up to a minute
    (4, 1),     # 60 s
    (5, 2),     # 75 s
    (10, 3),    # 150 s
    (69, 18),   # 1035 s = 17.25 min
])
def test_the_time_estimate_allows_15_seconds_an_item_rounded_up(instrument, items, minutes):
    from pmo_workbench.web.forms import Page

    page = pages_for(instrument, "executive")[0]
    fake = [Page(1, page.dimension, tuple([page.items[0]] * items))]
    assert minutes_for(fake) == minutes


def test_every_item_offers_each_scale_point_then_dont_know_and_not_applicable(instrument, core):
    assert choices(instrument) == [("1", None), ("2", None), ("3", None), ("4", None), ("5", None), ("DK", None),
                                   ("n/a", None)]
    assert choices(core)[0] == ("1", "Strongly disagree") and choices(core)[4] == ("5", "Strongly agree")


def test_a_posted_page_gives_answers_and_comment(instrument):
    page = pages_for(instrument, "executive")[0]
    form = {"csrf": ["x"], "action": ["next"], "item-G1": ["1"], "item-G2": ["DK"], "item-G3": ["n/a"],
            "item-G4": [" 5 "], "comment-gov": ["  two\r\nlines  "]}
    assert parse_page(form, page, instrument) == ({"G1": 1, "G2": "DK", "G3": "n/a", "G4": 5},
                                                  {"gov": "two\nlines"}, [])
    assert parse_page({"comment-gov": ["   "]}, page, instrument) == ({}, {"gov": None}, [])


@pytest.mark.parametrize("form, problem", [
    ({"item-G1": ["6"]}, Problem("invalid_value", "G1-opt-first", "G1")),
    ({"item-G1": ["0"]}, Problem("invalid_value", "G1-opt-first", "G1")),
    ({"item-G1": ["3", "4"]}, Problem("invalid_value", "G1-opt-first", "G1")),
    ({"item-G1": ["1e3"]}, Problem("invalid_value", "G1-opt-first", "G1")),
    ({"item-G1": [""]}, Problem("invalid_value", "G1-opt-first", "G1")),
    ({"item-S1": ["3"]}, Problem("not_on_page", "questions", "S1")),
    ({"comment-sup": ["x"]}, Problem("not_on_page", "questions", "sup")),
    ({"comment-gov": ["x" * 2001]}, Problem("comment_too_long", "comment-gov", "gov")),
])
def test_a_posted_page_with_a_problem_names_it(instrument, form, problem):
    page = pages_for(instrument, "executive")[0]
    assert parse_page(form, page, instrument)[2] == [problem]


def test_resume_and_review_find_the_items_not_answered(instrument):
    pages = pages_for(instrument, "executive")
    assert resume_page(pages, {}) == 1
    answers = {"G1": 1, "G2": "DK", "G3": "n/a", "G4": 2, "S1": 3}
    assert resume_page(pages, answers) == 3
    assert [(p.number, [i.id for i in items]) for p, items in unanswered(pages, answers)] == [
        (3, ["P1", "P2", "P3", "P4", "P5"])]
    assert resume_page(pages, {**answers, **{f"P{i}": 4 for i in range(1, 6)}}) is None


def _request(accept: str | None) -> Request:
    headers = [(b"accept-language", accept.encode())] if accept is not None else []
    return Request({"type": "http", "method": "GET", "path": "/", "headers": headers, "query_string": b""})


@pytest.mark.parametrize("invitation, accept, expected", [
    ("de", "fr", "de"),                        # the invitation's language first
    ("it", "fr;q=0.9, de-CH;q=0.95", "de"),    # not available: the browser's best available
    (None, "fr-CA, en;q=0.5", "fr"),           # region falls back to the language
    (None, "es, *;q=0.1", "en"),               # nothing available: the first
    (None, None, "en"),
    (None, "de;q=0, fr;q=0.2", "fr"),          # q=0 means "not this one"
])
def test_language_negotiation(invitation, accept, expected):
    assert negotiate(_request(accept), invitation, ("en", "de", "fr")) == expected


def test_rate_limit_counts_failures_per_address_within_the_window():
    now = [0.0]
    limit = RateLimit(3, 60, clock=lambda: now[0])
    for _ in range(3):
        assert not limit.blocked("a")
        limit.fail("a")
    assert limit.blocked("a") and not limit.blocked("b")
    now[0] = 59.9
    assert limit.blocked("a")
    now[0] = 60.0
    assert not limit.blocked("a")


def test_respondent_csrf_depends_on_secret_and_token():
    one = respondent_csrf(b"s1", "token-a")
    assert one == respondent_csrf(b"s1", "token-a") and len(one) == 64
    assert one != respondent_csrf(b"s2", "token-a") and one != respondent_csrf(b"s1", "token-b")
    assert same(one, one) and not same(None, one) and not same("", "") and not same(one, None)


def test_admin_password_plain_or_hashed():
    hashed = admin_hash("  s3cret and long\n")
    assert hashed.startswith("$argon2id$") and "s3cret" not in hashed
    assert check_password(hashed, "s3cret and long") and not check_password(hashed, "S3cret and long")
    with pytest.raises(ValueError, match="the admin password is 11 characters long; give at least 12"):
        admin_hash("eleven char")
    ready = hash_password("other")
    assert admin_hash(ready + "\n") == ready
    with pytest.raises(ValueError, match="empty"):
        admin_hash(" \n")
    with pytest.raises(ValueError, match="not a valid argon2 hash") as refused:
        admin_hash("$argon2id$nonsense")
    assert "()" not in str(refused.value)
    assert not check_password(hashed, "") and not check_password("$argon2id$broken", "x")


def _through_limit(body_parts: list[bytes], content_length: int | None) -> tuple[int, list[bytes]]:
    """The status a POST gets through a 10-byte :class:`BodyLimit`, and the bodies the app behind it read."""
    sent, seen = [], []
    headers = [(b"content-length", str(content_length).encode())] if content_length is not None else []
    parts = list(body_parts)

    async def receive():
        chunk = parts.pop(0)
        return {"type": "http.request", "body": chunk, "more_body": bool(parts)}

    async def send(message):
        sent.append(message)

    async def app(scope, receive, send):
        message = await receive()
        seen.append(message["body"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    asyncio.run(BodyLimit(app, limit=10)({"type": "http", "method": "POST", "headers": headers}, receive, send))
    return sent[0]["status"], seen


@pytest.mark.parametrize("parts, length, status, seen", [
    ([b"12345", b"67890"], None, 200, [b"1234567890"]),   # chunked, at the limit: the app reads it whole
    ([b"123456", b"78901"], None, 413, []),               # chunked, over it
    ([b"12345"], 5, 200, [b"12345"]),
    ([b"12345678901"], 11, 413, []),                      # declared over the limit: refused unread
])
def test_body_limit(parts, length, status, seen):
    assert _through_limit(parts, length) == (status, seen)
