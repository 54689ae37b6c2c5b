"""The respondent web app: an ASGI application (Starlette) serving the questionnaire behind each invitation
link, and a small admin area for the consultant.

Pages are rendered on the server from Jinja2 templates (autoescaped) and work without JavaScript; the
static folder holds the style sheet and a few lines of script that only improve them. Store calls are
synchronous and run in the thread pool. Security (headers, body limit, CSRF, rate limits) is in
:mod:`.security`; the respondent's pages in :mod:`.respondent`, the admin's in :mod:`.admin`.

Run it with ``pmo-workbench serve`` (uvicorn), or in a test::

    app = create_app("sqlite:///workbench.db", secure_cookies=False)
"""

from __future__ import annotations

import contextlib
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .. import i18n
from ..assessment.instrument import Instrument
from ..store import Store
from .security import BodyLimit, RateLimit, SecurityHeaders, Sessions, address_key

HERE = Path(__file__).parent
DEFAULT_LANGUAGE = "en"
SESSION_COOKIE = "pmo_admin"
SESSION_SECONDS = 8 * 3600
"""How long an admin stays logged in: a working day."""
TOKEN_FAILURES = (10, 60.0)
"""Unusable links one client address may open per window (seconds) before it is refused with 429."""
LOGIN_FAILURES = (5, 60.0)
"""Failed admin logins one client address may make per window (seconds) before it is refused with 429."""


@dataclass
class WebState:
    """What every request needs: the store, the server's secret, the admin's password hash, rate limits."""

    store: Store
    secret: bytes
    admin_password_hash: str | None
    base_url: str | None
    env: jinja2.Environment
    secure_cookies: bool = True
    token_failures: RateLimit = field(default_factory=lambda: RateLimit(*TOKEN_FAILURES))
    login_failures: RateLimit = field(default_factory=lambda: RateLimit(*LOGIN_FAILURES))
    sessions: Sessions = field(default_factory=lambda: Sessions(SESSION_SECONDS))
    _instruments: dict[tuple[int, str | None], Instrument] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def instrument(self, assessment_id: int, language: str | None = None) -> Instrument:
        """The instrument of an assessment, its texts in ``language`` (``None``: its default language; cached:
        it never changes). Call from the thread pool."""
        key = (assessment_id, language)
        with self._lock:
            found = self._instruments.get(key)
        if found is None:
            found = self.store.instrument_for(assessment_id, language=language)
            with self._lock:
                self._instruments[key] = found
        return found


