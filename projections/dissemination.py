"""What was done with the learning: dissemination (briefings, learning events, training, newsletters,
conferences) with attendance by agency, and the reg 14 monitoring of CSPRs (checks and written requests).

Rows keep the version of the event that recorded them, so a correction of a field (its date, kind,
note, audience or attendance) lands on the row it names."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

import orjson

from projections.base import LogEvent
from projections.storage import Cursor

_REVIEW = "domain.review:CaseReview."
_DISSEMINATION_COLUMNS = (
    "dissemination_id",
    "review_id",
    "version",
    "kind",
    "held_on",
    "audience_agencies",
    "attendees",
    "note",
    "position",
)
_MONITORING_COLUMNS = ("review_id", "version", "kind", "on_date", "note", "position")
# Corrected field -> column, per corrected event type.
_CORRECTABLE = {
    "DisseminationRecorded": {
        "kind": "kind",
        "held_on": "held_on",
        "note": "note",
        "audience_agencies": "audience_agencies",
        "attendees": "attendees",
    },
    "MonitoringRecorded": {"kind": "kind", "on": "on_date", "note": "note"},
}
_JSON_COLUMNS = {"audience_agencies", "attendees"}


class DisseminationProjection:
    """Dissemination and monitoring records, and each review's board and case reference."""

    name = "dissemination"
    schema_version = 1  # raise with any change to its tables or their meaning: stores rebuild it on start

    def create_tables(self, cursor: Cursor, *, postgres: bool) -> None:
        """Records by review; reviews by board."""
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS dissemination_reviews (review_id TEXT PRIMARY KEY, board_id TEXT NOT NULL, "
            "case_ref TEXT NOT NULL, regime TEXT NOT NULL)"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS dissemination_events (dissemination_id TEXT PRIMARY KEY, "
            "review_id TEXT NOT NULL, version INTEGER NOT NULL, kind TEXT NOT NULL, held_on TEXT NOT NULL, "
            "audience_agencies TEXT NOT NULL, attendees TEXT NOT NULL, note TEXT NOT NULL, position BIGINT NOT NULL)"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS dissemination_monitoring (review_id TEXT NOT NULL, version INTEGER NOT NULL, "
            "kind TEXT NOT NULL, on_date TEXT NOT NULL, note TEXT NOT NULL, position BIGINT NOT NULL, "
            "PRIMARY KEY (review_id, version))"
        )
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS dissemination_by_review ON dissemination_events (review_id, version)"
        )
        cursor.execute("CREATE INDEX IF NOT EXISTS dissemination_reviews_board ON dissemination_reviews (board_id)")

    def drop_tables(self, cursor: Cursor) -> None:
        for table in ("dissemination_events", "dissemination_monitoring", "dissemination_reviews"):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")

    def apply_batch(self, cursor: Cursor, events: Sequence[LogEvent]) -> None:
        """Insert each record; carry corrections into the row they name."""
        for event in events:
            if not event.topic.startswith(_REVIEW):
                continue
            data, kind, review_id = event.data, event.type_name, str(event.originator_id)
            if kind == "Notified":
                cursor.execute(
                    "INSERT INTO dissemination_reviews (review_id, board_id, case_ref, regime) VALUES (%s, %s, %s, %s) "
                    "ON CONFLICT (review_id) DO NOTHING",
                    (review_id, data["board_id"], data["case_ref"], data["regime"]),
                )
            elif kind == "DisseminationRecorded":
                cursor.execute(
                    f"INSERT INTO dissemination_events ({', '.join(_DISSEMINATION_COLUMNS)}) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    (
                        data["dissemination_id"],
                        review_id,
                        event.version,
                        data["kind"],
                        data["held_on"],
                        orjson.dumps(data.get("audience_agencies", [])).decode(),
                        orjson.dumps(data.get("attendees", {})).decode(),
                        data.get("note", ""),
                        event.position,
                    ),
                )
            elif kind == "MonitoringRecorded":
                cursor.execute(
                    f"INSERT INTO dissemination_monitoring ({', '.join(_MONITORING_COLUMNS)}) "
                    "VALUES (%s, %s, %s, %s, %s, %s)",
                    (review_id, event.version, data["kind"], data["on"], data.get("note", ""), event.position),
                )
            elif kind == "Corrected":
                _correct(cursor, review_id, data)


def _correct(cursor: Cursor, review_id: str, data: dict[str, Any]) -> None:
    column = _CORRECTABLE.get(data["corrects_type"], {}).get(data["field"])
    if column is None:
        return
    table = "dissemination_events" if data["corrects_type"] == "DisseminationRecorded" else "dissemination_monitoring"
    value = orjson.dumps(data["value"]).decode() if column in _JSON_COLUMNS else data["value"]
    cursor.execute(
        f"UPDATE {table} SET {column} = %s WHERE review_id = %s AND version = %s",
        (value, review_id, data["corrects_version"]),
    )


# ---- queries ------------------------------------------------------------------------------------


def list_dissemination(
    cursor: Cursor,
    *,
    board_id: str | None = None,
    review_id: UUID | str | None = None,
    from_on: date | None = None,
    to_on: date | None = None,
) -> dict[str, Any]:
    """Learning shared, newest first, with attendance by agency, and totals by kind and by agency."""
    clauses, params = [], []
    for clause, value in (
        ("r.board_id = %s", board_id),
        ("e.review_id = %s", review_id and str(review_id)),
        ("e.held_on >= %s", from_on and from_on.isoformat()),
        ("e.held_on <= %s", to_on and to_on.isoformat()),
    ):
        if value is not None:
            clauses.append(clause)
            params.append(value)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    cursor.execute(
        "SELECT e.dissemination_id, e.review_id, r.board_id, r.case_ref, e.kind, e.held_on, e.audience_agencies, "
        "e.attendees, e.note, e.position FROM dissemination_events e "
        f"JOIN dissemination_reviews r ON r.review_id = e.review_id{where} ORDER BY e.held_on DESC, e.position DESC",
        params,
    )
    items = []
    by_kind: dict[str, int] = {}
    by_agency: dict[str, int] = {}
    for dissemination_id, rid, board, case_ref, kind, held_on, audience, attendees, note, position in cursor.fetchall():
        attendance: dict[str, int] = orjson.loads(attendees)
        items.append(
            {
                "dissemination_id": dissemination_id,
                "review_id": rid,
                "board_id": board,
                "case_ref": case_ref,
                "kind": kind,
                "held_on": held_on,
                "audience_agencies": orjson.loads(audience),
                "attendees": attendance,
                "total_attendees": sum(attendance.values()),
                "note": note,
                "position": position,
            }
        )
        by_kind[kind] = by_kind.get(kind, 0) + 1
        for agency, count in attendance.items():
            by_agency[agency] = by_agency.get(agency, 0) + count
    return {
        "items": items,
        "total": len(items),
        "total_attendees": sum(by_agency.values()),
        "by_kind": dict(sorted(by_kind.items())),
        "attendance_by_agency": dict(sorted(by_agency.items())),
        "filters": {"board": board_id, "from": from_on, "to": to_on, "period_applies_to": "held_on"},
    }


def list_monitoring(cursor: Cursor, review_id: UUID | str) -> list[dict[str, Any]]:
    """A review's reg 14 checks and written requests, in the order recorded."""
    cursor.execute(
        "SELECT kind, on_date, note, position FROM dissemination_monitoring WHERE review_id = %s ORDER BY position",
        (str(review_id),),
    )
    return [{"kind": k, "on": on, "note": note, "position": p} for k, on, note, p in cursor.fetchall()]
