"""How a read is scoped to its reader: the board and agency a list covers, what the Panel may not see."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.errors import Forbidden, NotFound
from domain.permissions import sees_board
from domain.values import Actor, Role
from projections import case_status
from projections.storage import Cursor


def board_scope(actor: Actor, requested: str | None) -> str | None:
    """The board a list is limited to: a board role's own board (asking for another is forbidden)."""
    if actor.board is None:
        return requested
    if requested is not None and requested != actor.board:
        raise Forbidden(f"a {actor.role} of {actor.board} may not read board {requested}")
    return actor.board


def agency_scope(actor: Actor, requested: str | None) -> str | None:
    """The agency a list of actions is limited to: an agency lead's own agency."""
    if actor.role is not Role.AGENCY_LEAD:
        return requested
    if requested is not None and requested != actor.agency:
        raise Forbidden(f"an agency lead of {actor.agency} may not read the actions of {requested}")
    return actor.agency


def for_reader(actor: Actor, row: dict[str, Any]) -> dict[str, Any]:
    """The row as this reader may see it: the national panel never sees a child's details.

    A hold's reference is free text a board writes about the case (an inquest names the child), so the
    panel sees each hold's kind and dates but not its reference; nor redacted items or family-impact notes."""
    if actor.role is not Role.NATIONAL_PANEL:
        return row
    shown = {key: value for key, value in row.items() if not key.startswith("child_") and key != "children"}
    if "active_legal_holds" in shown:
        shown["active_legal_holds"] = [
            {key: value for key, value in hold.items() if key != "reference"} for hold in shown["active_legal_holds"]
        ]
    if shown.get("process"):
        shown["process"] = without_free_text(shown["process"])
    return shown


def unchanged_json(actor: Actor) -> frozenset[str]:
    """The JSON columns of a case status row that `for_reader` hands this reader as they are (a list may keep
    them as their stored text: projections.case_status.list_reviews `as_stored`). The Panel's holds and process
    facts are pared, so they are read; its children are dropped whole."""
    if actor.role is Role.NATIONAL_PANEL:
        return frozenset({"reviewers", "children"})
    return frozenset({"reviewers", "active_legal_holds", "children", "process"})


def without_free_text(process: dict[str, Any]) -> dict[str, Any]:
    """A review's process facts without what a board wrote about the case: a redacted item says what names
    the child or family, the family-impact note speaks of the family (issue 13)."""
    shown = dict(process)
    shown["redactions"] = [
        {key: value for key, value in entry.items() if key != "item"} for entry in process.get("redactions") or ()
    ]
    if process.get("family_impact_check"):
        shown["family_impact_check"] = {
            key: value for key, value in process["family_impact_check"].items() if key != "note"
        }
    return shown


def visible_review(cursor: Cursor, actor: Actor, review_id: UUID, today: date) -> dict[str, Any]:
    """A review's case status row if the actor's board may see it; another board's review is NotFound."""
    row = case_status.get_review(cursor, review_id, today=today)
    if row is None or not sees_board(actor, row["board_id"]):
        raise NotFound(f"review {review_id} not found")
    return row
