"""The HTTP SMS backend against a fake Brandname gateway (tests.sms_gateway), through
the outbox: the provider's message id recorded, JSON and form bodies, the auth
header or account fields, number formats; timeouts, 5xx and refusals retried by the
outbox with backoff, a 4xx refusal given up at once."""

import datetime as dt
import socket
import time

import pytest
from django.utils import timezone

from routing.models import Notification
from routing.notifications.sms import SmsError, SmsRefused, sms_backend
from routing.notifications.sms_http import number_format
from routing.notifications.tasks import deliver

pytestmark = pytest.mark.django_db

PHONE = "+84912345678"


def sms_row(text: str = "[HT-TEST] Đã xử lý (resolved)") -> Notification:
    return Notification.objects.create(
        channel=Notification.Channel.SMS,
        recipient=PHONE,
        body=text,
        payload={"event": "status"},
        next_attempt_at=timezone.now(),
    )


def due_now(row: Notification) -> None:
    """Skip the backoff: the row is due again (as the sweep would find it later)."""
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())


def test_a_sent_sms_records_the_gateways_message_id(sms_gateway):
    """A JSON POST with the bearer header, the number, the text without diacritics
    and the brandname; the row is sent with the gateway's id."""
    row = sms_row()
    assert deliver(row.pk) == "sent"
    row.refresh_from_db()
    assert (row.status, row.provider_id, row.attempts) == ("sent", "gw-1", 1)
    [hit] = sms_gateway.hits
    assert hit.path == "/api/send"
    assert hit.headers["Authorization"] == "Bearer gw-token-123"
    assert hit.content_type.startswith("application/json")
    assert hit.document() == {
        "to": PHONE,
        "text": "[HT-TEST] Da xu ly (resolved)",
        "brandname": "HIENTRUONG",
    }


def test_a_form_body_with_account_fields_and_a_national_number(sms_gateway, settings):
    """Form-encoded, with username/password fields instead of a header, the number
    written 0xxxxxxxxx, a template of the gateway's own field names."""
    settings.SMS_HTTP_BODY = "form"
    settings.SMS_HTTP_AUTH_HEADER = ""
    settings.SMS_HTTP_USERNAME, settings.SMS_HTTP_PASSWORD = "hientruong", "mật-khẩu"
    settings.SMS_HTTP_USERNAME_FIELD, settings.SMS_HTTP_PASSWORD_FIELD = "user", "pass"
    settings.SMS_HTTP_NUMBER_FORMAT = "national"
    settings.SMS_HTTP_TEMPLATE = (
        '{"Phone": "{to}", "Content": "{text} {brand}", "Brandname": "{brandname}",'
        ' "SmsType": "2"}'
    )
    row = sms_row("Mã {code}: 42")
    assert deliver(row.pk) == "sent"
    [hit] = sms_gateway.hits
    assert hit.content_type.startswith("application/x-www-form-urlencoded")
    assert "Authorization" not in hit.headers
    assert hit.document() == {
        "Phone": "0912345678",
        # Only our placeholders are filled: a brace in the text or the template stays.
        "Content": "Ma {code}: 42 {brand}",
        "Brandname": "HIENTRUONG",
        "SmsType": "2",
        "user": "hientruong",
        "pass": "mật-khẩu",
    }


def test_unicode_text_is_sent_as_is_when_ascii_only_is_off(sms_gateway, settings):
    settings.SMS_ASCII_ONLY = False
    assert sms_backend().send(PHONE, "Đã xử lý – “xong”") == "gw-1"
    assert sms_gateway.hits[0].document()["text"] == "Đã xử lý – “xong”"


def test_a_timeout_is_retried_by_the_outbox(sms_gateway, settings):
    """The gateway answers after the read timeout: the row fails with the reason,
    waits its backoff, and the next attempt (gateway fast again) sends it."""
    settings.SMS_HTTP_READ_TIMEOUT = 0.3
    sms_gateway.delay = 1.0
    row = sms_row()
    started = time.monotonic()
    assert deliver(row.pk) == "failed"
    assert time.monotonic() - started < 1.0
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 1)
    assert "timed out" in row.last_error
    assert row.next_attempt_at > timezone.now() + dt.timedelta(seconds=10)
    assert deliver(row.pk) == "skipped"  # not due before its backoff
    sms_gateway.delay = 0.0
    due_now(row)
    assert deliver(row.pk) == "sent"
    row.refresh_from_db()
    assert (row.status, row.attempts, row.provider_id) == ("sent", 2, "gw-1")


