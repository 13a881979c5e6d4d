"""Idempotency-Key, stored durably beside the events: a retry answers the first response after a restart too.

A key belongs to its claimant: the user in one role, board and agency (the token's scope). The same `sub`
in another role or board is another client, whose request is checked and recorded on its own merit, never
answered with someone else's replay. The route checks the role before it asks for a replay, so a role that
may not send the command is refused even with a key another token completed.

A key is reserved before the command runs, with the request's correlation id and the log's head, and
filled with its answer after; a refused command releases it (nothing was recorded, so the client may
retry). A reservation left by a process that died mid-command is resolved once it is older than
`stale_after` seconds: the log after the recorded head is searched for the command's correlation id; if
the command was recorded its answer is rebuilt and replayed, else the retry takes the key over and runs.

A process alive but stalled for longer than `stale_after` between its command and its answer could still
record after a retry took its key over: the bound is set far above any command's duration (30 s against
milliseconds), and the stalled process's late answer is discarded (its claim no longer matches)."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

import orjson
from eventsourcing.persistence import ApplicationRecorder, Notification

from domain.values import Actor
from projections.storage import Cursor, Database
from service.api.problems import ApiProblem

# Version 2 of the table: keys scoped by role, board and agency, with what a recovery needs. Keys of the
# first table (user only) are not honoured after an upgrade: drain the API before upgrading.
TABLE_SQL = """
CREATE TABLE IF NOT EXISTS scr_idempotency_keys (
    user_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    claim TEXT NOT NULL,
    correlation_id TEXT NOT NULL,
    log_head BIGINT NOT NULL,
    reserved_at DOUBLE PRECISION NOT NULL,
    status INTEGER,
    response TEXT,
    PRIMARY KEY (user_id, scope, idempotency_key)
)
"""
# How many log records one page of a recovery's search reads.
SEARCH_PAGE = 500


def create_table(cursor: Cursor) -> None:
    """Create the idempotency table if missing."""
    cursor.execute(TABLE_SQL)


def fingerprint(method: str, path: str, user: str, body: dict[str, Any]) -> str:
    """A hash of what makes two requests the same command: method, path, user and the canonical body."""
    canonical = orjson.dumps([method, path, user, body], option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(canonical).hexdigest()


@dataclass(frozen=True)
class Claimant:
    """Who a key belongs to: a user acting in one role, for one board and agency."""

    user: str
    scope: str

    @classmethod
    def of(cls, actor: Actor) -> Claimant:
        return cls(actor.user, orjson.dumps([str(actor.role), actor.board, actor.agency]).decode())


@dataclass(frozen=True)
class Attempt:
    """One request with a key: what it asks (fingerprint), its correlation id and the log's head before it."""

    key: str
    fingerprint: str
    correlation_id: UUID
    log_head: int


# A command's answer: its HTTP status and body.
Answer = tuple[int, dict[str, Any]]
# Given a dead attempt's correlation id and the log head when it reserved: its recorded answer, or None.
Recovery = Callable[[UUID, int], Answer | None]


class Reservation:
    """One key, held while its command runs."""

    def __init__(self, db: Database, claimant: Claimant, key: str, claim: str) -> None:
        self._db, self._claimant, self._key, self._claim = db, claimant, key, claim

    def complete(self, status: int, response: dict[str, Any]) -> None:
        """Store the command's answer for every later retry."""
        with self._db.transaction() as cursor:
            cursor.execute(
                "UPDATE scr_idempotency_keys SET status = %s, response = %s "
                "WHERE user_id = %s AND scope = %s AND idempotency_key = %s AND claim = %s",
                (status, orjson.dumps(response).decode(), *self._where()),
            )

    def release(self) -> None:
        """Forget the key: the command was refused and recorded nothing."""
        with self._db.transaction() as cursor:
            cursor.execute(
                "DELETE FROM scr_idempotency_keys "
                "WHERE user_id = %s AND scope = %s AND idempotency_key = %s AND claim = %s",
                self._where(),
            )

    def _where(self) -> tuple[str, str, str, str]:
        return (self._claimant.user, self._claimant.scope, self._key, self._claim)


