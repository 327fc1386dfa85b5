"""Who may read analytics: planners, operations-centre staff and admins.

Analytics carry no personal data, but they do reveal every report's place and time
(points when zoomed in, exports), so they are staff-only. Anyone else, signed in or
not, gets 403 with the API's bilingual error body.
"""

from __future__ import annotations

from rest_framework import status
from rest_framework.permissions import BasePermission

from api.errors import ApiError
from routing.reports import lifecycle
from routing.reports.roles import role_of

READERS = frozenset({lifecycle.PLANNER, lifecycle.IOC_OPERATOR, lifecycle.ADMIN})


class AnalyticsReader(BasePermission):
    def has_permission(self, request, view) -> bool:
        if role_of(request.user) in READERS:
            return True
        raise ApiError(
            "permission_denied",
            "Chỉ cán bộ quy hoạch, điều phối viên IOC và quản trị mới xem được số "
            "liệu phân tích.",
            "Only planners, operations-centre staff and admins may read analytics.",
            status_code=status.HTTP_403_FORBIDDEN,
        )
