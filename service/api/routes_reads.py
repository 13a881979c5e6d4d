"""The reads of API.md: case status, timeliness, ledgers and learning actions, from the projections."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response
from pydantic import AwareDatetime

from domain.calendar import london_today
from domain.errors import NotFound
from domain.permissions import require_read, sees_board
from domain.values import Actor, Regime, Role, Stage
from projections import case_status, cost_ledger, learning_actions, timeliness
from projections.storage import Cursor
from service.access import agency_scope, board_scope, for_reader, unchanged_json
from service.api.access_recording import ReadRecord
from service.api.conditional import answer_tag, not_modified, unchanged, validator_headers
from service.api.deps import CommandContext, CurrentActor
from service.api.paged_lists import PAGE_HEADERS, Paging, page_answer
from service.api.problems import problem_responses
from service.api.reading import MinPosition, cached_answer, etag, projection_read, projection_snapshot
from service.api.schemas import ActionRow, ReviewRow, Row, RuleTimeliness
from service.records_view import review_retention
from service.services import ServiceObjects, Services
from service.time_travel import review_as_of

router = APIRouter(tags=["reads"])
READ_PROBLEMS = problem_responses(401, 403, 404, 422, 503)
CONDITIONAL_READ_PROBLEMS = {**READ_PROBLEMS, 304: {"description": "Not modified: the If-None-Match tag is current"}}


def _kept_answer(
    services: ServiceObjects,
    request: Request,
    response: Response,
    actor: Actor,
    min_position: int | None,
    projection: str,
    today: date,
    question: tuple[Hashable, ...],
    answer: Callable[[Cursor], dict[str, Any]],
) -> Row | Response:
    """A conditional read of one projection's answer kept per its position (timeliness aggregates, board
    ledgers): `304` while the reader's tag is current, else the kept answer (computed for the first reader)."""
    with projection_snapshot(services, response, min_position) as snapshot:
        tag = answer_tag(snapshot, projection, actor, today, request)
        if unchanged(request, tag):
            return not_modified(response, tag)
        found = cached_answer(services, snapshot, (projection,), today, question, answer)
    response.headers.update(validator_headers(tag))
    return Row.model_validate(found)


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
    responses={**CONDITIONAL_READ_PROBLEMS, 200: {"headers": PAGE_HEADERS}},
)
def list_reviews(
    actor: CurrentActor,
    services: Services,
    request: Request,
    response: Response,
    page: Paging,
    reads: ReadRecord,
    min_position: MinPosition = None,
    board: Annotated[str | None, Query(description="A board id; board roles see only their own")] = None,
    stage: Stage | None = None,
    regime: Regime | None = None,
    overdue: Annotated[bool | None, Query(description="true: only reviews with a deadline passed and unmet")] = None,
) -> Response:
    """A page of case status rows, by board and case reference; the national panel sees every board, without
    child details. `X-Total-Count` counts every matching row; `Link: <...>; rel="next"` is the next page."""
    require_read(actor, "reviews")
    today = london_today()
    filters: dict[str, Any] = {"board_id": board_scope(actor, board), "stage": stage, "regime": regime}
    with projection_snapshot(services, response, min_position) as snapshot:
        tag = answer_tag(snapshot, case_status.CaseStatusProjection.name, actor, today, request)
        if unchanged(request, tag):
            return not_modified(response, tag)
        total = cached_answer(  # the same on every page: counted once per position
            services,
            snapshot,
            (case_status.CaseStatusProjection.name,),
            today,
            ("reviews counted", overdue, *filters.values()),
            lambda cursor: case_status.count_reviews(cursor, today=today, overdue=overdue, **filters)["total"],
        )
        rows = case_status.list_reviews(
            snapshot.cursor,
            today=today,
            overdue=overdue,
            limit=page.limit,
            offset=page.offset,
            as_stored=unchanged_json(actor),
            **filters,
        )
    reads.record_rows(rows)
    shown = [for_reader(actor, row) for row in rows]
    return page_answer(request, response, shown, total=total, page=page, tag=tag)


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
    reads: ReadRecord,
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

        review = services.app.review(ctx, review_id)  # another board's review is NotFound
        state = review_as_of(services.app, review_id, as_of)
        reads.record([(review_id, review.board_id)])
        return Row.model_validate(state)
    with projection_read(services, response, min_position) as cursor:
        row = _visible_review(cursor, actor, review_id, ctx.today)
        retention = review_retention(cursor, services.settings.retention, row)
    reads.record([(review_id, row["board_id"])])
    response.headers["ETag"] = etag(row["version"])
    return ReviewRow.model_validate(for_reader(actor, row | {"retention": retention}))


@router.get(
    "/reviews/{review_id}/timeliness",
    summary="A review's deadlines: due, met, late, overdue",
    response_model=list[RuleTimeliness],
    responses=CONDITIONAL_READ_PROBLEMS,
)
def get_review_timeliness(
    review_id: UUID,
    actor: CurrentActor,
    services: Services,
    request: Request,
    response: Response,
    reads: ReadRecord,
    min_position: MinPosition = None,
) -> list[RuleTimeliness] | Response:
    """Per rule: its source, start, due and met dates, working and calendar days, days overdue, hold days."""
    require_read(actor, "timeliness")
    today = london_today()
    with projection_snapshot(services, response, min_position) as snapshot:
        row = _visible_review(snapshot.cursor, actor, review_id, today)  # before any 304: another board's stays 404
        tag = answer_tag(snapshot, timeliness.TimelinessProjection.name, actor, today, request)
        if unchanged(request, tag):
            return not_modified(response, tag)
        rows = timeliness.review_timeliness(snapshot.cursor, review_id, today=today) or []
    reads.record([(review_id, row["board_id"])])
    response.headers.update(validator_headers(tag))
    return [RuleTimeliness.model_validate(row) for row in rows]


