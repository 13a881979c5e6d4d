"""Dashboard pages for learning and reporting: search, dissemination, DfE statistics, the board's annual report.

Each page reads the same query functions, role tables and access rules as the API; each table is also CSV.
Their routes are this module's own `router` (install_dashboard adds it); their rows in the navigation are
routes.PAGES."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from domain.errors import InvalidValue
from domain.permissions import require_read
from domain.themes import labels, vocabulary
from domain.values import Regime, Role
from projections import dissemination, search, statistics
from service import reports
from service.access import board_scope
from service.access_log import listed_reviews
from service.dashboard.routes import render_csv, render_page
from service.dashboard.session import PATH, CurrentViewer, Viewer
from service.dashboard.tables import DATE, NUMBER, PENCE, TEXT, Column, Table

router = APIRouter(prefix=PATH, include_in_schema=False)
Text = Annotated[str, Query(max_length=200)]


def _reporting_year(value: str, today: date) -> str:
    if not value:
        return statistics.reporting_year_of(today)
    try:
        statistics.reporting_year_bounds(value)
    except ValueError as error:
        raise InvalidValue(str(error), field="year") from None
    return value


def _date(value: str, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidValue(f"{field} must be a date like 2024-04-01", field=field) from None


# ---- search -------------------------------------------------------------------------------------------


SEARCH_PAGE = 50  # matches a page shows; "Next" and "Previous" links walk the rest


def search_page(viewer: Viewer, q: str, theme: str, board: str, regime: str, offset: int = 0) -> dict[str, Any]:
    """One page of matches with highlighted snippets, filtered by theme, board and regime (its CSV: that page)."""
    require_read(viewer.actor, "search")
    names = labels()
    if theme and theme not in names:
        raise InvalidValue(f"unknown theme {theme}", field="theme")
    if regime and regime not in {r.value for r in Regime}:
        raise InvalidValue(f"unknown regime {regime}", field="regime")
    board_id = board_scope(viewer.actor, board or None)
    searched = bool(q or theme or board or regime)
    found: dict[str, Any] = {"total": 0, "results": []}
    if searched:
        with viewer.services.db.transaction(read_only=True) as cursor:
            found = search.search(
                cursor,
                query=q,
                board_id=board_id,
                theme=theme or None,
                regime=regime or None,
                limit=SEARCH_PAGE,
                offset=offset,
            )
    results: list[dict[str, Any]] = found["results"]
    for result in results:
        result["theme_labels"] = [names.get(code, code) for code in result["themes"]]
        result["_href"] = f"/dashboard/reviews/{result['review_id']}" if viewer.actor.board else None
    columns = [
        Column("case_ref", "Case"),
        Column("board_id", "Board"),
        Column("kind", "Found in"),
        Column("ref", "Reference"),
        Column("snippet_text", "Text"),
        Column("themes", "Themes"),
        Column("review_id", "Review id", on_page=False),
    ]
    rows = [{**r, "snippet_text": r["snippet"].replace("<mark>", "").replace("</mark>", "")} for r in results]
    table = Table("results", "Matches", columns, rows, empty="No matches.")
    themes = [(t.code, t.label) for t in vocabulary() if not t.retired]
    return {
        "q": q,
        "theme": theme,
        "board": board,
        "regime": regime,
        "themes": themes,
        "regimes": [(r.value, r.value.upper()) for r in Regime],
        "results": results,
        "searched": searched,
        "accessed": listed_reviews(viewer.actor, results) if searched else None,
        "total": found["total"],
        "first": offset + 1,
        "last": offset + len(results),
        "pages": _pages({"q": q, "theme": theme, "board": board, "regime": regime}, offset, found["total"]),
        "tables": {"results": table},
    }


def _pages(query: dict[str, str], offset: int, total: int) -> dict[str, str | None]:
    """The previous and next pages' links of the search (None where there is none)."""

    def link(at: int) -> str:
        kept = {key: value for key, value in query.items() if value}
        return "/dashboard/search?" + urlencode({**kept, **({"offset": at} if at else {})})

    return {
        "previous": link(max(0, offset - SEARCH_PAGE)) if offset > 0 else None,
        "next": link(offset + SEARCH_PAGE) if offset + SEARCH_PAGE < total else None,
    }


Offset = Annotated[int, Query(ge=0, le=1_000_000)]


