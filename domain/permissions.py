"""Who may record what: each command and the roles allowed to send it (API.md conventions)."""

from __future__ import annotations

from domain.errors import Forbidden
from domain.values import Actor, Role

MANAGER, CHAIR, LEAD, PANEL, ADMIN = (
    Role.BOARD_MANAGER,
    Role.BOARD_CHAIR,
    Role.AGENCY_LEAD,
    Role.NATIONAL_PANEL,
    Role.ADMIN,
)
BOARD_STAFF = frozenset({MANAGER, CHAIR})
CHAIR_ONLY = frozenset({CHAIR})

COMMAND_ROLES: dict[str, frozenset[Role]] = {
    "register_board": frozenset({ADMIN}),
    "record_contribution": frozenset({ADMIN}),
    "open_review": BOARD_STAFF,
    "complete_rapid_review": BOARD_STAFF,
    "decide_initiation": CHAIR_ONLY,
    "notify_panel": BOARD_STAFF,
    "receive_panel_advice": BOARD_STAFF | {PANEL},
    "agree_terms_of_reference": BOARD_STAFF,
    "commission_reviewer": BOARD_STAFF,
    "request_agency_report": BOARD_STAFF,
    "receive_agency_report": BOARD_STAFF,
    "decline_agency_report": BOARD_STAFF,
    "place_legal_hold": BOARD_STAFF,
    "lift_legal_hold": BOARD_STAFF,
    "record_cost": BOARD_STAFF,
    "record_staff_time": BOARD_STAFF,
    "receive_draft_report": BOARD_STAFF,
    "accept_report": CHAIR_ONLY,
    "make_recommendation": BOARD_STAFF,
    "decide_publication": CHAIR_ONLY,
    "assess_risk": BOARD_STAFF,
    "override_hold_for_publication": CHAIR_ONLY,
    "send_pre_publication_copies": BOARD_STAFF,
    "publish": BOARD_STAFF,
    "correct": BOARD_STAFF,
    "close": CHAIR_ONLY,
    "reopen": CHAIR_ONLY,
    "agree_action": BOARD_STAFF,
    "report_progress": BOARD_STAFF | {LEAD},
    "add_evidence": BOARD_STAFF | {LEAD},
    "change_target": BOARD_STAFF,
    "claim_completion": frozenset({LEAD}),
    "assess_completion": BOARD_STAFF,
    "reopen_action": BOARD_STAFF,
}

# Roles that act for one board; the others act across boards (panel, admin) or not at all here.
BOARD_SCOPED = frozenset({MANAGER, CHAIR, LEAD, Role.AUDITOR})


def require_permitted(actor: Actor, command: str) -> None:
    """Refuse a command the actor's role may not send."""
    if actor.role not in COMMAND_ROLES[command]:
        raise Forbidden(f"the role {actor.role} may not {command.replace('_', ' ')}")


def sees_board(actor: Actor, board_id: str) -> bool:
    """Whether the actor may see a board's records at all (others' reviews look absent: 404)."""
    return actor.role not in BOARD_SCOPED or actor.board == board_id
