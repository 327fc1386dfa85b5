"""Reports API: citizens submit, track and look for duplicates; staff list and read.

POST /reports/ is open to everyone (rate-limited per IP and phone; staff entering
hotline calls are not limited by IP). Reading lists and details needs a staff role and
is scoped by ``routing.reports.roles``. Tracking by code, the nearby check and a report's
photos are public and carry no personal data. Views parse and shape; every rule is in
``routing.intake.submit`` and ``routing.reports.selectors``.
"""

from __future__ import annotations

import re

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ParseError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from api.client_ip import client_ip
from api.errors import ApiError
from api.params import parse_bound, parse_bounded
from api.reports.serializers import (
    DuplicateOutput,
    PhotoOutput,
    PhotoStaffOutput,
    ReportFeatureOutput,
    ReportSubmitInput,
    detail_json,
    submit_json,
    track_json,
)
from api.routing.permissions import NotLoggedIn
from api.routing.serializers import category_get, category_param, input_errors
from geo.coords import parse_bbox, parse_lon_lat
from routing.intake.duplicates import duplicates_near
from routing.intake.submit import RateLimited, report_submit
from routing.models import Department, Report
from routing.reports import lifecycle
from routing.reports.roles import reports_visible_to, role_of, sees_personal_data
from routing.reports.selectors import (
    personal_data_ids,
    report_public_get,
    report_visible_get,
    reports_select,
)
from routing.reports.tracking import ALPHABET, PREFIX, tracking_code_normalise

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
PHOTO_FIELDS = ("photos", "photo")
# Channels a citizen may name; the hotline desk is staff, Open311 has its own API.
PUBLIC_CHANNELS = {Report.Channel.WEB, Report.Channel.APP}
_CODE = re.compile(rf"^{PREFIX}-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}$")

CODE_HELP = "Tracking code as typed: HT-7K3Q-X9MB, ht 7k3q x9mb or 7K3QX9MB."


def _staff(request: Request):
    """The signed-in staff user, or a bilingual 401/403."""
    user = request.user
    if user is None or not user.is_authenticated:
        raise NotLoggedIn(
            "not_authenticated",
            "Cần đăng nhập bằng tài khoản cán bộ để xem danh sách phản ánh.",
            "Sign in with a staff account to read reports.",
            status_code=status.HTTP_401_UNAUTHORIZED,
        )
    if role_of(user) not in lifecycle.STAFF_ROLES:
        raise ApiError(
            "permission_denied",
            "Tài khoản này chưa được giao vai trò cán bộ.",
            "This account has no staff role.",
            status_code=status.HTTP_403_FORBIDDEN,
        )
    return user


def _not_found(code: str) -> ApiError:
    shown = code.strip()[:40]
    return ApiError(
        "report_not_found",
        f"Không tìm thấy phản ánh có mã theo dõi '{shown}' (mã có dạng HT-XXXX-XXXX).",
        f"No report has the tracking code '{shown}' (codes look like HT-XXXX-XXXX).",
        field="code",
        status_code=status.HTTP_404_NOT_FOUND,
    )


def _public_report(code: str) -> Report:
    if not _CODE.match(tracking_code_normalise(code)):
        raise _not_found(code)
    report = report_public_get(code=code)
    if report is None:
        raise _not_found(code)
    return report


def _codes(raw: str | None) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


def _idempotency_key(request: Request, field_value: str | None) -> str | None:
    """The Idempotency-Key header (a quoted string in the IETF draft, bare accepted),
    else the ``idempotency_key`` field."""
    header = request.headers.get("Idempotency-Key")
    if header is not None and header.strip():
        return header.strip().strip('"')
    return field_value


def _submit_fields(request: Request) -> dict:
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


