"""Case status: one row per review, with its next deadline and overdue rules as of the reader's today.

Due dates are stored per review and rule while a rule is unmet (`case_status_deadlines`), so the
overdue filter and the next deadline are answered in SQL against the reader's `today` and never go
stale. Everything else in a row is stored as it stands after the review's last event, corrections
applied as the aggregate applies them. `contradicts_criteria` flags a decision not to review a case
that met the criteria. `closed_on` is the latest closure's date, kept after a reopening (as in the
aggregate); the stage says whether the review is closed now.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date
from typing import Any
from uuid import UUID

import orjson

from domain.rules import RULES, Rule
from projections.base import LogEvent
from projections.review_facts import (
    ReviewFacts,
    chunks,
    create_facts_table,
    fold,
    load_facts,
    placeholders,
    rules_by_regime,
    save_facts,
)
from projections.storage import Cursor

_COLUMNS = (
    "review_id",
    "board_id",
    "case_ref",
    "regime",
    "stage",
    "child_pseudonym",
    "child_age_years",
    "child_sex",
    "incident_nature",
    "occurred_on",
    "la_aware_on",
    "notified_on",
    "decision",
    "decided_on",
    "contradicts_criteria",
    "accepted_on",
    "publication_option",
    "planned_on",
    "published_on",
    "closed_on",
    "reviewers",
    "active_legal_holds",
    "version",
    "position",
    "children",
    "statistics_child",
    "la_of_incident",
    "la_of_residence",
    "process",
    "pending_deadlines",
)
_JSON_COLUMNS = frozenset({"reviewers", "active_legal_holds", "children", "process", "pending_deadlines"})
_SELECT = ", ".join(f"r.{column}" for column in _COLUMNS)
_UPSERT = (
    f"INSERT INTO case_status_reviews ({', '.join(_COLUMNS)}) VALUES ({', '.join(['%s'] * len(_COLUMNS))}) "
    "ON CONFLICT (review_id) DO UPDATE SET " + ", ".join(f"{column} = excluded.{column}" for column in _COLUMNS[1:])
)
# An unmet rule is overdue the day after its due date; website retention (met by time) never is.
_OVERDUE = "d.due_on < %s AND d.met_by_time = %s"
_FACTS = "case_status_facts"


class CaseStatusProjection:
    """One row per review: stage, key dates, reviewers, active holds, pending deadlines."""

    name = "case_status"
    # 2: every child of the notification, the DfE local authorities, the process facts (DOMAIN.md section 8);
    # decision and decided_on are the decision in force (a reconsidered one); no keep-until or inapplicable rule
    # is pending.
    # 3: process facts add redactions, the family-impact check, the retention class and disposal (issue 13);
    # every withdrawal (kept after republication); corrections reach every child and the statistics child.
    # 4: each row keeps its pending deadlines (`pending_deadlines`, JSON): a read needs no second query.
    schema_version = 4  # raise with any change to its tables or their meaning: stores rebuild it on start

    def __init__(self, rules: Sequence[Rule] = RULES) -> None:
        self.rules = rules_by_regime(rules)

    def create_tables(self, cursor: Cursor, *, postgres: bool) -> None:
        """The review rows and their pending deadlines."""
        # Rows are listed in board and case reference order: byte order on both backends.
        ordered = 'TEXT COLLATE "C"' if postgres else "TEXT"
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS case_status_reviews ("
            f"review_id TEXT PRIMARY KEY, board_id {ordered} NOT NULL, case_ref {ordered} NOT NULL, "
            "regime TEXT NOT NULL, "
            "stage TEXT NOT NULL, child_pseudonym TEXT, child_age_years INTEGER, child_sex TEXT, "
            "incident_nature TEXT, occurred_on TEXT, la_aware_on TEXT, notified_on TEXT, decision TEXT, "
            "decided_on TEXT, contradicts_criteria BOOLEAN NOT NULL, accepted_on TEXT, publication_option TEXT, "
            "planned_on TEXT, published_on TEXT, closed_on TEXT, reviewers TEXT NOT NULL, "
            "active_legal_holds TEXT NOT NULL, version INTEGER NOT NULL, position BIGINT NOT NULL, "
            "children TEXT NOT NULL, statistics_child INTEGER NOT NULL, la_of_incident TEXT, la_of_residence TEXT, "
            "process TEXT NOT NULL, pending_deadlines TEXT NOT NULL)"
        )
        create_facts_table(cursor, _FACTS)
        cursor.execute("CREATE INDEX IF NOT EXISTS case_status_reviews_board ON case_status_reviews (board_id, stage)")
        # The list order (pages and downloads walk it): a page or the next batch is an index range, not a sort.
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS case_status_reviews_order "
            "ON case_status_reviews (board_id, case_ref, review_id)"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS case_status_deadlines ("
            "review_id TEXT NOT NULL, rule TEXT NOT NULL, rule_order INTEGER NOT NULL, due_on TEXT NOT NULL, "
            "met_by_time BOOLEAN NOT NULL, PRIMARY KEY (review_id, rule))"
        )
        cursor.execute("CREATE INDEX IF NOT EXISTS case_status_deadlines_due ON case_status_deadlines (due_on)")

    def drop_tables(self, cursor: Cursor) -> None:
        cursor.execute(f"DROP TABLE IF EXISTS {_FACTS}")
        cursor.execute("DROP TABLE IF EXISTS case_status_deadlines")
        cursor.execute("DROP TABLE IF EXISTS case_status_reviews")

    def apply_batch(self, cursor: Cursor, events: Sequence[LogEvent]) -> None:
        """Fold the batch into the touched reviews, upsert their rows (with their pending deadlines, worked out
        once per review), refresh the deadline rows of those whose dates moved."""
        facts, last, moved = fold(events, lambda ids: load_facts(cursor, _FACTS, ids))
        if not last:
            return
        pending = {rid: list(self._pending(rid, facts[rid])) for rid in last}
        cursor.executemany(_UPSERT, [_row(facts[rid], rid, event, pending[rid]) for rid, event in last.items()])
        save_facts(cursor, _FACTS, [(rid, facts[rid].to_json()) for rid in last])
        _replace_deadlines(cursor, {rid: pending[rid] for rid in moved})

    def _pending(self, review_id: str, review: ReviewFacts) -> Iterable[tuple[Any, ...]]:
        for deadline in review.deadlines(self.rules[review.regime]):
            # A keep-until date is not a deadline, and a rule that no longer applies is never pending.
            if deadline.met_on is None and not deadline.rule.keep_until and deadline.not_applicable_from is None:
                yield review_id, deadline.rule.id, deadline.order, deadline.due_on.isoformat(), False


def _replace_deadlines(cursor: Cursor, moved: dict[str, list[tuple[Any, ...]]]) -> None:
    """Store each moved review's unmet rules with their due dates (those do not depend on today), which the
    overdue filter searches by due date (each row keeps its own as JSON for reading, `pending_deadlines`)."""
    if not moved:
        return
    cursor.executemany("DELETE FROM case_status_deadlines WHERE review_id = %s", [(rid,) for rid in moved])
    rows = [row for found in moved.values() for row in found]
    if rows:
        cursor.executemany(
            "INSERT INTO case_status_deadlines (review_id, rule, rule_order, due_on, met_by_time) "
            "VALUES (%s, %s, %s, %s, %s)",
            rows,
        )


def _row(review: ReviewFacts, review_id: str, last: LogEvent, pending: list[tuple[Any, ...]]) -> tuple[Any, ...]:
    """The stored columns of one review after its latest event, with its pending deadlines (`_pending` rows)."""
    facts = review.data
    child, incident = facts["child"], facts["incident"]
    decision, decided_on = current_decision(facts)
    return (
        review_id,
        facts["board_id"],
        facts["case_ref"],
        facts["regime"],
        facts["stage"],
        child.get("pseudonym"),
        child.get("age_years"),
        child.get("sex"),
        incident["nature"],
        incident["occurred_on"],
        incident["la_aware_on"],
        facts["notified_on"],
        decision,
        decided_on,
        bool(facts["contradicts_criteria"]),
        facts.get("accepted_on"),
        facts.get("publication_option"),
        facts.get("publication_planned_on"),
        facts.get("published_on"),
        facts.get("closed_on"),
        orjson.dumps(facts["reviewers"]).decode(),
        orjson.dumps(review.active_holds()).decode(),
        last.version,
        last.position,
        orjson.dumps([child, *(facts.get("other_children") or [])]).decode(),
        facts.get("statistics_child") or 0,
        incident.get("la_of_incident"),
        incident.get("la_of_residence"),
        orjson.dumps(process_facts(facts)).decode(),
        orjson.dumps([(rule, due_on, met_by_time) for _, rule, _, due_on, met_by_time in pending]).decode(),
    )


def current_decision(facts: dict[str, Any]) -> tuple[str | None, str | None]:
    """The initiation decision in force and its date: a reconsidered one, else the first."""
    if facts.get("reconsidered_decision"):
        return facts["reconsidered_decision"], facts.get("reconsidered_on")
    return facts.get("decision"), facts.get("decided_on")


def process_facts(facts: dict[str, Any]) -> dict[str, Any]:
    """What DOMAIN.md section 8 adds to a review's row: reconsideration, revisions, withdrawal, links and more."""

    def entries(fact: str, keys: tuple[str, ...]) -> list[dict[str, Any]]:
        found = facts.get(fact) or {}
        return [dict(zip(keys, found[version], strict=True)) for version in sorted(found, key=int)]

    reconsidered = None
    if facts.get("reconsidered_decision"):
        reconsidered = {
            "first_decision": facts.get("decision"),
            "first_decided_on": facts.get("decided_on"),
            "reason": facts.get("reconsideration_reason"),
        }
    return {
        "reconsidered": reconsidered,
        "revised_on": facts.get("revised_on"),
        "revision_accepted_on": facts.get("revision_accepted_on"),
        "revision_pending": bool(facts.get("revision_waiting")),
        "withdrawn_on": facts.get("withdrawn_on"),
        "withdrawal_reason": facts.get("withdrawal_reason"),
        "withdrawals": entries("withdrawals", ("withdrawn_on", "reason")),
        "republished_on": facts.get("republished_on"),
        "nspcc_deposited_on": facts.get("nspcc_deposited_on"),
        "close_outcome": facts.get("close_outcome"),
        "evaluations": entries("evaluations", ("evaluator", "rating", "evaluated_on")),
        "links": entries("links", ("kind", "other_review_id", "external_ref", "linked_on")),
        "extensions": entries("extensions", ("rule", "new_due_on")),
        "pre_publication_copies": entries("copies_sent", ("recipients", "sent_on")),
        # Before publication and after closure (issue 13): redactions, the family-impact check, retention.
        "redactions": entries("redactions", ("item", "reason", "agreed_with", "decided_on")),
        "family_impact_check": (
            {
                "checked_on": facts["family_impact_checked_on"],
                "family_consulted": facts.get("family_consulted"),
                "note": facts.get("family_impact_note"),
            }
            if facts.get("family_impact_checked_on")
            else None
        ),
        "retention_class": facts.get("retention_class"),
        "disposed_on": facts.get("disposed_on"),
    }


