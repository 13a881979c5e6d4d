"""Every command route is checked against its own command's roles before any Idempotency-Key replay: the
name comes from the domain method its body's `send` calls (service/api/commands.py command_name)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import uuid4

import pytest

from domain.base import Context
from domain.permissions import COMMAND_ROLES
from domain.values import Actor, Role
from service.api.commands import Command, command_name
from service.api.routes_action_commands import ACTION_COMMANDS, BOARD_COMMANDS
from service.api.routes_review_commands import COMMANDS
from tests.e2e.bodies import BODIES

CTX = Context(actor=Actor(user="u", role=Role.ADMIN), correlation_id=uuid4(), today=date(2026, 12, 1))
ROWS = [*COMMANDS, *ACTION_COMMANDS, *BOARD_COMMANDS]


def _body_name(path: str) -> str:
    return next(part for part in reversed(path.split("/")) if part and not part.startswith("{"))


@pytest.mark.parametrize("row", [r for r in ROWS if _body_name(r.path) in BODIES], ids=lambda r: r.path)
def test_each_command_route_names_a_command_of_the_role_table(row: Command[Any]) -> None:
    body = row.model.model_validate(BODIES[_body_name(row.path)])
    ids = [uuid4() if name != "board_id" else "durham" for name in row.path.split("{")[1:]]
    name = command_name(row.send or row.model.send, body, CTX, ids)
    assert name in COMMAND_ROLES


def test_the_close_and_reopen_rows_name_their_own_commands() -> None:
    names = {
        row.path: command_name(row.send or row.model.send, row.model.model_validate(BODIES["close"]), CTX, [uuid4()])
        for row in ROWS
        if row.path.endswith(("/close", "/reopen"))
    }
    assert set(names.values()) == {"close", "reopen", "reopen_action"}
