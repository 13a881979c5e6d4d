"""`scr serve` and `scr token issue`: run the HTTP service; print a bearer token."""

from __future__ import annotations

import argparse
import sys

import uvicorn

from domain.values import Role
from service.api.observability import configure_logging
from service.settings import Settings
from service.tokens import ISSUABLE_ROLES, issue_token


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
        proxy_headers=False,
    )
    return 0


def token_issue(settings: Settings, args: argparse.Namespace) -> int:
    """Print a signed token for one user in one role."""
    try:
        token = issue_token(
            settings.jwt_secret,
            user=args.user,
            role=Role(args.role),
            board=args.board,
            agency=args.agency,
            hours=args.hours,
        )
    except ValueError as error:
        print(f"scr token issue: {error}", file=sys.stderr)
        return 2
    print(token)
    return 0


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
    issue.add_argument("--hours", type=positive_hours, default=12.0, help="hours until the token expires (default 12)")
    issue.set_defaults(run=token_issue)
