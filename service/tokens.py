"""Bearer tokens: HS256 JWTs naming a user, one role, and for board roles one board (and an agency)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt

from domain.permissions import BOARD_SCOPED
from domain.values import Actor, Role

ALGORITHM = "HS256"
REQUIRED_CLAIMS = ["sub", "role", "exp", "iat"]
ISSUABLE_ROLES = [role for role in Role if role is not Role.SYSTEM]


class InvalidToken(Exception):
    """The token is missing, malformed, unsigned, signed with another key, expired, or names no valid role."""


def issue_token(
    secret: str,
    *,
    user: str,
    role: Role,
    board: str | None = None,
    agency: str | None = None,
    hours: float = 12.0,
    now: datetime | None = None,
) -> str:
    """A signed token for one user in one role; board roles need a board, agency leads an agency."""
    check_scope(role, board, agency)
    issued = now or datetime.now(UTC)
    claims: dict[str, object] = {
        "sub": user,
        "role": str(role),
        "iat": issued,
        "nbf": issued,
        "exp": issued + timedelta(hours=hours),
    }
    if board:
        claims["board"] = board
    if agency:
        claims["agency"] = agency
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def check_scope(role: Role, board: str | None, agency: str | None) -> None:
    """Board roles act for exactly one board; only an agency lead names an agency."""
    if role is Role.SYSTEM:
        raise ValueError("the system role is internal and cannot be issued")
    if role in BOARD_SCOPED and not board:
        raise ValueError(f"a {role} token must name its board")
    if role not in BOARD_SCOPED and board:
        raise ValueError(f"a {role} token acts across boards and must not name one")
    if (role is Role.AGENCY_LEAD) != bool(agency):
        raise ValueError("an agency_lead token must name its agency, and only an agency_lead token may")


def verify_token(secret: str, token: str) -> Actor:
    """The actor a token names, once its signature, algorithm, times and claims check out."""
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": REQUIRED_CLAIMS})
    except jwt.PyJWTError as error:
        raise InvalidToken(str(error)) from None
    try:
        role = Role(claims["role"])
        check_scope(role, claims.get("board"), claims.get("agency"))
        return Actor(user=str(claims["sub"]), role=role, board=claims.get("board"), agency=claims.get("agency"))
    except ValueError as error:
        raise InvalidToken(f"the token's claims are not valid: {error}") from None
