"""The CaseReview aggregate: one per serious incident notification, from notification to closure."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from pydantic import Field, JsonValue

from domain.base import Aggregate, Context, require_not_future, require_rationale
from domain.corrections import apply_correction, corrected_date, validate_correction
from domain.date_order import PLANNED_FIELDS, Proposed, impossible_orders, require_in_order
from domain.errors import (
    AlreadyResolved,
    CorrectionInvalid,
    DateOrder,
    Duplicate,
    IndependenceNotDeclared,
    InvalidTransition,
    InvalidValue,
    LegalHoldActive,
    NotApplicableToRegime,
    NotFound,
    PreconditionMissing,
    ReversalMismatch,
    UnknownReference,
)
from domain.review_facts import hold_changes, review_changes
from domain.review_values import Child, CostEntry, Criteria, Hold, Incident
from domain.values import (
    AgencyReportKind,
    CostCategory,
    CostEntryKind,
    HoldKind,
    InitiationDecision,
    NotificationSubject,
    PanelView,
    ProcurementRoute,
    PublicationOption,
    RapidReviewOutcome,
    Recipient,
    RecommendationScope,
    Regime,
    ReviewerRole,
    RiskLevel,
    StaffActivity,
    Stage,
)

REVIEW_NAMESPACE = uuid5(NAMESPACE_URL, "https://scr-ledger.example/reviews")
Sha256 = Field(pattern=r"^[0-9a-f]{64}$")
ShortText = Field(min_length=1, max_length=500)
LongText = Field(max_length=20_000)

# Stages in which the review's work (terms, reviewers, reports, drafts) may be recorded.
UNDER_REVIEW = (Stage.INITIATED,)
OPEN_STAGES = tuple(s for s in Stage if s is not Stage.CLOSED)
AFTER_ACCEPTANCE = (Stage.REPORT_ACCEPTED, Stage.PUBLICATION_DECIDED)


def review_id_for(board_id: str, case_ref: str) -> UUID:
    """A review's id from its natural key, so a second notification of a case is a duplicate."""
    return uuid5(REVIEW_NAMESPACE, f"{board_id}/{case_ref}")


