"""The token signing secret: how strong a configured one must be, and the embedded demo's own generated one.

No secret is written in the source. A deployment sets SCR_JWT_SECRET (refused unless strong); the embedded
SQLite demo, with none set, makes a random one on first use and keeps it in the data directory
(`secrets/jwt-secret`, mode 0600 in a 0700 folder), so `scr demo tokens` and `scr serve` agree and a
restart keeps sessions valid."""

from __future__ import annotations

import hashlib
import os
import secrets
import stat
from pathlib import Path

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
    folder = data_dir / GENERATED_SECRET_FILE.parent
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    path = data_dir / GENERATED_SECRET_FILE
    if not path.exists():
        _create_once(path, secrets.token_urlsafe(48))
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ValueError(f"{path} is readable by others (mode {mode:o}): `chmod 600 {path}` or delete it")
    secret = path.read_text().strip()
    problem = secret_weakness(secret)
    if problem:
        raise ValueError(f"the generated secret in {path} {problem}: delete the file to make a new one")
    return secret


def _create_once(path: Path, secret: str) -> None:
    """Write the file whole under a temporary name, then link it in place: two processes starting together
    agree on one secret (the second link fails and that process reads the first's)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as file:
            file.write(secret + "\n")
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink(missing_ok=True)
