"""The signing secret: no constant secret works anywhere, weak ones are refused, the demo makes its own.

Found: a token signed with the constant demo secret in service/settings.py was accepted on SQLite for
any role and board; `PostgreSQL://` (the scheme in capitals) ran on it too; any length was accepted."""

from __future__ import annotations

import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import jwt
import pytest

from domain.values import Role
from service.settings import Settings
from service.signing_secret import GENERATED_SECRET_FILE
from service.tokens import AUDIENCE, ISSUER, issue_token
from tests.e2e.server import Server
from tests.hostile.conftest import Target

OLD_DEMO_SECRET = "embedded-demo-secret-not-for-real-deployments"


def forged_admin(secret: str) -> str:
    """What anyone could sign with a published secret: an admin token with every claim the service wants."""
    now = datetime.now(UTC)
    claims = {"sub": "x", "role": "admin", "iss": ISSUER, "aud": AUDIENCE, "jti": "f" * 32}
    return jwt.encode({**claims, "iat": now, "exp": now + timedelta(hours=1)}, secret, algorithm="HS256")


@pytest.mark.parametrize(
    "secret",
    [OLD_DEMO_SECRET, "short-secret", "a" * 64, "ab" * 32],
    ids=["the old demo constant", "under 32 bytes", "one character", "two characters"],
)
@pytest.mark.parametrize("url", ["", "postgresql://scr@db/scr"], ids=["sqlite", "postgres"])
def test_a_weak_or_published_secret_is_refused_on_every_store(secret: str, url: str) -> None:
    with pytest.raises(ValueError, match="SCR_JWT_SECRET"):
        Settings(database_url=url, jwt_secret=secret)


@pytest.mark.parametrize("scheme", ["postgresql", "PostgreSQL", "POSTGRES", "Postgres"])
def test_postgresql_without_a_secret_is_refused_whatever_the_case_of_its_scheme(scheme: str) -> None:
    with pytest.raises(ValueError, match="SCR_JWT_SECRET must be set"):
        Settings(database_url=f"{scheme}://scr@db:5432/scr")


def test_scr_serve_refuses_to_start_on_a_capitalised_postgresql_url_without_a_secret(tmp_path: Path) -> None:
    env = {"SCR_DATABASE_URL": "PostgreSQL://scr@127.0.0.1:5432/scr", "SCR_DATA_DIR": str(tmp_path), "PATH": ""}
    done = subprocess.run(
        [sys.executable, "-m", "service.cli", "serve"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "SCR_JWT_SECRET must be set" in done.stderr


def test_the_embedded_demo_makes_its_own_random_secret_private_to_its_owner_and_reuses_it(tmp_path: Path) -> None:
    first = Settings(data_dir=tmp_path).token_secret
    again = Settings(data_dir=tmp_path).token_secret
    elsewhere = Settings(data_dir=tmp_path / "other").token_secret

    path = tmp_path / GENERATED_SECRET_FILE
    assert first == again != elsewhere
    assert len(first) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_a_generated_secret_file_others_can_read_is_refused(tmp_path: Path) -> None:
    Settings(data_dir=tmp_path).token_secret  # noqa: B018 - made here
    (tmp_path / GENERATED_SECRET_FILE).chmod(0o644)
    with pytest.raises(ValueError, match="readable by others"):
        Settings(data_dir=tmp_path).token_secret  # noqa: B018


def test_a_token_signed_with_the_old_demo_constant_is_refused_by_the_service(target: Target) -> None:
    answer = target.client.get("/reviews", headers={"Authorization": f"Bearer {forged_admin(OLD_DEMO_SECRET)}"})
    assert answer.status_code == 401
    assert answer.json()["code"] == "unauthenticated"


def test_scr_serve_on_the_generated_demo_secret_warns_loudly_and_refuses_the_old_constant(tmp_path: Path) -> None:
    server = Server(f"sqlite:///{tmp_path / 'scr.sqlite3'}", tmp_path)
    del server.env["SCR_JWT_SECRET"]
    server.start()
    try:
        old = httpx.get(server.base + "/reviews", headers={"Authorization": f"Bearer {forged_admin(OLD_DEMO_SECRET)}"})
        generated = (tmp_path / GENERATED_SECRET_FILE).read_text().strip()
        token = issue_token(generated, user="panel@national", role=Role.NATIONAL_PANEL, hours=1)
        good = httpx.get(server.base + "/reviews", headers={"Authorization": f"Bearer {token}"})
    finally:
        server.stop()
    log = next(tmp_path.glob("uvicorn-*.log")).read_text()
    assert "WARNING: tokens are signed with the embedded demo's generated secret" in log
    assert old.status_code == 401
    assert good.status_code == 200


def test_scr_serve_with_a_strong_secret_gives_no_demo_warning(tmp_path: Path) -> None:
    server = Server(f"sqlite:///{tmp_path / 'scr.sqlite3'}", tmp_path).start()
    server.stop()
    assert "generated secret" not in next(tmp_path.glob("uvicorn-*.log")).read_text()
    assert not (tmp_path / GENERATED_SECRET_FILE).exists()
