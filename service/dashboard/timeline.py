"""A review's decision timeline from its history (who, when, why) and its legal holds as spans of days."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from projections.audit.history import review_history
from service.application import CaseReviews
from service.dashboard.labels import event_title
from service.dashboard.tables import humanise, long_date, pounds

# Identifiers and hashes say nothing to a reader of the timeline; they stay in the history's JSON.
_HIDDEN = ("_id", "sha256")


@dataclass
class HoldSpan:
    """One legal hold from its placing to its lifting (or today), placed on a 0-100 scale for drawing."""

    kind: str
    reference: str
    placed_on: date
    lifted_on: date | None
    blocks_publication: bool
    overridden: bool = False
    left: float = 0.0
    width: float = 0.0

    @property
    def words(self) -> str:
        """The span in words: it is drawn, and also said."""
        end = f"lifted {long_date(self.lifted_on)}" if self.lifted_on else "still active"
        extra = ", blocks publication" if self.blocks_publication else ""
        extra += ", publication override recorded" if self.overridden else ""
        return f"{humanise(self.kind)} ({self.reference}): placed {long_date(self.placed_on)}, {end}{extra}"


@dataclass
class Timeline:
    """The events in log order and the hold spans over the review's life so far."""

    events: list[dict[str, Any]] = field(default_factory=list)
    holds: list[HoldSpan] = field(default_factory=list)
    starts_on: date | None = None
    ends_on: date | None = None


def _details(data: dict[str, Any]) -> str:
    parts = []
    for key, value in data.items():
        if key.endswith(_HIDDEN) or value in (None, "", [], {}):
            continue
        if key.endswith("_pence"):
            key, value = key.removesuffix("_pence"), pounds(value)
        elif isinstance(value, dict):
            value = ", ".join(f"{humanise(k).lower()} {_words(v)}" for k, v in value.items() if v not in (None, ""))
        elif isinstance(value, list):
            value = ", ".join(_words(item) for item in value)
        else:
            value = _words(value)
        parts.append(f"{humanise(key)}: {value}")
    return "; ".join(parts)


_CODE = re.compile(r"[a-z]+(_[a-z0-9]+)+")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _words(value: Any) -> str:
    """A stored value as a reader says it: yes/no, a code in words (no_review: No review), a date in full."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and _CODE.fullmatch(value):
        return humanise(value).lower()
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return long_date(value)
    return str(value)


def review_timeline(app: CaseReviews, review_id: UUID, today: date) -> Timeline:
    """Every recorded event of the review with who, when and why, and its holds as spans."""
    timeline = Timeline()
    holds: dict[str, HoldSpan] = {}
    for event in review_history(app, review_id):
        data = event["data"]
        timeline.events.append(
            {
                "position": event["position"],
                "title": event_title(event["type"]),
                "effective_on": event["effective_on"],
                "recorded_at": event["recorded_at"],
                "who": f"{event['actor']['user']} ({humanise(event['actor']['role']).lower()})",
                "why": event["rationale"] or data.get("rationale"),
                "details": _details({k: v for k, v in data.items() if k != "rationale"}),
            }
        )
        if event["type"] == "LegalHoldPlaced":
            holds[data["hold_id"]] = HoldSpan(
                data["kind"], data["reference"], date.fromisoformat(data["placed_on"]), None, data["blocks_publication"]
            )
        elif event["type"] == "LegalHoldLifted" and data["hold_id"] in holds:
            holds[data["hold_id"]].lifted_on = date.fromisoformat(data["lifted_on"])
        elif event["type"] == "PublicationOverrideRecorded" and data["hold_id"] in holds:
            holds[data["hold_id"]].overridden = True
    dated = [date.fromisoformat(e["effective_on"]) for e in timeline.events if e["effective_on"]]
    if dated:
        timeline.starts_on = min([*dated, *(h.placed_on for h in holds.values())])
        timeline.ends_on = max(today, *dated)
        _place(list(holds.values()), timeline.starts_on, timeline.ends_on)
    timeline.holds = sorted(holds.values(), key=lambda h: h.placed_on)
    return timeline


def _place(spans: list[HoldSpan], start: date, end: date) -> None:
    length = max((end - start).days, 1)
    for span in spans:
        until = span.lifted_on or end
        span.left = 100 * (span.placed_on - start).days / length
        span.width = max(100 * (until - span.placed_on).days / length, 0.5)
