"""What each reader is shown of a case status row."""

from __future__ import annotations

from domain.values import Role
from service.access import for_reader
from tests.builders import ctx

ROW = {
    "review_id": "r1",
    "case_ref": "DUR-1",
    "child_pseudonym": "Child G",
    "child_age_years": 3,
    "active_legal_holds": [
        {
            "hold_id": "h1",
            "kind": "coroner_inquest",
            "reference": "Inquest into the death of Child G",
            "blocks_publication": True,
            "placed_on": "2026-01-05",
            "overridden": False,
        }
    ],
}


def test_the_national_panel_sees_holds_by_kind_and_date_but_no_child_field_or_free_text_reference():
    shown = for_reader(ctx(Role.NATIONAL_PANEL, None).actor, ROW)

    assert "Child G" not in repr(shown)
    assert [hold["kind"] for hold in shown["active_legal_holds"]] == ["coroner_inquest"]
    assert shown["case_ref"] == "DUR-1"


def test_a_board_manager_sees_the_row_whole():
    assert for_reader(ctx(Role.BOARD_MANAGER).actor, ROW) == ROW
