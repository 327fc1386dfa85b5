"""The API's side of who may call it: the access policy as DRF permissions.

Every answer comes from ``routing.reports.access``; this module only turns a "no"
into the API's bilingual refusal. A request without credentials gets
``not_authenticated`` (403: the session, the only authentication class, asks for no
credentials, so DRF never answers 401), a signed-in user the policy refuses gets
``permission_denied`` (403).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rest_framework import exceptions, status
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from api.errors import ApiError
from routing.reports.access import acts_as_staff


class NotLoggedIn(ApiError, exceptions.NotAuthenticated):
    """Bilingual NotAuthenticated: DRF still picks 401 or 403 from the authenticators."""


def _signed_in(user: Any) -> bool:
    return user is not None and user.is_authenticated


def not_logged_in(vi: str, en: str) -> NotLoggedIn:
    return NotLoggedIn(
        "not_authenticated", vi, en, status_code=status.HTTP_401_UNAUTHORIZED
    )


def permission_denied(vi: str, en: str) -> ApiError:
    return ApiError("permission_denied", vi, en, status_code=status.HTTP_403_FORBIDDEN)


class PolicyPermission(BasePermission):
    """A permission that asks one question of the policy.

    ``allowed(user)`` is the question; ``sign_in`` (vi, en) asks anonymous callers
    to sign in first (None: they get the refusal too); ``refusal`` (vi, en) is the
    403; with ``reads_open`` anyone may use the safe methods.
    """

    allowed: Callable[[Any], bool]
    sign_in: tuple[str, str] | None = None
    refusal: tuple[str, str]
    reads_open = False

    def has_permission(self, request: Request, view: Any) -> bool:
        if self.reads_open and request.method in SAFE_METHODS:
            return True
        user = request.user
        if self.sign_in is not None and not _signed_in(user):
            raise not_logged_in(*self.sign_in)
        if not self.allowed(user):
            raise permission_denied(*self.refusal)
        return True


class StaffOnly(PolicyPermission):
    """A signed-in user acting in a staff role."""

    allowed = staticmethod(acts_as_staff)
    sign_in = ("Cần đăng nhập bằng tài khoản cán bộ.", "Sign in with a staff account.")
    refusal = (
        "Tài khoản này không có vai trò cán bộ.",
        "This account has no staff role.",
    )


def staff_user(request: Request) -> Any:
    """The signed-in staff user, or a bilingual 401/403 (for views that read the
    user anyway, such as the staff report list)."""
    user = request.user
    if not _signed_in(user):
        raise not_logged_in(
            "Cần đăng nhập bằng tài khoản cán bộ để xem danh sách phản ánh.",
            "Sign in with a staff account to read reports.",
        )
    if not acts_as_staff(user):
        raise permission_denied(
            "Tài khoản này chưa được giao vai trò cán bộ.",
            "This account has no staff role.",
        )
    return user
