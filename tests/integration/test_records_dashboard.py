"""The review page shows its records management in words, on the demo data (issue 13): redactions and the
family-impact check before publication, the retention class and when the review falls due for disposal."""

from __future__ import annotations

from fastapi.testclient import TestClient

from domain.values import Role
from tests.integration.test_process_dashboard import demo, page  # noqa: F401 (demo: the module's fixture)


def test_a_published_review_shows_its_redactions_check_and_retention_to_the_board(
    demo: tuple[TestClient, object],  # noqa: F811
) -> None:
    client, app = demo
    text = page(client, app, "birmingham", "BSCB-2008-01", Role.BOARD_CHAIR, "birmingham")
    assert "The name of the child&#39;s school and the street the family lived in" in text
    assert "Identifies child; agreed with police, family" in text
    assert "family consulted: The chair met the child&#39;s mother before publication" in text
    # Closed 27 July 2012 under the default class (35 years)
    assert "Safeguarding review: child protection record (the default class)" in text
    assert "due for disposal from 27 July 2047" in text


def test_the_panel_sees_that_redactions_were_made_but_not_what_was_redacted(
    demo: tuple[TestClient, object],  # noqa: F811
) -> None:
    client, app = demo
    text = page(client, app, "birmingham", "BSCB-2008-01", Role.NATIONAL_PANEL, None)
    assert "Identifies child" in text
    assert "street the family lived in" not in text
    assert "met the child&#39;s mother" not in text
