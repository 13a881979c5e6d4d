"""Learning actions' commands and the admin's board commands of API.md, one row each."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from domain.base import Context
from service.api import schemas as s
from service.api.commands import Command, add_commands, on_action
from service.application import CaseReviews, CommandResult

router = APIRouter()


def _agree(app: CaseReviews, ctx: Context, _: None, __: int | None, fields: dict[str, Any]) -> CommandResult:
    result = app.agree_action(ctx, **fields)
    return CommandResult(result.id, result.version, result.position, {"action_id": result.id})


def _register(app: CaseReviews, ctx: Context, _: None, __: int | None, fields: dict[str, Any]) -> CommandResult:
    return app.register_board(ctx, **fields)


def _contribute(app: CaseReviews, ctx: Context, board_id: str, _: int | None, fields: dict[str, Any]) -> Any:
    return app.record_contribution(ctx, board_id, **fields)


A = "/learning-actions/{action_id}"
ACTION_COMMANDS = [
    Command("/learning-actions", s.AgreeAction, _agree, "Agree a learning action", creates=True),
    Command(A + "/progress", s.Progress, on_action("report_progress"), "Report progress"),
    Command(A + "/evidence", s.Evidence, on_action("add_evidence"), "Add evidence"),
    Command(A + "/target", s.NewTarget, on_action("change_target"), "Move the target date"),
    Command(A + "/complete", s.ClaimCompletion, on_action("claim_completion"), "Claim completion"),
    Command(A + "/assure", s.AssureCompletion, on_action("assess_completion"), "Assure or reject completion"),
    Command(A + "/reopen", s.DatedReason, on_action("reopen_action"), "Reopen a completed action"),
]
BOARD_COMMANDS = [
    Command("/boards", s.RegisterBoard, _register, "Register a board", creates=True),
    Command(
        "/boards/{board_id}/contributions",
        s.RecordContribution,
        _contribute,
        "Record a partner agency's contribution",
    ),
]

actions = APIRouter(tags=["learning action commands"])
boards = APIRouter(tags=["board commands"])
add_commands(actions, ACTION_COMMANDS)
add_commands(boards, BOARD_COMMANDS)
router.include_router(actions)
router.include_router(boards)
