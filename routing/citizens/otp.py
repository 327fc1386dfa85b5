"""One-time codes by SMS: what proves a citizen holds a phone.

A code is six digits, sent by SMS (``routing.notifications.sms``) and stored only as
an HMAC keyed with ``SECRET_KEY`` (a dump of the table gives no code, and the
million possible codes cannot be tried offline without the key). One row per phone
(``PhoneCode``): a new send overwrites it, so only the latest code is alive. A code
lives ``OTP_TTL_S`` seconds; ``OTP_MAX_ATTEMPTS`` wrong tries void it (the next
answer is 429, even with the right code); a right one is consumed, so two verifies
at once cannot both use it (the row is locked, ``SELECT … FOR UPDATE``). A refused
code gets one answer whether none was sent, it expired or it is wrong (nothing
tells a stranger the state of a number's code), and refused verifies are counted
per client address and day: beyond ``OTP_WRONG_PER_ADDRESS_DAY`` that address gets
429, so one client cannot spend the tries of many numbers.

Sending costs money and reaches a stranger's phone, so it is bounded, in the
database (the limits must hold across web processes and restarts, and fail closed):

- one send per phone per ``OTP_RESEND_COOLDOWN_S``;
- ``OTP_SENDS_PER_PHONE_DAY`` per phone and ``OTP_SENDS_PER_ADDRESS_DAY`` per client
  address (IPv6 by /64) per local day, counted as keyed hashes (no number or
  address in the counters; a request without a known address counts under one
  ``unknown`` key, so the limit never fails open);
- ``OTP_SMS_BUDGET_DAY`` codes a day for the jurisdiction (``OTP_JURISDICTION``):
  beyond it no code is sent, and the operations centre is alerted once that day
  (an error in the log and an e-mail to ``OPS_ALERT_EMAIL``).

The caller answers the same (202) whether a code went out or not: every number
may receive a code, so the answer tells nothing about a number; a refused send is
only logged. A limit of 0 or less turns that limit off.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass

import phonenumbers
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from geo.errors import InvalidInput, TooMany
from routing.intake.inputs import phone_normalise
from routing.intake.ratelimits import address_bucket
from routing.models import OtpDailyCount, PhoneCode
from routing.notifications.outbox import notify_operations_alert
from routing.notifications.sms import mask_number, sms_backend

log = logging.getLogger(__name__)

SALT = "hientruong.citizens.otp"
DIGITS = 6
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
UNKNOWN_ADDRESS = "unknown"
Scope = OtpDailyCount.Scope


class CodeRefused(InvalidInput):
    """The code is wrong, expired, used, or was never sent."""


class CodeTriesExhausted(TooMany):
    """Too many wrong tries: the code is void."""


class VerifiesExhausted(TooMany):
    """Too many refused codes from one client address today."""


def _address_key(client_ip: str | None) -> str:
    return _key_hash(
        "address", address_bucket(client_ip) if client_ip else UNKNOWN_ADDRESS
    )


def code_refused(code: str, vi: str, en: str, **extra: object) -> CodeRefused:
    return CodeRefused(code, vi, en, "code", dict(extra))


def phone_mobile(raw: str | None) -> str:
    """A Vietnamese mobile number as E.164; a bilingual 400 for anything else (an
    SMS cannot reach a fixed line)."""
    required = InvalidInput(
        "phone_required",
        "Hãy nhập số điện thoại di động.",
        "Enter a mobile phone number.",
        "phone",
    )
    if not isinstance(raw, str) or not raw.strip():
        raise required
    # Separators alone ("-", "()", ". .") normalise to nothing: no number either.
    phone = phone_normalise(raw[:40])
    if not phone:
        raise required
    not_mobile = InvalidInput(
        "phone_not_mobile",
        "Mã xác thực chỉ gửi được tới số di động.",
        "A code can only be sent to a mobile number.",
        "phone",
    )
    number = phonenumbers.parse(phone, "VN")  # already a valid E.164 number
    if phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE:
        raise not_mobile
    return phone


def code_hmac(phone: str, code: str) -> str:
    return salted_hmac(
        SALT, f"{phone}:{code}", secret=settings.SECRET_KEY, algorithm="sha256"
    ).hexdigest()


def _key_hash(kind: str, ident: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"otp:{kind}:{ident}".encode(), hashlib.sha256
    ).hexdigest()


class _NoSend(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# One more in a day's counter, unless it reached the cap (NULL: no cap); no row
# comes back when the cap held.
_COUNT_SQL = """
    INSERT INTO routing_otpdailycount (day, scope, key, count, alerted)
    VALUES (%(day)s, %(scope)s, %(key)s, 1, false)
    ON CONFLICT (day, scope, key) DO UPDATE
        SET count = routing_otpdailycount.count + 1
        WHERE %(cap)s::integer IS NULL OR routing_otpdailycount.count < %(cap)s
    RETURNING count
