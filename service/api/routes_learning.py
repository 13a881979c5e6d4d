"""Learning across reviews (API.md second wave): themes, findings, dissemination, reg 14 monitoring, search."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response

from domain.calendar import london_today
from domain.permissions import require_read
from domain.themes import vocabulary
from domain.values import Actor, Regime, Role
from projections import dissemination, search
from service.access import board_scope, visible_review
from service.api import schemas as s
from service.api.access_recording import ReadRecord
from service.api.commands import Command, add_commands
from service.api.deps import CurrentActor
from service.api.paging import next_link
from service.api.problems import problem_responses
from service.api.reading import MinPosition, cached_answer, projection_read, projection_snapshot
from service.api.schemas import MAX_INTEGER, Row
from service.services import Services

router = APIRouter(tags=["learning"])
READ_PROBLEMS = problem_responses(401, 403, 404, 422, 503)

R = "/reviews/{review_id}"
COMMANDS = (
    Command(R + "/themes", s.ReviewThemes, "Set the review's learning themes"),
    Command(R + "/findings", s.Finding, "Record a key finding"),
    Command(R + "/dissemination", s.Dissemination, "Record learning shared", creates="dissemination_id"),
    Command(R + "/monitoring", s.Monitoring, "Record a reg 14 check or written request (CSPR)"),
)
add_commands(router, COMMANDS)

ThemeFilter = Annotated[str | None, Query(pattern=r"^[a-z0-9_]{1,60}$", description="A theme code (GET /themes)")]
FromOn = Annotated[date | None, Query(alias="from")]
ToOn = Annotated[date | None, Query(alias="to")]


def without_notes(actor: Actor, row: dict[str, Any]) -> dict[str, Any]:
    """A record as this reader may see it: free-text notes are a board's own words about a case, never the Panel's."""
    if actor.role is not Role.NATIONAL_PANEL:
        return row
    return {key: value for key, value in row.items() if key != "note"}


@router.get(
    "/themes",
    summary="The controlled vocabulary of learning themes",
    response_model=list[Row],
    responses=READ_PROBLEMS,
)
def list_themes(actor: CurrentActor) -> list[Row]:
    """Every theme in use: `code` (what commands and filters take) and `label`."""
    require_read(actor, "themes")
    return [Row.model_validate({"code": t.code, "label": t.label}) for t in vocabulary() if not t.retired]


@router.get(
    "/search",
    summary="Search findings, recommendations, terms of reference and board responses",
    response_model=Row,
    responses=READ_PROBLEMS,
)
def search_reviews(
    request: Request,
    actor: CurrentActor,
    services: Services,
    response: Response,
    reads: ReadRecord,
    min_position: MinPosition = None,
    q: Annotated[str, Query(max_length=500, description="Words; each must match, stemmed in English")] = "",
    theme: ThemeFilter = None,
    board: str | None = None,
    regime: Regime | None = None,
    from_on: Annotated[date | None, Query(alias="from", description="Reviews notified on or after")] = None,
    to_on: Annotated[date | None, Query(alias="to", description="Reviews notified on or before")] = None,
    kind: Annotated[str | None, Query(pattern="^(finding|recommendation|terms_of_reference|board_response)$")] = None,
    limit: Annotated[int, Query(ge=1, le=search.MAX_RESULTS, description="Matches per page")] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_INTEGER, description="Matches to skip (the pages before)")] = 0,
) -> Row:
    """Ranked matches, best first, each with `review_id`, `board_id`, `kind`, `ref`, a `snippet` (HTML-escaped
    text with each match in `<mark>`) and `themes`. A board role searches its own board; the Panel every board.
    Nothing searched holds a child's details. Paged: `total` matches in all, `next` the following page's link
    (null on the last), `count` on this page."""
    require_read(actor, "search")
    board_id = board_scope(actor, board)
    with projection_snapshot(services, response, min_position) as snapshot:
        # Ranking every match costs tens of milliseconds at 10,000 reviews: kept until the index moves.
        found = cached_answer(
            services,
            snapshot,
            (search.SearchProjection.name,),
            london_today(),  # a search does not change with the day; its answers are kept a day at most
            ("search", q, board_id, theme, regime, from_on, to_on, kind, limit, offset),
            lambda cursor: search.search(
                cursor,
                query=q,
                board_id=board_id,
                theme=theme,
                regime=regime,
                from_on=from_on,
                to_on=to_on,
                kind=kind,
                limit=limit,
                offset=offset,
            ),
        )
    reads.record_rows(found["results"])
    return Row.model_validate(
        {
            "query": q,
            "words": search.words(q),
            "filters": {
                "theme": theme,
                "board": board_id,
                "regime": regime,
                "from": from_on,
                "to": to_on,
                "kind": kind,
                "period_applies_to": "notified_on",
            },
            "count": len(found["results"]),
            "total": found["total"],
            "limit": found["limit"],
            "offset": found["offset"],
            "next": next_link(request, offset=found["offset"], limit=found["limit"], total=found["total"]),
            "results": found["results"],
        }
    )


@router.get(
    "/dissemination",
    summary="Learning shared across reviews, with attendance by agency",
    response_model=Row,
    responses=READ_PROBLEMS,
)
def list_dissemination(
    actor: CurrentActor,
    services: Services,
    response: Response,
    min_position: MinPosition = None,
    board: str | None = None,
    from_on: Annotated[date | None, Query(alias="from", description="Held on or after")] = None,
    to_on: Annotated[date | None, Query(alias="to", description="Held on or before")] = None,
) -> Row:
    """Briefings, learning events, training, newsletters and conferences, newest first; totals by kind and by agency."""
    require_read(actor, "dissemination")
    with projection_read(services, response, min_position) as cursor:
        found = dissemination.list_dissemination(
            cursor, board_id=board_scope(actor, board), from_on=from_on, to_on=to_on
        )
    found["items"] = [without_notes(actor, item) for item in found["items"]]
    return Row.model_validate(found)


@router.get(R + "/dissemination", summary="A review's learning shared", response_model=Row, responses=READ_PROBLEMS)
def review_dissemination(
    review_id: UUID,
    actor: CurrentActor,
    services: Services,
    response: Response,
    reads: ReadRecord,
    min_position: MinPosition = None,
) -> Row:
    """The review's dissemination records with attendance by agency."""
    require_read(actor, "dissemination")
    with projection_read(services, response, min_position) as cursor:
        row = visible_review(cursor, actor, review_id, london_today())
        found = dissemination.list_dissemination(cursor, review_id=review_id)
    reads.record([(review_id, row["board_id"])])
    found["items"] = [without_notes(actor, item) for item in found["items"]]
    return Row.model_validate(found)


@router.get(
    R + "/monitoring",
    summary="A CSPR's reg 14 checks and written requests",
    response_model=list[Row],
    responses=READ_PROBLEMS,
)
def review_monitoring(
    review_id: UUID,
    actor: CurrentActor,
    services: Services,
    response: Response,
    reads: ReadRecord,
    min_position: MinPosition = None,
) -> list[Row]:
    """Time and quality checks and written requests to the reviewer, in the order recorded."""
    require_read(actor, "monitoring")
    with projection_read(services, response, min_position) as cursor:
        row = visible_review(cursor, actor, review_id, london_today())
        rows = dissemination.list_monitoring(cursor, review_id)
    reads.record([(review_id, row["board_id"])])
    return [Row.model_validate(without_notes(actor, row)) for row in rows]
