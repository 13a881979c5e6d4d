"""Values of the records kept before publication (DOMAIN.md section 9): why something is redacted, with whom."""

from __future__ import annotations

from enum import StrEnum


class RedactionReason(StrEnum):
    """Why an item of the report is redacted before publication."""

    IDENTIFIES_CHILD = "identifies_child"
    IDENTIFIES_FAMILY = "identifies_family"
    THIRD_PARTY = "third_party"
    CRIMINAL_PROCEEDINGS = "criminal_proceedings"
    COURT_ORDER = "court_order"
    OTHER = "other"


class RedactionParty(StrEnum):
    """Whom a redaction was agreed with."""

    CORONER = "coroner"
    CPS = "cps"
    POLICE = "police"
    FAMILY = "family"
    COURT = "court"
    LEGAL = "legal"
