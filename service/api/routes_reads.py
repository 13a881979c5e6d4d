"""The reads of API.md: case status, timeliness, ledgers and learning actions, from the projections."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Response
from pydantic import AwareDatetime

from domain.calendar import london_today
from domain.errors import NotFound
from domain.permissions import require_read, sees_board
from domain.values import Actor, Regime, Role, Stage
from projections import case_status, cost_ledger, learning_actions, timeliness
from projections.storage import Cursor
from service.access import agency_scope, board_scope, for_reader
from service.api.deps import CommandContext, CurrentActor
from service.api.problems import problem_responses
from service.api.reading import MinPosition, cached_read, etag, projection_read
from service.api.schemas import ActionRow, ReviewRow, Row, RuleTimeliness
from service.services import Services
from service.time_travel import review_as_of

router = APIRouter(tags=["reads"])
READ_PROBLEMS = problem_responses(401, 403, 404, 422, 503)


def _visible_review(cursor: Cursor, actor: Actor, review_id: UUID, today: date) -> dict[str, Any]:
    row = case_status.get_review(cursor, review_id, today=today)
    if row is None or not sees_board(actor, row["board_id"]):
        raise NotFound(f"review {review_id} not found")
    return row


@router.get(
    "/reviews",
    summary="List reviews with their case status",
    response_model=list[ReviewRow],
    response_model_exclude_unset=True,
    responses=READ_PROBLEMS,
)
def list_reviews(
    actor: CurrentActor,
    services: Services,
    response: Response,
    min_position: MinPosition = None,
    board: Annotated[str | None, Query(description="A board id; board roles see only their own")] = None,
    stage: Stage | None = None,
    regime: Regime | None = None,
    overdue: Annotated[bool | None, Query(description="true: only reviews with a deadline passed and unmet")] = None,
) -> list[ReviewRow]:
    """Case status rows; the national panel sees every board, without child details."""
    require_read(actor, "reviews")
    with projection_read(services, response, min_position) as cursor:
        rows = case_status.list_reviews(
            cursor,
            today=london_today(),
            board_id=board_scope(actor, board),
            stage=stage,
            regime=regime,
            overdue=overdue,
        )
    return [ReviewRow.model_validate(for_reader(actor, row)) for row in rows]


@router.get(
    "/reviews/{review_id}",
    summary="One review's case status, or its state as of an instant",
    response_model=ReviewRow | Row,
    response_model_exclude_unset=True,
    responses=READ_PROBLEMS,
)
def get_review(
    review_id: UUID,
    ctx: CommandContext,
    services: Services,
    response: Response,
    min_position: MinPosition = None,
    as_of: Annotated[
        AwareDatetime | None,
        Query(description="An ISO 8601 instant: rebuild the review from the events recorded up to it (chair, auditor)"),
    ] = None,
) -> ReviewRow | Row:
    """The review's row in full, with its version as ETag; `as_of` rebuilds it from the log instead."""
    actor = ctx.actor
    require_read(actor, "reviews")
    if as_of is not None:
        require_read(actor, "review_as_of")

        services.app.review(ctx, review_id)  # another board's review is NotFound
        return Row.model_validate(review_as_of(services.app, review_id, as_of))
    with projection_read(services, response, min_position) as cursor:
        row = _visible_review(cursor, actor, review_id, ctx.today)
    response.headers["ETag"] = etag(row["version"])
    return ReviewRow.model_validate(for_reader(actor, row))


@router.get(
    "/reviews/{review_id}/timeliness",
    summary="A review's deadlines: due, met, late, overdue",
    response_model=list[RuleTimeliness],
    responses=READ_PROBLEMS,
)
def get_review_timeliness(
    review_id: UUID, actor: CurrentActor, services: Services, response: Response, min_position: MinPosition = None
) -> list[RuleTimeliness]:
    """Per rule: its source, start, due and met dates, working and calendar days, days overdue, hold days."""
    require_read(actor, "timeliness")
    today = london_today()
    with projection_read(services, response, min_position) as cursor:
        _visible_review(cursor, actor, review_id, today)
        rows = timeliness.review_timeliness(cursor, review_id, today=today) or []
    return [RuleTimeliness.model_validate(row) for row in rows]


