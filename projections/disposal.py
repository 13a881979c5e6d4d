"""What a disposal does to the store: the review's data key destroyed, every plaintext copy purged, the bytes gone.

`CaseReview.Disposed` (domain/review.py) is applied here, last of the read models, in one transaction
with this projection's position, so it happens exactly once even if the disposing process stopped
right after storing the event (which destroys the key itself: service/application.py):

- the review's wrapped data key is deleted (projections/data_keys.py `destroy_key`), so its sealed
  fields read as disposed for ever, in every read and every rebuild from position 0;
- the plaintext copies other read models took while the key existed are overwritten with the
  placeholder (`PURGED_TEXT`, `statistics_notifications`); case status and timeliness withhold their
  folded facts themselves when they fold the disposal (projections/review_facts.py);
- a disposal record (`disposal_records`) says when, at which position, and under which class.

The bytes of what was overwritten must leave the database files too (`scrub_after_disposal`, run by the
engine once every read model has applied the disposal): SQLite's connections run with
`secure_delete` (freed cells are zeroed; projections/storage.py) and the write-ahead log is
checkpointed and truncated; PostgreSQL keeps an overwritten row as a dead tuple until its page is
rewritten, so the touched tables' live rows are copied into new files and the old files dropped
(`_rewrite`: plain VACUUM only marks the space free, and VACUUM FULL keeps what an open snapshot
anywhere in the database may still see). Not reached by either: PostgreSQL's WAL segments and any
backup or replica taken before the disposal, which keep the old pages until they are recycled or
expire (README "Personal data at rest, and its disposal").
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from uuid import UUID

import orjson
import psycopg

from domain.personal_data import Withheld, withhold_facts
from projections.base import LogEvent
from projections.data_keys import destroy_key
from projections.review_facts import REVIEW_TOPIC
from projections.storage import Cursor, Database

log = logging.getLogger(__name__)

DISPOSED_TOPIC = REVIEW_TOPIC + "Disposed"

# Free text other read models copied from sealed fields, as (table, column): overwritten for the review.
PURGED_TEXT = (
    ("cost_ledger_entries", "description"),
    ("dissemination_events", "note"),
    ("dissemination_monitoring", "note"),
)
# Every table a disposal rewrites on PostgreSQL after it: the copies, the folded facts, the keys.
CHECKPOINT_ATTEMPTS = 50
REWRITE_ATTEMPTS = 3
CHECKPOINT_WAIT_SECONDS = 0.1
SCRUBBED_TABLES = (
    *dict.fromkeys(table for table, _ in PURGED_TEXT),
    "statistics_notifications",
    "case_status_reviews",
    "case_status_facts",
    "timeliness_facts",
    "timeliness_holds",
    "scr_data_keys",
)


class DisposalProjection:
    """Applies each disposal: key destroyed, plaintext copies purged, one disposal record per review."""

    name = "disposal"
    schema_version = 1

    def create_tables(self, cursor: Cursor, *, postgres: bool) -> None:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS disposal_records (review_id TEXT PRIMARY KEY, disposed_on TEXT NOT NULL, "
            "retention_class TEXT NOT NULL, due_on TEXT, position BIGINT NOT NULL, user_id TEXT NOT NULL)"
        )

    def drop_tables(self, cursor: Cursor) -> None:
        cursor.execute("DROP TABLE IF EXISTS disposal_records")  # never the keys: a destroyed key stays destroyed

    def apply_batch(self, cursor: Cursor, events: Sequence[LogEvent]) -> None:
        for event in events:
            if event.topic == DISPOSED_TOPIC:
                dispose(cursor, event)


def dispose(cursor: Cursor, event: LogEvent) -> None:
    """Destroy the review's key, purge the copies, record the disposal."""
    review_id = str(event.originator_id)
    destroy_key(cursor, event.originator_id, event.position)
    for table, column in PURGED_TEXT:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE review_id = %s", (Withheld.DISPOSED.value, review_id))
    cursor.execute("SELECT fields FROM statistics_notifications WHERE review_id = %s", (review_id,))
    found = cursor.fetchone()
    if found is not None:
        fields = orjson.loads(found[0])
        withhold_facts(fields, Withheld.DISPOSED)
        cursor.execute(
            "UPDATE statistics_notifications SET fields = %s WHERE review_id = %s",
            (orjson.dumps(fields).decode(), review_id),
        )
    data = event.data
    cursor.execute(
        "INSERT INTO disposal_records (review_id, disposed_on, retention_class, due_on, position, user_id) "
        "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (review_id) DO NOTHING",
        (
            review_id,
            data["disposed_on"],
            data["retention_class"],
            data.get("due_on"),
            event.position,
            data["actor"]["user"],
        ),
    )


def disposed_reviews(cursor: Cursor) -> dict[UUID, tuple[str, int]]:
    """Every disposed review: its disposal date and the disposal's position."""
    cursor.execute("SELECT review_id, disposed_on, position FROM disposal_records")
    return {UUID(row[0]): (row[1], int(row[2])) for row in cursor.fetchall()}


def scrub_after_disposal(db: Database) -> None:
    """Make the overwritten bytes leave the database files (see the module's docstring)."""
    if db.is_postgres:
        for attempt in range(1, REWRITE_ATTEMPTS + 1):
            try:
                with db.transaction() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '5s'")  # readers wait at most this long for it
                    for table in SCRUBBED_TABLES:
                        _rewrite(cursor, table)
                break
            except (psycopg.errors.LockNotAvailable, psycopg.errors.DeadlockDetected):
                log.warning("disposal: the read models were busy (attempt %d of %d)", attempt, REWRITE_ATTEMPTS)
        else:
            log.error("disposal: the read models could not be rewritten: run `scr projections rebuild` to scrub them")
    else:
        with db.sqlite_outside_transactions() as execute:
            for _ in range(CHECKPOINT_ATTEMPTS):
                busy = execute("PRAGMA wal_checkpoint(TRUNCATE)")[0][0]
                if not busy:
                    break
                time.sleep(CHECKPOINT_WAIT_SECONDS)  # a reader's snapshot holds the log: it ends within moments
            else:
                log.warning("disposal: the write-ahead log could not be truncated (readers kept it busy)")
    log.info("disposal: the touched tables were rewritten so no overwritten personal data is left in them")


def _rewrite(cursor: Cursor, table: str) -> None:
    """A table's live rows copied into new files, the old files dropped (TRUNCATE gives the table, its indexes
    and its TOAST new files). VACUUM FULL would keep an overwritten row any open snapshot in the database may
    still see, and a shared server always has one; a read model is derived, so TRUNCATE's brief exclusive
    lock and its not being MVCC-safe for a snapshot taken before it are acceptable."""
    cursor.execute("SELECT to_regclass(%s)", (table,))
    if cursor.fetchone()[0] is None:
        return
    cursor.execute(f"CREATE TEMPORARY TABLE scrub_rows ON COMMIT DROP AS SELECT * FROM {table}")
    cursor.execute(f"TRUNCATE {table}")
    cursor.execute(f"INSERT INTO {table} SELECT * FROM scrub_rows")
    cursor.execute("DROP TABLE scrub_rows")
