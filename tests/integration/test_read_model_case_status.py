"""Case status on SQLite and PostgreSQL: the public timelines, deadlines as of the reader's today, corrections."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.review import CaseReview
from domain.review_values import Criteria
from domain.values import InitiationDecision, Regime
from projections.case_status import get_review, list_reviews
from tests.builders import (
    BOARD,
    MET_CRITERIA,
    TODAY,
    admin,
    chair,
    ctx,
    notification,
    record_bradford_hd,
    record_cspr_published_under_override,
    record_daniel_pelka,
    record_every_event,
)
from tests.integration.read_model_support import ReadModels, models_fixture  # noqa: F401


def register_birmingham(app: object) -> None:
    app.register_board(admin(), board_id=BOARD, name="Birmingham SCB", local_authority="Birmingham")  # type: ignore[attr-defined]


CHRISTMAS_2015 = {
    "regime": Regime.SCR_2015,
    "occurred_on": date(2015, 12, 23),
    "la_aware_on": date(2015, 12, 23),
    "notified_on": date(2016, 1, 4),
}


def test_khyra_ishaqs_review_reads_published_after_reopening_with_no_deadline_pending(models: ReadModels) -> None:
    # Given Khyra Ishaq's review driven through every event (closed, then reopened)
    rid = record_every_event(models.app)

    with models.read() as cursor:
        row = get_review(cursor, rid, today=TODAY)

    # Then it is back at the stage it was closed from, and nothing is due or overdue
    assert row is not None
    # (closed_on keeps the date of the latest closure, as the aggregate does)
    assert (row["case_ref"], row["regime"], row["stage"], row["closed_on"]) == (
        "KI-2008",
        "scr-2013",
        "published",
        "2012-07-27",
    )
    assert (row["notified_on"], row["decided_on"], row["accepted_on"], row["published_on"]) == (
        "2008-05-19",
        "2008-05-23",
        "2010-05-10",
        "2010-07-27",
    )
    assert (row["child_pseudonym"], row["child_age_years"], row["child_sex"]) == ("Child K", 7, "female")
    assert row["reviewers"] == ["A. Reviewer"]
    assert row["active_legal_holds"] == []
    assert (row["next_deadline"], row["overdue_rules"], row["contradicts_criteria"]) == (None, [], False)
    # (25 process events, then themes, a finding and a dissemination record: record_every_event's last three)
    assert (row["version"], row["publication_option"], row["planned_on"]) == (30, "full", "2010-07-27")


def test_a_hold_overridden_for_publication_stays_listed_as_active_until_lifted(models: ReadModels) -> None:
    # Given a CSPR published while the police investigation's hold was overridden, never lifted
    register_birmingham(models.app)
    rid = record_cspr_published_under_override(models.app)

    with models.read() as cursor:
        row = get_review(cursor, rid, today=TODAY)

    assert row is not None
    [hold] = row["active_legal_holds"]
    assert {key: hold[key] for key in ("kind", "reference", "blocks_publication", "placed_on", "overridden")} == {
        "kind": "police_investigation",
        "reference": "Op X",
        "blocks_publication": True,
        "placed_on": "2019-03-02",
        "overridden": True,
    }
    # and no copy was sent 7 working days before 20 September 2019 (Wednesday 11 September): overdue
    assert row["overdue_rules"] == ["pre_publication_copy"]
    assert row["next_deadline"] == {"rule": "pre_publication_copy", "due_on": "2019-09-11"}


def test_daniel_pelkas_lifted_holds_are_gone_and_bradfords_second_closure_shows(models: ReadModels) -> None:
    pelka = record_daniel_pelka(models.app)
    bradford = record_bradford_hd(models.app)

    with models.read() as cursor:
        pelka_row = get_review(cursor, pelka, today=TODAY)
        bradford_row = get_review(cursor, bradford, today=TODAY)

    assert pelka_row is not None
    assert bradford_row is not None
    assert (pelka_row["stage"], pelka_row["active_legal_holds"], pelka_row["reviewers"]) == (
        "published",
        [],
        ["C. Reviewer"],
    )
    assert (bradford_row["stage"], bradford_row["closed_on"]) == ("closed", "2009-02-27")
    assert bradford_row["reviewers"] == ["D. Author", "E. Chair"]


def test_an_undecided_review_becomes_overdue_the_day_after_its_initiation_deadline(models: ReadModels) -> None:
    # Given a notification on Monday 4 January 2016 with no decision: due one month later, 4 February
    register_birmingham(models.app)
    rid = models.app.open_review(ctx(), board_id="birmingham", **notification("XMAS", **CHRISTMAS_2015)).id

    with models.read() as cursor:
        on_the_day = list_reviews(cursor, today=date(2016, 2, 4), overdue=True)
        day_after = list_reviews(cursor, today=date(2016, 2, 5), overdue=True)
        not_overdue = list_reviews(cursor, today=date(2016, 2, 5), overdue=False)
        row = get_review(cursor, rid, today=date(2016, 2, 5))

    assert on_the_day == []
    assert [found["review_id"] for found in day_after] == [str(rid)]
    assert not_overdue == []
    assert row is not None
    # notify_incident (due Monday 4 January 2016 over the Christmas bank holidays) was met that day
    assert row["overdue_rules"] == ["initiation_decision"]
    assert row["next_deadline"] == {"rule": "initiation_decision", "due_on": "2016-02-04"}


def decided_not_to_review(models: ReadModels, criteria: Criteria) -> dict[str, Any]:
    """A review decided against on 10 January 2016 with these criteria, read on 20 January."""
    register_birmingham(models.app)
    rid = models.app.open_review(ctx(), board_id=BOARD, **notification("NO-SCR", **CHRISTMAS_2015)).id
    models.app.act_on_review(
        chair(),
        CaseReview.decide_initiation,
        rid,
        criteria=criteria,
        decision=InitiationDecision.NO_REVIEW,
        rationale="Learning already captured by a recent review",
        decided_on=date(2016, 1, 10),
    )
    with models.read() as cursor:
        row = get_review(cursor, rid, today=date(2016, 1, 20))
    assert row is not None
    return row


def test_a_decision_against_the_criteria_is_flagged_and_starts_the_panel_clock(models: ReadModels) -> None:
    row = decided_not_to_review(models, MET_CRITERIA)

    assert (row["stage"], row["decision"], row["contradicts_criteria"]) == ("not_initiated", "no_review", True)
    # The Panel must be told within 14 days of 10 January: by 24 January
    assert row["next_deadline"] == {"rule": "panel_told_not_initiating", "due_on": "2016-01-24"}


def test_a_decision_within_the_criteria_is_not_flagged(models: ReadModels) -> None:
    unmet = Criteria(abuse_or_neglect=False, died=False, seriously_harmed=True, concern_about_joint_working=False)

    assert decided_not_to_review(models, unmet)["contradicts_criteria"] is False


def test_a_corrected_notification_date_moves_the_initiation_deadline(models: ReadModels) -> None:
    # Given a notification recorded as 4 January 2016, then corrected to 31 January 2016
    register_birmingham(models.app)
    opened = models.app.open_review(ctx(), board_id="birmingham", **notification("CORR", **CHRISTMAS_2015))
    models.app.correct(
        ctx(),
        opened.id,
        corrects_position=opened.position,
        field="notified_on",
        value="2016-01-31",
        reason="The date on the form was misread",
    )

    with models.read() as cursor:
        row = get_review(cursor, opened.id, today=date(2016, 2, 5))

    # Then one month after 31 January is clamped to Monday 29 February 2016, and nothing is overdue
    assert row is not None
    assert row["notified_on"] == "2016-01-31"
    assert row["next_deadline"] == {"rule": "initiation_decision", "due_on": "2016-02-29"}
    assert row["overdue_rules"] == []


def test_reviews_are_filtered_by_board_stage_and_regime_and_paged(models: ReadModels) -> None:
    record_every_event(models.app)
    record_cspr_published_under_override(models.app)
    record_daniel_pelka(models.app)
    record_bradford_hd(models.app)

    with models.read() as cursor:

        def refs(**filters: str) -> list[str]:
            return [row["case_ref"] for row in list_reviews(cursor, today=TODAY, **filters)]

        assert refs() == ["CSPR-1", "KI-2008", "HD-2006", "DP-2012"]
        assert [row["case_ref"] for row in list_reviews(cursor, today=TODAY, limit=2, offset=1)] == [
            "KI-2008",
            "HD-2006",
        ]
        assert refs(board_id="coventry") == ["DP-2012"]
        assert refs(stage="closed") == ["HD-2006"]
        assert refs(regime="cspr-2018") == ["CSPR-1"]
        assert refs(board_id="birmingham", stage="published") == ["CSPR-1", "KI-2008"]
        assert [row["case_ref"] for row in list_reviews(cursor, today=TODAY, overdue=True)] == ["CSPR-1"]
        assert get_review(cursor, models.app.review_id("nowhere", "none"), today=TODAY) is None
