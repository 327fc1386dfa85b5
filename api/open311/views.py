"""Open311 GeoReport v2 endpoints under /open311/v2/, in XML and JSON.

Reading needs no key; posting a request needs an ``api_key``, checked before the
body is parsed: from the query string when it is there (the body is then never
read for a bad key), else from a form body no longer than ``OPEN311_MAX_BODY_BYTES``
(checked on Content-Length before a byte is read). Every answer, errors
included, is in the format the path asks for (``.xml`` or ``.json``); a path we do
not serve is a 404 in the spec's error list, never an HTML page or a 500. Views
parse and shape; rules live in ``api.open311.inputs``/``attributes``/``submit`` and
reads in ``api.open311.selectors``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from rest_framework import exceptions
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView, set_rollback

from api.errors import http_status
from api.open311 import formatting, inputs, selectors
from api.open311.attributes import answers_check, answers_parse
from api.open311.errors import Open311Error
from api.open311.keys import api_key_authenticate, api_key_use
from api.open311.renderers import Document, Open311JSONRenderer, Open311XMLRenderer
from api.open311.submit import Posted, open311_request_submit
from api.outage import database_outage
from geo.coords import parse_bbox
from geo.errors import BilingualError, TooMany, Unavailable
from routing.models import Report
from routing.reports.tracking import tracking_code_normalise

log = logging.getLogger(__name__)

CONTACT = (
    "Trung tâm Giám sát, điều hành đô thị thông minh (IOC) tỉnh Quảng Trị, qua cổng "
    "Hiện Trường.",
    "The smart-city operations centre (IOC) of Quảng Trị province, through the Hiện "
    "Trường portal.",
)
KEY_SERVICE = (
    "Khóa API (api_key) do Trung tâm IOC cấp cho từng đơn vị đối tác; chỉ cần để gửi "
    "phản ánh (POST requests), đọc thì không cần.",
    "API keys are issued by the operations centre to each partner; one is needed to "
    "post requests only, not to read.",
)


def _lang() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


def _pick(pair: tuple[str, str]) -> str:
    return pair[1] if _lang() == "en" else pair[0]


def _error_status(error: BilingualError) -> int:
    """Intake refusals are 400 in Open311 (a point outside every unit is not a
    missing resource), except a rate limit (429) and a database outage (503)."""
    if isinstance(error, TooMany | Unavailable):
        return http_status(error)
    return 400


class Open311Api(APIView):
    """The common ground: format from the path, no session or CSRF, errors as the
    spec's list."""

    authentication_classes = ()
    permission_classes = ()
    renderer_classes = (Open311XMLRenderer, Open311JSONRenderer)
    parser_classes = (FormParser, MultiPartParser)
    metadata_class = None  # OPTIONS is not part of the spec: 405 like other verbs

    def output_format(self) -> str:
        return "json" if self.kwargs.get("format") == "json" else "xml"

    def perform_content_negotiation(
        self, request: Request, force: bool = False
    ) -> tuple[BaseRenderer, str]:
        renderer = (
            Open311JSONRenderer()
            if self.output_format() == "json"
            else Open311XMLRenderer()
        )
        return renderer, renderer.media_type

    def handle_exception(self, exc: Exception) -> Response:
        exc = database_outage(exc) or exc
        if isinstance(exc, Open311Error):
            error = exc
        elif isinstance(exc, BilingualError):
            error = Open311Error.from_bilingual(exc, status=_error_status(exc))
        elif isinstance(exc, exceptions.MethodNotAllowed):
            error = Open311Error.one(
                405,
                f"Phương thức {self.request.method} không dùng được ở địa chỉ này.",
                f"The method {self.request.method} is not allowed here.",
            )
        elif isinstance(exc, SuspiciousOperation):  # too many fields, body too big
            error = Open311Error.one(
                400,
                "Yêu cầu không hợp lệ hoặc quá lớn.",
                "The request is malformed or too large.",
            )
        elif isinstance(exc, Http404 | exceptions.NotFound):
            error = Open311Error.one(404, "Không tìm thấy.", "Not found.")
        elif isinstance(exc, exceptions.APIException):
            detail = str(exc.detail)[:200]
            error = Open311Error.one(400, f"Yêu cầu không hợp lệ: {detail}", detail)
        else:
            # The spec's "general service error": logged for us, a 400 for the client.
            log.exception(
                "Open311 %s %s failed", self.request.method, self.request.path
            )
            error = Open311Error.one(
                400,
                "Lỗi dịch vụ chung: yêu cầu chưa được xử lý, xin thử lại sau hoặc báo "
                "Trung tâm IOC.",
                "General service error: the request was not processed; try again "
                "later or tell the operations centre.",
            )
        set_rollback()
        response = Response(
            Document("errors", error.body(_lang())),
            status=error.status,
            headers=error.headers,
        )
        response.exception = True
        return response

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if request.method in ("GET", "HEAD"):
            inputs.jurisdiction_check(request.query_params.get("jurisdiction_id"))


