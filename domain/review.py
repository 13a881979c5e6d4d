"""The CaseReview aggregate: one per serious incident notification, from notification to closure."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from pydantic import Field, JsonValue

from domain.base import Aggregate, Context, require_not_future, require_rationale
from domain.corrections import apply_correction, corrected_date, require_correctable_by, validate_correction
from domain.date_order import PLANNED_FIELDS, Proposed, impossible_orders, require_in_order
from domain.deadlines import clock
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
from domain.identifiers import normalise_board_id, normalise_case_ref
from domain.inquiry_hold import InquiryHold
from domain.learning_values import DisseminationKind, MonitoringKind
from domain.record_values import RedactionParty, RedactionReason
from domain.retention import RetentionSchedule, disposal_due_on, disposal_refusal
from domain.review_facts import hold_changes, review_changes
from domain.review_values import Child, CostEntry, Criteria, Hold, Incident
from domain.rules import against_criteria, copies_complete_on, extended_due_key, rapid_review_applies, rules_for
from domain.themes import require_themes
from domain.values import (
    AgencyReportKind,
    CloseOutcome,
    CostCategory,
    CostEntryKind,
    Evaluator,
    ExtensionAgreedWith,
    HoldKind,
    IncidentNature,
    InitiationDecision,
    LinkKind,
    NotificationSubject,
    PanelView,
    ProcurementRoute,
    PublicationOption,
    RapidReviewOutcome,
    Rating,
    Recipient,
    RecommendationScope,
    ReconsiderationReason,
    Regime,
    ReviewerRole,
    RiskLevel,
    StaffActivity,
    Stage,
    WithdrawalReason,
)

# Formed in June 2013 (DOMAIN.md section 1): evaluations before then were Ofsted's.
PANEL_FORMED_ON = date(2013, 6, 1)
REVIEW_NAMESPACE = uuid5(NAMESPACE_URL, "https://scr-ledger.example/reviews")
Sha256 = Field(pattern=r"^[0-9a-f]{64}$")
ShortText = Field(min_length=1, max_length=500)
LongText = Field(max_length=20_000)
MAX_CHILDREN = 4

# Stages in which the review's work (terms, reviewers, reports, drafts) may be recorded.
UNDER_REVIEW = (Stage.INITIATED,)
OPEN_STAGES = tuple(s for s in Stage if s is not Stage.CLOSED)
AFTER_ACCEPTANCE = (Stage.REPORT_ACCEPTED, Stage.PUBLICATION_DECIDED)
# Stages in which the report exists or is being written: redactions and the family-impact check.
REPORT_STAGES = (Stage.INITIATED, *AFTER_ACCEPTANCE, Stage.PUBLISHED, Stage.WITHDRAWN)
# Publication that tells the family's story: it needs the family-impact check first (DOMAIN.md section 9).
NAMING_OPTIONS = (PublicationOption.FULL, PublicationOption.ANONYMISED)
# The reviewers who write the report: acceptance needs one of them.
AUTHORS = frozenset({ReviewerRole.LEAD_REVIEWER, ReviewerRole.OVERVIEW_AUTHOR})


def _as_date(value: Any) -> date | None:
    """A fact's date as the aggregate keeps it (a date) or the read models do (ISO text)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def require_children_fit(incident: Incident, children: tuple[Child, ...], statistics_child: int) -> None:
    """Up to 4 children for serious harm, one per notification for a death; the statistics child is one of them."""
    if len(children) > MAX_CHILDREN:
        raise InvalidValue(f"a notification names at most {MAX_CHILDREN} children", field="children")
    if len(children) > 1 and incident.nature is not IncidentNature.SERIOUS_HARM:
        raise InvalidValue("a child's death is notified once per child: name one child", field="children")
    if not 0 <= statistics_child < len(children):
        raise InvalidValue(
            f"statistics_child must index one of the {len(children)} children listed", field="statistics_child"
        )


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
        # The first child listed; a serious-harm notification may name up to 3 more (siblings). Older
        # notifications name one child and take it for DfE statistics: the defaults keep their meaning.
        child: Child
        incident: Incident
        notified_on: date
        other_children: tuple[Child, ...] = Field(default=(), max_length=3)
        statistics_child: int = Field(default=0, ge=0, le=3)

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
            review.reviewer_roles[self.reviewer_id] = self.role
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
        # Learning themes (second wave): codes of domain/themes.toml; absent from older records.
        themes: tuple[str, ...] = ()

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
        # Closures recorded before outcomes were kept completed the review.
        outcome: CloseOutcome = CloseOutcome.COMPLETED

        def apply(self, review: CaseReview) -> None:
            review.apply_facts(self)

    class Reopened(Aggregate.Event):
        """A closed review opened again (e.g. re-submitted after an inadequate rating)."""

        effective_field: ClassVar[str] = "reopened_on"
        reopened_on: date
        rationale: str

        def apply(self, review: CaseReview) -> None:
            review.apply_facts(self)

    # ---- the process as it really runs (DOMAIN.md section 8) ------------------------------------

    class InitiationReconsidered(Aggregate.Event):
        """The chair reconsidered a decision not to hold the statutory review, saying why."""

        effective_field: ClassVar[str] = "decided_on"
        criteria: Criteria
        criteria_met: bool
        contradicts_criteria: bool
        decision: InitiationDecision
        reason: ReconsiderationReason
        decided_on: date
        rationale: str

        def apply(self, review: CaseReview) -> None:
            review.apply_facts(self)

    class ReportRevised(Aggregate.Event):
        """A revised report arrived after acceptance (trial evidence, an inadequate evaluation)."""

        effective_field: ClassVar[str] = "received_on"
        version_label: str = ShortText
        received_on: date
        document_sha256: str = Sha256
        reason: str = LongText

        def apply(self, review: CaseReview) -> None:
            review.apply_facts(self)

    class RevisedReportAccepted(Aggregate.Event):
        """The board accepted a revised report (complete_review stays met by the first acceptance)."""

        effective_field: ClassVar[str] = "accepted_on"
        accepted_on: date
        board_response: str = LongText

        def apply(self, review: CaseReview) -> None:
            review.apply_facts(self)

    class ReportWithdrawn(Aggregate.Event):
        """A published report was taken down."""

        effective_field: ClassVar[str] = "withdrawn_on"
        withdrawn_on: date
        reason: WithdrawalReason
        rationale: str

        def apply(self, review: CaseReview) -> None:
            review.apply_facts(self)

    class Republished(Aggregate.Event):
        """A revised report published again (new address and document)."""

        effective_field: ClassVar[str] = "published_on"
        url: str = Field(min_length=1, max_length=2_000)
        published_on: date
        document_sha256: str = Sha256
        reason: str = LongText

        def apply(self, review: CaseReview) -> None:
            review.apply_facts(self)

    class NspccDeposited(Aggregate.Event):
        """The report deposited with the NSPCC national case review repository."""

        effective_field: ClassVar[str] = "deposited_on"
        deposited_on: date
        reference: str = ShortText

        def apply(self, review: CaseReview) -> None:
            review.apply_facts(self)

    class EvaluationRecorded(Aggregate.Event):
        """An evaluation of the report (Ofsted rated SCR overview reports 2007-12)."""

        effective_field: ClassVar[str] = "evaluated_on"
        evaluator: Evaluator
        rating: Rating
        evaluated_on: date
        summary: str = LongText

        def apply(self, review: CaseReview) -> None:
            review.apply_facts(self)

    class ReviewLinked(Aggregate.Event):
        """A joint or linked review, a national or child death review, or the review this one was subsumed into."""

        effective_field: ClassVar[str] = "linked_on"
        kind: LinkKind
        other_review_id: UUID | None = None
        external_ref: str | None = Field(default=None, min_length=1, max_length=200)
        linked_on: date
        note: str = LongText

        def apply(self, review: CaseReview) -> None:
            review.apply_facts(self)

    class ExtensionAgreed(Aggregate.Event):
        """A later date agreed for one rule: reported beside the statutory due date, never instead of it."""

        effective_field: ClassVar[str] = "agreed_on"
        rule: str
        new_due_on: date
        agreed_with: ExtensionAgreedWith
        reason: str = LongText
        agreed_on: date

        def apply(self, review: CaseReview) -> None:
            review.apply_facts(self)

    # ---- learning across reviews (DOMAIN.md section 9) ------------------------------------------

    class ThemesTagged(Aggregate.Event):
        """The review's learning themes, replacing its earlier set (codes of domain/themes.toml)."""

        effective_field: ClassVar[str] = "tagged_on"
        themes: tuple[str, ...]
        tagged_on: date

        def apply(self, review: CaseReview) -> None:
            review.themes = self.themes

    class FindingRecorded(Aggregate.Event):
        """A key finding of the review, with its themes."""

        effective_field: ClassVar[str] = "recorded_on"
        ref: str = Field(min_length=1, max_length=50)
        text: str = Field(min_length=1, max_length=20_000)
        themes: tuple[str, ...] = ()
        recorded_on: date

        def apply(self, review: CaseReview) -> None:
            review.findings[self.ref] = self.themes

    class DisseminationRecorded(Aggregate.Event):
        """The review's learning shared: a briefing, learning event, training, newsletter or conference."""

        effective_field: ClassVar[str] = "held_on"
        dissemination_id: UUID
        kind: DisseminationKind
        held_on: date
        audience_agencies: tuple[str, ...] = ()
        attendees: dict[str, int] = Field(default_factory=dict)  # agency -> how many attended
        note: str = LongText

    class MonitoringRecorded(Aggregate.Event):
        """CSPR (SI 2018/789 reg 14): the partners checked the review's time or quality, or wrote to the reviewer."""

        effective_field: ClassVar[str] = "on"
        kind: MonitoringKind
        on: date
        note: str = LongText

    # ---- records management (DOMAIN.md section 9) ----------------------------------------------

    class RedactionDecided(Aggregate.Event):
        """Before publication: an item of the report redacted, why, and with whom it was agreed."""

        effective_field: ClassVar[str] = "decided_on"
        item: str = ShortText
        reason: RedactionReason
        agreed_with: tuple[RedactionParty, ...] = ()
        decided_on: date

        def apply(self, review: CaseReview) -> None:
            review.apply_facts(self)

    class FamilyImpactChecked(Aggregate.Event):
        """Before publication: the report's impact on the child's family considered, and whether they were consulted."""

        effective_field: ClassVar[str] = "checked_on"
        checked_on: date
        family_consulted: bool
        note: str = LongText

        def apply(self, review: CaseReview) -> None:
            review.apply_facts(self)

    class RetentionClassSet(Aggregate.Event):
        """The chair set the retention class the review's personal data is kept under (domain.retention)."""

        effective_field: ClassVar[str] = "set_on"
        retention_class: str = Field(min_length=1, max_length=100)
        years_after_closure: int = Field(ge=0)  # the class's years when set, for the record
        set_on: date

        def apply(self, review: CaseReview) -> None:
            review.apply_facts(self)

    class Disposed(Aggregate.Event):
        """The chair disposed of the review's personal data after its retention period (domain.retention)."""

        effective_field: ClassVar[str] = "disposed_on"
        disposed_on: date
        retention_class: str
        due_on: date
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
        other_children: tuple[Child, ...]
        statistics_child: int
        incident: Incident
        notified_on: date
        stage: Stage

    def reset_state(self) -> None:
        """The state every review starts with after its notification."""
        self.rapid_review_completed_on: date | None = None
        self.rapid_review_outcome: RapidReviewOutcome | None = None
        self.decision: InitiationDecision | None = None
        self.decided_on: date | None = None
        self.reconsidered_decision: InitiationDecision | None = None
        self.reconsidered_on: date | None = None
        self.reconsideration_reason: ReconsiderationReason | None = None
        self.contradicts_criteria = False
        self.panel_told_not_initiating_on: date | None = None
        self.terms_agreed_on: date | None = None
        self.reviewers: dict[UUID, str] = {}
        self.reviewer_roles: dict[UUID, ReviewerRole] = {}
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
        self.copies_sent: dict[str, list[Any]] = {}
        self.published_on: date | None = None
        self.revised_on: date | None = None
        self.revision_waiting = False
        self.revision_accepted_on: date | None = None
        self.withdrawn_on: date | None = None
        self.first_withdrawn_on: date | None = None
        self.withdrawal_reason: WithdrawalReason | None = None
        self.republished_on: date | None = None
        self.nspcc_deposited_on: date | None = None
        self.extensions: dict[str, list[Any]] = {}
        self.evaluations: dict[str, list[Any]] = {}
        self.links: dict[str, list[Any]] = {}
        self.withdrawals: dict[str, list[Any]] = {}  # every withdrawal, kept after a republication
        self.stage_before_closure: Stage | None = None
        self.closed_on: date | None = None
        self.close_outcome: CloseOutcome | None = None
        self.themes: tuple[str, ...] = ()
        self.findings: dict[str, tuple[str, ...]] = {}
        self.redactions: dict[str, list[Any]] = {}
        self.family_impact_checked_on: date | None = None
        self.family_consulted: bool | None = None
        self.family_impact_note: str | None = None
        self.retention_class: str | None = None
        self.disposed_on: date | None = None

    def apply_facts(self, event: Aggregate.Event) -> None:
        """Change the facts an event changes, by the table the read models run too (domain.review_facts)."""
        changes = review_changes(type(event).__name__, vars(event), vars(self), event.originator_version)
        for name, value in changes.items():
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
        decision, decided_on = self.current_decision
        first_decision = self.decision
        found: dict[str, date | None] = {
            "la_aware_on": self.incident.la_aware_on,
            "notified_on": self.notified_on,
            "rapid_review_clock_from": (
                self.notified_on if rapid_review_applies(self.incident.abuse_or_neglect) else None
            ),
            "rapid_review_completed_on": self.rapid_review_completed_on,
            "initiation_first_decided_on": self.decided_on,
            "initiation_decided_on": decided_on if decision and decision.initiates else None,
            # The first decision not to hold the statutory review (a non-statutory one included) starts the
            # duty to tell the Panel; a later reconsideration does not undo it.
            "not_initiating_decided_on": (
                self.decided_on if first_decision and not first_decision.is_statutory_review else None
            ),
            "panel_told_not_initiating_on": self.panel_told_not_initiating_on,
            "report_accepted_on": self.accepted_on,
            "published_on": self.published_on,
            "publication_due_on": self.publication_due_on,
            "pre_publication_copy_sent_on": self.pre_publication_copy_sent_on,
            "withdrawn_on": self.first_withdrawn_on,
            "not_applicable_from": (
                self.closed_on
                if self.stage is Stage.CLOSED and self.close_outcome not in (None, CloseOutcome.COMPLETED)
                else None
            ),
        }
        for rule_id, new_due_on in self.extended_due_dates.items():
            found[extended_due_key(rule_id)] = new_due_on
        return {name: on for name, on in found.items() if on is not None}

    @property
    def current_decision(self) -> tuple[InitiationDecision | None, date | None]:
        """The initiation decision in force and its date: the latest reconsideration, else the first decision."""
        if self.reconsidered_decision is not None:
            return InitiationDecision(self.reconsidered_decision), _as_date(self.reconsidered_on)
        return self.decision, self.decided_on

    @property
    def publication_due_on(self) -> date | None:
        """The actual publication date once published, the planned one before; none when not publishing."""
        if self.publication_option in (None, PublicationOption.NOT_PUBLISHED):
            return None
        return self.published_on or self.publication_planned_on

    @property
    def pre_publication_copy_sent_on(self) -> date | None:
        """The day every required recipient of the regime had been sent a copy (domain.rules)."""
        sent = [(recipients, _as_date(sent_on)) for recipients, sent_on in self.copies_sent.values()]
        return copies_complete_on(Regime(self.regime), [(r, on) for r, on in sent if on is not None])

    @property
    def extended_due_dates(self) -> dict[str, date]:
        """Each rule's latest agreed later date."""
        latest: dict[str, date] = {}
        for _version, (rule_id, new_due_on) in sorted(self.extensions.items(), key=lambda item: int(item[0])):
            on = _as_date(new_due_on)
            if on is not None:
                latest[str(rule_id)] = on
        return latest

    @property
    def revision_pending(self) -> bool:
        """A revised report arrived and is not yet accepted."""
        return bool(self.revision_waiting)

    @property
    def link_kinds(self) -> list[LinkKind]:
        return [LinkKind(entry[0]) for entry in self.links.values()]

    @property
    def children(self) -> tuple[Child, ...]:
        """Every child the notification names, in the order listed."""
        return (self.child, *self.other_children)

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
        other_children: tuple[Child, ...] = (),
        statistics_child: int = 0,
    ) -> CaseReview:
        """Open a review from a serious incident notification (a death: one child; serious harm: up to 4)."""
        case_ref = normalise_case_ref(case_ref)
        board_id = normalise_board_id(board_id)
        require_children_fit(incident, (child, *other_children), statistics_child)
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
            other_children=other_children,
            statistics_child=statistics_child,
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
            contradicts_criteria=against_criteria(self.regime, criteria.met, decision),
            decision=decision,
            decided_on=decided_on,
            rationale=why,
        )

    def reconsider_initiation(
        self,
        ctx: Context,
        *,
        decision: InitiationDecision,
        criteria: Criteria,
        reason: ReconsiderationReason,
        rationale: str,
        decided_on: date,
    ) -> None:
        """The chair reconsiders a decision not to hold the statutory review (e.g. after the Panel disagreed)."""
        current, _ = self.current_decision
        if current is None:
            raise InvalidTransition("cannot reconsider: no initiation decision has been made")
        if current.is_statutory_review:
            raise InvalidTransition("cannot reconsider: the decision in force already initiates the statutory review")
        self._require_stage(Stage.NOT_INITIATED, Stage.INITIATED, action="reconsider the initiation decision")
        if current.initiates and self.accepted_on is not None:
            raise InvalidTransition("cannot reconsider: the non-statutory review's report is already accepted")
        if decision is current:
            raise InvalidValue(f"the decision in force is already '{decision}'", field="decision")
        why = require_rationale(rationale)
        self._require_in_order(reconsidered_on=(decided_on, "decided_on"))
        require_not_future(decided_on, ctx.today, field="decided_on")
        self._record(
            ctx,
            self.InitiationReconsidered,
            criteria=criteria,
            criteria_met=criteria.met,
            contradicts_criteria=against_criteria(self.regime, criteria.met, decision),
            decision=decision,
            reason=reason,
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
        if subject is NotificationSubject.NOT_INITIATING and (
            self.decision is None or self.decision.is_statutory_review
        ):
            raise InvalidTransition(
                "the Panel can be told of a decision not to initiate only after that decision "
                "(a non-statutory review is one)"
            )
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

    def request_agency_report(
        self, ctx: Context, *, agency: str, kind: AgencyReportKind, due_on: date, requested_on: date | None = None
    ) -> UUID:
        """Ask an agency for its report: a chronology from notification on (rapid reviews need them), others once
        the review is initiated."""
        if kind is AgencyReportKind.CHRONOLOGY:
            self._require_stage(
                Stage.NOTIFIED, Stage.RAPID_REVIEWED, *UNDER_REVIEW, action="request an agency chronology"
            )
        else:
            self._require_stage(*UNDER_REVIEW, action="request an agency report (the review must be initiated)")
        requested_on = requested_on or ctx.today
        self._require_in_order(report_requested_on=(requested_on, "requested_on"), report_due_on=(due_on, "due_on"))
        require_not_future(requested_on, ctx.today, field="requested_on")
        report_id = uuid4()
        self._record(
            ctx,
            self.AgencyReportRequested,
            report_id=report_id,
            agency=agency,
            kind=kind,
            requested_on=requested_on,
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
        if not self.reviewers:
            raise PreconditionMissing(
                "reviewer_required", "commission an independent reviewer before receiving a draft report"
            )
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
        """The board accepts the final report: needs terms of reference, a reviewer and a draft; after acceptance,
        it accepts a revised report (the review's completion date stays the first acceptance)."""
        if self.revision_pending:
            self._require_in_order(revision_accepted_on=(accepted_on, "accepted_on"))
            require_not_future(accepted_on, ctx.today, field="accepted_on")
            self._record(ctx, self.RevisedReportAccepted, accepted_on=accepted_on, board_response=board_response)
            return
        self._require_stage(*UNDER_REVIEW, action="accept the report (the review must be initiated)")
        if self.terms_agreed_on is None:
            raise PreconditionMissing(
                "terms_of_reference_required", "agree the terms of reference before accepting the report"
            )
        if not any(role in AUTHORS for role in self.reviewer_roles.values()):
            raise PreconditionMissing(
                "reviewer_required",
                "commission a lead reviewer or overview author before accepting the report (a panel chair is not one)",
            )
        if self.drafts == 0:
            raise PreconditionMissing("draft_report_required", "receive a draft report before accepting it")
        self._require_in_order(accepted_on=(accepted_on, "accepted_on"))
        require_not_future(accepted_on, ctx.today, field="accepted_on")
        self._record(ctx, self.ReportAccepted, accepted_on=accepted_on, board_response=board_response)

    def make_recommendation(
        self, ctx: Context, *, ref: str, text: str, scope: RecommendationScope, themes: tuple[str, ...] = ()
    ) -> None:
        """Record a recommendation of the review (from a draft onwards), with its learning themes."""
        self._require_stage(Stage.INITIATED, *AFTER_ACCEPTANCE, Stage.PUBLISHED, action="make a recommendation")
        if ref in self.recommendations:
            raise Duplicate(f"recommendation {ref} already exists in this review", field="ref")
        codes = require_themes(themes)
        self._record(ctx, self.RecommendationMade, ref=ref, text=text, scope=scope, themes=codes)

    def decide_publication(
        self, ctx: Context, *, option: PublicationOption, rationale: str, planned_on: date | None, decided_on: date
    ) -> None:
        """The chair decides how to publish (improvements information only is a CSPR option)."""
        self._require_stage(*AFTER_ACCEPTANCE, action="decide on publication (the report must be accepted)")
        if option is PublicationOption.IMPROVEMENTS_ONLY and not self.regime.is_cspr:
            raise NotApplicableToRegime("publishing improvements information only is a CSPR option")
        if option is PublicationOption.NOT_PUBLISHED and self.regime.is_cspr:
            raise InvalidValue(
                "a CSPR publishes at least its improvements information (s.16F): choose improvements_only",
                field="option",
            )
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
        # Copies sent late (after publication) are still recorded: the rule shows them late.
        self._require_stage(
            Stage.PUBLICATION_DECIDED,
            Stage.PUBLISHED,
            Stage.WITHDRAWN,
            action="send pre-publication copies (decide on publication first)",
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
        self._require_family_impact_checked()
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
        require_correctable_by(event_type, field, ctx.actor.role)
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

    def close(self, ctx: Context, *, on: date, reason: str, outcome: CloseOutcome = CloseOutcome.COMPLETED) -> None:
        """Close the review; closed as subsumed or with no further action, its unmet deadlines no longer apply."""
        self._require_stage(*OPEN_STAGES, action="close the review")
        if outcome is CloseOutcome.SUBSUMED and not any(kind is LinkKind.SUBSUMED_INTO for kind in self.link_kinds):
            raise PreconditionMissing(
                "link_required", "record the review this one was subsumed into (POST /links, kind subsumed_into) first"
            )
        self._require_in_order(closed_on=(on, "on"))
        require_not_future(on, ctx.today, field="on")
        self._record(ctx, self.Closed, closed_on=on, rationale=require_rationale(reason, "reason"), outcome=outcome)

    def revise_report(
        self, ctx: Context, *, version_label: str, received_on: date, document_sha256: str, reason: str
    ) -> None:
        """A revised report after acceptance; it needs accepting again (complete_review keeps its first acceptance)."""
        self._require_stage(*AFTER_ACCEPTANCE, Stage.PUBLISHED, Stage.WITHDRAWN, action="receive a revised report")
        self._require_in_order(revised_on=(received_on, "received_on"))
        require_not_future(received_on, ctx.today, field="received_on")
        self._record(
            ctx,
            self.ReportRevised,
            version_label=version_label,
            received_on=received_on,
            document_sha256=document_sha256,
            reason=require_rationale(reason, "reason"),
        )

    def withdraw_report(self, ctx: Context, *, withdrawn_on: date, reason: WithdrawalReason, rationale: str) -> None:
        """The chair takes a published report down (before its keep-until date it is flagged withdrawn early)."""
        self._require_stage(Stage.PUBLISHED, action="withdraw the report (only a published report can be)")
        why = require_rationale(rationale)
        self._require_in_order(withdrawn_on=(withdrawn_on, "withdrawn_on"))
        if self.republished_on is not None and withdrawn_on < self.republished_on:
            raise DateOrder(
                f"withdrawn_on {withdrawn_on.isoformat()} is before republication ({self.republished_on.isoformat()})",
                field="withdrawn_on",
            )
        require_not_future(withdrawn_on, ctx.today, field="withdrawn_on")
        self._record(ctx, self.ReportWithdrawn, withdrawn_on=withdrawn_on, reason=reason, rationale=why)

    def republish(self, ctx: Context, *, url: str, published_on: date, document_sha256: str, reason: str) -> None:
        """Publish a withdrawn report again in a revised version (a new address and document)."""
        self._require_stage(Stage.WITHDRAWN, action="republish (only a withdrawn report can be)")
        self._require_no_blocking_hold()
        self._require_in_order(republished_on=(published_on, "published_on"))
        if self.withdrawn_on is not None and published_on < self.withdrawn_on:
            raise DateOrder(
                f"published_on {published_on.isoformat()} is before withdrawal ({self.withdrawn_on.isoformat()})",
                field="published_on",
            )
        require_not_future(published_on, ctx.today, field="published_on")
        self._record(
            ctx,
            self.Republished,
            url=url,
            published_on=published_on,
            document_sha256=document_sha256,
            reason=require_rationale(reason, "reason"),
        )

    def deposit_with_nspcc(self, ctx: Context, *, deposited_on: date, reference: str) -> None:
        """The report deposited with the NSPCC national case review repository."""
        self._require_stage(*AFTER_ACCEPTANCE, Stage.PUBLISHED, Stage.WITHDRAWN, action="deposit with the NSPCC")
        self._require_in_order(nspcc_deposited_on=(deposited_on, "deposited_on"))
        require_not_future(deposited_on, ctx.today, field="deposited_on")
        self._record(ctx, self.NspccDeposited, deposited_on=deposited_on, reference=reference)

    def record_evaluation(
        self, ctx: Context, *, evaluator: Evaluator, rating: Rating, evaluated_on: date, summary: str
    ) -> None:
        """An evaluation of the accepted report (Ofsted 2007-12; the National Panel from June 2013)."""
        self._require_stage(
            *AFTER_ACCEPTANCE, Stage.PUBLISHED, Stage.WITHDRAWN, Stage.CLOSED, action="record an evaluation"
        )
        if evaluator is Evaluator.NATIONAL_PANEL and evaluated_on < PANEL_FORMED_ON:
            raise InvalidValue(
                "the National Panel was formed in June 2013: it evaluated nothing before", field="evaluator"
            )
        self._require_in_order(evaluated_on=(evaluated_on, "evaluated_on"))
        require_not_future(evaluated_on, ctx.today, field="evaluated_on")
        self._record(
            ctx, self.EvaluationRecorded, evaluator=evaluator, rating=rating, evaluated_on=evaluated_on, summary=summary
        )

    def link_review(
        self,
        ctx: Context,
        *,
        kind: LinkKind,
        other_review_id: UUID | None,
        external_ref: str | None,
        linked_on: date,
        note: str,
    ) -> None:
        """Record a joint or linked review, or the review this one is subsumed into (ours or named elsewhere)."""
        self._require_stage(*OPEN_STAGES, action="link the review")
        if (other_review_id is None) == (external_ref is None):
            raise InvalidValue(
                "name the other review by other_review_id or external_ref (one of them)", field="other_review_id"
            )
        if other_review_id == self.id:
            raise InvalidValue("a review cannot be linked to itself", field="other_review_id")
        self._require_in_order(linked_on=(linked_on, "linked_on"))
        require_not_future(linked_on, ctx.today, field="linked_on")
        self._record(
            ctx,
            self.ReviewLinked,
            kind=kind,
            other_review_id=other_review_id,
            external_ref=external_ref,
            linked_on=linked_on,
            note=note,
        )

    def agree_extension(
        self,
        ctx: Context,
        *,
        rule: str,
        new_due_on: date,
        agreed_with: ExtensionAgreedWith,
        reason: str,
        agreed_on: date,
    ) -> None:
        """A later date agreed for one started, unmet rule of this review's regime (not a legal hold)."""
        self._require_stage(*OPEN_STAGES, action="agree an extension")
        rule_ids = {r.id for r in rules_for(self.regime)}
        if rule not in rule_ids:
            raise InvalidValue(f"'{rule}' is not a rule of {self.regime}: one of {sorted(rule_ids)}", field="rule")
        found = next((r for r in rules_for(self.regime) if r.id == rule), None)
        clocked = None if found is None else clock(found, self.milestones)
        if found is None or found.keep_until or clocked is None:
            raise InvalidTransition(f"the rule {rule} has not started for this review, or is not a deadline")
        if clocked.met_on is not None:
            raise InvalidTransition(f"the rule {rule} was already met on {clocked.met_on.isoformat()}")
        if new_due_on <= clocked.due_on:
            raise InvalidValue(
                f"an extension is a later date than the due date ({clocked.due_on.isoformat()})", field="new_due_on"
            )
        self._require_in_order(extension_agreed_on=(agreed_on, "agreed_on"))
        require_not_future(agreed_on, ctx.today, field="agreed_on")
        self._record(
            ctx,
            self.ExtensionAgreed,
            rule=rule,
            new_due_on=new_due_on,
            agreed_with=agreed_with,
            reason=require_rationale(reason, "reason"),
            agreed_on=agreed_on,
        )

    def reopen(self, ctx: Context, *, on: date, reason: str) -> None:
        """Reopen a closed review, saying why."""
        self._require_stage(Stage.CLOSED, action="reopen (only a closed review can be reopened)")
        self._require_not_disposed("reopen it")
        self._require_in_order(reopened_on=(on, "on"))
        require_not_future(on, ctx.today, field="on")
        self._record(ctx, self.Reopened, reopened_on=on, rationale=require_rationale(reason, "reason"))

    # ---- learning across reviews (DOMAIN.md section 9) ------------------------------------------

    def tag_themes(self, ctx: Context, *, themes: tuple[str, ...], tagged_on: date) -> None:
        """Set the review's learning themes (replacing the earlier set; an empty set clears them)."""
        codes = require_themes(themes)
        self._require_learning_date(ctx, tagged_on, "tagged_on")
        self._record(ctx, self.ThemesTagged, themes=codes, tagged_on=tagged_on)

    def record_finding(self, ctx: Context, *, ref: str, text: str, themes: tuple[str, ...], recorded_on: date) -> None:
        """Record a key finding (once the review is under way, as for recommendations)."""
        self._require_stage(Stage.INITIATED, *AFTER_ACCEPTANCE, Stage.PUBLISHED, action="record a key finding")
        if ref in self.findings:
            raise Duplicate(f"finding {ref} already exists in this review", field="ref")
        codes = require_themes(themes)
        self._require_learning_date(ctx, recorded_on, "recorded_on")
        self._record(ctx, self.FindingRecorded, ref=ref, text=text, themes=codes, recorded_on=recorded_on)

    def record_dissemination(
        self,
        ctx: Context,
        *,
        kind: DisseminationKind,
        held_on: date,
        audience_agencies: tuple[str, ...],
        attendees: dict[str, int],
        note: str,
    ) -> UUID:
        """Record learning shared (a rapid review's learning may be shared too, so at any stage)."""
        self._require_learning_date(ctx, held_on, "held_on")
        if any(count < 0 for count in attendees.values()):
            raise InvalidValue("attendance is a number of people, never negative", field="attendees")
        dissemination_id = uuid4()
        self._record(
            ctx,
            self.DisseminationRecorded,
            dissemination_id=dissemination_id,
            kind=kind,
            held_on=held_on,
            audience_agencies=tuple(dict.fromkeys(audience_agencies)),
            attendees=attendees,
            note=note,
        )
        return dissemination_id

    def record_monitoring(self, ctx: Context, *, kind: MonitoringKind, on: date, note: str) -> None:
        """CSPR only (reg 14): a time or quality check, or a written request, while the review is carried out."""
        if not self.regime.is_cspr:
            raise NotApplicableToRegime("monitoring under SI 2018/789 reg 14 applies to CSPRs only")
        self._require_stage(
            Stage.INITIATED, *AFTER_ACCEPTANCE, action="record monitoring (the review must be under way)"
        )
        self._require_learning_date(ctx, on, "on")
        self._record(ctx, self.MonitoringRecorded, kind=kind, on=on, note=note)

    def _require_learning_date(self, ctx: Context, on: date, field: str) -> None:
        if on < self.notified_on:
            raise DateOrder(f"{field} {on} is before the notification on {self.notified_on}", field=field)
        require_not_future(on, ctx.today, field=field)

    # ---- records management (DOMAIN.md section 9) ----------------------------------------------

    def record_redaction(
        self,
        ctx: Context,
        *,
        item: str,
        reason: RedactionReason,
        agreed_with: tuple[RedactionParty, ...],
        decided_on: date,
    ) -> None:
        """Record a redaction decision on the report (from the review's start until it is closed)."""
        self._require_stage(*REPORT_STAGES, action="record a redaction (the review must be under way)")
        self._require_learning_date(ctx, decided_on, "decided_on")
        self._record(
            ctx,
            self.RedactionDecided,
            item=item,
            reason=reason,
            agreed_with=tuple(dict.fromkeys(agreed_with)),
            decided_on=decided_on,
        )

    def check_family_impact(self, ctx: Context, *, on: date, family_consulted: bool, note: str) -> None:
        """Record the family-impact check, which publication in full or anonymised needs first."""
        self._require_stage(*REPORT_STAGES, action="record the family-impact check (the review must be under way)")
        self._require_learning_date(ctx, on, "on")
        self._record(ctx, self.FamilyImpactChecked, checked_on=on, family_consulted=family_consulted, note=note)

    def set_retention_class(self, ctx: Context, *, retention_class: str, on: date, schedule: RetentionSchedule) -> None:
        """Keep the review under a class of the schedule in force (an unknown code is refused by name)."""
        self._require_not_disposed("set its retention class")
        chosen = schedule.get(retention_class)
        self._require_learning_date(ctx, on, "on")
        self._record(
            ctx,
            self.RetentionClassSet,
            retention_class=chosen.code,
            years_after_closure=chosen.years_after_closure,
            set_on=on,
        )

    def dispose(
        self, ctx: Context, *, on: date, rationale: str, schedule: RetentionSchedule, holds: Iterable[InquiryHold]
    ) -> None:
        """Dispose of the review's personal data: closed, past its class's years after closure, and under no
        inquiry hold of its board (`holds`: the store's register as it stands, read by the application)."""
        self._require_not_disposed("dispose of it again")
        why = require_rationale(rationale)
        retention = schedule.get(self.retention_class)
        require_not_future(on, ctx.today, field="on")
        closed_on = _as_date(self.closed_on) if self.stage is Stage.CLOSED else None
        refusal = disposal_refusal(
            stage=self.stage, closed_on=closed_on, board_id=self.board_id, retention=retention, holds=holds, on=on
        )
        if refusal is not None:
            raise refusal
        due_on = disposal_due_on(closed_on, retention)
        self._record(ctx, self.Disposed, disposed_on=on, retention_class=retention.code, due_on=due_on, rationale=why)

    # ---- invariants -----------------------------------------------------------------------------

    def _record(self, ctx: Context, event_class: type[Aggregate.Event], **fields: Any) -> None:
        self.trigger_event(event_class, actor=ctx.actor, correlation_id=ctx.correlation_id, **fields)

    def _require_not_disposed(self, action: str) -> None:
        if self.disposed_on is not None:
            raise AlreadyResolved(f"cannot {action}: the review was disposed of on {self.disposed_on.isoformat()}")

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

    def _require_family_impact_checked(self) -> None:
        """Publication in full or anonymised tells the family's story: their impact is checked and recorded first."""
        if self.publication_option in NAMING_OPTIONS and self.family_impact_checked_on is None:
            raise PreconditionMissing(
                "family_impact_check_required",
                f"publication {self.publication_option} needs the family-impact check recorded first "
                "(POST /reviews/{id}/family-impact-check)",
            )

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
        try:  # a corrected notification still names children its incident allows, the statistics child among them
            require_children_fit(trial.incident, trial.children, trial.statistics_child)
        except InvalidValue as error:
            raise CorrectionInvalid(f"the correction would not fit the notification: {error}", field="value") from None
        # Only a new problem is refused: a history recorded under older rules may already hold one.
        problems = [p for p in impossible_orders(trial) if p not in impossible_orders(self)]
        if problems:
            raise DateOrder(f"the correction would put dates in an impossible order: {problems[0]}", field="value")

    def apply_correction(self, version: int, field: str, value: Any) -> None:
        """Carry a correction into the state that deadlines and holds are computed from."""
        apply_correction(self, version, field, value)
