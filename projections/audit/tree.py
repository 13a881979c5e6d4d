"""The stored Merkle tree: appending events in O(log n), roots, proofs and checkpoints from stored nodes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from projections.audit import store
from projections.audit.checkpoints import Checkpoint, sign, write_file
from projections.audit.leaves import event_leaf
from projections.audit.merkle import Frontier, consistency_ranges, fold, inclusion_ranges, prove, tiling
from projections.audit.store import AUDIT, LogTables
from projections.base import LogEvent
from projections.storage import Cursor


class ProofUnavailable(Exception):
    """A proof was asked of a size or position the tree does not hold."""


def load_frontier(cursor: Cursor, tables: LogTables = AUDIT) -> Frontier:
    """The compact range of the stored tree: the few nodes appending needs."""
    size = store.tree_size(cursor, tables)
    nodes = tiling(0, size)
    found = store.fetch_nodes(cursor, set(nodes), tables)
    return Frontier(size, [found[node] for node in nodes])


def append(cursor: Cursor, events: Sequence[LogEvent]) -> Frontier:
    """Add the events' leaves and the subtrees they complete; returns the new frontier."""
    return append_leaves(
        cursor,
        [
            (event.position, event_leaf(event.position, event.originator_id, event.version, event.topic, event.state))
            for event in events
        ],
    )


def append_leaves(cursor: Cursor, leaves: Sequence[tuple[int, bytes]], tables: LogTables = AUDIT) -> Frontier:
    """Add (position, leaf hash) pairs and the subtrees they complete; returns the new frontier."""
    frontier = load_frontier(cursor, tables)
    rows: list[tuple[int, int, bytes, int | None]] = []
    for position, leaf_hash in leaves:
        leaf = frontier.size
        made = frontier.append(leaf_hash)
        rows.extend((leaf, level, hash_, position if level == 0 else None) for (level, _), hash_ in made)
    store.insert_nodes(cursor, rows, tables)
    return frontier


def root_at(cursor: Cursor, size: int, tables: LogTables = AUDIT) -> bytes:
    """MTH of the first `size` leaves, from at most log2(size) stored nodes."""
    if size > store.tree_size(cursor, tables):
        raise ProofUnavailable(f"the tree {tables.tree} has fewer than {size} leaves")
    nodes = tiling(0, size)
    found = store.fetch_nodes(cursor, set(nodes), tables)
    return fold([found[node] for node in nodes])


def checkpoint_now(
    cursor: Cursor, key: Ed25519PrivateKey, directory: Path, tables: LogTables = AUDIT
) -> Checkpoint | None:
    """Sign the tree as it stands and write its file; None if the tree is empty. Reuses one of the same size."""
    size = store.tree_size(cursor, tables)
    if size == 0:
        return None
    existing = store.checkpoints(cursor, size=size, tables=tables)
    if existing:
        return existing[0]
    checkpoint = sign(key, size, root_at(cursor, size, tables), origin=tables.origin)
    store.save_checkpoint(cursor, checkpoint, tables)
    write_file(directory, checkpoint)
    return checkpoint


def checkpoint_due(
    cursor: Cursor, size: int, *, every_events: int, every_seconds: float, tables: LogTables = AUDIT
) -> bool:
    """Whether a tree of `size` leaves is due a checkpoint: news since the last, and N leaves or T seconds since it."""
    latest = store.latest_checkpoint(cursor, tables)
    if latest is not None and latest.size >= size:
        return False
    if latest is not None and size - latest.size < every_events:
        age = datetime.now(UTC) - datetime.fromisoformat(latest.recorded_at)
        return age.total_seconds() >= every_seconds
    return size > 0


def inclusion_proof(cursor: Cursor, position: int, size: int) -> dict[str, Any]:
    """RFC 9162 inclusion proof of the event at `position` in the tree of `size` leaves."""
    found = store.leaf_at_position(cursor, position)
    if found is None:
        raise ProofUnavailable(f"position {position} is not in the audit tree")
    leaf, leaf_hash = found
    if not leaf < size <= store.tree_size(cursor):
        raise ProofUnavailable(f"position {position} (leaf {leaf}) is not within a tree of {size} leaves")
    path = prove(inclusion_ranges(leaf, size), lambda nodes: store.fetch_nodes(cursor, nodes))
    return {
        "position": position,
        "leaf_index": leaf,
        "tree_size": size,
        "leaf_hash": leaf_hash.hex(),
        "audit_path": [h.hex() for h in path],
    }


def consistency_proof(cursor: Cursor, old: int, new: int) -> dict[str, Any]:
    """RFC 9162 consistency proof that the tree of `old` leaves is a prefix of the tree of `new`."""
    if not 0 < old <= new <= store.tree_size(cursor):
        raise ProofUnavailable(f"no consistency proof from size {old} to size {new}")
    proof = [] if old == new else prove(consistency_ranges(old, new), lambda n: store.fetch_nodes(cursor, n))
    return {"first": old, "second": new, "consistency_path": [h.hex() for h in proof]}
