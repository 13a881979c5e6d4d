"""The read models' contract: both backends give identical answers, and the answers agree with the domain."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from domain.deadlines import HoldPeriod, evaluate, next_deadline, overdue_rules
from domain.review import CaseReview
from domain.values import HoldKind, Regime, Role
from projections import case_status, cost_ledger, learning_actions, timeliness
from projections.engine import ProjectionEngine
from projections.review_facts import deadline_rules
from projections.storage import Cursor, Database
from service.application import CaseReviews, open_application
from service.settings import Settings
from tests.builders import (
    BOARD,
    TODAY,
    ctx,
    notification,
    record_bradford_hd,
    record_cspr_published_under_override,
    record_daniel_pelka,
    record_every_event,
)
from tests.integration.read_model_support import (
    FOUR,
    ReadModels,
    every_read_model,
    models_fixture,  # noqa: F401
    without_uuids,
)
from tests.process_builders import record_process

TODAYS = (
    date(2008, 6, 1),
    date(2010, 1, 1),
    date(2013, 9, 12),
    date(2014, 4, 1),
    date(2015, 11, 1),  # complete_review overdue but within its extension (issue 11 scenarios)
    date(2016, 2, 20),  # pre-publication copies due, DfE not yet sent
    date(2019, 6, 20),  # the subsumed CSPR closed before its rapid review was due
    date(2019, 9, 15),
    TODAY,
)
YEARS = ("2006-07", "2008-09", "2012-13", "2013-14", "2019-20")


def record_corrections(app: CaseReviews) -> Any:
    """A review whose awareness date, child pseudonym and hold dates are all corrected after the fact."""
    fields = notification(
        "CORR-1",
        regime=Regime.SCR_2015,
        occurred_on=date(2015, 12, 20),
        la_aware_on=date(2015, 12, 23),
        notified_on=date(2016, 1, 4),
    )
    opened = app.open_review(ctx(), board_id=BOARD, **fields)
    rid = opened.id
    placed = app.act_on_review(
        ctx(),
        CaseReview.place_legal_hold,
        rid,
        kind=HoldKind.CORONER_INQUEST,
        reference="Inquest 1",
        blocks_publication=False,
        placed_on=date(2016, 1, 2),
    )
    lifted = app.act_on_review(
        ctx(), CaseReview.lift_legal_hold, rid, hold_id=placed.created, lifted_on=date(2016, 2, 1), outcome="Done"
    )
    for position, field, value in (
        (opened.position, "incident.la_aware_on", "2015-12-21"),
        (opened.position, "child.pseudonym", "Child C"),
        (placed.position, "placed_on", "2015-12-28"),
        (lifted.position, "lifted_on", "2016-01-20"),
    ):
        app.correct(ctx(), rid, corrects_position=position, field=field, value=value, reason="Checked the file")
    return rid


def correct_both_closures(app: CaseReviews, bradford: Any) -> None:
    """Bradford HD was closed twice: correct the latest closure, then the superseded one (which moves nothing)."""
    closures = [
        n.id
        for n in app.recorder.select_notifications(1, 10_000)
        if n.originator_id == bradford and n.topic.endswith(".Closed")
    ]
    for position, value in reversed(list(zip(closures, ("2007-12-03", "2009-02-26"), strict=True))):
        chair = ctx(Role.BOARD_CHAIR, board="bradford")  # closing is the chair's decision
        app.correct(chair, bradford, corrects_position=position, field="closed_on", value=value, reason="Minutes")


def record_all(app: CaseReviews) -> list[Any]:
    review_ids = [
        record_every_event(app),
        record_cspr_published_under_override(app),
        record_daniel_pelka(app),
        record_bradford_hd(app),
        record_corrections(app),
    ]
    correct_both_closures(app, review_ids[3])
    # DOMAIN.md section 8: reconsideration, extension, revision, early publication with late copies, withdrawal
    # and republication; a review closed as subsumed (not_applicable); a death with no rapid review clock; the
    # second child and the statistics child of a notification corrected.
    review_ids += record_process(app)
    return review_ids


def every_answer(cursor: Cursor, review_ids: list[Any]) -> dict[str, Any]:
    """Every query of the four read models, over several todays and all filters worth comparing."""
    answers: dict[str, Any] = {}
    for today in TODAYS:
        day = today.isoformat()
        answers[f"reviews {day}"] = case_status.list_reviews(cursor, today=today)
        answers[f"overdue {day}"] = case_status.list_reviews(cursor, today=today, overdue=True)
        answers[f"not overdue {day}"] = case_status.list_reviews(cursor, today=today, overdue=False, board_id=BOARD)
        answers[f"review rows {day}"] = [case_status.get_review(cursor, rid, today=today) for rid in review_ids]
        answers[f"timeliness {day}"] = [timeliness.review_timeliness(cursor, rid, today=today) for rid in review_ids]
        answers[f"aggregate {day}"] = timeliness.aggregate_timeliness(cursor, today=today)
        answers[f"aggregate scr {day}"] = timeliness.aggregate_timeliness(
            cursor, today=today, regime="scr-2013", from_on=date(2008, 1, 1), to_on=date(2013, 12, 31)
        )
        answers[f"actions {day}"] = learning_actions.list_actions(cursor, today=today)
        answers[f"overdue actions {day}"] = learning_actions.list_actions(cursor, today=today, status="overdue")
        answers[f"action counts {day}"] = learning_actions.action_counts(cursor, today=today)
    answers["ledgers"] = [cost_ledger.review_ledger(cursor, rid) for rid in review_ids]
    answers["board ledgers"] = [
        cost_ledger.board_ledger(cursor, board, year)
        for board in ("birmingham", "coventry", "bradford")
        for year in YEARS
    ]
    return answers


def test_sqlite_and_postgresql_give_identical_answers_for_the_same_events(tmp_path: Path, postgres_url: str) -> None:
    # Given the same commands recorded on an SQLite file (applied in large batches)
    # and on PostgreSQL (applied by the projection engine in batches of 5)
    with sqlite_answers(f"sqlite:///{tmp_path / 'scr.sqlite3'}") as on_sqlite, engine_answers(postgres_url) as on_pg:
        # Then every query answers the same, once the random ids (holds, actions) are set aside
        assert on_sqlite.keys() == on_pg.keys()
        for key in on_sqlite:
            assert without_uuids(on_sqlite[key]) == without_uuids(on_pg[key]), key


@contextmanager
def sqlite_answers(url: str) -> Iterator[dict[str, Any]]:
    models = ReadModels(url, every_read_model(), batch_size=1000)
    try:
        review_ids = record_all(models.app)
        with models.read() as cursor:
            yield every_answer(cursor, review_ids)
    finally:
        models.close()


@contextmanager
def engine_answers(url: str) -> Iterator[dict[str, Any]]:
    app, db = open_application(url), Database(url)
    try:
        engine = ProjectionEngine(app.recorder, db, every_read_model(), batch_size=5, keys=app.keys)
        engine.setup()
        review_ids = record_all(app)
        engine.catch_up()
        assert [(status.name, status.error) for status in engine.status()] == [(name, None) for name in FOUR]
        with db.transaction() as cursor:
            yield every_answer(cursor, review_ids)
    finally:
        db.close()
        app.close()


def test_deadlines_and_holds_agree_with_the_aggregate_itself(models: ReadModels) -> None:
    # Given the public timelines and a review corrected after the fact
    review_ids = record_all(models.app)
    rules = deadline_rules(Settings())

    with models.read() as cursor:
        for rid in review_ids:
            review: CaseReview = models.app.repository.get(rid)
            holds = [HoldPeriod(hold.placed_on, hold.lifted_on) for hold in review.holds.values()]
            row = case_status.get_review(cursor, rid, today=TODAY)
            for today in TODAYS:
                # Then, on every day, the read models say what domain.deadlines says over the aggregate's state
                outcomes = evaluate(review.regime, review.milestones, holds, today, rules)
                expected_next = next_deadline(outcomes)
                row = case_status.get_review(cursor, rid, today=today)
                assert row is not None
                assert row["overdue_rules"] == overdue_rules(outcomes), (rid, today)
                assert row["next_deadline"] == (
                    None
                    if expected_next is None
                    else {"rule": expected_next[0], "due_on": expected_next[1].isoformat()}
                )
                found = timeliness.review_timeliness(cursor, rid, today=today)
                assert found == [outcome.as_dict() for outcome in outcomes], (rid, today)
            assert row["child_pseudonym"] == review.child.pseudonym
            assert row["la_aware_on"] == review.incident.la_aware_on.isoformat()
            assert row["closed_on"] == (None if review.closed_on is None else review.closed_on.isoformat())
            assert row["stage"] == review.stage
            decision, decided_on = review.current_decision
            assert (row["decision"], row["decided_on"]) == (
                decision,
                None if decided_on is None else decided_on.isoformat(),
            )
            assert row["children"] == [c.model_dump(mode="json") for c in review.children]
            assert row["statistics_child"] == review.statistics_child
            assert [hold["hold_id"] for hold in row["active_legal_holds"]] == [
                str(h.hold_id) for h in review.active_holds
            ]


def test_a_rebuild_from_position_zero_gives_the_same_answers(models: ReadModels) -> None:
    # Given every path of the contract (section 8 included: reconsideration, extension, revision, withdrawal and
    # republication, links, subsumed closure, corrections of every child) applied in batches of 7
    review_ids = record_all(models.app)
    with models.read() as cursor:
        before = every_answer(cursor, review_ids)
    # When every read model is dropped and rebuilt from position 0 in other batches
    with models.db.transaction() as cursor:
        for projection in models.projections:
            projection.drop_tables(cursor)
            projection.create_tables(cursor, postgres=models.db.is_postgres)
    models.position, models.batch_size = 0, 50
    # Then every query answers exactly as before
    with models.read() as cursor:
        after = every_answer(cursor, review_ids)
    assert after.keys() == before.keys()
    for key in before:
        assert after[key] == before[key], key


def test_aggregate_legal_hold_days_are_the_sum_of_each_reviews(models: ReadModels) -> None:
    review_ids = record_all(models.app)

    with models.read() as cursor:
        for today in TODAYS:
            national = timeliness.aggregate_timeliness(cursor, today=today)["national"]["rules"]
            per_review: dict[str, int] = {}
            for rid in review_ids:
                for rule in timeliness.review_timeliness(cursor, rid, today=today) or []:
                    per_review[rule["rule"]] = per_review.get(rule["rule"], 0) + rule["legal_hold_days"]
            started = {rule: days for rule, days in per_review.items() if rule in national}
            assert {rule: figures["legal_hold_days"] for rule, figures in national.items()} == started, today
