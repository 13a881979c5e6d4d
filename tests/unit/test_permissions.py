"""Who may send which command, and which boards each role sees (API.md conventions)."""

from __future__ import annotations

import pytest

from domain.errors import Forbidden
from domain.learning_action import LearningAction
from domain.permissions import COMMAND_ROLES, require_permitted, sees_board
from domain.review import CaseReview
from domain.values import Actor, Role

DECISIONS = {
    "decide_initiation",
    "accept_report",
    "decide_publication",
    "override_hold_for_publication",
    "close",
    "reopen",
    "reconsider_initiation",
    "withdraw_report",
    "agree_extension",
    # Records management (issue 13)
    "check_family_impact",
    "set_retention_class",
    "dispose",
}
AGENCY_LEAD_COMMANDS = {"report_progress", "add_evidence", "claim_completion"}
APPLICATION_COMMANDS = {"register_board", "record_contribution", "open_review", "agree_action", "reopen_action"}
# The admin's commands on the store's register of inquiry holds (domain.inquiry_hold), across boards.
INQUIRY_HOLD_COMMANDS = {"place_inquiry_hold", "lift_inquiry_hold"}


def actor(role: Role, board: str | None = "durham") -> Actor:
    return Actor(user="u", role=role, board=board)


def permitted(role: Role) -> set[str]:
    allowed = set()
    for command in COMMAND_ROLES:
        try:
            require_permitted(actor(role), command)
        except Forbidden:
            continue
        allowed.add(command)
    return allowed


def test_every_named_command_is_a_method_of_an_aggregate_or_the_application() -> None:
    for command in set(COMMAND_ROLES) - APPLICATION_COMMANDS - INQUIRY_HOLD_COMMANDS:
        assert callable(getattr(CaseReview, command, None) or getattr(LearningAction, command, None)), command


def test_the_chair_may_send_every_board_command() -> None:
    assert permitted(Role.BOARD_CHAIR) == set(COMMAND_ROLES) - INQUIRY_HOLD_COMMANDS - {
        "register_board",
        "record_contribution",
        "claim_completion",
    }


def test_a_manager_records_the_process_but_takes_no_chairs_decision() -> None:
    assert permitted(Role.BOARD_MANAGER) == permitted(Role.BOARD_CHAIR) - DECISIONS


def test_an_agency_lead_reports_on_its_actions_only() -> None:
    assert permitted(Role.AGENCY_LEAD) == AGENCY_LEAD_COMMANDS


def test_the_national_panel_records_its_advice_only() -> None:
    assert permitted(Role.NATIONAL_PANEL) == {"receive_panel_advice"}


def test_an_admin_registers_boards_their_funding_and_inquiry_holds_only() -> None:
    assert permitted(Role.ADMIN) == {"register_board", "record_contribution"} | INQUIRY_HOLD_COMMANDS


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.SYSTEM])
def test_an_auditor_or_the_system_may_record_nothing(role: Role) -> None:
    assert permitted(role) == set()


def test_a_refusal_names_the_role_and_the_command() -> None:
    with pytest.raises(Forbidden) as caught:
        require_permitted(actor(Role.BOARD_MANAGER), "accept_report")
    assert caught.value.code == "forbidden"
    assert "board_manager may not accept report" in caught.value.detail


@pytest.mark.parametrize("role", [Role.BOARD_MANAGER, Role.BOARD_CHAIR, Role.AGENCY_LEAD, Role.AUDITOR])
def test_a_board_role_sees_its_own_board_only(role: Role) -> None:
    assert sees_board(actor(role), "durham")
    assert not sees_board(actor(role), "coventry")


@pytest.mark.parametrize("role", [Role.BOARD_MANAGER, Role.AUDITOR])
def test_a_board_role_with_no_board_sees_none(role: Role) -> None:
    assert not sees_board(actor(role, None), "durham")


@pytest.mark.parametrize("role", [Role.NATIONAL_PANEL, Role.ADMIN])
def test_the_national_panel_and_admins_see_every_board(role: Role) -> None:
    assert sees_board(actor(role, None), "durham")
    assert sees_board(actor(role, None), "coventry")
