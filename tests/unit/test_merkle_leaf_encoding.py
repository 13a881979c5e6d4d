"""The leaf encoding: every field of the stored record counts, and no two records share leaf data."""

from __future__ import annotations

from uuid import UUID

from projections.audit.leaves import event_leaf, leaf_data, recorded_instant

ID = UUID("dfeea88e-afa2-5703-9a13-0faf83254eba")
STATE = b'{"timestamp":"2026-11-27T09:55:50.904355Z","case_ref":"KI-2008"}'


def test_moving_a_byte_between_topic_and_state_changes_the_leaf_data() -> None:
    assert leaf_data(1, ID.bytes, 1, "ab", b"c") != leaf_data(1, ID.bytes, 1, "a", b"bc")


def test_each_field_of_the_record_changes_the_leaf() -> None:
    leaf = event_leaf(7, ID, 2, "domain.review:CaseReview.Notified", STATE)
    assert leaf != event_leaf(8, ID, 2, "domain.review:CaseReview.Notified", STATE)
    assert leaf != event_leaf(7, UUID(int=ID.int + 1), 2, "domain.review:CaseReview.Notified", STATE)
    assert leaf != event_leaf(7, ID, 3, "domain.review:CaseReview.Notified", STATE)
    assert leaf != event_leaf(7, ID, 2, "domain.review:CaseReview.Closed", STATE)
    assert leaf != event_leaf(7, ID, 2, "domain.review:CaseReview.Notified", STATE.replace(b"KI", b"KJ"))


def test_the_recorded_instant_is_read_from_the_stored_bytes_whatever_their_key_order() -> None:
    assert recorded_instant(STATE) == b"2026-11-27T09:55:50.904355Z"
    assert recorded_instant(b'{"case_ref":"x","timestamp":"2020-01-01T00:00:00Z"}') == b"2020-01-01T00:00:00Z"
    assert recorded_instant(b"not json") == b""


def test_the_leaf_data_spells_out_the_record_with_length_prefixes() -> None:
    data = leaf_data(1, ID.bytes, 1, "t", STATE)
    instant = b"2026-11-27T09:55:50.904355Z"
    assert data == (
        b"\x01"
        + (1).to_bytes(8, "big")
        + ID.bytes
        + (1).to_bytes(8, "big")
        + b"\x00\x01t"
        + len(instant).to_bytes(2, "big")
        + instant
        + len(STATE).to_bytes(4, "big")
        + STATE
    )
