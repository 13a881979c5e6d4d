"""Limits and response headers enforced before anything else runs: no route, token check or body parsing
sees a request over the limits, and no over-long body is buffered.

- A body over `max_body_bytes` is answered 413 as soon as its Content-Length says so, or as soon as the
  bytes read pass the limit (a chunked body): the rest is never read into memory.
- A header value over `max_header_bytes` (an 8 KiB Authorization, say) is answered 431. The whole header
  section is also bounded, with a header timeout, in the HTTP protocol itself (service/cli/http_guard.py).
- API JSON answers carry `Cache-Control: no-store` (they hold case data; no shared or browser cache should
  keep them); every answer over TLS carries HSTS (the scheme is https directly, or through the trusted
  proxy's X-Forwarded-Proto once uvicorn's proxy headers are on)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.api.problems import problem_response


class RequestLimits:
    """Pure ASGI middleware: body and header size limits, Cache-Control and HSTS on the answers."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, max_header_bytes: int, hsts_seconds: int) -> None:
        self.app = app
        self.max_body = max_body_bytes
        self.max_header = max_header_bytes
        self.hsts = f"max-age={hsts_seconds}; includeSubDomains".encode() if hsts_seconds else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(scope)
        if refusal is not None:
            await self._refuse(scope, receive, self._headed(scope, send), *refusal)
            return
        received = 0
        started = refused = False
        headed = self._headed(scope, send)

        async def bounded_receive() -> Message:
            # Past the limit: answer 413 now and tell the app the client has gone (it stops reading; its
            # own answer is dropped). Reading on would buffer what the limit is there to refuse.
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body and not started:
                    refused = True
                    await self._refuse(scope, receive, headed, 413, "body_too_large", self._too_large())
                    return {"type": "http.disconnect"}
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if refused:
                return
            started = started or message["type"] == "http.response.start"
            await headed(message)

        await self.app(scope, bounded_receive, tracking_send)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, status: int, code: str, detail: str) -> None:
        """Answer a problem and close the connection (the client may still be sending)."""
        response = problem_response(Request(scope), status, code, detail, headers={"Connection": "close"})
        await response(scope, receive, send)

    def _refusal(self, scope: Scope) -> tuple[int, str, str] | None:
        """A request refused on its headers alone: one too long, or a declared body over the limit."""
        for name, value in scope["headers"]:
            if len(value) > self.max_header:
                header = name.decode("latin-1")
                return 431, "header_too_large", f"the {header} header is over {self.max_header} bytes"
            if name == b"content-length" and value.isdigit() and int(value) > self.max_body:
                return 413, "body_too_large", self._too_large()
        return None

    def _too_large(self) -> str:
        return f"the request body is over {self.max_body} bytes"

    def _headed(self, scope: Scope, send: Send) -> Send:
        """`send`, adding Cache-Control to API JSON and HSTS over TLS."""
        secure = scope.get("scheme") == "https"

        async def headed_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                content_type = next((v for n, v in headers if n.lower() == b"content-type"), b"")
                if b"json" in content_type and b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                if secure and self.hsts is not None:
                    headers.append((b"strict-transport-security", self.hsts))
                message = {**message, "headers": headers}
            await send(message)

        return headed_send
