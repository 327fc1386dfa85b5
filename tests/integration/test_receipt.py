"""The receipt secret: made with each report, stored only as a hash, derived again
for the reporter's own notifications and nobody else's."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from routing import workflow
from routing.models import Notification, Report, StaffProfile
from routing.notifications.sms import MemorySmsBackend
from routing.notifications.tasks import deliver
from routing.reports import roles
from routing.reports.receipt import (
    receipt_hash,
    receipt_matches,
    receipt_normalise,
    receipt_secret,
    receipt_url,
)
from routing.workflow import ReceiptRefused
from tests.factories import report_create, report_force

pytestmark = pytest.mark.django_db

SECRET_SHAPE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$")


@pytest.fixture
def memory_sms(settings):
    settings.SMS_BACKEND = "routing.notifications.sms.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    yield MemorySmsBackend.outbox
    MemorySmsBackend.outbox.clear()


def ioc():
    user = get_user_model().objects.create_user(
        username=f"ioc-receipt-{get_user_model().objects.count()}", password="x"
    )
    StaffProfile.objects.create(user=user, role=roles.IOC_OPERATOR)
    return user


def reporter_report(**fields) -> Report:
    """A report whose reporter proved both contacts (a one-time code, the e-mail
    link): only then do they get messages, and the receipt link in them."""
    report = report_create(
        reporter_email="dan@example.org",
        reporter_phone="0912345678",
        contact_verified=True,
        **fields,
    )
    return report_force(report, email_verified=True)


def test_each_report_has_its_own_secret_stored_only_as_a_hash():
    """A new report gets a 100-bit secret in five groups of Crockford base32; the
    row keeps its SHA-256 and a nonce, never the secret; two reports' secrets
    differ."""
    report = reporter_report()
    secret = receipt_secret(report)
    assert secret is not None
    assert SECRET_SHAPE.match(secret)
    assert report.receipt_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert len(report.receipt_nonce) == 32
    stored = Report.objects.filter(pk=report.pk).values().get()
    assert not any(secret in str(value) for value in stored.values())
    assert receipt_secret(reporter_report()) != secret


def test_the_secret_is_checked_as_typed_and_in_constant_time():
    """Case, spaces, missing dashes and the look-alikes O, I and L do not matter;
    anything else, another report's secret or a report without a receipt match
    nothing."""
    report = reporter_report()
    secret = receipt_secret(report)
    assert receipt_matches(report, secret)
    assert receipt_matches(report, secret.lower().replace("-", " "))
    assert receipt_matches(report, secret.replace("-", "").replace("0", "O"))
    assert receipt_normalise("ab") == ""
    assert not receipt_matches(report, "")
    assert not receipt_matches(
        report, secret[:-1] + ("X" if secret[-1] != "X" else "Y")
    )
    assert not receipt_matches(report, receipt_secret(reporter_report()))
    legacy = report_force(reporter_report(), receipt_hash="", receipt_nonce="")
    assert not receipt_matches(legacy, receipt_hash(""))
    assert receipt_secret(legacy) is None


def test_rotating_the_key_keeps_sent_secrets_and_needs_a_fallback_for_links(
    settings,
):
    """After the key changes, the secret already given still works (it is checked
    against the hash); the links of later notifications need the old key among the
    fallbacks, and without it there is no link."""
    report = reporter_report()
    secret = receipt_secret(report)
    old_key = settings.RECEIPT_SECRET_KEY
    settings.RECEIPT_SECRET_KEY = "a-new-receipt-key-after-rotation"
    assert receipt_matches(report, secret)
    assert receipt_secret(report) is None
    assert receipt_url(report) is None
    settings.RECEIPT_SECRET_KEY_FALLBACKS = [old_key]
    assert receipt_secret(report) == secret
    new_report = reporter_report()
    assert receipt_secret(new_report) not in (None, secret)


def test_the_service_refuses_without_the_secret():
    """Rating and adding information are refused by the workflow itself, whoever
    calls it, without the report's secret."""
    report = report_force(reporter_report(), status="resolved")
    open_report = reporter_report()
    other = reporter_report()
    for secret in ("", "AAAA-BBBB-CCCC-DDDD-EEEE", receipt_secret(other)):
        with pytest.raises(ReceiptRefused):
            workflow.report_rate(report=report, receipt=secret, rating="satisfied")
        with pytest.raises(ReceiptRefused):
            workflow.report_add_info(report=open_report, receipt=secret, note="Thêm.")
    report.refresh_from_db()
    assert report.status == "resolved"
    assert not open_report.events.filter(kind="comment").exists()


def sent_to(recipient: str) -> list[str]:
    return [m.body for m in mail.outbox if recipient in m.to]


def test_the_reporters_notifications_carry_the_link_and_nobody_elses(
    settings, memory_sms
):
    """The reporter's e-mail and SMS end with their receipt link, made when sent:
    no outbox row stores the secret, and the department's e-mail has no link."""
    report = reporter_report()
    report.department.email = "phong@moitruong.example"
    report.department.save()
    workflow.report_transition(
        report=report, to_status="in_progress", actor=ioc(), note="Đang xử lý."
    )
    secret = receipt_secret(report)
    rows = Notification.objects.filter(report=report)
    assert rows.filter(department__isnull=False).exists()
    assert not any(secret in (r.body + r.subject + str(r.payload)) for r in rows)
    for row in rows:
        assert deliver(row.pk) == "sent"
    link = f"https://hientruong.test/r/{report.tracking_code}#k={secret}"
    mails = sent_to("dan@example.org")
    # The e-mail asking to verify the address (sent before it was) has no link.
    asking = [body for body in mails if "/r/email/" in body]
    assert asking
    assert not any(secret in body or "#k=" in body for body in asking)
    citizen = [body for body in mails if "/r/email/" not in body]
    assert citizen
    assert all(link in body for body in citizen)
    department = sent_to("phong@moitruong.example")
    assert department
    assert not any(secret in body or "#k=" in body for body in department)
    sms = [m.text for m in memory_sms if m.to == "+84912345678"]
    assert sms
    assert all(link in text for text in sms)


def test_a_report_from_before_receipts_gets_one_with_its_next_message():
    """A report stored without a receipt is given one when the reporter's next
    message is sent; the link it carries works."""
    report = report_force(reporter_report(), receipt_hash="", receipt_nonce="")
    Notification.objects.filter(report=report).delete()
    workflow.report_transition(
        report=report, to_status="in_progress", actor=ioc(), note="Đang xử lý."
    )
    row = Notification.objects.get(
        report=report, recipient="dan@example.org", channel="email"
    )
    assert deliver(row.pk) == "sent"
    report.refresh_from_db()
    secret = receipt_secret(report)
    assert secret is not None
    assert f"#k={secret}" in sent_to("dan@example.org")[-1]


def test_the_citizens_info_is_not_sent_back_to_the_citizen():
    """Information the reporter adds reaches the department's rows only."""
    report = reporter_report()
    report.department.email = "phong@moitruong.example"
    report.department.save()
    event = workflow.report_add_info(
        report=report, receipt=receipt_secret(report), note="Có thêm rác."
    )
    rows = Notification.objects.filter(payload__event="citizen_info")
    assert {r.recipient for r in rows} == {"phong@moitruong.example"}
    assert event.actor_role == roles.CITIZEN