# ---- queries ------------------------------------------------------------------------------------


def list_reviews(
    cursor: Cursor,
    *,
    today: date,
    board_id: str | None = None,
    stage: str | None = None,
    regime: str | None = None,
    overdue: bool | None = None,
    limit: int | None = None,
    offset: int = 0,
    after: ListKey | None = None,
    as_stored: Collection[str] = (),
) -> list[dict[str, Any]]:
    """Case status rows ordered by board, case reference and id (a stable order), filtered as asked; a page
    when `limit` is given, the rows after `after` (a row's `list_key`) when that is given. JSON columns named in
    `as_stored` stay their stored text (an `orjson.Fragment`, written out as it is), for a reader who shows them
    unchanged: parsing them and writing them again was a third of a page's cost."""
    where, params = _filters(today, board_id=board_id, stage=stage, regime=regime, overdue=overdue)
    if after is not None:
        where += f"{' AND' if where else ' WHERE'} (r.board_id, r.case_ref, r.review_id) > (%s, %s, %s)"
        params.extend(after)
    page = "" if limit is None else " LIMIT %s OFFSET %s"
    cursor.execute(
        f"SELECT {_SELECT} FROM case_status_reviews r{where} ORDER BY r.board_id, r.case_ref, r.review_id{page}",
        [*params, *(() if limit is None else (limit, offset))],
    )
    rows = [_as_dict(found, as_stored) for found in cursor.fetchall()]
    _add_deadlines(rows, today)
    return rows


