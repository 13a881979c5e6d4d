"""Builders for tests: actors, contexts and the public timelines of DOMAIN.md section 7."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import uuid4

from domain.base import Context
from domain.learning_action import LearningAction
from domain.learning_values import DisseminationKind, MonitoringKind
from domain.record_values import RedactionParty, RedactionReason
from domain.review import CaseReview
from domain.review_values import Child, Criteria, Incident
from domain.values import (
    AbuseOrNeglect,
    Actor,
    AgencyReportKind,
    AssuranceOutcome,
    CostCategory,
    CostEntryKind,
    HoldKind,
    IncidentNature,
    InitiationDecision,
    NotificationSubject,
    PanelView,
    ProcurementRoute,
    PublicationOption,
    Rag,
    RapidReviewOutcome,
    Recipient,
    RecommendationScope,
    Regime,
    ReviewerRole,
    RiskLevel,
    Role,
    Sex,
    StaffActivity,
)

TODAY = date(2026, 11, 27)
BOARD = "birmingham"


def ctx(
    role: Role = Role.BOARD_MANAGER, board: str | None = BOARD, *, agency: str | None = None, today: date = TODAY
) -> Context:
    """A command context for a user in a role (board roles on the test board by default)."""
    return Context(Actor(user=f"{role}-user", role=role, board=board, agency=agency), uuid4(), today)


def chair(board: str = BOARD) -> Context:
    return ctx(Role.BOARD_CHAIR, board)


def admin() -> Context:
    return ctx(Role.ADMIN, None)


def notification(
    case_ref: str = "KI-2008",
    *,
    regime: Regime = Regime.SCR_2013,
    occurred_on: date = date(2008, 5, 17),
    la_aware_on: date = date(2008, 5, 17),
    notified_on: date = date(2008, 5, 19),
    **overrides: Any,
) -> dict[str, Any]:
    """A serious incident notification: by default Khyra Ishaq's (Birmingham, died 17 May 2008)."""
    fields: dict[str, Any] = {
        "case_ref": case_ref,
        "regime": regime,
        "child": Child(pseudonym="Child K", age_years=7, sex=Sex.FEMALE, looked_after=False),
        "incident": Incident(
            nature=IncidentNature.DEATH,
            abuse_or_neglect=AbuseOrNeglect.KNOWN,
            occurred_on=occurred_on,
            la_aware_on=la_aware_on,
            description="Died of starvation at home",
        ),
        "notified_on": notified_on,
    }
    fields.update(overrides)
    return fields


MET_CRITERIA = Criteria(abuse_or_neglect=True, died=True, seriously_harmed=False, concern_about_joint_working=True)
UNMET_CRITERIA = Criteria(abuse_or_neglect=False, died=True, seriously_harmed=False, concern_about_joint_working=False)
SHA = "a" * 64
# One staff-time entry: the command the concurrency tests send many times over.
STAFF_TIME: dict[str, Any] = {
    "agency": "health",
    "activity": StaffActivity.MEETING,
    "hours": Decimal("1.5"),
    "on": date(2008, 6, 1),
    "rate_pence_per_hour": None,
}


def initiate(app: Any, rid: Any, *, board: str = BOARD, rationale: str, decided_on: date) -> Any:
    """The chair initiates a review whose reg 5(2) criteria are met."""
    return app.act_on_review(
        chair(board),
        CaseReview.decide_initiation,
        rid,
        criteria=MET_CRITERIA,
        decision=InitiationDecision.INITIATE,
        rationale=rationale,
        decided_on=decided_on,
    )


def decided_to_publish_in_full(
    app: Any,
    rid: Any,
    *,
    decided_on: date,
    planned_on: date,
    assessed_on: date,
    board: str = BOARD,
    rationale: str = "Public interest",
    communications_plan: str = "Joint statement",
) -> None:
    """The chair decides to publish in full; the board's manager assesses the risk (high, national interest)."""
    app.act_on_review(
        chair(board),
        CaseReview.decide_publication,
        rid,
        option=PublicationOption.FULL,
        rationale=rationale,
        planned_on=planned_on,
        decided_on=decided_on,
    )
    app.act_on_review(
        ctx(board=board),
        CaseReview.assess_risk,
        rid,
        reputational_risk=RiskLevel.HIGH,
        media_interest="National",
        communications_plan=communications_plan,
        assessed_on=assessed_on,
    )