@router.get(
    "/timeliness",
    summary="National and per-board timeliness",
    response_model=Row,
    responses=CONDITIONAL_READ_PROBLEMS,
)
def get_timeliness(
    actor: CurrentActor,
    services: Services,
    request: Request,
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
) -> Row | Response:
    """Counts, per rule within deadline, late and not applicable, durations, legal-hold days; a period selects
    each rule by its own start date (`filters.period_applies_to`)."""
    require_read(actor, "timeliness")
    board_id = board_scope(actor, board)
    today = london_today()
    return _kept_answer(
        services,
        request,
        response,
        actor,
        min_position,
        timeliness.TimelinessProjection.name,
        today,
        (board_id, regime, from_on, to_on),
        lambda cursor: timeliness.aggregate_timeliness(
            cursor, today=today, board_id=board_id, regime=regime, from_on=from_on, to_on=to_on
        ),
    )


@router.get(
    "/ledger/reviews/{review_id}",
    summary="A review's cost ledger",
    response_model=Row,
    responses=CONDITIONAL_READ_PROBLEMS,
)
def get_review_ledger(
    review_id: UUID,
    actor: CurrentActor,
    services: Services,
    request: Request,
    response: Response,
    reads: ReadRecord,
    min_position: MinPosition = None,
) -> Row | Response:
    """Entries and totals: committed, invoiced, paid, by category and paying agency; staff time."""
    require_read(actor, "review_ledger")
    today = london_today()
    with projection_snapshot(services, response, min_position) as snapshot:
        row = _visible_review(snapshot.cursor, actor, review_id, today)  # before any 304: another board's stays 404
        tag = answer_tag(snapshot, cost_ledger.CostLedgerProjection.name, actor, today, request)
        if unchanged(request, tag):
            return not_modified(response, tag)
        ledger = cost_ledger.review_ledger(snapshot.cursor, review_id)
    if ledger is None:
        raise NotFound(f"review {review_id} has no ledger")
    reads.record([(review_id, row["board_id"])])
    response.headers.update(validator_headers(tag))
    return Row.model_validate(ledger)


@router.get(
    "/ledger/boards/{board_id}",
    summary="A board's funding and spend for a financial year",
    response_model=Row,
    responses=CONDITIONAL_READ_PROBLEMS,
)
def get_board_ledger(
    board_id: str,
    financial_year: Annotated[str, Query(pattern=r"^\d{4}-\d{2}$", examples=["2014-15"])],
    actor: CurrentActor,
    services: Services,
    request: Request,
    response: Response,
    min_position: MinPosition = None,
) -> Row | Response:
    """Contributions by agency, spend by review and category, and the balance."""
    require_read(actor, "board_ledger")
    board_scope(actor, board_id)
    return _kept_answer(
        services,
        request,
        response,
        actor,
        min_position,
        cost_ledger.CostLedgerProjection.name,
        london_today(),
        ("board", board_id, financial_year),
        lambda cursor: cost_ledger.board_ledger(cursor, board_id, financial_year),
    )


@router.get(
    "/learning-actions",
    summary="List learning actions",
    response_model=list[ActionRow],
    responses={**CONDITIONAL_READ_PROBLEMS, 200: {"headers": PAGE_HEADERS}},
)
def list_learning_actions(
    actor: CurrentActor,
    services: Services,
    request: Request,
    response: Response,
    page: Paging,
    min_position: MinPosition = None,
    board: str | None = None,
    agency: Annotated[str | None, Query(description="Agency leads see only their own agency")] = None,
    review_id: UUID | None = None,
    status: Annotated[str | None, Query(pattern="^(open|completed|assured|overdue)$")] = None,
) -> Response:
    """A page of actions with status (open, completed, assured, overdue), RAG, target date and days overdue, by
    board and target date. `X-Total-Count` counts every matching action; `Link: <...>; rel="next"` is the next
    page."""
    require_read(actor, "learning_actions")
    today = london_today()
    filters: dict[str, Any] = {
        "board_id": board_scope(actor, board),
        "agency": agency_scope(actor, agency),
        "review_id": review_id,
        "status": status,
    }
    with projection_snapshot(services, response, min_position) as snapshot:
        tag = answer_tag(snapshot, learning_actions.LearningActionsProjection.name, actor, today, request)
        if unchanged(request, tag):
            return not_modified(response, tag)
        total = cached_answer(  # the same on every page: counted once per position
            services,
            snapshot,
            (learning_actions.LearningActionsProjection.name,),
            today,
            ("actions counted", *filters.values()),
            lambda cursor: learning_actions.count_actions(cursor, today=today, **filters),
        )
        rows = learning_actions.list_actions(
            snapshot.cursor, today=today, limit=page.limit, offset=page.offset, **filters
        )
    return page_answer(request, response, rows, total=total, page=page, tag=tag)


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