def environment() -> jinja2.Environment:
    """The templates' environment: autoescaping on for every template, undefined names an error, ``_()`` and
    ``ngettext()`` in the language of the request being rendered (:func:`render`)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    i18n.jinja_install(env)
    env.globals["language_name"] = i18n.language_name
    return env




def state(request: Request) -> WebState:
    return request.app.state.web


def client(request: Request) -> str:
    """The address rate limits count against: the connection's (a proxy's X-Forwarded-For only when ``serve
    --behind-proxy`` lets uvicorn trust it), an IPv6 address by its /64."""
    return address_key(request.client.host) if request.client else "unknown"


def render(request: Request, template: str, status: int = 200, *, lang: str | None = None,
           **context) -> HTMLResponse:
    """A page from ``template``, written in ``lang`` (default: the best of the browser's ``Accept-Language``
    the package speaks), which also goes to ``<html lang>``."""
    if lang is None:
        lang = negotiate(request, None, i18n.languages())
    with i18n.use_language(spoken(lang)):
        html = state(request).env.get_template(template).render(lang=lang, **context)
    return HTMLResponse(html, status_code=status)


def spoken(lang: str) -> str:
    """``lang`` when the package has a catalogue for it, else English (an instrument may declare a language the
    pages' own sentences are not yet translated into)."""
    try:
        return i18n.check_language(lang)
    except ValueError:
        return DEFAULT_LANGUAGE


def languages(instrument: Instrument | None) -> tuple[str, ...]:
    """The languages the questionnaire can be shown in: the instrument's, else English alone."""
    found = tuple(getattr(instrument, "languages", None) or ()) if instrument is not None else ()
    return found or (DEFAULT_LANGUAGE,)


def negotiate(request: Request, preferred: str | None, available: tuple[str, ...]) -> str:
    """The page language: the invitation's (``preferred``) when available, else the best of the browser's
    ``Accept-Language`` that is, else the first available."""
    from babel import negotiate_locale

    wanted = [preferred] if preferred else []
    header = request.headers.get("accept-language", "")
    weighted = []
    for n, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if tag and tag != "*" and q > 0:
            weighted.append((-q, n, tag.strip()))
    wanted += [tag for _, _, tag in sorted(weighted)]
    for tag in wanted:
        found = negotiate_locale([tag.replace("_", "-")], list(available), sep="-")
        if found is None:
            found = negotiate_locale([tag.split("-")[0].split("_")[0]], list(available), sep="-")
        if found is not None:  # as the instrument spells it ("de"), not as the header did ("DE")
            return next((a for a in available if a.lower() == found.lower()), found)
    return available[0]


def _too_large_page(env: jinja2.Environment):
    def page(scope) -> bytes:
        lang = negotiate(Request(scope), None, i18n.languages())
        with i18n.use_language(lang):
            return env.get_template("too_large.html").render(lang=lang).encode("utf-8")
    return page


def create_app(db_url: str, *, admin_password_hash: str | None = None, secret: bytes | None = None,
               base_url: str | None = None, secure_cookies: bool = True) -> Starlette:
    """The web app on the store at ``db_url`` (created and upgraded when needed).

    Parameters
    ----------
    admin_password_hash
        The argon2 hash admin logins are checked against (:func:`.security.admin_hash` makes one); ``None``
        leaves the admin area closed.
    secret
        Key of the session cookies and CSRF tokens; random by default (then a restart makes the forms open in
        browsers fail: ``serve`` keeps one in a file). Admin sessions live in memory: a restart ends them.
    base_url
        The public address of the app (``https://survey.example.org``), for the links in reminder CSVs.
    secure_cookies
        Mark the admin session cookie ``Secure`` (sent over HTTPS only); ``False`` for plain-HTTP use on
        this machine only.
    """
    from . import admin, competency, respondent

    env = environment()
    store = Store(db_url)
    key = secret if secret is not None else secrets.token_bytes(32)
    web = WebState(store=store, secret=key, admin_password_hash=admin_password_hash,
                   base_url=base_url.rstrip("/") if base_url else None, env=env, secure_cookies=secure_cookies)
    routes = [
        *respondent.routes(),
        *competency.routes(),
        *admin.routes(),
        Route("/", home),
        Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [
        Middleware(BodyLimit, too_large=_too_large_page(env)),
        Middleware(SessionMiddleware, secret_key=key.hex(), session_cookie=SESSION_COOKIE, max_age=SESSION_SECONDS,
                   path="/admin", same_site="strict", https_only=secure_cookies),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        store.close()

    app = _App(routes=routes, middleware=middleware,
               exception_handlers={HTTPException: http_error, Exception: server_error}, lifespan=lifespan)
    app.state.web = web
    return app


async def home(request: Request) -> HTMLResponse:
    return render(request, "home.html")


class _App(Starlette):
    """Starlette with :class:`.security.SecurityHeaders` outside everything, its error pages (500) included."""

    def build_middleware_stack(self):
        return SecurityHeaders(super().build_middleware_stack())


async def http_error(request: Request, exc: HTTPException) -> HTMLResponse:
    """An unknown address or method: the same neutral page an unusable link gets; any other HTTP error a plain
    page with its status."""
    if exc.status_code in (404, 405):
        return render(request, "neutral.html", 404)
    return render(request, "error.html", exc.status_code)


async def server_error(request: Request, exc: Exception) -> HTMLResponse:
    """A fault of the server: a plain page (the details go to the server's log, never to the browser)."""
    return render(request, "error.html", 500)


__all__ = ["create_app", "run_in_threadpool"]
