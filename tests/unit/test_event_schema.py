"""The event classes as a schema: each says which of its fields is the business date, and decisions need a why."""

from __future__ import annotations

from datetime import date

import pytest

from tests.integration.test_event_store import event_classes

# Events with no business date of their own: board administration and a recommendation's text.
UNDATED = {"Registered", "ContributionRecorded", "RecommendationMade", "Opened"}
# Decisions and refusals whose rationale is required (not optional) in the stored record.
DECISIONS = {
    "RapidReviewCompleted",
    "InitiationDecided",
    "InitiationReconsidered",
    "ReportWithdrawn",
    "AgencyReportDeclined",
    "PublicationDecided",
    "PublicationOverrideRecorded",
    "Corrected",
    "Closed",
    "Reopened",
    "TargetChanged",
    "CompletionAssessed",
    "Disposed",
}


@pytest.mark.parametrize("cls", sorted(event_classes(), key=lambda c: c.__qualname__), ids=lambda c: c.__qualname__)
def test_every_dated_event_names_a_date_field_as_its_business_date(cls: type) -> None:
    name = cls.effective_field  # type: ignore[attr-defined]
    if cls.__name__ in UNDATED:
        assert name == ""
    else:
        assert cls.model_fields[name].annotation in (date, "date"), name  # type: ignore[attr-defined]


@pytest.mark.parametrize("cls", sorted(event_classes(), key=lambda c: c.__qualname__), ids=lambda c: c.__qualname__)
def test_a_decision_event_requires_its_rationale(cls: type) -> None:
    assert cls.model_fields["rationale"].is_required() is (cls.__name__ in DECISIONS)  # type: ignore[attr-defined]
