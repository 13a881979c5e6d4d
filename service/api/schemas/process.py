"""The process as it really runs (API.md, second wave): reconsideration, revisions, withdrawal, links, extensions."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import Field

from domain.review import CaseReview
from domain.review_values import Criteria
from domain.values import (
    CloseOutcome,
    Evaluator,
    ExtensionAgreedWith,
    InitiationDecision,
    LinkKind,
    Rating,
    ReconsiderationReason,
    WithdrawalReason,
)
from service.api.schemas.common import SHA256, Body, Name, Sender, Text, example
from service.application import CommandResult

__all__ = [
    "CloseReview",
    "Evaluation",
    "Extension",
    "NspccDeposit",
    "Reconsideration",
    "ReportRevision",
    "Republication",
    "ReviewLink",
    "Withdrawal",
]

_URL = Field(pattern=r"^https?://", max_length=2_000, examples=["https://example.org/report-v2.pdf"])


class Reconsideration(Body):
    model_config = example(
        {
            "decision": "initiate",
            "criteria": {
                "abuse_or_neglect": True,
                "died": True,
                "seriously_harmed": False,
                "concern_about_joint_working": True,
            },
            "reason": "panel_disagreed",
            "rationale": "The Panel advised that the criteria are met; the chair agrees",
            "decided_on": "2014-03-04",
        }
    )

    decision: InitiationDecision
    criteria: Criteria
    reason: ReconsiderationReason
    rationale: str = Text
    decided_on: date

    def send(self, via: Sender, review_id: UUID) -> CommandResult:
        return via.review(
            review_id,
            CaseReview.reconsider_initiation,
            decision=self.decision,
            criteria=self.criteria,
            reason=self.reason,
            rationale=self.rationale,
            decided_on=self.decided_on,
        )


class ReportRevision(Body):
    model_config = example(
        {
            "version_label": "v3 (re-submitted)",
            "received_on": "2009-02-27",
            "document_sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "reason": "Re-submitted after Ofsted rated the report inadequate",
        }
    )

    version_label: str = Field(min_length=1, max_length=100)
    received_on: date
    document_sha256: str = SHA256
    reason: str = Text

    def send(self, via: Sender, review_id: UUID) -> CommandResult:
        return via.review(
            review_id,
            CaseReview.revise_report,
            version_label=self.version_label,
            received_on=self.received_on,
            document_sha256=self.document_sha256,
            reason=self.reason,
        )


class Withdrawal(Body):
    model_config = example(
        {"withdrawn_on": "2014-05-01", "reason": "factual_error", "rationale": "A date in section 3 was wrong"}
    )

    withdrawn_on: date
    reason: WithdrawalReason
    rationale: str = Text

    def send(self, via: Sender, review_id: UUID) -> CommandResult:
        return via.review(
            review_id,
            CaseReview.withdraw_report,
            withdrawn_on=self.withdrawn_on,
            reason=self.reason,
            rationale=self.rationale,
        )


class Republication(Body):
    model_config = example(
        {
            "url": "https://example.org/report-v2.pdf",
            "published_on": "2014-06-02",
            "document_sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "reason": "Corrected version",
        }
    )

    url: str = _URL
    published_on: date
    document_sha256: str = SHA256
    reason: str = Text

    def send(self, via: Sender, review_id: UUID) -> CommandResult:
        return via.review(
            review_id,
            CaseReview.republish,
            url=self.url,
            published_on=self.published_on,
            document_sha256=self.document_sha256,
            reason=self.reason,
        )


class NspccDeposit(Body):
    model_config = example({"deposited_on": "2013-10-01", "reference": "NSPCC-2013-0412"})

    deposited_on: date
    reference: str = Name

    def send(self, via: Sender, review_id: UUID) -> CommandResult:
        return via.review(
            review_id, CaseReview.deposit_with_nspcc, deposited_on=self.deposited_on, reference=self.reference
        )


class Evaluation(Body):
    model_config = example(
        {"evaluator": "ofsted", "rating": "inadequate", "evaluated_on": "2008-09-04", "summary": "Lacked analysis"}
    )

    evaluator: Evaluator
    rating: Rating
    evaluated_on: date
    summary: str = Field(default="", max_length=10_000)

    def send(self, via: Sender, review_id: UUID) -> CommandResult:
        return via.review(
            review_id,
            CaseReview.record_evaluation,
            evaluator=self.evaluator,
            rating=self.rating,
            evaluated_on=self.evaluated_on,
            summary=self.summary,
        )


class ReviewLink(Body):
    model_config = example(
        {"kind": "joint_dhr", "external_ref": "DHR-2024-07", "linked_on": "2024-05-01", "note": "Joint panel"}
    )

    kind: LinkKind
    other_review_id: UUID | None = None
    external_ref: str | None = Field(default=None, min_length=1, max_length=200)
    linked_on: date
    note: str = Field(default="", max_length=10_000)

    def send(self, via: Sender, review_id: UUID) -> CommandResult:
        # Through the application: a review of this service must exist and be the caller's to see.
        return via.app.link_review(
            via.ctx,
            review_id,
            kind=self.kind,
            other_review_id=self.other_review_id,
            external_ref=self.external_ref,
            linked_on=self.linked_on,
            note=self.note,
            expected_version=via.expected_version,
        )


class CloseReview(Body):
    model_config = example({"on": "2028-08-01", "reason": "Action plan assured by the board", "outcome": "completed"})

    on: date
    reason: str = Text
    outcome: CloseOutcome = CloseOutcome.COMPLETED

    def send(self, via: Sender, review_id: UUID) -> CommandResult:
        return via.review(review_id, CaseReview.close, on=self.on, reason=self.reason, outcome=self.outcome)


class Extension(Body):
    model_config = example(
        {
            "rule": "complete_and_publish",
            "new_due_on": "2021-03-31",
            "agreed_with": "national_panel",
            "reason": "COVID-19: agencies could not release staff",
            "agreed_on": "2020-11-02",
        }
    )

    rule: str = Field(min_length=1, max_length=100)
    new_due_on: date
    agreed_with: ExtensionAgreedWith
    reason: str = Text
    agreed_on: date

    def send(self, via: Sender, review_id: UUID) -> CommandResult:
        return via.review(
            review_id,
            CaseReview.agree_extension,
            rule=self.rule,
            new_due_on=self.new_due_on,
            agreed_with=self.agreed_with,
            reason=self.reason,
            agreed_on=self.agreed_on,
        )
