"""Builders for records management (issue 13; DOMAIN.md section 9), recorded through the application as the
API records them: redactions and the family-impact check live in tests/builders.py (Khyra Ishaq's review);
here a review kept under a retention class, held by an inquiry, and disposed of once the hold is lifted."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.review import CaseReview
from domain.values import CloseOutcome, InitiationDecision, Regime
from tests.builders import BOARD, UNMET_CRITERIA, admin, chair, ctx, notification


def record_disposed_after_an_inquiry(app: Any, case_ref: str = "OLD-1989") -> Any:
    """A 1989 notification not taken to review, closed on 1 June 1989 under the default class (35 years: due
    1 June 2024); an inquiry's hold on every board from 1 March 1990 to 1 December 2024; disposed of on
    10 January 2025. Returns the review's id."""
    opened = app.open_review(
        ctx(),
        board_id=BOARD,
        **notification(
            case_ref,
            regime=Regime.SCR_2006,
            occurred_on=date(1989, 3, 1),
            la_aware_on=date(1989, 3, 1),
            notified_on=date(1989, 3, 3),
        ),
    )
    rid = opened.id
    app.act_on_review(
        chair(),
        CaseReview.decide_initiation,
        rid,
        criteria=UNMET_CRITERIA,
        decision=InitiationDecision.NO_REVIEW,
        rationale="The criteria are not met",
        decided_on=date(1989, 3, 20),
    )
    app.set_retention_class(chair(), rid, retention_class="safeguarding_review", on=date(1989, 3, 20))
    app.act_on_review(
        chair(), CaseReview.close, rid, on=date(1989, 6, 1), reason="No review", outcome=CloseOutcome.NO_FURTHER_ACTION
    )
    hold = app.place_inquiry_hold(admin(), name="Inquiry into X", boards=None, placed_on=date(1990, 3, 1)).created
    app.lift_inquiry_hold(admin(), hold, lifted_on=date(2024, 12, 1))
    app.dispose(chair(), rid, on=date(2025, 1, 10), rationale="Retention period ended; the inquiry's hold lifted")
    return rid


__all__ = ["record_disposed_after_an_inquiry"]
