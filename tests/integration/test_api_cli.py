"""The `scr` commands of the service: token issue, demo tokens, and serve's refusal of SQLite workers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from domain.values import Actor, Role
from service.cli.main import main
from service.settings import Settings
from service.tokens import verify_token


@pytest.fixture(autouse=True)
def embedded_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCR_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("SCR_DATABASE_URL", raising=False)
    monkeypatch.delenv("SCR_JWT_SECRET", raising=False)


def test_token_issue_prints_a_token_the_service_accepts_for_that_user_role_board_and_agency(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["token", "issue", "--user", "j.smith", "--role", "agency_lead", "--board", "durham", "--agency", "police"]
    assert main(argv) == 0
    actor = verify_token(Settings().token_secret, capsys.readouterr().out.strip())
    assert actor == Actor(user="j.smith", role=Role.AGENCY_LEAD, board="durham", agency="police")


@pytest.mark.parametrize(
    "argv",
    [
        ["--role", "board_manager"],
        ["--role", "national_panel", "--board", "durham"],
        ["--role", "agency_lead", "--board", "durham"],
    ],
    ids=["a board role without a board", "a national role with a board", "an agency lead without an agency"],
)
def test_token_issue_refuses_a_scope_the_role_cannot_have(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["token", "issue", "--user", "u", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "scr token issue:" in captured.err


def test_demo_tokens_prints_one_working_token_per_role_as_shell_lines(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "tokens", "--port", "8123"]) == 0
    out = capsys.readouterr().out
    tokens = dict(re.findall(r"export (\w+)=(\S+)", out))
    roles = {name: verify_token(Settings().token_secret, token).role for name, token in tokens.items()}
    assert sorted(roles.values()) == sorted(r for r in Role if r is not Role.SYSTEM)
    assert "http://127.0.0.1:8123/docs" in out


def test_serve_refuses_several_workers_on_the_embedded_sqlite_store(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--workers", "2"]) == 2
    assert "PostgreSQL" in capsys.readouterr().err
