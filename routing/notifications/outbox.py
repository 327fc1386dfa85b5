"""Write outbox rows for the people a report change concerns.

Called by the services inside their transaction. After commit, each row is handed to
a Celery worker; if the broker cannot be reached the row simply waits for the
periodic sweep (routing.notifications.tasks). Messages are in Vietnamese first, with
the English below.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from routing.models import (
    Assignment,
    Notification,
    Report,
    ReportEvent,
    ReportFollower,
)

log = logging.getLogger(__name__)

# Set in the payload of the reporter's own rows: delivery adds their receipt link.
RECEIPT_LINK = "receipt_link"


def outbox_queue(rows: list[Notification]) -> list[Notification]:
    """Write ``rows`` in one INSERT and hand them to Celery after commit."""
    created = Notification.objects.bulk_create(rows)
    outbox_written(created)
    return created


def outbox_written(rows: list[Notification]) -> None:
    """Hand ``rows``, written by the caller in its transaction (ids set), to Celery
    after commit."""
    ids = [n.pk for n in rows]
    if ids:
        transaction.on_commit(lambda: enqueue(ids))


def sweep_soon() -> None:
    """Ask for one outbox sweep now (after a bulk write: one broker call, not one
    per row); a broker that is down only delays the rows to the periodic sweep."""
    from routing.notifications.tasks import outbox_sweep

    try:
        outbox_sweep.apply_async(retry=False)
    except Exception as exc:  # broker down: the periodic sweep will send them
        log.warning("outbox rows wait for the periodic sweep: %s", exc)


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
    channel: str,
    recipient: str,
    subject: str,
    body: str,
    payload: dict,
    report: Report | None,
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
    report: Report, subject: str, body: str, payload: dict, sms: str | None = None
) -> list[Notification]:
    """The reporter's e-mail and SMS, each only to a contact proven to be theirs:
    SMS to a phone verified by a one-time code (``contact_verified``), e-mail to an
    address verified by its link (``email_verified``); an unproven contact gets
    nothing (anyone can type a stranger's number or address into a report). They
    carry the receipt link, added when each is sent
    (``routing.notifications.delivery``), so the secret is never stored in the
    outbox; department and follower rows never carry it. The SMS is ``sms`` (or the
    subject): one short line, so that with its link it fits one segment
    (SMS_MAX_SEGMENTS; tests/integration/test_sms_texts.py)."""
    payload = {**payload, RECEIPT_LINK: True}
    rows = []
    if report.reporter_email and report.email_verified:
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
    if report.reporter_phone and report.contact_verified:
        # An SMS carries one short line only.
        rows.append(
            _row(
                Notification.Channel.SMS,
                report.reporter_phone,
                "",
                sms or subject,
                payload,
                report,
            )
        )
    return rows


def _follower_rows(report: Report, subject: str, payload: dict) -> list[Notification]:
    """An SMS to each follower whose phone is verified and who wants updates
    (``ReportFollower``), never with the receipt link (it is the reporter's alone),
    and not twice to the reporter's own verified phone."""
    reporter = report.reporter_phone if report.contact_verified else ""
    phones = (
        ReportFollower.objects.filter(report=report, verified=True, notify=True)
        .exclude(phone=reporter)
        .values_list("phone", flat=True)
    )
    payload = {**payload, "follower": True}
    return [
        _row(Notification.Channel.SMS, phone, "", subject, payload, report)
        for phone in phones
    ]


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


def _assigned_payload(report: Report, assignment: Assignment) -> dict[str, Any]:
    """The webhook message a department gets for a report handed to it."""
    return _payload(
        report,
        "assigned",
        rule=assignment.rule,
        cause=assignment.cause,
        zone=assignment.zone_id,
        near_edge=assignment.near_edge,
    )


def notify_assignment(*, report: Report, assignment: Assignment) -> list[Notification]:
    """Tell the department it has a new report (e-mail and signed webhook), and the
    citizen who handles it (e-mail, SMS)."""
    return outbox_queue(assignment_rows(report=report, assignment=assignment))


def assignment_rows(*, report: Report, assignment: Assignment) -> list[Notification]:
    """The unsaved rows of ``notify_assignment``, for a caller that writes them
    with others in one INSERT (``outbox_queue``)."""
    subject = f"[{report.tracking_code}] Phản ánh mới: {report.category.name_vi}"
    body = (
        f"{assignment.reason_vi}\n\nMô tả: {report.description}\n\n"
        f"---\nNew report ({report.category.name_en}). {assignment.reason_en}"
    )
    payload = _assigned_payload(report, assignment)
    department = report.department
    receipt = f"[{report.tracking_code}] Đã tiếp nhận, chuyển {department.name_vi}"
    receipt_body = (
        f"Phản ánh {report.tracking_code} ({report.category.name_vi}) đã được tiếp nhận "
        f"và chuyển {department.name_vi} xử lý. Tra cứu bằng mã {report.tracking_code}."
        f"\n---\nReport {report.tracking_code} ({report.category.name_en}) was received "
        f"and sent to {department.name_en}. Track it with code {report.tracking_code}."
    )
    # The SMS leaves out the department, whose name alone can fill a segment.
    receipt_sms = f"[{report.tracking_code}] Đã tiếp nhận, chuyển xử lý (received)"
    rows = _department_rows(report, subject, body, payload)
    rows += _citizen_rows(report, receipt, receipt_body, payload, receipt_sms)
    return rows


def _resolved_texts(report: Report, event: ReportEvent) -> tuple[str, str, str]:
    """The reporter's subject, e-mail body and SMS for a resolved report: the
    result note in the e-mail, and in both the call to rate the result through
    the receipt link that delivery adds. The SMS is short: with ``SMS_ASCII_ONLY``
    (the default) it and the link stay one GSM-7 segment for a site address of up
    to about 48 characters (no brackets: ``[`` and ``]`` cost two septets each);
    without it the text is UCS-2, up to three segments
    (tests/integration/test_sms_texts.py)."""
    code = report.tracking_code
    subject = f"[{code}] Đã xử lý xong, mời đánh giá (resolved, please rate)"
    body = (
        f"Phản ánh {code} ({report.category.name_vi}) đã được xử lý xong.\n"
        f"Kết quả xử lý: {event.note}\n"
        "Mời bạn đánh giá kết quả qua đường dẫn bên dưới; nếu chưa được khắc "
        "phục, bạn có thể yêu cầu xử lý lại.\n---\n"
        f"Report {code} ({report.category.name_en}) was resolved.\n"
        f"Result (in Vietnamese): {event.note}\n"
        "Please rate the result through the link below; if it is not fixed, you "
        "can ask for the report to be reopened."
    )
    sms = f"{code}: Đã xử lý xong, mời đánh giá (resolved)"
    return subject, body, sms


def notify_public_event(*, report: Report, event: ReportEvent) -> list[Notification]:
    """Tell the citizen (and the department) about a public status change; a
    resolution asks the reporter to rate it (``_resolved_texts``)."""
    status_vi = Report.Status(report.status).label
    subject = f"[{report.tracking_code}] {status_vi}"
    body = f"{status_vi}\n{event.note}".strip()
    payload = _payload(report, "status", note=event.note, event_id=event.pk)
    resolved = (
        event.to_status == Report.Status.RESOLVED
        and event.kind == ReportEvent.Kind.STATUS
    )
    if resolved:
        mine, mine_body, sms = _resolved_texts(report, event)
        rows = _citizen_rows(report, mine, mine_body, payload, sms)
    else:
        rows = _citizen_rows(report, subject, body, payload)
    rows += _follower_rows(report, subject, payload)
    rows += _department_rows(report, subject, body, payload)
    return outbox_queue(rows)


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
    return outbox_queue(_department_rows(report, subject, body, payload))


def email_verify_row(*, report: Report, link: str) -> Notification:
    """One e-mail to the address a new report gave, asking to prove it is theirs
    by following ``link`` (``routing.citizens.email_links``); until then no status
    e-mail goes there. It carries no receipt link: whoever typed the address may
    not own it. Unsaved: the intake writes it with its other outbox rows."""
    subject = f"[{report.tracking_code}] Xác nhận e-mail / Confirm your e-mail"
    body = (
        f"Phản ánh {report.tracking_code} ghi địa chỉ e-mail này để nhận kết quả. "
        f"Nếu đúng là bạn, hãy mở đường dẫn sau để xác nhận:\n{link}\n"
        "Nếu không phải bạn, hãy bỏ qua thư này: bạn sẽ không nhận thêm thư nào."
        f"\n---\nReport {report.tracking_code} gave this e-mail address for its "
        f"updates. If it was you, confirm by opening:\n{link}\nIf not, ignore "
        "this message: you will get no more."
    )
    payload = {"event": "email_verify", "tracking_code": report.tracking_code}
    return _row(
        Notification.Channel.EMAIL,
        report.reporter_email,
        subject,
        body,
        payload,
        report,
    )


def notify_operations_alert(
    *, subject: str, body: str, payload: dict[str, Any]
) -> list[Notification]:
    """An alert e-mail to the operations centre (``OPS_ALERT_EMAIL``; none when it
    is not set: the caller logs the alert as an error either way)."""
    if not settings.OPS_ALERT_EMAIL:
        return []
    return outbox_queue(
        [
            _row(
                Notification.Channel.EMAIL,
                settings.OPS_ALERT_EMAIL,
                subject,
                body,
                payload,
                None,
            )
        ]
    )


# A re-route digest lists this many reports; the rest are counted.
DIGEST_LINES = 200


def notify_rerouted(*, assignments: Iterable[Assignment]) -> list[Notification]:
    """Tell each department the open reports a bulk re-route (a zone publish) has
    handed it, with ``assignments`` the new current ones (report, category and
    department loaded).

    A department gets one e-mail listing its new reports (a publish can move
    hundreds: one message each would bury the desk), and, when it has a webhook,
    one signed ``assigned`` message per report, as for a new report, so a
    receiving system opens a case for each. Citizens are not told: nothing changes
    for them but the department their tracking page names. The rows are handed to
    the workers by one sweep after commit."""
    by_department: dict[int, list[Assignment]] = defaultdict(list)
    rows = []
    for assignment in assignments:
        report = assignment.report
        by_department[report.department_id].append(assignment)
        if report.department.webhook_url:
            row = _row(
                Notification.Channel.WEBHOOK,
                report.department.webhook_url,
                "",
                "",
                _assigned_payload(report, assignment),
                report,
            )
            row.department = report.department
            rows.append(row)
    for moved in by_department.values():
        department = moved[0].report.department
        if department.email:
            rows.append(_digest(department, moved))
    created = Notification.objects.bulk_create(rows, batch_size=1000)
    if created:
        transaction.on_commit(sweep_soon)
    return created


def _digest(department: Any, moved: list[Assignment]) -> Notification:
    """The e-mail listing the reports a re-route handed ``department``."""
    count = len(moved)
    lines = []
    for assignment in moved[:DIGEST_LINES]:
        report = assignment.report
        due = timezone.localtime(report.due_at) if report.due_at else None
        lines.append(
            f"- {report.tracking_code} · {report.category.name_vi} "
            f"({report.category.name_en})"
            + (f" · hạn / due {due:%d/%m/%Y %H:%M}" if due else "")
        )
    if count > DIGEST_LINES:
        more = count - DIGEST_LINES
        lines.append(f"… và {more} phản ánh khác / and {more} more")
    subject = (
        f"{count} phản ánh được chuyển đến {department.name_vi} do điều chỉnh vùng "
        f"trách nhiệm / {count} reports re-routed to you"
    )
    body = (
        f"Các phản ánh đang mở dưới đây nay do {department.name_vi} xử lý, theo vùng "
        "trách nhiệm vừa ban hành; xem lý do trên trang của từng phản ánh.\n"
        f"These open reports are now {department.name_en}'s, under the responsibility "
        "zones just published; each report's page says why.\n\n" + "\n".join(lines)
    )
    payload = {
        "event": "rerouted",
        "department": department.code,
        "reports": count,
        "tracking_codes": [a.report.tracking_code for a in moved],
    }
    row = _row(
        Notification.Channel.EMAIL, department.email, subject, body, payload, None
    )
    row.department = department
    return row
