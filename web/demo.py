"""``/demo/sms/``: the demo's SMS inbox, so a visitor can read the code sent to them.

Only in demo mode (``DEMO_MODE``, ``HT_DEMO=1``): the route always exists and the
view answers 404 otherwise, exactly as for a URL that does not exist, so a real
deployment never shows anyone's messages. In the demo nothing reaches a phone; the
log backend keeps the last messages in Redis (``routing.notifications.demo_sms``)
and this page lists them, newest first, optionally only those to one number.
"""

from __future__ import annotations

import re
from typing import Any

import redis
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView

from routing.notifications.demo_sms import DemoSms, demo_sms_recent
from web.i18n import vietnamese_first

REFRESH_S = 10
# A Vietnamese mobile number is 9 digits after 0 / +84: compare on those.
NATIONAL_DIGITS = 9


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)[-NATIONAL_DIGITS:]


def messages_to(messages: list[DemoSms], phone: str) -> list[DemoSms]:
    """The messages to ``phone`` as typed (0912 345 678, +84912345678, 84912…)."""
    wanted = _digits(phone)
    if not wanted:
        return messages
    return [m for m in messages if _digits(m.to) == wanted]


@method_decorator(vietnamese_first, name="dispatch")
class DemoSmsView(TemplateView):
    """The last messages the demo "sent", newest first; 404 outside demo mode."""

    template_name = "web/demo_sms.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.DEMO_MODE:
            raise Http404
        phone = request.GET.get("phone", "")[:40].strip()
        unavailable = False
        try:
            messages = demo_sms_recent()
        except redis.RedisError:
            messages, unavailable = [], True
        response = self.render_to_response(
            self.get_context_data(
                messages=messages_to(messages, phone),
                phone=phone,
                unavailable=unavailable,
                refresh_s=REFRESH_S,
                keep=settings.DEMO_SMS_KEEP,
            )
        )
        response["Cache-Control"] = "no-store"
        response["X-Robots-Tag"] = "noindex"
        return response
