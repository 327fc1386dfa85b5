"""Reports and the routing decisions made for them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GistIndex

from boundaries.geometry import bbox_polygon
from boundaries.models import AdminUnit, BoundarySet
from geo.coords import BBox
from routing.models.departments import Category, Department
from routing.models.zones import ResponsibilityZone

# --- The public listing rule, in one place -------------------------------------
# Which reports anyone may see listed (the portal's map, list, feed and JSON, and
# the public scorecards): not rejected, not a duplicate (Report.PUBLIC_STATUSES),
# not of a sensitive category. Their words and photos follow
# routing.reports.publication.


def public_category_q(prefix: str = "") -> models.Q:
    """The categories the public may see (``prefix``: the path to the category,
    e.g. ``"category__"`` from a report)."""
    return models.Q(**{f"{prefix}sensitive": False})


def publicly_listed_q() -> models.Q:
    """The listing rule as a filter on reports."""
    return models.Q(status__in=Report.PUBLIC_STATUSES) & public_category_q("category__")


def public_category_ids(using: str | None = None) -> tuple[int, ...]:
    """The ids of the public categories, in order: the analytics' selections (the
    portal's counts, the public scorecards) filter the aggregates by them."""
    return tuple(
        Category.objects.using(using)
        .filter(public_category_q())
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def report_publicly_listed(report: Report) -> bool:
    """:func:`publicly_listed_q` for one report in hand."""
    return report.status in Report.PUBLIC_STATUSES and not report.category.sensitive


class ReportQuerySet(models.QuerySet["Report"]):
    """The words report lists are filtered with: the staff list API's FilterSet and
    ``routing.reports.selectors.reports_select`` (the officers' queue) both use them."""

    def in_bbox(self, bbox: BBox) -> ReportQuerySet:
        """Points inside or on the box (the location's GiST index does the work)."""
        return self.filter(location__intersects=bbox_polygon(bbox))

    def with_categories(self, category_ids: Sequence[int]) -> ReportQuerySet:
        return self.filter(category_id__in=category_ids)

    def with_statuses(self, statuses: Sequence[str]) -> ReportQuerySet:
        return self.filter(status__in=statuses)

    def with_publication(self, states: Sequence[str]) -> ReportQuerySet:
        """In one of these publication states (``pending``: awaiting review)."""
        return self.filter(publication__in=states)

    def in_unit_code(self, code: str) -> ReportQuerySet:
        """Reports of the unit with this GSO code in any boundary set: a ward is found
        across the versions that keep its code."""
        return self.filter(unit__code=code)

    def of_department(self, department_id: int) -> ReportQuerySet:
        return self.filter(department_id=department_id)

    def reported_from(self, start: dt.datetime) -> ReportQuerySet:
        """Reported at or after ``start`` (inclusive)."""
        return self.filter(reported_at__gte=start)

    def reported_before(self, end: dt.datetime) -> ReportQuerySet:
        """Reported before ``end`` (exclusive)."""
        return self.filter(reported_at__lt=end)

    def publicly_listed(self) -> ReportQuerySet:
        """The reports anyone may see listed (the public portal's map, list, feed
        and JSON): not rejected (abuse, or a complaint the law keeps confidential),
        not a duplicate (its original is listed), not of a sensitive category.
        Their words and photos still follow ``routing.reports.publication``."""
        return self.filter(publicly_listed_q())


class Report(models.Model):
    """A citizen's field report: a point, a category and a time, routed to a unit and a
    department. ``unit`` and ``department`` are the current answer; every decision that
    led to them is an :class:`Assignment`. ``jurisdiction_code`` is the province key
    every report query can carry (partitioning, Citus distribution)."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Đã tiếp nhận (received)"
        ASSIGNED = "assigned", "Đã chuyển xử lý (assigned)"
        IN_PROGRESS = "in_progress", "Đang xử lý (in progress)"
        RESOLVED = "resolved", "Đã xử lý (resolved)"
        CLOSED = "closed", "Đã đóng (closed)"
        REJECTED = "rejected", "Từ chối (rejected)"
        DUPLICATE = "duplicate", "Trùng lặp (duplicate)"
        REOPENED = "reopened", "Mở lại (reopened)"

    class Channel(models.TextChoices):
        WEB = "web", "Cổng thông tin (web)"
        APP = "app", "Ứng dụng (app)"
        HOTLINE = "hotline", "Đường dây nóng (hotline)"
        EMAIL = "email", "Thư điện tử gửi tổng đài (e-mail to the centre)"
        WALK_IN = "walk_in", "Trực tiếp tại quầy (walk-in)"
        OPEN311 = "open311", "Open311"

    # Channels only the operations centre's desk files on (for a caller, a letter
    # or a visitor); citizens' own forms use web or app, partners open311.
    DESK_CHANNELS = ("hotline", "email", "walk_in")

    class Rating(models.TextChoices):
        SATISFIED = "satisfied", "Hài lòng (satisfied)"
        ACCEPTABLE = "acceptable", "Chấp nhận (acceptable)"
        DISSATISFIED = "dissatisfied", "Không hài lòng (dissatisfied)"

    class RejectionReason(models.TextChoices):
        OUT_OF_SCOPE = "out_of_scope", "Không thuộc phạm vi (out of scope)"
        INSUFFICIENT = (
            "insufficient_info",
            "Không đủ thông tin (not enough information)",
        )
        OTHER_PROCEDURE = (
            "other_procedure",
            "Khiếu nại, tố cáo theo thủ tục khác (complaint or denunciation procedure)",
        )
        ABUSIVE = "abusive", "Nội dung không phù hợp (abusive)"

    class Publication(models.TextChoices):
        """Whether the report's words and photos may be shown publicly
        (``routing.reports.publication``): only when the citizen asked for it, the
        category is not sensitive and the operations centre approved it."""

        PRIVATE = "private", "Không công khai (private)"
        PENDING = "pending", "Chờ duyệt công khai (awaiting approval)"
        APPROVED = "approved", "Đã duyệt công khai (approved for publication)"
        WITHHELD = "withheld", "Không duyệt công khai (withheld)"

    OPEN_STATUSES = ("received", "assigned", "in_progress", "reopened")
    # The statuses the public portal lists (``ReportQuerySet.publicly_listed``).
    PUBLIC_STATUSES = (*OPEN_STATUSES, "resolved", "closed")

    tracking_code = models.CharField(max_length=16, unique=True)
    location = models.PointField(srid=4326)
    accuracy_m = models.FloatField(null=True, blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="reports"
    )
    description = models.TextField(max_length=4000, blank=True)
    channel = models.CharField(
        max_length=8, choices=Channel.choices, default=Channel.WEB
    )
    urgent = models.BooleanField(default=False)
    reporter_name = models.CharField(max_length=200, blank=True)
    reporter_phone = models.CharField(max_length=20, blank=True, help_text="E.164")
    reporter_email = models.EmailField(blank=True)
    anonymous = models.BooleanField(
        default=False, help_text="Identity visible to operations-centre staff only."
    )
    # The phone was proven by a one-time code (a verified citizen's session) when
    # the report came in; SMS go only to verified numbers, e-mail only to addresses
    # verified by a link (``email_verified``).
    contact_verified = models.BooleanField(default=False)
    email_verified = models.BooleanField(default=False)
    # The operations-centre operator who filed it for a caller, a letter or a
    # visitor (desk channels); None when the citizen filed it.
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    publication = models.CharField(
        max_length=10, choices=Publication.choices, default=Publication.PRIVATE
    )
    # The words the public sees once approved: the description with phone numbers,
    # e-mail addresses and ID numbers masked, then edited by the approver.
    public_description = models.TextField(max_length=4000, blank=True)
    publication_decided_at = models.DateTimeField(null=True, blank=True)
    publication_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # SHA-256 of the receipt secret given to the reporter alone: rating, reopening
    # and adding information need the secret, not the public tracking code. The
    # secret is derived from the nonce with a server key (routing.reports.receipt),
    # so neither column alone gives it away.
    receipt_hash = models.CharField(max_length=64, blank=True)
    receipt_nonce = models.CharField(max_length=32, blank=True)
    reported_at = models.DateTimeField(db_index=True)
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    rejection_reason = models.CharField(
        max_length=20, choices=RejectionReason.choices, blank=True
    )
    # What was done, in words for the public: required to resolve (a proof of
    # resolution, shown on the portal), written by staff, never the citizen's words.
    result_note = models.TextField(max_length=2000, blank=True)
    # How many times the citizen reopened it (the portal's and evaluation's reopen
    # rate; kept by routing.workflow.status, backfilled from the events).
    reopen_count = models.PositiveSmallIntegerField(default=0)
    rating = models.CharField(max_length=12, choices=Rating.choices, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    jurisdiction_code = models.CharField(max_length=10, default="44")
    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="reports"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at", "-id"]
        indexes = [
            models.Index(fields=["jurisdiction_code", "status"]),
            # A verified citizen's own reports, and a caller's earlier ones at the
            # operations centre's desk.
            models.Index(
                fields=["reporter_phone", "-reported_at"],
                condition=~models.Q(reporter_phone=""),
                name="report_reporter_phone",
            ),
            models.Index(fields=["department", "status"]),
            # Bulk routing joins reports to zone pieces by category *and* location:
            # with both in one GiST index (btree_gist) a piece probes only the
            # reports of its zone's categories.
            GistIndex(fields=["category", "location"], name="report_category_location"),
            # The latest resolutions (the public portal's latest results, its Atom
            # feed, the count resolved in the last 30 days) read the newest entries
            # instead of sorting every report.
            models.Index(
                fields=["-resolved_at", "-id"],
                condition=models.Q(resolved_at__isnull=False),
                name="report_resolved_at",
            ),
            # The moderation queue and the count in every staff page's header
            # (routing.reports.moderation): only the few reports awaiting review.
            models.Index(
                fields=["-reported_at"],
                condition=models.Q(publication="pending"),
                name="report_pending_review",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def filed_by(self, phone: str) -> bool:
        """Whether ``phone`` (E.164; a verified citizen's, or a caller's) is the
        one this report gives: its reporter, who needs no receipt secret once the
        phone is proven and does not "follow" their own report."""
        return bool(phone) and self.reporter_phone == phone


class Assignment(models.Model):
    """One routing decision for a report, and why it was made.

    The engine's answer is stored whole: the boundary set and unit, the department
    and the zone (if a zone decided), the rule applied, every candidate zone with its
    priority and area, how close the point lies to a zone or unit edge, and a reason
    in Vietnamese and English that staff can read. A report has one current
    assignment; earlier ones stay as its routing history (re-routes after a zone
    publish, a moved pin, a changed category, or a manual assignment with who and why).
    """

    class Rule(models.TextChoices):
        ZONE = "zone", "Vùng trách nhiệm (responsibility zone)"
        UNIT_DEFAULT = "unit_default", "Mặc định của đơn vị (unit default)"
        TRIAGE = "triage", "Bộ phận tiếp nhận (triage fallback)"
        MANUAL = "manual", "Phân công thủ công (manual)"

    class Cause(models.TextChoices):
        SUBMIT = "submit", "Tiếp nhận (submit)"
        ZONE_PUBLISH = "zone_publish", "Ban hành vùng (zone publish)"
        REROUTE = "reroute", "Điều phối lại (re-route)"
        PIN_MOVED = "pin_moved", "Dời vị trí (pin moved)"
        CATEGORY_CHANGED = "category_changed", "Đổi lĩnh vực (category changed)"
        MANUAL = "manual", "Thủ công (manual)"

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="assignments"
    )
    is_current = models.BooleanField(default=True)
    boundary_set = models.ForeignKey(
        BoundarySet, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+"
    )
    zone = models.ForeignKey(
        ResponsibilityZone,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rule = models.CharField(max_length=12, choices=Rule.choices)
    cause = models.CharField(max_length=16, choices=Cause.choices, default=Cause.SUBMIT)
    near_edge = models.BooleanField(default=False)
    edge_distance_m = models.FloatField(null=True, blank=True)
    outside_unit_m = models.FloatField(
        null=True, blank=True, help_text="Set when the point lay outside every unit."
    )
    candidates = models.JSONField(default=list, blank=True)
    reason_vi = models.TextField()
    reason_en = models.TextField()
    decided_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report"],
                condition=models.Q(is_current=True),
                name="assignment_one_current_per_report",
            )
        ]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.rule} → {self.department_id}"
