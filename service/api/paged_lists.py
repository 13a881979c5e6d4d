"""The list reads' pages (`GET /reviews`, `GET /learning-actions`): `limit`, `offset`, `total` and a `next` link.

The choice of shape: the body stays what it has been since the first wave, a JSON array of rows (the page's
rows now), and the page is described in headers: `X-Total-Count` (the `total` of rows matching the filters)
and `Link: <next>; rel="next"` (RFC 8288), absent on the last page. API.md fixes names and forbids renaming
without versioning; the array is what the clients read (the README's curl examples, the integration and e2e
tests, the store-upgrade checks, scripts written against the first wave), and an envelope would break each
of them. The search read, an object already, carries the same facts as body fields (service/api/paging.py,
whose `next_link` both use). The next link is the path and query of the following page: every filter of the
request kept, `limit` and `offset` moved on, so following it never loses a filter.

`limit` defaults to 100 and is at most 1,000 (over is 422 naming `limit`); `offset` skips rows of the same
stable order (the read model's ORDER BY ends in the row's id, and the database applies LIMIT and OFFSET).
A page past the end is an empty array with the total.

The rows go out as orjson bytes, not validated again through the response model: each row is built by the
read model's own query (and scoped by service/access.py), so a second validation of every row only cost time.
The routes keep `response_model` in their decorators, so the OpenAPI schema still documents each row."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import orjson
from fastapi import Depends, Query, Request, Response

from service.api.conditional import validator_headers
from service.api.paging import next_link
from service.api.schemas import MAX_INTEGER

DEFAULT_LIMIT = 100
MAX_LIMIT = 1_000


@dataclass(frozen=True)
class Page:
    """Which rows of a list to answer."""

    limit: int
    offset: int


def _page(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Rows per page (at most 1,000)")] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=MAX_INTEGER, description="Rows to skip (the pages before)")] = 0,
) -> Page:
    return Page(limit=limit, offset=offset)


Paging = Annotated[Page, Depends(_page)]

PAGE_HEADERS: dict[str, dict[str, Any]] = {
    "X-Total-Count": {"description": "Rows matching the filters, on every page", "schema": {"type": "integer"}},
    "Link": {
        "description": 'The next page: `<path?query>; rel="next"`; absent on the last page',
        "schema": {"type": "string"},
    },
    "ETag": {
        "description": "A weak tag of this answer; send it as If-None-Match for 304",
        "schema": {"type": "string"},
    },
    "X-Projection-Position": {"description": "How far the read models had caught up", "schema": {"type": "string"}},
}


def page_answer(
    request: Request, response: Response, rows: list[dict[str, Any]], *, total: int, page: Page, tag: str
) -> Response:
    """The page's rows as a JSON array, with its total, next link, tag and the headers the read set."""
    headers = {**response.headers, **validator_headers(tag), "X-Total-Count": str(total)}
    following = next_link(request, offset=page.offset, limit=page.limit, total=total)
    if following is not None:
        headers["Link"] = f'<{following}>; rel="next"'
    return Response(orjson.dumps(rows), media_type="application/json", headers=headers)
