"""Storage: the event store's environment for SQLite or PostgreSQL, the Pydantic/orjson mapper, and
a small database handle for our own tables (projections, idempotency, audit) on either backend."""

from __future__ import annotations

import functools
import select
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol, TypeVar, cast
from urllib.parse import parse_qs, unquote, urlsplit

import orjson
import psycopg
from eventsourcing.persistence import (
    InterfaceError,
    Mapper,
    OperationalError,
    ProgrammingError,
    StoredEvent,
    Transcoder,
)
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import get_topic, resolve_topic
from psycopg_pool import ConnectionPool
from pydantic import BaseModel

from projections.group_commit import GroupCommit
from projections.private_files import private_sqlite_store


class OrjsonTranscoder(Transcoder):
    """JSON bytes by orjson; types are rebuilt by the event classes, not by the transcoder."""

    def encode(self, obj: Any) -> bytes:
        return orjson.dumps(obj)

    def decode(self, data: bytes) -> Any:
        return orjson.loads(data)


class PydanticMapper(Mapper[Any]):
    """Stores an event's fields as JSON (mode="json") and rebuilds them through its Pydantic class.

    Follows the library's schema-versioning convention: an event class whose shape changed declares
    `class_version: ClassVar[int] = n` and static methods `upcast_v1_v2(state)` ... that bring an
    older stored state up to date in place; the version is stored in the state when above 1."""

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        event = cast(BaseModel, domain_event)
        state = event.model_dump(mode="json", exclude={"originator_id", "originator_version"})
        class_version = getattr(type(domain_event), "class_version", 1)
        if class_version > 1:
            state["class_version"] = class_version
        topic = get_topic(type(domain_event))
        return StoredEvent(
            originator_id=domain_event.originator_id,
            originator_version=domain_event.originator_version,
            topic=topic,
            state=self.transcoder.encode(
                self.sealed(state, topic, domain_event.originator_id, domain_event.originator_version)
            ),
        )

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        state = self.opened(
            self.transcoder.decode(stored_event.state),
            stored_event.topic,
            stored_event.originator_id,
            stored_event.originator_version,
        )
        cls = resolve_topic(stored_event.topic)
        upcast(cls, state)
        return cls(
            originator_id=stored_event.originator_id, originator_version=stored_event.originator_version, **state
        )

    def sealed(self, state: dict[str, Any], topic: str, originator_id: Any, version: int) -> dict[str, Any]:
        """The state as stored: here as it is (projections/sealing.py seals its personal fields)."""
        return state

    def opened(self, state: dict[str, Any], topic: str, originator_id: Any, version: int) -> dict[str, Any]:
        """The state as read back: here as stored (projections/sealing.py opens sealed fields)."""
        return state


def upcast(cls: type, state: dict[str, Any]) -> None:
    """Bring a stored state written by an older version of `cls` up to its current version, in order."""
    current = getattr(cls, "class_version", 1)
    stored = state.pop("class_version", 1)
    for version in range(stored, current):
        getattr(cls, f"upcast_v{version}_v{version + 1}")(state)


# A database that has gone away is met within a few seconds, not after the library's ten retries of its
# five-second pool wait (about 50 s): each wait for a connection is bounded, and a call is tried twice.
STORE_CONNECT_WAIT_SECONDS = 2  # the library's pool wait for a connection (it takes whole seconds)
STORE_ATTEMPTS = 2
STORE_RETRY_WAIT_SECONDS = 0.2
OUR_POOL_WAIT_SECONDS = 3.0  # our own tables' pool (read models, idempotency, audit)

F = TypeVar("F", bound=Callable[..., Any])


