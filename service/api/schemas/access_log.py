"""The access log's answer (GET /audit/access): who read which review, when, by which route, for what purpose."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class AccessedReview(BaseModel):
    """A review a recorded read returned, with its board."""

    review_id: UUID
    board_id: str


class AccessEntryOut(BaseModel):
    """One recorded read."""

    seq: int = Field(description="The entry's number in the access log (its leaf is seq - 1 in the log's tree)")
    read_at: str = Field(description="When the read was made (ISO 8601, UTC)")
    user: str = Field(description="The reader's user id (the token's subject)")
    role: str = Field(description="The role the reader acted in")
    board: str | None = Field(description="The reader's board (null for the national panel, admins and the CLI)")
    channel: str = Field(description="`api`, `dashboard` or `cli`")
    route: str = Field(description="The method and route template read, e.g. `GET /reviews/{review_id}`")
    purpose: str | None = Field(description="The purpose given (X-Purpose or the dashboard's choice); null: not given")
    request_id: str = Field(description="The request's X-Request-ID, to find it in the service's own log lines")
    reviews: list[AccessedReview] = Field(description="The reviews it returned (an auditor sees its own board's)")

    @classmethod
    def of(cls, entry: dict[str, Any]) -> AccessEntryOut:
        """From a stored entry (projections/access_log/store.py)."""
        reviews = [AccessedReview(review_id=review_id, board_id=board) for review_id, board in entry["reviews"]]
        return cls.model_validate({**entry, "reviews": reviews})


class AccessLogAnswer(BaseModel):
    """Recorded reads, newest first."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "count": 1,
                    "limit": 100,
                    "pending": 0,
                    "entries": [
                        {
                            "seq": 42,
                            "read_at": "2026-12-01T09:15:02.123456+00:00",
                            "user": "sam.auditor",
                            "role": "auditor",
                            "board": "LSCB-A",
                            "channel": "api",
                            "route": "GET /reviews/{review_id}",
                            "purpose": "quality assurance audit",
                            "request_id": "0b7c3f1e-4d7a-4b8e-9a51-6f0d2c1e8a77",
                            "reviews": [{"review_id": "5f0c2e4e-8b7a-5d63-9a57-0f6c4d2e9b11", "board_id": "LSCB-A"}],
                        }
                    ],
                }
            ]
        }
    )

    count: int = Field(description="How many entries this answer holds")
    limit: int = Field(description="The most entries one answer holds; narrow the filters to see older ones")
    pending: int = Field(description="Reads made by this process and not yet appended (written within a second)")
    entries: list[AccessEntryOut]
