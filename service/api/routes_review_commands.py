"""The review's commands of API.md, one row each: path, request model (which sends its command), summary."""

from __future__ import annotations

from fastapi import APIRouter

from service.api import schemas as s
from service.api.commands import Command, add_commands

router = APIRouter(tags=["review commands"])

R = "/reviews/{review_id}"
COMMANDS = (
    Command("/reviews", s.NotifyIncident, "Notify a serious incident, opening a review", creates=True),
    Command(R + "/rapid-review", s.RapidReview, "Record the rapid review"),
    Command(R + "/initiation-decision", s.InitiationDecisionRequest, "Decide whether to initiate a review"),
    Command(R + "/panel-notifications", s.PanelNotification, "Record a notification"),
    Command(R + "/panel-advice", s.PanelAdvice, "Record the Panel's advice"),
    Command(R + "/terms-of-reference", s.TermsOfReference, "Agree the terms of reference"),
    Command(R + "/reviewers", s.CommissionReviewer, "Commission an independent reviewer", creates="reviewer_id"),
    Command(R + "/agency-reports", s.RequestAgencyReport, "Request an agency report", creates="report_id"),
    Command(R + "/agency-reports/{report_id}/received", s.AgencyReportReceived, "Record an agency report received"),
    Command(R + "/agency-reports/{report_id}/declined", s.AgencyReportDeclined, "Record an agency report declined"),
    Command(R + "/legal-holds", s.PlaceLegalHold, "Place a legal hold", creates="hold_id"),
    Command(R + "/legal-holds/{hold_id}/lift", s.LiftLegalHold, "Lift a legal hold"),
    Command(R + "/costs", s.RecordCost, "Record a ledger entry"),
    Command(R + "/staff-time", s.RecordStaffTime, "Record staff time"),
    Command(R + "/report/draft", s.DraftReport, "Record a draft report"),
    Command(R + "/report/accept", s.AcceptReport, "Accept the final report"),
    Command(R + "/recommendations", s.Recommendation, "Make a recommendation"),
    Command(R + "/publication-decision", s.PublicationDecision, "Decide on publication"),
    Command(R + "/risk-assessment", s.RiskAssessment, "Assess risk before publication"),
    Command(R + "/publication-override", s.PublicationOverride, "Allow publication despite a blocking hold"),
    Command(R + "/pre-publication-copies", s.PrePublicationCopies, "Record pre-publication copies sent"),
    Command(R + "/publish", s.Publish, "Record publication"),
    Command(R + "/corrections", s.Correction, "Correct an earlier event"),
    Command(R + "/close", s.CloseReview, "Close the review (completed, subsumed or no further action)"),
    Command(R + "/reopen", s.DatedReason, "Reopen a closed review", send=s.DatedReason.reopen),
    # The process as it really runs (DOMAIN.md section 8).
    Command(R + "/initiation-reconsidered", s.Reconsideration, "Reconsider the initiation decision"),
    Command(R + "/report/revisions", s.ReportRevision, "Record a revised report after acceptance"),
    Command(R + "/withdraw", s.Withdrawal, "Withdraw the published report"),
    Command(R + "/republish", s.Republication, "Publish a revised report again"),
    Command(R + "/nspcc-deposit", s.NspccDeposit, "Record the NSPCC repository deposit"),
    Command(R + "/evaluations", s.Evaluation, "Record an evaluation of the report"),
    Command(R + "/links", s.ReviewLink, "Record a joint or linked review"),
    Command(R + "/extensions", s.Extension, "Record an agreed later date for one rule"),
    # Records management (DOMAIN.md section 9; routes_records.py has the inquiry holds).
    Command(R + "/redactions", s.Redaction, "Record a redaction decision before publication"),
    Command(R + "/family-impact-check", s.FamilyImpactCheck, "Record the family-impact check before publication"),
    Command(R + "/retention", s.RetentionClassChoice, "Set the retention class the review is kept under"),
    Command(R + "/dispose", s.Disposal, "Dispose of the review's personal data after its retention period"),
)

add_commands(router, COMMANDS)
