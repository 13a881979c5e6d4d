"""Audit reads: verification, signed checkpoints, RFC 9162 proofs, and a review's history with leaf hashes."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi import Path as PathParameter
from pydantic import BaseModel, ConfigDict, Field

from domain.permissions import require_read
from projections.access_log import store as access_store
from projections.audit import store, tree
from projections.audit.checkpoints import Checkpoint, MalformedCheckpoint, read_held, trusted_public_key
from projections.audit.history import review_history
from projections.audit.verify import verify_log
from service.api.access_recording import ReadRecord
from service.api.deps import CommandContext, CurrentActor
from service.api.problems import ApiProblem, problem_responses
from service.api.schemas import MAX_INTEGER
from service.api.schemas.access_log import AccessEntryOut, AccessLogAnswer
from service.services import Services

router = APIRouter(tags=["audit"])
PROBLEMS = problem_responses(401, 403, 404, 422)


@router.get("/audit/verify", summary="Verify the whole log", responses=PROBLEMS)
def get_verify(actor: CurrentActor, services: Services) -> dict[str, Any]:
    """Recompute every leaf, rebuild the tree, check every checkpoint; `verified`, `events_checked`, first problem.

    Checked against the service's own checkpoints only (`independent_checkpoint: false`): they are signed
    with the key beside the database, so POST a checkpoint you hold to detect a rewrite re-signed with it."""
    require_read(actor, "audit_verification")
    return verify_log(services.db, trusted_key=trusted_public_key(services.settings)).to_json()


class HeldCheckpoints(BaseModel):
    """Signed checkpoints an auditor kept (each as `GET /audit/checkpoints/{size}` answered it)."""

    model_config = ConfigDict(extra="forbid")

    checkpoints: list[dict[str, Any]] = Field(min_length=1, max_length=100)


@router.post("/audit/verify", summary="Verify the whole log against checkpoints you hold", responses=PROBLEMS)
def post_verify(held: HeldCheckpoints, actor: CurrentActor, services: Services) -> dict[str, Any]:
    """As GET, and also against your own checkpoints: a log rewritten and re-signed after you kept one
    fails (`inconsistent_with_auditor_checkpoint`); `independent_checkpoint: true`."""
    require_read(actor, "audit_verification")
    try:
        checkpoints = read_held(held.checkpoints)
    except MalformedCheckpoint as error:
        field = f"checkpoints.{error.index}"
        raise ApiProblem(422, "validation_error", f"{field}: {error}", field=field) from None
    trusted = trusted_public_key(services.settings)
    return verify_log(services.db, trusted_key=trusted, auditor=checkpoints).to_json()


@router.get("/audit/checkpoints/latest", summary="The latest signed checkpoint", responses=PROBLEMS)
def get_latest_checkpoint(_: CurrentActor, services: Services) -> dict[str, Any]:
    """The signed checkpoint of the largest size."""
    with services.db.transaction(read_only=True) as cursor:
        latest = store.latest_checkpoint(cursor)
    if latest is None:
        raise ApiProblem(404, "not_found", "no checkpoint has been signed yet")
    return latest.to_json()


@router.get("/audit/checkpoints/{size}", summary="The signed checkpoint of a log size", responses=PROBLEMS)
def get_checkpoint(
    size: Annotated[int, PathParameter(ge=0, le=MAX_INTEGER)], _: CurrentActor, services: Services
) -> dict[str, Any]:
    """The signed checkpoint of the first `size` events."""
    with services.db.transaction(read_only=True) as cursor:
        return _checkpoint(cursor, size).to_json()


def _checkpoint(cursor: Any, size: int) -> Checkpoint:
    found = store.checkpoints(cursor, size=size)
    if not found:
        raise ApiProblem(404, "not_found", f"no checkpoint of size {size}")
    return found[0]


@router.get("/audit/proofs/inclusion", summary="Inclusion of a position in a checkpoint", responses=PROBLEMS)
def get_inclusion_proof(
    _: CurrentActor,
    services: Services,
    position: Annotated[int, Query(ge=0, le=MAX_INTEGER, description="The event's position in the global log")],
    size: Annotated[
        int | None, Query(ge=0, le=MAX_INTEGER, description="The checkpoint's size (default: the latest)")
    ] = None,
) -> dict[str, Any]:
    """RFC 9162 inclusion proof (2.1.3) of the event at `position` in the checkpoint of `size`."""
    with services.db.transaction(read_only=True) as cursor:
        if size is None:
            latest = store.latest_checkpoint(cursor)
            size = latest.size if latest else 0
        checkpoint = _checkpoint(cursor, size)
        try:
            proof = tree.inclusion_proof(cursor, position, size)
        except tree.ProofUnavailable as error:
            raise ApiProblem(404, "not_found", str(error)) from None
    return {**proof, "checkpoint": checkpoint.to_json()}


@router.get("/audit/proofs/consistency", summary="Consistency between two checkpoints", responses=PROBLEMS)
def get_consistency_proof(
    _: CurrentActor,
    services: Services,
    first: Annotated[int, Query(alias="from", ge=0, le=MAX_INTEGER, description="The earlier checkpoint's size")],
    second: Annotated[int, Query(alias="to", ge=0, le=MAX_INTEGER, description="The later checkpoint's size")],
) -> dict[str, Any]:
    """RFC 9162 consistency proof (2.1.4) that the checkpoint of `from` is a prefix of the one of `to`."""
    with services.db.transaction(read_only=True) as cursor:
        old, new = _checkpoint(cursor, first), _checkpoint(cursor, second)
        try:
            proof = tree.consistency_proof(cursor, first, second)
        except tree.ProofUnavailable as error:
            raise ApiProblem(422, "validation_error", str(error), field="from") from None
    return {**proof, "from_checkpoint": old.to_json(), "to_checkpoint": new.to_json()}


@router.get("/reviews/{review_id}/history", summary="Every event of a review, with its leaf hash", responses=PROBLEMS)
def get_history(review_id: UUID, ctx: CommandContext, services: Services, reads: ReadRecord) -> list[dict[str, Any]]:
    """Position, version, type, recorded instant, business date, actor, rationale, data and leaf hash of each event."""
    require_read(ctx.actor, "history")
    review = services.app.review(ctx, review_id)  # another board's review is NotFound
    history = review_history(services.app, review_id)
    reads.record([(review_id, review.board_id)])
    return history


@router.get(
    "/audit/access",
    summary="Who read which review: the access log",
    response_model=AccessLogAnswer,
    responses=PROBLEMS,
)
def get_access_log(
    actor: CurrentActor,
    services: Services,
    review_id: Annotated[UUID | None, Query(description="Only reads that returned this review")] = None,
    user: Annotated[str | None, Query(max_length=200, description="Only reads by this user id")] = None,
    from_on: Annotated[date | None, Query(alias="from", description="Read on or after this day (UTC)")] = None,
    to_on: Annotated[date | None, Query(alias="to", description="Read on or before this day (UTC)")] = None,
    limit: Annotated[int, Query(ge=1, le=access_store.MAX_ROWS, description="At most this many, newest first")] = 100,
) -> AccessLogAnswer:
    """Recorded reads, newest first: who (user, role, board), what (route template, reviews), when (`read_at`),
    why (`purpose`, null when none was given), by which channel. A board's auditor sees the reads by its board
    and the reads of its board's reviews (by anyone, the national panel included), never another board's
    reviews; an admin sees every board's; other roles are refused (403). Reads are appended in batches within
    a second of being made (`pending` counts this process's not yet appended). Every entry is a leaf of the
    access log's own signed Merkle tree: `scr audit verify` checks it."""
    require_read(actor, "access_log")
    with services.db.transaction(read_only=True) as cursor:
        found = access_store.entries(
            cursor,
            board=actor.board,
            review_id=None if review_id is None else str(review_id),
            user=user,
            from_on=from_on,
            to_on=to_on,
            limit=limit,
        )
    return AccessLogAnswer(
        count=len(found),
        limit=limit,
        pending=services.access_log.pending,
        entries=[AccessEntryOut.of(entry) for entry in found],
    )
