"""The Merkle tree against RFC 9162, checked by an independent implementation written here from the RFC text."""

from __future__ import annotations

import hashlib

import pytest

from projections.audit import merkle


def sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def mth(leaves: list[bytes]) -> bytes:
    """RFC 9162 2.1.1, literally: MTH({}) = HASH(); MTH({d0}) = HASH(0x00 || d0); else split at k < n."""
    n = len(leaves)
    if n == 0:
        return sha(b"")
    if n == 1:
        return sha(b"\x00" + leaves[0])
    k = 1
    while k * 2 < n:
        k *= 2
    return sha(b"\x01" + mth(leaves[:k]) + mth(leaves[k:]))


def rfc_verify_inclusion(leaf_index: int, tree_size: int, leaf: bytes, path: list[bytes], root: bytes) -> bool:
    """RFC 9162 2.1.3.2, step by step."""
    if leaf_index >= tree_size:
        return False
    fn, sn, r = leaf_index, tree_size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            r = sha(b"\x01" + p + r)
            if fn % 2 == 0:
                while fn % 2 == 0 and fn != 0:
                    fn //= 2
                    sn //= 2
        else:
            r = sha(b"\x01" + r + p)
        fn //= 2
        sn //= 2
    return sn == 0 and r == root


def rfc_verify_consistency(first: int, second: int, first_root: bytes, second_root: bytes, path: list[bytes]) -> bool:
    """RFC 9162 2.1.4.2, step by step (for 0 < first < second)."""
    if not path:
        return False
    if first & (first - 1) == 0:
        path = [first_root, *path]
    fn, sn = first - 1, second - 1
    while fn % 2 == 1:
        fn //= 2
        sn //= 2
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            fr = sha(b"\x01" + c + fr)
            sr = sha(b"\x01" + c + sr)
            if fn % 2 == 0:
                while fn % 2 == 0 and fn != 0:
                    fn //= 2
                    sn //= 2
        else:
            sr = sha(b"\x01" + sr + c)
        fn //= 2
        sn //= 2
    return sn == 0 and fr == first_root and sr == second_root


LEAVES = [f"event {i}".encode() for i in range(40)]


def stored_nodes(size: int) -> dict[merkle.Node, bytes]:
    """Every complete subtree, as the audit log stores them, made by appending."""
    frontier = merkle.Frontier()
    nodes: dict[merkle.Node, bytes] = {}
    for data in LEAVES[:size]:
        nodes.update(frontier.append(merkle.leaf_hash(data)))
    return nodes


def test_roots_built_by_appending_equal_the_rfc_definition_for_every_size() -> None:
    frontier = merkle.Frontier()
    assert frontier.root() == mth([])
    for size in range(1, len(LEAVES) + 1):
        frontier.append(merkle.leaf_hash(LEAVES[size - 1]))
        assert frontier.root() == mth(LEAVES[:size])
        assert merkle.fold([stored_nodes(size)[n] for n in merkle.tiling(0, size)]) == mth(LEAVES[:size])


def test_every_inclusion_proof_from_stored_nodes_verifies_with_the_rfc_algorithm() -> None:
    for size in range(1, len(LEAVES) + 1):
        nodes = stored_nodes(size)
        root = mth(LEAVES[:size])
        for index in range(size):
            path = merkle.range_hashes(merkle.inclusion_ranges(index, size), nodes)
            leaf = merkle.leaf_hash(LEAVES[index])
            assert rfc_verify_inclusion(index, size, leaf, path, root), (index, size)
            assert merkle.verify_inclusion(index, size, leaf, path, root)
            wrong = merkle.leaf_hash(b"forged")
            assert not rfc_verify_inclusion(index, size, wrong, path, root)
            assert not merkle.verify_inclusion(index, size, wrong, path, root)


def test_every_consistency_proof_from_stored_nodes_verifies_with_the_rfc_algorithm() -> None:
    for second in range(2, len(LEAVES) + 1):
        nodes = stored_nodes(second)
        for first in range(1, second):
            proof = merkle.range_hashes(merkle.consistency_ranges(first, second), nodes)
            old, new = mth(LEAVES[:first]), mth(LEAVES[:second])
            assert rfc_verify_consistency(first, second, old, new, proof), (first, second)
            assert merkle.verify_consistency(first, second, old, new, proof)
            rewritten = mth([b"rewritten", *LEAVES[1:first]])
            assert not rfc_verify_consistency(first, second, rewritten, new, proof)
            assert not merkle.verify_consistency(first, second, rewritten, new, proof)


def test_a_proof_for_a_leaf_outside_the_tree_is_refused() -> None:
    with pytest.raises(ValueError, match="not in a tree"):
        merkle.inclusion_ranges(5, 5)
    with pytest.raises(ValueError, match="no consistency proof"):
        merkle.consistency_ranges(6, 5)


def test_a_frontier_appends_one_leaf_and_its_completed_subtrees() -> None:
    frontier = merkle.Frontier()
    made = [[node for node, _ in frontier.append(merkle.leaf_hash(d))] for d in LEAVES[:4]]
    assert made == [[(0, 0)], [(0, 1), (1, 0)], [(0, 2)], [(0, 3), (1, 1), (2, 0)]]
