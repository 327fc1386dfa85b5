"""Single point lookups in the service: ``point_lookup`` against the naive ORM query.

The baseline is what one writes first with GeoDjango: filter the raw MultiPolygons by
``geom__contains`` and take ``.first()``, which drags each unit's whole geometry
across. It orders by depth, not by ``level``: ``'-level'`` sorts the level *names*
("province" after "commune"), which would answer the province for every point in a
commune.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from django.contrib.gis.geos import Point
from django.db import connection
from django.db.models import Case, IntegerField, Value, When

from bench.report import latency
from bench.sample import Probe
from boundaries.levels import DEPTH
from boundaries.lookup import OutsideAllUnits, covering_unit_id, point_lookup
from boundaries.models import AdminUnit, BoundarySet

_DEPTH = Case(
    *(When(level=str(level), then=Value(depth)) for level, depth in DEPTH.items()),
    output_field=IntegerField(),
)


def orm_unit_id(*, lon: float, lat: float, boundary_set_id: int) -> int | None:
    """The naive lookup: raw polygons, ``ST_Contains``, the whole row with geometry."""
    unit = (
        AdminUnit.objects.filter(
            boundary_set=boundary_set_id, geom__contains=Point(lon, lat, srid=4326)
        )
        .annotate(level_depth=_DEPTH)
        .order_by("-level_depth", "code")
        .first()
    )
    return unit.pk if unit else None


def service_unit_id(*, lon: float, lat: float, day: dt.date) -> int | None:
    """What the API does: the whole chain, or the nearest unit named in the refusal."""
    try:
        return point_lookup(lon=lon, lat=lat, day=day).unit.id
    except OutsideAllUnits:
        return None


def run(probes: list[Probe], *, warmup: int) -> dict[str, Any]:
    """Time the three lookups on every probe, in rotating order, and compare answers."""
    set_ids = {
        day: BoundarySet.objects.active().valid_on(day).get().pk
        for day in {p.day for p in probes}
    }
    calls: dict[str, Callable[[Probe], int | None]] = {
        "point_lookup": lambda p: service_unit_id(lon=p.lon, lat=p.lat, day=p.day),
        "covering_unit_id": lambda p: covering_unit_id(lon=p.lon, lat=p.lat, day=p.day),
        "orm_first": lambda p: orm_unit_id(
            lon=p.lon, lat=p.lat, boundary_set_id=set_ids[p.day]
        ),
    }
    names = list(calls)
    for probe in probes[:warmup]:
        for call in calls.values():
            call(probe)

    times: dict[str, list[int]] = {name: [] for name in names}
    answers: dict[str, list[int | None]] = {name: [] for name in names}
    for i, probe in enumerate(probes):
        # Rotate the order so that caches and noise favour no lookup.
        for name in names[i % 3 :] + names[: i % 3]:
            start = time.perf_counter_ns()
            unit_id = calls[name](probe)
            times[name].append(time.perf_counter_ns() - start)
            answers[name].append(unit_id)

    covered = [i for i, unit_id in enumerate(answers["point_lookup"]) if unit_id]
    result: dict[str, Any] = {
        "points": len(probes),
        "warmup": warmup,
        "days": sorted(str(day) for day in set_ids),
        "latency": {name: latency(times[name]) for name in names},
        "latency_covered_points": {
            name: latency([times[name][i] for i in covered]) for name in names
        },
    }
    result["agreement"] = agreement(
        probes, answers["point_lookup"], answers["orm_first"]
    )
    return result


def agreement(
    probes: list[Probe], service: list[int | None], orm: list[int | None]
) -> dict[str, int]:
    """How often the service and the ORM name the same unit, and where they differ.

    The ORM uses ``ST_Contains``, so every unit it names holds the point strictly
    inside; the service must agree there. Disagreements are allowed only for points on
    a unit's boundary, which the count ``on_edge`` checks in the database.
    """
    same = sum(1 for s, o in zip(service, orm, strict=True) if s is not None and s == o)
    outside = sum(
        1 for s, o in zip(service, orm, strict=True) if s is None and o is None
    )
    differ = [i for i, (s, o) in enumerate(zip(service, orm, strict=True)) if s != o]
    return {
        "same_unit": same,
        "outside_both": outside,
        "differ": len(differ),
        "differ_on_edge": sum(
            1
            for i in differ
            if _on_edge(probes[i], [u for u in (service[i], orm[i]) if u is not None])
        ),
    }


def _on_edge(probe: Probe, unit_ids: list[int]) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT coalesce(bool_or(ST_DWithin(
                ST_Boundary(geom), ST_SetSRID(ST_MakePoint(%s, %s), 4326), 1e-9)), false)
            FROM boundaries_adminunit WHERE id = ANY(%s::bigint[])
            """,
            [probe.lon, probe.lat, unit_ids],
        )
        return bool(cursor.fetchone()[0])
