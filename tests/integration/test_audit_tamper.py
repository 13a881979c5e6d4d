"""Tampering done with SQL directly in the database is detected, at the right position, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.review import CaseReview
from domain.values import RecommendationScope
from projections.audit.checkpoints import checkpoint_dir, read_file
from tests.builders import ctx
from tests.integration.audit_fixtures import Audited, audited_store


@pytest.fixture
def audited(database_url: str, tmp_path: Path) -> Iterator[Audited]:
    yield from audited_store(database_url, tmp_path)


def test_an_untouched_log_verifies_clean_and_every_event_is_covered_by_a_signed_checkpoint(audited: Audited) -> None:
    report = audited.verify()
    assert report.verified, report.problem
    assert report.events_checked == report.events_verified == audited.head()
    assert report.not_yet_checkpointed == 0
    assert report.checkpoints_checked >= audited.head() // 10
    assert report.key_trusted


def test_events_after_the_latest_checkpoint_are_reported_as_not_yet_checkpointed(audited: Audited) -> None:
    audited.app.act_on_review(
        ctx(), CaseReview.make_recommendation, audited.review_id, ref="R9", text="More", scope=RecommendationScope.LOCAL
    )
    audited.engine.catch_up()  # one event: fewer than 10, so no automatic checkpoint
    report = audited.verify()
    assert report.verified
    assert report.not_yet_checkpointed == 1
    assert report.events_verified == report.events_checked - 1


def test_changing_one_byte_of_one_stored_event_is_detected_at_its_position(audited: Audited) -> None:
    state = bytearray(audited.state_at(12))
    state[state.index(b"20")] ^= 0x01  # one digit of a date becomes another: "20" -> "30"
    audited.sql(f"UPDATE {audited.events} SET state = %s WHERE {audited.position} = 12", (bytes(state),))
    report = audited.verify()
    assert not report.verified
    assert report.problem is not None
    assert (report.problem.kind, report.problem.position) == ("event_altered", 12)


def test_deleting_an_event_is_detected_at_its_position(audited: Audited) -> None:
    audited.sql(f"DELETE FROM {audited.events} WHERE {audited.position} = 9")
    problem = audited.verify().problem
    assert problem is not None
    assert (problem.kind, problem.position) == ("event_missing", 9)


def test_inserting_a_forged_event_below_the_first_position_is_detected(audited: Audited) -> None:
    version = audited.sql(f"SELECT MAX(originator_version) FROM {audited.events} WHERE {audited.position} <= 30")[0][0]
    row = audited.sql(f"SELECT originator_id, topic, state FROM {audited.events} WHERE {audited.position} = 30")[0]
    audited.sql(
        f"INSERT INTO {audited.events} ({audited.position}, originator_id, originator_version, topic, state) "
        "VALUES (0, %s, %s, %s, %s)",
        (row[0], version + 100, row[1], row[2]),
    )
    problem = audited.verify().problem
    assert problem is not None
    assert (problem.kind, problem.position) == ("event_inserted", 0)


def test_a_forged_event_appended_with_a_version_hole_is_detected(audited: Audited) -> None:
    head = audited.head()
    oid, version = audited.sql(
        f"SELECT originator_id, MAX(originator_version) FROM {audited.events} GROUP BY originator_id "
        "ORDER BY 2 DESC LIMIT 1"
    )[0]
    topic, state = audited.sql(f"SELECT topic, state FROM {audited.events} WHERE {audited.position} = %s", (head,))[0]
    audited.sql(
        f"INSERT INTO {audited.events} ({audited.position}, originator_id, originator_version, topic, state) "
        "VALUES (%s, %s, %s, %s, %s)",
        (head + 1, oid, version + 2, topic, state),
    )
    problem = audited.verify().problem
    assert problem is not None
    assert (problem.kind, problem.position) == ("version_gap", head + 1)


def test_swapping_the_contents_of_two_events_is_detected_at_the_first(audited: Audited) -> None:
    first, second = audited.state_at(14), audited.state_at(21)
    audited.sql(f"UPDATE {audited.events} SET state = %s WHERE {audited.position} = 14", (second,))
    audited.sql(f"UPDATE {audited.events} SET state = %s WHERE {audited.position} = 21", (first,))
    problem = audited.verify().problem
    assert problem is not None
    assert (problem.kind, problem.position) == ("event_altered", 14)


def test_truncating_the_tail_is_detected_at_the_first_missing_position(audited: Audited) -> None:
    head = audited.head()
    audited.sql(f"DELETE FROM {audited.events} WHERE {audited.position} > %s", (head - 3,))
    problem = audited.verify().problem
    assert problem is not None
    assert (problem.kind, problem.position) == ("truncated", head - 2)


def test_altering_a_leaf_in_the_audit_tree_is_detected_at_its_position(audited: Audited) -> None:
    audited.sql("UPDATE audit_tree SET hash = %s WHERE level = 0 AND position = 17", (b"\x00" * 32,))
    problem = audited.verify().problem
    assert problem is not None
    assert (problem.kind, problem.position) == ("event_altered", 17)


def test_altering_an_inner_node_of_the_audit_tree_is_detected(audited: Audited) -> None:
    audited.sql("UPDATE audit_tree SET hash = %s WHERE level = 2 AND leaf = 7", (b"\x00" * 32,))
    problem = audited.verify().problem
    assert problem is not None
    assert problem.kind == "tree_altered"
    assert problem.position == audited.sql("SELECT position FROM audit_tree WHERE level = 0 AND leaf = 7")[0][0]


def test_altering_a_stored_checkpoint_breaks_its_signature(audited: Audited) -> None:
    size = audited.sql("SELECT size FROM audit_checkpoints ORDER BY size")[1][0]
    audited.sql("UPDATE audit_checkpoints SET recorded_at = %s WHERE size = %s", ("2020-01-01T00:00:00+00:00", size))
    problem = audited.verify().problem
    assert problem is not None
    assert problem.kind == "checkpoint_signature"
    assert (
        problem.position
        == audited.sql("SELECT position FROM audit_tree WHERE level = 0 AND leaf = %s", (size - 1,))[0][0]
    )


def test_a_rewritten_log_re_signed_with_the_same_key_is_caught_by_the_checkpoints_an_auditor_kept(
    audited: Audited, tmp_path: Path
) -> None:
    held = [read_file(f) for f in sorted(checkpoint_dir(audited.settings).glob("checkpoint-*.json"))]
    state = audited.state_at(25).replace(b'-user"', b'-usex"')
    assert state != audited.state_at(25)
    audited.sql(f"UPDATE {audited.events} SET state = %s WHERE {audited.position} = 25", (state,))
    audited.sql("DELETE FROM audit_checkpoints")
    audited.engine.rebuild("audit_log")  # the operator rebuilds the tree, which re-signs checkpoints as it goes
    audited.catch_up_and_checkpoint()
    assert audited.verify().verified  # on its own, the rewritten log is self-consistent
    problem = audited.verify(held).problem
    assert problem is not None
    assert problem.kind == "inconsistent_with_auditor_checkpoint"
    assert problem.position is not None
    assert problem.to_position is not None
    assert problem.position <= 25 <= problem.to_position


def test_a_forged_event_slipped_into_a_gap_of_the_postgres_log_is_detected_at_its_position(
    postgres_url: str, tmp_path: Path
) -> None:
    for audited in audited_store(postgres_url, tmp_path):
        gap = audited.sql("SELECT nextval(pg_get_serial_sequence('casereviews_events', 'notification_id'))")[0][0]
        for ref in ("R7", "R8"):  # recorded after the gap a rolled-back insert would leave
            audited.app.act_on_review(
                ctx(),
                CaseReview.make_recommendation,
                audited.review_id,
                ref=ref,
                text="t",
                scope=RecommendationScope.LOCAL,
            )
        audited.catch_up_and_checkpoint()
        assert audited.verify().verified
        topic, state = audited.sql(
            "SELECT topic, state FROM casereviews_events WHERE notification_id = %s", (gap + 1,)
        )[0]
        audited.sql(
            "INSERT INTO casereviews_events (notification_id, originator_id, originator_version, topic, state) "
            "VALUES (%s, %s, 99, %s, %s)",
            (gap, audited.review_id, topic, state),
        )
        problem = audited.verify().problem
        assert problem is not None
        assert (problem.kind, problem.position) == ("event_inserted", gap)
