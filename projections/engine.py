"""The projection engine: follows the global log in batches and keeps every read model exactly once.

Each batch of a projection is one transaction: its view changes and its new tracking position, so a
process killed at any point leaves each projection at the end of a batch it fully applied. Events
are read once per batch for all projections that are at the same place. A projection that raises is
stopped at the exact event that failed (earlier events of the batch are still applied); the error
and that event's position are kept in its tracking row for `status`, and the other projections carry
on. A stopped projection is retried when the engine starts again (a fixed release) or on rebuild.
On start (`setup`), a projection whose tables were written at another schema version than its class
declares is dropped and rebuilt from position 0, by one process while any others starting wait.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import psycopg
from eventsourcing.persistence import ApplicationRecorder

from projections import tracking
from projections.base import LogEvent, Projection
from projections.bulk_cursor import BulkCursor
from projections.data_keys import DataKeys
from projections.disposal import DISPOSED_TOPIC, DisposalProjection, scrub_after_disposal
from projections.log_reader import ReadAhead, open_log
from projections.sealing import open_log_events
from projections.setup_lock import setup_lock
from projections.storage import Database

log = logging.getLogger(__name__)

Progress = Callable[[int], object]  # called with the number of events each batch applied (any result ignored)

IDLE_POLL_SECONDS = 1.0  # PostgreSQL wakes on NOTIFY; this only covers a lost notification
SQLITE_POLL_SECONDS = 0.2  # SQLite cannot notify: other processes' commands are seen by polling
SETTLING_POLL_SECONDS = 0.02  # an in-flight writer holds the safe head: it commits within moments
MAX_BACKOFF_SECONDS = 5.0
# Reads waiting for a position share one read of the tracking rows per turn, from this to the maximum.
WAIT_POLL_MIN_SECONDS = 0.02
WAIT_POLL_MAX_SECONDS = 0.5
IDLE_TURN_SECONDS = 5.0  # how often a quiet log gives projections with timed work (checkpoints) a turn
PROGRESS_LOG_SECONDS = 5.0  # how often a rebuild on start says how far it has got
ADOPTED = "read model %s: no schema version recorded (a store from before versions were kept): taken as version 1"


@dataclass(frozen=True)
class ProjectionStatus:
    """How far one projection has read, how far the log goes, and why it stopped if it did."""

    name: str
    position: int
    head: int
    lag: int
    error: str | None
    error_position: int | None = None


def is_transient(error: BaseException) -> bool:
    """A database that is briefly away or busy: retry later, it is not the projection's fault."""
    if isinstance(error, psycopg.OperationalError):
        return True
    return isinstance(error, sqlite3.OperationalError) and ("locked" in str(error) or "busy" in str(error))


