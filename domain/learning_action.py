"""The LearningAction aggregate: one per action, so agencies updating different actions never conflict."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID, uuid4

from pydantic import Field

from domain.base import Aggregate, Context, require_not_future, require_rationale
from domain.errors import InvalidTransition, InvalidValue
from domain.values import AssuranceOutcome, Rag


class ActionStatus(StrEnum):
    """Where an action stands; `overdue` is derived at read time from the target date."""

    OPEN = "open"
    COMPLETED = "completed"
    ASSURED = "assured"


class LearningAction(Aggregate):
    """An action arising from a review's recommendation, owned by a lead agency."""

    class Agreed(Aggregate.Created):
        """The action was agreed from a recommendation."""

        effective_field: ClassVar[str] = "agreed_on"
        review_id: UUID
        board_id: str
        recommendation_ref: str
        text: str = Field(min_length=1, max_length=20_000)
        lead_agency: str = Field(min_length=1, max_length=200)
        owner: str = Field(min_length=1, max_length=200)
        target_on: date
        success_measure: str = Field(max_length=20_000)
        agreed_on: date

        def apply(self, action: LearningAction) -> None:
            action.review_id = self.review_id
            action.board_id = self.board_id
            action.lead_agency = self.lead_agency
            action.target_on = self.target_on
            action.status = ActionStatus.OPEN
            action.rag = None

    class ProgressReported(Aggregate.Event):
        """A progress report with its RAG status."""

        effective_field: ClassVar[str] = "on"
        rag: Rag
        note: str = Field(max_length=20_000)
        on: date

        def apply(self, action: LearningAction) -> None:
            action.rag = self.rag

    class EvidenceAdded(Aggregate.Event):
        """A document evidencing progress, identified by its SHA-256."""

        effective_field: ClassVar[str] = "on"
        description: str = Field(min_length=1, max_length=2_000)
        document_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
        on: date

    class TargetChanged(Aggregate.Event):
        """The target date moved, with a reason."""

        effective_field: ClassVar[str] = "changed_on"
        target_on: date
        previous_target_on: date
        changed_on: date
        rationale: str

        def apply(self, action: LearningAction) -> None:
            action.target_on = self.target_on

    class CompletionClaimed(Aggregate.Event):
        """The lead agency says the action is done."""

        effective_field: ClassVar[str] = "on"
        on: date
        note: str = Field(max_length=20_000)

        def apply(self, action: LearningAction) -> None:
            action.status = ActionStatus.COMPLETED

    class CompletionAssessed(Aggregate.Event):
        """The board's sub-group assured the completion, or rejected it."""

        effective_field: ClassVar[str] = "on"
        outcome: AssuranceOutcome
        on: date
        rationale: str

        def apply(self, action: LearningAction) -> None:
            assured = self.outcome is AssuranceOutcome.ASSURED
            action.status = ActionStatus.ASSURED if assured else ActionStatus.OPEN

    class Reopened(Aggregate.Event):
        """An assured or completed action opened again."""

        effective_field: ClassVar[str] = "on"
        on: date
        rationale: str

        def apply(self, action: LearningAction) -> None:
            action.status = ActionStatus.OPEN

    # State, declared for type checkers only: the library turns class annotations into __init__ arguments.
    if TYPE_CHECKING:
        review_id: UUID
        board_id: str
        lead_agency: str
        target_on: date
        status: ActionStatus
        rag: Rag | None

    @classmethod
    def agree(
        cls,
        ctx: Context,
        *,
        review_id: UUID,
        board_id: str,
        recommendation_ref: str,
        text: str,
        lead_agency: str,
        owner: str,
        target_on: date,
        success_measure: str,
        agreed_on: date | None = None,
    ) -> LearningAction:
        """Agree an action from a recommendation (the caller checks the recommendation exists); agreed today
        unless the request says when."""
        agreed_on = agreed_on or ctx.today
        require_not_future(agreed_on, ctx.today, field="agreed_on")
        return cls._create(
            cls.Agreed,
            id=uuid4(),
            actor=ctx.actor,
            correlation_id=ctx.correlation_id,
            review_id=review_id,
            board_id=board_id,
            recommendation_ref=recommendation_ref,
            text=text,
            lead_agency=lead_agency,
            owner=owner,
            target_on=target_on,
            success_measure=success_measure,
            agreed_on=agreed_on,
        )

    def report_progress(self, ctx: Context, *, rag: Rag, note: str, on: date) -> None:
        """Report progress with a RAG status."""
        self._require_status(ActionStatus.OPEN, action="report progress")
        require_not_future(on, ctx.today, field="on")
        self._record(ctx, self.ProgressReported, rag=rag, note=note, on=on)

    def add_evidence(self, ctx: Context, *, description: str, document_sha256: str, on: date) -> None:
        """Add an evidence item."""
        require_not_future(on, ctx.today, field="on")
        self._record(ctx, self.EvidenceAdded, description=description, document_sha256=document_sha256, on=on)

    def change_target(self, ctx: Context, *, target_on: date, reason: str) -> None:
        """Move the target date; a reason is required."""
        self._require_status(ActionStatus.OPEN, action="change the target date")
        if target_on == self.target_on:
            raise InvalidValue("the new target date is the current one", field="target_on")
        self._record(
            ctx,
            self.TargetChanged,
            target_on=target_on,
            previous_target_on=self.target_on,
            changed_on=ctx.today,
            rationale=require_rationale(reason, "reason"),
        )

    def claim_completion(self, ctx: Context, *, on: date, note: str) -> None:
        """The lead agency claims completion."""
        self._require_status(ActionStatus.OPEN, action="claim completion")
        require_not_future(on, ctx.today, field="on")
        self._record(ctx, self.CompletionClaimed, on=on, note=note)

    def assess_completion(self, ctx: Context, *, outcome: AssuranceOutcome, on: date, note: str) -> None:
        """The board assures or rejects a claimed completion; the note is its rationale."""
        self._require_status(ActionStatus.COMPLETED, action="assure completion (it must be claimed first)")
        require_not_future(on, ctx.today, field="on")
        self._record(ctx, self.CompletionAssessed, outcome=outcome, on=on, rationale=require_rationale(note, "note"))

    def reopen_action(self, ctx: Context, *, on: date, reason: str) -> None:
        """Reopen a completed or assured action."""
        if self.status is ActionStatus.OPEN:
            raise InvalidTransition("the action is already open")
        require_not_future(on, ctx.today, field="on")
        self._record(ctx, self.Reopened, on=on, rationale=require_rationale(reason, "reason"))

    # Its permission is keyed by the function's name, and reopening an action is not reopening a review
    # (other roles may do it): `reopen` is the same function, named `reopen_action`.
    reopen = reopen_action

    def _record(self, ctx: Context, event_class: type[Aggregate.Event], **fields: Any) -> None:
        self.trigger_event(event_class, actor=ctx.actor, correlation_id=ctx.correlation_id, **fields)

    def _require_status(self, *allowed: ActionStatus, action: str) -> None:
        if self.status not in allowed:
            raise InvalidTransition(f"cannot {action}: the action is {self.status}")
