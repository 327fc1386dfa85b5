"""Status changes, merges, comments and the citizen's rating.

Every status change goes through ``_status_change``: the step is checked against the
workflow table and the actor first (``_step_check``, which writes nothing), then
applied (``_step_apply``: timestamps, events, notifications)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from routing.intake.photo_files import PhotoFiles
from routing.intake.photos import CheckedPhoto
from routing.models import Report, ReportEvent
from routing.notifications.outbox import notify_assignment, notify_public_event
from routing.reports import lifecycle, roles
from routing.reports.access import reports_visible_to
from routing.reports.events import event_record
from routing.reports.roles import Actor
from routing.workflow.citizen import reporter_check
from routing.workflow.deadlines import due_at
from routing.workflow.errors import WorkflowConflict, WorkflowError, WorkflowForbidden
from routing.workflow.guards import (
    COMMENT_ROLES,
    WORKFLOW_ROLES,
    S,
    acting_role,
    check_duplicate_target,
    lock,
    require_note,
    require_own_department,
    require_role,
    status_label,
)
from routing.workflow.resolution import (
    after_photos_check,
    after_photos_store,
    result_note_check,
)


@dataclass(frozen=True)
class _CheckedStep:
    """A step that passed its checks: what applying it writes and records."""

    to_status: str
    note: str
    kind: str
    data: dict
    into: Report | None  # the report a duplicate is merged into
    reason: str | None  # the rejection reason, for a step that needs one
    photos: Sequence[CheckedPhoto] = ()  # photos of the fix, resolving


def _status_change(
    *,
    report: Report,
    to_status: str,
    actor: Actor,
    role: str,
    note: str = "",
    public: bool = True,
    reason: str = "",
    into: Report | None = None,
    kind: str = ReportEvent.Kind.STATUS,
    data: dict | None = None,
    photos: Sequence[CheckedPhoto] = (),
    files: PhotoFiles | None = None,
) -> ReportEvent:
    """Check and apply one step of the table to a locked report (``photos``: of
    the fix, resolving; their files are remembered in ``files``)."""
    checked = _step_check(
        report=report,
        to_status=to_status,
        actor=actor,
        role=role,
        note=note,
        public=public,
        reason=reason,
        into=into,
        kind=kind,
        data=data,
        photos=photos,
    )
    return _step_apply(
        report=report,
        checked=checked,
        actor=actor,
        role=role,
        public=public,
        files=files or PhotoFiles(),
    )


def _step_allowed(current: str, to_status: str, role: str) -> lifecycle.Step:
    """The table's step from ``current`` to ``to_status``, if ``role`` may take it."""
    if role not in WORKFLOW_ROLES:
        raise WorkflowForbidden(
            "role_comments_only",
            "Vai trò của bạn chỉ được ghi chú, không được đổi trạng thái.",
            f"The role '{role}' may comment but not change a report's status.",
        )
    step = lifecycle.step(current, to_status)
    if step is None:
        raise WorkflowConflict(
            "impossible_transition",
            f"Không thể chuyển từ «{status_label(current)}» sang «{status_label(to_status)}».",
            f"A report cannot go from {current} to {to_status}.",
            field="to",
            extra={"status": current},
        )
    if role not in step.roles:
        raise WorkflowForbidden(
            "role_not_allowed",
            f"Vai trò của bạn không được chuyển từ «{status_label(current)}» sang "
            f"«{status_label(to_status)}».",
            f"The role '{role}' may not move a report from {current} to {to_status}.",
        )
    return step