def set_up_khyra_ishaq(app: Any, rid: Any) -> None:
    """Khyra Ishaq's review set up: terms of reference agreed 10 June 2008 (scope 2006 to her death on 17 May 2008),
    an overview author commissioned 12 June 2008 by direct award for £12,000 (n/f: chosen for the tests)."""
    app.act_on_review(
        ctx(),
        CaseReview.agree_terms_of_reference,
        rid,
        scope_from=date(2006, 1, 1),
        scope_to=date(2008, 5, 17),
        methodology="SCIE Learning Together",
        equality_considerations="Home education; faith",
        agreed_on=date(2008, 6, 10),
    )
    app.act_on_review(
        ctx(),
        CaseReview.commission_reviewer,
        rid,
        name="A. Reviewer",
        role=ReviewerRole.OVERVIEW_AUTHOR,
        procurement_route=ProcurementRoute.DIRECT_AWARD,
        contract_value_pence=1_200_000,
        independence_declared=True,
        commissioned_on=date(2008, 6, 12),
    )


def record_every_event(app: Any) -> Any:
    """Drive one SCR through every kind of event (Khyra Ishaq's dates); returns the review id.

    `app` is a service.application.CaseReviews. Every command of API.md is sent once at least."""

    app.register_board(admin(), board_id=BOARD, name="Birmingham SCB", local_authority="Birmingham")
    app.record_contribution(admin(), BOARD, agency="police", financial_year="2008-09", amount_pence=500_000)
    rid = app.open_review(ctx(), board_id=BOARD, **notification()).id
    act = app.act_on_review
    decision = initiate(
        app,
        rid,
        rationale="Child died; neglect known; agencies' joint working in question",
        decided_on=date(2008, 5, 23),
    )
    act(
        ctx(),
        CaseReview.notify_panel,
        rid,
        recipients=(Recipient.OFSTED, Recipient.NATIONAL_PANEL),
        subject=NotificationSubject.INITIATION,
        sent_on=date(2008, 5, 27),
    )
    act(
        ctx(),
        CaseReview.receive_panel_advice,
        rid,
        subject=NotificationSubject.INITIATION,
        view=PanelView.AGREED,
        advice="Agree an SCR is needed",
        received_on=date(2008, 6, 2),
    )
    set_up_khyra_ishaq(app, rid)
    report = act(
        ctx(today=date(2008, 6, 13)),
        CaseReview.request_agency_report,
        rid,
        agency="police",
        kind=AgencyReportKind.IMR,
        due_on=date(2008, 9, 1),
    ).created
    act(ctx(), CaseReview.receive_agency_report, rid, report_id=report, on=date(2008, 8, 28))
    declined = act(
        ctx(today=date(2008, 6, 13)),
        CaseReview.request_agency_report,
        rid,
        agency="education",
        kind=AgencyReportKind.CHRONOLOGY,
        due_on=date(2008, 9, 1),
    ).created
    act(ctx(), CaseReview.decline_agency_report, rid, report_id=declined, on=date(2008, 8, 1), reason="No records held")
    hold = act(
        ctx(),
        CaseReview.place_legal_hold,
        rid,
        kind=HoldKind.CRIMINAL_PROCEEDINGS,
        reference="R v Ishaq",
        blocks_publication=True,
        placed_on=date(2008, 6, 1),
    ).created
    entry = app.record_cost(
        ctx(),
        rid,
        entry=CostEntryKind.INVOICE,
        category=CostCategory.LEGAL_ADVICE,
        amount_pence=250_000,
        paying_agency="local_authority",
        on=date(2009, 1, 5),
        description="Counsel's advice",
    )
    app.record_cost(
        ctx(),
        rid,
        entry=CostEntryKind.REVERSAL,
        category=CostCategory.LEGAL_ADVICE,
        amount_pence=250_000,
        paying_agency="local_authority",
        on=date(2009, 1, 6),
        description="Entered against the wrong review",
        reverses=entry.position,
    )
    act(
        ctx(),
        CaseReview.record_staff_time,
        rid,
        agency="health",
        activity=StaffActivity.MEETING,
        hours=Decimal("6.5"),
        on=date(2008, 7, 1),
        rate_pence_per_hour=4_000,
    )
    act(
        ctx(),
        CaseReview.receive_draft_report,
        rid,
        version_label="v1",
        received_on=date(2009, 11, 2),
        document_sha256=SHA,
    )
    act(
        ctx(),
        CaseReview.make_recommendation,
        rid,
        ref="R1",
        text="Elective home education checks",
        scope=RecommendationScope.NATIONAL,
    )
    act(ctx(), CaseReview.lift_legal_hold, rid, hold_id=hold, lifted_on=date(2010, 3, 2), outcome="Sentenced")
    act(chair(), CaseReview.accept_report, rid, accepted_on=date(2010, 5, 10), board_response="Accepted in full")
    decided_to_publish_in_full(
        app, rid, decided_on=date(2010, 6, 1), planned_on=date(2010, 7, 27), assessed_on=date(2010, 6, 20)
    )
    act(
        ctx(),
        CaseReview.record_redaction,
        rid,
        item="The name of the child's former school",
        reason=RedactionReason.IDENTIFIES_CHILD,
        agreed_with=(RedactionParty.POLICE, RedactionParty.FAMILY),
        decided_on=date(2010, 6, 21),
    )
    act(
        chair(),
        CaseReview.check_family_impact,
        rid,
        on=date(2010, 6, 22),
        family_consulted=True,
        note="The child's grandmother met the chair",
    )
    act(
        ctx(),
        CaseReview.send_pre_publication_copies,
        rid,
        recipients=(Recipient.OFSTED, Recipient.DFE),
        sent_on=date(2010, 7, 15),
    )
    act(
        ctx(),
        CaseReview.publish,
        rid,
        url="https://example.org/khyra-ishaq-scr.pdf",
        published_on=date(2010, 7, 27),
        document_sha256=SHA,
    )
    app.correct(
        chair(),  # the decision is the chair's: only the chair may correct it
        rid,
        corrects_position=decision.position,
        field="decided_on",
        value="2008-05-23",
        reason="Confirmed against the board minutes",
    )
    action = app.agree_action(
        ctx(),
        review_id=rid,
        recommendation_ref="R1",
        text="Audit home education checks",
        lead_agency="education",
        owner="Head of EHE",
        target_on=date(2011, 3, 31),
        success_measure="All children checked",
    ).id
    lead = ctx(Role.AGENCY_LEAD, agency="education")
    app.act_on_action(
        lead, LearningAction.report_progress, action, rag=Rag.AMBER, note="Half done", on=date(2010, 12, 1)
    )
    app.act_on_action(
        lead, LearningAction.add_evidence, action, description="Audit report", document_sha256=SHA, on=date(2011, 2, 1)
    )
    app.act_on_action(
        ctx(), LearningAction.change_target, action, target_on=date(2011, 6, 30), reason="Waiting for audit"
    )
    app.act_on_action(lead, LearningAction.claim_completion, action, on=date(2011, 6, 1), note="Complete")
    app.act_on_action(
        ctx(),
        LearningAction.assess_completion,
        action,
        outcome=AssuranceOutcome.ASSURED,
        on=date(2011, 6, 15),
        note="Evidence seen",
    )
    app.act_on_action(ctx(), LearningAction.reopen_action, action, on=date(2012, 1, 5), reason="Ofsted found gaps")
    act(chair(), CaseReview.close, rid, on=date(2012, 7, 27), reason="Actions monitored for 12 months")
    act(chair(), CaseReview.reopen, rid, on=date(2012, 8, 1), reason="Re-submitted after an inadequate rating")
    act(ctx(), CaseReview.tag_themes, rid, themes=("neglect", "voice_of_the_child"), tagged_on=date(2012, 8, 2))
    act(
        ctx(),
        CaseReview.record_finding,
        rid,
        ref="F1",
        text="No agency saw the child at home; the father's role was not explored",
        themes=("voice_of_the_child", "working_with_fathers"),
        recorded_on=date(2012, 8, 2),
    )
    act(
        ctx(),
        CaseReview.record_dissemination,
        rid,
        kind=DisseminationKind.SEVEN_MINUTE_BRIEFING,
        held_on=date(2012, 9, 5),
        audience_agencies=("health", "education"),
        attendees={"health": 14, "education": 22},
        note="Elective home education briefing",
    )
    return rid


