"""Reports composed from several read models: a board's annual report, its deadline calendar.

Both the API and the dashboard use these, with the same access rules; neither shows a child's details
(case references, rules, agencies and counts only)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from typing import Any

from icalendar import Calendar, Event

from domain.themes import labels
from projections import calendar, case_status, cost_ledger, dissemination, learning_actions, search, timeliness
from projections.statistics import reporting_year_bounds
from projections.storage import Cursor

# The tables of the annual report, in order, each with its CSV columns.
ANNUAL_TABLES: dict[str, tuple[str, ...]] = {
    "reviews": ("measure", "count", "case_refs"),
    "timeliness": ("rule", "within_deadline", "late", "open", "overdue"),
    "costs": ("line", "amount_pence"),
    "actions": ("measure", "count"),
    "themes": ("theme", "label", "reviews", "findings", "recommendations"),
    "dissemination": ("kind", "events", "attendees"),
}


# The read models an annual report reads: its answer is kept while none of them has moved (service/api/reading.py).
ANNUAL_REPORT_SOURCES = (
    case_status.CaseStatusProjection.name,
    timeliness.TimelinessProjection.name,
    cost_ledger.CostLedgerProjection.name,
    learning_actions.LearningActionsProjection.name,
    search.SearchProjection.name,
    dissemination.DisseminationProjection.name,
)


def annual_report(cursor: Cursor, board_id: str, year: str, *, today: date) -> dict[str, Any]:
    """The board's year (April to March): reviews notified, initiated, completed and published; timeliness per
    rule; costs against partner contributions; learning actions; themes; dissemination."""
    first, last = reporting_year_bounds(year)

    def within(on: str | None) -> bool:
        return on is not None and first.isoformat() <= on <= last.isoformat()

    reviews = case_status.list_reviews(cursor, today=today, board_id=board_id)
    milestones = {
        "notified": [r["case_ref"] for r in reviews if within(r.get("notified_on"))],
        "initiated": [
            r["case_ref"] for r in reviews if within(r.get("decided_on")) and r.get("decision") == "initiate"
        ],
        "completed": [r["case_ref"] for r in reviews if within(r.get("accepted_on"))],
        "published": [r["case_ref"] for r in reviews if within(r.get("published_on"))],
    }
    timely = timeliness.aggregate_timeliness(cursor, today=today, board_id=board_id, from_on=first, to_on=last)
    ledger = cost_ledger.board_ledger(cursor, board_id, year)
    actions = learning_actions.action_counts(cursor, today=today, board_id=board_id)
    names = labels()
    themes = [
        {**row, "label": names.get(row["theme"], row["theme"])}
        for row in search.theme_counts(cursor, board_id=board_id, from_on=first, to_on=last)
    ]
    shared = dissemination.list_dissemination(cursor, board_id=board_id, from_on=first, to_on=last)
    by_kind_attendees: dict[str, int] = {}
    for item in shared["items"]:
        by_kind_attendees[item["kind"]] = by_kind_attendees.get(item["kind"], 0) + item["total_attendees"]
    return {
        "board_id": board_id,
        "year": year,
        "period": {"from": first.isoformat(), "to": last.isoformat()},
        "today": today.isoformat(),
        "reviews": {key: {"count": len(refs), "case_refs": sorted(refs)} for key, refs in milestones.items()},
        "timeliness": {
            "period_applies_to": timely["filters"]["period_applies_to"],
            "national": timely["national"],
        },
        "costs": {
            "contributions": ledger["contributions"],
            "spend": ledger["spend"]["totals"],
            "by_category": ledger["spend"]["by_category"],
            "balance_pence": ledger["balance_pence"],
            "balance_definition": ledger["balance_definition"],
        },
        "actions": {
            "total": actions["total"],
            "by_status": actions["by_status"],
            "by_rag": actions["by_rag"],
            "days_publication_to_assurance": actions["days_publication_to_assurance"],
        },
        "themes": themes,
        "dissemination": {
            "events": shared["total"],
            "attendees": shared["total_attendees"],
            "by_kind": [
                {"kind": kind, "events": count, "attendees": by_kind_attendees.get(kind, 0)}
                for kind, count in shared["by_kind"].items()
            ],
            "attendance_by_agency": shared["attendance_by_agency"],
        },
    }


def annual_table(report: dict[str, Any], table: str) -> list[dict[str, Any]]:
    """One table of the annual report as rows of ANNUAL_TABLES[table]'s columns."""
    if table == "reviews":
        return [
            {"measure": key, "count": value["count"], "case_refs": " ".join(value["case_refs"])}
            for key, value in report["reviews"].items()
        ]
    if table == "timeliness":
        rules = report["timeliness"]["national"].get("rules", {})
        rows = rules.items() if isinstance(rules, dict) else ((r.get("rule"), r) for r in rules)
        return [
            {
                "rule": rule,
                "within_deadline": figures.get("within_deadline", 0),
                "late": figures.get("late", 0),
                "open": figures.get("open", 0),
                "overdue": figures.get("overdue", 0),
            }
            for rule, figures in rows
        ]
    if table == "costs":
        costs = report["costs"]
        lines = [("contributions", costs["contributions"]["total_pence"])]
        lines += [(f"contribution: {agency}", pence) for agency, pence in costs["contributions"]["by_agency"].items()]
        lines += [(f"spend: {key.removesuffix('_pence')}", value) for key, value in costs["spend"].items()]
        lines.append(("balance", costs["balance_pence"]))
        return [{"line": line, "amount_pence": amount} for line, amount in lines]
    if table == "actions":
        actions = report["actions"]
        return [
            {"measure": "total", "count": actions["total"]},
            *({"measure": f"status: {k}", "count": v} for k, v in actions["by_status"].items()),
            *({"measure": f"rag: {k}", "count": v} for k, v in actions["by_rag"].items()),
        ]
    if table == "themes":
        return [dict(row) for row in report["themes"]]
    if table == "dissemination":
        return [dict(row) for row in report["dissemination"]["by_kind"]]
    raise KeyError(table)


def as_csv(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> str:
    """Rows as CSV with a header of `columns`."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


RULE_NAMES = {
    "notify_incident": "notification of the incident",
    "initiation_decision": "initiation decision",
    "panel_told_not_initiating": "Panel told of a decision not to initiate",
    "rapid_review": "rapid review",
    "complete_review": "completion of the review",
    "complete_and_publish": "completion and publication",
    "pre_publication_copy": "pre-publication copies",
    "website_retention": "website retention ends",
}


def calendar_feed(cursor: Cursor, board_id: str, *, today: date, now: datetime | None = None) -> bytes:
    """The board's open obligations as an iCalendar feed of all-day events (case references only)."""
    feed = Calendar()
    feed.add("prodid", "-//scr-ledger//deadline calendar//EN")
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("x-wr-calname", f"Case review deadlines: {board_id}")
    stamp = now or datetime.now(UTC)
    for item in calendar.board_obligations(cursor, board_id, today=today):
        what = RULE_NAMES.get(item["what"], item["what"]) if item["kind"] == "deadline" else item["what"]
        event = Event()
        event.add("uid", f"{item['uid']}@scr-ledger")
        event.add("dtstamp", stamp)
        event.add("dtstart", date.fromisoformat(item["due_on"]))
        event.add("summary", f"{'OVERDUE: ' if item['overdue'] else ''}{item['case_ref']}: {what} due")
        event.add("categories", [item["kind"]])
        event.add("transp", "TRANSPARENT")
        feed.add_component(event)
    return bytes(feed.to_ical())
