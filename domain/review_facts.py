"""What each of a review's events does to its facts: one table for the aggregate and the read models.

The aggregate runs it over its attributes with its events' typed fields; the read models run it over
stored JSON with the events' JSON fields (dates as ISO text, enums as their values). Values are copied
as they come and nothing is validated: in a rebuild this runs for every event, and each event was
validated when it was recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.rules import against_criteria
from domain.values import CloseOutcome, InitiationDecision, NotificationSubject, Recipient, Regime, Stage

# The facts an event sets from its fields, as (fact, field). A decision or closure may be repeated: the
# latest holds, so a correction moves one of these only when it corrects the latest (domain.corrections).
SETS: dict[str, tuple[tuple[str, str], ...]] = {
    "Notified": (
        ("board_id", "board_id"),
        ("case_ref", "case_ref"),
        ("regime", "regime"),
        ("child", "child"),
        ("incident", "incident"),
        ("notified_on", "notified_on"),
    ),
    "RapidReviewCompleted": (("rapid_review_completed_on", "completed_on"),),
    "InitiationDecided": (
        ("decision", "decision"),
        ("decided_on", "decided_on"),
    ),
    "InitiationReconsidered": (
        ("reconsidered_decision", "decision"),
        ("reconsidered_on", "decided_on"),
        ("reconsideration_reason", "reason"),
    ),
    "ReportAccepted": (("accepted_on", "accepted_on"),),
    "ReportRevised": (("revised_on", "received_on"),),
    "RevisedReportAccepted": (("revision_accepted_on", "accepted_on"),),
    "ReportWithdrawn": (("withdrawn_on", "withdrawn_on"), ("withdrawal_reason", "reason")),
    "Republished": (("republished_on", "published_on"),),
    "NspccDeposited": (("nspcc_deposited_on", "deposited_on"),),
    "PublicationDecided": (
        ("publication_option", "option"),
        ("publication_planned_on", "planned_on"),
        ("publication_decided_on", "decided_on"),
    ),
    "Published": (("published_on", "published_on"),),
    "Closed": (("closed_on", "closed_on"),),
    "FamilyImpactChecked": (
        ("family_impact_checked_on", "checked_on"),
        ("family_consulted", "family_consulted"),
        ("family_impact_note", "note"),
    ),
    # Records management (domain.retention): the class a review is kept under, and its disposal.
    "RetentionClassSet": (("retention_class", "retention_class"),),
    "Disposed": (("disposed_on", "disposed_on"),),
}

# Milestones met by the first event of a kind (later ones repeat it), as (fact, field).
SETS_FIRST: dict[str, tuple[str, str]] = {
    # Only a notice of not initiating that reaches the National Panel meets it.
    "PanelNotified": ("panel_told_not_initiating_on", "sent_on"),
    # A report withdrawn early is flagged by its first withdrawal (website retention).
    "ReportWithdrawn": ("first_withdrawn_on", "withdrawn_on"),
}

# The stage an event moves the review to (an initiation decision's depends on the decision).
STAGES: dict[str, Stage] = {
    "Notified": Stage.NOTIFIED,
    "RapidReviewCompleted": Stage.RAPID_REVIEWED,
    "ReportAccepted": Stage.REPORT_ACCEPTED,
    "PublicationDecided": Stage.PUBLICATION_DECIDED,
    "Published": Stage.PUBLISHED,
    "ReportWithdrawn": Stage.WITHDRAWN,
    "Republished": Stage.PUBLISHED,
    "Closed": Stage.CLOSED,
}

# Events kept as a list of what they say, for the record (by version, so a correction can reach one).
LISTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "PrePublicationCopiesSent": ("copies_sent", ("recipients", "sent_on")),
    "ExtensionAgreed": ("extensions", ("rule", "new_due_on")),
    "EvaluationRecorded": ("evaluations", ("evaluator", "rating", "evaluated_on")),
    "ReviewLinked": ("links", ("kind", "other_review_id", "external_ref", "linked_on")),
    # Every withdrawal with its reason: a republication clears `withdrawn_on`, not what happened.
    "ReportWithdrawn": ("withdrawals", ("withdrawn_on", "reason")),
    "RedactionDecided": ("redactions", ("item", "reason", "agreed_with", "decided_on")),
}

# Facts of records management (issue 13): no deadline depends on them, and redacted items and the
# family-impact note are a board's words about the family, so national read models keep none of them.
RECORD_FACTS = frozenset(
    {
        "redactions",
        "family_impact_checked_on",
        "family_consulted",
        "family_impact_note",
        "retention_class",
        "disposed_on",
    }
)

# The events that change the review's own facts (not its holds).
REVIEW_EVENTS = frozenset({*SETS, *SETS_FIRST, *STAGES, *LISTS, "Reopened", "InitiationReconsidered"})

# The fields a hold event sets on the hold it concerns; an override sets no field, only `overridden`.
HOLD_SETS: dict[str, tuple[str, ...]] = {
    "LegalHoldPlaced": ("kind", "reference", "blocks_publication", "placed_on"),
    "LegalHoldLifted": ("lifted_on",),
}
HOLD_EVENTS = frozenset({*HOLD_SETS, "PublicationOverrideRecorded"})


def review_changes(
    event_type: str, fields: Mapping[str, Any], facts: Mapping[str, Any], version: int = 0
) -> dict[str, Any]:
    """The review's facts an event of `event_type` with `fields` (the `version`-th of the review) changes."""
    changes = {fact: fields.get(field) for fact, field in SETS.get(event_type, ())}
    first = SETS_FIRST.get(event_type)
    if first is not None and facts.get(first[0]) is None and _meets_first(event_type, fields):
        changes[first[0]] = fields[first[1]]
    listed = LISTS.get(event_type)
    if listed is not None:
        # Keyed by the event's version as text (JSON keys), so a correction names the entry it changes.
        fact, keys = listed
        changes[fact] = {**(facts.get(fact) or {}), str(version): [fields.get(key) for key in keys]}
    stage = STAGES.get(event_type)
    if event_type in ("InitiationDecided", "InitiationReconsidered"):
        decision = InitiationDecision(fields["decision"])
        changes["contradicts_criteria"] = against_criteria(Regime(facts["regime"]), fields["criteria_met"], decision)
        stage = Stage.INITIATED if decision.initiates else Stage.NOT_INITIATED
    if event_type == "Notified":
        changes["contradicts_criteria"] = False
        # Absent from notifications recorded before several children were kept: one child, the statistics one.
        changes["other_children"] = fields.get("other_children") or ()
        changes["statistics_child"] = fields.get("statistics_child") or 0
    elif event_type == "Closed":
        changes["stage_before_closure"] = facts["stage"]
        # Closures recorded before outcomes were kept completed the review.
        changes["close_outcome"] = fields.get("outcome") or CloseOutcome.COMPLETED
    elif event_type == "Reopened":
        # closed_on keeps the latest closure's date; the stage says the review is open again.
        stage = facts.get("stage_before_closure") or Stage.NOTIFIED
        changes["close_outcome"] = None
    elif event_type == "Republished":
        changes["withdrawn_on"] = None
    elif event_type in ("ReportRevised", "RevisedReportAccepted"):
        changes["revision_waiting"] = event_type == "ReportRevised"
    if stage is not None:
        changes["stage"] = stage
    return changes


def hold_changes(event_type: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of its hold a hold event sets (a placed hold starts not lifted and not overridden)."""
    if event_type == "PublicationOverrideRecorded":
        return {"overridden": True}
    changes = {field: fields[field] for field in HOLD_SETS[event_type]}
    if event_type == "LegalHoldPlaced":
        changes.update(lifted_on=None, overridden=False)
    return changes


def _meets_first(event_type: str, fields: Mapping[str, Any]) -> bool:
    """Only a notice of not initiating that reaches the National Panel meets the Panel's not-initiating milestone."""
    if event_type != "PanelNotified":
        return True
    return fields["subject"] == NotificationSubject.NOT_INITIATING and Recipient.NATIONAL_PANEL in fields["recipients"]
