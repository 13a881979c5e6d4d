"""The demonstration data: boards, reviews in every stage, costs, holds and learning actions.

Built from the public timelines of DOMAIN.md section 7 (Khyra Ishaq, Daniel Pelka, Bradford "HD") and
synthetic CSPRs dated relative to today, so some deadlines are always overdue. Loading twice changes
nothing: the boards are registered once, and a second load stops there."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, ParamSpec
from uuid import UUID, uuid4

from domain.base import Context
from domain.calendar import london_today
from domain.errors import Duplicate
from domain.learning_action import LearningAction
from domain.learning_values import DisseminationKind, MonitoringKind
from domain.record_values import RedactionParty, RedactionReason
from domain.review import NAMING_OPTIONS, CaseReview
from domain.review_values import Child, Criteria, Incident
from domain.rules import REQUIRED_COPY_RECIPIENTS
from domain.values import (
    AbuseOrNeglect,
    Actor,
    AgencyReportKind,
    AssuranceOutcome,
    CloseOutcome,
    CostCategory,
    CostEntryKind,
    Evaluator,
    HoldKind,
    IncidentNature,
    InitiationDecision,
    LinkKind,
    NotificationSubject,
    ProcurementRoute,
    PublicationOption,
    Rag,
    RapidReviewOutcome,
    Rating,
    Recipient,
    RecommendationScope,
    Regime,
    ReviewerRole,
    RiskLevel,
    Role,
    Sex,
    StaffActivity,
    WithdrawalReason,
)
from service.application import ActionCommand, CaseReviews, CommandResult, ReviewCommand

BOARDS = {
    "birmingham": ("Birmingham Safeguarding Children Board", "Birmingham City Council"),
    "coventry": ("Coventry Local Safeguarding Children Board", "Coventry City Council"),
    "bradford": ("Bradford Safeguarding Children Board", "City of Bradford Metropolitan District Council"),
    "durham": ("Durham Safeguarding Children Partnership", "Durham County Council"),
}
MET = Criteria(abuse_or_neglect=True, died=True, seriously_harmed=False, concern_about_joint_working=True)
HARMED = Criteria(abuse_or_neglect=True, died=False, seriously_harmed=True, concern_about_joint_working=True)
P = ParamSpec("P")
SHA = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"


def created(result: CommandResult) -> UUID:
    """The id of what a command created inside its review (a hold, an agency report)."""
    if result.created is None:
        raise ValueError("the command created nothing")
    return result.created


class DemoReview:
    """One review recorded step by step by a board's manager and chair, each on the business date."""

    def __init__(
        self,
        app: CaseReviews,
        board: str,
        case_ref: str,
        regime: Regime,
        role: Role = Role.BOARD_MANAGER,
        today: date | None = None,
    ) -> None:
        self.app, self.board, self.case_ref, self.regime = app, board, case_ref, regime
        self.role, self.today = role, today
        self.id: UUID = app.review_id(board, case_ref)

    def by(self, role: Role, today: date | None = None) -> DemoReview:
        """The same review, acted on by another role (or on another business date)."""
        return DemoReview(self.app, self.board, self.case_ref, self.regime, role, today)

    def ctx(self, role: Role = Role.BOARD_MANAGER, on: date | None = None, agency: str | None = None) -> Context:
        user = f"demo-{role}@{self.board}"
        return Context(Actor(user=user, role=role, board=self.board, agency=agency), uuid4(), on or london_today())

    def notify(
        self,
        pseudonym: str,
        age: int,
        sex: Sex,
        nature: IncidentNature,
        occurred: date,
        notified: date,
        what: str,
        siblings: tuple[Child, ...] = (),
    ) -> DemoReview:
        incident = Incident(
            nature=nature,
            abuse_or_neglect=AbuseOrNeglect.KNOWN,
            occurred_on=occurred,
            la_aware_on=occurred,
            description=what,
        )
        self.app.open_review(
            self.ctx(),
            board_id=self.board,
            case_ref=self.case_ref,
            regime=self.regime,
            child=Child(pseudonym=pseudonym, age_years=age, sex=sex),
            other_children=siblings,
            incident=incident,
            notified_on=notified,
        )
        return self

    def act(self, command: ReviewCommand[P], /, *args: P.args, **fields: P.kwargs) -> CommandResult:
        return self.app.act_on_review(self.ctx(self.role, self.today), command, self.id, None, *args, **fields)

    def rapid_review(self, on: date, outcome: RapidReviewOutcome = RapidReviewOutcome.LCSPR) -> DemoReview:
        self.act(
            CaseReview.complete_rapid_review,
            completed_on=on,
            outcome=outcome,
            rationale="Rapid review: learning about how agencies worked together",
        )
        return self

    def initiate(
        self,
        on: date,
        criteria: Criteria = MET,
        decision: InitiationDecision = InitiationDecision.INITIATE,
        why: str = "The reg 5(2) criteria are met",
    ) -> DemoReview:
        self.by(Role.BOARD_CHAIR).act(
            CaseReview.decide_initiation, criteria=criteria, decision=decision, rationale=why, decided_on=on
        )
        subject = NotificationSubject.INITIATION if decision.initiates else NotificationSubject.NOT_INITIATING
        # Before June 2013 there was no National Panel to tell: Ofsted was.
        panel = () if self.regime is Regime.SCR_2006 else (Recipient.NATIONAL_PANEL,)
        self.act(
            CaseReview.notify_panel,
            recipients=(Recipient.OFSTED, *panel),
            subject=subject,
            sent_on=on + timedelta(days=2),
        )
        return self

    def set_up(self, on: date, reviewer: str, fee_pence: int) -> DemoReview:
        """Terms of reference, a reviewer, two agency reports (one late), the first costs and staff time."""
        self.act(
            CaseReview.agree_terms_of_reference,
            scope_from=on - timedelta(days=730),
            scope_to=on,
            methodology="SCIE Learning Together systems model",
            equality_considerations="Ethnicity; disability",
            agreed_on=on + timedelta(days=7),
        )
        self.act(
            CaseReview.commission_reviewer,
            name=reviewer,
            role=ReviewerRole.LEAD_REVIEWER,
            procurement_route=ProcurementRoute.FRAMEWORK,
            contract_value_pence=fee_pence,
            independence_declared=True,
            commissioned_on=on + timedelta(days=10),
        )
        police = created(
            self.by(Role.BOARD_MANAGER, on + timedelta(days=10)).act(
                CaseReview.request_agency_report,
                agency="police",
                kind=AgencyReportKind.IMR,
                due_on=on + timedelta(days=60),
            )
        )
        self.act(CaseReview.receive_agency_report, report_id=police, on=on + timedelta(days=55))
        self.by(Role.BOARD_MANAGER, on + timedelta(days=10)).act(
            CaseReview.request_agency_report,
            agency="health",
            kind=AgencyReportKind.IMR,
            due_on=on + timedelta(days=60),
        )
        self.cost(CostEntryKind.INVOICE, CostCategory.VENUE_ADMIN, 45_000, on + timedelta(days=40))
        self.act(
            CaseReview.record_staff_time,
            agency="health",
            activity=StaffActivity.AGENCY_REPORT,
            hours=Decimal("14.5"),
            on=on + timedelta(days=50),
            rate_pence_per_hour=3_800,
        )
        return self

    def cost(self, entry: CostEntryKind, category: CostCategory, pence: int, on: date, **more: Any) -> Any:
        return self.app.record_cost(
            self.ctx(),
            self.id,
            entry=entry,
            category=category,
            amount_pence=pence,
            paying_agency="local_authority",
            on=on,
            description=f"{category} {entry}",
            **more,
        )

    def hold(self, kind: HoldKind, reference: str, on: date) -> UUID:
        placed = self.act(
            CaseReview.place_legal_hold, kind=kind, reference=reference, blocks_publication=True, placed_on=on
        )
        return created(placed)

    def report(self, draft: date, accepted: date, recommendations: int = 2) -> DemoReview:
        self.act(CaseReview.receive_draft_report, version_label="final", received_on=draft, document_sha256=SHA)
        for n in range(1, recommendations + 1):
            self.act(
                CaseReview.make_recommendation,
                ref=f"R{n}",
                text=f"Recommendation {n} of the review",
                scope=RecommendationScope.LOCAL if n % 2 else RecommendationScope.NATIONAL,
            )
        self.by(Role.BOARD_CHAIR).act(
            CaseReview.accept_report, accepted_on=accepted, board_response="Accepted with an action plan"
        )
        return self

    def publish(
        self,
        decided: date,
        published: date | None,
        option: PublicationOption = PublicationOption.FULL,
    ) -> DemoReview:
        self.by(Role.BOARD_CHAIR).act(
            CaseReview.decide_publication,
            option=option,
            rationale="Public interest in the learning",
            planned_on=published,
            decided_on=decided,
        )
        self.act(
            CaseReview.assess_risk,
            reputational_risk=RiskLevel.HIGH,
            media_interest="National press",
            communications_plan="Joint statement by partners",
            assessed_on=decided + timedelta(days=3),
        )
        if option in NAMING_OPTIONS:
            # Publication in full or anonymised tells the family's story: redactions, then the family-impact check.
            self.act(
                CaseReview.record_redaction,
                item="The name of the child's school and the street the family lived in",
                reason=RedactionReason.IDENTIFIES_CHILD,
                agreed_with=(RedactionParty.POLICE, RedactionParty.FAMILY),
                decided_on=decided + timedelta(days=3),
            )
            self.by(Role.BOARD_CHAIR).act(
                CaseReview.check_family_impact,
                on=decided + timedelta(days=3),
                family_consulted=True,
                note="The chair met the child's mother before publication",
            )
        if published is not None:
            # Every recipient the regime requires (domain.rules), and Ofsted, who is told under every regime.
            self.act(
                CaseReview.send_pre_publication_copies,
                recipients=tuple(sorted(REQUIRED_COPY_RECIPIENTS[self.regime] | {Recipient.OFSTED})),
                sent_on=published - timedelta(days=10),
            )
            self.act(
                CaseReview.publish,
                url=f"https://example.org/{self.board}/{self.case_ref}.pdf",
                published_on=published,
                document_sha256=SHA,
            )
        return self

    def action(self, ref: str, agency: str, target: date, agreed: date) -> UUID:
        return self.app.agree_action(
            self.ctx(on=agreed),
            review_id=self.id,
            recommendation_ref=ref,
            text=f"Deliver recommendation {ref}",
            lead_agency=agency,
            owner=f"Head of safeguarding, {agency}",
            target_on=target,
            success_measure="Audit shows the change in practice",
        ).id

    def on_action(
        self,
        action_id: UUID,
        command: ActionCommand[P],
        role: Role,
        agency: str | None = None,
        /,
        *args: P.args,
        **fields: P.kwargs,
    ) -> None:
        self.app.act_on_action(self.ctx(role, agency=agency), command, action_id, None, *args, **fields)


