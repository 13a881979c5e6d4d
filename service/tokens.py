"""Bearer tokens: HS256 JWTs naming a user, one role, and for board roles one board (and an agency).

Every token carries `iss` and `aud` (this service's, checked), a `jti` (so it can be revoked), `iat` and
`exp`, and its lifetime (`exp - iat`) is bounded by its role: privileged roles at most
SCR_TOKEN_MAX_HOURS_PRIVILEGED (default 12), others SCR_TOKEN_MAX_HOURS (default 24). Revoked token ids
live in our own table (`scr_revoked_tokens`), so every API process refuses them; each process re-reads
the list at most every REVOCATION_CACHE_SECONDS. A refusal's detail names the rule, never a claim's value."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import jwt

from domain.identifiers import is_board_id
from domain.permissions import BOARD_SCOPED
from domain.values import Actor, Role
from projections.storage import Cursor, Database
from service.settings import Settings

ALGORITHM = "HS256"
ISSUER = "scr-ledger"
AUDIENCE = "scr-ledger-api"
REQUIRED_CLAIMS = ["sub", "role", "exp", "iat", "iss", "aud", "jti"]
ISSUABLE_ROLES = [role for role in Role if role is not Role.SYSTEM]
# Roles whose stolen token does the most harm: every board's records, or a board's statutory decisions.
PRIVILEGED_ROLES = frozenset({Role.ADMIN, Role.NATIONAL_PANEL, Role.BOARD_CHAIR})
MAX_USER_LENGTH = 200
REVOCATION_CACHE_SECONDS = 2.0
# Clock skew allowed between the issuing machine and this one, for `iat`, `nbf` and `exp`.
LEEWAY_SECONDS = 30

# Fixed texts for each refusal: a claim's value is never echoed back (it may be an attacker's probe or
# a person's name in a token found in a log).
_REFUSALS: list[tuple[type[jwt.PyJWTError], str]] = [
    (jwt.ExpiredSignatureError, "the token has expired"),
    (jwt.ImmatureSignatureError, "the token is not valid yet"),
    (jwt.InvalidAudienceError, "the token is not meant for this service (aud)"),
    (jwt.InvalidIssuerError, "the token was not issued by this service (iss)"),
    (jwt.MissingRequiredClaimError, "the token lacks a required claim"),
    (jwt.InvalidAlgorithmError, "the token is not signed with this service's algorithm"),
    (jwt.InvalidSignatureError, "the token's signature does not verify"),
    (jwt.DecodeError, "the token is malformed"),
]


class InvalidToken(Exception):
    """The token is missing, malformed, unsigned, signed with another key, expired, revoked, or names no valid role."""


@dataclass(frozen=True)
class Lifetimes:
    """The longest lifetime a token may have, in hours, by role (SCR_TOKEN_MAX_HOURS[_PRIVILEGED])."""

    normal: float = 24.0
    privileged: float = 12.0

    def longest(self, role: Role) -> float:
        return self.privileged if role in PRIVILEGED_ROLES else self.normal


def lifetimes_of(settings: Settings) -> Lifetimes:
    """The lifetimes the settings allow."""
    return Lifetimes(normal=settings.token_max_hours, privileged=settings.token_max_hours_privileged)


@dataclass(frozen=True)
class TokenId:
    """What revoking a token needs: its id and until when it would have been accepted (epoch seconds)."""

    jti: str
    expires_at: float


def issue_token(
    secret: str,
    *,
    user: str,
    role: Role,
    board: str | None = None,
    agency: str | None = None,
    hours: float = 12.0,
    lifetimes: Lifetimes | None = None,
    now: datetime | None = None,
) -> str:
    """A signed token for one user in one role; board roles need a board, agency leads an agency."""
    check_scope(role, board, agency)
    check_user(user)
    longest = (lifetimes or Lifetimes()).longest(role)
    if not 0 < hours <= longest:
        raise ValueError(f"a {role} token lives at most {longest:g} hours (SCR_TOKEN_MAX_HOURS...); asked {hours:g}")
    issued = (now or datetime.now(UTC)).replace(microsecond=0)
    claims: dict[str, object] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": user,
        "role": str(role),
        "jti": uuid4().hex,
        "iat": issued,
        "nbf": issued,
        "exp": issued + timedelta(hours=hours),
    }
    if board:
        claims["board"] = board
    if agency:
        claims["agency"] = agency
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def check_user(user: object) -> None:
    """A token names someone: a non-blank text of printable characters."""
    if not isinstance(user, str) or not user.strip() or len(user) > MAX_USER_LENGTH or not user.isprintable():
        raise ValueError(f"a token's user (sub) is 1-{MAX_USER_LENGTH} printable characters")


def check_scope(role: Role, board: object, agency: object) -> None:
    """Board roles act for exactly one board (a valid board id); only an agency lead names an agency."""
    if role is Role.SYSTEM:
        raise ValueError("the system role is internal and cannot be issued")
    if role in BOARD_SCOPED and not board:
        raise ValueError(f"a {role} token must name its board")
    if role not in BOARD_SCOPED and board:
        raise ValueError(f"a {role} token acts across boards and must not name one")
    if board and not (isinstance(board, str) and is_board_id(board)):
        raise ValueError("a token's board must be a board id (lower-case a-z, digits, '-' or '_')")
    if (role is Role.AGENCY_LEAD) != bool(agency):
        raise ValueError("an agency_lead token must name its agency, and only an agency_lead token may")
    if agency and not (isinstance(agency, str) and agency.isprintable() and len(agency) <= 100):
        raise ValueError("a token's agency is 1-100 printable characters")


def _decode(secret: str, token: str, *, verify_exp: bool = True) -> dict[str, Any]:
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            leeway=LEEWAY_SECONDS,
            options={"require": REQUIRED_CLAIMS, "verify_exp": verify_exp},
        )
    except jwt.PyJWTError as error:
        reason = next((text for kind, text in _REFUSALS if isinstance(error, kind)), "the token is not valid")
        raise InvalidToken(reason) from None
    return claims


def verify_token(secret: str, token: str, lifetimes: Lifetimes | None = None) -> Actor:
    """The actor a token names, once its signature, issuer, audience, times, lifetime and claims check out.

    Revocation is checked by `TokenVerifier`, which has the list."""
    return _actor_of(_decode(secret, token), lifetimes)


def _actor_of(claims: dict[str, Any], lifetimes: Lifetimes | None) -> Actor:
    try:
        role = Role(claims["role"])
    except (ValueError, TypeError):
        raise InvalidToken("the token's role is not a role of this service") from None
    try:
        check_user(claims["sub"])
        check_scope(role, claims.get("board"), claims.get("agency"))
    except ValueError as error:
        raise InvalidToken(f"the token's claims are not valid: {error}") from None
    if not isinstance(claims["exp"], int | float) or not isinstance(claims["iat"], int | float):
        raise InvalidToken("the token's times are not numbers")
    longest = (lifetimes or Lifetimes()).longest(role)
    if claims["exp"] - claims["iat"] > longest * 3600 + LEEWAY_SECONDS:
        raise InvalidToken(f"the token lives longer than a {role} token may ({longest:g} hours)")
    return Actor(user=claims["sub"], role=role, board=claims.get("board"), agency=claims.get("agency"))


def token_id(secret: str, token: str) -> TokenId:
    """The id and expiry of a token signed by this service (an expired one too), for revoking it."""
    claims = _decode(secret, token, verify_exp=False)
    if not isinstance(claims["jti"], str) or not isinstance(claims["exp"], int | float):
        raise InvalidToken("the token's jti or exp is not valid")
    return TokenId(jti=claims["jti"], expires_at=float(claims["exp"]))


# ---- revocation ---------------------------------------------------------------------------------------------

TABLE_SQL = """
CREATE TABLE IF NOT EXISTS scr_revoked_tokens (
    jti TEXT PRIMARY KEY,
    expires_at DOUBLE PRECISION NOT NULL,
    revoked_at DOUBLE PRECISION NOT NULL
)
"""


def create_table(cursor: Cursor) -> None:
    """Create the revocation list if missing."""
    cursor.execute(TABLE_SQL)


class RevocationList:
    """Revoked token ids, shared by every process through the database; read again at most every few seconds."""

    def __init__(self, db: Database, *, cache_seconds: float = REVOCATION_CACHE_SECONDS) -> None:
        self._db = db
        self._cache_seconds = cache_seconds
        self._lock = threading.Lock()
        self._revoked: frozenset[str] = frozenset()
        self._read_at = float("-inf")

    def revoke(self, token: TokenId) -> None:
        """Refuse this token from now on (in this process at once, in others within the cache time)."""
        now = time.time()
        with self._db.transaction() as cursor:
            # A revoked id is kept until the token would have expired anyway; older ones are dropped here.
            cursor.execute("DELETE FROM scr_revoked_tokens WHERE expires_at < %s", (now - LEEWAY_SECONDS,))
            cursor.execute(
                "INSERT INTO scr_revoked_tokens (jti, expires_at, revoked_at) VALUES (%s, %s, %s) "
                "ON CONFLICT (jti) DO NOTHING",
                (token.jti, token.expires_at, now),
            )
        with self._lock:
            self._revoked = self._revoked | {token.jti}

    def is_revoked(self, jti: str) -> bool:
        """Whether the token id is on the list (as of at most `cache_seconds` ago)."""
        if time.monotonic() - self._read_at >= self._cache_seconds:
            with self._db.transaction(read_only=True) as cursor:
                cursor.execute("SELECT jti FROM scr_revoked_tokens WHERE expires_at >= %s", (time.time() - 60,))
                revoked = frozenset(str(row[0]) for row in cursor.fetchall())
            with self._lock:
                self._revoked, self._read_at = revoked, time.monotonic()
        return jti in self._revoked


class TokenVerifier:
    """A process's token checks: signature and claims (verify_token), then the revocation list."""

    def __init__(self, secret: str, lifetimes: Lifetimes, revocations: RevocationList) -> None:
        self.secret = secret
        self.lifetimes = lifetimes
        self.revocations = revocations

    def actor(self, token: str) -> Actor:
        """The actor of a valid, unrevoked token (InvalidToken otherwise)."""
        claims = _decode(self.secret, token)
        actor = _actor_of(claims, self.lifetimes)
        if not isinstance(claims["jti"], str) or self.revocations.is_revoked(claims["jti"]):
            raise InvalidToken("the token has been revoked")
        return actor

    def revoke(self, token: str) -> None:
        """Revoke a token this service signed (a sign-out)."""
        self.revocations.revoke(token_id(self.secret, token))

    def issue(self, actor: Actor, *, hours: float) -> str:
        """A fresh token for the actor, its lifetime cut to what the role allows."""
        return issue_token(
            self.secret,
            user=actor.user,
            role=actor.role,
            board=actor.board,
            agency=actor.agency,
            hours=min(hours, self.lifetimes.longest(actor.role)),
            lifetimes=self.lifetimes,
        )
