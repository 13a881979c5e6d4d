"""Verification of the access log: every entry's leaf recomputed from its row, the tree rebuilt and matched,
each entry's subject rows matched to it, every checkpoint's root and signature checked (the audit
package's verification, over the access log's own tables)."""

from __future__ import annotations

import time
from dataclasses import replace

from projections.access_log import store
from projections.audit import store as audit_store
from projections.audit.checkpoints import Checkpoint
from projections.audit.store import ACCESS
from projections.audit.verify import NOT_INDEPENDENT, PAGE, Problem, Report, _Found, _Verification
from projections.storage import Database

LOG = "the access log"


def verify_access_log(
    db: Database, *, trusted_key: bytes | None = None, auditor: list[Checkpoint] | None = None
) -> Report:
    """Verify the access log; `trusted_key` is the operator's public key, `auditor` its checkpoints kept elsewhere."""
    started = time.perf_counter()
    report = Report(independent_checkpoint=bool(auditor))
    if not auditor:
        report.notes.append(NOT_INDEPENDENT)
    try:
        with audit_store.read_snapshot(db) as cursor:
            _AccessVerification(cursor, db.is_postgres, report, trusted_key, auditor or [], ACCESS).run()
    except _Found as found:  # the shared checks word their problems for the decisions' log: name this one
        problem = found.problem
        detail = problem.detail if problem.detail.startswith(LOG) else f"{LOG}: {problem.detail}"
        report.verified, report.problem = False, replace(problem, detail=detail)
    report.seconds = time.perf_counter() - started
    report.events_per_second = report.events_checked / report.seconds if report.seconds else 0.0
    return report


class _AccessVerification(_Verification):
    def _scan(self, due: dict[int, list[tuple[str, Checkpoint]]]) -> None:
        after = 0
        while entries := store.page(self.cursor, after, PAGE):
            first = self.frontier.size
            tree_rows = iter(audit_store.tree_rows(self.cursor, first, first + len(entries), ACCESS))
            subjects = store.subjects_between(self.cursor, entries[0]["seq"], entries[-1]["seq"])
            for entry in entries:
                seq, leaf = entry["seq"], self.frontier.size
                if seq != leaf + 1:
                    gone = f"entry {leaf + 1} is" if seq == leaf + 2 else f"entries {leaf + 1}..{seq - 1} are"
                    raise _Found(
                        Problem("access_entry_missing", seq, f"{LOG}: {gone} missing (deleted from access_log)")
                    )
                if leaf >= self.tree_size:  # an entry and its leaf are appended in one transaction
                    raise _Found(
                        Problem(
                            "access_entry_inserted",
                            seq,
                            f"{LOG}: entry {seq} has no leaf in the access log's tree: added outside the service",
                        )
                    )
                for (level, _), hash_ in self.frontier.append(store.leaf_of(entry)):
                    row = next(tree_rows, None)
                    if row is None or row[:3] != (leaf, level, hash_):
                        raise _Found(
                            Problem(
                                "access_entry_altered",
                                seq,
                                f"{LOG}: entry {seq} does not match its leaf {leaf} (node level {level}): "
                                "the entry or the access log's tree was altered",
                            )
                        )
                if subjects.get(seq, set()) != {tuple(pair) for pair in entry["reviews"]}:
                    raise _Found(
                        Problem(
                            "access_subjects_altered", seq, f"{LOG}: the reviews indexed for entry {seq} were altered"
                        )
                    )
                if self.frontier.size in due:
                    self._check_checkpoints(due[self.frontier.size], seq)
                self.report.events_checked += 1
            after = entries[-1]["seq"]
