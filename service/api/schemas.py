"""Request and response bodies of API.md; requests reuse the domain's enums and value objects."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, JsonValue, model_validator

from domain.review_values import Child, Criteria, Incident
from domain.values import (
    AgencyReportKind,
    AssuranceOutcome,
    CostCategory,
    CostEntryKind,
    HoldKind,
    InitiationDecision,
    NotificationSubject,
    PanelView,
    ProcurementRoute,
    PublicationOption,
    Rag,
    RapidReviewOutcome,
    Recipient,
    RecommendationScope,
    Regime,
    ReviewerRole,
    RiskLevel,
    StaffActivity,
)

SHA256 = Field(pattern=r"^[0-9a-f]{64}$", examples=["9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"])
Text = Field(min_length=1, max_length=10_000)
Name = Field(min_length=1, max_length=200)
# What every read model can hold once an event is recorded: PostgreSQL BIGINT and SQLite INTEGER are
# signed 64-bit, PostgreSQL text cannot hold NUL, UTF-8 cannot hold an unpaired surrogate. Refused here,
# before anything is recorded, or a recorded event would stop a read model that cannot store it.
MAX_INTEGER = 2**63 - 1
MAX_PENCE = 10**12  # £10bn an entry, so totals over millions of entries still fit a 64-bit column


def unstorable(value: Any, path: str = "body") -> str | None:
    """Why a request value could not be stored by every read model, or None."""
    if isinstance(value, str):
        if "\x00" in value:
            return f"{path}: text may not contain NUL characters"
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return f"{path}: text must be valid Unicode (no unpaired surrogates)"
    elif isinstance(value, int) and not isinstance(value, bool) and not -MAX_INTEGER <= value <= MAX_INTEGER:
        return f"{path}: the number is out of range"
    elif isinstance(value, dict):
        return next((p for k, v in value.items() if (p := unstorable(v, f"{path}.{k}"))), None)
    elif isinstance(value, list):
        return next((p for i, v in enumerate(value) if (p := unstorable(v, f"{path}.{i}"))), None)
    return None


def example(fields: dict[str, Any]) -> ConfigDict:
    """A request model's OpenAPI example (the model's other settings are inherited)."""
    return ConfigDict(json_schema_extra={"examples": [fields]})


class Body(BaseModel):
    """A request body: unknown fields are refused, so a misspelt field is named, not ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _storable(cls, data: Any) -> Any:
        if problem := unstorable(data):
            raise ValueError(problem)
        return data


# ---- boards --------------------------------------------------------------------------------------


class RegisterBoard(Body):
    model_config = example(
        {
            "board_id": "durham",
            "name": "Durham Safeguarding Children Partnership",
            "local_authority": "Durham County Council",
        }
    )

    board_id: str = Field(pattern=r"^[a-z][a-z0-9_-]{1,39}$", examples=["durham"])
    name: str = Field(min_length=1, max_length=200, examples=["Durham Safeguarding Children Partnership"])
    local_authority: str = Field(min_length=1, max_length=200, examples=["Durham County Council"])


class RecordContribution(Body):
    model_config = example({"agency": "police", "financial_year": "2014-15", "amount_pence": 2500000})

    agency: str = Field(min_length=1, max_length=100, examples=["police"])
    financial_year: str = Field(pattern=r"^\d{4}-\d{2}$", examples=["2014-15"])
    amount_pence: int = Field(gt=0, le=MAX_PENCE, examples=[2_500_000])


# ---- reviews -------------------------------------------------------------------------------------


class NotifyIncident(Body):
    model_config = example(
        {
            "case_ref": "DSCP-2026-04",
            "regime": "cspr-2023",
            "notified_on": "2026-11-20",
            "child": {"pseudonym": "Child Z", "age_years": 5, "sex": "female", "looked_after": False},
            "incident": {
                "nature": "serious_harm",
                "abuse_or_neglect": "suspected",
                "occurred_on": "2026-11-18",
                "la_aware_on": "2026-11-18",
                "description": "Admitted to hospital with injuries",
            },
        }
    )

    case_ref: str = Field(min_length=1, max_length=100, examples=["DSCP-2026-04"])
    regime: Regime
    child: Child
    incident: Incident
    notified_on: date
    board_id: str | None = Field(default=None, description="Defaults to the board of the token")


class RapidReview(Body):
    model_config = example(
        {
            "completed_on": "2026-12-08",
            "outcome": "lcspr",
            "rationale": "Learning about how agencies shared information",
        }
    )

    completed_on: date
    outcome: RapidReviewOutcome
    rationale: str = Text


class InitiationDecisionRequest(Body):
    model_config = example(
        {
            "criteria": {
                "abuse_or_neglect": True,
                "died": False,
                "seriously_harmed": True,
                "concern_about_joint_working": True,
            },
            "decision": "initiate",
            "rationale": "Reg 5(2)(b)(ii): serious harm with concerns about joint working",
            "decided_on": "2026-12-10",
        }
    )

    criteria: Criteria
    decision: InitiationDecision
    rationale: str = Text
    decided_on: date


