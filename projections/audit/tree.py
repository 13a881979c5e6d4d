"""The stored Merkle tree: appending events in O(log n), roots, proofs and checkpoints from stored nodes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from projections.audit import store
from projections.audit.checkpoints import Checkpoint, sign, write_file
from projections.audit.leaves import event_leaf
from projections.audit.merkle import Frontier, consistency_ranges, fold, inclusion_ranges, prove, tiling
from projections.base import LogEvent
from projections.storage import Cursor


class ProofUnavailable(Exception):
    """A proof was asked of a size or position the tree does not hold."""


def load_frontier(cursor: Cursor) -> Frontier:
    """The compact range of the stored tree: the few nodes appending needs."""
    size = store.tree_size(cursor)
    nodes = tiling(0, size)
    found = store.fetch_nodes(cursor, set(nodes))
    return Frontier(size, [found[node] for node in nodes])


def append(cursor: Cursor, events: Sequence[LogEvent]) -> Frontier:
    """Add the events' leaves and the subtrees they complete; returns the new frontier."""
    frontier = load_frontier(cursor)
    rows: list[tuple[int, int, bytes, int | None]] = []
    for event in events:
        leaf = frontier.size
        made = frontier.append(event_leaf(event.position, event.originator_id, event.version, event.topic, event.state))
        rows.extend((leaf, level, hash_, event.position if level == 0 else None) for (level, _), hash_ in made)
    store.insert_nodes(cursor, rows)
    return frontier


def root_at(cursor: Cursor, size: int) -> bytes:
    """MTH of the first `size` leaves, from at most log2(size) stored nodes."""
    if size > store.tree_size(cursor):
        raise ProofUnavailable(f"the audit tree has fewer than {size} leaves")
    nodes = tiling(0, size)
    found = store.fetch_nodes(cursor, set(nodes))
    return fold([found[node] for node in nodes])


def checkpoint_now(cursor: Cursor, key: Ed25519PrivateKey, directory: Path) -> Checkpoint | None:
    """Sign the tree as it stands and write its file; None if the tree is empty. Reuses one of the same size."""
    size = store.tree_size(cursor)
    if size == 0:
        return None
    existing = store.checkpoints(cursor, size=size)
    if existing:
        return existing[0]
    checkpoint = sign(key, size, root_at(cursor, size))
    store.save_checkpoint(cursor, checkpoint)
    write_file(directory, checkpoint)
    return checkpoint


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
