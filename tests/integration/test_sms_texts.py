"""Every SMS the system sends a citizen fits the configured segments.

The texts are made by the real code (the outbox's receipt and each public status a
report can reach, with the receipt link added at send time), for a site address as
long as a province's could be (``https://phananhhientruong.quangtri.gov.vn``, 41
characters), plus the one-time code the
OTP flow sends. With ``SMS_ASCII_ONLY`` (the default) each is one GSM-7 segment;
without it Vietnamese needs UCS-2, and three segments (``SMS_MAX_SEGMENTS=3``).
"""

import logging

import pytest

from routing.citizens.otp import otp_message
from routing.models import Notification, Report, ReportEvent
from routing.notifications.outbox import notify_public_event
from routing.notifications.sms import MemorySmsBackend, sms_backend
from routing.notifications.sms_length import sms_segments
from routing.notifications.tasks import deliver
from routing.reports.events import event_record
from tests.factories import report_create

pytestmark = pytest.mark.django_db

SITE = "https://phananhhientruong.quangtri.gov.vn"  # 41 characters
# The one-time code's message, as routing.citizens.otp writes it.
OTP = otp_message("123456")


def citizen_sms(settings) -> list[str]:
    """The SMS texts a reporter gets over a report's life, as sent."""
    settings.SMS_BACKEND = "routing.notifications.sms.MemorySmsBackend"
    settings.PUBLIC_SITE_URL = SITE
    MemorySmsBackend.outbox.clear()
    report = report_create(
        reporter_phone="0912 345 678", contact_verified=True, category="VSMT"
    )
    for status in Report.Status:
        report.status = status
        event = event_record(
            report=report,
            kind=ReportEvent.Kind.STATUS,
            to_status=status,
            note="Đội vệ sinh đã thu gom rác tại hiện trường, cảm ơn người dân.",
        )
        notify_public_event(report=report, event=event)
    rows = Notification.objects.filter(report=report, channel="sms")
    assert rows.count() == 1 + len(Report.Status)  # the receipt, then each status
    for row in rows:
        assert deliver(row.pk) == "sent"
    texts = [message.text for message in MemorySmsBackend.outbox]
    MemorySmsBackend.outbox.clear()
    assert all(f"{SITE}/r/{report.tracking_code}#k=" in text for text in texts)
    return [*texts, OTP]


def test_every_citizen_sms_is_one_gsm7_segment_when_ascii_only(settings):
    settings.SMS_ASCII_ONLY = True
    settings.SMS_MAX_SEGMENTS = 1
    for text in citizen_sms(settings):
        length = sms_segments(text)
        assert (length.encoding, length.segments) == ("GSM-7", 1), (length, text)


def test_in_unicode_every_citizen_sms_fits_three_segments(settings):
    settings.SMS_ASCII_ONLY = False
    texts = citizen_sms(settings)
    lengths = [sms_segments(text) for text in texts[:-1]]
    assert all(length.encoding == "UCS-2" for length in lengths)
    assert max(length.segments for length in lengths) <= 3, lengths


def test_a_message_over_the_limit_is_sent_with_a_warning(settings, caplog):
    settings.SMS_BACKEND = "routing.notifications.sms.MemorySmsBackend"
    settings.SMS_MAX_SEGMENTS = 1
    MemorySmsBackend.outbox.clear()
    with caplog.at_level(logging.WARNING, logger="routing.notifications.sms"):
        sms_backend().send("+84912345678", "x" * 161)
    assert [m.text for m in MemorySmsBackend.outbox] == ["x" * 161]
    assert "takes 2 segments" in caplog.text
    MemorySmsBackend.outbox.clear()
