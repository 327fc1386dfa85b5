"""Who may read analytics: the policy's ``may_read_analytics`` (planners,
operations-centre staff and admins), as a DRF permission.

Analytics carry no personal data, but they do reveal every report's place and time
(points when zoomed in, exports), so they are staff-only. Anyone else, signed in or
not, gets 403 with the API's bilingual error body.
"""

from __future__ import annotations

from api.access import PolicyPermission
from routing.reports.access import may_read_analytics


class AnalyticsReader(PolicyPermission):
    allowed = staticmethod(may_read_analytics)
    refusal = (
        "Chỉ cán bộ quy hoạch, điều phối viên IOC và quản trị mới xem được số "
        "liệu phân tích.",
        "Only planners, operations-centre staff and admins may read analytics.",
    )
