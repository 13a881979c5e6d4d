"""Each review's data key: random AES-256-GCM, stored only wrapped by the master key, destroyed at disposal.

`scr_data_keys` holds one wrapped key per review (AES-GCM under the master key, the review's id as
associated data, so a wrapped key moved to another review does not open). It is made when the review's
first sealed event is stored (its notification; for a review notified before encryption, its first new
event). Disposal deletes the row and leaves a row in `scr_destroyed_keys` (when, at which log position),
so no key is ever made again for that review and its sealed fields read as disposed for good.

Unwrapped keys are kept in memory for KEY_CACHE_SECONDS (no longer: expired keys are dropped as others are kept,
so a process that has read every review, a rebuild or a long-running API process, holds only the keys of the
last few seconds): the process that disposes (and the projection
worker applying the disposal) forget at once; another API process may still open the review's fields
for up to that long after the disposal committed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.errors import PersonalDataDisposed, PersonalDataUnavailable
from domain.personal_data import Withheld
from projections.master_key import KEY_BYTES, MasterKey, load_master_key
from projections.review_facts import chunks, placeholders
from projections.storage import Cursor, Database

KEY_CACHE_SECONDS = 5.0
NONCE_BYTES = 12
_WRAP_CONTEXT = b"scr-data-key-v1:"


@dataclass(frozen=True)
class ReviewKey:
    """A review's unwrapped data key: the AES-GCM cipher, and a subkey that derives each sealing's nonce."""

    cipher: AESGCM
    nonce_key: bytes

    @classmethod
    def of(cls, key: bytes) -> ReviewKey:
        return cls(AESGCM(key), hmac.new(key, b"scr-nonce-v1", hashlib.sha256).digest())

    def nonce(self, associated: bytes, plaintext: bytes) -> bytes:
        """A nonce unique to this event's content (a synthetic IV): sealing the same event twice gives the same
        bytes, so a command whose answer was lost is still recognised as stored (CaseReviews._position_if_recorded)."""
        return hmac.new(self.nonce_key, associated + b"\0" + plaintext, hashlib.sha256).digest()[:NONCE_BYTES]


DataKey = ReviewKey | Withheld  # a review's key, or why its fields cannot be opened


class DataKeys:
    """The wrapped data keys of every review, in the store's own database."""

    def __init__(self, db: Database, master: MasterKey) -> None:
        self.db = db
        self.master = master
        self._cache: dict[UUID, tuple[ReviewKey, float]] = {}
        self._destroyed: set[UUID] = set()  # for good: a destroyed key never comes back
        self._lock = threading.Lock()

    def create_tables(self) -> None:
        with self.db.transaction() as cursor:
            create_tables(cursor)

    # ---- sealing: the key a new event is stored with ------------------------------------------

    def for_sealing(self, review_id: UUID, *, new: bool = False) -> ReviewKey:
        """The review's key, made now if it has none (`new`: its first event, so none is looked for first);
        refused once the review was disposed of, or without the master key."""
        cached = self._cached(review_id)
        if cached is not None:
            return cached
        if self.master.cipher is None:
            raise PersonalDataUnavailable(
                f"personal data cannot be recorded: no master key is loaded ({self.master.unavailable})"
            )
        found = Withheld.NO_DATA_KEY if new else self.for_opening([review_id])[review_id]
        if found is Withheld.NO_DATA_KEY:
            found = self._made(review_id) or self.for_opening([review_id])[review_id]
        if isinstance(found, ReviewKey):
            return found
        if found is Withheld.DISPOSED:
            raise PersonalDataDisposed(f"review {review_id}'s personal data was disposed of: nothing more is recorded")
        raise PersonalDataUnavailable(f"personal data cannot be recorded: {found.value}")

    def _made(self, review_id: UUID) -> ReviewKey | None:
        """A new key for the review, stored wrapped; None if it has one already or its key was destroyed."""
        key = secrets.token_bytes(KEY_BYTES)
        with self.db.transaction() as cursor:
            made = cursor.execute(
                "INSERT INTO scr_data_keys (review_id, wrapped, master_key, created_at) SELECT %s, %s, %s, %s "
                "WHERE NOT EXISTS (SELECT 1 FROM scr_destroyed_keys WHERE review_id = %s) "
                "ON CONFLICT (review_id) DO NOTHING",
                (str(review_id), self._wrap(review_id, key), self.master.fingerprint, _now(), str(review_id)),
            )
            if made.rowcount != 1:
                return None
        unwrapped = ReviewKey.of(key)
        with self._lock:
            self._remember(review_id, unwrapped)
        return unwrapped

    # ---- opening: the keys a batch of stored events is read with -------------------------------

    def for_opening(self, review_ids: Iterable[UUID]) -> dict[UUID, DataKey]:
        """Each review's key, or why it cannot be opened (disposed, no master key, no key, another master key)."""
        wanted = set(review_ids)
        found: dict[UUID, DataKey] = {}
        for review_id in wanted:
            cached = self._cached(review_id)
            if review_id in self._destroyed:
                found[review_id] = Withheld.DISPOSED
            elif cached is not None:
                found[review_id] = cached
        missing = sorted(str(review_id) for review_id in wanted - found.keys())
        rows: dict[str, tuple[str, str]] = {}
        destroyed: set[str] = set()
        if missing:
            with self.db.transaction(read_only=True) as cursor:
                for chunk in chunks(missing, 500):
                    marks = placeholders(len(chunk))
                    cursor.execute(
                        f"SELECT review_id, wrapped, master_key FROM scr_data_keys WHERE review_id IN ({marks})", chunk
                    )
                    rows.update((row[0], (row[1], row[2])) for row in cursor.fetchall())
                    cursor.execute(f"SELECT review_id FROM scr_destroyed_keys WHERE review_id IN ({marks})", chunk)
                    destroyed.update(row[0] for row in cursor.fetchall())
        for text in missing:
            review_id = UUID(text)
            if text in destroyed:
                found[review_id] = Withheld.DISPOSED
                self._destroyed.add(review_id)
            elif text not in rows:
                found[review_id] = Withheld.NO_DATA_KEY
            else:
                found[review_id] = self._unwrapped(review_id, *rows[text])
        return found

    # ---- disposal -----------------------------------------------------------------------------

    def destroy(self, cursor: Cursor, review_id: UUID, position: int) -> None:
        """Delete the review's wrapped key and remember it was destroyed, in the caller's transaction."""
        with self._lock:  # first: a reader unwrapping it meanwhile (its row not yet deleted) must not cache it
            self._destroyed.add(review_id)
        self.forget(review_id)
        destroy_key(cursor, review_id, position)

    def destroy_now(self, review_id: UUID, position: int) -> None:
        """Destroy the review's key in a transaction of its own (the disposing command, right after it is stored)."""
        with self.db.transaction() as cursor:
            self.destroy(cursor, review_id, position)

    def forget(self, review_id: UUID) -> None:
        with self._lock:
            self._cache.pop(review_id, None)

    # ---- wrapping -----------------------------------------------------------------------------

    def _wrap(self, review_id: UUID, key: bytes) -> str:
        assert self.master.cipher is not None  # checked by the caller: no key is made without a master key
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = self.master.cipher.encrypt(nonce, key, _WRAP_CONTEXT + review_id.bytes)
        return base64.b64encode(nonce + sealed).decode()

    def _unwrapped(self, review_id: UUID, wrapped: str, fingerprint: str) -> DataKey:
        if self.master.cipher is None:
            return Withheld.NO_MASTER_KEY
        raw = base64.b64decode(wrapped)
        try:
            key = self.master.cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _WRAP_CONTEXT + review_id.bytes)
        except InvalidTag:
            return Withheld.WRONG_MASTER_KEY
        unwrapped = ReviewKey.of(key)
        with self._lock:
            if review_id not in self._destroyed:
                self._remember(review_id, unwrapped)
        return unwrapped

    def _remember(self, review_id: UUID, key: ReviewKey) -> None:
        """Keep a key (the lock held), and drop the keys kept longer than KEY_CACHE_SECONDS: the cache is in the
        order keys were kept, so the expired ones are at its front."""
        now = time.monotonic()
        self._cache.pop(review_id, None)
        self._cache[review_id] = (key, now)
        while self._cache:
            oldest = next(iter(self._cache))
            if now - self._cache[oldest][1] <= KEY_CACHE_SECONDS:
                break
            del self._cache[oldest]

    def _cached(self, review_id: UUID) -> ReviewKey | None:
        with self._lock:
            found = self._cache.get(review_id)
            if found is None or review_id in self._destroyed:
                return None
            if time.monotonic() - found[1] > KEY_CACHE_SECONDS:
                del self._cache[review_id]
                return None
            return found[0]


