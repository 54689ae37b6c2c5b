"""The rater's page of a competency invitation: whom they rate, the statements of each area with what each point
of the scale means there, and the statements expected of the person's job level only.

One page, one form: "Save" keeps the ratings as a draft (come back with the same link), "Send" stores them as the
rater's ratings of the person, once. A link that cannot be used gets the same neutral page as a questionnaire's
link (:func:`.respondent.neutral`), and counts against the client's rate limit. Every text shown is escaped by
the templates (autoescape).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..errors import StoreError
from .app import client, languages, negotiate, render, state
from .respondent import MAX_TOKEN, _form, _one, neutral
from .security import CSRF_FIELD, respondent_csrf, same

LOG = logging.getLogger(__name__)
RATING_FIELD = "rating-"
DONT_KNOW = "DK"


def routes() -> list[Route]:
    return [Route("/c/{token}", rate, methods=["GET", "POST"])]


@dataclass
class _Area:
    id: str
    label: str
    description: str | None
    anchors: list[tuple[int, str, str]]  # point, its label, what a person at that point does here
    items: list[tuple[str, str]]  # id, text


async def rate(request: Request) -> Response:
    """GET: the form with the draft's ratings ticked. POST: check the form; ``action=save`` keeps the draft and
    shows the page again, ``action=send`` stores the ratings and thanks the rater; a problem re-shows the form
    (400) and saves nothing."""
    token = request.path_params["token"]
    web, address = state(request), client(request)
    if web.token_failures.blocked(address):
        return neutral(request, 429)
    usable = len(token) <= MAX_TOKEN
    link = await run_in_threadpool(web.store.competency_link, token) if usable else None
    # a link already sent (a double-clicked "Send") is no guess: the thanks page, and no failure counted
    sent_before = link is None and usable and await run_in_threadpool(web.store.competency_submitted, token)
    if not web.token_failures.settle(address, failed=link is None and not sent_before):
        return neutral(request, 429)
    if sent_before:
        return RedirectResponse("/thanks", status_code=303)
    if link is None:
        return neutral(request)
    try:
        instrument = await run_in_threadpool(web.store.competency_instrument, link.competency_id)
        lang = negotiate(request, link.language, languages(instrument))
        if lang != instrument.language:
            instrument = await run_in_threadpool(web.store.competency_instrument, link.competency_id, lang)
    except StoreError as exc:  # a cohort whose instrument this server cannot load: never a 500
        LOG.warning("competency link of assessment %s cannot be shown: %s", link.competency_id, exc)
        return neutral(request)
    csrf = respondent_csrf(web.secret, token)
    base = f"/c/{token}"
    if request.method == "GET":
        return _page(request, link, instrument, lang, csrf, base, dict(link.draft),
                     saved="saved" in request.query_params)
    fields = await _form(request)
    if not same(_one(fields, CSRF_FIELD), csrf):
        return render(request, "forbidden.html", 403, lang=lang, back=base)
    expected = set(instrument.items_for(link.job_level))
    ratings: dict[str, int | str | None] = {}
    problems: list[str] = []
    low, high = instrument.scale.min, instrument.scale.max
    allowed = {str(v) for v in range(low, high + 1)} | {DONT_KNOW, ""}
    for name, values in fields.items():
        if not name.startswith(RATING_FIELD):
            continue
        item = name[len(RATING_FIELD):]
        value = values[0] if len(values) == 1 else None
        if item not in expected or value not in allowed:
            problems.append(item)
            continue
        ratings[item] = None if value == "" else value if value == DONT_KNOW else int(value)
    shown = {**link.draft, **{k: v for k, v in ratings.items() if v is not None}}
    if problems:
        return _page(request, link, instrument, lang, csrf, base, shown, problems=["invalid"], status=400)
    action = _one(fields, "action")
    try:
        saved_ok = await run_in_threadpool(web.store.save_competency_draft, token, ratings)
        if not saved_ok:
            return await _gone(request, token)
        if action != "send":
            return RedirectResponse(f"{base}?saved", status_code=303)
        sent = await run_in_threadpool(web.store.submit_competency, token)
    except StoreError:
        draft = {k: v for k, v in {**link.draft, **ratings}.items() if v is not None}
        return _page(request, link, instrument, lang, csrf, base, draft, problems=["nothing_rated"], status=400)
    if not sent:
        return await _gone(request, token)
    return RedirectResponse(f"/thanks?lang={lang}", status_code=303)


async def _gone(request: Request, token: str) -> Response:
    """A link that was usable a moment ago and is not now: sent meanwhile (another click of "Send"): the thanks
    page; else (closed meanwhile) the neutral page."""
    if await run_in_threadpool(state(request).store.competency_submitted, token):
        return RedirectResponse("/thanks", status_code=303)
    return neutral(request)


def _areas(instrument, job_level: str) -> list[_Area]:
    expected = set(instrument.items_for(job_level))
    scale = instrument.scale
    found = []
    for area in instrument.areas:
        items = [(i.id, i.text) for i in area.items if i.id in expected]
        if items:
            anchors = [(p, scale.labels.get(p) or "", area.anchors[p]) for p in range(scale.min, scale.max + 1)]
            found.append(_Area(area.id, area.label, area.description, anchors, items))
    return found


def _page(request: Request, link, instrument, lang: str, csrf: str, base: str, ratings: dict, *, problems=(),
          saved: bool = False, status: int = 200) -> Response:
    scale = instrument.scale
    points = [(str(p), scale.labels.get(p) or "") for p in range(scale.min, scale.max + 1)]
    areas = _areas(instrument, link.job_level)
    return render(request, "competency.html", status, lang=lang, link=link, base=base, csrf=csrf,
                  csrf_field=CSRF_FIELD, areas=areas, points=points, rating_field=RATING_FIELD, dont_know=DONT_KNOW,
                  ratings={k: str(v) for k, v in ratings.items()}, problems=list(problems), saved=saved,
                  title=instrument.title, level_label=instrument.level_label(link.job_level),
                  total=sum(len(a.items) for a in areas))
