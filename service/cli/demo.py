"""`scr demo load` and `scr demo tokens`: the demonstration boards (service/cli/demo_data.py), and per role a
short-lived API token and a one-time dashboard sign-in code."""

from __future__ import annotations

import sys
from typing import Any

from domain.values import Actor, Role
from projections.storage import Database
from service.application import open_application
from service.cli.demo_data import BOARDS, load_demo
from service.services import schema_lock
from service.settings import Settings
from service.sign_in_codes import create_code
from service.tokens import issue_token, lifetimes_of

CODE_MINUTES = 60.0


def demo_load(settings: Settings, _: Any) -> int:
    """`scr demo load`: record the demo once; say what is there."""
    app = open_application(settings.url, master_key=settings.master_key)
    try:
        loaded = load_demo(app)
    finally:
        app.close()
    what = "Loaded" if loaded else "Already loaded:"
    print(f"{what} demo boards {', '.join(BOARDS)} with reviews in every stage on {settings.url}")
    return 0


# One demo user per role (and the shell variable it is printed as); board roles on Durham, whose
# synthetic CSPRs are in every stage.
DEMO_USERS = [
    ("MANAGER", "manager@durham", Role.BOARD_MANAGER, "durham", None),
    ("CHAIR", "chair@durham", Role.BOARD_CHAIR, "durham", None),
    ("LEAD", "police-lead@durham", Role.AGENCY_LEAD, "durham", "police"),
    ("AUDITOR", "auditor@durham", Role.AUDITOR, "durham", None),
    ("PANEL", "panel@national", Role.NATIONAL_PANEL, None, None),
    ("ADMIN", "admin@scr", Role.ADMIN, None, None),
]


def demo_tokens(settings: Settings, args: Any) -> int:
    """`scr demo tokens`: short-lived API tokens per role as shell lines, a curl example, and one-time dashboard codes.

    Nothing long-lived is printed (a terminal's scroll-back is often shared or logged), and no token goes in
    a URL: the dashboard is signed in to by pasting a code into its form, and a code works once."""
    base = f"http://{args.host}:{args.port}"
    lifetimes = lifetimes_of(settings)
    try:
        tokens = [
            (
                variable,
                role,
                board,
                issue_token(
                    settings.token_secret,
                    user=user,
                    role=role,
                    board=board,
                    agency=agency,
                    hours=args.hours,
                    lifetimes=lifetimes,
                ),
            )
            for variable, user, role, board, agency in DEMO_USERS
        ]
    except ValueError as error:
        print(f"scr demo tokens: {error}", file=sys.stderr)
        return 2
    with schema_lock(settings):
        db = Database(settings.url)
        try:
            codes = [
                (
                    role,
                    board,
                    create_code(db, Actor(user=user, role=role, board=board, agency=agency), minutes=CODE_MINUTES),
                )
                for _, user, role, board, agency in DEMO_USERS
            ]
        finally:
            db.close()
    print(f"Service: {base}   API docs: {base}/docs")
    print(
        f"API tokens, valid {_hours(args.hours)} (paste these lines into your shell; "
        "`scr demo tokens` prints new ones):"
    )
    for variable, role, board, token in tokens:
        print(f"  export {variable}={token}  # {role}{' of ' + board if board else ''}")
    print(f'Then: curl -H "Authorization: Bearer $MANAGER" "{base}/reviews?overdue=true"')
    print(f"Dashboard: {base}/dashboard  (paste one of these one-time sign-in codes, valid {CODE_MINUTES:g} minutes):")
    for role, board, code in codes:
        print(f"  {code}  {role}{' of ' + board if board else ''}")
    return 0


def _hours(hours: float) -> str:
    return "1 hour" if hours == 1 else f"{hours:g} hours"
