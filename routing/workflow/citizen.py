"""What a reporter may do to their own report, proved by its receipt secret or by
being the verified citizen whose phone it gives (``reporter_check``).

Citizens are not users. The tracking code is public, so it proves nothing; the
receipt secret (``routing.reports.receipt``) does. Every citizen action (rating and
reopening in ``routing.workflow.status.report_rate``, adding information here)
starts with :func:`receipt_check`:

- no secret: 403 ``receipt_required``;
- a wrong secret, another report's secret, or a code no report has: the same 403
  ``receipt_refused`` (the action endpoints do not tell an unknown code from a
  wrong secret);
- each attempt with a secret counts against the code, ``RECEIPT_ATTEMPTS_PER_CODE_HOUR``
  per clock hour, before the secret is compared: beyond it, 429 even with the
  right secret. A stranger who knows a code can so hold its actions for the rest
  of the hour (the reporter can still call the hotline); guessing 100 bits is out
  of reach either way.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from geo.errors import Forbidden, TooMany
from routing.intake.errors import RateLimited
from routing.intake.inputs import MAX_DESCRIPTION, text_check
from routing.intake.ratelimits import rate_hit
from routing.models import Report, ReportEvent
from routing.notifications.outbox import notify_citizen_info
from routing.reports import roles
from routing.reports.events import event_record
from routing.reports.receipt import receipt_matches
from routing.reports.tracking import tracking_code_normalise
from routing.workflow.errors import WorkflowError
from routing.workflow.guards import lock, require_open

MAX_INFO = MAX_DESCRIPTION  # what a report's description may hold


class ReceiptRefused(Forbidden):
    """No receipt secret, or not this report's."""


class ReceiptAttemptsLimited(TooMany):
    """Too many attempts with a secret on one tracking code this hour."""


def receipt_required() -> ReceiptRefused:
    return ReceiptRefused(
        "receipt_required",
        "Cần mã biên nhận (receipt) của phản ánh: mã bí mật được cấp khi gửi phản "
        "ánh và có trong đường dẫn trong tin nhắn, e-mail báo kết quả.",
        "This needs the report's receipt secret: the private code given when the "
        "report was sent, also in the link of the messages you receive about it.",
        "receipt",
    )


def receipt_refused() -> ReceiptRefused:
    return ReceiptRefused(
        "receipt_refused",
        "Mã biên nhận không đúng với phản ánh này. Hãy mở đường dẫn trong tin nhắn "
        "hoặc e-mail, hoặc nhập lại mã biên nhận.",
        "The receipt secret does not match this report. Open the link in your "
        "message or e-mail, or type the receipt secret again.",
        "receipt",
    )


def receipt_attempts_limited(limit: int, wait: int) -> ReceiptAttemptsLimited:
    minutes = max(1, -(-wait // 60))
    return ReceiptAttemptsLimited(
        "receipt_attempts_limited",
        f"Đã thử quá nhiều lần với mã theo dõi này trong giờ này (tối đa {limit}). "
        f"Vui lòng thử lại sau {minutes} phút hoặc gọi đường dây nóng.",
        f"Too many attempts on this tracking code this hour (at most {limit}). "
        f"Please try again in {minutes} minutes or call the hotline.",
        "receipt",
        {"retry_after": wait, "limit": limit},
    )


def receipt_check(*, code: str, report: Report | None, secret: str) -> Report:
    """``report`` if ``secret`` is its receipt; refused otherwise (see the module
    docstring). ``report`` None (no report has ``code``) is refused as a wrong
    secret is, after the same count."""
    if not (secret or "").strip():
        raise receipt_required()
    limit = settings.RECEIPT_ATTEMPTS_PER_CODE_HOUR
    try:
        rate_hit(
            "receipt",
            tracking_code_normalise(code),
            limit,
            "mã theo dõi này",
            "this tracking code",
        )
    except RateLimited as limited:
        wait = int(limited.extra.get("retry_after", 3600))
        raise receipt_attempts_limited(limit, wait) from None
    if report is None or not receipt_matches(report, secret):
        raise receipt_refused()
    return report


def reporter_check(
    *, report: Report | None, code: str, receipt: str, verified_phone: str = ""
) -> Report:
    """``report`` if the caller is its reporter: a verified citizen whose proven
    phone (``verified_phone``, from ``routing.citizens``) is the report's, or else
    the holder of its receipt secret (:func:`receipt_check`, counted)."""
    if report is not None and report.filed_by(verified_phone):
        return report
    return receipt_check(code=code, report=report, secret=receipt)


@transaction.atomic
def report_add_info(
    *, report: Report, receipt: str, note: str, verified_phone: str = ""
) -> ReportEvent:
    """The reporter adds what they know to their open report: a comment event
    (role ``citizen``) that staff read, and the department is told.

    The event is internal (``public=False``): the citizen's words may carry personal
    data and public surfaces show a report's words only once the operations centre
    approved them; it is acknowledged to the reporter in the answer."""
    reporter_check(
        report=report,
        code=report.tracking_code,
        receipt=receipt,
        verified_phone=verified_phone,
    )
    (report,) = lock(report)
    require_open(report)
    note = text_check(
        note, field_name="note", label_vi="Thông tin bổ sung", max_length=MAX_INFO
    )
    if not note:
        raise WorkflowError(
            "info_required",
            "Hãy viết thông tin cần bổ sung.",
            "Write the information to add.",
            field="note",
        )
    event = event_record(
        report=report,
        kind=ReportEvent.Kind.COMMENT,
        role=roles.CITIZEN,
        public=False,
        note=note,
        data={"from": roles.CITIZEN},
    )
    notify_citizen_info(report=report, event=event)
    return event
