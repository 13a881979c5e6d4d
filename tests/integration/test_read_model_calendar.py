"""The calendar read model: agency reports awaited, as a batch of several requests, outcomes and a corrected
due date leaves them (the batch is folded and written in a few statements, projections/calendar.py)."""

from __future__ import annotations

from datetime import date

import pytest

from domain.review import CaseReview
from domain.values import AgencyReportKind
from projections.calendar import CalendarProjection, board_obligations
from projections.case_status import CaseStatusProjection
from projections.learning_actions import LearningActionsProjection
from tests.builders import BOARD, admin, ctx, initiate, notification
from tests.integration.read_model_support import read_models


@pytest.mark.parametrize("batch_size", [3, 500])
def test_reports_requested_answered_and_corrected_in_one_batch_or_many(database_url: str, batch_size: int) -> None:
    with read_models(
        database_url, CaseStatusProjection(), LearningActionsProjection(), CalendarProjection(), batch_size=batch_size
    ) as models:
        app = models.app
        app.register_board(admin(), board_id=BOARD, name="Birmingham SCB", local_authority="Birmingham")
        rid = app.open_review(ctx(), board_id=BOARD, **notification()).id
        initiate(app, rid, rationale="Child died; neglect known", decided_on=date(2008, 5, 23))
        requested = ctx(today=date(2008, 6, 13))

        def request(agency: str, due_on: date) -> object:
            return app.act_on_review(
                requested,
                CaseReview.request_agency_report,
                rid,
                agency=agency,
                kind=AgencyReportKind.IMR,
                due_on=due_on,
            ).created

        received, declined = request("police", date(2008, 9, 1)), request("education", date(2008, 9, 2))
        moved = app.act_on_review(
            requested, CaseReview.request_agency_report, rid, agency="health", kind=AgencyReportKind.IMR,
            due_on=date(2008, 9, 3),
        )  # fmt: skip
        app.act_on_review(ctx(), CaseReview.receive_agency_report, rid, report_id=received, on=date(2008, 8, 28))
        app.act_on_review(
            ctx(), CaseReview.decline_agency_report, rid, report_id=declined, on=date(2008, 8, 1), reason="No records"
        )
        app.act_on_review(
            ctx(),
            CaseReview.correct,
            rid,
            corrects_position=moved.position,
            corrects_version=moved.version,
            field="due_on",
            value="2008-10-06",
            reason="The agency was given longer",
        )
        with models.read() as cursor:
            awaited = [
                row
                for row in board_obligations(cursor, BOARD, today=date(2008, 9, 5))
                if row["kind"] == "agency_report"
            ]
    assert [(row["what"], row["due_on"], row["overdue"]) for row in awaited] == [
        ("imr from health", "2008-10-06", False)
    ]
