"""One-time codes over HTTP, on the real database: sending, limits, the budget and
its alert, verifying, tries, expiry, concurrency, and the session it opens."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connections
from django.test import Client

from routing.citizens.otp import code_hmac, otp_send, otp_verify
from routing.models import CitizenToken, Notification, OtpDailyCount, PhoneCode
from tests.citizens.conftest import address, last_code, mobile, post

pytestmark = pytest.mark.django_db

SEND = "/api/v1/otp/"
VERIFY = "/api/v1/otp/verify"
SESSION = "/api/v1/otp/session"


def send(client, typed, ip=None):
    return post(client, SEND, {"phone": typed}, REMOTE_ADDR=ip or address())


def test_send_answers_202_and_sends_six_digits_stored_as_hmac(client, sms):
    typed, phone = mobile()
    answer = send(client, typed)
    assert answer.status_code == 202
    assert answer["Retry-After"] == "60"
    code = last_code(sms, phone)
    row = PhoneCode.objects.get(phone=phone)
    assert code not in row.code_hmac
    assert row.code_hmac == code_hmac(phone, code)
    assert row.expires_at - row.sent_at == dt.timedelta(seconds=300)
    assert len(sms[-1].text) <= 160
    assert sms[-1].text.isascii()


def test_answer_is_the_same_whether_sent_or_held_back(client, sms):
    typed, phone = mobile()
    ip = address()
    first = send(client, typed, ip)
    again = send(client, typed, ip)  # within the cooldown: nothing sent
    assert len([m for m in sms if m.to == phone]) == 1
    assert (first.status_code, first.json(), first["Retry-After"]) == (
        again.status_code,
        again.json(),
        again["Retry-After"],
    )


def test_a_malformed_or_fixed_line_number_is_a_bilingual_400(client, sms):
    for typed in ("12345", "0232 3822 123", "", "x" * 5000):
        answer = send(client, typed)
        assert answer.status_code == 400, typed
        assert set(answer.json()["messages"]) == {"vi", "en"}
    assert sms == []


@pytest.mark.parametrize("typed", ["-", "()", ".", "- -"])
def test_a_phone_of_separators_only_is_a_bilingual_400(client, sms, typed):
    for url, body in (
        (SEND, {"phone": typed}),
        (VERIFY, {"phone": typed, "code": "123456"}),
    ):
        answer = post(client, url, body, REMOTE_ADDR=address())
        assert answer.status_code == 400, (url, typed)
        assert answer.json()["code"] == "phone_required"
        assert set(answer.json()["messages"]) == {"vi", "en"}
    assert sms == []


def test_a_new_send_voids_the_old_code(client, sms, settings):
    settings.OTP_RESEND_COOLDOWN_S = 0
    typed, phone = mobile()
    send(client, typed)
    old = last_code(sms, phone)
    send(client, typed)
    new = last_code(sms, phone)
    if old == new:  # one chance in a million
        pytest.skip("chance: the same code twice")
    assert post(client, VERIFY, {"phone": typed, "code": old}).status_code == 400
    assert post(client, VERIFY, {"phone": typed, "code": new}).status_code == 200


def test_cooldown_then_a_new_code(client, sms):
    typed, phone = mobile()
    send(client, typed)
    PhoneCode.objects.filter(phone=phone).update(
        sent_at=PhoneCode.objects.get(phone=phone).sent_at - dt.timedelta(seconds=61)
    )
    send(client, typed)
    assert len([m for m in sms if m.to == phone]) == 2


def test_daily_limit_per_phone(client, sms, settings):
    settings.OTP_RESEND_COOLDOWN_S = 0
    settings.OTP_SENDS_PER_PHONE_DAY = 3
    typed, phone = mobile()
    for _ in range(5):
        assert send(client, typed).status_code == 202
    assert len([m for m in sms if m.to == phone]) == 3


def test_daily_limit_per_address_counts_ipv6_by_64(client, sms, settings):
    settings.OTP_SENDS_PER_ADDRESS_DAY = 2
    sent = []
    for host in range(4):
        typed, phone = mobile()
        send(client, typed, f"2001:db8:1:2::{host + 1}")
        sent.append(any(m.to == phone for m in sms))
    assert sent == [True, True, False, False]


def test_budget_stops_sends_and_alerts_the_operations_centre_once(
    client, sms, settings, caplog, django_capture_on_commit_callbacks
):
    settings.OTP_SMS_BUDGET_DAY = 2
    phones = [mobile() for _ in range(4)]
    with django_capture_on_commit_callbacks(execute=False):
        for typed, _phone in phones:
            assert send(client, typed).status_code == 202
    assert len(sms) == 2
    alerts = Notification.objects.filter(payload__event="otp_budget_spent")
    assert alerts.count() == 1
    assert alerts.get().recipient == settings.OPS_ALERT_EMAIL
    assert (
        next(r for r in caplog.records if "SMS budget" in r.getMessage()).levelname
        == "ERROR"
    )
    budget = OtpDailyCount.objects.get(scope="budget")
    assert (budget.count, budget.alerted) == (2, True)


def test_counters_hold_no_phone_or_address(client, sms):
    typed, phone = mobile()
    send(client, typed, "198.51.100.7")
    keys = list(OtpDailyCount.objects.values_list("key", flat=True))
    assert keys
    assert not any(phone in k or "198.51.100.7" in k for k in keys)


def test_verify_opens_a_session_cookie_and_a_bearer_token(sms):
    client = Client()
    typed, phone = mobile()
    send(client, typed)
    answer = post(client, VERIFY, {"phone": typed, "code": last_code(sms, phone)})
    assert answer.status_code == 200
    body = answer.json()
    assert body["token_type"] == "Bearer"
    assert body["phone"] == phone
    row = CitizenToken.objects.get(phone=phone)
    assert body["token"] not in row.token_hash
    # The page session is signed in ...
    masked = {"phone": phone[:5] + "****" + phone[-3:]}
    assert client.get(SESSION).json() == masked
    # ... and the token works without it.
    bare = Client()
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {body['token']}"}
    assert bare.get(SESSION, **bearer).json() == masked
    # The code is consumed.
    again = post(bare, VERIFY, {"phone": typed, "code": last_code(sms, phone)})
    assert again.status_code == 400


def test_sign_out_revokes_the_token(citizen):
    assert citizen.client.delete(SESSION, **citizen.bearer).status_code == 204
    answer = Client().get(SESSION, **citizen.bearer)
    assert answer.status_code == 401
    assert answer.json()["code"] == "citizen_token_invalid"
    assert answer["WWW-Authenticate"].startswith("Bearer")
    assert CitizenToken.objects.get().revoked_at is not None


def test_expired_token_and_garbage_are_401():
    for token in ("nope", "x" * 5000):
        answer = Client().get(SESSION, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert answer.status_code == 401
    assert Client().get(SESSION).status_code == 401


def test_expired_session_row_is_refused(citizen):
    CitizenToken.objects.update(expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert Client().get(SESSION, **citizen.bearer).status_code == 401
    assert citizen.client.get(SESSION).status_code == 401


def test_five_wrong_tries_void_the_code_then_429(client, sms):
    typed, phone = mobile()
    send(client, typed)
    code = last_code(sms, phone)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        answer = post(client, VERIFY, {"phone": typed, "code": wrong})
        assert answer.status_code == 400
        assert set(answer.json()["messages"]) == {"vi", "en"}
        assert "tries_left" not in answer.json()
    right = post(client, VERIFY, {"phone": typed, "code": code})
    assert right.status_code == 429
    assert right.json()["code"] == "code_tries_exhausted"


def test_no_code_expired_code_and_wrong_code_get_one_answer(client, sms):
    """Nothing in the answer tells a stranger the state of a number's code."""
    answers = []
    typed, _phone = mobile()  # never sent a code
    answers.append(post(client, VERIFY, {"phone": typed, "code": "123456"}))
    typed, phone = mobile()
    send(client, typed)
    code = last_code(sms, phone)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    answers.append(post(client, VERIFY, {"phone": typed, "code": wrong}))
    PhoneCode.objects.filter(phone=phone).update(
        expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )
    answers.append(post(client, VERIFY, {"phone": typed, "code": code}))
    bodies = [(a.status_code, a.json()) for a in answers]
    assert bodies[0] == bodies[1] == bodies[2]
    assert bodies[0][0] == 400
    assert bodies[0][1]["code"] == "code_refused"
    assert set(bodies[0][1]["messages"]) == {"vi", "en"}


