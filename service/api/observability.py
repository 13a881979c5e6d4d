"""Request ids, structured JSON logs and Prometheus metrics for every request."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any
from uuid import uuid4

from fastapi import FastAPI, Request, Response
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

log = logging.getLogger("scr.access")
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class JsonFormatter(logging.Formatter):
    """One JSON object per log line, with the request id and any extra fields given."""

    FIELDS = ("request_id", "method", "path", "status", "duration_ms", "user")

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({name: getattr(record, name) for name in self.FIELDS if hasattr(record, name)})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(level: str = "INFO") -> None:
    """Send every log line (ours and uvicorn's) to stderr as JSON."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # Our access log replaces uvicorn's, which has no request id.
    logging.getLogger("uvicorn.access").disabled = True


class ProjectionCollector(Collector):
    """Projection positions and lag, read from the engine at scrape time."""

    def __init__(self, status: Callable[[], list[Any]]) -> None:
        self._status = status

    def collect(self) -> Iterator[GaugeMetricFamily]:
        position = GaugeMetricFamily("scr_projection_position", "Last log position applied", labels=["projection"])
        lag = GaugeMetricFamily("scr_projection_lag", "Events not yet applied", labels=["projection"])
        for state in self._status():
            position.add_metric([state.name], state.position)
            lag.add_metric([state.name], state.lag)
        yield position
        yield lag


def install_observability(app: FastAPI, registry: CollectorRegistry) -> None:
    """Give every request an id (X-Request-ID), count it, time it and log it as one JSON line."""
    requests = Counter("scr_http_requests", "HTTP requests answered", ["method", "route", "status"], registry=registry)
    latency = Histogram("scr_http_request_seconds", "HTTP request latency", ["method", "route"], registry=registry)

    @app.middleware("http")
    async def observe(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        given = request.headers.get("x-request-id", "")
        request.state.request_id = given if _SAFE_REQUEST_ID.match(given) else str(uuid4())
        started = time.perf_counter()
        response = await call_next(request)
        elapsed = time.perf_counter() - started
        route = getattr(request.scope.get("route"), "path", "unmatched")
        requests.labels(request.method, route, str(response.status_code)).inc()
        latency.labels(request.method, route).observe(elapsed)
        response.headers["X-Request-ID"] = request.state.request_id
        log.info(
            "%s %s %s",
            request.method,
            request.url.path,
            response.status_code,
            extra={
                "request_id": request.state.request_id,
                "method": request.method,
                "path": request.url.path,
                "status": response.status_code,
                "duration_ms": round(elapsed * 1000, 2),
                "user": getattr(request.state, "user", None),
            },
        )
        return response
