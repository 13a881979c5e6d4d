"""Cost ledger: every review's entries and staff time, and each board's funding and spend per financial year.

Money is integer pence. A reviewer's commissioning is a commitment (category lead_reviewer, or
panel_chair for a panel chair; paid by "board"). A reversal cancels the entry it names: that entry
drops out of every total, including the financial year it was dated in, and the reversal itself is
listed but never counted. An entry belongs to the financial year (April to March) of its own date.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.board import board_uuid, check_financial_year, financial_year_of
from projections.base import LogEvent
from projections.storage import Cursor

_TOTAL_KEYS = {"commitment": "committed_pence", "invoice": "invoiced_pence", "payment": "paid_pence"}
BALANCE_DEFINITION = "contributions recorded for the financial year minus payments dated in it (reversed excluded)"


def financial_year(on: str) -> str:
    """The financial year of a stored ISO date (domain.board's rule)."""
    return financial_year_of(date.fromisoformat(on))


def costed_pence(hours_hundredths: int, rate_pence_per_hour: int) -> int:
    """Hours times the hourly rate in pence, rounded half up to a whole penny (integers only: exact)."""
    return (hours_hundredths * rate_pence_per_hour + 50) // 100


class CostLedgerProjection:
    """Reviews, ledger entries, staff time and partner contributions."""

    name = "cost_ledger"
    schema_version = 1  # raise with any change to its tables or their meaning: stores rebuild it on start

    def create_tables(self, cursor: Cursor, *, postgres: bool) -> None:
        """One table per kind of fact, indexed for the per-review and per-board reads."""
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS cost_ledger_reviews ("
            "review_id TEXT PRIMARY KEY, board_id TEXT NOT NULL, case_ref TEXT NOT NULL)"
        )
        cursor.execute("CREATE INDEX IF NOT EXISTS cost_ledger_reviews_board ON cost_ledger_reviews (board_id)")
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS cost_ledger_entries ("
            "position BIGINT PRIMARY KEY, review_id TEXT NOT NULL, version INTEGER NOT NULL, entry TEXT NOT NULL, "
            "category TEXT NOT NULL, amount_pence BIGINT NOT NULL, paying_agency TEXT NOT NULL, on_date TEXT NOT NULL, "
            "financial_year TEXT NOT NULL, description TEXT NOT NULL, source TEXT NOT NULL, "
            "reverses_position BIGINT, reversed_by_position BIGINT)"
        )
        cursor.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS cost_ledger_entries_review ON cost_ledger_entries (review_id, version)"
        )
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS cost_ledger_entries_year ON cost_ledger_entries (financial_year, review_id)"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS cost_ledger_staff_time ("
            "position BIGINT PRIMARY KEY, review_id TEXT NOT NULL, agency TEXT NOT NULL, activity TEXT NOT NULL, "
            "hours_hundredths BIGINT NOT NULL, on_date TEXT NOT NULL, financial_year TEXT NOT NULL, "
            "rate_pence_per_hour BIGINT, costed_pence BIGINT)"
        )
        cursor.execute("CREATE INDEX IF NOT EXISTS cost_ledger_staff_time_review ON cost_ledger_staff_time (review_id)")
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS cost_ledger_contributions ("
            "board_uuid TEXT NOT NULL, agency TEXT NOT NULL, financial_year TEXT NOT NULL, "
            "amount_pence BIGINT NOT NULL, position BIGINT NOT NULL, PRIMARY KEY (board_uuid, financial_year, agency))"
        )

    def drop_tables(self, cursor: Cursor) -> None:
        for table in ("reviews", "entries", "staff_time", "contributions"):
            cursor.execute(f"DROP TABLE IF EXISTS cost_ledger_{table}")

    def apply_batch(self, cursor: Cursor, events: Sequence[LogEvent]) -> None:
        """Collect the batch's rows in memory and write each table once; reversals after their entries."""
        rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in _INSERTS}
        reversals = []
        for event in events:
            make = _ROWS.get(event.topic)
            if make is None:
                continue
            table, row = make(event)
            rows[table].append(row)
            if table == "entries" and event.data.get("entry") == "reversal":
                reversals.append((event.position, str(event.originator_id), event.data["reverses_version"]))
        for table, sql in _INSERTS.items():
            if rows[table]:
                cursor.executemany(sql, rows[table])
        if reversals:
            cursor.executemany(
                "UPDATE cost_ledger_entries SET reversed_by_position = %s WHERE review_id = %s AND version = %s",
                reversals,
            )


_INSERTS = {
    "reviews": "INSERT INTO cost_ledger_reviews (review_id, board_id, case_ref) VALUES (%s, %s, %s)",
    "entries": "INSERT INTO cost_ledger_entries (position, review_id, version, entry, category, amount_pence, "
    "paying_agency, on_date, financial_year, description, source, reverses_position) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
    "staff_time": "INSERT INTO cost_ledger_staff_time (position, review_id, agency, activity, hours_hundredths, "
    "on_date, financial_year, rate_pence_per_hour, costed_pence) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
    "contributions": "INSERT INTO cost_ledger_contributions (board_uuid, agency, financial_year, amount_pence, "
    "position) VALUES (%s, %s, %s, %s, %s)",
}