class ReportsApi(APIView):
    """POST: submit a report (anyone). GET: the reports a staff user may see, as a
    paginated GeoJSON FeatureCollection."""

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
        staff = role_of(request.user) in lifecycle.STAFF_ROLES
        channel = data["channel"]
        if channel not in PUBLIC_CHANNELS and not (
            staff and channel == Report.Channel.HOTLINE
        ):
            raise ApiError(
                "bad_channel",
                f"Kênh '{channel}' chỉ dành cho cán bộ trực đường dây nóng "
                "(hotline) hoặc API Open311.",
                f"The channel '{channel}' is for the hotline desk (staff) or the "
                "Open311 API only.",
                field="channel",
            )
        photos = [f for name in PHOTO_FIELDS for f in request.FILES.getlist(name)]
        try:
            result = report_submit(
                lon=data["lon"],
                lat=data["lat"],
                accuracy_m=data["accuracy_m"],
                category=data["category"],
                description=data["description"],
                photos=photos,
                reporter_name=data["reporter_name"],
                reporter_phone=data["reporter_phone"],
                reporter_email=data["reporter_email"],
                anonymous=data["anonymous"],
                channel=channel,
                urgent=data["urgent"],
                idempotency_key=_idempotency_key(request, data["idempotency_key"]),
                reported_at=data["reported_at"],
                client_ip=None if staff else client_ip(request),
                actor=request.user if staff else None,
            )
        except RateLimited as error:
            limited = ApiError.from_error(error)
            limited.wait = error.extra["retry_after"]  # DRF sends it as Retry-After
            raise limited from None
        body = submit_json(result.report, result.duplicates, request)
        return Response(
            body,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
            headers={"Location": body["track_url"]},
        )

    @extend_schema(
        operation_id="reports_list",
        parameters=[
            OpenApiParameter(
                "bbox", OpenApiTypes.STR, description="minLon,minLat,maxLon,maxLat"
            ),
            OpenApiParameter(
                "category", OpenApiTypes.STR, description="Codes, comma-separated."
            ),
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                description="Comma-separated: " + ", ".join(Report.Status.values),
            ),
            OpenApiParameter("unit", OpenApiTypes.STR, description="Unit GSO code."),
            OpenApiParameter(
                "department", OpenApiTypes.STR, description="Department code."
            ),
            OpenApiParameter(
                "from",
                OpenApiTypes.STR,
                description="Reported on or after: dd/mm/yyyy, yyyy-mm-dd or ISO "
                "datetime.",
            ),
            OpenApiParameter(
                "to",
                OpenApiTypes.STR,
                description="Reported on or before (a date includes the whole day).",
            ),
            OpenApiParameter("page", OpenApiTypes.INT),
            OpenApiParameter(
                "page_size", OpenApiTypes.INT, description=f"1–{MAX_PAGE_SIZE}"
            ),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        user = _staff(request)
        params = request.query_params
        statuses = _codes(params.get("status"))
        unknown = [s for s in statuses if s not in Report.Status.values]
        if unknown:
            raise ApiError(
                "bad_status",
                f"Trạng thái không hợp lệ: {', '.join(unknown)[:80]}; dùng "
                f"{', '.join(Report.Status.values)}.",
                f"Unknown status: {', '.join(unknown)[:80]}; use "
                f"{', '.join(Report.Status.values)}.",
                field="status",
            )
        department_id = None
        if params.get("department"):
            code = params["department"].strip()
            department_id = (
                Department.objects.filter(code=code)
                .values_list("pk", flat=True)
                .first()
            )
            if department_id is None:
                raise ApiError(
                    "unknown_department",
                    f"Không có cơ quan xử lý với mã '{code[:60]}'.",
                    f"No department has the code '{code[:60]}'.",
                    field="department",
                )
        reports = reports_select(
            user=user,
            bbox=parse_bbox(params.get("bbox")),
            category_ids=[category_get(c).pk for c in _codes(params.get("category"))],
            statuses=statuses,
            unit_code=(params.get("unit") or "").strip() or None,
            department_id=department_id,
            reported_from=parse_bound(params.get("from"), "from", end=False),
            reported_before=parse_bound(params.get("to"), "to", end=True),
        )
        page = int(
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
        count = reports.count()
        last = max(1, -(-count // size))
        if page > last:
            raise ApiError(
                "page_out_of_range",
                f"Trang {page} không tồn tại (có {last} trang).",
                f"There is no page {page} (there are {last}).",
                field="page",
                status_code=status.HTTP_404_NOT_FOUND,
            )
        items = list(reports[(page - 1) * size : page * size])
        personal = personal_data_ids(user=user, reports=items)
        features = ReportFeatureOutput(
            items, many=True, context={"personal_ids": personal}
        ).data["features"]
        url = request.build_absolute_uri()
        return Response(
            {
                "type": "FeatureCollection",
                "count": count,
                "page": page,
                "page_size": size,
                "next": replace_query_param(url, "page", page + 1)
                if page < last
                else None,
                "previous": replace_query_param(url, "page", page - 1)
                if page > 1
                else None,
                "features": features,
            }
        )


class ReportDetailApi(APIView):
    """One report for staff, with its routing decision, events and photos; 404 for
    a report outside the reader's scope."""

    @extend_schema(
        operation_id="reports_detail",
        parameters=[OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH)],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, code: str) -> Response:
        user = _staff(request)
        report = report_visible_get(user=user, code=code)
        if report is None:
            raise _not_found(code)
        sees = sees_personal_data(user, report)
        return Response(detail_json(report, sees_personal=sees, request=request))


class ReportTrackApi(APIView):
    """Public tracking by code: status, category, unit, department, deadline, public
    events and photos. Never who reported it."""

    @extend_schema(
        operation_id="reports_track",
        parameters=[
            OpenApiParameter(
                "code", OpenApiTypes.STR, OpenApiParameter.PATH, description=CODE_HELP
            )
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, code: str) -> Response:
        return Response(track_json(_public_report(code), request))


class ReportTrackQueryApi(APIView):
    """Public tracking with the code in the query string (?code=…), for forms."""

    @extend_schema(
        operation_id="reports_track_query",
        parameters=[
            OpenApiParameter(
                "code", OpenApiTypes.STR, required=True, description=CODE_HELP
            )
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        code = request.query_params.get("code") or ""
        if not code.strip():
            raise ApiError(
                "missing",
                "Thiếu mã theo dõi (code), ví dụ HT-7K3Q-X9MB.",
                "The parameter 'code' is required, e.g. HT-7K3Q-X9MB.",
                field="code",
            )
        return Response(track_json(_public_report(code), request))


class ReportsNearbyApi(APIView):
    """Open reports of a category near a point that may be the same problem, for
    the citizen to check before sending (no personal data)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("lon", OpenApiTypes.NUMBER, required=True),
            OpenApiParameter("lat", OpenApiTypes.NUMBER, required=True),
            OpenApiParameter(
                "category", OpenApiTypes.STR, required=True, description="e.g. VSMT"
            ),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        point = parse_lon_lat(params.get("lon"), params.get("lat"))
        category = category_param(params)
        found = duplicates_near(lon=point.lon, lat=point.lat, category=category)
        return Response(
            {
                "point": {"lon": point.lon, "lat": point.lat},
                "category": category.code,
                "radius_m": category.duplicate_radius_m,
                "window_days": category.duplicate_window_days,
                "duplicates": DuplicateOutput(found, many=True).data,
            }
        )


class ReportPhotosApi(APIView):
    """A report's photos by tracking code: EXIF-free copies and thumbnails for
    anyone; staff who may see the report also get sizes, digests and GPS tags."""

    @extend_schema(
        operation_id="reports_photos",
        parameters=[
            OpenApiParameter(
                "code", OpenApiTypes.STR, OpenApiParameter.PATH, description=CODE_HELP
            )
        ],
        responses={200: PhotoStaffOutput(many=True)},
    )
    def get(self, request: Request, code: str) -> Response:
        report = _public_report(code)
        in_scope = (
            role_of(request.user) is not None
            and reports_visible_to(
                request.user, Report.objects.filter(pk=report.pk)
            ).exists()
        )
        output = PhotoStaffOutput if in_scope else PhotoOutput
        photos = output(report.photos.all(), many=True, context={"request": request})
        return Response({"tracking_code": report.tracking_code, "photos": photos.data})
