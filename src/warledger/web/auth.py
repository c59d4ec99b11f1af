"""Web sign-in: a session cookie (HttpOnly, Secure, SameSite=Strict) naming a server-side
session, and CSRF tokens for every form. Logged-in forms carry an HMAC of the session
secret; the login form, before any session, a random value also set as a cookie."""
from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Request
from fastapi.responses import Response

from ..store import users as users_store

SESSION_COOKIE = "wl_session"
LOGIN_COOKIE = "wl_login"


class LoginRequired(Exception):
    """The page needs a signed-in user."""

    def __init__(self, next_url: str):
        self.next_url = next_url


class Refused(Exception):
    """A request the pages refuse: ``status`` 403 (role, CSRF) or 404."""

    def __init__(self, status: int, message: str):
        self.status, self.message = status, message


def set_cookie(response: Response, name: str, value: str, max_age: int | None = None) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/", secure=True, httponly=True, samesite="strict")


def current(request: Request, engine) -> tuple[users_store.User, str] | None:
    secret = request.cookies.get(SESSION_COOKIE)
    if not secret:
        return None
    user = users_store.user_for_session(engine, secret)
    return (user, secret) if user else None


def require(request: Request, engine, role: str = "viewer") -> tuple[users_store.User, str]:
    found = current(request, engine)
    if found is None:
        raise LoginRequired(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    if not found[0].may(role):
        raise Refused(403, f"{role} role needed; {found[0].name} is {found[0].role}")
    return found


def csrf_token(session_secret: str) -> str:
    return hmac.new(session_secret.encode(), b"warledger-csrf", hashlib.sha256).hexdigest()


def check_csrf(session_secret: str, sent: str | None) -> None:
    if not sent or not hmac.compare_digest(csrf_token(session_secret), sent):
        raise Refused(403, "the form's CSRF token is missing or wrong; reload the page and try again")


def login_token(request: Request) -> str:
    return request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(24)


def check_login_csrf(request: Request, sent: str | None) -> None:
    cookie = request.cookies.get(LOGIN_COOKIE)
    if not cookie or not sent or not hmac.compare_digest(cookie, sent):
        raise Refused(403, "the form's CSRF token is missing or wrong; reload the page and try again")


def safe_next(value: str | None) -> str:
    """Only paths on this server: no scheme, no host, no protocol-relative '//'."""
    if not value or len(value) > 2000 or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/map"
    return value
