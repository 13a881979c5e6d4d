"""A realistic synthetic log for benchmarks: boards, reviews through every stage, costs, actions.

Built through the domain (every event passes the same rules as a real command) and saved many
aggregates per transaction, so half a million events take minutes, not hours. Reviews notified
recently stop where today is, so the log holds every stage; roughly 100 events per review."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.base import Context
from domain.board import Board
from domain.errors import DomainError
from domain.learning_action import LearningAction
from domain.review import CaseReview
from domain.values import (
    AgencyReportKind,
    AssuranceOutcome,
    CostCategory,
    CostEntryKind,
    HoldKind,
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
    StaffActivity,
)
from service.application import CaseReviews
from tests.builders import MET_CRITERIA, SHA, TODAY, admin, ctx, notification

AGENCIES = ("police", "health", "local_authority", "education", "probation")
REVIEWS_PER_SAVE = 25


@dataclass
class Written:
    """What the generator has recorded so far."""

    events: int = 0
    reviews: int = 0
    refusals: dict[str, int] = field(default_factory=dict)


def board_ids(count: int) -> list[str]:
    return [f"board-{number:03d}" for number in range(count)]


def register_boards(app: CaseReviews, count: int) -> int:
    """Each board with its partners' contributions for every financial year from 2013-14."""
    boards = []
    for board_id in board_ids(count):
        board = Board.register(admin(), board_id=board_id, name=f"Board {board_id}", local_authority=board_id)
        for year in range(2013, TODAY.year):
            for agency in AGENCIES[:3]:
                board.record_contribution(
                    admin(), agency=agency, financial_year=f"{year}-{(year + 1) % 100:02d}", amount_pence=2_500_000
                )
        boards.append(board)
    recordings = app.save(*boards)
    return len(recordings)


def regime_for(notified_on: date) -> Regime:
    if notified_on < date(2015, 4, 1):
        return Regime.SCR_2013
    if notified_on < date(2018, 9, 29):
        return Regime.SCR_2015
    return Regime.CSPR_2018 if notified_on < date(2023, 12, 15) else Regime.CSPR_2023


