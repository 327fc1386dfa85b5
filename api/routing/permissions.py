"""Who may change responsibility zones: routing officers and superusers.

Reads are public. Every other method (create, edit, delete, validate, preview,
publish) needs an active staff user in the "routing_officer" group, made by the
migration ``routing/0002_routing_officer_group``, or a superuser. Refusals carry the
API's bilingual error shape; an anonymous request gets 401 when the first
authentication class asks for credentials (Basic), else 403.
"""

from __future__ import annotations

from rest_framework import exceptions, status
from rest_framework.permissions import SAFE_METHODS, BasePermission

from api.errors import ApiError

ROUTING_OFFICER_GROUP = "routing_officer"


class NotLoggedIn(ApiError, exceptions.NotAuthenticated):
    """Bilingual NotAuthenticated: DRF still picks 401 or 403 from the authenticators."""


def is_routing_officer(user) -> bool:
    """An active superuser, or an active staff member of the routing_officer group."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.is_staff and user.groups.filter(name=ROUTING_OFFICER_GROUP).exists()


class RoutingOfficerWrites(BasePermission):
    """Anyone may read; only routing officers may write."""

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        user = request.user
        if user is None or not user.is_authenticated:
            raise NotLoggedIn(
                "not_authenticated",
                "Cần đăng nhập bằng tài khoản cán bộ điều phối để thay đổi vùng "
                "trách nhiệm.",
                "Sign in as a routing officer to change responsibility zones.",
                status_code=status.HTTP_401_UNAUTHORIZED,
            )
        if not is_routing_officer(user):
            raise ApiError(
                "permission_denied",
                "Chỉ cán bộ điều phối (nhóm routing_officer) mới được thay đổi vùng "
                "trách nhiệm.",
                "Only routing officers (group routing_officer) may change "
                "responsibility zones.",
                status_code=status.HTTP_403_FORBIDDEN,
            )
        return True
