"""Learning actions' commands: each body sends its LearningAction command (reopening: common.DatedReason)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import Field

from domain.learning_action import LearningAction
from domain.values import AssuranceOutcome, Rag
from service.api.schemas.common import SHA256, Body, Name, Sender, Text, example
from service.application import CommandResult


class AgreeAction(Body):
    model_config = example(
        {
            "review_id": "5f0c2e4e-8b7a-5d63-9a57-0f6c4d2e9b11",
            "recommendation_ref": "R1",
            "text": "Audit home visits",
            "lead_agency": "health",
            "owner": "Head of health visiting",
            "target_on": "2027-12-31",
            "success_measure": "Audit of 50 cases shows checks recorded",
        }
    )

    review_id: UUID
    recommendation_ref: str = Field(min_length=1, max_length=50, examples=["R1"])
    text: str = Text
    lead_agency: str = Field(min_length=1, max_length=100, examples=["education"])
    owner: str = Name
    target_on: date
    success_measure: str = Text
    agreed_on: date | None = Field(default=None, description="Defaults to today")

    def send(self, via: Sender) -> CommandResult:
        return via.app.agree_action(
            via.ctx,
            review_id=self.review_id,
            recommendation_ref=self.recommendation_ref,
            text=self.text,
            lead_agency=self.lead_agency,
            owner=self.owner,
            target_on=self.target_on,
            success_measure=self.success_measure,
            agreed_on=self.agreed_on,
        )


class Progress(Body):
    model_config = example({"rag": "amber", "note": "Audit half complete", "on": "2027-10-01"})

    rag: Rag
    note: str = Text
    on: date

    def send(self, via: Sender, action_id: UUID) -> CommandResult:
        return via.action(action_id, LearningAction.report_progress, rag=self.rag, note=self.note, on=self.on)


class Evidence(Body):
    model_config = example(
        {
            "description": "Audit report",
            "document_sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "on": "2027-11-15",
        }
    )

    description: str = Text
    document_sha256: str = SHA256
    on: date

    def send(self, via: Sender, action_id: UUID) -> CommandResult:
        return via.action(
            action_id,
            LearningAction.add_evidence,
            description=self.description,
            document_sha256=self.document_sha256,
            on=self.on,
        )


class NewTarget(Body):
    model_config = example({"target_on": "2028-03-31", "reason": "Audit delayed by staff shortages"})

    target_on: date
    reason: str = Text

    def send(self, via: Sender, action_id: UUID) -> CommandResult:
        return via.action(action_id, LearningAction.change_target, target_on=self.target_on, reason=self.reason)


class ClaimCompletion(Body):
    model_config = example({"on": "2028-03-01", "note": "Audit complete; checks in place"})

    on: date
    note: str = Text

    def send(self, via: Sender, action_id: UUID) -> CommandResult:
        return via.action(action_id, LearningAction.claim_completion, on=self.on, note=self.note)


class AssureCompletion(Body):
    model_config = example({"outcome": "assured", "on": "2028-03-20", "note": "Audit evidence seen by the board"})

    outcome: AssuranceOutcome
    on: date
    note: str = Text

    def send(self, via: Sender, action_id: UUID) -> CommandResult:
        return via.action(action_id, LearningAction.assess_completion, outcome=self.outcome, on=self.on, note=self.note)
