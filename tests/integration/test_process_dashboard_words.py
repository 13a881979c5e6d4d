"""The review page says the facts of DOMAIN.md section 8 in words, on SQLite and PostgreSQL: a reconsidered decision,
an agreed extension and whether it was met within it, a revision, a withdrawal and republication, links, statuses
(met late, withdrawn early, not applicable), and every child of a notification for the board (none for the Panel).

The reviews are tests/process_builders.py's, whose values are worked out in their docstrings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.values import Role
from service.dashboard.session import COOKIE
from service.tokens import issue_token
from tests.builders import BOARD
from tests.integration.process_api_support import recorded_fixture  # noqa: F401 (the `recorded` fixture)
from tests.integration.test_api_service import SECRET


@pytest.fixture
def pages(recorded: tuple[TestClient, dict[str, str]]) -> Callable[..., str]:
    """A reader of the recorded scenarios' review pages, in a role (the board's, or the Panel)."""
    client, reviews = recorded

    def page(name: str, role: Role = Role.BOARD_CHAIR) -> str:
        token = issue_token(SECRET, user="u", role=role, board=None if role is Role.NATIONAL_PANEL else BOARD)
        response = client.get(f"/dashboard/reviews/{reviews[name]}", headers={"Cookie": f"{COOKIE}={token}"})
        assert response.status_code == 200, response.text
        return response.text

    return page


def test_a_reconsidered_extended_revised_withdrawn_and_republished_review_is_told_in_words(pages: Any) -> None:
    text = pages("reconsidered")
    for words in (
        "reconsidered (Panel disagreed): first decided No review on 20 March 2015",
        "Complete the review (report accepted) to 18 December 2015",  # the agreed extension
        "received 10 January 2016, accepted 20 January 2016",  # the revised report
        "1 June 2016 (Factual error)",  # withdrawn
        "Joint with a domestic homicide review: DHR-2015-03",
        "Met late",  # complete_review, accepted 2 Nov 2015 against 17 Oct
        "Withdrawn early",  # website_retention: withdrawn 1 Jun 2016, kept until 26 Feb 2017
        "Republished",
    ):
        assert words in text, words
    # The decision history says the reconsidered decision in words too
    history = text.split('id="timeline"')[1].split('id="timeliness"')[0]
    assert "Decision: initiate" in history
    assert "Reason: panel disagreed" in history
    assert "Decided on: 17 April 2015" in history
    assert "concern about joint working yes" in history
    timeliness = text.split('id="table-timeliness"')[1].split("</table>")[0]
    assert "Yes" in timeliness  # met within the extension, in words
    assert "True" not in timeliness


def test_a_subsumed_review_shows_not_applicable_and_every_child_to_the_board_and_none_to_the_panel(
    pages: Any,
) -> None:
    board = pages("subsumed", Role.BOARD_MANAGER)
    for words in (
        "Subsumed: its open deadlines no longer apply",
        "Subsumed into: National review 2019-1",
        "Not applicable",
        "Child S1, aged 3; Child S2, aged 6 (the child DfE statistics take); Child S3, aged 9",
    ):
        assert words in board, words
    panel = pages("subsumed", Role.NATIONAL_PANEL)
    assert "Children named" not in panel
    assert "Child S" not in panel


def test_a_corrected_second_child_is_shown_as_corrected(pages: Any) -> None:
    text = pages("siblings", Role.BOARD_MANAGER)
    assert "Child T1, aged 4; Child T3, aged 2 (the child DfE statistics take)" in text
    assert "Child T2" not in text.split('id="timeline"')[0]  # the key facts show the corrected value
