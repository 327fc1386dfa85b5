"""What the public may read of a report: the operations centre's review
(``GET``/``POST /api/v1/reports/<code>/publication``).

Staff only, like the other workflow endpoints: a report outside the user's scope
is a 404 (codes cannot be probed), a role that may not review publication
(``routing.reports.access.may_review_publication``: operations centre and admins)
a 403. The rule is ``routing.reports.publication``; the decision
``routing.workflow.report_publication_decide``.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.access import StaffOnly, permission_denied
from api.reports.workflow_views import report_visible
from api.routing.serializers import input_valid, request_object
from routing import workflow
from routing.models import Report
from routing.reports.access import may_review_publication
from routing.reports.publication import publication_state_json

APPROVE, WITHHOLD = "approve", "withhold"


def _state(request: Request, report: Report) -> dict[str, Any]:
    report = (
        Report.objects.select_related("category", "publication_decided_by")
        .prefetch_related("photos")
        .get(pk=report.pk)
    )
    state = publication_state_json(report, report.photos.all(), viewer=request.user)
    state["tracking_code"] = report.tracking_code
    for photo in state["photos"]:
        photo["url"] = request.build_absolute_uri(photo["url"])
        photo["thumbnail_url"] = request.build_absolute_uri(photo["thumbnail_url"])
    return state


def _reviewable(request: Request, code: str) -> Report:
    """The report, if the user sees it (else 404) and may review it (else 403)."""
    report = report_visible(request, code)
    if not may_review_publication(request.user):
        raise permission_denied(
            "Chỉ Trung tâm IOC và quản trị viên duyệt công khai phản ánh.",
            "Only the operations centre and administrators decide publication.",
        )
    return report


class ReportPublicationApi(APIView):
    """Read the publication state with the masked text proposed for the public
    (GET), or approve or withhold publication (POST)."""

    permission_classes = [StaffOnly]

    class DecisionInput(serializers.Serializer):
        decision = serializers.ChoiceField(choices=[APPROVE, WITHHOLD])
        public_description = serializers.CharField(
            required=False,
            allow_blank=True,
            allow_null=True,
            default=None,
            trim_whitespace=False,
            help_text="The public text (approve). Default: the description with "
            "phone numbers, e-mail addresses and ID numbers masked.",
        )
        photos = serializers.ListField(
            child=serializers.IntegerField(min_value=1),
            required=False,
            allow_null=True,
            default=None,
            max_length=50,
            help_text="Ids of the citizen's photos to show (approve). Default: all.",
        )
        note = serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            max_length=4000,
            help_text="Why (internal). Required to withhold.",
        )
        expected = serializers.ChoiceField(
            choices=Report.Publication.values,
            required=False,
            allow_null=True,
            default=None,
            help_text="The publication state you were shown: when the report's "
            "has changed since (another reviewer decided), 409 and nothing changes.",
        )

    @extend_schema(
        operation_id="reports_publication",
        responses={200: OpenApiTypes.OBJECT},
        description="The publication state (private, pending, approved, withheld), "
        "the description, the masked text proposed for the public and the photos "
        "with whether each is public. Operations centre and admins.",
    )
    def get(self, request: Request, code: str) -> Response:
        return Response(_state(request, _reviewable(request, code)))

    @extend_schema(
        operation_id="reports_publication_decide",
        request=DecisionInput,
        responses={200: OpenApiTypes.OBJECT},
        description="Approve (with an optional edited public text and photo ids) or "
        "withhold publication (the reason in 'note'); may be decided again. 409 "
        "when the citizen did not "
        "ask for publication, (approving) the category is sensitive, or the state "
        "is no longer 'expected'.",
    )
    def post(self, request: Request, code: str) -> Response:
        report = _reviewable(request, code)
        data = input_valid(self.DecisionInput, request_object(request))
        report = workflow.report_publication_decide(
            report=report,
            actor=request.user,
            approve=data["decision"] == APPROVE,
            text=data["public_description"],
            photo_ids=data["photos"],
            note=data["note"],
            expected=data["expected"],
        )
        return Response(_state(request, report))