def load_public_timelines(app: CaseReviews) -> None:
    """Khyra Ishaq (Birmingham), Daniel Pelka (Coventry) and "HD" (Bradford), as published: all three initiated
    under the LSCB Regulations 2006 with Working Together 2006/2010 (scr-2006), judged by its rules."""
    khyra = DemoReview(app, "birmingham", "BSCB-2008-01", Regime.SCR_2006).notify(
        "Child K", 7, Sex.FEMALE, IncidentNature.DEATH, date(2008, 5, 17), date(2008, 5, 19), "Died at home; starvation"
    )
    khyra.initiate(date(2008, 5, 23), why="Reg 5(2)(b)(i): the child died; neglect known").set_up(
        date(2008, 5, 23), "Overview author (Birmingham)", 1_800_000
    )
    trial = khyra.hold(HoldKind.CRIMINAL_PROCEEDINGS, "R v Ishaq and Ahmed", date(2008, 6, 1))
    khyra.act(CaseReview.lift_legal_hold, hold_id=trial, lifted_on=date(2010, 3, 2), outcome="Sentenced March 2010")
    khyra.report(date(2010, 3, 20), date(2010, 5, 10)).publish(date(2010, 6, 1), date(2010, 7, 27))
    done = khyra.action("R1", "education", date(2011, 3, 31), date(2010, 8, 1))
    khyra.on_action(
        done, LearningAction.claim_completion, Role.AGENCY_LEAD, "education", on=date(2011, 3, 1), note="Checks live"
    )
    khyra.on_action(
        done,
        LearningAction.assess_completion,
        Role.BOARD_MANAGER,
        outcome=AssuranceOutcome.ASSURED,
        on=date(2011, 4, 1),
        note="Audit evidence seen",
    )
    khyra.by(Role.BOARD_CHAIR).act(CaseReview.close, on=date(2012, 7, 27), reason="Action plan assured")

    pelka = DemoReview(app, "coventry", "CLSCB-2012-01", Regime.SCR_2006).notify(
        "Child D", 4, Sex.MALE, IncidentNature.DEATH, date(2012, 3, 3), date(2012, 3, 5), "Died after abuse"
    )
    pelka.initiate(date(2012, 3, 20)).set_up(date(2012, 3, 20), "Independent author (Coventry)", 2_400_000)
    murder = pelka.hold(HoldKind.CRIMINAL_PROCEEDINGS, "R v Luczak and Krezolek", date(2012, 3, 10))
    pelka.act(
        CaseReview.lift_legal_hold, hold_id=murder, lifted_on=date(2013, 8, 2), outcome="Convicted of murder, July 2013"
    )
    invoice = pelka.cost(CostEntryKind.INVOICE, CostCategory.LEGAL_ADVICE, 300_000, date(2013, 6, 1))
    pelka.cost(CostEntryKind.REVERSAL, CostCategory.LEGAL_ADVICE, 300_000, date(2013, 6, 3), reverses=invoice.position)
    pelka.report(date(2013, 7, 15), date(2013, 8, 1), recommendations=3)
    # The board delayed the report about six weeks for new trial evidence.
    pelka.publish(date(2013, 8, 5), date(2013, 9, 17))
    pelka.act(
        CaseReview.notify_panel,
        recipients=(Recipient.NATIONAL_PANEL, Recipient.DFE),
        subject=NotificationSubject.DELAY,
        sent_on=date(2013, 8, 6),
    )
    late = pelka.action("R2", "health", london_today() - timedelta(days=40), date(2013, 10, 1))
    pelka.on_action(
        late,
        LearningAction.report_progress,
        Role.AGENCY_LEAD,
        "health",
        rag=Rag.RED,
        note="Training not started",
        on=london_today() - timedelta(days=60),
    )
    pelka.action("R3", "education", london_today() + timedelta(days=90), date(2013, 10, 1))

    hd = DemoReview(app, "bradford", "BSCB-2006-HD", Regime.SCR_2006).notify(
        "Child HD", 1, Sex.UNKNOWN, IncidentNature.DEATH, date(2006, 7, 16), date(2006, 7, 18), "Died; injuries"
    )
    hd.initiate(date(2006, 8, 10)).set_up(date(2006, 8, 10), "Overview author (Bradford)", 1_500_000)
    hd.report(date(2007, 11, 1), date(2007, 11, 22))
    hd.by(Role.BOARD_CHAIR).act(CaseReview.close, on=date(2008, 1, 15), reason="Overview report submitted to Ofsted")
    # Ofsted evaluated SCR overview reports in 2007-12 (the National Panel came in 2013).
    hd.act(
        CaseReview.record_evaluation,
        evaluator=Evaluator.OFSTED,
        rating=Rating.INADEQUATE,
        evaluated_on=date(2008, 9, 4),
        summary="Rated inadequate",
    )
    hd.by(Role.BOARD_CHAIR).act(CaseReview.reopen, on=date(2008, 9, 4), reason="Ofsted rated the review inadequate")
    hd.act(
        CaseReview.revise_report,
        version_label="re-submitted",
        received_on=date(2009, 2, 27),
        document_sha256=SHA,
        reason="Re-submitted to Ofsted after the inadequate rating",
    )
    hd.by(Role.BOARD_CHAIR).act(
        CaseReview.accept_report, accepted_on=date(2009, 2, 27), board_response="Revised report accepted"
    )


