"""The consultant's pages under ``/admin``: login, the response rates of every assessment by role, closing an
assessment, and the invitations and reminders CSVs. No scores are shown here.

The session is Starlette's signed cookie (``Secure`` unless turned off, ``HttpOnly``, ``SameSite=Strict``,
expiring); every form carries the session's CSRF token. Failed logins count against the client's rate
limit like unusable links do.
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
from ..errors import StoreError
from .app import SESSION_SECONDS, client, render, state
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
        Route("/admin/assessments/{assessment:int}/close", close, methods=["POST"]),
        Route("/admin/assessments/{assessment:int}/invitations.csv", invitations_csv, methods=["GET"]),
        Route("/admin/assessments/{assessment:int}/reminders.csv", reminders_csv, methods=["POST"]),
    ]


def _csrf(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = new_csrf()
    return token


def _logged_in(request: Request) -> bool:
    since = request.session.get("since")
    return (bool(request.session.get("admin")) and isinstance(since, (int, float))
            and 0 <= time.time() - since < SESSION_SECONDS)


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
    rows = await run_in_threadpool(_overview, web)
    return render(request, "admin_dashboard.html", csrf=_csrf(request), csrf_field=CSRF_FIELD, assessments=rows,
                  reminders=web.base_url is not None, notice=request.query_params.get("done"))


def _overview(web) -> list[dict]:
    """Each assessment with its response rates by role (from :meth:`Store.invitation_status`)."""
    found = []
    for row in web.store.assessments().itertuples(index=False):
        status = web.store.invitation_status(row.assessment_id)
        roles = []
        for entry in status.itertuples(index=False):
            rate = entry.response_rate
            roles.append({"role": entry.role, "label": entry.label, "invited": int(entry.invited),
                          "started": int(entry.started), "submitted": int(entry.submitted),
                          "rate": None if rate is None or (isinstance(rate, float) and math.isnan(rate))
                          else round(100 * float(rate))})
        found.append({"id": int(row.assessment_id), "organisation": row.organisation, "pmo": row.pmo,
                      "status": row.status, "roles": roles})
    return found


def _login_page(request: Request, status: int, problems: list[str]) -> Response:
    """The login form; over plain HTTP with secure cookies it warns that the browser will not keep the login."""
    plain_http = request.url.scheme == "http" and request.app.state.web.secure_cookies
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
    ok = await run_in_threadpool(check_password, web.admin_password_hash, form.get("password", ""))
    if not ok:
        web.login_failures.fail(address)
        return _login_page(request, 401, ["wrong_password"])
    request.session.clear()
    request.session.update({"admin": True, "since": time.time(), "csrf": new_csrf()})
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
    request.session.clear()
    return _see("/admin")


async def close(request: Request) -> Response:
    _, refused = await _authorised(request)
    if refused is not None:
        return refused
    try:
        await run_in_threadpool(state(request).store.close_assessment, request.path_params["assessment"])
    except StoreError:
        return render(request, "admin_error.html", 404, problem="no_assessment")
    return _see("/admin?done=closed")


def _csv(frame: pd.DataFrame, filename: str) -> Response:
    buffer = io.StringIO()
    neutralise_frame(frame).to_csv(buffer, index=False)
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{filename}"'})


async def invitations_csv(request: Request) -> Response:
    """Who was invited, and their progress; no links (those exist only when issued)."""
    if state(request).admin_password_hash is None or not _logged_in(request):
        return _see("/admin")
    assessment = request.path_params["assessment"]
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
    assessment = request.path_params["assessment"]
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
