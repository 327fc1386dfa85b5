"""Who may change responsibility zones: the policy's ``may_edit_zones`` (routing
officers and admins), as a DRF permission.

Reads are public. Every other method (create, edit, delete, validate, preview,
publish) needs an active user acting as routing officer, or an admin. Refusals carry
the API's bilingual error shape; an anonymous request gets 403 (staff sign in with a
session; there is no HTTP Basic).
"""

from __future__ import annotations

from api.access import PolicyPermission
from routing.reports.access import may_edit_zones


class RoutingOfficerWrites(PolicyPermission):
    """Anyone may read; only routing officers and admins may write."""

    allowed = staticmethod(may_edit_zones)
    reads_open = True
    sign_in = (
        "Cần đăng nhập bằng tài khoản cán bộ điều phối để thay đổi vùng trách nhiệm.",
        "Sign in as a routing officer to change responsibility zones.",
    )
    refusal = (
        "Chỉ cán bộ điều phối (vai trò routing_officer) mới được thay đổi vùng "
        "trách nhiệm.",
        "Only routing officers (role routing_officer) may change responsibility zones.",
    )