def _prompt(method: F) -> F:
    """The library's recorder method with our bounded retries instead of its ten.

    No connection is pinged when it leaves the pool (POSTGRES_PRE_PING is off: a round trip on every call).
    Instead, a call that fails on a connection has the pool check its idle connections once before the retry:
    a restarted server leaves every pooled connection dead, and they are all replaced at once, so the retry
    (and the calls after it) get live ones, while a server still down fails the retry within the pool wait."""
    undecorated = getattr(method, "__wrapped__", method)

    @functools.wraps(undecorated)
    def prompt(recorder: PostgresApplicationRecorder, *args: Any, **kwargs: Any) -> Any:
        for attempt in range(1, STORE_ATTEMPTS + 1):
            try:
                return undecorated(recorder, *args, **kwargs)
            except (InterfaceError, OperationalError):
                if attempt == STORE_ATTEMPTS:
                    raise
                recorder.datastore.pool.check()
                time.sleep(STORE_RETRY_WAIT_SECONDS)
        raise AssertionError("unreachable: the last attempt returns or raises")

    return cast(F, prompt)


def idle_connection_check(conn: psycopg.Connection[Any]) -> None:
    """A pool's check of a connection on its way out, without a round trip: refuse one that is closed, or whose
    socket has something to read while idle (a server that shut down or ended the session sends its notice
    and closes, so the socket turns readable). A connection cut without a word still fails its first query,
    as it would have with a ping."""
    if not conn.closed and not conn.broken and not _readable(conn.fileno()):
        return
    conn.close()  # closed, the pool discards it and opens another (an open one would be handed back to it)
    raise psycopg.OperationalError("the connection was closed, or the server has ended its session")


def _readable(fd: int) -> bool:
    """Whether a socket has something to read (or was closed) now; poll, as select cannot watch fds past 1023."""
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))


_library_insert = getattr(
    PostgresApplicationRecorder.insert_events, "__wrapped__", PostgresApplicationRecorder.insert_events
)


