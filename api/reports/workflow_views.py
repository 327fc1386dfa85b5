"""Report workflow API for staff: status changes, events, comments, manual routing
and merges (the citizen's actions are ``citizen_views``).

Staff endpoints need a signed-in user (a session; no HTTP Basic) with a staff role and
address a report by its tracking code within the reports the user may see
(``routing.reports.access.reports_visible_to``): another department's report is a
404, not a 403, so codes cannot be probed. Views parse input and call
``routing.workflow``; its refusals arrive as bilingual errors with their status
(400, 403, 409).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.access import StaffOnly
from api.errors import ApiError
from api.routing.serializers import (
    category_get,
    department_by_code,
    input_valid,
    request_object,
)
from geo.coords import parse_lon_lat
from routing import workflow
from routing.intake.photos import photos_check
from routing.models import Assignment, Department, Report, ReportEvent
from routing.reports import lifecycle
from routing.reports.access import (
    event_data_shown,
    reports_visible_to,
    sees_personal_data,
)
from routing.reports.actors import actor_label
from routing.reports.roles import role_of
from routing.reports.tracking import tracking_code_normalise

if TYPE_CHECKING:
    from boundaries.models import AdminUnit


def _not_found(code: str, field: str | None = None) -> ApiError:
    return ApiError(
        "report_not_found",
        f"Không tìm thấy phản ánh {code[:20]}.",
        f"There is no report {code[:20]}.",
        field=field,
        status_code=status.HTTP_400_BAD_REQUEST if field else status.HTTP_404_NOT_FOUND,
    )


def report_visible(request: Request, raw_code: str, field: str | None = None) -> Report:
    """The report with this tracking code among those the user may see; a 404 (a
    400 naming ``field`` for a code given in the body) otherwise."""
    code = tracking_code_normalise(raw_code or "")
    report = (
        reports_visible_to(request.user)
        .select_related("category", "department", "unit", "duplicate_of")
        .filter(tracking_code=code)
        .first()
    )
    if report is None:
        raise _not_found(code, field)
    return report


class ReportStateOutput(serializers.Serializer):
    """Where a report stands, for staff: status, handler, deadline and next steps."""

    tracking_code = serializers.CharField()
    status = serializers.CharField()
    category = serializers.CharField(source="category.code")
    department = serializers.CharField(source="department.code")
    department_name_vi = serializers.CharField(source="department.name_vi")
    department_name_en = serializers.CharField(source="department.name_en")
    unit = serializers.CharField(source="unit.code")
    lon = serializers.FloatField(source="location.x")
    lat = serializers.FloatField(source="location.y")
    reported_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(allow_null=True)
    escalated_at = serializers.DateTimeField(allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    duplicate_of = serializers.CharField(
        source="duplicate_of.tracking_code", allow_null=True, default=None
    )
    rejection_reason = serializers.CharField()
    rating = serializers.CharField()
    result_note = serializers.CharField(
        help_text="The public result of a resolved report (masked)."
    )
    overdue = serializers.SerializerMethodField()
    due_soon = serializers.SerializerMethodField()
    next = serializers.SerializerMethodField()

    def to_representation(self, report: Report) -> dict[str, Any]:
        self._flags = workflow.sla_flags(report)
        return super().to_representation(report)

    def get_overdue(self, report: Report) -> bool:
        return self._flags.overdue

    def get_due_soon(self, report: Report) -> bool:
        return self._flags.due_soon

    def get_next(self, report: Report) -> list[str]:
        """The statuses the requesting user may move the report to."""
        role = role_of(self.context["request"].user) or ""
        return lifecycle.next_statuses(report.status, role)


def _viewer(serializer: serializers.Serializer) -> Any:
    request = serializer.context.get("request")
    return request.user if request else None


class EventOutput(serializers.ModelSerializer):
    """An event for staff who see its report. ``actor`` is the role acted in (the
    user name for admins only); ``data`` loses its personal keys
    (``routing.reports.access.PERSONAL_EVENT_KEYS``: fingerprints, device and
    account ids) unless the context's ``personal`` says the reader may see the
    report's personal data."""

    actor = serializers.SerializerMethodField(
        help_text="The role the actor acted in; the user name only for admins."
    )

    class Meta:
        model = ReportEvent
        fields = [
            "id",
            "kind",
            "from_status",
            "to_status",
            "actor",
            "actor_role",
            "public",
            "note",
            "data",
            "at",
        ]

    def get_actor(self, event: ReportEvent) -> str:
        return actor_label(event.actor, event.actor_role, viewer=_viewer(self))

    def to_representation(self, event: ReportEvent) -> dict[str, Any]:
        data = super().to_representation(event)
        personal = self.context.get("personal", False)
        data["data"] = event_data_shown(event.data or {}, personal=personal)
        return data


