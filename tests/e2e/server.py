"""A real `uvicorn` process serving the API on a free port, with tokens for any role."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from domain.values import Role
from projections.audit.checkpoints import generate_key_file
from service.tokens import issue_token

SECRET = "e2e-test-secret-that-is-long-enough-for-hs256"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """One API process (uvicorn subprocess) on a database URL; restartable on the same store."""

    def __init__(self, url: str, log_dir: Path, *, projections_in_process: bool = True) -> None:
        self.url = url
        self.log_dir = log_dir
        key = log_dir / "signing-key.pem"
        if not key.exists():
            generate_key_file(key)
        self.env = {
            **os.environ,
            "SCR_DATABASE_URL": url,
            "SCR_DATA_DIR": str(log_dir),
            "SCR_SIGNING_KEY": str(key),
            "SCR_JWT_SECRET": SECRET,
            "SCR_PROJECTIONS_IN_PROCESS": "true" if projections_in_process else "false",
            "SCR_READ_WAIT_SECONDS": "10",
        }
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Server:
        """Launch the process and wait until it answers."""
        return self.launch().wait_ready()

    def launch(self) -> Server:
        """Launch the process without waiting (several may start at once)."""
        self.log = (self.log_dir / f"uvicorn-{self.port}.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "serve", "--port", str(self.port)],
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        return self

    def wait_ready(self) -> Server:
        """Wait until /healthz answers; fail, naming the log, if the process exits or takes too long."""
        assert self.process is not None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited; see {self.log.name}")
            try:
                if httpx.get(self.base + "/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError(f"the server did not start; see {self.log.name}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=15)
            self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def client(self, role: Role | None = None, board: str | None = "durham", agency: str | None = None) -> Client:
        """An HTTP client acting in a role (board roles on `board`), or anonymous."""
        headers = {}
        if role is not None:
            headers["Authorization"] = f"Bearer {token(role, board, agency)}"
        return Client(base_url=self.base, headers=headers, timeout=20)


def token(role: Role, board: str | None = "durham", agency: str | None = None) -> str:
    """A valid token for a role; board and agency only where the role takes them."""
    scoped = role in (Role.BOARD_MANAGER, Role.BOARD_CHAIR, Role.AGENCY_LEAD, Role.AUDITOR)
    return issue_token(
        SECRET,
        user=f"{role}@{board}",
        role=role,
        board=board if scoped else None,
        agency=(agency or "police") if role is Role.AGENCY_LEAD else None,
    )


class Client(httpx.Client):
    """httpx with one helper: a command that must succeed, answering its JSON."""

    def ok(self, path: str, body: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        response = self.post(path, json=body, **kwargs)
        assert response.status_code in (200, 201), response.text
        answer: dict[str, Any] = response.json()
        return answer
