"""What each of a review's events does to its facts: one table for the aggregate and the read models.

The aggregate runs it over its attributes with its events' typed fields; the read models run it over
stored JSON with the events' JSON fields (dates as ISO text, enums as their values). Values are copied
as they come and nothing is validated: in a rebuild this runs for every event, and each event was
validated when it was recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.values import InitiationDecision, NotificationSubject, Stage

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
        ("contradicts_criteria", "contradicts_criteria"),
    ),
    "ReportAccepted": (("accepted_on", "accepted_on"),),
    "PublicationDecided": (
        ("publication_option", "option"),
        ("publication_planned_on", "planned_on"),
        ("publication_decided_on", "decided_on"),
    ),
    "Published": (("published_on", "published_on"),),
    "Closed": (("closed_on", "closed_on"),),
}

# Milestones met by the first event of a kind (later ones repeat it), as (fact, field).
SETS_FIRST: dict[str, tuple[str, str]] = {
    "PrePublicationCopiesSent": ("pre_publication_copy_sent_on", "sent_on"),
    "PanelNotified": ("panel_told_not_initiating_on", "sent_on"),  # only when it tells of not initiating
}

# The stage an event moves the review to (an initiation decision's depends on the decision).
STAGES: dict[str, Stage] = {
    "Notified": Stage.NOTIFIED,
    "RapidReviewCompleted": Stage.RAPID_REVIEWED,
    "ReportAccepted": Stage.REPORT_ACCEPTED,
    "PublicationDecided": Stage.PUBLICATION_DECIDED,
    "Published": Stage.PUBLISHED,
    "Closed": Stage.CLOSED,
}

# The events that change the review's own facts (not its holds).
REVIEW_EVENTS = frozenset({*SETS, *SETS_FIRST, *STAGES, "Reopened"})

# The fields a hold event sets on the hold it concerns; an override sets no field, only `overridden`.
HOLD_SETS: dict[str, tuple[str, ...]] = {
    "LegalHoldPlaced": ("kind", "reference", "blocks_publication", "placed_on"),
    "LegalHoldLifted": ("lifted_on",),
}
HOLD_EVENTS = frozenset({*HOLD_SETS, "PublicationOverrideRecorded"})


def review_changes(event_type: str, fields: Mapping[str, Any], facts: Mapping[str, Any]) -> dict[str, Any]:
    """The review's facts an event of `event_type` with `fields` changes, given the facts before it."""
    changes = {fact: fields[field] for fact, field in SETS.get(event_type, ())}
    first = SETS_FIRST.get(event_type)
    if first is not None and facts.get(first[0]) is None and _meets_first(event_type, fields):
        changes[first[0]] = fields[first[1]]
    stage = STAGES.get(event_type)
    if event_type == "Notified":
        changes["contradicts_criteria"] = False
    elif event_type == "InitiationDecided":
        stage = Stage.INITIATED if InitiationDecision(fields["decision"]).initiates else Stage.NOT_INITIATED
    elif event_type == "Closed":
        changes["stage_before_closure"] = facts["stage"]
    elif event_type == "Reopened":
        # closed_on keeps the latest closure's date; the stage says the review is open again.
        stage = facts.get("stage_before_closure") or Stage.NOTIFIED
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
    """Only a notice that the review is not being initiated meets the Panel's not-initiating milestone."""
    return event_type != "PanelNotified" or fields["subject"] == NotificationSubject.NOT_INITIATING
