"""Dashboard sessions: sign-in by a form POST with a CSRF token, no token in a URL, sign-out revokes, Secure behind TLS.

Found: the sign-in link carried the bearer token in the URL; a GET signed a browser in as whoever the
link named (login CSRF); sign-out left the token valid; behind a TLS proxy the cookie never got Secure."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
import jwt
import pytest

from domain.values import Actor, Role
from service.dashboard.session import COOKIE
from service.sign_in_codes import create_code
from service.tokens import AUDIENCE, ISSUER
from tests.e2e.server import SECRET, Server, token
from tests.hostile.conftest import Target


def form_csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


@pytest.fixture
def browser(target: Target) -> httpx.Client:
    """A fresh cookie jar on the service (the test client shares one: clear it for each test)."""
    target.client.cookies.clear()
    return target.client


def sign_in(client: httpx.Client, pasted: str) -> httpx.Response:
    csrf = form_csrf(client.get("/dashboard/sign-in").text)
    return client.post("/dashboard/sign-in", data={"token": pasted, "csrf": csrf}, follow_redirects=False)


def test_a_token_in_the_sign_in_url_signs_no_one_in(browser: httpx.Client) -> None:
    answer = browser.get(f"/dashboard/sign-in?token={token(Role.BOARD_CHAIR)}", follow_redirects=False)
    assert answer.status_code == 200
    assert COOKIE not in answer.cookies
    assert browser.get("/dashboard", follow_redirects=False).status_code == 303


def test_a_sign_in_post_without_this_browsers_csrf_token_is_refused(browser: httpx.Client) -> None:
    refused_without = browser.post("/dashboard/sign-in", data={"token": token(Role.ADMIN)}, follow_redirects=False)
    # Login CSRF: a form token the attacker got on their own visit is useless with the victim's cookie.
    attacker_csrf = form_csrf(browser.get("/dashboard/sign-in").text)
    browser.cookies.clear()
    form_csrf(browser.get("/dashboard/sign-in").text)  # the victim's own visit: a nonce of its own
    refused_foreign = browser.post(
        "/dashboard/sign-in", data={"token": token(Role.ADMIN), "csrf": attacker_csrf}, follow_redirects=False
    )
    csrf = form_csrf(browser.get("/dashboard/sign-in").text)
    refused_origin = browser.post(
        "/dashboard/sign-in",
        data={"token": token(Role.ADMIN), "csrf": csrf},
        headers={"Origin": "https://attacker.example"},
        follow_redirects=False,
    )
    for answer in (refused_without, refused_foreign, refused_origin):
        assert answer.status_code == 403
        assert COOKIE not in answer.cookies


def test_signing_in_with_a_pasted_token_gives_a_session_token_of_its_own_and_sign_out_revokes_it(
    browser: httpx.Client,
) -> None:
    pasted = token(Role.BOARD_CHAIR)
    answer = sign_in(browser, pasted)
    assert answer.status_code == 303
    session = answer.cookies[COOKIE]
    assert session != pasted
    set_cookie = answer.headers.get_list("set-cookie")
    assert any("HttpOnly" in c and "SameSite=strict" in c and "Path=/dashboard" in c for c in set_cookie)
    assert browser.get("/dashboard").status_code == 200

    out = browser.post("/dashboard/sign-out", follow_redirects=False)
    assert out.status_code == 303

    # The session's token is refused everywhere now, even if it was copied before sign-out ...
    stolen = browser.get("/reviews", headers={"Authorization": f"Bearer {session}"})
    assert stolen.status_code == 401
    assert stolen.json()["detail"].endswith("the token has been revoked")
    browser.cookies.set(COOKIE, session, path="/dashboard")
    assert browser.get("/dashboard", follow_redirects=False).status_code == 303
    # ... and the token the user pasted still works for the API.
    assert browser.get("/reviews", headers={"Authorization": f"Bearer {pasted}"}).status_code == 200


def test_a_one_time_code_signs_in_once(browser: httpx.Client, target: Target) -> None:
    code = create_code(target.services.db, Actor(user="chair@durham", role=Role.BOARD_CHAIR, board="durham"))
    first = sign_in(browser, code)
    assert first.status_code == 303
    assert COOKIE in first.cookies
    browser.cookies.clear()
    again = sign_in(browser, code)
    assert again.status_code == 401
    assert COOKIE not in again.cookies


@pytest.mark.parametrize("board", ["durh\u0430m", 'durham"; filename="evil.exe'], ids=["cyrillic", "quote"])
def test_a_token_with_a_board_that_is_not_a_board_id_cannot_sign_in_or_reach_a_csv(
    browser: httpx.Client, board: str
) -> None:
    bad = _unchecked_token(board)
    assert sign_in(browser, bad).status_code == 401
    browser.cookies.set(COOKIE, bad, path="/dashboard")
    answer = browser.get("/dashboard/reviews/csv/reviews", follow_redirects=False)
    assert answer.status_code == 303  # to the sign-in form, never a 500 or a file with that name
    assert "content-disposition" not in answer.headers


def _unchecked_token(board: str) -> str:
    """A manager token for a board no board id can be (signed with the right key, as a careless issuer would)."""
    now = int(time.time())
    claims = {"sub": "m", "role": "board_manager", "board": board, "iss": ISSUER, "aud": AUDIENCE, "jti": "b" * 32}
    return jwt.encode({**claims, "iat": now, "exp": now + 600}, SECRET, algorithm="HS256")


def test_the_cookie_is_secure_behind_a_trusted_tls_proxy_and_the_header_is_ignored_from_anyone_else(
    tmp_path: Path,
) -> None:
    untrusted = Server(f"sqlite:///{tmp_path / 'a.sqlite3'}", tmp_path)
    trusted = Server(f"sqlite:///{tmp_path / 'b.sqlite3'}", tmp_path)
    trusted.env["SCR_TRUSTED_PROXIES"] = "127.0.0.1"
    found = {}
    for name, server in (("untrusted", untrusted), ("trusted", trusted)):
        server.start()
        try:
            with httpx.Client(base_url=server.base, headers={"X-Forwarded-Proto": "https"}) as client:
                page = client.get("/dashboard/sign-in")
                csrf = form_csrf(page.text)
                signed_in = client.post(
                    "/dashboard/sign-in", data={"token": token(Role.AUDITOR), "csrf": csrf}, follow_redirects=False
                )
                found[name] = page.headers.get_list("set-cookie") + signed_in.headers.get_list("set-cookie")
        finally:
            server.stop()
    assert found["trusted"]
    assert all("Secure" in cookie for cookie in found["trusted"])
    assert found["untrusted"]
    assert not any("Secure" in cookie for cookie in found["untrusted"])
