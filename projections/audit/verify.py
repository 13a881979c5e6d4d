"""Verification of the whole log: every leaf recomputed from the stored bytes, the tree rebuilt, every
checkpoint's root and signature checked, each aggregate's versions contiguous, and consistency with
checkpoints an auditor kept. It stops at the first problem and says where it is."""

from __future__ import annotations

import gc
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from projections.audit import store
from projections.audit.checkpoints import Checkpoint, key_id
from projections.audit.leaves import record_leaf
from projections.audit.merkle import Frontier
from projections.audit.store import AUDIT, LogTables
from projections.storage import Cursor, Database

PAGE = 10_000
# Positions start at 1, but a row forged below that would still show in a review's history: read from the very bottom.
LOWEST = -(2**63)
NOT_INDEPENDENT = (
    "not checked against an independent checkpoint: the stored checkpoints are signed with the key kept "
    "beside the database, so a rewrite re-signed with it would pass; give a checkpoint you hold"
)


@dataclass(frozen=True)
class Problem:
    """The first thing found wrong, at a position of the log (None when it concerns no single event)."""

    kind: str
    position: int | None
    detail: str
    to_position: int | None = None  # when only a range can be named (a checkpoint's root differs)


@dataclass
class Report:
    """What verification found."""

    verified: bool = True
    events_checked: int = 0
    events_verified: int = 0  # covered by a checkpoint whose root and signature were checked
    not_yet_checkpointed: int = 0
    checkpoints_checked: int = 0
    auditor_checkpoints_checked: int = 0
    # Whether a checkpoint the auditor holds was given: without one, a rewrite re-signed with the key kept
    # beside the database verifies as clean.
    independent_checkpoint: bool = False
    latest_checkpoint_size: int | None = None
    key_id: str | None = None
    key_trusted: bool = False
    seconds: float = 0.0
    events_per_second: float = 0.0
    problem: Problem | None = None
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The report as JSON (GET /audit/verify)."""
        return asdict(self)


class _Found(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def verify_log(db: Database, *, trusted_key: bytes | None = None, auditor: list[Checkpoint] | None = None) -> Report:
    """Verify the stored log; `trusted_key` is the operator's public key, `auditor` checkpoints kept elsewhere."""
    started = time.perf_counter()
    report = Report(independent_checkpoint=bool(auditor))
    if not auditor:
        report.notes.append(NOT_INDEPENDENT)
    # The scan makes millions of short-lived, acyclic tuples; the cyclic collector's passes over a large
    # heap would cost more than the hashing, so it is paused for the scan.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with store.read_snapshot(db) as cursor:
            _Verification(cursor, db.is_postgres, report, trusted_key, auditor or []).run()
    except _Found as found:
        report.verified, report.problem = False, found.problem
    finally:
        if collecting:
            gc.enable()
    report.seconds = time.perf_counter() - started
    report.events_per_second = report.events_checked / report.seconds if report.seconds else 0.0
    return report