ListKey = tuple[str, str, str]


def list_key(row: dict[str, Any]) -> ListKey:
    """A row's place in the list order: give it as `after` for the rows that follow it."""
    return (row["board_id"], row["case_ref"], row["review_id"])


def count_reviews(
    cursor: Cursor,
    *,
    today: date,
    board_id: str | None = None,
    stage: str | None = None,
    regime: str | None = None,
    overdue: bool | None = None,
    breakdown: bool = False,
) -> dict[str, int]:
    """How many rows match the filters (`total`); with `breakdown`, also how many of them have a deadline
    overdue (`overdue`) or an active legal hold (`held`)."""
    where, params = _filters(today, board_id=board_id, stage=stage, regime=regime, overdue=overdue)
    late = f"r.review_id IN (SELECT d.review_id FROM case_status_deadlines d WHERE {_OVERDUE})"
    sums = (
        f", COALESCE(SUM(CASE WHEN {late} THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN r.active_legal_holds <> '[]' THEN 1 ELSE 0 END), 0)"
    )
    cursor.execute(
        f"SELECT COUNT(*){sums if breakdown else ''} FROM case_status_reviews r{where}",
        [*((today.isoformat(), False) if breakdown else ()), *params],
    )
    found = [int(value) for value in cursor.fetchone()]
    return dict(zip(("total", "overdue", "held"), found, strict=False))


