"""Learning across reviews through HTTP on SQLite and PostgreSQL: themes, findings, search, dissemination,
monitoring."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from domain.values import Role
from service.app import create_app
from tests.e2e.bodies import body, notification
from tests.integration.process_api_support import Api
from tests.integration.test_api_service import bearer, settings_for

CHAIR = bearer(Role.BOARD_CHAIR, "durham")
PANEL = bearer(Role.NATIONAL_PANEL)


def open_review(api: Api, board: str, case_ref: str, regime: str = "scr-2015") -> str:
    chair = bearer(Role.BOARD_CHAIR, board)
    review: str = api.post("/reviews", notification(case_ref, regime), chair)["id"]
    if regime.startswith("cspr"):
        api.post(f"/reviews/{review}/rapid-review", body("rapid-review", completed_on="2016-03-08"), chair)
    api.post(f"/reviews/{review}/initiation-decision", body("initiation-decision"), chair)
    return review


@pytest.fixture
def api(database_url: str, tmp_path: Path) -> Iterator[Api]:
    with TestClient(create_app(settings_for(database_url, tmp_path))) as client:
        found = Api(client)
        for board in ("durham", "coventry"):
            found.post(
                "/boards",
                {"board_id": board, "name": f"{board} SCP", "local_authority": board.title()},
                bearer(Role.ADMIN),
            )
        yield found


def test_themes_are_served_as_a_vocabulary_with_code_and_label(api: Api) -> None:
    themes = api.get("/themes")
    codes = {theme["code"] for theme in themes}
    assert {"neglect", "working_with_fathers", "safe_sleep", "non_accidental_head_injury", "online_harm"} <= codes
    assert all(theme["label"] for theme in themes)


def test_a_stemmed_word_finds_a_finding_and_the_theme_filter_finds_it_too(api: Api) -> None:
    # Given a finding that speaks of "the father's role" and another review's unrelated finding
    review = open_review(api, "durham", "D-1")
    other = open_review(api, "durham", "D-2")
    r = f"/reviews/{review}"
    api.post(r + "/themes", {"themes": ["neglect", "working_with_fathers"], "tagged_on": "2016-04-01"})
    api.post(
        r + "/findings",
        {
            "ref": "F1",
            "text": "Practitioners did not think about the father's role in the household",
            "themes": ["working_with_fathers", "professional_curiosity"],
            "recorded_on": "2016-06-01",
        },
    )
    api.post(f"/reviews/{other}/findings", {"ref": "F1", "text": "Safe sleep advice was not repeated"})
    # When the board searches for "fathers"
    found = api.get("/search", q="fathers")
    # Then the finding is found, with the match highlighted
    assert [(hit["review_id"], hit["kind"], hit["ref"]) for hit in found["results"]] == [(review, "finding", "F1")]
    hit = found["results"][0]
    assert "<mark>father" in hit["snippet"]
    assert hit["themes"] == ["working_with_fathers", "professional_curiosity"]
    # And a theme filter alone finds it, and no other
    by_theme = api.get("/search", theme="working_with_fathers")
    assert [h["ref"] for h in by_theme["results"]] == ["F1"]
    assert api.get("/search", q="fathers", theme="safe_sleep")["results"] == []


def test_recommendations_board_responses_and_terms_of_reference_are_searched_and_ranked(api: Api) -> None:
    review = open_review(api, "durham", "D-3")
    r = f"/reviews/{review}"
    api.post(r + "/terms-of-reference", body("terms-of-reference", methodology="Learning Together systems model"))
    api.post(
        r + "/recommendations",
        {
            "ref": "R1",
            "text": "Health visitors ask about fathers and other male carers at every visit; fathers matter",
            "scope": "local",
            "themes": ["working_with_fathers"],
        },
    )
    api.post(r + "/recommendations", {"ref": "R2", "text": "GPs record who lives with the child", "scope": "local"})
    kinds = {hit["kind"] for hit in api.get("/search", q="systems model")["results"]}
    assert kinds == {"terms_of_reference"}
    ranked = api.get("/search", q="father")["results"]
    assert [hit["ref"] for hit in ranked] == ["R1"]
    assert ranked[0]["rank"] > 0


def test_a_board_searches_its_own_board_and_the_panel_searches_every_board(api: Api) -> None:
    for board in ("durham", "coventry"):
        review = open_review(api, board, f"{board}-1")
        api.post(
            f"/reviews/{review}/findings",
            {"ref": "F1", "text": f"Information sharing failed in {board}", "themes": ["information_sharing"]},
            bearer(Role.BOARD_CHAIR, board),
        )
    own = api.get("/search", q="information sharing")
    assert {hit["board_id"] for hit in own["results"]} == {"durham"}
    everyone = api.get("/search", PANEL, q="information sharing")
    assert {hit["board_id"] for hit in everyone["results"]} == {"durham", "coventry"}
    refused = api.client.get("/search", params={"board": "coventry"}, headers=CHAIR)
    assert refused.status_code == 403


def test_an_unknown_theme_is_refused_by_name_and_nothing_is_recorded(api: Api) -> None:
    review = open_review(api, "durham", "D-4")
    response = api.client.post(f"/reviews/{review}/themes", json={"themes": ["not_a_theme"]}, headers=CHAIR)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert "not_a_theme" in response.json()["detail"]


def test_dissemination_is_listed_with_attendance_by_agency_and_the_panel_sees_no_note(api: Api) -> None:
    review = open_review(api, "durham", "D-5")
    answer = api.post(
        f"/reviews/{review}/dissemination",
        {
            "kind": "seven_minute_briefing",
            "held_on": "2016-07-01",
            "audience_agencies": ["health", "police"],
            "attendees": {"health": 12, "police": 5},
            "note": "Briefing on the father's role",
        },
    )
    assert answer["dissemination_id"]
    found = api.get("/dissemination", board="durham", **{"from": "2016-04-01", "to": "2017-03-31"})
    assert found["total"] == 1
    assert found["attendance_by_agency"] == {"health": 12, "police": 5}
    assert found["items"][0]["total_attendees"] == 17
    assert found["items"][0]["note"]
    panel = api.get("/dissemination", PANEL)
    assert "note" not in panel["items"][0]
    assert api.get(f"/reviews/{review}/dissemination")["total"] == 1
    assert api.get("/dissemination", **{"from": "2017-04-01"})["total"] == 0


def test_reg_14_monitoring_is_recorded_for_a_cspr_and_refused_for_an_scr(api: Api) -> None:
    cspr = open_review(api, "durham", "C-1", regime="cspr-2018")
    api.post(f"/reviews/{cspr}/monitoring", {"kind": "time_check", "on": "2016-05-01", "note": "On track"})
    api.post(f"/reviews/{cspr}/monitoring", {"kind": "written_request", "on": "2016-05-02"})
    assert [row["kind"] for row in api.get(f"/reviews/{cspr}/monitoring")] == ["time_check", "written_request"]
    scr = open_review(api, "durham", "S-1")
    refused = api.client.post(
        f"/reviews/{scr}/monitoring", json={"kind": "time_check", "on": "2016-05-01"}, headers=CHAIR
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "not_applicable_to_regime"
