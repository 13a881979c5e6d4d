"""Group commit: concurrent saves of one process written together, in one transaction and one commit.

Why: every save takes the events table's lock (so ids commit in order, projections/log_reader.py) and waits
for its own commit's flush; at 8 concurrent commands each queued behind the others' lock-and-flush cycles.
Saved together, a group pays one cycle.

How (leader and followers, no timer): a caller queues its request. If no group is being committed, it
becomes the leader: it takes what is queued (at most MAX_GROUP requests, oldest first), commits it, hands
each request its outcome and wakes the others; otherwise it waits. A request that arrives while a group
commits joins the next one, so at one client a group is one request and adds no delay, and under load groups
grow by themselves while the previous commit runs. The leader commits on its own thread: nothing runs in
the background, and a process that saves nothing holds nothing.

What a group's outcome is, request by request:
- committed together: each request gets its own results (the caller's function splits them);
- refused with an error that a request alone may cause (a conflict on one aggregate's version: the unique
  (originator_id, originator_version) constraint; or a value the database refuses): the group is rolled back
  and each request is committed alone, in the order queued, so only the request at fault gets the error;
- an error of the connection (`shared_errors`: the database went away, the commit's answer was lost): every
  request of the group gets it, as each would have alone. Retrying is the caller's business, each for its
  own request (projections.storage._prompt: bounded retries; a retry that meets its own committed rows is
  recognised by CaseReviews._position_if_recorded), so a group is never committed twice by this module.

Considered and not taken: a timer (wait a millisecond for company) adds latency at low load and is not needed,
as the commit in flight is the wait; `INSERT ... ON CONFLICT DO NOTHING` would store part of a request whose
other row conflicts (a save of several events or aggregates must be all or nothing); a savepoint per request
keeps that but costs a round trip each in pipeline mode (an error aborts the pipeline up to its sync), on every
group, to save work only on the rare group that meets a conflict.
"""

from __future__ import annotations

import copy
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MAX_GROUP = 64  # requests in one transaction: bounds its rows and how long its lock is held


@dataclass
class _Request(Generic[T, R]):
    """One caller's item and, once its group is done, its result or its error."""

    item: T
    finished: bool = False
    result: R | None = None
    error: BaseException | None = None

    def settle(self, result: R | None = None, error: BaseException | None = None) -> None:
        self.result, self.error, self.finished = result, error, True

    def outcome(self) -> R:
        if self.error is not None:
            raise self.error
        return self.result  # type: ignore[return-value]  # R itself may allow None


@dataclass
class GroupStats:
    """What the queue has done: how many groups of each size were committed together, and how many
    groups were refused and committed request by request instead."""

    sizes: Counter[int] = field(default_factory=Counter)
    split: int = 0

    def largest(self) -> int:
        return max(self.sizes, default=0)


class GroupCommit(Generic[T, R]):
    """A leader/follower queue committing concurrent requests together (module docstring)."""

    def __init__(
        self,
        together: Callable[[Sequence[T]], Sequence[R]],
        alone: Callable[[T], R],
        *,
        shared_errors: tuple[type[Exception], ...],
        max_group: int = MAX_GROUP,
    ) -> None:
        self._together = together
        self._alone = alone
        self._shared_errors = shared_errors
        self._max_group = max_group
        self._changed = threading.Condition()
        self._queue: list[_Request[T, R]] = []
        self._committing = False
        self._stats = GroupStats()

    def submit(self, item: T) -> R:
        """Commit `item` with whatever else is queued; its own result, or its own error."""
        request: _Request[T, R] = _Request(item)
        with self._changed:
            self._queue.append(request)
        while True:
            with self._changed:
                while self._committing and not request.finished:
                    self._changed.wait()
                if request.finished:
                    return request.outcome()
                self._committing = True
                group = self._queue[: self._max_group]
                del self._queue[: self._max_group]
            split = 0
            try:
                split = self._commit(group)
            finally:
                with self._changed:
                    self._committing = False
                    self._stats.sizes[len(group)] += 1
                    self._stats.split += split
                    self._changed.notify_all()

    @property
    def waiting(self) -> int:
        """Requests queued and not yet taken by a leader."""
        with self._changed:
            return len(self._queue)

    def stats(self) -> GroupStats:
        """A copy of what has been committed so far."""
        with self._changed:
            return GroupStats(Counter(self._stats.sizes), self._stats.split)

    def _commit(self, group: list[_Request[T, R]]) -> int:
        """Settle every request of the group; 1 if it was split into requests committed alone, else 0."""
        try:
            if len(group) == 1:
                self._commit_alone(group[0])
                return 0
            try:
                results = self._together([request.item for request in group])
            except self._shared_errors as error:
                for request in group:
                    request.settle(error=_own_copy(error))
                return 0
            except Exception:  # a refusal one request may have caused: find it by going alone
                for request in group:
                    self._commit_alone(request)
                return 1
            for request, result in zip(group, results, strict=True):
                request.settle(result)
            return 0
        except BaseException as error:  # an interrupt of the leader: no follower may wait for ever
            for request in group:
                if not request.finished:
                    request.settle(error=_own_copy(error))
            raise

    def _commit_alone(self, request: _Request[T, R]) -> None:
        try:
            request.settle(self._alone(request.item))
        except Exception as error:  # handed to its caller, raised on the caller's thread
            request.settle(error=error)


def _own_copy(error: BaseException) -> BaseException:
    """The error for one caller of several: a copy, so each thread's traceback is its own, caused by the original."""
    try:
        mine = copy.copy(error)
    except Exception:  # an exception type that cannot be copied is shared as it is
        return error
    mine.__cause__ = error
    return mine
