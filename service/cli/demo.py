"""`scr demo load` and `scr demo tokens`: the demonstration boards (service/cli/demo_data.py) and a token per role."""

from __future__ import annotations

from typing import Any

from domain.values import Role
from service.application import open_application
from service.cli.demo_data import BOARDS, load_demo
from service.settings import Settings
from service.tokens import issue_token


def demo_load(settings: Settings, _: Any) -> int:
    """`scr demo load`: record the demo once; say what is there."""
    app = open_application(settings.url)
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
    """`scr demo tokens`: a ready-to-use token per role, as shell lines to paste, a curl example and dashboard links."""
    base = f"http://{args.host}:{args.port}"
    print(f"Service: {base}   API docs: {base}/docs")
    print(f"Tokens, valid {args.hours:g} hours (paste these lines into your shell):")
    sign_in_links = []
    for variable, user, role, board, agency in DEMO_USERS:
        token = issue_token(settings.jwt_secret, user=user, role=role, board=board, agency=agency, hours=args.hours)
        print(f"  export {variable}={token}  # {role}{' of ' + board if board else ''}")
        sign_in_links.append(f"  {role}: {base}/dashboard/sign-in?token={token}")
    print(f'Then: curl -H "Authorization: Bearer $MANAGER" "{base}/reviews?overdue=true"')
    print(f"Dashboard: {base}/dashboard  (paste a token there, or open a role's sign-in link):")
    print("\n".join(sign_in_links))
    return 0
