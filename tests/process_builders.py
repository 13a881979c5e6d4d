"""Builders for DOMAIN.md section 8 (the process as it really runs), with every value worked out by hand.

Each builder records through the application (as the API does) and returns the review's id."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.review import CaseReview
from domain.review_values import Child, Incident
from domain.values import (
    AbuseOrNeglect,
    CloseOutcome,
    Evaluator,
    ExtensionAgreedWith,
    IncidentNature,
    InitiationDecision,
    LinkKind,
    NotificationSubject,
    PanelView,
    PlacementType,
    ProcurementRoute,
    Rating,
    Recipient,
    ReconsiderationReason,
    Regime,
    ReviewerRole,
    Sex,
    WithdrawalReason,
)
from tests.builders import BOARD, MET_CRITERIA, SHA, chair, ctx, decided_to_publish_in_full, notification


def record_reconsidered_and_republished(app: Any, case_ref: str = "SCR15-R") -> Any:
    """An SCR 2015 review not initiated, reconsidered after the Panel disagreed, then run, revised, published early
    with late copies (two recipients on two dates), withdrawn within twelve months and republished.

    Worked by hand (DOMAIN.md sections 4 and 8):
    - aware Mon 2 Mar 2015, notified Wed 4 Mar: notify_incident due Mon 9 Mar (5 working days), met.
    - first decision `no_review` Fri 20 Mar (criteria met: against the criteria until reconsidered):
      initiation_decision due Sat 4 Apr (one month after 4 Mar), met 20 Mar and stays met by it.
    - panel_told_not_initiating starts 20 Mar, due 3 Apr (14 days), met Fri 27 Mar by the notice to the Panel.
    - reconsidered to `initiate` Fri 17 Apr (the Panel disagreed on 10 Apr): complete_review starts 17 Apr,
      due Sat 17 Oct 2015; extension agreed to 18 Dec; accepted Mon 2 Nov: met_late, 16 days overdue,
      met_within_extension true; a revised report (10 Jan 2016) re-accepted 20 Jan 2016 leaves it there.
    - publication planned 1 Mar 2016, published early on Fri 26 Feb: pre_publication_copy is due 7 days before
      the actual date, Fri 19 Feb. Ofsted had a copy on 10 Feb, DfE only on Wed 24 Feb: met on 24 Feb, late by 5.
      (Measured against the plan and the first copy, as before, it read met: due 23 Feb, met 10 Feb.)
    - website_retention keeps until 26 Feb 2017; withdrawn 1 Jun 2016: withdrawn_early; republished 1 Jul 2016.
    """
    opened = app.open_review(
        ctx(),
        board_id=BOARD,
        **notification(
            case_ref,
            regime=Regime.SCR_2015,
            occurred_on=date(2015, 3, 1),
            la_aware_on=date(2015, 3, 2),
            notified_on=date(2015, 3, 4),
        ),
    )
    rid = opened.id
    act = app.act_on_review
    act(
        chair(),
        CaseReview.decide_initiation,
        rid,
        criteria=MET_CRITERIA,
        decision=InitiationDecision.NO_REVIEW,
        rationale="Single-agency learning already in hand",
        decided_on=date(2015, 3, 20),
    )
    act(
        ctx(),
        CaseReview.notify_panel,
        rid,
        recipients=(Recipient.NATIONAL_PANEL, Recipient.OFSTED),
        subject=NotificationSubject.NOT_INITIATING,
        sent_on=date(2015, 3, 27),
    )
    act(
        ctx(),
        CaseReview.link_review,
        rid,
        kind=LinkKind.JOINT_DHR,
        other_review_id=None,
        external_ref="DHR-2015-03",
        linked_on=date(2015, 4, 1),
        note="The mother's death is the subject of a domestic homicide review",
    )
    act(
        ctx(),
        CaseReview.receive_panel_advice,
        rid,
        subject=NotificationSubject.NOT_INITIATING,
        view=PanelView.DISAGREED,
        advice="The criteria are met: an SCR must be held",
        received_on=date(2015, 4, 10),
    )
    act(
        chair(),
        CaseReview.reconsider_initiation,
        rid,
        decision=InitiationDecision.INITIATE,
        criteria=MET_CRITERIA,
        reason=ReconsiderationReason.PANEL_DISAGREED,
        rationale="The Panel's advice accepted",
        decided_on=date(2015, 4, 17),
    )
    act(
        ctx(),
        CaseReview.agree_terms_of_reference,
        rid,
        scope_from=date(2013, 1, 1),
        scope_to=date(2015, 3, 1),
        methodology="SCIE Learning Together",
        equality_considerations="Ethnicity",
        agreed_on=date(2015, 4, 24),
    )
    act(
        ctx(),
        CaseReview.commission_reviewer,
        rid,
        name="C. Reviewer",
        role=ReviewerRole.LEAD_REVIEWER,
        procurement_route=ProcurementRoute.DIRECT_AWARD,
        contract_value_pence=900_000,
        independence_declared=True,
        commissioned_on=date(2015, 4, 28),
    )
    act(
        chair(),
        CaseReview.agree_extension,
        rid,
        rule="complete_review",
        new_due_on=date(2015, 12, 18),
        agreed_with=ExtensionAgreedWith.NATIONAL_PANEL,
        reason="Criminal trial timetable",
        agreed_on=date(2015, 9, 1),
    )
    act(
        ctx(),
        CaseReview.receive_draft_report,
        rid,
        version_label="v1",
        received_on=date(2015, 10, 1),
        document_sha256=SHA,
    )
    act(chair(), CaseReview.accept_report, rid, accepted_on=date(2015, 11, 2), board_response="Accepted")
    act(
        ctx(),
        CaseReview.revise_report,
        rid,
        version_label="v2",
        received_on=date(2016, 1, 10),
        document_sha256="b" * 64,
        reason="Evidence heard at the trial",
    )
    act(chair(), CaseReview.accept_report, rid, accepted_on=date(2016, 1, 20), board_response="Revision accepted")
    decided_to_publish_in_full(
        app, rid, decided_on=date(2016, 1, 25), planned_on=date(2016, 3, 1), assessed_on=date(2016, 1, 26)
    )
    act(chair(), CaseReview.check_family_impact, rid, on=date(2016, 1, 27), family_consulted=True, note="Father met")
    act(ctx(), CaseReview.send_pre_publication_copies, rid, recipients=(Recipient.OFSTED,), sent_on=date(2016, 2, 10))
    act(ctx(), CaseReview.send_pre_publication_copies, rid, recipients=(Recipient.DFE,), sent_on=date(2016, 2, 24))
    act(
        ctx(),
        CaseReview.publish,
        rid,
        url="https://example.org/scr15-r.pdf",
        published_on=date(2016, 2, 26),
        document_sha256="b" * 64,
    )
    act(
        chair(),
        CaseReview.withdraw_report,
        rid,
        withdrawn_on=date(2016, 6, 1),
        reason=WithdrawalReason.FACTUAL_ERROR,
        rationale="An agency's role was misstated",
    )
    act(
        ctx(),
        CaseReview.republish,
        rid,
        url="https://example.org/scr15-r-v3.pdf",
        published_on=date(2016, 7, 1),
        document_sha256="c" * 64,
        reason="Corrected version",
    )
    act(ctx(), CaseReview.deposit_with_nspcc, rid, deposited_on=date(2016, 7, 5), reference="NSPCC-2016-117")
    act(
        ctx(),
        CaseReview.record_evaluation,
        rid,
        evaluator=Evaluator.PEER,
        rating=Rating.GOOD,
        evaluated_on=date(2016, 8, 1),
        summary="Clear analysis",
    )
    return rid


def record_subsumed_cspr(app: Any, case_ref: str = "CSPR-SUB") -> Any:
    """A CSPR 2018 serious-harm notification naming three siblings, subsumed into a national review before its rapid
    review was due.

    Worked by hand: aware Fri 31 May 2019, notified Mon 3 Jun: notify_incident due Fri 7 Jun, met.
    rapid_review starts 3 Jun, due Mon 24 Jun (15 working days); closed as subsumed on Fri 14 Jun, unmet:
    `not_applicable`, never overdue (today it would be long overdue), counted neither within nor late.
    """
    children = (
        Child(pseudonym="Child S1", age_years=3, sex=Sex.FEMALE, placement_type=PlacementType.LIVING_AT_HOME),
        Child(
            pseudonym="Child S2",
            age_years=6,
            sex=Sex.MALE,
            child_in_need_plan=True,
            known_to_agencies=True,
            placement_type=PlacementType.LIVING_AT_HOME,
        ),
        Child(pseudonym="Child S3", age_years=9, sex=Sex.MALE),
    )
    incident = Incident(
        nature=IncidentNature.SERIOUS_HARM,
        abuse_or_neglect=AbuseOrNeglect.SUSPECTED,
        occurred_on=date(2019, 5, 30),
        la_aware_on=date(2019, 5, 31),
        la_of_incident="Durham",
        la_of_residence="Sunderland",
    )
    rid = app.open_review(
        ctx(),
        board_id=BOARD,
        case_ref=case_ref,
        regime=Regime.CSPR_2018,
        child=children[0],
        other_children=children[1:],
        statistics_child=1,
        incident=incident,
        notified_on=date(2019, 6, 3),
    ).id
    act = app.act_on_review
    act(
        ctx(),
        CaseReview.link_review,
        rid,
        kind=LinkKind.SUBSUMED_INTO,
        other_review_id=None,
        external_ref="National review 2019-1",
        linked_on=date(2019, 6, 10),
        note="Taken into the Panel's national review",
    )
    act(
        chair(),
        CaseReview.close,
        rid,
        on=date(2019, 6, 14),
        reason="Subsumed into the national review",
        outcome=CloseOutcome.SUBSUMED,
    )
    return rid


def record_looked_after_death_without_abuse(app: Any, case_ref: str = "CSPR-LAC") -> Any:
    """A looked-after child's death with no abuse or neglect suspected: notified, but no rapid review clock."""
    fields = notification(
        case_ref,
        regime=Regime.CSPR_2023,
        occurred_on=date(2024, 2, 1),
        la_aware_on=date(2024, 2, 1),
        notified_on=date(2024, 2, 2),
        incident=Incident(
            nature=IncidentNature.LOOKED_AFTER_DEATH,
            abuse_or_neglect=AbuseOrNeglect.NOT_SUSPECTED,
            occurred_on=date(2024, 2, 1),
            la_aware_on=date(2024, 2, 1),
        ),
    )
    return app.open_review(ctx(), board_id=BOARD, **fields).id


