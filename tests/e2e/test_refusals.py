"""Every refusal path over real HTTP: its status, its problem+json code, the fields named, nothing recorded."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest

from domain.values import Role
from tests.e2e.bodies import body, notification
from tests.e2e.server import SECRET, Client, Server, token


@dataclass
class Reviews:
    server: Server
    blocked: str  # publication decided, a blocking hold active
    notified: str  # just notified
    version: dict[str, int] = field(default_factory=dict)


@pytest.fixture(scope="module")
def reviews(server: Server) -> Reviews:
    manager, chair = server.client(Role.BOARD_MANAGER), server.client(Role.BOARD_CHAIR)
    blocked = manager.ok("/reviews", notification("REF-1"))["id"]
    r = f"/reviews/{blocked}"
    chair.ok(r + "/initiation-decision", body("initiation-decision"))
    for path, name in [
        ("terms-of-reference", "terms-of-reference"),
        ("reviewers", "reviewers"),
        ("legal-holds", "legal-holds"),
        ("report/draft", "draft"),
    ]:
        manager.ok(f"{r}/{path}", body(name))
    chair.ok(r + "/report/accept", body("accept"))
    chair.ok(r + "/publication-decision", body("publication-decision"))
    manager.ok(r + "/risk-assessment", body("risk-assessment"))
    notified = manager.ok("/reviews", notification("REF-2"))["id"]
    found = Reviews(server, blocked, notified)
    found.version = versions(found)
    return found


def versions(reviews: Reviews) -> dict[str, int]:
    """Each review's version as the application knows it (not a projection, which could lag)."""
    client = reviews.server.client(Role.BOARD_MANAGER)
    return {rid: _version(client, rid) for rid in (reviews.blocked, reviews.notified)}


def _version(client: Client, review_id: str) -> int:
    # Version 0 never exists, so this stale command is refused, naming the version the review is at.
    answer = client.post(f"/reviews/{review_id}/staff-time", json=body("staff-time"), headers={"If-Match": '"0"'})
    assert answer.status_code == 412
    return int(answer.json()["detail"].rsplit(" ", 1)[-1])


@dataclass(frozen=True)
class Refusal:
    name: str
    role: Role | None
    method: str
    path: str
    status: int
    code: str
    json: dict[str, Any] | None = None
    fields: tuple[str, ...] = ()
    board: str = "durham"
    headers: dict[str, str] = field(default_factory=dict)


B, N = "{blocked}", "{notified}"
REFUSALS = [
    Refusal(
        "a manager deciding initiation",
        Role.BOARD_MANAGER,
        "POST",
        f"/reviews/{N}/initiation-decision",
        403,
        "forbidden",
        body("initiation-decision"),
    ),
    Refusal(
        "another board's review",
        Role.BOARD_MANAGER,
        "POST",
        f"/reviews/{N}/staff-time",
        404,
        "not_found",
        body("staff-time"),
        board="york",
    ),
    Refusal("another board's review read", Role.AUDITOR, "GET", f"/reviews/{N}", 404, "not_found", board="york"),
    Refusal("an unknown route", Role.BOARD_MANAGER, "GET", "/no-such-thing", 404, "not_found"),
    Refusal(
        "an unknown review",
        Role.BOARD_CHAIR,
        "POST",
        "/reviews/00000000-0000-0000-0000-000000000001/close",
        404,
        "not_found",
        body("close"),
    ),
    Refusal("a GET on a command", Role.BOARD_MANAGER, "GET", f"/reviews/{N}/publish", 405, "method_not_allowed"),
    Refusal(
        "missing and malformed fields",
        Role.BOARD_MANAGER,
        "POST",
        "/reviews",
        422,
        "validation_error",
        {
            **notification("REF-3"),
            "child": None,
            "incident": {**notification("x")["incident"], "occurred_on": "31/12/2016"},
        },
        fields=("child", "incident.occurred_on"),
    ),
    Refusal(
        "an unknown field",
        Role.BOARD_MANAGER,
        "POST",
        f"/reviews/{N}/staff-time",
        422,
        "validation_error",
        body("staff-time", minutes=30),
        fields=("minutes",),
    ),
    Refusal(
        "a bad enum value",
        Role.BOARD_MANAGER,
        "POST",
        f"/reviews/{N}/legal-holds",
        422,
        "validation_error",
        body("legal-holds", kind="gossip"),
        fields=("kind",),
    ),
    Refusal(
        "a malformed id in the path",
        Role.BOARD_MANAGER,
        "POST",
        "/reviews/not-a-uuid/close",
        422,
        "validation_error",
        body("close"),
        fields=("path.review_id",),
    ),
    Refusal(
        "a malformed If-Match",
        Role.BOARD_MANAGER,
        "POST",
        f"/reviews/{N}/staff-time",
        422,
        "validation_error",
        body("staff-time"),
        fields=("If-Match",),
        headers={"If-Match": "yesterday"},
    ),
    Refusal(
        "a date in the future",
        Role.BOARD_MANAGER,
        "POST",
        f"/reviews/{N}/staff-time",
        422,
        "date_in_future",
        body("staff-time", on="2999-01-01"),
        fields=("on",),
    ),
    Refusal(
        "a blank rationale",
        Role.BOARD_CHAIR,
        "POST",
        f"/reviews/{N}/close",
        422,
        "rationale_required",
        body("close", reason="   "),
        fields=("reason",),
    ),
    Refusal(
        "dates in an impossible order",
        Role.BOARD_MANAGER,
        "POST",
        "/reviews",
        422,
        "date_order",
        {**notification("REF-4"), "notified_on": "2016-02-01"},
        fields=("notified_on",),
    ),
    Refusal(
        "a reviewer commissioned after acceptance",
        Role.BOARD_MANAGER,
        "POST",
        f"/reviews/{B}/reviewers",
        409,
        "invalid_transition",
        body("reviewers"),
    ),
    Refusal(
        "the report accepted before initiation",
        Role.BOARD_CHAIR,
        "POST",
        f"/reviews/{N}/report/accept",
        409,
        "invalid_transition",
        body("accept"),
    ),
    Refusal(
        "publication before a decision",
        Role.BOARD_MANAGER,
        "POST",
        f"/reviews/{N}/publish",
        409,
        "publication_not_decided",
        body("publish"),
    ),
    Refusal(
        "a rapid review in an SCR",
        Role.BOARD_MANAGER,
        "POST",
        f"/reviews/{N}/rapid-review",
        409,
        "not_applicable_to_regime",
        body("rapid-review"),
    ),
    Refusal(
        "publication under a blocking hold",
        Role.BOARD_MANAGER,
        "POST",
        f"/reviews/{B}/publish",
        409,
        "legal_hold_active",
        body("publish"),
    ),
    Refusal(
        "the same case notified twice", Role.BOARD_MANAGER, "POST", "/reviews", 409, "duplicate", notification("REF-2")
    ),
    Refusal(
        "a stale If-Match",
        Role.BOARD_MANAGER,
        "POST",
        f"/reviews/{N}/staff-time",
        412,
        "version_conflict",
        body("staff-time"),
        headers={"If-Match": '"1000"'},
    ),
    Refusal(
        "a reversal of nothing",
        Role.BOARD_MANAGER,
        "POST",
        f"/reviews/{N}/costs",
        422,
        "unknown_reference",
        body("costs", entry="reversal", reverses=999_999),
        fields=("reverses",),
    ),
]


