"""Input and output shapes of the report intake and reading API.

The input serializer only checks types; ``routing.intake.submission.submission_parse``
checks the content (text, phone, e-mail, photos) so that the web form and Open311
refuse the same things with the same bilingual messages. Outputs come in three kinds,
by who reads them: the citizen (submit receipt, duplicate suggestions, and the
tracking view of ``routing.reports.public``: never personal data), staff (GeoJSON
features, reporter identity only where ``routing.reports.access.sees_personal_data``
allows) and both (photos, with the GPS tags only for staff). Datetimes are ISO 8601
in Asia/Ho_Chi_Minh (+07:00).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from api.routing.serializers import category_get
from routing.models import Category, Report, ReportPhoto
from routing.reports.actors import actor_label
from routing.reports.public import (
    local_iso,
    photo_public_json,
    report_category_json,
    report_unit_json,
)
from routing.reports.publication import photos_public
from routing.reports.receipt import receipt_path, receipt_secret
from routing.reports.selectors import current_assignment

PRECISION = 6


class LocalDateTimeField(serializers.DateTimeField):
    """ISO 8601 in local time (+07:00), whatever the active time zone."""

    def to_representation(self, value: dt.datetime) -> str:
        # Never None: a serializer renders a missing value as null without asking.
        return local_iso(value)


# Input ---------------------------------------------------------------------------


class ReportSubmitInput(serializers.Serializer):
    """A new report, as JSON or as a multipart form. The view takes the files of a
    form's ``photos`` fields itself, so each is checked by content and named in the
    error (``routing.intake.photos``)."""

    lon = serializers.FloatField()
    lat = serializers.FloatField()
    accuracy_m = serializers.FloatField(required=False, allow_null=True, default=None)
    category = serializers.CharField(max_length=20)
    description = serializers.CharField(
        required=False, allow_blank=True, default="", trim_whitespace=False
    )
    reporter_name = serializers.CharField(required=False, allow_blank=True, default="")
    reporter_phone = serializers.CharField(required=False, allow_blank=True, default="")
    reporter_email = serializers.CharField(required=False, allow_blank=True, default="")
    anonymous = serializers.BooleanField(required=False, default=False)
    public = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Whether the citizen lets the report be shown publicly (its "
        "description, masked, and photos, once the operations centre approves). "
        "Default: true for a named report, false for an anonymous one. Reports of a "
        "sensitive category (public security) are never public: the receipt's "
        "'publication' says what was stored (private or pending).",
    )
    urgent = serializers.BooleanField(required=False, default=False)
    channel = serializers.ChoiceField(
        choices=Report.Channel.choices, required=False, default=Report.Channel.WEB
    )
    reported_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None
    )
    idempotency_key = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, default=None
    )

    def validate_category(self, code: str) -> Category:
        return category_get(code.strip())

    def get_fields(self) -> dict[str, serializers.Field]:
        """Each declared field built anew from its arguments, as DRF's deep copy of
        them does (``Field.__deepcopy__``), without deep-copying the arguments: all
        are immutable or only read (the channel choices), and the copying cost
        more than the rest of parsing a submission."""
        declared: dict[str, Any] = self._declared_fields
        return {
            name: type(field)(*field._args, **field._kwargs)
            for name, field in declared.items()
        }


# Shared pieces -------------------------------------------------------------------


def _department(report: Report) -> dict[str, str]:
    d = report.department
    return {"code": d.code, "name_vi": d.name_vi, "name_en": d.name_en}


class DuplicateOutput(serializers.Serializer):
    """An open report nearby that may be the same problem (no personal data)."""

    tracking_code = serializers.CharField()
    status = serializers.CharField()
    category = serializers.CharField()
    reported_at = LocalDateTimeField()
    lon = serializers.FloatField()
    lat = serializers.FloatField()
    distance_m = serializers.FloatField()


# One instance for every receipt: its fields are built and bound once, not deep-copied
# for each answer as a new serializer's are; ``to_representation`` keeps no state.
_DUPLICATE = DuplicateOutput()


class PhotoOutput(serializers.ModelSerializer):
    """A photo as the public sees it: ``routing.reports.public.photo_public_json``
    (the fields below describe it in the schema), addresses absolute when the
    context has the request."""

    url = serializers.CharField(read_only=True)
    thumbnail_url = serializers.CharField(read_only=True)

    class Meta:
        model = ReportPhoto
        fields = ["url", "thumbnail_url", "width", "height", "of_resolution"]

    def to_representation(self, photo: ReportPhoto) -> dict[str, Any]:
        request = self.context.get("request")
        if request is None:
            return photo_public_json(photo)
        return photo_public_json(photo, absolute=request.build_absolute_uri)


class PhotoStaffOutput(PhotoOutput):
    """A photo for staff who see the report: with the upload's size and digest,
    and its GPS tags (where the camera was: personal data) only with context
    ``personal`` (``routing.reports.access.sees_personal_data``); else ``gps`` is
    null."""

    gps = serializers.SerializerMethodField()
    created_at = LocalDateTimeField()

    class Meta(PhotoOutput.Meta):
        fields = [
            *PhotoOutput.Meta.fields,
            "content_type",
            "size_bytes",
            "sha256",
            "gps",
            "created_at",
        ]

    def get_gps(self, photo: ReportPhoto) -> dict[str, float] | None:
        if not self.context.get("personal", False):
            return None
        if photo.gps_lon is None or photo.gps_lat is None:
            return None
        return {"lon": photo.gps_lon, "lat": photo.gps_lat}

    def to_representation(self, photo: ReportPhoto) -> dict[str, Any]:
        return {
            **super().to_representation(photo),
            "content_type": photo.content_type,
            "size_bytes": photo.size_bytes,
            "sha256": photo.sha256,
            "gps": self.get_gps(photo),
            "created_at": local_iso(photo.created_at),
        }


# Citizen-facing ------------------------------------------------------------------


def routing_json(report: Report) -> dict[str, Any] | None:
    assignment = current_assignment(report)
    if assignment is None:
        return None
    return {
        "rule": assignment.rule,
        "near_edge": assignment.near_edge,
        "reason_vi": assignment.reason_vi,
        "reason_en": assignment.reason_en,
    }


def submit_json(report: Report, duplicates: list, request: Request) -> dict[str, Any]:
    """The receipt for a submitted report; a replay gets the same. Only this answer
    (and the reporter's own notifications) carries ``receipt_secret``: the reporter
    needs it to rate, reopen or add information, the tracking code is public.
    ``publication`` says whether it awaits approval to be shown publicly
    (``pending``) or stays private; ``photos`` are those the public may see (none
    before approval)."""
    secret = receipt_secret(report)
    return {
        "tracking_code": report.tracking_code,
        "status": report.status,
        "category": report_category_json(report),
        "unit": report_unit_json(report),
        "department": _department(report),
        "urgent": report.urgent,
        "reported_at": local_iso(report.reported_at),
        "due_at": local_iso(report.due_at),
        "publication": report.publication,
        "routing": routing_json(report),
        "duplicates": [_DUPLICATE.to_representation(d) for d in duplicates],
        "photos": [
            photo_public_json(photo, absolute=request.build_absolute_uri)
            for photo in photos_public(report)
        ],
        "track_url": request.build_absolute_uri(
            reverse("reports-track", kwargs={"code": report.tracking_code})
        ),
        "receipt_secret": secret,
        "receipt_url": (
            request.build_absolute_uri(receipt_path(report.tracking_code, secret))
            if secret
            else None
        ),
    }


# Staff-facing --------------------------------------------------------------------


class ReportFeatureOutput(GeoFeatureModelSerializer):
    """A report as a GeoJSON Feature for staff. ``reporter`` is null unless the
    reader may see the reporter's identity (context ``personal_ids``)."""

    location = GeometryField(precision=PRECISION, read_only=True)
    status = serializers.CharField()
    category = serializers.SerializerMethodField()
    unit = serializers.SerializerMethodField()
    department = serializers.SerializerMethodField()
    reporter = serializers.SerializerMethodField()
    photo_count = serializers.SerializerMethodField()
    reported_at = LocalDateTimeField()
    due_at = LocalDateTimeField()
    created_at = LocalDateTimeField()
    updated_at = LocalDateTimeField()

    class Meta:
        model = Report
        geo_field = "location"
        id_field = False  # the tracking code stays in properties; see below
        fields = [
            "tracking_code",
            "status",
            "category",
            "unit",
            "department",
            "description",
            "channel",
            "urgent",
            "accuracy_m",
            "anonymous",
            "publication",
            "reporter",
            "photo_count",
            "reported_at",
            "due_at",
            "created_at",
            "updated_at",
        ]

    def to_representation(self, instance: Report) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["id"] = instance.tracking_code  # a stable feature id for map clients
        return data

    def get_category(self, report: Report) -> dict[str, str]:
        return report_category_json(report)

    def get_unit(self, report: Report) -> dict[str, str]:
        return report_unit_json(report)

    def get_department(self, report: Report) -> dict[str, str]:
        return _department(report)

    def get_photo_count(self, report: Report) -> int:
        count = getattr(report, "photo_count", None)
        return count if count is not None else report.photos.count()

    def get_reporter(self, report: Report) -> dict[str, str] | None:
        if report.pk not in self.context.get("personal_ids", set()):
            return None
        return {
            "name": report.reporter_name,
            "phone": report.reporter_phone,
            "email": report.reporter_email,
        }


def detail_json(
    report: Report, *, sees_personal: bool, request: Request
) -> dict[str, Any]:
    """A report for staff: the feature with its routing decision, every event
    (internal ones too) and the photos; the reporter and the photos' GPS tags only
    with ``sees_personal``."""
    context = {"personal_ids": {report.pk} if sees_personal else set()}
    data = ReportFeatureOutput(report, context=context).data
    assignment = current_assignment(report)
    props = data["properties"]
    duplicate_of = report.duplicate_of  # None without a query when there is none
    props["duplicate_of"] = duplicate_of.tracking_code if duplicate_of else None
    props["rejection_reason"] = report.rejection_reason
    props["rating"] = report.rating
    props["public_description"] = report.public_description
    props["escalated_at"] = local_iso(report.escalated_at)
    props["resolved_at"] = local_iso(report.resolved_at)
    props["closed_at"] = local_iso(report.closed_at)
    props["assignment"] = (
        {
            "rule": assignment.rule,
            "cause": assignment.cause,
            "zone": (
                {"id": assignment.zone.id, "name": assignment.zone.name}
                if assignment.zone
                else None
            ),
            "boundary_set": assignment.boundary_set.slug,
            "near_edge": assignment.near_edge,
            "edge_distance_m": assignment.edge_distance_m,
            "outside_unit_m": assignment.outside_unit_m,
            "candidates": assignment.candidates,
            "reason_vi": assignment.reason_vi,
            "reason_en": assignment.reason_en,
            "decided_at": local_iso(assignment.decided_at),
        }
        if assignment
        else None
    )
    props["events"] = [
        {
            "kind": e.kind,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "actor": actor_label(e.actor, e.actor_role, viewer=request.user),
            "actor_role": e.actor_role,
            "public": e.public,
            "note": e.note,
            "at": local_iso(e.at),
        }
        for e in report.events.all()
    ]
    props["photos"] = PhotoStaffOutput(
        report.photos.all(),
        many=True,
        context={"request": request, "personal": sees_personal},
    ).data
    return data