def load_synthetic_csprs(app: CaseReviews, today: date) -> None:
    """Durham's CSPRs, dated from today: one in each stage, some overdue, one blocked by a hold."""

    def days(n: int) -> date:
        return today - timedelta(days=n)

    ref = "DSCP-{}".format
    DemoReview(app, "durham", ref("A"), Regime.CSPR_2023).notify(
        "Child A",
        14,
        Sex.FEMALE,
        IncidentNature.SERIOUS_HARM,
        days(5),
        days(3),
        "Serious harm; neglect",
        siblings=(Child(pseudonym="Child A2", age_years=9, sex=Sex.MALE),),
    )
    DemoReview(app, "durham", ref("B"), Regime.CSPR_2023).notify(
        "Child B", 2, Sex.MALE, IncidentNature.DEATH, days(60), days(58), "Died; suspected abuse"
    )  # rapid review late
    DemoReview(app, "durham", ref("C"), Regime.CSPR_2023).notify(
        "Child C", 9, Sex.MALE, IncidentNature.SERIOUS_HARM, days(40), days(38), "Serious harm"
    ).rapid_review(days(20))
    no_review = DemoReview(app, "durham", ref("D"), Regime.CSPR_2023).notify(
        "Child D2", 16, Sex.FEMALE, IncidentNature.SERIOUS_HARM, days(120), days(118), "Self-harm"
    )
    no_review.rapid_review(days(100), RapidReviewOutcome.NO_REVIEW).initiate(
        days(98), HARMED, InitiationDecision.NO_REVIEW, "Rapid review found the learning already in hand"
    )
    overdue = DemoReview(app, "durham", ref("E"), Regime.CSPR_2018).notify(
        "Child E", 6, Sex.FEMALE, IncidentNature.DEATH, days(400), days(398), "Died; neglect"
    )
    overdue.rapid_review(days(380)).initiate(days(375)).set_up(days(375), "Lead reviewer (framework)", 900_000)
    overdue.hold(HoldKind.POLICE_INVESTIGATION, "Operation Harbour", days(399))
    accepted = DemoReview(app, "durham", ref("F"), Regime.CSPR_2018).notify(
        "Child F", 11, Sex.MALE, IncidentNature.SERIOUS_HARM, days(300), days(299), "Serious harm; exploitation"
    )
    accepted.rapid_review(days(285)).initiate(days(280)).set_up(days(280), "Lead reviewer (tender)", 1_100_000)
    accepted.report(days(120), days(90))
    accepted.action("R1", "police", days(10), days(85))
    decided = DemoReview(app, "durham", ref("G"), Regime.CSPR_2018).notify(
        "Child G", 3, Sex.FEMALE, IncidentNature.DEATH, days(330), days(329), "Died; head injury"
    )
    decided.rapid_review(days(315)).initiate(days(310)).set_up(days(310), "Lead reviewer (framework)", 1_000_000)
    coroner = decided.hold(HoldKind.CORONER_INQUEST, "Inquest into the death of Child G", days(320))
    load_withdrawn_and_subsumed(app, days)
    decided.report(days(150), days(100)).publish(days(95), None, PublicationOption.ANONYMISED)
    decided.by(Role.BOARD_CHAIR).act(
        CaseReview.override_hold_for_publication,
        hold_id=coroner,
        decided_on=days(30),
        rationale="Anonymised report agreed with the coroner's officer",
    )


