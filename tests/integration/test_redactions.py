"""Redaction decisions and the family-impact check before publication (issue 13; DOMAIN.md section 9) through
HTTP, on SQLite and PostgreSQL. Every refusal answers its code and records nothing."""

from __future__ import annotations

from typing import Any

from tests.e2e.bodies import body
from tests.integration.process_api_support import (  # noqa: F401 (api_fixture: the `api` fixture)
    CHAIR,
    MANAGER,
    PANEL,
    Api,
    accepted,
    api_fixture,
    opened,
)

REDACTION = body("redactions")
CHECK = body("family-impact-check")


def decided(api: Api, case_ref: str, option: str = "full") -> str:
    """An accepted SCR with the chair's decision to publish (`option`) and the risk assessment."""
    review = accepted(api, case_ref)
    api.post(f"/reviews/{review}/publication-decision", body("publication-decision", option=option))
    api.post(f"/reviews/{review}/risk-assessment", body("risk-assessment"))
    return review


def process(api: Api, review: str, headers: dict[str, str] = CHAIR) -> dict[str, Any]:
    found: dict[str, Any] = api.get(f"/reviews/{review}", headers)["process"]
    return found


def test_redaction_decisions_are_listed_on_the_review_in_the_order_recorded(api: Api) -> None:
    review = decided(api, "RED-1")
    api.post(f"/reviews/{review}/redactions", REDACTION, MANAGER)
    second = {"item": "The officer's name", "reason": "third_party", "agreed_with": [], "decided_on": "2016-10-21"}
    api.post(f"/reviews/{review}/redactions", second, CHAIR)
    assert process(api, review)["redactions"] == [
        {
            "item": "Paragraph 4.2: the name of the school",
            "reason": "identifies_child",
            "agreed_with": ["police"],
            "decided_on": "2016-10-20",
        },
        {"item": "The officer's name", "reason": "third_party", "agreed_with": [], "decided_on": "2016-10-21"},
    ]


def test_the_panel_sees_that_items_were_redacted_and_why_but_not_what_nor_the_family_note(api: Api) -> None:
    review = decided(api, "RED-2")
    api.post(f"/reviews/{review}/redactions", REDACTION)
    api.post(f"/reviews/{review}/family-impact-check", CHECK)
    shown = process(api, review, PANEL)
    assert shown["redactions"] == [
        {"reason": "identifies_child", "agreed_with": ["police"], "decided_on": "2016-10-20"}
    ]
    assert shown["family_impact_check"] == {"checked_on": "2016-10-25", "family_consulted": True}
    assert process(api, review)["family_impact_check"]["note"] == "Mother met the chair"


def test_publication_in_full_without_the_family_impact_check_is_refused_and_records_nothing(api: Api) -> None:
    review = decided(api, "PUB-1")
    problem = api.refused(f"/reviews/{review}/publish", body("publish"), 409, "family_impact_check_required")
    assert "family-impact check" in problem["detail"]
    api.post(f"/reviews/{review}/family-impact-check", CHECK)
    api.post(f"/reviews/{review}/publish", body("publish"))
    assert api.get(f"/reviews/{review}")["stage"] == "published"


def test_anonymised_publication_needs_the_check_but_a_summary_does_not(api: Api) -> None:
    anonymised = decided(api, "PUB-2", option="anonymised")
    api.refused(f"/reviews/{anonymised}/publish", body("publish"), 409, "family_impact_check_required")
    summary = decided(api, "PUB-3", option="summary")
    api.post(f"/reviews/{summary}/publish", body("publish"))


def test_the_family_impact_check_is_the_chairs_and_a_redaction_the_boards_staff(api: Api) -> None:
    review = decided(api, "WHO-1")
    api.refused(f"/reviews/{review}/family-impact-check", CHECK, 403, "forbidden", MANAGER)
    api.refused(f"/reviews/{review}/redactions", REDACTION, 403, "forbidden", PANEL)


def test_neither_is_recorded_before_the_review_is_under_way(api: Api) -> None:
    review = opened(api, "EARLY-1")
    api.refused(f"/reviews/{review}/redactions", REDACTION, 409, "invalid_transition")
    api.refused(f"/reviews/{review}/family-impact-check", CHECK, 409, "invalid_transition")


def test_a_redaction_with_an_unknown_reason_or_party_is_refused_naming_the_field(api: Api) -> None:
    review = decided(api, "BAD-1")
    for field, value in (("reason", "embarrassing"), ("agreed_with", ["press"])):
        problem = api.refused(f"/reviews/{review}/redactions", {**REDACTION, field: value}, 422, "validation_error")
        assert problem["errors"][0]["field"].startswith(field)


def test_a_family_impact_check_dated_after_today_is_refused(api: Api) -> None:
    review = decided(api, "BAD-2")
    problem = api.refused(
        f"/reviews/{review}/family-impact-check", {**CHECK, "on": "2999-01-01"}, 422, "date_in_future"
    )
    assert problem["errors"][0]["field"] == "on"
