"""Recording reads in the access log, off the request path (projections/access_log/store.py keeps it).

Choices made where issue 13 is silent, as a demanding records auditor would expect them:
- A read is queued in memory (a list append under a lock: no I/O and no database write on the request
  path). A daemon thread appends what waits as one batch, in one transaction, every FLUSH_SECONDS or as
  soon as FLUSH_AT entries wait; `stop()` (the app's shutdown) flushes whatever is left.
- A crash (kill -9, power loss) loses at most the entries queued since the last flush: under
  FLUSH_SECONDS of reads, at most FLUSH_AT of them. A flush that fails (the database away) keeps its
  entries and retries on the next tick; past MAX_PENDING the oldest are dropped and a warning counts them
  (never their content).
- The purpose is the `X-Purpose` header or the dashboard's choice: control characters removed, spaces
  collapsed, at most PURPOSE_MAX characters kept; empty or absent is recorded as not given (null). It may
  hold personal data, so it is stored in the access log only, never written to stderr.
- What is recorded: every read of one review's details (the Panel's too) and every list, search or
  download of child details, once the read's checks passed (a 403 or 404 shows nothing and records
  nothing; a 304 sends nothing new). The Panel's lists and searches hold no child details and are not
  recorded (`listed_reviews`). Reading the access log itself is not recorded.
- The access log's checkpoints are signed after a flush when due (SCR_CHECKPOINT_EVERY_EVENTS entries or
  SCR_CHECKPOINT_EVERY_SECONDS since the last), with the decisions' signing key and the access log's own
  origin, their files written to <checkpoint folder>/access-log/."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from domain.values import Actor, Role
from projections.access_log import store
from projections.audit import tree
from projections.audit.checkpoints import SigningKeyMissing, checkpoint_dir, load_signing_key
from projections.audit.store import ACCESS
from projections.bulk_cursor import BulkCursor
from projections.settings import StoreSettings
from projections.storage import Cursor, Database

log = logging.getLogger(__name__)

FLUSH_SECONDS = 0.5
FLUSH_AT = 200
MAX_PENDING = 100_000
PURPOSE_MAX = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def clean_purpose(given: str | None) -> str | None:
    """The purpose as stored: printable, single-spaced, at most PURPOSE_MAX characters; None if not given."""
    if given is None:
        return None
    text = " ".join(_CONTROL.sub(" ", given).split())[:PURPOSE_MAX]
    return text or None


def _printable(text: str) -> str:
    """Control characters shown as U+FFFD: one NUL (PostgreSQL's text refuses it) must not stall every batch."""
    return _CONTROL.sub("\ufffd", text)


def listed_reviews(actor: Actor, rows: Iterable[dict[str, Any]]) -> list[tuple[object, str]] | None:
    """The (review id, board) pairs a list, search or download records; None (not recorded) for the national
    panel, whose lists and searches hold no child details (its reads of one review are recorded)."""
    if actor.role is Role.NATIONAL_PANEL:
        return None
    return list(dict.fromkeys((row["review_id"], row["board_id"]) for row in rows))


def access_checkpoint_dir(settings: StoreSettings) -> Path:
    """Where the access log's checkpoint files go: beside the decisions' ones, in a folder of their own."""
    return checkpoint_dir(settings) / "access-log"


class AccessLog:
    """The process's recorder: `record` queues an entry; a background thread appends the queue in batches."""

    def __init__(self, db: Database, settings: StoreSettings) -> None:
        self.db, self.settings = db, settings
        self._pending: list[store.AccessEntry] = []
        self._lock = threading.Lock()  # guards _pending
        self._flushing = threading.Lock()  # one flush at a time
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._warned_key = False

    def create_tables(self) -> None:
        """The access log's tables, tree, checkpoints and append-only triggers."""
        with self.db.transaction() as cursor:
            store.create_tables(cursor, postgres=self.db.is_postgres)

    def record(
        self,
        actor: Actor,
        *,
        channel: str,
        route: str,
        reviews: Iterable[tuple[object, str]],
        purpose: str | None,
        request_id: str,
    ) -> None:
        """Queue one read of these (review id, board) pairs; returns at once."""
        entry = store.AccessEntry(
            read_at=datetime.now(UTC).isoformat(timespec="microseconds"),
            user=_printable(actor.user),
            role=str(actor.role),
            board=None if actor.board is None else _printable(actor.board),
            channel=channel,
            route=route,
            purpose=clean_purpose(purpose),
            request_id=request_id,
            reviews=tuple((str(review_id), board) for review_id, board in reviews),
        )
        with self._lock:
            self._pending.append(entry)
            waiting = len(self._pending)
        if waiting >= FLUSH_AT:
            self._wake.set()

    @property
    def pending(self) -> int:
        """Entries queued and not yet appended."""
        with self._lock:
            return len(self._pending)

    def start(self) -> None:
        """Flush in the background until `stop`."""
        self._thread = threading.Thread(target=self._run, name="access-log", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread and flush what is left (the app's shutdown)."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        try:
            self.flush()
        except Exception:
            log.warning("the access log could not be appended at shutdown: %d entries lost", len(self._pending))

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.wait(FLUSH_SECONDS)
            self._wake.clear()
            try:
                self.flush()
            except Exception:  # the database away: the entries wait for the next tick
                log.warning("the access log could not be appended; %d entries wait", len(self._pending), exc_info=True)

    def flush(self) -> int:
        """Append every queued entry as one batch now; returns how many were appended."""
        with self._flushing:
            with self._lock:
                batch, self._pending = self._pending, []
            if not batch:
                return 0
            try:
                with self.db.transaction() as cursor:
                    # A board's list of 100 reviews is 100 subject rows: on PostgreSQL they go by COPY.
                    appender = BulkCursor(cursor) if self.db.is_postgres else cursor
                    size = store.append(appender, batch, postgres=self.db.is_postgres)
                    self._checkpoint_if_due(cursor, size)
            except BaseException:
                with self._lock:
                    self._pending[:0] = batch
                    dropped = len(self._pending) - MAX_PENDING
                    if dropped > 0:
                        del self._pending[:dropped]
                        log.warning("the access log dropped its %d oldest unwritten entries", dropped)
                raise
            return len(batch)

    def _checkpoint_if_due(self, cursor: Cursor, size: int) -> None:
        settings = self.settings
        every_events, every_seconds = settings.checkpoint_every_events, settings.checkpoint_every_seconds
        if not tree.checkpoint_due(cursor, size, every_events=every_events, every_seconds=every_seconds, tables=ACCESS):
            return
        try:
            key = load_signing_key(settings)
        except SigningKeyMissing as error:
            if not self._warned_key:  # the tree is still kept; checkpoints wait for a key
                log.warning("no access log checkpoints: %s", error)
                self._warned_key = True
            return
        tree.checkpoint_now(cursor, key, access_checkpoint_dir(settings), ACCESS)
