"""`scr audit`: sign a checkpoint, verify the log, export a review with proofs, verify an export offline."""

from __future__ import annotations

import argparse
import base64
import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from uuid import UUID

import orjson

from domain.values import Actor, Role
from projections.access_log import store as access_store
from projections.access_log.verify import verify_access_log
from projections.audit import store, tree
from projections.audit.checkpoints import (
    ACCESS_ORIGIN,
    Checkpoint,
    SigningKeyMissing,
    checkpoint_dir,
    load_signing_key,
    read_file,
    trusted_public_key,
)
from projections.audit.export import ExportUnavailable, build_export, verify_export
from projections.audit.projection import AuditLogProjection
from projections.audit.verify import Report, verify_log
from projections.engine import ProjectionEngine
from projections.private_files import write_private
from projections.storage import Database
from service.access_log import AccessLog
from service.application import open_application
from service.settings import Settings


@contextmanager
def _audit_tree(settings: Settings, *, catch_up: bool) -> Iterator[Database]:
    """Our tables' database, with the audit tree brought up to the head of the log if asked."""
    db = Database(settings.url)
    app = open_application(settings.url, master_key=settings.master_key)
    try:
        engine = ProjectionEngine(app.recorder, db, [AuditLogProjection(settings)], keys=app.keys)
        engine.setup()
        if catch_up:
            engine.catch_up()
        yield db
    finally:
        app.close()
        db.close()


def checkpoint(settings: Settings, _: argparse.Namespace) -> int:
    """Bring the audit tree up to the head and sign a checkpoint of it now."""
    try:
        key = load_signing_key(settings)
    except SigningKeyMissing as error:
        print(f"scr audit checkpoint: {error}", file=sys.stderr)
        return 2
    with _audit_tree(settings, catch_up=True) as db, db.transaction() as cursor:
        made = tree.checkpoint_now(cursor, key, checkpoint_dir(settings))
    if made is None:
        print("The log is empty: nothing to sign.")
        return 0
    print(_describe(made))
    print(f"Written to {checkpoint_dir(settings) / f'checkpoint-{made.size:012d}.json'}")
    return 0


def _describe(checkpoint: Checkpoint) -> str:
    return (
        f"Checkpoint of {checkpoint.size} events, signed {checkpoint.recorded_at} by key {checkpoint.key_id}\n"
        f"  root {checkpoint.root.hex()}"
    )


def _held_checkpoints(paths: list[Path]) -> list[Checkpoint]:
    """Checkpoint files, or every checkpoint-*.json of a directory an auditor copied."""
    files = [f for p in paths for f in (sorted(p.glob("checkpoint-*.json")) if p.is_dir() else [p])]
    return [read_file(f) for f in files]


def _held_access_checkpoints(paths: list[Path]) -> list[Checkpoint]:
    """The access log's checkpoints an auditor copied: those in the access-log/ folder of each directory given."""
    folders = [p / "access-log" for p in paths if p.is_dir()]
    files = [f for p in folders if p.is_dir() for f in sorted(p.glob("checkpoint-*.json"))]
    return [Checkpoint.from_json(orjson.loads(f.read_bytes()), origin=ACCESS_ORIGIN) for f in files]


def verify(settings: Settings, args: argparse.Namespace) -> int:
    """Verify the whole log and the access log; exit status 1 and the first problem if anything is wrong."""
    try:
        held = _held_checkpoints(args.checkpoint or [])
        held_access = _held_access_checkpoints(args.checkpoint or [])
    except (OSError, ValueError, KeyError) as error:
        print(f"scr audit verify: cannot read your checkpoint: {error}", file=sys.stderr)
        return 2
    trusted = trusted_public_key(settings)
    with _audit_tree(settings, catch_up=False) as db:
        report = verify_log(db, trusted_key=trusted, auditor=held)
        with db.transaction() as cursor:  # a store from before the access log: its (empty) tables
            access_store.create_tables(cursor, postgres=db.is_postgres)
        access = verify_access_log(db, trusted_key=trusted, auditor=held_access)
    if args.json:
        print(orjson.dumps({**report.to_json(), "access_log": access.to_json()}, option=orjson.OPT_INDENT_2).decode())
    else:
        print(describe_report(report))
        print("Access log (who read which review):")
        print(describe_report(access, noun="entries"))
    return 0 if report.verified and access.verified else 1


def describe_report(report: Report, noun: str = "events") -> str:
    """The report as the lines `scr audit verify` prints (`noun`: what the log holds)."""
    lines = [
        f"Checked {report.events_checked} {noun} in {report.seconds:.2f} s ({report.events_per_second:,.0f} {noun}/s)"
    ]
    lines.append(
        f"  checkpoints checked: {report.checkpoints_checked} stored, {report.auditor_checkpoints_checked} "
        f"of yours; key {report.key_id or 'none'}{'' if report.key_trusted else ' (not independently trusted)'}"
    )
    lines.extend(f"  note: {note}" for note in report.notes)
    if report.problem is not None:
        where = f" at position {report.problem.position}" if report.problem.position is not None else ""
        lines.append(f"FAILED{where}: {report.problem.kind}: {report.problem.detail}")
        return "\n".join(lines)
    lines.append(
        f"  verified: {report.events_verified} {noun}, up to the checkpoint of size "
        f"{report.latest_checkpoint_size or 0}"
    )
    lines.append(
        f"  not yet checkpointed: {report.not_yet_checkpointed} {noun} (hashed and matched to the audit tree, "
        "but no signed checkpoint covers them yet)"
    )
    waiting = report.not_yet_checkpointed
    pending = f"; {waiting} {noun} still await a checkpoint" if waiting else ""
    lines.append(f"OK: no problem found{pending}")
    return "\n".join(lines)


