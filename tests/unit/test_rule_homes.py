"""Each rule the aggregate and the read models share has one home, and both sides give the same answer."""

from __future__ import annotations

from datetime import date

import orjson
import pytest

from domain.board import financial_year_of, shift_financial_year
from domain.corrections import correction_targets
from domain.date_order import DATES, ORDERS, require_in_order
from domain.deadlines import HoldPeriod
from domain.errors import DateOrder, InvalidValue
from domain.review import CaseReview
from domain.review_facts import hold_changes, review_changes
from domain.values import HoldKind, InitiationDecision, NotificationSubject, PublicationOption, Recipient, Stage
from projections.base import LogEvent
from projections.review_facts import fold
from tests.builders import chair, ctx
from tests.unit.reviews import initiated, place_hold, publication_decided


def test_a_correction_of_a_repeated_decision_reaches_the_state_only_from_the_latest() -> None:
    def target(latest: bool) -> object:
        return correction_targets("PublicationDecided", "decided_on", first=not latest, latest=latest, hold=False)

    assert (target(latest=True), target(latest=False)) == ([("review", "publication_decided_on")], [])


def test_a_correction_of_pre_publication_copies_reaches_the_copy_it_names_whichever_it_is() -> None:
    def target(first: bool) -> object:
        return correction_targets("PrePublicationCopiesSent", "sent_on", first=first, latest=not first, hold=False)

    assert target(first=True) == target(first=False) == [("list", "copies_sent.1")]


def test_a_correction_of_a_hold_event_reaches_the_hold_only_when_the_review_has_it() -> None:
    def target(hold: bool) -> object:
        return correction_targets("LegalHoldLifted", "lifted_on", first=True, latest=True, hold=hold)

    assert (target(hold=True), target(hold=False)) == ([("hold", "lifted_on")], [])


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("incident.la_aware_on", [("notified", "incident.la_aware_on")]),
        ("child.age_years", [("notified", "child.age_years")]),
        ("other_children.2.sex", [("notified", "other_children.2.sex")]),
        ("statistics_child", [("notified", "statistics_child")]),
        ("x", []),
    ],
)
def test_a_correction_of_the_notified_children_or_incident_reaches_that_part(path: str, expected: object) -> None:
    assert correction_targets("Notified", path, first=True, latest=True, hold=False) == expected


def test_an_event_changes_the_same_facts_from_typed_fields_and_from_stored_json() -> None:
    typed = {"decision": InitiationDecision.OTHER_REVIEW, "decided_on": date(2008, 5, 23), "criteria_met": True}
    stored = {"decision": "other_review", "decided_on": "2008-05-23", "criteria_met": True}
    from_typed, from_json = (
        review_changes("InitiationDecided", typed, {"regime": "scr-2013"}),
        review_changes("InitiationDecided", stored, {"regime": "scr-2013"}),
    )
    assert from_typed["contradicts_criteria"] is from_json["contradicts_criteria"] is True
    assert from_typed["stage"] is from_json["stage"] is Stage.NOT_INITIATED
    assert from_json["decided_on"] == from_typed["decided_on"].isoformat()


def test_only_the_first_notice_of_not_initiating_reaching_the_panel_meets_the_panels_milestone() -> None:
    told = {
        "subject": NotificationSubject.NOT_INITIATING.value,
        "sent_on": "2008-06-01",
        "recipients": ["national_panel"],
    }
    assert review_changes("PanelNotified", told, {}) == {"panel_told_not_initiating_on": "2008-06-01"}
    assert review_changes("PanelNotified", told, {"panel_told_not_initiating_on": "2008-05-30"}) == {}
    assert review_changes("PanelNotified", told | {"subject": "initiation"}, {}) == {}
    assert review_changes("PanelNotified", told | {"recipients": ["ofsted", "dfe"]}, {}) == {}


def test_a_reopened_review_returns_to_the_stage_it_was_closed_at() -> None:
    closed = review_changes("Closed", {"closed_on": "2012-01-01"}, {"stage": "report_accepted"})
    assert closed == {
        "closed_on": "2012-01-01",
        "stage_before_closure": "report_accepted",
        "stage": Stage.CLOSED,
        "close_outcome": "completed",
    }
    assert review_changes("Reopened", {}, closed)["stage"] == "report_accepted"


