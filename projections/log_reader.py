"""Reading the global log in position order without ever passing an event that may still commit.

PostgreSQL hands out notification ids from a sequence before the inserting transaction commits, so
with concurrent writers (the faster insert path, `POSTGRES_ENABLE_DB_FUNCTIONS=y`, takes no table
lock) a lower id can become visible after a higher one has been read. `PostgresLog` reads only up to
a *safe head*: the highest id that was visible at a moment (a fence) after which every transaction
that was then inserting has finished. Every id at or below it was handed out before the fence, so
its transaction was either finished already or among those waited for; rows at or below the safe
head are therefore final, and a missing id is a rolled-back insert (a permanent gap) that the reader
simply passes.

Why writers are found through `pg_locks` and not by transaction ids (`xmin` against
`pg_snapshot_xmin`): an INSERT takes its id from the sequence a moment *before* its transaction is
given an xid, so for that moment the writer is invisible to snapshots, and xids are not handed out in
id order either. Every insert into the events table holds ROW EXCLUSIVE on it from before it takes
an id until it commits, under a virtual transaction id that exists from the start of the
transaction, so the lock table sees every writer that may hold an id, xid or not. Virtual ids never
repeat, so there is no wraparound to handle.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol, cast
from uuid import UUID

import psycopg
from eventsourcing.persistence import ApplicationRecorder
from psycopg import sql

from projections.base import LogEvent
from projections.storage import Database

log = logging.getLogger(__name__)


class EventLog(Protocol):
    """The global log as the engine reads it."""

    def head(self) -> int:
        """The highest position recorded (0 for an empty log)."""

    def safe_head(self) -> int:
        """The highest position below which no event can still appear."""

    def read(self, after: int, upto: int, limit: int) -> list[LogEvent]:
        """Events with after < position <= upto, in position order, at most `limit`."""

    def settling(self) -> bool:
        """True while the safe head waits for in-flight writers (poll again soon)."""

    def listen(self, wakeup: threading.Event, stop: threading.Event) -> None:
        """Set `wakeup` whenever new events may have been recorded, until `stop` is set."""


class SqliteLog:
    """SQLite serialises writers (one write transaction at a time, ids given inside it), so a lower
    id can never commit after a higher one is visible: the library's `select_notifications` in id
    order is already gap-safe. SQLite has no notifications: the engine polls and is woken in-process."""

    def __init__(self, recorder: ApplicationRecorder) -> None:
        self._recorder = recorder

    def head(self) -> int:
        return int(self._recorder.max_notification_id() or 0)

    def safe_head(self) -> int:
        return self.head()

    def read(self, after: int, upto: int, limit: int) -> list[LogEvent]:
        return [
            # The library types ids as UUID | str for other stores; these recorders return UUIDs.
            LogEvent(n.id, cast(UUID, n.originator_id), n.originator_version, n.topic, n.state)
            for n in self._recorder.select_notifications(start=after + 1, limit=limit, stop=upto)
        ]

    def settling(self) -> bool:
        return False

    def listen(self, wakeup: threading.Event, stop: threading.Event) -> None:
        return None


@dataclass(frozen=True)
class Fence:
    """The highest id visible at one moment, and the writers that were in flight at that moment."""

    head: int
    writers: list[str]


class PostgresLog:
    """The events table read with our own SQL, only up to a safe head (see the module docstring)."""

    def __init__(self, events_recorder: ApplicationRecorder, db: Database) -> None:
        recorder: Any = events_recorder
        schema, table = recorder.datastore.schema, recorder.events_table_name
        self._db = db
        self._channel = sql.Identifier(recorder.channel_name)
        self._schema_table = (schema, table)
        events = sql.Identifier(schema, table)
        self._head_sql = sql.SQL("SELECT coalesce(max(notification_id), 0) FROM {}").format(events)
        self._read_sql = sql.SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state FROM {} "
            "WHERE notification_id > %s AND notification_id <= %s ORDER BY notification_id LIMIT %s"
        ).format(events)
        # One statement: its snapshot (for max) is taken before pg_locks is read, so a writer that
        # took an id at or below `head` and had not committed by then is in `writers`. Only ROW
        # EXCLUSIVE (held by every insert) counts: readers and autovacuum must not hold the fence.
        self._fence_sql = sql.SQL(
            "SELECT (SELECT coalesce(max(notification_id), 0) FROM {}), "
            "array(SELECT virtualtransaction FROM pg_locks WHERE locktype = 'relation' "
            "AND relation = %s AND mode = 'RowExclusiveLock' AND pid <> pg_backend_pid())"
        ).format(events)
        self._still_running_sql = (
            "SELECT count(*) FROM pg_locks WHERE locktype = 'relation' AND relation = %s "
            "AND virtualtransaction = ANY(%s)"
        )
        self._table_oid: int | None = None
        self._pending: Fence | None = None
        self._safe = 0
        self._lock = threading.Lock()

    def head(self) -> int:
        with self._db.transaction() as cursor:
            cursor.execute(self._head_sql.as_string())
            return int(cursor.fetchone()[0])

    def safe_head(self) -> int:
        with self._lock, self._db.transaction() as cursor:
            oid = self._oid(cursor)
            if self._pending is not None:
                cursor.execute(self._still_running_sql, (oid, self._pending.writers))
                if cursor.fetchone()[0] == 0:
                    self._safe = max(self._safe, self._pending.head)
                    self._pending = None
            if self._pending is None:
                cursor.execute(self._fence_sql.as_string(), (oid,))
                head, writers = cursor.fetchone()
                if writers:
                    self._pending = Fence(int(head), list(writers))
                else:
                    self._safe = max(self._safe, int(head))
            return self._safe

    def settling(self) -> bool:
        return self._pending is not None

    def read(self, after: int, upto: int, limit: int) -> list[LogEvent]:
        with self._db.transaction(binary=True) as cursor:
            cursor.execute(self._read_sql.as_string(), (after, upto, limit))
            return [LogEvent(*row) for row in cursor.fetchall()]

    def listen(self, wakeup: threading.Event, stop: threading.Event) -> None:
        """LISTEN on the library's channel (it NOTIFYs on every insert), reconnecting if the link drops."""
        while not stop.is_set():
            try:
                with psycopg.connect(self._db.url.conninfo(), autocommit=True) as conn:
                    conn.execute(sql.SQL("LISTEN {}").format(self._channel))
                    wakeup.set()  # anything recorded while we were not listening
                    while not stop.is_set():
                        for _ in conn.notifies(timeout=0.5, stop_after=1):
                            wakeup.set()
            except psycopg.OperationalError as error:
                log.warning("projection engine lost its LISTEN connection (%s); reconnecting", error)
                stop.wait(1.0)

    def _oid(self, cursor: Any) -> int:
        if self._table_oid is None:
            cursor.execute(
                "SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND c.relname = %s",
                self._schema_table,
            )
            self._table_oid = int(cursor.fetchone()[0])
        return self._table_oid


