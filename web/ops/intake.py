"""``/ops/intake``: the operations centre's desk files a hotline call, an e-mail or a
walk-in for a citizen.

A server-rendered form (it works without script; ``static/web/js/ops-intake.js``
adds the place search box, the map, the caller lookup and the keyboard shortcuts).
One POST, three outcomes, chosen by the ``action`` button:

- ``file`` (Enter): the duplicate check (``routing.intake.duplicates``) runs first;
  when open reports of that category are near, the form comes back offering "add
  this caller to report X" (``follow``) or ``file_anyway``; otherwise, or with
  ``file_anyway``, the report is filed through the one intake path
  (``routing.intake.submit.report_submit``) with the operator as its actor
  (recorded as ``received_by``), the channel chosen and the time of the call as
  ``reported_at`` (its deadline runs from it). The form's idempotency key is drawn
  when the form is opened and scoped to the operator: a double Enter, or a reload
  of the result, answers with the same report and files nothing more;
- ``follow``: the caller is added to the open report they describe
  (``routing.intake.desk.caller_follow``).

The result panel reads back the tracking code and the receipt secret for the caller
(the secret is derived again on a replay, never stored); every answer is
``no-store``. ``POST /ops/intake/caller``
(``web.ops.caller``) answers the page's script with the caller's earlier reports and
the open reports near the place chosen.

Labels and errors are in Vietnamese first with English, as the desk's operators
read them aloud to callers of either.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View

from geo.errors import (
    BilingualError,
    Conflict,
    Forbidden,
    InvalidInput,
    Mismatch,
    NotFound,
    TooMany,
)
from routing.intake.desk import (
    ADDED,
    ALREADY_FOLLOWING,
    caller_follow,
)
from routing.intake.duplicates import duplicates_near
from routing.intake.errors import IdempotencyKeyReused
from routing.intake.idempotency import ClientKey, client_scope, report_by_key
from routing.intake.inputs import MAX_DESCRIPTION, MAX_NAME, phone_normalise
from routing.intake.submission import Submission, submission_parse
from routing.intake.submit import report_submit
from routing.models import Category, Report
from routing.reports.access import may_take_calls
from routing.reports.receipt import receipt_secret
from web.access import staff_page
from web.i18n import vietnamese_first
from web.maps import map_config
from web.ops.caller import department_name, report_row
from web.views import category_choices

REFUSAL = _("The intake desk is for operations-centre operators and administrators.")
desk_page = staff_page(may_take_calls, REFUSAL)

# The form's fields as posted; anything longer than this is cut before the checks
# (which refuse it with its real length where a limit applies).
MAX_FIELD = MAX_DESCRIPTION + 100
FIELDS = (
    "reporter_phone",
    "reporter_name",
    "reporter_email",
    "anonymous",
    "lon",
    "lat",
    "place_label",
    "category",
    "description",
    "urgent",
    "channel",
    "reported_at",
    "key",
)
# The time of the call as shown and typed (dd/mm/yyyy, Hà Nội time); ISO accepted.
CALL_TIME_FORMAT = "%d/%m/%Y %H:%M"
CHANNEL_LABELS: dict[str, tuple[str, str]] = {
    Report.Channel.HOTLINE: ("Đường dây nóng", "Hotline call"),
    Report.Channel.EMAIL: ("Thư điện tử", "E-mail"),
    Report.Channel.WALK_IN: ("Trực tiếp tại quầy", "Walk-in"),
}
# Where each field's error is shown: the API's field names to the form's controls.
ERROR_SLOTS = {
    "lon": "place",
    "lat": "place",
    "location": "place",
    "reporter_phone": "reporter_phone",
    "reporter_name": "reporter_name",
    "reporter_email": "reporter_email",
    "category": "category",
    "description": "description",
    "channel": "channel",
    "reported_at": "reported_at",
}
# A refusal's kind and the page's status.
STATUS = (
    (Forbidden, 403),
    (NotFound, 404),
    (Conflict, 409),
    (Mismatch, 422),
    (TooMany, 429),
    (InvalidInput, 400),
)


# The desk's own words for a form that already filed a report and came back changed.
FORM_REUSED = Conflict(
    "form_already_filed",
    "Biểu mẫu này đã được dùng để gửi một phản ánh khác. Đây là biểu mẫu mới với "
    "thông tin vừa nhập: hãy kiểm tra lại rồi bấm Gửi phản ánh nếu đây là phản ánh mới.",
    "This form already filed another report. This is a new form with what you "
    "entered: check it, then press File the report if this is a new report.",
    None,
)


def _status(error: BilingualError) -> int:
    for kind, code in STATUS:
        if isinstance(error, kind):
            return code
    return 400


def _error(code: str, vi: str, en: str, field: str) -> InvalidInput:
    return InvalidInput(code, vi, en, field)


def _values(request: HttpRequest) -> dict[str, str]:
    return {name: request.POST.get(name, "")[:MAX_FIELD] for name in FIELDS}


def _checked(value: str) -> bool:
    return value in ("1", "on", "true")


def _point(values: dict[str, str]) -> tuple[float, float]:
    try:
        lon, lat = float(values["lon"]), float(values["lat"])
    except ValueError:
        raise _error(
            "place_required",
            "Hãy chọn địa điểm: tìm theo tên hoặc bấm lên bản đồ.",
            "Choose the place: search for it by name or click the map.",
            "lon",
        ) from None
    return lon, lat


def _category(values: dict[str, str]) -> Category:
    code = values["category"][:20]
    # A NUL cannot be sent to PostgreSQL (a 500 here, where no handler turns the
    # database's error into a form error): refused as no category.
    category = None if "\x00" in code else Category.objects.filter(code=code).first()
    if category is None:
        raise _error(
            "category_required",
            "Hãy chọn loại vấn đề.",
            "Choose what the problem is about.",
            "category",
        )
    return category


def _call_time(values: dict[str, str]) -> dt.datetime | None:
    text = values["reported_at"].strip()
    if not text:
        return None
    try:
        moment = dt.datetime.strptime(" ".join(text.split()), CALL_TIME_FORMAT).replace(
            tzinfo=timezone.get_current_timezone()
        )
    except ValueError:
        moment = None
    try:
        moment = moment or dt.datetime.fromisoformat(text)
    except ValueError:
        raise _error(
            "bad_call_time",
            "Thời điểm cuộc gọi phải có dạng ngày và giờ (dd/mm/yyyy hh:mm).",
            "The time of the call must be a date and a time (dd/mm/yyyy hh:mm).",
            "reported_at",
        ) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _channel(values: dict[str, str]) -> str:
    channel = values["channel"] or Report.Channel.HOTLINE
    if channel not in Report.DESK_CHANNELS:
        raise _error(
            "bad_channel",
            "Kênh tiếp nhận phải là đường dây nóng, thư điện tử hoặc trực tiếp.",
            "The channel must be a hotline call, an e-mail or a walk-in.",
            "channel",
        )
    return channel


def _submission(values: dict[str, str]) -> Submission:
    """The form as a checked ``Submission``, in the intake's order of checks."""
    lon, lat = _point(values)
    category = _category(values)
    channel = _channel(values)
    return submission_parse(
        lon=lon,
        lat=lat,
        category=category,
        description=values["description"],
        reporter_name=values["reporter_name"],
        reporter_phone=values["reporter_phone"],
        reporter_email=values["reporter_email"],
        anonymous=_checked(values["anonymous"]),
        channel=channel,
        urgent=_checked(values["urgent"]),
        reported_at=_call_time(values),
        idempotency_key=values["key"] or None,
    )


