"""Verified citizens on the API: DRF authentication classes over
``routing.citizens.identity``.

Citizens are not users: an authenticator answers ``(request.user, Citizen)``,
leaving ``request.user`` what Django's middleware made it (anonymous, or a signed-in
staff member) and putting the citizen in ``request.auth``; :func:`citizen_of` reads
it back. Two classes, listed after staff's ``SessionAuthentication`` where staff
may also call:

- :class:`CitizenBearerAuthentication`: ``Authorization: Bearer <token>`` (the
  app). A token that is unknown, expired or revoked is a 401, so the app knows to
  sign in again. No CSRF: the header is never sent by a browser on its own.
  :class:`CitizenBearerOptionalAuthentication` is the same where a citizen session
  is optional (filing a report, the receipt-secret actions): there a stale token
  is as no token, and the request goes on anonymously.
- :class:`CitizenSessionAuthentication`: the page session's citizen, with DRF's
  CSRF check on unsafe methods, as for staff sessions (the cookie is ambient).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import status
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from api.access import NotLoggedIn
from routing.citizens.identity import (
    Citizen,
    bearer_token,
    citizen_from_bearer,
    citizen_from_session,
)

SIGN_IN_VI = (
    "Cần xác thực số điện thoại: nhận mã qua SMS (POST /api/v1/otp/) rồi nhập mã "
    "(POST /api/v1/otp/verify)."
)
SIGN_IN_EN = (
    "Verify your phone first: get a code by SMS (POST /api/v1/otp/), then send it "
    "(POST /api/v1/otp/verify)."
)


def citizen_sign_in_required() -> NotLoggedIn:
    return NotLoggedIn(
        "citizen_required",
        SIGN_IN_VI,
        SIGN_IN_EN,
        status_code=status.HTTP_401_UNAUTHORIZED,
    )


def _django_user(request: Request) -> Any:
    return getattr(request._request, "user", None)


class CitizenBearerAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, Citizen] | None:
        if bearer_token(request._request) is None:
            return None
        citizen = citizen_from_bearer(request._request)
        if citizen is None:
            raise NotLoggedIn(
                "citizen_token_invalid",
                "Phiên đăng nhập đã hết hạn hoặc đã đăng xuất. Hãy xác thực lại số "
                "điện thoại.",
                "The session has expired or was signed out. Verify your phone again.",
                status_code=status.HTTP_401_UNAUTHORIZED,
            )
        return _django_user(request), citizen

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class CitizenBearerOptionalAuthentication(CitizenBearerAuthentication):
    """A live bearer token names the citizen; a stale or unknown one is ignored
    (an app holding an old token may still file anonymously, or act with the
    receipt secret)."""

    def authenticate(self, request: Request) -> tuple[Any, Citizen] | None:
        citizen = citizen_from_bearer(request._request)
        return None if citizen is None else (_django_user(request), citizen)


class CitizenSessionAuthentication(SessionAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, Citizen] | None:
        citizen = citizen_from_session(request._request)
        if citizen is None:
            return None
        self.enforce_csrf(request)
        return _django_user(request), citizen


# Where staff may call too and a citizen session is optional (filing a report:
# staff's session first, then a citizen's if any; a stale bearer token is ignored),
# where only a citizen's session is optional (the receipt-secret actions), and where
# only citizens may (a refused token is a 401 with a Bearer challenge).
STAFF_OR_CITIZEN = [
    SessionAuthentication,
    CitizenBearerOptionalAuthentication,
    CitizenSessionAuthentication,
]
CITIZEN_OPTIONAL = [CitizenBearerOptionalAuthentication, CitizenSessionAuthentication]
CITIZEN_ONLY = [CitizenBearerAuthentication, CitizenSessionAuthentication]


def citizen_of(request: Request) -> Citizen | None:
    """The verified citizen an authenticator found, or None."""
    auth = request.auth
    return auth if isinstance(auth, Citizen) else None


class VerifiedCitizen(BasePermission):
    """A verified citizen (bearer or session); 401 otherwise."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if citizen_of(request) is None:
            raise citizen_sign_in_required()
        return True


class CitizenBearerScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """The bearer token in the OpenAPI schema."""

    target_class = CitizenBearerAuthentication
    name = "citizenBearer"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer"}


class CitizenBearerOptionalScheme(CitizenBearerScheme):  # type: ignore[no-untyped-call]
    """The same token where it is optional (a stale one is ignored): a component
    of its own, since the schema keys a security scheme by its class."""

    target_class = CitizenBearerOptionalAuthentication
    name = "citizenBearerOptional"


class CitizenSessionScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """The page session's citizen: the session cookie, as staff's."""

    target_class = CitizenSessionAuthentication
    name = "citizenSession"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}
