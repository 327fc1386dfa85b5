"""Load categories, departments, unit People's Committees and the demo zones.

Idempotent: rows are matched by code (zones by name and start), so a second run
changes nothing and takes a fraction of a second.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import shapely
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from shapely.geometry import MultiPolygon

from boundaries.geometry import to_geos_multipolygon
from boundaries.models import AdminUnit, BoundarySet
from geo.repair import repair_polygonal
from geo.topology import area_m2
from routing.models import Category, DefaultDepartment, Department, ResponsibilityZone
from routing.models.zones import ZoneHistory
from routing.zones.services import zone_edges_rebuild

FIXTURES = settings.BASE_DIR / "fixtures" / "routing"


def _local_midnight(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    day = dt.date.fromisoformat(text)
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _units_geometry(spec: dict[str, Any]) -> MultiPolygon:
    """The union of the units a zone spec names, as shapely, repaired."""
    where, params = ["s.slug = %s"], [spec["set"]]
    if "codes" in spec:
        where.append("u.code = ANY(%s)")
        params.append(spec["codes"])
    if "level" in spec:
        where.append("u.level = %s")
        params.append(spec["level"])
    for key, value in spec.get("property", {}).items():
        where.append("u.properties ->> %s = %s")
        params += [key, value]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_AsBinary(ST_Union(u.geom)) FROM boundaries_adminunit u "
            "JOIN boundaries_boundaryset s ON s.id = u.boundary_set_id "
            f"WHERE {' AND '.join(where)}",
            params,
        )
        wkb = cursor.fetchone()[0]
    if wkb is None:
        raise ValueError(f"no units match {spec}")
    return repair_polygonal(shapely.from_wkb(bytes(wkb))).geometry


class Command(BaseCommand):
    help = "Load routing fixtures: categories, departments, unit defaults, demo zones."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--folder", type=Path, default=FIXTURES)

    @transaction.atomic
    def handle(self, *args: Any, **opts: Any) -> None:
        folder: Path = opts["folder"]
        categories = self._categories(folder / "categories.json")
        departments = self._departments(folder / "departments.json")
        defaults = self._unit_committees()
        zones = self._zones(folder / "zones.json")
        self.stdout.write(
            f"routing fixtures: {categories} categories, {departments} departments, "
            f"{defaults} unit committees, {zones} zones created"
        )

    def _categories(self, path: Path) -> int:
        created = 0
        for item in json.loads(path.read_text(encoding="utf-8"))["categories"]:
            _, new = Category.objects.update_or_create(code=item["code"], defaults=item)
            created += new
        return created

    def _departments(self, path: Path) -> int:
        created = 0
        for item in json.loads(path.read_text(encoding="utf-8"))["departments"]:
            _, new = Department.objects.update_or_create(
                code=item["code"], defaults=item
            )
            created += new
        return created

    def _unit_committees(self) -> int:
        """Every unit below the province gets its People's Committee as default."""
        units = (
            AdminUnit.objects.filter(
                boundary_set__in=BoundarySet.objects.exclude(
                    status=BoundarySet.Status.DRAFT
                )
            )
            .exclude(level="province")
            .select_related("boundary_set")
            .defer("geom")
        )
        have = set(DefaultDepartment.objects.values_list("unit_id", flat=True))
        created = 0
        for unit in units:
            if unit.pk in have:
                continue
            code = f"ubnd-{unit.code}-{slugify(unit.name_ascii)}"[:60]
            department, _ = Department.objects.get_or_create(
                code=code,
                defaults={
                    "kind": Department.Kind.UNIT_COMMITTEE,
                    "name_vi": f"UBND {unit.name}",
                    "name_en": f"People's Committee of {unit.name_ascii}",
                    "jurisdiction_code": unit.boundary_set.jurisdiction_code,
                },
            )
            DefaultDepartment.objects.create(unit=unit, department=department)
            created += 1
        return created

    def _zones(self, path: Path) -> int:
        created = 0
        for item in json.loads(path.read_text(encoding="utf-8"))["zones"]:
            valid_from = _local_midnight(item["valid_from"])
            if ResponsibilityZone.objects.filter(
                name=item["name"], valid_from=valid_from
            ).exists():
                continue
            geometry = _units_geometry(item["units"])
            zone = ResponsibilityZone.objects.create(
                name=item["name"],
                department=Department.objects.get(code=item["department"]),
                geom=to_geos_multipolygon(geometry),
                area_m2=round(area_m2(geometry), 1),
                priority=item.get("priority", 0),
                status=ResponsibilityZone.Status.PUBLISHED,
                valid_from=valid_from,
                valid_to=_local_midnight(item.get("valid_to")),
            )
            zone.categories.set(Category.objects.filter(code__in=item["categories"]))
            zone_edges_rebuild(zone_ids=[zone.pk])
            ZoneHistory.objects.create(
                zone=zone,
                zone_name=zone.name,
                action=ZoneHistory.Action.PUBLISHED,
                changes={"source": "fixtures/routing/zones.json"},
            )
            created += 1
        return created
