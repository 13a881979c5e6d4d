"""View models of the reviews board and of one review, read from the projections under the API's access rules."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any
from uuid import UUID

from domain.errors import InvalidValue, NotFound
from domain.permissions import may_read, require_read
from domain.values import Actor, Regime, Role, Stage
from projections import case_status, cost_ledger, learning_actions, timeliness
from projections.access_log import store as access_store
from projections.storage import Cursor
from service.access import agency_scope, board_scope, for_reader, visible_review
from service.access_log import listed_reviews
from service.dashboard.access_purpose import PURPOSES
from service.dashboard.audit_status import review_audit_status
from service.dashboard.labels import link_label, rule_label
from service.dashboard.pages import PAGE_ROWS, Download, batches, page_model
from service.dashboard.records_facts import records_facts
from service.dashboard.session import Viewer
from service.dashboard.tables import (
    CODE,
    DATE,
    LIST,
    NUMBER,
    PENCE,
    REVIEW,
    RULES,
    TAG,
    Column,
    Table,
    humanise,
    long_date,
)
from service.dashboard.timeline import review_timeline
from service.records_view import review_retention


@dataclass(frozen=True)
class ReviewFilters:
    """The reviews board's GET form: stage, regime, overdue and (across boards) board."""

    stage: str = ""
    regime: str = ""
    overdue: str = ""
    board: str = ""

    def parsed(self) -> dict[str, Any]:
        """The filters as list_reviews takes them; an unknown value is refused as the API refuses it."""
        try:
            return {
                "stage": Stage(self.stage) if self.stage else None,
                "regime": Regime(self.regime) if self.regime else None,
                "overdue": {"": None, "yes": True, "no": False}[self.overdue],
            }
        except (ValueError, KeyError):
            raise InvalidValue("choose a stage, regime and overdue setting from the lists") from None


def review_href(review_id: str) -> str:
    """The dashboard page of a review."""
    return f"/dashboard/reviews/{review_id}"


def describe_hold(hold: dict[str, Any]) -> str:
    """An active legal hold in words, e.g. Coroner inquest (Inquest into ...), blocks publication, overridden."""
    reference = f" ({hold['reference']})" if "reference" in hold else ""  # withheld from the national panel
    words = f"{humanise(hold['kind'])}{reference} since {long_date(hold['placed_on'])}"
    if hold.get("blocks_publication"):
        words += ", blocks publication"
    if hold.get("overridden"):
        words += ", publication override recorded"
    return words


def _board_row(row: dict[str, Any]) -> dict[str, Any]:
    deadline = row.get("next_deadline") or {}
    return {
        **row,
        "next_deadline_rule": deadline.get("rule"),
        "next_deadline_due_on": deadline.get("due_on"),
        "active_legal_holds": [describe_hold(hold) for hold in row["active_legal_holds"]],
        "_href": review_href(row["review_id"]),
        "_overdue": bool(row["overdue_rules"]),
    }


def reviews_columns(actor: Actor) -> list[Column]:
    """Case status columns: the national panel's across boards and without any child detail."""
    child = actor.role is not Role.NATIONAL_PANEL
    across = actor.board is None
    return [
        Column("review_id", "Review id", on_page=False),
        *([Column("board_id", "Board")] if across else []),
        Column("case_ref", "Case", REVIEW),
        Column("regime", "Regime"),
        Column("stage", "Stage", TAG),
        *(
            [
                Column("child_pseudonym", "Child"),
                Column("child_age_years", "Age", NUMBER, on_page=False),
                Column("child_sex", "Sex", on_page=False),
            ]
            if child
            else []
        ),
        Column("incident_nature", "Incident", on_page=False),
        Column("notified_on", "Notified", DATE),
        Column("decision", "Decision", on_page=False),
        Column("decided_on", "Decided", DATE, on_page=False),
        Column("contradicts_criteria", "Decision contradicts criteria", on_page=False),
        Column("accepted_on", "Report accepted", DATE, on_page=False),
        Column("published_on", "Published", DATE, on_page=False),
        Column("closed_on", "Closed", DATE, on_page=False),
        Column("next_deadline_rule", "Next deadline", "rule"),
        Column("next_deadline_due_on", "Due", DATE),
        Column("overdue_rules", "Overdue", RULES),
        Column("active_legal_holds", "Active legal holds", LIST),
    ]


