"""Corrections: which fields of which events can be put right, and where that reaches the state."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, TypeAdapter, ValidationError

from domain.errors import CorrectionInvalid
from domain.review_facts import HOLD_SETS, SETS, SETS_FIRST

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

# Corrections that change computed state (deadlines, holds); others are recorded and shown only. The
# dates an event sets (domain.review_facts) are the dates its correction moves. A decision or closure may
# be repeated: the state holds the latest, so only its correction moves it.
REVIEW_DATES = {
    (event_type, field): fact for event_type, sets in SETS.items() for fact, field in sets if fact.endswith("_on")
}
# Milestones met by the first event of a kind (later ones repeat it): only its correction moves them. (The
# Panel's not-initiating milestone is not here: the first PanelNotified need not be the one that met it.)
FIRST_DATES = {("PrePublicationCopiesSent", "sent_on"): SETS_FIRST["PrePublicationCopiesSent"][0]}
HOLD_FIELDS = {(event_type, field): field for event_type, fields in HOLD_SETS.items() for field in fields}
# The event types whose corrections depend on being the first or latest of their kind.
COUNTED_TYPES = frozenset(event_type for event_type, _ in (*REVIEW_DATES, *FIRST_DATES))

# Where a correction reaches: the review's own fact, a field of the hold the corrected event concerns,
# or a field of the notified child or incident; with the name of the attribute, field or key.
Target = tuple[Literal["review", "hold", "child", "incident"], str]


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


def correction_target(event_type: str, path: str, *, first: bool, latest: bool, hold: bool) -> Target | None:
    """Where a correction of `path` in an event of `event_type` reaches the state, if anywhere.

    `first`/`latest`: the corrected event is the first/latest of its type; `hold`: it concerns a hold the
    review has. The aggregate applies the answer to its attributes, the read models to their JSON."""
    key = (event_type, path)
    if key in REVIEW_DATES and latest:
        return "review", REVIEW_DATES[key]
    if key in FIRST_DATES and first:
        return "review", FIRST_DATES[key]
    if key in HOLD_FIELDS and hold:
        return "hold", HOLD_FIELDS[key]
    if event_type == "Notified" and path.startswith(("incident.", "child.")):
        part, _, name = path.partition(".")
        return ("incident" if part == "incident" else "child"), name
    return None


def apply_correction(review: Any, version: int, path: str, value: Any) -> None:
    """Replace the corrected value in the review's state where the state depends on it."""
    event_type, subject = review.applied[version]
    versions = [v for v, (name, _) in review.applied.items() if name == event_type]
    target = correction_target(
        event_type, path, first=version == min(versions), latest=version == max(versions), hold=subject in review.holds
    )
    if target is None:
        return
    part, name = target
    typed = TypeAdapter(field_annotation(getattr(type(review), event_type), path)).validate_python(value)
    if part == "review":
        setattr(review, name, typed)
    elif part == "hold":
        review.holds[subject] = review.holds[subject].model_copy(update={name: typed})
    else:
        setattr(review, part, getattr(review, part).model_copy(update={name: typed}))