class CaseReview(Aggregate):
    """A serious case review (SCR) or child safeguarding practice review (CSPR)."""

    # ---- events -------------------------------------------------------------------------------

    class Notified(Aggregate.Created):
        """A serious incident notification opened this review."""

        effective_field: ClassVar[str] = "notified_on"
        board_id: str
        case_ref: str = Field(min_length=1, max_length=100)
        regime: Regime
        child: Child
        incident: Incident
        notified_on: date

        def apply(self, review: CaseReview) -> None:
            review.reset_state()
            review.apply_facts(self)

    class RapidReviewCompleted(Aggregate.Event):
        """CSPR: the rapid review and its outcome."""

        effective_field: ClassVar[str] = "completed_on"
        completed_on: date
        outcome: RapidReviewOutcome
        rationale: str

        def apply(self, review: CaseReview) -> None:
            review.apply_facts(self)
            review.rapid_review_outcome = self.outcome

    class InitiationDecided(Aggregate.Event):
        """The chair decided whether to initiate a review, against the criteria."""

        effective_field: ClassVar[str] = "decided_on"
        criteria: Criteria
        criteria_met: bool
        contradicts_criteria: bool
        decision: InitiationDecision
        decided_on: date
        rationale: str

        def apply(self, review: CaseReview) -> None:
            review.apply_facts(self)

    class PanelNotified(Aggregate.Event):
        """The National Panel, DfE or Ofsted was told."""

        effective_field: ClassVar[str] = "sent_on"
        recipients: tuple[Recipient, ...]
        subject: NotificationSubject
        sent_on: date

        def apply(self, review: CaseReview) -> None:
            review.apply_facts(self)

    class PanelAdviceReceived(Aggregate.Event):
        """The Panel's advice on a subject."""

        effective_field: ClassVar[str] = "received_on"
        subject: NotificationSubject
        view: PanelView
        advice: str = LongText
        received_on: date

    class TermsOfReferenceAgreed(Aggregate.Event):
        """Scope, methodology and equality considerations."""

        effective_field: ClassVar[str] = "agreed_on"
        scope_from: date
        scope_to: date
        methodology: str = ShortText
        equality_considerations: str = LongText
        agreed_on: date

        def apply(self, review: CaseReview) -> None:
            review.terms_agreed_on = self.agreed_on

    class ReviewerCommissioned(Aggregate.Event):
        """An independent reviewer commissioned; the contract value is a ledger commitment."""

        effective_field: ClassVar[str] = "commissioned_on"
        reviewer_id: UUID
        name: str = ShortText
        role: ReviewerRole
        procurement_route: ProcurementRoute
        contract_value_pence: int = Field(ge=0)
        independence_declared: bool
        commissioned_on: date

        def apply(self, review: CaseReview) -> None:
            review.reviewers[self.reviewer_id] = self.name
            category = CostCategory.PANEL_CHAIR if self.role is ReviewerRole.PANEL_CHAIR else CostCategory.LEAD_REVIEWER
            review.cost_entries[self.originator_version] = CostEntry(
                version=self.originator_version,
                entry=CostEntryKind.COMMITMENT,
                category=category,
                amount_pence=self.contract_value_pence,
                paying_agency="board",
            )

    class AgencyReportRequested(Aggregate.Event):
        """An agency asked for an IMR, chronology or report."""

        effective_field: ClassVar[str] = "requested_on"
        report_id: UUID
        agency: str = ShortText
        kind: AgencyReportKind
        requested_on: date
        due_on: date

        def apply(self, review: CaseReview) -> None:
            review.agency_reports[self.report_id] = "requested"

    class AgencyReportReceived(Aggregate.Event):
        """An agency's report arrived."""

        effective_field: ClassVar[str] = "received_on"
        report_id: UUID
        received_on: date

        def apply(self, review: CaseReview) -> None:
            review.agency_reports[self.report_id] = "received"

    class AgencyReportDeclined(Aggregate.Event):
        """An agency could not or would not supply its report."""

        effective_field: ClassVar[str] = "declined_on"
        report_id: UUID
        declined_on: date
        rationale: str

        def apply(self, review: CaseReview) -> None:
            review.agency_reports[self.report_id] = "declined"

    class LegalHoldPlaced(Aggregate.Event):
        """A parallel proceeding began."""

        effective_field: ClassVar[str] = "placed_on"
        hold_id: UUID
        kind: HoldKind
        reference: str = ShortText
        blocks_publication: bool
        placed_on: date

        def apply(self, review: CaseReview) -> None:
            review.apply_hold(self, self.hold_id)

    class LegalHoldLifted(Aggregate.Event):
        """A parallel proceeding ended."""

        effective_field: ClassVar[str] = "lifted_on"
        hold_id: UUID
        lifted_on: date
        outcome: str = LongText

        def apply(self, review: CaseReview) -> None:
            review.apply_hold(self, self.hold_id)

    class CostRecorded(Aggregate.Event):
        """A ledger entry; a reversal names the entry it reverses by position and version."""

        effective_field: ClassVar[str] = "on"
        entry: CostEntryKind
        category: CostCategory
        amount_pence: int = Field(gt=0)
        paying_agency: str = ShortText
        on: date
        description: str = LongText
        reverses_position: int | None = None
        reverses_version: int | None = None

        def apply(self, review: CaseReview) -> None:
            if self.reverses_version is not None:
                target = review.cost_entries[self.reverses_version]
                review.cost_entries[self.reverses_version] = target.model_copy(update={"reversed": True})
            else:
                review.cost_entries[self.originator_version] = CostEntry(
                    version=self.originator_version,
                    entry=self.entry,
                    category=self.category,
                    amount_pence=self.amount_pence,
                    paying_agency=self.paying_agency,
                )

    class StaffTimeRecorded(Aggregate.Event):
        """Hours an agency's staff spent on the review, optionally costed."""

        effective_field: ClassVar[str] = "on"
        agency: str = ShortText
        activity: StaffActivity
        hours: Decimal = Field(gt=0, le=10_000, decimal_places=2)
        on: date
        rate_pence_per_hour: int | None = Field(default=None, ge=0)

    class DraftReportReceived(Aggregate.Event):
        """A draft of the report arrived."""

        effective_field: ClassVar[str] = "received_on"
        version_label: str = ShortText
        received_on: date
        document_sha256: str = Sha256

        def apply(self, review: CaseReview) -> None:
            review.drafts += 1

    class ReportAccepted(Aggregate.Event):
        """The board accepted the final report: the review is complete."""

        effective_field: ClassVar[str] = "accepted_on"
        accepted_on: date
        board_response: str = LongText

        def apply(self, review: CaseReview) -> None:
            review.apply_facts(self)

    class RecommendationMade(Aggregate.Event):
        """A recommendation of the review."""

        ref: str = Field(min_length=1, max_length=50)
        text: str = Field(min_length=1, max_length=20_000)
        scope: RecommendationScope

        def apply(self, review: CaseReview) -> None:
            review.recommendations[self.ref] = self.scope

    class PublicationDecided(Aggregate.Event):
        """The chair decided how (or whether) to publish."""

        effective_field: ClassVar[str] = "decided_on"
        option: PublicationOption
        rationale: str
        planned_on: date | None = None
        decided_on: date

        def apply(self, review: CaseReview) -> None:
            review.apply_facts(self)

    class RiskAssessed(Aggregate.Event):
        """Reputational risk, media interest and communications plan before publication."""

        effective_field: ClassVar[str] = "assessed_on"
        reputational_risk: RiskLevel
        media_interest: str = LongText
        communications_plan: str = LongText
        assessed_on: date

        def apply(self, review: CaseReview) -> None:
            review.risk_assessed_on = self.assessed_on

    class PublicationOverrideRecorded(Aggregate.Event):
        """The chair allowed publication despite a blocking hold."""

        effective_field: ClassVar[str] = "decided_on"
        hold_id: UUID
        rationale: str
        decided_on: date

        def apply(self, review: CaseReview) -> None:
            review.apply_hold(self, self.hold_id)

    class PrePublicationCopiesSent(Aggregate.Event):
        """Copies sent to Ofsted, DfE, the Panel or the Secretary of State before publication."""

        effective_field: ClassVar[str] = "sent_on"
        recipients: tuple[Recipient, ...]
        sent_on: date

        def apply(self, review: CaseReview) -> None:
            review.apply_facts(self)

    class Published(Aggregate.Event):
        """The report (or its summary or improvements information) was published."""

        effective_field: ClassVar[str] = "published_on"
        url: str = Field(min_length=1, max_length=2_000)
        published_on: date
        document_sha256: str = Sha256

        def apply(self, review: CaseReview) -> None:
            review.apply_facts(self)

    class Corrected(Aggregate.Event):
        """An earlier event of this review put right: the field, its new value, and why."""

        effective_field: ClassVar[str] = "corrected_on"
        corrects_position: int
        corrects_version: int
        corrects_type: str
        field: str
        value: JsonValue
        corrected_on: date
        rationale: str

        def apply(self, review: CaseReview) -> None:
            review.apply_correction(self.corrects_version, self.field, self.value)

    class Closed(Aggregate.Event):
        """Action monitoring ended; the review is closed."""

        effective_field: ClassVar[str] = "closed_on"
        closed_on: date
        rationale: str

        def apply(self, review: CaseReview) -> None:
            review.apply_facts(self)

    class Reopened(Aggregate.Event):
        """A closed review opened again (e.g. re-submitted after an inadequate rating)."""

        effective_field: ClassVar[str] = "reopened_on"
        reopened_on: date
        rationale: str

        def apply(self, review: CaseReview) -> None:
            review.apply_facts(self)

    # ---- state ----------------------------------------------------------------------------------

    # State, declared for type checkers only: the library turns class annotations into __init__ arguments.
    if TYPE_CHECKING:
        board_id: str
        case_ref: str
        regime: Regime
        child: Child
        incident: Incident
        notified_on: date
        stage: Stage

    def reset_state(self) -> None:
        """The state every review starts with after its notification."""
        self.rapid_review_completed_on: date | None = None
        self.rapid_review_outcome: RapidReviewOutcome | None = None
        self.decision: InitiationDecision | None = None
        self.decided_on: date | None = None
        self.contradicts_criteria = False
        self.panel_told_not_initiating_on: date | None = None
        self.terms_agreed_on: date | None = None
        self.reviewers: dict[UUID, str] = {}
        self.agency_reports: dict[UUID, str] = {}
        self.holds: dict[UUID, Hold] = {}
        self.cost_entries: dict[int, CostEntry] = {}
        self.drafts = 0
        self.accepted_on: date | None = None
        self.recommendations: dict[str, RecommendationScope] = {}
        self.publication_option: PublicationOption | None = None
        self.publication_planned_on: date | None = None
        self.publication_decided_on: date | None = None
        self.risk_assessed_on: date | None = None
        self.pre_publication_copy_sent_on: date | None = None
        self.published_on: date | None = None
        self.stage_before_closure: Stage | None = None
        self.closed_on: date | None = None

    def apply_facts(self, event: Aggregate.Event) -> None:
        """Change the facts an event changes, by the table the read models run too (domain.review_facts)."""
        for name, value in review_changes(type(event).__name__, vars(event), vars(self)).items():
            setattr(self, name, value)

    def apply_hold(self, event: Aggregate.Event, hold_id: UUID) -> None:
        """Change the hold an event concerns, by the table the read models run too (domain.review_facts)."""
        changes = hold_changes(type(event).__name__, vars(event))
        hold = self.holds.get(hold_id)
        self.holds[hold_id] = Hold(hold_id=hold_id, **changes) if hold is None else hold.model_copy(update=changes)

    # ---- derived --------------------------------------------------------------------------------

    @property
    def milestones(self) -> dict[str, date]:
        """The dates the deadline rules start from and are met by (see domain.rules)."""
        found: dict[str, date | None] = {
            "la_aware_on": self.incident.la_aware_on,
            "notified_on": self.notified_on,
            "rapid_review_completed_on": self.rapid_review_completed_on,
            "initiation_decided_on": self.decided_on if self.decision and self.decision.initiates else None,
            "not_initiating_decided_on": (self.decided_on if self.decision and not self.decision.initiates else None),
            "panel_told_not_initiating_on": self.panel_told_not_initiating_on,
            "report_accepted_on": self.accepted_on,
            "published_on": self.published_on,
            "publication_due_on": self.publication_due_on,
            "pre_publication_copy_sent_on": self.pre_publication_copy_sent_on,
        }
        return {name: on for name, on in found.items() if on is not None}

    @property
    def publication_due_on(self) -> date | None:
        """The planned publication date, else the actual one; none when not publishing."""
        if self.publication_option in (None, PublicationOption.NOT_PUBLISHED):
            return None
        return self.publication_planned_on or self.published_on

    @property
    def active_holds(self) -> list[Hold]:
        return [hold for hold in self.holds.values() if hold.active]

    @property
    def criteria_flagged(self) -> bool:
        """A decision against the reg 5(2) criteria is flagged in every report."""
        return self.contradicts_criteria

    # ---- commands -------------------------------------------------------------------------------

    @classmethod
    def notify(
        cls,
        ctx: Context,
        *,
        board_id: str,
        case_ref: str,
        regime: Regime,
        child: Child,
        incident: Incident,
        notified_on: date,
    ) -> CaseReview:
        """Open a review from a serious incident notification."""
        dates: dict[str, Proposed] = {
            "occurred_on": (incident.occurred_on, "incident.occurred_on"),
            "discovered_on": (incident.discovered_on, "incident.discovered_on"),
            "la_aware_on": (incident.la_aware_on, "incident.la_aware_on"),
            "notified_on": (notified_on, "notified_on"),
        }
        require_in_order(None, dates)
        require_not_future(notified_on, ctx.today, field="notified_on")
        return cls._create(
            cls.Notified,
            id=review_id_for(board_id, case_ref),
            actor=ctx.actor,
            correlation_id=ctx.correlation_id,
            board_id=board_id,
            case_ref=case_ref,
            regime=regime,
            child=child,
            incident=incident,
            notified_on=notified_on,
        )

    def complete_rapid_review(
        self, ctx: Context, *, completed_on: date, outcome: RapidReviewOutcome, rationale: str
    ) -> None:
        """CSPR: record the rapid review."""
        if not self.regime.is_cspr:
            raise NotApplicableToRegime(f"a rapid review belongs to the CSPR regimes, not {self.regime}")
        self._require_stage(Stage.NOTIFIED, action="record a rapid review")
        self._require_in_order(rapid_review_completed_on=(completed_on, "completed_on"))
        require_not_future(completed_on, ctx.today, field="completed_on")
        self._record(
            ctx,
            self.RapidReviewCompleted,
            completed_on=completed_on,
            outcome=outcome,
            rationale=require_rationale(rationale),
        )

    def decide_initiation(
        self, ctx: Context, *, criteria: Criteria, decision: InitiationDecision, rationale: str, decided_on: date
    ) -> None:
        """The chair's decision whether to initiate; one against the criteria needs a rationale."""
        if self.regime.is_cspr:
            self._require_stage(
                Stage.RAPID_REVIEWED, action="decide on initiation (a CSPR needs its rapid review first)"
            )
        else:
            self._require_stage(Stage.NOTIFIED, action="decide on initiation")
        why = require_rationale(rationale)
        self._require_in_order(decided_on=(decided_on, "decided_on"))
        require_not_future(decided_on, ctx.today, field="decided_on")
        self._record(
            ctx,
            self.InitiationDecided,
            criteria=criteria,
            criteria_met=criteria.met,
            contradicts_criteria=criteria.met and not decision.initiates,
            decision=decision,
            decided_on=decided_on,
            rationale=why,
        )

    def notify_panel(
        self, ctx: Context, *, recipients: tuple[Recipient, ...], subject: NotificationSubject, sent_on: date
    ) -> None:
        """Record that the Panel, DfE or Ofsted was told."""
        self._require_stage(*OPEN_STAGES, action="notify the Panel")
        if not recipients:
            raise InvalidValue("name at least one recipient", field="recipients")
        if subject is NotificationSubject.NOT_INITIATING and self.stage is not Stage.NOT_INITIATED:
            raise InvalidTransition("the Panel can be told of a decision not to initiate only after that decision")
        self._require_in_order(panel_told_on=(sent_on, "sent_on"))
        require_not_future(sent_on, ctx.today, field="sent_on")
        self._record(
            ctx, self.PanelNotified, recipients=tuple(dict.fromkeys(recipients)), subject=subject, sent_on=sent_on
        )

    def receive_panel_advice(
        self, ctx: Context, *, subject: NotificationSubject, view: PanelView, advice: str, received_on: date
    ) -> None:
        """Record the Panel's advice."""
        self._require_stage(*OPEN_STAGES, action="record Panel advice")
        self._require_in_order(panel_advice_on=(received_on, "received_on"))
        require_not_future(received_on, ctx.today, field="received_on")
        self._record(ctx, self.PanelAdviceReceived, subject=subject, view=view, advice=advice, received_on=received_on)

    def agree_terms_of_reference(
        self,
        ctx: Context,
        *,
        scope_from: date,
        scope_to: date,
        methodology: str,
        equality_considerations: str,
        agreed_on: date,
    ) -> None:
        """Record the terms of reference."""
        self._require_stage(*UNDER_REVIEW, action="agree terms of reference (the review must be initiated)")
        self._require_in_order(
            scope_from=(scope_from, "scope_from"),
            scope_to=(scope_to, "scope_to"),
            terms_agreed_on=(agreed_on, "agreed_on"),
        )
        require_not_future(agreed_on, ctx.today, field="agreed_on")
        self._record(
            ctx,
            self.TermsOfReferenceAgreed,
            scope_from=scope_from,
            scope_to=scope_to,
            methodology=methodology,
            equality_considerations=equality_considerations,
            agreed_on=agreed_on,
        )

    def commission_reviewer(
        self,
        ctx: Context,
        *,
        name: str,
        role: ReviewerRole,
        procurement_route: ProcurementRoute,
        contract_value_pence: int,
        independence_declared: bool,
        commissioned_on: date,
    ) -> UUID:
        """Commission an independent reviewer, who must have declared independence."""
        self._require_stage(*UNDER_REVIEW, action="commission a reviewer (the review must be initiated)")
        if not independence_declared:
            raise IndependenceNotDeclared(
                "a reviewer must declare independence before being commissioned", field="independence_declared"
            )
        self._require_in_order(reviewer_commissioned_on=(commissioned_on, "commissioned_on"))
        require_not_future(commissioned_on, ctx.today, field="commissioned_on")
        reviewer_id = uuid4()
        self._record(
            ctx,
            self.ReviewerCommissioned,
            reviewer_id=reviewer_id,
            name=name,
            role=role,
            procurement_route=procurement_route,
            contract_value_pence=contract_value_pence,
            independence_declared=True,
            commissioned_on=commissioned_on,
        )
        return reviewer_id

    def request_agency_report(self, ctx: Context, *, agency: str, kind: AgencyReportKind, due_on: date) -> UUID:
        """Ask an agency for its report."""
        self._require_stage(*UNDER_REVIEW, action="request an agency report (the review must be initiated)")
        self._require_in_order(report_requested_on=(ctx.today, "requested_on"), report_due_on=(due_on, "due_on"))
        report_id = uuid4()
        self._record(
            ctx,
            self.AgencyReportRequested,
            report_id=report_id,
            agency=agency,
            kind=kind,
            requested_on=ctx.today,
            due_on=due_on,
        )
        return report_id

    def receive_agency_report(self, ctx: Context, *, report_id: UUID, on: date) -> None:
        """An agency's report arrived."""
        self._require_report_outstanding(report_id)
        require_not_future(on, ctx.today, field="on")
        self._record(ctx, self.AgencyReportReceived, report_id=report_id, received_on=on)

    def decline_agency_report(self, ctx: Context, *, report_id: UUID, on: date, reason: str) -> None:
        """An agency declined to supply its report."""
        self._require_report_outstanding(report_id)
        require_not_future(on, ctx.today, field="on")
        self._record(
            ctx,
            self.AgencyReportDeclined,
            report_id=report_id,
            declined_on=on,
            rationale=require_rationale(reason, "reason"),
        )

    def place_legal_hold(
        self, ctx: Context, *, kind: HoldKind, reference: str, blocks_publication: bool, placed_on: date
    ) -> UUID:
        """A parallel proceeding began."""
        self._require_stage(*OPEN_STAGES, action="place a legal hold")
        self._require_in_order(hold_placed_on=(placed_on, "placed_on"))
        require_not_future(placed_on, ctx.today, field="placed_on")
        hold_id = uuid4()
        self._record(
            ctx,
            self.LegalHoldPlaced,
            hold_id=hold_id,
            kind=kind,
            reference=reference,
            blocks_publication=blocks_publication,
            placed_on=placed_on,
        )
        return hold_id

    def lift_legal_hold(self, ctx: Context, *, hold_id: UUID, lifted_on: date, outcome: str) -> None:
        """A parallel proceeding ended."""
        hold = self.holds.get(hold_id)
        if hold is None:
            raise NotFound(f"this review has no legal hold {hold_id}")
        if not hold.active:
            raise AlreadyResolved(f"legal hold {hold_id} was already lifted on {hold.lifted_on}")
        self._require_in_order(hold, hold_lifted_on=(lifted_on, "lifted_on"))
        require_not_future(lifted_on, ctx.today, field="lifted_on")
        self._record(ctx, self.LegalHoldLifted, hold_id=hold_id, lifted_on=lifted_on, outcome=outcome)

    def record_cost(
        self,
        ctx: Context,
        *,
        entry: CostEntryKind,
        category: CostCategory,
        amount_pence: int,
        paying_agency: str,
        on: date,
        description: str,
        reverses_position: int | None = None,
        reverses_version: int | None = None,
    ) -> None:
        """Record a ledger entry; a reversal must match an existing, unreversed entry exactly."""
        require_not_future(on, ctx.today, field="on")
        if entry is CostEntryKind.REVERSAL:
            self._require_reversal_matches(reverses_version, category, amount_pence, paying_agency)
        elif reverses_position is not None:
            raise InvalidValue("only a reversal names the entry it reverses", field="reverses")
        self._record(
            ctx,
            self.CostRecorded,
            entry=entry,
            category=category,
            amount_pence=amount_pence,
            paying_agency=paying_agency,
            on=on,
            description=description,
            reverses_position=reverses_position if entry is CostEntryKind.REVERSAL else None,
            reverses_version=reverses_version if entry is CostEntryKind.REVERSAL else None,
        )

    def record_staff_time(
        self,
        ctx: Context,
        *,
        agency: str,
        activity: StaffActivity,
        hours: Decimal,
        on: date,
        rate_pence_per_hour: int | None,
    ) -> None:
        """Record staff hours spent on the review."""
        require_not_future(on, ctx.today, field="on")
        self._record(
            ctx,
            self.StaffTimeRecorded,
            agency=agency,
            activity=activity,
            hours=hours,
            on=on,
            rate_pence_per_hour=rate_pence_per_hour,
        )

    def receive_draft_report(
        self, ctx: Context, *, version_label: str, received_on: date, document_sha256: str
    ) -> None:
        """A draft report arrived."""
        self._require_stage(*UNDER_REVIEW, action="receive a draft report (the review must be initiated)")
        self._require_in_order(draft_received_on=(received_on, "received_on"))
        require_not_future(received_on, ctx.today, field="received_on")
        self._record(
            ctx,
            self.DraftReportReceived,
            version_label=version_label,
            received_on=received_on,
            document_sha256=document_sha256,
        )

    def accept_report(self, ctx: Context, *, accepted_on: date, board_response: str) -> None:
        """The board accepts the final report: needs terms of reference, a reviewer and a draft."""
        self._require_stage(*UNDER_REVIEW, action="accept the report (the review must be initiated)")
        if self.terms_agreed_on is None:
            raise PreconditionMissing(
                "terms_of_reference_required", "agree the terms of reference before accepting the report"
            )
        if not self.reviewers:
            raise PreconditionMissing(
                "reviewer_required", "commission an independent reviewer before accepting the report"
            )
        if self.drafts == 0:
            raise PreconditionMissing("draft_report_required", "receive a draft report before accepting it")
        self._require_in_order(accepted_on=(accepted_on, "accepted_on"))
        require_not_future(accepted_on, ctx.today, field="accepted_on")
        self._record(ctx, self.ReportAccepted, accepted_on=accepted_on, board_response=board_response)

    def make_recommendation(self, ctx: Context, *, ref: str, text: str, scope: RecommendationScope) -> None:
        """Record a recommendation of the review (from a draft onwards)."""
        self._require_stage(Stage.INITIATED, *AFTER_ACCEPTANCE, Stage.PUBLISHED, action="make a recommendation")
        if ref in self.recommendations:
            raise Duplicate(f"recommendation {ref} already exists in this review", field="ref")
        self._record(ctx, self.RecommendationMade, ref=ref, text=text, scope=scope)

    def decide_publication(
        self, ctx: Context, *, option: PublicationOption, rationale: str, planned_on: date | None, decided_on: date
    ) -> None:
        """The chair decides how to publish (improvements information only is a CSPR option)."""
        self._require_stage(*AFTER_ACCEPTANCE, action="decide on publication (the report must be accepted)")
        if option is PublicationOption.IMPROVEMENTS_ONLY and not self.regime.is_cspr:
            raise NotApplicableToRegime("publishing improvements information only is a CSPR option")
        why = require_rationale(rationale)
        self._require_in_order(
            publication_decided_on=(decided_on, "decided_on"), publication_planned_on=(planned_on, "planned_on")
        )
        require_not_future(decided_on, ctx.today, field="decided_on")
        self._record(
            ctx, self.PublicationDecided, option=option, rationale=why, planned_on=planned_on, decided_on=decided_on
        )

    def assess_risk(
        self,
        ctx: Context,
        *,
        reputational_risk: RiskLevel,
        media_interest: str,
        communications_plan: str,
        assessed_on: date,
    ) -> None:
        """Record the board's assessment of risk before publication."""
        self._require_stage(*AFTER_ACCEPTANCE, action="assess publication risk (the report must be accepted)")
        require_not_future(assessed_on, ctx.today, field="assessed_on")
        self._record(
            ctx,
            self.RiskAssessed,
            reputational_risk=reputational_risk,
            media_interest=media_interest,
            communications_plan=communications_plan,
            assessed_on=assessed_on,
        )

    def override_hold_for_publication(self, ctx: Context, *, hold_id: UUID, rationale: str, decided_on: date) -> None:
        """The chair allows publication despite an active blocking hold, saying why."""
        self._require_stage(*AFTER_ACCEPTANCE, action="override a hold for publication")
        hold = self.holds.get(hold_id)
        if hold is None:
            raise UnknownReference(f"this review has no legal hold {hold_id}", field="hold_id")
        if not (hold.active and hold.blocks_publication):
            raise InvalidTransition(f"legal hold {hold_id} is not an active hold that blocks publication")
        if hold.overridden:
            raise AlreadyResolved(f"legal hold {hold_id} is already overridden")
        why = require_rationale(rationale)
        self._require_in_order(hold, hold_overridden_on=(decided_on, "decided_on"))
        require_not_future(decided_on, ctx.today, field="decided_on")
        self._record(ctx, self.PublicationOverrideRecorded, hold_id=hold_id, rationale=why, decided_on=decided_on)

    def send_pre_publication_copies(self, ctx: Context, *, recipients: tuple[Recipient, ...], sent_on: date) -> None:
        """Record copies sent before publication."""
        self._require_stage(
            Stage.PUBLICATION_DECIDED, action="send pre-publication copies (decide on publication first)"
        )
        if not recipients:
            raise InvalidValue("name at least one recipient", field="recipients")
        self._require_in_order(copies_sent_on=(sent_on, "sent_on"))
        require_not_future(sent_on, ctx.today, field="sent_on")
        self._record(ctx, self.PrePublicationCopiesSent, recipients=tuple(dict.fromkeys(recipients)), sent_on=sent_on)

    def publish(self, ctx: Context, *, url: str, published_on: date, document_sha256: str) -> None:
        """Publish: needs a decision to publish, a risk assessment, and no un-overridden blocking hold."""
        if self.stage in (Stage.REPORT_ACCEPTED, Stage.INITIATED, Stage.NOTIFIED, Stage.RAPID_REVIEWED):
            raise PreconditionMissing("publication_not_decided", "the chair must decide on publication first")
        self._require_stage(Stage.PUBLICATION_DECIDED, action="publish")
        if self.publication_option is PublicationOption.NOT_PUBLISHED:
            raise InvalidTransition("the chair decided not to publish this review")
        if self.risk_assessed_on is None:
            raise PreconditionMissing(
                "risk_assessment_required", "record the board's risk assessment before publishing"
            )
        self._require_no_blocking_hold()
        self._require_in_order(published_on=(published_on, "published_on"))
        require_not_future(published_on, ctx.today, field="published_on")
        self._record(ctx, self.Published, url=url, published_on=published_on, document_sha256=document_sha256)

    def correct(
        self, ctx: Context, *, corrects_position: int, corrects_version: int, field: str, value: JsonValue, reason: str
    ) -> None:
        """Put an earlier event right by naming it, the field, the new value and why."""
        event_type, _ = self.applied.get(corrects_version, ("", None))
        if not event_type:
            raise UnknownReference(
                f"position {corrects_position} is not an event of this review", field="corrects_position"
            )
        if event_type == "Corrected":
            raise CorrectionInvalid(
                "a correction cannot itself be corrected; correct the original event", field="corrects_position"
            )
        clean = validate_correction(type(self), event_type, field, value)
        self._require_correction_keeps_dates_possible(ctx, corrects_version, field, clean)
        self._record(
            ctx,
            self.Corrected,
            corrects_position=corrects_position,
            corrects_version=corrects_version,
            corrects_type=event_type,
            field=field,
            value=clean,
            corrected_on=ctx.today,
            rationale=require_rationale(reason, "reason"),
        )

    def close(self, ctx: Context, *, on: date, reason: str) -> None:
        """Close the review."""
        self._require_stage(*OPEN_STAGES, action="close the review")
        self._require_in_order(closed_on=(on, "on"))
        require_not_future(on, ctx.today, field="on")
        self._record(ctx, self.Closed, closed_on=on, rationale=require_rationale(reason, "reason"))

    def reopen(self, ctx: Context, *, on: date, reason: str) -> None:
        """Reopen a closed review, saying why."""
        self._require_stage(Stage.CLOSED, action="reopen (only a closed review can be reopened)")
        self._require_in_order(reopened_on=(on, "on"))
        require_not_future(on, ctx.today, field="on")
        self._record(ctx, self.Reopened, reopened_on=on, rationale=require_rationale(reason, "reason"))

    # ---- invariants -----------------------------------------------------------------------------

    def _record(self, ctx: Context, event_class: type[Aggregate.Event], **fields: Any) -> None:
        self.trigger_event(event_class, actor=ctx.actor, correlation_id=ctx.correlation_id, **fields)

    def _require_stage(self, *allowed: Stage, action: str) -> None:
        if self.stage not in allowed:
            raise InvalidTransition(f"cannot {action}: the review is at stage '{self.stage}'")

    def _require_in_order(self, hold: Hold | None = None, /, **proposed: Proposed) -> None:
        """New dates keep the one table of date orders (domain.date_order) with the review's own."""
        require_in_order(self, proposed, hold)

    def _require_report_outstanding(self, report_id: UUID) -> None:
        status = self.agency_reports.get(report_id)
        if status is None:
            raise NotFound(f"this review has no agency report {report_id}")
        if status != "requested":
            raise AlreadyResolved(f"agency report {report_id} was already {status}")

    def _require_no_blocking_hold(self) -> None:
        blocking = [h for h in self.active_holds if h.blocks_publication and not h.overridden]
        if blocking:
            refs = ", ".join(f"{h.kind} {h.reference} ({h.hold_id})" for h in blocking)
            raise LegalHoldActive(
                f"publication is blocked by active legal holds: {refs}; lift them or record an override"
            )

    def _require_reversal_matches(
        self, reverses_version: int | None, category: CostCategory, amount_pence: int, paying_agency: str
    ) -> None:
        if reverses_version is None:
            raise ReversalMismatch("a reversal must name the position of the entry it reverses", field="reverses")
        target = self.cost_entries.get(reverses_version)
        if target is None:
            raise ReversalMismatch("the entry to reverse is not a ledger entry of this review", field="reverses")
        if target.reversed:
            raise ReversalMismatch("that ledger entry is already reversed", field="reverses")
        if (target.category, target.amount_pence, target.paying_agency) != (category, amount_pence, paying_agency):
            raise ReversalMismatch(
                f"a reversal must match its entry: {target.category}, {target.amount_pence} pence, "
                f"paid by {target.paying_agency}",
                field="amount_pence",
            )

    def _require_correction_keeps_dates_possible(self, ctx: Context, version: int, field: str, value: Any) -> None:
        """A corrected date may not lie after today (unless it is a plan) or break the order of the review's dates."""
        on = corrected_date(type(self), self.applied[version][0], field, value)
        if on is not None and field.rpartition(".")[2] not in PLANNED_FIELDS:
            require_not_future(on, ctx.today, field="value")
        trial = copy.deepcopy(self)
        trial.apply_correction(version, field, value)
        # Only a new problem is refused: a history recorded under older rules may already hold one.
        problems = [p for p in impossible_orders(trial) if p not in impossible_orders(self)]
        if problems:
            raise DateOrder(f"the correction would put dates in an impossible order: {problems[0]}", field="value")

    def apply_correction(self, version: int, field: str, value: Any) -> None:
        """Carry a correction into the state that deadlines and holds are computed from."""
        apply_correction(self, version, field, value)
