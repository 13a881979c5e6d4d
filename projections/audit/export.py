"""A review's stored records with their leaves and inclusion proofs, and the offline check of such an export.

Checking an export needs no database and no server: the records carry the exact stored bytes, so
each leaf is recomputed, each inclusion proof checked against the signed checkpoint, and the
checkpoint tied to one the auditor kept (same size, or a consistency proof from the auditor's size)."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from projections.audit import store, tree
from projections.audit.checkpoints import Checkpoint
from projections.audit.history import history_row
from projections.audit.leaves import FORMAT, event_leaf
from projections.audit.merkle import verify_consistency, verify_inclusion
from projections.sealing import SealingMapper
from projections.storage import Cursor

EXPORT_FORMAT = "scr-ledger audit export v1"


class ExportUnavailable(Exception):
    """The review has no events covered by the checkpoint asked for."""


def build_export(cursor: Cursor, review_id: UUID, checkpoint: Checkpoint, *, postgres: bool) -> dict[str, Any]:
    """The review's records up to the checkpoint, each with its leaf and an inclusion proof."""
    events = []
    for position, originator, version, topic, state in store.records_of(cursor, review_id, postgres=postgres):
        found = store.leaf_at_position(cursor, position)
        if found is None or found[0] >= checkpoint.size:
            continue  # recorded after this checkpoint
        proof = tree.inclusion_proof(cursor, position, checkpoint.size)
        events.append(
            {
                "position": position,
                "leaf_index": proof["leaf_index"],
                "originator_id": str(UUID(bytes=originator)),
                "version": version,
                "topic": topic,
                "state": base64.b64encode(state).decode(),
                "leaf_hash": proof["leaf_hash"],
                "audit_path": proof["audit_path"],
            }
        )
    if not events:
        raise ExportUnavailable(f"review {review_id} has no events in the checkpoint of size {checkpoint.size}")
    consistency = {
        str(earlier.size): tree.consistency_proof(cursor, earlier.size, checkpoint.size)["consistency_path"]
        for earlier in store.checkpoints(cursor)
        if earlier.size < checkpoint.size
    }
    return {
        "format": EXPORT_FORMAT,
        "leaf_format": FORMAT,
        "review_id": str(review_id),
        "checkpoint": checkpoint.to_json(),
        "events": events,
        "consistency_from": consistency,
    }


@dataclass
class ExportCheck:
    """The outcome of checking an export: problems (empty if it verified) and the history it verified."""

    problems: list[str] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    checkpoint: Checkpoint | None = None
    review_id: str = ""

    @property
    def verified(self) -> bool:
        return not self.problems and bool(self.history)


def verify_export(export: dict[str, Any], held: Checkpoint) -> ExportCheck:
    """Check an export against a checkpoint the auditor holds; stops at the first problem."""
    check = ExportCheck()
    try:
        _check(export, held, check)
    except (KeyError, ValueError, TypeError) as error:
        check.problems.append(f"the export is malformed: {error!r}")
    return check


def _check(export: dict[str, Any], held: Checkpoint, check: ExportCheck) -> None:
    if export.get("format") != EXPORT_FORMAT or export.get("leaf_format") != FORMAT:
        check.problems.append(f"not an export this tool reads: {export.get('format')!r}")
        return
    checkpoint = check.checkpoint = Checkpoint.from_json(export["checkpoint"])
    problem = _tie_to_held(export, checkpoint, held)
    if problem:
        check.problems.append(problem)
        return
    review_id = UUID(export["review_id"])
    check.review_id = str(review_id)
    if not export["events"]:
        # Proves nothing: an empty list would read as "no decisions recorded" (a deletion shown as clean).
        check.problems.append("the export holds no events: it proves nothing about this review")
        return
    mapper = SealingMapper()  # no key offline: personal fields read as sealed, the hashes are over the stored bytes
    for expected_version, record in enumerate(export["events"], start=1):
        problem = _check_record(record, review_id, expected_version, checkpoint)
        if problem:
            check.problems.append(problem)
            return
        state = base64.b64decode(record["state"])
        stored = StoredEvent(UUID(record["originator_id"]), record["version"], record["topic"], state)
        row = history_row(record["position"], mapper.to_domain_event(stored))
        check.history.append({**row, "hash": record["leaf_hash"]})


def _tie_to_held(export: dict[str, Any], checkpoint: Checkpoint, held: Checkpoint) -> str | None:
    if not held.signature_valid():
        return "your checkpoint's signature is invalid"
    if checkpoint.public_key != held.public_key:
        return f"the export is signed by key {checkpoint.key_id}, your checkpoint by key {held.key_id}"
    if not checkpoint.signature_valid():
        return "the export's checkpoint signature is invalid"
    if held.size > checkpoint.size:
        return (
            f"your checkpoint (size {held.size}) is newer than the export's (size {checkpoint.size}): "
            f"ask for an export at size {held.size} (scr audit export --size {held.size})"
        )
    if held.size == checkpoint.size:
        return (
            None
            if held.root == checkpoint.root
            else "the export's checkpoint contradicts yours (same size, other root)"
        )
    proof = [bytes.fromhex(h) for h in export["consistency_from"].get(str(held.size), [])]
    if not verify_consistency(held.size, checkpoint.size, held.root, checkpoint.root, proof):
        return (
            f"no valid consistency proof from your checkpoint (size {held.size}) to the export's: the log was rewritten"
        )
    return None


def _check_record(record: dict[str, Any], review_id: UUID, expected_version: int, checkpoint: Checkpoint) -> str | None:
    position = record["position"]
    if UUID(record["originator_id"]) != review_id:
        return f"position {position} belongs to another aggregate"
    if record["version"] != expected_version:
        return f"position {position} is version {record['version']}, expected {expected_version}: a version is missing"
    state = base64.b64decode(record["state"])
    leaf = event_leaf(position, review_id, record["version"], record["topic"], state)
    if leaf.hex() != record["leaf_hash"]:
        return f"position {position}: the record does not hash to its leaf"
    proof = [bytes.fromhex(h) for h in record["audit_path"]]
    if not verify_inclusion(record["leaf_index"], checkpoint.size, leaf, proof, checkpoint.root):
        return f"position {position}: the inclusion proof does not lead to the checkpoint's root"
    return None
