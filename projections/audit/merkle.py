"""RFC 9162 (Certificate Transparency v2) Merkle tree hashing and proofs, over stored nodes.

A tree of `size` leaves is the RFC's MTH(D[0:size]). Every subtree the RFC's algorithms name is a
left-aligned range [start, end) of leaves; its hash is built from the complete (power-of-two) subtrees
that tile it, which is what the audit log stores. A complete subtree is named (level, index): it
covers leaves [index * 2**level, (index + 1) * 2**level)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence

Node = tuple[int, int]  # (level, index) of a complete subtree
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    """RFC 9162 2.1.1: HASH(0x00 || leaf data)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 9162 2.1.1: HASH(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two smaller than n (n > 1): where the RFC splits a range of n leaves."""
    return 1 << ((n - 1).bit_length() - 1)


def tiling(start: int, end: int) -> list[Node]:
    """The complete subtrees that tile the range [start, end), left to right, largest first."""
    nodes = []
    while start < end:
        level = (end - start).bit_length() - 1
        nodes.append((level, start >> level))
        start += 1 << level
    return nodes


def fold(hashes: Sequence[bytes]) -> bytes:
    """The hash of a range from the hashes of its tiling (the RFC joins the right part first)."""
    if not hashes:
        return EMPTY_ROOT
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """RFC 9162 2.1.3.1 PATH(index, D[0:size]): the ranges whose hashes form the path, leaf level first."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size} leaves")
    ranges: list[tuple[int, int]] = []
    start, end = 0, size
    while end - start > 1:
        k = split_point(end - start)
        if index < start + k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
    return ranges[::-1]


def consistency_ranges(old: int, new: int) -> list[tuple[int, int]]:
    """RFC 9162 2.1.4.1 PROOF(old, D[0:new]): the ranges whose hashes form the proof, in proof order."""
    if not 0 < old <= new:
        raise ValueError(f"no consistency proof from size {old} to size {new}")
    ranges: list[tuple[int, int]] = []
    start, end, m, whole = 0, new, old, True
    while m != end - start:
        k = split_point(end - start)
        if m <= k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start, m, whole = start + k, m - k, False
    if not whole:
        ranges.append((start, end))
    return ranges[::-1]


def needed_nodes(ranges: Iterable[tuple[int, int]]) -> set[Node]:
    """Every stored node the hashes of these ranges are built from."""
    return {node for start, end in ranges for node in tiling(start, end)}


def range_hashes(ranges: Sequence[tuple[int, int]], nodes: Mapping[Node, bytes]) -> list[bytes]:
    """The hash of each range, from stored nodes (KeyError if the store lacks one)."""
    return [fold([nodes[node] for node in tiling(start, end)]) for start, end in ranges]


class Frontier:
    """The compact range [0, size): the right-most complete subtrees, enough to append and to give the root."""

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        self.size = size
        self._hashes = list(hashes)  # one per tiling(0, size) node, left to right
        if len(self._hashes) != len(tiling(0, size)):
            raise ValueError(f"a frontier of size {size} needs {len(tiling(0, size))} hashes")

    def append(self, leaf: bytes) -> list[tuple[Node, bytes]]:
        """Add a leaf hash; returns the complete subtrees it finishes, the leaf itself first."""
        index = self.size
        made = [((0, index), leaf)]
        current, level = leaf, 0
        while (index >> level) & 1:  # a left sibling waits at this level: join them
            current = node_hash(self._hashes.pop(), current)
            level += 1
            made.append(((level, index >> level), current))
        self._hashes.append(current)
        self.size += 1
        return made

    def root(self) -> bytes:
        """MTH of the leaves appended so far."""
        return fold(self._hashes)


def root_of(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[0:n]) of leaf hashes, computed directly (for small trees and checks)."""
    frontier = Frontier()
    for leaf in leaves:
        frontier.append(leaf)
    return frontier.root()


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes) -> bool:
    """RFC 9162 2.1.3.2: does `proof` show `leaf` at `index` in the tree of `size` with this root?"""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(old: int, new: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]) -> bool:
    """RFC 9162 2.1.4.2: does `proof` show the tree of `old` leaves is a prefix of the tree of `new`?"""
    if old == new:
        return old_root == new_root and not proof
    if not 0 < old < new or not proof:
        return False
    path = list(proof)
    if old & (old - 1) == 0:  # a power of two: the old root is the first node of the path
        path.insert(0, old_root)
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == old_root and sr == new_root


def prove(ranges: Sequence[tuple[int, int]], fetch: Callable[[set[Node]], Mapping[Node, bytes]]) -> list[bytes]:
    """The proof hashes for these ranges, reading the stored nodes they need in one call."""
    return range_hashes(ranges, fetch(needed_nodes(ranges)))