def export(settings: Settings, args: argparse.Namespace) -> int:
    """Write a review's records, leaves and inclusion proofs against a signed checkpoint."""
    with _audit_tree(settings, catch_up=True) as db, db.transaction() as cursor:
        if args.size is not None:
            found = store.checkpoints(cursor, size=args.size)
            if not found:
                print(f"scr audit export: no checkpoint of size {args.size}", file=sys.stderr)
                return 2
            chosen: Checkpoint | None = found[0]
        else:  # a checkpoint covering everything recorded so far, signed now if needed
            try:
                chosen = tree.checkpoint_now(cursor, load_signing_key(settings), checkpoint_dir(settings))
            except SigningKeyMissing as error:
                print(f"scr audit export: {error}", file=sys.stderr)
                return 2
        try:
            if chosen is None:
                raise ExportUnavailable("the log is empty")
            data = build_export(cursor, args.review, chosen, postgres=db.is_postgres)
        except ExportUnavailable as error:
            print(f"scr audit export: {error}", file=sys.stderr)
            return 1
    write_private(args.out, orjson.dumps(data, option=orjson.OPT_INDENT_2))
    _record_export(settings, args, data)
    print(
        f"Exported {len(data['events'])} events of review {args.review} with inclusion proofs against the "
        f"checkpoint of size {chosen.size} to {args.out}"
    )
    return 0


def _record_export(settings: Settings, args: argparse.Namespace, data: dict[str, Any]) -> None:
    """An export holds the review's details: the access log records it (the operator's OS account, as `system`)."""
    try:  # the notification names the board (never a personal field, so never encrypted)
        first = orjson.loads(base64.b64decode(data["events"][0]["state"]))
    except orjson.JSONDecodeError:
        first = {}
    board = first.get("board_id", "") if isinstance(first, dict) else ""
    db = Database(settings.url)
    try:
        access_log = AccessLog(db, settings)
        access_log.create_tables()
        access_log.record(
            Actor(user=f"cli:{getpass.getuser()}", role=Role.SYSTEM),
            channel="cli",
            route="scr audit export",
            reviews=[(args.review, str(board))],
            purpose=args.purpose,
            request_id="",
        )
        access_log.flush()
    finally:
        db.close()


def verify_export_file(_: Settings, args: argparse.Namespace) -> int:
    """Check an export against a checkpoint you hold, with no database and no server."""
    held = read_file(args.checkpoint)
    check = verify_export(orjson.loads(args.file.read_bytes()), held)
    if check.problems or check.checkpoint is None:
        print(f"FAILED: {check.problems[0] if check.problems else 'the export holds no events'}")
        return 1
    print(
        f"Export of review {check.review_id} verified against your checkpoint "
        f"(size {held.size}); the export's checkpoint: size {check.checkpoint.size}, "
        f"key {check.checkpoint.key_id}"
    )
    print(
        "Every record hashes to its leaf, every inclusion proof leads to the signed root, "
        f"versions 1..{len(check.history)} run without a hole. The verified decision history:"
    )
    for row in check.history:
        why = f" because {row['rationale']}" if row["rationale"] else ""
        print(
            f"  #{row['position']:<6} v{row['version']:<3} {row['effective_on'] or '':<10} {row['type']:<26} "
            f"by {row['actor']['user']} ({row['actor']['role']}), recorded {row['recorded_at']}{why}"
        )
    # An export proves its events were recorded, never that no later one was: a truncated export (or one
    # of an older checkpoint) reads as a complete history unless this is said.
    print(
        f"Later versions may exist: this proves versions 1..{len(check.history)} as of the checkpoint of size "
        f"{check.checkpoint.size}, not that the review has no later events; ask for an export at a newer "
        "checkpoint you hold to see them."
    )
    return 0


def add_audit_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`scr audit checkpoint|verify|export|verify-export`."""
    audit = commands.add_parser("audit", help="tamper evidence: checkpoints, verification, exports with proofs")
    actions = audit.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    actions.add_parser("checkpoint", help="sign a checkpoint of the log now").set_defaults(run=checkpoint)
    check = actions.add_parser("verify", help="verify every stored event against the tree and the checkpoints")
    check.add_argument(
        "--checkpoint",
        type=Path,
        action="append",
        metavar="FILE",
        help="a checkpoint file (or a directory of them) you kept; may be repeated",
    )
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    check.set_defaults(run=verify)
    out = actions.add_parser("export", help="a review's events with inclusion proofs, for verification elsewhere")
    out.add_argument("--review", type=UUID, required=True, metavar="ID")
    out.add_argument("--out", type=Path, required=True, metavar="FILE")
    out.add_argument("--size", type=int, help="prove against the stored checkpoint of this size (default: now)")
    out.add_argument("--purpose", help="why you export it: recorded in the access log with who and when")
    out.set_defaults(run=export)
    offline = actions.add_parser("verify-export", help="verify an export with no database and no server")
    offline.add_argument("file", type=Path, metavar="FILE")
    offline.add_argument("--checkpoint", type=Path, required=True, metavar="FILE", help="a checkpoint you hold")
    offline.set_defaults(run=verify_export_file)
