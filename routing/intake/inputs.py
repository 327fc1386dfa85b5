"""Check and normalise what a citizen typed: text, phone, e-mail, key, accuracy, time.

Each check returns the value to store or raises ``IntakeError`` naming the field, in
Vietnamese and English (the messages are in ``routing.intake.errors``). Text is stored
in NFC without control characters; HTML tags are refused, not stripped (a bare "<" or
">" is fine). Phone numbers are Vietnamese mobile or fixed lines written 0xxxxxxxxx(x)
or +84…, checked against libphonenumber and stored in E.164 (DOMAIN.md §4.2: the old
11-digit 01xx mobiles are invalid).
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

from routing.intake import errors

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
        raise errors.too_long(field_name, label_vi, len(cleaned), max_length)
    if _TAG.search(cleaned):
        raise errors.html_not_allowed(field_name, label_vi)
    return cleaned


def phone_normalise(raw: str | None) -> str:
    """A Vietnamese mobile or fixed-line number, 0xxxxxxxxx(x) or +84…, as E.164;
    "" when none is given."""
    text = _PHONE_SEPARATORS.sub("", raw or "")
    if not text:
        return ""
    refused = errors.bad_phone(text)
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
        raise errors.bad_email(text) from None
    local, _, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


def key_check(key: str | None) -> str | None:
    if key is None or str(key).strip() == "":
        return None
    key = str(key).strip()
    if not _KEY_SHAPE.match(key):
        raise errors.bad_idempotency_key()
    return key


def accuracy_check(accuracy_m: float | None) -> float | None:
    if accuracy_m is None:
        return None
    try:
        value = float(accuracy_m)
    except (TypeError, ValueError):
        value = math.nan
    if not (math.isfinite(value) and 0 <= value <= MAX_ACCURACY_M):
        raise errors.bad_accuracy(MAX_ACCURACY_M)
    return value


def _within(
    reported_at: dt.datetime, now: dt.datetime, max_age: dt.timedelta
) -> dt.datetime | None:
    """``reported_at`` made aware (naive times are local) when it lies between
    ``max_age`` back and a clock's skew ahead of ``now``; None otherwise."""
    if timezone.is_naive(reported_at):
        reported_at = timezone.make_aware(reported_at)
    if reported_at > now + CLOCK_SKEW or reported_at < now - max_age:
        return None
    return reported_at


def moment_check(reported_at: dt.datetime, now: dt.datetime) -> dt.datetime:
    """When the citizen says it happened: naive times are local; not in the future
    beyond a phone's clock skew, not more than 30 days back."""
    moment = _within(reported_at, now, MAX_BACKDATE)
    if moment is None:
        raise errors.bad_reported_at()
    return moment


def call_time_check(
    reported_at: dt.datetime, now: dt.datetime, max_age: dt.timedelta
) -> dt.datetime:
    """When a call, letter or visit reached the operations centre's desk: its
    deadline runs from then, so not in the future (beyond a clock's skew, and then
    taken as now) and not more than ``max_age`` back. Naive times are local."""
    moment = _within(reported_at, now, max_age)
    if moment is None:
        raise errors.bad_call_time(int(max_age.total_seconds() // 3600))
    return min(moment, now)
