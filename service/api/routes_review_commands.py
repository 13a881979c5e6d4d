"""The review's commands of API.md, one row each: path, request model, application call."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter

from domain.base import Context
from domain.permissions import require_permitted
from service.api import schemas as s
from service.api.commands import Command, add_commands, on_review
from service.application import CaseReviews, CommandResult

router = APIRouter(tags=["review commands"])


def _notify(app: CaseReviews, ctx: Context, _: None, __: int | None, fields: dict[str, Any]) -> CommandResult:
    board_id = fields.pop("board_id") or ctx.actor.board or ""
    return app.open_review(ctx, board_id=board_id, **fields)


def _may_act(app: CaseReviews, ctx: Context, command: str, review_id: UUID) -> None:
    # record_cost and correct look up a log position before their own checks of role and board; checking
    # those first keeps the answer 403 or 404, so a caller learns nothing about another board's log.
    require_permitted(ctx.actor, command)
    app.review(ctx, review_id)


def _record_cost(app: CaseReviews, ctx: Context, review_id: UUID, version: int | None, f: dict[str, Any]) -> Any:
    _may_act(app, ctx, "record_cost", review_id)
    return app.record_cost(ctx, review_id, expected_version=version, **f)


def _correct(app: CaseReviews, ctx: Context, review_id: UUID, version: int | None, f: dict[str, Any]) -> Any:
    _may_act(app, ctx, "correct", review_id)
    return app.correct(ctx, review_id, expected_version=version, **f)


R = "/reviews/{review_id}"
COMMANDS = [
    Command("/reviews", s.NotifyIncident, _notify, "Notify a serious incident, opening a review", creates=True),
    Command(R + "/rapid-review", s.RapidReview, on_review("complete_rapid_review"), "Record the rapid review"),
    Command(
        R + "/initiation-decision",
        s.InitiationDecisionRequest,
        on_review("decide_initiation"),
        "Decide whether to initiate a review",
    ),
    Command(R + "/panel-notifications", s.PanelNotification, on_review("notify_panel"), "Record a notification"),
    Command(R + "/panel-advice", s.PanelAdvice, on_review("receive_panel_advice"), "Record the Panel's advice"),
    Command(
        R + "/terms-of-reference",
        s.TermsOfReference,
        on_review("agree_terms_of_reference"),
        "Agree the terms of reference",
    ),
    Command(
        R + "/reviewers",
        s.CommissionReviewer,
        on_review("commission_reviewer"),
        "Commission an independent reviewer",
        creates=True,
    ),
    Command(
        R + "/agency-reports",
        s.RequestAgencyReport,
        on_review("request_agency_report"),
        "Request an agency report",
        creates=True,
    ),
    Command(
        R + "/agency-reports/{report_id}/received",
        s.AgencyReportReceived,
        on_review("receive_agency_report"),
        "Record an agency report received",
    ),
    Command(
        R + "/agency-reports/{report_id}/declined",
        s.AgencyReportDeclined,
        on_review("decline_agency_report"),
        "Record an agency report declined",
    ),
    Command(R + "/legal-holds", s.PlaceLegalHold, on_review("place_legal_hold"), "Place a legal hold", creates=True),
    Command(R + "/legal-holds/{hold_id}/lift", s.LiftLegalHold, on_review("lift_legal_hold"), "Lift a legal hold"),
    Command(R + "/costs", s.RecordCost, _record_cost, "Record a ledger entry"),
    Command(R + "/staff-time", s.RecordStaffTime, on_review("record_staff_time"), "Record staff time"),
    Command(R + "/report/draft", s.DraftReport, on_review("receive_draft_report"), "Record a draft report"),
    Command(R + "/report/accept", s.AcceptReport, on_review("accept_report"), "Accept the final report"),
    Command(R + "/recommendations", s.Recommendation, on_review("make_recommendation"), "Make a recommendation"),
    Command(
        R + "/publication-decision",
        s.PublicationDecision,
        on_review("decide_publication"),
        "Decide on publication",
    ),
    Command(R + "/risk-assessment", s.RiskAssessment, on_review("assess_risk"), "Assess risk before publication"),
    Command(
        R + "/publication-override",
        s.PublicationOverride,
        on_review("override_hold_for_publication"),
        "Allow publication despite a blocking hold",
    ),
    Command(
        R + "/pre-publication-copies",
        s.PrePublicationCopies,
        on_review("send_pre_publication_copies"),
        "Record pre-publication copies sent",
    ),
    Command(R + "/publish", s.Publish, on_review("publish"), "Record publication"),
    Command(R + "/corrections", s.Correction, _correct, "Correct an earlier event"),
    Command(R + "/close", s.DatedReason, on_review("close"), "Close the review"),
    Command(R + "/reopen", s.DatedReason, on_review("reopen"), "Reopen a closed review"),
]

add_commands(router, COMMANDS)
