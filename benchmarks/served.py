"""What the HTTP benchmarks share: a fresh schema, the service as `scr serve` processes, the load generator."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg

from domain.values import Role
from service.tokens import issue_token

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
SECRET = "benchmark-secret-not-for-deployment-long-enough"  # noqa: S105
API_WORKERS = int(os.environ.get("BENCH_API_WORKERS", "2"))


def _bench_master_key() -> str:
    """A master key for the benchmarks' stores (PostgreSQL refuses to start without one), made once per run."""
    folder = Path(tempfile.mkdtemp(prefix="scr-bench-"))
    path = folder / "master.key"
    path.write_bytes(base64.b64encode(os.urandom(32)) + b"\n")
    path.chmod(0o600)
    return str(path)


# Named for every store a benchmark opens, in this process and in the `scr serve` processes it starts.
MASTER_KEY = os.environ.setdefault("SCR_MASTER_KEY", _bench_master_key())


@contextmanager
def fresh_schema() -> Iterator[str]:
    """A database URL on a new schema of the benchmark server, dropped afterwards."""
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(SERVER, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
        try:
            yield f"{SERVER}?schema={schema}"
        finally:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


def bearer(role: Role, board: str | None = None) -> dict[str, str]:
    user_token = issue_token(SECRET, user=f"bench-{role}", role=role, board=board, agency=None)
    return {"Authorization": f"Bearer {user_token}", "Content-Type": "application/json"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


TICKS = os.sysconf("SC_CLK_TCK")


def process_table() -> dict[int, tuple[int, str, float]]:
    """Every process: pid -> (parent pid, command name, CPU seconds used so far), from /proc."""
    table = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            name = stat[stat.index("(") + 1 : stat.rindex(")")]
            fields = stat[stat.rindex(")") + 2 :].split()
            table[int(entry.name)] = (int(fields[1]), name, (int(fields[11]) + int(fields[12])) / TICKS)
    return table


def cpu_seconds(root: int) -> dict[str, float]:
    """CPU seconds used so far by the service (`root` and its descendants) and by every PostgreSQL process."""
    table, service, postgres = process_table(), 0.0, 0.0
    for pid, (_, name, seconds) in table.items():
        ancestor = pid
        while ancestor not in (0, 1, root) and ancestor in table:
            ancestor = table[ancestor][0]
        if ancestor == root:
            service += seconds
        elif name.startswith("postgres"):
            postgres += seconds
    return {"service": service, "postgres": postgres}


class Service:
    """A running `scr serve`: its port and its process id (for CPU accounting)."""

    def __init__(self, port: int, pid: int) -> None:
        self.port, self.pid = port, pid


@contextmanager
def served(url: str, **environment: str) -> Iterator[Service]:
    """`scr serve --workers BENCH_API_WORKERS` on the URL (projections not in process)."""
    port, directory = free_port(), Path(tempfile.mkdtemp(prefix="scr-bench-"))
    env = {
        **os.environ,
        "SCR_DATABASE_URL": url,
        "SCR_JWT_SECRET": SECRET,
        "SCR_DATA_DIR": str(directory),
        "SCR_PROJECTIONS_IN_PROCESS": "false",
        "SCR_LOG_LEVEL": "WARNING",
        **environment,
    }
    command = [sys.executable, "-m", "service.cli", "serve", "--port", str(port), "--workers", str(API_WORKERS)]
    with (directory / "serve.log").open("ab") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=log, cwd=ROOT)  # noqa: S603 - our own CLI
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"the service did not start; see {directory / 'serve.log'}") from None
                time.sleep(0.2)
        yield Service(port, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)


def load(service: Service, clients: int, requests: list[list[list[Any]]], seconds: float = SECONDS) -> dict[str, Any]:
    """Run the load generator in its own process (`requests[n]` is client n's round-robin list), with the
    CPU seconds the service, PostgreSQL (every backend on the machine) and the generator used meanwhile."""
    plan = {"host": "127.0.0.1", "port": service.port, "clients": clients, "seconds": seconds, "requests": requests}
    before = cpu_seconds(service.pid)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as plan_file:
        json.dump(plan, plan_file)
    output = subprocess.run(  # noqa: S603 - our own module
        [sys.executable, "-m", "benchmarks.http_load", plan_file.name],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    ).stdout
    os.unlink(plan_file.name)
    after = cpu_seconds(service.pid)
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    result["cpu_seconds"] = {name: round(after[name] - before[name], 2) for name in after}
    result["cpu_seconds"]["load_generator"] = result.pop("cpu_seconds_self")
    return result
