"""Words for codes: deadline rules, event types and statuses as a reader sees them."""

from __future__ import annotations

import re

from service.dashboard.tables import humanise

RULES = {
    "notify_incident": "Notify the incident",
    "initiation_decision": "Decide whether to initiate",
    "panel_told_not_initiating": "Tell the Panel of a decision not to initiate",
    "rapid_review": "Rapid review",
    "complete_review": "Complete the review (report accepted)",
    "complete_and_publish": "Complete and publish the review",
    "pre_publication_copy": "Send pre-publication copies",
    "website_retention": "Keep the report on the website",
}

LINK_KINDS = {
    "joint_dhr": "Joint with a domestic homicide review",
    "joint_sar": "Joint with a safeguarding adults review",
    "linked_review": "Linked to",
    "national_review": "Part of a national review",
    "child_death_review": "Linked to the child death review",
    "subsumed_into": "Subsumed into",
}

STATUS_TAGS = {  # status -> tag colour; the tag's text always says the status in words
    "met": "green",
    "within_deadline": "green",
    "assured": "green",
    "completed": "blue",
    "open": "grey",
    "met_late": "orange",
    "late": "orange",
    "overdue": "red",
    "not_applicable": "grey",
    "kept": "green",
    "withdrawn_early": "orange",
    "withdrawn": "orange",
    "red": "red",
    "amber": "orange",
    "green": "green",
}


def rule_label(rule: str | None) -> str:
    """A deadline rule in words."""
    return RULES.get(rule or "", humanise(rule))


def link_label(kind: str | None) -> str:
    """A kind of link between reviews in words."""
    return LINK_KINDS.get(kind or "", humanise(kind))


def event_title(event_type: str) -> str:
    """An event class name in words: InitiationDecided -> Initiation decided."""
    return humanise(re.sub(r"(?<!^)(?=[A-Z])", "_", event_type).lower())


def tag_colour(value: str | None) -> str:
    """The GOV.UK tag colour of a status or RAG rating."""
    return STATUS_TAGS.get(value or "", "grey")