class AssignmentOutput(serializers.ModelSerializer):
    department: serializers.SlugRelatedField[Department] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    unit: serializers.SlugRelatedField[AdminUnit] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    decided_by = serializers.SerializerMethodField(
        help_text="The role that decided (the system for the engine); the user "
        "name only for admins."
    )

    class Meta:
        model = Assignment
        fields = [
            "id",
            "rule",
            "cause",
            "department",
            "unit",
            "zone",
            "near_edge",
            "edge_distance_m",
            "reason_vi",
            "reason_en",
            "decided_by",
            "note",
            "decided_at",
        ]

    def get_decided_by(self, assignment: Assignment) -> str:
        return actor_label(assignment.decided_by, viewer=_viewer(self))


class ReportRoutedOutput(ReportStateOutput):
    """The report after a routing change, with the assignment that made it."""

    assignment = serializers.SerializerMethodField()

    @extend_schema_field(AssignmentOutput)
    def get_assignment(self, report: Report) -> dict[str, Any]:
        return AssignmentOutput(self.context["assignment"], context=self.context).data


def _state(request: Request, report: Report) -> Response:
    report = Report.objects.select_related(
        "category", "department", "unit", "duplicate_of"
    ).get(pk=report.pk)
    return Response(ReportStateOutput(report, context={"request": request}).data)


def _routed(request: Request, assignment: Assignment) -> Response:
    report = Report.objects.select_related(
        "category", "department", "unit", "duplicate_of"
    ).get(pk=assignment.report_id)
    context = {"request": request, "assignment": assignment}
    return Response(ReportRoutedOutput(report, context=context).data)


AFTER_PHOTO_FIELDS = ("photos", "photo")


@extend_schema_field(OpenApiTypes.BINARY)
class PhotoFileField(serializers.FileField):
    """An uploaded photo, described as a binary file part in the schema."""


class ReportTransitionApi(APIView):
    """Move a report to another status, as the workflow table allows your role.
    Resolving needs a public result note (``note``); a multipart form may add
    photos of the fix (``photos``), which some categories require."""

    permission_classes = [StaffOnly]

    class TransitionInput(serializers.Serializer):
        to = serializers.ChoiceField(choices=Report.Status.values)
        note = serializers.CharField(
            max_length=4000, allow_blank=True, default="", trim_whitespace=True
        )
        public = serializers.BooleanField(default=True)
        reason = serializers.CharField(max_length=20, allow_blank=True, default="")
        duplicate_of = serializers.CharField(
            max_length=20, allow_blank=True, default=""
        )

    class TransitionFormInput(TransitionInput):
        """The multipart form: the same fields and the photos of the fix (only
        documented here: the files are read from ``request.FILES``)."""

        photos = serializers.ListField(
            child=PhotoFileField(),
            required=False,
            max_length=5,
            help_text="Photos of the fix, resolving only: JPEG, PNG or WebP, at "
            "most 10 MB each (the count: REPORT_MAX_PHOTOS, 5 by default).",
        )

    @extend_schema(
        request={
            "application/json": TransitionInput,
            "multipart/form-data": TransitionFormInput,
        },
        responses={200: ReportStateOutput},
        description="Resolving ('to': 'resolved') needs 'note', the public result "
        "(at most 2000 characters; phone numbers, e-mail addresses and ID numbers "
        "are masked). A multipart form may add up to 5 photos of the fix in "
        "'photos' (JPEG, PNG or WebP, 10 MB each); categories that require one "
        "refuse to resolve without it.",
    )
    def post(self, request: Request, code: str) -> Response:
        report = report_visible(request, code)
        data = input_valid(self.TransitionInput, request_object(request))
        uploads = [
            f for name in AFTER_PHOTO_FIELDS for f in request.FILES.getlist(name)
        ]
        if uploads:  # a step the role may not take costs no decoding
            workflow.report_transition_allowed(
                report=report, to_status=data["to"], actor=request.user
            )
        # Bounded before any is decoded; the workflow says why a count is refused.
        photos = photos_check(uploads[: settings.REPORT_MAX_PHOTOS + 1])
        duplicate_of = None
        if data["duplicate_of"]:
            duplicate_of = report_visible(
                request, data["duplicate_of"], field="duplicate_of"
            )
        report = workflow.report_transition(
            report=report,
            to_status=data["to"],
            actor=request.user,
            note=data["note"],
            public=data["public"],
            reason=data["reason"],
            duplicate_of=duplicate_of,
            photos=photos,
        )
        return _state(request, report)