class ReviewScript:
    """One review's life as dated steps; steps dated after today are not taken (the review is in progress)."""

    def __init__(self, rng: random.Random, board_id: str, case_ref: str) -> None:
        self.rng = rng
        self.board_id = board_id
        self.notified_on = date(2013, 4, 15) + timedelta(days=rng.randint(0, (TODAY - date(2013, 4, 15)).days - 5))
        self.regime = regime_for(self.notified_on)
        fields = notification(
            case_ref,
            regime=self.regime,
            occurred_on=self.notified_on - timedelta(days=3),
            la_aware_on=self.notified_on - timedelta(days=2),
            notified_on=self.notified_on,
        )
        self.review = CaseReview.notify(self.staff(self.notified_on), board_id=board_id, **fields)
        self.actions: list[LearningAction] = []
        self.first_invoice_version: int | None = None
        self.first_invoice: tuple[CostCategory, int, str, date] | None = None
        self.decision_version: int | None = None
        self.unlifted_hold: UUID | None = None

    def staff(self, on: date) -> Context:
        return ctx(Role.BOARD_MANAGER, self.board_id, today=on)

    def chair(self, on: date) -> Context:
        return ctx(Role.BOARD_CHAIR, self.board_id, today=on)

    def day(self, offset: int) -> date:
        return self.notified_on + timedelta(days=offset)

    def run(self) -> str | None:
        """Take every step dated up to today; the refusal's code if the domain refuses one."""
        steps = sorted(self.steps(), key=lambda step: step[0])
        try:
            for offset, step in steps:
                if self.day(offset) > TODAY:
                    break
                step(self.day(offset))
        except DomainError as refusal:
            return refusal.code
        return None

    def steps(self) -> Iterator[tuple[int, Callable[[date], Any]]]:
        review, rng = self.review, self.rng
        if self.regime.is_cspr:
            yield (
                10,
                lambda on: review.complete_rapid_review(
                    self.staff(on), completed_on=on, outcome=RapidReviewOutcome.LCSPR, rationale="Joint working"
                ),
            )
        yield 14, self.decide
        if not self.regime.is_cspr:
            yield (
                16,
                lambda on: review.notify_panel(
                    self.staff(on),
                    recipients=(Recipient.OFSTED, Recipient.NATIONAL_PANEL),
                    subject=NotificationSubject.INITIATION,
                    sent_on=on,
                ),
            )
            yield (
                20,
                lambda on: review.receive_panel_advice(
                    self.staff(on),
                    subject=NotificationSubject.INITIATION,
                    view=PanelView.AGREED,
                    advice="Agree",
                    received_on=on,
                ),
            )
        yield (
            25,
            lambda on: review.agree_terms_of_reference(
                self.staff(on),
                scope_from=on - timedelta(days=700),
                scope_to=on - timedelta(days=25),
                methodology="Systems",
                equality_considerations="Disability",
                agreed_on=on,
            ),
        )
        yield (
            27,
            lambda on: review.commission_reviewer(
                self.staff(on),
                name="Lead reviewer",
                role=ReviewerRole.LEAD_REVIEWER,
                procurement_route=ProcurementRoute.FRAMEWORK,
                contract_value_pence=rng.randint(5, 20) * 100_000,
                independence_declared=True,
                commissioned_on=on,
            ),
        )
        for agency in rng.sample(AGENCIES, rng.randint(3, 5)):
            yield 30, lambda on, agency=agency: self.agency_report(on, agency)
        yield 12, self.hold
        for month in range(rng.randint(6, 14)):
            yield 35 + 30 * month, lambda on, month=month: self.costs(on, month)
        for week in range(rng.randint(10, 30)):
            yield (
                33 + 14 * week,
                lambda on: review.record_staff_time(
                    self.staff(on),
                    agency=rng.choice(AGENCIES),
                    activity=rng.choice(list(StaffActivity)),
                    hours=Decimal(rng.randint(1, 16)) / 2,
                    on=on,
                    rate_pence_per_hour=rng.choice((None, 3_500, 4_500)),
                ),
            )
        yield (
            500,
            lambda on: review.receive_draft_report(
                self.staff(on), version_label="v1", received_on=on, document_sha256=SHA
            ),
        )
        for number in range(1, rng.randint(2, 4) + 1):
            yield (
                540,
                lambda on, number=number: review.make_recommendation(
                    self.staff(on), ref=f"R{number}", text="Improve joint working", scope=RecommendationScope.LOCAL
                ),
            )
            yield 560, lambda on, number=number: self.action(on, f"R{number}")
        yield 720, lambda on: review.accept_report(self.chair(on), accepted_on=on, board_response="Accepted")
        yield (
            740,
            lambda on: review.decide_publication(
                self.chair(on),
                option=PublicationOption.FULL,
                rationale="Public interest",
                planned_on=self.day(800),
                decided_on=on,
            ),
        )
        yield (
            760,
            lambda on: review.assess_risk(
                self.staff(on),
                reputational_risk=RiskLevel.MEDIUM,
                media_interest="Local",
                communications_plan="Brief",
                assessed_on=on,
            ),
        )
        yield 770, self.override_hold
        yield (
            780,
            lambda on: review.check_family_impact(self.chair(on), on=on, family_consulted=True, note="Family met"),
        )
        yield (
            790,
            lambda on: review.send_pre_publication_copies(
                self.staff(on), recipients=(Recipient.OFSTED, Recipient.DFE), sent_on=on
            ),
        )
        yield (
            800,
            lambda on: review.publish(
                self.staff(on), url=f"https://example.org/{review.case_ref}", published_on=on, document_sha256=SHA
            ),
        )
        if rng.random() < 0.6:
            yield 1500, lambda on: review.close(self.chair(on), on=on, reason="Actions monitored")
            if rng.random() < 0.1:
                yield 1530, lambda on: review.reopen(self.chair(on), on=on, reason="Inadequate rating")

    def override_hold(self, on: date) -> None:
        if self.unlifted_hold is not None:
            self.review.override_hold_for_publication(
                self.chair(on), hold_id=self.unlifted_hold, rationale="Names no one", decided_on=on
            )

    def decide(self, on: date) -> None:
        self.review.decide_initiation(
            self.chair(on),
            criteria=MET_CRITERIA,
            decision=InitiationDecision.INITIATE,
            rationale="Criteria met",
            decided_on=on,
        )
        self.decision_version = self.review.version

    def agency_report(self, on: date, agency: str) -> None:
        report = self.review.request_agency_report(
            self.staff(on), agency=agency, kind=AgencyReportKind.IMR, due_on=on + timedelta(days=60)
        )
        received = on + timedelta(days=self.rng.randint(20, 90))
        if received <= TODAY and self.rng.random() < 0.9:
            self.review.receive_agency_report(self.staff(received), report_id=report, on=received)
        elif received <= TODAY:
            self.review.decline_agency_report(self.staff(received), report_id=report, on=received, reason="No records")

    def hold(self, on: date) -> None:
        hold = self.review.place_legal_hold(
            self.staff(on),
            kind=HoldKind.CRIMINAL_PROCEEDINGS,
            reference="R v X",
            blocks_publication=True,
            placed_on=on,
        )
        lifted = on + timedelta(days=self.rng.randint(100, 700))
        if self.rng.random() < 0.15:
            self.unlifted_hold = hold  # still active at publication: the chair overrides it
        elif lifted <= TODAY:
            self.review.lift_legal_hold(self.staff(lifted), hold_id=hold, lifted_on=lifted, outcome="Concluded")

    def costs(self, on: date, month: int) -> None:
        amount = self.rng.randint(1, 40) * 25_000
        category = self.rng.choice(list(CostCategory))
        agency = self.rng.choice(AGENCIES)
        for entry in (CostEntryKind.COMMITMENT, CostEntryKind.INVOICE, CostEntryKind.PAYMENT):
            self.review.record_cost(
                self.staff(on),
                entry=entry,
                category=category,
                amount_pence=amount,
                paying_agency=agency,
                on=on,
                description=f"Month {month}",
            )
            if entry is CostEntryKind.INVOICE and self.first_invoice_version is None:
                self.first_invoice_version = self.review.version
                self.first_invoice = (category, amount, agency, on)

    def action(self, on: date, recommendation_ref: str) -> None:
        staff, rng = self.staff(on), self.rng
        action = LearningAction.agree(
            staff,
            review_id=self.review.id,
            board_id=self.board_id,
            recommendation_ref=recommendation_ref,
            text="Audit practice",
            lead_agency=rng.choice(AGENCIES),
            owner="Lead",
            target_on=on + timedelta(days=365),
            success_measure="Audit shows change",
        )
        self.actions.append(action)
        when = [on + timedelta(days=60 * n) for n in range(1, 9)]
        steps: list[tuple[date, Callable[[Context], Any]]] = [
            *(
                (d, lambda c: action.report_progress(c, rag=rng.choice(list(Rag)), note="Update", on=c.today))
                for d in when[:4]
            ),
            (when[1], lambda c: action.add_evidence(c, description="Audit", document_sha256=SHA, on=c.today)),
            (when[2], lambda c: action.change_target(c, target_on=c.today + timedelta(days=400), reason="Delay")),
            (when[4], lambda c: action.claim_completion(c, on=c.today, note="Done")),
            (when[5], lambda c: action.assess_completion(c, outcome=AssuranceOutcome.ASSURED, on=c.today, note="Seen")),
            *([(when[6], lambda c: action.reopen(c, on=c.today, reason="Gaps found"))] if rng.random() < 0.1 else []),
        ]
        for day, step in steps:
            if day > TODAY:
                return
            step(ctx(Role.BOARD_MANAGER, self.board_id, today=day))

    def amend(self, positions: dict[tuple[UUID, int], int]) -> None:
        """A reversal of the first invoice and a correction of the decision, naming their log positions."""
        review = self.review
        if self.first_invoice_version is not None and self.first_invoice is not None:
            category, amount, agency, on = self.first_invoice
            review.record_cost(
                self.staff(on),
                entry=CostEntryKind.REVERSAL,
                category=category,
                amount_pence=amount,
                paying_agency=agency,
                on=on,
                description="Wrong review",
                reverses_position=positions[(review.id, self.first_invoice_version)],
                reverses_version=self.first_invoice_version,
            )
        if self.decision_version is not None:  # the decision's date is the chair's to correct
            review.correct(
                self.chair(TODAY),
                corrects_position=positions[(review.id, self.decision_version)],
                corrects_version=self.decision_version,
                field="decided_on",
                value=self.day(14).isoformat(),
                reason="Confirmed against the minutes",
            )


def generate(app: CaseReviews, events: int, *, boards: int = 150, seed: int = 2026, start_review: int = 0) -> Written:
    """Record reviews until the log holds at least `events` more events (boards first if start_review is 0)."""
    rng = random.Random(seed + start_review)  # noqa: S311 - a reproducible dataset, not a secret
    written = Written()
    if start_review == 0:
        written.events += register_boards(app, boards)
    ids = board_ids(boards)
    number = start_review
    while written.events < events:
        scripts = []
        for _ in range(REVIEWS_PER_SAVE):
            script = ReviewScript(rng, ids[number % boards], f"SYN-{number:06d}")
            refusal = script.run()
            if refusal is not None:
                written.refusals[refusal] = written.refusals.get(refusal, 0) + 1
            scripts.append(script)
            number += 1
        recordings = app.save(*(a for s in scripts for a in (s.review, *s.actions)))
        positions = {
            (r.domain_event.originator_id, r.domain_event.originator_version): r.notification.id for r in recordings
        }
        amended = [s for s in scripts if rng.random() < 0.2]
        for script in amended:
            script.amend(positions)
        written.events += len(recordings) + len(app.save(*(s.review for s in amended)))
        written.reviews += len(scripts)
    return written