class DiscoveryApi(Open311Api):
    """GET discovery: where the endpoint is, its formats and how to get a key."""

    def get(self, request: Request, format: str) -> Response:
        changed = selectors.changeset() or formatting.EPOCH
        url = request.build_absolute_uri(reverse("open311-discovery", args=["xml"]))
        return Response(
            Document(
                "discovery",
                {
                    "changeset": formatting.w3c(changed),
                    "contact": _pick(getattr(settings, "OPEN311_CONTACT", CONTACT)),
                    "key_service": _pick(KEY_SERVICE),
                    "endpoints": [
                        {
                            "specification": formatting.SPECIFICATION,
                            "url": url.rsplit("/", 1)[0],
                            "changeset": formatting.w3c(changed),
                            "type": "test" if settings.DEBUG else "production",
                            "formats": formatting.FORMATS,
                        }
                    ],
                },
            )
        )


class ServiceListApi(Open311Api):
    """GET services: one service per active category."""

    def get(self, request: Request, format: str) -> Response:
        lang = _lang()
        services = [
            formatting.service_json(category, has_attributes=has, lang=lang)
            for category, has in selectors.services_select()
        ]
        return Response(Document("services", services))


class ServiceDefinitionApi(Open311Api):
    """GET services/<code>: the attributes a client asks for before posting."""

    def get(self, request: Request, service_code: str, format: str) -> Response:
        category = selectors.service_get(service_code)
        if category is None:
            raise inputs.service_unknown(service_code)
        attributes = selectors.attributes_of(category)
        return Response(
            Document(
                "service_definition",
                formatting.definition_json(category, attributes, lang=_lang()),
            )
        )


def _media_url(request: Request) -> Callable[[str], str]:
    """A photo file's absolute ``/media/`` address (the media view decides who
    gets it, and redirects to object storage when photos live there)."""

    def absolute(name: str) -> str:
        return request.build_absolute_uri(reverse("media", kwargs={"path": name}))

    return absolute


def _requests_document(request: Request, reports: Iterable[Report]) -> Document:
    lang, media_url = _lang(), _media_url(request)
    return Document(
        "service_requests",
        [formatting.request_json(r, lang=lang, media_url=media_url) for r in reports],
    )


