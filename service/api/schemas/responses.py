"""Response bodies: a command's answer, read-model rows, health and readiness."""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

# The CommandResponse field that carries what a command created inside its aggregate (see CommandResult).
CreatedId = Literal["hold_id", "report_id", "reviewer_id", "action_id", "dissemination_id"]


class CommandResponse(BaseModel):
    """What every successful command answers: the record, its new version and the event's log position."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"id": "5f0c2e4e-8b7a-5d63-9a57-0f6c4d2e9b11", "version": 4, "position": 97}]}
    )

    id: UUID
    version: int
    position: int
    hold_id: UUID | None = None
    report_id: UUID | None = None
    reviewer_id: UUID | None = None
    action_id: UUID | None = None
    dissemination_id: UUID | None = None


class Row(BaseModel):
    """A read-model row: the documented keys, plus any the read model adds."""

    model_config = ConfigDict(extra="allow")


class DeadlineDue(BaseModel):
    rule: str
    due_on: str


class ReviewRow(Row):
    """A review's case status; `child_*` and `children` keys are absent for the national panel."""

    review_id: str
    board_id: str
    case_ref: str
    regime: str
    stage: str
    child_pseudonym: str | None = None
    child_age_years: int | None = None
    child_sex: str | None = None
    notified_on: str | None = None
    decided_on: str | None = None
    accepted_on: str | None = None
    published_on: str | None = None
    closed_on: str | None = None
    next_deadline: DeadlineDue | None = None
    overdue_rules: list[Any] = []
    active_legal_holds: list[dict[str, Any]] = []
    version: int


class RuleTimeliness(Row):
    rule: str
    source: str | None = None
    start_on: str | None = None
    due_on: str | None = None
    met_on: str | None = None
    met: bool | None = None
    working_days_taken: int | None = None
    calendar_days_taken: int | None = None
    days_overdue: int | None = None
    legal_hold_days: int | None = None
    status: str | None = None
    extended_due_on: str | None = None
    met_within_extension: bool | None = None


class ActionRow(Row):
    """A learning action's state."""

    action_id: str
    board_id: str
    review_id: str
    recommendation_ref: str
    lead_agency: str
    target_on: str
    rag: str | None = None
    status: str
    days_overdue: int | None = None
    version: int


class Health(BaseModel):
    status: str = Field(examples=["ok"])


class ProjectionState(BaseModel):
    name: str
    position: int
    head: int
    lag: int
    error: str | None = None


class Readiness(BaseModel):
    status: str = Field(examples=["ready"])
    database: bool
    projections: list[ProjectionState]