class PanelNotification(Body):
    model_config = example(
        {"recipients": ["ofsted", "national_panel"], "subject": "initiation", "sent_on": "2026-12-11"}
    )

    recipients: tuple[Recipient, ...] = Field(min_length=1, examples=[["ofsted", "national_panel"]])
    subject: NotificationSubject
    sent_on: date


class PanelAdvice(Body):
    model_config = example(
        {
            "subject": "initiation",
            "view": "agreed",
            "advice": "The Panel agrees a local review is appropriate",
            "received_on": "2026-12-18",
        }
    )

    subject: NotificationSubject
    view: PanelView
    advice: str = Text
    received_on: date


class TermsOfReference(Body):
    model_config = example(
        {
            "scope_from": "2024-01-01",
            "scope_to": "2026-11-18",
            "methodology": "SCIE Learning Together systems model",
            "equality_considerations": "Disability; ethnicity",
            "agreed_on": "2027-01-08",
        }
    )

    scope_from: date
    scope_to: date
    methodology: str = Text
    equality_considerations: str = Text
    agreed_on: date


class CommissionReviewer(Body):
    model_config = example(
        {
            "name": "A. Reviewer",
            "role": "lead_reviewer",
            "procurement_route": "framework",
            "contract_value_pence": 1200000,
            "independence_declared": True,
            "commissioned_on": "2027-01-12",
        }
    )

    name: str = Name
    role: ReviewerRole
    procurement_route: ProcurementRoute
    contract_value_pence: int = Field(ge=0, le=MAX_PENCE, examples=[1_200_000])
    independence_declared: bool
    commissioned_on: date


class RequestAgencyReport(Body):
    model_config = example({"agency": "police", "kind": "imr", "due_on": "2027-03-01"})

    agency: str = Name
    kind: AgencyReportKind
    due_on: date


class AgencyReportReceived(Body):
    model_config = example({"on": "2027-02-26"})

    on: date


class AgencyReportDeclined(Body):
    model_config = example({"on": "2027-02-26", "reason": "The agency held no records of the family"})

    on: date
    reason: str = Text


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


class LiftLegalHold(Body):
    model_config = example({"lifted_on": "2027-06-30", "outcome": "Sentenced"})

    lifted_on: date
    outcome: str = Text


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


class RecordStaffTime(Body):
    model_config = example(
        {"agency": "health", "activity": "meeting", "hours": "6.5", "on": "2027-02-10", "rate_pence_per_hour": 4000}
    )

    agency: str = Name
    activity: StaffActivity
    hours: Decimal = Field(gt=0, le=10_000, decimal_places=2, examples=["6.5"])
    on: date
    rate_pence_per_hour: int | None = Field(default=None, ge=0, le=MAX_PENCE)


class DraftReport(Body):
    model_config = example(
        {
            "version_label": "v2",
            "received_on": "2027-05-01",
            "document_sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        }
    )

    version_label: str = Field(min_length=1, max_length=100, examples=["v2"])
    received_on: date
    document_sha256: str = SHA256


class AcceptReport(Body):
    model_config = example({"accepted_on": "2027-06-01", "board_response": "Accepted in full with an action plan"})

    accepted_on: date
    board_response: str = Text


class Recommendation(Body):
    model_config = example({"ref": "R1", "text": "Health visitors check the home at every visit", "scope": "local"})

    ref: str = Field(min_length=1, max_length=50, examples=["R1"])
    text: str = Text
    scope: RecommendationScope


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


class PrePublicationCopies(Body):
    model_config = example({"recipients": ["ofsted", "dfe"], "sent_on": "2027-07-25"})

    recipients: tuple[Recipient, ...] = Field(min_length=1)
    sent_on: date


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


class DatedReason(Body):
    model_config = example({"on": "2028-08-01", "reason": "Action plan assured by the board"})

    on: date
    reason: str = Text


# ---- learning actions ----------------------------------------------------------------------------


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


class Progress(Body):
    model_config = example({"rag": "amber", "note": "Audit half complete", "on": "2027-10-01"})

    rag: Rag
    note: str = Text
    on: date


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


class NewTarget(Body):
    model_config = example({"target_on": "2028-03-31", "reason": "Audit delayed by staff shortages"})

    target_on: date
    reason: str = Text


class ClaimCompletion(Body):
    model_config = example({"on": "2028-03-01", "note": "Audit complete; checks in place"})

    on: date
    note: str = Text


class AssureCompletion(Body):
    model_config = example({"outcome": "assured", "on": "2028-03-20", "note": "Audit evidence seen by the board"})

    outcome: AssuranceOutcome
    on: date
    note: str = Text


# ---- responses -----------------------------------------------------------------------------------


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


class Row(BaseModel):
    """A read-model row: the documented keys, plus any the read model adds."""

    model_config = ConfigDict(extra="allow")


class DeadlineDue(BaseModel):
    rule: str
    due_on: str


class ReviewRow(Row):
    """A review's case status; `child_*` keys are absent for the national panel."""

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
