"""Learning actions' commands and the admin's board commands of API.md, one row each."""

from __future__ import annotations

from fastapi import APIRouter

from service.api import schemas as s
from service.api.commands import Command, add_commands

router = APIRouter()

A = "/learning-actions/{action_id}"
ACTION_COMMANDS = (
    Command("/learning-actions", s.AgreeAction, "Agree a learning action", creates="action_id"),
    Command(A + "/progress", s.Progress, "Report progress"),
    Command(A + "/evidence", s.Evidence, "Add evidence"),
    Command(A + "/target", s.NewTarget, "Move the target date"),
    Command(A + "/complete", s.ClaimCompletion, "Claim completion"),
    Command(A + "/assure", s.AssureCompletion, "Assure or reject completion"),
    Command(A + "/reopen", s.DatedReason, "Reopen a completed action", send=s.DatedReason.reopen_action),
)
BOARD_COMMANDS = (
    Command("/boards", s.RegisterBoard, "Register a board", creates=True),
    Command("/boards/{board_id}/contributions", s.RecordContribution, "Record a partner agency's contribution"),
)

actions = APIRouter(tags=["learning action commands"])
boards = APIRouter(tags=["board commands"])
add_commands(actions, ACTION_COMMANDS)
add_commands(boards, BOARD_COMMANDS)
router.include_router(actions)
router.include_router(boards)
