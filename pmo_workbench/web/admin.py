"""The consultant's pages under ``/admin``: login, the response rates of every assessment by role, closing an
assessment, and the invitations and reminders CSVs. No scores are shown here.

The session is Starlette's signed cookie (``Secure`` unless turned off, ``HttpOnly``, ``SameSite=Strict``,
expiring) holding a random session id that the server keeps while the session lives (:class:`.security.Sessions`):
logging out ends it on the server, so a copy of the cookie is refused afterwards. Every form carries the
session's CSRF token. Each login attempt is counted against the client's rate limit before the password is
checked (and taken back when it is right), and passwords are checked one at a time.
"""

from __future__ import annotations

import io
import math
import time

import pandas as pd
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from .._io import neutralise_frame
from .. import i18n
from ..errors import PmoWorkbenchError, StoreError
from .app import SESSION_SECONDS, client, negotiate, render, spoken, state
from .security import CSRF_FIELD, check_password, new_csrf, same

INVITATION_COLUMNS = ["name", "email", "role", "language", "status", "created_at", "consented_at", "started_at",
                      "submitted_at", "reminded_at", "reminders"]
"""The invitations CSV: who was invited and how far they got; never a link or a token."""
REMINDER_COLUMNS = ["name", "email", "role", "language", "link"]


def routes() -> list[Route]:
    return [
        Route("/admin", dashboard, methods=["GET"]),
        Route("/admin/login", login, methods=["POST"]),
        Route("/admin/logout", logout, methods=["POST"]),
        Route("/admin/assessments/{assessment:int}/close", close, methods=["GET", "POST"]),
        Route("/admin/assessments/{assessment:int}/reopen", reopen, methods=["POST"]),
        Route("/admin/assessments/{assessment:int}/invitations.csv", invitations_csv, methods=["GET"]),
        Route("/admin/assessments/{assessment:int}/reminders.csv", reminders_csv, methods=["POST"]),
    ]