class _Verification:
    """One pass over a log and its tree; `_scan` reads the log (the access log's verification overrides it)."""

    def __init__(
        self,
        cursor: Cursor,
        postgres: bool,
        report: Report,
        trusted: bytes | None,
        auditor: list[Checkpoint],
        tables: LogTables = AUDIT,
    ) -> None:
        self.cursor, self.postgres, self.report, self.tables = cursor, postgres, report, tables
        self.stored = store.checkpoints(cursor, tables=tables)
        self.auditor = sorted(auditor, key=lambda c: c.size)
        self.trusted = self._trusted_keys(trusted)
        self.tree_size = store.tree_size(cursor, tables)
        self.frontier = Frontier()
        self.versions: dict[bytes, int] = {}
        self.last_good = (0, 0)  # (size, position) of the last checkpoint that matched

    def _trusted_keys(self, trusted: bytes | None) -> set[bytes]:
        keys = {c.public_key for c in self.auditor}
        if trusted is not None:
            keys.add(trusted)
        self.report.key_trusted = bool(keys)
        if not keys and self.stored:
            self.report.notes.append("no trusted key was given: signatures were checked against the database's keys")
            keys = {c.public_key for c in self.stored}
        if keys:
            self.report.key_id = ", ".join(sorted(key_id(k) for k in keys))
        return keys

    def run(self) -> None:
        for checkpoint in self.auditor:
            if not checkpoint.signature_valid():
                raise _Found(
                    Problem(
                        "auditor_checkpoint_signature",
                        None,
                        f"your checkpoint of size {checkpoint.size} has an invalid signature",
                    )
                )
        self._scan(self._due())
        self._check_end()

    def _scan(self, due: dict[int, list[tuple[str, Checkpoint]]]) -> None:
        after = LOWEST
        while page := store.records(self.cursor, postgres=self.postgres, after=after, limit=PAGE):
            self._check_page(page, due)
            after = page[-1][0]

    def _due(self) -> dict[int, list[tuple[str, Checkpoint]]]:
        due: dict[int, list[tuple[str, Checkpoint]]] = {}
        for checkpoint in self.stored:
            due.setdefault(checkpoint.size, []).append(("stored", checkpoint))
        for checkpoint in self.auditor:
            due.setdefault(checkpoint.size, []).append(("auditor", checkpoint))
        return due

    def _check_page(self, page: list[store.Record], due: dict[int, list[tuple[str, Checkpoint]]]) -> None:
        first = self.frontier.size
        stored = iter(store.tree_rows(self.cursor, first, first + len(page), self.tables))
        frontier, versions, append = self.frontier, self.versions, self.frontier.append
        for position, originator, version, topic, state in page:
            leaf = frontier.size
            made = append(record_leaf(position, originator, version, topic, state))
            if leaf < self.tree_size:
                for (level, _), hash_ in made:
                    row = next(stored, None)
                    if row is None or row[:3] != (leaf, level, hash_) or (level == 0 and row[3] != position):
                        raise _Found(_tree_problem(position, leaf, level, row))
            expected = versions.get(originator, 0) + 1
            if version != expected:
                raise _Found(_version_problem(position, originator, version, expected))
            versions[originator] = version
            if frontier.size in due:
                self._check_checkpoints(due[frontier.size], position)
            self.report.events_checked += 1

    def _check_checkpoints(self, checkpoints: list[tuple[str, Checkpoint]], position: int) -> None:
        root = self.frontier.root()
        for source, checkpoint in checkpoints:
            whose = "your checkpoint" if source == "auditor" else "the stored checkpoint"
            if source == "stored":
                self.report.checkpoints_checked += 1
                if not checkpoint.signature_valid():
                    raise _Found(
                        Problem(
                            "checkpoint_signature",
                            position,
                            f"{whose} of size {checkpoint.size} "
                            "has an invalid signature (the audit tables were altered)",
                        )
                    )
            else:
                self.report.auditor_checkpoints_checked += 1
            if checkpoint.public_key not in self.trusted:
                raise _Found(
                    Problem(
                        "checkpoint_key",
                        position,
                        f"{whose} of size {checkpoint.size} is signed by "
                        f"key {key_id(checkpoint.public_key)}, which is not trusted",
                    )
                )
            if checkpoint.root != root:
                size, after = self.last_good
                raise _Found(
                    Problem(
                        "checkpoint_root" if source == "stored" else "inconsistent_with_auditor_checkpoint",
                        after + 1,
                        f"{whose} of size {checkpoint.size} (signed {checkpoint.recorded_at}) does not match the log: "
                        f"an event after leaf {size} (positions {after + 1}..{position}) was changed, removed or added",
                        to_position=position,
                    )
                )
        self.last_good = (self.frontier.size, position)
        self.report.events_verified = self.frontier.size
        self.report.latest_checkpoint_size = self.frontier.size

    def _check_end(self) -> None:
        size = self.frontier.size
        claimed = max([c.size for c in self.stored + self.auditor], default=0)
        if self.tree_size > size or claimed > size:
            missing = store.positions_of_leaves(self.cursor, [size], self.tables)
            position = missing.get(size)
            raise _Found(
                Problem(
                    "truncated",
                    position,
                    f"the log holds {size} events, but the audit tree has {self.tree_size} "
                    f"leaves and a checkpoint covers {claimed}: events from position {position or '?'} on are missing",
                )
            )
        latest_stored = max((c.size for c in self.stored), default=0)
        if self.tree_size < latest_stored:
            raise _Found(
                Problem(
                    "tree_missing",
                    None,
                    f"the audit tree has {self.tree_size} leaves but a checkpoint covers {latest_stored}",
                )
            )
        self.report.not_yet_checkpointed = size - self.report.events_verified


def _version_problem(position: int, originator: bytes, version: int, expected: int) -> Problem:
    who = originator.hex() if len(originator) == 16 else repr(originator)
    what = "an event is missing before it" if version > expected else "its version repeats or goes back"
    return Problem(
        "version_gap",
        position,
        f"aggregate {who} is at version {version} at position {position}, expected version {expected}: {what}",
    )


def _tree_problem(position: int, leaf: int, level: int, row: tuple[int, int, bytes, int | None] | None) -> Problem:
    if row is None or row[0] != leaf or row[1] != level:
        return Problem("tree_altered", position, f"the audit tree lacks node (leaf {leaf}, level {level})")
    if level > 0:
        return Problem("tree_altered", position, f"the audit tree's node (leaf {leaf}, level {level}) was altered")
    stored_position = row[3]
    if stored_position is not None and stored_position < position:
        return Problem(
            "event_missing",
            stored_position,
            f"the event at position {stored_position} is missing "
            f"from the log (leaf {leaf} recorded it; the log now has position {position} there)",
        )
    if stored_position is not None and stored_position > position:
        return Problem(
            "event_inserted",
            position,
            f"the event at position {position} is not in the audit tree "
            f"(leaf {leaf} recorded position {stored_position}): it was inserted",
        )
    return Problem(
        "event_altered",
        position,
        f"the stored event at position {position} does not match its leaf "
        f"{leaf} in the audit tree: the event or the tree was altered",
    )
