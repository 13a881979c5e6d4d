"""Limits enforced before authentication, waits that cannot starve reads, and what is exposed (issue 14).

Through the whole ASGI stack on SQLite and PostgreSQL (the `target` fixture), and through a real uvicorn
process where the HTTP server itself is the subject (a trickling client, a chunked body, a huge header)."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from domain.values import Role
from service.app import create_app
from tests.e2e.server import Server
from tests.hostile.conftest import Target, bearer, settings_for

MIB = 1024 * 1024


def test_a_body_over_the_limit_is_refused_413_before_the_token_is_looked_at(target: Target) -> None:
    head = target.head()
    refused = target.client.post("/reviews", content=b"x" * (MIB + 1), headers={"Content-Type": "application/json"})
    assert refused.status_code == 413
    assert refused.json()["code"] == "body_too_large"
    assert target.head() == head


def test_a_header_over_the_limit_is_refused_431_before_the_token_is_checked(target: Target) -> None:
    refused = target.client.get("/reviews", headers={"Authorization": "Bearer " + "a" * 10_000})
    assert refused.status_code == 431
    assert refused.json()["code"] == "header_too_large"


def test_a_min_position_past_the_head_is_answered_at_once_and_never_waited_for(target: Target) -> None:
    refused = target.client.get(
        "/reviews", params={"min_position": target.head() + 1_000_000}, headers=bearer(Role.BOARD_CHAIR)
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "min_position_beyond_log"


def test_sixty_far_future_waits_leave_normal_reads_answering(target: Target) -> None:
    far = target.head() + 10**9
    chair = bearer(Role.BOARD_CHAIR)

    def far_read(_: int) -> int:
        return target.client.get("/reviews", params={"min_position": far}, headers=chair).status_code

    with ThreadPoolExecutor(max_workers=60) as pool:
        waits = pool.map(far_read, range(60))
        normal = target.client.get("/reviews", headers=chair)
        assert normal.status_code == 200
        assert set(waits) == {422}


def test_api_json_is_never_cached_and_hsts_is_sent_over_tls_only(target: Target) -> None:
    plain = target.client.get("/reviews", headers=bearer(Role.BOARD_CHAIR))
    assert plain.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in plain.headers
    secure = target.client.get("https://testserver/reviews", headers=bearer(Role.BOARD_CHAIR))
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")
    problem = target.client.get("/reviews")
    assert problem.headers["Cache-Control"] == "no-store"


def test_metrics_need_an_admin_token(target: Target) -> None:
    assert target.client.get("/metrics").status_code == 401
    assert target.client.get("/metrics", headers=bearer(Role.BOARD_CHAIR)).status_code == 403
    assert target.client.get("/metrics", headers=bearer(Role.ADMIN, None)).status_code == 200


def test_docs_load_swagger_ui_from_the_installed_package_not_a_cdn(target: Target) -> None:
    page = target.client.get("/docs")
    assert page.status_code == 200
    assert "cdn" not in page.text.lower()
    assert "/docs/assets/swagger-ui-bundle.js" in page.text
    script = target.client.get("/docs/assets/swagger-ui-bundle.js")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.text
    assert target.client.get("/redoc").status_code == 404


@pytest.fixture(scope="module")
def metrics_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    directory = tmp_path_factory.mktemp("metrics")
    settings = settings_for(f"sqlite:///{directory / 'scr.sqlite3'}", directory)
    api = create_app(settings.model_copy(update={"metrics_token": SecretStr("m" * 40)}))
    with TestClient(api) as client:
        yield client


def test_the_dedicated_metrics_token_reads_the_metrics_and_nothing_else(metrics_app: TestClient) -> None:
    token = {"Authorization": "Bearer " + "m" * 40}
    assert metrics_app.get("/metrics", headers=token).status_code == 200
    assert metrics_app.get("/metrics", headers={"Authorization": "Bearer " + "m" * 39}).status_code == 401
    assert metrics_app.get("/reviews", headers=token).status_code == 401


# ---- the real HTTP server ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    directory: Path = tmp_path_factory.mktemp("limits-server")
    running = Server(f"sqlite:///{directory / 'scr.sqlite3'}", directory)
    running.env["SCR_HEADER_TIMEOUT_SECONDS"] = "2"
    running.start()
    yield running
    running.stop()


def _connect(server: Server) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    sock.settimeout(10)
    return sock


def _answer(sock: socket.socket) -> bytes:
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except (ConnectionResetError, TimeoutError):
        pass
    return data


def test_a_client_trickling_its_headers_is_cut_off_within_the_header_timeout(server: Server) -> None:
    with _connect(server) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        answer = b""
        while time.monotonic() - started < 15:
            try:
                sock.sendall(b"X-Slow: a\r\n")
            except OSError:
                break
            time.sleep(0.5)
            sock.setblocking(False)
            try:
                answer += sock.recv(65536)
            except BlockingIOError:
                pass
            except OSError:
                break
            finally:
                sock.setblocking(True)
            if answer:
                break
    assert answer.startswith(b"HTTP/1.1 408"), answer[:100]
    assert time.monotonic() - started < 10


def test_a_chunked_body_over_the_limit_is_refused_without_reading_the_rest(server: Server) -> None:
    with _connect(server) as sock:
        sock.sendall(
            b"POST /reviews HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        chunk = b"%x\r\n%s\r\n" % (65536, b"x" * 65536)
        sent = 0
        answer = b""
        sock.setblocking(False)
        while sent < 100 * MIB and not answer:
            try:
                sock.sendall(chunk)
                sent += 65536
            except BlockingIOError:
                time.sleep(0.01)
            except OSError:
                break
            try:
                answer += sock.recv(65536)
            except BlockingIOError:
                pass
            except OSError:
                break
        sock.setblocking(True)
        answer += _answer(sock) if not answer else b""
    assert b" 413 " in answer.split(b"\r\n", 1)[0], answer[:200]
    assert sent < 10 * MIB  # the server answered long before the 100 MiB were sent


def test_a_ten_megabyte_header_is_refused_by_the_server_before_it_is_buffered(server: Server) -> None:
    with _connect(server) as sock:
        sock.sendall(b"GET /reviews HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ")
        sent = 0
        try:
            while sent < 10 * MIB:
                sock.sendall(b"a" * 65536)
                sent += 65536
        except OSError:
            pass
        answer = _answer(sock)
    assert answer.startswith(b"HTTP/1.1 431"), answer[:100]
    assert sent < 10 * MIB
