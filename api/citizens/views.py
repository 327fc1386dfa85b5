"""Verified citizens on the API: one-time codes, the session they open, "my
reports" and "me too".

- ``POST /otp/`` ``{"phone"}``: 202, the same body and ``Retry-After`` for every
  mobile number, whether a code went out or a limit held it back
  (``routing.citizens.otp``); a number that is not a Vietnamese mobile is a 400.
- ``POST /otp/verify`` ``{"phone", "code"}``: 200 with a bearer token (and the page
  session signed in), 400 (one answer) for a code that is wrong, expired or never
  sent, 429 once the code's tries or the address's refused codes of the day are spent.
  JSON only, so a cross-site form cannot sign a browser in as someone else.
- ``GET /otp/session``: who the session is; ``DELETE``: sign out (revokes the token).
- ``GET /me/reports``: the citizen's reports and those they follow, paginated.
- ``POST``/``DELETE /reports/{code}/follow``: "me too", and its undoing.

All are throttled per client address like the other citizen endpoints.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.citizen_auth import CITIZEN_ONLY, VerifiedCitizen, citizen_of
from api.errors import ApiError
from api.params import parse_bounded
from api.reports.citizen import CitizenThrottle
from api.routing.serializers import input_valid, request_object
from config.after_response import after_response
from config.client_ip import client_ip
from routing.citizens.follow import report_follow, report_unfollow, supporters
from routing.citizens.identity import citizen_code_sign_in, citizen_sign_out
from routing.citizens.mine import reports_of_citizen
from routing.citizens.otp import otp_send, phone_mobile
from routing.models import Report
from routing.notifications.sms import mask_number
from routing.reports.public import local_iso
from routing.reports.selectors import report_public_get

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class OtpSendApi(APIView):
    """Send a one-time code by SMS to a mobile number."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [CitizenThrottle]
    parser_classes = [JSONParser]

    class SendInput(serializers.Serializer):
        phone = serializers.CharField(max_length=40)

    class SendOutput(serializers.Serializer):
        status = serializers.CharField()
        retry_after = serializers.IntegerField()
        messages = serializers.DictField()

    @extend_schema(request=SendInput, responses={202: SendOutput})
    def post(self, request: Request) -> Response:
        data = input_valid(self.SendInput, request_object(request))
        phone = phone_mobile(data["phone"])
        sends: list[Callable[[], None]] = []
        otp_send(phone=phone, client_ip=client_ip(request), deliver_later=sends.append)
        wait = settings.OTP_RESEND_COOLDOWN_S
        return after_response(
            sends,
            Response(
                {
                    "status": "accepted",
                    "retry_after": wait,
                    "messages": {
                        "vi": "Nếu số này nhận được tin nhắn, mã xác thực sẽ đến trong ít "
                        f"phút. Có thể yêu cầu lại sau {wait} giây.",
                        "en": "If this number can receive messages, the code will arrive "
                        f"within minutes. You may ask again after {wait} seconds.",
                    },
                },
                status=status.HTTP_202_ACCEPTED,
                headers={"Retry-After": str(wait)},
            ),
        )


