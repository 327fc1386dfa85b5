"""A generic SMS Brandname gateway over HTTP: one POST per message, set up by settings.

Vietnamese Brandname providers (VNPT, Viettel, VMG, eSMS, SpeedSMS, …) all take a POST
with the number, the text and the registered brandname, authenticated by a header or
by account fields in the body, and answer JSON with a status and a message id. Their
field names differ, so everything that differs is a setting (``SMS_HTTP_*`` in
config/settings/sms.py; docs/operations.md has an example):

- the body: ``SMS_HTTP_TEMPLATE``, a JSON object whose string values may hold
  ``{to}``, ``{text}`` and ``{brandname}``, sent as JSON or form-encoded
  (``SMS_HTTP_BODY``); the account's username and password, when set, are added as
  the fields ``SMS_HTTP_USERNAME_FIELD`` and ``SMS_HTTP_PASSWORD_FIELD``;
- authentication: ``SMS_HTTP_AUTH_HEADER`` is sent as the value of the header
  ``SMS_HTTP_AUTH_HEADER_NAME`` (``Authorization: Bearer …``, ``Basic …``);
- the number: ``SMS_HTTP_NUMBER_FORMAT`` ``e164`` (+84912345678), ``e164_digits``
  (84912345678) or ``national`` (0912345678, Vietnamese numbers only);
- the answer: success is a 2xx status and, when ``SMS_HTTP_SUCCESS_FIELD`` is set,
  that dotted path of the JSON answer holding one of ``SMS_HTTP_SUCCESS_VALUES``; the
  message id is read at the dotted path ``SMS_HTTP_ID_PATH``.

Failures raise, so the outbox retries (``routing.notifications.tasks``): a timeout, a
connection error, a 5xx, a 408/425/429 and a 2xx whose success field says no are
:class:`SmsError` (retried with backoff, up to ``NOTIFY_MAX_ATTEMPTS``); any other 4xx
is :class:`SmsRefused` (the request itself is wrong: the row is given up at once).
"""

from __future__ import annotations

import json
import logging
from typing import Any

import requests
from django.conf import settings

from routing.notifications.sms import (
    BaseSmsBackend,
    SmsError,
    SmsRefused,
    mask_number,
)

log = logging.getLogger(__name__)

# 4xx answers that mean "not now" rather than "never".
RETRYABLE_4XX = frozenset({408, 425, 429})
ERROR_BODY_CHARS = 200
PLACEHOLDERS = ("to", "text", "brandname")


def number_format(to_e164: str, style: str) -> str:
    """The number as the gateway wants it: ``e164``, ``e164_digits`` or ``national``
    (Vietnam: +84912345678 → 0912345678; another country cannot be written so)."""
    if style == "e164":
        return to_e164
    if style == "e164_digits":
        return to_e164.lstrip("+")
    if style == "national":
        if not to_e164.startswith("+84"):
            raise SmsRefused(
                f"{mask_number(to_e164)} is not a Vietnamese number "
                "(SMS_HTTP_NUMBER_FORMAT=national)"
            )
        return "0" + to_e164[3:]
    raise SmsRefused(f"unknown SMS_HTTP_NUMBER_FORMAT {style!r}")


def _fill(value: Any, fields: dict[str, str]) -> Any:
    """``value`` with each ``{name}`` replaced, in nested objects and lists too.
    Plain replacement, not ``str.format``: a brace in the text stays a brace."""
    if isinstance(value, str):
        for name, replacement in fields.items():
            value = value.replace("{" + name + "}", replacement)
        return value
    if isinstance(value, dict):
        return {key: _fill(item, fields) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, fields) for item in value]
    return value


def dotted(document: Any, path: str) -> Any:
    """``document`` at ``path`` (``data.0.id``: keys, and list indexes as digits);
    None when any step is missing."""
    for step in path.split("."):
        if isinstance(document, dict):
            document = document.get(step)
        elif (
            isinstance(document, list) and step.isdigit() and int(step) < len(document)
        ):
            document = document[int(step)]
        else:
            return None
    return document