def _review(event: LogEvent) -> tuple[str, tuple[Any, ...]]:
    return "reviews", (str(event.originator_id), event.data["board_id"], event.data["case_ref"])


def _contribution(event: LogEvent) -> tuple[str, tuple[Any, ...]]:
    data = event.data
    row = (str(event.originator_id), data["agency"], data["financial_year"], data["amount_pence"], event.position)
    return "contributions", row


def _commitment(event: LogEvent) -> tuple[str, tuple[Any, ...]]:
    data = event.data
    category = "panel_chair" if data["role"] == "panel_chair" else "lead_reviewer"
    on = data["commissioned_on"]
    description = f"{data['role'].replace('_', ' ')} {data['name']} commissioned ({data['procurement_route']})"
    return "entries", (
        event.position,
        str(event.originator_id),
        event.version,
        "commitment",
        category,
        data["contract_value_pence"],
        "board",
        on,
        financial_year(on),
        description,
        "reviewer_commissioned",
        None,
    )


def _entry(event: LogEvent) -> tuple[str, tuple[Any, ...]]:
    data = event.data
    return "entries", (
        event.position,
        str(event.originator_id),
        event.version,
        data["entry"],
        data["category"],
        data["amount_pence"],
        data["paying_agency"],
        data["on"],
        financial_year(data["on"]),
        data["description"],
        "cost_recorded",
        data.get("reverses_position"),
    )


def _staff_time(event: LogEvent) -> tuple[str, tuple[Any, ...]]:
    data = event.data
    hundredths = int(Decimal(data["hours"]) * 100)
    rate = data.get("rate_pence_per_hour")
    return "staff_time", (
        event.position,
        str(event.originator_id),
        data["agency"],
        data["activity"],
        hundredths,
        data["on"],
        financial_year(data["on"]),
        rate,
        None if rate is None else costed_pence(hundredths, rate),
    )


_ROWS = {
    "domain.review:CaseReview.Notified": _review,
    "domain.review:CaseReview.ReviewerCommissioned": _commitment,
    "domain.review:CaseReview.CostRecorded": _entry,
    "domain.review:CaseReview.StaffTimeRecorded": _staff_time,
    "domain.board:Board.ContributionRecorded": _contribution,
}


# ---- queries ------------------------------------------------------------------------------------

_ENTRY_COLUMNS = (
    "position",
    "version",
    "entry",
    "category",
    "amount_pence",
    "paying_agency",
    "on",
    "financial_year",
    "description",
    "source",
    "reverses_position",
    "reversed_by_position",
)


def review_ledger(cursor: Cursor, review_id: UUID) -> dict[str, Any] | None:
    """A review's entries and totals by category and paying agency, and its staff time; None if unknown."""
    cursor.execute("SELECT board_id, case_ref FROM cost_ledger_reviews WHERE review_id = %s", (str(review_id),))
    found = cursor.fetchone()
    if found is None:
        return None
    cursor.execute(
        "SELECT position, version, entry, category, amount_pence, paying_agency, on_date, financial_year, "
        "description, source, reverses_position, reversed_by_position FROM cost_ledger_entries "
        "WHERE review_id = %s ORDER BY position",
        (str(review_id),),
    )
    entries = [_entry_dict(row) for row in cursor.fetchall()]
    counted = [entry for entry in entries if entry["counted"]]
    cursor.execute(
        "SELECT agency, activity, hours_hundredths, costed_pence FROM cost_ledger_staff_time WHERE review_id = %s",
        (str(review_id),),
    )
    staff = cursor.fetchall()
    return {
        "review_id": str(review_id),
        "board_id": found[0],
        "case_ref": found[1],
        "entries": entries,
        "totals": _totals(counted),
        "by_category": _grouped(counted, "category"),
        "by_paying_agency": _grouped(counted, "paying_agency"),
        "staff_time": _staff_summary(staff),
    }


