"""Corrections: an earlier event put right by a new event, and the deadlines follow the corrected dates.

Expected deadline values are worked out by hand from the calendar (Monday 26 May 2008 was the
spring bank holiday)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from domain.errors import CorrectionInvalid, DateInFuture, DateOrder, RationaleRequired, UnknownReference
from domain.review import CaseReview
from domain.values import PublicationOption, Recipient, Stage
from tests.builders import TODAY, chair, ctx
from tests.unit.reviews import (
    accepted,
    commission,
    initiated,
    notified,
    outcomes,
    place_hold,
    publication_decided,
    publish,
    refused,
)

NOTIFIED, DECIDED = 1, 2  # the versions of the notification and the initiation decision


def correct(review: CaseReview, version: int, field: str, value: Any, reason: str = "Checked the minutes") -> None:
    # The chair may correct anything a manager may, and the chair's own decisions (domain.corrections).
    review.correct(
        chair(), corrects_position=100 + version, corrects_version=version, field=field, value=value, reason=reason
    )


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("nope", "x", "field"),
        ("actor", {"user": "x", "role": "admin"}, "field"),
        ("originator_version", 5, "field"),
        ("incident.nope", "x", "field"),
        ("notified_on.year", 2009, "field"),
        ("notified_on", "soon", "value"),
        ("incident.la_aware_on", 20080517, "value"),
        ("child.age_years", 99, "value"),
    ],
)
def test_a_correction_of_an_unknown_or_protected_field_or_of_the_wrong_type_is_refused(
    field: str, value: Any, named: str
) -> None:
    review = notified()
    with refused(review, CorrectionInvalid, code="correction_invalid", field=named):
        correct(review, NOTIFIED, field, value)


def test_a_correction_must_meet_the_constraints_of_the_field_it_corrects() -> None:
    review = initiated()
    commission(review)
    with refused(review, CorrectionInvalid, code="correction_invalid", field="value"):
        correct(review, review.version, "contract_value_pence", -1)


@pytest.mark.parametrize(
    ("version", "field", "value"),
    [
        (NOTIFIED, "incident.la_aware_on", "2008-05-16"),  # before the incident
        (NOTIFIED, "incident.occurred_on", "2008-05-18"),  # after awareness
        (NOTIFIED, "notified_on", "2008-05-16"),  # before awareness
        (DECIDED, "decided_on", "2008-05-16"),  # before awareness
    ],
    ids=["aware-before-incident", "incident-after-awareness", "notified-before-aware", "decided-before-aware"],
)
def test_a_correction_that_puts_the_reviews_dates_in_an_impossible_order_is_refused(
    version: int, field: str, value: str
) -> None:
    review = initiated()
    with refused(review, DateOrder, code="date_order", field="value"):
        correct(review, version, field, value)


def test_a_correction_that_moves_a_hold_lift_before_its_placing_is_refused() -> None:
    review = initiated()
    hold_id = place_hold(review, on=date(2010, 1, 4))
    review.lift_legal_hold(ctx(), hold_id=hold_id, lifted_on=date(2010, 3, 24), outcome="Sentenced")
    with refused(review, DateOrder, code="date_order", field="value"):
        correct(review, review.version, "lifted_on", "2010-01-03")


def test_a_correction_to_a_date_after_today_is_refused_unless_it_is_a_plan() -> None:
    review = publication_decided()
    with refused(review, DateInFuture, code="date_in_future", field="value"):
        correct(review, DECIDED, "decided_on", (TODAY + timedelta(days=1)).isoformat())
    decision = max(v for v, (name, _) in review.applied.items() if name == "PublicationDecided")
    correct(review, decision, "planned_on", (TODAY + timedelta(days=30)).isoformat())
    assert review.milestones["publication_due_on"] == TODAY + timedelta(days=30)


def test_a_correction_cannot_itself_be_corrected() -> None:
    review = initiated()
    correct(review, DECIDED, "decided_on", "2008-05-30")
    with refused(review, CorrectionInvalid, code="correction_invalid", field="corrects_position"):
        correct(review, review.version, "decided_on", "2008-05-31")


def test_a_correction_of_an_event_this_review_does_not_have_is_an_unknown_reference() -> None:
    review = initiated()
    with refused(review, UnknownReference, code="unknown_reference", field="corrects_position"):
        correct(review, 99, "decided_on", "2008-05-30")


def test_a_correction_without_a_reason_is_refused() -> None:
    review = initiated()
    with refused(review, RationaleRequired, code="rationale_required", field="reason"):
        correct(review, DECIDED, "decided_on", "2008-05-30", reason=" ")


def test_a_correction_records_what_it_corrects_and_leaves_the_original_event_alone() -> None:
    review = initiated()
    review.collect_events()
    correct(review, DECIDED, "decided_on", "2008-05-30")
    (event,) = review.collect_events()
    assert isinstance(event, CaseReview.Corrected)
    assert (event.corrects_position, event.corrects_version, event.corrects_type) == (102, DECIDED, "InitiationDecided")
    assert (event.field, event.value, event.rationale, event.corrected_on) == (
        "decided_on",
        "2008-05-30",
        "Checked the minutes",
        date(2026, 11, 27),
    )
    assert review.applied[DECIDED] == ("InitiationDecided", None)


def test_correcting_awareness_moves_the_notification_deadline() -> None:
    # Given awareness on Saturday 17 May 2008 (due Friday 23 May) and notification on Monday 19 May
    review = notified()
    assert outcomes(review)["notify_incident"].due_on == date(2008, 5, 23)
    # When awareness is corrected to Monday 19 May
    correct(review, NOTIFIED, "incident.la_aware_on", "2008-05-19")
    # Then 5 working days run 20, 21, 22, 23 and (past the bank holiday) 27 May; met on the day of awareness
    outcome = outcomes(review)["notify_incident"]
    assert review.incident.la_aware_on == date(2008, 5, 19)
    assert (outcome.start_on, outcome.due_on, outcome.working_days_taken) == (date(2008, 5, 19), date(2008, 5, 27), 0)


def test_correcting_the_notification_date_moves_the_initiation_deadline_and_meets_notification_later() -> None:
    review = initiated()
    correct(review, NOTIFIED, "notified_on", "2008-05-20")
    found = outcomes(review)
    assert review.milestones["notified_on"] == date(2008, 5, 20)
    assert (found["initiation_decision"].start_on, found["initiation_decision"].due_on) == (
        date(2008, 5, 20),
        date(2008, 6, 20),
    )
    assert (found["notify_incident"].met_on, found["notify_incident"].working_days_taken) == (date(2008, 5, 20), 2)


def test_correcting_the_decision_date_moves_the_completion_deadline() -> None:
    review = initiated()
    assert outcomes(review)["complete_review"].due_on == date(2008, 11, 23)
    correct(review, DECIDED, "decided_on", "2008-05-30")
    found = outcomes(review)
    assert review.milestones["initiation_decided_on"] == date(2008, 5, 30)
    assert found["complete_review"].due_on == date(2008, 11, 30)
    assert found["initiation_decision"].met_on == date(2008, 5, 30)


def test_correcting_when_a_hold_was_placed_changes_the_days_counted_under_it() -> None:
    # Given a hold from 4 January to 24 March 2010 inside the review's period (decided 23 May 2008,
    # accepted 10 May 2010): 28 + 28 + 23 = 79 days
    review = accepted()
    hold_id = place_hold(review, on=date(2010, 1, 4))
    placed = review.version
    review.lift_legal_hold(ctx(), hold_id=hold_id, lifted_on=date(2010, 3, 24), outcome="Sentenced")
    assert outcomes(review)["complete_review"].legal_hold_days == 79
    # When its start is corrected to 1 February 2010, then 28 + 23 = 51 days
    correct(review, placed, "placed_on", "2010-02-01")
    assert review.holds[hold_id].placed_on == date(2010, 2, 1)
    assert outcomes(review)["complete_review"].legal_hold_days == 51


def test_correcting_a_hold_to_not_block_publication_lets_publication_proceed() -> None:
    review = publication_decided()
    hold_id = place_hold(review)
    correct(review, review.version, "blocks_publication", False)
    assert not review.holds[hold_id].blocks_publication
    publish(review)
    assert review.stage is Stage.PUBLISHED


def test_correcting_a_descriptive_field_is_recorded_without_changing_computed_state() -> None:
    review = initiated()
    review.agree_terms_of_reference(
        ctx(),
        scope_from=date(2006, 1, 1),
        scope_to=date(2008, 5, 17),
        methodology="Systems",
        equality_considerations="",
        agreed_on=date(2008, 6, 10),
    )
    milestones = review.milestones
    correct(review, review.version, "methodology", "SCIE Learning Together")
    assert review.milestones == milestones
    assert review.applied[review.version][0] == "Corrected"


def test_a_corrected_history_replays_to_the_corrected_state() -> None:
    review = initiated()
    correct(review, NOTIFIED, "incident.la_aware_on", "2008-05-19")
    correct(review, DECIDED, "decided_on", "2008-05-30")
    replayed = None
    for event in review.collect_events():
        replayed = event.mutate(replayed)
    assert isinstance(replayed, CaseReview)
    assert replayed.milestones == review.milestones
    assert replayed.milestones["la_aware_on"] == date(2008, 5, 19)


def versions_of(review: CaseReview, event_type: str) -> list[int]:
    return [version for version, (name, _) in review.applied.items() if name == event_type]


def test_correcting_a_superseded_publication_decision_leaves_the_current_plan() -> None:
    # Given a publication planned for 27 July 2010, then re-decided for 3 August
    review = publication_decided()
    review.decide_publication(
        chair(),
        option=PublicationOption.FULL,
        rationale="Later",
        planned_on=date(2010, 8, 3),
        decided_on=date(2010, 6, 2),
    )
    first, latest = versions_of(review, "PublicationDecided")
    # When the first decision's plan is corrected, the current plan stands; when the latest's is, it moves
    correct(review, first, "planned_on", "2010-07-28")
    assert review.milestones["publication_due_on"] == date(2010, 8, 3)
    correct(review, latest, "planned_on", "2010-08-04")
    assert review.milestones["publication_due_on"] == date(2010, 8, 4)


def test_correcting_pre_publication_copies_moves_the_milestone_through_the_copy_it_names() -> None:
    review = publication_decided()
    review.send_pre_publication_copies(ctx(), recipients=(Recipient.OFSTED, Recipient.DFE), sent_on=date(2010, 7, 15))
    review.send_pre_publication_copies(ctx(), recipients=(Recipient.OFSTED,), sent_on=date(2010, 7, 19))
    first, second = versions_of(review, "PrePublicationCopiesSent")
    correct(review, second, "sent_on", "2010-07-20")
    assert review.milestones["pre_publication_copy_sent_on"] == date(2010, 7, 15)
    correct(review, first, "sent_on", "2010-07-16")
    assert review.milestones["pre_publication_copy_sent_on"] == date(2010, 7, 16)
    # DfE's copy corrected away: only Ofsted has one, so the rule is no longer met.
    correct(review, first, "recipients", ["ofsted"])
    assert "pre_publication_copy_sent_on" not in review.milestones


def test_correcting_an_earlier_closure_leaves_the_current_closure_date() -> None:
    review = accepted()
    review.close(chair(), on=date(2010, 6, 1), reason="Submitted to Ofsted")
    review.reopen(chair(), on=date(2010, 9, 4), reason="Rated inadequate")
    review.close(chair(), on=date(2011, 2, 27), reason="Re-submitted")
    first, _ = versions_of(review, "Closed")
    correct(review, first, "closed_on", "2010-06-03")
    assert review.closed_on == date(2011, 2, 27)


def replayed_with_publication_before_its_decision() -> CaseReview:
    """A review whose stored history (recorded under older rules) has publication before its decision."""
    events = publication_decided().collect_events()
    last = events[-1]
    events.append(
        CaseReview.Published(
            originator_id=last.originator_id,
            originator_version=last.originator_version + 1,
            timestamp=last.timestamp,
            actor=last.actor,
            correlation_id=last.correlation_id,
            url="https://example.org/r",
            published_on=date(2010, 5, 20),
            document_sha256="a" * 64,
        )
    )
    review = None
    for event in events:
        review = event.mutate(review)
    assert isinstance(review, CaseReview)
    return review


def test_a_history_already_out_of_order_still_takes_a_correction_that_adds_no_new_problem() -> None:
    review = replayed_with_publication_before_its_decision()
    correct(review, NOTIFIED, "child.pseudonym", "Child K2")
    assert review.child.pseudonym == "Child K2"
    with refused(review, DateOrder, code="date_order", field="value"):
        correct(review, NOTIFIED, "incident.la_aware_on", "2008-05-16")