class PromptPostgresRecorder(PostgresApplicationRecorder):
    """The library's PostgreSQL recorder, giving up after STORE_ATTEMPTS tries so an outage answers 503 soon;
    a commit whose answer was lost is still recognised on the retry (CaseReviews._position_if_recorded)."""

    def _insert_in_one_round_trip(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        """The library's insert (table lock, NOTIFY, INSERT ... RETURNING, in one transaction), with its COMMIT sent
        in the same pipeline: one round trip instead of two (the library syncs after the INSERT and commits after
        reading the ids), so the table lock is held for the server's work and the commit's flush only, not while
        this process (its GIL shared with other requests) reads the answer and sends COMMIT. The commit is still
        synchronous: the ids are answered only once it is on disk. The inserts' order is still the commit order."""
        if self.datastore.enable_db_functions or not stored_events:
            return cast(Sequence[int] | None, _library_insert(self, stored_events, **kwargs))
        failed: Exception | None = None
        ids: Sequence[int] | None = None
        with self.datastore.get_connection() as conn:
            with conn.pipeline() as pipeline, conn.cursor() as curs:
                try:
                    with conn.transaction():
                        self._insert_events(curs, stored_events, **kwargs)
                        self._insert_stored_events(curs, stored_events, **kwargs)
                    pipeline.sync()  # BEGIN, LOCK, NOTIFY, INSERT, COMMIT: a refusal (a conflict) is raised here
                    ids = self._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
                except Exception as error:  # raised after the pipeline is left, as the library does (no warning)
                    failed = error
            if failed is not None:
                if conn.info.transaction_status == psycopg.pq.TransactionStatus.INERROR:
                    conn.rollback()  # the refused transaction, before the connection goes back to the pool
                raise failed
        return ids

    insert_events = _prompt(_insert_in_one_round_trip)
    select_events = _prompt(PostgresApplicationRecorder.select_events)
    select_notifications = _prompt(PostgresApplicationRecorder.select_notifications)
    max_notification_id = _prompt(PostgresApplicationRecorder.max_notification_id)


class GroupCommitPostgresRecorder(PromptPostgresRecorder):
    """Our recorder with group commit (projections/group_commit.py): the saves of concurrent commands in this
    process go into one transaction (table lock, NOTIFY, one INSERT of all their rows, COMMIT, as one save
    does alone), each still checked against its own versions; a conflict fails only its own command.

    Only the application's own saves are grouped: a save with a tracking record (a process application's) and
    the fast insert path (the library's insert function, no table lock) go alone, as before. A group is one
    transaction under the table lock, so its ids, like a single save's, commit in the order they were given
    (the projection engine's gap safety). Its ids come back in the order of its rows (INSERT ... SELECT FROM
    unnest(...) RETURNING, which the library also relies on to pair one save's ids with its events)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.group_commit: GroupCommit[Sequence[StoredEvent], Sequence[int]] = GroupCommit(
            self._insert_together,
            self._insert_alone,
            # The connection's errors reach every request of the group; each caller's _prompt retries its own.
            shared_errors=(InterfaceError, OperationalError),
        )

    def _insert_grouped(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        if self.datastore.enable_db_functions or not stored_events or any(v is not None for v in kwargs.values()):
            return self._insert_in_one_round_trip(stored_events, **kwargs)
        return self.group_commit.submit(stored_events)

    def _insert_together(self, requests: Sequence[Sequence[StoredEvent]]) -> list[Sequence[int]]:
        """One transaction for every request's rows; each request's ids, in its rows' order."""
        ids = self._insert_in_one_round_trip([event for events in requests for event in events]) or []
        answers, start = [], 0
        for events in requests:
            answers.append(ids[start : start + len(events)])
            start += len(events)
        if start != len(ids):
            # Not expected; the rows are committed, so going alone meets them and CaseReviews._store recognises
            # each request's own rows (as after a lost answer) instead of answering wrong positions.
            raise ProgrammingError(f"a group of {start} events was answered {len(ids)} ids")
        return answers

    def _insert_alone(self, stored_events: Sequence[StoredEvent]) -> Sequence[int]:
        return self._insert_in_one_round_trip(stored_events) or []

    insert_events = _prompt(_insert_grouped)


class DatabaseUrl:
    """A parsed `sqlite:///path` or `postgresql://user:pass@host:port/db?schema=name` URL."""

    def __init__(self, url: str) -> None:
        self.url = url
        parts = urlsplit(url)
        self.scheme = parts.scheme
        if self.scheme == "sqlite":
            self.path = Path(unquote(parts.path[1:] if parts.path.startswith("//") else parts.path.lstrip("/")))
            if url.startswith("sqlite:////"):
                self.path = Path("/" + str(self.path).lstrip("/"))
        elif self.scheme in ("postgresql", "postgres"):
            query = parse_qs(parts.query)
            self.host = parts.hostname or "127.0.0.1"
            self.port = parts.port or 5432
            self.user = unquote(parts.username or "postgres")
            self.password = unquote(parts.password or "")
            self.dbname = parts.path.lstrip("/") or "postgres"
            self.schema = query.get("schema", [""])[0]
        else:
            raise ValueError(f"SCR_DATABASE_URL must start sqlite:/// or postgresql://, not {self.scheme}://")

    @property
    def is_postgres(self) -> bool:
        return self.scheme != "sqlite"

    def event_store_env(self, *, fast_inserts: bool = False, group_commit: bool = True) -> dict[str, str]:
        """The eventsourcing library's settings for this database.

        By default PostgreSQL inserts take a table lock, so ids commit in order, and concurrent saves of one
        process are committed together (`group_commit`, GroupCommitPostgresRecorder; off: one transaction per
        save). `fast_inserts` uses the library's insert function instead (no lock, ids may commit out of
        order, never grouped): safe only for readers that wait out in-flight writers, as the projection engine
        does."""
        if not self.is_postgres:
            private_sqlite_store(self.path)
            return {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": str(self.path),
                "SQLITE_LOCK_TIMEOUT": "30",
            }
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": self.dbname,
            "POSTGRES_HOST": self.host,
            "POSTGRES_PORT": str(self.port),
            "POSTGRES_USER": self.user,
            "POSTGRES_PASSWORD": self.password,
            # Two connections kept open, up to 16 while busy: every process (API workers, projection workers,
            # each `scr` command) holding eight idle ones filled PostgreSQL's 100 connections.
            "POSTGRES_POOL_SIZE": "2",
            "POSTGRES_MAX_OVERFLOW": "14",
            "POSTGRES_CONNECT_TIMEOUT": str(STORE_CONNECT_WAIT_SECONDS),
            "POSTGRES_PRE_PING": "n",  # no round trip per checkout: _prompt checks the pool after a failure
            "APPLICATION_RECORDER_TOPIC": get_topic(
                GroupCommitPostgresRecorder if group_commit and not fast_inserts else PromptPostgresRecorder
            ),
        }
        if self.schema:
            env["POSTGRES_SCHEMA"] = self.schema
        if fast_inserts:
            env["POSTGRES_ENABLE_DB_FUNCTIONS"] = "y"
        return env

    def conninfo(self) -> str:
        """A psycopg connection string for our own tables, in the same schema as the events."""
        info = psycopg.conninfo.make_conninfo(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password or None,
            dbname=self.dbname,
            connect_timeout=5,
        )
        if self.schema:
            info = psycopg.conninfo.make_conninfo(info, options=f"-c search_path={self.schema}")
        return info


