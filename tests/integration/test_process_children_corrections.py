"""Corrections of every child a notification names, not only the first (DOMAIN.md section 8, "Whose decision"),
through HTTP on SQLite and PostgreSQL.

A correction names the child by its place in the notification's `other_children` (`other_children.0` is the second
child listed, as `GET /reviews/{id}` lists them in `children`), or the first as `child`. It takes effect wherever the
value shows: the review's `children`, the DfE statistics (when it is the statistics child) and the dashboard; the Panel
never sees a child's details. Recording a notification is the manager's, so a manager may correct it (the chair may
too); a correction that would leave the notification naming children its incident does not allow is refused."""

from __future__ import annotations

from typing import Any

from domain.values import Role
from tests.e2e.bodies import notification
from tests.integration.process_api_support import MANAGER, PANEL, Api, api_fixture  # noqa: F401 (the `api` fixture)
from tests.integration.test_api_service import bearer
from tests.integration.test_reports_api import cell


def siblings(api: Api, case_ref: str) -> tuple[str, int]:
    """A serious-harm notification (3 Mar 2016) naming three siblings, the first counted for DfE statistics."""
    children = [
        {"pseudonym": "Sibling A", "age_years": 2, "sex": "female"},
        {"pseudonym": "Sibling B", "age_years": 5, "sex": "male"},
        {"pseudonym": "Sibling C", "age_years": 13, "sex": "male", "known_to_agencies": False},
    ]
    base = notification(case_ref)
    payload = {**base, "incident": {**base["incident"], "nature": "serious_harm"}, "children": children}
    del payload["child"]
    opened = api.post("/reviews", payload, MANAGER)
    return opened["id"], opened["position"]


def correct(api: Api, review: str, position: int, field: str, value: Any, headers: dict[str, str] = MANAGER) -> Any:
    fix = {"corrects_position": position, "field": field, "value": value, "reason": "Checked the referral"}
    return api.post(f"/reviews/{review}/corrections", fix, headers)


def test_a_manager_corrects_the_second_and_third_child_and_the_correction_shows_in_the_review_and_statistics(
    api: Api,
) -> None:
    """Sibling C's pseudonym and known_to_agencies are corrected, then the statistics child is corrected to Sibling C
    (index 2): the review lists the corrected children; the DfE count of 2015-16 counts a boy of 13 known to agencies
    (before: Sibling A, a girl of 2); the Panel's reading of the review names no child."""
    review, position = siblings(api, "SIB-C1")
    correct(api, review, position, "other_children.1.pseudonym", "Sibling C (corrected)")
    correct(api, review, position, "other_children.1.known_to_agencies", True)
    before = api.get("/statistics/notifications", PANEL, reporting_year="2015-16")["rows"]
    assert cell(before, "National", "Sex", "Female")["notifications_dfe"] == 1
    correct(api, review, position, "statistics_child", 2, bearer(Role.BOARD_CHAIR, "durham"))
    row = api.get(f"/reviews/{review}")
    assert [child["pseudonym"] for child in row["children"]] == ["Sibling A", "Sibling B", "Sibling C (corrected)"]
    assert (row["children"][2]["known_to_agencies"], row["statistics_child"]) == (True, 2)
    assert row["children"][1] == {**row["children"][1], "pseudonym": "Sibling B", "age_years": 5}  # untouched
    rows = api.get("/statistics/notifications", PANEL, reporting_year="2015-16")["rows"]
    assert cell(rows, "National", "Sex", "Female")["notifications_dfe"] == 0
    assert cell(rows, "National", "Age", "11 to 15")["notifications_dfe"] == 1
    assert cell(rows, "National", "Known to agencies", "Yes")["notifications_dfe"] == 1
    shown = api.get(f"/reviews/{review}", PANEL)
    assert "Sibling" not in str(shown)
    history = api.get(f"/reviews/{review}/history")
    assert [e["data"]["field"] for e in history if e["type"] == "Corrected"] == [
        "other_children.1.pseudonym",
        "other_children.1.known_to_agencies",
        "statistics_child",
    ]


def test_a_correction_of_a_child_the_notification_does_not_name_or_that_breaks_the_notification_is_refused(
    api: Api,
) -> None:
    """Three children listed: there is no `other_children.2` (a fourth), the statistics child cannot be index 3, the
    incident cannot become a death (one child per death), and a whole child is corrected one field at a time.
    The National Panel may not correct a board's record. Each refusal names its field and records nothing."""
    review, position = siblings(api, "SIB-C2")
    r = f"/reviews/{review}/corrections"

    def fix(field: str, value: Any) -> dict[str, Any]:
        return {"corrects_position": position, "field": field, "value": value, "reason": "Checked"}

    for field, value, named in (
        ("other_children.2.pseudonym", "Sibling D", "field"),
        ("other_children.x.pseudonym", "Sibling D", "field"),
        ("other_children.0", {"pseudonym": "Sibling B2"}, "field"),
        ("child", {"pseudonym": "Sibling A2"}, "field"),
        ("other_children.0.age_years", 40, "value"),
        ("statistics_child", 3, "value"),
        ("incident.nature", "death", "value"),
    ):
        problem = api.refused(r, fix(field, value), 422, "correction_invalid", MANAGER)
        assert problem["errors"][0]["field"] == named, (field, problem)
    api.refused(r, fix("other_children.0.pseudonym", "Sibling B2"), 403, "forbidden", PANEL)
    assert [child["pseudonym"] for child in api.get(f"/reviews/{review}")["children"]] == [
        "Sibling A",
        "Sibling B",
        "Sibling C",
    ]
