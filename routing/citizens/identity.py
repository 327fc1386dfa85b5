"""How a request shows it comes from a verified citizen, for the API and the pages.

Two ways, one session row behind both (``routing.citizens.sessions``): an app sends
``Authorization: Bearer <token>``; a browser carries the Django session, whose
``citizen_session`` key names the row (set at sign-in, with a new session key so a
planted session id is worth nothing). Either ends when the row expires or is
revoked. The session way is ambient (the browser sends the cookie by itself), so
the API checks CSRF for it on unsafe methods (``api.citizen_auth``); a bearer token
is not ambient and needs no CSRF token.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.middleware.csrf import rotate_token

from routing.citizens.otp import otp_verify
from routing.citizens.sessions import (
    citizen_session_by_id,
    citizen_session_by_token,
    citizen_session_open,
    citizen_session_revoke,
)
from routing.models import CitizenToken

SESSION_KEY = "citizen_session"
# The phone a code was sent to, waiting for that code (the sign-in form's step 2).
PHONE_KEY = "citizen_phone_pending"
BEARER = "bearer"


@dataclass(frozen=True)
class Citizen:
    """A verified citizen: their proven phone (E.164) and their session row."""

    phone: str
    session_id: int


def _citizen(row: CitizenToken | None) -> Citizen | None:
    return None if row is None else Citizen(phone=row.phone, session_id=row.pk)


def bearer_token(request: HttpRequest) -> str | None:
    """The bearer token of the Authorization header; None without one."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != BEARER:
        return None
    return value.strip()


def citizen_from_bearer(request: HttpRequest) -> Citizen | None:
    token = bearer_token(request)
    return _citizen(citizen_session_by_token(token)) if token else None


def citizen_from_session(request: HttpRequest) -> Citizen | None:
    session = getattr(request, "session", None)
    if session is None:
        return None
    return _citizen(citizen_session_by_id(session.get(SESSION_KEY)))


def citizen_of(request: HttpRequest) -> Citizen | None:
    """The verified citizen behind ``request`` (a bearer token first, else the
    page session), or None."""
    return citizen_from_bearer(request) or citizen_from_session(request)


def citizen_sign_in(request: HttpRequest, *, session_id: int) -> None:
    """Bind the page session to a citizen session row (a new session key and CSRF
    token, as Django's own sign-in does)."""
    request.session.cycle_key()
    rotate_token(request)
    request.session[SESSION_KEY] = session_id


def citizen_code_sign_in(
    request: HttpRequest, *, phone: str, code: object, client_ip: str | None
) -> tuple[CitizenToken, str]:
    """Check ``phone``'s one-time code (``routing.citizens.otp.otp_verify``: refuses
    with a 400 or 429), then open a session for it and sign the page session in:
    the session row and the app's bearer token."""
    otp_verify(phone=phone, code=code, client_ip=client_ip)
    session, token = citizen_session_open(phone=phone)
    citizen_sign_in(request, session_id=session.pk)
    return session, token


def citizen_sign_out(request: HttpRequest, citizen: Citizen | None) -> None:
    """Revoke the citizen's session row and forget it, and any phone still waiting
    for its code, in the page session ("use another number" too)."""
    if citizen is not None:
        citizen_session_revoke(session_id=citizen.session_id)
    session = getattr(request, "session", None)
    if session is not None:
        session.pop(SESSION_KEY, None)
        session.pop(PHONE_KEY, None)