@router.get("/search")
def search_view(
    request: Request,
    viewer: CurrentViewer,
    q: Text = "",
    theme: Text = "",
    board: Text = "",
    regime: Text = "",
    offset: Offset = 0,
) -> HTMLResponse:
    """Search findings, recommendations, terms of reference and board responses, with theme filters."""
    return render_page(request, viewer, "search.html", lambda: search_page(viewer, q, theme, board, regime, offset))


@router.get("/search/csv/{table}")
def search_csv(
    request: Request,
    viewer: CurrentViewer,
    table: str,
    q: Text = "",
    theme: Text = "",
    board: Text = "",
    regime: Text = "",
    offset: Offset = 0,
) -> Response:
    """A table of the search page as CSV (the page's matches)."""
    return render_csv(request, viewer, table, lambda: search_page(viewer, q, theme, board, regime, offset))


# ---- dissemination ------------------------------------------------------------------------------------


def dissemination_page(viewer: Viewer, board: str, from_text: str, to_text: str) -> dict[str, Any]:
    """Learning shared, newest first, with attendance by agency (no notes for the Panel)."""
    require_read(viewer.actor, "dissemination")
    from_on, to_on = _date(from_text, "from"), _date(to_text, "to")
    with viewer.services.db.transaction(read_only=True) as cursor:
        found = dissemination.list_dissemination(
            cursor, board_id=board_scope(viewer.actor, board or None), from_on=from_on, to_on=to_on
        )
    panel = viewer.actor.role is Role.NATIONAL_PANEL
    rows = [{**item, "attendance": sum(item["attendees"].values())} for item in found["items"]]
    columns = [
        Column("held_on", "Held on", DATE),
        Column("case_ref", "Case"),
        Column("board_id", "Board"),
        Column("kind", "Kind"),
        Column("audience_agencies", "Audience"),
        Column("attendance", "Attended", NUMBER),
        *([] if panel else [Column("note", "Note")]),
    ]
    agencies = [{"agency": a, "attended": n} for a, n in found["attendance_by_agency"].items()]
    return {
        "board": board,
        "from": from_text,
        "to": to_text,
        "summary": found,
        "tables": {
            "dissemination": Table("dissemination", "Learning shared", columns, rows, empty="Nothing recorded."),
            "attendance": Table(
                "attendance",
                "Attendance by agency",
                [Column("agency", "Agency"), Column("attended", "Attended", NUMBER)],
                agencies,
            ),
        },
    }


@router.get("/dissemination")
def dissemination_view(
    request: Request,
    viewer: CurrentViewer,
    board: Text = "",
    from_on: Annotated[str, Query(alias="from", max_length=10)] = "",
    to_on: Annotated[str, Query(alias="to", max_length=10)] = "",
) -> HTMLResponse:
    """Learning shared across reviews."""
    return render_page(request, viewer, "dissemination.html", lambda: dissemination_page(viewer, board, from_on, to_on))


@router.get("/dissemination/csv/{table}")
def dissemination_csv(
    request: Request,
    viewer: CurrentViewer,
    table: str,
    board: Text = "",
    from_on: Annotated[str, Query(alias="from", max_length=10)] = "",
    to_on: Annotated[str, Query(alias="to", max_length=10)] = "",
) -> Response:
    """A table of the dissemination page as CSV."""
    return render_csv(request, viewer, table, lambda: dissemination_page(viewer, board, from_on, to_on))


# ---- statistics ---------------------------------------------------------------------------------------


