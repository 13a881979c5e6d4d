"""Signing in to the dashboard: the bearer token kept in an HttpOnly, SameSite=Strict cookie, verified per request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import Depends, Request, Response

from domain.calendar import london_today
from domain.values import Actor
from service.services import ServiceObjects, Services
from service.tokens import InvalidToken, verify_token

COOKIE = "scr_dashboard_token"
PATH = "/dashboard"


class SignInRequired(Exception):
    """No token, or one that no longer verifies: the page sends the browser to the sign-in page."""


@dataclass(frozen=True)
class Viewer:
    """Who is looking (the token's actor), with the services and today's date in London."""

    actor: Actor
    services: ServiceObjects
    today: date


def actor_from_token(services: ServiceObjects, token: str) -> Actor:
    """The actor a pasted token names, by the API's own verification (InvalidToken if refused)."""
    return verify_token(services.settings.jwt_secret, token.strip())


def _viewer(request: Request, services: Services) -> Viewer:
    token = request.cookies.get(COOKIE)
    if not token:
        raise SignInRequired("no token")
    try:
        actor = actor_from_token(services, token)
    except InvalidToken:
        raise SignInRequired("the token no longer verifies") from None
    return Viewer(actor=actor, services=services, today=london_today())


def keep_token(response: Response, token: str, *, secure: bool) -> None:
    """Keep the token where page scripts cannot read it and other sites cannot send it."""
    response.set_cookie(COOKIE, token.strip(), path=PATH, httponly=True, samesite="strict", secure=secure)


def forget_token(response: Response) -> None:
    """Sign out: the browser drops the cookie."""
    response.delete_cookie(COOKIE, path=PATH, httponly=True, samesite="strict")


CurrentViewer = Annotated[Viewer, Depends(_viewer)]
