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
"""

from __future__ import annotations

from dataclasses import dataclass

from projections.storage import Cursor

TABLE = "projection_tracking"


@dataclass(frozen=True)
class Tracked:
    """One projection's tracking row."""

    name: str
    position: int
    error: str | None
    error_position: int | None


class PositionMoved(Exception):
    """Another worker advanced or reset this projection first; the batch is rolled back, not applied."""


def create_table(cursor: Cursor) -> None:
    """Create the tracking table if it does not exist."""
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {TABLE} ("
        "name TEXT PRIMARY KEY, position BIGINT NOT NULL, error TEXT, error_position BIGINT)"
    )


def ensure_row(cursor: Cursor, name: str) -> None:
    """Start a projection at position 0 unless it is already tracked."""
    cursor.execute(
        f"INSERT INTO {TABLE} (name, position) VALUES (%s, 0) ON CONFLICT (name) DO NOTHING",
        (name,),
    )


def read_all(cursor: Cursor) -> dict[str, Tracked]:
    """Every tracking row by projection name."""
    cursor.execute(f"SELECT name, position, error, error_position FROM {TABLE}")
    return {row[0]: Tracked(row[0], int(row[1]), row[2], row[3]) for row in cursor.fetchall()}


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
    """Back to position 0 with no error (a rebuild)."""
    cursor.execute(
        f"UPDATE {TABLE} SET position = 0, error = NULL, error_position = NULL WHERE name = %s",
        (name,),
    )