def record_cspr_published_under_override(app: Any, case_ref: str = "CSPR-1") -> Any:
    """A CSPR: rapid review, LCSPR, a blocking hold overridden by the chair, improvements-only publication."""

    cspr = notification(
        case_ref,
        regime=Regime.CSPR_2018,
        occurred_on=date(2019, 3, 1),
        la_aware_on=date(2019, 3, 1),
        notified_on=date(2019, 3, 5),
    )
    rid = app.open_review(ctx(), board_id=BOARD, **cspr).id
    act = app.act_on_review
    act(
        ctx(),
        CaseReview.complete_rapid_review,
        rid,
        completed_on=date(2019, 3, 22),
        outcome=RapidReviewOutcome.LCSPR,
        rationale="Learning about joint working",
    )
    initiate(app, rid, rationale="Rapid review recommends a local review", decided_on=date(2019, 3, 25))
    act(
        ctx(),
        CaseReview.agree_terms_of_reference,
        rid,
        scope_from=date(2018, 1, 1),
        scope_to=date(2019, 3, 1),
        methodology="Systems",
        equality_considerations="Disability",
        agreed_on=date(2019, 4, 1),
    )
    act(ctx(), CaseReview.record_monitoring, rid, kind=MonitoringKind.TIME_CHECK, on=date(2019, 4, 2), note="On track")
    act(
        ctx(),
        CaseReview.commission_reviewer,
        rid,
        name="B. Reviewer",
        role=ReviewerRole.LEAD_REVIEWER,
        procurement_route=ProcurementRoute.FRAMEWORK,
        contract_value_pence=800_000,
        independence_declared=True,
        commissioned_on=date(2019, 4, 2),
    )
    hold = act(
        ctx(),
        CaseReview.place_legal_hold,
        rid,
        kind=HoldKind.POLICE_INVESTIGATION,
        reference="Op X",
        blocks_publication=True,
        placed_on=date(2019, 3, 2),
    ).created
    act(
        ctx(),
        CaseReview.receive_draft_report,
        rid,
        version_label="final",
        received_on=date(2019, 8, 1),
        document_sha256=SHA,
    )
    act(chair(), CaseReview.accept_report, rid, accepted_on=date(2019, 8, 20), board_response="Accepted")
    act(
        chair(),
        CaseReview.decide_publication,
        rid,
        option=PublicationOption.IMPROVEMENTS_ONLY,
        rationale="Prosecution still being considered",
        planned_on=date(2019, 9, 20),
        decided_on=date(2019, 8, 21),
    )
    act(
        ctx(),
        CaseReview.assess_risk,
        rid,
        reputational_risk=RiskLevel.MEDIUM,
        media_interest="Local",
        communications_plan="Briefing",
        assessed_on=date(2019, 8, 25),
    )
    act(
        chair(),
        CaseReview.override_hold_for_publication,
        rid,
        hold_id=hold,
        rationale="Improvements information names no one; police content agreed",
        decided_on=date(2019, 9, 1),
    )
    act(
        ctx(),
        CaseReview.publish,
        rid,
        url="https://example.org/cspr-1",
        published_on=date(2019, 9, 20),
        document_sha256=SHA,
    )
    return rid


