"""The access log's tables: who read which review's details, when, by which route and for what purpose.

`access_log` holds one row per recorded read, numbered 1, 2, ... in the order the batches were appended
(`seq`); `read_at` is the instant of the read itself, not of the batch. `reviews` lists the reviews the
read returned with their boards, `[[review_id, board_id], ...]` (JSON); `access_log_subjects` repeats
them one per row, an index for "who read this review" and for scoping an auditor to their board.

Tamper evidence: each entry is a leaf of the access log's own RFC 9162 tree (`store.ACCESS`: the audit
package's tree and checkpoints, under the origin `scr-ledger/AccessLog`, so a checkpoint of one log can
never pass for the other's). The leaf data is `LEAF_PREFIX` followed by the entry as JSON with sorted
keys, `seq` included. Append-only: a trigger refuses every UPDATE and DELETE (and on PostgreSQL TRUNCATE)
of the entries, their subjects, the tree and its checkpoints, so the service has no path that rewrites
them; an owner who drops the triggers is caught by `scr audit verify` (projections/access_log/verify.py).
Where the service connects as a role that does not own the tables, `REVOKE UPDATE, DELETE, TRUNCATE ON
access_log, access_log_subjects, access_log_tree, access_log_checkpoints FROM <role>` adds a second guard.
The log is primary data, not a read model: nothing rebuilds it, so back it up with the database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import orjson

from projections.audit import store as audit_store
from projections.audit import tree
from projections.audit.merkle import leaf_hash
from projections.audit.store import ACCESS
from projections.storage import Cursor

LEAF_PREFIX = b"scr-access-log/1\n"
APPEND_ONLY = ("access_log", "access_log_subjects", ACCESS.tree, ACCESS.checkpoints)
COLUMNS = "seq, read_at, user_sub, role, board_id, channel, route, purpose, request_id, reviews"
MAX_ROWS = 1000


@dataclass(frozen=True)
class AccessEntry:
    """One read: who (user, role, board), what (route template, reviews with their boards), when, why."""

    read_at: str  # ISO 8601 UTC, microseconds
    user: str
    role: str
    board: str | None  # the reader's board (None for the Panel and admins)
    channel: str  # "api", "dashboard" or "cli"
    route: str  # the method and route template, e.g. "GET /reviews/{review_id}": never a URL with its values
    purpose: str | None  # None: not given
    request_id: str
    reviews: tuple[tuple[str, str], ...]  # (review id, its board)

    def to_json(self, seq: int) -> dict[str, Any]:
        """The entry as stored and hashed (and as GET /audit/access answers it, before scoping)."""
        return {
            "seq": seq,
            "read_at": self.read_at,
            "user": self.user,
            "role": self.role,
            "board": self.board,
            "channel": self.channel,
            "route": self.route,
            "purpose": self.purpose,
            "request_id": self.request_id,
            "reviews": [list(pair) for pair in self.reviews],
        }


def leaf_of(entry: dict[str, Any]) -> bytes:
    """The leaf hash of a stored entry (its JSON form, `seq` included)."""
    return leaf_hash(LEAF_PREFIX + orjson.dumps(entry, option=orjson.OPT_SORT_KEYS))


def create_tables(cursor: Cursor, *, postgres: bool) -> None:
    """Create the access log's tables, its tree and checkpoints, and the triggers that keep them append-only."""
    cursor.execute(
        "CREATE TABLE IF NOT EXISTS access_log (seq BIGINT PRIMARY KEY, read_at TEXT NOT NULL, "
        "user_sub TEXT NOT NULL, role TEXT NOT NULL, board_id TEXT, channel TEXT NOT NULL, route TEXT NOT NULL, "
        "purpose TEXT, request_id TEXT NOT NULL, reviews TEXT NOT NULL)"
    )
    cursor.execute("CREATE INDEX IF NOT EXISTS access_log_board ON access_log (board_id, seq)")
    cursor.execute("CREATE INDEX IF NOT EXISTS access_log_user ON access_log (user_sub, seq)")
    cursor.execute(
        "CREATE TABLE IF NOT EXISTS access_log_subjects (seq BIGINT NOT NULL, review_id TEXT NOT NULL, "
        "board_id TEXT NOT NULL, PRIMARY KEY (seq, review_id))"
    )
    cursor.execute("CREATE INDEX IF NOT EXISTS access_log_subjects_review ON access_log_subjects (review_id, seq)")
    cursor.execute("CREATE INDEX IF NOT EXISTS access_log_subjects_board ON access_log_subjects (board_id, seq)")
    audit_store.create_tables(cursor, postgres=postgres, tables=ACCESS)
    if postgres:
        cursor.execute(
            "CREATE OR REPLACE FUNCTION access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'the access log is append-only (% on %)', TG_OP, TG_TABLE_NAME; END $$"
        )
        for table in APPEND_ONLY:
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION access_log_append_only()"
            )
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION access_log_append_only()"
            )
        return
    for table in APPEND_ONLY:
        for operation in ("UPDATE", "DELETE"):
            cursor.execute(
                f"CREATE TRIGGER IF NOT EXISTS {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'the access log is append-only ({operation} on {table})'); END"
            )