def statistics_page(viewer: Viewer, year: str) -> dict[str, Any]:
    """The reporting year's notifications by quarter, nature and characteristic (aggregate counts only)."""
    require_read(viewer.actor, "statistics")
    chosen = _reporting_year(year, viewer.today)
    with viewer.services.db.transaction(read_only=True) as cursor:
        found = statistics.notification_statistics(cursor, chosen, board_id=viewer.actor.board)
    level = "Local authority" if viewer.actor.board else "National"
    top = [r for r in found["rows"] if r["geographic_level"] == level]
    first_la = top[0]["la_name"] if top else ""
    top = [r for r in top if level == "National" or r["la_name"] == first_la]
    columns = [
        Column("breakdown_topic", "Breakdown"),
        Column("breakdown", "Category"),
        *(Column(q, q, NUMBER) for q in ("Q1", "Q2", "Q3", "Q4")),
        Column("total", "Year (DfE count)", NUMBER),
        Column("panel", "Year (Panel count)", NUMBER),
    ]
    grouped: dict[tuple[str, str], dict[str, Any]] = {}
    for row in top:
        into = grouped.setdefault(
            (row["breakdown_topic"], row["breakdown"]),
            {"breakdown_topic": row["breakdown_topic"], "breakdown": row["breakdown"]},
        )
        if row["quarter"] == "Total":
            into["total"], into["panel"] = row["notifications_dfe"], row["notifications_panel"]
        else:
            into[row["quarter"]] = row["notifications_dfe"]
    regional = [
        {"region": r["region_name"], "dfe": r["notifications_dfe"], "panel": r["notifications_panel"]}
        for r in found["rows"]
        if r["geographic_level"] == "Regional" and r["breakdown_topic"] == "Total" and r["quarter"] == "Total"
    ]
    dfe_columns = [Column(name, name, on_page=False) for name in statistics.CSV_COLUMNS]
    return {
        "year": chosen,
        "level": level,
        "found": found,
        "tables": {
            "breakdowns": Table(
                "breakdowns",
                f"Notifications received in {chosen} ({level.lower()})",
                columns,
                list(grouped.values()),
                notes=["c: suppressed; x: not available. Regional figures are rounded to the nearest 10."],
            ),
            "regions": Table(
                "regions",
                "By region (rounded to the nearest 10)",
                [
                    Column("region", "Region"),
                    Column("dfe", "DfE count", NUMBER),
                    Column("panel", "Panel count", NUMBER),
                ],
                regional,
                empty="Regional figures are for national readers.",
            ),
            "dfe": Table("dfe", "DfE open-data layout", dfe_columns, found["rows"]),
        },
    }


@router.get("/statistics")
def statistics_view(request: Request, viewer: CurrentViewer, year: Text = "") -> HTMLResponse:
    """DfE serious incident notification statistics for a reporting year."""
    return render_page(request, viewer, "statistics.html", lambda: statistics_page(viewer, year))


@router.get("/statistics/csv/{table}")
def statistics_csv(request: Request, viewer: CurrentViewer, table: str, year: Text = "") -> Response:
    """A table of the statistics page as CSV (`dfe`: DfE's open-data layout)."""
    return render_csv(request, viewer, table, lambda: statistics_page(viewer, year))


# ---- annual report ------------------------------------------------------------------------------------

_ANNUAL_LABELS = {
    "reviews": "Reviews in the year",
    "timeliness": "Timeliness per rule (reviews initiated in the year)",
    "costs": "Costs against partner contributions",
    "actions": "Learning actions (as of today)",
    "themes": "Themes of reviews notified in the year",
    "dissemination": "Learning shared in the year",
}


def annual_report_page(viewer: Viewer, board: str, year: str) -> dict[str, Any]:
    """The board's year, table by table, ready to print."""
    require_read(viewer.actor, "annual_report")
    board_id = board_scope(viewer.actor, board or None)
    chosen = _reporting_year(year, viewer.today)
    if board_id is None:
        return {"board": "", "year": chosen, "report": None, "tables": {}}
    with viewer.services.db.transaction(read_only=True) as cursor:
        report = reports.annual_report(cursor, board_id, chosen, today=viewer.today)
    tables = {
        name: Table(
            name,
            _ANNUAL_LABELS[name],
            [Column(key, _annual_heading(key), _annual_kind(key)) for key in columns],
            reports.annual_table(report, name),
        )
        for name, columns in reports.ANNUAL_TABLES.items()
    }
    return {"board": board_id, "year": chosen, "report": report, "tables": tables}


_TEXT_KEYS = {"measure", "case_refs", "rule", "line", "theme", "label", "kind"}


def _annual_kind(key: str) -> str:
    """Money in pounds (the CSV keeps pence), counts as numbers, the rest as text."""
    return PENCE if key.endswith("_pence") else TEXT if key in _TEXT_KEYS else NUMBER


def _annual_heading(key: str) -> str:
    return key.removesuffix("_pence").replace("_", " ").capitalize()


@router.get("/annual-report")
def annual_report_view(request: Request, viewer: CurrentViewer, board: Text = "", year: Text = "") -> HTMLResponse:
    """A board's annual report, printable (a print stylesheet drops the navigation and filters)."""
    return render_page(request, viewer, "annual_report.html", lambda: annual_report_page(viewer, board, year))


@router.get("/annual-report/csv/{table}")
def annual_report_csv(
    request: Request, viewer: CurrentViewer, table: str, board: Text = "", year: Text = ""
) -> Response:
    """A table of the annual report as CSV."""
    return render_csv(request, viewer, table, lambda: annual_report_page(viewer, board, year))