class OtpVerifyApi(APIView):
    """Check a one-time code; open a citizen session."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [CitizenThrottle]
    parser_classes = [JSONParser]

    class VerifyInput(serializers.Serializer):
        phone = serializers.CharField(max_length=40)
        code = serializers.CharField(max_length=20)

    class VerifyOutput(serializers.Serializer):
        token = serializers.CharField()
        token_type = serializers.CharField()
        expires_at = serializers.CharField()
        phone = serializers.CharField()

    @extend_schema(request=VerifyInput, responses={200: VerifyOutput})
    def post(self, request: Request) -> Response:
        data = input_valid(self.VerifyInput, request_object(request))
        phone = phone_mobile(data["phone"])
        session, token = citizen_code_sign_in(
            request._request,
            phone=phone,
            code=data["code"],
            client_ip=client_ip(request),
        )
        return Response(
            {
                "token": token,
                "token_type": "Bearer",
                "expires_at": local_iso(session.expires_at),
                "phone": phone,
            }
        )


class CitizenSessionApi(APIView):
    """The citizen's session: who it is (GET), sign out (DELETE)."""

    authentication_classes = CITIZEN_ONLY
    permission_classes = [VerifiedCitizen]
    throttle_classes = [CitizenThrottle]

    class SessionOutput(serializers.Serializer):
        phone = serializers.CharField()

    @extend_schema(responses={200: SessionOutput})
    def get(self, request: Request) -> Response:
        citizen = citizen_of(request)
        assert citizen is not None  # VerifiedCitizen
        # Masked: a shared screen or a log need not show the whole number.
        return Response({"phone": mask_number(citizen.phone)})

    @extend_schema(responses={204: None})
    def delete(self, request: Request) -> Response:
        citizen_sign_out(request._request, citizen_of(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


def mine_json(report: Report, *, own: bool) -> dict[str, Any]:
    """One of a citizen's reports: no one's personal data (a followed report is
    someone else's; one's own is what one sent)."""
    category = report.category
    return {
        "tracking_code": report.tracking_code,
        "own": own,
        "status": {"code": report.status, "name": Report.Status(report.status).label},
        "category": {
            "code": category.code,
            "name_vi": category.name_vi,
            "name_en": category.name_en,
        },
        "reported_at": local_iso(report.reported_at),
        "due_at": local_iso(report.due_at),
        "resolved_at": local_iso(report.resolved_at),
        "closed_at": local_iso(report.closed_at),
        "contact_verified": report.contact_verified if own else None,
        "can_rate": own and report.status == Report.Status.RESOLVED,
    }


class MyReportsApi(APIView):
    """The verified citizen's reports (giving their proven phone) and the reports
    they follow, newest first, paginated."""

    authentication_classes = CITIZEN_ONLY
    permission_classes = [VerifiedCitizen]
    throttle_classes = [CitizenThrottle]

    @extend_schema(
        parameters=[
            OpenApiParameter("page", OpenApiTypes.INT),
            OpenApiParameter(
                "page_size", OpenApiTypes.INT, description=f"1–{MAX_PAGE_SIZE}"
            ),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        citizen = citizen_of(request)
        assert citizen is not None  # VerifiedCitizen
        params = request.query_params
        number = int(
            parse_bounded(params.get("page"), "page", low=1, high=1e6, default=1)
        )
        size = int(
            parse_bounded(
                params.get("page_size"),
                "page_size",
                low=1,
                high=MAX_PAGE_SIZE,
                default=DEFAULT_PAGE_SIZE,
            )
        )
        reports = reports_of_citizen(citizen.phone)
        count = reports.count()
        items = list(reports[(number - 1) * size : number * size])
        return Response(
            {
                "count": count,
                "page": number,
                "page_size": size,
                "results": [mine_json(r, own=r.filed_by(citizen.phone)) for r in items],
            }
        )


def _report_or_404(code: str) -> Report:
    report = report_public_get(code=code)
    if report is None:
        raise ApiError(
            "not_found",
            "Không có phản ánh với mã theo dõi này.",
            "No report has this tracking code.",
            status_code=status.HTTP_404_NOT_FOUND,
        )
    return report


class ReportFollowApi(APIView):
    """ "Me too": a verified citizen follows an open report (POST) or stops (DELETE);
    both idempotent."""

    authentication_classes = CITIZEN_ONLY
    permission_classes = [VerifiedCitizen]
    throttle_classes = [CitizenThrottle]

    class FollowOutput(serializers.Serializer):
        tracking_code = serializers.CharField()
        following = serializers.BooleanField()
        supporters = serializers.IntegerField()

    def _answer(self, report: Report, following: bool) -> Response:
        return Response(
            {
                "tracking_code": report.tracking_code,
                "following": following,
                "supporters": supporters(report),
            }
        )

    @extend_schema(request=None, responses={200: FollowOutput})
    def post(self, request: Request, code: str) -> Response:
        citizen = citizen_of(request)
        assert citizen is not None  # VerifiedCitizen
        report = _report_or_404(code)
        report_follow(report=report, phone=citizen.phone)
        return self._answer(report, True)

    @extend_schema(request=None, responses={200: FollowOutput})
    def delete(self, request: Request, code: str) -> Response:
        citizen = citizen_of(request)
        assert citizen is not None  # VerifiedCitizen
        report = _report_or_404(code)
        report_unfollow(report=report, phone=citizen.phone)
        return self._answer(report, False)
