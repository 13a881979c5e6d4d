"""A review's audit status: its events proven into the latest signed checkpoint, by the audit package's own checks."""

from __future__ import annotations

from dataclasses import dataclass, replace
from uuid import UUID

from projections.audit import store
from projections.audit.checkpoints import trusted_public_key
from projections.audit.export import ExportUnavailable, build_export, verify_export
from service.services import ServiceObjects


@dataclass(frozen=True)
class AuditStatus:
    """What the check found: verified or not, against which checkpoint, and how many events it covers."""

    verified: bool
    summary: str
    checkpoint_size: int | None = None
    root_hash: str | None = None
    recorded_at: str | None = None
    key_id: str | None = None
    key_trusted: bool = False
    events_covered: int = 0
    events_pending: int = 0
    # The page checks against the service's own latest checkpoint, never one an auditor kept.
    independent_checkpoint: bool = False


def review_audit_status(services: ServiceObjects, review_id: UUID, version: int) -> AuditStatus:
    """Recompute each of the review's leaves and check its inclusion proof against the latest checkpoint.

    Cheap: the review's own records and log2(size) tree nodes each, not the whole log (that is /audit/verify)."""
    with services.db.transaction(read_only=True) as cursor:
        checkpoint = store.latest_checkpoint(cursor)
        if checkpoint is None:
            return AuditStatus(False, "No checkpoint has been signed yet, so nothing can be verified.")
        try:
            export = build_export(cursor, review_id, checkpoint, postgres=services.db.is_postgres)
        except ExportUnavailable:
            export = None
    found = AuditStatus(
        False,
        "",
        checkpoint_size=checkpoint.size,
        root_hash=checkpoint.root.hex(),
        recorded_at=checkpoint.recorded_at,
        key_id=checkpoint.key_id,
        key_trusted=trusted_public_key(services.settings) == checkpoint.public_key,
    )
    if export is None:
        summary = f"None of this review's events is in checkpoint {checkpoint.size} yet."
        return replace(found, summary=summary, events_pending=version)
    check = verify_export(export, checkpoint)
    covered = len(check.history)
    if not check.verified:
        return replace(found, summary=f"Verification failed: {check.problems[0]}", events_covered=covered)
    return replace(
        found,
        verified=True,
        summary=f"Verified against the service's own checkpoint: events 1 to {covered} of this review are "
        f"included in checkpoint {checkpoint.size}. Not checked against an independent checkpoint.",
        events_covered=covered,
        events_pending=version - covered,
    )
