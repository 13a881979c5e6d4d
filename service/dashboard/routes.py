"""The dashboard's pages: HTML rendered on the server from the projections, each table also as CSV."""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode, urlsplit
from uuid import UUID

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from fastapi.templating import Jinja2Templates

from domain.errors import Forbidden, InvalidValue, NotFound
from domain.permissions import may_read
from service.dashboard import labels
from service.dashboard.access_purpose import (
    chosen_purpose,
    forget_purpose,
    record_page_read,
    recorded_download,
    remember_purpose,
)
from service.dashboard.pages import Download, Offset
from service.dashboard.session import (
    COOKIE,
    CSRF_COOKIE,
    PATH,
    SESSION_HOURS,
    CurrentViewer,
    Viewer,
    actor_from_token,
    csrf_pair,
    csrf_valid,
    forget_token,
    keep_csrf_nonce,
    keep_token,
)
from service.dashboard.tables import csv_chunks, humanise, long_date, number, pounds
from service.dashboard.views_audit import MAX_UPLOAD_BYTES, uploaded_checkpoints, verification_page
from service.dashboard.views_figures import (
    ActionFilters,
    TimelinessFilters,
    actions_download,
    actions_page,
    costs_page,
    timeliness_page,
)
from service.dashboard.views_reviews import ReviewFilters, review_page, reviews_board, reviews_download
from service.services import Services
from service.sign_in_codes import looks_like_code, redeem_code
from service.tokens import InvalidToken, token_id

T = TypeVar("T")
router = APIRouter(prefix=PATH, include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.filters.update(
    pounds=pounds,
    number=number,
    long_date=long_date,
    humanise=humanise,
    rule_label=labels.rule_label,
    tag_colour=labels.tag_colour,
)

# Pages hold case details: never cached, never framed, no script at all, nothing fetched from elsewhere.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "Cache-Control": "no-store",
    "Referrer-Policy": "same-origin",  # other sites get no referrer; our own form posts keep their Origin
    "X-Content-Type-Options": "nosniff",
}
# The pages in the navigation, each with the read it needs (None: everyone signed in).
PAGES = [
    ("Overview", "", None),
    ("Reviews", "/reviews", "reviews"),
    ("Timeliness", "/timeliness", "timeliness"),
    ("Cost ledger", "/costs", "board_ledger"),
    ("Learning actions", "/learning-actions", "learning_actions"),
    # served by views_learning.py (its own router)
    ("Search", "/search", "search"),
    ("Dissemination", "/dissemination", "dissemination"),
    ("Statistics", "/statistics", "statistics"),
    ("Annual report", "/annual-report", "annual_report"),
    ("Audit", "/audit", "audit_verification"),
]
REFUSALS: list[tuple[type[Exception], int, str]] = [
    (Forbidden, 403, "You cannot see this page"),
    (NotFound, 404, "Page not found"),
    (InvalidValue, 422, "Check the filters"),
]


