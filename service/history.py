"""A review's decision history, read from the stored records in log order, with each record's leaf hash."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg.sql import SQL, Identifier

from service.application import CaseReviews
from service.audit.leaves import event_leaf

_NOT_DATA = {
    "originator_id",
    "originator_version",
    "timestamp",
    "actor",
    "correlation_id",
    "rationale",
    "originator_topic",
}


def review_history(app: CaseReviews, review_id: UUID) -> list[dict[str, Any]]:
    """Every event of the review: position, version, type, recorded instant, business date, actor, why, data, hash."""
    return [
        {
            **history_row(n.id, app.mapper.to_domain_event(n)),
            "hash": event_leaf(n.id, n.originator_id, n.originator_version, n.topic, n.state).hex(),
        }
        for n in notifications_of(app, review_id)
    ]


def history_row(position: int, event: Any) -> dict[str, Any]:
    """One decoded event as a history row (without its hash)."""
    effective_on = event.effective_on
    return {
        "position": position,
        "version": event.originator_version,
        "type": type(event).__name__,
        "recorded_at": event.timestamp.isoformat(),
        "effective_on": effective_on.isoformat() if effective_on else None,
        "actor": event.actor.model_dump(mode="json", include={"user", "role", "board"}),
        "correlation_id": str(event.correlation_id),
        "rationale": event.rationale,
        "data": event.model_dump(mode="json", exclude=_NOT_DATA),
    }


def notifications_of(app: CaseReviews, review_id: UUID) -> list[Any]:
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