class ReportEventListApi(APIView):
    """Everything that happened to a report, internal steps included (staff)."""

    permission_classes = [StaffOnly]

    @extend_schema(responses={200: EventOutput(many=True)})
    def get(self, request: Request, code: str) -> Response:
        report = report_visible(request, code)
        events = report.events.select_related("actor").order_by("at", "id")
        context = {
            "request": request,
            "personal": sees_personal_data(request.user, report),
        }
        return Response(EventOutput(events, many=True, context=context).data)


class ReportCommentApi(APIView):
    """Add a note; public notes (default: internal) are sent to the citizen."""

    permission_classes = [StaffOnly]

    class CommentInput(serializers.Serializer):
        note = serializers.CharField(max_length=4000)
        public = serializers.BooleanField(default=False)

    @extend_schema(request=CommentInput, responses={201: EventOutput})
    def post(self, request: Request, code: str) -> Response:
        report = report_visible(request, code)
        data = input_valid(self.CommentInput, request_object(request))
        event = workflow.report_comment(
            report=report, actor=request.user, note=data["note"], public=data["public"]
        )
        context = {
            "request": request,
            "personal": sees_personal_data(request.user, report),
        }
        output = EventOutput(event, context=context).data
        return Response(output, status=status.HTTP_201_CREATED)


class ReportReassignApi(APIView):
    """Hand a report to another department by hand, saying why (operations centre)."""

    permission_classes = [StaffOnly]

    class ReassignInput(serializers.Serializer):
        department = serializers.CharField(max_length=60)
        note = serializers.CharField(max_length=4000)

        def validate_department(self, code: str) -> Department:
            return department_by_code(code.strip())

    @extend_schema(request=ReassignInput, responses={200: ReportRoutedOutput})
    def post(self, request: Request, code: str) -> Response:
        report = report_visible(request, code)
        data = input_valid(self.ReassignInput, request_object(request))
        assignment = workflow.report_reassign(
            report=report,
            actor=request.user,
            department=data["department"],
            note=data["note"],
        )
        return _routed(request, assignment)


class ReportLocationApi(APIView):
    """Move a report's pin and route it again (operations centre)."""

    permission_classes = [StaffOnly]

    class LocationInput(serializers.Serializer):
        lon = serializers.FloatField()
        lat = serializers.FloatField()

    @extend_schema(request=LocationInput, responses={200: ReportRoutedOutput})
    def post(self, request: Request, code: str) -> Response:
        report = report_visible(request, code)
        body = request_object(request)
        point = parse_lon_lat(body.get("lon"), body.get("lat"))
        assignment = workflow.report_move_pin(
            report=report, actor=request.user, lon=point.lon, lat=point.lat
        )
        return _routed(request, assignment)


class ReportCategoryApi(APIView):
    """Change a report's category, route it again and reset its deadline
    (operations centre)."""

    permission_classes = [StaffOnly]

    class CategoryInput(serializers.Serializer):
        category = serializers.CharField(max_length=20)

    @extend_schema(request=CategoryInput, responses={200: ReportRoutedOutput})
    def post(self, request: Request, code: str) -> Response:
        report = report_visible(request, code)
        data = input_valid(self.CategoryInput, request_object(request))
        assignment = workflow.report_change_category(
            report=report,
            actor=request.user,
            category=category_get(data["category"].strip()),
        )
        return _routed(request, assignment)


class ReportMergeApi(APIView):
    """Mark a report a duplicate of another open report of the same category."""

    permission_classes = [StaffOnly]

    class MergeInput(serializers.Serializer):
        into = serializers.CharField(max_length=20)
        note = serializers.CharField(max_length=4000, allow_blank=True, default="")

    @extend_schema(request=MergeInput, responses={200: ReportStateOutput})
    def post(self, request: Request, code: str) -> Response:
        report = report_visible(request, code)
        data = input_valid(self.MergeInput, request_object(request))
        into = report_visible(request, data["into"], field="into")
        report = workflow.report_merge(
            report=report, into=into, actor=request.user, note=data["note"]
        )
        return _state(request, report)
