"""One stream of the event store read with each record's position (the library reads streams without them)."""

from __future__ import annotations

from typing import Any, Protocol
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, Mapper, Notification
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg.sql import SQL, Identifier


class EventStore(Protocol):
    """What reading the store needs: its recorder and the mapper that decodes its records (an Application)."""

    @property
    def recorder(self) -> ApplicationRecorder: ...

    @property
    def mapper(self) -> Mapper[UUID]: ...


def notifications_of(app: EventStore, review_id: UUID) -> list[Notification]:
    """The review's stored records with their positions (the library reads streams without positions)."""
    recorder: Any = app.recorder
    if isinstance(recorder, PostgresApplicationRecorder):  # PostgreSQL: a notification_id column
        sql = SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state FROM {schema}.{table} "
            "WHERE originator_id = %s ORDER BY originator_version"
        ).format(schema=Identifier(recorder.datastore.schema), table=Identifier(recorder.events_table_name))
        with recorder.datastore.get_connection() as conn, conn.cursor() as cursor:
            cursor.execute(sql, (review_id,))
            found = [
                (r["notification_id"], r["originator_id"], r["originator_version"], r["topic"], bytes(r["state"]))
                for r in cursor.fetchall()
            ]
    else:  # SQLite: the rowid is the position
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                f"SELECT rowid, originator_id, originator_version, topic, state FROM {recorder.events_table_name} "
                "WHERE originator_id = ? ORDER BY originator_version",
                (review_id.hex,),
            )
            found = [(r[0], UUID(r[1]), r[2], r[3], bytes(r[4])) for r in cursor.fetchall()]
    return [Notification(id=i, originator_id=o, originator_version=v, topic=t, state=s) for i, o, v, t, s in found]
