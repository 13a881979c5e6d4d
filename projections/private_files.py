"""Files and folders the service creates hold personal data or secrets: 0600 in 0700 folders, whatever the umask.

The embedded store (and its WAL), keys, checkpoints and exports are written here. A folder that already
exists is left as the operator made it (it may be shared on purpose); a file the service writes is
0600 from its first byte, and the SQLite store is tightened to 0600 each time it is opened (an older
release created it 0644)."""

from __future__ import annotations

import contextlib
import io
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
# SQLite gives its write-ahead log and shared-memory files the database file's own mode.
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def private_folder(path: Path) -> Path:
    """The folder, created 0700 if it is missing (mkdir's mode is masked by the umask, so set it after)."""
    if not path.is_dir():
        path.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
        path.chmod(PRIVATE_FOLDER)
    return path


def write_private(path: Path, data: bytes) -> Path:
    """Write the file atomically (a temporary file renamed into place), 0600 before its first byte."""
    private_folder(path.parent)
    partial = path.with_name(path.name + ".partial")
    with _opened(partial, os.O_TRUNC) as file:
        file.write(data)
    partial.replace(path)
    return path


def create_private(path: Path, data: bytes) -> Path:
    """Create a new file (refused if it exists: a key is never overwritten), 0600 before its first byte."""
    private_folder(path.parent)
    with _opened(path, os.O_EXCL) as file:
        file.write(data)
    return path


def made_once(path: Path, make: Callable[[], bytes]) -> bytes:
    """The file's bytes, made by `make` on first use (a generated secret or key): written whole under a temporary
    name, then linked into place, so two processes starting together agree on one and never read half a file.
    A file others can read is refused (ValueError saying how to fix it)."""
    private_folder(path.parent)
    if not path.exists():
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        try:
            create_private(temporary, make())
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process linked its file first: use that one
        finally:
            temporary.unlink(missing_ok=True)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ValueError(f"{path} is readable by others (mode {mode:o}): `chmod 600 {path}` or delete it")
    return path.read_bytes()


def private_sqlite_store(path: Path) -> Path:
    """The SQLite database file made 0600 before SQLite opens it (its WAL then follows), and any
    companion file an older release left readable tightened.

    An existing file is never opened here, only chmod-ed by name: closing any descriptor of a database file
    drops every POSIX lock this process holds on it, so the process's open SQLite connections would lose
    their locks, and another process's closing connection could then take the WAL and shared memory away
    from under them ("file is not a database")."""
    private_folder(path.parent)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    for suffix in SQLITE_COMPANIONS:
        companion = path.with_name(path.name + suffix)
        if companion.exists() and companion.stat().st_mode & 0o777 != PRIVATE_FILE:
            companion.chmod(PRIVATE_FILE)
    return path


def _opened(path: Path, flag: int) -> io.FileIO:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | flag, PRIVATE_FILE)
    os.fchmod(descriptor, PRIVATE_FILE)  # os.open's mode is masked by the umask
    return io.FileIO(descriptor, "w")