def gateway_document(to_e164: str, text: str) -> dict[str, Any]:
    """The request body as a dict (before JSON or form encoding)."""
    template = json.loads(settings.SMS_HTTP_TEMPLATE)
    if not isinstance(template, dict):
        raise SmsRefused("SMS_HTTP_TEMPLATE must be a JSON object")
    fields = {
        "to": number_format(to_e164, settings.SMS_HTTP_NUMBER_FORMAT),
        "text": text,
        "brandname": settings.SMS_HTTP_BRANDNAME,
    }
    document = _fill(template, fields)
    if settings.SMS_HTTP_USERNAME:
        document[settings.SMS_HTTP_USERNAME_FIELD] = settings.SMS_HTTP_USERNAME
        document[settings.SMS_HTTP_PASSWORD_FIELD] = settings.SMS_HTTP_PASSWORD
    return document


def _excerpt(response: requests.Response) -> str:
    text = response.text[:ERROR_BODY_CHARS].strip()
    return f": {text}" if text else ""


class HttpSmsBackend(BaseSmsBackend):
    """POST each message to ``SMS_HTTP_URL``; the provider's message id, or raise."""

    def transmit(self, to_e164: str, text: str) -> str | None:
        url = settings.SMS_HTTP_URL
        if not url:
            raise SmsError("SMS_HTTP_URL is not set")
        document = gateway_document(to_e164, text)
        headers = {"User-Agent": "HienTruong-SMS/1", "Accept": "application/json"}
        if settings.SMS_HTTP_AUTH_HEADER:
            headers[settings.SMS_HTTP_AUTH_HEADER_NAME] = settings.SMS_HTTP_AUTH_HEADER
        body: dict[str, Any] = {}
        if settings.SMS_HTTP_BODY == "form":
            body["data"] = {
                key: value if isinstance(value, str) else json.dumps(value)
                for key, value in document.items()
            }
        else:
            body["json"] = document
        try:
            response = requests.post(
                url,
                headers=headers,
                timeout=(
                    settings.SMS_HTTP_CONNECT_TIMEOUT,
                    settings.SMS_HTTP_READ_TIMEOUT,
                ),
                allow_redirects=False,
                **body,
            )
        except requests.Timeout as exc:
            raise SmsError(f"SMS gateway timed out: {exc}") from exc
        except requests.RequestException as exc:  # refused, DNS, TLS, reset
            raise SmsError(f"SMS gateway unreachable: {type(exc).__name__}") from exc
        return self.answer(response)

    def answer(self, response: requests.Response) -> str | None:
        """The message id from a 2xx answer, or raise with the reason."""
        status = response.status_code
        if 400 <= status < 500 and status not in RETRYABLE_4XX:
            raise SmsRefused(f"SMS gateway refused: HTTP {status}{_excerpt(response)}")
        if not 200 <= status < 300:
            raise SmsError(f"SMS gateway answered HTTP {status}{_excerpt(response)}")
        try:
            document = response.json()
        except ValueError:
            document = None
        field = settings.SMS_HTTP_SUCCESS_FIELD
        if field:
            value = dotted(document, field)
            # Compared as text; JSON true/false/numbers as JSON writes them.
            text = value if isinstance(value, str) else json.dumps(value)
            if value is None or text not in settings.SMS_HTTP_SUCCESS_VALUES:
                raise SmsError(
                    f"SMS gateway did not accept the message: {field}={value!r}"
                    f"{_excerpt(response)}"
                )
        path = settings.SMS_HTTP_ID_PATH
        provider_id = dotted(document, path) if path else None
        if provider_id in (None, ""):
            log.warning("SMS gateway answered without a message id at %r", path)
            return None
        return str(provider_id)[:100]
