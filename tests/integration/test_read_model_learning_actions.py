"""Learning actions on SQLite and PostgreSQL: status and days overdue as of the reader's today, counts, assurance."""

from __future__ import annotations

from datetime import date
from typing import Any

from projections.learning_actions import action_counts, get_action, list_actions
from tests.builders import TODAY, ctx, record_daniel_pelka, record_every_event
from tests.integration.read_model_support import ReadModels, models_fixture  # noqa: F401


def by_agency(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["lead_agency"]: row for row in rows}


def test_daniel_pelkas_actions_read_overdue_completed_and_assured(models: ReadModels) -> None:
    # Given police (red, target 31 March 2014, open), health (green, two evidence items, assured 17 March 2014)
    # and education (target 31 January 2014, completion claimed 15 February, not yet assured)
    record_daniel_pelka(models.app)

    with models.read() as cursor:
        actions = by_agency(list_actions(cursor, today=TODAY, board_id="coventry"))

    police, health, education = actions["police"], actions["health"], actions["education"]
    # 31 March 2014 to 27 November 2026: 4,383 days to 31 March 2026 (3 leap days) and 241 more
    assert (police["status"], police["rag"], police["days_overdue"]) == ("overdue", "red", 4624)
    assert (police["recommendation_ref"], police["owner"], police["target_on"]) == ("R1", "DCI Lead", "2014-03-31")
    assert (health["status"], health["rag"], health["evidence_count"], health["days_overdue"]) == (
        "assured",
        "green",
        2,
        0,
    )
    assert health["assured_on"] == "2014-03-17"
    # A claimed completion awaiting assurance is not overdue; it shows how late it was claimed
    assert (education["status"], education["days_overdue"], education["completed_late_days"]) == ("completed", 0, 15)


def test_an_open_action_becomes_overdue_the_day_after_its_target(models: ReadModels) -> None:
    record_daniel_pelka(models.app)

    with models.read() as cursor:
        on_target = by_agency(list_actions(cursor, today=date(2014, 3, 31)))["police"]
        day_after = by_agency(list_actions(cursor, today=date(2014, 4, 1)))["police"]
        fetched = get_action(cursor, day_after["action_id"], today=date(2014, 4, 1))

    assert (on_target["status"], on_target["days_overdue"]) == ("open", 0)
    assert (day_after["status"], day_after["days_overdue"]) == ("overdue", 1)
    assert fetched == day_after


def test_actions_are_filtered_by_status_agency_and_review_and_paged(models: ReadModels) -> None:
    khyra = record_every_event(models.app)
    record_daniel_pelka(models.app)

    with models.read() as cursor:

        def agencies(**filters: Any) -> list[str]:
            return [row["lead_agency"] for row in list_actions(cursor, today=TODAY, **filters)]

        # Khyra Ishaq's education action was assured, then reopened: open again, and past its target
        assert agencies(status="overdue") == ["education", "police"]
        assert agencies(status="open") == []
        assert agencies(status="assured") == ["health"]
        assert agencies(status="completed") == ["education"]
        assert agencies(agency="education") == ["education", "education"]
        assert agencies(review_id=khyra) == ["education"]
        assert agencies(board_id="coventry", agency="police") == ["police"]
        assert agencies(limit=2, offset=1) == ["education", "police"]
        assert get_action(cursor, khyra, today=TODAY) is None


def test_counts_by_status_rag_and_agency_with_days_from_publication_to_assurance(models: ReadModels) -> None:
    record_every_event(models.app)
    record_daniel_pelka(models.app)

    with models.read() as cursor:
        counts = action_counts(cursor, today=TODAY)
        coventry_police = action_counts(cursor, today=TODAY, board_id="coventry", agency="police")

    assert counts["total"] == 4
    assert counts["by_status"] == {"open": 0, "completed": 1, "assured": 1, "overdue": 2}
    assert counts["by_rag"] == {"red": 1, "amber": 1, "green": 1, "none": 1}
    education = next(row for row in counts["by_agency"] if row["agency"] == "education")
    assert (education["total"], education["by_status"]["overdue"], education["by_rag"]["amber"]) == (2, 1, 1)
    # Published 17 September 2013, assured 17 March 2014: 181 days
    assert counts["days_publication_to_assurance"] == {"count": 1, "median": 181.0, "p90": 181.0}
    assert (coventry_police["total"], coventry_police["by_status"]["overdue"]) == (1, 1)


def test_a_corrected_publication_date_moves_the_time_to_assurance(models: ReadModels) -> None:
    rid = record_daniel_pelka(models.app)
    published = next(
        n.id
        for n in models.app.recorder.select_notifications(1, 1000)
        if n.originator_id == rid and n.topic.endswith(".Published")
    )
    models.app.correct(
        ctx(board="coventry"),
        rid,
        corrects_position=published,
        field="published_on",
        value="2013-09-20",
        reason="The website went live three days later",
    )

    with models.read() as cursor:
        counts = action_counts(cursor, today=TODAY)

    assert counts["days_publication_to_assurance"]["median"] == 178.0
