"""The cursor the engine hands to projections on PostgreSQL: plain multi-row INSERTs go by COPY.

psycopg's `executemany` sends one statement per row; a rebuild inserts hundreds of thousands of
rows, so that per-row cost is most of a rebuild's time. `COPY ... FROM STDIN` sends the rows as one
stream and checks the same constraints (a duplicate key still fails the batch). Only an INSERT of
`%s` placeholders into named columns qualifies; anything else (ON CONFLICT, RETURNING, expressions,
UPDATE, DELETE) runs through `executemany` unchanged, as on SQLite."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from psycopg import sql

PLAIN_INSERT = re.compile(
    r"\s*INSERT\s+INTO\s+(?P<table>\w+)\s*\((?P<columns>[\w\s,]+)\)\s*VALUES\s*\((?P<values>[%s,\s]+)\)\s*;?\s*",
    re.IGNORECASE,
)
COPY_FROM = 16  # fewer rows than this: one round trip either way, keep the plain statement


class BulkCursor:
    """A psycopg cursor whose executemany copies plain inserts; every other call passes through."""

    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor

    def executemany(self, statement: str, params: Sequence[Sequence[Any]]) -> Any:
        copy = copy_statement(statement) if len(params) >= COPY_FROM else None
        if copy is None:
            return self._cursor.executemany(statement, params)
        with self._cursor.copy(copy) as stream:
            for row in params:
                stream.write_row(row)
        return None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)


def copy_statement(statement: Any) -> sql.Composed | None:
    """The COPY that does the same as a plain INSERT of placeholders, or None for any other statement."""
    match = PLAIN_INSERT.fullmatch(statement) if isinstance(statement, str) else None
    if match is None:
        return None
    columns = [column.strip() for column in match["columns"].split(",")]
    if match["values"].replace(" ", "").split(",") != ["%s"] * len(columns):
        return None
    return sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(match["table"]), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