def record_daniel_pelka(app: Any) -> Any:
    """Daniel Pelka (Coventry LSCB), SCR 2013 rules: overlapping holds, ledger entries around 1 April, actions.

    Published dates: died Saturday 3 March 2012, conviction July 2013, published 17 September 2013.
    Other dates (n/f in the sources) are chosen for the tests. Returns the review id."""
    board = "coventry"
    manager = ctx(board=board)
    app.register_board(admin(), board_id=board, name="Coventry LSCB", local_authority="Coventry")
    for agency, year, pence in (("police", "2012-13", 500_000), ("police", "2013-14", 500_000)):
        app.record_contribution(admin(), board, agency=agency, financial_year=year, amount_pence=pence)
    app.record_contribution(admin(), board, agency="local_authority", financial_year="2013-14", amount_pence=2_000_000)
    pelka = notification(
        "DP-2012", occurred_on=date(2012, 3, 3), la_aware_on=date(2012, 3, 3), notified_on=date(2012, 3, 12)
    )
    pelka["child"] = Child(pseudonym="Child D", age_years=4, sex=Sex.MALE)
    rid = app.open_review(manager, board_id=board, **pelka).id
    act = app.act_on_review
    initiate(app, rid, board=board, rationale="Child died; abuse known", decided_on=date(2012, 3, 20))
    holds = [
        act(
            manager,
            CaseReview.place_legal_hold,
            rid,
            kind=kind,
            reference=ref,
            blocks_publication=True,
            placed_on=placed,
        ).created
        for kind, ref, placed in (
            (HoldKind.POLICE_INVESTIGATION, "Op Pelka", date(2012, 3, 5)),
            (HoldKind.CRIMINAL_PROCEEDINGS, "R v Luczak and Krezolek", date(2012, 6, 1)),
        )
    ]
    act(
        manager,
        CaseReview.agree_terms_of_reference,
        rid,
        scope_from=date(2011, 1, 1),
        scope_to=date(2012, 3, 3),
        methodology="SCIE Learning Together",
        equality_considerations="Language; family recently arrived in England",
        agreed_on=date(2012, 4, 2),
    )
    act(
        manager,
        CaseReview.commission_reviewer,
        rid,
        name="C. Reviewer",
        role=ReviewerRole.LEAD_REVIEWER,
        procurement_route=ProcurementRoute.TENDER,
        contract_value_pence=1_500_000,
        independence_declared=True,
        commissioned_on=date(2012, 4, 10),
    )
    _pelka_ledger(app, manager, rid)
    act(
        manager,
        CaseReview.receive_draft_report,
        rid,
        version_label="v1",
        received_on=date(2013, 7, 1),
        document_sha256=SHA,
    )
    for hold in holds:
        act(
            manager,
            CaseReview.lift_legal_hold,
            rid,
            hold_id=hold,
            lifted_on=date(2013, 8, 2),
            outcome="Convicted of murder",
        )
    for ref in ("R1", "R2", "R3"):
        act(
            manager,
            CaseReview.make_recommendation,
            rid,
            ref=ref,
            text=f"Recommendation {ref}",
            scope=RecommendationScope.LOCAL,
        )
    act(
        chair(board),
        CaseReview.accept_report,
        rid,
        accepted_on=date(2013, 8, 20),
        board_response="Accepted after trial",
    )
    decided_to_publish_in_full(
        app, rid, decided_on=date(2013, 8, 22), planned_on=date(2013, 9, 17), assessed_on=date(2013, 9, 2), board=board
    )
    act(chair(board), CaseReview.check_family_impact, rid, on=date(2013, 9, 3), family_consulted=False, note="")
    copies = (Recipient.OFSTED, Recipient.DFE)
    act(manager, CaseReview.send_pre_publication_copies, rid, recipients=copies, sent_on=date(2013, 9, 9))
    url = "https://example.org/daniel-pelka"
    act(manager, CaseReview.publish, rid, url=url, published_on=date(2013, 9, 17), document_sha256=SHA)
    _pelka_actions(app, board, rid)
    return rid