def record_corrected_siblings(app: Any, case_ref: str = "CSPR-SIB") -> Any:
    """A CSPR 2023 serious-harm notification naming two siblings, put right afterwards: the second child's pseudonym
    and age, the statistics child (now the second), and the awareness date.

    Worked by hand: aware Mon 4 Mar 2024 (corrected from Tue 5 Mar), notified Wed 6 Mar: notify_incident due Mon
    11 Mar (5 working days after 4 Mar; it was Tue 12 Mar), met 6 Mar. rapid_review starts 6 Mar, due Wed 27 Mar
    (15 working days; Good Friday is 29 Mar), open until then and overdue after."""
    incident = Incident(
        nature=IncidentNature.SERIOUS_HARM,
        abuse_or_neglect=AbuseOrNeglect.KNOWN,
        occurred_on=date(2024, 3, 2),
        la_aware_on=date(2024, 3, 5),
    )
    opened = app.open_review(
        ctx(),
        board_id=BOARD,
        case_ref=case_ref,
        regime=Regime.CSPR_2023,
        child=Child(pseudonym="Child T1", age_years=4, sex=Sex.MALE),
        other_children=(Child(pseudonym="Child T2", age_years=1, sex=Sex.FEMALE),),
        incident=incident,
        notified_on=date(2024, 3, 6),
    )
    for field, value in (
        ("other_children.0.pseudonym", "Child T3"),
        ("other_children.0.age_years", 2),
        ("statistics_child", 1),
        ("incident.la_aware_on", "2024-03-04"),
    ):
        app.correct(ctx(), opened.id, corrects_position=opened.position, field=field, value=value, reason="Referral")
    return opened.id


def record_process(app: Any) -> list[Any]:
    """Every section 8 builder (a board must be registered)."""
    return [
        record_reconsidered_and_republished(app),
        record_subsumed_cspr(app),
        record_looked_after_death_without_abuse(app),
        record_corrected_siblings(app),
    ]


__all__ = [
    "record_corrected_siblings",
    "record_looked_after_death_without_abuse",
    "record_process",
    "record_reconsidered_and_republished",
    "record_subsumed_cspr",
]
