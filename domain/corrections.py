"""Corrections: which fields of which events can be put right, and where that reaches the state."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError

from domain.errors import CorrectionInvalid, Forbidden, InvalidValue
from domain.review_facts import HOLD_SETS, LISTS, SETS, SETS_FIRST
from domain.values import Role

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
FIRST_DATES = {("ReportWithdrawn", "withdrawn_on"): SETS_FIRST["ReportWithdrawn"][0]}
HOLD_FIELDS = {(event_type, field): field for event_type, fields in HOLD_SETS.items() for field in fields}
# Events kept as lists by version (copies, extensions, evaluations, links): a correction changes its entry.
LIST_FIELDS = {
    (event_type, field): (fact, index)
    for event_type, (fact, fields) in LISTS.items()
    for index, field in enumerate(fields)
}
# The event types whose corrections depend on being the first or latest of their kind.
COUNTED_TYPES = frozenset(event_type for event_type, _ in (*REVIEW_DATES, *FIRST_DATES))

# A decision itself is not corrected: it is decided again, by the command named here, so that the history
# says what was decided, when and why, instead of a correction that would contradict the state.
DECISIONS: dict[tuple[str, str], str] = {
    ("InitiationDecided", "decision"): "POST /reviews/{id}/initiation-reconsidered",
    ("InitiationDecided", "criteria"): "POST /reviews/{id}/initiation-reconsidered",
    ("InitiationDecided", "criteria_met"): "POST /reviews/{id}/initiation-reconsidered",
    ("InitiationDecided", "contradicts_criteria"): "POST /reviews/{id}/initiation-reconsidered",
    ("InitiationReconsidered", "decision"): "POST /reviews/{id}/initiation-reconsidered",
    ("InitiationReconsidered", "criteria"): "POST /reviews/{id}/initiation-reconsidered",
    ("InitiationReconsidered", "criteria_met"): "POST /reviews/{id}/initiation-reconsidered",
    ("InitiationReconsidered", "contradicts_criteria"): "POST /reviews/{id}/initiation-reconsidered",
    ("RapidReviewCompleted", "outcome"): "POST /reviews/{id}/initiation-decision (or initiation-reconsidered)",
    ("PublicationDecided", "option"): "POST /reviews/{id}/publication-decision (a new decision)",
    ("Closed", "outcome"): "POST /reviews/{id}/reopen, then /close with the outcome",
    ("ReportWithdrawn", "reason"): "POST /reviews/{id}/republish, then /withdraw with the reason",
}
# What only the chair may decide: every field of these events, and a hold's blocking of publication.
CHAIR_EVENTS = frozenset(
    {
        "InitiationDecided",
        "InitiationReconsidered",
        "ReportAccepted",
        "RevisedReportAccepted",
        "PublicationDecided",
        "PublicationOverrideRecorded",
        "ReportWithdrawn",
        "ExtensionAgreed",
        "Closed",
        "Reopened",
    }
)
CHAIR_FIELDS = frozenset({("LegalHoldPlaced", "blocks_publication")})

# Where a correction reaches: the review's own fact, a field of the hold the corrected event concerns, a
# field of the notification (a dotted path into its child, incident or other children, or the statistics
# child), or an entry of a list fact; with the attribute, field, path or key.
Target = tuple[Literal["review", "hold", "notified", "list"], str]
# The notification's fields a correction reaches through their path (notified_on is one of REVIEW_DATES).
NOTIFIED_PARTS = frozenset({"child", "incident", "other_children", "statistics_child"})


def require_correctable_by(event_type: str, path: str, role: Role) -> None:
    """A correction changes only what the corrector's role could have recorded, and never a decision itself."""
    head = path.partition(".")[0]
    instead = DECISIONS.get((event_type, head))
    if instead is not None:
        raise InvalidValue(f"{event_type}.{head} is a decision and cannot be corrected: use {instead}", field="field")
    if role is not Role.BOARD_CHAIR and (event_type in CHAIR_EVENTS or (event_type, head) in CHAIR_FIELDS):
        raise Forbidden(f"only the board chair may correct {event_type}.{head}: it is the chair's decision")


