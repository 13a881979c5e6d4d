"""A board's dated obligations for its deadline calendar: agency reports awaited (this read model), with the
pending statutory deadlines (case status) and open learning actions' targets (learning actions) read beside
them. Case references, rules, agencies and references only: nothing here holds a child's details."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from projections.base import LogEvent
from projections.review_facts import chunks, placeholders
from projections.storage import Cursor

_REVIEW = "domain.review:CaseReview."
_OUTCOMES = {"AgencyReportReceived": "received", "AgencyReportDeclined": "declined"}


class CalendarProjection:
    """Agency reports requested, with their due date and whether they are still awaited."""

    name = "calendar"
    schema_version = 1  # raise with any change to its tables or their meaning: stores rebuild it on start

    def create_tables(self, cursor: Cursor, *, postgres: bool) -> None:
        """Reports by board and due date; each review's board."""
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS calendar_reviews (review_id TEXT PRIMARY KEY, board_id TEXT NOT NULL, "
            "case_ref TEXT NOT NULL)"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS calendar_agency_reports (report_id TEXT PRIMARY KEY, review_id TEXT NOT NULL, "
            "board_id TEXT NOT NULL, agency TEXT NOT NULL, kind TEXT NOT NULL, due_on TEXT NOT NULL, "
            "status TEXT NOT NULL, version INTEGER NOT NULL)"
        )
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS calendar_reports_board ON calendar_agency_reports (board_id, status, due_on)"
        )

    def drop_tables(self, cursor: Cursor) -> None:
        cursor.execute("DROP TABLE IF EXISTS calendar_agency_reports")
        cursor.execute("DROP TABLE IF EXISTS calendar_reviews")

    def apply_batch(self, cursor: Cursor, events: Sequence[LogEvent]) -> None:
        """Reports requested, received or declined; a corrected due date, agency or kind. The batch is folded
        first and written in a few statements (a rebuild's batch is thousands of events, one round trip each
        before): the reviews, then the reports requested (their board read once for reviews of earlier
        batches), then the updates, each kind in the order recorded (different kinds touch different columns)."""
        reviews: list[tuple[str, str, str]] = []
        reports: list[list[Any]] = []
        updates: dict[str, list[tuple[Any, ...]]] = {}
        for event in events:
            if not event.topic.startswith(_REVIEW):
                continue
            data, kind, review_id = event.data, event.type_name, str(event.originator_id)
            if kind == "Notified":
                reviews.append((review_id, data["board_id"], data["case_ref"]))
            elif kind == "AgencyReportRequested":
                reports.append(
                    [data["report_id"], review_id, data["agency"], data["kind"], data["due_on"], event.version]
                )
            elif kind in _OUTCOMES:
                updates.setdefault(_STATUS, []).append((_OUTCOMES[kind], data["report_id"]))
            elif kind == "Corrected" and (data["corrects_type"], data["field"]) in _CORRECTABLE:
                correct = f"UPDATE calendar_agency_reports SET {data['field']} = %s {_OF_REQUEST}"
                updates.setdefault(correct, []).append((data["value"], review_id, data["corrects_version"]))
        if reviews:
            cursor.executemany(
                "INSERT INTO calendar_reviews (review_id, board_id, case_ref) VALUES (%s, %s, %s) "
                "ON CONFLICT (review_id) DO NOTHING",
                reviews,
            )
        if reports:
            boards = _boards(cursor, {report[1] for report in reports})
            cursor.executemany(
                "INSERT INTO calendar_agency_reports (report_id, review_id, board_id, agency, kind, due_on, status, "
                "version) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    (report_id, review_id, boards[review_id], agency, kind, due_on, "requested", version)
                    for report_id, review_id, agency, kind, due_on, version in reports
                    if review_id in boards
                ],
            )
        for statement, rows in updates.items():
            cursor.executemany(statement, rows)


_STATUS = "UPDATE calendar_agency_reports SET status = %s WHERE report_id = %s"
_CORRECTABLE = {("AgencyReportRequested", field) for field in ("due_on", "agency", "kind")}
_OF_REQUEST = "WHERE review_id = %s AND version = %s"


def _boards(cursor: Cursor, review_ids: set[str]) -> dict[str, str]:
    """Each review's board, as its notification recorded it."""
    found: dict[str, str] = {}
    for chunk in chunks(sorted(review_ids), 500):
        cursor.execute(
            f"SELECT review_id, board_id FROM calendar_reviews WHERE review_id IN ({placeholders(len(chunk))})", chunk
        )
        found.update(cursor.fetchall())
    return found


def board_obligations(cursor: Cursor, board_id: str, *, today: date) -> list[dict[str, Any]]:
    """Every dated obligation of the board still open: statutory deadlines, agency reports, action targets."""
    iso = today.isoformat()
    found: list[dict[str, Any]] = []
    cursor.execute(
        "SELECT d.review_id, r.case_ref, d.rule, d.due_on, d.met_by_time FROM case_status_deadlines d "
        "JOIN case_status_reviews r ON r.review_id = d.review_id WHERE r.board_id = %s ORDER BY d.due_on, r.case_ref",
        (board_id,),
    )
    for review_id, case_ref, rule, due_on, met_by_time in cursor.fetchall():
        if met_by_time and due_on <= iso:
            continue  # a keep-until date (website retention) passed is kept, not overdue
        found.append(
            {
                "uid": f"deadline/{review_id}/{rule}",
                "kind": "deadline",
                "review_id": review_id,
                "case_ref": case_ref,
                "what": rule,
                "due_on": due_on,
                "overdue": not met_by_time and due_on < iso,
            }
        )
    cursor.execute(
        "SELECT a.report_id, a.review_id, r.case_ref, a.agency, a.kind, a.due_on FROM calendar_agency_reports a "
        "JOIN calendar_reviews r ON r.review_id = a.review_id WHERE a.board_id = %s AND a.status = 'requested' "
        "ORDER BY a.due_on, r.case_ref",
        (board_id,),
    )
    for report_id, review_id, case_ref, agency, kind, due_on in cursor.fetchall():
        found.append(
            {
                "uid": f"agency-report/{report_id}",
                "kind": "agency_report",
                "review_id": review_id,
                "case_ref": case_ref,
                "what": f"{kind} from {agency}",
                "due_on": due_on,
                "overdue": due_on < iso,
            }
        )
    cursor.execute(
        "SELECT a.action_id, a.review_id, r.case_ref, a.recommendation_ref, a.lead_agency, a.target_on "
        "FROM learning_actions_actions a JOIN calendar_reviews r ON r.review_id = a.review_id "
        "WHERE a.board_id = %s AND a.status = 'open' ORDER BY a.target_on, r.case_ref",
        (board_id,),
    )
    for action_id, review_id, case_ref, recommendation_ref, agency, target_on in cursor.fetchall():
        found.append(
            {
                "uid": f"action/{action_id}",
                "kind": "action_target",
                "review_id": review_id,
                "case_ref": case_ref,
                "what": f"action on recommendation {recommendation_ref} ({agency})",
                "due_on": target_on,
                "overdue": target_on < iso,
            }
        )
    return found
