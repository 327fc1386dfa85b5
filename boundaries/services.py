"""Writes to boundary sets: activation, retirement and the lookup pieces."""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.contrib.gis.geos import GEOSGeometry
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from shapely.geometry.base import BaseGeometry

from boundaries.geometry import to_geos_multipolygon, to_shapely
from boundaries.levels import depth_sql
from boundaries.models import AdminUnit, BoundarySet
from geo.errors import Conflict
from geo.repair import repair_polygonal
from geo.topology import area_m2

# Vertices per lookup piece: small enough for a fast covers test, few enough pieces.
SUBDIVIDE_MAX_VERTICES = 64
# Vertices per boundary-line piece (AdminUnitEdge), for distances to the edge.
EDGE_MAX_VERTICES = 32

_DEPTH_SQL = depth_sql("u.level")


class BoundarySetError(Conflict):
    """A set cannot be activated or retired in its current state."""


def unit_parts_rebuild(
    *, boundary_set: BoundarySet, unit_ids: Iterable[int] | None = None
) -> int:
    """Replace the lookup pieces of some (default: all) units of a set, and of their
    ancestors, whose pieces depend on them.

    A unit's pieces cover only the part of it that none of its children covers (a
    province with all its communes keeps only slivers), cut by ``ST_Subdivide``. So a
    point inside a commune matches the commune's piece alone, not the district's and
    the province's too: the lookup tests one or two small polygons, and a bulk
    assignment joins one row per point instead of three. The answer is unchanged — the
    deepest unit covering the point — and the chain still comes from ``parent``.
    The units' boundary lines are cut into ``AdminUnitEdge`` pieces at the same time.
    Set-based statements throughout; returns the number of lookup pieces written.
    """
    ids = list(unit_ids) if unit_ids is not None else None
    params: dict[str, int | list[int]] = {
        "set": boundary_set.pk,
        "all": ids is None,
        "ids": ids or [],
        "max": SUBDIVIDE_MAX_VERTICES,
        "edge_max": EDGE_MAX_VERTICES,
    }
    targets = """
        WITH RECURSIVE targets AS (
            SELECT id, parent_id FROM boundaries_adminunit
            WHERE boundary_set_id = %(set)s AND (%(all)s OR id = ANY(%(ids)s))
            UNION
            SELECT u.id, u.parent_id FROM boundaries_adminunit u
            JOIN targets t ON u.id = t.parent_id
        )
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"{targets} DELETE FROM boundaries_adminunitpart p USING targets t "
            "WHERE p.unit_id = t.id",
            params,
        )
        cursor.execute(
            f"""
            {targets}
            INSERT INTO boundaries_adminunitpart
                (unit_id, boundary_set_id, depth, code, area_m2, geom)
            SELECT u.id, u.boundary_set_id, {_DEPTH_SQL}, u.code, u.area_m2, piece.geom
            FROM boundaries_adminunit u
            JOIN targets t ON t.id = u.id
            CROSS JOIN LATERAL (
                SELECT COALESCE(
                    ST_CollectionExtract(ST_Difference(u.geom, ST_Union(c.geom)), 3),
                    u.geom
                ) AS geom
                FROM boundaries_adminunit c WHERE c.parent_id = u.id
            ) own
            CROSS JOIN LATERAL ST_Subdivide(own.geom, %(max)s) AS piece(geom)
            WHERE NOT ST_IsEmpty(own.geom) AND ST_Area(piece.geom) > 0
            """,
            params,
        )
        pieces = cursor.rowcount
        cursor.execute(
            f"{targets} DELETE FROM boundaries_adminunitedge e USING targets t "
            "WHERE e.unit_id = t.id",
            params,
        )
        cursor.execute(
            f"""
            {targets}
            INSERT INTO boundaries_adminunitedge (unit_id, geom)
            SELECT s.id, (ST_Dump(s.piece)).geom
            FROM (
                SELECT u.id, ST_Subdivide(ST_Boundary(u.geom), %(edge_max)s) AS piece
                FROM boundaries_adminunit u JOIN targets t ON t.id = u.id
            ) s
            """,
            params,
        )
        return pieces


@transaction.atomic
def boundary_set_activate(*, boundary_set: BoundarySet) -> BoundarySet:
    """Put a checked draft set into service; it must hold units and not overlap in time
    another active set of the same jurisdiction and layer."""
    boundary_set = BoundarySet.objects.select_for_update().get(pk=boundary_set.pk)
    if boundary_set.status == BoundarySet.Status.ACTIVE:
        return boundary_set
    if not boundary_set.units.exists():
        raise BoundarySetError(
            "empty_set",
            f"Bộ địa giới '{boundary_set.slug}' chưa có đơn vị nào.",
            f"Boundary set '{boundary_set.slug}' has no units yet.",
        )
    boundary_set.status = BoundarySet.Status.ACTIVE
    boundary_set.activated_at = timezone.now()
    try:
        with transaction.atomic():
            boundary_set.save(update_fields=["status", "activated_at"])
    except IntegrityError as exc:
        raise BoundarySetError(
            "overlapping_set",
            f"Bộ '{boundary_set.slug}' trùng thời gian hiệu lực với một bộ đang dùng "
            f"khác của cùng tỉnh và cùng lớp '{boundary_set.layer}'; hãy cho bộ cũ "
            "ngừng dùng hoặc sửa ngày trước.",
            f"Set '{boundary_set.slug}' overlaps in time an active set of the same "
            f"jurisdiction and layer '{boundary_set.layer}'; retire that set or change "
            "the dates first.",
        ) from exc
    return boundary_set


def boundary_set_retire(*, boundary_set: BoundarySet) -> BoundarySet:
    """Take a set out of lookups; its units stay, since reports point at them."""
    boundary_set.status = BoundarySet.Status.RETIRED
    boundary_set.save(update_fields=["status"])
    return boundary_set


@transaction.atomic
def unit_geometry_update(
    *, unit: AdminUnit, geometry: GEOSGeometry | BaseGeometry
) -> list[str]:
    """Give ``unit`` a new outline, validated and repaired as an import would be.

    Repairs the geometry into a valid MultiPolygon (raising GeoInputError when nothing
    polygonal is left), measures ``area_m2``, saves the unit with any other pending
    field changes, and rebuilds its lookup pieces. Returns the repairs made.
    """
    if isinstance(geometry, GEOSGeometry):
        if geometry.srid and geometry.srid != 4326:
            geometry = geometry.transform(4326, clone=True)
        geometry = to_shapely(geometry)
    repaired = repair_polygonal(geometry, f"code {unit.code}")
    unit.geom = to_geos_multipolygon(repaired.geometry)
    unit.area_m2 = round(area_m2(repaired.geometry), 1)
    unit.save()
    unit_parts_rebuild(boundary_set=unit.boundary_set, unit_ids=[unit.pk])
    return repaired.repairs


# The set's own rows, deleted with it; any other row pointing at the set or at one
# of its units keeps it.
_OWN_MODELS = {"boundaries.AdminUnit", "boundaries.AdminUnitPart"} | {
    "boundaries.AdminUnitEdge",
    "boundaries.BoundaryImport",
}


def boundary_set_referrers(*, boundary_set: BoundarySet) -> dict[str, int]:
    """Rows outside the set that point at it or at its units, counted by
    'app.Model.field' (reports and their assignments, successions, default
    departments, …): found by introspection, since boundaries know nothing of the
    apps built on them."""
    units = AdminUnit.objects.filter(boundary_set=boundary_set).values("pk")
    found: dict[str, int] = {}
    for model in apps.get_models():
        if model._meta.label in _OWN_MODELS:
            continue
        for field in model._meta.concrete_fields:
            target = field.related_model if field.is_relation else None
            if target is BoundarySet:
                rows = model._default_manager.filter(**{field.name: boundary_set})
            elif target is AdminUnit:
                rows = model._default_manager.filter(**{f"{field.name}__in": units})
            else:
                continue
            if count := rows.count():
                found[f"{model._meta.label}.{field.name}"] = count
    return found


@transaction.atomic
def boundary_set_delete(*, boundary_set: BoundarySet) -> int:
    """Delete a set that nothing uses, with its units, pieces and import records;
    returns the number of units deleted. An active set must be retired first, and a
    set that reports, successions or anything else refer to is kept (say which)."""
    boundary_set = BoundarySet.objects.select_for_update().get(pk=boundary_set.pk)
    slug = boundary_set.slug
    if boundary_set.status == BoundarySet.Status.ACTIVE:
        raise BoundarySetError(
            "set_active",
            f"Bộ '{slug}' đang được dùng: hãy cho ngừng dùng (retire) trước khi xoá.",
            f"Set '{slug}' is active: retire it before deleting it.",
        )
    referrers = boundary_set_referrers(boundary_set=boundary_set)
    if referrers:
        listed = ", ".join(f"{n} {label}" for label, n in sorted(referrers.items()))
        raise BoundarySetError(
            "set_referred",
            f"Không xoá được bộ '{slug}': còn dữ liệu trỏ tới nó ({listed}).",
            f"Set '{slug}' cannot be deleted: rows still refer to it ({listed}).",
            extra={"referrers": referrers},
        )
    units = boundary_set.units.count()
    # Children first: a unit's parent is protected while a child points at it.
    AdminUnit.objects.filter(boundary_set=boundary_set).update(parent=None)
    boundary_set.delete()
    return units
