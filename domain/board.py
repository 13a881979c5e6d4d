"""The Board aggregate: a safeguarding board and its partner agencies' yearly contributions."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, UUID, uuid5

from pydantic import Field

from domain.base import Aggregate, Context
from domain.errors import Duplicate, InvalidValue

BOARD_NAMESPACE = uuid5(NAMESPACE_URL, "https://scr-ledger.example/boards")
FINANCIAL_YEAR = re.compile(r"^(\d{4})-(\d{2})$")


def board_uuid(board_id: str) -> UUID:
    """The aggregate id of a board from its short code."""
    return uuid5(BOARD_NAMESPACE, board_id)


def check_financial_year(financial_year: str) -> str:
    """A financial year runs April to March and is written 2014-15."""
    match = FINANCIAL_YEAR.match(financial_year)
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise InvalidValue(
            "a financial year is written like 2014-15 (April 2014 to March 2015)", field="financial_year"
        )
    return financial_year


def financial_year_of(on: date) -> str:
    """The financial year a date falls in: 31 March 2015 is in 2014-15, 1 April 2015 in 2015-16."""
    return _written(on.year if on.month >= 4 else on.year - 1)


def shift_financial_year(financial_year: str, years: int) -> str:
    """The financial year `years` after (or before) this one: 2014-15 + 1 = 2015-16."""
    return _written(int(check_financial_year(financial_year)[:4]) + years)


def _written(start: int) -> str:
    return f"{start}-{(start + 1) % 100:02d}"


class Board(Aggregate):
    """A Local Safeguarding Children Board or safeguarding partnership (a tenant)."""

    class Registered(Aggregate.Created):
        """A board was registered."""

        board_id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,49}$")
        name: str = Field(min_length=1, max_length=200)
        local_authority: str = Field(min_length=1, max_length=200)

        def apply(self, board: Board) -> None:
            board.board_id = self.board_id
            board.name = self.name
            board.contributions = {}

    class ContributionRecorded(Aggregate.Event):
        """A partner agency's funding for a financial year."""

        agency: str = Field(min_length=1, max_length=200)
        financial_year: str
        amount_pence: int = Field(gt=0)

        def apply(self, board: Board) -> None:
            board.contributions[(self.agency, self.financial_year)] = self.amount_pence

    # State, declared for type checkers only: the library turns class annotations into __init__ arguments.
    if TYPE_CHECKING:
        board_id: str
        name: str
        contributions: dict[tuple[str, str], int]

    @classmethod
    def register(cls, ctx: Context, *, board_id: str, name: str, local_authority: str) -> Board:
        """Register a board under its short code."""
        return cls._create(
            cls.Registered,
            id=board_uuid(board_id),
            actor=ctx.actor,
            correlation_id=ctx.correlation_id,
            board_id=board_id,
            name=name,
            local_authority=local_authority,
        )

    def record_contribution(self, ctx: Context, *, agency: str, financial_year: str, amount_pence: int) -> None:
        """Record an agency's contribution; one per agency and financial year."""
        check_financial_year(financial_year)
        if (agency, financial_year) in self.contributions:
            raise Duplicate(f"{agency} already has a contribution for {financial_year}", field="agency")
        fields: dict[str, Any] = {"agency": agency, "financial_year": financial_year, "amount_pence": amount_pence}
        self.trigger_event(self.ContributionRecorded, actor=ctx.actor, correlation_id=ctx.correlation_id, **fields)