def reviews_board(viewer: Viewer, filters: ReviewFilters, offset: int = 0) -> dict[str, Any]:
    """A page of the reviews of the viewer's board (every board for the national panel), filtered; the counts
    are of every review the filters match."""
    actor = viewer.actor
    require_read(actor, "reviews")
    board = board_scope(actor, filters.board or None)
    parsed = filters.parsed()
    with viewer.services.db.transaction(read_only=True) as cursor:
        counts = case_status.count_reviews(cursor, today=viewer.today, board_id=board, breakdown=True, **parsed)
        rows = case_status.list_reviews(
            cursor, today=viewer.today, board_id=board, limit=PAGE_ROWS, offset=offset, **parsed
        )
    shown = [_board_row(for_reader(actor, row)) for row in rows]
    table = Table(
        "reviews",
        f"Reviews of {board}" if board else "Reviews of every board",
        reviews_columns(actor),
        shown,
        empty="No review matches these filters.",
        download_rows=counts["total"],
    )
    return {
        "filters": filters,
        "stages": list(Stage),
        "regimes": list(Regime),
        "across_boards": actor.board is None,
        "counts": {"reviews": counts["total"], "overdue": counts["overdue"], "held": counts["held"]},
        "pages": page_model("/dashboard/reviews", asdict(filters), offset, len(shown), counts["total"]),
        "tables": {"reviews": table},
        "accessed": listed_reviews(actor, rows),
    }


def reviews_download(viewer: Viewer, filters: ReviewFilters) -> Download:
    """Every review the reviews board's filters match, for its CSV (read as it is sent, a batch at a time)."""
    actor = viewer.actor
    require_read(actor, "reviews")
    board = board_scope(actor, filters.board or None)
    parsed = filters.parsed()

    def fetch(cursor: Cursor, after: case_status.ListKey | None, limit: int) -> list[dict[str, Any]]:
        return case_status.list_reviews(cursor, today=viewer.today, board_id=board, limit=limit, after=after, **parsed)

    rows = batches(viewer.services.db, fetch, case_status.list_key)
    shown = ([_board_row(for_reader(actor, row)) for row in batch] for batch in rows)
    return Download("reviews", reviews_columns(actor), shown)


def _facts(row: dict[str, Any], linked: dict[str, str]) -> list[tuple[str, str]]:
    """The key facts of a review as label and words; child details only where the row still has them."""
    child = ", ".join(
        part
        for part in (
            row.get("child_pseudonym"),
            f"aged {row['child_age_years']}" if row.get("child_age_years") is not None else None,
            humanise(row.get("child_sex")),
        )
        if part
    )
    decision = humanise(row.get("decision"))
    if row.get("decided_on"):
        decision += f" on {long_date(row['decided_on'])}"
    if row.get("contradicts_criteria"):
        decision += " (contradicts the criteria: a rationale was recorded)"
    publication = humanise(row.get("publication_option"))
    if row.get("planned_on"):
        publication += f", planned for {long_date(row['planned_on'])}"
    process = row.get("process") or {}
    reconsidered = process.get("reconsidered")
    if reconsidered:
        decision += (
            f"; reconsidered ({humanise(reconsidered.get('reason'))}): first decided "
            f"{humanise(reconsidered.get('first_decision'))} on {long_date(reconsidered.get('first_decided_on'))}"
        )
    facts = [
        ("Board", row["board_id"]),
        ("Case reference", row["case_ref"]),
        ("Regime", row["regime"]),
        ("Stage", humanise(row["stage"])),
        ("Child", child),
        ("Children named", _children(row)),
        ("Incident", humanise(row.get("incident_nature"))),
        ("Local authority of the incident", row.get("la_of_incident") or ""),
        ("Local authority of residence", row.get("la_of_residence") or ""),
        ("Incident occurred", long_date(row.get("occurred_on"))),
        ("Local authority aware", long_date(row.get("la_aware_on"))),
        ("Notified", long_date(row.get("notified_on"))),
        ("Initiation decision", decision),
        ("Reviewers", ", ".join(row.get("reviewers") or [])),
        ("Report accepted", long_date(row.get("accepted_on"))),
        ("Publication decision", publication),
        ("Published", long_date(row.get("published_on"))),
        ("Closed", _closed(row, process)),
        *_process_facts(process, linked),
        ("Version", str(row["version"])),
    ]
    # Child details only where the row still has them (never for the national panel); facts of DOMAIN.md
    # section 8 only where recorded.
    optional = {"Child", "Children named", "Local authority of the incident", "Local authority of residence"}
    return [(label, value or "Not recorded") for label, value in facts if label not in optional or value]


