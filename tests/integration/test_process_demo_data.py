"""The demo data's findings of issue 11, through HTTP on SQLite and PostgreSQL: each reviewer's fee is committed once
(commissioning commits the contract value; the loader adds no second commitment), and the 2006-2012 public
timelines are recorded under their own regime, scr-2006, and judged by its two (unconfirmed) rules only.

Worked by hand (DOMAIN.md section 7; n/f dates as the loader chooses them): Khyra Ishaq notified Mon 19 May 2008,
initiated Fri 23 May: decision due 19 Jun 2008, met; completion due Sun 23 Nov 2008, accepted 10 May 2010, met
late. Daniel Pelka notified Mon 5 Mar 2012, initiated 20 Mar: completion due 20 Sep 2012, accepted 1 Aug 2013.
Bradford "HD" notified Tue 18 Jul 2006, initiated 10 Aug: completion due 10 Feb 2007, accepted 22 Nov 2007."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.values import Role
from service.app import create_app
from service.application import open_application
from service.cli.demo_data import load_demo
from tests.integration.test_api_service import bearer, settings_for

PANEL = bearer(Role.NATIONAL_PANEL)


@pytest.fixture
def demo(database_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, int]]:
    app = open_application(database_url)
    load_demo(app)
    head = app.recorder.max_notification_id()
    app.close()
    with TestClient(create_app(settings_for(database_url, tmp_path))) as client:
        yield client, head


def read(client: TestClient, head: int, path: str, headers: dict[str, str] = PANEL) -> Any:
    response = client.get(path, params={"min_position": head}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_each_reviewers_fee_is_committed_once(demo: tuple[TestClient, int]) -> None:
    client, head = demo
    for row in read(client, head, "/reviews"):
        ledger = read(client, head, f"/ledger/reviews/{row['review_id']}", bearer(Role.BOARD_MANAGER, row["board_id"]))
        commitments = [entry for entry in ledger["entries"] if entry["entry"] == "commitment"]
        # One commitment per reviewer commissioned (the demo's reviewers are lead reviewers), none twice
        assert len(commitments) == len(row["reviewers"]), (row["case_ref"], commitments)
        assert ledger["totals"]["committed_pence"] == sum(entry["amount_pence"] for entry in commitments)


@pytest.mark.parametrize(
    ("board", "case_ref", "complete_review"),
    [
        ("birmingham", "BSCB-2008-01", ("2008-05-23", "2008-11-23", "2010-05-10", "met_late")),
        ("coventry", "CLSCB-2012-01", ("2012-03-20", "2012-09-20", "2013-08-01", "met_late")),
        ("bradford", "BSCB-2006-HD", ("2006-08-10", "2007-02-10", "2007-11-22", "met_late")),
    ],
)
def test_the_public_timelines_before_2013_are_scr_2006_reviews_judged_by_its_rules(
    demo: tuple[TestClient, int], board: str, case_ref: str, complete_review: tuple[str, ...]
) -> None:
    client, head = demo
    (row,) = [r for r in read(client, head, "/reviews") if (r["board_id"], r["case_ref"]) == (board, case_ref)]
    assert row["regime"] == "scr-2006"
    rules = {rule["rule"]: rule for rule in read(client, head, f"/reviews/{row['review_id']}/timeliness")}
    assert list(rules) == ["initiation_decision", "complete_review"]  # no Panel, copies or retention before 2013
    done = rules["complete_review"]
    assert (done["start_on"], done["due_on"], done["met_on"], done["status"]) == complete_review
    assert done["confirmed"] is False  # DOMAIN.md gives no source for scr-2006's lengths
