"""The `scr` command: the one entry point for operators (serve, demo, tokens, projections, audit)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from service.settings import Settings


def demo_record(settings: Settings, _: argparse.Namespace) -> int:
    """Record Khyra Ishaq's public timeline on the embedded store and print its decision history."""
    from service.demo import record_public_timeline

    return record_public_timeline(settings)


def build_parser() -> argparse.ArgumentParser:
    """The command tree; each subcommand names the function that runs it."""
    parser = argparse.ArgumentParser(
        prog="scr",
        description="The serious case review ledger. Settings come from SCR_* environment variables "
        "(SCR_DATABASE_URL, SCR_JWT_SECRET, SCR_SIGNING_KEY, SCR_DATA_DIR).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo = commands.add_parser("demo", help="demonstration data on the embedded store")
    demo_commands = demo.add_subparsers(dest="demo_command", required=True, metavar="ACTION")
    record = demo_commands.add_parser("record", help="record one public timeline and print its history")
    record.set_defaults(run=demo_record)
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


if __name__ == "__main__":
    sys.exit(main())
