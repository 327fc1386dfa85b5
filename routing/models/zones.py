"""Responsibility zones and their edit history."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GistIndex
from django.db.models import F, Q
from django.utils import timezone

from boundaries.geometry import bbox_polygon
from geo.coords import BBox
from routing.models.departments import Category, Department
from routing.zones.limits import NAME_MAX_LENGTH


class ZoneQuerySet(models.QuerySet["ResponsibilityZone"]):
    """The words zone lists are read with (the zones API's FilterSet uses them)."""

    def published(self) -> ZoneQuerySet:
        return self.filter(status=ResponsibilityZone.Status.PUBLISHED)

    def drafts(self) -> ZoneQuerySet:
        return self.filter(status=ResponsibilityZone.Status.DRAFT)

    def valid_at(self, moment: dt.datetime) -> ZoneQuerySet:
        """Published zones in force at ``moment`` (valid_from ≤ moment < valid_to)."""
        return self.published().filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=moment), valid_from__lte=moment
        )

    def in_state(self, status: str | None, at: dt.datetime | None) -> ZoneQuerySet:
        """Drafts (``status`` draft); the published zones in force at ``at`` (status
        published or a moment given; now by default); or, neither given, the zones in
        force now plus every draft."""
        if status == ResponsibilityZone.Status.DRAFT:
            return self.drafts()
        if status == ResponsibilityZone.Status.PUBLISHED or at is not None:
            return self.valid_at(at or timezone.now())
        return self.valid_at(timezone.now()) | self.drafts()

    def for_category(self, category: Category | int) -> ZoneQuerySet:
        # One category per filter: the join adds no duplicate rows.
        return self.filter(categories=category)

    def of_department(self, department: Department | int) -> ZoneQuerySet:
        return self.filter(department=department)

    def in_bbox(self, bbox: BBox) -> ZoneQuerySet:
        """Zones that touch the box."""
        return self.filter(geom__intersects=bbox_polygon(bbox))


class ResponsibilityZone(models.Model):
    """Where a department handles some categories of reports.

    A zone says "in this area, reports of these categories go to this department":
    the environment company for waste across the city, the power company for outages
    in the whole province, the urban-management office for building order inside the
    old district. Zones may overlap; the most specific one wins (higher ``priority``,
    then smaller area, then the older zone — lower id — as a stable tie-break), and
    where none applies the unit's own People's Committee takes the report.

    Zones are versioned in time like boundaries: a published zone is in force from
    ``valid_from`` (inclusive) to ``valid_to`` (exclusive; open when empty), and a
    report is routed with the zones in force when it was made. Routing officers never
    edit a published zone in place: they edit a *draft* (``replaces`` points at the
    zone it will supersede, ``retires`` marks a draft that ends a zone), check its
    topology and impact, and publish. Publishing closes the old zone's validity and
    opens the new one at the same instant, and every change is kept in
    :class:`ZoneHistory` with the old geometry.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Nháp (draft)"
        PUBLISHED = "published", "Đã ban hành (published)"

    name = models.CharField(max_length=NAME_MAX_LENGTH)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="zones"
    )
    categories = models.ManyToManyField(Category, related_name="zones")
    geom = models.MultiPolygonField(srid=4326)
    area_m2 = models.FloatField()
    priority = models.SmallIntegerField(default=0)
    jurisdiction_code = models.CharField(max_length=10, default="44")
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_to = models.DateTimeField(null=True, blank=True)
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    retires = models.BooleanField(
        default=False,
        help_text="A draft that, once published, ends the zone it replaces.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ZoneQuerySet.as_manager()

    class Meta:
        ordering = ["-priority", "area_m2", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gt=F("valid_from")),
                name="zone_valid_to_after_from",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(valid_from__isnull=False),
                name="zone_published_has_valid_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} [{self.status}]"


class ZoneEdge(models.Model):
    """A short piece of a zone's boundary line (see boundaries.models.AdminUnitEdge):
    the distance from a pin to a zone's edge, in metres, is measured on the nearest
    pieces only."""

    zone = models.ForeignKey(
        ResponsibilityZone, on_delete=models.CASCADE, related_name="+"
    )
    geom = models.LineStringField(srid=4326, spatial_index=False)

    class Meta:
        indexes = [GistIndex(fields=["zone", "geom"], name="zoneedge_zone_geom")]

    def __str__(self) -> str:
        return f"edge of zone {self.zone_id}"


class ZoneHistory(models.Model):
    """One change to a zone: who, when, what, and the geometry before it."""

    class Action(models.TextChoices):
        CREATED = "created", "Tạo (created)"
        UPDATED = "updated", "Sửa (updated)"
        PUBLISHED = "published", "Ban hành (published)"
        SUPERSEDED = "superseded", "Bị thay thế (superseded)"
        RETIRED = "retired", "Chấm dứt (retired)"
        DELETED = "deleted", "Xóa nháp (draft deleted)"

    zone = models.ForeignKey(
        ResponsibilityZone, null=True, on_delete=models.SET_NULL, related_name="history"
    )
    zone_name = models.CharField(max_length=200)
    action = models.CharField(max_length=12, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    at = models.DateTimeField(auto_now_add=True)
    changes = models.JSONField(default=dict, blank=True)
    old_geom = models.MultiPolygonField(srid=4326, null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "zone history"

    def __str__(self) -> str:
        return f"{self.zone_name}: {self.action}"