def _step_check(
    *,
    report: Report,
    to_status: str,
    actor: Actor,
    role: str,
    note: str,
    public: bool,
    reason: str,
    into: Report | None,
    kind: str,
    data: dict | None,
    photos: Sequence[CheckedPhoto] = (),
) -> _CheckedStep:
    """The checks of a step (role, table, own department, note, the result note
    and photos of the fix for ``resolved``, rejection reason, duplicate target);
    nothing is written."""
    step = _step_allowed(report.status, to_status, role)
    require_own_department(report, actor, role)
    note = (note or "").strip()
    if to_status == S.RESOLVED:
        note = result_note_check(note)  # stored masked, on the report and the event
    after_photos_check(report, to_status, photos)
    if step.needs_note:
        note = require_note(note)
        if not public:
            raise WorkflowError(
                "note_must_be_public",
                "Bước này cần một ghi chú công khai cho người dân.",
                "This step needs a note the citizen can read (public).",
                field="public",
            )
    if step.needs_reason and reason not in Report.RejectionReason.values:
        raise WorkflowError(
            "reason_required",
            "Cần chọn lý do từ chối: " + ", ".join(Report.RejectionReason.values),
            "Choose a rejection reason: " + ", ".join(Report.RejectionReason.values),
            field="reason",
        )
    data = dict(data or {})
    if step.needs_duplicate_of:
        into = check_duplicate_target(report, into, actor, role)
        data["duplicate_of"] = into.tracking_code
        kind = ReportEvent.Kind.MERGE
        note = note or (
            f"Trùng với phản ánh {into.tracking_code} "
            f"(duplicate of {into.tracking_code})."
        )
    else:
        into = None  # only a step to "duplicate" names another report
    if step.needs_reason:
        data["reason"] = reason
    return _CheckedStep(
        to_status=to_status,
        note=note,
        kind=kind,
        data=data,
        into=into,
        reason=reason if step.needs_reason else None,
        photos=photos,
    )


def _step_apply(
    *,
    report: Report,
    checked: _CheckedStep,
    actor: Actor,
    role: str,
    public: bool,
    files: PhotoFiles,
) -> ReportEvent:
    """Apply a checked step: the report's status and timestamps (a new deadline
    for a new round), the result note and photos of the fix, its events and the
    notifications."""
    current, to_status, into = report.status, checked.to_status, checked.into
    if into is not None:
        report.duplicate_of = into
    if checked.reason is not None:
        report.rejection_reason = checked.reason
    now = timezone.now()
    report.status = to_status
    if to_status == S.RESOLVED:
        report.resolved_at = now
        report.result_note = checked.note
    elif to_status in {S.CLOSED, S.REJECTED, S.DUPLICATE}:
        report.closed_at = now
    elif to_status == S.REOPENED:
        # A new handling round: a new deadline from now, which may escalate again.
        report.reopen_count += 1
        report.resolved_at = report.closed_at = report.escalated_at = None
        report.due_at = due_at(
            category=report.category, start=now, urgent=report.urgent
        )
    report.save()
    data = checked.data
    if checked.photos:
        stored = after_photos_store(report, checked.photos, files)
        data = {**data, "after_photos": [photo.pk for photo in stored]}
    event = event_record(
        report=report,
        kind=checked.kind,
        actor=actor,
        role=role,
        from_status=current,
        to_status=to_status,
        public=public,
        note=checked.note,
        data=data,
    )
    if into is not None:
        event_record(
            report=into,
            kind=ReportEvent.Kind.MERGE,
            actor=actor,
            role=role,
            public=False,
            data={"merged": report.tracking_code},
        )
    if public:
        notify_public_event(report=report, event=event)
    if to_status == S.ASSIGNED:
        current_assignment = report.assignments.filter(is_current=True).first()
        if current_assignment is not None:
            notify_assignment(report=report, assignment=current_assignment)
    return event


def report_transition_allowed(*, report: Report, to_status: str, actor: Actor) -> None:
    """Refuse early (403, 409; nothing locked or written) a step the actor's role
    or department may not take now, so an edge need not decode photos of the fix
    for a step that will be refused; ``report_transition`` checks again under the
    row lock."""
    role = acting_role(actor)
    _step_allowed(report.status, to_status, role)
    require_own_department(report, actor, role)


def report_transition(
    *,
    report: Report,
    to_status: str,
    actor: Actor,
    note: str = "",
    public: bool = True,
    reason: str = "",
    duplicate_of: Report | None = None,
    photos: Sequence[CheckedPhoto] = (),
) -> Report:
    """Move ``report`` to ``to_status`` as ``actor`` (None: the system), if the
    workflow lets the actor's role take that step. Resolving needs a result note
    (``note``) and, for some categories, a photo of the fix (``photos``, checked by
    ``routing.intake.photos``; ``routing.workflow.resolution``). Returns the
    updated report. Photo files written for a step that fails are deleted."""
    files = PhotoFiles()
    try:
        return _transition(
            report=report,
            to_status=to_status,
            actor=actor,
            note=note,
            public=public,
            reason=reason,
            duplicate_of=duplicate_of,
            photos=photos,
            files=files,
        )
    except BaseException:
        files.delete()
        raise


