"""Personal data in a review's events: which stored fields may identify a child or name people.

These fields are sealed with the review's own data key when an event is stored (projections/sealing.py)
and are gone for good once that key is destroyed at disposal. The rest of each event (its type, dates,
decisions, actor, position) stays readable, so the decision history and its proofs outlive the
personal data. Findings, recommendations, terms-of-reference scope and board responses are the
review's learning, shared across boards (search): they are not in this table and outlive disposal.

Without its key a field is read back as a placeholder that says why (`Withheld`): a child becomes a
child whose pseudonym is the reason and whose other details are unknown; free text becomes the reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from domain.review_facts import LISTS, SETS

# Every event of a review may carry a rationale (a decision's reasons, which may name people).
EVERY_EVENT = ("rationale",)

# The personal fields of each of a review's events beyond its rationale, as dotted paths in the stored state.
FIELDS: Mapping[str, tuple[str, ...]] = {
    "Notified": ("child", "other_children", "incident.description"),
    "PanelAdviceReceived": ("advice",),
    "TermsOfReferenceAgreed": ("equality_considerations",),
    "LegalHoldPlaced": ("reference",),
    "LegalHoldLifted": ("outcome",),
    "CostRecorded": ("description",),
    "RiskAssessed": ("media_interest", "communications_plan"),
    "ReportRevised": ("reason",),
    "Republished": ("reason",),
    "EvaluationRecorded": ("summary",),
    "ReviewLinked": ("note",),
    "ExtensionAgreed": ("reason",),
    "DisseminationRecorded": ("note",),
    "MonitoringRecorded": ("note",),
    "RedactionDecided": ("item",),
    "FamilyImpactChecked": ("note",),
}

# Text fields deliberately left readable, by event (tests/unit/test_personal_data.py holds every text field of
# every review event to be in FIELDS or here): identifiers and codes that tie the record together, the review's
# learning (shared across boards and published), public references, and the reviewer (a professional named on
# the published report).
NOT_PERSONAL: Mapping[str, tuple[str, ...]] = {
    "Notified": ("board_id", "case_ref"),
    "AgencyReportRequested": ("agency",),
    "StaffTimeRecorded": ("agency",),
    "CostRecorded": ("paying_agency",),
    "Corrected": ("corrects_type", "field"),
    "ExtensionAgreed": ("rule",),
    "RetentionClassSet": ("retention_class",),
    "Disposed": ("retention_class",),
    "DraftReportReceived": ("version_label", "document_sha256"),
    "ReportRevised": ("version_label", "document_sha256"),
    "Published": ("url", "document_sha256"),
    "Republished": ("url", "document_sha256"),
    "NspccDeposited": ("reference",),
    "ReviewLinked": ("external_ref",),
    "ReviewerCommissioned": ("name",),
    "TermsOfReferenceAgreed": ("methodology",),
    "ReportAccepted": ("board_response",),
    "RevisedReportAccepted": ("board_response",),
    "FindingRecorded": ("ref", "text", "themes"),
    "RecommendationMade": ("ref", "text", "themes"),
    "ThemesTagged": ("themes",),
    "DisseminationRecorded": ("audience_agencies", "attendees"),
}

# The disposal record itself stays readable: it is what remains of the review's personal data (it says
# when and why it was disposed of), so its rationale must name no one (the dispose command's docs say so).
NOT_SEALED = frozenset({"Disposed"})

# Child fields that hold text: a withheld child keeps its place in a list, with the reason as its pseudonym.
_TEXT_LEAVES = frozenset({"pseudonym", "description", "reference", "ethnicity", "item", "note"})


class Withheld(StrEnum):
    """Why a personal field reads as a placeholder (each fits a pseudonym's 100 characters)."""

    DISPOSED = "[personal data disposed of]"
    NO_MASTER_KEY = "[personal data unavailable: the master key is not loaded]"
    WRONG_MASTER_KEY = "[personal data unavailable: the master key does not open this review's key]"
    NO_DATA_KEY = "[personal data unavailable: this review's data key is missing]"
    OFFLINE = "[personal data sealed: this reader holds no key]"


def is_withheld(value: object) -> bool:
    """Whether a read value is a placeholder for personal data that could not be opened."""
    return isinstance(value, str) and value in _REASONS


_REASONS = frozenset(reason.value for reason in Withheld)


def personal_paths(event_type: str, state: Mapping[str, Any]) -> list[str]:
    """The dotted paths of the personal fields present (not null) in an event's stored state."""
    if event_type in NOT_SEALED:
        return []
    paths = [*EVERY_EVENT, *FIELDS.get(event_type, ())]
    if event_type == "Corrected" and _corrects_personal(state):
        paths.append("value")
    return [path for path in paths if get_path(state, path) is not None]


def _corrects_personal(state: Mapping[str, Any]) -> bool:
    """A correction of a personal field (a child's detail, a description, a reference) is personal too."""
    field = str(state.get("field") or "")
    corrected = [*EVERY_EVENT, *FIELDS.get(str(state.get("corrects_type") or ""), ())]
    return any(field == path or field.startswith(path + ".") for path in corrected)


def placeholder(event_type: str, path: str, state: Mapping[str, Any], reason: Withheld, length: int | None) -> Any:
    """The value a withheld field reads as: a child (or list of `length` children) named by the reason, or the
    reason as text; a corrected value that was not text becomes null."""
    if path == "child":
        return withheld_child(reason)
    if path == "other_children":
        return [withheld_child(reason) for _ in range(length or 0)]
    if event_type == "Corrected" and path == "value":
        leaf = str(state.get("field") or "").rsplit(".", 1)[-1]
        return reason.value if leaf in _TEXT_LEAVES or "." not in str(state.get("field")) else None
    return reason.value


def withheld_child(reason: Withheld) -> dict[str, Any]:
    """A child whose details are withheld: the reason in place of the pseudonym, everything else unknown."""
    return {"pseudonym": reason.value}


def withhold_facts(facts: dict[str, Any], reason: Withheld) -> None:
    """Replace the personal facts a read model folded from a review's events (children, the incident's
    description, holds' references) with placeholders, in place: what disposal leaves of a review's row."""
    if "child" in facts:
        facts["child"] = withheld_child(reason)
    if facts.get("other_children"):
        facts["other_children"] = [withheld_child(reason) for _ in facts["other_children"]]
    incident = facts.get("incident")
    if isinstance(incident, dict) and incident.get("description"):
        incident["description"] = reason.value
    holds = facts.get("holds")
    if isinstance(holds, dict):
        for hold in holds.values():
            if isinstance(hold, dict) and hold.get("reference") is not None:
                hold["reference"] = reason.value
    # Facts set from a personal field, and personal fields kept in lists (redacted items), by the fold's tables.
    for event_type, sets in SETS.items():
        for fact, field in sets:
            if field in FIELDS.get(event_type, ()) and fact not in ("child", "incident") and facts.get(fact):
                facts[fact] = reason.value
    for event_type, (fact, keys) in LISTS.items():
        personal = [index for index, key in enumerate(keys) if key in FIELDS.get(event_type, ())]
        entries = facts.get(fact)
        if personal and isinstance(entries, dict):
            facts[fact] = {
                version: [reason.value if index in personal else value for index, value in enumerate(entry)]
                for version, entry in entries.items()
            }


def get_path(state: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path, or None."""
    value: Any = state
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def set_path(state: dict[str, Any], path: str, value: Any) -> None:
    """Set the value at a dotted path (its parents exist: they were read from the same state)."""
    *parents, leaf = path.split(".")
    into: Any = state
    for part in parents:
        into = into[part]
    into[leaf] = value


def pop_path(state: dict[str, Any], path: str) -> Any:
    """Remove and return the value at a dotted path."""
    *parents, leaf = path.split(".")
    into: Any = state
    for part in parents:
        into = into[part]
    return into.pop(leaf)
