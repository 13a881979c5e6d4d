"""The token signing secret: how strong a configured one must be, and the embedded demo's own generated one.

No secret is written in the source. A deployment sets SCR_JWT_SECRET (refused unless strong); the embedded
SQLite demo, with none set, makes a random one on first use and keeps it in the data directory
(`secrets/jwt-secret`, mode 0600 in a 0700 folder), so `scr demo tokens` and `scr serve` agree and a
restart keeps sessions valid."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

from projections.private_files import made_once

MIN_SECRET_BYTES = 32
MIN_DISTINCT_CHARACTERS = 10
# SHA-256 of the constant demo secret older releases shipped (published in the repository's history):
# a token signed with it is forged by anyone, so it is refused everywhere.
PUBLISHED_SECRET_DIGESTS = frozenset({"49a8d3e124f64d786596cbba6b7b47db0da35fa99a00614e5861702950250e76"})
GENERATED_SECRET_FILE = Path("secrets") / "jwt-secret"


def secret_weakness(secret: str) -> str | None:
    """Why a configured secret is too weak to sign tokens with, or None if it will do."""
    if hashlib.sha256(secret.encode()).hexdigest() in PUBLISHED_SECRET_DIGESTS:
        return "is the published demo secret of an older release; anyone can sign tokens with it"
    if len(secret.encode()) < MIN_SECRET_BYTES:
        return f"must be at least {MIN_SECRET_BYTES} bytes (e.g. `openssl rand -base64 48`)"
    if len(set(secret)) < MIN_DISTINCT_CHARACTERS:
        return f"must use at least {MIN_DISTINCT_CHARACTERS} different characters: it looks like a placeholder"
    return None


def generated_secret(data_dir: Path) -> str:
    """The demo's own random secret, made on first use (0600 in a 0700 folder) and read back after."""
    path = data_dir / GENERATED_SECRET_FILE
    secret = made_once(path, lambda: (secrets.token_urlsafe(48) + "\n").encode()).decode().strip()
    problem = secret_weakness(secret)
    if problem:
        raise ValueError(f"the generated secret in {path} {problem}: delete the file to make a new one")
    return secret
