"""Jurisdictions as records: who a boundary set belongs to, where, in which time zone.

A province of Vietnam (GSO code "44") or a city abroad onboarding its own files is a
:class:`Jurisdiction`, found by the same ``code`` that ``BoundarySet``,
``Department`` and ``Report`` carry in their ``jurisdiction_code`` column (kept a
string there, so that records and columns can be joined by code). It says what its
files are expected to look like: the extent they should fall in (given, or taken
from its first set) and the labels of its levels. Vietnamese jurisdictions without
an extent of their own are expected inside Vietnam's box (``geo.coords``).

A jurisdiction's sets belong to layers (``boundaries.layers``): administrative
units, and beside them service districts or police precincts, each layer with its
own dated sets.
"""

from __future__ import annotations

import datetime as dt
import math
import zoneinfo

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.gis.geos import Polygon
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from boundaries.levels import LABEL_MAX_LENGTH, Level
from geo.coords import VIETNAM_LAT, VIETNAM_LON, BBox
from geo.days import TIME_ZONE
from geo.errors import Conflict, InvalidInput
from geo.projections import degree_margin

VIETNAM = "VN"
VIETNAM_TZ = TIME_ZONE
VIETNAM_LEVELS = [str(level) for level in Level.values]
# How far a feature may lie beyond the Vietnam box (degrees), as the importer always
# allowed: islands and a box drawn tight on the mainland.
VIETNAM_MARGIN_DEG = 1.0
# Beyond an extent of the jurisdiction's own: a quarter of its larger side, at least
# 5 km on the ground, so that a set that grows a little is not taken for a wrong CRS.
# The 5 km are degrees of latitude and of longitude at the box's poleward edge, where
# a degree of longitude is shortest (half of 111 km at 60°N).
OWN_MARGIN_SHARE = 0.25
OWN_MARGIN_MIN_M = 5_000.0
VIETNAM_BOX = BBox(VIETNAM_LON[0], VIETNAM_LAT[0], VIETNAM_LON[1], VIETNAM_LAT[1])


def validate_time_zone(value: str) -> None:
    """Refuse a name the IANA time zone database does not know."""
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            f"'{value}' is not an IANA time zone (e.g. Asia/Ho_Chi_Minh, "
            "America/Toronto)."
        ) from exc


def validate_country(value: str) -> None:
    if len(value) != 2 or not value.isascii() or not value.isalpha():
        raise ValidationError(
            f"'{value}' is not an ISO 3166-1 alpha-2 country code (e.g. VN, CA)."
        )


