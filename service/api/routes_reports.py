"""Reporting (API.md second wave): DfE notification statistics, a board's annual report, its deadline calendar
and the feed tokens that read it."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from domain.calendar import london_today
from domain.errors import Forbidden, NotFound
from domain.permissions import require_read
from projections import statistics
from service import feed_tokens, reports
from service.access import board_scope
from service.api.deps import CurrentActor
from service.api.problems import ApiProblem, problem_responses
from service.api.reading import MinPosition, cached_answer, projection_read, projection_snapshot
from service.api.schemas import Row
from service.services import Services

router = APIRouter(tags=["reports"])
READ_PROBLEMS = problem_responses(401, 403, 404, 422, 503)
Year = Annotated[str, Query(pattern=r"^\d{4}-\d{2}$", examples=["2024-25"], description="April to March")]
CSV = {"text/csv": {"schema": {"type": "string"}}}


def _year(value: str, field: str) -> None:
    try:
        statistics.reporting_year_bounds(value)
    except ValueError as error:
        raise ApiProblem(422, "validation_error", str(error), field=field) from None


@router.get(
    "/statistics/notifications",
    summary="Serious incident notifications in DfE's shape",
    response_model=Row,
    responses={**READ_PROBLEMS, 200: {"content": CSV}},
)
def notification_statistics(
    actor: CurrentActor,
    services: Services,
    response: Response,
    reporting_year: Year,
    min_position: MinPosition = None,
    by: Annotated[
        str | None,
        Query(description="Breakdown topics, comma separated (e.g. 'Nature of incident,Age'); all by default"),
    ] = None,
    format: Annotated[Literal["json", "csv"], Query(description="csv: DfE's open-data layout")] = "json",
) -> Row | Response:
    """Notifications received in the reporting year (by notification date), per quarter, by nature and each
    published characteristic: the DfE count and the Panel count. A board role's figures cover its own board."""
    require_read(actor, "statistics")
    _year(reporting_year, "reporting_year")
    topics = None if by is None else [topic.strip() for topic in by.split(",") if topic.strip()]
    unknown = [topic for topic in topics or () if topic not in statistics.TOPICS]
    if unknown:
        raise ApiProblem(
            422,
            "validation_error",
            f"unknown breakdown {unknown[0]!r}: one of {', '.join(statistics.TOPICS)}",
            field="by",
        )
    board_id = actor.board if actor.board is not None else None
    with projection_read(services, response, min_position) as cursor:
        found = statistics.notification_statistics(cursor, reporting_year, board_id=board_id, topics=topics)
    if format == "csv":
        return Response(
            statistics.as_csv(found),
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="notifications-{found["time_period"]}.csv"',
                "X-Projection-Position": response.headers["X-Projection-Position"],
            },
        )
    return Row.model_validate(found)


@router.get(
    "/boards/{board_id}/annual-report",
    summary="A board's annual report",
    response_model=Row,
    responses={**READ_PROBLEMS, 200: {"content": CSV}},
)
def annual_report(
    board_id: str,
    actor: CurrentActor,
    services: Services,
    response: Response,
    year: Year,
    min_position: MinPosition = None,
    format: Annotated[Literal["json", "csv"], Query()] = "json",
    table: Annotated[
        str | None, Query(pattern="^(reviews|timeliness|costs|actions|themes|dissemination)$", description="For csv")
    ] = None,
) -> Row | Response:
    """Reviews notified, initiated, completed and published in the year; timeliness per rule; costs against partner
    contributions; learning actions by status and RAG; themes; dissemination. `format=csv&table=` gives one table."""
    require_read(actor, "annual_report")
    board_scope(actor, board_id)
    _year(year, "year")
    today = london_today()
    with projection_snapshot(services, response, min_position) as snapshot:
        report = cached_answer(
            services,
            snapshot,
            reports.ANNUAL_REPORT_SOURCES,
            today,
            ("annual report", board_id, year),
            lambda cursor: reports.annual_report(cursor, board_id, year, today=today),
        )
    if format == "csv":
        name = table or "reviews"
        body = reports.as_csv(reports.ANNUAL_TABLES[name], reports.annual_table(report, name))
        return Response(
            body,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{board_id}-{year}-{name}.csv"'},
        )
    return Row.model_validate(report)


