"""Request ids, structured JSON logs and Prometheus metrics for every request."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Iterator
from typing import Any
from uuid import uuid4

from fastapi import FastAPI
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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
    app.add_middleware(Observability, registry=registry)


class Observability:
    """Pure ASGI middleware (no BaseHTTPMiddleware: no second task and body stream per request): the request
    id in `scope["state"]` (request.state.request_id), X-Request-ID on the answer, metrics and the access log.

    The route and the user are read after the answer, from the scope the router and authentication filled in.
    An error no handler answered propagates as before (the server's error handler answers and logs it)."""

    def __init__(self, app: ASGIApp, *, registry: CollectorRegistry) -> None:
        self.app = app
        self.requests = Counter(
            "scr_http_requests", "HTTP requests answered", ["method", "route", "status"], registry=registry
        )
        self.latency = Histogram(
            "scr_http_request_seconds", "HTTP request latency", ["method", "route"], registry=registry
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get("x-request-id", "")
        request_id = given if _SAFE_REQUEST_ID.match(given) else str(uuid4())
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = request_id
            await send(message)

        await self.app(scope, receive, send_with_id)
        elapsed = time.perf_counter() - started
        method, path = scope["method"], scope["path"]
        route = getattr(scope.get("route"), "path", "unmatched")
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(elapsed)
        log.info(
            "%s %s %s",
            method,
            path,
            status,
            extra={
                "request_id": request_id,
                "method": method,
                "path": path,
                "status": status,
                "duration_ms": round(elapsed * 1000, 2),
                "user": state.get("user"),
            },
        )
