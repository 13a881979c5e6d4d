"""One-time sign-in codes for the dashboard: what `make run` prints instead of a long-lived token in a URL.

A code names one identity (user, role, board, agency); the dashboard's sign-in form exchanges it once
for a session token of its own. Only a hash of the code is stored, and it is deleted by its exchange,
so a code seen in a terminal's scroll-back after use signs no one in."""

from __future__ import annotations

import hashlib
import secrets
import time

from domain.values import Actor, Role
from projections.storage import Cursor, Database
from service.tokens import check_scope, check_user

# Crockford-style letters: no 0/O, 1/I/L, U to misread when typed from a terminal.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
GROUPS, GROUP_LENGTH = 4, 4  # 16 characters of 30: about 78 bits
DEFAULT_MINUTES = 60.0

TABLE_SQL = """
CREATE TABLE IF NOT EXISTS scr_sign_in_codes (
    code_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    role TEXT NOT NULL,
    board TEXT,
    agency TEXT,
    expires_at DOUBLE PRECISION NOT NULL
)
"""


def create_table(cursor: Cursor) -> None:
    """Create the sign-in code table if missing."""
    cursor.execute(TABLE_SQL)


def _hash(code: str) -> str:
    canonical = "".join(code.upper().split()).replace("-", "")
    return hashlib.sha256(canonical.encode()).hexdigest()


def looks_like_code(text: str) -> bool:
    """Whether a pasted text is a sign-in code rather than a token (tokens have dots)."""
    return "." not in text and len("".join(text.split()).replace("-", "")) == GROUPS * GROUP_LENGTH


def create_code(db: Database, actor: Actor, *, minutes: float = DEFAULT_MINUTES) -> str:
    """A new one-time code for the actor, valid for `minutes`; expired codes are dropped."""
    check_scope(actor.role, actor.board, actor.agency)
    check_user(actor.user)
    raw = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LENGTH))
    code = "-".join(raw[i : i + GROUP_LENGTH] for i in range(0, len(raw), GROUP_LENGTH))
    now = time.time()
    with db.transaction() as cursor:
        create_table(cursor)
        cursor.execute("DELETE FROM scr_sign_in_codes WHERE expires_at < %s", (now,))
        cursor.execute(
            "INSERT INTO scr_sign_in_codes (code_hash, user_id, role, board, agency, expires_at) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            (_hash(code), actor.user, str(actor.role), actor.board, actor.agency, now + minutes * 60),
        )
    return code


def redeem_code(db: Database, code: str) -> Actor | None:
    """The actor a code names, once: the code is deleted; None if unknown, used or expired."""
    with db.transaction() as cursor:
        cursor.execute(
            "DELETE FROM scr_sign_in_codes WHERE code_hash = %s RETURNING user_id, role, board, agency, expires_at",
            (_hash(code),),
        )
        row = cursor.fetchone()
    if row is None or float(row[4]) < time.time():
        return None
    return Actor(user=str(row[0]), role=Role(row[1]), board=row[2], agency=row[3])