class Cursor(Protocol):
    """The part of a DB-API cursor our SQL uses."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any: ...
    def executemany(self, sql: str, params: Sequence[Sequence[Any]]) -> Any: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...


class SqliteCursor:
    """A cursor that takes PostgreSQL's %s placeholders, so one SQL text serves both backends."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._cursor.execute(sql.replace("%s", "?"), tuple(params))

    def executemany(self, sql: str, params: Sequence[Sequence[Any]]) -> Any:
        return self._cursor.executemany(sql.replace("%s", "?"), [tuple(p) for p in params])

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()


@contextmanager
def _autocommit(conn: psycopg.Connection[Any]) -> Iterator[None]:
    """Statements committed one by one while the block runs; the connection goes back to the pool as it came."""
    conn.autocommit = True
    try:
        yield
    finally:
        if not (conn.closed or conn.broken):  # a broken one is discarded by the pool
            conn.autocommit = False


class Database:
    """Transactions on our own tables, in the same database (and schema) as the events."""

    def __init__(self, url: str, *, pool_size: int = 4) -> None:
        self.url = DatabaseUrl(url)
        self.is_postgres = self.url.is_postgres
        self._local = threading.local()
        self._pool: ConnectionPool[psycopg.Connection[Any]] | None = None
        if self.is_postgres:
            self._pool = ConnectionPool(
                self.url.conninfo(),
                min_size=1,
                max_size=pool_size,
                open=True,
                timeout=OUR_POOL_WAIT_SECONDS,
                check=idle_connection_check,
            )
        else:
            private_sqlite_store(self.url.path)

    @contextmanager
    def transaction(self, *, binary: bool = False, read_only: bool = False) -> Iterator[Cursor]:
        """One transaction: committed when the block ends, rolled back if it raises.

        `binary` asks PostgreSQL for rows in its binary format (bytea and uuid arrive unparsed: the
        projection engine's log reads); SQLite ignores it. `read_only` lets SQLite readers share the
        file (a deferred BEGIN; WAL readers never wait for the writer) instead of taking its write lock;
        on PostgreSQL it sends no BEGIN and no COMMIT (two round trips of a read's four or five): each
        statement sees what was committed when it began, as it would in a READ COMMITTED transaction,
        so a reader that reads a tracking position first still sees rows at least that fresh after it."""
        if self._pool is not None:
            with self._pool.connection() as conn:
                if read_only:
                    with _autocommit(conn), conn.cursor(binary=binary) as cursor:
                        yield cast(Cursor, cursor)
                    return
                with conn.transaction(), conn.cursor(binary=binary) as cursor:
                    yield cast(Cursor, cursor)
            return
        sqlite = self._sqlite_connection()
        sqlite.execute("BEGIN" if read_only else "BEGIN IMMEDIATE")
        try:
            yield SqliteCursor(sqlite.cursor())
        except BaseException:
            sqlite.rollback()
            raise
        sqlite.commit()

    @contextmanager
    def sqlite_outside_transactions(self) -> Iterator[Callable[[str], list[Any]]]:
        """SQLite statements that cannot run in a transaction (a WAL checkpoint), answering their rows."""
        sqlite = self._sqlite_connection()
        yield lambda sql: sqlite.execute(sql).fetchall()

    def _sqlite_connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.url.path, timeout=30, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            # Deleted and overwritten content is zeroed, not left in free pages: disposal (projections/disposal.py).
            conn.execute("PRAGMA secure_delete=ON")
            self._local.conn = conn
        return conn

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