def board_ledger(cursor: Cursor, board_id: str, financial_year: str) -> dict[str, Any]:
    """A board's contributions by agency, spend by review and category, and balance for one financial year."""
    check_financial_year(financial_year)
    cursor.execute(
        "SELECT agency, amount_pence FROM cost_ledger_contributions WHERE board_uuid = %s AND financial_year = %s "
        "ORDER BY agency",
        (str(board_uuid(board_id)), financial_year),
    )
    contributions = {agency: int(amount) for agency, amount in cursor.fetchall()}
    cursor.execute(
        "SELECT r.review_id, r.case_ref, e.entry, e.category, SUM(e.amount_pence) FROM cost_ledger_entries e "
        "JOIN cost_ledger_reviews r ON r.review_id = e.review_id WHERE r.board_id = %s AND e.financial_year = %s "
        "AND e.entry <> 'reversal' AND e.reversed_by_position IS NULL GROUP BY r.review_id, r.case_ref, e.entry, "
        "e.category",
        (board_id, financial_year),
    )
    spend = [
        {"review_id": rid, "case_ref": ref, "entry": kind, "category": category, "amount_pence": int(total)}
        for rid, ref, kind, category, total in cursor.fetchall()
    ]
    cursor.execute(
        "SELECT s.agency, s.activity, s.hours_hundredths, s.costed_pence FROM cost_ledger_staff_time s "
        "JOIN cost_ledger_reviews r ON r.review_id = s.review_id WHERE r.board_id = %s AND s.financial_year = %s",
        (board_id, financial_year),
    )
    staff = cursor.fetchall()
    totals = _totals(spend)
    start = int(financial_year[:4])
    return {
        "board_id": board_id,
        "financial_year": financial_year,
        "from_on": date(start, 4, 1).isoformat(),
        "to_on": date(start + 1, 3, 31).isoformat(),
        "contributions": {"by_agency": contributions, "total_pence": sum(contributions.values())},
        "spend": {
            "totals": totals,
            "by_category": _grouped(spend, "category"),
            "by_review": _by_review(spend),
        },
        "staff_time": _staff_summary(staff),
        "balance_pence": sum(contributions.values()) - totals["paid_pence"],
        "balance_definition": BALANCE_DEFINITION,
    }


def _entry_dict(row: Sequence[Any]) -> dict[str, Any]:
    entry = dict(zip(_ENTRY_COLUMNS, row, strict=True))
    entry["amount_pence"] = int(entry["amount_pence"])
    entry["reversed"] = entry["reversed_by_position"] is not None
    # A reversal and the entry it cancels both stay listed; neither is counted.
    entry["counted"] = entry["entry"] != "reversal" and not entry["reversed"]
    return entry


def _totals(entries: Iterable[dict[str, Any]]) -> dict[str, int]:
    totals = dict.fromkeys(_TOTAL_KEYS.values(), 0)
    for entry in entries:
        totals[_TOTAL_KEYS[entry["entry"]]] += int(entry["amount_pence"])
    return totals


def _grouped(entries: Sequence[dict[str, Any]], key: str) -> dict[str, dict[str, int]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        groups.setdefault(entry[key], []).append(entry)
    return {name: _totals(members) for name, members in sorted(groups.items())}


def _by_review(spend: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    reviews: dict[str, dict[str, Any]] = {}
    for row in spend:
        review = reviews.setdefault(row["review_id"], {"review_id": row["review_id"], "case_ref": row["case_ref"]})
        review.setdefault("rows", []).append(row)
    return [
        {
            "review_id": review["review_id"],
            "case_ref": review["case_ref"],
            **_totals(review["rows"]),
            "by_category": _grouped(review["rows"], "category"),
        }
        for review in sorted(reviews.values(), key=lambda r: r["case_ref"])
    ]


def _staff_summary(rows: Iterable[Sequence[Any]]) -> dict[str, Any]:
    """Hours and costed time, in all and by agency and activity (uncosted hours are hours with no rate)."""
    total = {"hours": 0, "costed_pence": 0, "uncosted_hours": 0}
    by: dict[tuple[str, str], dict[str, int]] = {}
    for agency, activity, hundredths, costed in rows:
        for bucket in (total, by.setdefault((agency, activity), {"hours": 0, "costed_pence": 0, "uncosted_hours": 0})):
            bucket["hours"] += int(hundredths)
            if costed is None:
                bucket["uncosted_hours"] += int(hundredths)
            else:
                bucket["costed_pence"] += int(costed)
    return {
        **_hours(total),
        "by_agency_and_activity": [
            {"agency": agency, "activity": activity, **_hours(bucket)}
            for (agency, activity), bucket in sorted(by.items())
        ],
        "by_agency": _rolled_up(by, 0),
        "by_activity": _rolled_up(by, 1),
    }


def _rolled_up(by: dict[tuple[str, str], dict[str, int]], part: int) -> dict[str, dict[str, Any]]:
    rolled: dict[str, dict[str, int]] = {}
    for key, bucket in by.items():
        into = rolled.setdefault(key[part], {"hours": 0, "costed_pence": 0, "uncosted_hours": 0})
        for name, value in bucket.items():
            into[name] += value
    return {name: _hours(bucket) for name, bucket in sorted(rolled.items())}


def _hours(bucket: dict[str, int]) -> dict[str, Any]:
    """Hundredths of an hour as a JSON number of hours with two decimals."""
    return {
        "hours": bucket["hours"] / 100,
        "uncosted_hours": bucket["uncosted_hours"] / 100,
        "costed_pence": bucket["costed_pence"],
    }