@router.get(
    "/boards/{board_id}/calendar.ics",
    summary="A board's deadline calendar (iCalendar), read with a feed token",
    responses={
        **problem_responses(401, 403, 404, 422, 503),
        200: {"content": {"text/calendar": {"schema": {"type": "string"}}}},
    },
    response_class=Response,
)
def calendar_feed(
    board_id: str,
    services: Services,
    response: Response,
    token: Annotated[
        str, Query(max_length=200, description="A calendar feed token of this board (not a bearer token)")
    ] = "",
) -> Response:
    """Coming and overdue statutory deadlines, agency reports due and learning action targets, as all-day events
    naming case references only. Calendar clients send no Authorization header: the feed takes its own token."""
    # A missing token is refused like a wrong one (401), as every other route refuses a missing bearer token.
    try:
        feed_tokens.verify(services.db, token, board_id=board_id)
    except feed_tokens.InvalidFeedToken as error:
        raise ApiProblem(401, "unauthenticated", str(error)) from None
    with projection_read(services, response, None) as cursor:
        body = reports.calendar_feed(cursor, board_id, today=london_today())
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={
            "Cache-Control": "private, max-age=300",
            "X-Projection-Position": response.headers["X-Projection-Position"],
        },
    )


class FeedTokenRequest(BaseModel):
    """A label saying where the feed is used (e.g. 'business manager's Outlook')."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"label": "Business manager's Outlook"}]})

    label: str = Field(default="", max_length=200)


class FeedTokenRevocation(BaseModel):
    """Why a feed token is revoked (kept with the token's record)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"reason": "Laptop lost"}]})

    reason: str = Field(default="", max_length=200)


class FeedToken(BaseModel):
    """A new calendar feed token: shown once; the URL is what a calendar client subscribes to."""

    token_id: str
    board_id: str
    token: str
    url: str


@router.post(
    "/boards/{board_id}/feed-tokens",
    summary="Issue a calendar feed token for the board",
    response_model=FeedToken,
    status_code=201,
    responses=problem_responses(401, 403, 404, 409, 412, 422, 503),
)
def issue_feed_token(board_id: str, body: FeedTokenRequest, actor: CurrentActor, services: Services) -> FeedToken:
    """A board's manager (or chair) issues a read-only token for the board's calendar feed only."""
    require_read(actor, "feed_tokens")
    if actor.board != board_id:
        raise Forbidden(f"a {actor.role} of {actor.board} may not issue feed tokens for board {board_id}")
    issued = feed_tokens.issue(services.db, board_id=board_id, issued_by=actor.user, label=body.label)
    return FeedToken(
        token_id=issued.token_id,
        board_id=board_id,
        token=issued.token,
        url=f"/boards/{board_id}/calendar.ics?token={issued.token}",
    )


@router.get(
    "/boards/{board_id}/feed-tokens",
    summary="The board's calendar feed tokens (never the tokens themselves)",
    response_model=list[Row],
    responses=READ_PROBLEMS,
)
def list_feed_tokens(board_id: str, actor: CurrentActor, services: Services) -> list[Row]:
    """Ids, labels, who issued each and whether it is revoked."""
    require_read(actor, "feed_tokens")
    if actor.board != board_id:
        raise Forbidden(f"a {actor.role} of {actor.board} may not read feed tokens of board {board_id}")
    return [Row.model_validate(row) for row in feed_tokens.list_tokens(services.db, board_id=board_id)]


@router.post(
    "/boards/{board_id}/feed-tokens/{token_id}/revoke",
    summary="Revoke a calendar feed token",
    response_model=Row,
    responses=problem_responses(401, 403, 404, 409, 412, 422, 503),
)
def revoke_feed_token(
    board_id: str, token_id: str, body: FeedTokenRevocation, actor: CurrentActor, services: Services
) -> Row:
    """The token stops working at once, in every process."""
    require_read(actor, "feed_tokens")
    if actor.board != board_id:
        raise Forbidden(f"a {actor.role} of {actor.board} may not revoke feed tokens of board {board_id}")
    if not feed_tokens.revoke(services.db, token_id=token_id, board_id=board_id):
        raise NotFound(f"feed token {token_id} not found")
    return Row.model_validate({"token_id": token_id, "revoked": True})
