"""The base of every aggregate and event: Pydantic events that say who, when in the world, and why."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Self
from uuid import UUID

from eventsourcing.domain import Aggregate as LibraryAggregate
from eventsourcing.domain import CanInitAggregate, CanMutateAggregate
from pydantic import BaseModel, ConfigDict, ValidationError

from domain.errors import DateInFuture, InvalidValue, RationaleRequired
from domain.values import Actor


@dataclass(frozen=True)
class Context:
    """Who is acting, the request's correlation id, and today's date in Europe/London."""

    actor: Actor
    correlation_id: UUID
    today: date


class DomainEvent(BaseModel):
    """An immutable fact; Pydantic rebuilds its exact types from the stored JSON."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    originator_id: UUID
    originator_version: int
    timestamp: datetime


class Aggregate(LibraryAggregate):
    """An aggregate whose events carry actor, correlation id, business date and rationale."""

    # State, declared for type checkers only: the library turns class annotations into __init__ arguments.
    if TYPE_CHECKING:
        # Every applied event by version: its type name and the hold or report it concerns.
        applied: dict[int, tuple[str, UUID | None]]

    class Event(DomainEvent, CanMutateAggregate[UUID]):
        """Every event: the actor, the correlation id and, for decisions, the rationale."""

        # The name of the field holding the date the fact took effect in the world.
        effective_field: ClassVar[str] = ""

        actor: Actor
        correlation_id: UUID
        rationale: str | None = None

        def mutate(self, aggregate: Any) -> Any:
            """Apply the event, then index it by version (corrections name events by version)."""
            aggregate = super().mutate(aggregate)
            applied = aggregate.__dict__.setdefault("applied", {})
            applied[self.originator_version] = (
                type(self).__name__,
                getattr(self, "hold_id", None) or getattr(self, "report_id", None),
            )
            return aggregate

        @property
        def effective_on(self) -> date | None:
            """The business date this fact took effect."""
            value: Any = getattr(self, self.effective_field, None) if self.effective_field else None
            return value if isinstance(value, date) else None

    class Created(Event, CanInitAggregate[UUID]):
        """The first event of an aggregate."""

        originator_topic: str

    @classmethod
    def _create(cls, event_class: Any, *, id: UUID | None = None, **kwargs: Any) -> Self:
        """Create the aggregate; a field value its event refuses becomes InvalidValue."""
        with values_checked():
            return super()._create(event_class, id=id, **kwargs)

    def trigger_event(self, event_class: Any, **kwargs: Any) -> None:
        """Record an event; a field value its class refuses becomes InvalidValue."""
        with values_checked():
            super().trigger_event(event_class, **kwargs)


@contextmanager
def values_checked() -> Iterator[None]:
    """Turn an event class's own field validation into the domain's InvalidValue, naming the field."""
    try:
        yield
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise InvalidValue(f"{field}: {first['msg']}", field=field) from None


def require_rationale(rationale: str | None, field: str = "rationale") -> str:
    """A decision must say why: blank text is refused."""
    if rationale is None or not rationale.strip():
        raise RationaleRequired("a rationale is required for this decision", field=field)
    return rationale.strip()


def require_not_future(on: date, today: date, *, field: str) -> None:
    """A date on which something happened cannot lie after today."""
    if on > today:
        raise DateInFuture(f"{field} {on.isoformat()} is after today ({today.isoformat()})", field=field)
