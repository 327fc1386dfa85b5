"""The API's side of who may call it: a signed-in user acting in a staff role."""

from __future__ import annotations

from rest_framework import status
from rest_framework.request import Request

from api.errors import ApiError
from api.routing.permissions import NotLoggedIn
from routing.reports import lifecycle
from routing.reports.roles import role_of


def staff_user(request: Request):
    """The signed-in staff user, or a bilingual 401/403."""
    user = request.user
    if user is None or not user.is_authenticated:
        raise NotLoggedIn(
            "not_authenticated",
            "Cần đăng nhập bằng tài khoản cán bộ để xem danh sách phản ánh.",
            "Sign in with a staff account to read reports.",
            status_code=status.HTTP_401_UNAUTHORIZED,
        )
    if role_of(user) not in lifecycle.STAFF_ROLES:
        raise ApiError(
            "permission_denied",
            "Tài khoản này chưa được giao vai trò cán bộ.",
            "This account has no staff role.",
            status_code=status.HTTP_403_FORBIDDEN,
        )
    return user