def field_annotation(event_class: type[BaseModel], path: str) -> Any:
    """The type of a (possibly dotted, e.g. incident.la_aware_on) field of an event class."""
    head, _, rest = path.partition(".")
    info = event_class.model_fields.get(head)
    if info is None or head in NOT_CORRECTABLE:
        raise CorrectionInvalid(f"'{path}' is not a correctable field of {event_class.__name__}", field="field")
    nested: Any = info.annotation
    if get_origin(nested) is tuple and rest.partition(".")[0].isdigit():
        # One entry of a list of values (a notification's other children): `other_children.0.pseudonym`.
        nested, rest = get_args(nested)[0], rest.partition(".")[2]
    elif not rest:
        # Keep the field's constraints (lengths, bounds, patterns): a correction meets them like the original.
        return Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
    if not (_is_model(nested) and rest):
        raise CorrectionInvalid(f"'{path}' is not a correctable field of {event_class.__name__}", field="field")
    return field_annotation(nested, rest)


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def validate_correction(aggregate_class: type, event_type: str, path: str, value: Any) -> Any:
    """Check the field exists and the value fits its type; return the value as JSON."""
    event_class = getattr(aggregate_class, event_type)
    annotation = field_annotation(event_class, path)
    if _is_model(annotation) or (get_origin(annotation) is tuple and _is_model(get_args(annotation)[0])):
        # One field at a time, so the history says exactly what was put right (stored whole ones still replay).
        raise CorrectionInvalid(
            f"correct one field of {event_type}.{path} at a time, e.g. '{path}.<field>'", field="field"
        )
    adapter: TypeAdapter[Any] = TypeAdapter(annotation)
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


def correction_targets(event_type: str, path: str, *, first: bool, latest: bool, hold: bool) -> list[Target]:
    """Where a correction of `path` in an event of `event_type` reaches the state (none: shown only).

    `first`/`latest`: the corrected event is the first/latest of its type; `hold`: it concerns a hold the
    review has. The aggregate applies the answer to its attributes, the read models to their JSON."""
    key = (event_type, path)
    found: list[Target] = []
    if key in REVIEW_DATES and latest:
        found.append(("review", REVIEW_DATES[key]))
    if key in FIRST_DATES and first:
        found.append(("review", FIRST_DATES[key]))
    if key in HOLD_FIELDS and hold:
        found.append(("hold", HOLD_FIELDS[key]))
    if key in LIST_FIELDS:
        fact, index = LIST_FIELDS[key]
        found.append(("list", f"{fact}.{index}"))
    if event_type == "Notified" and path.partition(".")[0] in NOTIFIED_PARTS:
        found.append(("notified", path))
    return found


def with_path(value: Any, path: list[str], new: Any) -> Any:
    """A copy of the JSON `value` with the item at `path` (keys, or list indexes as digits) replaced by `new`.

    The original is left alone (the read models share a notification's decoded data); an index beyond the
    list, or a key the value does not have, is refused naming the field."""
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, list):
        index = int(head)
        if not 0 <= index < len(value):
            raise CorrectionInvalid(f"there is no entry {index} to correct (it has {len(value)})", field="field")
        return [*value[:index], with_path(value[index], rest, new), *value[index + 1 :]]
    if not isinstance(value, dict):
        raise CorrectionInvalid(f"'{head}' cannot be corrected here", field="field")
    return {**value, head: with_path(value.get(head), rest, new)}


def apply_correction(review: Any, version: int, path: str, value: Any) -> None:
    """Replace the corrected value in the review's state where the state depends on it."""
    event_type, subject = review.applied[version]
    versions = [v for v, (name, _) in review.applied.items() if name == event_type]
    targets = correction_targets(
        event_type, path, first=version == min(versions), latest=version == max(versions), hold=subject in review.holds
    )
    if not targets:
        return
    event_class = getattr(type(review), event_type)
    typed = TypeAdapter(field_annotation(event_class, path)).validate_python(value)
    for part, name in targets:
        if part == "review":
            setattr(review, name, typed)
        elif part == "hold":
            review.holds[subject] = review.holds[subject].model_copy(update={name: typed})
        elif part == "list":
            fact, _, index = name.partition(".")
            entries = dict(getattr(review, fact))
            entry = list(entries[str(version)])
            entry[int(index)] = typed
            entries[str(version)] = entry
            setattr(review, fact, entries)
        else:  # the notification's child, incident, other children or statistics child, through JSON
            head, *rest = name.split(".")
            adapter: TypeAdapter[Any] = TypeAdapter(event_class.model_fields[head].annotation)
            as_json = adapter.dump_python(getattr(review, head), mode="json")
            setattr(review, head, adapter.validate_python(with_path(as_json, rest, value)))
