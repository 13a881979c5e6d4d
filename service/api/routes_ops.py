"""Liveness, readiness and Prometheus metrics for operators and orchestrators."""

from __future__ import annotations

import hmac
import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from domain.values import Role
from service.api.deps import _actor, _bearer
from service.api.problems import ApiProblem, problem_responses
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


def _metrics_reader(
    request: Request,
    services: Services,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """The dedicated metrics token (SCR_METRICS_TOKEN), else an admin's bearer token: per-route counts
    span every board, and positions give the log's size, so no other role reads them."""
    wanted = services.settings.metrics_token
    given = credentials.credentials if credentials is not None else ""
    if wanted is not None and hmac.compare_digest(given.encode(), wanted.get_secret_value().encode()):
        return
    actor = _actor(request, services, credentials)
    if actor.role is not Role.ADMIN:
        raise ApiProblem(403, "forbidden", "only an admin or the metrics token may read the metrics")


MetricsReader = Annotated[None, Depends(_metrics_reader)]


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={
        200: {"description": "Prometheus text format", "content": {CONTENT_TYPE_LATEST: {}}},
        **problem_responses(401, 403),
    },
)
def metrics(request: Request, _reader: MetricsReader) -> Response:
    """Request counts and latencies by route, projection positions and lag (the metrics token or an admin's)."""
    return Response(generate_latest(request.app.state.registry), media_type=CONTENT_TYPE_LATEST)
