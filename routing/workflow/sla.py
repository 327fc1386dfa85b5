"""Deadlines: where a report stands against its SLA, and the escalation job."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import (
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from routing.models import Department, Notification, Report, ReportEvent
from routing.notifications.outbox import enqueue
from routing.reports import roles
from routing.zones.sql import TRIAGE_DESKS


@dataclass(frozen=True)
class SlaFlags:
    """Where an open report stands against its deadline. ``share`` is the part of
    the allowed time of the current round (wall clock, from the report or its last
    reopening to due_at) already passed."""

    overdue: bool
    due_soon: bool
    share: float | None


# A reopened report gets a new deadline from its reopening (routing.workflow.status);
# only "reopened" and what follows it ("in_progress") can be in a later round.
_LATER_ROUND = (Report.Status.REOPENED, Report.Status.IN_PROGRESS)


def _last_reopened() -> Subquery:
    return Subquery(
        ReportEvent.objects.filter(
            report=OuterRef("pk"), to_status=Report.Status.REOPENED
        )
        .order_by("-at")
        .values("at")[:1]
    )


def round_started_at(report: Report) -> dt.datetime:
    """When the current handling round began: the last reopening, else the report.
    Uses ``round_started_at`` when a selector annotated it."""
    annotated = getattr(report, "round_started_at", None)
    if annotated is not None:
        return annotated
    if report.status in _LATER_ROUND:
        last = (
            report.events.filter(to_status=Report.Status.REOPENED)
            .order_by("-at")
            .values_list("at", flat=True)
            .first()
        )
        if last is not None:
            return last
    return report.reported_at


def sla_flags(report: Report, now: dt.datetime | None = None) -> SlaFlags:
    """Overdue past due_at; due soon once SLA_DUE_SOON_SHARE of the allowed time has
    passed. Reports no longer open, or without a deadline, are neither."""
    if report.due_at is None or not report.is_open:
        return SlaFlags(overdue=False, due_soon=False, share=None)
    now = now or timezone.now()
    start = round_started_at(report)
    allowed = (report.due_at - start).total_seconds()
    passed = (now - start).total_seconds()
    share = passed / allowed if allowed > 0 else 1.0
    overdue = now > report.due_at
    due_soon = not overdue and share >= settings.SLA_DUE_SOON_SHARE
    return SlaFlags(overdue=overdue, due_soon=due_soon, share=round(share, 3))


def reports_overdue(now: dt.datetime | None = None) -> QuerySet[Report]:
    """Open reports past their deadline."""
    return Report.objects.filter(
        status__in=Report.OPEN_STATUSES, due_at__lt=now or timezone.now()
    )


def reports_due_soon(now: dt.datetime | None = None) -> QuerySet[Report]:
    """Open reports not yet overdue with SLA_DUE_SOON_SHARE of their round's time
    passed (annotated with ``round_started_at``)."""
    now = now or timezone.now()
    start = Coalesce(_last_reopened(), F("reported_at"))
    allowed = ExpressionWrapper(
        F("due_at") - F("round_started_at"), output_field=DurationField()
    )
    share = Value(settings.SLA_DUE_SOON_SHARE, output_field=FloatField())
    soon_from = ExpressionWrapper(
        F("round_started_at")
        + ExpressionWrapper(allowed * share, output_field=DurationField()),
        output_field=DateTimeField(),
    )
    return (
        Report.objects.filter(status__in=Report.OPEN_STATUSES, due_at__gte=now)
        .annotate(round_started_at=start)
        .alias(soon_from=soon_from)
        .filter(soon_from__lte=now)
    )


def reports_escalate(*, now: dt.datetime | None = None, batch: int = 1000) -> int:
    """Escalate open reports past their deadline that are not escalated yet: set
    ``escalated_at``, add an internal ``escalation`` event and e-mail the triage desk
    of the report's jurisdiction (an outbox row). Set-based per batch, one
    transaction per batch; rows another run holds are skipped, and an escalated
    report is never picked again, so running twice escalates once. Returns how many
    reports were escalated."""
    now = now or timezone.now()
    total = 0
    while True:
        with transaction.atomic():
            ids = list(
                reports_overdue(now)
                .filter(escalated_at__isnull=True)
                .select_for_update(skip_locked=True)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch]
            )
            if ids:
                _escalate(ids, now)
        total += len(ids)
        if len(ids) < batch:
            return total


def triage_desks(*, jurisdictions: Iterable[str]) -> dict[str, Department]:
    """The triage desk of each jurisdiction, by the routing rule
    (``routing.zones.sql.TRIAGE_DESKS``: the oldest active desk); jurisdictions
    without one are left out."""
    chosen = RawSQL(
        f"SELECT t.department_id FROM ({TRIAGE_DESKS}) t "
        "WHERE t.jurisdiction_code = ANY(%s)",
        [sorted(set(jurisdictions))],
    )
    return {d.jurisdiction_code: d for d in Department.objects.filter(pk__in=chosen)}


def _escalate(ids: list[int], now: dt.datetime) -> None:
    Report.objects.filter(pk__in=ids).update(escalated_at=now, updated_at=now)
    reports = list(
        Report.objects.filter(pk__in=ids).select_related("category", "department")
    )
    desks = triage_desks(jurisdictions={r.jurisdiction_code for r in reports})
    events, rows = [], []
    for report in reports:
        # Locked in this transaction, picked by reports_overdue: it has a deadline.
        assert report.due_at is not None
        desk = desks.get(report.jurisdiction_code)
        events.append(
            ReportEvent(
                report=report,
                kind=ReportEvent.Kind.ESCALATION,
                actor_role=roles.SYSTEM,
                public=False,
                note="Quá hạn xử lý, chuyển bộ phận tiếp nhận IOC.",
                data={
                    "due_at": report.due_at.isoformat(),
                    "department": report.department.code,
                    "triage": desk.code if desk else None,
                },
            )
        )
        if desk and desk.email:
            rows.append(_escalation_mail(report, desk, report.due_at, now))
    ReportEvent.objects.bulk_create(events)
    created = Notification.objects.bulk_create(rows)
    sent = [n.pk for n in created]
    if sent:
        transaction.on_commit(lambda: enqueue(sent))


def _escalation_mail(
    report: Report, desk: Department, due_at: dt.datetime, now: dt.datetime
) -> Notification:
    due = timezone.localtime(due_at)
    department = report.department
    return Notification(
        channel=Notification.Channel.EMAIL,
        recipient=desk.email,
        subject=f"[{report.tracking_code}] Quá hạn xử lý: {report.category.name_vi}",
        body=(
            f"Phản ánh {report.tracking_code} ({report.category.name_vi}) giao "
            f"{department.name_vi} đã quá hạn lúc {due:%H:%M %d/%m/%Y}.\n\n---\n"
            f"Report {report.tracking_code} ({report.category.name_en}) assigned to "
            f"{department.name_en} was due at {due:%H:%M %d/%m/%Y}."
        ),
        payload={
            "event": "escalated",
            "tracking_code": report.tracking_code,
            "status": report.status,
            "category": report.category.code,
            "department": department.code,
            "due_at": due_at.isoformat(),
            "escalated_at": now.isoformat(),
        },
        report=report,
        next_attempt_at=now,
    )