def _children(row: dict[str, Any]) -> str:
    """Every child the notification names, the one DfE statistics take marked (board readers only)."""
    children = row.get("children") or []
    if len(children) < 2:
        return ""
    statistics = row.get("statistics_child") or 0
    return "; ".join(
        f"{child.get('pseudonym')}"
        + (f", aged {child['age_years']}" if child.get("age_years") is not None else "")
        + (" (the child DfE statistics take)" if index == statistics else "")
        for index, child in enumerate(children)
    )


def _closed(row: dict[str, Any], process: dict[str, Any]) -> str:
    closed = long_date(row.get("closed_on"))
    outcome = process.get("close_outcome")
    if closed and outcome and outcome != "completed":
        closed += f" ({humanise(outcome)}: its open deadlines no longer apply)"
    return closed


def _process_facts(process: dict[str, Any], linked: dict[str, str]) -> list[tuple[str, str]]:
    """Revisions, withdrawal, deposit, evaluations, links and extensions in words, where recorded (a linked review
    of the service by its case reference where the reader may see it, `linked`)."""
    found: list[tuple[str, str]] = []
    if process.get("revised_on"):
        revised = f"received {long_date(process['revised_on'])}"
        if process.get("revision_pending"):
            revised += ", awaiting acceptance"
        elif process.get("revision_accepted_on"):
            revised += f", accepted {long_date(process['revision_accepted_on'])}"
        found.append(("Revised report", revised))
    withdrawals = [
        f"{long_date(w.get('withdrawn_on'))} ({humanise(w.get('reason'))})" for w in process.get("withdrawals") or []
    ]
    if withdrawals:  # every withdrawal, a republished report's included
        found.append(("Withdrawn", "; ".join(withdrawals)))
    if process.get("republished_on"):
        found.append(("Republished", long_date(process["republished_on"])))
    if process.get("nspcc_deposited_on"):
        found.append(("Deposited with the NSPCC", long_date(process["nspcc_deposited_on"])))
    evaluations = [
        f"{humanise(e.get('rating'))} ({humanise(e.get('evaluator'))}, {long_date(e.get('evaluated_on'))})"
        for e in process.get("evaluations") or []
    ]
    if evaluations:
        found.append(("Evaluations", "; ".join(evaluations)))
    links = [
        f"{link_label(link.get('kind'))}: "
        + (link.get("external_ref") or linked.get(link.get("other_review_id") or "") or "a review of another board")
        for link in process.get("links") or []
    ]
    if links:
        found.append(("Linked reviews", "; ".join(links)))
    extensions = [
        f"{rule_label(e.get('rule'))} to {long_date(e.get('new_due_on'))}" for e in process.get("extensions") or []
    ]
    if extensions:
        found.append(("Agreed extensions", "; ".join(extensions)))
    return found


TIMELINESS_COLUMNS = [
    Column("rule", "Rule", "rule"),
    Column("source", "Source"),
    Column("confirmed", "Confirmed in the sources", on_page=False),
    Column("start_on", "Clock starts", DATE),
    Column("due_on", "Due", DATE),
    Column("met_on", "Met", DATE),
    Column("status", "Status", TAG),
    Column("working_days_taken", "Working days", NUMBER),
    Column("calendar_days_taken", "Calendar days", NUMBER),
    Column("days_overdue", "Days overdue", NUMBER),
    Column("legal_hold_days", "Days under legal holds", NUMBER),
    Column("extended_due_on", "Extended to", DATE),
    Column("met_within_extension", "Met within the extension"),
]

ENTRY_COLUMNS = [
    Column("position", "Log position", NUMBER, on_page=False),
    Column("on", "Date", DATE),
    Column("entry", "Entry", TAG),
    Column("category", "Category"),
    Column("paying_agency", "Paying agency"),
    Column("amount_pence", "Amount", PENCE),
    Column("financial_year", "Financial year"),
    Column("description", "Description"),
    Column("counted", "Counted", on_page=False),
]

ACTION_COLUMNS = [
    Column("action_id", "Action id", on_page=False),
    Column("board_id", "Board", on_page=False),
    Column("review_id", "Review id", on_page=False),
    Column("recommendation_ref", "Recommendation"),
    Column("lead_agency", "Lead agency"),
    Column("owner", "Owner"),
    Column("text", "Action"),
    Column("target_on", "Target", DATE),
    Column("rag", "RAG", TAG),
    Column("status", "Status", TAG),
    Column("days_overdue", "Days overdue", NUMBER),
    Column("evidence_count", "Evidence items", NUMBER, on_page=False),
    Column("completed_on", "Completion claimed", DATE, on_page=False),
    Column("assured_on", "Assured", DATE, on_page=False),
]