def decision_dates(
    cursor: Cursor, *, today: date, board_id: str | None = None, regime: str | None = None
) -> list[dict[str, Any]]:
    """Each review's board, initiation decision and its date, acceptance and publication dates: what the
    timeliness charts read, without the whole rows and their deadlines (national: every review)."""
    where, params = _filters(today, board_id=board_id, stage=None, regime=regime, overdue=None)
    keys = ("board_id", "decision", "decided_on", "accepted_on", "published_on")
    cursor.execute(f"SELECT {', '.join(f'r.{key}' for key in keys)} FROM case_status_reviews r{where}", params)
    return [dict(zip(keys, found, strict=True)) for found in cursor.fetchall()]


def case_refs(cursor: Cursor, review_ids: Iterable[str]) -> dict[str, str]:
    """The case reference of each of these reviews (those the read model has)."""
    found: dict[str, str] = {}
    for chunk in chunks(sorted(set(review_ids)), 500):
        cursor.execute(
            f"SELECT review_id, case_ref FROM case_status_reviews WHERE review_id IN ({placeholders(len(chunk))})",
            chunk,
        )
        found.update((review_id, case_ref) for review_id, case_ref in cursor.fetchall())
    return found


def get_review(cursor: Cursor, review_id: UUID, *, today: date) -> dict[str, Any] | None:
    """One review's case status row, or None."""
    cursor.execute(f"SELECT {_SELECT} FROM case_status_reviews r WHERE r.review_id = %s", (str(review_id),))
    found = cursor.fetchone()
    if found is None:
        return None
    row = _as_dict(found)
    _add_deadlines([row], today)
    return row


def _filters(
    today: date, *, board_id: str | None, stage: str | None, regime: str | None, overdue: bool | None
) -> tuple[str, list[Any]]:
    """A WHERE clause over `r` (case_status_reviews) and its parameters."""
    clauses: list[str] = []
    params: list[Any] = []
    for column, value in (("board_id", board_id), ("stage", stage), ("regime", regime)):
        if value is not None:
            clauses.append(f"r.{column} = %s")
            params.append(str(value))  # enums from the API arrive as StrEnum members
    if overdue is not None:
        # Driven by the due-date index: only deadlines already past are looked at.
        late = f"r.review_id IN (SELECT d.review_id FROM case_status_deadlines d WHERE {_OVERDUE})"
        clauses.append(late if overdue else f"NOT {late}")
        params.extend([today.isoformat(), False])
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def _as_dict(found: Sequence[Any], as_stored: Collection[str] = ()) -> dict[str, Any]:
    row = dict(zip(_COLUMNS, found, strict=True))
    for column in _JSON_COLUMNS:
        text = row[column]
        row[column] = orjson.Fragment(text) if column in as_stored else orjson.loads(text)
    row["contradicts_criteria"] = bool(row["contradicts_criteria"])
    return row


def _add_deadlines(rows: list[dict[str, Any]], today: date) -> None:
    """Set next_deadline and overdue_rules as of `today` from each row's pending deadlines, as domain.deadlines
    defines them."""
    iso_today = today.isoformat()
    for row in rows:
        found = row.pop("pending_deadlines")
        # A rule met by time (website retention) is pending only until its due date; never overdue.
        open_now = [(due_on, rule) for rule, due_on, by_time in found if not by_time or due_on > iso_today]
        earliest = min(open_now, key=lambda item: item[0], default=None)
        row["next_deadline"] = None if earliest is None else {"rule": earliest[1], "due_on": earliest[0]}
        row["overdue_rules"] = [rule for rule, due_on, by_time in found if not by_time and due_on < iso_today]
