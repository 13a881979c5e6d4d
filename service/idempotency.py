"""Idempotency-Key, stored durably beside the events: a retry answers the first response after a restart too.

A key is reserved before the command runs and filled with its answer after; a refused command releases
it (nothing was recorded, so the client may retry). A reservation left by a crash between the command
and its answer is never taken over: the first command may have been recorded, so repeating it could
record it twice; the client is told to read the resource and use a new key."""

from __future__ import annotations

import hashlib
from typing import Any
from uuid import uuid4

import orjson

from projections.storage import Cursor, Database
from service.api.problems import ApiProblem

TABLE_SQL = """
CREATE TABLE IF NOT EXISTS scr_idempotency (
    user_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    claim TEXT NOT NULL,
    status INTEGER,
    response TEXT,
    PRIMARY KEY (user_id, idempotency_key)
)
"""


def create_table(cursor: Cursor) -> None:
    """Create the idempotency table if missing."""
    cursor.execute(TABLE_SQL)


def fingerprint(method: str, path: str, user: str, body: dict[str, Any]) -> str:
    """A hash of what makes two requests the same command: method, path, user and the canonical body."""
    canonical = orjson.dumps([method, path, user, body], option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(canonical).hexdigest()


class Reservation:
    """One key, held while its command runs."""

    def __init__(self, db: Database, user: str, key: str, claim: str) -> None:
        self._db, self._user, self._key, self._claim = db, user, key, claim

    def complete(self, status: int, response: dict[str, Any]) -> None:
        """Store the command's answer for every later retry."""
        with self._db.transaction() as cursor:
            cursor.execute(
                "UPDATE scr_idempotency SET status = %s, response = %s "
                "WHERE user_id = %s AND idempotency_key = %s AND claim = %s",
                (status, orjson.dumps(response).decode(), self._user, self._key, self._claim),
            )

    def release(self) -> None:
        """Forget the key: the command was refused and recorded nothing."""
        with self._db.transaction() as cursor:
            cursor.execute(
                "DELETE FROM scr_idempotency WHERE user_id = %s AND idempotency_key = %s AND claim = %s",
                (self._user, self._key, self._claim),
            )


def reserve_or_replay(
    db: Database, user: str, key: str, print_: str
) -> tuple[Reservation | None, tuple[int, dict[str, Any]] | None]:
    """Either a fresh reservation, or the stored (status, response) of the first request with this key."""
    claim = uuid4().hex
    with db.transaction() as cursor:
        cursor.execute(
            "INSERT INTO scr_idempotency (user_id, idempotency_key, fingerprint, claim) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (user_id, idempotency_key) DO NOTHING",
            (user, key, print_, claim),
        )
        cursor.execute(
            "SELECT fingerprint, claim, status, response FROM scr_idempotency "
            "WHERE user_id = %s AND idempotency_key = %s",
            (user, key),
        )
        stored_print, stored_claim, status, response = cursor.fetchone()
    if stored_claim == claim:
        return Reservation(db, user, key, claim), None
    if stored_print != print_:
        raise ApiProblem(
            422,
            "idempotency_key_reused",
            "this Idempotency-Key was used for a different request; use a new key for a new command",
            field="Idempotency-Key",
        )
    if status is None:
        raise ApiProblem(
            409,
            "idempotency_key_in_progress",
            "a request with this Idempotency-Key has not finished; if it never answers, read the resource "
            "to see whether it was recorded, then retry with a new key",
            headers={"Retry-After": "1"},
        )
    return None, (int(status), orjson.loads(response))
