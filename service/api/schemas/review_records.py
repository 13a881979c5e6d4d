"""What is recorded beside a review's process: legal holds, costs, staff time, corrections."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from pydantic import Field, JsonValue

from domain.review import CaseReview
from domain.values import (
    CostCategory,
    CostEntryKind,
    HoldKind,
    StaffActivity,
)
from service.api.schemas.common import MAX_INTEGER, MAX_PENCE, Body, Name, Sender, Text, example
from service.application import CommandResult


class PlaceLegalHold(Body):
    model_config = example(
        {
            "kind": "criminal_proceedings",
            "reference": "R v Smith (Crown Court)",
            "blocks_publication": True,
            "placed_on": "2026-12-01",
        }
    )

    kind: HoldKind
    reference: str = Field(min_length=1, max_length=200, examples=["R v Smith (Crown Court)"])
    blocks_publication: bool
    placed_on: date

    def send(self, via: Sender, review_id: UUID) -> CommandResult:
        return via.review(
            review_id,
            CaseReview.place_legal_hold,
            kind=self.kind,
            reference=self.reference,
            blocks_publication=self.blocks_publication,
            placed_on=self.placed_on,
        )


class LiftLegalHold(Body):
    model_config = example({"lifted_on": "2027-06-30", "outcome": "Sentenced"})

    lifted_on: date
    outcome: str = Text

    def send(self, via: Sender, review_id: UUID, hold_id: UUID) -> CommandResult:
        return via.review(
            review_id, CaseReview.lift_legal_hold, hold_id=hold_id, lifted_on=self.lifted_on, outcome=self.outcome
        )


class RecordCost(Body):
    model_config = example(
        {
            "entry": "invoice",
            "category": "lead_reviewer",
            "amount_pence": 450000,
            "paying_agency": "local_authority",
            "on": "2027-03-31",
            "description": "Lead reviewer, first stage",
        }
    )

    entry: CostEntryKind
    category: CostCategory
    amount_pence: int = Field(gt=0, le=MAX_PENCE, examples=[250_000])
    paying_agency: str = Name
    on: date
    description: str = Field(default="", max_length=10_000)
    reverses: int | None = Field(
        default=None, gt=0, le=MAX_INTEGER, description="For a reversal: the position of the entry"
    )

    def send(self, via: Sender, review_id: UUID) -> CommandResult:
        return via.app.record_cost(
            via.ctx,
            review_id,
            entry=self.entry,
            category=self.category,
            amount_pence=self.amount_pence,
            paying_agency=self.paying_agency,
            on=self.on,
            description=self.description,
            reverses=self.reverses,
            expected_version=via.expected_version,
        )


class RecordStaffTime(Body):
    model_config = example(
        {"agency": "health", "activity": "meeting", "hours": "6.5", "on": "2027-02-10", "rate_pence_per_hour": 4000}
    )

    agency: str = Name
    activity: StaffActivity
    hours: Decimal = Field(gt=0, le=10_000, decimal_places=2, examples=["6.5"])
    on: date
    rate_pence_per_hour: int | None = Field(default=None, ge=0, le=MAX_PENCE)

    def send(self, via: Sender, review_id: UUID) -> CommandResult:
        return via.review(
            review_id,
            CaseReview.record_staff_time,
            agency=self.agency,
            activity=self.activity,
            hours=self.hours,
            on=self.on,
            rate_pence_per_hour=self.rate_pence_per_hour,
        )


class Correction(Body):
    model_config = example(
        {
            "corrects_position": 1042,
            "field": "decided_on",
            "value": "2026-12-09",
            "reason": "The board minutes record the decision on 9 December",
        }
    )

    corrects_position: int = Field(gt=0, le=MAX_INTEGER, description="The position of the event to correct")
    field: str = Field(min_length=1, max_length=100, examples=["decided_on"])
    value: JsonValue = Field(examples=["2008-05-23"])
    reason: str = Text

    def send(self, via: Sender, review_id: UUID) -> CommandResult:
        return via.app.correct(
            via.ctx,
            review_id,
            corrects_position=self.corrects_position,
            field=self.field,
            value=self.value,
            reason=self.reason,
            expected_version=via.expected_version,
        )
