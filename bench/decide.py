"""Routing one report in the service: ``route_decide`` against the naive ORM way.

The baseline is what one writes first with GeoDjango: the covering unit by
``geom__covers`` on the raw MultiPolygons with the whole row and geometry loaded (the
deepest first, as the lookup rule says; ``'-level'`` would sort level *names*), the
most specific zone of the category in force by ``geom__covers`` with its geometry, then
the unit's default department, then the triage desk. It skips what ``route_decide``
adds on top: the shore tolerance for pins at sea, the distance to every nearby edge
(``near_edge``), the candidates and the reasons. The boundary set of each day is
resolved once, outside the timing, which favours the baseline.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import connection
from django.db.models import Case as SqlCase
from django.db.models import IntegerField, Value, When
from django.utils import timezone

from bench.report import latency
from bench.sample import Extent, probes
from boundaries.levels import DEPTH
from boundaries.lookup import OutsideAllUnits
from boundaries.models import AdminUnit, BoundarySet
from geo.projections import degree_margin
from routing.engine.candidates import _ZONES, unit_candidate, zone_candidates
from routing.engine.decision import Decision
from routing.engine.route import route_decide
from routing.models import Category, DefaultDepartment, Department, ResponsibilityZone

_DEPTH = SqlCase(
    *(When(level=str(level), then=Value(depth)) for level, depth in DEPTH.items()),
    output_field=IntegerField(),
)
# Reports are made at ten in the morning, local time, on the probe's day.
HOUR = dt.time(10)
ON_EDGE_M = 0.01


@dataclass(frozen=True)
class Case:
    lon: float
    lat: float
    day: dt.date
    at: dt.datetime
    category: Category


def cases(extent: Extent, count: int, *, seed: int = 7) -> list[Case]:
    """The boundary suite's probes, each with a category drawn from the fixtures."""
    categories = list(Category.objects.filter(active=True).order_by("code"))
    rng = random.Random(seed)
    return [
        Case(
            lon=p.lon,
            lat=p.lat,
            day=p.day,
            at=timezone.make_aware(dt.datetime.combine(p.day, HOUR)),
            category=rng.choice(categories),
        )
        for p in probes(extent, count)
    ]


def ours(case: Case) -> Decision | None:
    try:
        return route_decide(
            lon=case.lon, lat=case.lat, category=case.category, at=case.at
        )
    except OutsideAllUnits:
        return None


def naive(case: Case, *, set_ids: dict[dt.date, int]) -> tuple[int | None, int | None]:
    """(unit id, department id) the ORM way; (None, None) outside every unit."""
    point = Point(case.lon, case.lat, srid=4326)
    unit = (
        AdminUnit.objects.filter(geom__covers=point, boundary_set=set_ids[case.day])
        .select_related("boundary_set")
        .annotate(level_depth=_DEPTH)
        .order_by("-level_depth", "code")
        .first()
    )
    if unit is None:
        return None, None
    zone = (
        ResponsibilityZone.objects.valid_at(case.at)
        .for_category(case.category)
        .filter(geom__covers=point)
        .order_by("-priority", "area_m2", "id")
        .first()
    )
    if zone is not None:
        return unit.pk, zone.department_id
    default = DefaultDepartment.objects.filter(
        unit=unit, department__active=True
    ).first()
    if default is not None:
        return unit.pk, default.department_id
    triage = (
        Department.objects.filter(
            kind=Department.Kind.TRIAGE,
            active=True,
            jurisdiction_code=unit.boundary_set.jurisdiction_code,
        )
        .order_by("id")
        .first()
    )
    return unit.pk, triage.pk if triage else None


def _timed(call: Callable[[], Any]) -> tuple[Any, int]:
    start = time.perf_counter_ns()
    value = call()
    return value, time.perf_counter_ns() - start


def run(
    all_cases: list[Case], *, warmup: int, breakdown: int, explained: int
) -> dict[str, Any]:
    """Time both on every case, alternating which goes first, and compare answers."""
    set_ids = {
        day: BoundarySet.objects.active().valid_on(day).get().pk
        for day in {c.day for c in all_cases}
    }
    for case in all_cases[:warmup]:
        ours(case)
        naive(case, set_ids=set_ids)

    times: dict[str, list[int]] = {"route_decide": [], "naive_orm": []}
    decisions: list[Decision | None] = []
    answers: list[tuple[int | None, int | None]] = []
    for i, case in enumerate(all_cases):
        order = (
            ("route_decide", "naive_orm")
            if i % 2 == 0
            else ("naive_orm", "route_decide")
        )
        for name in order:
            if name == "route_decide":
                decision, ns = _timed(partial(ours, case))
                decisions.append(decision)
            else:
                answer, ns = _timed(partial(naive, case, set_ids=set_ids))
                answers.append(answer)
            times[name].append(ns)

    covered = [
        i
        for i, d in enumerate(decisions)
        if d is not None and d.unit.matched == "covers"
    ]
    return {
        "decisions": len(all_cases),
        "warmup": warmup,
        "days": sorted(str(day) for day in set_ids),
        "categories": len({c.category.pk for c in all_cases}),
        "latency": {name: latency(ns) for name, ns in times.items()},
        "latency_covered_points": {
            name: latency([ns[i] for i in covered]) for name, ns in times.items()
        },
        "breakdown": _breakdown(
            [c for c, d in zip(all_cases, decisions, strict=True) if d][:breakdown]
        ),
        "zone_query": _zone_query(
            [c for c, d in zip(all_cases, decisions, strict=True) if d][:explained]
        ),
        "outcomes": _outcomes(decisions, answers),
        "agreement": agreement(all_cases, decisions, answers),
    }


