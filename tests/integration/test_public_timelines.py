"""The public timelines of DOMAIN.md section 7, recorded on SQLite and PostgreSQL, and their deadlines.

Every expected deadline value was worked out by hand from the dates. They are recorded under the SCR 2013
rules on purpose, so that real dates exercise every SCR rule (Panel, copies, retention); the demo data
records them under their own regime, scr-2006, whose two unconfirmed rows tests/unit/test_scr_2006_rules.py
holds. Dates the sources do not publish are chosen to be plausible and marked n/f where they are set."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any
from uuid import UUID

import pytest

from domain.deadlines import Status
from domain.errors import DateOrder, DomainError, InvalidTransition, InvalidValue, LegalHoldActive
from domain.review import CaseReview
from domain.values import (
    CostCategory,
    CostEntryKind,
    HoldKind,
    NotificationSubject,
    PanelView,
    ProcurementRoute,
    PublicationOption,
    Recipient,
    ReviewerRole,
    Stage,
)
from service.application import CaseReviews, open_application
from tests.builders import (
    BOARD,
    SHA,
    TODAY,
    admin,
    chair,
    ctx,
    decided_to_publish_in_full,
    initiate,
    notification,
    record_bradford_hd,
    record_daniel_pelka,
    set_up_khyra_ishaq,
)
from tests.unit.reviews import outcomes


@pytest.fixture
def app(database_url: str) -> Iterator[CaseReviews]:
    application = open_application(database_url)
    yield application
    application.close()


def table(review: CaseReview, today: date = TODAY) -> dict[str, tuple[Any, ...]]:
    """Per rule: status, start, due, met, calendar days taken, days overdue, legal-hold days."""
    return {
        rule: (o.status, o.start_on, o.due_on, o.met_on, o.calendar_days_taken, o.days_overdue, o.legal_hold_days)
        for rule, o in outcomes(review, today).items()
    }


NOT_STARTED = (Status.NOT_STARTED, None, None, None, None, 0, 0)


def record_khyra_ishaq_until_the_trial(app: CaseReviews) -> tuple[UUID, UUID]:
    """Birmingham SCB: died Saturday 17 May 2008, SCR initiated 23 May 2008; the report accepted while
    the criminal trial (early 2010) holds publication back. Returns the review and hold ids."""
    app.register_board(admin(), board_id=BOARD, name="Birmingham SCB", local_authority="Birmingham")
    # Aware the day she died, notified Monday 19 May (both n/f)
    rid = app.open_review(ctx(), board_id=BOARD, **notification()).id
    act = app.act_on_review
    initiate(app, rid, rationale="Child died; neglect known", decided_on=date(2008, 5, 23))
    set_up_khyra_ishaq(app, rid)
    act(
        ctx(),
        CaseReview.receive_draft_report,
        rid,
        version_label="v1",
        received_on=date(2009, 11, 2),
        document_sha256=SHA,
    )
    # The trial (n/f: from 4 January 2010) blocks publication until sentence
    hold = act(
        ctx(),
        CaseReview.place_legal_hold,
        rid,
        kind=HoldKind.CRIMINAL_PROCEEDINGS,
        reference="R v Gordon and Abuhamza",
        blocks_publication=True,
        placed_on=date(2010, 1, 4),
    ).created
    act(chair(), CaseReview.accept_report, rid, accepted_on=date(2010, 2, 15), board_response="Accepted")
    decided_to_publish_in_full(
        app,
        rid,
        decided_on=date(2010, 2, 22),
        planned_on=date(2010, 7, 27),
        assessed_on=date(2010, 3, 1),
        rationale="Publish in full after the trial",
        communications_plan="Joint statement with partners",
    )
    app.act_on_review(
        chair(), CaseReview.check_family_impact, rid, on=date(2010, 3, 1), family_consulted=True, note="Family met"
    )
    return rid, hold


def publish(app: CaseReviews, rid: UUID, on: date) -> None:
    app.act_on_review(
        ctx(), CaseReview.publish, rid, url="https://example.org/khyra-ishaq", published_on=on, document_sha256=SHA
    )


def test_khyra_ishaq_publication_waits_for_the_trial_then_is_published_in_full(app: CaseReviews) -> None:
    rid, hold = record_khyra_ishaq_until_the_trial(app)
    # Given the trial under way on 10 March 2010: publication is refused and nothing is written
    before = app.recorder.max_notification_id()
    with pytest.raises(LegalHoldActive):
        publish(app, rid, date(2010, 3, 10))
    assert app.recorder.max_notification_id() == before
    under_trial = app.review(ctx(), rid)
    assert under_trial.stage is Stage.PUBLICATION_DECIDED
    # Completion was due 23 November 2008: on 10 March 2010 it was met late (15 February 2010), 449 days
    # over, with 42 of its days under the hold (4 January to 15 February)
    assert table(under_trial, date(2010, 3, 10))["complete_review"] == (
        Status.MET_LATE,
        date(2008, 5, 23),
        date(2008, 11, 23),
        date(2010, 2, 15),
        633,
        449,
        42,
    )
    # When sentence is passed (March 2010; n/f: 24 March), copies go out 19 July and it is published 27 July
    app.act_on_review(
        ctx(), CaseReview.lift_legal_hold, rid, hold_id=hold, lifted_on=date(2010, 3, 24), outcome="Sentenced"
    )
    app.act_on_review(
        ctx(),
        CaseReview.send_pre_publication_copies,
        rid,
        recipients=(Recipient.OFSTED, Recipient.DFE),
        sent_on=date(2010, 7, 19),
    )
    publish(app, rid, date(2010, 7, 27))
    # Then
    review = app.review(ctx(), rid)
    assert (review.stage, review.published_on, review.publication_option) == (
        Stage.PUBLISHED,
        date(2010, 7, 27),
        PublicationOption.FULL,
    )
    assert review.active_holds == []
    assert table(review) == {
        # Aware Saturday 17 May: 5 working days end Friday 23 May; notified Monday 19 May
        "notify_incident": (Status.MET, date(2008, 5, 17), date(2008, 5, 23), date(2008, 5, 19), 2, 0, 0),
        "initiation_decision": (Status.MET, date(2008, 5, 19), date(2008, 6, 19), date(2008, 5, 23), 4, 0, 0),
        "panel_told_not_initiating": NOT_STARTED,
        "complete_review": (Status.MET_LATE, date(2008, 5, 23), date(2008, 11, 23), date(2010, 2, 15), 633, 449, 42),
        # A week before 27 July is 20 July; copies sent 8 days before
        "pre_publication_copy": (Status.MET, date(2010, 7, 27), date(2010, 7, 20), date(2010, 7, 19), 8, 0, 0),
        "website_retention": (Status.KEPT, date(2010, 7, 27), date(2011, 7, 27), None, None, 0, 0),
    }


def test_daniel_pelka_published_after_the_conviction_with_the_panels_request_recorded(app: CaseReviews) -> None:
    # Given Coventry's review (tests/builders.py): died Saturday 3 March 2012; aware that day, notified
    # Monday 12 March, decided 20 March (n/f); police investigation from 5 March and criminal proceedings
    # from 1 June 2012, both lifted at sentence on 2 August 2013 after the July conviction; accepted
    # 20 August, published 17 September 2013
    rid = record_daniel_pelka(app)
    coventry = ctx(board="coventry")
    # When the Panel's advice arrives: the minister asked for deeper analysis on 16 September 2013 (no
    # subject names the report's content; "delay" is the nearest)
    result = app.act_on_review(
        coventry,
        CaseReview.receive_panel_advice,
        rid,
        subject=NotificationSubject.DELAY,
        view=PanelView.INFORMATION_REQUESTED,
        advice="The minister asked for deeper analysis of why professionals did not act",
        received_on=date(2013, 9, 16),
    )
    # Then
    review = app.review(coventry, rid)
    assert review.applied[result.version][0] == "PanelAdviceReceived"
    assert (review.stage, review.accepted_on, review.published_on) == (
        Stage.PUBLISHED,
        date(2013, 8, 20),
        date(2013, 9, 17),
    )
    assert [hold.lifted_on for hold in review.holds.values()] == [date(2013, 8, 2), date(2013, 8, 2)]
    assert table(review) == {
        # 5 working days after Saturday 3 March end Friday 9 March: notified 3 days late
        "notify_incident": (Status.MET_LATE, date(2012, 3, 3), date(2012, 3, 9), date(2012, 3, 12), 9, 3, 7),
        "initiation_decision": (Status.MET, date(2012, 3, 12), date(2012, 4, 12), date(2012, 3, 20), 8, 0, 8),
        "panel_told_not_initiating": NOT_STARTED,
        # Overlapping holds count once: 20 March 2012 to 2 August 2013 is 500 of the 518 days
        "complete_review": (Status.MET_LATE, date(2012, 3, 20), date(2012, 9, 20), date(2013, 8, 20), 518, 334, 500),
        "pre_publication_copy": (Status.MET, date(2013, 9, 17), date(2013, 9, 10), date(2013, 9, 9), 8, 0, 0),
        "website_retention": (Status.KEPT, date(2013, 9, 17), date(2014, 9, 17), None, None, 0, 0),
    }


def test_bradford_hd_closed_reopened_after_an_inadequate_rating_and_closed_again(app: CaseReviews) -> None:
    # Given Bradford's review (tests/builders.py): died Sunday 16 July 2006, notified 19 July and decided
    # 10 August 2006 (n/f), accepted and submitted to Ofsted 22 November 2007, closed 1 December 2007,
    # reopened on the inadequate rating of 4 September 2008, closed on re-submission 27 February 2009
    rid = record_bradford_hd(app)
    review = app.review(ctx(board="bradford"), rid)
    # Then it is closed again, from the stage it was reopened at
    assert (review.stage, review.stage_before_closure, review.closed_on) == (
        Stage.CLOSED,
        Stage.REPORT_ACCEPTED,
        date(2009, 2, 27),
    )
    assert [type_name for type_name, _ in review.applied.values()][-3:] == ["Closed", "Reopened", "Closed"]
    assert table(review) == {
        "notify_incident": (Status.MET, date(2006, 7, 16), date(2006, 7, 21), date(2006, 7, 19), 3, 0, 0),
        "initiation_decision": (Status.MET, date(2006, 7, 19), date(2006, 8, 19), date(2006, 8, 10), 22, 0, 0),
        "panel_told_not_initiating": NOT_STARTED,
        "complete_review": (Status.MET_LATE, date(2006, 8, 10), date(2007, 2, 10), date(2007, 11, 22), 469, 285, 0),
        "pre_publication_copy": NOT_STARTED,
        "website_retention": NOT_STARTED,
    }


def refusals(hold: UUID) -> list[tuple[type[DomainError], Callable[..., Any], dict[str, Any]]]:
    """Commands the review at Khyra Ishaq's trial must refuse: the error, the command and its fields."""
    return [
        (
            LegalHoldActive,
            CaseReview.publish,
            {"url": "https://e.org/r", "published_on": date(2010, 3, 10), "document_sha256": SHA},
        ),
        (DateOrder, CaseReview.lift_legal_hold, {"hold_id": hold, "lifted_on": date(2009, 12, 31), "outcome": ""}),
        (
            InvalidValue,
            CaseReview.record_cost,
            {
                "entry": CostEntryKind.INVOICE,
                "category": CostCategory.OTHER,
                "amount_pence": 0,
                "paying_agency": "board",
                "on": date(2010, 3, 1),
                "description": "",
            },
        ),
        (
            InvalidTransition,
            CaseReview.commission_reviewer,
            {
                "name": "B. Reviewer",
                "role": ReviewerRole.PANEL_CHAIR,
                "procurement_route": ProcurementRoute.TENDER,
                "contract_value_pence": 1,
                "independence_declared": True,
                "commissioned_on": date(2010, 3, 1),
            },
        ),
    ]


def test_a_refused_command_through_the_application_writes_nothing(app: CaseReviews) -> None:
    rid, hold = record_khyra_ishaq_until_the_trial(app)
    version = app.review(ctx(), rid).version
    before = app.recorder.max_notification_id()
    for error, command, fields in refusals(hold):
        with pytest.raises(error):
            app.act_on_review(chair(), command, rid, **fields)
        assert app.recorder.max_notification_id() == before, command
    assert app.review(ctx(), rid).version == version


def test_a_refused_notification_writes_nothing(app: CaseReviews) -> None:
    app.register_board(admin(), board_id=BOARD, name="Birmingham SCB", local_authority="Birmingham")
    before = app.recorder.max_notification_id()
    with pytest.raises(DateOrder):
        app.open_review(ctx(), board_id=BOARD, **notification(la_aware_on=date(2008, 5, 16)))
    assert app.recorder.max_notification_id() == before
