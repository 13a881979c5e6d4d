"""A learning action: progress, evidence, target changes, completion claimed and assured, reopening."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from uuid import uuid4

import pytest

from domain.errors import DateInFuture, InvalidTransition, InvalidValue, RationaleRequired
from domain.learning_action import ActionStatus, LearningAction
from domain.values import AssuranceOutcome, Rag, Role
from tests.builders import BOARD, SHA, TODAY, ctx
from tests.unit.reviews import refused

ON = date(2011, 2, 1)
Build = Callable[[], LearningAction]


def agreed() -> LearningAction:
    return LearningAction.agree(
        ctx(),
        review_id=uuid4(),
        board_id=BOARD,
        recommendation_ref="R1",
        text="Audit home education checks",
        lead_agency="education",
        owner="Head of EHE",
        target_on=date(2011, 3, 31),
        success_measure="All children checked",
    )


def claimed() -> LearningAction:
    action = agreed()
    action.claim_completion(ctx(Role.AGENCY_LEAD, agency="education"), on=ON, note="Done")
    return action


def assured() -> LearningAction:
    action = claimed()
    action.assess_completion(ctx(), outcome=AssuranceOutcome.ASSURED, on=ON, note="Evidence seen")
    return action


def test_an_agreed_action_is_open_with_no_rag_and_is_agreed_today() -> None:
    action = agreed()
    (event,) = action.collect_events()
    assert (action.status, action.rag, action.lead_agency, action.target_on) == (
        ActionStatus.OPEN,
        None,
        "education",
        date(2011, 3, 31),
    )
    assert event.effective_on == TODAY


def test_progress_sets_the_rag_status() -> None:
    action = agreed()
    action.report_progress(ctx(), rag=Rag.RED, note="Stalled", on=ON)
    action.report_progress(ctx(), rag=Rag.AMBER, note="Moving", on=ON)
    assert action.rag is Rag.AMBER


def test_a_new_target_records_the_previous_one_and_the_reason() -> None:
    action = agreed()
    action.collect_events()
    action.change_target(ctx(), target_on=date(2011, 6, 30), reason=" Waiting for audit ")
    (event,) = action.collect_events()
    assert action.target_on == date(2011, 6, 30)
    assert (event.previous_target_on, event.rationale) == (date(2011, 3, 31), "Waiting for audit")


def test_completion_is_claimed_then_assured() -> None:
    assert claimed().status is ActionStatus.COMPLETED
    assert assured().status is ActionStatus.ASSURED


def test_a_rejected_completion_reopens_the_action() -> None:
    action = claimed()
    action.assess_completion(ctx(), outcome=AssuranceOutcome.REJECTED, on=ON, note="No evidence")
    assert action.status is ActionStatus.OPEN
    action.report_progress(ctx(), rag=Rag.RED, note="Back to work", on=ON)


@pytest.mark.parametrize("build", [claimed, assured])
def test_a_completed_or_assured_action_can_be_reopened_with_a_reason(build: Build) -> None:
    action = build()
    action.reopen(ctx(), on=ON, reason="Ofsted found gaps")
    assert action.status is ActionStatus.OPEN


def test_evidence_may_be_added_whatever_the_status() -> None:
    action = assured()
    action.collect_events()
    action.add_evidence(ctx(), description="Audit report", document_sha256=SHA, on=ON)
    (event,) = action.collect_events()
    assert event.document_sha256 == SHA


@pytest.mark.parametrize(
    ("build", "command", "fields"),
    [
        (claimed, "report_progress", {"rag": Rag.GREEN, "note": "", "on": ON}),
        (claimed, "claim_completion", {"on": ON, "note": "Again"}),
        (assured, "change_target", {"target_on": date(2012, 1, 1), "reason": "Later"}),
        (agreed, "assess_completion", {"outcome": AssuranceOutcome.ASSURED, "on": ON, "note": "Seen"}),
        (assured, "assess_completion", {"outcome": AssuranceOutcome.REJECTED, "on": ON, "note": "Again"}),
        (agreed, "reopen", {"on": ON, "reason": "Already open"}),
    ],
    ids=[
        "progress-after-claim",
        "claim-twice",
        "target-after-assurance",
        "assure-unclaimed",
        "assure-twice",
        "reopen-open",
    ],
)
def test_a_step_that_does_not_fit_the_actions_status_is_an_invalid_transition(
    build: Build, command: str, fields: dict[str, object]
) -> None:
    action = build()
    with refused(action, InvalidTransition, code="invalid_transition"):
        getattr(action, command)(ctx(), **fields)


def test_a_new_target_equal_to_the_current_one_is_refused() -> None:
    action = agreed()
    with refused(action, InvalidValue, code="validation_error", field="target_on"):
        action.change_target(ctx(), target_on=date(2011, 3, 31), reason="Same")


@pytest.mark.parametrize(
    ("build", "command", "fields", "field"),
    [
        (agreed, "change_target", {"target_on": date(2012, 1, 1), "reason": ""}, "reason"),
        (claimed, "assess_completion", {"outcome": AssuranceOutcome.REJECTED, "on": ON, "note": " "}, "note"),
        (assured, "reopen", {"on": ON, "reason": ""}, "reason"),
    ],
    ids=["target", "assurance", "reopening"],
)
def test_a_target_change_assurance_or_reopening_without_a_reason_is_refused(
    build: Build, command: str, fields: dict[str, object], field: str
) -> None:
    action = build()
    with refused(action, RationaleRequired, code="rationale_required", field=field):
        getattr(action, command)(ctx(), **fields)


@pytest.mark.parametrize(
    ("build", "command", "fields"),
    [
        (agreed, "report_progress", {"rag": Rag.GREEN, "note": ""}),
        (agreed, "add_evidence", {"description": "Audit", "document_sha256": SHA}),
        (agreed, "claim_completion", {"note": ""}),
        (claimed, "assess_completion", {"outcome": AssuranceOutcome.ASSURED, "note": "Seen"}),
        (assured, "reopen", {"reason": "Gaps"}),
    ],
    ids=["progress", "evidence", "claim", "assurance", "reopening"],
)
def test_an_action_dated_after_today_is_refused(build: Build, command: str, fields: dict[str, object]) -> None:
    action = build()
    with refused(action, DateInFuture, code="date_in_future", field="on"):
        getattr(action, command)(ctx(), on=TODAY + timedelta(days=1), **fields)


def test_evidence_whose_hash_is_not_sha256_is_refused_naming_the_field() -> None:
    action = agreed()
    with refused(action, InvalidValue, code="validation_error", field="document_sha256"):
        action.add_evidence(ctx(), description="Audit", document_sha256="not-a-hash", on=ON)