def open_data_keys(url: str, master_key: Path | None = None) -> DataKeys:
    """The data keys of the store at `url`, wrapped by the master key named (projections/master_key.py)."""
    keys = DataKeys(Database(url, pool_size=2), load_master_key(url, master_key))
    keys.create_tables()
    return keys


def create_tables(cursor: Cursor) -> None:
    """The wrapped keys and the record of destroyed ones (our tables, beside the events)."""
    cursor.execute(
        "CREATE TABLE IF NOT EXISTS scr_data_keys (review_id TEXT PRIMARY KEY, wrapped TEXT NOT NULL, "
        "master_key TEXT NOT NULL, created_at TEXT NOT NULL)"
    )
    cursor.execute(
        "CREATE TABLE IF NOT EXISTS scr_destroyed_keys (review_id TEXT PRIMARY KEY, destroyed_at TEXT NOT NULL, "
        "position BIGINT NOT NULL)"
    )


def destroy_key(cursor: Cursor, review_id: UUID, position: int) -> None:
    """Delete a review's wrapped key and record its destruction (once: a repeat keeps the first record)."""
    cursor.execute("DELETE FROM scr_data_keys WHERE review_id = %s", (str(review_id),))
    cursor.execute(
        "INSERT INTO scr_destroyed_keys (review_id, destroyed_at, position) VALUES (%s, %s, %s) "
        "ON CONFLICT (review_id) DO NOTHING",
        (str(review_id), _now(), position),
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
