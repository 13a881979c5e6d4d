"""`scr statistics notifications` and `scr feed-token` on the embedded store."""

from __future__ import annotations

from pathlib import Path

import pytest

from projections.statistics import CSV_COLUMNS
from service.application import open_application
from service.cli.demo_data import load_demo
from service.cli.main import main
from service.settings import Settings


@pytest.fixture(autouse=True)
def embedded_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCR_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("SCR_DATABASE_URL", raising=False)


def test_statistics_notifications_prints_dfe_open_data_csv(capsys: pytest.CaptureFixture[str]) -> None:
    app = open_application(Settings().url)
    load_demo(app)
    app.close()
    assert main(["statistics", "notifications", "--reporting-year", "2013-14", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == ",".join(CSV_COLUMNS)
    national = next(line for line in lines if ",National," in line and "Total,Total,Total" in line)
    assert national.startswith("201314,Reporting year,National,E92000001,England,")


def test_a_bad_reporting_year_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["statistics", "notifications", "--reporting-year", "2013-15"]) == 2
    assert "2013-15" in capsys.readouterr().err


def test_feed_token_issue_list_and_revoke(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["feed-token", "issue", "--board", "durham", "--user", "manager"]) == 0
    printed = capsys.readouterr().out
    token_id = printed.split("token_id: ")[1].split()[0]
    assert "token:    scrfeed_" in printed
    assert "/boards/durham/calendar.ics?token=scrfeed_" in printed
    assert main(["feed-token", "list", "--board", "durham"]) == 0
    assert f"{token_id}  live" in capsys.readouterr().out
    assert main(["feed-token", "revoke", token_id]) == 0
    assert main(["feed-token", "list", "--board", "durham"]) == 0
    assert f"{token_id}  revoked" in capsys.readouterr().out
