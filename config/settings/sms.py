"""SMS settings, from the environment (imported by config/settings/base.py).

SMS_BACKEND (base.py) names the backend: routing.notifications.sms.LogSmsBackend in
development and the demo, routing.notifications.sms_http.HttpSmsBackend for a real
Brandname gateway (docs/operations.md, "SMS Brandname gateway").
"""

import os

from config.settings.env import env_bool, env_list

# SMS text: with SMS_ASCII_ONLY the Vietnamese diacritics are dropped before sending
# ("Đã xử lý" → "Da xu ly"): GSM-7 holds 160 characters a segment, Unicode (UCS-2)
# only 70 and costs more on Brandname gateways. A message longer than SMS_MAX_SEGMENTS
# is still sent, with a warning; tests check every message the system sends fits.
SMS_ASCII_ONLY = env_bool("SMS_ASCII_ONLY", default=True)
SMS_MAX_SEGMENTS = int(os.environ.get("SMS_MAX_SEGMENTS", "1"))
# The generic Brandname gateway (SMS_BACKEND=routing.notifications.sms_http.HttpSmsBackend;
# docs/operations.md). The body is SMS_HTTP_TEMPLATE, a JSON object whose strings may
# hold {to}, {text} and {brandname}, sent as JSON or form-encoded (SMS_HTTP_BODY
# json|form); the account's username/password, when set, are added as two fields.
SMS_HTTP_URL = os.environ.get("SMS_HTTP_URL", "")
SMS_HTTP_BODY = os.environ.get("SMS_HTTP_BODY", "json")
SMS_HTTP_TEMPLATE = os.environ.get(
    "SMS_HTTP_TEMPLATE", '{"to": "{to}", "text": "{text}", "brandname": "{brandname}"}'
)
SMS_HTTP_BRANDNAME = os.environ.get("SMS_HTTP_BRANDNAME", "")
# Sent as the value of the header SMS_HTTP_AUTH_HEADER_NAME ("Bearer …", "Basic …").
SMS_HTTP_AUTH_HEADER = os.environ.get("SMS_HTTP_AUTH_HEADER", "")
SMS_HTTP_AUTH_HEADER_NAME = os.environ.get("SMS_HTTP_AUTH_HEADER_NAME", "Authorization")
SMS_HTTP_USERNAME = os.environ.get("SMS_HTTP_USERNAME", "")
SMS_HTTP_PASSWORD = os.environ.get("SMS_HTTP_PASSWORD", "")
SMS_HTTP_USERNAME_FIELD = os.environ.get("SMS_HTTP_USERNAME_FIELD", "username")
SMS_HTTP_PASSWORD_FIELD = os.environ.get("SMS_HTTP_PASSWORD_FIELD", "password")
# The number as the gateway wants it: e164 (+84912345678), e164_digits (84912345678)
# or national (0912345678, Vietnamese numbers only).
SMS_HTTP_NUMBER_FORMAT = os.environ.get("SMS_HTTP_NUMBER_FORMAT", "e164")
# The answer: the provider's message id at this dotted path of the JSON ("data.id");
# success is a 2xx and, if SMS_HTTP_SUCCESS_FIELD is set, that dotted path holding one
# of SMS_HTTP_SUCCESS_VALUES (comma-separated, compared as text; JSON true as "true").
SMS_HTTP_ID_PATH = os.environ.get("SMS_HTTP_ID_PATH", "message_id")
SMS_HTTP_SUCCESS_FIELD = os.environ.get("SMS_HTTP_SUCCESS_FIELD", "")
SMS_HTTP_SUCCESS_VALUES = env_list("SMS_HTTP_SUCCESS_VALUES", "")
SMS_HTTP_CONNECT_TIMEOUT = float(os.environ.get("SMS_HTTP_CONNECT_TIMEOUT", "3"))
SMS_HTTP_READ_TIMEOUT = float(os.environ.get("SMS_HTTP_READ_TIMEOUT", "10"))
# Delivery receipts from the gateway: POST /api/v1/sms/receipts, signed with
# HMAC-SHA256 of the raw body (of "<timestamp>.<body>" when the timestamp header is
# sent, then at most SMS_RECEIPT_MAX_AGE_S old) keyed with SMS_RECEIPT_SECRET
# (comma-separated: any of them, while a secret is rotated). Unset: every receipt is
# refused. The id and status are read at these dotted paths of each receipt; status
# words (case-insensitive) listed here are final, any other means "en route".
SMS_RECEIPT_SECRETS = env_list("SMS_RECEIPT_SECRET", "")
SMS_RECEIPT_SIGNATURE_HEADER = os.environ.get(
    "SMS_RECEIPT_SIGNATURE_HEADER", "X-Signature"
)
SMS_RECEIPT_TIMESTAMP_HEADER = os.environ.get(
    "SMS_RECEIPT_TIMESTAMP_HEADER", "X-Timestamp"
)
SMS_RECEIPT_MAX_AGE_S = int(os.environ.get("SMS_RECEIPT_MAX_AGE_S", "300"))
SMS_RECEIPT_ID_FIELD = os.environ.get("SMS_RECEIPT_ID_FIELD", "message_id")
SMS_RECEIPT_STATUS_FIELD = os.environ.get("SMS_RECEIPT_STATUS_FIELD", "status")
SMS_RECEIPT_DELIVERED_VALUES = env_list(
    "SMS_RECEIPT_DELIVERED_VALUES", "delivered,DELIVRD"
)
SMS_RECEIPT_UNDELIVERED_VALUES = env_list(
    "SMS_RECEIPT_UNDELIVERED_VALUES",
    "undelivered,failed,UNDELIV,EXPIRED,REJECTD,DELETED,UNKNOWN",
)
# Demo mode only: the log backend also keeps the last DEMO_SMS_KEEP messages in this
# Redis list (expiring DEMO_SMS_TTL_HOURS after the last) for the page /demo/sms/,
# so a visitor can read the code sent to the number they typed.
DEMO_SMS_REDIS_URL = os.environ.get(
    "DEMO_SMS_REDIS_URL", os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
)
DEMO_SMS_KEY = "ht:demo:sms"
DEMO_SMS_KEEP = 200
DEMO_SMS_TTL_HOURS = 24.0
