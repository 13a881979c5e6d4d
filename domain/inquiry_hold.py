"""Inquiry holds: a public inquiry's "do not destroy" notice, for some boards or all, until it is lifted.

One register per store (`InquiryHolds`, a fixed id) holds every inquiry hold, and every disposal is
recorded in it too (`DisposalCleared`), saved in the same transaction as the review's `Disposed`
event (service.application.CaseReviews.dispose). So the disposal rule sees the holds as the store holds
them when the command runs, never a read model's lagging copy; and a hold placed while a disposal is
being checked moves the register's version, so one of the two commands is refused as a conflict and
nothing slips past a hold placed at the same moment. Holds are few (a handful of inquiries a decade).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from pydantic import Field

from domain.base import Aggregate, Context, require_not_future
from domain.errors import AlreadyResolved, DateOrder, InvalidValue, NotFound
from domain.values import Value

INQUIRY_HOLDS_ID = uuid5(NAMESPACE_URL, "https://scr-ledger.example/inquiry-holds")


class InquiryHold(Value):
    """One hold: its name, the boards it covers (None: every board, those registered later too) and its dates."""

    hold_id: UUID
    name: str
    boards: tuple[str, ...] | None
    placed_on: date
    lifted_on: date | None = None

    def covers(self, board_id: str) -> bool:
        return self.boards is None or board_id in self.boards

    def in_force_on_or_after(self, on: date) -> bool:
        """Not lifted, or lifted only after `on`: disposing on `on` would break it (the day it is lifted is free)."""
        return self.lifted_on is None or self.lifted_on > on


class InquiryHolds(Aggregate):
    """The register of inquiry holds, and of the disposals checked against them."""

    class Opened(Aggregate.Created):
        """The register was opened, with the first hold placed or disposal recorded."""

    class HoldPlaced(Aggregate.Event):
        """An inquiry asked that records of these boards (or of every board) are not destroyed."""

        effective_field: ClassVar[str] = "placed_on"
        hold_id: UUID
        name: str = Field(min_length=1, max_length=200)
        boards: tuple[str, ...] | None
        placed_on: date

        def apply(self, register: InquiryHolds) -> None:
            register.holds[self.hold_id] = InquiryHold(
                hold_id=self.hold_id, name=self.name, boards=self.boards, placed_on=self.placed_on
            )

    class HoldLifted(Aggregate.Event):
        """The inquiry released its hold."""

        effective_field: ClassVar[str] = "lifted_on"
        hold_id: UUID
        lifted_on: date

        def apply(self, register: InquiryHolds) -> None:
            register.holds[self.hold_id] = register.holds[self.hold_id].model_copy(update={"lifted_on": self.lifted_on})

    class DisposalCleared(Aggregate.Event):
        """A review's disposal was checked against the holds above (its Disposed event is saved with this)."""

        effective_field: ClassVar[str] = "disposed_on"
        review_id: UUID
        board_id: str
        disposed_on: date

    # State, declared for type checkers only: the library turns class annotations into __init__ arguments.
    if TYPE_CHECKING:
        holds: dict[UUID, InquiryHold]

    def __init__(self) -> None:
        self.holds = {}

    @classmethod
    def open(cls, ctx: Context) -> InquiryHolds:
        """The store's register, before its first event is saved."""
        return cls._create(cls.Opened, id=INQUIRY_HOLDS_ID, actor=ctx.actor, correlation_id=ctx.correlation_id)

    def place_hold(self, ctx: Context, *, name: str, boards: tuple[str, ...] | None, placed_on: date) -> UUID:
        """Place a hold on the named boards (None: all); the boards are checked by the application."""
        if boards is not None and not boards:
            raise InvalidValue('name at least one board, or "all"', field="boards")
        require_not_future(placed_on, ctx.today, field="placed_on")
        hold_id = uuid4()
        self._record(
            ctx,
            self.HoldPlaced,
            hold_id=hold_id,
            name=name,
            boards=None if boards is None else tuple(dict.fromkeys(boards)),
            placed_on=placed_on,
        )
        return hold_id

    def lift_hold(self, ctx: Context, *, hold_id: UUID, lifted_on: date) -> None:
        """Lift a hold: from `lifted_on` it no longer stops a disposal."""
        hold = self.holds.get(hold_id)
        if hold is None:
            raise NotFound(f"inquiry hold {hold_id} not found")
        if hold.lifted_on is not None:
            raise AlreadyResolved(f"inquiry hold {hold_id} was already lifted on {hold.lifted_on.isoformat()}")
        if lifted_on < hold.placed_on:
            raise DateOrder(
                f"lifted_on {lifted_on.isoformat()} is before the hold was placed on {hold.placed_on.isoformat()}",
                field="lifted_on",
            )
        require_not_future(lifted_on, ctx.today, field="lifted_on")
        self._record(ctx, self.HoldLifted, hold_id=hold_id, lifted_on=lifted_on)

    def clear_disposal(self, ctx: Context, *, review_id: UUID, board_id: str, disposed_on: date) -> None:
        """Record that a review's disposal was checked against the holds as they stand (see the module)."""
        self._record(ctx, self.DisposalCleared, review_id=review_id, board_id=board_id, disposed_on=disposed_on)

    def covering(self, board_id: str) -> list[InquiryHold]:
        """The holds covering a board, lifted ones included, in the order they were placed."""
        return [hold for hold in self.holds.values() if hold.covers(board_id)]

    def _record(self, ctx: Context, event_class: type[Aggregate.Event], **fields: object) -> None:
        self.trigger_event(event_class, actor=ctx.actor, correlation_id=ctx.correlation_id, **fields)
