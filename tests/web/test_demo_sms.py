"""``/demo/sms/``: in demo mode, the messages the log backend "sent", newest first;
otherwise the page does not exist (404) and nothing is kept."""

import pytest
import redis

from routing.notifications.demo_sms import demo_sms_clear, demo_sms_recent
from routing.notifications.sms import sms_backend

pytestmark = pytest.mark.django_db

URL = "/demo/sms/"


@pytest.fixture
def log_backend(settings):
    settings.SMS_BACKEND = "routing.notifications.sms.LogSmsBackend"
    settings.DEMO_MODE = True
    demo_sms_clear()
    yield settings
    settings.DEMO_MODE = True
    demo_sms_clear()


def test_outside_demo_mode_the_page_is_404_and_nothing_is_kept(client, log_backend):
    log_backend.DEMO_MODE = False
    sms_backend().send("+84912345678", "Ma xac thuc Hien Truong: 123456")
    assert client.get(URL).status_code == 404
    log_backend.DEMO_MODE = True
    assert demo_sms_recent() == []


def test_without_a_number_the_page_lists_nothing(client, log_backend):
    sms_backend().send("+84912345678", "Ma xac thuc Hien Truong: 111111")
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "111111" not in page
    assert "+84912345678" not in page
    assert "thử nghiệm" in page
    assert "demo" in page.lower()
    for partial in ("0912", "345678", "-", "()", "x" * 100):
        page = client.get(URL, {"phone": partial}).content.decode()
        assert "111111" not in page, partial


def test_the_page_lists_what_was_sent_to_the_number_typed_newest_first(
    client, log_backend
):
    backend = sms_backend()
    backend.send("+84912345678", "Ma xac thuc Hien Truong: 111111")
    backend.send("+84987654321", "Ma xac thuc Hien Truong: 222222")
    backend.send("+84912345678", "[HT-TEST] Đã xử lý")
    for typed in ("0912 345 678", "+84912345678", "0912.345.678"):
        page = client.get(URL, {"phone": typed}).content.decode()
        assert page.index("Da xu ly") < page.index("111111"), typed
        assert "222222" not in page
        assert "+84987654321" not in page


def test_receipt_secrets_are_masked_in_the_inbox(client, log_backend):
    sms_backend().send(
        "+84912345678", "Da nhan: https://ht.example/r/HT-2026-ABCD#k=s3cr3tValue_x"
    )
    assert "s3cr3tValue" not in demo_sms_recent()[0].text
    page = client.get(URL, {"phone": "0912345678"}).content.decode()
    assert "s3cr3tValue" not in page
    assert "/r/HT-2026-ABCD#k=…" in page


def test_the_inbox_is_capped_and_expires(log_backend):
    log_backend.DEMO_SMS_KEEP = 3
    for n in range(5):
        sms_backend().send("+84912345678", f"Ma xac thuc Hien Truong: {n}00000")
    kept = demo_sms_recent()
    assert [m.text[-6:] for m in kept] == ["400000", "300000", "200000"]
    client = redis.Redis.from_url(log_backend.DEMO_SMS_REDIS_URL)
    ttl = client.ttl(log_backend.DEMO_SMS_KEY)
    assert 0 < ttl <= log_backend.DEMO_SMS_TTL_HOURS * 3600


def test_a_redis_that_is_down_loses_only_the_page(client, log_backend):
    """The send still succeeds (the message is in the log); the page says why it
    is empty."""
    working = log_backend.DEMO_SMS_REDIS_URL
    log_backend.DEMO_SMS_REDIS_URL = "redis://127.0.0.1:1/0"
    assert sms_backend().send("+84912345678", "Ma xac thuc: 333333") is None
    response = client.get(URL, {"phone": "0912345678"})
    assert response.status_code == 200
    assert "Redis" in response.content.decode()
    log_backend.DEMO_SMS_REDIS_URL = working  # for the fixture's clean-up