def _local_input(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime(CALL_TIME_FORMAT)


@method_decorator([vietnamese_first, desk_page], name="dispatch")
class IntakeView(View):
    """``/ops/intake``: the form (GET), and filing or following (POST)."""

    template_name = "web/ops/intake.html"

    def _render(
        self,
        request: HttpRequest,
        values: dict[str, str],
        *,
        status: int = 200,
        error: BilingualError | None = None,
        duplicates: list[dict[str, Any]] | None = None,
        result: dict[str, Any] | None = None,
    ) -> HttpResponse:
        slot = ERROR_SLOTS.get(error.field or "", "") if error else ""
        context = {
            "values": values,
            "categories": category_choices(),
            "channels": [(value, vi, en) for value, (vi, en) in CHANNEL_LABELS.items()],
            "error": error,
            "error_slot": slot,
            "duplicates": duplicates or [],
            "result": result,
            "max_description": MAX_DESCRIPTION,
            "max_name": MAX_NAME,
            "page_config": {
                "map": map_config(),
                "urls": {
                    "places": reverse("places-search"),
                    "lookup": reverse("boundary-lookup"),
                    "explain": reverse("routing-explain"),
                    "caller": reverse("web:ops-intake-caller"),
                },
            },
        }
        response = render(request, self.template_name, context, status=status)
        # The page holds the caller's details and, once filed, the receipt secret.
        response["Cache-Control"] = "no-store"
        return response

    def get(self, request: HttpRequest) -> HttpResponse:
        values = dict.fromkeys(FIELDS, "")
        values.update(
            channel=Report.Channel.HOTLINE,
            reported_at=_local_input(timezone.now()),
            key=uuid.uuid4().hex,
        )
        return self._render(request, values)

    def post(self, request: HttpRequest) -> HttpResponse:
        values = _values(request)
        if not values["key"]:
            values["key"] = uuid.uuid4().hex  # a form posted without one: its own
        # A "follow" button names the report to add the caller to.
        action = "follow" if request.POST.get("follow") else request.POST.get("action")
        try:
            if action == "follow":
                return self._follow(request, values)
            return self._file(request, values, check=action != "file_anyway")
        except IdempotencyKeyReused:
            # This form already filed a report and was then changed (Back, edit,
            # send): a new key, so the operator is not stuck on the old one.
            values["key"] = uuid.uuid4().hex
            return self._render(request, values, status=409, error=FORM_REUSED)
        except BilingualError as error:
            return self._render(request, values, status=_status(error), error=error)

    def _file(
        self, request: HttpRequest, values: dict[str, str], *, check: bool
    ) -> HttpResponse:
        submission = _submission(values)
        key = ClientKey(
            scope=client_scope(channel=submission.channel, actor=request.user),
            key=submission.idempotency_key or "",
        )
        replay = report_by_key(key) is not None
        if check and not replay:
            near = duplicates_near(
                lon=submission.lon,
                lat=submission.lat,
                category=submission.category,
                at=submission.reported_at or timezone.now(),
            )
            if near:
                distance = {d.tracking_code: d.distance_m for d in near}
                rows = Report.objects.filter(tracking_code__in=distance).select_related(
                    "category", "unit", "department"
                )
                duplicates = sorted(
                    (report_row(r, distance_m=distance[r.tracking_code]) for r in rows),
                    key=lambda row: row["distance_m"],
                )
                return self._render(request, values, duplicates=duplicates)
        result = report_submit(submission=submission, actor=request.user)
        report = result.report
        return self._render(
            request,
            values,
            status=201 if result.created else 200,
            result={
                "kind": "filed",
                "created": result.created,
                "code": report.tracking_code,
                "secret": receipt_secret(report) or "",
                "url": reverse("web:ops-report", kwargs={"code": report.tracking_code}),
                "unit": report.unit.name,
                "department": department_name(report),
                "due_at": report.due_at,
                "channel": CHANNEL_LABELS.get(report.channel, (report.channel, "")),
            },
        )

    def _follow(self, request: HttpRequest, values: dict[str, str]) -> HttpResponse:
        code = request.POST.get("follow", "")[:40]
        channel = _channel(values)
        report = (
            None
            if "\x00" in code
            else Report.objects.filter(tracking_code=code).first()
        )
        if report is None:
            code = code.replace("\x00", "")
            raise NotFound(
                "report_not_found",
                f"Không có phản ánh {code}.",
                f"There is no report {code}.",
                "follow",
            )
        phone = phone_normalise(values["reporter_phone"])
        outcome = caller_follow(
            report=report,
            phone=phone,
            operator=request.user,
            channel=channel,
        )
        return self._render(
            request,
            values,
            result={
                "kind": "followed",
                "outcome": outcome,
                "added": outcome == ADDED,
                "already": outcome == ALREADY_FOLLOWING,
                "code": report.tracking_code,
                "url": reverse("web:ops-report", kwargs={"code": report.tracking_code}),
                "unit": report.unit.name,
                "department": department_name(report),
                "due_at": report.due_at,
            },
        )
