"""Search past one page through HTTP on SQLite and PostgreSQL: `limit`, `offset`, `total` and a `next` link walk
every match once, in rank order, on the API and on the dashboard's search page."""

from __future__ import annotations

import pytest

from domain.values import Role
from projections.search import MAX_RESULTS
from service.dashboard.session import COOKIE
from service.tokens import issue_token
from tests.integration.process_api_support import Api
from tests.integration.test_api_service import SECRET, bearer
from tests.integration.test_learning_api import api, open_review

MATCHES = MAX_RESULTS + 5  # more than the largest page
_ = api  # the fixture, used by name


@pytest.fixture
def searched(api: Api) -> Api:
    """A review with MATCHES findings about fathers (one word more in the later ones, so ranks differ) and one
    finding that does not match."""
    review = open_review(api, "durham", "D-P")
    for n in range(MATCHES):
        text = f"Finding {n}: the father was not seen" + (" and the fathers were not asked" if n % 3 == 0 else "")
        api.post(f"/reviews/{review}/findings", {"ref": f"F{n}", "text": text, "themes": ["working_with_fathers"]})
    api.post(f"/reviews/{review}/findings", {"ref": "OTHER", "text": "Safe sleep advice was not repeated"})
    return api


def every_match_past_the_largest_page_is_reached_by_following_next(searched: Api) -> None:
    first = searched.get("/search", q="fathers", limit=MAX_RESULTS)
    assert (first["total"], first["count"], first["offset"], first["limit"]) == (MATCHES, MAX_RESULTS, 0, MAX_RESULTS)
    assert first["next"] == f"/search?q=fathers&min_position={searched.position}&limit={MAX_RESULTS}&offset=200"
    response = searched.client.get(first["next"], headers=bearer(Role.BOARD_CHAIR, "durham"))
    assert response.status_code == 200
    second = response.json()
    assert (second["total"], second["count"], second["offset"], second["next"]) == (MATCHES, 5, 200, None)
    hits = first["results"] + second["results"]
    assert sorted(hit["ref"] for hit in hits) == sorted(f"F{n}" for n in range(MATCHES))
    ranks = [hit["rank"] for hit in hits]
    assert ranks == sorted(ranks, reverse=True)  # one ranking across the pages


def small_pages_and_a_filter_without_words_page_the_same_way(searched: Api) -> None:
    refs: list[str] = []
    path: str | None = f"/search?theme=working_with_fathers&limit=60&min_position={searched.position}"
    while path:
        page = searched.client.get(path, headers=bearer(Role.BOARD_CHAIR, "durham")).json()
        assert page["total"] == MATCHES
        refs += [hit["ref"] for hit in page["results"]]
        path = page["next"]
    assert len(refs) == MATCHES == len(set(refs))
    # The period (by the review's notification date) and regime filters count the same way
    assert searched.get("/search", q="fathers", **{"from": "2999-01-01"})["total"] == 0
    assert searched.get("/search", q="fathers", to="2999-01-01")["total"] == MATCHES
    assert searched.get("/search", q="fathers", regime="cspr-2018")["total"] == 0
    assert searched.get("/search", q="fathers", regime="scr-2015", limit=1)["total"] == MATCHES
    past_the_end = searched.get("/search", q="fathers", offset=MATCHES)
    assert (past_the_end["total"], past_the_end["results"], past_the_end["next"]) == (MATCHES, [], None)
    refused = searched.client.get(
        "/search", params={"q": "fathers", "offset": -1}, headers=bearer(Role.BOARD_CHAIR, "durham")
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "validation_error"


def the_dashboard_search_shows_the_total_and_links_the_next_and_previous_pages(searched: Api) -> None:
    searched.get("/search", q="fathers")  # the dashboard reads what the projections hold: wait for the last write
    cookie = {"Cookie": f"{COOKIE}={issue_token(SECRET, user='u', role=Role.BOARD_CHAIR, board='durham')}"}
    first = searched.client.get("/dashboard/search", params={"q": "fathers"}, headers=cookie)
    assert first.status_code == 200
    assert f"{MATCHES} matches: 1 to 50 shown" in first.text
    assert 'href="/dashboard/search?q=fathers&amp;offset=50" rel="next"' in first.text
    assert 'rel="prev"' not in first.text
    last = searched.client.get("/dashboard/search", params={"q": "fathers", "offset": 200}, headers=cookie)
    assert f"{MATCHES} matches: 201 to {MATCHES} shown" in last.text
    assert 'href="/dashboard/search?q=fathers&amp;offset=150" rel="prev"' in last.text
    assert 'rel="next"' not in last.text
    assert last.text.count('class="search-result"') == 5


def test_search_pages_past_the_largest_page_on_the_api_and_the_dashboard(searched: Api) -> None:
    """One store of MATCHES findings (recording them is the slow part) for the three checks."""
    every_match_past_the_largest_page_is_reached_by_following_next(searched)
    small_pages_and_a_filter_without_words_page_the_same_way(searched)
    the_dashboard_search_shows_the_total_and_links_the_next_and_previous_pages(searched)
