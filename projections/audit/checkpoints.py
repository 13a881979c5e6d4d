"""Signed checkpoints: log size, root hash and instant, signed with Ed25519; the key never enters the database.

The signed bytes are a short text note, one field a line, so an auditor can check a signature with
any Ed25519 tool:

    scr-ledger/CaseReviews                the log's origin (ACCESS_ORIGIN for the access log)
    <size>
    <root hash, base64>
    <instant, ISO 8601 UTC>
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from projections.private_files import create_private, write_private
from projections.settings import StoreSettings

ORIGIN = "scr-ledger/CaseReviews"
ACCESS_ORIGIN = "scr-ledger/AccessLog"  # the access log's own tree (projections/access_log)


class SigningKeyMissing(Exception):
    """No signing key is configured where one cannot be generated (a PostgreSQL deployment)."""


@dataclass(frozen=True)
class Checkpoint:
    """A signed statement: the first `size` events of the log hash to `root`."""

    size: int
    root: bytes
    recorded_at: str
    public_key: bytes  # raw 32-byte Ed25519 public key
    signature: bytes
    origin: str = ORIGIN  # which log: the decisions' (ORIGIN) or the access log's; signed, so never swapped

    def note(self) -> bytes:
        """The signed bytes."""
        return signed_note(self.size, self.root, self.recorded_at, self.origin)

    def signature_valid(self) -> bool:
        """Does the signature match this checkpoint under its own public key?"""
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(self.signature, self.note())
        except (InvalidSignature, ValueError):
            return False
        return True

    @property
    def key_id(self) -> str:
        """A short name of the public key: the first 8 bytes of its SHA-256, hex."""
        return key_id(self.public_key)

    def to_json(self) -> dict[str, Any]:
        """The JSON an auditor keeps (and GET /audit/checkpoints/... answers)."""
        return {
            "origin": self.origin,
            "size": self.size,
            "root_hash": self.root.hex(),
            "recorded_at": self.recorded_at,
            "public_key": base64.b64encode(self.public_key).decode(),
            "key_id": self.key_id,
            "signature": base64.b64encode(self.signature).decode(),
            "signed_note": self.note().decode(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], *, origin: str = ORIGIN) -> Checkpoint:
        """Read a checkpoint of the log `origin` from its JSON form (KeyError/ValueError if malformed)."""
        if data.get("origin", ORIGIN) != origin:
            raise ValueError(f"a checkpoint of another log: {data.get('origin')}")
        return cls(
            size=int(data["size"]),
            root=bytes.fromhex(data["root_hash"]),
            recorded_at=str(data["recorded_at"]),
            public_key=base64.b64decode(data["public_key"]),
            signature=base64.b64decode(data["signature"]),
            origin=origin,
        )


def signed_note(size: int, root: bytes, recorded_at: str, origin: str = ORIGIN) -> bytes:
    """The text a checkpoint's signature covers."""
    return f"{origin}\n{size}\n{base64.b64encode(root).decode()}\n{recorded_at}\n".encode()


def key_id(public_key: bytes) -> str:
    """The first 8 bytes of the public key's SHA-256, hex."""
    return hashlib.sha256(public_key).hexdigest()[:16]


def sign(
    key: Ed25519PrivateKey, size: int, root: bytes, now: datetime | None = None, *, origin: str = ORIGIN
) -> Checkpoint:
    """Sign a checkpoint of the log `origin` at `size` with this root."""
    recorded_at = (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="microseconds")
    public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    note = signed_note(size, root, recorded_at, origin)
    return Checkpoint(size, root, recorded_at, public, key.sign(note), origin)


def public_bytes(key: Ed25519PrivateKey) -> bytes:
    """The raw public key of a private key."""
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def signing_key_path(settings: StoreSettings) -> Path:
    """SCR_SIGNING_KEY, or on the embedded store a key file in the data directory."""
    if settings.signing_key is not None:
        return settings.signing_key
    if settings.is_postgres:
        raise SigningKeyMissing("SCR_SIGNING_KEY must name the Ed25519 key file when SCR_DATABASE_URL is PostgreSQL")
    return settings.data_dir / "signing-key.pem"


def load_signing_key(settings: StoreSettings) -> Ed25519PrivateKey:
    """The signing key; the embedded demo's is generated on first use (readable by its owner only)."""
    path = signing_key_path(settings)
    if not path.exists() and settings.signing_key is None:
        generate_key_file(path)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyMissing(f"{path} is not an Ed25519 private key")
    return key


def trusted_public_key(settings: StoreSettings) -> bytes | None:
    """The operator's public key if its key file is readable here, else None (e.g. on an auditor's machine).

    Never generates a key: verifying must not change what it verifies against."""
    try:
        if not signing_key_path(settings).exists():
            return None
        return public_bytes(load_signing_key(settings))
    except (SigningKeyMissing, OSError, ValueError):
        return None


def generate_key_file(path: Path) -> None:
    """Write a new Ed25519 private key as unencrypted PKCS#8 PEM, mode 0600."""
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    create_private(path, pem)


def checkpoint_dir(settings: StoreSettings) -> Path:
    """Where checkpoint JSON files are written for auditors to copy."""
    return settings.checkpoint_dir or settings.data_dir / "checkpoints"


def write_file(directory: Path, checkpoint: Checkpoint) -> Path:
    """Write `checkpoint-<size>.json` atomically (a half-written file would fail an auditor's check)."""
    path = directory / f"checkpoint-{checkpoint.size:012d}.json"
    return write_private(path, orjson.dumps(checkpoint.to_json(), option=orjson.OPT_INDENT_2))


def read_file(path: Path) -> Checkpoint:
    """A checkpoint from its JSON file."""
    return Checkpoint.from_json(orjson.loads(path.read_bytes()))


class MalformedCheckpoint(ValueError):
    """A checkpoint an auditor gave that is not a signed checkpoint; `index` says which one."""

    def __init__(self, index: int) -> None:
        super().__init__(
            f"checkpoint {index} is not a signed checkpoint (size, root_hash, recorded_at, public_key, signature)"
        )
        self.index = index


def read_held(items: Sequence[Any]) -> list[Checkpoint]:
    """Checkpoints an auditor kept, each as `GET /audit/checkpoints/{size}` answered it (MalformedCheckpoint
    names the first that is not one)."""
    held = []
    for index, data in enumerate(items):
        try:
            checkpoint = Checkpoint.from_json(data)
        except (KeyError, ValueError, TypeError, OverflowError, AttributeError):
            raise MalformedCheckpoint(index) from None
        if checkpoint.size < 0:
            raise MalformedCheckpoint(index)
        held.append(checkpoint)
    return held
