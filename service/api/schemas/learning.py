"""Request bodies of learning across reviews (API.md second wave): themes, findings, dissemination, monitoring."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from pydantic import Field, StringConstraints

from domain.calendar import london_today
from domain.learning_values import DisseminationKind, MonitoringKind
from domain.review import CaseReview
from domain.themes import MAX_THEMES
from service.api.schemas.common import Body, Sender, example
from service.application import CommandResult

ThemeCode = Annotated[str, StringConstraints(min_length=1, max_length=60, pattern=r"^[a-z0-9_]+$")]
Agency = Annotated[str, StringConstraints(min_length=1, max_length=200)]

__all__ = ["Dissemination", "Finding", "Monitoring", "ReviewThemes", "ThemeCode"]


class ReviewThemes(Body):
    """The review's learning themes: the set given replaces the earlier one."""

    model_config = example({"themes": ["neglect", "working_with_fathers"], "tagged_on": "2026-11-30"})

    themes: list[ThemeCode] = Field(max_length=MAX_THEMES, description="Codes from GET /themes")
    tagged_on: date = Field(default_factory=london_today)

    def send(self, via: Sender, review_id: UUID) -> CommandResult:
        return via.review(review_id, CaseReview.tag_themes, themes=tuple(self.themes), tagged_on=self.tagged_on)


class Finding(Body):
    """A key finding of the review, searchable across boards by words and themes."""

    model_config = example(
        {
            "ref": "F1",
            "text": "Practitioners did not think about the father's role in the household",
            "themes": ["working_with_fathers", "professional_curiosity"],
        }
    )

    ref: str = Field(min_length=1, max_length=50, examples=["F1"])
    text: str = Field(min_length=1, max_length=20_000)
    themes: list[ThemeCode] = Field(default_factory=list, max_length=MAX_THEMES, description="Codes from GET /themes")
    recorded_on: date = Field(default_factory=london_today)

    def send(self, via: Sender, review_id: UUID) -> CommandResult:
        return via.review(
            review_id,
            CaseReview.record_finding,
            ref=self.ref,
            text=self.text,
            themes=tuple(self.themes),
            recorded_on=self.recorded_on,
        )


class Dissemination(Body):
    """Learning shared: when, how, with which agencies, and how many of each attended."""

    model_config = example(
        {
            "kind": "seven_minute_briefing",
            "held_on": "2026-11-20",
            "audience_agencies": ["health", "police", "education"],
            "attendees": {"health": 24, "police": 11, "education": 30},
            "note": "Briefing on working with fathers",
        }
    )

    kind: DisseminationKind
    held_on: date
    audience_agencies: list[Agency] = Field(default_factory=list, max_length=50)
    attendees: dict[Agency, Annotated[int, Field(ge=0, le=1_000_000)]] = Field(
        default_factory=dict, max_length=50, description="Agency to the number of people who attended"
    )
    note: str = Field(default="", max_length=10_000)

    def send(self, via: Sender, review_id: UUID) -> CommandResult:
        return via.review(
            review_id,
            CaseReview.record_dissemination,
            kind=self.kind,
            held_on=self.held_on,
            audience_agencies=tuple(self.audience_agencies),
            attendees=dict(self.attendees),
            note=self.note,
        )


class Monitoring(Body):
    """CSPR (SI 2018/789 reg 14): a check of the review's time or quality, or a written request to the reviewer."""

    model_config = example({"kind": "time_check", "on": "2026-11-25", "note": "On track for the six-month date"})

    kind: MonitoringKind
    on: date
    note: str = Field(default="", max_length=10_000)

    def send(self, via: Sender, review_id: UUID) -> CommandResult:
        return via.review(review_id, CaseReview.record_monitoring, kind=self.kind, on=self.on, note=self.note)
