"""What every request body shares: storable values, examples, and how a body is sent as its command."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, ParamSpec
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from domain.base import Context
from domain.learning_action import LearningAction
from domain.review import CaseReview
from service.application import ActionCommand, CaseReviews, CommandResult, ReviewCommand

P = ParamSpec("P")

SHA256 = Field(pattern=r"^[0-9a-f]{64}$", examples=["9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"])
Text = Field(min_length=1, max_length=10_000)
Name = Field(min_length=1, max_length=200)
# What every read model can hold once an event is recorded: PostgreSQL BIGINT and SQLite INTEGER are
# signed 64-bit, PostgreSQL text cannot hold NUL, UTF-8 cannot hold an unpaired surrogate. Refused here,
# before anything is recorded, or a recorded event would stop a read model that cannot store it.
MAX_INTEGER = 2**63 - 1
MAX_PENCE = 10**12  # £10bn an entry, so totals over millions of entries still fit a 64-bit column


def unstorable(value: Any, path: str = "body") -> str | None:
    """Why a request value could not be stored by every read model, or None."""
    if isinstance(value, str):
        if "\x00" in value:
            return f"{path}: text may not contain NUL characters"
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return f"{path}: text must be valid Unicode (no unpaired surrogates)"
    elif isinstance(value, int) and not isinstance(value, bool) and not -MAX_INTEGER <= value <= MAX_INTEGER:
        return f"{path}: the number is out of range"
    elif isinstance(value, dict):
        return next((p for k, v in value.items() if (p := unstorable(v, f"{path}.{k}"))), None)
    elif isinstance(value, list):
        return next((p for i, v in enumerate(value) if (p := unstorable(v, f"{path}.{i}"))), None)
    return None


def example(fields: dict[str, Any]) -> ConfigDict:
    """A request model's OpenAPI example (the model's other settings are inherited)."""
    return ConfigDict(json_schema_extra={"examples": [fields]})


@dataclass(frozen=True)
class Sender:
    """Who sends a request's command, through which application, expecting which version (If-Match)."""

    app: CaseReviews
    ctx: Context
    expected_version: int | None

    def review(self, review_id: UUID, command: ReviewCommand[P], /, *args: P.args, **fields: P.kwargs) -> CommandResult:
        """Run a CaseReview command on a review."""
        return self.app.act_on_review(self.ctx, command, review_id, self.expected_version, *args, **fields)

    def action(self, action_id: UUID, command: ActionCommand[P], /, *args: P.args, **fields: P.kwargs) -> CommandResult:
        """Run a LearningAction command on an action."""
        return self.app.act_on_action(self.ctx, command, action_id, self.expected_version, *args, **fields)


class Body(BaseModel):
    """A request body: unknown fields are refused, so a misspelt field is named, not ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _storable(cls, data: Any) -> Any:
        if problem := unstorable(data):
            raise ValueError(problem)
        return data

    def send(self, via: Sender, *path_ids: Any) -> CommandResult:
        """Send this request as its command, naming the domain method and each of its fields; the ids in
        the route's path (a review's, then a hold's or a report's) follow the sender, in path order."""
        raise NotImplementedError(f"{type(self).__name__} serves several commands: its route row names one")


class DatedReason(Body):
    model_config = example({"on": "2028-08-01", "reason": "Action plan assured by the board"})

    on: date
    reason: str = Text

    def close(self, via: Sender, review_id: UUID) -> CommandResult:
        return via.review(review_id, CaseReview.close, on=self.on, reason=self.reason)

    def reopen(self, via: Sender, review_id: UUID) -> CommandResult:
        return via.review(review_id, CaseReview.reopen, on=self.on, reason=self.reason)

    def reopen_action(self, via: Sender, action_id: UUID) -> CommandResult:
        return via.action(action_id, LearningAction.reopen_action, on=self.on, reason=self.reason)
