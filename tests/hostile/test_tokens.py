"""Bad tokens on every route: each gets a clean 401 problem, and no command records anything.

A token of another board is a good token: it gets 404 for the first board's records (never 403,
which would reveal they exist) and records nothing either."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest

from domain.values import Role
from tests.e2e.server import SECRET
from tests.hostile.conftest import Target, bearer, valid_body

PUBLIC = {"/healthz", "/readyz", "/metrics", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
CHAIR = {"sub": "chair@durham", "role": "board_chair", "board": "durham"}


def signed(claims: dict[str, Any], key: str = SECRET, algorithm: str = "HS256", **times: timedelta) -> str:
    """A JWT with iat now, exp in an hour, and `times` as offsets from now for any time claim."""
    now = datetime.now(UTC)
    stamped = {"iat": now, "exp": now + timedelta(hours=1), **{k: now + v for k, v in times.items()}, **claims}
    return jwt.encode(stamped, key, algorithm=algorithm)


def without(claim: str) -> str:
    now = datetime.now(UTC)
    claims = {"iat": now, "exp": now + timedelta(hours=1), **CHAIR}
    del claims[claim]
    return jwt.encode(claims, SECRET, algorithm="HS256")


BAD_TOKENS = {
    "expired": signed(CHAIR, exp=timedelta(seconds=-1)),
    "not yet valid": signed(CHAIR, nbf=timedelta(minutes=10)),
    "signed with another key": signed(CHAIR, key="another-secret-that-is-also-long-enough"),
    "alg none": jwt.encode({**CHAIR, "iat": 1, "exp": 9_999_999_999}, None, algorithm="none"),
    "HS512 with the right key": signed(CHAIR, algorithm="HS512"),
    "without sub": without("sub"),
    "without role": without("role"),
    "without exp": without("exp"),
    "without iat": without("iat"),
    "a board role without its board": without("board"),
    "an admin naming a board": signed({**CHAIR, "role": "admin"}),
    "the internal system role": signed({**CHAIR, "role": "system"}),
    "a tampered payload": signed(CHAIR).rsplit(".", 2)[0][:-2] + "xx." + signed(CHAIR).rsplit(".", 1)[1],
    "garbage": "not.a.token",
    "empty": "",
}


def calls(target: Target, *, documented: bool = True) -> list[tuple[str, str, dict[str, Any] | None]]:
    """Every non-public route as (method, filled path, body) with a valid body for commands."""
    found: list[tuple[str, str, dict[str, Any] | None]] = []
    for method in ("GET", "POST"):
        for path in target.paths(method, documented=documented):
            if path not in PUBLIC:
                found.append((method, target.fill(path), valid_body(path) if method == "POST" else None))
    return found


@pytest.mark.parametrize("name", BAD_TOKENS)
def test_a_bad_token_on_any_route_gets_401_problem_json_and_records_nothing(target: Target, name: str) -> None:
    head = target.head()
    headers = {"Authorization": f"Bearer {BAD_TOKENS[name]}"}
    answers = {
        (method, path): target.client.request(method, path, json=payload, headers=headers)
        for method, path, payload in calls(target)
    }

    wrong = {key: (r.status_code, r.text[:200]) for key, r in answers.items() if r.status_code != 401}
    assert len(answers) > 40  # every route of API.md: a change in how routes are listed cannot empty this
    assert wrong == {}
    assert all(r.headers["content-type"] == "application/problem+json" for r in answers.values())
    assert all(r.json()["code"] == "unauthenticated" for r in answers.values())
    assert target.head() == head


@pytest.mark.parametrize("name", ["alg none", "expired", "signed with another key"])
def test_a_bad_token_on_a_browser_page_shows_no_record_and_records_nothing(target: Target, name: str) -> None:
    # The dashboard's pages sign in by their own means; a bearer token must not open them either.
    head = target.head()
    headers = {"Authorization": f"Bearer {BAD_TOKENS[name]}"}
    answers = {
        (method, path): target.client.request(method, path, data=payload, headers=headers, follow_redirects=False)
        for method, path, payload in calls(target, documented=False)
    }
    assert {key: r.status_code for key, r in answers.items() if r.status_code >= 500} == {}
    shown = {key for key, r in answers.items() if "HOSTILE-1" in r.text or "Zebedee" in r.text}
    assert shown == set()
    assert target.head() == head


def test_a_request_without_any_token_gets_401_on_every_route_and_records_nothing(target: Target) -> None:
    head = target.head()
    answers = {(m, p): target.client.request(m, p, json=b).status_code for m, p, b in calls(target)}
    assert {key: status for key, status in answers.items() if status != 401} == {}
    assert target.head() == head


@pytest.mark.parametrize("role", [Role.BOARD_CHAIR, Role.BOARD_MANAGER, Role.AUDITOR])
def test_a_good_token_of_another_board_finds_nothing_of_this_board_and_records_nothing(
    target: Target, role: Role
) -> None:
    head = target.head()
    headers = bearer(role, board="coventry")
    answers = {
        (method, path): target.client.request(method, path, json=payload, headers=headers)
        for method, path, payload in calls(target)
        if target.ids["review_id"] in path or target.ids["action_id"] in path
    }

    assert answers
    assert {key: r.status_code for key, r in answers.items() if r.status_code not in (403, 404)} == {}
    # 403 only where the role may never do this at all; otherwise 404, so a record's existence never leaks.
    leaked = {key for key, r in answers.items() if r.status_code == 403 and "another board" in r.text}
    assert leaked == set()
    assert "Zebedee" not in "".join(r.text for r in answers.values())
    assert target.head() == head
