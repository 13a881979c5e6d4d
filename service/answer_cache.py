"""Answers that depend only on the read models' position, today and the question, kept per position.

The national and per-board aggregates cost tens to hundreds of milliseconds at 10,000 reviews, and a
dashboard asks for them far more often than the log moves: each is computed once per log position and
day, and any new event (a new position) or a new day asks again."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class AnswerCache:
    """A small least-recently-used map from (position, today, question) to its answer."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._answers: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The answer for `key`, computed by `compute` the first time it is asked."""
        with self._lock:
            if key in self._answers:
                self._answers.move_to_end(key)
                return self._answers[key]
        answer = compute()
        with self._lock:
            self._answers[key] = answer
            while len(self._answers) > self._size:
                self._answers.popitem(last=False)
        return answer

    def clear(self) -> None:
        """Forget every answer (after a disposal: an answer may hold a copy of the disposed personal data)."""
        with self._lock:
            self._answers.clear()
