"""`scr projections run|rebuild|status`: operating the read models from the command line."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from tqdm import tqdm

from projections.catalog import read_models
from projections.engine import ProjectionEngine, ProjectionStatus, describe_rebuild
from projections.personal_copies import align_with_master_key
from projections.storage import Database
from service.application import open_application
from service.services import schema_lock
from service.settings import Settings

ABOUT = (
    "Read models (projections) are the tables that dashboards, the National Panel and the API read: "
    "case status, cost ledger, learning actions, timeliness and the audit log. They are derived from "
    "the event log, which is the record; each one can be dropped and rebuilt from it at any time."
)


@contextmanager
def opened_engine(settings: Settings, *, setup: bool = True) -> Iterator[ProjectionEngine]:
    """The engine over every read model, its tables created (and upgraded); the store is closed afterwards.

    Set up under the same schema lock as API processes (service/services.py), so a worker starting with
    them never creates the same table at the same moment. Without `setup` only the tracking table is made
    sure of: a reader that must not wait for another process's upgrade (`status`, which shows its progress)."""
    with schema_lock(settings) if setup else nullcontext():
        app = open_application(settings.url, master_key=settings.master_key)
        db = Database(settings.url)
        try:
            engine = ProjectionEngine(app.recorder, db, read_models(settings), keys=app.keys)
            if setup:
                engine.setup()
            else:
                engine.ensure_tracking()
        except BaseException:
            db.close()
            app.close()
            raise
    try:
        yield engine
    finally:
        db.close()
        app.close()


def run_projections(settings: Settings, _: argparse.Namespace) -> int:
    """Keep every read model up to date until SIGTERM or Ctrl-C."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    with opened_engine(settings) as engine:
        if engine.keys is not None:
            align_with_master_key(engine, engine.keys)  # no master key: the copies of personal data are dropped
        names = ", ".join(projection.name for projection in engine.projections) or "none"
        print(f"scr projections: following the event log for: {names}", file=sys.stderr)
        engine.run(stop)
        print(f"scr projections: stopped cleanly at position {engine.position():,}", file=sys.stderr)
    return 0


def rebuild_projections(settings: Settings, args: argparse.Namespace) -> int:
    """Drop and rebuild one read model (or all) from position 0, with a progress bar and the rate."""
    with opened_engine(settings) as engine:
        chosen = [p.name for p in engine.projections if args.name in (None, p.name)]
        if not chosen:
            known = ", ".join(p.name for p in engine.projections) or "none"
            print(f"scr projections rebuild: no read model named {args.name!r} (known: {known})", file=sys.stderr)
            return 2
        started = time.perf_counter()
        with tqdm(total=engine.head(), unit=" events", file=sys.stderr, desc="rebuilding") as bar:
            events = engine.rebuild(args.name, progress=bar.update)
        print(describe_rebuild(chosen, events, time.perf_counter() - started))
        stopped = [status for status in engine.status() if status.name in chosen and status.error]
        for status in stopped:
            print(f"scr projections rebuild: {status.name} {describe(status)}", file=sys.stderr)
        return 1 if stopped else 0


def show_status(settings: Settings, _: argparse.Namespace) -> int:
    """Print each read model's position, the log's head and the lag; exit 1 if any has stopped."""
    with opened_engine(settings, setup=False) as engine:
        statuses = engine.status()
    width = max([len("READ MODEL"), *(len(status.name) for status in statuses)])
    print(f"{'READ MODEL':<{width}}  {'POSITION':>12}  {'HEAD':>12}  {'LAG':>10}  STATE")
    for status in statuses:
        print(
            f"{status.name:<{width}}  {status.position:>12,}  {status.head:>12,}  {status.lag:>10,}  {describe(status)}"
        )
    return 1 if any(status.error for status in statuses) else 0


def describe(status: ProjectionStatus) -> str:
    """'up to date', 'behind', or why it stopped."""
    if status.error:
        return f"STOPPED at position {status.error_position:,}: {status.error}"
    return "up to date" if status.lag == 0 else "behind"


def add_projection_commands(subparsers: Any) -> None:
    """Register `scr projections ...` on the top-level command parser."""
    projections = subparsers.add_parser(
        "projections", help="keep the read models up to date, rebuild them, show how far they are", description=ABOUT
    )
    actions = projections.add_subparsers(dest="projections_command", required=True, metavar="ACTION")
    run = actions.add_parser(
        "run",
        help="keep the read models up to date until stopped (a worker process)",
        description="Follow the event log and apply new events to every read model as they are recorded. "
        "With PostgreSQL run it beside the API processes (e.g. as a systemd service); a second copy is "
        "harmless, and it is safe to kill at any moment, as each batch is committed with its position. "
        "SIGTERM or Ctrl-C stops it cleanly after the current batch.",
    )
    run.set_defaults(run=run_projections)
    rebuild = actions.add_parser(
        "rebuild",
        help="drop a read model (or all) and rebuild it from the start of the event log",
        description="Drop the read model's tables and replay the whole event log into them, showing "
        "progress and the rate at the end. Not needed after an upgrade: a read model whose schema version "
        "changed is rebuilt when the service or worker starts. Use it if one was damaged. The event log "
        "itself is never changed. Exits 1 if a read model stops on an event.",
    )
    rebuild.add_argument("name", nargs="?", help="the read model to rebuild, e.g. case_status (default: all)")
    rebuild.set_defaults(run=rebuild_projections)
    status = actions.add_parser(
        "status",
        help="show each read model's position, the log's head and the lag",
        description="For each read model: the last event position applied, the newest position in the "
        "event log, how many events it is behind, and, if it stopped on an event, which one and why. "
        "Exits 1 if any read model has stopped (for monitoring).",
    )
    status.set_defaults(run=show_status)
