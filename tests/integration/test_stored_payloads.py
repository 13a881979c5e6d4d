"""Event classes are a published schema: payloads stored today must decode for as long as they are kept.

tests/fixtures/stored_events_v1.json holds one stored payload (topic and state, as the store holds them)
of every event type, captured from `record_every_event` and `record_cspr_published_under_override` when
the schema was version 1. Never regenerate it to make a test pass: a change of an event's shape that
breaks it needs `class_version` and an upcast (see PydanticMapper), and a new payload added beside the
old one. A class that moves module or name keeps its old topic working with
`eventsourcing.utils.register_topic(old_topic, cls)`, or every stored event of it becomes unreadable.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar
from uuid import UUID, uuid4

import orjson
import pytest
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic, resolve_topic

from domain.base import Aggregate
from domain.review import CaseReview
from domain.values import Actor, Recipient, Regime, Role
from projections.storage import OrjsonTranscoder, PydanticMapper
from tests.integration.test_event_store import event_classes

GOLDEN = Path(__file__).parent.parent / "fixtures" / "stored_events_v1.json"
MAPPER = PydanticMapper(transcoder=OrjsonTranscoder())


def golden_payloads() -> list[dict[str, Any]]:
    payloads: list[dict[str, Any]] = json.loads(GOLDEN.read_text())
    return payloads


def stored(payload: dict[str, Any]) -> StoredEvent:
    """The payload as the recorder hands it to the mapper."""
    return StoredEvent(
        originator_id=UUID(payload["originator_id"]),
        originator_version=payload["originator_version"],
        topic=payload["topic"],
        state=orjson.dumps(payload["state"]),
    )


def decoded(topic: str) -> Any:
    (payload,) = [p for p in golden_payloads() if p["topic"] == topic]
    return MAPPER.to_domain_event(stored(payload))


@pytest.mark.parametrize("payload", golden_payloads(), ids=lambda p: p["topic"].rpartition(".")[2])
def test_a_version_1_payload_still_decodes_to_its_class_with_every_stored_value(payload: dict[str, Any]) -> None:
    # Given a payload stored when the schema was version 1; when the mapper decodes it
    event = MAPPER.to_domain_event(stored(payload))
    # Then it is an instance of its class, and every stored value reads back unchanged (fields added
    # later with a default may appear beside them)
    assert type(event) is resolve_topic(payload["topic"])
    assert event.originator_id == UUID(payload["originator_id"])
    assert event.originator_version == payload["originator_version"]
    again = orjson.loads(MAPPER.to_stored_event(event).state)
    assert stored_values(again, payload["state"]) == payload["state"]


def stored_values(again: Any, stored_state: Any) -> Any:
    """What `again` holds of the keys `stored_state` has, at every depth (a value object may gain a field with a
    default, e.g. a child's DfE fields: the stored values must read back unchanged beside it)."""
    if isinstance(stored_state, dict) and isinstance(again, dict):
        return {name: stored_values(again.get(name), value) for name, value in stored_state.items()}
    return again


def test_the_golden_file_holds_a_payload_of_every_event_type() -> None:
    assert {p["topic"] for p in golden_payloads()} == {get_topic(cls) for cls in event_classes()}


def test_every_event_class_topic_resolves_to_the_class_itself() -> None:
    # A topic is module:qualname; moving a class needs register_topic(old, cls) to keep this true for
    # the topics already stored.
    for cls in event_classes():
        assert resolve_topic(get_topic(cls)) is cls


def test_a_stored_notification_decodes_with_its_exact_types() -> None:
    event = decoded("domain.review:CaseReview.Notified")
    assert event.regime is Regime.SCR_2013
    assert event.case_ref == "KI-2008"
    assert event.child.pseudonym == "Child K"
    assert event.incident.occurred_on == date(2008, 5, 17)
    assert event.incident.la_aware_on == date(2008, 5, 17)
    assert event.notified_on == date(2008, 5, 19)
    assert event.effective_on == date(2008, 5, 19)
    assert event.actor == Actor(user="board_manager-user", role=Role.BOARD_MANAGER, board="birmingham")
    assert isinstance(event.timestamp, datetime)
    assert event.timestamp.utcoffset() is not None
    assert isinstance(event.correlation_id, UUID)


def test_stored_decisions_money_hours_and_recipients_decode_with_their_types() -> None:
    decision = decoded("domain.review:CaseReview.InitiationDecided")
    assert decision.criteria.met is True
    assert decision.contradicts_criteria is False
    assert decision.rationale == "Child died; neglect known; agencies' joint working in question"
    assert decoded("domain.review:CaseReview.StaffTimeRecorded").hours == Decimal("6.5")
    assert decoded("domain.review:CaseReview.ReviewerCommissioned").contract_value_pence == 1_200_000
    assert decoded("domain.review:CaseReview.PanelNotified").recipients == (Recipient.OFSTED, Recipient.NATIONAL_PANEL)
    correction = decoded("domain.review:CaseReview.Corrected")
    assert (correction.corrects_position, correction.corrects_version) == (4, 2)
    assert correction.value == "2008-05-23"
    hold = decoded("domain.review:CaseReview.LegalHoldPlaced")
    assert hold.hold_id == UUID("b7642b8d-155c-4133-ba05-0c27760f345d")
    assert hold.blocks_publication is True


def test_stored_version_1_events_replay_into_a_review() -> None:
    # Given the review's stored events of version 1, in order; when replayed
    review_events = [
        MAPPER.to_domain_event(stored(p))
        for p in golden_payloads()
        if p["originator_id"] == "dfeea88e-afa2-5703-9a13-0faf83254eba" and p["topic"].startswith("domain.review:")
    ]
    assert [e.originator_version for e in review_events][:2] == [1, 2]
    review = None
    for event in review_events[:2]:
        review = event.mutate(review)
    # Then the aggregate carries their values
    assert isinstance(review, CaseReview)
    assert review.decided_on == date(2008, 5, 23)


# ---- a demonstration of upcasting: an event whose shape changed twice ----------------------------


class Logbook(Aggregate):
    """A demonstration aggregate (not part of the domain) whose event changed shape."""

    class Entered(Aggregate.Event):
        """v1 stored `note`; v2 renamed it `text`; v3 added `pages`, 1 for entries stored before."""

        class_version: ClassVar[int] = 3
        text: str
        pages: int

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["text"] = state.pop("note")

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            state["pages"] = 1


def logbook_payload(**fields: Any) -> StoredEvent:
    state = {
        "timestamp": "2010-07-27T09:00:00+01:00",
        "actor": {"user": "u", "role": "board_manager", "board": "b", "agency": None},
        "correlation_id": str(uuid4()),
        "rationale": None,
        **fields,
    }
    return StoredEvent(
        originator_id=uuid4(), originator_version=2, topic=get_topic(Logbook.Entered), state=orjson.dumps(state)
    )


@pytest.mark.parametrize(
    ("fields", "expected_pages"),
    [
        ({"note": "kept"}, 1),  # v1: no class_version stored
        ({"class_version": 2, "text": "kept"}, 1),
        ({"class_version": 3, "text": "kept", "pages": 4}, 4),
    ],
    ids=["v1", "v2", "v3"],
)
def test_an_older_payload_is_upcast_in_order_to_the_current_version(
    fields: dict[str, Any], expected_pages: int
) -> None:
    event = MAPPER.to_domain_event(logbook_payload(**fields))
    assert isinstance(event, Logbook.Entered)
    assert (event.text, event.pages) == ("kept", expected_pages)


def test_a_new_payload_records_its_class_version_and_decodes_without_upcasting() -> None:
    event = MAPPER.to_domain_event(logbook_payload(note="first"))
    state = orjson.loads(MAPPER.to_stored_event(event).state)
    assert state["class_version"] == 3
    assert "note" not in state
    assert (
        MAPPER.to_domain_event(
            StoredEvent(
                originator_id=event.originator_id,
                originator_version=2,
                topic=get_topic(Logbook.Entered),
                state=orjson.dumps(state),
            )
        )
        == event
    )


def test_a_version_1_class_stores_no_class_version() -> None:
    event = decoded("domain.review:CaseReview.Published")
    assert "class_version" not in orjson.loads(MAPPER.to_stored_event(event).state)
