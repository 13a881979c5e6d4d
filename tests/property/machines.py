"""What the stateful property tests share: an aggregate driven by random commands, saved and replayed.

Commands run on the live aggregate exactly as the application runs them, then the new events are
saved through the real mapper (Pydantic, orjson) into the library's in-memory recorder; a fresh
`repository.get` replays them, and that replay must equal the live aggregate, field for field."""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import uuid4

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant

from domain.base import Aggregate, Context
from domain.errors import DomainError
from domain.values import Actor, Role
from service.application import CaseReviews

TODAY = date(2016, 10, 1)
# `make soak` raises the examples (random command sequences) per machine from the make-test default.
EXAMPLES = int(os.environ.get("SCR_PROPERTY_EXAMPLES", "0"))
BASE = date(2016, 1, 1)
BOARD = "hypothesis-board"

# Days around the base date: most fall before today, some after it (refused as in the future).
days = st.integers(min_value=-40, max_value=320).map(lambda n: BASE + timedelta(days=n))
texts = st.sampled_from(["", "Minutes of the meeting", "Police advice", "The chair's reasons", "x" * 40, " "])


@dataclass(frozen=True)
class Later:
    """A date given as days after the latest date recorded so far, resolved when the command runs.

    Commands mostly move forward in time, as a real review does, so random sequences get far
    through the process; a negative step or a date past today tests the refusals."""

    days: int


steps = st.integers(min_value=-6, max_value=14).map(Later)


def context(role: Role = Role.BOARD_CHAIR) -> Context:
    return Context(Actor(user="property-user", role=role, board=BOARD, agency="police"), uuid4(), TODAY)


def state(aggregate: Aggregate) -> dict[str, Any]:
    """Everything an aggregate holds except its not-yet-saved events."""
    return copy.deepcopy({key: value for key, value in vars(aggregate).items() if key != "_pending_events"})


class AggregateMachine(RuleBasedStateMachine):
    """One aggregate in an in-memory store; subclasses create it and add rules and invariants."""

    aggregate: Aggregate

    def __init__(self) -> None:
        super().__init__()
        self.app = CaseReviews(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
        self.positions: dict[int, int] = {}
        self.latest = TODAY

    def run(self, command: str, **fields: Any) -> dict[str, Any] | None:
        """Send one command; returns its resolved fields, or None if refused (which must change nothing)."""
        fields = {
            name: self.latest + timedelta(days=v.days) if isinstance(v, Later) else v for name, v in fields.items()
        }
        before = state(self.aggregate)
        try:
            getattr(self.aggregate, command)(context(), **fields)
        except DomainError:
            assert state(self.aggregate) == before
            assert self.aggregate.pending_events == []
            return None
        self.save()
        self.latest = max([self.latest, *(v for v in fields.values() if isinstance(v, date))])
        return fields

    def save(self) -> None:
        """Store the aggregate's new events, remembering each version's position in the log."""
        for recording in self.app.save(self.aggregate):
            self.positions[recording.domain_event.originator_version] = recording.notification.id

    @invariant()
    def replaying_the_stored_events_rebuilds_the_same_state(self) -> None:
        assert state(self.app.repository.get(self.aggregate.id)) == state(self.aggregate)

    @invariant()
    def the_store_holds_every_version_once_in_order(self) -> None:
        stored = self.app.recorder.select_events(self.aggregate.id)
        assert [event.originator_version for event in stored] == list(range(1, self.aggregate.version + 1))
        assert sorted(self.aggregate.applied) == list(range(1, self.aggregate.version + 1))