@transaction.atomic
def _transition(
    *,
    report: Report,
    to_status: str,
    actor: Actor,
    note: str,
    public: bool,
    reason: str,
    duplicate_of: Report | None,
    photos: Sequence[CheckedPhoto],
    files: PhotoFiles,
) -> Report:
    role = acting_role(actor)
    if duplicate_of is not None:
        report, duplicate_of = lock(report, duplicate_of)
    else:
        (report,) = lock(report)
    _status_change(
        report=report,
        to_status=to_status,
        actor=actor,
        role=role,
        note=note,
        public=public,
        reason=reason,
        into=duplicate_of,
        photos=photos,
        files=files,
    )
    return report


def report_merge(
    *, report: Report, into: Report, actor: Actor, note: str = ""
) -> Report:
    """Mark ``report`` a duplicate of ``into`` (open, same category); both get an
    event, the citizen of ``report`` is told which report carries on."""
    return report_transition(
        report=report,
        to_status=S.DUPLICATE,
        actor=actor,
        note=note,
        duplicate_of=into,
    )


@transaction.atomic
def report_comment(
    *, report: Report, actor: Actor, note: str, public: bool
) -> ReportEvent:
    """A note from a staff member who can see the report; a public one is sent to
    the citizen."""
    role = acting_role(actor)
    require_role(role, COMMENT_ROLES)
    (report,) = lock(report)
    if not reports_visible_to(actor, Report.objects.filter(pk=report.pk)).exists():
        raise WorkflowForbidden(
            "not_your_report",
            "Bạn không phụ trách phản ánh này.",
            "This report is not in your area or department.",
        )
    event = event_record(
        report=report,
        kind=ReportEvent.Kind.COMMENT,
        actor=actor,
        role=role,
        public=public,
        note=require_note(note),
    )
    if public:
        notify_public_event(report=report, event=event)
    return event


@transaction.atomic
def report_rate(
    *,
    report: Report,
    receipt: str,
    rating: str,
    note: str = "",
    reopen: bool = False,
    verified_phone: str = "",
) -> Report:
    """The reporter rates a resolved report, proved by its ``receipt`` secret
    (``routing.workflow.citizen.receipt_check``): satisfied or acceptable closes
    it; dissatisfied closes it too unless ``reopen`` (which needs a note saying what
    is still wrong) sends it back to the department. A verified citizen whose
    proven phone (``verified_phone``) is the report's needs no receipt."""
    reporter_check(
        report=report,
        code=report.tracking_code,
        receipt=receipt,
        verified_phone=verified_phone,
    )
    (report,) = lock(report)
    if rating not in Report.Rating.values:
        raise WorkflowError(
            "invalid_rating",
            "Đánh giá phải là: " + ", ".join(Report.Rating.values),
            "The rating must be one of: " + ", ".join(Report.Rating.values),
            field="rating",
        )
    if reopen and rating != Report.Rating.DISSATISFIED:
        raise WorkflowError(
            "reopen_needs_dissatisfied",
            "Chỉ mở lại phản ánh khi không hài lòng.",
            "Only a dissatisfied rating can reopen a report.",
            field="reopen",
        )
    if report.status != S.RESOLVED:
        raise WorkflowConflict(
            "not_resolved",
            "Chỉ đánh giá được phản ánh đã xử lý xong.",
            "Only a resolved report can be rated.",
        )
    report.rating = rating
    report.rated_at = timezone.now()
    _status_change(
        report=report,
        to_status=S.REOPENED if reopen else S.CLOSED,
        actor=None,
        role=roles.CITIZEN,
        note=note,
        kind=ReportEvent.Kind.RATING,
        data={"rating": rating},
    )
    return report
