"""Liveness, readiness and Prometheus metrics for operators and orchestrators."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from service.api.schemas import Health, ProjectionState, Readiness
from service.services import Services

router = APIRouter(tags=["operations"])
log = logging.getLogger("scr.api")


@router.get("/healthz", summary="Liveness: the process answers", response_model=Health)
def healthz() -> Health:
    """Always ok while the process serves requests."""
    return Health(status="ok")


@router.get(
    "/readyz",
    summary="Readiness: database reachable, projections within the allowed lag",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "Not ready: the database or the projections"}},
)
def readyz(request: Request, services: Services) -> Response:
    """503 when the database is unreachable, a projection has stopped on an error or lags too far."""
    states = None if request.app.state.outage.ongoing() else _projection_states(services)
    limit = services.settings.ready_max_lag
    ready = states is not None and all(s.error is None and s.lag <= limit for s in states)
    body = Readiness(status="ready" if ready else "not_ready", database=states is not None, projections=states or [])
    if ready:
        return JSONResponse(body.model_dump())
    return JSONResponse(body.model_dump(), status_code=503, headers={"Retry-After": "5"})


def _projection_states(services: Services) -> list[ProjectionState] | None:
    """Each projection's position and lag, or None if the database cannot be reached."""
    try:
        return [
            ProjectionState(name=s.name, position=s.position, head=s.head, lag=s.lag, error=s.error)
            for s in services.engine.status()
        ]
    except Exception:  # any failure to reach the store means not ready
        log.warning("not ready: the database is unreachable", exc_info=True)
        return None


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"description": "Prometheus text format", "content": {CONTENT_TYPE_LATEST: {}}}},
)
def metrics(request: Request) -> Response:
    """Request counts and latencies by route, projection positions and lag."""
    return Response(generate_latest(request.app.state.registry), media_type=CONTENT_TYPE_LATEST)
