"""Reporting through HTTP on SQLite and PostgreSQL: DfE statistics, the annual report, the deadline calendar."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar

from domain.values import Role
from projections.statistics import CSV_COLUMNS, round_regional
from service.app import create_app
from tests.e2e.bodies import body
from tests.integration.process_api_support import Api
from tests.integration.test_api_service import bearer, settings_for

PANEL = bearer(Role.NATIONAL_PANEL)
BOARDS = {"durham": "Durham County Council", "coventry": "Coventry City Council", "birmingham": "Birmingham"}


def child(sex: str, age: int, **more: Any) -> dict[str, Any]:
    return {"pseudonym": "Child S", "sex": sex, "age_years": age, **more}


def notify(api: Api, board: str, ref: str, on: str, nature: str = "death", abuse: str = "known", **kids: Any) -> str:
    payload = {
        "case_ref": ref,
        "regime": "cspr-2018",
        "incident": {"nature": nature, "abuse_or_neglect": abuse, "occurred_on": on, "la_aware_on": on},
        "notified_on": on,
        **kids,
    }
    review: str = api.post("/reviews", payload, bearer(Role.BOARD_CHAIR, board))["id"]
    return review


@pytest.fixture
def api(database_url: str, tmp_path: Path) -> Iterator[Api]:
    with TestClient(create_app(settings_for(database_url, tmp_path))) as client:
        found = Api(client)
        for board, authority in BOARDS.items():
            found.post(
                "/boards", {"board_id": board, "name": f"{board} SCP", "local_authority": authority}, bearer(Role.ADMIN)
            )
        # 2022-23 (not counted in 2023-24)
        notify(found, "coventry", "C-0", "2023-03-31", child=child("male", 4))
        # 2023-24: four quarters, three boards
        notify(found, "durham", "D-1", "2023-05-10", child=child("female", 0, ethnicity="White British"))
        notify(
            found,
            "durham",
            "D-2",
            "2023-08-01",
            nature="serious_harm",
            children=[child("male", 3), child("female", 15, known_to_agencies=True)],
            statistics_child=1,
        )
        notify(
            found,
            "durham",
            "D-3",
            "2023-11-20",
            nature="looked_after_death",
            abuse="not_suspected",
            child=child("male", 16),
        )
        notify(found, "coventry", "C-1", "2024-02-14", nature="serious_harm", child=child("female", 7))
        notify(found, "birmingham", "B-1", "2024-03-31", child=child("male", 2))
        # 2024-25 (its first day)
        notify(found, "birmingham", "B-2", "2024-04-01", child=child("male", 2))
        yield found


def cell(
    rows: list[dict[str, Any]], level: str, topic: str, breakdown: str, quarter: str = "Total", **where: str
) -> Any:
    (found,) = [
        r
        for r in rows
        if r["geographic_level"] == level
        and r["breakdown_topic"] == topic
        and r["breakdown"] == breakdown
        and r["quarter"] == quarter
        and all(r[k] == v for k, v in where.items())
    ]
    return found


def test_notifications_are_counted_by_reporting_year_quarter_nature_and_the_statistics_child(api: Api) -> None:
    found = api.get("/statistics/notifications", PANEL, reporting_year="2023-24")
    rows = found["rows"]
    assert found["time_period"] == "202324"
    # Five notifications between 1 April 2023 and 31 March 2024; the Panel's count leaves out the looked-after
    # death without suspected abuse
    assert (found["notifications_dfe"], found["notifications_panel"]) == (5, 4)
    total = cell(rows, "National", "Total", "Total")
    assert (total["notifications_dfe"], total["notifications_panel"]) == (5, 4)
    assert [cell(rows, "National", "Total", "Total", q)["notifications_dfe"] for q in ("Q1", "Q2", "Q3", "Q4")] == [
        1,
        1,
        1,
        2,
    ]
    nature = {
        n: cell(rows, "National", "Nature of incident", n)["notifications_dfe"] for n in ("Death", "Serious harm")
    }
    assert nature == {"Death": 2, "Serious harm": 2}
    lac = cell(rows, "National", "Nature of incident", "Death of a looked-after child")
    assert (lac["notifications_dfe"], lac["notifications_panel"]) == (1, 0)
    # D-2 names two children: the statistics child (the second, a girl of 15) is the one counted
    assert cell(rows, "National", "Sex", "Female")["notifications_dfe"] == 3
    assert cell(rows, "National", "Age", "11 to 15")["notifications_dfe"] == 1
    assert cell(rows, "National", "Age", "1 to 5")["notifications_dfe"] == 1  # Birmingham's boy of 2, not D-2's boy
    assert cell(rows, "National", "Ethnicity", "White")["notifications_dfe"] == 1
    # Known to agencies is recorded for one notification only: the others are Unknown, not missing
    assert cell(rows, "National", "Known to agencies", "Yes")["notifications_dfe"] == 1
    # Regions are rounded to the nearest 10: the North East's 3 and the West Midlands' 2 both show 0
    north_east = cell(rows, "Regional", "Total", "Total", region_name="North East")
    assert north_east["region_code"] == "E12000001"
    assert north_east["notifications_dfe"] == round_regional(3) == 0
    assert [round_regional(n) for n in (5, 14, 15)] == [10, 10, 20]
    # Local authorities are unrounded; a small count of a child characteristic is suppressed (c); a
    # characteristic no notification of the cell recorded is not available (x)
    durham = cell(rows, "Local authority", "Total", "Total", la_name="County Durham")
    assert (durham["notifications_dfe"], durham["new_la_code"], durham["old_la_code"]) == (3, "E06000047", "840")
    assert (
        cell(rows, "Local authority", "Nature of incident", "Death", la_name="County Durham")["notifications_dfe"] == 1
    )
    assert cell(rows, "Local authority", "Sex", "Female", la_name="County Durham")["notifications_dfe"] == "c"
    assert cell(rows, "Local authority", "Sex", "Other", la_name="County Durham")["notifications_dfe"] == 0
    coventry = cell(rows, "Local authority", "Placement type", "Foster care", la_name="Coventry")
    assert coventry["notifications_dfe"] == "x"


def test_the_csv_is_in_dfe_open_data_layout(api: Api) -> None:
    response = api.client.get(
        "/statistics/notifications",
        params={"reporting_year": "2023-24", "format": "csv", "min_position": api.position},
        headers=PANEL,
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    lines = response.text.splitlines()
    assert lines[0] == (
        "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
        "old_la_code,new_la_code,la_name,quarter,breakdown_topic,breakdown,notifications_dfe,notifications_panel"
    )
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert tuple(rows[0]) == CSV_COLUMNS
    national = [r for r in rows if r["geographic_level"] == "National" and r["breakdown_topic"] == "Total"]
    assert national[0] == {
        "time_period": "202324",
        "time_identifier": "Reporting year",
        "geographic_level": "National",
        "country_code": "E92000001",
        "country_name": "England",
        "region_code": "",
        "region_name": "",
        "old_la_code": "",
        "new_la_code": "",
        "la_name": "",
        "quarter": "Total",
        "breakdown_topic": "Total",
        "breakdown": "Total",
        "notifications_dfe": "5",
        "notifications_panel": "4",
    }


def test_a_board_role_sees_only_its_own_local_authority_and_a_bad_year_is_refused(api: Api) -> None:
    found = api.get("/statistics/notifications", bearer(Role.BOARD_MANAGER, "durham"), reporting_year="2023-24")
    assert {r["geographic_level"] for r in found["rows"]} == {"Local authority"}
    assert {r["la_name"] for r in found["rows"]} == {"County Durham"}
    refused = api.client.get("/statistics/notifications", params={"reporting_year": "2023-25"}, headers=PANEL)
    assert refused.status_code == 422
    assert refused.json()["code"] == "validation_error"


def test_the_annual_report_counts_the_boards_year_and_gives_each_table_as_csv(api: Api) -> None:
    chair = bearer(Role.BOARD_CHAIR, "durham")
    review = notify(api, "durham", "D-9", "2024-05-01", child=child("male", 1))
    api.post(f"/reviews/{review}/rapid-review", body("rapid-review", completed_on="2024-05-10"), chair)
    api.post(f"/reviews/{review}/initiation-decision", body("initiation-decision", decided_on="2024-05-20"), chair)
    api.post(f"/reviews/{review}/themes", {"themes": ["neglect"], "tagged_on": "2024-06-01"}, chair)
    api.post(
        f"/reviews/{review}/dissemination",
        {"kind": "training", "held_on": "2024-09-01", "attendees": {"health": 20}},
        chair,
    )
    report = api.get("/boards/durham/annual-report", chair, year="2024-25")
    assert report["reviews"]["notified"] == {"count": 1, "case_refs": ["D-9"]}
    assert report["reviews"]["initiated"]["count"] == 1
    assert (report["themes"][0]["theme"], report["themes"][0]["reviews"]) == ("neglect", 1)
    assert report["dissemination"]["attendees"] == 20
    assert "rapid_review" in report["timeliness"]["national"]["rules"]
    for table in ("reviews", "timeliness", "costs", "actions", "themes", "dissemination"):
        response = api.client.get(
            "/boards/durham/annual-report", params={"year": "2024-25", "format": "csv", "table": table}, headers=chair
        )
        assert response.status_code == 200, table
        assert response.headers["content-type"].startswith("text/csv")
    assert (
        api.client.get("/boards/coventry/annual-report", params={"year": "2024-25"}, headers=chair).status_code == 403
    )
    panel = api.get("/boards/durham/annual-report", PANEL, year="2024-25")
    assert panel["reviews"]["notified"]["count"] == 1


def test_the_calendar_feed_parses_shows_case_refs_only_and_its_token_is_refused_elsewhere(api: Api) -> None:
    manager = bearer(Role.BOARD_MANAGER, "durham")
    issued = api.client.post("/boards/durham/feed-tokens", json={"label": "Outlook"}, headers=manager)
    assert issued.status_code == 201, issued.text
    token = issued.json()["token"]
    feed = api.client.get("/boards/durham/calendar.ics", params={"token": token})
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    parsed = Calendar.from_ical(feed.content)
    summaries = [str(event["SUMMARY"]) for event in parsed.walk("VEVENT")]
    assert summaries
    assert all(summary.split(": ")[-2].endswith(("D-1", "D-2", "D-3")) for summary in summaries)
    assert not any("Child" in summary for summary in summaries)
    # The feed token is no bearer token: refused on every other route, and for another board's feed
    for path in ("/reviews", "/search", "/themes", "/statistics/notifications?reporting_year=2023-24"):
        assert api.client.get(path, headers={"Authorization": f"Bearer {token}"}).status_code == 401, path
    assert api.client.get("/boards/coventry/calendar.ics", params={"token": token}).status_code == 401
    assert api.client.get("/boards/durham/calendar.ics", params={"token": "scrfeed_x"}).status_code == 401
    # Revoked, it stops at once
    token_id = issued.json()["token_id"]
    revoked = api.client.post(f"/boards/durham/feed-tokens/{token_id}/revoke", json={}, headers=manager)
    assert revoked.status_code == 200
    assert api.client.get("/boards/durham/calendar.ics", params={"token": token}).status_code == 401
    # Only the board's own staff issue them
    other = api.client.post("/boards/durham/feed-tokens", json={}, headers=bearer(Role.BOARD_MANAGER, "coventry"))
    assert other.status_code == 403
    assert api.client.post("/boards/durham/feed-tokens", json={}, headers=PANEL).status_code == 403
