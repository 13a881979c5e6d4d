"""Demonstration data from the public timelines of DOMAIN.md section 7."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

from domain.base import Context
from domain.calendar import london_today
from domain.errors import Duplicate
from domain.review_values import Child, Criteria, Incident
from domain.values import AbuseOrNeglect, Actor, HoldKind, IncidentNature, InitiationDecision, Regime, Role, Sex
from service.application import CaseReviews, open_application
from service.history import review_history
from service.settings import Settings

BOARD = "birmingham"


def as_role(role: Role, board: str | None = BOARD) -> Context:
    """A demo user acting in a role."""
    return Context(Actor(user=f"demo-{role}", role=role, board=board), uuid4(), london_today())


def record_khyra_ishaq(app: CaseReviews) -> None:
    """Birmingham SCB: died 17 May 2008; SCR initiated 23 May 2008; criminal trial in 2010."""
    admin = as_role(Role.ADMIN, None)
    app.register_board(admin, board_id=BOARD, name="Birmingham Safeguarding Children Board",
                       local_authority="Birmingham City Council")
    review = app.open_review(
        as_role(Role.BOARD_MANAGER), board_id=BOARD, case_ref="BSCB-2008-01", regime=Regime.SCR_2013,
        child=Child(pseudonym="Child K", age_years=7, sex=Sex.FEMALE),
        incident=Incident(nature=IncidentNature.DEATH, abuse_or_neglect=AbuseOrNeglect.KNOWN,
                          occurred_on=date(2008, 5, 17), la_aware_on=date(2008, 5, 17),
                          description="Died at home; starvation"),
        notified_on=date(2008, 5, 19),
    )
    app.act_on_review(
        as_role(Role.BOARD_CHAIR), "decide_initiation", review.id,
        criteria=Criteria(abuse_or_neglect=True, died=True, seriously_harmed=False, concern_about_joint_working=True),
        decision=InitiationDecision.INITIATE, rationale="Reg 5(2)(b)(i): the child died; neglect known",
        decided_on=date(2008, 5, 23),
    )
    app.act_on_review(
        as_role(Role.BOARD_MANAGER), "place_legal_hold", review.id, kind=HoldKind.CRIMINAL_PROCEEDINGS,
        reference="R v Ishaq and Ahmed", blocks_publication=True, placed_on=date(2008, 6, 1),
    )


def record_public_timeline(settings: Settings) -> int:
    """Record Khyra Ishaq's timeline (once) and print the review's decision history."""
    app = open_application(settings.url)
    try:
        record_khyra_ishaq(app)
    except Duplicate:
        print("The demo review is already recorded; showing its history.")
    review_id = app.review_id(BOARD, "BSCB-2008-01")
    print(f"Store: {settings.url}\nReview {review_id} (Birmingham, Khyra Ishaq's public timeline):")
    for row in review_history(app, review_id):
        why = f" because {row['rationale']}" if row["rationale"] else ""
        print(f"  #{row['position']:<4} v{row['version']} {row['effective_on']} {row['type']:<18} "
              f"by {row['actor']['user']} ({row['actor']['role']}){why}")
    app.close()
    return 0