def test_refused_codes_per_address_and_day_are_limited(client, sms, settings):
    settings.OTP_WRONG_PER_ADDRESS_DAY = 3
    ip = address()
    answers = []
    for _ in range(5):
        typed, _phone = mobile()
        answers.append(
            post(client, VERIFY, {"phone": typed, "code": "123456"}, REMOTE_ADDR=ip)
        )
    assert [a.status_code for a in answers] == [400, 400, 400, 429, 429]
    assert answers[-1].json()["code"] == "code_verifies_exhausted"
    assert set(answers[-1].json()["messages"]) == {"vi", "en"}
    # Another address is not held back; the counter holds no address.
    typed, phone = mobile()
    send(client, typed)
    right = post(
        client,
        VERIFY,
        {"phone": typed, "code": last_code(sms, phone)},
        REMOTE_ADDR=address(),
    )
    assert right.status_code == 200
    row = OtpDailyCount.objects.get(scope="verify")
    assert row.count == 3
    assert ip not in row.key


def test_a_max_attempts_of_zero_means_no_limit(client, sms, settings):
    settings.OTP_MAX_ATTEMPTS = 0
    typed, phone = mobile()
    send(client, typed)
    code = last_code(sms, phone)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(7):
        assert post(client, VERIFY, {"phone": typed, "code": wrong}).status_code == 400
    assert post(client, VERIFY, {"phone": typed, "code": code}).status_code == 200


