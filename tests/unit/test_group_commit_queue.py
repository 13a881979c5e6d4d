"""The group-commit queue on its own (projections/group_commit.py): who commits what together, and which caller
gets which outcome. The database's side is proven on PostgreSQL in tests/faults/test_group_commit.py."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from projections.group_commit import GroupCommit

CALLERS = 6


class Interrupted(BaseException):
    """Stands for an interrupt (KeyboardInterrupt, SystemExit) met by the leader while it commits."""


class Store:
    """What the queue commits to: remembers each call; the first commit waits until the others are queued."""

    def __init__(self, refuse: Callable[[Sequence[str]], BaseException | None] = lambda items: None) -> None:
        self.calls: list[tuple[str, ...]] = []
        self.refuse = refuse
        self.queue: GroupCommit[str, str] = GroupCommit(self.together, self.alone, shared_errors=(ConnectionError,))
        self.holding = threading.Event()
        self._first = threading.Lock()

    def together(self, items: Sequence[str]) -> list[str]:
        self.calls.append(tuple(items))
        error = self.refuse(items)
        if error is not None:
            raise error
        return [f"stored {item}" for item in items]

    def alone(self, item: str) -> str:
        if self._first.acquire(blocking=False):
            self.holding.set()
            deadline = time.monotonic() + 10
            while self.queue.waiting < CALLERS and time.monotonic() < deadline:
                time.sleep(0.001)
        return self.together([item])[0]


def outcomes(store: Store) -> list[Any]:
    """A first caller, then CALLERS more sent while its commit is held: each caller's result or error."""

    def submit(item: str) -> Any:
        try:
            return store.queue.submit(item)
        except BaseException as error:  # the outcome asserted by the test, interrupts included
            return error

    with ThreadPoolExecutor(1 + CALLERS) as pool:
        first = pool.submit(submit, "first")
        assert store.holding.wait(10)
        rest = [pool.submit(submit, f"item-{n}") for n in range(CALLERS)]
        return [first.result(timeout=20), *(future.result(timeout=20) for future in rest)]


def test_requests_queued_behind_a_commit_are_committed_together_and_each_answered_its_own_result() -> None:
    store = Store()
    answers = outcomes(store)
    assert answers == ["stored first", *(f"stored item-{n}" for n in range(CALLERS))]
    assert store.calls[0] == ("first",)
    assert sorted(store.calls[1]) == [f"item-{n}" for n in range(CALLERS)]
    assert store.queue.stats().sizes == Counter({1: 1, CALLERS: 1})


def test_a_refused_group_is_committed_request_by_request_so_only_the_request_at_fault_fails() -> None:
    store = Store(refuse=lambda items: ValueError("conflict") if "item-3" in items else None)
    answers = outcomes(store)
    assert [type(answer).__name__ for answer in answers] == ["str"] * 4 + ["ValueError"] + ["str"] * (CALLERS - 4)
    assert store.queue.stats().split == 1
    assert len(store.calls) == 2 + CALLERS  # the first, the refused group, then each of its requests alone


def test_an_error_of_the_connection_reaches_every_request_of_the_group_each_as_its_own_copy() -> None:
    store = Store(refuse=lambda items: ConnectionError("gone") if len(items) > 1 else None)
    answers = outcomes(store)[1:]
    assert all(isinstance(answer, ConnectionError) for answer in answers)
    assert len({id(answer) for answer in answers}) == CALLERS
    assert {id(answer.__cause__) for answer in answers} == {id(answers[0].__cause__)}
    assert store.queue.stats().split == 0


def test_an_interrupted_leader_leaves_no_request_waiting_and_the_queue_serves_again() -> None:
    store = Store(refuse=lambda items: Interrupted() if len(items) > 1 else None)
    answers = outcomes(store)[1:]
    assert all(isinstance(answer, Interrupted) for answer in answers)
    store.refuse = lambda items: None
    assert store.queue.submit("after") == "stored after"
