"""Liveness, readiness and Prometheus metrics for operators and orchestrators."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from service.api.deps import Services
from service.api.schemas import Health, ProjectionState, Readiness

router = APIRouter(tags=["operations"])


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
def readyz(services: Services) -> Response:
    """503 when the database is unreachable, a projection has stopped on an error or lags too far."""
    try:
        with services.db.transaction() as cursor:
            cursor.execute("SELECT 1")
        states = [
            ProjectionState(name=s.name, position=s.position, head=s.head, lag=s.lag, error=s.error)
            for s in services.engine.status()
        ]
        database = True
    except Exception:  # any failure to reach the store means not ready; the reason is in the log
        states, database = [], False
    ready = database and all(s.error is None and s.lag <= services.settings.ready_max_lag for s in states)
    body = Readiness(status="ready" if ready else "not_ready", database=database, projections=states)
    if ready:
        return JSONResponse(body.model_dump())
    return JSONResponse(body.model_dump(), status_code=503, headers={"Retry-After": "5"})


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
def metrics(request: Request) -> Response:
    """Request counts and latencies by route, projection positions and lag."""
    return Response(generate_latest(request.app.state.registry), media_type=CONTENT_TYPE_LATEST)