def test_sends_without_a_client_address_count_under_one_key(sms, settings):
    """The per-address limit does not fail open when the address is unknown."""
    settings.OTP_SENDS_PER_ADDRESS_DAY = 2
    outcomes = [otp_send(phone=mobile()[1], client_ip=None).sent for _ in range(4)]
    assert outcomes == [True, True, False, False]


def test_verify_without_a_code_sent_and_malformed_codes(client):
    typed, _phone = mobile()
    for code in ("123456", "12345", "abcdef", "１２３４５６"):
        answer = post(client, VERIFY, {"phone": typed, "code": code})
        assert answer.status_code == 400, code


def test_verify_takes_json_only(client, sms):
    """A cross-site form cannot sign a browser in as someone else."""
    typed, phone = mobile()
    send(client, typed)
    answer = client.post(VERIFY, {"phone": typed, "code": last_code(sms, phone)})
    assert answer.status_code == 415


def _on_own_connection(work, results):
    try:
        results.append(work())
    except Exception as exc:
        results.append(type(exc).__name__)
    finally:
        connections.close_all()


def test_two_verifies_at_once_consume_one_code(sms, settings):
    """Four verifies with the right code, at once, on connections of their own
    that commit (as web requests do): exactly one is signed in. Not
    ``transactional_db`` (which would flush the session's fixtures): the rows the
    threads commit are deleted at the end."""
    settings.OTP_RESEND_COOLDOWN_S = 0
    _typed, phone = mobile()
    sent: list = []
    thread = threading.Thread(
        target=_on_own_connection,
        args=(lambda: otp_send(phone=phone, client_ip=None), sent),
    )
    thread.start()
    thread.join(10)
    try:
        assert sent
        assert sent[0].sent
        code = last_code(sms, phone)
        results: list = []
        barrier = threading.Barrier(4)

        def attempt():
            barrier.wait()
            otp_verify(phone=phone, code=code, client_ip=None)
            return "ok"

        threads = [
            threading.Thread(target=_on_own_connection, args=(attempt, results))
            for _ in range(4)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        assert sorted(results) == ["CodeRefused"] * 3 + ["ok"]
    finally:

        def cleanup():
            PhoneCode.objects.filter(phone=phone).delete()
            OtpDailyCount.objects.filter(day__gte=dt.date(2020, 1, 1)).delete()

        done: list = []
        t = threading.Thread(target=_on_own_connection, args=(cleanup, done))
        t.start()
        t.join(10)


def test_code_survives_a_new_process_state(client, sms):
    """The code is in PostgreSQL: nothing in the process or the cache is needed."""
    from django.core.cache import cache

    typed, phone = mobile()
    send(client, typed)
    cache.clear()
    answer = post(Client(), VERIFY, {"phone": typed, "code": last_code(sms, phone)})
    assert answer.status_code == 200


def test_sends_a_failed_backend_still_202(client, settings, caplog):
    settings.SMS_BACKEND = "routing.notifications.sms.BaseSmsBackend"  # raises
    typed, _phone = mobile()
    assert send(client, typed).status_code == 202
    assert "failed to send" in caplog.text
    assert not mail.outbox


def test_the_sms_goes_out_after_the_answer(sms, rf):
    """The 202 is complete before the gateway is called: the send runs when the
    server closes the response, so its latency shows in no answer."""
    from api.citizens.views import OtpSendApi

    typed, phone = mobile()
    request = rf.post(
        SEND, data=f'{{"phone": "{typed}"}}', content_type="application/json"
    )
    response = OtpSendApi.as_view()(request)
    response.render()
    assert response.status_code == 202
    assert sms == []
    response.close()
    assert [m.to for m in sms] == [phone]
