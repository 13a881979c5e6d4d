"""The review's process when each step fits: stages, milestones, flags, holds, the ledger and closure."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from domain.review import CaseReview, review_id_for
from domain.review_values import Criteria
from domain.values import (
    AgencyReportKind,
    CostCategory,
    CostEntryKind,
    InitiationDecision,
    NotificationSubject,
    ProcurementRoute,
    PublicationOption,
    RapidReviewOutcome,
    Recipient,
    RecommendationScope,
    Regime,
    ReviewerRole,
    Stage,
)
from tests.builders import BOARD, MET_CRITERIA, UNMET_CRITERIA, chair, ctx
from tests.unit.reviews import (
    ACCEPTED_ON,
    DECIDED_ON,
    accepted,
    initiated,
    invoiced,
    notified,
    place_hold,
    publication_decided,
    publish,
    ready_to_accept,
    reverse,
)


def decide(review: CaseReview, criteria: Criteria, decision: InitiationDecision) -> CaseReview.InitiationDecided:
    review.collect_events()
    review.decide_initiation(chair(), criteria=criteria, decision=decision, rationale=" Why ", decided_on=DECIDED_ON)
    (event,) = review.collect_events()
    assert isinstance(event, CaseReview.InitiationDecided)
    return event


def test_a_notification_opens_a_review_whose_id_comes_from_its_board_and_case_reference() -> None:
    review = notified()
    assert review.id == review_id_for(BOARD, "KI-2008")
    assert review.stage is Stage.NOTIFIED
    assert review.milestones == {
        "la_aware_on": date(2008, 5, 17),
        "notified_on": date(2008, 5, 19),
        "rapid_review_clock_from": date(2008, 5, 19),  # taken only by the CSPR rule table
    }


def test_every_event_says_who_recorded_it_why_and_when_it_took_effect() -> None:
    review = notified()
    context = chair()
    review.decide_initiation(
        context, criteria=MET_CRITERIA, decision=InitiationDecision.INITIATE, rationale="Died", decided_on=DECIDED_ON
    )
    notification, decision = review.collect_events()
    assert notification.effective_on == date(2008, 5, 19)
    assert (decision.actor, decision.correlation_id) == (context.actor, context.correlation_id)
    assert (decision.rationale, decision.effective_on) == ("Died", DECIDED_ON)
    assert decision.timestamp.utcoffset() is not None


@pytest.mark.parametrize(
    ("answers", "met"),
    [
        ((True, True, False, False), True),  # (a) and (b)(i): died
        ((True, False, True, True), True),  # (a) and (b)(ii): harmed and concern about joint working
        ((True, False, True, False), False),  # harmed, but no concern about joint working
        ((False, True, True, True), False),  # no abuse or neglect known or suspected
        ((True, False, False, True), False),  # neither died nor seriously harmed
    ],
)
def test_the_reg_5_2_criteria_are_met_by_abuse_or_neglect_and_death_or_serious_harm_with_concern(
    answers: tuple[bool, bool, bool, bool], met: bool
) -> None:
    abuse, died, harmed, concern = answers
    criteria = Criteria(abuse_or_neglect=abuse, died=died, seriously_harmed=harmed, concern_about_joint_working=concern)
    assert criteria.met is met


def test_a_decision_to_initiate_moves_the_review_to_initiated_and_starts_its_clock() -> None:
    review = notified()
    event = decide(review, MET_CRITERIA, InitiationDecision.INITIATE)
    assert (event.criteria_met, event.contradicts_criteria, event.rationale) == (True, False, "Why")
    assert review.stage is Stage.INITIATED
    assert review.milestones["initiation_decided_on"] == DECIDED_ON


def test_a_decision_against_the_met_criteria_is_accepted_with_its_rationale_and_flagged() -> None:
    review = notified()
    event = decide(review, MET_CRITERIA, InitiationDecision.NO_REVIEW)
    assert (event.criteria_met, event.contradicts_criteria) == (True, True)
    assert review.criteria_flagged
    assert review.stage is Stage.NOT_INITIATED
    assert review.milestones["not_initiating_decided_on"] == DECIDED_ON
    assert "initiation_decided_on" not in review.milestones


@pytest.mark.parametrize("decision", [InitiationDecision.INITIATE, InitiationDecision.INITIATE_NON_STATUTORY])
def test_a_review_below_the_criteria_may_be_commissioned_and_is_not_flagged(decision: InitiationDecision) -> None:
    review = notified()
    event = decide(review, UNMET_CRITERIA, decision)
    assert (event.criteria_met, event.contradicts_criteria) == (False, False)
    assert not review.criteria_flagged
    assert review.stage is Stage.INITIATED


def test_telling_the_panel_of_a_decision_not_to_initiate_meets_that_milestone_once() -> None:
    review = initiated(decision=InitiationDecision.OTHER_REVIEW)
    for sent_on in (date(2008, 6, 2), date(2008, 6, 9)):
        review.notify_panel(
            ctx(),
            recipients=(Recipient.NATIONAL_PANEL, Recipient.NATIONAL_PANEL),
            subject=NotificationSubject.NOT_INITIATING,
            sent_on=sent_on,
        )
    assert review.milestones["panel_told_not_initiating_on"] == date(2008, 6, 2)
    assert review.collect_events()[-1].recipients == (Recipient.NATIONAL_PANEL,)


@pytest.mark.parametrize("outcome", list(RapidReviewOutcome))
def test_a_cspr_decides_after_its_rapid_review(outcome: RapidReviewOutcome) -> None:
    review = notified(Regime.CSPR_2023)
    review.complete_rapid_review(ctx(), completed_on=date(2008, 5, 21), outcome=outcome, rationale="Why")
    assert review.stage is Stage.RAPID_REVIEWED
    assert review.milestones["rapid_review_completed_on"] == date(2008, 5, 21)
    decide(review, MET_CRITERIA, InitiationDecision.INITIATE)
    assert review.stage is Stage.INITIATED


def test_accepting_the_report_completes_the_review() -> None:
    review = ready_to_accept()
    review.accept_report(chair(), accepted_on=ACCEPTED_ON, board_response="Accepted")
    assert review.stage is Stage.REPORT_ACCEPTED
    assert review.milestones["report_accepted_on"] == ACCEPTED_ON


def test_publication_is_due_on_the_planned_date_then_on_the_actual_one() -> None:
    review = publication_decided()
    assert review.stage is Stage.PUBLICATION_DECIDED
    assert review.milestones["publication_due_on"] == date(2010, 7, 27)
    publish(review, date(2010, 7, 30))
    assert review.stage is Stage.PUBLISHED
    assert review.milestones["published_on"] == date(2010, 7, 30)
    assert review.milestones["publication_due_on"] == date(2010, 7, 30)


def test_a_decision_not_to_publish_sets_no_publication_due_date() -> None:
    review = publication_decided(PublicationOption.NOT_PUBLISHED)
    assert "publication_due_on" not in review.milestones


def test_publication_is_allowed_after_the_chair_overrides_a_blocking_hold() -> None:
    # Given a decided publication and an active hold that blocks it
    review = publication_decided()
    hold_id = place_hold(review)
    # When the chair records an override with a rationale
    review.override_hold_for_publication(
        chair(), hold_id=hold_id, rationale="Prosecution only being considered", decided_on=date(2010, 7, 1)
    )
    # Then publication goes ahead, and the hold stays active (its days still count), marked overridden
    publish(review)
    assert review.stage is Stage.PUBLISHED
    assert [(h.active, h.overridden) for h in review.holds.values()] == [(True, True)]


def test_a_hold_that_does_not_block_publication_or_is_lifted_does_not_stop_it() -> None:
    review = publication_decided()
    place_hold(review, blocks=False)
    lifted = place_hold(review)
    review.lift_legal_hold(ctx(), hold_id=lifted, lifted_on=date(2010, 3, 2), outcome="Sentenced")
    publish(review)
    assert review.stage is Stage.PUBLISHED
    assert [h.blocks_publication for h in review.active_holds] == [False]


@pytest.mark.parametrize("regime", [Regime.CSPR_2018, Regime.CSPR_2023])
def test_a_cspr_may_publish_improvements_information_only(regime: Regime) -> None:
    review = publication_decided(PublicationOption.IMPROVEMENTS_ONLY, regime)
    publish(review)
    assert (review.stage, review.publication_option) == (Stage.PUBLISHED, PublicationOption.IMPROVEMENTS_ONLY)


def test_pre_publication_copies_meet_their_milestone_when_every_required_recipient_has_one() -> None:
    review = publication_decided()
    review.send_pre_publication_copies(ctx(), recipients=(Recipient.OFSTED,), sent_on=date(2010, 7, 15))
    assert "pre_publication_copy_sent_on" not in review.milestones  # DfE has none yet
    review.send_pre_publication_copies(ctx(), recipients=(Recipient.DFE,), sent_on=date(2010, 7, 19))
    review.send_pre_publication_copies(ctx(), recipients=(Recipient.OFSTED,), sent_on=date(2010, 7, 20))
    assert review.milestones["pre_publication_copy_sent_on"] == date(2010, 7, 19)


@pytest.mark.parametrize(
    ("build", "stage"),
    [
        (notified, Stage.NOTIFIED),
        (initiated, Stage.INITIATED),
        (accepted, Stage.REPORT_ACCEPTED),
        (publication_decided, Stage.PUBLICATION_DECIDED),
    ],
)
def test_closing_then_reopening_restores_the_stage_the_review_was_at(
    build: Callable[[], CaseReview], stage: Stage
) -> None:
    review = build()
    review.close(chair(), on=date(2012, 7, 27), reason="Actions monitored")
    assert review.stage is Stage.CLOSED
    review.reopen(chair(), on=date(2012, 8, 1), reason="Rated inadequate by Ofsted")
    assert review.stage is stage


def test_a_reopened_review_carries_on_from_its_stage() -> None:
    review = initiated()
    review.close(chair(), on=date(2008, 6, 1), reason="Paused")
    review.reopen(chair(), on=date(2008, 6, 2), reason="Resumed")
    review.make_recommendation(ctx(), ref="R1", text="Checks", scope=RecommendationScope.LOCAL)
    assert review.recommendations == {"R1": RecommendationScope.LOCAL}


@pytest.mark.parametrize(
    ("role", "category"),
    [(ReviewerRole.OVERVIEW_AUTHOR, CostCategory.LEAD_REVIEWER), (ReviewerRole.PANEL_CHAIR, CostCategory.PANEL_CHAIR)],
)
def test_a_reviewers_contract_value_is_a_commitment_in_the_ledger(role: ReviewerRole, category: CostCategory) -> None:
    review = initiated()
    reviewer_id = review.commission_reviewer(
        ctx(),
        name="C. Chair",
        role=role,
        procurement_route=ProcurementRoute.TENDER,
        contract_value_pence=900_000,
        independence_declared=True,
        commissioned_on=date(2008, 6, 12),
    )
    assert review.reviewers == {reviewer_id: "C. Chair"}
    (entry,) = review.cost_entries.values()
    assert (entry.entry, entry.category, entry.amount_pence, entry.paying_agency) == (
        CostEntryKind.COMMITMENT,
        category,
        900_000,
        "board",
    )


def test_a_matching_reversal_marks_its_entry_reversed() -> None:
    review, invoice = invoiced()
    reverse(review, invoice)
    assert review.cost_entries[invoice].reversed
    assert list(review.cost_entries) == [invoice]


def test_an_agency_report_is_requested_then_received_or_declined() -> None:
    review = initiated()
    due = date(2026, 12, 31)
    police = review.request_agency_report(ctx(), agency="police", kind=AgencyReportKind.IMR, due_on=due)
    school = review.request_agency_report(ctx(), agency="school", kind=AgencyReportKind.CHRONOLOGY, due_on=due)
    review.receive_agency_report(ctx(), report_id=police, on=date(2026, 11, 27))
    review.decline_agency_report(ctx(), report_id=school, on=date(2026, 11, 27), reason="Records destroyed")
    assert review.agency_reports == {police: "received", school: "declined"}


def test_recommendations_may_be_made_after_publication() -> None:
    review = publication_decided()
    publish(review)
    review.make_recommendation(ctx(), ref="R9", text="National guidance", scope=RecommendationScope.NATIONAL)
    assert "R9" in review.recommendations