def _csrf(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = new_csrf()
    return token


def _logged_in(request: Request) -> bool:
    since, session = request.session.get("since"), request.session
    fresh = isinstance(since, (int, float)) and 0 <= time.time() - since < SESSION_SECONDS
    return bool(session.get("admin")) and fresh and state(request).sessions.alive(session.get("sid"))


MAX_ID = 2**63 - 1
"""The largest id a database integer holds: larger ids in an address are unknown ones (404)."""


def _assessment(request: Request) -> int | None:
    """The assessment id of the address, ``None`` when no database could hold it."""
    number = request.path_params["assessment"]
    return number if 0 < number <= MAX_ID else None


async def _posted(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


def _see(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


async def dashboard(request: Request) -> Response:
    """The login form, the dashboard once logged in, or the note that no admin password is set."""
    web = state(request)
    if web.admin_password_hash is None:
        return render(request, "admin_off.html")
    if not _logged_in(request):
        return _login_page(request, 200, [])
    rows = await run_in_threadpool(_overview, web, spoken(negotiate(request, None, i18n.languages())))
    return render(request, "admin_dashboard.html", csrf=_csrf(request), csrf_field=CSRF_FIELD, assessments=rows,
                  reminders=web.base_url is not None, notice=request.query_params.get("done"))


def _overview(web, lang: str) -> list[dict]:
    """Each assessment with its response rates by role (from :meth:`Store.invitation_status`), the roles named
    in the page's language ``lang`` when the instrument has it."""
    found = []
    for row in web.store.assessments().itertuples(index=False):
        status = web.store.invitation_status(row.assessment_id)
        try:
            labels = {r.id: r.label for r in web.instrument(int(row.assessment_id), language=lang).roles}
        except (PmoWorkbenchError, OSError):  # an instrument the store cannot load again: the labels it kept
            labels = {}
        roles = []
        for entry in status.itertuples(index=False):
            rate = entry.response_rate
            roles.append({"role": entry.role, "label": labels.get(entry.role, entry.label),
                          "invited": int(entry.invited),
                          "started": int(entry.started), "submitted": int(entry.submitted),
                          "rate": None if rate is None or (isinstance(rate, float) and math.isnan(rate))
                          else round(100 * float(rate))})
        found.append({"id": int(row.assessment_id), "organisation": row.organisation, "pmo": row.pmo,
                      "wave": row.wave, "status": row.status, "roles": roles,
                      "languages": _languages(web.store.invitations(row.assessment_id))})
    return found


def _languages(invitations) -> list[dict]:
    """Invited and submitted per invitation language (``code`` ``None``: none given, the browser's language is
    used), most invited first. The page names each language in its own language (``language_name``)."""
    if invitations.empty:
        return []
    codes = invitations["language"].astype(object).where(invitations["language"].notna(), "")
    counted = (invitations.assign(code=codes, sent=invitations["status"].eq("submitted"))
               .groupby("code", sort=False).agg(invited=("id", "size"), submitted=("sent", "sum")).reset_index()
               .sort_values(["invited", "code"], ascending=[False, True], kind="stable"))
    return [{"code": code or None, "invited": int(invited), "submitted": int(submitted)}
            for code, invited, submitted in counted.itertuples(index=False)]


LOOPBACK = ("127.0.0.1", "localhost", "::1")
"""Hosts browsers treat as secure even over plain HTTP: they keep a ``Secure`` cookie there."""


def _login_page(request: Request, status: int, problems: list[str]) -> Response:
    """The login form; over plain HTTP with secure cookies it warns that the browser will not keep the login."""
    plain_http = (request.url.scheme == "http" and request.app.state.web.secure_cookies
                  and request.url.hostname not in LOOPBACK)
    return render(request, "admin_login.html", status, csrf=_csrf(request), csrf_field=CSRF_FIELD, problems=problems,
                  plain_http=plain_http)


async def login(request: Request) -> Response:
    web = state(request)
    if web.admin_password_hash is None:
        return render(request, "admin_off.html", 404)
    address = client(request)
    if web.login_failures.blocked(address):
        return _login_page(request, 429, ["too_many"])
    form = await _posted(request)
    if not same(form.get(CSRF_FIELD), request.session.get("csrf")):
        return render(request, "forbidden.html", 403, back="/admin")
    attempt = web.login_failures.reserve(address)  # counted before the slow check: parallel guesses cannot pass
    if attempt is None:
        return _login_page(request, 429, ["too_many"])
    ok = await run_in_threadpool(check_password, web.admin_password_hash, form.get("password", ""))
    if not ok:
        return _login_page(request, 401, ["wrong_password"])
    web.login_failures.release(address, attempt)
    web.sessions.end(request.session.get("sid"))
    request.session.clear()
    request.session.update({"admin": True, "since": time.time(), "csrf": new_csrf(), "sid": web.sessions.new()})
    return _see("/admin")


async def _authorised(request: Request) -> tuple[dict[str, str], Response | None]:
    """The posted form of a logged-in admin with the session's CSRF token, or the response refusing it."""
    if state(request).admin_password_hash is None or not _logged_in(request):
        return {}, render(request, "forbidden.html", 403, back="/admin")
    form = await _posted(request)
    if not same(form.get(CSRF_FIELD), request.session.get("csrf")):
        return {}, render(request, "forbidden.html", 403, back="/admin")
    return form, None


async def logout(request: Request) -> Response:
    _, refused = await _authorised(request)
    if refused is not None:
        return refused
    state(request).sessions.end(request.session.get("sid"))
    request.session.clear()
    return _see("/admin")


async def close(request: Request) -> Response:
    """GET: the page asking to confirm the close. POST (from that page): close the assessment."""
    assessment = _assessment(request)
    web = state(request)
    if request.method == "GET":
        if web.admin_password_hash is None or not _logged_in(request):
            return _see("/admin")
        found = None if assessment is None else await run_in_threadpool(_find, web, assessment)
        if found is None:
            return render(request, "admin_error.html", 404, problem="no_assessment")
        return render(request, "admin_close.html", csrf=_csrf(request), csrf_field=CSRF_FIELD, assessment=found)
    return await _change(request, assessment, web.store.close_assessment, "closed")


async def reopen(request: Request) -> Response:
    return await _change(request, _assessment(request), state(request).store.reopen_assessment, "reopened")


async def _change(request: Request, assessment: int | None, action, done: str) -> Response:
    _, refused = await _authorised(request)
    if refused is not None:
        return refused
    if assessment is None:
        return render(request, "admin_error.html", 404, problem="no_assessment")
    try:
        await run_in_threadpool(action, assessment)
    except StoreError:
        return render(request, "admin_error.html", 404, problem="no_assessment")
    return _see(f"/admin?done={done}")


def _find(web, assessment: int) -> dict | None:
    for row in web.store.assessments().itertuples(index=False):
        if int(row.assessment_id) == assessment:
            return {"id": assessment, "organisation": row.organisation, "pmo": row.pmo, "status": row.status}
    return None


def _csv(frame: pd.DataFrame, filename: str) -> Response:
    buffer = io.StringIO()
    neutralise_frame(frame).to_csv(buffer, index=False)
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{filename}"'})


async def invitations_csv(request: Request) -> Response:
    """Who was invited, and their progress; no links (those exist only when issued)."""
    if state(request).admin_password_hash is None or not _logged_in(request):
        return _see("/admin")
    assessment = _assessment(request)
    if assessment is None:
        return render(request, "admin_error.html", 404, problem="no_assessment")
    try:
        frame = await run_in_threadpool(state(request).store.invitations, assessment)
    except StoreError:
        return render(request, "admin_error.html", 404, problem="no_assessment")
    frame = frame.reindex(columns=INVITATION_COLUMNS)
    return _csv(frame, f"invitations-{assessment}.csv")


async def reminders_csv(request: Request) -> Response:
    """Fresh links for everyone who has not submitted (the earlier links keep working), as a mail-merge CSV."""
    _, refused = await _authorised(request)
    if refused is not None:
        return refused
    web = state(request)
    if web.base_url is None:
        return render(request, "admin_error.html", 400, problem="no_base_url")
    assessment = _assessment(request)
    if assessment is None:
        return render(request, "admin_error.html", 404, problem="no_assessment")
    try:
        frame = await run_in_threadpool(_remind, web, assessment)
    except StoreError:
        return render(request, "admin_error.html", 404, problem="no_assessment")
    return _csv(frame, f"reminders-{assessment}.csv")


def _remind(web, assessment: int) -> pd.DataFrame:
    invitations = web.store.invitations(assessment)
    open_ids = [int(i) for i in invitations.loc[invitations["status"] != "submitted", "id"]]
    issued = web.store.reissue(open_ids) if open_ids else []
    if issued:
        web.store.mark_reminded([i.invitation_id for i in issued])
    rows = [{"name": i.person.name, "email": i.person.email, "role": i.person.role, "language": i.person.language,
             "link": f"{web.base_url}/r/{i.token}"} for i in issued]
    return pd.DataFrame(rows, columns=REMINDER_COLUMNS)
