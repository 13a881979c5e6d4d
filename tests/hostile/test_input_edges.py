"""Input edges: NUL in a query or path, look-alike case references and board ids, download filenames.

Found: a NUL in a query parameter gave a 500 on PostgreSQL; a case reference with a Cyrillic look-alike
letter passed the duplicate check (a second review of a case already notified)."""

from __future__ import annotations

import pytest

from domain.values import Role
from service.dashboard.routes import attachment
from tests.e2e.bodies import notification
from tests.hostile.conftest import Target, bearer

NUL_QUERIES = ["board=dur%00ham", "case_ref=%00", "stage=%00", "x=%00", "min_position=1%00", "as_of=2026-01-01%00"]


def test_a_nul_in_any_query_parameter_of_any_read_is_a_422_naming_the_query(target: Target) -> None:
    head = target.head()
    paths = [target.fill(path) for path in target.paths("GET")] + [
        target.fill(path) for path in target.paths("GET", documented=False)
    ]
    answers = {
        (path, query): target.client.get(f"{path}?{query}", headers=bearer(Role.NATIONAL_PANEL))
        for path in paths
        for query in NUL_QUERIES
    }
    wrong = {key: (r.status_code, r.text[:120]) for key, r in answers.items() if r.status_code != 422}
    assert len(answers) > 100
    assert wrong == {}
    assert all(r.json()["code"] == "validation_error" for r in answers.values())
    assert all(r.json()["errors"][0]["field"] == "query" for r in answers.values())
    assert target.head() == head


def test_a_nul_in_a_command_path_or_query_records_nothing(target: Target) -> None:
    head = target.head()
    for path in ("/boards/dur%00ham/contributions", "/reviews?x=%00", "/reviews/%00/costs"):
        answer = target.client.post(path, json={}, headers=bearer(Role.ADMIN))
        assert answer.status_code == 422, (path, answer.text)
        assert answer.json()["code"] == "validation_error"
    assert target.head() == head


@pytest.mark.parametrize(
    "case_ref",
    [
        "H\u041eSTILE-1",  # Cyrillic capital O
        "HOST\u0406LE-1",  # Cyrillic capital I (Ukrainian)
        "HOSTILE\u20111",  # non-breaking hyphen
        "HOSTILE-1\u200b",  # zero-width space
        "HOSTILE-\u0661",  # Arabic-Indic digit one
    ],
    ids=["cyrillic O", "cyrillic I", "non-breaking hyphen", "zero-width space", "arabic digit"],
)
def test_a_case_reference_with_a_look_alike_character_is_refused_and_records_nothing(
    target: Target, case_ref: str
) -> None:
    head = target.head()
    answer = target.client.post("/reviews", json=notification(case_ref), headers=bearer(Role.BOARD_MANAGER))
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["field"] == "case_ref"
    assert target.head() == head


@pytest.mark.parametrize(
    "case_ref",
    [
        "\uff28\uff2f\uff33\uff34\uff29\uff2c\uff25-1",
        "HOSTILE-1 ",
        " HOSTILE-1",
        "HOSTILE-1",
    ],
    ids=["full-width letters", "trailing space", "leading space", "plain"],
)
def test_a_case_reference_that_normalises_to_one_already_notified_is_a_duplicate(target: Target, case_ref: str) -> None:
    head = target.head()
    answer = target.client.post("/reviews", json=notification(case_ref), headers=bearer(Role.BOARD_MANAGER))
    assert answer.status_code == 409, answer.text
    assert answer.json()["code"] == "duplicate"
    assert target.head() == head


def test_a_notification_naming_a_look_alike_board_is_refused(target: Target) -> None:
    head = target.head()
    body = {**notification("EDGE-BOARD-1"), "board_id": "durh\u0430m"}
    answer = target.client.post("/reviews", json=body, headers=bearer(Role.ADMIN))
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["field"] == "board_id"
    assert target.head() == head


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("durham-reviews-2026-12-01.csv", 'attachment; filename="durham-reviews-2026-12-01.csv"'),
        ('dur"ham\r\nX-Evil: 1-reviews.csv', 'attachment; filename="dur_ham_X-Evil_1-reviews.csv"'),
        ("durh\u0430m-reviews.csv", 'attachment; filename="durh_m-reviews.csv"'),
        ("../../etc/passwd", 'attachment; filename="etc_passwd"'),
    ],
    ids=["plain", "quote and header break", "cyrillic", "path"],
)
def test_a_download_filename_keeps_only_safe_characters(name: str, expected: str) -> None:
    assert attachment(name) == expected
