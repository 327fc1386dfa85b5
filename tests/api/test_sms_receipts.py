"""``POST /api/v1/sms/receipts``: the gateway's delivery receipts, trusted by their
HMAC-SHA256 signature only, applied once whatever the gateway repeats."""

import hashlib
import hmac
import json
import time
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from routing.models import Notification
from routing.notifications.tasks import deliver

pytestmark = pytest.mark.django_db

URL = "/api/v1/sms/receipts"
SECRET = "test-only-sms-receipt-secret"  # config/settings/test.py


def sign(body: bytes, secret: str = SECRET, timestamp: str | None = None) -> str:
    message = body if timestamp is None else timestamp.encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def post(client, document, *, signature=None, timestamp=None, headers=None, raw=None):
    body = raw if raw is not None else json.dumps(document).encode()
    extra = {}
    if signature is None:
        signature = sign(body, timestamp=timestamp)
    if signature:
        extra["HTTP_X_SIGNATURE"] = signature
    if timestamp is not None:
        extra["HTTP_X_TIMESTAMP"] = timestamp
    extra.update(headers or {})
    return client.post(URL, body, content_type="application/json", **extra)


def sent_sms(provider_id: str = "gw-77") -> Notification:
    return Notification.objects.create(
        channel=Notification.Channel.SMS,
        recipient="+84912345678",
        body="[HT-TEST] Da xu ly",
        status=Notification.Status.SENT,
        provider_id=provider_id,
        next_attempt_at=timezone.now(),
    )


def test_a_signed_receipt_records_the_delivery(client):
    row = sent_sms()
    response = post(client, {"message_id": "gw-77", "status": "DELIVRD"})
    assert response.status_code == 200
    assert response.json() == {
        "received": 1,
        "updated": 1,
        "unchanged": 0,
        "unknown": 0,
    }
    row.refresh_from_db()
    assert (row.delivery_status, row.delivery_detail) == ("delivered", "DELIVRD")
    assert row.delivery_updated_at is not None


def test_a_duplicate_receipt_changes_nothing_twice(client):
    row = sent_sms()
    post(client, {"message_id": "gw-77", "status": "delivered"})
    row.refresh_from_db()
    first = row.delivery_updated_at
    again = post(client, {"message_id": "gw-77", "status": "delivered"})
    assert again.status_code == 200
    assert again.json()["unchanged"] == 1
    assert again.json()["updated"] == 0
    row.refresh_from_db()
    assert row.delivery_updated_at == first


def test_a_final_status_is_not_undone_by_a_late_receipt(client):
    """Receipts arrive out of order: "en route" after "delivered" changes nothing."""
    row = sent_sms()
    post(client, {"message_id": "gw-77", "status": "ENROUTE"})
    row.refresh_from_db()
    assert row.delivery_status == "enroute"
    post(client, {"message_id": "gw-77", "status": "EXPIRED"})
    post(client, {"message_id": "gw-77", "status": "ENROUTE"})
    post(client, {"message_id": "gw-77", "status": "DELIVRD"})
    row.refresh_from_db()
    assert (row.delivery_status, row.delivery_detail) == ("undelivered", "EXPIRED")


def test_an_unknown_message_id_is_answered_200_and_counted(client):
    """Gateways retry anything but 2xx, and retrying cannot make an id known."""
    response = post(client, {"message_id": "nobody", "status": "DELIVRD"})
    assert response.status_code == 200
    assert response.json()["unknown"] == 1


@pytest.mark.parametrize(
    ("signature", "code"),
    [
        ("", "signature_missing"),
        ("0" * 64, "signature_invalid"),
        ("sha256=" + "a" * 64, "signature_invalid"),
    ],
)
def test_a_missing_or_wrong_signature_is_401_and_changes_nothing(
    client, signature, code
):
    row = sent_sms()
    response = post(
        client, {"message_id": "gw-77", "status": "DELIVRD"}, signature=signature
    )
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == code
    assert body["messages"]["vi"]
    assert "signature" in body["messages"]["en"]
    row.refresh_from_db()
    assert row.delivery_status == ""


def test_a_signature_under_another_secret_or_of_another_body_is_refused(client):
    sent_sms()
    body = json.dumps({"message_id": "gw-77", "status": "DELIVRD"}).encode()
    other = json.dumps({"message_id": "gw-77", "status": "EXPIRED"}).encode()
    assert (
        post(client, None, raw=body, signature=sign(body, "guess")).status_code == 401
    )
    assert post(client, None, raw=body, signature=sign(other)).status_code == 401
    # The same bytes re-serialised differently are another body.
    spaced = json.dumps({"message_id": "gw-77", "status": "DELIVRD"}, indent=1)
    assert (
        post(client, None, raw=spaced.encode(), signature=sign(body)).status_code == 401
    )


