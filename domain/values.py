"""Enumerations and value objects shared by the aggregates, rules and read models."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Regime(StrEnum):
    """The statutory regime a review runs under."""

    # LSCB Regulations 2006 with Working Together 2006 and 2010 (chapter 8), before the National Panel existed.
    SCR_2006 = "scr-2006"
    SCR_2013 = "scr-2013"
    SCR_2015 = "scr-2015"
    CSPR_2018 = "cspr-2018"
    CSPR_2023 = "cspr-2023"

    @property
    def is_cspr(self) -> bool:
        return self in (Regime.CSPR_2018, Regime.CSPR_2023)


SCR_REGIMES = frozenset({Regime.SCR_2006, Regime.SCR_2013, Regime.SCR_2015})
# The SCR regimes of Working Together 2013 and 2015: the National Panel (June 2013), published reports.
WT_2013_REGIMES = frozenset({Regime.SCR_2013, Regime.SCR_2015})
CSPR_REGIMES = frozenset({Regime.CSPR_2018, Regime.CSPR_2023})


class Stage(StrEnum):
    """Where a review stands in its process; each milestone moves it forward."""

    NOTIFIED = "notified"
    RAPID_REVIEWED = "rapid_reviewed"
    INITIATED = "initiated"
    NOT_INITIATED = "not_initiated"
    REPORT_ACCEPTED = "report_accepted"
    PUBLICATION_DECIDED = "publication_decided"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"


class Role(StrEnum):
    """What a user may do; see domain.permissions."""

    BOARD_MANAGER = "board_manager"
    BOARD_CHAIR = "board_chair"
    AGENCY_LEAD = "agency_lead"
    AUDITOR = "auditor"
    NATIONAL_PANEL = "national_panel"
    ADMIN = "admin"
    SYSTEM = "system"


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class IncidentNature(StrEnum):
    DEATH = "death"
    SERIOUS_HARM = "serious_harm"
    LOOKED_AFTER_DEATH = "looked_after_death"


class PlacementType(StrEnum):
    """Where the child was living (DfE serious incident notification statistics)."""

    LIVING_AT_HOME = "living_at_home"
    FOSTER_CARE = "foster_care"
    CHILDRENS_HOME = "childrens_home"
    SECURE_SETTING = "secure_setting"
    PLACED_FOR_ADOPTION = "placed_for_adoption"
    OTHER = "other"
    UNKNOWN = "unknown"


class AbuseOrNeglect(StrEnum):
    KNOWN = "known"
    SUSPECTED = "suspected"
    NOT_SUSPECTED = "not_suspected"


class RapidReviewOutcome(StrEnum):
    LCSPR = "lcspr"
    NATIONAL_REVIEW_RECOMMENDED = "national_review_recommended"
    NO_REVIEW = "no_review"


class InitiationDecision(StrEnum):
    INITIATE = "initiate"
    INITIATE_NON_STATUTORY = "initiate_non_statutory"
    OTHER_REVIEW = "other_review"
    NO_REVIEW = "no_review"

    @property
    def initiates(self) -> bool:
        return self in (InitiationDecision.INITIATE, InitiationDecision.INITIATE_NON_STATUTORY)

    @property
    def is_statutory_review(self) -> bool:
        """Only `initiate` holds the statutory review: anything else, a non-statutory review included, is not."""
        return self is InitiationDecision.INITIATE


class ReconsiderationReason(StrEnum):
    """Why the chair reconsidered an initiation decision."""

    PANEL_DISAGREED = "panel_disagreed"
    NEW_INFORMATION = "new_information"
    MINISTERIAL_CHALLENGE = "ministerial_challenge"
    OTHER = "other"


class WithdrawalReason(StrEnum):
    """Why a published report was taken down."""

    RETENTION_PERIOD_ENDED = "retention_period_ended"
    COURT_ORDER = "court_order"
    FACTUAL_ERROR = "factual_error"
    FAMILY_REQUEST = "family_request"
    OTHER = "other"


class Evaluator(StrEnum):
    """Who evaluated a report (Ofsted rated SCR overview reports 2007-12)."""

    OFSTED = "ofsted"
    NATIONAL_PANEL = "national_panel"
    PEER = "peer"


class Rating(StrEnum):
    OUTSTANDING = "outstanding"
    GOOD = "good"
    ADEQUATE = "adequate"
    INADEQUATE = "inadequate"
    NOT_RATED = "not_rated"


class LinkKind(StrEnum):
    """How a review relates to another review."""

    JOINT_DHR = "joint_dhr"
    JOINT_SAR = "joint_sar"
    LINKED_REVIEW = "linked_review"
    NATIONAL_REVIEW = "national_review"
    CHILD_DEATH_REVIEW = "child_death_review"
    SUBSUMED_INTO = "subsumed_into"


class CloseOutcome(StrEnum):
    """How a review ended: completed, or its open deadlines no longer apply."""

    COMPLETED = "completed"
    SUBSUMED = "subsumed"
    NO_FURTHER_ACTION = "no_further_action"


class ExtensionAgreedWith(StrEnum):
    NATIONAL_PANEL = "national_panel"
    DFE = "dfe"
    SAFEGUARDING_PARTNERS = "safeguarding_partners"


class Recipient(StrEnum):
    OFSTED = "ofsted"
    DFE = "dfe"
    NATIONAL_PANEL = "national_panel"
    SECRETARY_OF_STATE = "secretary_of_state"


class NotificationSubject(StrEnum):
    INITIATION = "initiation"
    NOT_INITIATING = "not_initiating"
    REVIEWER_NAMES = "reviewer_names"
    DELAY = "delay"
    NOT_PUBLISHING = "not_publishing"


class PanelView(StrEnum):
    AGREED = "agreed"
    DISAGREED = "disagreed"
    INFORMATION_REQUESTED = "information_requested"


class ReviewerRole(StrEnum):
    LEAD_REVIEWER = "lead_reviewer"
    OVERVIEW_AUTHOR = "overview_author"
    PANEL_CHAIR = "panel_chair"


class ProcurementRoute(StrEnum):
    DIRECT_AWARD = "direct_award"
    FRAMEWORK = "framework"
    TENDER = "tender"


class AgencyReportKind(StrEnum):
    IMR = "imr"
    CHRONOLOGY = "chronology"
    AGENCY_REPORT = "agency_report"


class HoldKind(StrEnum):
    POLICE_INVESTIGATION = "police_investigation"
    CRIMINAL_PROCEEDINGS = "criminal_proceedings"
    CORONER_INQUEST = "coroner_inquest"
    FAMILY_PROCEEDINGS = "family_proceedings"
    REPORTING_RESTRICTION = "reporting_restriction"


class CostEntryKind(StrEnum):
    COMMITMENT = "commitment"
    INVOICE = "invoice"
    PAYMENT = "payment"
    REVERSAL = "reversal"


class CostCategory(StrEnum):
    LEAD_REVIEWER = "lead_reviewer"
    PANEL_CHAIR = "panel_chair"
    AGENCY_REPORTS = "agency_reports"
    LEGAL_ADVICE = "legal_advice"
    VENUE_ADMIN = "venue_admin"
    TRAINING_DISSEMINATION = "training_dissemination"
    TRANSLATION = "translation"
    OTHER = "other"


class StaffActivity(StrEnum):
    MEETING = "meeting"
    INTERVIEW = "interview"
    AGENCY_REPORT = "agency_report"
    TRAINING = "training"
    OTHER = "other"


class RecommendationScope(StrEnum):
    LOCAL = "local"
    REGIONAL = "regional"
    NATIONAL = "national"


class Rag(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"


class AssuranceOutcome(StrEnum):
    ASSURED = "assured"
    REJECTED = "rejected"


class PublicationOption(StrEnum):
    FULL = "full"
    ANONYMISED = "anonymised"
    SUMMARY = "summary"
    NSPCC_ANONYMOUS = "nspcc_anonymous"
    IMPROVEMENTS_ONLY = "improvements_only"
    NOT_PUBLISHED = "not_published"


class RiskLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Value(BaseModel):
    """Base for immutable value objects carried inside events."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Actor(Value):
    """Who recorded an event: the user, the role they acted in, and their board (if any)."""

    user: str
    role: Role
    board: str | None = None
    agency: str | None = None
