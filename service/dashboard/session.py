"""Signing in to the dashboard: a session token of its own in an HttpOnly, SameSite=Strict cookie, verified per request.

The sign-in form is a POST carrying a CSRF token (a signed double submit: a random nonce in a cookie and
the nonce with its HMAC under the service's secret in the form), so another site can neither sign a
user in as someone else nor read the form's token. Pasting a bearer token or a one-time code gets a new
session token (at most SESSION_HOURS, never longer than the pasted token), which sign-out revokes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import Depends, Request, Response

from domain.calendar import london_today
from domain.values import Actor
from service.services import ServiceObjects, Services
from service.tokens import InvalidToken

COOKIE = "scr_dashboard_token"
CSRF_COOKIE = "scr_dashboard_csrf"
PATH = "/dashboard"
SESSION_HOURS = 8.0


class SignInRequired(Exception):
    """No token, or one that no longer verifies: the page sends the browser to the sign-in page."""


@dataclass(frozen=True)
class Viewer:
    """Who is looking (the token's actor), with the services and today's date in London."""

    actor: Actor
    services: ServiceObjects
    today: date


def actor_from_token(services: ServiceObjects, token: str) -> Actor:
    """The actor a token names, by the API's own verification and revocation list (InvalidToken if refused)."""
    return services.tokens.actor(token.strip())


def _viewer(request: Request, services: Services) -> Viewer:
    token = request.cookies.get(COOKIE)
    if not token:
        raise SignInRequired("no token")
    try:
        actor = actor_from_token(services, token)
    except InvalidToken:
        raise SignInRequired("the token no longer verifies") from None
    request.state.user = actor.user  # the service's own log line names who asked (the access log says more)
    return Viewer(actor=actor, services=services, today=london_today())


def keep_token(response: Response, token: str, *, secure: bool) -> None:
    """Keep the token where page scripts cannot read it and other sites cannot send it."""
    response.set_cookie(COOKIE, token.strip(), path=PATH, httponly=True, samesite="strict", secure=secure)


def forget_token(response: Response) -> None:
    """Sign out: the browser drops the cookie."""
    response.delete_cookie(COOKIE, path=PATH, httponly=True, samesite="strict")


def _csrf_mac(secret: str, nonce: str) -> str:
    return hmac.new(secret.encode(), f"dashboard-sign-in:{nonce}".encode(), hashlib.sha256).hexdigest()


def csrf_pair(secret: str, nonce: str | None = None) -> tuple[str, str]:
    """(the cookie's nonce, the form's token) for the sign-in form; a nonce already in the cookie is reused."""
    nonce = nonce if nonce and len(nonce) == 43 and nonce.isascii() else secrets.token_urlsafe(32)
    return nonce, f"{nonce}.{_csrf_mac(secret, nonce)}"


def csrf_valid(secret: str, cookie_nonce: str | None, form_token: str) -> bool:
    """Whether the form's token is this service's signature of the nonce in this browser's cookie."""
    nonce, _, mac = form_token.partition(".")
    if not cookie_nonce or not hmac.compare_digest(nonce.encode(), cookie_nonce.encode()):
        return False
    return hmac.compare_digest(mac.encode(), _csrf_mac(secret, nonce).encode())


def keep_csrf_nonce(response: Response, nonce: str, *, secure: bool) -> None:
    """The sign-in form's nonce, in a cookie only this site's form posts carry."""
    response.set_cookie(CSRF_COOKIE, nonce, path=PATH, httponly=True, samesite="strict", secure=secure)


CurrentViewer = Annotated[Viewer, Depends(_viewer)]
