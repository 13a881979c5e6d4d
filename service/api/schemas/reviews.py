"""A review's commands from notification to its report: each body sends its CaseReview command."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from pydantic import Field, field_validator

from domain.errors import InvalidValue
from domain.identifiers import CASE_REF_MAX_LENGTH, BoardId, CaseRef
from domain.review import CaseReview
from domain.review_values import Child, Criteria, Incident
from domain.themes import MAX_THEMES
from domain.values import (
    AgencyReportKind,
    InitiationDecision,
    NotificationSubject,
    PanelView,
    ProcurementRoute,
    RapidReviewOutcome,
    Recipient,
    RecommendationScope,
    Regime,
    ReviewerRole,
)
from service.api.schemas.common import MAX_PENCE, SHA256, Body, Name, Sender, Text, example
from service.api.schemas.learning import ThemeCode
from service.application import CommandResult


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

    case_ref: CaseRef = Field(
        min_length=1,
        max_length=CASE_REF_MAX_LENGTH,
        examples=["DSCP-2026-04"],
        description="Printable ASCII after NFKC normalisation: a look-alike letter of another script is refused",
    )
    regime: Regime
    child: Child | None = Field(default=None, description="One child (or give `children`)")
    children: tuple[Child, ...] | None = Field(
        default=None, min_length=1, max_length=4, description="1-4 children (serious harm); a death names one"
    )
    statistics_child: int = Field(default=0, ge=0, le=3, description="Which child DfE statistics take (index)")
    incident: Incident
    notified_on: date
    board_id: BoardId | None = Field(default=None, description="Defaults to the board of the token")

    @field_validator("child", "children", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        # Either may be left out, but one sent as null is a malformed child, named as such.
        if value is None:
            raise ValueError("give a child (or leave the field out), not null")
        return value

    def send(self, via: Sender) -> CommandResult:
        if (self.child is None) == (self.children is None):
            raise InvalidValue("give either `child` or `children`, not both or neither", field="children")
        first, *others = self.children or tuple(c for c in (self.child,) if c is not None)
        return via.app.open_review(
            via.ctx,
            board_id=self.board_id or via.ctx.actor.board or "",
            case_ref=self.case_ref,
            regime=self.regime,
            child=first,
            other_children=tuple(others),
            statistics_child=self.statistics_child,
            incident=self.incident,
            notified_on=self.notified_on,
        )


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

    def send(self, via: Sender, review_id: UUID) -> CommandResult:
        return via.review(
            review_id,
            CaseReview.complete_rapid_review,
            completed_on=self.completed_on,
            outcome=self.outcome,
            rationale=self.rationale,
        )


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

    def send(self, via: Sender, review_id: UUID) -> CommandResult:
        return via.review(
            review_id,
            CaseReview.decide_initiation,
            criteria=self.criteria,
            decision=self.decision,
            rationale=self.rationale,
            decided_on=self.decided_on,
        )


class PanelNotification(Body):
    model_config = example(
        {"recipients": ["ofsted", "national_panel"], "subject": "initiation", "sent_on": "2026-12-11"}
    )

    recipients: tuple[Recipient, ...] = Field(min_length=1, examples=[["ofsted", "national_panel"]])
    subject: NotificationSubject
    sent_on: date

    def send(self, via: Sender, review_id: UUID) -> CommandResult:
        return via.review(
            review_id, CaseReview.notify_panel, recipients=self.recipients, subject=self.subject, sent_on=self.sent_on
        )


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

    def send(self, via: Sender, review_id: UUID) -> CommandResult:
        return via.review(
            review_id,
            CaseReview.receive_panel_advice,
            subject=self.subject,
            view=self.view,
            advice=self.advice,
            received_on=self.received_on,
        )


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

    def send(self, via: Sender, review_id: UUID) -> CommandResult:
        return via.review(
            review_id,
            CaseReview.agree_terms_of_reference,
            scope_from=self.scope_from,
            scope_to=self.scope_to,
            methodology=self.methodology,
            equality_considerations=self.equality_considerations,
            agreed_on=self.agreed_on,
        )


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

    def send(self, via: Sender, review_id: UUID) -> CommandResult:
        return via.review(
            review_id,
            CaseReview.commission_reviewer,
            name=self.name,
            role=self.role,
            procurement_route=self.procurement_route,
            contract_value_pence=self.contract_value_pence,
            independence_declared=self.independence_declared,
            commissioned_on=self.commissioned_on,
        )


class RequestAgencyReport(Body):
    model_config = example({"agency": "police", "kind": "imr", "due_on": "2027-03-01", "requested_on": "2027-01-15"})

    agency: str = Name
    kind: AgencyReportKind
    due_on: date
    requested_on: date | None = Field(default=None, description="Defaults to today")

    def send(self, via: Sender, review_id: UUID) -> CommandResult:
        return via.review(
            review_id,
            CaseReview.request_agency_report,
            agency=self.agency,
            kind=self.kind,
            due_on=self.due_on,
            requested_on=self.requested_on,
        )


class AgencyReportReceived(Body):
    model_config = example({"on": "2027-02-26"})

    on: date

    def send(self, via: Sender, review_id: UUID, report_id: UUID) -> CommandResult:
        return via.review(review_id, CaseReview.receive_agency_report, report_id=report_id, on=self.on)


class AgencyReportDeclined(Body):
    model_config = example({"on": "2027-02-26", "reason": "The agency held no records of the family"})

    on: date
    reason: str = Text

    def send(self, via: Sender, review_id: UUID, report_id: UUID) -> CommandResult:
        return via.review(
            review_id, CaseReview.decline_agency_report, report_id=report_id, on=self.on, reason=self.reason
        )


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

    def send(self, via: Sender, review_id: UUID) -> CommandResult:
        return via.review(
            review_id,
            CaseReview.receive_draft_report,
            version_label=self.version_label,
            received_on=self.received_on,
            document_sha256=self.document_sha256,
        )


class AcceptReport(Body):
    model_config = example({"accepted_on": "2027-06-01", "board_response": "Accepted in full with an action plan"})

    accepted_on: date
    board_response: str = Text

    def send(self, via: Sender, review_id: UUID) -> CommandResult:
        return via.review(
            review_id, CaseReview.accept_report, accepted_on=self.accepted_on, board_response=self.board_response
        )


class Recommendation(Body):
    model_config = example({"ref": "R1", "text": "Health visitors check the home at every visit", "scope": "local"})

    ref: str = Field(min_length=1, max_length=50, examples=["R1"])
    text: str = Text
    scope: RecommendationScope
    themes: list[ThemeCode] = Field(default_factory=list, max_length=MAX_THEMES, description="Codes from GET /themes")

    def send(self, via: Sender, review_id: UUID) -> CommandResult:
        return via.review(
            review_id,
            CaseReview.make_recommendation,
            ref=self.ref,
            text=self.text,
            scope=self.scope,
            themes=tuple(self.themes),
        )