def load_withdrawn_and_subsumed(app: CaseReviews, days: Callable[[int], date]) -> None:
    """A CSPR published and withdrawn by court order, and one subsumed into another (its deadlines not applicable)."""
    ref = "DSCP-{}".format
    withdrawn = DemoReview(app, "durham", ref("H"), Regime.CSPR_2023).notify(
        "Child H", 8, Sex.MALE, IncidentNature.DEATH, days(420), days(418), "Died; neglect"
    )
    withdrawn.rapid_review(days(400)).initiate(days(395)).set_up(days(395), "Lead reviewer (framework)", 950_000)
    withdrawn.report(days(250), days(240)).publish(days(235), days(220), PublicationOption.ANONYMISED)
    withdrawn.by(Role.BOARD_CHAIR).act(
        CaseReview.withdraw_report,
        withdrawn_on=days(200),
        reason=WithdrawalReason.COURT_ORDER,
        rationale="Reporting restriction made in the criminal trial",
    )
    subsumed = DemoReview(app, "durham", ref("I"), Regime.CSPR_2023).notify(
        "Child I", 12, Sex.FEMALE, IncidentNature.SERIOUS_HARM, days(200), days(198), "Serious harm; exploitation"
    )
    subsumed.act(
        CaseReview.link_review,
        kind=LinkKind.SUBSUMED_INTO,
        other_review_id=app.review_id("durham", ref("F")),
        external_ref=None,
        linked_on=days(190),
        note="The same exploitation network: learning taken into review F",
    )
    subsumed.by(Role.BOARD_CHAIR).act(
        CaseReview.close, on=days(185), reason="Subsumed into DSCP-F", outcome=CloseOutcome.SUBSUMED
    )


