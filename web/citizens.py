"""The verified citizen's pages: ``/r/mine`` (sign in with a one-time code, then
one's reports and those one follows, with rating and reopening) and the link that
verifies a reporter's e-mail address (``/r/email/<token>``: a page whose button
confirms it).

The forms post to the page itself (with Django's CSRF token), which calls the same
services as the API (``routing.citizens``, ``routing.workflow``): a phone, then the
code sent to it; the session opened is the same row the API's bearer token names.
Bilingual, Vietnamese first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View

from config.after_response import after_response
from config.client_ip import client_ip
from geo.errors import BilingualError, TooMany
from routing import workflow
from routing.citizens.email_links import email_token_report, email_verify
from routing.citizens.follow import report_follow, report_unfollow
from routing.citizens.identity import (
    PHONE_KEY,
    Citizen,
    citizen_code_sign_in,
    citizen_of,
    citizen_sign_out,
)
from routing.citizens.mine import reports_of_citizen
from routing.citizens.otp import (
    DIGITS,
    code_minutes,
    otp_send,
    phone_mobile,
)
from routing.models import Report
from routing.notifications.sms import mask_number
from routing.reports.selectors import report_public_get
from web import labels
from web.i18n import vietnamese_first
from web.throttle import citizen_throttled

PAGE_SIZE = 20


def _mine_url() -> str:
    return reverse("web:mine")


@method_decorator(vietnamese_first, name="dispatch")
@method_decorator(citizen_throttled, name="dispatch")
class MineView(View):
    """``/r/mine``: the sign-in form, or the citizen's reports."""

    template_name = "web/mine.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(request, citizen_of(request))

    def post(self, request: HttpRequest) -> HttpResponse:
        citizen = citizen_of(request)
        action = request.POST.get("action", "")
        try:
            if action == "send":
                phone = phone_mobile(request.POST.get("phone", ""))
                sends: list[Callable[[], None]] = []
                otp_send(
                    phone=phone,
                    client_ip=client_ip(request),
                    deliver_later=sends.append,
                )
                request.session[PHONE_KEY] = phone
                return after_response(sends, self._page(request, None, sent=True))
            if action == "verify":
                citizen_code_sign_in(
                    request,
                    phone=phone_mobile(request.session.get(PHONE_KEY, "")),
                    code=request.POST.get("code", ""),
                    client_ip=client_ip(request),
                )
                request.session.pop(PHONE_KEY, None)
                return HttpResponseRedirect(_mine_url())
            if action == "signout":
                citizen_sign_out(request, citizen)
                return HttpResponseRedirect(_mine_url())
            if citizen is not None and action in ("rate", "follow", "unfollow"):
                report = self._act(request, citizen, action)
                # The report's own code, not the posted one (which may carry a
                # trailing "/" or other odd characters that ``reverse`` refuses).
                return HttpResponseRedirect(
                    (
                        request.POST.get("next") == "track"
                        and reverse("web:track", kwargs={"code": report.tracking_code})
                    )
                    or _mine_url()
                )
        except BilingualError as error:
            status = 429 if isinstance(error, TooMany) else 400
            return self._page(
                request,
                citizen,
                error={"vi": error.vi, "en": error.en},
                sent=action == "verify",
                status=status,
            )
        return self._page(
            request,
            citizen,
            error={"vi": "Yêu cầu không hợp lệ.", "en": "Invalid request."},
            status=400,
        )

    def _act(self, request: HttpRequest, citizen: Citizen, action: str) -> Report:
        report = report_public_get(code=request.POST.get("code", "")[:40])
        if report is None:
            raise BilingualError(
                "not_found",
                "Không có phản ánh với mã theo dõi này.",
                "No report has this tracking code.",
            )
        if action == "follow":
            report_follow(report=report, phone=citizen.phone)
        elif action == "unfollow":
            report_unfollow(report=report, phone=citizen.phone)
        else:
            workflow.report_rate(
                report=report,
                receipt="",
                rating=request.POST.get("rating", ""),
                note=request.POST.get("note", "")[:4000],
                reopen=request.POST.get("reopen") == "1",
                verified_phone=citizen.phone,
            )
        return report

    def _page(
        self,
        request: HttpRequest,
        citizen: Citizen | None,
        *,
        sent: bool = False,
        error: dict[str, str] | None = None,
        status: int = 200,
    ) -> HttpResponse:
        context: dict[str, Any] = {
            "citizen": citizen,
            "sent": sent or (bool(request.session.get(PHONE_KEY)) and citizen is None),
            "error": error,
            "cooldown": settings.OTP_RESEND_COOLDOWN_S,
            "code_digits": DIGITS,
            "code_minutes": code_minutes(),
            "ratings": list(labels.RATING.items()),
        }
        if citizen is not None:
            reports = reports_of_citizen(citizen.phone)
            page = _page_number(request.GET.get("page"))
            items = list(reports[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
            context.update(
                {
                    "phone_shown": mask_number(citizen.phone),
                    "reports": [
                        {
                            "report": r,
                            "own": r.filed_by(citizen.phone),
                            "status_label": labels.status_label(r.status),
                            "reported_at": timezone.localtime(r.reported_at),
                            "can_rate": r.filed_by(citizen.phone)
                            and r.status == Report.Status.RESOLVED,
                        }
                        for r in items[:PAGE_SIZE]
                    ],
                    "page": page,
                    "next_page": page + 1 if len(items) > PAGE_SIZE else None,
                    "previous_page": page - 1 if page > 1 else None,
                }
            )
        return render(request, self.template_name, context, status=status)


def _page_number(raw: str | None) -> int:
    try:
        return max(1, min(int(raw or 1), 10_000))
    except ValueError:
        return 1


@method_decorator(vietnamese_first, name="dispatch")
@method_decorator(citizen_throttled, name="dispatch")
class EmailVerifyView(View):
    """``/r/email/<token>``: the link sent to a report's e-mail address. GET shows
    a confirm button and changes nothing (mail scanners follow links); its POST
    (with the CSRF token) confirms the address."""

    template_name = "web/email_verified.html"

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        report = email_token_report(token)
        return self._page(request, report, confirmed=False)

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        report = email_verify(token)
        return self._page(request, report, confirmed=report is not None)

    def _page(
        self, request: HttpRequest, report: Report | None, *, confirmed: bool
    ) -> HttpResponse:
        return render(
            request,
            self.template_name,
            {"report": report, "confirmed": confirmed},
            status=200 if report is not None else 400,
        )
