"""The synthetic generator routes every report as the engine would route it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from boundaries.geometry import to_shapely
from demo.synthetic import reports_generate
from demo.synthetic import routing as steps
from geo.topology import area_m2
from routing.engine.route import route_decide
from routing.models import (
    Assignment,
    Category,
    Department,
    Report,
    ResponsibilityZone,
)
from tests.factories import square
from tests.points import shared_vertices, zone_outline_points

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
AUTUMN = dt.datetime(2025, 9, 1, tzinfo=HCM)
NEW_YEAR = dt.datetime(2026, 1, 1, tzinfo=HCM)
# The squares of the contested zones: (min lon, min lat, size).
BIG = (106.58, 17.44, 0.06)
SMALL = (106.61, 17.46, 0.02)
MARKET = (106.615, 17.462, 0.015)


def _zone(
    name: str,
    department: Department,
    box: tuple[float, float, float],
    code: str,
    priority: int,
    valid_from: dt.datetime,
    valid_to: dt.datetime | None = None,
) -> ResponsibilityZone:
    """A zone written straight into the published state."""
    geom = square(*box)
    zone = ResponsibilityZone.objects.create(
        name=name,
        department=department,
        geom=geom,
        area_m2=round(area_m2(to_shapely(geom)), 1),
        priority=priority,
        status=ResponsibilityZone.Status.PUBLISHED,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    zone.categories.set(Category.objects.filter(code=code))
    return zone


@pytest.fixture
def contested() -> list[ResponsibilityZone]:
    """Zones that only the full order resolves, some starting or ending inside the
    generated year; a ward without an active committee (the triage rule) and a
    second triage desk."""
    Department.objects.filter(code__startswith="ubnd-18871-").update(active=False)
    # A second, newer desk: the oldest active desk of the jurisdiction still triages.
    Department.objects.create(
        code="ioc-triage-2",
        kind=Department.Kind.TRIAGE,
        jurisdiction_code="44",
        name_vi="Bộ phận tiếp nhận thứ hai",
        name_en="Second triage desk",
    )
    offices = [
        Department.objects.create(
            code=f"test-{n}",
            kind=Department.Kind.PROVINCIAL,
            name_vi=f"Phòng thử {n}",
            name_en=f"Test office {n}",
        )
        for n in range(3)
    ]
    spring = dt.datetime(2025, 1, 1, tzinfo=HCM)
    return [
        # TTDT (no fixture zone): at equal priority the smaller wins; an exact tie
        # between two squares in force from September to the new year.
        _zone("t-big", offices[0], BIG, "TTDT", 5, spring),
        _zone("t-small", offices[1], SMALL, "TTDT", 5, AUTUMN, NEW_YEAR),
        _zone("t-twin", offices[2], SMALL, "TTDT", 5, AUTUMN, NEW_YEAR),
        # VSMT: above the fixture's waste zone (priority 10), across the reform.
        _zone(
            "v-market",
            offices[2],
            MARKET,
            "VSMT",
            30,
            dt.datetime(2025, 5, 1, tzinfo=HCM),
        ),
    ]


def _engine(
    lon: float, lat: float, category: Category, at: dt.datetime
) -> tuple[tuple, str]:
    """(unit, department, zone, rule) by route_decide, and how the unit matched."""
    decision = route_decide(lon=lon, lat=lat, category=category, at=at)
    zone = decision.zone.id if decision.zone else None
    answer = (decision.unit.id, decision.department.id, zone, decision.rule)
    return answer, decision.unit.matched


def test_generated_reports_route_as_the_engine_routes_them(contested):
    """400 reports over the year of the reform (both boundary sets, every zone's
    dates): each one's unit, department, zone and rule are what route_decide gives
    for its point, category and reported_at."""
    end = dt.datetime(2026, 3, 1, 12, 0, tzinfo=HCM)
    reports_generate(count=400, seed=3, years=1, end=end)
    current = {
        a.report_id: a
        for a in Assignment.objects.filter(is_current=True).only(
            "report_id", "zone_id", "rule"
        )
    }
    reports = list(Report.objects.select_related("category", "unit__boundary_set"))
    assert len(reports) == len(current) == 400
    differ = []
    for report in reports:
        engine, _ = _engine(
            report.location.x, report.location.y, report.category, report.reported_at
        )
        assignment = current[report.pk]
        generated = (
            report.unit_id,
            report.department_id,
            assignment.zone_id,
            assignment.rule,
        )
        if engine != generated:
            differ.append((report.tracking_code, engine, generated))
    assert differ == []
    assert {a.rule for a in current.values()} == {"zone", "unit_default", "triage"}
    assert {r.unit.boundary_set.slug for r in reports} == {"qb-2020", "qt-2025"}
    won = {a.zone_id for a in current.values()}
    # The dates, priority, area and tie-break each decided some reports.
    big, small, twin, market = contested
    assert {big.pk, small.pk, market.pk} <= won
    assert twin.pk not in won


def _outline(box: tuple[float, float, float]) -> list[tuple[float, float]]:
    """The corners and edge midpoints of a square (all exact)."""
    lon, lat, size = box
    half = size / 2
    return [
        (lon + dx, lat + dy)
        for dx in (0.0, half, size)
        for dy in (0.0, half, size)
        if (dx, dy) != (half, half)
    ]


def _zone_outline(name: str) -> list[tuple[float, float]]:
    """Points exactly on the outline of the fixture zone called ``name``."""
    return zone_outline_points(ResponsibilityZone.objects.get(name=name).pk)


def _route_with_the_generators_statements(
    cases: list[tuple[float, float, int, dt.datetime]],
) -> dict[int, tuple]:
    """{case index: (unit, department, zone, rule)} by the generator's own routing
    statements, run over the given points instead of random draws."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE TEMP TABLE gen AS
            SELECT c.i - 1 AS i, (c.at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS day,
                   c.at AS reported_at, c.category_id,
                   ST_SetSRID(ST_MakePoint(c.lon, c.lat), 4326) AS geom
            FROM unnest(%s::float8[], %s::float8[], %s::bigint[], %s::timestamptz[])
                 WITH ORDINALITY AS c(lon, lat, category_id, at, i);
            CREATE INDEX ON gen USING gist (geom); ANALYZE gen
            """,
            [list(column) for column in zip(*cases, strict=True)],
        )
        cursor.execute(steps.UNITS)
        cursor.execute(steps.PICK, {"n": len(cases)})
        cursor.execute(steps.ZONES)
        cursor.execute(
            f"SELECT r.i, r.unit_id, r.department_id, r.zone_id, r.rule "
            f"FROM ({steps.ROUTED}) r"
        )
        rows = cursor.fetchall()
        cursor.execute("DROP TABLE gen, gen_unit, gen_pick, gen_zone")
    return {i: tuple(row) for i, *row in rows}


def test_pins_on_edges_seams_and_cut_lines_route_as_the_engine_routes_them(contested):
    """Points random draws never hit — shared ward vertices, zone corners and edge
    midpoints, the cut vertices of a real zone's pieces — go through the generator's
    statements to the engine's unit, zone, department and rule."""
    categories = dict(Category.objects.values_list("code", "id"))
    by_id = {pk: Category.objects.get(pk=pk) for pk in categories.values()}
    before = dt.datetime(2025, 6, 30, 9, 0, tzinfo=HCM)
    autumn = AUTUMN + dt.timedelta(days=30)
    cases = [
        (lon, lat, categories[code], at)
        for code, at, points in [
            ("TTDT", before, shared_vertices("qb-2020", "18853", "18856")),
            ("TTDT", autumn, shared_vertices("qt-2025", "18859", "18880")),
            ("TTDT", autumn, _outline(BIG) + _outline(SMALL)),
            ("TTDT", NEW_YEAR, _outline(SMALL)),
            ("VSMT", autumn, _outline(MARKET)),
            ("VSMT", autumn, _zone_outline("Thu gom rác, cây xanh khu vực Đồng Hới")),
            ("VSMT", before, _zone_outline("Thu gom rác, cây xanh TP Đồng Hới")),
        ]
        for lon, lat in points
    ]
    generated = _route_with_the_generators_statements(cases)
    # The generator keeps the points some unit covers (draws at sea are dropped,
    # where the engine would take the nearest unit): exactly those, routed alike.
    expected = {}
    for i, (lon, lat, category_id, at) in enumerate(cases):
        answer, matched = _engine(lon, lat, by_id[category_id], at)
        if matched == "covers":
            expected[i] = answer
    assert len(expected) > 0.9 * len(cases)
    assert generated == expected
    assert {answer[3] for answer in expected.values()} >= {"zone", "unit_default"}
