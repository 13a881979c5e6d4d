"""Retention classes, inquiry holds and disposal (issue 13; DOMAIN.md section 9) through HTTP, on SQLite and
PostgreSQL. Every refusal answers its code and records nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.base import Context
from domain.errors import InquiryHoldActive, VersionConflict
from domain.inquiry_hold import InquiryHolds
from domain.personal_data import Withheld
from domain.retention import RetentionClass, RetentionSchedule
from domain.review import CaseReview
from domain.values import Role
from service.app import create_app
from service.application import open_application
from service.settings import Settings
from tests.builders import BOARD as BUILDER_BOARD
from tests.builders import admin, chair, ctx
from tests.builders import notification as builder_notification
from tests.e2e.bodies import body, notification
from tests.integration.process_api_support import BOARD, CHAIR, MANAGER, Api, opened
from tests.integration.test_api_service import bearer, settings_for

OTHER = "leeds"
ADMIN = bearer(Role.ADMIN)
AUDITOR = bearer(Role.AUDITOR, BOARD)
OTHER_CHAIR = bearer(Role.BOARD_CHAIR, OTHER)
SCHEDULE = """
[classes.safeguarding_review]
label = "Safeguarding review: child protection record"
years_after_closure = 35

[classes.short]
label = "Short (for tests)"
years_after_closure = 2
"""
CLOSED_ON = "2016-06-01"  # a short-class review may be disposed of from 2018-06-01


@pytest.fixture
def api(database_url: str, tmp_path: Path) -> Iterator[Api]:
    schedule = tmp_path / "retention.toml"
    schedule.write_text(SCHEDULE, encoding="utf-8")
    settings = Settings(**{**settings_for(database_url, tmp_path).model_dump(), "retention_classes": schedule})
    with TestClient(create_app(settings)) as client:
        found = Api(client)
        for board_id in (BOARD, OTHER):
            found.post("/boards", {"board_id": board_id, "name": board_id, "local_authority": board_id}, ADMIN)
        yield found


def closed(api: Api, case_ref: str, retention_class: str | None = "short", headers: dict[str, str] = CHAIR) -> str:
    review: str = api.post("/reviews", notification(case_ref), headers)["id"]
    if retention_class is not None:
        api.post(f"/reviews/{review}/retention", {"retention_class": retention_class, "on": "2016-03-10"}, headers)
    api.post(f"/reviews/{review}/close", {"on": CLOSED_ON, "reason": "No further action"}, headers)
    return review


def field_of(problem: dict[str, Any]) -> str:
    named: str = problem["errors"][0]["field"]
    return named


def dispose(on: str) -> dict[str, Any]:
    return {"on": on, "rationale": "Retention period ended; no inquiry hold"}


def hold(api: Api, boards: list[str] | str, placed_on: str = "2017-01-10") -> str:
    placed = api.post("/inquiry-holds", {"name": "Inquiry into X", "boards": boards, "placed_on": placed_on}, ADMIN)
    hold_id: str = placed["hold_id"]
    return hold_id


# ---- the retention schedule ---------------------------------------------------------------------------


def test_the_retention_classes_come_from_the_configured_file_with_its_default_marked(api: Api) -> None:
    classes = api.get("/retention-classes", MANAGER)
    assert classes == [
        {
            "code": "safeguarding_review",
            "label": "Safeguarding review: child protection record",
            "years_after_closure": 35,
            "default": True,
        },
        {"code": "short", "label": "Short (for tests)", "years_after_closure": 2, "default": False},
    ]


def test_an_unknown_retention_class_is_refused_naming_the_field(api: Api) -> None:
    review = opened(api, "RET-1")
    problem = api.refused(
        f"/reviews/{review}/retention", {"retention_class": "forever", "on": "2016-03-10"}, 422, "validation_error"
    )
    assert field_of(problem) == "retention_class"
    assert "forever" in problem["detail"]


def test_only_the_chair_sets_the_retention_class(api: Api) -> None:
    review = opened(api, "RET-2")
    api.refused(
        f"/reviews/{review}/retention", {"retention_class": "short", "on": "2016-03-10"}, 403, "forbidden", MANAGER
    )


def test_a_changed_retention_class_moves_the_disposal_due_date(api: Api) -> None:
    review = closed(api, "RET-3", retention_class=None)
    shown = api.get(f"/reviews/{review}")["retention"]
    assert (shown["retention_class"], shown["explicit"], shown["disposal_due_on"]) == (
        "safeguarding_review",
        False,
        "2051-06-01",
    )
    api.post(f"/reviews/{review}/retention", {"retention_class": "short", "on": "2016-06-02"})
    shown = api.get(f"/reviews/{review}")["retention"]
    assert (shown["retention_class"], shown["explicit"], shown["disposal_due_on"]) == ("short", True, "2018-06-01")


# ---- disposal -----------------------------------------------------------------------------------------


def test_disposal_of_an_open_review_is_refused(api: Api) -> None:
    review = opened(api, "DIS-1")
    problem = api.refused(f"/reviews/{review}/dispose", dispose("2020-01-01"), 409, "invalid_transition")
    assert "not closed" in problem["detail"]


def test_disposal_before_the_classs_years_after_closure_is_refused(api: Api) -> None:
    review = closed(api, "DIS-2")
    problem = api.refused(f"/reviews/{review}/dispose", dispose("2018-05-31"), 409, "retention_period_not_ended")
    assert "2018-06-01" in problem["detail"]
    assert field_of(problem) == "on"


def test_a_review_without_a_class_is_kept_under_the_default_class(api: Api) -> None:
    review = closed(api, "DIS-3", retention_class=None)
    problem = api.refused(f"/reviews/{review}/dispose", dispose("2025-01-01"), 409, "retention_period_not_ended")
    assert "safeguarding_review" in problem["detail"]


def test_disposal_after_the_period_is_recorded_and_cannot_be_repeated(api: Api) -> None:
    review = closed(api, "DIS-4")
    answer = api.post(f"/reviews/{review}/dispose", dispose("2018-06-01"))
    assert answer["version"] == api.get(f"/reviews/{review}")["version"]
    shown = api.get(f"/reviews/{review}")["retention"]
    assert shown["disposed_on"] == "2018-06-01"
    api.refused(f"/reviews/{review}/dispose", dispose("2018-06-02"), 409, "already_resolved")
    api.refused(f"/reviews/{review}/reopen", body("reopen"), 409, "already_resolved")


def test_only_the_chair_disposes(api: Api) -> None:
    review = closed(api, "DIS-5")
    api.refused(f"/reviews/{review}/dispose", dispose("2018-06-01"), 403, "forbidden", MANAGER)
    api.refused(f"/reviews/{review}/dispose", dispose("2018-06-01"), 404, "not_found", OTHER_CHAIR)


def test_a_disposal_without_a_rationale_is_refused(api: Api) -> None:
    review = closed(api, "DIS-6")
    problem = api.refused(
        f"/reviews/{review}/dispose", {"on": "2018-06-01", "rationale": " "}, 422, "rationale_required"
    )
    assert field_of(problem) == "rationale"


# ---- inquiry holds ------------------------------------------------------------------------------------


def test_a_hold_on_every_board_refuses_disposal_until_it_is_lifted(api: Api) -> None:
    review = closed(api, "HLD-1")
    hold_id = hold(api, "all")
    problem = api.refused(f"/reviews/{review}/dispose", dispose("2019-01-01"), 409, "inquiry_hold_active")
    assert hold_id in problem["detail"]
    assert api.get(f"/reviews/{review}")["retention"]["inquiry_holds"][0]["hold_id"] == hold_id
    api.post(f"/inquiry-holds/{hold_id}/lift", {"lifted_on": "2019-02-01"}, ADMIN)
    assert api.get(f"/reviews/{review}")["retention"]["inquiry_holds"] == []  # the read model has seen the lift
    # Disposed of on a day the hold was still in force: refused; from the day it was lifted: recorded.
    api.refused(f"/reviews/{review}/dispose", dispose("2019-01-31"), 409, "inquiry_hold_active")
    api.post(f"/reviews/{review}/dispose", dispose("2019-02-01"))


def test_a_hold_on_one_board_leaves_another_boards_reviews_free(api: Api) -> None:
    mine = closed(api, "HLD-2")
    theirs = closed(api, "HLD-3", headers=OTHER_CHAIR)
    hold(api, [OTHER])
    api.post(f"/reviews/{mine}/dispose", dispose("2019-01-01"))
    response = api.client.post(f"/reviews/{theirs}/dispose", json=dispose("2019-01-01"), headers=OTHER_CHAIR)
    assert (response.status_code, response.json()["code"]) == (409, "inquiry_hold_active")
    assert api.get(f"/reviews/{mine}")["retention"]["inquiry_holds"] == []


def test_a_hold_naming_an_unregistered_board_is_refused_naming_the_field(api: Api) -> None:
    response = api.client.post(
        "/inquiry-holds", json={"name": "X", "boards": ["nowhere"], "placed_on": "2017-01-10"}, headers=ADMIN
    )
    assert (response.status_code, response.json()["code"], field_of(response.json())) == (
        422,
        "unknown_reference",
        "boards",
    )
    assert api.get("/inquiry-holds", ADMIN) == []


def test_only_the_admin_places_and_lifts_holds(api: Api) -> None:
    response = api.client.post(
        "/inquiry-holds", json={"name": "X", "boards": "all", "placed_on": "2017-01-10"}, headers=CHAIR
    )
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    hold_id = hold(api, "all")
    response = api.client.post(f"/inquiry-holds/{hold_id}/lift", json={"lifted_on": "2018-01-01"}, headers=CHAIR)
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")


def test_a_hold_is_lifted_once_and_not_before_it_was_placed(api: Api) -> None:
    hold_id = hold(api, "all", placed_on="2017-01-10")
    lift = f"/inquiry-holds/{hold_id}/lift"
    response = api.client.post(lift, json={"lifted_on": "2017-01-09"}, headers=ADMIN)
    assert (response.status_code, response.json()["code"], field_of(response.json())) == (
        422,
        "date_order",
        "lifted_on",
    )
    api.post(lift, {"lifted_on": "2017-02-01"}, ADMIN)
    response = api.client.post(lift, json={"lifted_on": "2017-03-01"}, headers=ADMIN)
    assert (response.status_code, response.json()["code"]) == (409, "already_resolved")


def test_a_boards_chair_and_auditor_see_only_the_holds_covering_their_board(api: Api) -> None:
    everywhere = hold(api, "all")
    theirs = hold(api, [OTHER])
    assert [found["hold_id"] for found in api.get("/inquiry-holds", ADMIN)] == [everywhere, theirs]
    assert [found["hold_id"] for found in api.get("/inquiry-holds", CHAIR)] == [everywhere]
    assert [found["hold_id"] for found in api.get("/inquiry-holds", AUDITOR)] == [everywhere]
    assert [found["hold_id"] for found in api.get("/inquiry-holds", OTHER_CHAIR)] == [everywhere, theirs]
    response = api.client.get("/inquiry-holds", headers=MANAGER)
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    shown = api.get("/inquiry-holds", ADMIN)[1]
    assert (shown["name"], shown["boards"], shown["placed_on"], shown["lifted_on"]) == (
        "Inquiry into X",
        [OTHER],
        "2017-01-10",
        None,
    )


def test_disposal_blanks_the_redacted_items_and_the_family_impact_note_in_the_read_model(api: Api) -> None:
    review: str = api.post("/reviews", notification("DIS-7"))["id"]
    r = f"/reviews/{review}"
    api.post(f"{r}/initiation-decision", body("initiation-decision"))
    api.post(f"{r}/redactions", body("redactions", decided_on="2016-04-01"))
    api.post(f"{r}/family-impact-check", body("family-impact-check", on="2016-04-02"))
    api.post(f"{r}/retention", {"retention_class": "short", "on": "2016-04-02"})
    api.post(f"{r}/close", {"on": CLOSED_ON, "reason": "Actions assured"})
    assert api.get(r)["process"]["redactions"][0]["item"] == "Paragraph 4.2: the name of the school"
    api.post(f"{r}/dispose", dispose("2018-06-01"))
    process = api.get(r)["process"]
    assert process["redactions"] == [
        {"item": Withheld.DISPOSED, "reason": "identifies_child", "agreed_with": ["police"], "decided_on": "2016-04-01"}
    ]
    assert process["family_impact_check"] == {
        "checked_on": "2016-04-02",
        "family_consulted": True,
        "note": Withheld.DISPOSED,
    }
    assert process["disposed_on"] == "2018-06-01"


def test_a_hold_placed_while_a_disposal_is_being_decided_makes_the_disposal_a_conflict(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a review due for disposal, and a second process that places a hold on every board just after the
    # disposal has read the register of holds (and found none)
    schedule = RetentionSchedule(classes=(RetentionClass("short", "Short", 2),), default_code="short")
    app = open_application(database_url, retention=schedule)
    app.register_board(admin(), board_id=BUILDER_BOARD, name="Birmingham", local_authority="Birmingham")
    rid = app.open_review(ctx(), board_id=BUILDER_BOARD, **builder_notification("RACE-1")).id
    app.act_on_review(chair(), CaseReview.close, rid, on=date(2008, 6, 1), reason="No further action")
    read_register = app._inquiry_register

    def then_a_hold_is_placed(ctx: Context) -> InquiryHolds:
        register = read_register(ctx)
        other = open_application(database_url, retention=schedule)
        other.place_inquiry_hold(admin(), name="Inquiry into X", boards=None, placed_on=date(2020, 1, 1))
        other.close()
        return register

    monkeypatch.setattr(app, "_inquiry_register", then_a_hold_is_placed)
    version = app.review(chair(), rid).version
    # When the disposal is saved: then it is a conflict, and nothing of it is recorded
    with pytest.raises(VersionConflict):
        app.dispose(chair(), rid, on=date(2021, 1, 1), rationale="Retention period ended")
    monkeypatch.undo()
    assert app.review(chair(), rid).version == version
    # And retried, it sees the hold
    with pytest.raises(InquiryHoldActive):
        app.dispose(chair(), rid, on=date(2021, 1, 1), rationale="Retention period ended")
    app.close()
