"""A table shown on a page and offered as CSV: the same columns and rows, formatted for people or for files."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

# How a column's values are shown on a page; CSV always writes the raw value.
TEXT, DATE, PENCE, NUMBER, LIST, REVIEW, RULES, TAG = (
    "text",
    "date",
    "pence",
    "number",
    "list",
    "review",
    "rules",
    "tag",
)
CODE = "code"  # shown exactly as stored, never humanised (user ids, route templates)


@dataclass(frozen=True)
class Column:
    """One column: its key in the rows, its heading and how a page shows it."""

    key: str
    label: str
    kind: str = TEXT
    on_page: bool = True  # False: in the CSV only (e.g. ids a spreadsheet joins on)

    @property
    def numeric(self) -> bool:
        """Right-aligned on a page, as GOV.UK tables align numbers."""
        return self.kind in (PENCE, NUMBER)


@dataclass
class Table:
    """A captioned table with a name for its CSV download; `total` is an optional footer row."""

    name: str
    caption: str
    columns: Sequence[Column]
    rows: list[dict[str, Any]]
    total: dict[str, Any] | None = None
    empty: str = "Nothing to show."
    notes: list[str] = field(default_factory=list)
    download_rows: int | None = None  # rows in the CSV when it is the whole list and the page shows a part

    @property
    def page_columns(self) -> list[Column]:
        """The columns a page shows."""
        return [column for column in self.columns if column.on_page]

    def csv(self) -> str:
        """The table as CSV: one header row of keys, raw values (pence as integers, dates ISO, lists joined by ';')."""
        return "".join(csv_chunks(self.columns, [[*self.rows, *([self.total] if self.total else [])]]))


def csv_chunks(columns: Sequence[Column], batches: Iterable[list[dict[str, Any]]]) -> Iterator[str]:
    """A table's CSV in pieces: the header row of keys, then one piece per batch of rows (a download streams
    these as they are read; Table.csv joins them, so both give the same bytes)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([column.key for column in columns])
    yield out.getvalue()
    for batch in batches:
        out.seek(0)
        out.truncate()
        for row in batch:
            writer.writerow([csv_value(row.get(column.key)) for column in columns])
        yield out.getvalue()


def csv_value(value: Any) -> Any:
    """A cell for a CSV file; a leading formula character is neutralised so a spreadsheet shows it as text."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ";".join(str(csv_value(item)) for item in value)
    if isinstance(value, dict):
        return value.get("label", "")
    if isinstance(value, bool | int | float):
        return value
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def number(value: float | None) -> str:
    """A count or a number of days: 200.0 as 200, 208.5 as 208.5, 3700000 as 3,700,000 (never 3.7e+06),
    nothing for None."""
    return "" if value is None else f"{value:,.15g}"


def pounds(pence: int | None) -> str:
    """Integer pence as pounds, e.g. £12,345.67."""
    if pence is None:
        return ""
    sign = "-" if pence < 0 else ""
    return f"{sign}£{abs(pence) // 100:,}.{abs(pence) % 100:02d}"


def long_date(value: str | date | None) -> str:
    """An ISO date as GOV.UK writes dates: 4 January 2016."""
    if not value:
        return ""
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return f"{day.day} {day:%B %Y}"


def humanise(value: str | None) -> str:
    """A code as words: report_accepted -> Report accepted."""
    if not value:
        return ""
    text = str(value).replace("_", " ").replace("-", " ")
    return text[:1].upper() + text[1:]
