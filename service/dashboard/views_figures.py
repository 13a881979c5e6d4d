"""View models of the timeliness, cost ledger and learning actions pages, from the projections' query functions."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from domain.board import check_financial_year, financial_year_of, shift_financial_year
from domain.errors import InvalidValue
from domain.permissions import may_read, require_read
from domain.values import Actor, InitiationDecision, Regime
from projections import case_status, cost_ledger, learning_actions, timeliness
from projections.storage import Cursor
from service.access import agency_scope, board_scope
from service.dashboard import charts
from service.dashboard.labels import rule_label
from service.dashboard.pages import PAGE_ROWS, Download, batches, page_model
from service.dashboard.session import Viewer
from service.dashboard.tables import NUMBER, PENCE, REVIEW, Column, Table
from service.dashboard.views_reviews import ACTION_COLUMNS, review_href

# ---- timeliness -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelinessFilters:
    """The timeliness page's GET form: board (across boards), regime, and an initiation-date period."""

    board: str = ""
    regime: str = ""
    from_on: str = ""
    to_on: str = ""

    def parsed(self) -> dict[str, Any]:
        """The filters as aggregate_timeliness takes them."""
        try:
            return {
                "regime": Regime(self.regime) if self.regime else None,
                "from_on": date.fromisoformat(self.from_on) if self.from_on else None,
                "to_on": date.fromisoformat(self.to_on) if self.to_on else None,
            }
        except ValueError:
            raise InvalidValue("choose a regime from the list and write dates as YYYY-MM-DD") from None


RULE_COUNT_COLUMNS = [
    Column("board_id", "Board"),
    Column("rule", "Rule", "rule"),
    Column("within_deadline", "Within deadline", NUMBER),
    Column("late", "Late", NUMBER),
    Column("met_late", "Met late", NUMBER),
    Column("overdue", "Overdue (not met)", NUMBER),
    Column("open", "Open (not yet due)", NUMBER),
    Column("legal_hold_days", "Days under legal holds", NUMBER),
]

BOARD_COLUMNS = [
    Column("board_id", "Board"),
    Column("reviews", "Reviews", NUMBER),
    Column("initiated", "Initiated", NUMBER),
    Column("decisions_against_criteria", "Decisions against the criteria", NUMBER),
    Column("acceptance_count", "Accepted", NUMBER),
    Column("acceptance_median", "Median days to acceptance", NUMBER),
    Column("acceptance_p90", "90th percentile days to acceptance", NUMBER),
    Column("publication_count", "Published", NUMBER),
    Column("publication_median", "Median days to publication", NUMBER),
    Column("publication_p90", "90th percentile days to publication", NUMBER),
    Column("legal_hold_days", "Days under legal holds", NUMBER),
]


def _board_summary(board_id: str, figures: dict[str, Any]) -> dict[str, Any]:
    accepted, published = figures["days_initiation_to_acceptance"], figures["days_initiation_to_publication"]
    return {
        "board_id": board_id,
        **{key: figures[key] for key in ("reviews", "initiated", "decisions_against_criteria")},
        **{f"acceptance_{key}": accepted[key] for key in ("count", "median", "p90")},
        **{f"publication_{key}": published[key] for key in ("count", "median", "p90")},
        "legal_hold_days": figures["legal_hold_days"]["total"],
    }


def durations(rows: list[dict[str, Any]], filters: dict[str, Any]) -> dict[str, dict[str, list[int]]]:
    """Days from initiation to acceptance and to publication of each review, by board (for the charts).

    Counted as the timeliness read model counts them: from the decision to initiate, in the initiation period."""
    found: dict[str, dict[str, list[int]]] = {"acceptance": {}, "publication": {}}
    for row in rows:
        if not row["decision"] or not InitiationDecision(row["decision"]).initiates:
            continue
        decided = date.fromisoformat(row["decided_on"])
        if (filters["from_on"] and decided < filters["from_on"]) or (filters["to_on"] and decided > filters["to_on"]):
            continue
        for key, end in (("acceptance", row["accepted_on"]), ("publication", row["published_on"])):
            if end:
                found[key].setdefault(row["board_id"], []).append((date.fromisoformat(end) - decided).days)
    return found


