"""Learning actions: every action with its latest RAG, evidence count and status as of the reader's today.

Stored status is what the events say: open, completed (claimed by the agency) or assured (signed off
by the board). `overdue` is derived when read: an open action whose target date is before today.
A completed action awaiting assurance is not overdue (the agency has done its part); its lateness
shows as `completed_late_days`. days_overdue is today minus the target date for an overdue action,
else 0. Publication to assurance counts days from the review's publication (corrections applied)
to the action's assurance, for assured actions of published reviews.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

from domain.corrections import REVIEW_DATES
from projections.base import LogEvent
from projections.percentiles import summary
from projections.review_facts import chunks, placeholders
from projections.storage import Cursor

_COLUMNS = (
    "action_id",
    "board_id",
    "review_id",
    "recommendation_ref",
    "lead_agency",
    "owner",
    "text",
    "target_on",
    "rag",
    "status",
    "evidence_count",
    "agreed_on",
    "completed_on",
    "assured_on",
    "version",
    "position",
)
_SELECT = ", ".join(f"a.{column}" for column in _COLUMNS)
_UPSERT = (
    f"INSERT INTO learning_actions_actions ({', '.join(_COLUMNS)}) VALUES ({placeholders(len(_COLUMNS))}) "
    "ON CONFLICT (action_id) DO UPDATE SET " + ", ".join(f"{column} = excluded.{column}" for column in _COLUMNS[1:])
)
_STATUSES = ("open", "completed", "assured", "overdue")
_ACTION_TOPIC = "domain.learning_action:LearningAction."
_AGREED = _ACTION_TOPIC + "Agreed"
_PUBLICATION_TOPICS = frozenset({"domain.review:CaseReview.Published", "domain.review:CaseReview.Corrected"})
_RAGS = ("red", "amber", "green", "none")


class LearningActionsProjection:
    """One row per action, and each review's publication date for publication-to-assurance."""

    name = "learning_actions"
    schema_version = 1  # raise with any change to its tables or their meaning: stores rebuild it on start

    def create_tables(self, cursor: Cursor, *, postgres: bool) -> None:
        """Actions indexed by board, agency and review; review publication dates."""
        # Actions are listed in board order: byte order on both backends.
        ordered = 'TEXT COLLATE "C"' if postgres else "TEXT"
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS learning_actions_actions ("
            f"action_id TEXT PRIMARY KEY, board_id {ordered} NOT NULL, review_id TEXT NOT NULL, "
            "recommendation_ref TEXT NOT NULL, lead_agency TEXT NOT NULL, owner TEXT NOT NULL, text TEXT NOT NULL, "
            "target_on TEXT NOT NULL, rag TEXT, status TEXT NOT NULL, evidence_count INTEGER NOT NULL, "
            "agreed_on TEXT NOT NULL, completed_on TEXT, assured_on TEXT, version INTEGER NOT NULL, "
            "position BIGINT NOT NULL)"
        )
        for name, columns in (("board", "board_id, lead_agency"), ("agency", "lead_agency"), ("review", "review_id")):
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS learning_actions_{name} ON learning_actions_actions ({columns})"
            )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS learning_actions_reviews (review_id TEXT PRIMARY KEY, published_on TEXT)"
        )

    def drop_tables(self, cursor: Cursor) -> None:
        cursor.execute("DROP TABLE IF EXISTS learning_actions_actions")
        cursor.execute("DROP TABLE IF EXISTS learning_actions_reviews")

    def apply_batch(self, cursor: Cursor, events: Sequence[LogEvent]) -> None:
        """Fold the batch into the actions it touches (loaded once) and upsert them; record publications."""
        actions = [(str(event.originator_id), event) for event in events if event.topic.startswith(_ACTION_TOPIC)]
        published = {
            str(event.originator_id): value
            for event in events
            if event.topic in _PUBLICATION_TOPICS and (value := _published_on(event)) is not None
        }
        if published:
            cursor.executemany(
                "INSERT INTO learning_actions_reviews (review_id, published_on) VALUES (%s, %s) "
                "ON CONFLICT (review_id) DO UPDATE SET published_on = excluded.published_on",
                list(published.items()),
            )
        if not actions:
            return
        rows = _load(cursor, {action_id for action_id, event in actions if event.topic != _AGREED})
        for action_id, event in actions:
            row = rows.setdefault(action_id, {"action_id": action_id})
            _apply(row, event)
            row["version"], row["position"] = event.version, event.position
        cursor.executemany(_UPSERT, [tuple(row[column] for column in _COLUMNS) for row in rows.values()])