def _render(request: Request, template: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    viewer: Viewer | None = context.get("viewer")
    nav = [
        (title, PATH + path, request.url.path == PATH + path)
        for title, path, read in PAGES
        if viewer is not None and (read is None or may_read(viewer.actor, read))
    ]
    response = templates.TemplateResponse(
        request, template, {"nav": nav, "path": request.url.path, **context}, status_code=status
    )
    response.headers.update(SECURITY_HEADERS)
    return response


def _built(request: Request, viewer: Viewer, build: Callable[[], T]) -> T | HTMLResponse:
    """The page's model, or the error page the API's refusal calls for (403 forbidden, 404 for another board's)."""
    try:
        return build()
    except tuple(error for error, _, _ in REFUSALS) as error:
        status, title = next((s, t) for kind, s, t in REFUSALS if isinstance(error, kind))
        return _render(request, "error.html", {"viewer": viewer, "title": title, "detail": str(error)}, status)


def render_page(request: Request, viewer: Viewer, template: str, build: Callable[[], dict[str, Any]]) -> HTMLResponse:
    model = _built(request, viewer, build)
    if isinstance(model, HTMLResponse):
        return model
    record_page_read(request, viewer, model)
    query = f"?{request.url.query}" if request.url.query else ""
    csv_links = {name: f"{request.url.path}/csv/{name}{query}" for name in model.get("tables", {})}
    context = {"viewer": viewer, "csv": csv_links, "purpose": chosen_purpose(request), **model}
    response = _render(request, template, context)
    remember_purpose(request, response, secure=_secure(request))
    return response


def render_csv(request: Request, viewer: Viewer, table: str, build: Callable[[], dict[str, Any]]) -> Response:
    model = _built(request, viewer, build)
    if isinstance(model, HTMLResponse):
        return model
    found = model.get("tables", {}).get(table)
    if found is None:
        return _render(request, "error.html", {"viewer": viewer, "title": "Page not found", "detail": ""}, 404)
    record_page_read(request, viewer, model)
    name = f"{viewer.actor.board or 'all-boards'}-{table}-{viewer.today.isoformat()}.csv"
    return Response(
        "\ufeff" + found.csv(),  # the byte-order mark tells spreadsheets the file is UTF-8
        media_type="text/csv; charset=utf-8",
        headers={**SECURITY_HEADERS, "Content-Disposition": attachment(name)},
    )


def _streamed_csv(request: Request, viewer: Viewer, build: Callable[[], Download]) -> Response:
    """A table's CSV download streamed as its rows are read (the whole list, not one page): the same bytes
    Table.csv gives, with the byte-order mark. Refusals (role, board) come before the first byte."""
    download = _built(request, viewer, build)
    if isinstance(download, HTMLResponse):
        return download
    name = f"{viewer.actor.board or 'all-boards'}-{download.name}-{viewer.today.isoformat()}.csv"
    return StreamingResponse(
        _with_bom(csv_chunks(download.columns, download.batches)),
        media_type="text/csv; charset=utf-8",
        headers={**SECURITY_HEADERS, "Content-Disposition": attachment(name)},
    )


def _with_bom(chunks: Iterator[str]) -> Iterator[str]:
    yield "\ufeff"  # the byte-order mark tells spreadsheets the file is UTF-8
    yield from chunks


def attachment(name: str) -> str:
    """A Content-Disposition naming a download: only letters, digits, '.', '-' and '_' reach the header, so
    no quote, header break or non-ASCII character from a name can change it."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "download.csv"
    return f'attachment; filename="{safe}"'


# ---- signing in and out -----------------------------------------------------------------------------------


def _next_page(next_path: str | None) -> str:
    """Where to go after signing in: only a dashboard path of this site (never an open redirect)."""
    if next_path and next_path.startswith(PATH) and not urlsplit(next_path).netloc and "//" not in next_path:
        return next_path
    return PATH


def _secure(request: Request) -> bool:
    # https as the client sees it: behind a TLS proxy listed in SCR_TRUSTED_PROXIES, uvicorn takes the scheme
    # from X-Forwarded-Proto (`scr serve`), so the cookies get Secure there too.
    return request.url.scheme == "https"


def _same_site_form(request: Request, services: Services, csrf: str) -> bool:
    """A form posted from this site's own page: same Origin (when sent) and the CSRF token of this browser."""
    origin = request.headers.get("origin")
    same_site = not origin or origin == f"{request.url.scheme}://{request.url.netloc}"
    return same_site and csrf_valid(services.settings.token_secret, request.cookies.get(CSRF_COOKIE), csrf)


def _sign_in_form(
    request: Request,
    services: Services,
    *,
    status: int = 200,
    error: str | None = None,
    notice: str | None = None,
    next_path: str = "",
) -> HTMLResponse:
    """The form, with a CSRF token signed for this browser's nonce cookie (set here if missing)."""
    nonce, form_token = csrf_pair(services.settings.token_secret, request.cookies.get(CSRF_COOKIE))
    context = {"error": error, "notice": notice, "next": next_path, "csrf": form_token}
    response = _render(request, "sign_in.html", context, status)
    keep_csrf_nonce(response, nonce, secure=_secure(request))
    return response


def _session_token(services: Services, pasted: str) -> str:
    """A session token of the dashboard's own for a pasted one-time code or bearer token (InvalidToken if refused)."""
    if looks_like_code(pasted):
        actor = redeem_code(services.db, pasted)
        if actor is None:
            raise InvalidToken("that sign-in code is unknown, already used or expired")
        return services.tokens.issue(actor, hours=SESSION_HOURS)
    actor = actor_from_token(services, pasted)
    # Never longer than the pasted token: signing in cannot extend a token's life.
    remaining = (token_id(services.settings.token_secret, pasted).expires_at - time.time()) / 3600
    if remaining <= 0:
        raise InvalidToken("the token has expired")
    return services.tokens.issue(actor, hours=min(SESSION_HOURS, remaining))


@router.get("/sign-in")
def sign_in_page(
    request: Request,
    services: Services,
    next_path: Annotated[str | None, Query(alias="next")] = None,
    signed_out: bool = False,
    expired: bool = False,
) -> Response:
    """The sign-in form: paste a token or a one-time code (never a token in a URL)."""
    notice = "You have signed out." if signed_out else None
    if expired:
        notice = "Your sign-in has expired or is no longer valid. Sign in again."
    return _sign_in_form(request, services, notice=notice, next_path=next_path or "")


@router.post("/sign-in")
def sign_in(
    request: Request,
    services: Services,
    token: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
    next_path: Annotated[str, Form(alias="next")] = "",
) -> Response:
    """Exchange a pasted token or one-time code for a session cookie (the form's CSRF token must match)."""
    if not _same_site_form(request, services, csrf):
        error = "Sign in from this site's own sign-in form (the form was stale or came from elsewhere)."
        return _sign_in_form(request, services, status=403, error=error)
    if not token.strip():
        return _sign_in_form(
            request, services, status=422, error="Paste a token or a sign-in code.", next_path=next_path
        )
    try:
        session = _session_token(services, token.strip())
    except InvalidToken as error:
        return _sign_in_form(request, services, status=401, error=f"That was refused: {error}.", next_path=next_path)
    response = RedirectResponse(_next_page(next_path), status_code=303)
    keep_token(response, session, secure=_secure(request))
    response.delete_cookie(CSRF_COOKIE, path=PATH, httponly=True, samesite="strict")
    response.headers.update(SECURITY_HEADERS)
    return response


@router.post("/sign-out")
def sign_out(request: Request, services: Services) -> Response:
    """Revoke the session's token (no process accepts it again) and forget it."""
    session = request.cookies.get(COOKIE)
    if session:
        with contextlib.suppress(InvalidToken):
            services.tokens.revoke(session)
    response = RedirectResponse(f"{PATH}/sign-in?{urlencode({'signed_out': 'true'})}", status_code=303)
    forget_token(response)
    forget_purpose(response)
    response.headers.update(SECURITY_HEADERS)
    return response


# ---- pages ------------------------------------------------------------------------------------------------


@router.get("")
def overview(request: Request, viewer: CurrentViewer) -> HTMLResponse:
    """Who you are, your role and board, and the pages you may open."""
    return render_page(request, viewer, "overview.html", dict)


@router.get("/reviews")
def reviews(
    request: Request, viewer: CurrentViewer, filters: Annotated[ReviewFilters, Depends()], offset: Offset = 0
) -> HTMLResponse:
    """The reviews board, a page at a time."""
    return render_page(request, viewer, "reviews.html", lambda: reviews_board(viewer, filters, offset))


@router.get("/reviews/csv/{table}")
def reviews_csv(
    request: Request, viewer: CurrentViewer, table: str, filters: Annotated[ReviewFilters, Depends()]
) -> Response:
    """The reviews board as CSV: every review the filters match, streamed."""
    if table != "reviews":
        return render_csv(request, viewer, table, lambda: reviews_board(viewer, filters))
    return _streamed_csv(request, viewer, lambda: recorded_download(request, viewer, reviews_download(viewer, filters)))


@router.get("/reviews/{review_id:uuid}")
def review(request: Request, viewer: CurrentViewer, review_id: UUID) -> HTMLResponse:
    """One review."""
    return render_page(request, viewer, "review.html", lambda: review_page(viewer, review_id))


@router.get("/reviews/{review_id:uuid}/csv/{table}")
def review_csv(request: Request, viewer: CurrentViewer, review_id: UUID, table: str) -> Response:
    """One of a review's tables as CSV."""
    return render_csv(request, viewer, table, lambda: review_page(viewer, review_id))


@router.get("/timeliness")
def timeliness(
    request: Request, viewer: CurrentViewer, filters: Annotated[TimelinessFilters, Depends()]
) -> HTMLResponse:
    """Timeliness per rule and durations, by board."""
    return render_page(request, viewer, "timeliness.html", lambda: timeliness_page(viewer, filters))


@router.get("/timeliness/csv/{table}")
def timeliness_csv(
    request: Request, viewer: CurrentViewer, table: str, filters: Annotated[TimelinessFilters, Depends()]
) -> Response:
    """A timeliness table as CSV."""
    return render_csv(request, viewer, table, lambda: timeliness_page(viewer, filters))


@router.get("/costs")
def costs(request: Request, viewer: CurrentViewer, board: str = "", financial_year: str = "") -> HTMLResponse:
    """The cost ledger of a financial year."""
    return render_page(request, viewer, "costs.html", lambda: costs_page(viewer, board, financial_year))


@router.get("/costs/csv/{table}")
def costs_csv(
    request: Request, viewer: CurrentViewer, table: str, board: str = "", financial_year: str = ""
) -> Response:
    """A cost ledger table as CSV."""
    return render_csv(request, viewer, table, lambda: costs_page(viewer, board, financial_year))


@router.get("/learning-actions")
def actions(
    request: Request, viewer: CurrentViewer, filters: Annotated[ActionFilters, Depends()], offset: Offset = 0
) -> HTMLResponse:
    """Learning actions, overdue first, a page at a time."""
    return render_page(request, viewer, "actions.html", lambda: actions_page(viewer, filters, offset))


@router.get("/learning-actions/csv/{table}")
def actions_csv(
    request: Request, viewer: CurrentViewer, table: str, filters: Annotated[ActionFilters, Depends()]
) -> Response:
    """A learning actions table as CSV (the actions: every one the filters match, streamed)."""
    if table != "actions":
        return render_csv(request, viewer, table, lambda: actions_page(viewer, filters))
    return _streamed_csv(request, viewer, lambda: actions_download(viewer, filters))


def _verification_form(
    request: Request, viewer: Viewer, build: Callable[[], dict[str, Any]], error: str | None = None
) -> HTMLResponse:
    """The verification page with its upload form (a CSRF token signed for this browser's nonce cookie)."""
    nonce, form_token = csrf_pair(viewer.services.settings.token_secret, request.cookies.get(CSRF_COOKIE))
    model = _built(request, viewer, build)
    if isinstance(model, HTMLResponse):
        return model
    status = 422 if error else 200
    response = _render(request, "audit.html", {"viewer": viewer, "csrf": form_token, "error": error, **model}, status)
    keep_csrf_nonce(response, nonce, secure=_secure(request))
    return response


@router.get("/audit")
def audit(request: Request, viewer: CurrentViewer) -> HTMLResponse:
    """Verify the whole log, against a checkpoint you kept (uploaded) or, saying so, only the service's own."""
    return _verification_form(request, viewer, lambda: verification_page(viewer, None))


@router.post("/audit")
def audit_verify(
    request: Request,
    viewer: CurrentViewer,
    services: Services,
    checkpoint: Annotated[UploadFile | None, File()] = None,
    csrf: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """Run the verification; with an uploaded checkpoint a log rewritten and re-signed since is caught."""
    if not _same_site_form(request, services, csrf):
        error = "Verify from this site's own page (the form was stale or came from elsewhere)."
        return _verification_form(request, viewer, lambda: verification_page(viewer, None), error)
    content = checkpoint.file.read(MAX_UPLOAD_BYTES + 1) if checkpoint is not None else b""
    try:
        held = uploaded_checkpoints(content) if content else []
    except InvalidValue as error:
        return _verification_form(request, viewer, lambda: verification_page(viewer, None), str(error))
    return _verification_form(request, viewer, lambda: verification_page(viewer, held))
