"""Dated administrative boundaries: sets, units, their lookup pieces and the crosswalk."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.contrib.postgres.indexes import GinIndex, GistIndex, OpClass
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Lower

from boundaries.geometry import bbox_polygon
from boundaries.layers import ADMINISTRATIVE, LAYER_MAX_LENGTH, validate_layer
from boundaries.levels import LABEL_MAX_LENGTH, level_depth
from geo.coords import BBox


class BoundarySetQuerySet(models.QuerySet["BoundarySet"]):
    """``active().valid_on(day)`` is the ORM spelling of the rule
    ``boundaries.sql.set_in_force`` states for raw SQL; a test holds the two equal."""

    def active(self) -> BoundarySetQuerySet:
        """Sets that answer lookups (not drafts being checked, nor retired ones)."""
        return self.filter(status=BoundarySet.Status.ACTIVE)

    def in_layer(self, layer: str = ADMINISTRATIVE) -> BoundarySetQuerySet:
        """Sets of one layer (``boundaries.layers``); routing uses the administrative."""
        return self.filter(layer=layer)

    def valid_on(self, day: dt.date) -> BoundarySetQuerySet:
        """Sets whose validity contains ``day`` (both ends inclusive, open end open)."""
        return self.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day), valid_from__lte=day
        )


class BoundarySet(models.Model):
    """One dated version of a jurisdiction's administrative units.

    Vietnam redraws its units often: communes merge (Đồng Mỹ and Hải Đình became
    Đồng Hải in 2020), and on 1 July 2025 districts were abolished and Quảng Bình
    merged into Quảng Trị, Đồng Hới's 15 units becoming 3 wards. Rather than editing
    units in place, every roster is a set with the dates it was in force
    (``valid_from`` and ``valid_to``, both inclusive; an open ``valid_to`` means
    "still in force"). A report is placed with the set valid on the day it was made,
    so a report of 2022 keeps its 2022 ward for ever, and a crosswalk
    (:class:`UnitSuccession`) maps old units to new ones for statistics across the
    change.

    A set is loaded as a *draft*, checked (overlaps, gaps, codes), then *activated*;
    only active sets answer lookups. A set belongs to a ``layer`` (administrative
    units by default; service districts, police precincts: ``boundaries.layers``).
    Two active sets of the same jurisdiction and layer may not overlap in time (a
    database exclusion constraint), so a date names one set per jurisdiction and
    layer. Replaced sets are *retired*, never deleted: reports point at them. The
    jurisdiction is the province's GSO code, which the 2025 merger kept ("44").
    ``priority`` settles a point covered by units of two sets of one layer (two
    jurisdictions whose files overlap at their border): the higher wins
    (``boundaries.sql.covering_order``).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Nháp (draft)"
        ACTIVE = "active", "Đang dùng (active)"
        RETIRED = "retired", "Ngừng dùng (retired)"

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    jurisdiction_code = models.CharField(
        max_length=10, help_text="GSO code of the province the set covers, e.g. 44."
    )
    layer = models.CharField(
        max_length=LAYER_MAX_LENGTH,
        default=ADMINISTRATIVE,
        validators=[validate_layer],
        help_text="administrative, or another map of the jurisdiction "
        "(e.g. council_district).",
    )
    priority = models.SmallIntegerField(
        default=0,
        help_text="Among units of one layer covering a point, a higher priority wins.",
    )
    valid_from = models.DateField()
    valid_to = models.DateField(
        null=True, blank=True, help_text="Inclusive; empty = open."
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    source = models.TextField(blank=True)
    licence = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    activated_at = models.DateTimeField(null=True, blank=True)

    objects = BoundarySetQuerySet.as_manager()

    class Meta:
        ordering = ["jurisdiction_code", "layer", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="boundaryset_valid_to_after_from",
            ),
            ExclusionConstraint(
                name="boundaryset_active_no_overlap",
                expressions=[
                    ("jurisdiction_code", RangeOperators.EQUAL),
                    ("layer", RangeOperators.EQUAL),
                    (
                        Func(
                            F("valid_from"),
                            F("valid_to"),
                            Value("[]"),
                            function="daterange",
                        ),
                        RangeOperators.OVERLAPS,
                    ),
                ],
                condition=Q(status="active"),
                violation_error_message=(
                    "Another active boundary set of this jurisdiction and layer "
                    "overlaps these dates."
                ),
            ),
        ]

    def __str__(self) -> str:
        end = self.valid_to.isoformat() if self.valid_to else "…"
        layer = "" if self.layer == ADMINISTRATIVE else f", {self.layer}"
        return f"{self.name} ({self.valid_from.isoformat()} – {end}{layer})"