def test_a_5xx_is_retried_then_sent(sms_gateway):
    sms_gateway.statuses = [503, 502]
    row = sms_row()
    assert deliver(row.pk) == "failed"
    due_now(row)
    assert deliver(row.pk) == "failed"
    row.refresh_from_db()
    assert "HTTP 502" in row.last_error
    due_now(row)
    assert deliver(row.pk) == "sent"
    row.refresh_from_db()
    assert (row.status, row.attempts, row.provider_id) == ("sent", 3, "gw-1")
    assert len(sms_gateway.hits) == 3


def test_a_4xx_refusal_is_given_up_at_once(sms_gateway):
    """A 400 (a bad number, a rejected template) cannot improve: dead, one try."""
    sms_gateway.status = 400
    row = sms_row()
    assert deliver(row.pk) == "dead"
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("dead", 1)
    assert "refused: HTTP 400" in row.last_error
    due_now(row)
    assert deliver(row.pk) == "skipped"
    assert len(sms_gateway.hits) == 1


def test_a_429_is_retried_not_given_up(sms_gateway):
    sms_gateway.statuses = [429]
    row = sms_row()
    assert deliver(row.pk) == "failed"
    due_now(row)
    assert deliver(row.pk) == "sent"


def test_a_2xx_whose_success_field_says_no_is_retried(sms_gateway):
    """HTTP 200 with {"code": "99"} (no balance, gateway busy) is not a send."""
    sms_gateway.answer = {"code": "99", "message": "insufficient balance"}
    row = sms_row()
    assert deliver(row.pk) == "failed"
    row.refresh_from_db()
    assert "code='99'" in row.last_error
    sms_gateway.answer = None
    due_now(row)
    assert deliver(row.pk) == "sent"


def test_retries_stop_at_the_attempt_limit(sms_gateway, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    sms_gateway.status = 500
    row = sms_row()
    outcomes = []
    for _ in range(4):
        outcomes.append(deliver(row.pk))
        due_now(row)
    assert outcomes == ["failed", "failed", "dead", "skipped"]
    assert len(sms_gateway.hits) == 3


def test_a_gateway_that_does_not_listen_is_retried(settings):
    settings.SMS_BACKEND = "routing.notifications.sms_http.HttpSmsBackend"
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{port}/send"
    row = sms_row()
    assert deliver(row.pk) == "failed"
    row.refresh_from_db()
    assert "unreachable" in row.last_error


def test_number_formats():
    assert number_format(PHONE, "e164") == PHONE
    assert number_format(PHONE, "e164_digits") == "84912345678"
    assert number_format(PHONE, "national") == "0912345678"
    with pytest.raises(SmsRefused):
        number_format("+4915112345678", "national")


def test_a_foreign_number_for_a_national_only_gateway_is_dead_at_once(
    sms_gateway, settings
):
    settings.SMS_HTTP_NUMBER_FORMAT = "national"
    row = sms_row()
    Notification.objects.filter(pk=row.pk).update(recipient="+4915112345678")
    assert deliver(row.pk) == "dead"
    assert sms_gateway.hits == []


def test_a_missing_message_id_still_counts_as_sent(sms_gateway):
    sms_gateway.answer = {"code": "00"}
    assert sms_backend().send(PHONE, "Xin chào") is None


def test_the_backend_raises_for_callers_outside_the_outbox(sms_gateway):
    """The OTP flow calls the backend directly: failures are exceptions it sees."""
    sms_gateway.status = 503
    with pytest.raises(SmsError) as failure:
        sms_backend().send(PHONE, "Ma xac thuc: 123456")
    assert not isinstance(failure.value, SmsRefused)


def test_a_boolean_success_field_is_compared_as_json_writes_it(sms_gateway, settings):
    settings.SMS_HTTP_SUCCESS_FIELD = "ok"
    settings.SMS_HTTP_SUCCESS_VALUES = ["true"]
    settings.SMS_HTTP_ID_PATH = "ids.0"
    sms_gateway.answer = {"ok": True, "ids": [12345]}
    assert sms_backend().send(PHONE, "Xin chao") == "12345"
    sms_gateway.answer = {"ok": False, "ids": []}
    with pytest.raises(SmsError):
        sms_backend().send(PHONE, "Xin chao")
