"""The leaf of a stored event: a canonical, length-prefixed encoding of the record exactly as stored.

Leaf data, version 1 (integers big-endian; i64 signed, so even a row forged at a negative position hashes):

    0x01                                  format version
    i64  position                         the event's place in the global log
    16   originator id                    the aggregate's UUID, raw bytes
    i64  originator version
    u16  length || topic                  UTF-8, e.g. "domain.review:CaseReview.LegalHoldPlaced"
    u16  length || recorded instant       UTF-8, the library's timestamp as stored, e.g. "2026-11-27T09:55:50.901632Z"
    u32  length || state                  the stored bytes, unchanged

Fixed-width fields need no length; every variable field carries one, so no two records share leaf
data. The leaf hash is RFC 9162's HASH(0x00 || leaf data) with SHA-256. The position is part of the
leaf because corrections and reversals cite positions: moving an event changes its leaf. The recorded
instant also lies inside the stored bytes; it is repeated so a verifier sees it without decoding JSON."""

from __future__ import annotations

import struct
from functools import lru_cache
from hashlib import sha256
from uuid import UUID

import orjson

FORMAT = 1
# The RFC's 0x00 leaf prefix, then the format version and the fixed-width fields.
_HEAD = struct.Struct(">BBq16sq")
_TIMESTAMP_PREFIX = b'{"timestamp":"'


def recorded_instant(state: bytes) -> bytes:
    """The recorded instant as stored: the mapper writes `timestamp` first, so a slice finds it."""
    if state.startswith(_TIMESTAMP_PREFIX):
        end = state.find(b'"', len(_TIMESTAMP_PREFIX))
        if end > 0:
            return state[len(_TIMESTAMP_PREFIX) : end]
    try:  # a record written some other way: decode it (a forged record may not even be JSON)
        value = orjson.loads(state).get("timestamp", "")
    except (orjson.JSONDecodeError, AttributeError):
        return b""
    return value.encode() if isinstance(value, str) else b""


@lru_cache(maxsize=4096)
def _topic_field(topic: str) -> bytes:
    encoded = topic.encode()
    return len(encoded).to_bytes(2, "big") + encoded


def _prefixed_leaf_data(position: int, originator_id: bytes, version: int, topic: str, state: bytes) -> bytes:
    instant = recorded_instant(state)
    return b"".join(
        (
            _HEAD.pack(0, FORMAT, position, originator_id, version),
            _topic_field(topic),
            len(instant).to_bytes(2, "big"),
            instant,
            len(state).to_bytes(4, "big"),
            state,
        )
    )


def leaf_data(position: int, originator_id: bytes, version: int, topic: str, state: bytes) -> bytes:
    """The canonical encoding above; `originator_id` is the UUID's 16 raw bytes."""
    return _prefixed_leaf_data(position, originator_id, version, topic, state)[1:]


def record_leaf(position: int, originator_id: bytes, version: int, topic: str, state: bytes) -> bytes:
    """RFC 9162's HASH(0x00 || leaf data) of a record read raw (the id as 16 bytes)."""
    return sha256(_prefixed_leaf_data(position, originator_id, version, topic, state)).digest()


def event_leaf(position: int, originator_id: UUID, version: int, topic: str, state: bytes) -> bytes:
    """The leaf hash of one stored event."""
    return record_leaf(position, originator_id.bytes, version, topic, state)
