"""uvicorn's HTTP protocol (httptools) with a header deadline and a bound on the header section.

uvicorn times out idle keep-alive connections (`timeout_keep_alive`) but not a request's headers: a
client trickling one header byte at a time holds a connection (and its memory) for as long as it likes,
and httptools accepts a header section of any size. Here a connection must finish each request's headers
within `SCR_HEADER_TIMEOUT_SECONDS` of its first byte (or of the connection) and keep them under
`SCR_MAX_HEADER_SECTION_BYTES`; else it is answered 408 or 431 and closed. A single over-long header
value is refused as problem+json by the app (service/api/limits.py)."""

from __future__ import annotations

import asyncio
from functools import cache
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from service.settings import Settings


@cache
def _limits() -> tuple[float, int]:
    """(header timeout, header section bytes) of this process's settings, read once when first needed."""
    settings = Settings()
    return settings.header_timeout_seconds, settings.max_header_section_bytes


def _plain(status: bytes, reason: str) -> bytes:
    return (
        b"HTTP/1.1 " + status + b"\r\ncontent-type: text/plain; charset=utf-8\r\nconnection: close\r\n"
        b"content-length: " + str(len(reason)).encode() + b"\r\n\r\n" + reason.encode()
    )


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """HttpToolsProtocol that bounds the time and the bytes a request's header section may take."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_timeout, self._max_header_bytes = _limits()
        self._in_headers = False
        self._header_bytes = 0
        self._header_timer: asyncio.TimerHandle | None = None
        self._refused = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_headers()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_header_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        if self._in_headers:
            self._header_bytes += len(data)
        super().data_received(data)
        # Checked after parsing, so body bytes read together with the headers' end never count; one read
        # (at most the transport's buffer) past the bound is all httptools ever holds.
        if self._in_headers and self._header_bytes > self._max_header_bytes and not self._refused:
            self._refuse(b"431 Request Header Fields Too Large", "the request's headers are too large")

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if not self._in_headers:
            self._start_headers()

    def on_headers_complete(self) -> None:
        self._in_headers = False
        self._stop_header_timer()
        super().on_headers_complete()

    def send_400_response(self, msg: str) -> None:
        if not self._refused:
            super().send_400_response(msg)

    def _start_headers(self) -> None:
        self._in_headers = True
        self._header_bytes = 0
        self._stop_header_timer()
        self._header_timer = self.loop.call_later(self._header_timeout, self._headers_timed_out)

    def _stop_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_timed_out(self) -> None:
        self._header_timer = None
        if self._in_headers and not self.transport.is_closing():
            self._refuse(b"408 Request Timeout", "the request's headers took too long")

    def _refuse(self, status: bytes, reason: str) -> None:
        self._refused = True
        self._stop_header_timer()
        self.transport.write(_plain(status, reason))
        self.transport.close()
