"""The `scr` command: the one entry point for operators (serve, demo, tokens, projections, audit)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from service.cli.audit import add_audit_commands
from service.cli.demo import demo_load, demo_tokens
from service.cli.projections import add_projection_commands
from service.cli.reports import add_report_commands
from service.cli.retention import add_retention_commands
from service.cli.serve import add_serve_commands, positive_hours
from service.settings import Settings


def add_demo_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`scr demo load` and `scr demo tokens`."""
    demo = commands.add_parser("demo", help="demonstration data and tokens")
    demo_commands = demo.add_subparsers(dest="demo_command", required=True, metavar="ACTION")
    load = demo_commands.add_parser(
        "load",
        help="load demo boards, reviews, costs, holds and learning actions",
        description="Record four boards (Birmingham, Coventry, Bradford, Durham) with reviews in every stage, "
        "from published timelines and synthetic cases. Running it again changes nothing.",
    )
    load.set_defaults(run=demo_load)
    tokens = demo_commands.add_parser(
        "tokens",
        help="print a short-lived demo token and a one-time dashboard sign-in code for each role",
        description="Print, for each demo role, an API token (1 hour by default) as a shell line and a one-time "
        "code to paste into the dashboard's sign-in form (valid 60 minutes, once).",
    )
    tokens.add_argument("--host", default="127.0.0.1", help="the host shown in the printed URLs")
    tokens.add_argument("--port", type=int, default=8000, help="the port shown in the printed URLs")
    tokens.add_argument(
        "--hours",
        type=positive_hours,
        default=1.0,
        help="hours until the API tokens expire (default 1; at most the role's SCR_TOKEN_MAX_HOURS[_PRIVILEGED])",
    )
    tokens.set_defaults(run=demo_tokens)


def build_parser() -> argparse.ArgumentParser:
    """The command tree; each subcommand names the function that runs it."""
    parser = argparse.ArgumentParser(
        prog="scr",
        description="The serious case review ledger. Settings come from SCR_* environment variables "
        "(SCR_DATABASE_URL, SCR_JWT_SECRET, SCR_SIGNING_KEY, SCR_DATA_DIR).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_serve_commands(commands)
    add_demo_commands(commands)
    add_projection_commands(commands)
    add_audit_commands(commands)
    add_report_commands(commands)
    add_retention_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line, load settings, run the command; exit status 0 on success."""
    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
    except ValueError as error:
        print(f"scr: invalid settings: {error}", file=sys.stderr)
        return 2
    return int(args.run(settings, args))
