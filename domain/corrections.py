"""Corrections: which fields of which events can be put right, and how that reaches the state."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from domain.errors import CorrectionInvalid

# Identity and bookkeeping fields are never corrected: they tie the record together.
NOT_CORRECTABLE = frozenset(
    {
        "originator_id",
        "originator_version",
        "timestamp",
        "originator_topic",
        "actor",
        "correlation_id",
        "board_id",
        "case_ref",
        "regime",
        "hold_id",
        "report_id",
        "reviewer_id",
        "reverses_position",
        "reverses_version",
        "corrects_position",
        "corrects_version",
        "corrects_type",
        "rationale",
    }
)

# Corrections that change computed state (deadlines, holds); others are recorded and shown only. A
# decision or closure may be repeated: the state holds the latest, so only its correction moves it.
REVIEW_DATES = {
    ("Notified", "notified_on"): "notified_on",
    ("RapidReviewCompleted", "completed_on"): "rapid_review_completed_on",
    ("InitiationDecided", "decided_on"): "decided_on",
    ("ReportAccepted", "accepted_on"): "accepted_on",
    ("PublicationDecided", "planned_on"): "publication_planned_on",
    ("PublicationDecided", "decided_on"): "publication_decided_on",
    ("Published", "published_on"): "published_on",
    ("Closed", "closed_on"): "closed_on",
}
# Milestones met by the first event of a kind (later ones repeat it): only its correction moves them.
FIRST_DATES = {
    ("PrePublicationCopiesSent", "sent_on"): "pre_publication_copy_sent_on",
}
HOLD_FIELDS = {
    ("LegalHoldPlaced", "placed_on"): "placed_on",
    ("LegalHoldPlaced", "blocks_publication"): "blocks_publication",
    ("LegalHoldPlaced", "reference"): "reference",
    ("LegalHoldPlaced", "kind"): "kind",
    ("LegalHoldLifted", "lifted_on"): "lifted_on",
}


def field_annotation(event_class: type[BaseModel], path: str) -> Any:
    """The type of a (possibly dotted, e.g. incident.la_aware_on) field of an event class."""
    head, _, rest = path.partition(".")
    info = event_class.model_fields.get(head)
    if info is None or head in NOT_CORRECTABLE:
        raise CorrectionInvalid(f"'{path}' is not a correctable field of {event_class.__name__}", field="field")
    if not rest:
        # Keep the field's constraints (lengths, bounds, patterns): a correction meets them like the original.
        return Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
    nested = info.annotation
    if not (isinstance(nested, type) and issubclass(nested, BaseModel)):
        raise CorrectionInvalid(f"'{head}' of {event_class.__name__} has no field '{rest}'", field="field")
    return field_annotation(nested, rest)


def validate_correction(aggregate_class: type, event_type: str, path: str, value: Any) -> Any:
    """Check the field exists and the value fits its type; return the value as JSON."""
    event_class = getattr(aggregate_class, event_type)
    adapter: TypeAdapter[Any] = TypeAdapter(field_annotation(event_class, path))
    try:
        typed = adapter.validate_python(value)
    except ValidationError as error:
        message = error.errors()[0]["msg"]
        raise CorrectionInvalid(f"value does not fit {event_type}.{path}: {message}", field="value") from None
    return adapter.dump_python(typed, mode="json")


def corrected_date(aggregate_class: type, event_type: str, path: str, value: Any) -> date | None:
    """The corrected value as a date, when the corrected field holds a date."""
    typed = TypeAdapter(field_annotation(getattr(aggregate_class, event_type), path)).validate_python(value)
    return typed if isinstance(typed, date) else None


def apply_correction(review: Any, version: int, path: str, value: Any) -> None:
    """Replace the corrected value in the review's state where the state depends on it."""
    event_type, subject = review.applied[version]
    event_class = getattr(type(review), event_type)
    typed = TypeAdapter(field_annotation(event_class, path)).validate_python(value)
    key = (event_type, path)
    if key in REVIEW_DATES and _latest_of_its_type(review, version):
        setattr(review, REVIEW_DATES[key], typed)
    elif key in FIRST_DATES and _first_of_its_type(review, version):
        setattr(review, FIRST_DATES[key], typed)
    elif key in HOLD_FIELDS and subject in review.holds:
        hold = review.holds[subject]
        review.holds[subject] = hold.model_copy(update={HOLD_FIELDS[key]: typed})
    elif event_type == "Notified" and path.startswith(("incident.", "child.")):
        part, _, name = path.partition(".")
        setattr(review, part, getattr(review, part).model_copy(update={name: typed}))


def _versions_of_its_type(review: Any, version: int) -> list[int]:
    """The versions of every applied event of the same type as the one at `version`."""
    event_type = review.applied[version][0]
    return [v for v, (name, _) in review.applied.items() if name == event_type]


def _latest_of_its_type(review: Any, version: int) -> bool:
    return max(_versions_of_its_type(review, version)) == version


def _first_of_its_type(review: Any, version: int) -> bool:
    return min(_versions_of_its_type(review, version)) == version