def reserve_or_replay(
    db: Database,
    claimant: Claimant,
    attempt: Attempt,
    *,
    stale_after: float,
    recovery: Recovery,
    now: Callable[[], float] = time.time,
) -> tuple[Reservation | None, Answer | None]:
    """Either a fresh reservation, or the stored (status, response) of the first request with this key."""
    claim = uuid4().hex
    with db.transaction() as cursor:
        cursor.execute(
            "INSERT INTO scr_idempotency_keys (user_id, scope, idempotency_key, fingerprint, claim, "
            "correlation_id, log_head, reserved_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (user_id, scope, idempotency_key) DO NOTHING",
            (
                *_key(claimant, attempt),
                attempt.fingerprint,
                claim,
                str(attempt.correlation_id),
                attempt.log_head,
                now(),
            ),
        )
        cursor.execute(
            "SELECT fingerprint, claim, status, response, correlation_id, log_head, reserved_at "
            "FROM scr_idempotency_keys WHERE user_id = %s AND scope = %s AND idempotency_key = %s",
            _key(claimant, attempt),
        )
        stored_print, stored_claim, status, response, correlation, head, reserved_at = cursor.fetchone()
    if stored_claim == claim:
        return Reservation(db, claimant, attempt.key, claim), None
    if stored_print != attempt.fingerprint:
        raise ApiProblem(
            422,
            "idempotency_key_reused",
            "this Idempotency-Key was used for a different request; use a new key for a new command",
            field="Idempotency-Key",
        )
    if status is not None:
        return None, (int(status), orjson.loads(response))
    if now() - float(reserved_at) < stale_after:
        raise ApiProblem(
            409,
            "idempotency_key_in_progress",
            "a request with this Idempotency-Key has not finished; retry after a moment with the same key",
            headers={"Retry-After": "1"},
        )
    return _recover(db, claimant, attempt, stored_claim, recovery(UUID(correlation), int(head)), now)


def _recover(
    db: Database,
    claimant: Claimant,
    attempt: Attempt,
    dead_claim: str,
    recorded: Answer | None,
    now: Callable[[], float],
) -> tuple[Reservation | None, Answer | None]:
    """Take over a dead attempt's key: fill it with its recorded answer, or hold it for this attempt."""
    claim = uuid4().hex
    with db.transaction() as cursor:
        if recorded is not None:
            cursor.execute(
                "UPDATE scr_idempotency_keys SET claim = %s, status = %s, response = %s "
                "WHERE user_id = %s AND scope = %s AND idempotency_key = %s AND claim = %s",
                (claim, recorded[0], orjson.dumps(recorded[1]).decode(), *_key(claimant, attempt), dead_claim),
            )
        else:
            cursor.execute(
                "UPDATE scr_idempotency_keys SET claim = %s, correlation_id = %s, log_head = %s, reserved_at = %s "
                "WHERE user_id = %s AND scope = %s AND idempotency_key = %s AND claim = %s",
                (
                    claim,
                    str(attempt.correlation_id),
                    attempt.log_head,
                    now(),
                    *_key(claimant, attempt),
                    dead_claim,
                ),
            )
        cursor.execute(
            "SELECT claim FROM scr_idempotency_keys WHERE user_id = %s AND scope = %s AND idempotency_key = %s",
            _key(claimant, attempt),
        )
        row = cursor.fetchone()
    if row is None or row[0] != claim:
        # Another retry resolved it first (or released it): ask again, as a new request would.
        raise ApiProblem(
            409,
            "idempotency_key_in_progress",
            "another retry with this Idempotency-Key is resolving it; retry after a moment with the same key",
            headers={"Retry-After": "1"},
        )
    if recorded is not None:
        return None, recorded
    return Reservation(db, claimant, attempt.key, claim), None


def _key(claimant: Claimant, attempt: Attempt) -> tuple[str, str, str]:
    return (claimant.user, claimant.scope, attempt.key)


def recorded_with(recorder: ApplicationRecorder, correlation_id: UUID, after: int) -> list[Notification]:
    """The records after position `after` made by the request with this correlation id, in log order."""
    marker = str(correlation_id).encode()
    found: list[Notification] = []
    start = after + 1
    while True:
        page = recorder.select_notifications(start=start, limit=SEARCH_PAGE)
        for notification in page:
            if marker in notification.state and orjson.loads(notification.state).get("correlation_id") == str(
                correlation_id
            ):
                found.append(notification)
        if len(page) < SEARCH_PAGE:
            return found
        start = int(page[-1].id) + 1
