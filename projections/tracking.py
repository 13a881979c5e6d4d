"""How far each projection has read the log, and why it stopped if it failed: one row per projection.

Why a plain table rather than the library's tracking recorders (`PostgresTrackingRecorder`,
`SQLiteTrackingRecorder`): those keep one row per *upstream application*, in a table their own
datastore owns (its own connection pool, dict rows on PostgreSQL, named parameters on SQLite), and
have no place for a failure. Here each projection is tracked separately, so one failing projection
stops alone while the others carry on; the row also keeps the failing event's position and the error,
so `scr projections status` in another process can say what stopped and where. The row is written
through the same `Database` cursor as the projection's own tables, so the view change and the new
position commit in one transaction on both backends, which is the guarantee the library's
`_insert_tracking(cursor, tracking)` gives; like its single-row insert, the update only succeeds from
the position this engine read, so two workers racing on one projection cannot both apply a batch.

The row also keeps the schema version of the projection's tables (`schema_version`), so a release that
changes a read model's shape finds the stores it must rebuild. NULL is a row written before versions
were kept (main up to cdf7ef4): those tables have the version 1 shape, by definition of version 1.
`REBUILDING` (0) marks tables dropped and being replayed: a rebuild that dies half way is redone.
"""

from __future__ import annotations

from dataclasses import dataclass

from projections.storage import Cursor

TABLE = "projection_tracking"
UNVERSIONED = 1  # the shape of every read model written before schema versions were recorded
REBUILDING = 0  # no complete build of any version: rebuilt again on the next start


@dataclass(frozen=True)
class Tracked:
    """One projection's tracking row."""

    name: str
    position: int
    error: str | None
    error_position: int | None
    schema_version: int | None = None


class PositionMoved(Exception):
    """Another worker advanced or reset this projection first; the batch is rolled back, not applied."""


def create_table(cursor: Cursor, *, postgres: bool) -> None:
    """Create the tracking table if it does not exist; add the schema version to a table without one."""
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {TABLE} ("
        "name TEXT PRIMARY KEY, position BIGINT NOT NULL, error TEXT, error_position BIGINT, schema_version INTEGER)"
    )
    # Looked up first: on PostgreSQL even a no-op ALTER TABLE queues for an exclusive lock on the table.
    if postgres:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = %s",
            (TABLE,),
        )
    else:
        cursor.execute(f"SELECT name FROM pragma_table_info('{TABLE}')")
    if "schema_version" not in {row[0] for row in cursor.fetchall()}:
        cursor.execute(f"ALTER TABLE {TABLE} ADD COLUMN schema_version INTEGER")


def ensure_row(cursor: Cursor, name: str, schema_version: int) -> None:
    """Start a projection at position 0, its tables at `schema_version`, unless it is already tracked."""
    cursor.execute(
        f"INSERT INTO {TABLE} (name, position, schema_version) VALUES (%s, 0, %s) ON CONFLICT (name) DO NOTHING",
        (name, schema_version),
    )


def adopt_unversioned(cursor: Cursor) -> list[str]:
    """Record version 1 for rows written before versions were kept; the names adopted."""
    cursor.execute(
        f"UPDATE {TABLE} SET schema_version = %s WHERE schema_version IS NULL RETURNING name", (UNVERSIONED,)
    )
    return sorted(row[0] for row in cursor.fetchall())


def read_all(cursor: Cursor) -> dict[str, Tracked]:
    """Every tracking row by projection name."""
    cursor.execute(f"SELECT name, position, error, error_position, schema_version FROM {TABLE}")
    return {row[0]: Tracked(row[0], int(row[1]), row[2], row[3], row[4]) for row in cursor.fetchall()}


def record_version(cursor: Cursor, name: str, schema_version: int) -> None:
    """The shape the projection's tables now have (after a complete rebuild, or REBUILDING while it runs)."""
    cursor.execute(f"UPDATE {TABLE} SET schema_version = %s WHERE name = %s", (schema_version, name))


def advance(cursor: Cursor, name: str, *, expected: int, position: int) -> None:
    """Move a projection from `expected` to `position` (clearing any error), or raise PositionMoved.

    Run first in the batch's transaction: it locks the row, so a second worker waits here, then finds
    the position moved and rolls back instead of applying the same events twice."""
    cursor.execute(
        f"UPDATE {TABLE} SET position = %s, error = NULL, error_position = NULL "
        "WHERE name = %s AND position = %s RETURNING position",
        (position, name, expected),
    )
    if cursor.fetchone() is None:
        raise PositionMoved(f"projection {name} is no longer at position {expected}")


def record_error(cursor: Cursor, name: str, *, position: int, error: str) -> None:
    """Remember the event a projection could not apply, and why."""
    cursor.execute(
        f"UPDATE {TABLE} SET error = %s, error_position = %s WHERE name = %s",
        (error, position, name),
    )


def reset(cursor: Cursor, name: str) -> None:
    """Back to position 0 with no error, marked as rebuilding until its replay completes."""
    cursor.execute(
        f"UPDATE {TABLE} SET position = 0, error = NULL, error_position = NULL, schema_version = %s WHERE name = %s",
        (REBUILDING, name),
    )
