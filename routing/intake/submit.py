"""A citizen's report comes in: check it, route it, store it, tell the department.

``report_submit`` is the one way reports enter the system (web form, app, hotline desk,
Open311). It

1. checks and normalises the input (``routing.intake.inputs.IntakeError``, naming the
   field): the point, the text (at most 4000 characters, no HTML), the contact
   details and the photos (``routing.intake.photos``);
2. answers a repeated ``idempotency_key`` with the report it already made, writing
   nothing (``created=False``); a key reused for a *different* report is refused
   (422, as the IETF Idempotency-Key draft advises);
3. counts the submission against the hourly limits per client IP and per phone
   (``routing.intake.ratelimits``: 429 beyond them); when the cache (Redis) cannot be
   reached it lets the report through and logs a warning;
4. routes the point (``routing.engine.route.route_decide``; outside every unit beyond the
   shore tolerance it is refused with 404, naming the nearest unit);
5. in one transaction writes the report (status ``assigned``, with its deadline), the
   assignment, the events ``submitted`` and ``received → assigned`` (role ``system``),
   the photos and the outbox rows. Any failure leaves no row and no photo file.

Contact rule: a report that is not anonymous needs a phone number or an e-mail address,
so the department can ask about it and the citizen hears back. An anonymous report
needs neither (the citizen follows it by tracking code); contact details given with
it are kept but shown only to the operations centre (``routing.reports.roles``). A report
needs a description or at least one photo.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from boundaries.lookup import NoBoundarySet
from geo.coords import parse_lon_lat
from geo.errors import Mismatch
from routing.engine.decision import Decision
from routing.engine.record import assignment_record
from routing.engine.route import route_decide
from routing.intake.duplicates import DuplicateSuggestion, duplicates_near
from routing.intake.inputs import (
    MAX_DESCRIPTION,
    MAX_NAME,
    IntakeError,
    accuracy_check,
    email_normalise,
    key_check,
    moment_check,
    phone_normalise,
    text_check,
)
from routing.intake.photos import CheckedPhoto, photos_check
from routing.intake.ratelimits import RateLimited, rate_hit
from routing.models import Assignment, Category, Report, ReportEvent, ReportPhoto
from routing.notifications.outbox import notify_assignment
from routing.reports import lifecycle
from routing.reports.events import event_record
from routing.reports.roles import role_of
from routing.reports.tracking import tracking_code_new
from routing.workflow.deadlines import due_at

__all__ = [
    "IdempotencyKeyReused",
    "IntakeError",
    "RateLimited",
    "SubmitResult",
    "email_normalise",
    "phone_normalise",
    "report_submit",
]

log = logging.getLogger(__name__)

CODE_ATTEMPTS = 3  # a tracking-code clash is astronomically rare; retry it anyway


class IdempotencyKeyReused(Mismatch):
    """The key already made a report with different content."""


@dataclass
class SubmitResult:
    report: Report
    created: bool
    duplicates: list[DuplicateSuggestion] = field(default_factory=list)


def _fingerprint(fields: dict[str, Any], photos: list[CheckedPhoto]) -> str:
    """A digest of what the report says, to recognise a key reused for another one."""
    canonical = json.dumps(
        {**fields, "photos": [p.sha256 for p in photos]},
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


# Idempotency ---------------------------------------------------------------------


def _report_by_key(key: str) -> Report | None:
    return (
        Report.objects.select_related("category", "unit", "department")
        .filter(idempotency_key=key)
        .first()
    )


def _replay(report: Report, fingerprint: str) -> SubmitResult:
    """The report a key already made, with the suggestions given back then."""
    submitted = report.events.filter(kind=ReportEvent.Kind.SUBMITTED).first()
    data = submitted.data if submitted else {}
    if data.get("fingerprint") not in (None, fingerprint):
        raise IdempotencyKeyReused(
            "idempotency_key_reused",
            "Khóa chống gửi trùng (Idempotency-Key) này đã được dùng cho một phản ánh "
            f"khác ({report.tracking_code}). Hãy tạo khóa mới cho phản ánh mới.",
            "This Idempotency-Key was already used for a different report "
            f"({report.tracking_code}). Use a new key for a new report.",
            "idempotency_key",
        )
    if "duplicates" in data:
        duplicates = [DuplicateSuggestion.from_dict(d) for d in data["duplicates"]]
    else:
        duplicates = duplicates_near(
            lon=report.location.x,
            lat=report.location.y,
            category=report.category,
            at=report.reported_at,
            exclude_id=report.pk,
        )
    return SubmitResult(report=report, created=False, duplicates=duplicates)


# Writing -------------------------------------------------------------------------


def _photo_store(
    report: Report, index: int, photo: CheckedPhoto, saved: list[tuple[Any, str]]
) -> ReportPhoto:
    stem = f"{index + 1}-{photo.sha256[:12]}"
    row = ReportPhoto(
        report=report,
        content_type=photo.content_type,
        width=photo.width,
        height=photo.height,
        size_bytes=photo.size_bytes,
        sha256=photo.sha256,
        gps_lon=photo.gps[0] if photo.gps else None,
        gps_lat=photo.gps[1] if photo.gps else None,
    )
    row.image.save(f"{stem}.{photo.extension}", ContentFile(photo.image), save=False)
    saved.append((row.image.storage, row.image.name))
    row.thumbnail.save(f"{stem}-thumb.jpg", ContentFile(photo.thumbnail), save=False)
    saved.append((row.thumbnail.storage, row.thumbnail.name))
    row.save()
    return row


def _files_delete(saved: list[tuple[Any, str]]) -> None:
    for storage, name in saved:
        try:
            storage.delete(name)
        except OSError as exc:
            log.warning(
                "could not delete photo %s after a failed submit: %s", name, exc
            )


def _create(
    *,
    fields: dict[str, Any],
    photos: list[CheckedPhoto],
    decision: Decision,
    duplicates: list[DuplicateSuggestion],
    fingerprint: str,
    actor: Any,
) -> Report:
    """Every row of a new report in one transaction; no row and no file on failure."""
    saved: list[tuple[Any, str]] = []
    try:
        with transaction.atomic():
            report = Report.objects.create(
                tracking_code=tracking_code_new(),
                status=Report.Status.ASSIGNED,
                jurisdiction_code=decision.unit.jurisdiction_code,
                unit_id=decision.unit.id,
                department_id=decision.department.id,
                **fields,
            )
            assignment = assignment_record(
                report=report, decision=decision, cause=Assignment.Cause.SUBMIT
            )
            event_record(
                report=report,
                kind=ReportEvent.Kind.SUBMITTED,
                actor=actor,
                role=role_of(actor) or lifecycle.CITIZEN,
                to_status=Report.Status.RECEIVED,
                data={
                    "channel": report.channel,
                    "fingerprint": fingerprint,
                    "duplicates": [d.as_dict() for d in duplicates],
                },
            )
            event_record(
                report=report,
                kind=ReportEvent.Kind.STATUS,
                role=lifecycle.SYSTEM,
                from_status=Report.Status.RECEIVED,
                to_status=Report.Status.ASSIGNED,
                data={
                    "assignment": assignment.pk,
                    "rule": assignment.rule,
                    "department": decision.department.code,
                },
            )
            for index, photo in enumerate(photos):
                _photo_store(report, index, photo, saved)
            notify_assignment(report=report, assignment=assignment)
    except BaseException:
        _files_delete(saved)
        raise
    return report


def report_submit(
    *,
    lon: float | str,
    lat: float | str,
    accuracy_m: float | None = None,
    category: Category,
    description: str = "",
    photos: list | tuple = (),
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_email: str = "",
    anonymous: bool = False,
    channel: str = Report.Channel.WEB,
    urgent: bool = False,
    idempotency_key: str | None = None,
    reported_at: dt.datetime | None = None,
    client_ip: str | None = None,
    actor: Any = None,
) -> SubmitResult:
    """Check, route and store a citizen's report (see the module docstring).

    ``photos`` are file objects (their ``.name`` is quoted in errors) or
    ``(name, file_or_bytes)`` pairs. ``actor`` is the staff user entering it (the
    hotline desk), None for a citizen. Returns the report, whether it was created
    now, and open reports nearby that may be the same problem.
    """
    now = timezone.now()
    point = parse_lon_lat(
        None if lon is None else str(lon), None if lat is None else str(lat)
    )
    if not category.active:
        raise IntakeError(
            "inactive_category",
            f"Lĩnh vực «{category.name_vi}» không còn được nhận.",
            f"The category '{category.name_en}' is no longer in use.",
            "category",
        )
    if channel not in Report.Channel.values:
        raise IntakeError(
            "bad_channel",
            f"Kênh '{str(channel)[:20]}' không hợp lệ.",
            f"Unknown channel '{str(channel)[:20]}': use {', '.join(Report.Channel.values)}.",
            "channel",
        )
    description = text_check(
        description,
        field_name="description",
        label_vi="Nội dung phản ánh",
        max_length=MAX_DESCRIPTION,
    )
    name = text_check(
        reporter_name,
        field_name="reporter_name",
        label_vi="Họ tên",
        max_length=MAX_NAME,
    )
    phone = phone_normalise(reporter_phone)
    email = email_normalise(reporter_email)
    if not anonymous and not (phone or email):
        raise IntakeError(
            "contact_required",
            "Cần số điện thoại hoặc e-mail để cơ quan xử lý liên hệ và báo kết quả; "
            "nếu không muốn để lại, hãy chọn gửi ẩn danh.",
            "A phone number or an e-mail address is needed so the department can "
            "reach you; choose to report anonymously if you prefer not to give one.",
            "reporter_phone",
        )
    if len(photos) > settings.REPORT_MAX_PHOTOS:
        raise IntakeError(
            "too_many_photos",
            f"Tối đa {settings.REPORT_MAX_PHOTOS} ảnh cho một phản ánh "
            f"(đã gửi {len(photos)}).",
            f"At most {settings.REPORT_MAX_PHOTOS} photos per report "
            f"({len(photos)} sent).",
            "photos",
        )
    if not description and not photos:
        raise IntakeError(
            "missing",
            "Hãy mô tả sự việc hoặc gửi kèm ít nhất một ảnh.",
            "Describe the problem or attach at least one photo.",
            "description",
        )
    key = key_check(idempotency_key)
    accuracy = accuracy_check(accuracy_m)
    reported_at = moment_check(reported_at, now)
    checked = photos_check(list(photos))

    fields = {
        "lon": round(point.lon, 7),
        "lat": round(point.lat, 7),
        "accuracy_m": accuracy,
        "category": category.code,
        "description": description,
        "reporter_name": name,
        "reporter_phone": phone,
        "reporter_email": email,
        "anonymous": bool(anonymous),
        "channel": channel,
        "urgent": bool(urgent),
    }
    fingerprint = _fingerprint(fields, checked)
    if key is not None and (existing := _report_by_key(key)) is not None:
        return _replay(existing, fingerprint)

    rate_hit(
        "ip",
        client_ip or "",
        settings.REPORT_RATE_PER_IP_HOUR,
        "địa chỉ mạng này",
        "this network address",
    )
    rate_hit(
        "phone",
        phone,
        settings.REPORT_RATE_PER_PHONE_HOUR,
        "số điện thoại này",
        "this phone number",
    )
    try:
        decision = route_decide(
            lon=point.lon, lat=point.lat, category=category, at=reported_at
        )
    except NoBoundarySet as error:
        error.field = "reported_at"
        raise
    duplicates = duplicates_near(
        lon=point.lon, lat=point.lat, category=category, at=reported_at
    )
    row_fields = {
        "location": Point(point.lon, point.lat, srid=4326),
        "accuracy_m": accuracy,
        "category": category,
        "description": description,
        "channel": channel,
        "urgent": bool(urgent),
        "reporter_name": name,
        "reporter_phone": phone,
        "reporter_email": email,
        "anonymous": bool(anonymous),
        "idempotency_key": key,
        "reported_at": reported_at,
        # The deadline runs from receipt, not from when the app says it was written.
        "due_at": due_at(category=category, start=now, urgent=bool(urgent)),
    }
    for attempt in range(CODE_ATTEMPTS):
        try:
            report = _create(
                fields=row_fields,
                photos=checked,
                decision=decision,
                duplicates=duplicates,
                fingerprint=fingerprint,
                actor=actor,
            )
        except IntegrityError:
            # The same key committed by a concurrent request: answer with its report.
            if key is not None and (winner := _report_by_key(key)) is not None:
                return _replay(winner, fingerprint)
            if attempt == CODE_ATTEMPTS - 1:
                raise
            continue  # a tracking-code clash: draw another code
        return SubmitResult(report=report, created=True, duplicates=duplicates)
    raise AssertionError("unreachable")  # pragma: no cover