"""


def _counted(day: dt.date, scope: str, key: str, cap: int | None) -> bool:
    """Count one in ``scope`` today; False (nothing counted) at ``cap``."""
    with connection.cursor() as cursor:
        cursor.execute(_COUNT_SQL, {"day": day, "scope": scope, "key": key, "cap": cap})
        return cursor.fetchone() is not None


def _count(day: dt.date, scope: str, key: str, limit: int) -> None:
    """Count one send in ``scope`` today; refuse (no count) at ``limit``."""
    if limit > 0 and not _counted(day, scope, key, limit):
        raise _NoSend(scope)


@dataclass(frozen=True)
class SendOutcome:
    """Whether a code went out, and why not (for the log and the tests only:
    the caller answers the same either way)."""

    sent: bool
    reason: str


def code_minutes() -> int:
    """How many minutes a code lives, as told to the citizen."""
    return max(1, settings.OTP_TTL_S // 60)


def otp_message(code: str) -> str:
    """The SMS: short, without diacritics (GSM-7, one segment), code first."""
    minutes = code_minutes()
    return (
        f"{code} la ma xac thuc Hien Truong, hieu luc {minutes} phut. "
        "Khong chia se ma nay. / Your Hien Truong code."
    )


def otp_send(
    *,
    phone: str,
    client_ip: str | None,
    deliver_later: Callable[[Callable[[], None]], None] | None = None,
) -> SendOutcome:
    """Send a new code to ``phone`` (E.164, from :func:`phone_mobile`) unless a
    limit says no (see the module docstring).

    The SMS itself goes out after the code is stored and committed. With
    ``deliver_later`` the caller is handed the send to run once its answer is on
    the wire (``api.citizens.views``: a gateway's latency then shows in no answer,
    so a held-back request and a sent one take about the same time); without it,
    the send runs here."""
    now = timezone.now()
    day = timezone.localdate(now)
    code = f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}"
    try:
        with transaction.atomic():
            # The row exists before it is locked, so two first sends serialise too.
            PhoneCode.objects.bulk_create(
                [PhoneCode(phone=phone, code_hmac="", sent_at=EPOCH, expires_at=EPOCH)],
                ignore_conflicts=True,
            )
            row = PhoneCode.objects.select_for_update().get(phone=phone)
            cooldown = dt.timedelta(seconds=settings.OTP_RESEND_COOLDOWN_S)
            if row.sent_at > now - cooldown:
                raise _NoSend("cooldown")
            _count(
                day,
                Scope.PHONE,
                _key_hash("phone", phone),
                settings.OTP_SENDS_PER_PHONE_DAY,
            )
            _count(
                day,
                Scope.ADDRESS,
                _address_key(client_ip),
                settings.OTP_SENDS_PER_ADDRESS_DAY,
            )
            _count(
                day,
                Scope.BUDGET,
                settings.OTP_JURISDICTION,
                settings.OTP_SMS_BUDGET_DAY,
            )
            row.code_hmac = code_hmac(phone, code)
            row.sent_at = now
            row.expires_at = now + dt.timedelta(seconds=settings.OTP_TTL_S)
            row.attempts = 0
            row.consumed_at = None
            row.save()
    except _NoSend as refused:
        log.info("one-time code to %s not sent: %s", mask_number(phone), refused.reason)
        if refused.reason == Scope.BUDGET:
            budget_alert(day)
        return SendOutcome(False, refused.reason)
    text = otp_message(code)

    # Sent after the commit: a slow gateway holds no lock. A failure is logged; the
    # citizen asks again after the cooldown.
    def deliver() -> None:
        try:
            sms_backend().send(phone, text)
        except Exception:
            log.exception("one-time code to %s failed to send", mask_number(phone))

    if deliver_later is None:
        deliver()
    else:
        deliver_later(deliver)
    return SendOutcome(True, "sent")


def budget_alert(day: dt.date) -> bool:
    """Tell the operations centre, once a day, that the SMS budget ran out; True
    for the call that told it."""
    told = OtpDailyCount.objects.filter(
        day=day, scope=Scope.BUDGET, key=settings.OTP_JURISDICTION, alerted=False
    ).update(alerted=True)
    if not told:
        return False
    budget = settings.OTP_SMS_BUDGET_DAY
    log.error(
        "SMS budget for one-time codes spent: %s codes on %s (OTP_SMS_BUDGET_DAY); "
        "no more codes are sent today",
        budget,
        day.isoformat(),
    )
    notify_operations_alert(
        subject=f"Hết ngân sách SMS mã xác thực ngày {day:%d/%m/%Y} / OTP SMS budget spent",
        body=(
            f"Đã gửi {budget} mã xác thực (OTP) trong ngày {day:%d/%m/%Y}, hết ngân "
            "sách OTP_SMS_BUDGET_DAY: người dân không nhận được mã cho đến hết ngày. "
            "Kiểm tra có bị lạm dụng không, hoặc nâng ngân sách.\n---\n"
            f"{budget} one-time codes were sent on {day.isoformat()}, the whole "
            "OTP_SMS_BUDGET_DAY: citizens get no code until the day ends. Check for "
            "abuse, or raise the budget."
        ),
        payload={"event": "otp_budget_spent", "day": day.isoformat(), "budget": budget},
    )
    return True


def _code_shape(code: object) -> str:
    text = "".join(str(code or "").split()) if isinstance(code, str | int) else ""
    if len(text) != DIGITS or not text.isascii() or not text.isdigit():
        raise code_refused(
            "code_invalid",
            f"Mã xác thực gồm {DIGITS} chữ số.",
            f"The code is {DIGITS} digits.",
        )
    return text


_REFUSED_VI = "Mã không đúng hoặc đã hết hạn. Hãy thử lại hoặc yêu cầu mã mới."
_REFUSED_EN = "The code is wrong or has expired. Try again or ask for a new code."


def _verifies_refused_today(day: dt.date, key: str) -> int:
    row = OtpDailyCount.objects.filter(day=day, scope=Scope.VERIFY, key=key).first()
    return 0 if row is None else row.count


def otp_verify(*, phone: str, code: object, client_ip: str | None) -> None:
    """Consume ``phone``'s code if ``code`` is it; refuse otherwise (400, the same
    whether no code was sent, it expired or it is wrong; 429 once the code's tries
    or the client address's refused verifies of the day are spent). A wrong try
    is counted even though the call fails. ``OTP_MAX_ATTEMPTS`` or
    ``OTP_WRONG_PER_ADDRESS_DAY`` of 0 or less turns that limit off."""
    text = _code_shape(code)
    now = timezone.now()
    day = timezone.localdate(now)
    address = _address_key(client_ip)
    per_address = settings.OTP_WRONG_PER_ADDRESS_DAY
    if per_address > 0 and _verifies_refused_today(day, address) >= per_address:
        raise VerifiesExhausted(
            "code_verifies_exhausted",
            "Đã nhập sai mã quá nhiều lần hôm nay từ địa chỉ này. Hãy thử lại vào "
            "ngày mai.",
            "Too many wrong codes from this address today. Try again tomorrow.",
            "code",
        )
    limit = settings.OTP_MAX_ATTEMPTS
    with transaction.atomic():
        row = PhoneCode.objects.select_for_update().filter(phone=phone).first()
        if row is None or not row.code_hmac or row.consumed_at is not None:
            outcome = "none"
        elif limit > 0 and row.attempts >= limit:
            outcome = "exhausted"
        elif row.expires_at <= now:
            outcome = "expired"
        elif hmac.compare_digest(code_hmac(phone, text), row.code_hmac):
            row.consumed_at = now
            row.save(update_fields=["consumed_at"])
            outcome = "ok"
        else:
            row.attempts += 1
            row.save(update_fields=["attempts"])
            outcome = "wrong"
    if outcome == "ok":
        return
    if outcome == "exhausted":
        raise CodeTriesExhausted(
            "code_tries_exhausted",
            f"Đã nhập sai quá {limit} lần, mã này không còn dùng được. Hãy yêu cầu "
            "mã mới.",
            f"More than {limit} wrong tries: this code is void. Ask for a new code.",
            "code",
        )
    _counted(day, Scope.VERIFY, address, cap=None)
    raise code_refused("code_refused", _REFUSED_VI, _REFUSED_EN)
