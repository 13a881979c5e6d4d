"""Value objects recorded inside a review's events and kept in its state."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import Field

from domain.values import (
    AbuseOrNeglect,
    CostCategory,
    CostEntryKind,
    HoldKind,
    IncidentNature,
    PlacementType,
    Sex,
    Value,
)


class Child(Value):
    """The child, pseudonymised: never a real name."""

    pseudonym: str = Field(min_length=1, max_length=100)
    age_years: int | None = Field(default=None, ge=0, le=25)
    sex: Sex = Sex.UNKNOWN
    ethnicity: str | None = Field(default=None, max_length=100)
    disability: bool | None = None
    looked_after: bool | None = None
    child_protection_plan: bool | None = None
    # DfE serious incident notification statistics (second wave); absent from older notifications.
    child_in_need_plan: bool | None = None
    known_to_agencies: bool | None = None
    placement_type: PlacementType | None = None


class Incident(Value):
    """What happened and when: incident, discovery and local-authority awareness kept apart."""

    nature: IncidentNature
    abuse_or_neglect: AbuseOrNeglect
    occurred_on: date
    discovered_on: date | None = None
    la_aware_on: date
    description: str = Field(default="", max_length=10_000)
    # Kept apart: the review belongs to one lead board, the child may live in another authority's area.
    la_of_incident: str | None = Field(default=None, min_length=1, max_length=100)
    la_of_residence: str | None = Field(default=None, min_length=1, max_length=100)


class Criteria(Value):
    """The reg 5(2) criteria as answered; CSPR may add its reg 11 answers."""

    abuse_or_neglect: bool
    died: bool
    seriously_harmed: bool
    concern_about_joint_working: bool
    improvements_needed: bool | None = None
    recurrent_themes: bool | None = None
    concerns_two_or_more_agencies: bool | None = None
    panel_suggested_local_review: bool | None = None

    @property
    def met(self) -> bool:
        """abuse_or_neglect AND (died OR (seriously_harmed AND concern_about_joint_working))."""
        return self.abuse_or_neglect and (self.died or (self.seriously_harmed and self.concern_about_joint_working))


class Hold(Value):
    """A parallel proceeding: placed, perhaps lifted, perhaps overridden for publication."""

    hold_id: UUID
    kind: HoldKind
    reference: str
    blocks_publication: bool
    placed_on: date
    lifted_on: date | None = None
    overridden: bool = False

    @property
    def active(self) -> bool:
        return self.lifted_on is None


class CostEntry(Value):
    """A ledger entry as the review knows it, so a reversal can be checked against it."""

    version: int
    entry: CostEntryKind
    category: CostCategory
    amount_pence: int
    paying_agency: str
    reversed: bool = False
