"""The hand-worked scenarios of issue 11, read back through HTTP on SQLite and PostgreSQL: every value below is worked
out in the docstring of its builder in tests/process_builders.py (DOMAIN.md sections 4 and 8)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from domain.values import Role
from tests.builders import BOARD
from tests.integration.process_api_support import recorded_fixture  # noqa: F401 (the `recorded` fixture)
from tests.integration.test_api_service import bearer

CHAIR = bearer(Role.BOARD_CHAIR, BOARD)
FIELDS = ("start_on", "due_on", "met_on", "status", "days_overdue", "extended_due_on", "met_within_extension")


def read(client: TestClient, path: str) -> Any:
    response = client.get(path, headers=CHAIR)
    assert response.status_code == 200, response.text
    return response.json()


def rules(client: TestClient, review: str) -> dict[str, tuple[Any, ...]]:
    return {row["rule"]: tuple(row[key] for key in FIELDS) for row in read(client, f"/reviews/{review}/timeliness")}


def test_reconsidered_after_the_panel_disagreed_then_extended_revised_published_early_withdrawn_and_republished(
    recorded: tuple[TestClient, dict[str, str]],
) -> None:
    """record_reconsidered_and_republished: SCR 2015, aware 2 Mar 2015, notified 4 Mar; no review 20 Mar, the Panel
    told 27 Mar and disagreeing 10 Apr; reconsidered to initiate 17 Apr; extension to 18 Dec; accepted 2 Nov, a
    revision re-accepted 20 Jan 2016; planned 1 Mar 2016, published early 26 Feb with copies to Ofsted 10 Feb and
    DfE 24 Feb; withdrawn 1 Jun 2016 (within twelve months), republished 1 Jul 2016."""
    client, reviews = recorded
    review = reviews["reconsidered"]
    assert rules(client, review) == {
        "notify_incident": ("2015-03-02", "2015-03-09", "2015-03-04", "met", 0, None, None),
        # Met by the first decision, however it was reconsidered
        "initiation_decision": ("2015-03-04", "2015-04-04", "2015-03-20", "met", 0, None, None),
        "panel_told_not_initiating": ("2015-03-20", "2015-04-03", "2015-03-27", "met", 0, None, None),
        # From the reconsidered decision; met late by the first acceptance, within the agreed extension
        "complete_review": ("2015-04-17", "2015-10-17", "2015-11-02", "met_late", 16, "2015-12-18", True),
        # 7 days before the actual (earlier) publication; met when DfE, the second required recipient, had one
        "pre_publication_copy": ("2016-02-26", "2016-02-19", "2016-02-24", "met_late", 5, None, None),
        # Kept until 26 Feb 2017 from the first publication; withdrawn before it
        "website_retention": ("2016-02-26", "2017-02-26", None, "withdrawn_early", 0, None, None),
    }
    row = read(client, f"/reviews/{review}")
    process = row["process"]
    assert (row["stage"], row["decision"], row["decided_on"], row["contradicts_criteria"], row["accepted_on"]) == (
        "published",
        "initiate",
        "2015-04-17",
        False,
        "2015-11-02",
    )
    assert process["reconsidered"] == {
        "first_decision": "no_review",
        "first_decided_on": "2015-03-20",
        "reason": "panel_disagreed",
    }
    assert (process["revision_accepted_on"], process["republished_on"], process["nspcc_deposited_on"]) == (
        "2016-01-20",
        "2016-07-01",
        "2016-07-05",
    )
    assert process["withdrawals"] == [{"withdrawn_on": "2016-06-01", "reason": "factual_error"}]
    assert process["pre_publication_copies"] == [
        {"recipients": ["ofsted"], "sent_on": "2016-02-10"},
        {"recipients": ["dfe"], "sent_on": "2016-02-24"},
    ]


def test_a_subsumed_cspr_and_a_corrected_notification_of_siblings(recorded: tuple[TestClient, dict[str, str]]) -> None:
    """record_subsumed_cspr: notified Mon 3 Jun 2019, rapid review due Mon 24 Jun, closed as subsumed 14 Jun:
    not_applicable. record_corrected_siblings: aware corrected to Mon 4 Mar 2024, notification due Mon 11 Mar (met
    6 Mar); rapid review due Wed 27 Mar 2024; the second child and the statistics child corrected."""
    client, reviews = recorded
    subsumed = rules(client, reviews["subsumed"])
    assert subsumed["notify_incident"] == ("2019-05-31", "2019-06-07", "2019-06-03", "met", 0, None, None)
    assert subsumed["rapid_review"] == ("2019-06-03", "2019-06-24", None, "not_applicable", 0, None, None)
    siblings = rules(client, reviews["siblings"])
    assert siblings["notify_incident"] == ("2024-03-04", "2024-03-11", "2024-03-06", "met", 0, None, None)
    assert siblings["rapid_review"][:3] == ("2024-03-06", "2024-03-27", None)
    row = read(client, f"/reviews/{reviews['siblings']}")
    assert [(child["pseudonym"], child["age_years"]) for child in row["children"]] == [
        ("Child T1", 4),
        ("Child T3", 2),
    ]
    assert row["statistics_child"] == 1
