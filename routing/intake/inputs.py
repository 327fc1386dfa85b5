"""Check and normalise what a citizen typed: text, phone, e-mail, key, accuracy, time.

Each check returns the value to store or raises ``IntakeError`` naming the field, in
Vietnamese and English. Text is stored in NFC without control characters; HTML tags
are refused, not stripped (a bare "<" or ">" is fine). Phone numbers are Vietnamese
mobile or fixed lines written 0xxxxxxxxx(x) or +84…, checked against libphonenumber
and stored in E.164 (DOMAIN.md §4.2: the old 11-digit 01xx mobiles are invalid).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from geo.errors import InvalidInput

MAX_DESCRIPTION = 4000
MAX_NAME = 200
MAX_ACCURACY_M = 100_000
# A report may be sent up to this long after it was made (an app that was offline);
# a moment in the future is accepted within the clock skew of a phone.
MAX_BACKDATE = dt.timedelta(days=30)
CLOCK_SKEW = dt.timedelta(minutes=5)

_TAG = re.compile(r"<\s*/?\s*[A-Za-z!?][^<>]*>")
_PHONE_SHAPE = re.compile(r"^(?:0|\+84)\d{9,10}$")
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
_KEY_SHAPE = re.compile(r"^[\x21-\x7e]{1,80}$")  # printable ASCII, no spaces
_PHONE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


class IntakeError(InvalidInput):
    """Input refused; ``field`` names what to correct."""


def _clean_text(text: str | None) -> str:
    """NFC, Unix newlines, no invisible control characters, trimmed."""
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n")
    text = "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc"
    )
    return text.strip()


def text_check(
    text: str | None, *, field_name: str, label_vi: str, max_length: int
) -> str:
    """Clean text; refuse it over ``max_length`` characters or holding HTML tags."""
    cleaned = _clean_text(text)
    if len(cleaned) > max_length:
        raise IntakeError(
            "too_long",
            f"{label_vi} dài {len(cleaned)} ký tự, tối đa {max_length} ký tự.",
            f"'{field_name}' has {len(cleaned)} characters; at most {max_length}.",
            field_name,
            {"max_length": max_length, "length": len(cleaned)},
        )
    if _TAG.search(cleaned):
        raise IntakeError(
            "html_not_allowed",
            f"{label_vi} không được chứa mã HTML (như <b>, <a href=…>).",
            f"'{field_name}' must not contain HTML tags (such as <b> or <a href=…>).",
            field_name,
        )
    return cleaned


def phone_normalise(raw: str | None) -> str:
    """A Vietnamese mobile or fixed-line number, 0xxxxxxxxx(x) or +84…, as E.164;
    "" when none is given."""
    text = _PHONE_SEPARATORS.sub("", raw or "")
    if not text:
        return ""
    refused = IntakeError(
        "bad_phone",
        f"Số điện thoại '{text[:20]}' không hợp lệ: dùng số di động 10 chữ số "
        "(0912 345 678), số cố định có mã vùng (0232 3822 123) hoặc +84….",
        f"'{text[:20]}' is not a Vietnamese phone number: use a 10-digit mobile "
        "(0912 345 678), a landline with its area code (0232 3822 123) or +84….",
        "reporter_phone",
    )
    if not _PHONE_SHAPE.match(text):
        raise refused
    try:
        number = phonenumbers.parse(text, "VN")
    except phonenumbers.NumberParseException:
        raise refused from None
    if (
        number.country_code != 84
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) not in _PHONE_TYPES
    ):
        raise refused
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def email_normalise(raw: str | None) -> str:
    """A checked e-mail address with its domain in lower case; "" when none."""
    text = (raw or "").strip()
    if not text:
        return ""
    try:
        if len(text) > 254:
            raise ValidationError("too long")
        validate_email(text)
    except ValidationError:
        raise IntakeError(
            "bad_email",
            f"Địa chỉ e-mail '{text[:60]}' không hợp lệ.",
            f"'{text[:60]}' is not a valid e-mail address.",
            "reporter_email",
        ) from None
    local, _, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


def key_check(key: str | None) -> str | None:
    if key is None or str(key).strip() == "":
        return None
    key = str(key).strip()
    if not _KEY_SHAPE.match(key):
        raise IntakeError(
            "bad_idempotency_key",
            "Khóa chống gửi trùng (Idempotency-Key) phải gồm 1–80 ký tự ASCII in "
            "được, không có dấu cách (ví dụ một UUID).",
            "The Idempotency-Key must be 1–80 printable ASCII characters without "
            "spaces (a UUID, for example).",
            "idempotency_key",
        )
    return key


def accuracy_check(accuracy_m: float | None) -> float | None:
    if accuracy_m is None:
        return None
    try:
        value = float(accuracy_m)
    except (TypeError, ValueError):
        value = math.nan
    if not (math.isfinite(value) and 0 <= value <= MAX_ACCURACY_M):
        raise IntakeError(
            "bad_accuracy",
            f"Độ chính xác vị trí phải từ 0 đến {MAX_ACCURACY_M} mét.",
            f"'accuracy_m' must be between 0 and {MAX_ACCURACY_M} metres.",
            "accuracy_m",
        )
    return value


def moment_check(reported_at: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    if reported_at is None:
        return now
    if timezone.is_naive(reported_at):
        reported_at = timezone.make_aware(reported_at)
    if reported_at > now + CLOCK_SKEW or reported_at < now - MAX_BACKDATE:
        raise IntakeError(
            "bad_reported_at",
            "Thời điểm phản ánh không được ở tương lai hay quá 30 ngày trước.",
            "'reported_at' must not be in the future or more than 30 days ago.",
            "reported_at",
        )
    return reported_at