class Jurisdiction(models.Model):
    """A province or city whose boundary sets we hold, found by its ``code``."""

    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=200)
    country = models.CharField(
        max_length=2, validators=[validate_country], help_text="ISO 3166-1 alpha-2."
    )
    time_zone = models.CharField(
        max_length=64, validators=[validate_time_zone], default=VIETNAM_TZ
    )
    level_labels = models.JSONField(
        default=list, blank=True, help_text="Labels of its levels, e.g. ward, commune."
    )
    extent = models.PolygonField(
        srid=4326,
        null=True,
        blank=True,
        help_text="Where its files are expected; empty: from its first set "
        "(Vietnam's box for a Vietnamese jurisdiction).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(country__regex=r"^[A-Z]{2}$"),
                name="jurisdiction_country_alpha2",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def extent_bbox(self) -> BBox | None:
        if self.extent is None:
            return None
        return BBox(*self.extent.extent)

    def expected_bbox(self) -> tuple[BBox, str] | None:
        """The box its files should lie in (already widened by the margin), and where
        the expectation comes from; None when nothing is expected yet."""
        own = self.extent_bbox
        if own is not None:
            return own_margin_widened(own), f"the extent of jurisdiction {self.code}"
        if self.country == VIETNAM:
            return widen(VIETNAM_BOX, VIETNAM_MARGIN_DEG), "Vietnam"
        return None


def own_margin_widened(box: BBox) -> BBox:
    """``box`` widened by a quarter of its larger side (degrees), and on each axis
    by at least ``OWN_MARGIN_MIN_M`` metres at its poleward edge."""
    side = max(box.max_lon - box.min_lon, box.max_lat - box.min_lat)
    poleward = min(max(abs(box.min_lat), abs(box.max_lat)), 90.0)
    min_lon, min_lat = degree_margin(poleward, OWN_MARGIN_MIN_M)
    share = side * OWN_MARGIN_SHARE
    return widen(box, max(share, min_lon), max(share, min_lat))


def widen(box: BBox, degrees: float, lat_degrees: float | None = None) -> BBox:
    """``box`` grown by ``degrees`` of longitude (and ``lat_degrees`` of latitude,
    the same when not given) on each side."""
    dlat = degrees if lat_degrees is None else lat_degrees
    return BBox(
        box.min_lon - degrees,
        box.min_lat - dlat,
        box.max_lon + degrees,
        box.max_lat + dlat,
    )


def jurisdiction_get(code: str) -> Jurisdiction | None:
    """The jurisdiction of this code, or None when it is not registered."""
    return Jurisdiction.objects.filter(code=code).first()


def jurisdiction_zone(code: str) -> zoneinfo.ZoneInfo:
    """The time zone of jurisdiction ``code`` (its dates and "today" follow it);
    the service's own (``settings.TIME_ZONE``) when the code is not registered."""
    name = (
        Jurisdiction.objects.filter(code=code)
        .values_list("time_zone", flat=True)
        .first()
    )
    return zoneinfo.ZoneInfo(name or settings.TIME_ZONE)


def jurisdiction_today(code: str, *, now: dt.datetime | None = None) -> dt.date:
    """Today's date where jurisdiction ``code`` is (``jurisdiction_zone``): at
    noon in Hà Nội it is already tomorrow in Auckland. ``now`` (aware) is the
    instant asked about, the current one when not given; naive is a ValueError."""
    return timezone.localdate(now, timezone=jurisdiction_zone(code))


def today_for(jurisdiction: str | None) -> dt.date:
    """Today where ``jurisdiction`` is (``jurisdiction_today``), or the service's
    today when none is named."""
    return jurisdiction_today(jurisdiction) if jurisdiction else timezone.localdate()


def jurisdiction_levels(code: str | None) -> list[tuple[str, str]]:
    """The level labels a unit of jurisdiction ``code`` may carry, as choices: its
    own labels, after Vietnam's levels (named in both languages) for a Vietnamese
    or unregistered jurisdiction (an unregistered code is taken as Vietnamese, as
    the importer does). ``code`` None: every label of every jurisdiction."""
    if code is None:
        found = list(Jurisdiction.objects.all())
        vietnamese = True
    else:
        one = jurisdiction_get(code)
        found = [one] if one else []
        vietnamese = one is None or one.country == VIETNAM
    labels = list(VIETNAM_LEVELS) if vietnamese else []
    labels += [str(label) for j in found for label in j.level_labels]
    names = dict(Level.choices) if vietnamese else {}
    return [(label, names.get(label, label)) for label in dict.fromkeys(labels)]


def jurisdiction_label(code: str) -> str:
    """'Name (code)' for messages, or the bare code when it is not registered."""
    found = jurisdiction_get(code)
    return str(found) if found else code


def parse_extent(text: str) -> BBox:
    """'minx,miny,maxx,maxy' in degrees (WGS 84) as a box, or InvalidInput."""
    parts = [p.strip() for p in text.split(",")]
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) != 4 or not all(map(math.isfinite, values)):
        raise _invalid(
            "bad_extent",
            f"Phạm vi '{text}' phải là minx,miny,maxx,maxy (độ, WGS 84).",
            f"The extent '{text}' must be minx,miny,maxx,maxy (degrees, WGS 84).",
            "extent",
        )
    box = BBox(*values)
    if not (
        -180 <= box.min_lon < box.max_lon <= 180
        and -90 <= box.min_lat < box.max_lat <= 90
    ):
        raise _invalid(
            "bad_extent",
            f"Phạm vi '{text}' không hợp lệ: cần -180 ≤ minx < maxx ≤ 180 và "
            "-90 ≤ miny < maxy ≤ 90.",
            f"The extent '{text}' is not a box: it needs -180 ≤ minx < maxx ≤ 180 "
            "and -90 ≤ miny < maxy ≤ 90.",
            "extent",
        )
    return box


def _invalid(code: str, vi: str, en: str, field: str) -> InvalidInput:
    return InvalidInput(code, vi, en, field)


@transaction.atomic
def jurisdiction_create(
    *,
    code: str,
    name: str,
    country: str,
    time_zone: str,
    extent: BBox | None = None,
    level_labels: list[str] | None = None,
) -> Jurisdiction:
    """Register a jurisdiction; every field checked, bilingual errors, all or nothing.

    ``level_labels`` defaults to Vietnam's levels for a Vietnamese jurisdiction and
    to none elsewhere (each import's ``--level`` adds its own).
    """
    code, name, country = code.strip(), name.strip(), country.strip().upper()
    if not code or len(code) > 10:
        raise _invalid(
            "bad_code",
            f"Mã '{code}' phải có 1 đến 10 ký tự.",
            f"The code '{code}' must be 1 to 10 characters.",
            "code",
        )
    if not name:
        raise _invalid(
            "missing_name", "Hãy cho biết tên.", "The name is required.", "name"
        )
    for value, check, field in (
        (country, validate_country, "country"),
        (time_zone, validate_time_zone, "timezone"),
    ):
        try:
            check(value)
        except ValidationError as exc:
            message = " ".join(exc.messages)
            raise _invalid(f"bad_{field}", message, message, field) from exc
    existing = jurisdiction_get(code)
    if existing is not None:
        raise Conflict(
            "jurisdiction_exists",
            f"Đã có đơn vị quản lý mã '{code}': {existing}.",
            f"A jurisdiction with code '{code}' exists already: {existing}.",
            "code",
        )
    if level_labels is None:
        level_labels = list(VIETNAM_LEVELS) if country == VIETNAM else []
    too_long = [label for label in level_labels if len(label) > LABEL_MAX_LENGTH]
    if too_long:
        raise _invalid(
            "bad_levels",
            f"Nhãn cấp quá {LABEL_MAX_LENGTH} ký tự: {', '.join(too_long)}.",
            f"Level labels longer than {LABEL_MAX_LENGTH} characters: "
            f"{', '.join(too_long)}.",
            "levels",
        )
    return Jurisdiction.objects.create(
        code=code,
        name=name,
        country=country,
        time_zone=time_zone,
        level_labels=level_labels,
        extent=Polygon.from_bbox(extent.as_tuple()) if extent else None,
    )
