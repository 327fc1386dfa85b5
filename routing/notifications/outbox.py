"""Write outbox rows for the people a report change concerns.

Called by the services inside their transaction. After commit, each row is handed to
a Celery worker; if the broker cannot be reached the row simply waits for the
periodic sweep (routing.notifications.tasks). Messages are in Vietnamese first, with
the English below.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from routing.models import Assignment, Notification, Report, ReportEvent

log = logging.getLogger(__name__)

# Set in the payload of the reporter's own rows: delivery adds their receipt link.
RECEIPT_LINK = "receipt_link"


def _queue(rows: list[Notification]) -> list[Notification]:
    created = Notification.objects.bulk_create(rows)
    ids = [n.pk for n in created]
    if ids:
        transaction.on_commit(lambda: enqueue(ids))
    return created


def enqueue(ids: list[int]) -> None:
    """Hand rows to Celery now; a broker that is down only delays them to the sweep."""
    from routing.notifications.tasks import deliver

    for notification_id in ids:
        try:
            deliver.apply_async((notification_id,), retry=False)
        except Exception as exc:  # broker down: the sweep will send it
            log.warning("outbox %s waits for the sweep: %s", notification_id, exc)
            return


def _row(
    channel: str, recipient: str, subject: str, body: str, payload: dict, report: Report
) -> Notification:
    return Notification(
        channel=channel,
        recipient=recipient,
        subject=subject,
        body=body,
        payload=payload,
        report=report,
        next_attempt_at=timezone.now(),
    )


def _department_rows(
    report: Report, subject: str, body: str, payload: dict
) -> list[Notification]:
    department = report.department
    targets = [
        (Notification.Channel.EMAIL, department.email),
        (Notification.Channel.WEBHOOK, department.webhook_url),
    ]
    rows = [
        _row(channel, recipient, subject, body, payload, report)
        for channel, recipient in targets
        if recipient
    ]
    for row in rows:
        row.department = department
    return rows


def _citizen_rows(
    report: Report, subject: str, body: str, payload: dict
) -> list[Notification]:
    """The reporter's e-mail and SMS. They carry the receipt link, added when each
    is sent (``routing.notifications.delivery``), so the secret is never stored in
    the outbox; department rows never carry it."""
    payload = {**payload, RECEIPT_LINK: True}
    rows = []
    if report.reporter_email:
        rows.append(
            _row(
                Notification.Channel.EMAIL,
                report.reporter_email,
                subject,
                body,
                payload,
                report,
            )
        )
    if report.reporter_phone:
        # An SMS carries the short subject line only.
        rows.append(
            _row(
                Notification.Channel.SMS,
                report.reporter_phone,
                "",
                subject,
                payload,
                report,
            )
        )
    return rows


def _payload(report: Report, event: str, **extra: Any) -> dict[str, Any]:
    return {
        "event": event,
        "tracking_code": report.tracking_code,
        "status": report.status,
        "category": report.category.code,
        "department": report.department.code,
        "lon": report.location.x,
        "lat": report.location.y,
        "reported_at": report.reported_at.isoformat(),
        "due_at": report.due_at.isoformat() if report.due_at else None,
        **extra,
    }


def notify_assignment(*, report: Report, assignment: Assignment) -> list[Notification]:
    """Tell the department it has a new report (e-mail and signed webhook), and the
    citizen who handles it (e-mail, SMS)."""
    subject = f"[{report.tracking_code}] Phản ánh mới: {report.category.name_vi}"
    body = (
        f"{assignment.reason_vi}\n\nMô tả: {report.description}\n\n"
        f"---\nNew report ({report.category.name_en}). {assignment.reason_en}"
    )
    payload = _payload(
        report,
        "assigned",
        rule=assignment.rule,
        zone=assignment.zone_id,
        near_edge=assignment.near_edge,
    )
    department = report.department
    receipt = f"[{report.tracking_code}] Đã tiếp nhận, chuyển {department.name_vi}"
    receipt_body = (
        f"Phản ánh {report.tracking_code} ({report.category.name_vi}) đã được tiếp nhận "
        f"và chuyển {department.name_vi} xử lý. Tra cứu bằng mã {report.tracking_code}."
        f"\n---\nReport {report.tracking_code} ({report.category.name_en}) was received "
        f"and sent to {department.name_en}. Track it with code {report.tracking_code}."
    )
    rows = _department_rows(report, subject, body, payload)
    rows += _citizen_rows(report, receipt, receipt_body, payload)
    return _queue(rows)


def notify_public_event(*, report: Report, event: ReportEvent) -> list[Notification]:
    """Tell the citizen (and the department) about a public status change."""
    status_vi = Report.Status(report.status).label
    subject = f"[{report.tracking_code}] {status_vi}"
    body = f"{status_vi}\n{event.note}".strip()
    payload = _payload(report, "status", note=event.note, event_id=event.pk)
    rows = _citizen_rows(report, subject, body, payload)
    rows += _department_rows(report, subject, body, payload)
    return _queue(rows)


def notify_citizen_info(*, report: Report, event: ReportEvent) -> list[Notification]:
    """Tell the department the reporter added information (the reporter, who wrote
    it, is not told)."""
    subject = f"[{report.tracking_code}] Người phản ánh bổ sung thông tin"
    body = (
        f"Người phản ánh bổ sung thông tin cho phản ánh {report.tracking_code}:\n"
        f"{event.note}\n\n---\nThe reporter added information to report "
        f"{report.tracking_code} (above)."
    )
    payload = _payload(report, "citizen_info", note=event.note, event_id=event.pk)
    return _queue(_department_rows(report, subject, body, payload))