class ProjectionEngine:
    """Runs a set of projections over one event store's log, in the database of their tables."""

    def __init__(
        self,
        recorder: ApplicationRecorder,
        db: Database,
        projections: Sequence[Projection],
        *,
        keys: DataKeys | None,
        batch_size: int = 5000,
    ) -> None:
        names = [projection.name for projection in projections]
        if len(set(names)) != len(names):
            raise ValueError(f"projection names must be unique: {names}")
        self.db = db
        self.projections = list(projections)
        self.batch_size = batch_size
        self.keys = keys  # opens each batch's sealed personal fields (projections/sealing.py); None: a store unsealed
        # Called after a disposal is applied and scrubbed: caches of this process drop what they held.
        self.after_disposal: list[Callable[[], object]] = []
        self._log = open_log(recorder, db)
        self._read_ahead = ReadAhead(self._log, batch_size)
        self._stopped_here: set[str] = set()  # failed in this process: not retried until restart/rebuild
        self._wakeup = threading.Event()
        self._applied = threading.Condition()
        self._tracked_lock = threading.Lock()
        self._tracked_snapshot: list[tracking.Tracked] | None = None
        self._tracked_at = 0.0
        self._batches_applied = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # ---- setup and catch-up --------------------------------------------------------------------

    def setup(self) -> None:
        """Create every projection's tables and tracking row; rebuild each whose stored schema version differs.

        One process at a time (projections/setup_lock.py): others starting together wait, then find every
        read model current, so a release that changes a read model's shape rebuilds it once, and no
        process of that release reads the old shape or a half-built model."""
        with setup_lock(self.db):
            stale = self._create_tables()
            if stale:
                self._upgrade(stale)

    def ensure_tracking(self) -> None:
        """Only the tracking table, without the setup lock: for a reader that must not wait for an upgrade."""
        with self.db.transaction() as cursor:
            tracking.create_table(cursor, postgres=self.db.is_postgres)

    def _create_tables(self) -> dict[str, int | None]:
        """Create what is missing; the recorded version of each projection whose tables have another shape."""
        stale: dict[str, int | None] = {}
        with self.db.transaction() as cursor:
            tracking.create_table(cursor, postgres=self.db.is_postgres)
            for name in tracking.adopt_unversioned(cursor):
                log.info(ADOPTED, name)
            recorded = tracking.read_all(cursor)
            for projection in self.projections:
                row = recorded.get(projection.name)
                if row is not None and row.schema_version != projection.schema_version:
                    stale[projection.name] = row.schema_version  # its tables are replaced, not created over
                    continue
                projection.create_tables(cursor, postgres=self.db.is_postgres)
                tracking.ensure_row(cursor, projection.name, projection.schema_version)
        return stale

    def _upgrade(self, stale: dict[str, int | None]) -> None:
        chosen = [projection for projection in self.projections if projection.name in stale]
        for projection in chosen:
            recorded = stale[projection.name]
            was = "an interrupted rebuild" if recorded == tracking.REBUILDING else f"schema version {recorded}"
            log.info(
                "read model %s: the store has %s, this release has version %d: rebuilding it from position 0",
                projection.name,
                was,
                projection.schema_version,
            )
        names = [projection.name for projection in chosen]
        started = time.perf_counter()
        events = self._rebuild(chosen, LoggedProgress(names, self.head()))
        log.info(describe_rebuild(names, events, time.perf_counter() - started))

    def catch_up(self, progress: Progress | None = None) -> int:
        """Apply everything up to the safe head in batches; returns how many events were read and applied."""
        return self._catch_up(self.projections, progress)

    def rebuild(self, name: str | None = None, progress: Progress | None = None) -> int:
        """Drop one projection (or all), recreate it empty and replay the log from position 0."""
        chosen = [projection for projection in self.projections if name in (None, projection.name)]
        if not chosen:
            known = ", ".join(projection.name for projection in self.projections) or "none"
            raise KeyError(f"no projection named {name!r} (known: {known})")
        with setup_lock(self.db):  # a process starting meanwhile waits for it rather than rebuilding again
            return self._rebuild(chosen, progress)

    def _rebuild(self, chosen: Sequence[Projection], progress: Progress | None) -> int:
        for projection in chosen:
            with self.db.transaction() as cursor:
                tracking.create_table(cursor, postgres=self.db.is_postgres)
                projection.drop_tables(cursor)
                projection.create_tables(cursor, postgres=self.db.is_postgres)
                tracking.ensure_row(cursor, projection.name, projection.schema_version)
                tracking.reset(cursor, projection.name)  # marked REBUILDING: a replay cut short is redone
            self._stopped_here.discard(projection.name)
        events = self._catch_up(chosen, progress)
        with self.db.transaction() as cursor:
            for projection in chosen:
                tracking.record_version(cursor, projection.name, projection.schema_version)
        return events

    def _catch_up(
        self, projections: Sequence[Projection], progress: Progress | None, stop: threading.Event | None = None
    ) -> int:
        total = 0
        while not (stop is not None and stop.is_set()) and (applied := self._step(projections)):
            total += applied
            if progress is not None:
                progress(applied)
        return total

    def _step(self, projections: Sequence[Projection]) -> int:
        """Read one batch from the furthest-behind projection and apply it to each that needs it."""
        positions = self._positions()
        running = [p for p in projections if p.name not in self._stopped_here]
        if not running:
            return 0
        start = min(positions[p.name] for p in running)
        safe = self._log.safe_head()
        if start >= safe:
            return 0
        events = self._read_ahead.read(after=start, upto=safe)
        open_log_events(events, self.keys)
        for projection in running:
            position = positions[projection.name]
            self._apply_until_failure(projection, position, events[bisect_right(events, position, key=_position) :])
        if any(p.name == DisposalProjection.name for p in running) and any(e.topic == DISPOSED_TOPIC for e in events):
            scrub_after_disposal(self.db)  # every read model has purged its copies: now their bytes leave the files
            for forget in self.after_disposal:
                forget()
        with self._applied:
            self._tracked_snapshot = None  # waiters read the new positions, not the snapshot before them
            self._batches_applied += 1
            self._applied.notify_all()
        return len(events)

    def _apply_until_failure(self, projection: Projection, position: int, events: Sequence[LogEvent]) -> int | None:
        """Apply events from `position`; on an error find the first failing event by halving the batch.

        Returns the new position, or None once the projection has stopped (or another worker moved it)."""
        if not events:
            return position
        try:
            with self.db.transaction() as cursor:
                if self.db.is_postgres:
                    # Derived data need not wait for the disk: a server crash can lose only whole recent
                    # batches, each with its tracking position (one transaction), which are applied again.
                    cursor.execute("SET LOCAL synchronous_commit = off")
                tracking.advance(cursor, projection.name, expected=position, position=events[-1].position)
                projection.apply_batch(BulkCursor(cursor) if self.db.is_postgres else cursor, events)
        except tracking.PositionMoved:
            return None
        except Exception as error:
            if is_transient(error):
                raise
            if len(events) > 1:
                half = len(events) // 2
                reached = self._apply_until_failure(projection, position, events[:half])
                return None if reached is None else self._apply_until_failure(projection, reached, events[half:])
            self._stop_projection(projection, events[0].position, error)
            return None
        return events[-1].position

    def _stop_projection(self, projection: Projection, position: int, error: Exception) -> None:
        log.error("projection %s stopped at position %d", projection.name, position, exc_info=error)
        self._stopped_here.add(projection.name)
        with self.db.transaction() as cursor:
            tracking.record_error(cursor, projection.name, position=position, error=f"{type(error).__name__}: {error}")

    # ---- following the log ---------------------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        """Follow the log until `stop` is set: NOTIFY (PostgreSQL) or polling and `wake()` (SQLite)."""
        listener = threading.Thread(target=self._log.listen, args=(self._wakeup, stop), daemon=True)
        listener.start()
        backoff = 0.0
        idle_turn = 0.0
        while not stop.is_set():
            try:
                if applied := self._catch_up(self.projections, None, stop):
                    log.info("applied %d events; every read model is at position %d or later", applied, self.position())
                elif time.monotonic() - idle_turn >= IDLE_TURN_SECONDS:
                    self.idle_turn()
                    idle_turn = time.monotonic()
                backoff = 0.0
            except Exception:
                backoff = min(MAX_BACKOFF_SECONDS, backoff * 2 or 0.1)
                log.exception("projection engine could not read or apply the log; retrying in %.1fs", backoff)
            self._wakeup.wait(timeout=backoff or self._poll_seconds())
            self._wakeup.clear()
        listener.join()

    def idle_turn(self) -> None:
        """While the log is quiet, let projections do timed work (the audit log signs overdue checkpoints)."""
        for projection in self.projections:
            on_idle = getattr(projection, "on_idle", None)
            if on_idle is not None and projection.name not in self._stopped_here:
                with self.db.transaction() as cursor:
                    on_idle(cursor)

    def _poll_seconds(self) -> float:
        if self._log.settling():
            return SETTLING_POLL_SECONDS
        return IDLE_POLL_SECONDS if self.db.is_postgres else SQLITE_POLL_SECONDS

    def wake(self) -> None:
        """Look at the log now (after a command in this process) rather than at the next poll."""
        self._wakeup.set()

    def start_in_background(self) -> None:
        """Follow the log in a daemon thread (the embedded mode of `scr serve`)."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self.run, args=(self._stop,), name="projections", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the background thread after its current batch."""
        self._stop.set()
        self._wakeup.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    # ---- reading progress ----------------------------------------------------------------------

    def wait_for(self, position: int, timeout: float) -> bool:
        """True once every projection has applied up to `position`; False on timeout or a stopped projection.

        Waiters share one read of the tracking rows at a time (`_shared_tracked`) and sleep on a Condition
        this process's engine notifies after each batch; a separate worker's progress is seen by that
        shared read, backing off to WAIT_POLL_MAX_SECONDS: many waiters cost the database one read a turn."""
        deadline = time.monotonic() + timeout
        self.wake()
        pause = WAIT_POLL_MIN_SECONDS
        while True:
            rows = self._shared_tracked()
            if all(row.position >= position for row in rows):
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0 or any(row.error is not None and row.position < position for row in rows):
                return False
            with self._applied:
                self._applied.wait(timeout=min(remaining, pause))
            pause = min(pause * 2, WAIT_POLL_MAX_SECONDS)

    def _shared_tracked(self) -> list[tracking.Tracked]:
        """The tracking rows, read at most once per WAIT_POLL_MIN_SECONDS however many reads are waiting."""
        with self._tracked_lock:
            snapshot = self._tracked_snapshot
            if snapshot is not None and time.monotonic() - self._tracked_at < WAIT_POLL_MIN_SECONDS:
                return snapshot
            batches = self._batches_applied
            rows = self._tracked()
            # A batch applied during the read may be missing from it: keep it, but read again next turn.
            self._tracked_snapshot = rows
            self._tracked_at = time.monotonic() if batches == self._batches_applied else 0.0
            return rows

    def position(self) -> int:
        """The lowest position applied across projections (what every read model reflects)."""
        with self.db.transaction() as cursor:
            return self.lowest_position(tracking.read_all(cursor))

    def lowest_position(self, rows: Mapping[str, tracking.Tracked]) -> int:
        """The lowest position applied across this engine's projections in tracking rows read by the caller (a
        projection with no row yet has applied nothing); the log's head for an engine with no projections."""
        if not self.projections:
            return self._log.head()
        return min(rows[p.name].position if p.name in rows else 0 for p in self.projections)

    def head(self) -> int:
        """The highest position recorded in the log."""
        return self._log.head()

    def status(self) -> list[ProjectionStatus]:
        """Each projection's position, the log's head, the lag between them, and its error if stopped."""
        head = self._log.head()
        return [
            ProjectionStatus(row.name, row.position, head, max(0, head - row.position), row.error, row.error_position)
            for row in self._tracked()
        ]

    def _tracked(self) -> list[tracking.Tracked]:
        with self.db.transaction() as cursor:
            rows = tracking.read_all(cursor)
        return [rows.get(p.name, tracking.Tracked(p.name, 0, None, None)) for p in self.projections]

    def _positions(self) -> dict[str, int]:
        return {row.name: row.position for row in self._tracked()}


def _position(event: LogEvent) -> int:
    return event.position


def describe_rebuild(names: Sequence[str], events: int, seconds: float) -> str:
    """The closing line of a rebuild, by `scr projections rebuild` and by an upgrade on start."""
    rate = events / seconds if seconds > 0 else 0.0
    return f"rebuilt {', '.join(names)}: {events:,} events in {seconds:.1f} s ({rate:,.0f} events/s)"


class LoggedProgress:
    """Progress of a rebuild on start, as a log line every few seconds (a server has no terminal for a bar)."""

    def __init__(self, names: Sequence[str], total: int, every_seconds: float = PROGRESS_LOG_SECONDS) -> None:
        self.names = ", ".join(names)
        self.total = total
        self.every_seconds = every_seconds
        self.done = 0
        self._last = time.monotonic()

    def __call__(self, applied: int) -> None:
        self.done += applied
        if time.monotonic() - self._last >= self.every_seconds:
            self._last = time.monotonic()
            share = f" ({self.done / self.total:.0%})" if self.total else ""
            log.info("rebuilding %s: %s of %s events%s", self.names, f"{self.done:,}", f"{self.total:,}", share)
