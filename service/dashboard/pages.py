"""The dashboard's long lists a page at a time, and their CSV downloads whole, streamed.

A list page shows PAGE_ROWS rows from `offset` (Previous and Next links carry the filters), with its counts
over every matching row. Its CSV is every matching row, not the page: read in batches of BATCH_ROWS, each in
its own short read transaction (no pooled connection is held while a slow client downloads), and sent as
each batch is written, so memory stays bounded by a batch at 10,000 reviews. Batches follow the list's order
by keyset (the rows after the last row sent), so a review added while the file streams never shifts a row
into a second batch or out of all of them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode

from fastapi import Query

from projections.storage import Cursor, Database
from service.dashboard.tables import Column

PAGE_ROWS = 100
BATCH_ROWS = 500

Offset = Annotated[int, Query(ge=0, le=1_000_000_000, description="Rows to skip (the pages before)")]

K = TypeVar("K")
Rows = list[dict[str, Any]]


def page_model(path: str, query: dict[str, str], offset: int, shown: int, total: int) -> dict[str, Any]:
    """What a list page's template needs: the rows shown (first and last numbers), the total, and the links to
    the previous and next pages (None where there is none), each keeping the page's filters."""

    def link(at: int) -> str:
        kept = {key: value for key, value in query.items() if value}
        encoded = urlencode({**kept, **({"offset": at} if at else {})})
        return f"{path}?{encoded}" if encoded else path

    return {
        "first": offset + 1,
        "last": offset + shown,
        "total": total,
        "previous": link(max(0, offset - PAGE_ROWS)) if offset > 0 else None,
        "next": link(offset + PAGE_ROWS) if offset + PAGE_ROWS < total else None,
    }


@dataclass(frozen=True)
class Download:
    """A table's CSV download: its name, columns, and its rows a batch at a time."""

    name: str
    columns: list[Column]
    batches: Iterator[Rows]


def batches(
    db: Database, fetch: Callable[[Cursor, K | None, int], Rows], key: Callable[[dict[str, Any]], K]
) -> Iterator[Rows]:
    """Every row `fetch(cursor, after, limit)` walks, BATCH_ROWS at a time, one read transaction per batch;
    `key` is a row's place in the order (the next batch starts after it)."""
    after: K | None = None
    while True:
        with db.transaction(read_only=True) as cursor:
            rows = fetch(cursor, after, BATCH_ROWS)
        if rows:
            yield rows
        if len(rows) < BATCH_ROWS:
            return
        after = key(rows[-1])
