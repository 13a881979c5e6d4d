"""Files and folders the service creates (the embedded store and its WAL, keys, checkpoints, exports)
are readable by their owner only, 0600 in 0700 folders, whatever the umask."""

from __future__ import annotations

import os
import secrets
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from projections.private_files import private_sqlite_store, write_private
from service.application import CaseReviews
from service.cli.main import main


@pytest.fixture
def lax_umask() -> Iterator[None]:
    """The common default umask, under which files would otherwise be created 0644 in 0755 folders."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("lax_umask")
def test_the_embedded_store_keys_checkpoints_and_exports_are_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "var"
    monkeypatch.setenv("SCR_DATA_DIR", str(data_dir))
    monkeypatch.setenv("SCR_JWT_SECRET", secrets.token_urlsafe(48))
    monkeypatch.delenv("SCR_DATABASE_URL", raising=False)
    monkeypatch.delenv("SCR_SIGNING_KEY", raising=False)

    assert main(["demo", "load"]) == 0
    assert main(["audit", "checkpoint"]) == 0
    review_id = CaseReviews.review_id("durham", "DSCP-A")
    export = tmp_path / "exports" / "review.json"
    assert main(["audit", "export", "--review", str(review_id), "--out", str(export)]) == 0

    store = data_dir / "scr.sqlite3"
    checkpoints = sorted((data_dir / "checkpoints").glob("checkpoint-*.json"))
    assert checkpoints
    assert {"data dir": mode(data_dir), "checkpoints": mode(data_dir / "checkpoints")} == {
        "data dir": 0o700,
        "checkpoints": 0o700,
    }
    created = [store, data_dir / "signing-key.pem", *checkpoints, export]
    assert {path.name: mode(path) for path in created} == {path.name: 0o600 for path in created}


@pytest.mark.usefixtures("lax_umask")
def test_the_store_s_write_ahead_log_is_as_private_as_the_store(tmp_path: Path) -> None:
    store = private_sqlite_store(tmp_path / "var" / "scr.sqlite3")
    connection = sqlite3.connect(store)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE t (x)")
        connection.execute("INSERT INTO t VALUES (1)")
        connection.commit()
        companions = [store.with_name(store.name + suffix) for suffix in ("-wal", "-shm")]
        assert all(path.exists() for path in companions)
        assert {path.name: mode(path) for path in companions} == {path.name: 0o600 for path in companions}
    finally:
        connection.close()


@pytest.mark.usefixtures("lax_umask")
def test_a_store_an_older_release_left_readable_is_tightened_when_opened(tmp_path: Path) -> None:
    store = tmp_path / "scr.sqlite3"
    sqlite3.connect(store).close()
    store.chmod(0o644)

    private_sqlite_store(store)

    assert mode(store) == 0o600


@pytest.mark.usefixtures("lax_umask")
def test_a_private_file_is_replaced_whole_and_stays_private(tmp_path: Path) -> None:
    path = tmp_path / "out" / "export.json"
    write_private(path, b"first")
    write_private(path, b"second")

    assert (path.read_bytes(), mode(path), mode(path.parent)) == (b"second", 0o600, 0o700)
    assert list(path.parent.iterdir()) == [path]
