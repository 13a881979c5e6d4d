"""A review's retention as its readers see it (API and dashboard alike).

The retention block uses the schedule in force (service.settings) and the inquiry holds at the read
models' position (projections/inquiry_holds.py), read in the same transaction as the review's row: what a
reader is told is what the disposal rule would have decided at X-Projection-Position. The disposal command
itself checks the holds as the store holds them when it runs (service.application.CaseReviews.dispose)."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.retention import RetentionSchedule, retention_status
from domain.values import Stage
from projections.inquiry_holds import every_hold
from projections.storage import Cursor


def review_retention(cursor: Cursor, schedule: RetentionSchedule, row: dict[str, Any]) -> dict[str, Any]:
    """The review's retention class, disposal due date, disposal and the inquiry holds in force over its board."""
    process = row.get("process") or {}
    return retention_status(
        schedule,
        recorded_class=process.get("retention_class"),
        stage=Stage(row["stage"]),
        closed_on=_date(row.get("closed_on")),
        disposed_on=_date(process.get("disposed_on")),
        board_id=row["board_id"],
        holds=every_hold(cursor),
    )


def _date(value: str | date | None) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value
