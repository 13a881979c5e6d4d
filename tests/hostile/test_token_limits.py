"""Tokens: a bounded lifetime, this service's issuer and audience, a user, a valid board, and revocation.

Found: `exp` of 10^20 was accepted; `scr demo tokens --hours 876000` signed century-long admin tokens;
`iss`/`aud` were not checked; an empty `sub` was accepted; nothing could be revoked; the 401 detail
echoed claim values; a Cyrillic board claim reached a CSV filename (a 500) and a quote corrupted it."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest

from domain.values import Role
from service.cli.main import main
from service.settings import Settings
from service.tokens import AUDIENCE, ISSUER, issue_token, token_id
from tests.e2e.server import SECRET
from tests.hostile.conftest import Target

CHAIR = {"sub": "chair@durham", "role": "board_chair", "board": "durham", "iss": ISSUER, "aud": AUDIENCE}
MARKER = "Probe-Marker-7731"


def signed(claims: dict[str, Any], *, hours: float = 1.0, **overrides: Any) -> str:
    """A token with every claim this service wants (iat now, exp in `hours`), then `overrides`."""
    now = int(time.time())
    stamped = {**claims, "jti": "a" * 32, "iat": now, "exp": now + int(hours * 3600), **overrides}
    return jwt.encode({k: v for k, v in stamped.items() if v is not None}, SECRET, algorithm="HS256")


def get(target: Target, token: str, path: str = "/reviews") -> Any:
    return target.client.get(path, headers={"Authorization": f"Bearer {token}"})


REFUSED = {
    "exp of 10^20": signed(CHAIR, exp=10**20),
    "a chair's token living 13 hours": signed(CHAIR, hours=13),
    "an auditor's token living 25 hours": signed({**CHAIR, "role": "auditor"}, hours=25),
    "an admin's token living 12 hours and a minute": signed({**CHAIR, "role": "admin", "board": None}, hours=12.02),
    "no exp": signed(CHAIR, exp=None),
    "no iss": signed(CHAIR, iss=None),
    "another issuer": signed(CHAIR, iss="someone-else"),
    "no aud": signed(CHAIR, aud=None),
    "another audience": signed(CHAIR, aud="another-service"),
    "no jti": signed(CHAIR, jti=None),
    "an empty sub": signed(CHAIR, sub=""),
    "a blank sub": signed(CHAIR, sub="   "),
    "a sub with a control character": signed(CHAIR, sub="a\nb"),
    "a Cyrillic board": signed(CHAIR, board="durhаm"),  # noqa: RUF001 - the Cyrillic a is the point
    "a board with a quote": signed(CHAIR, board='durham"; x="'),
    "a board in capitals": signed(CHAIR, board="DURHAM"),
    "iat in the future": signed(CHAIR, iat=int(time.time()) + 3600, exp=int(time.time()) + 7200),
}


@pytest.mark.parametrize("name", REFUSED)
def test_a_token_outside_the_rules_is_refused_with_401(target: Target, name: str) -> None:
    answer = get(target, REFUSED[name])
    assert answer.status_code == 401, answer.text
    assert answer.json()["code"] == "unauthenticated"


@pytest.mark.parametrize(
    ("role", "board", "hours"),
    [(Role.ADMIN, None, 12), (Role.NATIONAL_PANEL, None, 12), (Role.AUDITOR, "durham", 24)],
)
def test_a_token_at_its_roles_longest_lifetime_is_accepted(
    target: Target, role: Role, board: str | None, hours: float
) -> None:
    token = issue_token(SECRET, user="u", role=role, board=board, hours=hours)
    assert get(target, token, "/healthz").status_code == 200
    assert get(target, token).status_code in (200, 403)  # authenticated: the role decides the rest


@pytest.mark.parametrize(
    "claims",
    [
        {"sub": f"{MARKER}\n"},
        {"role": MARKER},
        {"board": MARKER},
        {"board": f"durh\u0430m-{MARKER}"},
        {"iss": MARKER},
        {"aud": MARKER},
        {"role": "agency_lead", "agency": f"\x00{MARKER}"},
    ],
    ids=["sub", "role", "board", "cyrillic board", "iss", "aud", "agency"],
)
def test_a_refusal_never_echoes_a_claims_value(target: Target, claims: dict[str, str]) -> None:
    answer = get(target, signed({**CHAIR, **claims}))
    assert answer.status_code == 401
    assert MARKER not in answer.text
    assert "durh\u0430m" not in answer.text


def test_scr_token_issue_refuses_a_lifetime_over_the_roles_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SCR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SCR_JWT_SECRET", SECRET)
    assert main(["token", "issue", "--user", "a", "--role", "admin", "--hours", "876000"]) == 2
    assert main(["token", "issue", "--user", "a", "--role", "admin", "--hours", "13"]) == 2
    assert main(["token", "issue", "--user", "a", "--role", "auditor", "--board", "durham", "--hours", "25"]) == 2
    assert main(["token", "issue", "--user", " ", "--role", "admin"]) == 2
    assert main(["token", "issue", "--user", "a", "--role", "board_chair", "--board", "d\u0443rham"]) == 2
    assert capsys.readouterr().out == ""
    assert main(["token", "issue", "--user", "a", "--role", "auditor", "--board", "durham", "--hours", "24"]) == 0


def test_scr_demo_tokens_refuses_a_century_and_prints_short_lived_tokens_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SCR_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("SCR_JWT_SECRET", raising=False)
    monkeypatch.delenv("SCR_DATABASE_URL", raising=False)
    assert main(["demo", "tokens", "--hours", "876000"]) == 2
    capsys.readouterr()

    assert main(["demo", "tokens"]) == 0
    out = capsys.readouterr().out
    secret = Settings().token_secret
    lifetimes = [
        jwt.decode(t, secret, algorithms=["HS256"], audience=AUDIENCE) for t in re.findall(r"export \w+=(\S+)", out)
    ]
    assert len(lifetimes) == 6
    assert all(claims["exp"] - claims["iat"] <= 3600 for claims in lifetimes)
    assert "token=" not in out  # no token in any URL


def test_scr_token_revoke_makes_every_process_refuse_the_token(
    target: Target, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    token = issue_token(SECRET, user="stolen@durham", role=Role.BOARD_MANAGER, board="durham")
    other = issue_token(SECRET, user="stolen@durham", role=Role.BOARD_MANAGER, board="durham")
    assert get(target, token).status_code == 200

    # `scr token revoke` is another process's connection to the same store: the service learns of it there.
    monkeypatch.setenv("SCR_DATABASE_URL", target.services.settings.url)
    monkeypatch.setenv("SCR_JWT_SECRET", SECRET)
    assert main(["token", "revoke", token]) == 0
    assert main(["token", "revoke", token_id(SECRET, other).jti]) == 0
    assert "revoked token" in capsys.readouterr().out

    deadline = time.monotonic() + 10
    while get(target, token).status_code != 401 and time.monotonic() < deadline:
        time.sleep(0.2)
    refused = get(target, token)
    assert refused.status_code == 401
    assert refused.json()["detail"].endswith("the token has been revoked")
    assert get(target, other).status_code == 401
    fresh = issue_token(SECRET, user="stolen@durham", role=Role.BOARD_MANAGER, board="durham")
    assert get(target, fresh).status_code == 200  # revoking one token leaves the user's others alone


def test_scr_token_revoke_refuses_what_is_neither_a_token_of_this_service_nor_a_jti(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SCR_JWT_SECRET", SECRET)
    forged = issue_token("another-secret-that-is-long-enough-for-hs256", user="u", role=Role.ADMIN)
    assert main(["token", "revoke", forged]) == 2
    assert main(["token", "revoke", "not-an-id"]) == 2


def test_a_revoked_token_stays_refused_until_it_would_have_expired_anyway(target: Target) -> None:
    now = datetime.now(UTC)
    token = issue_token(SECRET, user="u@durham", role=Role.AUDITOR, board="durham", now=now, hours=1)
    target.services.tokens.revoke(token)
    assert get(target, token).status_code == 401
    with target.services.db.transaction() as cursor:
        cursor.execute("SELECT expires_at FROM scr_revoked_tokens WHERE jti = %s", (token_id(SECRET, token).jti,))
        (expires_at,) = cursor.fetchone()
    assert expires_at == (now.replace(microsecond=0) + timedelta(hours=1)).timestamp()
