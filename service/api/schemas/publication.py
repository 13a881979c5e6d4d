"""A review's publication: the decision, the risk, an override of a hold, copies, publication."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import Field

from domain.review import CaseReview
from domain.values import (
    PublicationOption,
    Recipient,
    RiskLevel,
)
from service.api.schemas.common import SHA256, Body, Sender, Text, example
from service.application import CommandResult


class PublicationDecision(Body):
    model_config = example(
        {
            "option": "anonymised",
            "rationale": "Public interest in the learning; the child's siblings protected",
            "planned_on": "2027-08-01",
            "decided_on": "2027-06-15",
        }
    )

    option: PublicationOption
    rationale: str = Text
    planned_on: date | None = None
    decided_on: date

    def send(self, via: Sender, review_id: UUID) -> CommandResult:
        return via.review(
            review_id,
            CaseReview.decide_publication,
            option=self.option,
            rationale=self.rationale,
            planned_on=self.planned_on,
            decided_on=self.decided_on,
        )


class RiskAssessment(Body):
    model_config = example(
        {
            "reputational_risk": "high",
            "media_interest": "National press interest after the trial",
            "communications_plan": "Joint statement by the partners",
            "assessed_on": "2027-07-01",
        }
    )

    reputational_risk: RiskLevel
    media_interest: str = Text
    communications_plan: str = Text
    assessed_on: date

    def send(self, via: Sender, review_id: UUID) -> CommandResult:
        return via.review(
            review_id,
            CaseReview.assess_risk,
            reputational_risk=self.reputational_risk,
            media_interest=self.media_interest,
            communications_plan=self.communications_plan,
            assessed_on=self.assessed_on,
        )


class PublicationOverride(Body):
    model_config = example(
        {
            "hold_id": "3f2b8e1c-6a4d-4c1e-9f0a-2d7b5e8c9a10",
            "rationale": "Anonymised report agreed with the police and the CPS",
            "decided_on": "2027-07-10",
        }
    )

    hold_id: UUID
    rationale: str = Text
    decided_on: date

    def send(self, via: Sender, review_id: UUID) -> CommandResult:
        return via.review(
            review_id,
            CaseReview.override_hold_for_publication,
            hold_id=self.hold_id,
            rationale=self.rationale,
            decided_on=self.decided_on,
        )


class PrePublicationCopies(Body):
    model_config = example({"recipients": ["ofsted", "dfe"], "sent_on": "2027-07-25"})

    recipients: tuple[Recipient, ...] = Field(min_length=1)
    sent_on: date

    def send(self, via: Sender, review_id: UUID) -> CommandResult:
        return via.review(
            review_id, CaseReview.send_pre_publication_copies, recipients=self.recipients, sent_on=self.sent_on
        )


class Publish(Body):
    model_config = example(
        {
            "url": "https://example.org/dscp-2026-04.pdf",
            "published_on": "2027-08-01",
            "document_sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        }
    )

    url: str = Field(pattern=r"^https?://", max_length=2_000, examples=["https://example.org/report.pdf"])
    published_on: date
    document_sha256: str = SHA256

    def send(self, via: Sender, review_id: UUID) -> CommandResult:
        return via.review(
            review_id,
            CaseReview.publish,
            url=self.url,
            published_on=self.published_on,
            document_sha256=self.document_sha256,
        )
