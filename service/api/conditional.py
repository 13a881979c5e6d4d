"""Conditional GET on read-model reads: a weak ETag from the read model's position, and `304` for a copy still current.

The tag is `W/"<position>-<scope>"`:
- `position` is the position the read model the answer comes from has applied, read in the same transaction
  as the rows (its tracking row commits with its view rows, so an unchanged position means unchanged rows). It
  is that read model's own position, not the lowest across read models (`X-Projection-Position`): a stopped
  projection elsewhere never freezes a tag, as in service/answer_cache.py.
- `scope` is a digest of everything else the answer depends on: the read model and the schema version its
  tables were built with (a release that reshapes them rebuilds them, and no tag from before matches), the
  reader's role, board and agency (the same URL answers each board with its own rows, and the Panel without
  child details), today in London (overdue flags and days move at midnight with no new event), and the path
  and query (less `min_position`, which changes when the answer is computed, not what it is). So one board's
  tag never matches another board's answer, nor yesterday's. A release that changes what a read computes from
  unchanged tables should bump that read model's schema version, as for any change of what it stores.
- Weak (`W/`): the same rows may be serialised with keys in another order; the tag says the content is the same.

`If-None-Match` (one or more tags, or `*`) is compared weakly (RFC 9110 13.1.2): a match answers `304` with the
tag and no body, before any row is read. The answers keep `Cache-Control: no-store` (case data stays out of
shared and disk caches, service/api/limits.py), so conditional GET serves clients that keep their own copy
(dashboards polling, the Panel's scripts).

One review or action (`GET /reviews/{id}`, `/learning-actions/{id}`) keeps its strong ETag `"<version>"`, the
`If-Match` validator of commands (API.md); it is not answered `304`: its next deadline and overdue rules move
with the day at the same version, and the Panel's view of it differs from its board's."""

from __future__ import annotations

import hashlib
from datetime import date
from urllib.parse import urlencode

from fastapi import Request, Response

from domain.values import Actor
from service.api.reading import Snapshot

# Answers vary with the bearer token's reader (its board, role and agency).
VARY = "Authorization"


def answer_tag(snapshot: Snapshot, projection: str, actor: Actor, today: date, request: Request) -> str:
    """The weak ETag of this reader's answer from `projection` as it stands in the snapshot's transaction."""
    tracked = snapshot.tracked[projection]
    scope = "\x1f".join(
        (
            projection,
            str(tracked.schema_version),
            actor.role,
            actor.board or "",
            actor.agency or "",
            today.isoformat(),
            request.url.path,
            urlencode([(key, value) for key, value in request.query_params.multi_items() if key != "min_position"]),
        )
    )
    return f'W/"{tracked.position}-{hashlib.blake2b(scope.encode(), digest_size=10).hexdigest()}"'


def unchanged(request: Request, tag: str) -> bool:
    """Whether the client's If-None-Match names this tag (weak comparison) or is `*`."""
    given = request.headers.get("if-none-match")
    if not given:
        return False
    if given.strip() == "*":
        return True
    return _opaque(tag) in {_opaque(part) for part in given.split(",")}


def not_modified(response: Response, tag: str) -> Response:
    """`304` with the tag and the headers the read already set (X-Projection-Position); no body."""
    return Response(status_code=304, headers={**response.headers, **validator_headers(tag)})


def validator_headers(tag: str) -> dict[str, str]:
    """The headers every conditional answer carries, 200 or 304."""
    return {"ETag": tag, "Vary": VARY, "Cache-Control": "no-store"}


def _opaque(tag: str) -> str:
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag
