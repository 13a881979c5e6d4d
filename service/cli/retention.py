"""`scr retention dispose-due [--apply]`: the closed reviews whose retention period has ended, and their disposal.

Due is decided by domain.retention.disposal_refusal, the rule the dispose command itself checks: closed,
its class's years after closure passed on today's date (Europe/London), no inquiry hold over its board.
Without `--apply` it only lists them. With `--apply --by USER` each is disposed of in turn as that user
acting as its board's chair (the command's role), which records `CaseReview.Disposed` (the disposal
record, with its rationale), destroys the review's data key, and, once the read models have applied it,
purges their copies and scrubs the database files (projections/disposal.py). One failure is reported and
the others carry on; the exit status is 1 if any failed.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from domain.base import Context
from domain.calendar import london_today
from domain.errors import DomainError
from domain.inquiry_hold import InquiryHold
from domain.retention import disposal_due_on, disposal_refusal
from domain.values import Actor, Role, Stage
from projections import case_status
from projections.storage import Database
from service.application import CaseReviews, open_application
from service.cli.projections import opened_engine
from service.settings import Settings


def add_retention_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`scr retention dispose-due`."""
    retention = commands.add_parser("retention", help="retention of personal data and its disposal")
    retention_commands = retention.add_subparsers(dest="retention_command", required=True, metavar="ACTION")
    due = retention_commands.add_parser(
        "dispose-due",
        help="list the reviews due for disposal; with --apply, dispose of each",
        description="List closed reviews whose retention class's years after closure have passed and that no "
        "inquiry hold covers; with --apply, dispose of each (its data key is destroyed, plaintext copies purged).",
    )
    due.add_argument("--apply", action="store_true", help="dispose of each review listed")
    due.add_argument("--by", default=None, help="the user disposing (required with --apply; recorded as chair)")
    due.add_argument("--rationale", default=None, help="recorded on each disposal (default: the class and due date)")
    due.set_defaults(run=dispose_due)


@dataclass(frozen=True)
class Due:
    """A review due for disposal."""

    review_id: UUID
    board_id: str
    case_ref: str
    retention_class: str
    due_on: date


def dispose_due(settings: Settings, args: argparse.Namespace) -> int:
    """List (and with --apply dispose of) every review due for disposal today."""
    if args.apply and not args.by:
        print("scr retention dispose-due: --apply needs --by USER (who disposes, recorded on each)", file=sys.stderr)
        return 2
    today = london_today()
    with opened_engine(settings) as engine:
        engine.catch_up()
        app = open_application(settings.url, retention=settings.retention, master_key=settings.master_key)
        try:
            due = due_reviews(engine.db, app.inquiry_holds_covering(None), settings, today)
            print(f"{len(due)} review(s) due for disposal on {today.isoformat()}")
            for found in due:
                kept = f"{found.retention_class}, due {found.due_on}"
                print(f"  {found.board_id} {found.case_ref} {found.review_id} ({kept})")
            if not args.apply:
                return 0
            failed = 0
            for number, found in enumerate(due, start=1):
                failed += not _dispose(app, found, args, today, f"[{number}/{len(due)}]")
        finally:
            app.close()
        engine.catch_up()  # the read models purge their copies; the files are scrubbed
    print(f"disposed of {len(due) - failed} of {len(due)}; the read models are purged")
    return 1 if failed else 0


def due_reviews(db: Database, holds: list[InquiryHold], settings: Settings, today: date) -> list[Due]:
    """The closed, not yet disposed reviews the disposal rule allows today."""
    schedule = settings.retention
    with db.transaction(read_only=True) as cursor:
        rows = case_status.list_reviews(cursor, today=today, stage=Stage.CLOSED.value)
    due = []
    for row in rows:
        process = row.get("process") or {}
        if process.get("disposed_on") or not row.get("closed_on"):
            continue
        retention = schedule.by_code.get(process.get("retention_class") or schedule.default_code)
        if retention is None:
            continue  # a class no longer in the schedule: never disposed of by default
        closed_on = date.fromisoformat(row["closed_on"])
        refusal = disposal_refusal(
            stage=Stage.CLOSED,
            closed_on=closed_on,
            board_id=row["board_id"],
            retention=retention,
            holds=holds,
            on=today,
        )
        due_on = disposal_due_on(closed_on, retention)
        if refusal is None and due_on is not None:
            due.append(Due(UUID(row["review_id"]), row["board_id"], row["case_ref"], retention.code, due_on))
    return due


def _dispose(app: CaseReviews, found: Due, args: argparse.Namespace, today: date, progress: str) -> bool:
    actor = Actor(user=args.by, role=Role.BOARD_CHAIR, board=found.board_id)
    rationale = args.rationale or (
        f"Retention period of class {found.retention_class} ended on {found.due_on.isoformat()}; "
        "no inquiry hold (scr retention dispose-due)"
    )
    try:
        result = app.dispose(Context(actor, uuid.uuid4(), today), found.review_id, on=today, rationale=rationale)
    except DomainError as error:
        print(f"{progress} {found.board_id} {found.case_ref}: refused ({error.code}): {error.detail}", file=sys.stderr)
        return False
    print(
        f"{progress} {found.board_id} {found.case_ref}: disposed of at position {result.position}; data key destroyed"
    )
    return True
