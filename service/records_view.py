"""A review's retention as its readers see it (API and dashboard alike).

The retention block uses the schedule in force (service.settings) and the inquiry holds as the event store
holds them now (service.application.CaseReviews.inquiry_holds_covering), never a read model's copy: what a
reader is told is what the disposal rule would decide on."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.retention import retention_status
from domain.values import Stage
from service.services import ServiceObjects


def review_retention(services: ServiceObjects, row: dict[str, Any]) -> dict[str, Any]:
    """The review's retention class, disposal due date, disposal and the inquiry holds in force over its board."""
    process = row.get("process") or {}
    return retention_status(
        services.settings.retention,
        recorded_class=process.get("retention_class"),
        stage=Stage(row["stage"]),
        closed_on=_date(row.get("closed_on")),
        disposed_on=_date(process.get("disposed_on")),
        board_id=row["board_id"],
        holds=services.app.inquiry_holds_covering(row["board_id"]),
    )


def _date(value: str | date | None) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value
