"""Checks the workflow services share: the actor's role and scope, the report's
state, required input, and the row lock."""

from __future__ import annotations

from routing.models import Report
from routing.reports import lifecycle, roles
from routing.reports.access import reports_visible_to
from routing.reports.roles import Actor, profile_of, role_of
from routing.workflow.errors import WorkflowConflict, WorkflowError, WorkflowForbidden

S = Report.Status
# Roles that appear in the table at all; the others (unit officers, routing
# officers, planners) never change a status.
WORKFLOW_ROLES = frozenset().union(*(s.roles for s in lifecycle.TRANSITIONS.values()))
ROUTING_ROLES = frozenset({roles.IOC_OPERATOR, roles.ADMIN})
COMMENT_ROLES = frozenset(
    {
        roles.IOC_OPERATOR,
        roles.ADMIN,
        roles.DEPARTMENT_OFFICER,
        roles.UNIT_OFFICER,
    }
)


def status_label(status: str) -> str:
    return str(S(status).label)


def lock(*reports: Report) -> list[Report]:
    """The reports' rows, locked in id order (so two merges cannot deadlock)."""
    ids = [r.pk for r in reports]
    rows = (
        Report.objects.select_for_update(of=("self",))
        .select_related("category", "department", "unit")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    by_id = {r.pk: r for r in rows}
    return [by_id[pk] for pk in ids]


def acting_role(actor: Actor) -> str:
    """The role ``actor`` acts in; None is the system; a user without one is refused."""
    if actor is None:
        return roles.SYSTEM
    role = role_of(actor)
    if role is None:
        raise WorkflowForbidden(
            "not_staff",
            "Tài khoản này không có vai trò cán bộ.",
            "This account has no staff role.",
        )
    return role


def require_role(role: str, allowed: frozenset[str]) -> None:
    if role not in allowed:
        raise WorkflowForbidden(
            "role_not_allowed",
            "Vai trò của bạn không được thực hiện thao tác này.",
            f"The role '{role}' may not do this.",
        )


def require_own_department(report: Report, actor: Actor, role: str) -> None:
    """A department officer acts only on the reports of their own department."""
    if role != roles.DEPARTMENT_OFFICER:
        return
    profile = profile_of(actor)
    if profile is None or profile.department_id != report.department_id:
        raise WorkflowForbidden(
            "other_department",
            "Phản ánh này do cơ quan khác xử lý.",
            "This report is handled by another department.",
        )


def require_open(report: Report) -> None:
    if not report.is_open:
        raise WorkflowConflict(
            "report_not_open",
            f"Phản ánh {report.tracking_code} đang ở trạng thái «{status_label(report.status)}»"
            ", không còn xử lý.",
            f"Report {report.tracking_code} is {report.status} and no longer open.",
        )


def require_note(note: str) -> str:
    note = (note or "").strip()
    if not note:
        raise WorkflowError(
            "note_required",
            "Cần ghi rõ nội dung (ghi chú).",
            "A note is required.",
            field="note",
        )
    return note


def check_duplicate_target(
    report: Report, into: Report | None, actor: Actor, role: str
) -> Report:
    """``into``, if it may be the original of ``report``."""
    if into is None:
        raise WorkflowError(
            "duplicate_of_required",
            "Cần chỉ rõ phản ánh gốc mà phản ánh này trùng lặp.",
            "Name the report this one duplicates (duplicate_of).",
            field="duplicate_of",
        )
    if into.pk == report.pk:
        raise WorkflowError(
            "duplicate_of_self",
            "Phản ánh không thể trùng với chính nó.",
            "A report cannot duplicate itself.",
            field="duplicate_of",
        )
    if not into.is_open:
        raise WorkflowConflict(
            "duplicate_of_not_open",
            f"Phản ánh gốc {into.tracking_code} không còn đang xử lý.",
            f"The original report {into.tracking_code} is no longer open.",
            field="duplicate_of",
        )
    if into.category_id != report.category_id:
        raise WorkflowError(
            "duplicate_of_other_category",
            "Chỉ gộp phản ánh cùng lĩnh vực; hãy đổi lĩnh vực trước.",
            "Only reports of the same category can be merged; change the category "
            "first.",
            field="duplicate_of",
        )
    visible = reports_visible_to(actor, Report.objects.filter(pk=into.pk))
    if role == roles.DEPARTMENT_OFFICER and not visible.exists():
        raise WorkflowForbidden(
            "duplicate_of_other_department",
            "Chỉ gộp vào phản ánh của cơ quan mình; báo IOC để gộp liên cơ quan.",
            "Merge only into your department's reports; ask the operations centre "
            "to merge across departments.",
            field="duplicate_of",
        )
    return into