def timeliness_page(viewer: Viewer, filters: TimelinessFilters) -> dict[str, Any]:
    """Per rule within deadline and late, durations as charts, and every board's figures (no child details)."""
    actor = viewer.actor
    require_read(actor, "timeliness")
    board, parsed = board_scope(actor, filters.board or None), filters.parsed()
    with viewer.services.db.transaction(read_only=True) as cursor:
        found = timeliness.aggregate_timeliness(cursor, today=viewer.today, board_id=board, **parsed)
        rows = case_status.decision_dates(cursor, today=viewer.today, board_id=board, regime=parsed["regime"])
    national = found["national"]
    rules = sorted(national["rules"].items())
    per_rule = [{"board_id": "All", "rule": rule, **counts} for rule, counts in rules]
    per_board = [
        {"board_id": figures["board_id"], "rule": rule, **counts}
        for figures in found["boards"]
        for rule, counts in sorted(figures["rules"].items())
    ]
    days = durations(rows, parsed)
    return {
        "filters": filters,
        "regimes": list(Regime),
        "across_boards": actor.board is None,
        "national": national,
        "charts": {
            "rules": charts.rule_counts_chart(
                "Deadlines met within time and late, per rule",
                [(rule_label(rule), counts["within_deadline"], counts["late"]) for rule, counts in reversed(rules)],
            ),
            **{
                key: charts.duration_chart(f"Days from initiation to {key}, by board", sorted(days[key].items()))
                for key in ("acceptance", "publication")
            },
        },
        "durations": days,
        "bins": charts.DURATION_BINS,
        "tables": {
            "rules": Table("rules", "Deadlines, all reviews shown", RULE_COUNT_COLUMNS[1:], per_rule),
            "boards": Table(
                "boards",
                "Each board's figures",
                BOARD_COLUMNS,
                [_board_summary(figures["board_id"], figures) for figures in found["boards"]],
            ),
            "board_rules": Table("board_rules", "Deadlines by board and rule", RULE_COUNT_COLUMNS, per_board),
        },
    }


# ---- cost ledger ----------------------------------------------------------------------------------------

SPEND_COLUMNS = [
    Column("committed_pence", "Committed", PENCE),
    Column("invoiced_pence", "Invoiced", PENCE),
    Column("paid_pence", "Paid", PENCE),
]


def costs_page(viewer: Viewer, board: str, financial_year: str) -> dict[str, Any]:
    """A board's contributions by agency against spend by review and category, for one financial year."""
    actor = viewer.actor
    require_read(actor, "board_ledger")
    board_id = board_scope(actor, board or None)
    year = check_financial_year(financial_year or financial_year_of(viewer.today))
    model: dict[str, Any] = {
        "board": board_id,
        "year": year,
        "previous": shift_financial_year(year, -1),
        "next": shift_financial_year(year, 1),
    }
    if board_id is None:
        return {**model, "ledger": None, "tables": {}}
    with viewer.services.db.transaction(read_only=True) as cursor:
        ledger = cost_ledger.board_ledger(cursor, board_id, year)
    link = may_read(actor, "reviews")
    contributions = [
        {"agency": agency, "amount_pence": amount} for agency, amount in ledger["contributions"]["by_agency"].items()
    ]
    by_review = [
        {**row, "financial_year": year, "_href": review_href(row["review_id"]) if link else None}
        for row in ledger["spend"]["by_review"]
    ]
    by_category = [
        {"financial_year": year, "category": category, **amounts}
        for category, amounts in sorted(ledger["spend"]["by_category"].items())
    ]
    totals = {**ledger["spend"]["totals"], "financial_year": year, "case_ref": "Total", "category": "Total"}
    return {
        **model,
        "ledger": ledger,
        "chart": charts.funding_chart(
            f"Contributions against spend, {year}", ledger["contributions"]["by_agency"], ledger["spend"]["totals"]
        ),
        "tables": {
            "contributions": Table(
                "contributions",
                f"Contributions by agency, {year}",
                [Column("agency", "Agency"), Column("amount_pence", "Contribution", PENCE)],
                contributions,
                total={"agency": "Total", "amount_pence": ledger["contributions"]["total_pence"]},
                empty="No contributions recorded for this year.",
            ),
            "spend_by_review": Table(
                "spend_by_review",
                f"Spend by review, {year}",
                [
                    Column("financial_year", "Financial year", on_page=False),
                    Column("review_id", "Review id", on_page=False),
                    Column("case_ref", "Review", REVIEW),
                    *SPEND_COLUMNS,
                ],
                by_review,
                total=totals,
                empty="No spend recorded for this year.",
            ),
            "spend_by_category": Table(
                "spend_by_category",
                f"Spend by category, {year}",
                [
                    Column("financial_year", "Financial year", on_page=False),
                    Column("category", "Category"),
                    *SPEND_COLUMNS,
                ],
                by_category,
                total=totals,
                empty="No spend recorded for this year.",
            ),
        },
    }


# ---- learning actions ----------------------------------------------------------------------------------

