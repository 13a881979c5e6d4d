"""Inquiry holds as a review's readers see them (its `retention` block): the register's holds at the read
models' position, read in the same transaction as the review's row, so the two are of the same moment
(X-Projection-Position) and a read costs one small query instead of a load of the register from the log.

The disposal rule never reads this copy: CaseReviews.dispose checks the register as the store holds it, and
saves the disposal with it in one transaction (domain/inquiry_hold.py). Holds are few (a handful of inquiries
a decade) and hold no personal data (an inquiry's name, boards and dates)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

import orjson

from domain.inquiry_hold import InquiryHold
from projections.base import LogEvent
from projections.storage import Cursor

_REGISTER = "domain.inquiry_hold:InquiryHolds."


class InquiryHoldsProjection:
    """Every inquiry hold placed, with the day it was lifted."""

    name = "inquiry_holds"
    schema_version = 1  # raise with any change to its tables or their meaning: stores rebuild it on start

    def create_tables(self, cursor: Cursor, *, postgres: bool) -> None:
        """One row per hold; `boards` is a JSON array, or NULL for every board."""
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS inquiry_holds (hold_id TEXT PRIMARY KEY, name TEXT NOT NULL, boards TEXT, "
            "placed_on TEXT NOT NULL, lifted_on TEXT, position BIGINT NOT NULL)"
        )

    def drop_tables(self, cursor: Cursor) -> None:
        cursor.execute("DROP TABLE IF EXISTS inquiry_holds")

    def apply_batch(self, cursor: Cursor, events: Sequence[LogEvent]) -> None:
        """A placed hold is a row; lifting it dates the row. Disposals recorded in the register change no hold."""
        for event in events:
            if not event.topic.startswith(_REGISTER):
                continue
            data = event.data
            if event.type_name == "HoldPlaced":
                boards = data["boards"]
                cursor.execute(
                    "INSERT INTO inquiry_holds (hold_id, name, boards, placed_on, position) "
                    "VALUES (%s, %s, %s, %s, %s)",
                    (
                        data["hold_id"],
                        data["name"],
                        None if boards is None else orjson.dumps(boards).decode(),
                        data["placed_on"],
                        event.position,
                    ),
                )
            elif event.type_name == "HoldLifted":
                cursor.execute(
                    "UPDATE inquiry_holds SET lifted_on = %s WHERE hold_id = %s", (data["lifted_on"], data["hold_id"])
                )


def every_hold(cursor: Cursor) -> list[InquiryHold]:
    """Every hold placed, lifted ones with their day, in the order they were placed (which are in force over a
    board is domain.retention's to say)."""
    cursor.execute("SELECT hold_id, name, boards, placed_on, lifted_on FROM inquiry_holds ORDER BY position")
    return [
        InquiryHold(
            hold_id=UUID(hold_id),
            name=name,
            boards=None if boards is None else tuple(orjson.loads(boards)),
            placed_on=date.fromisoformat(placed_on),
            lifted_on=None if lifted_on is None else date.fromisoformat(lifted_on),
        )
        for hold_id, name, boards, placed_on, lifted_on in cursor.fetchall()
    ]
