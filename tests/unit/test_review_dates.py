"""Dates in an impossible order, or after today, are refused naming the field; the same day is allowed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest

from domain.errors import DateInFuture, DateOrder
from domain.review import CaseReview
from domain.review_values import Incident
from domain.values import (
    AbuseOrNeglect,
    AgencyReportKind,
    CostCategory,
    CostEntryKind,
    IncidentNature,
    InitiationDecision,
    NotificationSubject,
    PanelView,
    PublicationOption,
    RapidReviewOutcome,
    Recipient,
    Regime,
    RiskLevel,
    StaffActivity,
)
from tests.builders import BOARD, MET_CRITERIA, SHA, TODAY, chair, ctx, notification
from tests.unit.reviews import (
    ACCEPTED_ON,
    DECIDED_ON,
    RAPID_REVIEW_ON,
    accepted,
    commission,
    initiated,
    notified,
    place_hold,
    publication_decided,
    publish,
    ready_to_accept,
    refused,
)

INCIDENT_ON = date(2008, 5, 17)
TOMORROW = TODAY + timedelta(days=1)
Act = Callable[[CaseReview, date], object]


def notify(occurred_on: date, la_aware_on: date, notified_on: date, discovered_on: date | None = None) -> CaseReview:
    incident = Incident(
        nature=IncidentNature.DEATH,
        abuse_or_neglect=AbuseOrNeglect.KNOWN,
        occurred_on=occurred_on,
        discovered_on=discovered_on,
        la_aware_on=la_aware_on,
    )
    return CaseReview.notify(ctx(), board_id=BOARD, **notification(incident=incident, notified_on=notified_on))


@pytest.mark.parametrize(
    ("dates", "field"),
    [
        ({"la_aware_on": INCIDENT_ON - timedelta(days=1)}, "incident.la_aware_on"),
        ({"discovered_on": INCIDENT_ON - timedelta(days=1)}, "incident.discovered_on"),
        ({"discovered_on": date(2008, 5, 20), "la_aware_on": date(2008, 5, 19)}, "incident.la_aware_on"),
        ({"la_aware_on": date(2008, 5, 20), "notified_on": date(2008, 5, 19)}, "notified_on"),
    ],
    ids=["aware-before-incident", "discovered-before-incident", "aware-before-discovery", "notified-before-aware"],
)
def test_a_notification_with_its_dates_in_an_impossible_order_is_refused(dates: dict[str, date], field: str) -> None:
    given = {"occurred_on": INCIDENT_ON, "la_aware_on": INCIDENT_ON, "notified_on": date(2008, 5, 20)} | dates
    with pytest.raises(DateOrder) as caught:
        notify(**given)
    assert (caught.value.code, caught.value.field) == ("date_order", field)


def test_a_child_found_long_after_death_is_notified_when_the_authority_became_aware() -> None:
    # One published case: the child died in December 2009 and was found in 2011
    review = notify(date(2009, 12, 15), date(2011, 9, 2), date(2011, 9, 5), discovered_on=date(2011, 9, 1))
    assert review.incident.discovered_on == date(2011, 9, 1)
    assert review.milestones["la_aware_on"] == date(2011, 9, 2)


def test_every_date_of_a_notification_may_fall_on_the_same_day() -> None:
    review = notify(INCIDENT_ON, INCIDENT_ON, INCIDENT_ON, discovered_on=INCIDENT_ON)
    assert review.notified_on == INCIDENT_ON


def test_a_notification_dated_after_today_is_refused() -> None:
    with pytest.raises(DateInFuture) as caught:
        notify(INCIDENT_ON, INCIDENT_ON, TOMORROW)
    assert (caught.value.code, caught.value.field) == ("date_in_future", "notified_on")


def rapid_review(review: CaseReview, on: date) -> None:
    review.complete_rapid_review(ctx(), completed_on=on, outcome=RapidReviewOutcome.LCSPR, rationale="Why")


def decide(review: CaseReview, on: date) -> None:
    review.decide_initiation(
        chair(), criteria=MET_CRITERIA, decision=InitiationDecision.INITIATE, rationale="Why", decided_on=on
    )


def agree_terms(review: CaseReview, on: date, scope_to: date = INCIDENT_ON) -> None:
    review.agree_terms_of_reference(
        ctx(),
        scope_from=date(2006, 1, 1),
        scope_to=scope_to,
        methodology="Systems",
        equality_considerations="",
        agreed_on=on,
    )


def draft(review: CaseReview, on: date) -> None:
    review.receive_draft_report(ctx(), version_label="v2", received_on=on, document_sha256=SHA)


def accept(review: CaseReview, on: date) -> None:
    review.accept_report(chair(), accepted_on=on, board_response="")


def decide_publication(review: CaseReview, on: date, planned_on: date | None = None) -> None:
    review.decide_publication(
        chair(), option=PublicationOption.SUMMARY, rationale="Why", planned_on=planned_on, decided_on=on
    )


def tell_panel(review: CaseReview, on: date) -> None:
    review.notify_panel(ctx(), recipients=(Recipient.OFSTED,), subject=NotificationSubject.INITIATION, sent_on=on)


def panel_advice(review: CaseReview, on: date) -> None:
    review.receive_panel_advice(
        ctx(), subject=NotificationSubject.INITIATION, view=PanelView.AGREED, advice="", received_on=on
    )


def request_report(review: CaseReview, on: date) -> None:
    review.request_agency_report(ctx(), agency="police", kind=AgencyReportKind.IMR, due_on=on)


def scope(review: CaseReview, on: date) -> None:
    agree_terms(review, date(2008, 6, 10), scope_to=on)


def plan(review: CaseReview, on: date) -> None:
    decide_publication(review, date(2010, 6, 1), planned_on=on)


def lift(review: CaseReview, on: date) -> None:
    review.lift_legal_hold(ctx(), hold_id=next(iter(review.holds)), lifted_on=on, outcome="Sentenced")


def override(review: CaseReview, on: date) -> None:
    review.override_hold_for_publication(chair(), hold_id=next(iter(review.holds)), rationale="Why", decided_on=on)


def assess_risk(review: CaseReview, on: date) -> None:
    review.assess_risk(
        ctx(), reputational_risk=RiskLevel.LOW, media_interest="", communications_plan="", assessed_on=on
    )


def send_copies(review: CaseReview, on: date) -> None:
    review.send_pre_publication_copies(ctx(), recipients=(Recipient.DFE,), sent_on=on)


def close(review: CaseReview, on: date) -> None:
    review.close(chair(), on=on, reason="Done")


def reopen(review: CaseReview, on: date) -> None:
    review.reopen(chair(), on=on, reason="Rated inadequate")


def record_cost(review: CaseReview, on: date) -> None:
    review.record_cost(
        ctx(),
        entry=CostEntryKind.INVOICE,
        category=CostCategory.VENUE_ADMIN,
        amount_pence=10_000,
        paying_agency="board",
        on=on,
        description="Room hire",
    )


def record_staff_time(review: CaseReview, on: date) -> None:
    review.record_staff_time(
        ctx(), agency="health", activity=StaffActivity.INTERVIEW, hours=Decimal("2.5"), on=on, rate_pence_per_hour=None
    )


def resolve_report(review: CaseReview, on: date) -> None:
    review.receive_agency_report(ctx(), report_id=next(iter(review.agency_reports)), on=on)


def decline_report(review: CaseReview, on: date) -> None:
    review.decline_agency_report(ctx(), report_id=next(iter(review.agency_reports)), on=on, reason="No records")


def cspr() -> CaseReview:
    return notified(Regime.CSPR_2018)


def rapid_reviewed() -> CaseReview:
    review = cspr()
    rapid_review(review, RAPID_REVIEW_ON)
    return review


def held() -> CaseReview:
    """An initiated review under a blocking hold placed on 4 January 2010."""
    review = initiated()
    place_hold(review, on=date(2010, 1, 4))
    return review


def held_and_decided() -> CaseReview:
    review = publication_decided()
    place_hold(review, on=date(2010, 1, 4))
    return review


def with_report_requested() -> CaseReview:
    review = initiated()
    review.request_agency_report(ctx(), agency="police", kind=AgencyReportKind.IMR, due_on=TODAY)
    return review


def closed() -> CaseReview:
    review = accepted()
    review.close(chair(), on=date(2012, 1, 1), reason="Done")
    return review


Build = Callable[[], CaseReview]


def commissioned() -> CaseReview:
    """An initiated review with its reviewer commissioned the day of the decision (a draft needs one)."""
    review = initiated()
    commission(review, on=DECIDED_ON)
    return review


# The review, the command on a date, the earliest date it allows, and the field named when earlier.
ORDER: dict[str, tuple[Build, Act, date, str]] = {
    "rapid-review-before-notification": (cspr, rapid_review, date(2008, 5, 19), "completed_on"),
    "decision-before-notification": (notified, decide, date(2008, 5, 19), "decided_on"),
    "cspr-decision-before-rapid-review": (rapid_reviewed, decide, RAPID_REVIEW_ON, "decided_on"),
    "panel-told-before-notification": (notified, tell_panel, date(2008, 5, 19), "sent_on"),
    "panel-advice-before-notification": (notified, panel_advice, date(2008, 5, 19), "received_on"),
    "terms-before-decision": (initiated, agree_terms, DECIDED_ON, "agreed_on"),
    "scope-to-before-scope-from": (initiated, scope, date(2006, 1, 1), "scope_to"),
    "reviewer-before-decision": (initiated, lambda r, on: commission(r, on=on), DECIDED_ON, "commissioned_on"),
    "report-due-before-request": (initiated, request_report, TODAY, "due_on"),
    "hold-before-incident": (notified, lambda r, on: place_hold(r, on=on), INCIDENT_ON, "placed_on"),
    "hold-lifted-before-placed": (held, lift, date(2010, 1, 4), "lifted_on"),
    "draft-before-decision": (commissioned, draft, DECIDED_ON, "received_on"),
    "accepted-before-decided": (ready_to_accept, accept, DECIDED_ON, "accepted_on"),
    "publication-decided-before-acceptance": (accepted, decide_publication, ACCEPTED_ON, "decided_on"),
    "publication-planned-before-decision": (accepted, plan, date(2010, 6, 1), "planned_on"),
    "published-before-publication-decision": (publication_decided, publish, date(2010, 6, 1), "published_on"),
    "copies-before-publication-decision": (publication_decided, send_copies, date(2010, 6, 1), "sent_on"),
    "override-before-hold-placed": (held_and_decided, override, date(2010, 1, 4), "decided_on"),
    "closed-before-notification": (notified, close, date(2008, 5, 19), "on"),
    "reopened-before-closure": (closed, reopen, date(2012, 1, 1), "on"),
}


@pytest.mark.parametrize(("build", "act", "earliest", "field"), ORDER.values(), ids=ORDER.keys())
def test_a_date_before_the_one_it_must_follow_is_refused(build: Build, act: Act, earliest: date, field: str) -> None:
    review = build()
    with refused(review, DateOrder, code="date_order", field=field):
        act(review, earliest - timedelta(days=1))


@pytest.mark.parametrize(("build", "act", "earliest", "field"), ORDER.values(), ids=ORDER.keys())
def test_the_same_day_as_the_date_it_must_follow_is_allowed(build: Build, act: Act, earliest: date, field: str) -> None:
    review = build()
    review.collect_events()
    act(review, earliest)
    assert len(review.collect_events()) == 1


# The review and the command whose business date may not lie after today, and that date's field.
FUTURE: dict[str, tuple[Build, Act, str]] = {
    "rapid-review": (cspr, rapid_review, "completed_on"),
    "initiation-decision": (notified, decide, "decided_on"),
    "panel-notified": (notified, tell_panel, "sent_on"),
    "panel-advice": (notified, panel_advice, "received_on"),
    "terms": (initiated, agree_terms, "agreed_on"),
    "reviewer": (initiated, lambda r, on: commission(r, on=on), "commissioned_on"),
    "report-received": (with_report_requested, resolve_report, "on"),
    "report-declined": (with_report_requested, decline_report, "on"),
    "hold-placed": (notified, lambda r, on: place_hold(r, on=on), "placed_on"),
    "hold-lifted": (held, lift, "lifted_on"),
    "cost": (initiated, record_cost, "on"),
    "staff-time": (initiated, record_staff_time, "on"),
    "draft": (commissioned, draft, "received_on"),
    "acceptance": (ready_to_accept, accept, "accepted_on"),
    "publication-decision": (accepted, decide_publication, "decided_on"),
    "risk-assessment": (accepted, assess_risk, "assessed_on"),
    "override": (held_and_decided, override, "decided_on"),
    "pre-publication-copies": (publication_decided, send_copies, "sent_on"),
    "publication": (publication_decided, publish, "published_on"),
    "closure": (accepted, close, "on"),
    "reopening": (closed, reopen, "on"),
}


@pytest.mark.parametrize(("build", "act", "field"), FUTURE.values(), ids=FUTURE.keys())
def test_a_business_date_after_today_is_refused(build: Build, act: Act, field: str) -> None:
    review = build()
    with refused(review, DateInFuture, code="date_in_future", field=field):
        act(review, TOMORROW)


@pytest.mark.parametrize(("build", "act", "field"), FUTURE.values(), ids=FUTURE.keys())
def test_a_business_date_of_today_is_allowed(build: Build, act: Act, field: str) -> None:
    review = build()
    review.collect_events()
    act(review, TODAY)
    assert len(review.collect_events()) == 1
