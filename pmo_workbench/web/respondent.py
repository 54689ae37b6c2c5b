"""The respondent's pages: welcome and consent, one page per dimension, review, submit, thanks.

Every form posts back and redirects (POST-redirect-GET); every page of answers is saved to the
invitation's draft. A link that cannot be used (unknown, submitted, or its assessment closed) gets one
neutral page, the same in every case (:func:`neutral`), and counts against the client's rate limit.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from .. import i18n
from ..errors import StoreError
from .app import client, languages, negotiate, render, spoken, state
from .forms import (
    COMMENT_FIELD,
    DONT_KNOW,
    ITEM_FIELD,
    MAX_COMMENT,
    NOT_APPLICABLE,
    Page,
    Problem,
    choices,
    field_id,
    minutes_for,
    pages_for,
    parse_page,
    resume_page,
    unanswered,
)
from .security import CSRF_FIELD, respondent_csrf, same

SURVEY_KEYS = ("sender", "purpose", "contact", "closes_on")
"""What the welcome page says about the survey (each may be missing)."""
MAX_TOKEN = 128
"""Longer path segments are not tokens (``secrets.token_urlsafe(32)`` gives 43 characters)."""


def routes() -> list[Route]:
    return [
        Route("/r/{token}", welcome, methods=["GET", "POST"]),
        Route("/r/{token}/page/{number:int}", page, methods=["GET", "POST"]),
        Route("/r/{token}/review", review, methods=["GET"]),
        Route("/r/{token}/submit", submit, methods=["POST"]),
        Route("/r/{token}/saved", saved, methods=["GET"]),
        Route("/thanks", thanks, methods=["GET"]),
    ]


class _Link:
    """A usable link: its invitation, page language, the instrument in that language, and its pages."""

    def __init__(self, request: Request, token: str, invitation, instrument, lang: str):
        self.token, self.invitation, self.instrument, self.lang = token, invitation, instrument, lang
        self.pages: tuple[Page, ...] = pages_for(instrument, invitation.role)
        self.csrf = respondent_csrf(state(request).secret, token)
        self.base = f"/r/{token}"

    @property
    def answers(self) -> dict:
        return dict((self.invitation.draft or {}).get("answers") or {})

    @property
    def comments(self) -> dict:
        return dict((self.invitation.draft or {}).get("comments") or {})

    def context(self, **more) -> dict:
        role_label = next((r.label for r in self.instrument.roles if r.id == self.invitation.role),
                          self.invitation.role)
        given = self.invitation.survey or {}
        survey = {key: given.get(key) or None for key in SURVEY_KEYS}
        with i18n.use_language(spoken(self.lang)):
            closes_shown = _date(survey["closes_on"])
        return {"inv": self.invitation, "survey": survey, "base": self.base, "closes_shown": closes_shown,
                "csrf": self.csrf, "csrf_field": CSRF_FIELD, "pages": self.pages, "role_label": role_label,
                "instrument": self.instrument, **more}

    @property
    def saved_page(self) -> int:
        """The last page the respondent saved (0: none), as the draft records it."""
        page = (self.invitation.draft or {}).get("page")
        return page if isinstance(page, int) else 0

    def resume(self) -> str:
        number = resume_page(self.pages, self.answers, self.comments, self.saved_page)
        return f"{self.base}/review" if number is None else f"{self.base}/page/{number}"


def _date(value) -> str | None:
    """An ISO date (``2099-12-31``) as a reader of the current language writes it; other text as it is."""
    import datetime as dt

    if not value:
        return None
    try:
        return i18n.format_date(dt.date.fromisoformat(str(value)[:10]))
    except ValueError:
        return str(value)


def neutral(request: Request, status: int = 404) -> HTMLResponse:
    """The one page an unusable link gets: the same body whether the link is unknown, used or closed."""
    return render(request, "neutral.html", status)


async def _link(request: Request, token: str) -> _Link | Response:
    """The usable link ``token``, or the neutral page (404; 429 once the client has had too many failures).

    An address that has used up its failures gets 429 for every link, usable ones too (otherwise the answer
    would tell a guess that is right). Requests in flight together are settled one by one after the lookup,
    so no more than the limit of outcomes is ever shown, however many guesses are sent at once.
    """
    web, address = state(request), client(request)
    if web.token_failures.blocked(address):
        return neutral(request, 429)
    invitation = None
    if len(token) <= MAX_TOKEN:
        invitation = await run_in_threadpool(web.store.invitation, token)
    if not web.token_failures.settle(address, failed=invitation is None):
        return neutral(request, 429)
    if invitation is None:
        return neutral(request)
    instrument = await run_in_threadpool(web.instrument, invitation.assessment_id)
    available = languages(instrument)
    lang = negotiate(request, invitation.language, available)
    if len(available) > 1:
        instrument = await run_in_threadpool(web.instrument, invitation.assessment_id, lang)
    return _Link(request, token, invitation, instrument, lang)


async def _form(request: Request) -> dict[str, list[str]]:
    form = await request.form()
    fields: dict[str, list[str]] = {}
    for name, value in form.multi_items():
        fields.setdefault(name, []).append(value if isinstance(value, str) else "")
    return fields


def _forbidden(request: Request, link: _Link) -> HTMLResponse:
    """A form without the right CSRF token: say so, with a link (GET) back to the page the form was on."""
    path = request.url.path
    back = f"{link.base}/review" if path.endswith("/submit") else path
    return render(request, "forbidden.html", 403, lang=link.lang, back=back)


def _see(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


async def welcome(request: Request) -> Response:
    """GET: the welcome page and the consent form (once consented: straight to the first page not yet
    answered, unless ``?about`` asks for the welcome page again). POST: consent, then the first page."""
    link = await _link(request, request.path_params["token"])
    if not isinstance(link, _Link):
        return link
    if request.method == "GET":
        if link.invitation.consented and "about" not in request.query_params:
            return _see(link.resume())
        return _welcome_page(request, link)
    fields = await _form(request)
    if not same(_one(fields, CSRF_FIELD), link.csrf):
        return _forbidden(request, link)
    if _one(fields, "consent") != "yes":
        return _welcome_page(request, link, [Problem("consent_missing", "consent")], status=400)
    if not await run_in_threadpool(state(request).store.consent, link.token):
        return neutral(request)
    return _see(f"{link.base}/page/1" if link.pages else f"{link.base}/review")


def _welcome_page(request: Request, link: _Link, problems=(), status: int = 200) -> HTMLResponse:
    items = sum(len(p.items) for p in link.pages)
    return render(request, "welcome.html", status, lang=link.lang,
                  **link.context(problems=list(problems), minutes=minutes_for(link.pages), items=items,
                                 anonymity=link.invitation.anonymity, consented=link.invitation.consented,
                                 resume=link.resume()))


def _one(fields: dict[str, list[str]], name: str) -> str | None:
    values = fields.get(name) or []
    return values[0] if len(values) == 1 else None


async def page(request: Request) -> Response:
    """GET: page ``number`` with the draft's answers ticked. POST: check the page, save it to the draft and
    go back, on, or to the "saved" page; a problem re-shows the page (400) and saves nothing."""
    link = await _link(request, request.path_params["token"])
    if not isinstance(link, _Link):
        return link
    if not link.invitation.consented:
        return _see(link.base)
    number = request.path_params["number"]
    if not 1 <= number <= len(link.pages):
        return _see(link.resume())
    current = link.pages[number - 1]
    if request.method == "GET":
        return _page(request, link, current, link.answers, link.comments)
    fields = await _form(request)
    if not same(_one(fields, CSRF_FIELD), link.csrf):
        return _forbidden(request, link)
    answers, comments, problems = parse_page(fields, current, link.instrument)
    if problems:
        shown = {**link.answers, **answers}
        return _page(request, link, current, shown, {**link.comments, **comments}, problems, status=400)
    try:
        saved_ok = await run_in_threadpool(lambda: state(request).store.save_draft(
            link.token, answers, comments, page=max(number, link.saved_page)))
    except StoreError:
        return _page(request, link, current, link.answers, link.comments, [Problem("not_saved", "questions")],
                     status=400)
    if not saved_ok:
        return neutral(request)
    action = _one(fields, "action")
    if action == "back":
        return _see(f"{link.base}/page/{number - 1}" if number > 1 else f"{link.base}?about")
    if action == "later":
        return _see(f"{link.base}/saved")
    return _see(f"{link.base}/page/{number + 1}" if number < len(link.pages) else f"{link.base}/review")


def _page(request: Request, link: _Link, current: Page, answers: dict, comments: dict, problems=(),
          status: int = 200) -> HTMLResponse:
    return render(request, "page.html", status, lang=link.lang, **link.context(
        page=current, answers={k: str(v) for k, v in answers.items() if v is not None},
        comment=comments.get(current.dimension.id) or "", choices=choices(link.instrument), problems=list(problems),
        field_id=field_id, item_field=ITEM_FIELD, comment_field=COMMENT_FIELD, max_comment=MAX_COMMENT,
        dont_know=DONT_KNOW, not_applicable=NOT_APPLICABLE))


async def review(request: Request) -> Response:
    """The items not yet answered, per page with links, and the submit button."""
    link = await _link(request, request.path_params["token"])
    if not isinstance(link, _Link):
        return link
    if not link.invitation.consented:
        return _see(link.base)
    return _review(request, link)


def _review(request: Request, link: _Link, problems=(), status: int = 200) -> HTMLResponse:
    missing = unanswered(link.pages, link.answers)
    scale = link.instrument.scale
    labels = {value: scale.labels.get(value) for value in range(scale.min, scale.max + 1)}
    return render(request, "review.html", status, lang=link.lang,
                  **link.context(missing=missing, field_id=field_id, comments=link.comments, problems=list(problems),
                                 answers=link.answers, labels=labels, dont_know=DONT_KNOW,
                                 not_applicable=NOT_APPLICABLE))


async def submit(request: Request) -> Response:
    """Submit the draft (once: a second submit of the same link gets the neutral page), then thanks. A draft
    without a single answer is not submitted: the review page says so."""
    link = await _link(request, request.path_params["token"])
    if not isinstance(link, _Link):
        return link
    fields = await _form(request)
    if not same(_one(fields, CSRF_FIELD), link.csrf):
        return _forbidden(request, link)
    if not link.invitation.consented:
        return _see(link.base)
    if not link.answers:
        return _review(request, link, [Problem("nothing_answered", "questions")], status=400)
    try:
        submitted = await run_in_threadpool(lambda: state(request).store.submit(link.token, allow_empty=False,
                                                                                   language=link.lang))
    except StoreError as exc:  # the store's reason, written for the person (nothing answered, survey over, ...)
        return _review(request, link, [Problem("not_submitted", "questions", str(exc))], status=400)
    if not submitted:
        return neutral(request)
    return _see(f"/thanks?lang={link.lang}")


async def saved(request: Request) -> Response:
    """"Saved: come back with the same link"."""
    link = await _link(request, request.path_params["token"])
    if not isinstance(link, _Link):
        return link
    closes_on = (link.invitation.survey or {}).get("closes_on")
    with i18n.use_language(spoken(link.lang)):
        closes_shown = _date(closes_on)
    return render(request, "saved.html", lang=link.lang, **{**link.context(), "closes_on": closes_on,
                                                            "closes_shown": closes_shown})


async def thanks(request: Request) -> Response:
    lang = request.query_params.get("lang")
    available = i18n.languages()
    return render(request, "thanks.html", lang=lang if lang in available else negotiate(request, None, available))
