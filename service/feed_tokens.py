"""Calendar feed tokens: a narrow, revocable, read-only kind of its own.

Calendar clients send no Authorization header, so a board's deadline feed is read with a token in its URL.
Such a token is not a bearer token: it is an opaque random string (`scrfeed_<id>_<secret>`), never a JWT,
so the bearer check refuses it on every other route; it names one board and reads that board's
calendar only. Only its SHA-256 is stored (`scr_feed_tokens`), so the table leaks nothing usable; a
revoked token is refused at once by every process (each read asks the table)."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

from projections.storage import Cursor, Database

PREFIX = "scrfeed_"
TABLE_SQL = """
CREATE TABLE IF NOT EXISTS scr_feed_tokens (
    token_hash TEXT PRIMARY KEY,
    token_id TEXT NOT NULL UNIQUE,
    board_id TEXT NOT NULL,
    issued_by TEXT NOT NULL,
    label TEXT NOT NULL,
    issued_at DOUBLE PRECISION NOT NULL,
    revoked_at DOUBLE PRECISION
)
"""


class InvalidFeedToken(Exception):
    """The feed token is unknown, revoked, malformed, or for another board."""


@dataclass(frozen=True)
class IssuedFeedToken:
    """A new feed token: shown once (only its hash is kept)."""

    token_id: str
    board_id: str
    token: str


def create_table(cursor: Cursor) -> None:
    """Create the feed-token table if missing."""
    cursor.execute(TABLE_SQL)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(db: Database, *, board_id: str, issued_by: str, label: str = "") -> IssuedFeedToken:
    """A new token for one board's calendar feed."""
    token_id = uuid4().hex
    token = f"{PREFIX}{token_id}_{secrets.token_urlsafe(32)}"
    with db.transaction() as cursor:
        create_table(cursor)
        cursor.execute(
            "INSERT INTO scr_feed_tokens (token_hash, token_id, board_id, issued_by, label, issued_at) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            (_hash(token), token_id, board_id, issued_by, label[:200], time.time()),
        )
    return IssuedFeedToken(token_id=token_id, board_id=board_id, token=token)


def revoke(db: Database, *, token_id: str, board_id: str | None = None) -> bool:
    """Revoke a token by its id (a board's staff: only their board's); whether one was revoked now."""
    with db.transaction() as cursor:
        create_table(cursor)
        cursor.execute(
            "UPDATE scr_feed_tokens SET revoked_at = %s WHERE token_id = %s AND revoked_at IS NULL"
            + (" AND board_id = %s" if board_id is not None else ""),
            (time.time(), token_id, *((board_id,) if board_id is not None else ())),
        )
        cursor.execute(
            "SELECT revoked_at FROM scr_feed_tokens WHERE token_id = %s"
            + (" AND board_id = %s" if board_id is not None else ""),
            (token_id, *((board_id,) if board_id is not None else ())),
        )
        found = cursor.fetchone()
    return found is not None


def list_tokens(db: Database, *, board_id: str) -> list[dict[str, Any]]:
    """A board's feed tokens (ids, who issued them, when, whether revoked): never the tokens themselves."""
    with db.transaction(read_only=True) as cursor:
        cursor.execute(
            "SELECT token_id, issued_by, label, issued_at, revoked_at FROM scr_feed_tokens WHERE board_id = %s "
            "ORDER BY issued_at",
            (board_id,),
        )
        return [
            {"token_id": t, "issued_by": by, "label": label, "issued_at": at, "revoked": revoked is not None}
            for t, by, label, at, revoked in cursor.fetchall()
        ]


def verify(db: Database, token: str, *, board_id: str) -> str:
    """The token's id if it is a live feed token for this board; else InvalidFeedToken (one reason for all)."""
    if not token.startswith(PREFIX) or len(token) > 200:
        raise InvalidFeedToken("not a calendar feed token")
    with db.transaction(read_only=True) as cursor:
        cursor.execute(
            "SELECT token_id, board_id, revoked_at FROM scr_feed_tokens WHERE token_hash = %s", (_hash(token),)
        )
        found = cursor.fetchone()
    if found is None or found[2] is not None or found[1] != board_id:
        raise InvalidFeedToken("the feed token is unknown, revoked or for another board")
    return str(found[0])
