"""Checkpoints sign the documented note with Ed25519; any change to size, root or instant breaks the signature."""

from __future__ import annotations

import base64
import dataclasses
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from projections.audit.checkpoints import Checkpoint, generate_key_file, read_file, sign, write_file

ROOT = bytes(range(32))


def test_the_signature_covers_the_documented_note_and_verifies_with_plain_ed25519() -> None:
    checkpoint = sign(Ed25519PrivateKey.generate(), 42, ROOT, datetime(2026, 11, 27, 10, 0, tzinfo=UTC))
    note = f"scr-ledger/CaseReviews\n42\n{base64.b64encode(ROOT).decode()}\n2026-11-27T10:00:00.000000+00:00\n"
    Ed25519PublicKey.from_public_bytes(checkpoint.public_key).verify(checkpoint.signature, note.encode())
    assert checkpoint.signature_valid()


def test_changing_the_size_root_or_instant_of_a_signed_checkpoint_breaks_its_signature() -> None:
    checkpoint = sign(Ed25519PrivateKey.generate(), 42, ROOT)
    assert not dataclasses.replace(checkpoint, size=43).signature_valid()
    assert not dataclasses.replace(checkpoint, root=bytes(32)).signature_valid()
    assert not dataclasses.replace(checkpoint, recorded_at="2020-01-01T00:00:00.000000+00:00").signature_valid()


def test_a_checkpoint_file_round_trips_and_the_key_file_is_private(tmp_path: Path) -> None:
    key = tmp_path / "key.pem"
    generate_key_file(key)
    assert key.stat().st_mode & 0o077 == 0
    checkpoint = sign(Ed25519PrivateKey.generate(), 7, ROOT)
    path = write_file(tmp_path / "checkpoints", checkpoint)
    assert path.name == "checkpoint-000000000007.json"
    assert read_file(path) == checkpoint
    assert Checkpoint.from_json(checkpoint.to_json()).signature_valid()
