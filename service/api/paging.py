"""Paged reads (API.md: `limit`, `offset`, `total` and a `next` link): the link to the page after this one."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import Request


def next_link(request: Request, *, offset: int, limit: int, total: int) -> str | None:
    """The path and query of the next page (every other parameter kept), or None on the last page."""
    if offset + limit >= total:
        return None
    kept = [(key, value) for key, value in request.query_params.multi_items() if key not in ("offset", "limit")]
    return f"{request.url.path}?{urlencode([*kept, ('limit', limit), ('offset', offset + limit)])}"
