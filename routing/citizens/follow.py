""" "Me too": a verified citizen follows a report someone else filed.

Following counts as support (the public sees how many follow a report) and sends
the follower its status updates by SMS (``routing.notifications.outbox``), never
its receipt link. Only an open report can be followed (a closed one has no updates
to send); the reporter does not follow their own. Following twice is one row;
unfollowing a "me too" deletes it, while a caller the desk added stops hearing of
it but stays counted (the desk's record of the call).
"""

from __future__ import annotations

from django.db import transaction

from geo.errors import Conflict
from routing.models import Report, ReportFollower

Source = ReportFollower.Source


def report_follow(*, report: Report, phone: str) -> ReportFollower:
    """``phone`` (proven) follows ``report``; idempotent."""
    if report.filed_by(phone):
        raise Conflict(
            "own_report",
            "Đây là phản ánh của chính bạn: bạn đã nhận được cập nhật của nó.",
            "This is your own report: you already hear of its updates.",
        )
    if not report.is_open:
        raise Conflict(
            "report_not_open",
            "Chỉ theo dõi được phản ánh đang xử lý.",
            "Only a report still being handled can be followed.",
        )
    with transaction.atomic():
        follower, created = ReportFollower.objects.get_or_create(
            report=report,
            phone=phone,
            defaults={"verified": True, "source": Source.ME_TOO, "notify": True},
        )
        if not created and not (follower.verified and follower.notify):
            follower.verified = True
            follower.notify = True
            follower.save(update_fields=["verified", "notify"])
    return follower


def report_unfollow(*, report: Report, phone: str) -> None:
    """``phone`` stops following ``report``; idempotent."""
    ReportFollower.objects.filter(
        report=report, phone=phone, source=Source.ME_TOO
    ).delete()
    ReportFollower.objects.filter(report=report, phone=phone).update(notify=False)


def supporters(report: Report) -> int:
    """How many follow ``report`` (its support, beside the reporter)."""
    return ReportFollower.objects.filter(report=report).count()


def follows(report: Report, phone: str) -> bool:
    return ReportFollower.objects.filter(
        report=report, phone=phone, notify=True
    ).exists()