def _posted_key(request: Request) -> str | None:
    """The api_key of a POST, read before the body when it can be: a body over
    ``OPEN311_MAX_BODY_BYTES`` is refused unread; a key in the query string is
    taken without reading the body; else the body is parsed for it."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    limit = settings.OPEN311_MAX_BODY_BYTES
    if length > limit:
        raise Open311Error.one(
            413,
            f"Yêu cầu quá lớn: tối đa {limit // 1024} KB.",
            f"The request is too large: at most {limit // 1024} KB.",
        )
    return request.query_params.get("api_key") or request.data.get("api_key")


class RequestsApi(Open311Api):
    """GET requests: search (at most 90 days, 1,000 results). POST requests: file
    one (api_key needed)."""

    def get(self, request: Request, format: str) -> Response:
        params = request.query_params
        codes = inputs.request_ids_parse(params.get("service_request_id"))
        if codes:  # the spec: service_request_id overrides every other argument
            return Response(
                _requests_document(request, selectors.requests_by_code(codes))
            )
        start, end = inputs.window_parse(
            params.get("start_date"), params.get("end_date"), now=timezone.now()
        )
        offset, limit = inputs.page_parse(params.get("page"), params.get("page_size"))
        reports = selectors.requests_select(
            category_ids=inputs.categories_parse(params.get("service_code")),
            start=start,
            end=end,
            statuses=inputs.statuses_parse(params.get("status")),
            bbox=parse_bbox(params.get("bbox")),
            offset=offset,
            limit=limit,
        )
        return Response(_requests_document(request, reports))

    def post(self, request: Request, format: str) -> Response:
        key = api_key_authenticate(clear=_posted_key(request))
        data = request.data
        inputs.jurisdiction_check(
            data.get("jurisdiction_id") or request.query_params.get("jurisdiction_id")
        )
        api_key_use(key=key)
        code = inputs.service_required(data.get("service_code"))
        category = selectors.service_get(code)
        if category is None:
            raise inputs.service_unknown(code)
        point = inputs.location_parse(data)
        address = inputs.address_string(data)
        resolved = None
        if point is None:
            point, resolved = inputs.address_locate(address)
        answers = answers_check(
            attributes=selectors.attributes_of(category), sent=answers_parse(data)
        )
        posted = Posted(
            category=category,
            lon=point.lon,
            lat=point.lat,
            description=data.get("description") or "",
            answers=answers,
            media_url=inputs.media_url_check(data.get("media_url")),
            email=data.get("email") or "",
            phone=data.get("phone") or "",
            first_name=data.get("first_name") or "",
            last_name=data.get("last_name") or "",
            device_id=data.get("device_id") or "",
            account_id=data.get("account_id") or "",
            idempotency_key=request.headers.get("Idempotency-Key", "").strip('" '),
            address_string=address,
            located_from=resolved.place if resolved else None,
        )
        report = open311_request_submit(key=key, posted=posted)
        return Response(
            Document(
                "service_requests", [formatting.created_json(report, lang=_lang())]
            )
        )


def _one(code: str) -> Report:
    normalised = tracking_code_normalise(code)
    found = selectors.requests_by_code([normalised])
    if not found:
        shown = code.strip()[:40]
        raise Open311Error.one(
            404,
            f"Không tìm thấy phản ánh '{shown}' (mã có dạng HT-XXXX-XXXX).",
            f"service_request_id '{shown}' was not found (ids look like HT-XXXX-XXXX).",
        )
    return found[0]


class RequestDetailApi(Open311Api):
    """GET requests/<id>: a list holding the one request."""

    def get(self, request: Request, service_request_id: str, format: str) -> Response:
        return Response(_requests_document(request, [_one(service_request_id)]))


class TokenApi(Open311Api):
    """GET tokens/<token>: we answer at once, so a token is the request's id."""

    def get(self, request: Request, token: str, format: str) -> Response:
        return Response(
            Document("service_requests", [formatting.token_json(_one(token))])
        )


class RequestUpdatesApi(Open311Api):
    """GET servicerequestupdates (mySociety's extension): public events, oldest
    first, at most 90 days and 1,000 updates."""

    def get(self, request: Request, format: str) -> Response:
        params = request.query_params
        start, end = inputs.window_parse(
            params.get("start_date"), params.get("end_date"), now=timezone.now()
        )
        updates = selectors.updates_select(start=start, end=end)
        return Response(
            Document(
                "service_request_updates", [formatting.update_json(u) for u in updates]
            )
        )


class NotFoundApi(Open311Api):
    """Any other path under /open311/v2/ (requests.csv, a typo): the spec's 404."""

    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def output_format(self) -> str:
        return "json" if self.kwargs.get("rest", "").endswith(".json") else "xml"

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        shown = self.kwargs.get("rest", "")[:60]
        raise Open311Error.one(
            404,
            f"Không có tài nguyên Open311 '{shown}': đường dẫn kết thúc bằng .xml "
            "hoặc .json, ví dụ services.xml.",
            f"There is no Open311 resource '{shown}': paths end in .xml or .json, "
            "e.g. services.xml.",
        )
