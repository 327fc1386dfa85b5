"""POST /reports/: anyone submits a report (rate-limited per IP, phone and e-mail,
counted before any photo is decoded; staff entering hotline calls are not limited
by IP). The view parses the request into a
``Submission`` (``routing.intake.submission``) and shapes the answer; every rule is
in ``routing.intake``.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ParseError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.citizen_auth import STAFF_OR_CITIZEN, citizen_of
from api.errors import ApiError
from api.reports.serializers import (
    ReportSubmitInput,
    submit_json,
)
from api.routing.serializers import input_errors
from config.client_ip import client_ip
from routing.intake import errors
from routing.intake.submission import submission_as_citizen, submission_parse
from routing.intake.submit import report_admit, report_submit
from routing.models import Report
from routing.reports.access import acts_as_staff, may_take_calls

PHOTO_FIELDS = ("photos", "photo")
# Channels a citizen may name; the hotline desk is staff, Open311 has its own API.
PUBLIC_CHANNELS = {Report.Channel.WEB, Report.Channel.APP}


def _idempotency_key(request: Request, field_value: str | None) -> str | None:
    """The Idempotency-Key header (a quoted string in the IETF draft, bare accepted),
    else the ``idempotency_key`` field."""
    header = request.headers.get("Idempotency-Key")
    if header is not None and header.strip():
        return header.strip().strip('"')
    return field_value


def _submit_fields(request: Request) -> dict[str, Any]:
    data: Any
    try:
        data = request.data
    except ParseError:
        data = None
    if hasattr(data, "getlist"):  # a form: one value per field, files apart
        return {k: data.get(k) for k in data if k not in PHOTO_FIELDS}
    if not isinstance(data, dict):
        raise ApiError(
            "bad_body",
            "Nội dung yêu cầu phải là một đối tượng JSON hoặc một biểu mẫu.",
            "The request body must be a JSON object or a form.",
        )
    if data.get("photos"):
        raise ApiError(
            "photos_need_multipart",
            "Ảnh phải gửi dạng multipart/form-data (trường photos), không trong JSON.",
            "Send photos as multipart/form-data files (field 'photos'), not in JSON.",
            field="photos",
        )
    return data


class ReportSubmitApi(APIView):
    """Submit a report (anyone). A verified citizen's report (bearer token, or the
    page session with its CSRF token) giving their proven phone, or no phone, is
    ``contact_verified`` (``routing.intake.submission.submission_as_citizen``)."""

    authentication_classes = STAFF_OR_CITIZEN
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        operation_id="reports_submit",
        request={
            "application/json": ReportSubmitInput,
            "multipart/form-data": ReportSubmitInput,
        },
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                location=OpenApiParameter.HEADER,
                description="Repeat a submission safely: the same key returns the "
                "same report (200) instead of creating another.",
            )
        ],
        responses={201: OpenApiTypes.OBJECT, 200: OpenApiTypes.OBJECT},
        description="Submit a report. Multipart forms may add up to 5 files in "
        "'photos' (JPEG, PNG or WebP, 10 MB each). 201 for a new report, 200 with "
        "the same body for a repeated Idempotency-Key.",
    )
    def post(self, request: Request) -> Response:
        serializer = ReportSubmitInput(data=_submit_fields(request))
        if not serializer.is_valid():
            raise input_errors(serializer.errors)
        data = serializer.validated_data
        staff = acts_as_staff(request.user)
        channel = data["channel"]
        # The desk's channels need the desk's permission (the operations centre),
        # not just any staff role.
        if channel not in PUBLIC_CHANNELS and not (
            may_take_calls(request.user) and channel in Report.DESK_CHANNELS
        ):
            raise errors.channel_not_public(channel)
        address = None if staff else client_ip(request)
        actor = request.user if staff else None
        citizen = None if staff else citizen_of(request)
        phone = data["reporter_phone"]
        if citizen is not None and not phone and not data["anonymous"]:
            phone = citizen.phone
        submission = submission_parse(
            lon=data["lon"],
            lat=data["lat"],
            accuracy_m=data["accuracy_m"],
            category=data["category"],
            description=data["description"],
            photos=[f for name in PHOTO_FIELDS for f in request.FILES.getlist(name)],
            reporter_name=data["reporter_name"],
            reporter_phone=phone,
            reporter_email=data["reporter_email"],
            anonymous=data["anonymous"],
            channel=channel,
            urgent=data["urgent"],
            idempotency_key=_idempotency_key(request, data["idempotency_key"]),
            reported_at=data["reported_at"],
            public=data["public"],
            admit=lambda checked: report_admit(
                submission=checked, client_ip=address, actor=actor
            ),
        )
        if citizen is not None:
            submission = submission_as_citizen(submission, phone=citizen.phone)
        result = report_submit(
            submission=submission,
            client_ip=address,
            actor=actor,
            admitted=True,
        )
        body = submit_json(result.report, result.duplicates, request)
        return Response(
            body,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
            headers={"Location": body["track_url"]},
        )
