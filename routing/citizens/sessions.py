"""A verified citizen's session: what a right one-time code opens.

One row (``CitizenToken``) per sign-in. The app holds its bearer token (random, 256
bits, shown once; the row keeps its SHA-256); the pages hold the row's id in the
Django session (``routing.citizens.identity``). Both end at ``expires_at``
(``CITIZEN_SESSION_DAYS``) or when the row is revoked (signing out).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from routing.models import CitizenToken

TOKEN_BYTES = 32
MAX_TOKEN_CHARS = 200


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def citizen_session_open(*, phone: str) -> tuple[CitizenToken, str]:
    """A new session for ``phone`` (proven just now) and its bearer token."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row = CitizenToken.objects.create(
        phone=phone,
        token_hash=token_hash(token),
        expires_at=timezone.now() + dt.timedelta(days=settings.CITIZEN_SESSION_DAYS),
    )
    return row, token


def _live() -> QuerySet[CitizenToken]:
    return CitizenToken.objects.filter(
        revoked_at__isnull=True, expires_at__gt=timezone.now()
    )


def citizen_session_by_token(token: str) -> CitizenToken | None:
    """The live session a bearer token names, or None."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    return _live().filter(token_hash=token_hash(token)).first()


def citizen_session_by_id(pk: object) -> CitizenToken | None:
    """The live session a page session names, or None."""
    if not isinstance(pk, int):
        return None
    return _live().filter(pk=pk).first()


def citizen_session_revoke(*, session_id: int) -> None:
    CitizenToken.objects.filter(pk=session_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