@router.get(
    "/timeliness",
    summary="National and per-board timeliness",
    response_model=Row,
    responses=READ_PROBLEMS,
)
def get_timeliness(
    actor: CurrentActor,
    services: Services,
    response: Response,
    min_position: MinPosition = None,
    board: str | None = None,
    regime: Regime | None = None,
    from_on: Annotated[
        date | None, Query(alias="from", description="On or after: each rule by its own start date (see filters)")
    ] = None,
    to_on: Annotated[
        date | None, Query(alias="to", description="On or before: each rule by its own start date (see filters)")
    ] = None,
) -> Row:
    """Counts, per rule within deadline, late and not applicable, durations, legal-hold days; a period selects
    each rule by its own start date (`filters.period_applies_to`)."""
    require_read(actor, "timeliness")
    board_id = board_scope(actor, board)
    found = cached_read(
        services,
        response,
        min_position,
        timeliness.TimelinessProjection.name,
        (board_id, regime, from_on, to_on),
        lambda cursor: timeliness.aggregate_timeliness(
            cursor, today=london_today(), board_id=board_id, regime=regime, from_on=from_on, to_on=to_on
        ),
    )
    return Row.model_validate(found)


@router.get(
    "/ledger/reviews/{review_id}",
    summary="A review's cost ledger",
    response_model=Row,
    responses=READ_PROBLEMS,
)
def get_review_ledger(
    review_id: UUID, actor: CurrentActor, services: Services, response: Response, min_position: MinPosition = None
) -> Row:
    """Entries and totals: committed, invoiced, paid, by category and paying agency; staff time."""
    require_read(actor, "review_ledger")
    with projection_read(services, response, min_position) as cursor:
        _visible_review(cursor, actor, review_id, london_today())
        ledger = cost_ledger.review_ledger(cursor, review_id)
    if ledger is None:
        raise NotFound(f"review {review_id} has no ledger")
    return Row.model_validate(ledger)


@router.get(
    "/ledger/boards/{board_id}",
    summary="A board's funding and spend for a financial year",
    response_model=Row,
    responses=READ_PROBLEMS,
)
def get_board_ledger(
    board_id: str,
    financial_year: Annotated[str, Query(pattern=r"^\d{4}-\d{2}$", examples=["2014-15"])],
    actor: CurrentActor,
    services: Services,
    response: Response,
    min_position: MinPosition = None,
) -> Row:
    """Contributions by agency, spend by review and category, and the balance."""
    require_read(actor, "board_ledger")
    board_scope(actor, board_id)
    found = cached_read(
        services,
        response,
        min_position,
        cost_ledger.CostLedgerProjection.name,
        ("board", board_id, financial_year),
        lambda cursor: cost_ledger.board_ledger(cursor, board_id, financial_year),
    )
    return Row.model_validate(found)


@router.get(
    "/learning-actions",
    summary="List learning actions",
    response_model=list[ActionRow],
    responses=READ_PROBLEMS,
)
def list_learning_actions(
    actor: CurrentActor,
    services: Services,
    response: Response,
    min_position: MinPosition = None,
    board: str | None = None,
    agency: Annotated[str | None, Query(description="Agency leads see only their own agency")] = None,
    review_id: UUID | None = None,
    status: Annotated[str | None, Query(pattern="^(open|completed|assured|overdue)$")] = None,
) -> list[ActionRow]:
    """Actions with status (open, completed, assured, overdue), RAG, target date and days overdue."""
    require_read(actor, "learning_actions")
    with projection_read(services, response, min_position) as cursor:
        rows = learning_actions.list_actions(
            cursor,
            today=london_today(),
            board_id=board_scope(actor, board),
            agency=agency_scope(actor, agency),
            review_id=review_id,
            status=status,
        )
    return [ActionRow.model_validate(row) for row in rows]


@router.get(
    "/learning-actions/{action_id}",
    summary="One learning action",
    response_model=ActionRow,
    responses=READ_PROBLEMS,
)
def get_learning_action(
    action_id: UUID, actor: CurrentActor, services: Services, response: Response, min_position: MinPosition = None
) -> ActionRow:
    """The action's state, with its version as ETag."""
    require_read(actor, "learning_actions")
    with projection_read(services, response, min_position) as cursor:
        row = learning_actions.get_action(cursor, action_id, today=london_today())
    if (
        row is None
        or not sees_board(actor, row["board_id"])
        or (actor.role is Role.AGENCY_LEAD and row["lead_agency"] != actor.agency)
    ):
        raise NotFound(f"learning action {action_id} not found")
    response.headers["ETag"] = etag(row["version"])
    return ActionRow.model_validate(row)
