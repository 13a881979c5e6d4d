"""Records management (DOMAIN.md section 9): retention classes, inquiry holds, disposal."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field

from domain.identifiers import BoardId
from domain.record_values import RedactionParty, RedactionReason
from domain.review import CaseReview
from service.api.schemas.common import Body, Name, Sender, Text, example
from service.application import CommandResult

__all__ = ["Disposal", "FamilyImpactCheck", "LiftInquiryHold", "PlaceInquiryHold", "Redaction", "RetentionClassChoice"]


class Redaction(Body):
    """A redaction decision before publication: what, why, and whom it was agreed with (may be none)."""

    model_config = example(
        {
            "item": "Paragraph 4.2: the name of the child's school",
            "reason": "identifies_child",
            "agreed_with": ["police", "family"],
            "decided_on": "2016-10-20",
        }
    )

    item: str = Field(min_length=1, max_length=500)
    reason: RedactionReason
    agreed_with: list[RedactionParty] = Field(default_factory=list, max_length=len(RedactionParty))
    decided_on: date

    def send(self, via: Sender, review_id: UUID) -> CommandResult:
        return via.review(
            review_id,
            CaseReview.record_redaction,
            item=self.item,
            reason=self.reason,
            agreed_with=tuple(self.agreed_with),
            decided_on=self.decided_on,
        )


class FamilyImpactCheck(Body):
    """The family-impact check (chair): publication in full or anonymised is refused until it is recorded."""

    model_config = example({"on": "2016-10-25", "family_consulted": True, "note": "Mother and grandmother met"})

    on: date
    family_consulted: bool
    note: str = Field(default="", max_length=10_000)

    def send(self, via: Sender, review_id: UUID) -> CommandResult:
        return via.review(
            review_id,
            CaseReview.check_family_impact,
            on=self.on,
            family_consulted=self.family_consulted,
            note=self.note,
        )


class RetentionClassChoice(Body):
    """The retention class the review is kept under (a code of GET /retention-classes)."""

    model_config = example({"retention_class": "looked_after_child", "on": "2027-01-15"})

    retention_class: str = Field(min_length=1, max_length=100, examples=["safeguarding_review"])
    on: date

    def send(self, via: Sender, review_id: UUID) -> CommandResult:
        return via.app.set_retention_class(
            via.ctx, review_id, retention_class=self.retention_class, on=self.on, expected_version=via.expected_version
        )


class Disposal(Body):
    """Dispose of the review's personal data: it must be closed, past its class's years after closure, and
    under no inquiry hold covering its board (409 otherwise: `invalid_transition`,
    `retention_period_not_ended`, `inquiry_hold_active`). The disposal record outlives the personal data:
    its rationale must name no one."""

    model_config = example({"on": "2062-08-01", "rationale": "Retention period ended; no inquiry hold"})

    on: date
    rationale: str = Text

    def send(self, via: Sender, review_id: UUID) -> CommandResult:
        return via.app.dispose(
            via.ctx, review_id, on=self.on, rationale=self.rationale, expected_version=via.expected_version
        )


class PlaceInquiryHold(Body):
    """An inquiry's "do not destroy" notice: `boards` lists the boards it covers, or is "all" (boards
    registered later included)."""

    model_config = example(
        {"name": "Independent Inquiry into Child Sexual Abuse", "boards": "all", "placed_on": "2015-07-09"}
    )

    name: str = Name
    boards: Annotated[list[BoardId], Field(min_length=1, max_length=200)] | Literal["all"]
    placed_on: date

    def send(self, via: Sender) -> CommandResult:
        boards = None if self.boards == "all" else tuple(self.boards)
        return via.app.place_inquiry_hold(
            via.ctx, name=self.name, boards=boards, placed_on=self.placed_on, expected_version=via.expected_version
        )


class LiftInquiryHold(Body):
    model_config = example({"lifted_on": "2023-01-20"})

    lifted_on: date

    def send(self, via: Sender, hold_id: UUID) -> CommandResult:
        return via.app.lift_inquiry_hold(
            via.ctx, hold_id, lifted_on=self.lifted_on, expected_version=via.expected_version
        )