def overdue_first(actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Overdue actions first, the longest overdue at the top; then by target date."""
    return sorted(actions, key=lambda a: (a["status"] != "overdue", -a["days_overdue"], a["target_on"]))


def review_page(viewer: Viewer, review_id: UUID) -> dict[str, Any]:
    """One review: key facts, decision timeline, timeliness, costs, learning actions and audit status."""
    actor = viewer.actor
    require_read(actor, "reviews")
    with viewer.services.db.transaction(read_only=True) as cursor:
        found = visible_review(cursor, actor, review_id, viewer.today)
        row = for_reader(actor, found)
        linked = _linked_case_refs(cursor, actor, row, viewer)
        tables = _review_tables(cursor, viewer, review_id)
        ledger = cost_ledger.review_ledger(cursor, review_id) if may_read(actor, "review_ledger") else None
        retention = review_retention(cursor, viewer.services.settings.retention, row)
        if may_read(actor, "access_log"):
            tables["viewers"] = _viewers(cursor, actor, review_id)
    model: dict[str, Any] = {
        "accessed": [(review_id, found["board_id"])],
        "purposes": PURPOSES,
        "review": row,
        "facts": _facts(row, linked) + records_facts(row.get("process") or {}, retention),
        "overdue_rules": row["overdue_rules"],
        "holds": [describe_hold(hold) for hold in row["active_legal_holds"]],
        "tables": tables,
        "ledger": ledger,
        "permitted": {what: may_read(actor, what) for what in ("history", "timeliness", "review_ledger")},
        "timeline": review_timeline(viewer.services.app, review_id, viewer.today)
        if may_read(actor, "history")
        else None,
        "audit": review_audit_status(viewer.services, review_id, row["version"]),
    }
    if ledger is not None:
        tables["costs"] = Table("costs", "Ledger entries", ENTRY_COLUMNS, ledger["entries"], empty="No costs recorded.")
    return model


def _linked_case_refs(cursor: Cursor, actor: Actor, row: dict[str, Any], viewer: Viewer) -> dict[str, str]:
    """The case reference of each review this one is linked to, where the reader may see that review."""
    found: dict[str, str] = {}
    for link in (row.get("process") or {}).get("links") or []:
        other = link.get("other_review_id")
        if other:
            try:
                found[other] = "review " + visible_review(cursor, actor, UUID(other), viewer.today)["case_ref"]
            except NotFound:
                continue
    return found


VIEWERS_SHOWN = 100
VIEWER_COLUMNS = [
    Column("seq", "Access log entry", NUMBER, on_page=False),
    Column("when", "When (UTC)"),
    Column("user", "Who", CODE),
    Column("role", "Role", TAG),
    Column("board", "Their board"),
    Column("what", "What they read", CODE),
    Column("purpose", "Purpose"),
    Column("request_id", "Request id", on_page=False),
]


def _viewers(cursor: Cursor, actor: Actor, review_id: UUID) -> Table:
    """Who has viewed this review, newest first, from the access log (an auditor: reads its board may see)."""
    entries = access_store.entries(cursor, board=actor.board, review_id=str(review_id), limit=VIEWERS_SHOWN)
    rows = [
        {
            **entry,
            "when": entry["read_at"][:19].replace("T", " "),
            "board": entry["board"] or "",
            "what": f"{entry['route']} ({entry['channel']})",
            "purpose": entry["purpose"] or "Not given",
        }
        for entry in entries
    ]
    return Table(
        "viewers",
        f"Who has viewed this review (the latest {VIEWERS_SHOWN})",
        VIEWER_COLUMNS,
        rows,
        empty="No one has viewed this review yet.",
        notes=["A view is listed within a second of being made. GET /audit/access?review_id= gives every entry."],
    )


def _review_tables(cursor: Cursor, viewer: Viewer, review_id: UUID) -> dict[str, Table]:
    actor, tables = viewer.actor, {}
    if may_read(actor, "timeliness"):
        rules = timeliness.review_timeliness(cursor, review_id, today=viewer.today) or []
        tables["timeliness"] = Table("timeliness", "Deadlines", TIMELINESS_COLUMNS, rules)
    if may_read(actor, "learning_actions"):
        actions = learning_actions.list_actions(
            cursor,
            today=viewer.today,
            board_id=board_scope(actor, None),
            agency=agency_scope(actor, None),
            review_id=review_id,
        )
        tables["actions"] = Table(
            "actions", "Learning actions", ACTION_COLUMNS, overdue_first(actions), empty="No learning actions agreed."
        )
    return tables
