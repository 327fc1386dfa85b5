"""The operations centre decides what the public reads of a report.

``report_publication_decide`` approves (a public text and the photos to show) or
withholds a report the citizen asked to publish (withholding needs a reason, kept
in the internal event: the citizen and the public never read it); the rule it
serves is ``routing.reports.publication``. One transaction: the report row locked, the
decision and who made it stored on the report and on its photos, and an internal
timeline event naming the decider. A decision can be taken again (an approval
withdrawn, a withheld report approved, a public text corrected), but only on the
state the reviewer saw: ``expected`` (the state their page or client showed) is
compared *after* the row is locked, so of two reviewers deciding at the same
moment the second is refused (409) instead of silently undoing the first.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from routing.intake.inputs import MAX_DESCRIPTION, text_check
from routing.models import Report, ReportEvent, ReportPhoto
from routing.reports.access import may_review_publication
from routing.reports.events import event_record
from routing.reports.redaction import text_mask
from routing.reports.roles import Actor, acting_user
from routing.workflow.errors import WorkflowConflict, WorkflowError, WorkflowForbidden
from routing.workflow.guards import acting_role, lock

P = Report.Publication


def _checked(report: Report, actor: Actor, approve: bool) -> str:
    """The actor's role, if the decision may be taken on this report."""
    role = acting_role(actor)
    if not may_review_publication(actor):
        raise WorkflowForbidden(
            "publication_not_allowed",
            "Chỉ Trung tâm IOC và quản trị viên duyệt công khai phản ánh.",
            "Only the operations centre and administrators decide publication.",
        )
    if report.publication == P.PRIVATE:
        raise WorkflowConflict(
            "publication_not_requested",
            "Người dân không đồng ý công khai phản ánh này (hoặc lĩnh vực không được "
            "công khai).",
            "The citizen did not agree to publish this report (or its category is "
            "never public).",
        )
    if approve and report.category.sensitive:
        raise WorkflowConflict(
            "publication_sensitive",
            f"Lĩnh vực «{report.category.name_vi}» không bao giờ được công khai.",
            f"Reports of “{report.category.name_en}” are never public.",
        )
    return role


def _unchanged(report: Report, expected: str | None) -> None:
    """Refuse a decision taken on a state that has changed since it was shown
    (``report`` is the locked row; None: the caller did not say what it saw)."""
    if expected is None or report.publication == expected:
        return
    now = P(report.publication)
    raise WorkflowConflict(
        "publication_changed",
        f"Phản ánh {report.tracking_code} vừa được người khác quyết định "
        f"(nay: «{now.label}»); hãy tải lại trang và xem lại trước khi quyết định.",
        f"Report {report.tracking_code} was just decided by someone else (now "
        f"{now.value}); reload and review it before deciding.",
        extra={"publication": now.value},
    )


def _chosen_photos(report: Report, photo_ids: Sequence[int] | None) -> set[int]:
    """The ids of the citizen's photos to show: all of them by default."""
    own = set(
        ReportPhoto.objects.filter(report=report, of_resolution=False).values_list(
            "pk", flat=True
        )
    )
    if photo_ids is None:
        return own
    chosen = {int(pk) for pk in photo_ids}
    unknown = sorted(chosen - own)
    if unknown:
        listed = ", ".join(str(pk) for pk in unknown[:10])
        raise WorkflowError(
            "publication_unknown_photos",
            f"Ảnh {listed} không phải ảnh người dân gửi kèm phản ánh này.",
            f"Photos {listed} are not photos the citizen sent with this report.",
            field="photos",
        )
    return chosen


@transaction.atomic
def report_publication_decide(
    *,
    report: Report,
    actor: Actor,
    approve: bool,
    text: str | None = None,
    photo_ids: Sequence[int] | None = None,
    note: str = "",
    expected: str | None = None,
) -> Report:
    """Approve (``text``: the public words, default the description masked;
    ``photo_ids``: the citizen's photos to show, default all) or withhold the
    report's publication. Refusals: 403 for a role that may not decide, 409 for
    a report the citizen did not ask to publish or (approving) of a sensitive
    category, 400 for a text too long, photos not the citizen's or a withholding
    without a reason (``note``), 409 when ``expected`` (the publication state
    the reviewer was shown) is no longer the report's."""
    (report,) = lock(report)
    role = _checked(report, actor, approve)
    _unchanged(report, expected)
    note = (note or "").strip()[:MAX_DESCRIPTION]
    if not approve and not note:
        raise WorkflowError(
            "publication_reason_required",
            "Cần ghi lý do không công khai phản ánh (chỉ cán bộ đọc được).",
            "Give the reason for not publishing the report (staff only).",
            field="note",
        )
    before = report.publication
    if approve:
        words = (
            text_mask(report.description)
            if text is None
            else text_check(
                text,
                field_name="public_description",
                label_vi="Nội dung công khai",
                max_length=MAX_DESCRIPTION,
            )
        )
        shown = _chosen_photos(report, photo_ids)
    else:
        words, shown = "", set()
    citizen = ReportPhoto.objects.filter(report=report, of_resolution=False)
    citizen.filter(pk__in=shown).update(public=True)
    citizen.exclude(pk__in=shown).update(public=False)
    report.publication = P.APPROVED if approve else P.WITHHELD
    report.public_description = words
    report.publication_decided_at = timezone.now()
    report.publication_decided_by = acting_user(actor)
    report.save(
        update_fields=[
            "publication",
            "public_description",
            "publication_decided_at",
            "publication_decided_by",
            "updated_at",
        ]
    )
    event_record(
        report=report,
        kind=ReportEvent.Kind.PUBLICATION,
        actor=actor,
        role=role,
        public=False,
        note=note,
        data={
            "publication": report.publication,
            "before": before,
            "photos": sorted(shown),
            "public_description": words,
            **({} if approve else {"reason": note}),
        },
    )
    return report
