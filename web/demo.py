"""``/demo/sms/``: the demo's SMS inbox, so a visitor can read the code sent to them.

Only in demo mode (``DEMO_MODE``, ``HT_DEMO=1``): the route always exists and the
view answers 404 otherwise, exactly as for a URL that does not exist, so a real
deployment never shows anyone's messages. In the demo nothing reaches a phone; the
log backend keeps the last messages in Redis (``routing.notifications.demo_sms``)
and this page lists those to the one full number a visitor types (normalised as
for a one-time code, ``routing.citizens.otp.phone_mobile``), newest first; without
a number it lists nothing, so no one browses the others' numbers and codes. Receipt
secrets are masked (``routing.notifications.demo_sms``).
"""

from __future__ import annotations

from typing import Any

import redis
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView

from geo.errors import BilingualError
from routing.citizens.otp import phone_mobile
from routing.notifications.demo_sms import DemoSms, demo_sms_recent
from web.i18n import vietnamese_first

REFRESH_S = 10


def messages_to(messages: list[DemoSms], phone: str) -> list[DemoSms]:
    """The messages to ``phone``, a full number as typed (0912 345 678,
    +84912345678); none for an empty or invalid one."""
    if not phone:
        return []
    try:
        wanted = phone_mobile(phone)
    except BilingualError:
        return []
    return [m for m in messages if m.to == wanted]


@method_decorator(vietnamese_first, name="dispatch")
class DemoSmsView(TemplateView):
    """The last messages the demo "sent", newest first; 404 outside demo mode."""

    template_name = "web/demo_sms.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.DEMO_MODE:
            raise Http404
        phone = request.GET.get("phone", "")[:40].strip()
        unavailable = False
        messages: list[DemoSms] = []
        if phone:
            try:
                messages = messages_to(demo_sms_recent(), phone)
            except redis.RedisError:
                unavailable = True
        response = self.render_to_response(
            self.get_context_data(
                messages=messages,
                phone=phone,
                unavailable=unavailable,
                refresh_s=REFRESH_S,
                keep=settings.DEMO_SMS_KEEP,
            )
        )
        response["Cache-Control"] = "no-store"
        response["X-Robots-Tag"] = "noindex"
        return response