def _published_on(event: LogEvent) -> str | None:
    """The publication date a CaseReview event sets, by publication or by a correction of it."""
    if event.type_name == "Published":
        return str(event.data["published_on"])
    if event.type_name == "Corrected":
        key = (event.data["corrects_type"], event.data["field"])
        if REVIEW_DATES.get(key) == "published_on":
            return str(event.data["value"])
    return None


def _load(cursor: Cursor, action_ids: set[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for chunk in chunks(sorted(action_ids), 500):
        cursor.execute(
            f"SELECT {_SELECT} FROM learning_actions_actions a WHERE a.action_id IN ({placeholders(len(chunk))})",
            chunk,
        )
        for values in cursor.fetchall():
            row = dict(zip(_COLUMNS, values, strict=True))
            found[row["action_id"]] = row
    return found


def _apply(row: dict[str, Any], event: LogEvent) -> None:
    """Mirror LearningAction's `apply` methods on the stored row."""
    data, kind = event.data, event.type_name
    if kind == "Agreed":
        row.update(
            board_id=data["board_id"],
            review_id=data["review_id"],
            recommendation_ref=data["recommendation_ref"],
            lead_agency=data["lead_agency"],
            owner=data["owner"],
            text=data["text"],
            target_on=data["target_on"],
            rag=None,
            status="open",
            evidence_count=0,
            agreed_on=data["agreed_on"],
            completed_on=None,
            assured_on=None,
        )
    elif kind == "ProgressReported":
        row["rag"] = data["rag"]
    elif kind == "EvidenceAdded":
        row["evidence_count"] += 1
    elif kind == "TargetChanged":
        row["target_on"] = data["target_on"]
    elif kind == "CompletionClaimed":
        row.update(status="completed", completed_on=data["on"])
    elif kind == "CompletionAssessed":
        assured = data["outcome"] == "assured"
        row.update(status="assured" if assured else "open", assured_on=data["on"] if assured else None)
    elif kind == "Reopened":
        row.update(status="open", completed_on=None, assured_on=None)


# ---- queries ------------------------------------------------------------------------------------


def list_actions(
    cursor: Cursor,
    *,
    today: date,
    board_id: str | None = None,
    agency: str | None = None,
    review_id: UUID | str | None = None,
    status: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    overdue_first: bool = False,
    after: ListKey | None = None,
) -> list[dict[str, Any]]:
    """Actions with status as of `today` (open, completed, assured or overdue), filtered as asked, ordered by
    board, target date and id (a stable order); with `overdue_first`, overdue actions first (the longest
    overdue at the top), then by target date, board and id. A page when `limit` is given; the rows after
    `after` (a row's `list_key` in the same order) when that is given."""
    where, params = _filters(today, board_id=board_id, agency=agency, review_id=review_id, status=status)
    iso = today.isoformat()
    keys, key_params = _order(iso, overdue_first)
    if after is not None:
        where += f"{' AND' if where else ' WHERE'} ({keys}) > ({placeholders(len(after))})"
        params.extend([*key_params, *after])
    page = "" if limit is None else " LIMIT %s OFFSET %s"
    cursor.execute(
        f"SELECT {_SELECT} FROM learning_actions_actions a{where} ORDER BY {keys}{page}",
        [*params, *key_params, *(() if limit is None else (limit, offset))],
    )
    return [_as_dict(values, today) for values in cursor.fetchall()]


ListKey = tuple[Any, ...]
_OVERDUE_FLAG = "CASE WHEN a.status = 'open' AND a.target_on < %s THEN 0 ELSE 1 END"


def _order(iso_today: str, overdue_first: bool) -> tuple[str, list[Any]]:
    if overdue_first:
        return f"{_OVERDUE_FLAG}, a.target_on, a.board_id, a.action_id", [iso_today]
    return "a.board_id, a.target_on, a.action_id", []


def list_key(row: dict[str, Any], *, overdue_first: bool = False) -> ListKey:
    """A row of `list_actions` as its place in that order: give it as `after` for the rows that follow it."""
    if overdue_first:
        return (0 if row["status"] == "overdue" else 1, row["target_on"], row["board_id"], row["action_id"])
    return (row["board_id"], row["target_on"], row["action_id"])


def count_actions(
    cursor: Cursor,
    *,
    today: date,
    board_id: str | None = None,
    agency: str | None = None,
    review_id: UUID | str | None = None,
    status: str | None = None,
) -> int:
    """How many actions match the filters."""
    where, params = _filters(today, board_id=board_id, agency=agency, review_id=review_id, status=status)
    cursor.execute(f"SELECT COUNT(*) FROM learning_actions_actions a{where}", params)
    return int(cursor.fetchone()[0])


def get_action(cursor: Cursor, action_id: UUID, *, today: date) -> dict[str, Any] | None:
    """One action as of `today`, or None."""
    cursor.execute(f"SELECT {_SELECT} FROM learning_actions_actions a WHERE a.action_id = %s", (str(action_id),))
    found = cursor.fetchone()
    return None if found is None else _as_dict(found, today)


def action_counts(
    cursor: Cursor, *, today: date, board_id: str | None = None, agency: str | None = None
) -> dict[str, Any]:
    """Counts by status and RAG, in all and per agency, and days from publication to assurance."""
    where, params = _filters(today, board_id=board_id, agency=agency, review_id=None, status=None)
    iso = today.isoformat()
    cursor.execute(
        "SELECT a.lead_agency, CASE WHEN a.status = 'open' AND a.target_on < %s THEN 'overdue' ELSE a.status END, "
        f"COALESCE(a.rag, 'none'), COUNT(*) FROM learning_actions_actions a{where} GROUP BY 1, 2, 3",
        [iso, *params],
    )
    total = _empty_counts()
    agencies: dict[str, dict[str, Any]] = {}
    for lead_agency, status, rag, count in cursor.fetchall():
        for into in (total, agencies.setdefault(lead_agency, _empty_counts())):
            into["total"] += int(count)
            into["by_status"][status] += int(count)
            into["by_rag"][rag] += int(count)
    joiner = " AND " if where else " WHERE "
    cursor.execute(
        "SELECT a.assured_on, r.published_on FROM learning_actions_actions a "
        f"JOIN learning_actions_reviews r ON r.review_id = a.review_id{where}{joiner}a.status = 'assured'",
        params,
    )
    days = [
        (date.fromisoformat(assured) - date.fromisoformat(published)).days for assured, published in cursor.fetchall()
    ]
    return {
        **total,
        "by_agency": [{"agency": name, **counts} for name, counts in sorted(agencies.items())],
        "days_publication_to_assurance": summary(days),
    }


def _empty_counts() -> dict[str, Any]:
    return {"total": 0, "by_status": dict.fromkeys(_STATUSES, 0), "by_rag": dict.fromkeys(_RAGS, 0)}


def _filters(
    today: date, *, board_id: str | None, agency: str | None, review_id: UUID | str | None, status: str | None
) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    for column, value in (("board_id", board_id), ("lead_agency", agency), ("review_id", review_id)):
        if value is not None:
            clauses.append(f"a.{column} = %s")
            params.append(str(value))
    iso = today.isoformat()
    if status == "overdue":
        clauses.append("a.status = 'open' AND a.target_on < %s")
        params.append(iso)
    elif status == "open":
        clauses.append("a.status = 'open' AND a.target_on >= %s")
        params.append(iso)
    elif status is not None:
        clauses.append("a.status = %s")
        params.append(status)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def _as_dict(values: Sequence[Any], today: date) -> dict[str, Any]:
    row = dict(zip(_COLUMNS, values, strict=True))
    target = date.fromisoformat(row["target_on"])
    overdue = row["status"] == "open" and target < today
    row["status"] = "overdue" if overdue else row["status"]
    row["days_overdue"] = (today - target).days if overdue else 0
    completed = row["completed_on"]
    row["completed_late_days"] = max(0, (date.fromisoformat(completed) - target).days) if completed else 0
    return row
