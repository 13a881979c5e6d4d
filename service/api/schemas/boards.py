"""The admin's board commands: each body sends its command."""

from __future__ import annotations

from pydantic import Field

from service.api.schemas.common import MAX_PENCE, Body, Sender, example
from service.application import CommandResult


class RegisterBoard(Body):
    model_config = example(
        {
            "board_id": "durham",
            "name": "Durham Safeguarding Children Partnership",
            "local_authority": "Durham County Council",
        }
    )

    board_id: str = Field(pattern=r"^[a-z][a-z0-9_-]{1,39}$", examples=["durham"])
    name: str = Field(min_length=1, max_length=200, examples=["Durham Safeguarding Children Partnership"])
    local_authority: str = Field(min_length=1, max_length=200, examples=["Durham County Council"])

    def send(self, via: Sender) -> CommandResult:
        return via.app.register_board(
            via.ctx, board_id=self.board_id, name=self.name, local_authority=self.local_authority
        )


class RecordContribution(Body):
    model_config = example({"agency": "police", "financial_year": "2014-15", "amount_pence": 2500000})

    agency: str = Field(min_length=1, max_length=100, examples=["police"])
    financial_year: str = Field(pattern=r"^\d{4}-\d{2}$", examples=["2014-15"])
    amount_pence: int = Field(gt=0, le=MAX_PENCE, examples=[2_500_000])

    def send(self, via: Sender, board_id: str) -> CommandResult:
        return via.app.record_contribution(
            via.ctx,
            board_id,
            agency=self.agency,
            financial_year=self.financial_year,
            amount_pence=self.amount_pence,
        )