def _pelka_ledger(app: Any, manager: Context, rid: Any) -> None:
    """Entries either side of 1 April 2013, an invoice reversed in the next year, and costed staff time."""

    def cost(entry: CostEntryKind, category: CostCategory, pence: int, payer: str, on: date, **extra: Any) -> Any:
        return app.record_cost(
            manager,
            rid,
            entry=entry,
            category=category,
            amount_pence=pence,
            paying_agency=payer,
            on=on,
            description=f"{entry} {category}",
            **extra,
        )

    cost(CostEntryKind.INVOICE, CostCategory.LEAD_REVIEWER, 600_000, "board", date(2013, 3, 28))
    cost(CostEntryKind.PAYMENT, CostCategory.LEAD_REVIEWER, 600_000, "board", date(2013, 4, 2))
    wrong = cost(CostEntryKind.INVOICE, CostCategory.LEGAL_ADVICE, 90_000, "local_authority", date(2013, 3, 29))
    cost(
        CostEntryKind.REVERSAL,
        CostCategory.LEGAL_ADVICE,
        90_000,
        "local_authority",
        date(2013, 4, 3),
        reverses=wrong.position,
    )
    cost(CostEntryKind.PAYMENT, CostCategory.VENUE_ADMIN, 12_000, "board", date(2013, 3, 31))
    cost(CostEntryKind.PAYMENT, CostCategory.VENUE_ADMIN, 30_000, "board", date(2013, 4, 1))
    for agency, activity, hours, on, rate in (
        ("police", StaffActivity.INTERVIEW, "2.5", date(2013, 3, 31), 333),
        ("health", StaffActivity.MEETING, "0.25", date(2013, 4, 1), 2),
        ("education", StaffActivity.TRAINING, "3", date(2013, 4, 1), None),
    ):
        app.act_on_review(
            manager,
            CaseReview.record_staff_time,
            rid,
            agency=agency,
            activity=activity,
            hours=Decimal(hours),
            on=on,
            rate_pence_per_hour=rate,
        )