def append(cursor: Cursor, entries: Sequence[AccessEntry], *, postgres: bool) -> int:
    """Append a batch (numbered after the last entry) with its leaves; returns the log's new size.

    Appenders are serialised (PostgreSQL: a table lock that readers never wait for; SQLite: the write
    lock of BEGIN IMMEDIATE), so entry numbers and leaves stay in step across processes."""
    if postgres:
        cursor.execute("LOCK TABLE access_log IN SHARE ROW EXCLUSIVE MODE")
    size = audit_store.tree_size(cursor, ACCESS)
    rows: list[tuple[Any, ...]] = []
    subjects: list[tuple[int, str, str]] = []
    leaves: list[tuple[int, bytes]] = []
    for seq, entry in enumerate(entries, start=size + 1):
        stored = entry.to_json(seq)
        rows.append(
            (
                seq,
                entry.read_at,
                entry.user,
                entry.role,
                entry.board,
                entry.channel,
                entry.route,
                entry.purpose,
                entry.request_id,
                orjson.dumps(stored["reviews"]).decode(),
            )
        )
        subjects.extend((seq, review_id, board_id) for review_id, board_id in dict(entry.reviews).items())
        leaves.append((seq, leaf_of(stored)))
    marks = ", ".join(["%s"] * 10)
    cursor.executemany(f"INSERT INTO access_log ({COLUMNS}) VALUES ({marks})", rows)
    if subjects:
        cursor.executemany("INSERT INTO access_log_subjects (seq, review_id, board_id) VALUES (%s, %s, %s)", subjects)
    return tree.append_leaves(cursor, leaves, ACCESS).size


def stored_entry(row: Sequence[Any]) -> dict[str, Any]:
    """An access_log row as its JSON form (what its leaf hashes)."""
    seq, read_at, user, role, board, channel, route, purpose, request_id, reviews = row
    return {
        "seq": int(seq),
        "read_at": read_at,
        "user": user,
        "role": role,
        "board": board,
        "channel": channel,
        "route": route,
        "purpose": purpose,
        "request_id": request_id,
        "reviews": orjson.loads(reviews),
    }


def page(cursor: Cursor, after: int, limit: int) -> list[dict[str, Any]]:
    """Entries numbered above `after`, in order, as stored (for verification)."""
    cursor.execute(f"SELECT {COLUMNS} FROM access_log WHERE seq > %s ORDER BY seq LIMIT %s", (after, limit))
    return [stored_entry(row) for row in cursor.fetchall()]


def subjects_between(cursor: Cursor, first: int, last: int) -> dict[int, set[tuple[str, str]]]:
    """The subject rows of entries first..last, by entry."""
    cursor.execute(
        "SELECT seq, review_id, board_id FROM access_log_subjects WHERE seq >= %s AND seq <= %s", (first, last)
    )
    found: dict[int, set[tuple[str, str]]] = {}
    for seq, review_id, board_id in cursor.fetchall():
        found.setdefault(int(seq), set()).add((review_id, board_id))
    return found


def entries(
    cursor: Cursor,
    *,
    board: str | None = None,
    review_id: str | None = None,
    user: str | None = None,
    from_on: date | None = None,
    to_on: date | None = None,
    limit: int = MAX_ROWS,
) -> list[dict[str, Any]]:
    """Entries newest first; `board` limits them to reads by that board or of its reviews (and shows only
    its reviews), `review_id` to reads of that review, `from_on`/`to_on` to read dates (UTC), inclusive."""
    where, params = [], []
    if board is not None:
        where.append(
            "(board_id = %s OR EXISTS (SELECT 1 FROM access_log_subjects s WHERE s.seq = access_log.seq "
            "AND s.board_id = %s))"
        )
        params += [board, board]
    if review_id is not None:
        where.append("EXISTS (SELECT 1 FROM access_log_subjects s WHERE s.seq = access_log.seq AND s.review_id = %s)")
        params.append(review_id)
    if user is not None:
        where.append("user_sub = %s")
        params.append(user)
    if from_on is not None:
        where.append("read_at >= %s")
        params.append(from_on.isoformat())
    if to_on is not None:
        where.append("read_at < %s")
        params.append((to_on + timedelta(days=1)).isoformat())
    condition = f" WHERE {' AND '.join(where)}" if where else ""
    cursor.execute(f"SELECT {COLUMNS} FROM access_log{condition} ORDER BY seq DESC LIMIT %s", (*params, limit))
    found = [stored_entry(row) for row in cursor.fetchall()]
    if board is not None:  # another board's reviews in a read across boards are not this board's to see
        for entry in found:
            entry["reviews"] = [pair for pair in entry["reviews"] if pair[1] == board]
    return found
