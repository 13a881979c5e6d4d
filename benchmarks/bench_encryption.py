"""`make bench`: the command overhead of sealing personal fields, against the same commands without it.

In one run, on an SQLite file and a fresh PostgreSQL schema, with no HTTP (the application's own
commands, one client): BENCH_REVIEWS notifications (each seals two children and the incident's
description, and makes the review's data key), then a legal hold placed on each (seals its reference),
then one review read back from the store per review (opens them). Each phase is timed with sealing
(`open_application`: data keys wrapped by a master key) and without (`CaseReviews(keys=None)`: events
stored as they are), alternating, ROUNDS times each, keeping each phase's fastest; the ratio is sealed
time / plain time. `map_store` and `map_read` time the mapper alone (a notification to its stored
record and back, the review's key in memory): the cryptography's own cost, free of the disk's noise. Writes
benchmarks/results/encryption.json and prints a table."""

from __future__ import annotations

import base64
import json
import os
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks.served import ROOT, fresh_schema
from domain.base import Context
from domain.review import CaseReview
from domain.review_values import Child, Incident
from domain.values import AbuseOrNeglect, Actor, HoldKind, IncidentNature, Regime, Role
from projections.storage import DatabaseUrl
from service.application import CaseReviews, open_application

RESULTS = ROOT / "benchmarks" / "results" / "encryption.json"
REVIEWS = int(os.environ.get("BENCH_REVIEWS", "300"))
ROUNDS = 3  # plain and sealed alternate; the fastest of each is kept (a shared machine's noise only adds)
MAPPED = 2_000
BOARD = "bench"
TODAY = date(2026, 11, 27)


def ctx(role: Role) -> Context:
    return Context(Actor(user="bench", role=role, board=None if role is Role.ADMIN else BOARD), uuid.uuid4(), TODAY)


def timed(work: Callable[[], None]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def run(app: CaseReviews) -> dict[str, float]:
    """Seconds per command of each phase on one store."""
    app.register_board(ctx(Role.ADMIN), board_id=BOARD, name="Bench", local_authority="Bench")
    chair = ctx(Role.BOARD_CHAIR)
    ids: list[Any] = []

    def notify() -> None:
        for number in range(REVIEWS):
            ids.append(
                app.open_review(
                    chair,
                    board_id=BOARD,
                    case_ref=f"E-{number}",
                    regime=Regime.CSPR_2018,
                    child=Child(pseudonym=f"Child {number}", age_years=3, ethnicity="White British"),
                    other_children=(Child(pseudonym=f"Sibling {number}", age_years=5),),
                    incident=Incident(
                        nature=IncidentNature.SERIOUS_HARM,
                        abuse_or_neglect=AbuseOrNeglect.SUSPECTED,
                        occurred_on=date(2025, 1, 6),
                        la_aware_on=date(2025, 1, 7),
                        description="Admitted to hospital with injuries; the family was known to services. " * 3,
                    ),
                    notified_on=date(2025, 1, 8),
                ).id
            )

    def hold() -> None:
        for review_id in ids:
            app.act_on_review(
                chair,
                CaseReview.place_legal_hold,
                review_id,
                kind=HoldKind.CRIMINAL_PROCEEDINGS,
                reference="R v Parent, Crown Court T2025-0001",
                blocks_publication=True,
                placed_on=date(2025, 2, 1),
            )

    def read() -> None:
        for review_id in ids:
            app.repository.get(review_id)

    found = {name: timed(phase) / REVIEWS for name, phase in (("notify", notify), ("hold", hold), ("read", read))}
    # The mapper alone (no database): one notification's event to its stored record and back.
    review = app.repository.get(ids[0])
    notified = next(iter(app.recorder.select_events(review.id, lte=1)))
    event = app.mapper.to_domain_event(notified)
    found["map_store"] = timed(lambda: [app.mapper.to_stored_event(event) for _ in range(MAPPED)]) / MAPPED
    found["map_read"] = timed(lambda: [app.mapper.to_domain_event(notified) for _ in range(MAPPED)]) / MAPPED
    return found


@contextmanager
def store(kind: str) -> Iterator[str]:
    """A fresh PostgreSQL schema, or an SQLite file in a temporary folder."""
    if kind == "postgres":
        with fresh_schema() as url:
            yield url
    else:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'scr.sqlite3'}"


def measured(kind: str, sealed: bool, master: Path) -> dict[str, float]:
    with store(kind) as url:
        app = open_application(url, master_key=master) if sealed else CaseReviews(DatabaseUrl(url).event_store_env())
        try:
            return run(app)
        finally:
            app.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        master = Path(folder) / "master.key"
        master.write_bytes(base64.b64encode(os.urandom(32)))
        master.chmod(0o600)
        rows = []
        for kind in ("sqlite", "postgres"):
            runs: dict[bool, list[dict[str, float]]] = {False: [], True: []}
            for _ in range(ROUNDS):
                for sealing in (False, True):
                    runs[sealing].append(measured(kind, sealing, master))
            plain, sealed = ({phase: min(run[phase] for run in runs[s]) for phase in runs[s][0]} for s in (False, True))
            for phase in plain:
                rows.append(
                    {
                        "store": kind,
                        "phase": phase,
                        "plain_ms": round(plain[phase] * 1000, 3),
                        "sealed_ms": round(sealed[phase] * 1000, 3),
                        "ratio": round(sealed[phase] / plain[phase], 2),
                    }
                )
    RESULTS.write_text(json.dumps({"reviews": REVIEWS, "rows": rows}, indent=2) + "\n")
    print(f"{'store':9} {'phase':10} {'plain ms':>9} {'sealed ms':>10} {'ratio':>6}")
    for row in rows:
        print(f"{row['store']:9} {row['phase']:10} {row['plain_ms']:9.3f} {row['sealed_ms']:10.3f} {row['ratio']:6.2f}")


if __name__ == "__main__":
    main()
