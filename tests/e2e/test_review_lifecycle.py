"""A review from notification to closure over real HTTP, then read back from every read model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from domain.values import Role
from tests.e2e.bodies import body, notification
from tests.e2e.server import Server


@dataclass
class Recorded:
    review_id: str
    action_id: str
    last_position: int
    server: Server


@pytest.fixture(scope="module")
def recorded(server: Server) -> Recorded:
    """Every command of API.md sent once, by the role that records it, on one review."""
    admin, manager, chair = (
        server.client(Role.ADMIN),
        server.client(Role.BOARD_MANAGER),
        server.client(Role.BOARD_CHAIR),
    )
    lead, panel = server.client(Role.AGENCY_LEAD), server.client(Role.NATIONAL_PANEL)
    admin.ok("/boards/durham/contributions", body("contributions", financial_year="2015-16"))
    rid = manager.ok("/reviews", notification("LIFE-1"))["id"]
    r = f"/reviews/{rid}"
    decision = chair.ok(r + "/initiation-decision", body("initiation-decision"))
    manager.ok(r + "/panel-notifications", body("panel-notifications"))
    panel.ok(r + "/panel-advice", body("panel-advice"))
    manager.ok(r + "/terms-of-reference", body("terms-of-reference"))
    manager.ok(r + "/reviewers", body("reviewers"))
    police = manager.ok(r + "/agency-reports", body("agency-reports"))["report_id"]
    health = manager.ok(r + "/agency-reports", body("agency-reports", agency="health"))["report_id"]
    manager.ok(f"{r}/agency-reports/{police}/received", body("received"))
    manager.ok(f"{r}/agency-reports/{health}/declined", body("declined"))
    hold = manager.ok(r + "/legal-holds", body("legal-holds"))["hold_id"]
    invoice = manager.ok(r + "/costs", body("costs"))
    manager.ok(r + "/costs", body("costs", entry="reversal", reverses=invoice["position"], description="Wrong review"))
    manager.ok(r + "/costs", body("costs", entry="payment", amount_pence=300_000))
    manager.ok(r + "/staff-time", body("staff-time"))
    manager.ok(r + "/report/draft", body("draft"))
    manager.ok(r + "/recommendations", body("recommendations"))
    manager.ok(f"{r}/legal-holds/{hold}/lift", body("lift"))
    chair.ok(r + "/report/accept", body("accept"))
    chair.ok(r + "/publication-decision", body("publication-decision"))
    manager.ok(r + "/risk-assessment", body("risk-assessment"))
    manager.ok(r + "/redactions", body("redactions"))
    chair.ok(r + "/family-impact-check", body("family-impact-check"))
    manager.ok(r + "/pre-publication-copies", body("pre-publication-copies"))
    manager.ok(r + "/publish", body("publish"))
    # The initiation decision is the chair's: only the chair may correct it (a manager is refused, 403)
    chair.ok(r + "/corrections", body("corrections", corrects_position=decision["position"]))
    action = manager.ok("/learning-actions", body("learning-actions", review_id=rid))["action_id"]
    a = f"/learning-actions/{action}"
    lead.ok(a + "/progress", body("progress"))
    lead.ok(a + "/evidence", body("evidence"))
    manager.ok(a + "/target", body("target"))
    lead.ok(a + "/complete", body("complete"))
    manager.ok(a + "/assure", body("assure"))
    last = chair.ok(r + "/close", body("close"))
    return Recorded(rid, action, last["position"], server)


def read(recorded: Recorded, path: str, role: Role = Role.BOARD_MANAGER) -> Any:
    joiner = "&" if "?" in path else "?"
    response = recorded.server.client(role).get(f"{path}{joiner}min_position={recorded.last_position}")
    assert response.status_code == 200, response.text
    assert int(response.headers["X-Projection-Position"]) >= recorded.last_position
    return response.json()


def test_the_closed_review_reads_back_as_closed_with_its_version_as_etag(recorded: Recorded) -> None:
    response = recorded.server.client(Role.BOARD_MANAGER).get(
        f"/reviews/{recorded.review_id}", params={"min_position": recorded.last_position}
    )
    row = response.json()
    assert (row["stage"], row["published_on"], row["closed_on"]) == ("closed", "2016-11-15", "2017-11-15")
    assert response.headers["ETag"] == f'"{row["version"]}"'
    assert row["child_pseudonym"] == "Child Q"


def test_the_national_panel_reads_the_review_without_any_child_detail(recorded: Recorded) -> None:
    rows = read(recorded, "/reviews", Role.NATIONAL_PANEL)
    row = next(r for r in rows if r["review_id"] == recorded.review_id)
    assert row["stage"] == "closed"
    assert not [key for key in row if key.startswith("child_")]
    single = read(recorded, f"/reviews/{recorded.review_id}", Role.NATIONAL_PANEL)
    assert not [key for key in single if key.startswith("child_")]


def test_the_ledger_leaves_out_the_reversed_invoice_and_counts_the_payment(recorded: Recorded) -> None:
    ledger = read(recorded, f"/ledger/reviews/{recorded.review_id}")
    # The reviewer's contract is the commitment; the invoice and its reversal cancel out.
    assert ledger["totals"] == {"committed_pence": 900_000, "invoiced_pence": 0, "paid_pence": 300_000}
    recorded_here = [entry["entry"] for entry in ledger["entries"] if entry["entry"] != "commitment"]
    assert recorded_here == ["invoice", "reversal", "payment"]


def test_the_review_timeliness_names_every_rule_with_its_source(recorded: Recorded) -> None:
    rules = read(recorded, f"/reviews/{recorded.review_id}/timeliness")
    assert rules
    assert all(rule["rule"] and rule["source"] for rule in rules)


def test_the_learning_action_reads_as_assured_to_its_agency_lead(recorded: Recorded) -> None:
    rows = read(recorded, f"/learning-actions?review_id={recorded.review_id}", Role.AGENCY_LEAD)
    assert [(r["action_id"], r["status"]) for r in rows] == [(recorded.action_id, "assured")]


def test_the_board_ledger_shows_the_contribution_for_its_financial_year(recorded: Recorded) -> None:
    ledger = read(recorded, "/ledger/boards/durham?financial_year=2015-16")
    assert ledger["contributions"] == {"by_agency": {"police": 1_000_000}, "total_pence": 1_000_000}


def test_a_closed_review_can_be_reopened_by_the_chair(recorded: Recorded) -> None:
    chair = recorded.server.client(Role.BOARD_CHAIR)
    answer = chair.ok(f"/reviews/{recorded.review_id}/reopen", body("reopen"))
    row = chair.get(f"/reviews/{recorded.review_id}", params={"min_position": answer["position"]}).json()
    assert row["stage"] != "closed"
    assert row["version"] == answer["version"]
