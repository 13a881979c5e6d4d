"""The dashboard: server-rendered pages for boards and the National Panel, reading the projections."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from service.dashboard import views_learning
from service.dashboard.routes import router
from service.dashboard.session import COOKIE, PATH, SignInRequired, forget_token


async def _to_sign_in(request: Request, _: Exception) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    query = {"next": target}
    if request.cookies.get(COOKIE):
        query["expired"] = "true"
    response = RedirectResponse(f"{PATH}/sign-in?{urlencode(query)}", status_code=303)
    if request.cookies.get(COOKIE):
        forget_token(response)
    return response


def install_dashboard(api: FastAPI) -> None:
    """Add the dashboard's pages, its stylesheet and its sign-in redirect to the service."""
    api.include_router(router)
    api.include_router(views_learning.router)
    api.mount(f"{PATH}/static", StaticFiles(directory=Path(__file__).parent / "static"), name="dashboard-static")
    api.add_exception_handler(SignInRequired, _to_sign_in)
