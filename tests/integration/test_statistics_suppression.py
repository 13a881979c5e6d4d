"""Secondary suppression in the DfE statistics through HTTP on SQLite and PostgreSQL, against figures worked out by
hand: a `c` is never the only hidden figure of a breakdown (against the local authority's total), of a category's
quarters (against its year) or, in the national reading, of the local authorities' same cell (against England)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.values import Role
from service.app import create_app
from tests.integration.process_api_support import Api
from tests.integration.test_api_service import bearer, settings_for
from tests.integration.test_reports_api import PANEL, child, notify

YEAR = "2022-23"
QUARTERS = ("Total", "Q1", "Q2", "Q3", "Q4")


@pytest.fixture
def api(database_url: str, tmp_path: Path) -> Iterator[Api]:
    """County Durham: six girls and two boys notified in Q1. Coventry: seven boys in Q2. All of 10, all deaths."""
    with TestClient(create_app(settings_for(database_url, tmp_path))) as client:
        found = Api(client)
        for board, authority in (("durham", "Durham County Council"), ("coventry", "Coventry City Council")):
            found.post(
                "/boards", {"board_id": board, "name": f"{board} SCP", "local_authority": authority}, bearer(Role.ADMIN)
            )
        for n, sex in enumerate(["female"] * 6 + ["male"] * 2):
            notify(found, "durham", f"D-{n}", f"2022-0{4 + n % 3}-1{n}", child=child(sex, 10))
        for n in range(7):
            notify(found, "coventry", f"C-{n}", f"2022-0{7 + n % 3}-1{n}", child=child("male", 10))
        yield found


def sex(rows: list[dict[str, Any]], la_name: str) -> dict[str, list[Any]]:
    """The authority's Sex breakdown: category -> [year, Q1, Q2, Q3, Q4] (DfE count), and the Panel count's year."""
    found: dict[str, list[Any]] = {}
    for category in ("Female", "Male", "Other", "Unknown"):
        cells = {
            r["quarter"]: r
            for r in rows
            if r["la_name"] == la_name and r["breakdown_topic"] == "Sex" and r["breakdown"] == category
        }
        found[category] = [cells[q]["notifications_dfe"] for q in QUARTERS]
        assert cells["Total"]["notifications_panel"] == cells["Total"]["notifications_dfe"]  # every one a Panel case
    return found


def test_a_board_reading_hides_a_second_figure_beside_each_c_of_its_authority(api: Api) -> None:
    rows = api.get("/statistics/notifications", bearer(Role.BOARD_MANAGER, "durham"), reporting_year=YEAR)["rows"]
    # Worked by hand. Year: Female 6, Male 2 (c, primary). Alone, Male = 8 - 6 - 0 - 0: so Female, the smallest
    # non-zero figure beside it, is c too. Q1 is the same (every notification is in Q1): Female Q1 c as well.
    # Female's quarters then hide two (year and Q1), and so do Male's.
    assert sex(rows, "County Durham") == {
        "Female": ["c", "c", 0, 0, 0],
        "Male": ["c", "c", 0, 0, 0],
        "Other": [0, 0, 0, 0, 0],
        "Unknown": [0, 0, 0, 0, 0],
    }
    # The total is never suppressed, nor a breakdown with no figure of 1 to 5 (Age: eight of 6 to 10, in Q1)
    total = {r["quarter"]: r["notifications_dfe"] for r in rows if r["breakdown_topic"] == "Total"}
    assert total == {"Total": 8, "Q1": 8, "Q2": 0, "Q3": 0, "Q4": 0}
    age = {r["quarter"]: r["notifications_dfe"] for r in rows if r["breakdown"] == "6 to 10"}
    assert age == {"Total": 8, "Q1": 8, "Q2": 0, "Q3": 0, "Q4": 0}


def test_the_national_reading_also_hides_a_second_authority_beside_each_c(api: Api) -> None:
    rows = api.get("/statistics/notifications", PANEL, reporting_year=YEAR)["rows"]
    # England's figures are published: Female 6 = Durham + Coventry, so Durham's c (Female, year) would be 6 - 0.
    # Coventry's Female year (0, the only figure left) is c too; likewise Female Q1, Male year (Coventry's 7)
    # and Male Q1 (Coventry's 0). Coventry's breakdown and quarters then hide two each; its Q2 (7) stays.
    assert sex(rows, "County Durham") == {
        "Female": ["c", "c", 0, 0, 0],
        "Male": ["c", "c", 0, 0, 0],
        "Other": [0, 0, 0, 0, 0],
        "Unknown": [0, 0, 0, 0, 0],
    }
    assert sex(rows, "Coventry") == {
        "Female": ["c", "c", 0, 0, 0],
        "Male": ["c", "c", 7, 0, 0],
        "Other": [0, 0, 0, 0, 0],
        "Unknown": [0, 0, 0, 0, 0],
    }
    national = {
        r["breakdown"]: r["notifications_dfe"]
        for r in rows
        if r["geographic_level"] == "National" and r["breakdown_topic"] == "Sex" and r["quarter"] == "Total"
    }
    assert national == {"Female": 6, "Male": 9, "Other": 0, "Unknown": 0}  # national figures: never suppressed