class AdminUnitQuerySet(models.QuerySet["AdminUnit"]):
    def in_set(self, boundary_set: BoundarySet | int) -> AdminUnitQuerySet:
        return self.filter(boundary_set=boundary_set)

    def at_level(self, *levels: str) -> AdminUnitQuerySet:
        return self.filter(level__in=levels)

    def in_bbox(self, bbox: BBox) -> AdminUnitQuerySet:
        """Units that touch the box."""
        return self.filter(geom__intersects=bbox_polygon(bbox))

    def children_of(self, code: str) -> AdminUnitQuerySet:
        """Units whose parent has this GSO code."""
        return self.filter(parent__code=code)

    def without_geometry(self) -> AdminUnitQuerySet:
        """Leave the MultiPolygon (tens of KB a unit) in the database."""
        return self.defer("geom")


class AdminUnit(models.Model):
    """A province, district or commune-level unit as it stood in one boundary set.

    ``code`` is the official GSO code (2 digits for a province, 3 for a district,
    5 for a commune-level unit). A code is unique within a set but not across sets:
    18880 was Phường Đức Ninh Đông until 30/06/2025 and is Phường Đồng Hới since.
    Geometry is EPSG:4326, validated and repaired on import; ``area_m2`` is geodesic
    (on the WGS 84 ellipsoid, ``geo.topology.area_m2``).
    """

    boundary_set = models.ForeignKey(
        BoundarySet, on_delete=models.CASCADE, related_name="units"
    )
    code = models.CharField(max_length=10)
    name = models.CharField(max_length=200)
    name_ascii = models.CharField(max_length=200, blank=True)
    # Vietnam's levels (``boundaries.levels.Level``) or a jurisdiction's own labels
    # (``Jurisdiction.level_labels``): the admin's form offers those of the unit's
    # jurisdiction, the importer checks them.
    level = models.CharField(max_length=LABEL_MAX_LENGTH)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    geom = models.MultiPolygonField(srid=4326)
    area_m2 = models.FloatField()
    properties = models.JSONField(
        default=dict, blank=True, help_text="Source attributes."
    )

    objects = AdminUnitQuerySet.as_manager()

    class Meta:
        ordering = ["boundary_set", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["boundary_set", "code"], name="adminunit_code_per_set"
            )
        ]
        indexes = [
            models.Index(fields=["boundary_set", "level"]),
            # Place search (boundaries.search): trigrams of the unaccented name.
            GinIndex(
                OpClass(Lower("name_ascii"), name="gin_trgm_ops"),
                name="adminunit_name_trigram",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def depth(self) -> int:
        return level_depth(self.level)


class AdminUnitPart(models.Model):
    """A small piece (``ST_Subdivide``, at most 64 vertices) of a unit, for fast lookup.

    Point-in-polygon against a 2,000-vertex ward is slow; against its pieces the GiST
    index narrows to one or two tiny polygons. Pieces share seams, so lookups use
    boundary-inclusive ``ST_Covers`` and pick one unit per point (see
    ``boundaries.lookup``). Rebuilt by ``boundaries.services.unit_parts_rebuild``
    whenever a unit's geometry changes; ``depth``, ``code`` and ``area_m2`` are copied
    from the unit so that a lookup (and its tie-break among overlapping units) is a
    single index scan.
    """

    unit = models.ForeignKey(AdminUnit, on_delete=models.CASCADE, related_name="parts")
    boundary_set = models.ForeignKey(
        BoundarySet, on_delete=models.CASCADE, related_name="+"
    )
    depth = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=10)
    area_m2 = models.FloatField()
    geom = models.PolygonField(srid=4326, spatial_index=False)

    class Meta:
        indexes = [
            GistIndex(fields=["boundary_set", "geom"], name="adminunitpart_set_geom")
        ]

    def __str__(self) -> str:
        return f"part of {self.code}"


class AdminUnitEdge(models.Model):
    """A short piece of a unit's boundary line, for distances to the edge in metres.

    The geodesic distance from a point to a 2,000-vertex boundary costs milliseconds;
    to the few nearest pieces (K-nearest on this table's index) it costs microseconds,
    with the same answer. Built with the unit's lookup pieces.
    """

    unit = models.ForeignKey(AdminUnit, on_delete=models.CASCADE, related_name="edges")
    geom = models.LineStringField(srid=4326, spatial_index=False)

    class Meta:
        indexes = [GistIndex(fields=["unit", "geom"], name="adminunitedge_unit_geom")]

    def __str__(self) -> str:
        return f"edge of {self.unit_id}"


class UnitSuccession(models.Model):
    """One row of the crosswalk from a unit of an older set to its successor.

    The 2025 reform merged most communes whole (``merged``); a few were split between
    several new units (``split``), which gives the old unit several rows. The old
    unit is kept by code and name as the source lists it, and linked when the old set
    holds it (our pre-2025 polygons cover Đồng Hới only).
    """

    class Kind(models.TextChoices):
        MERGED = "merged", "Nhập toàn bộ (merged whole)"
        SPLIT = "split", "Chia tách (split)"
        RENAMED = "renamed", "Đổi tên (renamed)"
        UNCHANGED = "unchanged", "Giữ nguyên (unchanged)"

    from_set = models.ForeignKey(
        BoundarySet, on_delete=models.CASCADE, related_name="+"
    )
    from_code = models.CharField(max_length=10)
    from_name = models.CharField(max_length=200)
    from_unit = models.ForeignKey(
        AdminUnit,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="successions",
    )
    to_unit = models.ForeignKey(
        AdminUnit, on_delete=models.CASCADE, related_name="predecessions"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["from_code", "to_unit__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_set", "from_code", "to_unit"],
                name="unitsuccession_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_code} → {self.to_unit.code}"


class BoundaryImport(models.Model):
    """The record of one committed import: what file, what changed, what was repaired."""

    boundary_set = models.ForeignKey(
        BoundarySet, on_delete=models.CASCADE, related_name="imports"
    )
    source_name = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    report = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source_name} → {self.boundary_set.slug}"


class Place(models.Model):
    """A named street or point of interest, for place search and reverse geocoding.

    Imported from open data (``manage.py places_import``; the shipped file is
    OpenStreetMap's, under ODbL) and keyed by its ``source`` and ``source_id``
    (``osm`` and ``node/123``), so a re-import updates a place instead of adding it
    twice. ``geom`` is the place as mapped (a Point, or a LineString or
    MultiLineString for a street), EPSG:4326, validated and repaired on import;
    ``anchor`` is a point on it (the point itself, or the middle of its longest
    line) where a report filed "at" the place is pinned and whose unit is the
    place's unit. ``name_ascii`` is the name folded to ASCII; ``search_ascii`` holds
    every name (``name``, ``name_vi``, ``name_en``) folded and in lower case, the
    trigram-indexed text place search compares (``boundaries.search``). A place is not
    dated like the units: the unit it falls in is looked up on the day asked about.
    """

    name = models.CharField(max_length=300)
    name_ascii = models.CharField(max_length=300)
    name_vi = models.CharField(max_length=300, blank=True)
    name_en = models.CharField(max_length=300, blank=True)
    search_ascii = models.CharField(max_length=1000)
    kind = models.CharField(
        max_length=40, help_text="street, market, school, hotel, … (from the file)."
    )
    tag = models.CharField(
        max_length=120, blank=True, help_text="The source tag, e.g. highway=primary."
    )
    addr_housenumber = models.CharField(max_length=60, blank=True)
    addr_street = models.CharField(max_length=200, blank=True)
    addr_city = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=60)
    source_id = models.CharField(max_length=120)
    licence = models.CharField(max_length=200, blank=True)
    attribution = models.CharField(max_length=300, blank=True)
    geom = models.GeometryField(srid=4326)
    anchor = models.PointField(srid=4326, spatial_index=False)
    properties = models.JSONField(
        default=dict, blank=True, help_text="Source attributes."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"], name="place_source_id_unique"
            ),
        ]
        indexes = [
            # Place search (boundaries.search): trigrams of every folded name, in a
            # GiST index, which both filters by word similarity (%>) and gives the
            # best matches first (<->>) and stops at the limit; a GIN index filters
            # only, and then every match (thousands for a common name among 100,000
            # places) is scored and sorted (bench/places.py measures both).
            # Signatures of 64 bytes instead of 12: fewer false matches to recheck.
            GistIndex(
                OpClass("search_ascii", name="gist_trgm_ops(siglen=64)"),
                name="place_search_trigram",
            ),
            models.Index(fields=["kind"], name="place_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"


# Defined in its own module; imported here so that Django registers it.
from boundaries.jurisdictions import Jurisdiction as Jurisdiction  # noqa: E402
