"""Which rule a fact reaches, and which it leaves alone (DOMAIN.md sections 4 and 8), through HTTP on SQLite and
PostgreSQL: an agreed extension moves its one rule only; the rapid review is for notifications the Panel takes
(abuse or neglect known or suspected), whatever happened, and only those are in the Panel's count of
notifications; website retention runs from the first publication, however often the report is withdrawn and
republished."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.bodies import body, notification
from tests.integration.process_api_support import (  # noqa: F401 (api_fixture: the `api` fixture)
    PANEL,
    Api,
    api_fixture,
    opened,
    published,
)

CHANGED_BY_AN_EXTENSION = ("extended_due_on", "met_within_extension")


def without(row: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {key: value for key, value in row.items() if key not in keys}


def extend(api: Api, review: str, rule: str, new_due_on: str, agreed_on: str) -> None:
    api.post(
        f"/reviews/{review}/extensions",
        {
            "rule": rule,
            "new_due_on": new_due_on,
            "agreed_with": "national_panel",
            "reason": "Parallel proceedings",
            "agreed_on": agreed_on,
        },
    )


def test_an_agreed_extension_moves_its_one_rule_and_no_other(api: Api) -> None:
    """CSPR 2018, aware Tue 1 Mar 2016, notified Thu 3 Mar: notify_incident due Tue 8 Mar, met 3 Mar.
    rapid_review starts 3 Mar, due Thu 24 Mar (15 working days; Easter is 25 and 28 Mar); extended on 10 Mar to
    15 Apr; completed 30 Mar: met_late, 6 days overdue, met_within_extension true. Initiated Fri 1 Apr:
    complete_and_publish due Sat 1 Oct 2016; extended on 1 Sep to 31 Jan 2017, open. Each extension changes only
    its own rule's extended_due_on and met_within_extension: every other field of every rule stays as it was."""
    review = opened(api, "EXT-ONE", "cspr-2018")
    r = f"/reviews/{review}"
    before = api.rules(review)
    extend(api, review, "rapid_review", "2016-04-15", "2016-03-10")
    after = api.rules(review)
    assert {rule: row for rule, row in after.items() if rule != "rapid_review"} == {
        rule: row for rule, row in before.items() if rule != "rapid_review"
    }
    assert without(after["rapid_review"], CHANGED_BY_AN_EXTENSION) == without(
        before["rapid_review"], CHANGED_BY_AN_EXTENSION
    )
    api.post(f"{r}/rapid-review", body("rapid-review", completed_on="2016-03-30"))
    api.post(f"{r}/initiation-decision", body("initiation-decision", decided_on="2016-04-01"))
    before = api.rules(review)
    extend(api, review, "complete_and_publish", "2017-01-31", "2016-09-01")
    after = api.rules(review)
    assert {rule: row for rule, row in after.items() if rule != "complete_and_publish"} == {
        rule: row for rule, row in before.items() if rule != "complete_and_publish"
    }
    rapid, done, notify = after["rapid_review"], after["complete_and_publish"], after["notify_incident"]
    assert (rapid["due_on"], rapid["met_on"], rapid["status"], rapid["days_overdue"]) == (
        "2016-03-24",
        "2016-03-30",
        "met_late",
        6,
    )
    assert (rapid["extended_due_on"], rapid["met_within_extension"]) == ("2016-04-15", True)
    assert (done["due_on"], done["extended_due_on"], done["met_within_extension"]) == ("2016-10-01", "2017-01-31", None)
    assert (notify["due_on"], notify["status"], notify["extended_due_on"]) == ("2016-03-08", "met", None)


@pytest.mark.parametrize("nature", ["death", "serious_harm", "looked_after_death"])
def test_a_notification_without_suspected_abuse_or_neglect_has_no_rapid_review_clock_whatever_happened(
    api: Api, nature: str
) -> None:
    """Notified Thu 3 Mar 2016 under CSPR 2018 with abuse or neglect not suspected: the Panel takes no rapid review,
    so none is due on 24 Mar and nothing is pending (notify_incident was met on 3 Mar). The same notification with
    abuse suspected starts the clock. In 2015-16 the DfE counts 2 notifications, the Panel 1."""
    base = notification(f"NS-{nature}")
    incident = {**base["incident"], "nature": nature, "abuse_or_neglect": "not_suspected"}
    review = opened(api, f"NS-{nature}", "cspr-2018", incident=incident)
    assert api.rules(review)["rapid_review"]["status"] == "not_started"
    assert api.get(f"/reviews/{review}")["next_deadline"] is None
    suspected = opened(api, f"S-{nature}", "cspr-2018", incident={**incident, "abuse_or_neglect": "suspected"})
    assert api.rules(suspected)["rapid_review"]["due_on"] == "2016-03-24"
    # The DfE counts both notifications; the Panel's count only the one it takes for a rapid review
    counts = api.get("/statistics/notifications", PANEL, reporting_year="2015-16")
    assert (counts["notifications_dfe"], counts["notifications_panel"]) == (2, 1)


def test_republication_does_not_restart_website_retention_which_runs_from_the_first_publication(api: Api) -> None:
    """Published Tue 15 Nov 2016: kept until Wed 15 Nov 2017. Withdrawn Fri 1 Dec 2017, after the twelve months:
    kept. Republished Wed 10 Jan 2018 and withdrawn again Thu 1 Feb 2018, three weeks after republication: still
    kept, due 15 Nov 2017 (a clock restarted by republication would say withdrawn_early, due 10 Jan 2019)."""
    review = published(api, "RET-2")
    r = f"/reviews/{review}"
    api.post(f"{r}/withdraw", body("withdraw", withdrawn_on="2017-12-01"))
    assert api.rules(review)["website_retention"]["status"] == "kept"
    api.post(f"{r}/republish", body("republish", published_on="2018-01-10"))
    api.post(f"{r}/withdraw", body("withdraw", withdrawn_on="2018-02-01", reason="retention_period_ended"))
    kept = api.rules(review)["website_retention"]
    assert (kept["start_on"], kept["due_on"], kept["status"], kept["met"], kept["days_overdue"]) == (
        "2016-11-15",
        "2017-11-15",
        "kept",
        None,
        0,
    )
    assert api.get("/timeliness")["national"]["rules"]["website_retention"]["withdrawn_early"] == 0
