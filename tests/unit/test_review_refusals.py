"""Every refusal of the review process: its error, stable code and field, and nothing recorded."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from domain.errors import (
    AlreadyResolved,
    Duplicate,
    IndependenceNotDeclared,
    InvalidTransition,
    InvalidValue,
    LegalHoldActive,
    NotApplicableToRegime,
    NotFound,
    PreconditionMissing,
    RationaleRequired,
    ReversalMismatch,
    UnknownReference,
)
from domain.values import (
    AgencyReportKind,
    CostCategory,
    CostEntryKind,
    InitiationDecision,
    NotificationSubject,
    PanelView,
    PublicationOption,
    RapidReviewOutcome,
    Recipient,
    RecommendationScope,
    Regime,
    Stage,
)
from tests.builders import MET_CRITERIA, SHA, chair, ctx
from tests.unit.reviews import (
    accepted,
    agree_terms,
    commission,
    initiated,
    invoiced,
    notified,
    place_hold,
    publication_decided,
    publish,
    ready_to_accept,
    receive_draft,
    refused,
    reverse,
)

# ---- the process: a step before its time -----------------------------------------------------


def test_commissioning_a_reviewer_before_initiation_is_an_invalid_transition() -> None:
    review = notified()
    with refused(review, InvalidTransition, code="invalid_transition"):
        commission(review)


def test_commissioning_a_reviewer_after_a_decision_not_to_review_is_an_invalid_transition() -> None:
    review = initiated(decision=InitiationDecision.NO_REVIEW)
    with refused(review, InvalidTransition, code="invalid_transition"):
        commission(review)


@pytest.mark.parametrize(
    ("missing", "code"),
    [("terms", "terms_of_reference_required"), ("draft", "draft_report_required")],
)
def test_accepting_the_report_without_each_required_step_names_the_missing_step(missing: str, code: str) -> None:
    # Given an initiated review with every prerequisite but one (a draft needs a reviewer: always commissioned)
    review = initiated()
    for step, record in (("terms", agree_terms), ("reviewer", commission), ("draft", receive_draft)):
        if step != missing:
            record(review)
    # When the chair accepts the report, then the missing step is named
    with refused(review, PreconditionMissing, code=code):
        review.accept_report(chair(), accepted_on=date(2010, 5, 10), board_response="")


def test_accepting_a_report_of_a_review_never_initiated_is_an_invalid_transition() -> None:
    review = notified()
    with refused(review, InvalidTransition, code="invalid_transition"):
        review.accept_report(chair(), accepted_on=date(2010, 5, 10), board_response="")


def test_publishing_before_a_publication_decision_is_refused() -> None:
    review = accepted()
    with refused(review, PreconditionMissing, code="publication_not_decided"):
        publish(review)


def test_publishing_without_a_risk_assessment_is_refused() -> None:
    review = publication_decided(risk_assessed=False)
    with refused(review, PreconditionMissing, code="risk_assessment_required"):
        publish(review)


def test_publishing_after_a_decision_not_to_publish_is_an_invalid_transition() -> None:
    review = publication_decided(PublicationOption.NOT_PUBLISHED)
    with refused(review, InvalidTransition, code="invalid_transition"):
        publish(review)


def test_publishing_twice_is_an_invalid_transition() -> None:
    review = publication_decided()
    publish(review)
    with refused(review, InvalidTransition, code="invalid_transition"):
        publish(review)


def test_deciding_publication_before_the_report_is_accepted_is_an_invalid_transition() -> None:
    review = ready_to_accept()
    with refused(review, InvalidTransition, code="invalid_transition"):
        review.decide_publication(
            chair(), option=PublicationOption.FULL, rationale="Why", planned_on=None, decided_on=date(2010, 6, 1)
        )


def test_a_second_initiation_decision_is_an_invalid_transition() -> None:
    review = initiated()
    with refused(review, InvalidTransition, code="invalid_transition"):
        review.decide_initiation(
            chair(),
            criteria=MET_CRITERIA,
            decision=InitiationDecision.NO_REVIEW,
            rationale="Changed mind",
            decided_on=date(2008, 6, 1),
        )


def test_telling_the_panel_of_a_decision_not_to_initiate_before_it_is_made_is_refused() -> None:
    review = notified()
    with refused(review, InvalidTransition, code="invalid_transition"):
        review.notify_panel(
            ctx(),
            recipients=(Recipient.NATIONAL_PANEL,),
            subject=NotificationSubject.NOT_INITIATING,
            sent_on=date(2008, 6, 1),
        )


@pytest.mark.parametrize("send", ["notify_panel", "send_pre_publication_copies"])
def test_a_message_to_no_recipient_is_refused(send: str) -> None:
    review = publication_decided()
    subject = {"subject": NotificationSubject.DELAY} if send == "notify_panel" else {}
    with refused(review, InvalidValue, code="validation_error", field="recipients"):
        getattr(review, send)(ctx(), recipients=(), sent_on=date(2010, 7, 1), **subject)


def test_pre_publication_copies_before_the_publication_decision_are_an_invalid_transition() -> None:
    review = accepted()
    with refused(review, InvalidTransition, code="invalid_transition"):
        review.send_pre_publication_copies(ctx(), recipients=(Recipient.OFSTED,), sent_on=date(2010, 7, 1))


# ---- legal holds and publication ----------------------------------------------------------------


def test_publishing_while_a_blocking_hold_is_active_and_not_overridden_is_refused() -> None:
    review = publication_decided()
    place_hold(review)
    with refused(review, LegalHoldActive, code="legal_hold_active"):
        publish(review)


def test_overriding_a_hold_the_review_does_not_have_names_the_hold() -> None:
    review = publication_decided()
    with refused(review, UnknownReference, code="unknown_reference", field="hold_id"):
        review.override_hold_for_publication(chair(), hold_id=uuid4(), rationale="Why", decided_on=date(2010, 7, 1))


def test_overriding_a_hold_that_does_not_block_publication_is_an_invalid_transition() -> None:
    review = publication_decided()
    hold_id = place_hold(review, blocks=False)
    with refused(review, InvalidTransition, code="invalid_transition"):
        review.override_hold_for_publication(chair(), hold_id=hold_id, rationale="Why", decided_on=date(2010, 7, 1))


def test_overriding_a_lifted_hold_is_an_invalid_transition() -> None:
    review = publication_decided()
    hold_id = place_hold(review)
    review.lift_legal_hold(ctx(), hold_id=hold_id, lifted_on=date(2010, 3, 2), outcome="Sentenced")
    with refused(review, InvalidTransition, code="invalid_transition"):
        review.override_hold_for_publication(chair(), hold_id=hold_id, rationale="Why", decided_on=date(2010, 7, 1))


def test_overriding_a_hold_twice_is_already_resolved() -> None:
    review = publication_decided()
    hold_id = place_hold(review)
    review.override_hold_for_publication(chair(), hold_id=hold_id, rationale="Why", decided_on=date(2010, 7, 1))
    with refused(review, AlreadyResolved, code="already_resolved"):
        review.override_hold_for_publication(chair(), hold_id=hold_id, rationale="Again", decided_on=date(2010, 7, 2))


def test_overriding_a_hold_without_a_rationale_is_refused() -> None:
    review = publication_decided()
    hold_id = place_hold(review)
    with refused(review, RationaleRequired, code="rationale_required", field="rationale"):
        review.override_hold_for_publication(chair(), hold_id=hold_id, rationale=" ", decided_on=date(2010, 7, 1))


def test_overriding_a_hold_before_the_report_is_accepted_is_an_invalid_transition() -> None:
    review = initiated()
    hold_id = place_hold(review)
    with refused(review, InvalidTransition, code="invalid_transition"):
        review.override_hold_for_publication(chair(), hold_id=hold_id, rationale="Why", decided_on=date(2010, 7, 1))


def test_lifting_a_hold_the_review_does_not_have_is_not_found() -> None:
    review = initiated()
    with refused(review, NotFound, code="not_found"):
        review.lift_legal_hold(ctx(), hold_id=uuid4(), lifted_on=date(2010, 3, 2), outcome="")


def test_lifting_a_hold_twice_is_already_resolved() -> None:
    review = initiated()
    hold_id = place_hold(review)
    review.lift_legal_hold(ctx(), hold_id=hold_id, lifted_on=date(2010, 3, 2), outcome="Sentenced")
    with refused(review, AlreadyResolved, code="already_resolved"):
        review.lift_legal_hold(ctx(), hold_id=hold_id, lifted_on=date(2010, 3, 3), outcome="Again")


def test_a_hold_cannot_be_placed_on_a_closed_review() -> None:
    review = notified()
    review.close(chair(), on=date(2008, 6, 1), reason="Merged with another notification")
    with refused(review, InvalidTransition, code="invalid_transition"):
        place_hold(review, on=date(2008, 6, 2))


# ---- reviewers, agency reports, recommendations ------------------------------------------------


def test_a_reviewer_without_an_independence_declaration_is_refused() -> None:
    review = initiated()
    with refused(review, IndependenceNotDeclared, code="independence_not_declared", field="independence_declared"):
        commission(review, declared=False)


def test_receiving_an_agency_report_never_requested_is_not_found() -> None:
    review = initiated()
    with refused(review, NotFound, code="not_found"):
        review.receive_agency_report(ctx(), report_id=uuid4(), on=date(2008, 8, 1))


@pytest.mark.parametrize("first", ["receive", "decline"])
def test_an_agency_report_already_received_or_declined_cannot_be_resolved_again(first: str) -> None:
    review = initiated()
    report_id = review.request_agency_report(ctx(), agency="police", kind=AgencyReportKind.IMR, due_on=date(2027, 1, 1))
    if first == "receive":
        review.receive_agency_report(ctx(), report_id=report_id, on=date(2026, 11, 27))
    else:
        review.decline_agency_report(ctx(), report_id=report_id, on=date(2026, 11, 27), reason="No records")
    with refused(review, AlreadyResolved, code="already_resolved"):
        review.decline_agency_report(ctx(), report_id=report_id, on=date(2026, 11, 27), reason="Again")


def test_declining_an_agency_report_without_a_reason_is_refused() -> None:
    review = initiated()
    report_id = review.request_agency_report(ctx(), agency="police", kind=AgencyReportKind.IMR, due_on=date(2027, 1, 1))
    with refused(review, RationaleRequired, code="rationale_required", field="reason"):
        review.decline_agency_report(ctx(), report_id=report_id, on=date(2026, 11, 27), reason="")


def test_a_recommendation_reference_used_twice_is_a_duplicate() -> None:
    review = initiated()
    review.make_recommendation(ctx(), ref="R1", text="Checks", scope=RecommendationScope.LOCAL)
    with refused(review, Duplicate, code="duplicate", field="ref"):
        review.make_recommendation(ctx(), ref="R1", text="Other", scope=RecommendationScope.LOCAL)


def test_a_recommendation_before_initiation_is_an_invalid_transition() -> None:
    review = notified()
    with refused(review, InvalidTransition, code="invalid_transition"):
        review.make_recommendation(ctx(), ref="R1", text="Checks", scope=RecommendationScope.LOCAL)


# ---- the ledger ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [{"amount_pence": 250_001}, {"category": CostCategory.OTHER}, {"paying_agency": "police"}],
    ids=["amount", "category", "agency"],
)
def test_a_reversal_that_differs_from_its_entry_is_a_mismatch(changes: dict[str, object]) -> None:
    review, version = invoiced()
    with refused(review, ReversalMismatch, code="reversal_mismatch", field="amount_pence"):
        reverse(review, version, **changes)


def test_a_reversal_of_an_entry_that_does_not_exist_is_a_mismatch() -> None:
    review, version = invoiced()
    with refused(review, ReversalMismatch, code="reversal_mismatch", field="reverses"):
        reverse(review, version - 1)  # the initiation decision: not a ledger entry


def test_a_reversal_naming_no_entry_is_a_mismatch() -> None:
    review, _ = invoiced()
    with refused(review, ReversalMismatch, code="reversal_mismatch", field="reverses"):
        reverse(review, None)


def test_reversing_an_entry_twice_is_a_mismatch() -> None:
    review, version = invoiced()
    reverse(review, version)
    with refused(review, ReversalMismatch, code="reversal_mismatch", field="reverses"):
        reverse(review, version)


def test_an_entry_that_is_not_a_reversal_cannot_name_one() -> None:
    review, version = invoiced()
    with refused(review, InvalidValue, code="validation_error", field="reverses"):
        review.record_cost(
            ctx(),
            entry=CostEntryKind.PAYMENT,
            category=CostCategory.LEGAL_ADVICE,
            amount_pence=250_000,
            paying_agency="local_authority",
            on=date(2009, 2, 1),
            description="Paid",
            reverses_position=99,
            reverses_version=version,
        )


def test_a_ledger_entry_of_no_money_is_refused_naming_the_field() -> None:
    review = initiated()
    with refused(review, InvalidValue, code="validation_error", field="amount_pence"):
        review.record_cost(
            ctx(),
            entry=CostEntryKind.INVOICE,
            category=CostCategory.OTHER,
            amount_pence=0,
            paying_agency="board",
            on=date(2009, 2, 1),
            description="",
        )


def test_a_document_hash_that_is_not_sha256_is_refused_naming_the_field() -> None:
    review = initiated()
    commission(review)
    with refused(review, InvalidValue, code="validation_error", field="document_sha256"):
        review.receive_draft_report(ctx(), version_label="v1", received_on=date(2009, 11, 2), document_sha256=SHA[:-1])


# ---- decisions need reasons; regimes have their own steps ---------------------------------------


def test_an_initiation_decision_with_a_blank_rationale_is_refused() -> None:
    review = notified()
    with refused(review, RationaleRequired, code="rationale_required", field="rationale"):
        review.decide_initiation(
            chair(),
            criteria=MET_CRITERIA,
            decision=InitiationDecision.NO_REVIEW,
            rationale="  ",
            decided_on=date(2008, 5, 23),
        )


def test_a_publication_decision_with_a_blank_rationale_is_refused() -> None:
    review = accepted()
    with refused(review, RationaleRequired, code="rationale_required", field="rationale"):
        review.decide_publication(
            chair(), option=PublicationOption.FULL, rationale="", planned_on=None, decided_on=date(2010, 6, 1)
        )


def test_a_rapid_review_with_a_blank_rationale_is_refused() -> None:
    review = notified(Regime.CSPR_2018)
    with refused(review, RationaleRequired, code="rationale_required", field="rationale"):
        review.complete_rapid_review(
            ctx(), completed_on=date(2008, 5, 21), outcome=RapidReviewOutcome.LCSPR, rationale=""
        )


@pytest.mark.parametrize("regime", [Regime.SCR_2013, Regime.SCR_2015])
def test_a_rapid_review_in_an_scr_regime_is_not_applicable(regime: Regime) -> None:
    review = notified(regime)
    with refused(review, NotApplicableToRegime, code="not_applicable_to_regime"):
        review.complete_rapid_review(
            ctx(), completed_on=date(2008, 5, 21), outcome=RapidReviewOutcome.LCSPR, rationale="Why"
        )


@pytest.mark.parametrize("regime", [Regime.CSPR_2018, Regime.CSPR_2023])
def test_a_cspr_initiation_decision_without_a_rapid_review_is_an_invalid_transition(regime: Regime) -> None:
    review = notified(regime)
    with refused(review, InvalidTransition, code="invalid_transition"):
        review.decide_initiation(
            chair(),
            criteria=MET_CRITERIA,
            decision=InitiationDecision.INITIATE,
            rationale="Why",
            decided_on=date(2008, 5, 23),
        )


def test_a_second_rapid_review_is_an_invalid_transition() -> None:
    review = initiated(Regime.CSPR_2023)
    with refused(review, InvalidTransition, code="invalid_transition"):
        review.complete_rapid_review(
            ctx(), completed_on=date(2008, 5, 30), outcome=RapidReviewOutcome.NO_REVIEW, rationale="Why"
        )


@pytest.mark.parametrize("regime", [Regime.SCR_2013, Regime.SCR_2015])
def test_publishing_improvements_information_only_in_an_scr_is_not_applicable(regime: Regime) -> None:
    review = accepted(regime)
    with refused(review, NotApplicableToRegime, code="not_applicable_to_regime"):
        review.decide_publication(
            chair(),
            option=PublicationOption.IMPROVEMENTS_ONLY,
            rationale="Why",
            planned_on=None,
            decided_on=date(2010, 6, 1),
        )


# ---- closing and reopening ----------------------------------------------------------------------


def test_reopening_a_review_that_is_open_is_an_invalid_transition() -> None:
    review = accepted()
    with refused(review, InvalidTransition, code="invalid_transition"):
        review.reopen(chair(), on=date(2012, 1, 1), reason="Rated inadequate")


def test_closing_a_closed_review_is_an_invalid_transition() -> None:
    review = accepted()
    review.close(chair(), on=date(2012, 1, 1), reason="Done")
    assert review.stage is Stage.CLOSED
    with refused(review, InvalidTransition, code="invalid_transition"):
        review.close(chair(), on=date(2012, 1, 2), reason="Done again")


@pytest.mark.parametrize("closed", [False, True], ids=["close", "reopen"])
def test_closing_or_reopening_without_a_reason_is_refused(closed: bool) -> None:
    review = accepted()
    if closed:
        review.close(chair(), on=date(2012, 1, 1), reason="Done")
    with refused(review, RationaleRequired, code="rationale_required", field="reason"):
        (review.reopen if closed else review.close)(chair(), on=date(2012, 2, 1), reason="")


def test_panel_advice_on_a_closed_review_is_an_invalid_transition() -> None:
    review = accepted()
    review.close(chair(), on=date(2012, 1, 1), reason="Done")
    with refused(review, InvalidTransition, code="invalid_transition"):
        review.receive_panel_advice(
            ctx(),
            subject=NotificationSubject.INITIATION,
            view=PanelView.AGREED,
            advice="",
            received_on=date(2012, 1, 2),
        )
