"""Audit reads: verification, signed checkpoints, RFC 9162 proofs, and a review's history with leaf hashes."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi import Path as PathParameter

from domain.permissions import require_read
from projections.audit import store, tree
from projections.audit.checkpoints import Checkpoint, trusted_public_key
from projections.audit.history import review_history
from projections.audit.verify import verify_log
from service.api.deps import CommandContext, CurrentActor
from service.api.problems import ApiProblem, problem_responses
from service.api.schemas import MAX_INTEGER
from service.services import Services

router = APIRouter(tags=["audit"])
PROBLEMS = problem_responses(401, 403, 404, 422)


@router.get("/audit/verify", summary="Verify the whole log", responses=PROBLEMS)
def get_verify(actor: CurrentActor, services: Services) -> dict[str, Any]:
    """Recompute every leaf, rebuild the tree, check every checkpoint; `verified`, `events_checked`, first problem."""
    require_read(actor, "audit_verification")
    return verify_log(services.db, trusted_key=trusted_public_key(services.settings)).to_json()


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
def get_history(review_id: UUID, ctx: CommandContext, services: Services) -> list[dict[str, Any]]:
    """Position, version, type, recorded instant, business date, actor, rationale, data and leaf hash of each event."""
    require_read(ctx.actor, "history")
    services.app.review(ctx, review_id)  # another board's review is NotFound
    return review_history(services.app, review_id)
