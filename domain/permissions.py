"""Who may do what (API.md conventions): every role table, for commands and for reads, in one place."""

from __future__ import annotations

from domain.errors import Forbidden
from domain.values import Actor, Role

MANAGER, CHAIR, LEAD, PANEL, ADMIN, AUDITOR = (
    Role.BOARD_MANAGER,
    Role.BOARD_CHAIR,
    Role.AGENCY_LEAD,
    Role.NATIONAL_PANEL,
    Role.ADMIN,
    Role.AUDITOR,
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
    "reconsider_initiation": CHAIR_ONLY,
    "revise_report": BOARD_STAFF,
    "withdraw_report": CHAIR_ONLY,
    "republish": BOARD_STAFF,
    "deposit_with_nspcc": BOARD_STAFF,
    "record_evaluation": BOARD_STAFF,
    "link_review": BOARD_STAFF,
    "agree_extension": CHAIR_ONLY,
    "agree_action": BOARD_STAFF,
    "report_progress": BOARD_STAFF | {LEAD},
    "add_evidence": BOARD_STAFF | {LEAD},
    "change_target": BOARD_STAFF,
    "claim_completion": frozenset({LEAD}),
    "assess_completion": BOARD_STAFF,
    "reopen_action": BOARD_STAFF,
    # Learning across reviews (issue 12): themes, findings, dissemination, reg 14 monitoring.
    "tag_themes": BOARD_STAFF,
    "record_finding": BOARD_STAFF,
    "record_dissemination": BOARD_STAFF,
    "record_monitoring": BOARD_STAFF,
    # Records management (issue 13, domain.retention and domain.inquiry_hold).
    # Redactions are prepared by the board's manager or chair; the family-impact check gates publication
    # in full or anonymised, a judgement the chair makes, as the decision to publish is.
    "record_redaction": BOARD_STAFF,
    "check_family_impact": CHAIR_ONLY,
    "set_retention_class": CHAIR_ONLY,
    "dispose": CHAIR_ONLY,
    "place_inquiry_hold": frozenset({ADMIN}),
    "lift_inquiry_hold": frozenset({ADMIN}),
}

# Roles that act for one board; the others act across boards (panel, admin) or not at all here.
BOARD_SCOPED = frozenset({MANAGER, CHAIR, LEAD, AUDITOR})

READ_ROLES: dict[str, frozenset[Role]] = {
    "reviews": frozenset({MANAGER, CHAIR, AUDITOR, PANEL}),
    # As-of state and history are rebuilt from events that carry child details: never for the national panel.
    "review_as_of": frozenset({CHAIR, AUDITOR}),
    "history": frozenset({AUDITOR, CHAIR}),
    "timeliness": frozenset({MANAGER, CHAIR, AUDITOR, PANEL}),
    "review_ledger": frozenset({MANAGER, CHAIR, AUDITOR}),
    "board_ledger": frozenset({MANAGER, CHAIR, AUDITOR, ADMIN}),
    "learning_actions": frozenset({MANAGER, CHAIR, AUDITOR, LEAD, PANEL}),
    # Checkpoints and proofs are hashes only, made to be copied widely (any role); verifying the whole
    # log is for auditors and the operator.
    "audit_verification": frozenset({AUDITOR, ADMIN}),
    # Who read which review (issue 13): a board's auditor sees its own board's entries, an admin every board's.
    "access_log": frozenset({AUDITOR, ADMIN}),
    # Learning across reviews and reporting (issue 12). Free-text notes never reach the Panel (service.access).
    "themes": frozenset(Role),
    "search": frozenset({MANAGER, CHAIR, AUDITOR, PANEL}),
    "dissemination": frozenset({MANAGER, CHAIR, AUDITOR, PANEL}),
    "monitoring": frozenset({MANAGER, CHAIR, AUDITOR, PANEL}),
    # Aggregate counts only; a board role's figures cover its own board.
    "statistics": frozenset({MANAGER, CHAIR, AUDITOR, PANEL, ADMIN}),
    "annual_report": frozenset({MANAGER, CHAIR, AUDITOR, PANEL}),
    # Listing, issuing and revoking a board's calendar feed tokens (a token, not an event: service.feed_tokens).
    "feed_tokens": BOARD_STAFF,
    # The retention schedule is configuration, no record; inquiry holds: a board's own for its chair and auditor.
    "retention_classes": frozenset(Role),
    "inquiry_holds": frozenset({CHAIR, AUDITOR, ADMIN}),
}
# How a refusal names a read, where its key does not say it plainly.
_READ_NAMES = {
    "history": "a review's history",
    "audit_verification": "the log's verification",
    "access_log": "the access log",
}


def require_permitted(actor: Actor, command: str) -> None:
    """Refuse a command the actor's role may not send."""
    if actor.role not in COMMAND_ROLES[command]:
        raise Forbidden(f"the role {actor.role} may not {command.replace('_', ' ')}")


def sees_board(actor: Actor, board_id: str) -> bool:
    """Whether the actor may see a board's records at all (others' reviews look absent: 404)."""
    return actor.role not in BOARD_SCOPED or actor.board == board_id


def may_read(actor: Actor, what: str) -> bool:
    """Whether the actor's role may make a read (a READ_ROLES key)."""
    return actor.role in READ_ROLES[what]


def require_read(actor: Actor, what: str) -> None:
    """Refuse a read the actor's role may not make."""
    if not may_read(actor, what):
        raise Forbidden(f"the role {actor.role} may not read {_READ_NAMES.get(what, what.replace('_', ' '))}")


def acts_on_action(actor: Actor, lead_agency: str) -> bool:
    """Whether the actor may act on a learning action led by this agency (an agency lead: only its own)."""
    return actor.role is not LEAD or actor.agency == lead_agency
