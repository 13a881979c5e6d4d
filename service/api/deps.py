"""Dependency aliases for routes: the verified actor, the command context, If-Match and Idempotency-Key."""

from __future__ import annotations

import re
from typing import Annotated
from uuid import NAMESPACE_URL, UUID, uuid5

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from domain.base import Context
from domain.calendar import london_today
from domain.values import Actor
from service.api.problems import ApiProblem
from service.services import Services
from service.tokens import InvalidToken

_bearer = HTTPBearer(auto_error=False, description="A token from `scr token issue`")


def _actor(
    request: Request,
    services: Services,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiProblem(
            401, "unauthenticated", "send Authorization: Bearer <token>", headers={"WWW-Authenticate": "Bearer"}
        )
    try:
        actor = services.tokens.actor(credentials.credentials)
    except InvalidToken as error:
        raise ApiProblem(
            401,
            "unauthenticated",
            f"the bearer token was refused: {error}",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        ) from None
    request.state.user = actor.user
    return actor


_ETAG = re.compile(r'^\s*(?:W/)?"?(\d+)"?\s*$')


def _if_match(
    if_match: Annotated[
        str | None,
        Header(
            alias="If-Match",
            description='The version you last read (its ETag, e.g. "3"); a stale one is refused with 412',
        ),
    ] = None,
) -> int | None:
    if if_match is None or if_match.strip() == "*":
        return None
    found = _ETAG.match(if_match)
    if found is None:
        raise ApiProblem(422, "validation_error", 'If-Match must be a version such as "3"', field="If-Match")
    return int(found.group(1))


def _idempotency_key(
    key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            description="Any unique string per intended command; a retry with the same key and body "
            "returns the first answer and records nothing more",
            max_length=200,
            pattern=r"^[\x20-\x7e]+$",  # printable ASCII: a NUL cannot reach the key's text column
        ),
    ] = None,
) -> str | None:
    return key


def _context(request: Request, actor: Annotated[Actor, Depends(_actor)]) -> Context:
    return Context(actor=actor, correlation_id=correlation_id(request), today=london_today())


def correlation_id(request: Request) -> UUID:
    """The request id as a UUID (a client's non-UUID X-Request-ID is mapped to one deterministically)."""
    request_id = str(getattr(request.state, "request_id", ""))
    try:
        return UUID(request_id)
    except ValueError:
        return uuid5(NAMESPACE_URL, request_id)


CurrentActor = Annotated[Actor, Depends(_actor)]
CommandContext = Annotated[Context, Depends(_context)]
IfMatch = Annotated[int | None, Depends(_if_match)]
IdempotencyKey = Annotated[str | None, Depends(_idempotency_key)]