def test_a_placed_hold_starts_not_lifted_and_not_overridden() -> None:
    placed = {
        "kind": HoldKind.CRIMINAL_PROCEEDINGS,
        "reference": "T1",
        "blocks_publication": True,
        "placed_on": "2010-01-04",
    }
    assert hold_changes("LegalHoldPlaced", placed) == placed | {"lifted_on": None, "overridden": False}
    assert hold_changes("PublicationOverrideRecorded", {}) == {"overridden": True}


def test_every_order_names_dates_of_the_one_table() -> None:
    assert {name for order in ORDERS for name in order} <= DATES.keys()


def test_a_new_date_before_one_the_review_keeps_is_refused_naming_the_commands_field() -> None:
    review = initiated()
    with pytest.raises(DateOrder) as caught:
        require_in_order(review, {"accepted_on": (date(2008, 5, 22), "on")})
    assert caught.value.field == "on"
    assert "before the initiation decision (2008-05-23)" in str(caught.value)
    require_in_order(review, {"accepted_on": (date(2008, 5, 23), "on")})


def test_a_notifications_dates_are_checked_among_themselves() -> None:
    dates = {"occurred_on": (date(2008, 5, 17), "incident.occurred_on"), "la_aware_on": (date(2008, 5, 16), "aware")}
    with pytest.raises(DateOrder) as caught:
        require_in_order(None, dates)
    assert caught.value.field == "aware"


def test_a_date_falls_in_the_financial_year_from_april_to_march() -> None:
    assert [financial_year_of(date(2015, 3, 31)), financial_year_of(date(2015, 4, 1))] == ["2014-15", "2015-16"]
    assert [shift_financial_year("2014-15", 1), shift_financial_year("2000-01", -1)] == ["2015-16", "1999-00"]
    with pytest.raises(InvalidValue):
        shift_financial_year("2014-16", 1)


def log_of(review: CaseReview) -> list[LogEvent]:
    """The review's pending events as the read models read them from the log."""
    return [
        LogEvent(
            position,
            review.id,
            event.originator_version,
            f"domain.review:CaseReview.{type(event).__name__}",
            orjson.dumps(event.model_dump(mode="json")),
        )
        for position, event in enumerate(review.collect_events(), start=1)
    ]


def test_the_read_models_facts_are_the_aggregates_after_holds_decisions_and_corrections() -> None:
    review = publication_decided()
    hold = place_hold(review, on=date(2010, 1, 4))
    review.lift_legal_hold(ctx(), hold_id=hold, lifted_on=date(2010, 3, 1), outcome="Sentenced")
    review.decide_publication(
        chair(),
        option=PublicationOption.FULL,
        rationale="Again",
        planned_on=date(2010, 9, 1),
        decided_on=date(2010, 6, 2),
    )
    review.send_pre_publication_copies(ctx(), recipients=(Recipient.DFE,), sent_on=date(2010, 6, 3))
    versions = {name: version for version, (name, _) in review.applied.items()}
    for event_type, field, value in [
        ("PublicationDecided", "planned_on", "2010-10-01"),
        ("LegalHoldPlaced", "placed_on", "2010-01-05"),
        ("Notified", "incident.la_aware_on", "2008-05-18"),
    ]:
        version = versions[event_type]
        review.correct(
            chair(), corrects_position=version, corrects_version=version, field=field, value=value, reason="Minutes"
        )
    facts = fold(log_of(review), lambda _ids: {})[0][str(review.id)]
    assert facts.milestones() == review.milestones
    assert facts.hold_periods() == [HoldPeriod(h.placed_on, h.lifted_on) for h in review.holds.values()]
    assert facts.hold_periods()[0] == HoldPeriod(date(2010, 1, 5), date(2010, 3, 1))
    assert (facts.data["stage"], facts.data["incident"]["la_aware_on"]) == (review.stage, "2008-05-18")
