"""Timeliness on SQLite and PostgreSQL: every rule of the public timelines, and the aggregates, worked by hand."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.review import CaseReview
from domain.values import HoldKind, Regime
from projections.review_facts import deadline_rules
from projections.timeliness import TimelinessProjection, aggregate_timeliness, review_timeliness
from service.settings import Settings
from tests.builders import (
    BOARD,
    TODAY,
    admin,
    ctx,
    notification,
    record_bradford_hd,
    record_cspr_published_under_override,
    record_daniel_pelka,
    record_every_event,
)
from tests.integration.read_model_support import ReadModels, models_fixture, read_models  # noqa: F401

TAKEN = ("start_on", "due_on", "met_on", "status", "working_days_taken", "calendar_days_taken", "days_overdue")


def by_rule(rows: list[dict[str, Any]] | None) -> dict[str, dict[str, Any]]:
    assert rows is not None
    return {row["rule"]: row for row in rows}


def figures(row: dict[str, Any], keys: tuple[str, ...] = (*TAKEN, "legal_hold_days")) -> tuple[Any, ...]:
    return tuple(row[key] for key in keys)


def test_daniel_pelkas_notification_was_late_and_overlapping_holds_count_once(models: ReadModels) -> None:
    # Given Daniel Pelka's review: aware Saturday 3 March 2012, notified Monday 12 March; two holds
    # overlapping from 5 March 2012 (police) and 1 June 2012 (trial), both lifted 2 August 2013
    rid = record_daniel_pelka(models.app)

    with models.read() as cursor:
        rules = by_rule(review_timeliness(cursor, rid, today=TODAY))

    # 5 working days after Saturday 3 March is Friday 9 March: met 3 days late, 6 working days taken
    assert figures(rules["notify_incident"]) == ("2012-03-03", "2012-03-09", "2012-03-12", "met_late", 6, 9, 3, 7)
    # One month after 12 March is 12 April; decided 20 March: 6 working days (13-16, 19, 20)
    assert figures(rules["initiation_decision"]) == ("2012-03-12", "2012-04-12", "2012-03-20", "met", 6, 8, 0, 8)
    # Six months from 20 March 2012 is 20 September 2012; accepted 20 August 2013, 334 days late. The holds
    # cover 5 March 2012 to 2 August 2013 once (515 days), of which 20 March 2012 onwards is in the period
    assert figures(rules["complete_review"], (*TAKEN[1:4], "days_overdue", "legal_hold_days")) == (
        "2012-09-20",
        "2013-08-20",
        "met_late",
        334,
        500,
    )
    # A week before the planned 17 September 2013 is 10 September; copies went on the 9th (6 working days ahead)
    assert figures(rules["pre_publication_copy"]) == ("2013-09-17", "2013-09-10", "2013-09-09", "met", 6, 8, 0, 0)
    # Kept online 12 months after publication: a keep-until date reached on 17 September 2014, never "met"
    assert figures(rules["website_retention"], ("due_on", "met_on", "status")) == ("2014-09-17", None, "kept")
    assert rules["panel_told_not_initiating"]["status"] == "not_started"
    assert (rules["notify_incident"]["confirmed"], rules["notify_incident"]["source"]) == (
        False,
        "WT 2013 (text not confirmed)",
    )


def test_bradford_hd_was_completed_285_days_late_and_never_started_publication_rules(models: ReadModels) -> None:
    # Given Bradford HD: died Sunday 16 July 2006, SCR commissioned 10 August 2006, report accepted 22 November 2007
    rid = record_bradford_hd(models.app)

    with models.read() as cursor:
        rules = by_rule(review_timeliness(cursor, rid, today=TODAY))

    # 5 working days after Sunday 16 July 2006 is Friday 21 July; notified Wednesday 19th
    assert figures(rules["notify_incident"]) == ("2006-07-16", "2006-07-21", "2006-07-19", "met", 3, 3, 0, 0)
    # Due 10 February 2007; 22 November 2007 is 285 days later and 469 days after the decision
    assert figures(rules["complete_review"], ("due_on", "met", "calendar_days_taken", "days_overdue")) == (
        "2007-02-10",
        False,
        469,
        285,
    )
    assert rules["pre_publication_copy"]["status"] == rules["website_retention"]["status"] == "not_started"


def test_a_notification_over_christmas_is_due_after_the_bank_holidays(models: ReadModels) -> None:
    # Given awareness on Wednesday 23 December 2015 and a notification on Monday 4 January 2016
    # (25 and 28 December and 1 January are bank holidays; 26 December was a Saturday)
    models.app.register_board(admin(), board_id=BOARD, name="Birmingham SCB", local_authority="Birmingham")
    rid = _open(models, "XMAS", la_aware_on=date(2015, 12, 23), notified_on=date(2016, 1, 4))

    with models.read() as cursor:
        rules = by_rule(review_timeliness(cursor, rid, today=TODAY))

    assert figures(rules["notify_incident"]) == ("2015-12-23", "2016-01-04", "2016-01-04", "met", 5, 12, 0, 0)


def test_an_active_hold_counts_up_to_the_readers_today(models: ReadModels) -> None:
    # Given an undecided review under a police investigation placed on 10 January 2016 and still active
    models.app.register_board(admin(), board_id=BOARD, name="Birmingham SCB", local_authority="Birmingham")
    rid = _open(models, "HOLD", la_aware_on=date(2015, 12, 23), notified_on=date(2016, 1, 4))
    models.app.act_on_review(
        ctx(),
        CaseReview.place_legal_hold,
        rid,
        kind=HoldKind.POLICE_INVESTIGATION,
        reference="Op Y",
        blocks_publication=True,
        placed_on=date(2016, 1, 10),
    )

    with models.read() as cursor:
        on_20th = by_rule(review_timeliness(cursor, rid, today=date(2016, 1, 20)))["initiation_decision"]
        on_25th = by_rule(review_timeliness(cursor, rid, today=date(2016, 1, 25)))["initiation_decision"]

    assert (on_20th["status"], on_20th["legal_hold_days"]) == ("open", 10)
    assert (on_25th["status"], on_25th["legal_hold_days"]) == ("open", 15)


def test_the_scr_2013_notification_length_is_the_configured_one(tmp_path: Any) -> None:
    # Given the unconfirmed WT 2013 notification period set to 10 working days
    rules = deadline_rules(Settings(notify_incident_scr_2013_working_days=10))
    with read_models(f"sqlite:///{tmp_path / 'scr.sqlite3'}", TimelinessProjection(rules)) as configured:
        rid = record_every_event(configured.app)
        with configured.read() as cursor:
            notify = by_rule(review_timeliness(cursor, rid, today=TODAY))["notify_incident"]

    # 10 working days after Saturday 17 May 2008, skipping the bank holiday on Monday 26 May: Monday 2 June
    assert (notify["due_on"], notify["status"], notify["confirmed"]) == ("2008-06-02", "met", False)


def test_aggregates_count_per_rule_and_take_percentiles_over_every_review(models: ReadModels) -> None:
    _four_reviews(models)

    with models.read() as cursor:
        national = aggregate_timeliness(cursor, today=TODAY)["national"]

    assert (national["reviews"], national["initiated"], national["decisions_against_criteria"]) == (4, 4, 0)
    # complete_review: Khyra Ishaq, Daniel Pelka and Bradford HD all accepted late; holds 639 + 500 + 0 days
    assert national["rules"]["complete_review"] == {
        "within_deadline": 0,
        "late": 3,
        "met_late": 3,
        "overdue": 0,
        "open": 0,
        "not_applicable": 0,
        "legal_hold_days": 1139,
    }
    # notify_incident: only Daniel Pelka's was late
    assert (national["rules"]["notify_incident"]["within_deadline"], national["rules"]["notify_incident"]["late"]) == (
        3,
        1,
    )
    # The CSPR sent no pre-publication copy: overdue, so late
    assert national["rules"]["pre_publication_copy"]["overdue"] == 1
    # Initiation to acceptance: 148 (CSPR), 469 (HD), 518 (Pelka), 717 (Ishaq) days
    assert national["days_initiation_to_acceptance"] == {"count": 4, "median": 493.5, "p90": 657.3}
    # Initiation to publication: 179 (CSPR), 546 (Pelka), 795 (Ishaq); HD was never published
    assert national["days_initiation_to_publication"] == {"count": 3, "median": 546.0, "p90": 745.2}
    # Holds: Ishaq 639 days, Pelka 515 (overlaps once), the CSPR's still active 2 March 2019 to today: 2,827
    assert national["legal_hold_days"] == {"total": 3981, "reviews_with_holds": 3}


def test_aggregates_are_given_per_board_and_filtered_by_board_regime_and_initiation_date(models: ReadModels) -> None:
    _four_reviews(models)

    with models.read() as cursor:
        everything = aggregate_timeliness(cursor, today=TODAY)
        coventry = aggregate_timeliness(cursor, today=TODAY, board_id="coventry")
        cspr = aggregate_timeliness(cursor, today=TODAY, regime="cspr-2018")
        in_2012_13 = aggregate_timeliness(cursor, today=TODAY, from_on=date(2012, 1, 1), to_on=date(2013, 12, 31))

    birmingham = next(board for board in everything["boards"] if board["board_id"] == "birmingham")
    assert [board["board_id"] for board in everything["boards"]] == ["birmingham", "bradford", "coventry"]
    assert birmingham["days_initiation_to_acceptance"] == {"count": 2, "median": 432.5, "p90": 660.1}
    assert [board["board_id"] for board in coventry["boards"]] == ["coventry"]
    assert coventry["national"]["reviews"] == 1
    assert cspr["national"]["rules"]["rapid_review"]["within_deadline"] == 1
    assert "complete_review" not in cspr["national"]["rules"]
    # A period selects each figure by its own date: only Daniel Pelka (Coventry) was notified and initiated in
    # 2012-13, and each of his rules started then; every board in scope is listed, with zero counts.
    assert [board["board_id"] for board in in_2012_13["boards"] if board["initiated"]] == ["coventry"]
    assert [board["board_id"] for board in in_2012_13["boards"] if board["reviews"]] == ["coventry"]
    assert in_2012_13["national"]["rules"]["notify_incident"]["late"] == 1
    assert in_2012_13["filters"]["period_applies_to"]["rapid_review"].startswith("notified_on")


def test_no_child_detail_reaches_any_timeliness_answer(models: ReadModels) -> None:
    rids = _four_reviews(models)

    with models.read() as cursor:
        answers: list[Any] = [aggregate_timeliness(cursor, today=TODAY)]
        answers += [review_timeliness(cursor, rid, today=TODAY) for rid in rids]

    assert not [key for answer in answers for key in _keys(answer) if key.startswith("child")]
    assert not [name for name in ("Child K", "Child D", "Child HD", "starvation") if name in repr(answers)]


def test_no_child_detail_is_stored_in_the_timeliness_tables(models: ReadModels) -> None:
    _four_reviews(models)

    with models.read() as cursor:
        cursor.execute("SELECT facts FROM timeliness_facts")
        stored = " ".join(row[0] for row in cursor.fetchall())

    assert stored
    assert not [text for text in ("child", "Child K", "pseudonym", "age_years", "starvation") if text in stored]


def _keys(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [*value, *(key for item in value.values() for key in _keys(item))]
    if isinstance(value, list):
        return [key for item in value for key in _keys(item)]
    return []


def _open(models: ReadModels, case_ref: str, *, la_aware_on: date, notified_on: date) -> Any:
    fields = notification(
        case_ref, regime=Regime.SCR_2015, occurred_on=la_aware_on, la_aware_on=la_aware_on, notified_on=notified_on
    )
    return models.app.open_review(ctx(), board_id=BOARD, **fields).id


def _four_reviews(models: ReadModels) -> list[Any]:
    return [
        record_every_event(models.app),
        record_cspr_published_under_override(models.app),
        record_daniel_pelka(models.app),
        record_bradford_hd(models.app),
    ]
