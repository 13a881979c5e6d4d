"""The audit tables and the raw stored records, read with plain SQL on SQLite or PostgreSQL.

`audit_tree` holds every complete subtree of the Merkle tree, leaves included (level 0, with the
event's position). A node is keyed by the last leaf it covers and its level, so a scan in key order
meets nodes in the order appending made them. `audit_checkpoints` holds the signed checkpoints."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from projections.audit.checkpoints import ACCESS_ORIGIN, ORIGIN, Checkpoint
from projections.audit.merkle import Node
from projections.storage import Cursor, Database, SqliteCursor

SQLITE_EVENTS = "SELECT rowid, originator_id, originator_version, topic, state FROM stored_events"
POSTGRES_EVENTS = "SELECT notification_id, originator_id, originator_version, topic, state FROM casereviews_events"
# One record: position, originator id (16 raw bytes), version, topic, stored bytes.
Record = tuple[int, bytes, int, str, bytes]


@dataclass(frozen=True)
class LogTables:
    """The tables of one Merkle log: its tree (a leaf's `position` names what it hashes) and its checkpoints."""

    tree: str
    checkpoints: str
    origin: str  # what its checkpoints sign (checkpoints.ORIGIN, ACCESS_ORIGIN)


AUDIT = LogTables("audit_tree", "audit_checkpoints", ORIGIN)  # the decisions: a leaf per stored event
ACCESS = LogTables("access_log_tree", "access_log_checkpoints", ACCESS_ORIGIN)  # a leaf per access-log entry


def create_tables(cursor: Cursor, *, postgres: bool, tables: LogTables = AUDIT) -> None:
    """Create the log's tables if missing."""
    blob = "BYTEA" if postgres else "BLOB"
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {tables.tree} (leaf BIGINT NOT NULL, level SMALLINT NOT NULL, "
        f"hash {blob} NOT NULL, position BIGINT, PRIMARY KEY (leaf, level))"
    )
    cursor.execute(f"CREATE UNIQUE INDEX IF NOT EXISTS {tables.tree}_position ON {tables.tree} (position)")
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {tables.checkpoints} (size BIGINT PRIMARY KEY, root {blob} NOT NULL, "
        f"recorded_at TEXT NOT NULL, public_key {blob} NOT NULL, signature {blob} NOT NULL)"
    )


def drop_tree(cursor: Cursor) -> None:
    """Drop the tree (a rebuild recomputes it); signed checkpoints are kept, so they then check it."""
    cursor.execute("DROP TABLE IF EXISTS audit_tree")


def records(cursor: Cursor, *, postgres: bool, after: int = 0, limit: int = 10_000) -> list[Record]:
    """A page of stored records with positions above `after`, exactly as stored, in log order."""
    cursor.execute(
        (
            "SELECT notification_id, uuid_send(originator_id), originator_version, topic, state "
            "FROM casereviews_events WHERE notification_id > %s ORDER BY notification_id LIMIT %s"
        )
        if postgres
        else (SQLITE_EVENTS + " WHERE rowid > %s ORDER BY rowid LIMIT %s"),
        (after, limit),
    )
    rows = cursor.fetchall()
    if postgres:  # uuid_send gives the id's 16 bytes without building UUID objects
        return rows
    return [(p, _hex_id(o), v, t, bytes(s)) for p, o, v, t, s in rows]


def records_of(cursor: Cursor, originator_id: UUID, *, postgres: bool) -> list[Record]:
    """One aggregate's stored records in version order."""
    if postgres:
        cursor.execute(POSTGRES_EVENTS + " WHERE originator_id = %s ORDER BY originator_version", (originator_id,))
        return [(p, o.bytes, v, t, bytes(s)) for p, o, v, t, s in cursor.fetchall()]
    cursor.execute(SQLITE_EVENTS + " WHERE originator_id = %s ORDER BY originator_version", (originator_id.hex,))
    return [(p, _hex_id(o), v, t, bytes(s)) for p, o, v, t, s in cursor.fetchall()]


def _hex_id(value: str) -> bytes:
    try:
        return bytes.fromhex(value)
    except (ValueError, TypeError):  # not a UUID: a forged row; hash what is there
        return str(value).encode()


def tree_size(cursor: Cursor, tables: LogTables = AUDIT) -> int:
    """How many leaves the stored tree has."""
    cursor.execute(f"SELECT MAX(leaf) FROM {tables.tree}")
    row = cursor.fetchone()
    return 0 if row is None or row[0] is None else int(row[0]) + 1


def last_leaf_position(cursor: Cursor) -> int:
    """The position of the last event in the tree (0 if empty)."""
    cursor.execute("SELECT position FROM audit_tree WHERE level = 0 ORDER BY leaf DESC LIMIT 1")
    row = cursor.fetchone()
    return 0 if row is None else int(row[0])


def fetch_nodes(cursor: Cursor, nodes: set[Node], tables: LogTables = AUDIT) -> dict[Node, bytes]:
    """Stored nodes by (level, index)."""
    keys = sorted(nodes)
    found: dict[Node, bytes] = {}
    for start in range(0, len(keys), 100):
        chunk = keys[start : start + 100]
        where = " OR ".join(["(leaf = %s AND level = %s)"] * len(chunk))
        params = [value for level, index in chunk for value in (((index + 1) << level) - 1, level)]
        cursor.execute(f"SELECT leaf, level, hash FROM {tables.tree} WHERE {where}", params)
        for leaf, level, hash_ in cursor.fetchall():
            found[(int(level), ((int(leaf) + 1) >> level) - 1)] = bytes(hash_)
    return found


def insert_nodes(cursor: Cursor, rows: list[tuple[int, int, bytes, int | None]], tables: LogTables = AUDIT) -> None:
    """Insert (leaf, level, hash, position) rows."""
    cursor.executemany(f"INSERT INTO {tables.tree} (leaf, level, hash, position) VALUES (%s, %s, %s, %s)", rows)


def tree_rows(
    cursor: Cursor, first_leaf: int, end_leaf: int, tables: LogTables = AUDIT
) -> list[tuple[int, int, bytes, int | None]]:
    """Stored nodes whose last leaf lies in [first_leaf, end_leaf), in the order appending made them."""
    cursor.execute(
        f"SELECT leaf, level, hash, position FROM {tables.tree} WHERE leaf >= %s AND leaf < %s ORDER BY leaf, level",
        (first_leaf, end_leaf),
    )
    return [(leaf, level, bytes(h), position) for leaf, level, h, position in cursor.fetchall()]


def leaf_at_position(cursor: Cursor, position: int) -> tuple[int, bytes] | None:
    """The leaf index and hash of the event at a position, if it is in the tree."""
    cursor.execute("SELECT leaf, hash FROM audit_tree WHERE level = 0 AND position = %s", (position,))
    row = cursor.fetchone()
    return None if row is None else (int(row[0]), bytes(row[1]))


def positions_of_leaves(cursor: Cursor, leaves: list[int], tables: LogTables = AUDIT) -> Mapping[int, int]:
    """The position of each leaf index."""
    if not leaves:
        return {}
    marks = ", ".join(["%s"] * len(leaves))
    cursor.execute(f"SELECT leaf, position FROM {tables.tree} WHERE level = 0 AND leaf IN ({marks})", leaves)
    return {int(leaf): int(position) for leaf, position in cursor.fetchall()}


def save_checkpoint(cursor: Cursor, checkpoint: Checkpoint, tables: LogTables = AUDIT) -> None:
    """Store a signed checkpoint (one per size)."""
    cursor.execute(
        f"INSERT INTO {tables.checkpoints} (size, root, recorded_at, public_key, signature) "
        "VALUES (%s, %s, %s, %s, %s)",
        (checkpoint.size, checkpoint.root, checkpoint.recorded_at, checkpoint.public_key, checkpoint.signature),
    )


def checkpoints(cursor: Cursor, *, size: int | None = None, tables: LogTables = AUDIT) -> list[Checkpoint]:
    """Stored checkpoints in size order (or the one of a given size)."""
    sql = f"SELECT size, root, recorded_at, public_key, signature FROM {tables.checkpoints}"
    if size is None:
        cursor.execute(sql + " ORDER BY size")
    else:
        cursor.execute(sql + " WHERE size = %s", (size,))
    return [_checkpoint(row, tables) for row in cursor.fetchall()]


def latest_checkpoint(cursor: Cursor, tables: LogTables = AUDIT) -> Checkpoint | None:
    """The checkpoint of the largest size."""
    cursor.execute(
        f"SELECT size, root, recorded_at, public_key, signature FROM {tables.checkpoints} ORDER BY size DESC LIMIT 1"
    )
    row = cursor.fetchone()
    return None if row is None else _checkpoint(row, tables)


def _checkpoint(row: Any, tables: LogTables) -> Checkpoint:
    size, root, recorded_at, public_key, signature = row
    return Checkpoint(int(size), bytes(root), str(recorded_at), bytes(public_key), bytes(signature), tables.origin)


@contextmanager
def read_snapshot(db: Database) -> Iterator[Cursor]:
    """A read-only transaction seeing one state of the log; on SQLite it takes no write lock (WAL)."""
    if db.is_postgres:  # binary rows: bytea arrives as it is stored, not hex-encoded
        with db.transaction(binary=True) as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield cursor
        return
    conn = sqlite3.connect(db.url.path, timeout=30, isolation_level=None)
    try:
        conn.execute("BEGIN")
        yield SqliteCursor(conn.cursor())
        conn.execute("ROLLBACK")
    finally:
        conn.close()
