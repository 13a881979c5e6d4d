"""`scr statistics notifications` (DfE's open-data CSV or JSON) and `scr feed-token issue|revoke|list`."""

from __future__ import annotations

import argparse
import json
import re
import sys

from projections import statistics
from projections.storage import Database
from service import feed_tokens
from service.cli.projections import opened_engine
from service.settings import Settings


def add_report_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`scr statistics ...` and `scr feed-token ...`."""
    stats = commands.add_parser("statistics", help="DfE serious incident notification statistics")
    stats_commands = stats.add_subparsers(dest="statistics_command", required=True, metavar="REPORT")
    notifications = stats_commands.add_parser(
        "notifications", help="notifications received in a reporting year, in DfE's shape (all boards)"
    )
    notifications.add_argument("--reporting-year", required=True, help="April to March, e.g. 2024-25")
    notifications.add_argument("--format", choices=("csv", "json"), default="csv")
    notifications.add_argument("--board", default=None, help="one board only (local authority rows)")
    notifications.set_defaults(run=statistics_notifications)

    feed = commands.add_parser("feed-token", help="read-only calendar feed tokens of a board")
    feed_commands = feed.add_subparsers(dest="feed_command", required=True, metavar="ACTION")
    issue = feed_commands.add_parser("issue", help="print a new token and its feed path")
    issue.add_argument("--board", required=True)
    issue.add_argument("--user", required=True, help="who the token is issued to or by (kept with it)")
    issue.add_argument("--label", default="")
    issue.set_defaults(run=issue_feed_token)
    revoke = feed_commands.add_parser("revoke", help="revoke a token by its id")
    revoke.add_argument("token_id")
    revoke.set_defaults(run=revoke_feed_token)
    listing = feed_commands.add_parser("list", help="a board's tokens (ids only)")
    listing.add_argument("--board", required=True)
    listing.set_defaults(run=list_feed_tokens)


def statistics_notifications(settings: Settings, args: argparse.Namespace) -> int:
    """Bring the read models up to date, then print the year's statistics."""
    try:
        statistics.reporting_year_bounds(args.reporting_year)
    except ValueError as error:
        print(f"scr statistics: {error}", file=sys.stderr)
        return 2
    with opened_engine(settings) as engine:
        engine.catch_up()
    db = Database(settings.url)
    try:
        with db.transaction(read_only=True) as cursor:
            found = statistics.notification_statistics(cursor, args.reporting_year, board_id=args.board)
    finally:
        db.close()
    if args.format == "csv":
        sys.stdout.write(statistics.as_csv(found))
    else:
        print(json.dumps(found, indent=1))
    return 0


def _board_id(value: str) -> str | None:
    return value if re.fullmatch(r"[a-z0-9][a-z0-9-]{1,49}", value) else None


def issue_feed_token(settings: Settings, args: argparse.Namespace) -> int:
    """Print a new calendar feed token (shown once) and the path a calendar client subscribes to."""
    board = _board_id(args.board)
    if board is None:
        print("scr feed-token: --board must be a board id such as durham", file=sys.stderr)
        return 2
    db = Database(settings.url)
    try:
        issued = feed_tokens.issue(db, board_id=board, issued_by=f"cli:{args.user}", label=args.label)
    finally:
        db.close()
    print(f"token_id: {issued.token_id}")
    print(f"token:    {issued.token}")
    print(f"feed:     /boards/{board}/calendar.ics?token={issued.token}")
    return 0


def revoke_feed_token(settings: Settings, args: argparse.Namespace) -> int:
    """Revoke a feed token by id; exit 1 if there is none."""
    db = Database(settings.url)
    try:
        found = feed_tokens.revoke(db, token_id=args.token_id)
    finally:
        db.close()
    print(f"revoked {args.token_id}" if found else f"scr feed-token: no token {args.token_id}")
    return 0 if found else 1


def list_feed_tokens(settings: Settings, args: argparse.Namespace) -> int:
    """List a board's feed tokens (never the tokens themselves)."""
    db = Database(settings.url)
    try:
        with db.transaction() as cursor:
            feed_tokens.create_table(cursor)
        rows = feed_tokens.list_tokens(db, board_id=args.board)
    finally:
        db.close()
    for row in rows:
        state = "revoked" if row["revoked"] else "live"
        print(f"{row['token_id']}  {state:<7}  {row['issued_by']}  {row['label']}")
    return 0
