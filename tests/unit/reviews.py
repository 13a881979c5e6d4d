"""Aggregate-level builders for unit tests: a CaseReview at each stage (Khyra Ishaq's dates), and
`refused`, which checks a refusal's error, code and field and that the aggregate recorded nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest

from domain.base import Aggregate
from domain.deadlines import HoldPeriod, RuleOutcome, evaluate
from domain.errors import DomainError
from domain.review import CaseReview
from domain.values import (
    CostCategory,
    CostEntryKind,
    HoldKind,
    InitiationDecision,
    ProcurementRoute,
    PublicationOption,
    RapidReviewOutcome,
    Regime,
    ReviewerRole,
    RiskLevel,
)
from tests.builders import BOARD, MET_CRITERIA, SHA, TODAY, chair, ctx, notification

RAPID_REVIEW_ON = date(2008, 5, 21)
DECIDED_ON = date(2008, 5, 23)
ACCEPTED_ON = date(2010, 5, 10)


@contextmanager
def refused(aggregate: Aggregate, error: type[DomainError], *, code: str, field: str | None = None) -> Iterator[None]:
    """The block raises `error` with `code` and `field`, and the aggregate records nothing."""
    aggregate.collect_events()
    version = aggregate.version
    with pytest.raises(error) as caught:
        yield
    assert (caught.value.code, caught.value.field) == (code, field)
    assert aggregate.collect_events() == []
    assert aggregate.version == version


def notified(regime: Regime = Regime.SCR_2013, **overrides: Any) -> CaseReview:
    """A review just opened by its notification (the same dates in every regime: the domain does not
    tie a regime to the years it was in force)."""
    return CaseReview.notify(ctx(), board_id=BOARD, **notification(regime=regime, **overrides))


def initiated(
    regime: Regime = Regime.SCR_2013, decision: InitiationDecision = InitiationDecision.INITIATE
) -> CaseReview:
    """A review whose chair has decided (a CSPR after its rapid review)."""
    review = notified(regime)
    if regime.is_cspr:
        review.complete_rapid_review(
            ctx(), completed_on=RAPID_REVIEW_ON, outcome=RapidReviewOutcome.LCSPR, rationale="Joint working"
        )
    review.decide_initiation(
        chair(), criteria=MET_CRITERIA, decision=decision, rationale="Criteria met", decided_on=DECIDED_ON
    )
    return review


def agree_terms(review: CaseReview) -> None:
    review.agree_terms_of_reference(
        ctx(),
        scope_from=date(2006, 1, 1),
        scope_to=date(2008, 5, 17),
        methodology="SCIE Learning Together",
        equality_considerations="Home education",
        agreed_on=date(2008, 6, 10),
    )


def commission(review: CaseReview, *, declared: bool = True, on: date = date(2008, 6, 12)) -> Any:
    return review.commission_reviewer(
        ctx(),
        name="A. Reviewer",
        role=ReviewerRole.OVERVIEW_AUTHOR,
        procurement_route=ProcurementRoute.DIRECT_AWARD,
        contract_value_pence=1_200_000,
        independence_declared=declared,
        commissioned_on=on,
    )


def receive_draft(review: CaseReview) -> None:
    review.receive_draft_report(ctx(), version_label="v1", received_on=date(2009, 11, 2), document_sha256=SHA)


def ready_to_accept(regime: Regime = Regime.SCR_2013) -> CaseReview:
    """An initiated review with terms of reference, a reviewer and a draft."""
    review = initiated(regime)
    agree_terms(review)
    commission(review)
    receive_draft(review)
    return review


def accepted(regime: Regime = Regime.SCR_2013) -> CaseReview:
    """A review whose final report the board accepted on 10 May 2010."""
    review = ready_to_accept(regime)
    review.accept_report(chair(), accepted_on=ACCEPTED_ON, board_response="Accepted in full")
    return review


def publication_decided(
    option: PublicationOption = PublicationOption.FULL, regime: Regime = Regime.SCR_2013, *, risk_assessed: bool = True
) -> CaseReview:
    """An accepted review with the chair's publication decision (and, by default, a risk assessment)."""
    review = accepted(regime)
    review.decide_publication(
        chair(), option=option, rationale="Public interest", planned_on=date(2010, 7, 27), decided_on=date(2010, 6, 1)
    )
    if risk_assessed:
        review.assess_risk(
            ctx(),
            reputational_risk=RiskLevel.HIGH,
            media_interest="National",
            communications_plan="Joint statement",
            assessed_on=date(2010, 6, 20),
        )
        review.check_family_impact(chair(), on=date(2010, 6, 20), family_consulted=True, note="Family met")
    return review


def place_hold(review: CaseReview, *, blocks: bool = True, on: date = date(2008, 6, 1)) -> Any:
    return review.place_legal_hold(
        ctx(), kind=HoldKind.CRIMINAL_PROCEEDINGS, reference="R v Ishaq", blocks_publication=blocks, placed_on=on
    )


def publish(review: CaseReview, on: date = date(2010, 7, 27)) -> None:
    review.publish(ctx(), url="https://example.org/report.pdf", published_on=on, document_sha256=SHA)


def outcomes(review: CaseReview, today: date = TODAY) -> dict[str, RuleOutcome]:
    """The review's deadline outcomes by rule, as domain.deadlines evaluates them from its state."""
    holds = [HoldPeriod(hold.placed_on, hold.lifted_on) for hold in review.holds.values()]
    return {outcome.rule: outcome for outcome in evaluate(review.regime, review.milestones, holds, today)}


def invoiced() -> tuple[CaseReview, int]:
    """An initiated review with one legal-advice invoice of £2,500 paid by the local authority."""
    review = initiated()
    review.record_cost(
        ctx(),
        entry=CostEntryKind.INVOICE,
        category=CostCategory.LEGAL_ADVICE,
        amount_pence=250_000,
        paying_agency="local_authority",
        on=date(2009, 1, 5),
        description="Counsel",
    )
    return review, review.version


def reverse(review: CaseReview, version: int | None, **changes: object) -> None:
    """Reverse the entry at `version` (by default, exactly `invoiced()`'s invoice)."""
    fields: dict[str, object] = {
        "category": CostCategory.LEGAL_ADVICE,
        "amount_pence": 250_000,
        "paying_agency": "local_authority",
    }
    fields.update(changes)
    review.record_cost(
        ctx(),
        entry=CostEntryKind.REVERSAL,
        on=date(2009, 1, 6),
        description="Wrong review",
        reverses_position=99,
        reverses_version=version,
        **fields,  # type: ignore[arg-type]
    )
