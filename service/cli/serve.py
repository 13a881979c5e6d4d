"""`scr serve` and `scr token issue`: run the HTTP service; print a bearer token."""

from __future__ import annotations

import argparse
import re
import sys
import time

import uvicorn

from domain.values import Role
from projections.storage import Database
from service.api.observability import configure_logging
from service.cli.http_guard import GuardedHttpToolsProtocol
from service.services import schema_lock
from service.settings import Settings
from service.signing_secret import GENERATED_SECRET_FILE
from service.tokens import (
    ISSUABLE_ROLES,
    REVOCATION_CACHE_SECONDS,
    InvalidToken,
    RevocationList,
    TokenId,
    create_table,
    issue_token,
    lifetimes_of,
    token_id,
)


def serve(settings: Settings, args: argparse.Namespace) -> int:
    """Run uvicorn on the app factory; the embedded SQLite store allows one process only."""
    if args.workers > 1 and not settings.is_postgres:
        print(
            "scr serve: several workers need PostgreSQL (SCR_DATABASE_URL=postgresql://...); "
            "the embedded SQLite store is served by one process",
            file=sys.stderr,
        )
        return 2
    configure_logging(settings.log_level)
    if settings.uses_generated_secret:
        settings.token_secret  # noqa: B018 - made now, before workers start, so they all read the same file
        print(DEMO_KEY_BANNER.format(settings.data_dir / GENERATED_SECRET_FILE), file=sys.stderr)
    proxies = [address.strip() for address in settings.trusted_proxies.split(",") if address.strip()]
    mode = (
        "projections in this process"
        if settings.runs_projections_in_process
        else "projections by `scr projections run`"
    )
    print(
        f"scr: serving {settings.url} on http://{args.host}:{args.port} ({mode}); "
        "docs at /docs, dashboard at /dashboard",
        file=sys.stderr,
    )
    uvicorn.run(
        "service.app:app_from_environment",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_config=None,
        access_log=False,
        # X-Forwarded-Proto/-For are believed only from the configured proxies: anyone else could claim https.
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None,
        # Limits before the app: header deadline and size (http_guard), idle keep-alive, connection count.
        http=GuardedHttpToolsProtocol,
        timeout_keep_alive=int(settings.keep_alive_seconds),
        limit_concurrency=settings.max_connections,
    )
    return 0


def token_issue(settings: Settings, args: argparse.Namespace) -> int:
    """Print a signed token for one user in one role (at most the role's longest lifetime)."""
    role = Role(args.role)
    hours = args.hours if args.hours is not None else min(12.0, lifetimes_of(settings).longest(role))
    try:
        token = issue_token(
            settings.token_secret,
            user=args.user,
            role=role,
            board=args.board,
            agency=args.agency,
            hours=hours,
            lifetimes=lifetimes_of(settings),
        )
    except ValueError as error:
        print(f"scr token issue: {error}", file=sys.stderr)
        return 2
    print(token)
    return 0


def token_revoke(settings: Settings, args: argparse.Namespace) -> int:
    """Put a token (or a bare token id, jti) on the revocation list every API process reads."""
    given = args.token.strip()
    if "." in given:
        try:
            found = token_id(settings.token_secret, given)
        except InvalidToken as error:
            print(f"scr token revoke: not a token of this service: {error}", file=sys.stderr)
            return 2
    elif re.fullmatch(r"[0-9a-f]{32}", given):
        # A bare id: kept on the list as long as any token could live.
        longest = max(settings.token_max_hours, settings.token_max_hours_privileged)
        found = TokenId(jti=given, expires_at=time.time() + longest * 3600)
    else:
        print("scr token revoke: give a token or its jti (32 hex digits)", file=sys.stderr)
        return 2
    with schema_lock(settings):
        db = Database(settings.url)
        try:
            with db.transaction() as cursor:
                create_table(cursor)
            RevocationList(db).revoke(found)
        finally:
            db.close()
    print(f"revoked token {found.jti}: API processes refuse it within {REVOCATION_CACHE_SECONDS:g} s")
    return 0


DEMO_KEY_BANNER = """
**********************************************************************************************
scr serve: WARNING: tokens are signed with the embedded demo's generated secret ({}).
SCR_JWT_SECRET is not set. This is for the local demo only: set SCR_JWT_SECRET to 32+ random
bytes for anything else (PostgreSQL refuses to start without it).
**********************************************************************************************"""


def positive_hours(text: str) -> float:
    """A token lifetime in hours: a positive number."""
    hours = float(text)
    if hours <= 0:
        raise argparse.ArgumentTypeError("--hours must be more than 0")
    return hours


def add_serve_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`scr serve` and `scr token issue`."""
    serve_parser = commands.add_parser(
        "serve",
        help="run the HTTP service",
        description="Run the HTTP service (API docs at /docs). On the embedded SQLite store it also keeps "
        "the read models current in the same process; on PostgreSQL run `scr projections run` beside it.",
    )
    serve_parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve_parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve_parser.add_argument("--workers", type=int, default=1, help="API processes (PostgreSQL only; default 1)")
    serve_parser.set_defaults(run=serve)

    token = commands.add_parser("token", help="bearer tokens for the HTTP API")
    token_commands = token.add_subparsers(dest="token_command", required=True, metavar="ACTION")
    issue = token_commands.add_parser(
        "issue",
        help="print a signed token for one user in one role",
        description="Print a bearer token signed with SCR_JWT_SECRET. Send it as 'Authorization: Bearer <token>'. "
        "Board roles (board_manager, board_chair, agency_lead, auditor) need --board; an agency_lead also "
        "needs --agency; national_panel and admin act across boards and take neither.",
    )
    issue.add_argument("--user", required=True, help="who the token is for, e.g. j.smith@durham.gov.uk")
    issue.add_argument("--role", required=True, choices=[str(r) for r in ISSUABLE_ROLES], help="the role")
    issue.add_argument("--board", help="the board id for board roles, e.g. durham")
    issue.add_argument("--agency", help="the agency of an agency_lead, e.g. police")
    issue.add_argument(
        "--hours",
        type=positive_hours,
        default=None,
        help="hours until the token expires (default 12, or less if the role allows less; at most "
        "SCR_TOKEN_MAX_HOURS_PRIVILEGED (12) for admin, national_panel and board_chair, SCR_TOKEN_MAX_HOURS (24) "
        "for the others)",
    )
    issue.set_defaults(run=token_issue)
    revoke = token_commands.add_parser(
        "revoke",
        help="revoke a token: every API process refuses it from now on",
        description="Revoke a token, given whole or by its id (the jti claim). API processes refuse it within "
        f"{REVOCATION_CACHE_SECONDS:g} seconds; the dashboard's sign-out does the same for its session.",
    )
    revoke.add_argument("token", help="the token, or its jti (32 hex digits)")
    revoke.set_defaults(run=token_revoke)
