"""The dashboard's side of the access log: the purpose a viewer states, and recording the pages they read.

A page's view model lists under "accessed" the (review id, board) pairs it shows; `render_page` and `render_csv`
(routes.py) record them once the page was built (a refused page records nothing), with the route
template, never the URL.

The purpose, as a demanding records auditor would want it stated: a fixed list (PURPOSES), chosen on the
review page (a GET form: `?purpose=<code>`, which links to the page's CSV downloads keep); the choice is
then remembered for the browser session (an HttpOnly, SameSite=Strict cookie that ends with the browser
session and with signing out), so every later page and download is recorded with it until another is
chosen. Until one is chosen, reads are recorded with purpose not given. A fixed list keeps free text, which
may name people, out of URLs; what is stored is the purpose's label."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from fastapi import Request, Response

from service.access_log import listed_reviews
from service.dashboard.pages import Download, Rows
from service.dashboard.session import PATH, Viewer

PURPOSE_COOKIE = "scr_dashboard_purpose"
PURPOSES = {
    "case_work": "Case work on this review",
    "supervision": "Management oversight or supervision",
    "quality_assurance": "Audit or quality assurance",
    "panel_oversight": "National Panel oversight",
    "publication": "Preparing publication or redaction",
    "legal_request": "Inquiry, court, coroner or police request",
    "information_request": "Subject access or freedom of information request",
    "other": "Other",
}


def chosen_purpose(request: Request) -> str | None:
    """The purpose code chosen on this request (an empty choice: not given), else the one remembered for the
    session; None: not given."""
    given = request.query_params.get("purpose", request.cookies.get(PURPOSE_COOKIE))
    return given if given in PURPOSES else None


def remember_purpose(request: Request, response: Response, *, secure: bool) -> None:
    """Keep a purpose chosen on this request for the rest of the browser session (choosing none forgets it)."""
    if "purpose" not in request.query_params:
        return
    given = chosen_purpose(request)
    if given is None:
        forget_purpose(response)
    else:
        response.set_cookie(PURPOSE_COOKIE, given, path=PATH, httponly=True, samesite="strict", secure=secure)


def forget_purpose(response: Response) -> None:
    """Signing out ends the stated purpose too."""
    response.delete_cookie(PURPOSE_COOKIE, path=PATH, httponly=True, samesite="strict")


def record_page_read(request: Request, viewer: Viewer, model: dict[str, Any]) -> None:
    """Queue the read of the reviews the page (or download) shows, if it shows any review's details."""
    accessed = model.get("accessed")
    if accessed is not None:
        _record(request, viewer, accessed)


def recorded_download(request: Request, viewer: Viewer, download: Download) -> Download:
    """A streamed download of reviews with child details, recording the reviews it sent once it ends (or,
    if the client goes away, the ones sent until then); the national panel's holds none and is not recorded."""

    def sending(batches: Iterator[Rows]) -> Iterator[Rows]:
        sent: list[dict[str, Any]] = []
        try:
            for batch in batches:
                yield batch
                sent.extend({"review_id": row["review_id"], "board_id": row["board_id"]} for row in batch)
        finally:
            listed = listed_reviews(viewer.actor, sent)
            if listed is not None:
                _record(request, viewer, listed)

    return replace(download, batches=sending(download.batches))


def _record(request: Request, viewer: Viewer, accessed: list[tuple[object, str]]) -> None:
    code = chosen_purpose(request)
    template = getattr(request.scope.get("route"), "path", "unmatched")
    viewer.services.access_log.record(
        viewer.actor,
        channel="dashboard",
        route=f"{request.method} {template}",
        reviews=accessed,
        purpose=None if code is None else PURPOSES[code],
        request_id=str(getattr(request.state, "request_id", "")),
    )
