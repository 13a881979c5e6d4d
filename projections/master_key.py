"""The master key: a file outside the database that wraps every review's data key (AES-256-GCM).

A deployment names it with SCR_MASTER_KEY (PostgreSQL refuses to start without the setting: service/
settings.py). The embedded SQLite store, with none named, makes one on first use beside the store
(`secrets/master-key` in the store's folder, 0600 in a 0700 folder: projections/private_files.py). The
file holds 32 random bytes as base64 text (`openssl rand -base64 32 > master.key; chmod 600 master.key`).

A named file that cannot be read is not a reason to stop serving: the service starts, serves everything
but personal fields (each read as `Withheld.NO_MASTER_KEY`) and refuses commands that would store
personal data, saying why. A file that exists but is not a key, or is readable by others, is refused.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import logging
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from projections.private_files import create_private
from projections.storage import DatabaseUrl

log = logging.getLogger(__name__)

KEY_BYTES = 32  # AES-256
GENERATED_KEY_FILE = Path("secrets") / "master-key"
ENVIRONMENT_VARIABLE = "SCR_MASTER_KEY"


@dataclass(frozen=True)
class MasterKey:
    """The loaded master key, or why there is none (`cipher` is None then)."""

    cipher: AESGCM | None
    fingerprint: str  # the first 16 hex digits of the key's SHA-256: which key wrapped a data key
    unavailable: str = ""  # why no key is loaded (for the log and the refusals)
    path: Path | None = None


def load_master_key(database_url: str, named: Path | None = None) -> MasterKey:
    """The master key named (SCR_MASTER_KEY), else the embedded store's own one (made on first use).

    PostgreSQL with no key named reads SCR_MASTER_KEY from the environment (service/settings.py refuses to
    start without it; a tool opening the store directly gets it this way); without it, no key is loaded."""
    url = DatabaseUrl(database_url)
    env = os.environ.get(ENVIRONMENT_VARIABLE)
    path = named or (Path(env) if env else None)
    if path is None and not url.is_postgres:
        path = url.path.parent / GENERATED_KEY_FILE
        if not path.exists():
            _create_once(path)
    if path is None:
        return _unavailable(f"{ENVIRONMENT_VARIABLE} is not set", None)
    try:
        text = path.read_bytes()
    except OSError as error:
        return _unavailable(f"the master key file {path} cannot be read ({error.strerror})", path)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ValueError(f"the master key file {path} is readable by others (mode {mode:o}): `chmod 600 {path}`")
    key = _decoded(text, path)
    return MasterKey(AESGCM(key), hashlib.sha256(key).hexdigest()[:16], path=path)


def _decoded(text: bytes, path: Path) -> bytes:
    try:
        key = base64.b64decode(text.strip(), altchars=b"-_" if b"-" in text or b"_" in text else None, validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise ValueError(
            f"the master key file {path} must hold {KEY_BYTES} random bytes as base64 "
            "(`openssl rand -base64 32`): it does not"
        )
    return key


def _unavailable(reason: str, path: Path | None) -> MasterKey:
    log.warning("no master key: %s; personal fields are served as unavailable and cannot be recorded", reason)
    return MasterKey(None, "", reason, path)


def _create_once(path: Path) -> None:
    """A new random key, 0600 from its first byte; two processes starting together keep the first one."""
    with contextlib.suppress(FileExistsError):
        create_private(path, base64.b64encode(secrets.token_bytes(KEY_BYTES)) + b"\n")