STATUSES = ("open", "overdue", "completed", "assured")


@dataclass(frozen=True)
class ActionFilters:
    """The learning actions page's GET form."""

    board: str = ""
    agency: str = ""
    status: str = ""


COUNT_COLUMNS = [
    Column("agency", "Lead agency"),
    Column("total", "Actions", NUMBER),
    Column("overdue", "Overdue", NUMBER),
    Column("open", "Open", NUMBER),
    Column("completed", "Completion claimed", NUMBER),
    Column("assured", "Assured", NUMBER),
    Column("red", "Red", NUMBER),
    Column("amber", "Amber", NUMBER),
    Column("green", "Green", NUMBER),
    Column("none", "No RAG yet", NUMBER),
]


def _counts_row(agency: str, counts: dict[str, Any]) -> dict[str, Any]:
    return {"agency": agency, "total": counts["total"], **counts["by_status"], **counts["by_rag"]}


def _action_filters(viewer: Viewer, filters: ActionFilters) -> dict[str, Any]:
    """The page's filters as list_actions takes them, scoped to the viewer (an agency lead: its own agency)."""
    actor = viewer.actor
    require_read(actor, "learning_actions")
    if filters.status and filters.status not in STATUSES:
        raise InvalidValue("choose a status from the list")
    return {
        "board_id": board_scope(actor, filters.board or None),
        "agency": agency_scope(actor, filters.agency or None),
        "status": filters.status or None,
    }


def _listed_actions(viewer: Viewer, cursor: Cursor, actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Actions as the list shows them: each with its review's case reference (a link) where the viewer may
    read reviews, else the start of the review's id."""
    refs = case_status.case_refs(cursor, [a["review_id"] for a in actions]) if may_read(viewer.actor, "reviews") else {}
    return [
        {
            **action,
            "case_ref": refs.get(action["review_id"], action["review_id"][:8]),
            "_href": review_href(action["review_id"]) if refs else None,
        }
        for action in actions
    ]


def _action_columns(actor: Actor) -> list[Column]:
    return [
        *([Column("board_id", "Board")] if actor.board is None else []),
        Column("case_ref", "Review", REVIEW),
        *[column for column in ACTION_COLUMNS if column.key != "board_id" or actor.board is not None],
    ]


def actions_download(viewer: Viewer, filters: ActionFilters) -> Download:
    """Every action the page's filters match, overdue first, for its CSV (read as it is sent, a batch at a time)."""
    found = _action_filters(viewer, filters)

    def fetch(cursor: Cursor, after: learning_actions.ListKey | None, limit: int) -> list[dict[str, Any]]:
        actions = learning_actions.list_actions(
            cursor, today=viewer.today, overdue_first=True, limit=limit, after=after, **found
        )
        return _listed_actions(viewer, cursor, actions)

    def key(row: dict[str, Any]) -> learning_actions.ListKey:
        return learning_actions.list_key(row, overdue_first=True)

    return Download("actions", _action_columns(viewer.actor), batches(viewer.services.db, fetch, key))


def actions_page(viewer: Viewer, filters: ActionFilters, offset: int = 0) -> dict[str, Any]:
    """Actions by agency and RAG, and a page of the actions, overdue first; an agency lead sees only its own
    agency's."""
    actor = viewer.actor
    found = _action_filters(viewer, filters)
    board, agency = found["board_id"], found["agency"]
    with viewer.services.db.transaction(read_only=True) as cursor:
        actions = learning_actions.list_actions(
            cursor, today=viewer.today, overdue_first=True, limit=PAGE_ROWS, offset=offset, **found
        )
        total = learning_actions.count_actions(cursor, today=viewer.today, **found)
        counts = learning_actions.action_counts(cursor, today=viewer.today, board_id=board, agency=agency)
        rows = _listed_actions(viewer, cursor, actions)
    columns = _action_columns(actor)
    return {
        "filters": filters,
        "pages": page_model("/dashboard/learning-actions", asdict(filters), offset, len(rows), total),
        "agency_fixed": agency if actor.agency else None,
        "across_boards": actor.board is None,
        "counts": counts,
        "tables": {
            "by_agency": Table(
                "by_agency",
                "Actions by lead agency, status and RAG",
                COUNT_COLUMNS,
                [_counts_row(row["agency"], row) for row in counts["by_agency"]],
                total=_counts_row("All agencies", counts),
                empty="No learning actions.",
            ),
            "actions": Table(
                "actions",
                "Actions, overdue first",
                columns,
                rows,
                empty="No learning action matches these filters.",
                download_rows=total,
            ),
        },
    }