def _outcomes(
    decisions: list[Decision | None], answers: list[tuple[int | None, int | None]]
) -> dict[str, Any]:
    rules = Counter(d.rule for d in decisions if d is not None)
    return {
        "rules": dict(sorted(rules.items())),
        "near_edge": sum(1 for d in decisions if d is not None and d.near_edge),
        "nearest_unit": sum(
            1 for d in decisions if d is not None and d.unit.matched == "nearest"
        ),
        "refused": sum(1 for d in decisions if d is None),
        "naive_no_unit": sum(1 for unit, _ in answers if unit is None),
    }


def agreement(
    all_cases: list[Case],
    decisions: list[Decision | None],
    answers: list[tuple[int | None, int | None]],
) -> dict[str, Any]:
    """Compare where the service found a covering unit and the ORM found one too.

    Both use boundary-inclusive ``covers``, so they must agree on unit and department
    for a point strictly inside; a point within ON_EDGE_M of a unit or zone edge of
    its category may go either way (the service breaks the tie by code)."""
    compared = same = same_unit = 0
    differ: list[dict[str, Any]] = []
    on_edge = 0
    for case, decision, (unit_id, department_id) in zip(
        all_cases, decisions, answers, strict=True
    ):
        if decision is None or decision.unit.matched != "covers" or unit_id is None:
            continue
        compared += 1
        same_unit += decision.unit.id == unit_id
        if decision.department.id == department_id:
            same += 1
            continue
        edge = decision.edge_distance_m <= ON_EDGE_M
        on_edge += edge
        if len(differ) < 5:
            differ.append(
                {
                    "lon": case.lon,
                    "lat": case.lat,
                    "at": case.at.isoformat(),
                    "category": case.category.code,
                    "ours": decision.department.code,
                    "naive": department_id,
                    "on_edge": edge,
                }
            )
    return {
        "compared": compared,
        "same_department": same,
        "same_unit": same_unit,
        "differ": compared - same,
        "differ_on_edge": on_edge,
        "differ_strictly_inside": compared - same - on_edge,
        "examples": differ,
    }


def _breakdown(some: list[Case]) -> dict[str, Any]:
    """The two candidate loads of ``route_decide``, timed apart (the pure ``decide``
    is the rest)."""
    near = settings.ROUTING_NEAR_EDGE_M
    unit_ns: list[int] = []
    zone_ns: list[int] = []
    for case in some:
        _, ns = _timed(partial(unit_candidate, lon=case.lon, lat=case.lat, at=case.at))
        unit_ns.append(ns)
        _, ns = _timed(
            partial(
                zone_candidates,
                lon=case.lon,
                lat=case.lat,
                category_id=case.category.pk,
                at=case.at,
                near_m=near,
            )
        )
        zone_ns.append(ns)
    return {
        "decisions": len(some),
        "unit_candidate": latency(unit_ns),
        "zone_candidates": latency(zone_ns),
    }


_IN_BOX = """
    SELECT count(*),
           count(*) FILTER (WHERE EXISTS (
               SELECT 1 FROM routing_responsibilityzone_categories zc
               WHERE zc.responsibilityzone_id = z.id AND zc.category_id = %(category_id)s))
    FROM routing_responsibilityzone z
    WHERE z.status = 'published'
      AND z.valid_from <= %(at)s AND (z.valid_to IS NULL OR z.valid_to > %(at)s)
      AND z.geom && ST_Expand(ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326),
                              %(dlon)s, %(dlat)s)
"""


def _zone_query(some: list[Case]) -> dict[str, Any]:
    """How many zones in force the zone query's index finds near the point per
    decision, against how many are of the report's category, and its plan for the
    first case with a zone of its category near."""
    near = settings.ROUTING_NEAR_EDGE_M
    tested = of_category = 0
    plan: list[str] = []
    with connection.cursor() as cursor:
        for case in some:
            dlon, dlat = degree_margin(case.lat, near)
            params: dict[str, float | dt.datetime] = {
                "lon": case.lon,
                "lat": case.lat,
                "category_id": case.category.pk,
                "at": case.at,
                "near": near,
                "dlon": dlon,
                "dlat": dlat,
            }
            cursor.execute(_IN_BOX, params)
            in_box, mine = cursor.fetchone()
            tested += in_box
            of_category += mine
            if not plan and mine:
                cursor.execute(
                    f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) {_ZONES}",
                    params,
                )
                plan = [row[0] for row in cursor.fetchall()]
    n = max(len(some), 1)
    return {
        "decisions": len(some),
        "zones_in_force_in_box_per_decision": round(tested / n, 2),
        "of_the_category_per_decision": round(of_category / n, 2),
        "plan": plan,
    }