def load_demo(app: CaseReviews, today: date | None = None) -> bool:
    """Register the demo boards and record their reviews; False if they were already loaded."""
    admin = Context(Actor(user="demo-admin", role=Role.ADMIN), uuid4(), london_today())
    try:
        app.register_board(
            admin, board_id="birmingham", name=BOARDS["birmingham"][0], local_authority=BOARDS["birmingham"][1]
        )
    except Duplicate:
        return False
    for board_id, (name, authority) in BOARDS.items():
        if board_id != "birmingham":
            app.register_board(admin, board_id=board_id, name=name, local_authority=authority)
        for year, police, health in (("2012-13", 1_500_000, 2_000_000), ("2013-14", 1_600_000, 2_100_000)):
            app.record_contribution(admin, board_id, agency="police", financial_year=year, amount_pence=police)
            app.record_contribution(admin, board_id, agency="health", financial_year=year, amount_pence=health)
    load_public_timelines(app)
    load_synthetic_csprs(app, today or london_today())
    load_learning(app, today or london_today())
    return True


def load_learning(app: CaseReviews, today: date) -> None:
    """Themes, key findings, dissemination across several reporting years and reg 14 monitoring (issue 12)."""

    def days(n: int) -> date:
        return today - timedelta(days=n)

    khyra = DemoReview(app, "birmingham", "BSCB-2008-01", Regime.SCR_2013)
    pelka = DemoReview(app, "coventry", "CLSCB-2012-01", Regime.SCR_2013)
    hd = DemoReview(app, "bradford", "BSCB-2006-HD", Regime.SCR_2013)
    accepted = DemoReview(app, "durham", "DSCP-F", Regime.CSPR_2018)
    published = DemoReview(app, "durham", "DSCP-G", Regime.CSPR_2018)
    overdue = DemoReview(app, "durham", "DSCP-E", Regime.CSPR_2018)
    themes = {
        khyra: (("neglect", "voice_of_the_child", "professional_curiosity", "information_sharing"), date(2010, 7, 27)),
        pelka: (("neglect", "voice_of_the_child", "professional_curiosity", "multi_agency_working"), date(2013, 9, 17)),
        hd: (("non_accidental_head_injury", "working_with_fathers", "risk_assessment"), date(2009, 2, 27)),
        accepted: (("child_criminal_exploitation", "adolescent_risk", "information_sharing"), days(90)),
        published: (("non_accidental_head_injury", "working_with_fathers", "safe_sleep"), days(95)),
    }
    for review, (codes, on) in themes.items():
        review.act(CaseReview.tag_themes, themes=codes, tagged_on=on)
    for review, ref, text, codes, on in (
        (
            pelka,
            "F1",
            "Practitioners accepted the parents' accounts of injuries without professional curiosity; the child's "
            "weight loss and hunger at school were not connected",
            ("professional_curiosity", "voice_of_the_child"),
            date(2013, 9, 17),
        ),
        (
            pelka,
            "F2",
            "Information held by school, health and police was not brought together; no agency saw the whole picture",
            ("information_sharing", "multi_agency_working"),
            date(2013, 9, 17),
        ),
        (
            hd,
            "F1",
            "The baby's father and the mother's new partner were not assessed; practitioners did not think about "
            "the father's role or ask who else lived in the home",
            ("working_with_fathers", "risk_assessment"),
            date(2009, 2, 27),
        ),
        (
            accepted,
            "F1",
            "Exploitation was seen as the young person's choice; the risk outside the home was not shared between "
            "police and children's social care",
            ("child_criminal_exploitation", "adolescent_risk", "information_sharing"),
            days(90),
        ),
        (
            published,
            "F1",
            "Advice on safe sleep and coping with crying was given to the mother only; fathers and male carers were "
            "not seen by health visitors",
            ("safe_sleep", "working_with_fathers"),
            days(100),
        ),
    ):
        review.act(CaseReview.record_finding, ref=ref, text=text, themes=codes, recorded_on=on)
    shared: tuple[tuple[DemoReview, DisseminationKind, date, dict[str, int]], ...] = (
        (khyra, DisseminationKind.SEVEN_MINUTE_BRIEFING, date(2010, 9, 14), {"education": 40, "health": 25}),
        (khyra, DisseminationKind.TRAINING, date(2011, 2, 8), {"education": 60, "children_social_care": 30}),
        (pelka, DisseminationKind.LEARNING_EVENT, date(2013, 11, 5), {"health": 35, "police": 20, "education": 45}),
        (pelka, DisseminationKind.CONFERENCE, date(2014, 6, 18), {"health": 80, "police": 40, "education": 90}),
        (hd, DisseminationKind.NEWSLETTER, date(2009, 4, 1), {}),
        (published, DisseminationKind.SEVEN_MINUTE_BRIEFING, days(80), {"health": 52, "children_social_care": 18}),
        (published, DisseminationKind.LEARNING_EVENT, days(40), {"health": 30, "police": 12}),
        (accepted, DisseminationKind.BRIEFING, days(60), {"police": 25, "children_social_care": 22}),
    )
    for review, kind, on, attendees in shared:
        review.act(
            CaseReview.record_dissemination,
            kind=kind,
            held_on=on,
            audience_agencies=tuple(attendees) or ("all_partners",),
            attendees=attendees,
            note="",
        )
    overdue.act(CaseReview.record_monitoring, kind=MonitoringKind.TIME_CHECK, on=days(200), note="Behind the timetable")
    overdue.act(
        CaseReview.record_monitoring,
        kind=MonitoringKind.WRITTEN_REQUEST,
        on=days(150),
        note="Asked the lead reviewer for a revised timetable",
    )
    accepted.act(CaseReview.record_monitoring, kind=MonitoringKind.QUALITY_CHECK, on=days(130), note="Draft checked")
