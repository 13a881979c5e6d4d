"""Aggregate reads are computed once per projection position and day, and asked again after any new event."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from domain.values import Role
from service.answer_cache import AnswerCache
from service.api import routes_reads
from service.app import create_app
from service.application import open_application
from tests.builders import BOARD, admin, ctx, notification
from tests.integration.test_api_service import bearer, settings_for


def test_the_national_timeliness_answer_is_reused_until_an_event_moves_the_projection(
    database_url: str, tmp_path: Path
) -> None:
    app = open_application(database_url)
    app.register_board(admin(), board_id=BOARD, name="B", local_authority="B")
    first = app.open_review(ctx(), board_id=BOARD, **notification("CACHE-1"))
    panel = bearer(Role.NATIONAL_PANEL)
    with TestClient(create_app(settings_for(database_url, tmp_path))) as client:
        before = client.get("/timeliness", params={"min_position": first.position}, headers=panel).json()
        assert before == client.get("/timeliness", headers=panel).json()

        # A new review moves the timeliness projection: the next read must count it
        second = app.open_review(ctx(), board_id=BOARD, **notification("CACHE-2"))
        after = client.get("/timeliness", params={"min_position": second.position}, headers=panel).json()

    assert (before["national"]["reviews"], after["national"]["reviews"]) == (1, 2)
    app.close()


def test_an_answer_is_computed_once_per_key_and_the_oldest_key_is_forgotten_first() -> None:
    cache = AnswerCache(size=2)
    calls: list[str] = []

    def answer(key: str) -> str:
        calls.append(key)
        return key.upper()

    assert [cache.get(k, lambda k=k: answer(k)) for k in ("a", "a", "b", "c", "a")] == ["A", "A", "B", "C", "A"]
    assert calls == ["a", "b", "c", "a"]  # "a" was forgotten when "c" came in


def test_an_answer_kept_yesterday_is_not_served_today(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The day an answer is computed with is the day it is kept under: after midnight the next read computes
    again, with no new event."""
    app = open_application(database_url)
    app.register_board(admin(), board_id=BOARD, name="B", local_authority="B")
    first = app.open_review(ctx(), board_id=BOARD, **notification("CACHE-3"))
    panel = bearer(Role.NATIONAL_PANEL)
    with TestClient(create_app(settings_for(database_url, tmp_path))) as client:
        read = {"min_position": first.position}
        monkeypatch.setattr(routes_reads, "london_today", lambda: date(2026, 11, 30))
        assert client.get("/timeliness", params=read, headers=panel).json()["today"] == "2026-11-30"
        monkeypatch.setattr(routes_reads, "london_today", lambda: date(2026, 12, 1))
        assert client.get("/timeliness", params=read, headers=panel).json()["today"] == "2026-12-01"
    app.close()