@dataclass(frozen=True)
class Pending:
    """A batch being read ahead: events after `after`, up to `upto`."""

    after: int
    upto: int
    events: Future[list[LogEvent]]


class ReadAhead:
    """Reads the next batch while the current one is applied, so the database and Python overlap."""

    def __init__(self, log: EventLog, batch_size: int) -> None:
        self._log = log
        self._batch_size = batch_size
        self._reader = ThreadPoolExecutor(1, thread_name_prefix="log-read-ahead")
        self._pending: Pending | None = None

    def read(self, after: int, upto: int) -> list[LogEvent]:
        """Events with after < position <= upto, at most one batch, in position order."""
        pending, self._pending = self._pending, None
        events = None
        if pending is not None and pending.after == after:
            events = pending.events.result()
            # A full batch is the same whatever the bound; a short one may miss events up to `upto`.
            if len(events) < self._batch_size and pending.upto < upto:
                events = None
        if events is None:
            events = self._log.read(after, upto, self._batch_size)
        if len(events) == self._batch_size:
            following = events[-1].position
            self._pending = Pending(
                following, upto, self._reader.submit(self._log.read, following, upto, self._batch_size)
            )
        return events


def open_log(recorder: ApplicationRecorder, db: Database) -> EventLog:
    """The reader that fits the store's backend."""
    return PostgresLog(recorder, db) if db.is_postgres else SqliteLog(recorder)