def send(reviews: Reviews, refusal: Refusal, client: Client) -> Any:
    path = refusal.path.format(blocked=reviews.blocked, notified=reviews.notified)
    return client.request(refusal.method, path, json=refusal.json, headers=refusal.headers)


@pytest.mark.parametrize("refusal", REFUSALS, ids=lambda r: r.name)
def test_a_refused_request_answers_its_status_and_code_as_problem_json_and_records_nothing(
    reviews: Reviews, refusal: Refusal
) -> None:
    response = send(reviews, refusal, reviews.server.client(refusal.role, refusal.board))
    problem = response.json()
    assert (response.status_code, problem["code"]) == (refusal.status, refusal.code), problem
    assert response.headers["content-type"] == "application/problem+json"
    assert problem["status"] == refusal.status
    assert problem["type"].endswith(problem["code"])
    assert problem["title"]
    assert problem["detail"]
    assert problem["request_id"] == response.headers["X-Request-ID"]
    assert {e["field"] for e in problem.get("errors", [])} >= set(refusal.fields)
    assert "Traceback" not in response.text
    assert versions(reviews) == reviews.version


def _token(claims: dict[str, Any], key: str = SECRET, algorithm: str = "HS256") -> str:
    now = datetime.now(UTC)
    return jwt.encode({"iat": now, "exp": now + timedelta(hours=1), **claims}, key, algorithm=algorithm)


MANAGER = {"sub": "m", "role": "board_manager", "board": "durham"}
BAD_TOKENS = {
    "no token": None,
    "not a JWT": "not-a-token",
    "unsigned (alg none)": jwt.encode({**MANAGER, "exp": 9_999_999_999, "iat": 1}, None, algorithm="none"),
    "signed with another key": _token(MANAGER, key="another-secret-of-sufficient-length-32b"),
    "expired": _token({**MANAGER, "exp": datetime.now(UTC) - timedelta(minutes=1)}),
    "not yet valid": _token({**MANAGER, "nbf": datetime.now(UTC) + timedelta(hours=1)}),
    "without a role": _token({"sub": "m", "board": "durham"}),
    "with an unknown role": _token({**MANAGER, "role": "superuser"}),
    "a board role without a board": _token({"sub": "m", "role": "board_manager"}),
    "an agency lead without an agency": _token({"sub": "m", "role": "agency_lead", "board": "durham"}),
    "the internal system role": _token({"sub": "m", "role": "system"}),
}


@pytest.mark.parametrize("name", BAD_TOKENS)
def test_a_missing_or_bad_token_is_refused_with_401_and_records_nothing(reviews: Reviews, name: str) -> None:
    bad = BAD_TOKENS[name]
    headers = {"Authorization": f"Bearer {bad}"} if bad else {}
    client = reviews.server.client()
    response = client.post(f"/reviews/{reviews.notified}/staff-time", json=body("staff-time"), headers=headers)
    assert (response.status_code, response.json()["code"]) == (401, "unauthenticated")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/reviews", headers=headers).status_code == 401
    assert versions(reviews) == reviews.version


def test_a_valid_token_is_accepted_where_the_bad_ones_were_not(reviews: Reviews) -> None:
    client = reviews.server.client()
    response = client.get("/reviews", headers={"Authorization": f"Bearer {token(Role.BOARD_MANAGER)}"})
    assert response.status_code == 200
