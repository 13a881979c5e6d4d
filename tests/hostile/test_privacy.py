"""The National Panel never sees a child's details: every response to it, scanned field by field.

Every GET route of the app (the API's and any page's), with its path filled with the seeded review's
ids and its documented query parameters tried too, is read with a national-panel token; every key and
every value of every answer is scanned for a child detail: a key naming the child, or any of the
seeded child's distinctive values."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.calendar import london_today
from domain.personal_data import Withheld
from domain.values import Role
from service.app import create_app
from service.dashboard.session import COOKIE
from service.settings import Settings
from tests.conftest import postgres_schema_url
from tests.e2e.bodies import body
from tests.e2e.server import token
from tests.hostile.conftest import CHILD, CHILD_MARKERS, Target, bearer, seed, settings_for

PANEL = bearer(Role.NATIONAL_PANEL, board=None)
# The dashboard's pages take the same token from their session cookie.
PANEL_PAGES = {**PANEL, "Cookie": f"{COOKIE}={token(Role.NATIONAL_PANEL, None)}"}
# The API's own description names the child's fields; it holds no record.
DOCUMENTATION = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
QUERIES = [{}, {"board": "durham"}, {"as_of": "2099-01-01T00:00:00+00:00"}, {"overdue": "true"}, {"format": "csv"}]
# The reporting reads (statistics, annual report, search) with the seeded review's year and words, as JSON and CSV.
QUERIES += [
    {"reporting_year": "2015-16", "year": "2015-16", "q": "fathers role"},
    {"reporting_year": "2015-16", "year": "2015-16", "format": "csv", "table": "reviews"},
]


def fields(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted path, scalar) of every field of a JSON value, keys included as paths."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from fields(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from fields(item, f"{path}.{index}")
    else:
        yield path, value


def child_details(text: str, content_type: str) -> list[str]:
    """Where a response shows a child detail: keys naming the child, or the seeded child's values."""
    found = [marker for marker in CHILD_MARKERS if marker in text]
    if content_type.startswith(("application/json", "application/problem+json")):
        for path, value in fields(json.loads(text)):
            names = path.lower().split(".")
            if any(name.startswith("child") or name in CHILD for name in names):
                found.append(path)
            if isinstance(value, str) and any(marker in value for marker in CHILD_MARKERS):
                found.append(f"{path}={value}")
    return found


@pytest.fixture(scope="module")
def answers(target: Target) -> dict[tuple[str, str], Any]:
    """Every GET route read as the National Panel, with each of the query variants."""
    pages = set(target.paths("GET", documented=False)) - DOCUMENTATION
    found = {}
    for path in set(target.paths("GET")) | pages:
        for query in QUERIES:
            headers = PANEL_PAGES if path in pages else PANEL
            response = target.client.get(target.fill(path), params=query, headers=headers, follow_redirects=False)
            found[(path, json.dumps(query))] = response
    return found


def test_no_national_panel_response_on_any_route_holds_a_childs_details(
    target: Target, answers: dict[tuple[str, str], Any]
) -> None:
    leaks = {
        key: details
        for key, response in answers.items()
        if (details := child_details(response.text, response.headers.get("content-type", "")))
    }
    assert len(answers) > 50
    assert leaks == {}


def test_the_national_panel_does_read_the_seeded_review_so_the_scan_saw_real_rows(
    target: Target, answers: dict[tuple[str, str], Any]
) -> None:
    rows = answers[("/reviews", "{}")].json()
    review = answers[("/reviews/{review_id}", "{}")].json()
    assert [row["case_ref"] for row in rows] == ["HOSTILE-1"]
    assert review["case_ref"] == "HOSTILE-1"
    assert answers[("/timeliness", "{}")].status_code == 200
    pages = [response for (path, _), response in answers.items() if path.startswith("/dashboard")]
    assert any(r.status_code == 200 and "HOSTILE-1" in r.text for r in pages)


def test_the_same_routes_show_the_childs_details_to_the_board_so_the_scan_can_find_them(target: Target) -> None:
    response = target.client.get(target.fill("/reviews/{review_id}"), headers=bearer(Role.BOARD_CHAIR))
    assert child_details(response.text, response.headers["content-type"])


def test_the_panel_reads_the_learning_and_reporting_routes_so_the_scan_saw_their_rows(
    answers: dict[tuple[str, str], Any],
) -> None:
    words, csv = json.dumps(QUERIES[5]), json.dumps(QUERIES[6])
    assert answers[("/search", words)].json()["results"]  # the seeded finding: "the father's role"
    assert answers[("/dissemination", "{}")].json()["items"]
    assert "note" not in answers[("/dissemination", "{}")].json()["items"][0]
    assert answers[("/statistics/notifications", words)].json()["notifications_dfe"] == 1
    assert answers[("/statistics/notifications", csv)].status_code == 200
    assert answers[("/boards/{board_id}/annual-report", words)].json()["reviews"]["notified"]["count"] == 1
    assert answers[("/themes", "{}")].status_code == 200


# ---- after a disposal: the board's own roles see no child detail either -------------------------------

BOARD_ROLES = (Role.BOARD_CHAIR, Role.BOARD_MANAGER, Role.AUDITOR, Role.AGENCY_LEAD)
ONE_YEAR = '[classes.short]\nlabel = "Test class: one year"\nyears_after_closure = 1\n'


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def disposed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    """The seeded service (one-year retention), its review closed in 2017 and disposed of today."""
    directory = tmp_path_factory.mktemp("disposed")
    urls: Iterator[str] = (
        iter([f"sqlite:///{directory / 'scr.sqlite3'}"]) if request.param == "sqlite" else postgres_schema_url()
    )
    classes = directory / "retention.toml"
    classes.write_text(ONE_YEAR)
    settings = Settings(**{**settings_for(next(urls), directory).model_dump(), "retention_classes": classes})
    api = create_app(settings)
    with TestClient(api, raise_server_exceptions=False) as client:
        found = Target(api, client)
        seed(found)
        review = f"/reviews/{found.ids['review_id']}"
        found.ok(review + "/close", body("close"))
        disposal = found.ok(review + "/dispose", {"on": london_today().isoformat(), "rationale": "Retention ended"})
        found.client.get(review, params={"min_position": disposal["position"]}, headers=bearer(Role.BOARD_CHAIR))
        yield found
    next(urls, None)


def test_after_a_disposal_no_route_shows_the_childs_details_to_any_of_the_boards_own_roles(disposed: Target) -> None:
    pages = set(disposed.paths("GET", documented=False)) - DOCUMENTATION
    leaks, read = {}, 0
    for role in BOARD_ROLES:
        api_headers = bearer(role)
        page_headers = {**api_headers, "Cookie": f"{COOKIE}={token(role)}"}
        for path in set(disposed.paths("GET")) | pages:
            for query in QUERIES:
                headers = page_headers if path in pages else api_headers
                url = disposed.fill(path)
                response = disposed.client.get(url, params=query, headers=headers, follow_redirects=False)
                read += response.status_code == 200
                found = [marker for marker in CHILD_MARKERS if marker in response.text]
                if found:
                    leaks[(role, path, json.dumps(query))] = found
    assert read > 200
    assert leaks == {}


def test_after_a_disposal_the_board_still_reads_the_review_with_its_personal_fields_shown_as_disposed(
    disposed: Target,
) -> None:
    review = disposed.client.get(disposed.fill("/reviews/{review_id}"), headers=bearer(Role.BOARD_CHAIR)).json()
    assert review["case_ref"] == "HOSTILE-1"
    assert review["stage"] == "closed"
    assert review["child_pseudonym"] == Withheld.DISPOSED.value