def test_the_prefixed_form_and_a_second_secret_are_accepted(client, settings):
    """``sha256=<hex>`` as well as the bare hex; while a secret is rotated, either."""
    settings.SMS_RECEIPT_SECRETS = ["new-secret", SECRET]
    row = sent_sms()
    body = json.dumps({"message_id": "gw-77", "status": "DELIVRD"}).encode()
    response = post(client, None, raw=body, signature="sha256=" + sign(body))
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.delivery_status == "delivered"


def test_no_secret_configured_refuses_every_receipt(client, settings):
    settings.SMS_RECEIPT_SECRETS = []
    response = post(client, {"message_id": "gw-77", "status": "DELIVRD"})
    assert response.status_code == 403
    assert response.json()["code"] == "receipts_not_configured"


def test_a_timestamp_is_signed_and_must_be_recent(client):
    row = sent_sms()
    document = {"message_id": "gw-77", "status": "DELIVRD"}
    body = json.dumps(document).encode()
    now = str(int(time.time()))
    stale = str(int(time.time()) - 3600)
    # Signed with a timestamp the gateway then changes: refused.
    moved = post(client, None, raw=body, signature=sign(body, timestamp=stale))
    assert moved.status_code == 401
    replayed = post(client, document, timestamp=stale)
    assert replayed.status_code == 401
    assert replayed.json()["code"] == "timestamp_stale"
    assert post(client, document, timestamp="soon").status_code == 401
    headers = {"HTTP_X_TIMESTAMP": now}
    wrong = post(client, None, raw=body, signature=sign(body), headers=headers)
    assert wrong.status_code == 401  # with a timestamp, the body alone is not enough
    assert post(client, document, timestamp=now).status_code == 200
    row.refresh_from_db()
    assert row.delivery_status == "delivered"


def test_the_header_names_are_settings(client, settings):
    settings.SMS_RECEIPT_SIGNATURE_HEADER = "X-Gateway-Signature"
    sent_sms()
    body = json.dumps({"message_id": "gw-77", "status": "DELIVRD"}).encode()
    refused = post(client, None, raw=body)  # X-Signature is no longer read
    assert refused.status_code == 401
    response = client.post(
        URL,
        body,
        content_type="application/json",
        HTTP_X_GATEWAY_SIGNATURE=sign(body),
    )
    assert response.status_code == 200


def test_a_form_receipt_and_a_batch(client, settings):
    settings.SMS_RECEIPT_ID_FIELD, settings.SMS_RECEIPT_STATUS_FIELD = "msgid", "stat"
    first, second = sent_sms("gw-1"), sent_sms("gw-2")
    form = urlencode({"msgid": "gw-1", "stat": "DELIVRD"}).encode()
    response = client.post(
        URL,
        form,
        content_type="application/x-www-form-urlencoded",
        HTTP_X_SIGNATURE=sign(form),
    )
    assert response.status_code == 200
    batch = [{"msgid": "gw-2", "stat": "UNDELIV"}, {"msgid": "gw-9", "stat": "x"}]
    answer = post(client, batch).json()
    assert answer == {"received": 2, "updated": 1, "unchanged": 0, "unknown": 1}
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.delivery_status, second.delivery_status) == (
        "delivered",
        "undelivered",
    )


@pytest.mark.parametrize(
    "raw", [b"not json", b"[]", b'{"status": "DELIVRD"}', b'{"message_id": {}}']
)
def test_a_signed_body_that_is_no_receipt_is_400(client, raw):
    response = post(client, None, raw=raw)
    assert response.status_code == 400
    assert response.json()["messages"]["vi"]


def test_a_huge_body_is_refused_unread(client):
    raw = b"[" + b'{"message_id": "x", "status": "y"},' * 3000 + b"{}]"
    assert post(client, None, raw=raw).status_code == 413


def test_a_receipt_finds_the_message_the_gateway_sent(client, sms_gateway):
    """End to end: the outbox sends through the fake gateway, which reports the
    delivery with the id it answered."""
    row = Notification.objects.create(
        channel=Notification.Channel.SMS,
        recipient="+84912345678",
        body="[HT-TEST] Đã xử lý",
        next_attempt_at=timezone.now(),
    )
    assert deliver(row.pk) == "sent"
    row.refresh_from_db()
    assert row.provider_id == "gw-1"
    post(client, {"message_id": "gw-1", "status": "DELIVRD"})
    row.refresh_from_db()
    assert row.delivery_status == "delivered"
