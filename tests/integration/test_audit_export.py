"""Exports verify offline against a checkpoint the auditor holds; commands print what they verified; time travel."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import orjson
import pytest

from domain.errors import NotFound
from domain.personal_data import Withheld
from projections.audit.checkpoints import checkpoint_dir, read_file
from projections.audit.export import verify_export
from projections.audit.history import review_history
from service.cli.main import main
from service.time_travel import review_as_of
from tests.integration.audit_fixtures import Audited, audited_store


@pytest.fixture
def audited(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Audited]:
    for stored in audited_store(database_url, tmp_path):
        monkeypatch.setenv("SCR_DATABASE_URL", database_url)
        monkeypatch.setenv("SCR_JWT_SECRET", "audit-export-test-secret-long-enough-for-hs256")
        monkeypatch.setenv("SCR_SIGNING_KEY", str(stored.settings.signing_key))
        monkeypatch.setenv("SCR_DATA_DIR", str(tmp_path))
        yield stored


def held_checkpoints(audited: Audited) -> list[Path]:
    return sorted(checkpoint_dir(audited.settings).glob("checkpoint-*.json"))


def export_review(audited: Audited, tmp_path: Path) -> Path:
    out = tmp_path / "export.json"
    assert main(["audit", "export", "--review", str(audited.review_id), "--out", str(out)]) == 0
    return out


def test_an_export_verifies_offline_and_prints_the_decision_history(
    audited: Audited, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = export_review(audited, tmp_path)
    latest = held_checkpoints(audited)[-1]
    monkeypatch.setenv("SCR_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")  # no database is reachable
    capsys.readouterr()
    assert main(["audit", "verify-export", str(out), "--checkpoint", str(latest)]) == 0
    printed = capsys.readouterr().out
    assert "InitiationDecided" in printed
    assert "Child died; neglect known" not in printed  # a rationale is sealed: offline, no key opens it
    assert Withheld.OFFLINE.value in printed
    assert f"versions 1..{len(review_history(audited.app, audited.review_id))}" in printed


def test_an_export_verifies_against_an_older_checkpoint_through_a_consistency_proof(
    audited: Audited, tmp_path: Path
) -> None:
    out = export_review(audited, tmp_path)
    oldest = read_file(held_checkpoints(audited)[0])
    check = verify_export(orjson.loads(out.read_bytes()), oldest)
    assert check.verified, check.problems
    assert [row["version"] for row in check.history] == list(range(1, len(check.history) + 1))


def test_an_export_with_one_byte_changed_fails(audited: Audited, tmp_path: Path) -> None:
    data = orjson.loads(export_review(audited, tmp_path).read_bytes())
    # One byte of the recorded instant (its rationale is sealed: the stored bytes are what is hashed either way).
    state = base64.b64decode(data["events"][1]["state"]).replace(b'"timestamp":"2', b'"timestamp":"3', 1)
    data["events"][1]["state"] = base64.b64encode(state).decode()
    check = verify_export(data, read_file(held_checkpoints(audited)[-1]))
    assert check.problems == [f"position {data['events'][1]['position']}: the record does not hash to its leaf"]


def test_an_export_missing_a_version_fails(audited: Audited, tmp_path: Path) -> None:
    data = orjson.loads(export_review(audited, tmp_path).read_bytes())
    del data["events"][2]
    check = verify_export(data, read_file(held_checkpoints(audited)[-1]))
    assert not check.verified
    assert "a version is missing" in check.problems[0]


def test_verify_command_exits_1_with_the_first_problem_and_0_on_a_clean_log(
    audited: Audited, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audit", "verify", "--checkpoint", str(checkpoint_dir(audited.settings))]) == 0
    assert "OK" in capsys.readouterr().out
    audited.sql(f"DELETE FROM {audited.events} WHERE {audited.position} = 6")
    assert main(["audit", "verify"]) == 1
    assert "FAILED at position 6: event_missing" in capsys.readouterr().out


def test_checkpoint_command_signs_the_head_and_writes_a_file(
    audited: Audited, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audit", "checkpoint"]) == 0
    assert f"Checkpoint of {audited.head()} events" in capsys.readouterr().out
    assert read_file(held_checkpoints(audited)[-1]).size == audited.head()


def test_a_review_as_of_an_instant_reflects_only_the_events_recorded_by_then(audited: Audited) -> None:
    history = review_history(audited.app, audited.review_id)
    decided = history[1]
    state = review_as_of(audited.app, audited.review_id, datetime.fromisoformat(decided["recorded_at"]))
    assert (state["version"], state["position"]) == (2, decided["position"])
    assert state["decision"] == "initiate"
    assert state["published_on"] is None
    with pytest.raises(NotFound):
        review_as_of(audited.app, audited.review_id, datetime.fromisoformat("2000-01-01T00:00:00+00:00"))
