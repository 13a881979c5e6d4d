"""`/docs`: Swagger UI served from the installed `swagger-ui-py` package's assets, never from a CDN.

A CDN script without integrity would run with the API's origin in every reader's browser (where a token
is pasted); the package's files are pinned with the rest of the dependencies. ReDoc (CDN only) is off."""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs/assets"


def install_docs(api: FastAPI) -> None:
    """Serve Swagger UI at /docs over /openapi.json, with its assets from the installed package."""
    static = files("swagger_ui") / "static"
    api.mount(ASSETS, StaticFiles(directory=str(static)), name="swagger-assets")

    @api.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=api.openapi_url or "/openapi.json",
            title=f"{api.title} - API documentation",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
            oauth2_redirect_url="/docs/oauth2-redirect",
        )

    @api.get("/docs/oauth2-redirect", include_in_schema=False)
    def oauth2_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()