def _pelka_actions(app: Any, board: str, rid: Any) -> None:
    """Police: red and open; health: green, evidenced and assured; education: completed late, not assured."""
    manager = ctx(board=board)
    ids = {
        agency: app.agree_action(
            manager,
            review_id=rid,
            recommendation_ref=ref,
            text=text,
            lead_agency=agency,
            owner=owner,
            target_on=target,
            success_measure="Audited",
        ).id
        for agency, ref, text, owner, target in (
            ("police", "R1", "Flag missed appointments", "DCI Lead", date(2014, 3, 31)),
            ("health", "R2", "Paediatric weight checks", "Named nurse", date(2014, 6, 30)),
            ("education", "R3", "Follow up non-attendance", "Head teacher", date(2014, 1, 31)),
        )
    }

    def lead(agency: str) -> Context:
        return ctx(Role.AGENCY_LEAD, board, agency=agency)

    police = ids["police"]
    app.act_on_action(
        lead("police"), LearningAction.report_progress, police, rag=Rag.RED, note="Stalled", on=date(2014, 2, 1)
    )
    health = ids["health"]
    app.act_on_action(
        lead("health"), LearningAction.report_progress, health, rag=Rag.GREEN, note="On track", on=date(2014, 1, 10)
    )
    for n in (1, 2):
        app.act_on_action(
            lead("health"),
            LearningAction.add_evidence,
            health,
            description=f"Audit {n}",
            document_sha256=SHA,
            on=date(2014, 2, n),
        )
    app.act_on_action(lead("health"), LearningAction.claim_completion, health, on=date(2014, 3, 1), note="Done")
    app.act_on_action(
        manager,
        LearningAction.assess_completion,
        health,
        outcome=AssuranceOutcome.ASSURED,
        on=date(2014, 3, 17),
        note="Seen",
    )
    app.act_on_action(
        lead("education"), LearningAction.claim_completion, ids["education"], on=date(2014, 2, 15), note="Done"
    )


def record_bradford_hd(app: Any) -> Any:
    """Bradford "HD": died Sunday 16 July 2006, SCR commissioned August 2006, overview report to Ofsted
    22 November 2007, rated inadequate 4 September 2008, re-submitted 27 February 2009 (other dates n/f,
    chosen). A panel chair's commitment is reversed. Returns the review id."""
    board = "bradford"
    manager = ctx(board=board)
    app.register_board(admin(), board_id=board, name="Bradford LSCB", local_authority="Bradford")
    hd = notification(
        "HD-2006", occurred_on=date(2006, 7, 16), la_aware_on=date(2006, 7, 16), notified_on=date(2006, 7, 19)
    )
    hd["child"] = Child(pseudonym="Child HD", age_years=0, sex=Sex.UNKNOWN)
    rid = app.open_review(manager, board_id=board, **hd).id
    act = app.act_on_review
    initiate(app, rid, board=board, rationale="Child died; neglect suspected", decided_on=date(2006, 8, 10))
    act(
        manager,
        CaseReview.agree_terms_of_reference,
        rid,
        scope_from=date(2005, 1, 1),
        scope_to=date(2006, 7, 16),
        methodology="Overview report",
        equality_considerations="None recorded",
        agreed_on=date(2006, 8, 24),
    )
    chair_commitment = None
    for name, role, pence in (
        ("D. Author", ReviewerRole.OVERVIEW_AUTHOR, 900_000),
        ("E. Chair", ReviewerRole.PANEL_CHAIR, 150_000),
    ):
        chair_commitment = act(
            manager,
            CaseReview.commission_reviewer,
            rid,
            name=name,
            role=role,
            procurement_route=ProcurementRoute.DIRECT_AWARD,
            contract_value_pence=pence,
            independence_declared=True,
            commissioned_on=date(2006, 9, 1),
        )
    app.record_cost(
        manager,
        rid,
        entry=CostEntryKind.REVERSAL,
        category=CostCategory.PANEL_CHAIR,
        amount_pence=150_000,
        paying_agency="board",
        on=date(2006, 9, 5),
        description="Panel chair withdrew",
        reverses=chair_commitment.position,
    )
    act(
        manager,
        CaseReview.receive_draft_report,
        rid,
        version_label="v1",
        received_on=date(2007, 10, 1),
        document_sha256=SHA,
    )
    act(
        chair(board),
        CaseReview.accept_report,
        rid,
        accepted_on=date(2007, 11, 22),
        board_response="Submitted to Ofsted",
    )
    act(chair(board), CaseReview.close, rid, on=date(2007, 12, 1), reason="Overview report submitted to Ofsted")
    act(chair(board), CaseReview.reopen, rid, on=date(2008, 9, 4), reason="Ofsted rated the review inadequate")
    act(chair(board), CaseReview.close, rid, on=date(2009, 2, 27), reason="Re-submitted to Ofsted")
    return rid
