"""Values of the learning records (DOMAIN.md section 9): how learning was shared, how a CSPR was monitored."""

from __future__ import annotations

from enum import StrEnum


class DisseminationKind(StrEnum):
    """How a review's learning was shared."""

    BRIEFING = "briefing"
    SEVEN_MINUTE_BRIEFING = "seven_minute_briefing"
    LEARNING_EVENT = "learning_event"
    TRAINING = "training"
    NEWSLETTER = "newsletter"
    CONFERENCE = "conference"


class MonitoringKind(StrEnum):
    """A safeguarding partners' check of a CSPR under SI 2018/789 reg 14, or their written request."""

    TIME_CHECK = "time_check"
    QUALITY_CHECK = "quality_check"
    WRITTEN_REQUEST = "written_request"
