"""The one composition root: `create_app(settings)` wires the services, the API routes and the dashboard."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from service.api import (
    routes_action_commands,
    routes_audit,
    routes_learning,
    routes_ops,
    routes_reads,
    routes_records,
    routes_reports,
    routes_review_commands,
)
from service.api.docs import install_docs
from service.api.limits import RequestLimits
from service.api.nul_guard import NulGuard
from service.api.observability import ProjectionCollector, install_observability
from service.api.outage import Outage, install_outage_breaker
from service.api.problems import install_problem_handlers
from service.dashboard import install_dashboard
from service.services import open_services
from service.settings import Settings

DESCRIPTION = """The serious case review ledger: every decision an immutable event with who, when and why.

Authenticate with `Authorization: Bearer <token>` (`scr token issue`). Errors are
`application/problem+json` with a stable `code`. Commands answer `{"id", "version", "position"}`;
read with `?min_position=<position>` to see your own write. Send `If-Match: "<version>"` to refuse a
stale update and `Idempotency-Key` to retry safely."""


def create_app(settings: Settings) -> FastAPI:
    """The HTTP service; connections are opened when it starts serving, never at import."""

    @asynccontextmanager
    async def lifespan(api: FastAPI) -> AsyncIterator[None]:
        services = open_services(settings)
        api.state.services = services
        registry.register(ProjectionCollector(services.engine.status))
        if settings.runs_projections_in_process:
            services.engine.start_in_background()
        services.access_log.start()
        try:
            yield
        finally:
            services.access_log.stop()  # flushes what is still queued
            if settings.runs_projections_in_process:
                services.engine.stop()
            services.app.close()
            services.db.close()

    api = FastAPI(
        title="Serious case review ledger",
        version="1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # install_docs serves it from the installed assets
        redoc_url=None,
    )
    registry = CollectorRegistry()
    api.state.registry = registry
    api.state.outage = Outage()
    install_problem_handlers(api)
    api.add_middleware(NulGuard)
    # Limits inside the access log and the breaker (a refusal is logged with its request id), before any
    # route, body parsing or token check.
    api.add_middleware(
        RequestLimits,
        max_body_bytes=settings.max_body_bytes,
        max_header_bytes=settings.max_header_bytes,
        hsts_seconds=settings.hsts_seconds,
    )
    install_outage_breaker(api, api.state.outage)
    install_observability(api, registry)
    for module in (
        routes_ops,
        routes_review_commands,
        routes_action_commands,
        routes_reads,
        routes_audit,
        routes_learning,
        routes_reports,
        routes_records,
    ):
        api.include_router(module.router)
    install_dashboard(api)
    install_docs(api)
    return api


def app_from_environment() -> FastAPI:
    """The app with settings from SCR_* variables (the uvicorn factory of `scr serve`)."""
    return create_app(Settings())
