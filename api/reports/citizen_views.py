"""What a reporter does to their own report: rate it (closing or reopening it) and
add information. Both need the report's receipt secret (``X-Receipt-Secret`` or the
body's ``receipt``), never just the public tracking code: a missing one is 403
``receipt_required``, a wrong one, another report's, or a code no report has is the
same 403 ``receipt_refused``. Both are throttled per address (``api.reports.citizen``)
and per tracking code (``routing.workflow.citizen``).
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.citizen_auth import CITIZEN_OPTIONAL, citizen_of
from api.reports.citizen import (
    RECEIPT_HEADER,
    CitizenThrottle,
    receipt_from,
    report_for_citizen,
)
from api.reports.serializers import LocalDateTimeField
from api.routing.serializers import input_valid, request_object
from routing import workflow
from routing.models import Report

RECEIPT_PARAMETER = OpenApiParameter(
    RECEIPT_HEADER,
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    description="The report's receipt secret (or the body's 'receipt' field), "
    "given once when the report was sent and in the reporter's own messages.",
)


class CitizenActionApi(APIView):
    """No account: the receipt secret is the proof, or a verified citizen's session
    (a bearer token, or the page session with its CSRF token) when the report gives
    their proven phone."""

    authentication_classes = CITIZEN_OPTIONAL
    permission_classes = [AllowAny]
    throttle_classes = [CitizenThrottle]


def _verified_phone(request: Request) -> str:
    citizen = citizen_of(request)
    return citizen.phone if citizen else ""


class ReportRateApi(CitizenActionApi):
    """The reporter rates a resolved report: satisfied or acceptable closes it;
    dissatisfied with ``reopen`` (and a note) reopens it."""

    class RatingInput(serializers.Serializer):
        rating = serializers.ChoiceField(choices=Report.Rating.values)
        note = serializers.CharField(max_length=4000, allow_blank=True, default="")
        reopen = serializers.BooleanField(default=False)
        receipt = serializers.CharField(required=False, allow_blank=True)

    class RatingOutput(serializers.Serializer):
        tracking_code = serializers.CharField()
        status = serializers.CharField()
        rating = serializers.CharField()
        rated_at = serializers.DateTimeField()

    @extend_schema(
        request=RatingInput,
        parameters=[RECEIPT_PARAMETER],
        responses={200: RatingOutput},
    )
    def post(self, request: Request, code: str) -> Response:
        body = request_object(request)
        secret = receipt_from(request, body)
        phone = _verified_phone(request)
        report = report_for_citizen(code, secret, phone)
        data = input_valid(self.RatingInput, body)
        report = workflow.report_rate(
            report=report,
            receipt=secret,
            verified_phone=phone,
            rating=data["rating"],
            note=data["note"],
            reopen=data["reopen"],
        )
        return Response(self.RatingOutput(report).data)


class ReportInfoApi(CitizenActionApi):
    """The reporter adds information to their open report: staff read it in the
    report's history and the department is told; it is not shown publicly."""

    class InfoInput(serializers.Serializer):
        note = serializers.CharField(trim_whitespace=False)
        receipt = serializers.CharField(required=False, allow_blank=True)

    class InfoOutput(serializers.Serializer):
        tracking_code = serializers.CharField(source="report.tracking_code")
        status = serializers.CharField(source="report.status")
        note = serializers.CharField()
        at = LocalDateTimeField()

    @extend_schema(
        request=InfoInput,
        parameters=[RECEIPT_PARAMETER],
        responses={201: InfoOutput},
    )
    def post(self, request: Request, code: str) -> Response:
        body = request_object(request)
        secret = receipt_from(request, body)
        phone = _verified_phone(request)
        report = report_for_citizen(code, secret, phone)
        data = input_valid(self.InfoInput, body)
        event = workflow.report_add_info(
            report=report, receipt=secret, note=data["note"], verified_phone=phone
        )
        return Response(self.InfoOutput(event).data, status=status.HTTP_201_CREATED)
