"""Every route, called by every role on its own board and on another board: the status of each cell.

The expectations come from one table written from API.md's conventions, not from the code's own
permission tables, so a wrong entry in either shows up as a differing cell."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from domain.values import Role
from tests.e2e.bodies import body, notification
from tests.e2e.server import Client, Server

M, C, L, A, P, ADM = "board_manager", "board_chair", "agency_lead", "auditor", "national_panel", "admin"
STAFF = {M, C}
# The log's checkpoints and proofs hold hashes only: any authenticated caller may check them.
EVERYONE = {M, C, L, A, P, ADM}
OWN, OTHER = "durham", "york"
STALE = {"If-Match": '"999"'}  # permitted commands reach the version check and are refused there: nothing recorded


@dataclass(frozen=True)
class Route:
    """A route, who may call it (API.md), and what a permitted caller gets on its own and another board."""

    method: str
    path: str
    roles: frozenset[str]
    own: int
    other: int
    body: str | None = None
    query: str = ""


def command(path: str, roles: set[str], name: str, own: int = 412, other: int = 404) -> Route:
    return Route("POST", path, frozenset(roles), own, other, name)


def read(path: str, roles: set[str], other: int = 404, query: str = "") -> Route:
    return Route("GET", path, frozenset(roles), 200, other, query=query)


R, ACT = "/reviews/{review_id}", "/learning-actions/{action_id}"
ROUTES = [
    command("/boards", {ADM}, "boards", own=409, other=409),
    command("/boards/{board_id}/contributions", {ADM}, "contributions", own=200, other=200),
    command("/reviews", STAFF, "reviews", own=409),
    command(R + "/rapid-review", STAFF, "rapid-review"),
    command(R + "/initiation-decision", {C}, "initiation-decision"),
    command(R + "/panel-notifications", STAFF, "panel-notifications"),
    command(R + "/panel-advice", STAFF | {P}, "panel-advice"),
    command(R + "/terms-of-reference", STAFF, "terms-of-reference"),
    command(R + "/reviewers", STAFF, "reviewers"),
    command(R + "/agency-reports", STAFF, "agency-reports"),
    command(R + "/agency-reports/{report_id}/received", STAFF, "received"),
    command(R + "/agency-reports/{report_id}/declined", STAFF, "declined"),
    command(R + "/legal-holds", STAFF, "legal-holds"),
    command(R + "/legal-holds/{hold_id}/lift", STAFF, "lift"),
    command(R + "/costs", STAFF, "costs"),
    command(R + "/staff-time", STAFF, "staff-time"),
    command(R + "/report/draft", STAFF, "draft"),
    command(R + "/report/accept", {C}, "accept"),
    command(R + "/recommendations", STAFF, "recommendations"),
    command(R + "/publication-decision", {C}, "publication-decision"),
    command(R + "/risk-assessment", STAFF, "risk-assessment"),
    command(R + "/publication-override", {C}, "publication-override"),
    command(R + "/pre-publication-copies", STAFF, "pre-publication-copies"),
    command(R + "/publish", STAFF, "publish"),
    command(R + "/corrections", STAFF, "corrections"),
    command(R + "/close", {C}, "close"),
    command(R + "/reopen", {C}, "reopen"),
    # DOMAIN.md section 8 (issue 11)
    command(R + "/initiation-reconsidered", {C}, "initiation-reconsidered"),
    command(R + "/report/revisions", STAFF, "revisions"),
    command(R + "/withdraw", {C}, "withdraw"),
    command(R + "/republish", STAFF, "republish"),
    command(R + "/nspcc-deposit", STAFF, "nspcc-deposit"),
    command(R + "/evaluations", STAFF, "evaluations"),
    command(R + "/links", STAFF, "links"),
    command(R + "/extensions", {C}, "extensions"),
    # DOMAIN.md section 9 (issue 12)
    command(R + "/themes", STAFF, "themes"),
    command(R + "/findings", STAFF, "findings"),
    command(R + "/dissemination", STAFF, "dissemination"),
    command(R + "/monitoring", STAFF, "monitoring"),
    # Records management (issue 13): redactions by board staff; the family-impact check, the retention class
    # and disposal by the chair; inquiry holds by the admin (the register's version is checked: 412)
    command(R + "/redactions", STAFF, "redactions"),
    command(R + "/family-impact-check", {C}, "family-impact-check"),
    command(R + "/retention", {C}, "retention"),
    command(R + "/dispose", {C}, "dispose"),
    command("/inquiry-holds", {ADM}, "inquiry-holds"),
    command("/inquiry-holds/{hold_id}/lift", {ADM}, "inquiry-lift"),
    # A board's calendar feed tokens: its own staff only, another board's are forbidden (no event recorded;
    # an unknown token to revoke is not found)
    Route("POST", "/boards/{board_id}/feed-tokens", frozenset(STAFF), 201, 403, "feed-tokens"),
    Route("POST", "/boards/{board_id}/feed-tokens/{token_id}/revoke", frozenset(STAFF), 404, 403, "revoke"),
    # Verifying against checkpoints the caller holds (issue 14): records nothing
    Route("POST", "/audit/verify", frozenset({A, ADM}), 200, 200, "audit-verify"),
    # An unknown recommendation: a permitted caller is refused after the checks of role and board.
    command("/learning-actions", STAFF, "learning-actions", own=422),
    command(ACT + "/progress", STAFF | {L}, "progress"),
    command(ACT + "/evidence", STAFF | {L}, "evidence"),
    command(ACT + "/target", STAFF, "target"),
    command(ACT + "/complete", {L}, "complete"),
    command(ACT + "/assure", STAFF, "assure"),
    command(ACT + "/reopen", STAFF, "reopen"),
    read("/reviews", STAFF | {A, P}, other=200),
    read(R, STAFF | {A, P}),
    read(R, {C, A}, query="as_of=2030-01-01T00:00:00Z"),
    read(R + "/timeliness", STAFF | {A, P}),
    read("/timeliness", STAFF | {A, P}, other=200),
    read("/ledger/reviews/{review_id}", STAFF | {A}),
    read("/ledger/boards/{board_id}", STAFF | {A, ADM}, other=403, query="financial_year=2016-17"),
    read("/learning-actions", STAFF | {A, L, P}, other=200),
    read(ACT, STAFF | {A, L, P}),
    read(R + "/history", {C, A}),
    read("/audit/verify", {A, ADM}, other=200),
    # Who read what (issue 13): another board's auditor sees its own board's entries, never this board's
    read("/audit/access", {A, ADM}, other=200),
    read("/audit/checkpoints/latest", EVERYONE, other=200),
    read("/audit/checkpoints/{size}", EVERYONE, other=200),
    read("/audit/proofs/inclusion", EVERYONE, other=200, query="position=1"),
    read("/audit/proofs/consistency", EVERYONE, other=200, query="from={size}&to={size}"),
    read("/themes", EVERYONE, other=200),
    read("/search", STAFF | {A, P}, other=200, query="q=father"),
    read("/dissemination", STAFF | {A, P}, other=200),
    read(R + "/dissemination", STAFF | {A, P}),
    read(R + "/monitoring", STAFF | {A, P}),
    read("/statistics/notifications", STAFF | {A, P, ADM}, other=200, query="reporting_year=2016-17"),
    read("/boards/{board_id}/annual-report", STAFF | {A, P}, other=403, query="year=2016-17"),
    read("/boards/{board_id}/feed-tokens", STAFF, other=403),
    read("/retention-classes", EVERYONE, other=200),
    read("/inquiry-holds", {C, A, ADM}, other=200),
    # A calendar feed takes a feed token, never a bearer token: without one every caller is refused
    Route("GET", "/boards/{board_id}/calendar.ics", frozenset(EVERYONE), 401, 401),
]
# (role, board of the caller): every role on the board that owns the records; board roles also on another.
COLUMNS = [(role, OWN) for role in (M, C, L, A, P, ADM)] + [(role, OTHER) for role in (M, C, L, A)]


def expected(route: Route, role: str, board: str) -> int:
    if role not in route.roles:
        return 403
    return route.other if board == OTHER else route.own


@dataclass
class Setting:
    server: Server
    ids: dict[str, Any]
    clients: dict[tuple[str, str], Client]


@pytest.fixture(scope="module")
def setting(server: Server) -> Setting:
    """Two boards; on the first, a review with an agency report, a hold, a recommendation and an action."""
    admin, manager = server.client(Role.ADMIN), server.client(Role.BOARD_MANAGER)
    admin.ok("/boards/durham/contributions", body("contributions", agency="health"))
    rid = manager.ok("/reviews", notification("MATRIX-1"))["id"]
    decision = server.client(Role.BOARD_CHAIR).ok(f"/reviews/{rid}/initiation-decision", body("initiation-decision"))
    report = manager.ok(f"/reviews/{rid}/agency-reports", body("agency-reports"))["report_id"]
    hold = manager.ok(f"/reviews/{rid}/legal-holds", body("legal-holds"))["hold_id"]
    manager.ok(f"/reviews/{rid}/recommendations", body("recommendations"))
    action = manager.ok("/learning-actions", body("learning-actions", review_id=rid))["action_id"]
    last = manager.ok(f"/reviews/{rid}/costs", body("costs"))
    manager.get("/reviews", params={"min_position": last["position"]}).raise_for_status()
    checkpoint = admin.get("/audit/checkpoints/latest")
    assert checkpoint.status_code == 200, checkpoint.text
    ids = {
        "size": checkpoint.json()["size"],
        "decision_position": decision["position"],
        "review_id": rid,
        "report_id": report,
        "hold_id": hold,
        "action_id": action,
        "board_id": OWN,
        "token_id": "ft_unknown",
        "checkpoint": checkpoint.json(),
    }
    clients = {(role, board): server.client(Role(role), board) for role, board in COLUMNS}
    return Setting(server, ids, clients)


def call(setting: Setting, route: Route, client: Client) -> int:
    path = route.path.format(**setting.ids) + (f"?{route.query.format(**setting.ids)}" if route.query else "")
    if route.method == "GET":
        return client.get(path).status_code
    if route.body == "audit-verify":  # the checkpoint the caller holds, not a command's body
        return client.post(path, json={"checkpoints": [setting.ids["checkpoint"]]}).status_code
    payload: dict[str, Any] = body(route.body or "")
    if route.body == "reviews":
        payload = {**notification("MATRIX-1"), "board_id": OWN}
    if route.body == "learning-actions":
        payload = body("learning-actions", review_id=setting.ids["review_id"], recommendation_ref="R9")
    if route.body == "corrections":
        payload = body("corrections", corrects_position=setting.ids["decision_position"])
    return client.post(path, json=payload, headers=STALE).status_code


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.path}{'?' + r.query if r.query else ''}")
def test_each_role_on_its_own_and_another_board_gets_the_status_api_md_implies(setting: Setting, route: Route) -> None:
    actual = {column: call(setting, route, client) for column, client in setting.clients.items()}
    wanted = {(role, board): expected(route, role, board) for role, board in COLUMNS}
    assert actual == wanted


def test_the_matrix_covers_every_route_the_service_offers(setting: Setting) -> None:
    paths = setting.server.client().get("/openapi.json").json()["paths"]
    offered = {(method.upper(), path) for path, methods in paths.items() for method in methods}
    operations = {("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/metrics")}
    assert offered - operations == {(route.method, route.path) for route in ROUTES}
