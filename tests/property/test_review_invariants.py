"""Random command sequences on a review never break an invariant, and its stored events rebuild it exactly.

Given a review notified with random dates, when hypothesis sends random commands (many refused:
wrong stage, dates in the wrong order or in the future, unknown holds, mismatched reversals, blank
rationales), then after every step: a refused command changed nothing; the stage moved only as the
process allows; publication happened only with no un-overridden blocking hold; each ledger entry was
reversed at most once; the review's dates are in a possible order; the store holds versions 1..n
with no gap; and replaying the stored events gives the live aggregate's state, field for field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, precondition, rule

from domain.date_order import impossible_orders
from domain.review import CaseReview
from domain.review_values import Child, Criteria, Incident
from domain.values import (
    AbuseOrNeglect,
    AgencyReportKind,
    CostCategory,
    CostEntryKind,
    HoldKind,
    IncidentNature,
    InitiationDecision,
    NotificationSubject,
    PanelView,
    ProcurementRoute,
    PublicationOption,
    RapidReviewOutcome,
    Recipient,
    RecommendationScope,
    Regime,
    ReviewerRole,
    RiskLevel,
    Sex,
    StaffActivity,
    Stage,
)
from tests.property.machines import BOARD, EXAMPLES, TODAY, AggregateMachine, Later, context, days, steps, texts

SHA = "c" * 64
recipients = st.lists(st.sampled_from(Recipient), max_size=3).map(tuple)

# Correctable fields by event type, with a strategy for the new value (dates as JSON text).
CORRECTABLE: dict[str, list[tuple[str, st.SearchStrategy[Any]]]] = {
    "Notified": [
        ("notified_on", days.map(date.isoformat)),
        ("incident.la_aware_on", days.map(date.isoformat)),
        ("incident.occurred_on", days.map(date.isoformat)),
    ],
    "RapidReviewCompleted": [("completed_on", days.map(date.isoformat))],
    "InitiationDecided": [("decided_on", days.map(date.isoformat))],
    "ReportAccepted": [("accepted_on", days.map(date.isoformat))],
    "PublicationDecided": [("decided_on", days.map(date.isoformat)), ("planned_on", days.map(date.isoformat))],
    "Published": [("published_on", days.map(date.isoformat))],
    "Closed": [("closed_on", days.map(date.isoformat))],
    "LegalHoldPlaced": [("placed_on", days.map(date.isoformat)), ("blocks_publication", st.booleans())],
    "LegalHoldLifted": [("lifted_on", days.map(date.isoformat))],
    "PrePublicationCopiesSent": [("sent_on", days.map(date.isoformat))],
}
NOT_CORRECTABLE = [("rationale", st.just("changed")), ("board_id", st.just("elsewhere")), ("nope", st.just(1))]

# The stage each successful command leads to, from the stage before it (None: unchanged).
NEXT_STAGE: dict[str, Callable[[CaseReview, Stage, dict[str, Any]], Stage]] = {
    "complete_rapid_review": lambda r, s, f: Stage.RAPID_REVIEWED,
    "decide_initiation": lambda r, s, f: Stage.INITIATED if f["decision"].initiates else Stage.NOT_INITIATED,
    "accept_report": lambda r, s, f: Stage.REPORT_ACCEPTED,
    "decide_publication": lambda r, s, f: Stage.PUBLICATION_DECIDED,
    "publish": lambda r, s, f: Stage.PUBLISHED,
    "close": lambda r, s, f: Stage.CLOSED,
    "reopen": lambda r, s, f: r.stage_before_closure or Stage.NOTIFIED,
}


def known_or_random(data: st.DataObject, known: list[UUID]) -> UUID:
    """Mostly an id the review knows, sometimes one it does not."""
    return data.draw(st.sampled_from(known) if known and data.draw(st.integers(0, 4)) else st.uuids())


class ReviewMachine(AggregateMachine):
    """One review driven by random commands; a model of its stage and reversals beside it."""

    review: CaseReview

    def __init__(self) -> None:
        super().__init__()
        self.expected_stage = Stage.NOTIFIED
        self.reversed_versions: list[int] = []
        self.published_with_blocking_hold = False

    @initialize(
        regime=st.sampled_from(Regime),
        occurred=days,
        aware_after=st.integers(0, 20),
        notified_after=st.integers(0, 10),
        discovered=st.booleans(),
        head_start=st.integers(0, 10),
        hold=st.none() | st.booleans(),
    )
    def notify(
        self,
        regime: Regime,
        occurred: date,
        aware_after: int,
        notified_after: int,
        discovered: bool,
        head_start: int,
        hold: bool | None,
    ) -> None:
        occurred = min(occurred, TODAY - timedelta(days=200))
        aware = occurred + timedelta(days=aware_after)
        incident = Incident(
            nature=IncidentNature.DEATH,
            abuse_or_neglect=AbuseOrNeglect.SUSPECTED,
            occurred_on=occurred,
            discovered_on=aware if discovered else None,
            la_aware_on=aware,
            description="Found at home",
        )
        self.review = self.aggregate = CaseReview.notify(
            context(),
            board_id=BOARD,
            case_ref=f"P-{uuid4().hex[:8]}",
            regime=regime,
            child=Child(pseudonym="Child P", age_years=4, sex=Sex.MALE),
            incident=incident,
            notified_on=aware + timedelta(days=notified_after),
        )
        self.latest = self.review.notified_on
        self.save()
        # A head start along the usual process (perhaps under a hold) so deep stages are explored often.
        if hold is not None:
            self.place_legal_hold(HoldKind.CRIMINAL_PROCEEDINGS, hold, Later(1))
        for _ in range(head_start):
            self.advance(Later(7), heed_holds=False)

    # ---- running a command -------------------------------------------------------------------

    def run(self, command: str, **fields: Any) -> dict[str, Any] | None:
        """Send one command and follow its stage in the model."""
        stage = self.review.stage
        done = super().run(command, **fields)
        if done is not None and (step := NEXT_STAGE.get(command)):
            self.expected_stage = step(self.review, stage, done)
        elif done is not None:
            self.expected_stage = stage
        return done

    # ---- the process -------------------------------------------------------------------------

    @rule(on=steps, outcome=st.sampled_from(RapidReviewOutcome), why=texts)
    def rapid_review(self, on: Later, outcome: RapidReviewOutcome, why: str) -> None:
        self.run("complete_rapid_review", completed_on=on, outcome=outcome, rationale=why)

    @rule(
        answers=st.tuples(st.booleans(), st.booleans(), st.booleans(), st.booleans()),
        decision=st.sampled_from(InitiationDecision),
        why=texts,
        on=steps,
    )
    def decide_initiation(
        self, answers: tuple[bool, bool, bool, bool], decision: InitiationDecision, why: str, on: Later
    ) -> None:
        abuse, died, harmed, concern = answers
        criteria = Criteria(
            abuse_or_neglect=abuse, died=died, seriously_harmed=harmed, concern_about_joint_working=concern
        )
        self.run("decide_initiation", criteria=criteria, decision=decision, rationale=why, decided_on=on)

    @rule(to=recipients, subject=st.sampled_from(NotificationSubject), on=steps)
    def notify_panel(self, to: tuple[Recipient, ...], subject: NotificationSubject, on: Later) -> None:
        self.run("notify_panel", recipients=to, subject=subject, sent_on=on)

    @rule(view=st.sampled_from(PanelView), on=steps)
    def panel_advice(self, view: PanelView, on: Later) -> None:
        self.run("receive_panel_advice", subject=NotificationSubject.INITIATION, view=view, advice="A", received_on=on)

    @rule(scope_from=steps, scope_to=steps, on=steps)
    def terms_of_reference(self, scope_from: Later, scope_to: Later, on: Later) -> None:
        self.run(
            "agree_terms_of_reference",
            scope_from=scope_from,
            scope_to=scope_to,
            methodology="Systems",
            equality_considerations="Disability",
            agreed_on=on,
        )

    @rule(independent=st.booleans(), on=steps)
    def commission_reviewer(self, independent: bool, on: Later) -> None:
        self.run(
            "commission_reviewer",
            name="R. Eviewer",
            role=ReviewerRole.LEAD_REVIEWER,
            procurement_route=ProcurementRoute.TENDER,
            contract_value_pence=500_000,
            independence_declared=independent,
            commissioned_on=on,
        )

    @rule(due=steps)
    def request_agency_report(self, due: Later) -> None:
        self.run("request_agency_report", agency="police", kind=AgencyReportKind.IMR, due_on=due)

    @rule(data=st.data(), on=steps, decline=st.booleans())
    def resolve_agency_report(self, data: st.DataObject, on: Later, decline: bool) -> None:
        report_id = known_or_random(data, list(self.review.agency_reports))
        if decline:
            self.run("decline_agency_report", report_id=report_id, on=on, reason=data.draw(texts))
        else:
            self.run("receive_agency_report", report_id=report_id, on=on)

    @rule(kind=st.sampled_from(HoldKind), blocks=st.booleans(), on=steps)
    def place_legal_hold(self, kind: HoldKind, blocks: bool, on: Later) -> None:
        self.run("place_legal_hold", kind=kind, reference="Op Hyp", blocks_publication=blocks, placed_on=on)

    @rule(data=st.data(), on=steps)
    def lift_legal_hold(self, data: st.DataObject, on: Later) -> None:
        self.run(
            "lift_legal_hold", hold_id=known_or_random(data, list(self.review.holds)), lifted_on=on, outcome="Done"
        )

    @rule(data=st.data(), on=steps)
    def override_hold(self, data: st.DataObject, on: Later) -> None:
        hold_id = known_or_random(data, list(self.review.holds))
        self.run("override_hold_for_publication", hold_id=hold_id, rationale=data.draw(texts), decided_on=on)

    @rule(
        entry=st.sampled_from([CostEntryKind.COMMITMENT, CostEntryKind.INVOICE, CostEntryKind.PAYMENT]),
        category=st.sampled_from(CostCategory),
        amount=st.integers(-5, 10**9),
        on=steps,
    )
    def record_cost(self, entry: CostEntryKind, category: CostCategory, amount: int, on: Later) -> None:
        self.run(
            "record_cost",
            entry=entry,
            category=category,
            amount_pence=amount,
            paying_agency="police",
            on=on,
            description="Invoice",
        )

    @rule(data=st.data(), on=steps, off_by=st.sampled_from([0, 0, 0, 1]))
    def reverse_cost(self, data: st.DataObject, on: Later, off_by: int) -> None:
        versions = list(self.review.cost_entries)
        version = data.draw(st.sampled_from(versions)) if versions else 1
        target = self.review.cost_entries.get(version)
        if (
            self.run(
                "record_cost",
                entry=CostEntryKind.REVERSAL,
                category=target.category if target else CostCategory.OTHER,
                amount_pence=(target.amount_pence if target else 1) + off_by,
                paying_agency=target.paying_agency if target else "police",
                on=on,
                description="Reversed",
                reverses_position=self.positions.get(version),
                reverses_version=version if target else None,
            )
            is not None
        ):
            self.reversed_versions.append(version)

    @rule(hours=st.decimals(min_value=Decimal("0.5"), max_value=Decimal(40), places=1), on=steps)
    def staff_time(self, hours: Decimal, on: Later) -> None:
        self.run(
            "record_staff_time",
            agency="health",
            activity=StaffActivity.MEETING,
            hours=hours,
            on=on,
            rate_pence_per_hour=None,
        )

    @rule(on=steps)
    def draft_report(self, on: Later) -> None:
        self.run("receive_draft_report", version_label="v1", received_on=on, document_sha256=SHA)

    @rule(on=steps)
    def accept_report(self, on: Later) -> None:
        self.run("accept_report", accepted_on=on, board_response="Accepted")

    @rule(ref=st.sampled_from(["R1", "R2", "R3"]), scope=st.sampled_from(RecommendationScope))
    def recommend(self, ref: str, scope: RecommendationScope) -> None:
        self.run("make_recommendation", ref=ref, text="Do better", scope=scope)

    @rule(option=st.sampled_from(PublicationOption), why=texts, planned=st.none() | steps, on=steps)
    def decide_publication(self, option: PublicationOption, why: str, planned: Later | None, on: Later) -> None:
        self.run("decide_publication", option=option, rationale=why, planned_on=planned, decided_on=on)

    @rule(risk=st.sampled_from(RiskLevel), on=steps)
    def assess_risk(self, risk: RiskLevel, on: Later) -> None:
        self.run(
            "assess_risk", reputational_risk=risk, media_interest="Local", communications_plan="Plan", assessed_on=on
        )

    @rule(on=steps, consulted=st.booleans())
    def check_family_impact(self, on: Later, consulted: bool) -> None:
        self.run("check_family_impact", on=on, family_consulted=consulted, note="")

    @rule(to=recipients, on=steps)
    def pre_publication_copies(self, to: tuple[Recipient, ...], on: Later) -> None:
        self.run("send_pre_publication_copies", recipients=to, sent_on=on)

    @rule(on=steps)
    def publish(self, on: Later) -> None:
        blocking = bool(self._blocking_holds())
        if (
            self.run("publish", url="https://example.org/r.pdf", published_on=on, document_sha256=SHA) is not None
            and blocking
        ):
            self.published_with_blocking_hold = True

    @rule(gap=steps.filter(lambda later: later.days >= 0), heed_holds=st.booleans())
    def advance(self, gap: Later, heed_holds: bool) -> None:
        """The next step of the usual process, so random sequences also reach publication and closure."""
        review, why = self.review, "The chair's reasons"
        if review.stage is Stage.NOTIFIED and review.regime.is_cspr:
            self.run("complete_rapid_review", completed_on=gap, outcome=RapidReviewOutcome.LCSPR, rationale=why)
        elif review.stage in (Stage.NOTIFIED, Stage.RAPID_REVIEWED):
            criteria = Criteria(
                abuse_or_neglect=True, died=True, seriously_harmed=False, concern_about_joint_working=True
            )
            self.run(
                "decide_initiation",
                criteria=criteria,
                decision=InitiationDecision.INITIATE,
                rationale=why,
                decided_on=gap,
            )
        elif review.stage is Stage.INITIATED and review.terms_agreed_on is None:
            self.terms_of_reference(Later(-400), Later(-300), gap)
        elif review.stage is Stage.INITIATED and not review.reviewers:
            self.commission_reviewer(True, gap)
        elif review.stage is Stage.INITIATED and not review.drafts:
            self.draft_report(gap)
        elif review.stage is Stage.INITIATED:
            self.accept_report(gap)
        elif review.stage is Stage.REPORT_ACCEPTED:
            self.run(
                "decide_publication", option=PublicationOption.FULL, rationale=why, planned_on=None, decided_on=gap
            )
        elif review.stage is Stage.PUBLICATION_DECIDED and review.risk_assessed_on is None:
            self.assess_risk(RiskLevel.HIGH, gap)
        elif review.stage is Stage.PUBLICATION_DECIDED and review.family_impact_checked_on is None:
            self.check_family_impact(gap, True)
        elif review.stage is Stage.PUBLICATION_DECIDED and heed_holds and (blocking := self._blocking_holds()):
            self.run("override_hold_for_publication", hold_id=blocking[0], rationale=why, decided_on=gap)
        elif review.stage is Stage.PUBLICATION_DECIDED:
            self.publish(gap)
        elif review.stage is Stage.CLOSED:
            self.run("reopen", on=gap, reason=why)
        else:
            self.run("close", on=gap, reason=why)

    def _blocking_holds(self) -> list[UUID]:
        return [h.hold_id for h in self.review.holds.values() if h.active and h.blocks_publication and not h.overridden]

    @rule(data=st.data(), why=texts)
    def correct(self, data: st.DataObject, why: str) -> None:
        version = data.draw(st.sampled_from(sorted(self.review.applied)))
        event_type = self.review.applied[version][0]
        field, values = data.draw(st.sampled_from(CORRECTABLE.get(event_type, []) + NOT_CORRECTABLE))
        self.run(
            "correct",
            corrects_position=self.positions[version],
            corrects_version=version,
            field=field,
            value=data.draw(values),
            reason=why,
        )

    @rule(on=steps, why=texts)
    def close(self, on: Later, why: str) -> None:
        self.run("close", on=on, reason=why)

    @precondition(lambda self: self.review.stage is Stage.CLOSED)
    @rule(on=steps, why=texts)
    def reopen(self, on: Later, why: str) -> None:
        self.run("reopen", on=on, reason=why)

    def teardown(self) -> None:
        # Shown by --hypothesis-show-statistics: how far the random processes got.
        event(f"final stage: {self.review.stage}")

    # ---- invariants --------------------------------------------------------------------------

    @invariant()
    def the_stage_moved_only_as_the_process_allows(self) -> None:
        review = self.review
        assert review.stage is self.expected_stage
        if review.stage is Stage.CLOSED:
            assert review.closed_on is not None
            assert review.stage_before_closure not in (None, Stage.CLOSED)
        if review.stage in (Stage.REPORT_ACCEPTED, Stage.PUBLICATION_DECIDED, Stage.PUBLISHED):
            assert review.accepted_on is not None
            assert review.decision is not None
            assert review.decision.initiates
        if review.stage is Stage.PUBLISHED:
            assert review.published_on is not None
            assert review.risk_assessed_on is not None
            assert review.publication_option is not PublicationOption.NOT_PUBLISHED
            if review.publication_option in (PublicationOption.FULL, PublicationOption.ANONYMISED):
                assert review.family_impact_checked_on is not None
        if review.regime.is_cspr and review.decision is not None:
            assert review.rapid_review_completed_on is not None
        if not review.regime.is_cspr:
            assert review.rapid_review_completed_on is None

    @invariant()
    def publication_never_passed_a_blocking_hold(self) -> None:
        assert not self.published_with_blocking_hold

    @invariant()
    def each_ledger_entry_is_reversed_at_most_once(self) -> None:
        assert len(self.reversed_versions) == len(set(self.reversed_versions))
        flagged = {version for version, entry in self.review.cost_entries.items() if entry.reversed}
        assert flagged == set(self.reversed_versions)
        assert all(entry.amount_pence > 0 for entry in self.review.cost_entries.values())

    @invariant()
    def the_reviews_dates_are_in_a_possible_order(self) -> None:
        assert impossible_orders(self.review) == []


ReviewMachine.TestCase.settings = settings(
    max_examples=EXAMPLES or 100, stateful_step_count=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
test_random_review_commands_keep_every_invariant_and_replay_to_the_same_state = ReviewMachine.TestCase
