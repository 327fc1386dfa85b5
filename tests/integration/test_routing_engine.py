"""The routing engine on the real Đồng Hới data, and the bulk SQL held to its answers."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest
import shapely
from django.db import connection
from django.utils import timezone

from boundaries.lookup import OutsideAllUnits
from geo.topology import area_m2
from routing.engine.route import route_decide
from routing.models import (
    Assignment,
    Category,
    DefaultDepartment,
    Department,
    Report,
    ResponsibilityZone,
)
from routing.zones.bulk import impact_preview
from routing.zones.state import ZoneState
from tests.factories import active_set_with, report_create, report_force, square
from tests.points import DONG_PHU, OFFSHORE, zone_outline_points

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
LAST_MINUTE_BEFORE = dt.datetime(2025, 6, 30, 23, 59, tzinfo=HCM)
REFORM = dt.datetime(2025, 7, 1, 0, 0, tzinfo=HCM)
# 1.65 km off the Bảo Ninh shore: at sea, but within the 2 km shore tolerance.
NEAR_SHORE = (106.66, 17.47)
# Inside Phường Đồng Hới (qt-2025), 1 km east of Đồng Phú: outside the small squares.
EAST_OF_DONG_PHU = (106.6255, 17.4689)

OLD_WASTE_ZONE = "Thu gom rác, cây xanh TP Đồng Hới"
NEW_WASTE_ZONE = "Thu gom rác, cây xanh khu vực Đồng Hới"


def category(code: str) -> Category:
    return Category.objects.get(code=code)


def decide_at(point, code: str, at: dt.datetime | None = None):
    return route_decide(lon=point[0], lat=point[1], category=category(code), at=at)


def department(code: str) -> Department:
    return Department.objects.create(
        code=code,
        kind=Department.Kind.PROVINCIAL,
        name_vi=f"Phòng thử {code}",
        name_en=f"Test office {code}",
    )


def published_zone(
    *,
    name: str,
    dept: Department,
    geom,
    codes: tuple[str, ...] = ("YTE",),
    priority: int = 0,
    valid_from: dt.datetime = REFORM,
    valid_to: dt.datetime | None = None,
) -> ResponsibilityZone:
    """A zone written straight into the published state (no draft, no re-route)."""
    zone = ResponsibilityZone.objects.create(
        name=name,
        department=dept,
        geom=geom,
        area_m2=round(area_m2(shapely.from_wkb(bytes(geom.wkb))), 1),
        priority=priority,
        status=ResponsibilityZone.Status.PUBLISHED,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    zone.categories.set(Category.objects.filter(code__in=codes))
    return zone


# --- real data: dates, fallbacks, shore and edges --------------------------------


@pytest.mark.parametrize(
    ("at", "zone_name", "unit_code"),
    [
        (dt.datetime(2022, 5, 1, 9, 0, tzinfo=HCM), OLD_WASTE_ZONE, "18856"),
        (LAST_MINUTE_BEFORE, OLD_WASTE_ZONE, "18856"),
        (REFORM, NEW_WASTE_ZONE, "18880"),
        (dt.datetime(2026, 3, 1, 9, 0, tzinfo=HCM), NEW_WASTE_ZONE, "18880"),
    ],
)
def test_waste_in_dong_phu_goes_to_the_environment_company_through_the_dated_zone(
    at, zone_name, unit_code
):
    """VSMT at Đồng Phú goes to qb-moitruong before and after 1/7/2025, through the
    zone (and the unit) in force at that minute."""
    decision = decide_at(DONG_PHU, "VSMT", at)
    assert decision.rule == "zone"
    assert decision.department.code == "qb-moitruong"
    assert decision.zone.name == zone_name
    assert decision.unit.code == unit_code


def test_the_two_waste_zones_are_different_rows():
    """The 2022 and 2026 answers name two zones, one ending where the other starts."""
    before = decide_at(DONG_PHU, "VSMT", LAST_MINUTE_BEFORE).zone
    after = decide_at(DONG_PHU, "VSMT", REFORM).zone
    assert before.id != after.id
    old, new = ResponsibilityZone.objects.filter(pk__in=[before.id, after.id]).order_by(
        "valid_from"
    )
    assert old.pk == before.id
    assert old.valid_to == new.valid_from == REFORM


@pytest.mark.parametrize(
    ("at", "committee"),
    [
        (LAST_MINUTE_BEFORE, "ubnd-18856-phuong-dong-phu"),
        (REFORM, "ubnd-18880-phuong-dong-hoi"),
    ],
)
def test_a_category_without_zones_goes_to_the_ward_committee_of_the_day(at, committee):
    """TTDT has no zone: the People's Committee of the ward in force handles it."""
    decision = decide_at(DONG_PHU, "TTDT", at)
    assert decision.rule == "unit_default"
    assert decision.zone is None
    assert decision.department.code == committee


def test_a_unit_without_a_default_department_sends_to_the_triage_desk():
    """With the ward's committee unlinked, TTDT falls to the IOC triage desk."""
    DefaultDepartment.objects.filter(
        unit__boundary_set__slug="qt-2025", unit__code="18880"
    ).delete()
    decision = decide_at(DONG_PHU, "TTDT")
    assert decision.rule == "triage"
    assert decision.department.code == "ioc-triage"


def test_an_inactive_default_department_sends_to_the_triage_desk():
    """A deactivated People's Committee is skipped like a missing one."""
    Department.objects.filter(code="ubnd-18880-phuong-dong-hoi").update(active=False)
    assert decide_at(DONG_PHU, "TTDT").department.code == "ioc-triage"


def test_the_triage_desk_is_the_one_of_the_units_jurisdiction():
    """A unit of another province without a committee goes to that province's desk,
    and its report carries that province's key; the SQL agrees."""
    active_set_with(
        [{"code": "97001", "geom": square(120.0, 10.0, 0.01)}],
        jurisdiction_code="97",
    )
    desk = Department.objects.create(
        code="triage-97",
        kind=Department.Kind.TRIAGE,
        jurisdiction_code="97",
        name_vi="Bộ phận tiếp nhận 97",
        name_en="Triage desk 97",
    )
    decision = decide_at((120.005, 10.005), "TTDT")
    assert decision.rule == "triage"
    assert decision.department.code == desk.code
    report = report_create(lon=120.005, lat=10.005, category=category("TTDT"))
    assert report.jurisdiction_code == "97"
    assert report.department == desk
    _assert_sql_agrees(1)


def test_a_pin_at_sea_within_the_shore_tolerance_gets_the_nearest_unit_flagged():
    """1.65 km off the shore: matched to the nearest ward, 'nearest', with the
    distance in the reason."""
    decision = decide_at(NEAR_SHORE, "VSMT")
    assert decision.unit.code == "18880"
    assert decision.unit.matched == "nearest"
    assert 1000 < decision.unit.outside_m < 2000
    assert f"{decision.unit.outside_m:.0f} m" in decision.reason_en
    assert "gần nhất" in decision.reason_vi
    # Outside the ward, so outside the zone made of wards: the committee decides.
    assert decision.rule == "unit_default"


def test_a_pin_at_sea_beyond_the_shore_tolerance_is_refused():
    """5 km off the shore is beyond the 2 km tolerance: OutsideAllUnits."""
    with pytest.raises(OutsideAllUnits):
        decide_at(OFFSHORE, "VSMT")


def _point_inside_unit_edge(metres: float) -> tuple[float, float]:
    """A point ``metres`` inside Phường Đồng Hới (qt-2025), on the line from its
    nearest edge point towards Đồng Phú."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH p AS (SELECT ST_SetSRID(ST_MakePoint(%s, %s), 4326) AS g),
            e AS (
                SELECT ST_ClosestPoint(ST_Boundary(u.geom), p.g) AS b, p.g
                FROM boundaries_adminunit u
                JOIN boundaries_boundaryset s ON s.id = u.boundary_set_id, p
                WHERE s.slug = 'qt-2025' AND u.code = '18880'
            )
            SELECT ST_X(q), ST_Y(q) FROM (
                SELECT ST_LineInterpolatePoint(
                    ST_MakeLine(b, g),
                    %s / ST_Distance(b::geography, g::geography)) AS q
                FROM e
            ) x
            """,
            [*DONG_PHU, metres],
        )
        return cursor.fetchone()


def test_a_pin_within_thirty_metres_of_a_unit_edge_is_flagged_near_edge():
    """15 m inside the ward's edge: near_edge, with the distance in the reason."""
    decision = decide_at(_point_inside_unit_edge(15.0), "TTDT")
    assert decision.unit.code == "18880"
    assert decision.near_edge is True
    assert 10 < decision.edge_distance_m < 20
    assert "người điều phối nên kiểm tra" in decision.reason_vi


def test_a_pin_further_from_every_edge_is_not_flagged():
    """60 m inside the same edge: not near_edge."""
    decision = decide_at(_point_inside_unit_edge(60.0), "TTDT")
    assert decision.near_edge is False
    assert decision.edge_distance_m > 30


# --- synthetic zones: specificity, gaps, validity ---------------------------------


@pytest.fixture
def offices() -> dict[str, Department]:
    return {name: department(f"test-{name}") for name in ("a", "b", "c")}


def test_higher_priority_zone_wins_over_a_smaller_one(offices):
    """A large zone of priority 5 beats a small zone of priority 1 on the same point."""
    big = published_zone(
        name="big", dept=offices["a"], geom=square(106.60, 17.45, 0.04), priority=5
    )
    published_zone(
        name="small", dept=offices["b"], geom=square(106.61, 17.46, 0.01), priority=1
    )
    decision = decide_at(DONG_PHU, "YTE")
    assert decision.zone.id == big.id
    assert decision.department.code == "test-a"
    assert decision.candidates[0].id == big.id
    assert len(decision.candidates) == 2


def test_smaller_zone_wins_at_equal_priority(offices):
    """Two zones of priority 5: the smaller one takes the point."""
    published_zone(
        name="big", dept=offices["a"], geom=square(106.60, 17.45, 0.04), priority=5
    )
    small = published_zone(
        name="small", dept=offices["b"], geom=square(106.61, 17.46, 0.01), priority=5
    )
    assert decide_at(DONG_PHU, "YTE").zone.id == small.id


def test_the_older_zone_wins_an_exact_tie(offices):
    """Same square, same priority: the lower id (created first) wins."""
    first = published_zone(
        name="first", dept=offices["a"], geom=square(106.61, 17.46, 0.01), priority=5
    )
    published_zone(
        name="second", dept=offices["b"], geom=square(106.61, 17.46, 0.01), priority=5
    )
    decision = decide_at(DONG_PHU, "YTE")
    assert decision.zone.id == first.id
    assert [c["chosen"] for c in decision.candidates_json()] == [True, False]


def test_a_point_in_no_zone_of_its_category_falls_back_to_the_unit(offices):
    """A gap between zones: the ward's committee decides."""
    published_zone(name="z", dept=offices["a"], geom=square(106.61, 17.46, 0.01))
    decision = decide_at(EAST_OF_DONG_PHU, "YTE")
    assert decision.rule == "unit_default"
    assert decision.department.code == "ubnd-18880-phuong-dong-hoi"


def test_a_zone_is_used_from_its_first_instant_and_not_at_its_end(offices):
    """A zone valid [T1, T2) routes at T1 and just before T2, not at T2 nor before T1."""
    t1 = dt.datetime(2026, 2, 1, 8, 0, tzinfo=HCM)
    t2 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=HCM)
    zone = published_zone(
        name="dated",
        dept=offices["a"],
        geom=square(106.61, 17.46, 0.01),
        valid_from=t1,
        valid_to=t2,
    )
    tick = dt.timedelta(microseconds=1)
    assert decide_at(DONG_PHU, "YTE", t1 - tick).zone is None
    assert decide_at(DONG_PHU, "YTE", t1).zone.id == zone.id
    assert decide_at(DONG_PHU, "YTE", t2 - tick).zone.id == zone.id
    assert decide_at(DONG_PHU, "YTE", t2).zone is None


def test_a_zone_edge_within_thirty_metres_flags_near_edge(offices):
    """A point 0.0002° (≈ 21 m) inside a zone's west edge is near_edge."""
    published_zone(name="z", dept=offices["a"], geom=square(106.6153, 17.46, 0.01))
    decision = decide_at(DONG_PHU, "YTE")
    assert decision.rule == "zone"
    assert decision.near_edge is True
    assert 15 < decision.edge_distance_m < 30


def test_a_nearby_zone_that_does_not_cover_flags_near_edge_but_does_not_win(offices):
    """A zone whose edge lies ≈ 21 m east of the point flags it and is no candidate."""
    published_zone(
        name="z", dept=offices["a"], geom=square(106.6157, 17.46, 0.01), priority=9
    )
    decision = decide_at(DONG_PHU, "YTE")
    assert decision.rule == "unit_default"
    assert decision.candidates == ()
    assert decision.near_edge is True


# --- recording a decision ---------------------------------------------------------


def test_a_new_report_stores_the_decision_with_reasons_and_candidates():
    """The report gets its unit and department, and one current Assignment holding
    the rule, zone, candidates and both reasons."""
    report = report_create(lon=DONG_PHU[0], lat=DONG_PHU[1], category=category("VSMT"))
    assignment = Assignment.objects.get(report=report, is_current=True)
    zone = ResponsibilityZone.objects.get(name=NEW_WASTE_ZONE)
    assert report.department.code == "qb-moitruong"
    assert report.unit.code == "18880"
    assert report.status == Report.Status.ASSIGNED
    assert report.tracking_code.startswith("HT-")
    assert assignment.rule == Assignment.Rule.ZONE
    assert assignment.cause == Assignment.Cause.SUBMIT
    assert assignment.zone_id == zone.pk
    assert assignment.department_id == report.department_id
    assert assignment.unit_id == report.unit_id
    assert assignment.boundary_set.slug == "qt-2025"
    assert assignment.outside_unit_m is None
    [candidate] = assignment.candidates
    # The zone's own edge; the Assignment keeps the nearest of every edge.
    assert candidate.pop("edge_distance_m") >= assignment.edge_distance_m
    assert candidate == {
        "zone": zone.pk,
        "name": NEW_WASTE_ZONE,
        "department": "qb-moitruong",
        "priority": 10,
        "area_m2": round(zone.area_m2, 1),
        "chosen": True,
    }
    assert NEW_WASTE_ZONE in assignment.reason_vi
    assert "Công ty Cổ phần Môi trường" in assignment.reason_vi
    assert "Quảng Bình Environment" in assignment.reason_en


def test_a_report_at_sea_keeps_how_far_outside_it_lay():
    """A pin matched to the nearest unit stores its distance on the Assignment."""
    report = report_create(
        lon=NEAR_SHORE[0], lat=NEAR_SHORE[1], category=category("TTDT")
    )
    assignment = report.assignments.get(is_current=True)
    assert 1000 < assignment.outside_unit_m < 2000
    assert assignment.rule == Assignment.Rule.UNIT_DEFAULT


def test_a_report_is_routed_with_the_zones_of_its_reported_at():
    """A report dated the last minute before the reform is routed with 2020 zones."""
    report = report_create(
        lon=DONG_PHU[0],
        lat=DONG_PHU[1],
        category=category("VSMT"),
        reported_at=LAST_MINUTE_BEFORE,
    )
    assignment = report.assignments.get(is_current=True)
    assert assignment.zone.name == OLD_WASTE_ZONE
    assert assignment.boundary_set.slug == "qb-2020"


# --- the bulk SQL and the Python engine agree -------------------------------------


def _assert_sql_agrees(reports: int) -> None:
    """impact_preview under the zones of now moves no report the engine routed now."""
    impact = impact_preview(state=ZoneState(at=timezone.now()))
    assert impact.moves == []
    assert impact.open_changed == impact.past_changed == 0
    assert impact.open_total + impact.past_total == reports


@pytest.fixture
def overlapping_zones(offices) -> list[ResponsibilityZone]:
    """Synthetic zones over Đồng Hới with every kind of overlap the order resolves."""
    return [
        # YTE: equal priority, different areas; an exact tie; a higher priority hole.
        published_zone(
            name="y-big",
            dept=offices["a"],
            geom=square(106.56, 17.43, 0.08),
            priority=5,
        ),
        published_zone(
            name="y-mid",
            dept=offices["b"],
            geom=square(106.60, 17.45, 0.04),
            priority=5,
        ),
        published_zone(
            name="y-twin",
            dept=offices["c"],
            geom=square(106.60, 17.45, 0.04),
            priority=5,
        ),
        published_zone(
            name="y-top",
            dept=offices["c"],
            geom=square(106.61, 17.46, 0.02),
            priority=9,
        ),
        # DIEN: a local office over the province-wide power zone.
        published_zone(
            name="d-local",
            dept=offices["a"],
            geom=square(106.59, 17.44, 0.03),
            codes=("DIEN",),
            priority=3,
        ),
    ]


def _random_points(n: int, seed: int) -> list[tuple[float, float]]:
    """``n`` seeded random points in and up to ~1 km around the Đồng Hới waste zone
    (so some lie at sea, within the shore tolerance, or in neighbouring wards)."""
    zone = ResponsibilityZone.objects.get(name=NEW_WASTE_ZONE)
    area = shapely.from_wkb(bytes(zone.geom.wkb)).buffer(0.01)
    shapely.prepare(area)
    min_lon, min_lat, max_lon, max_lat = area.bounds
    rng = random.Random(seed)
    points: list[tuple[float, float]] = []
    while len(points) < n:
        lon = round(rng.uniform(min_lon, max_lon), 6)
        lat = round(rng.uniform(min_lat, max_lat), 6)
        if shapely.contains_xy(area, lon, lat):
            points.append((lon, lat))
    return points


CODES = ("VSMT", "DIEN", "DLICH", "HTGT", "TTDT", "CTN", "YTE", "ANTT")


def test_bulk_sql_routes_three_hundred_random_reports_as_the_engine_did(
    overlapping_zones,
):
    """300 seeded random reports routed one by one in Python: the set-based SQL
    moves none of them (zones, overlaps, unit defaults, triage, pins at sea)."""
    # One ward without an active committee, so the triage rule is exercised too.
    Department.objects.filter(code__startswith="ubnd-18871-").update(active=False)
    categories = {code: category(code) for code in CODES}
    rng = random.Random(20250701)
    rules: set[str] = set()
    for lon, lat in _random_points(300, seed=44):
        code = rng.choice(CODES)
        status = rng.choice(["assigned", "assigned", "in_progress", "resolved"])
        report = report_create(lon=lon, lat=lat, category=categories[code])
        if status != report.status:
            report_force(report, status=status)
        rules.add(report.assignments.get().rule)
    assert rules == {"zone", "unit_default", "triage"}
    _assert_sql_agrees(300)


def _square_outline(lon: float, lat: float, size: float) -> list[tuple[float, float]]:
    """The corners and edge midpoints of an axis-aligned square (all exact)."""
    half = size / 2
    return [
        (lon + dx, lat + dy)
        for dx in (0.0, half, size)
        for dy in (0.0, half, size)
        if (dx, dy) != (half, half)
    ]


def test_bulk_sql_agrees_with_the_engine_on_zone_edges_vertices_and_seams(
    overlapping_zones,
):
    """Pins exactly on zone outlines (vertices, edge midpoints, subdivision cuts of a
    real zone) are routed the same way by the SQL and by the engine."""
    points: list[tuple[str, tuple[float, float]]] = []
    for lon, lat, size in [(106.60, 17.45, 0.04), (106.61, 17.46, 0.02)]:
        points += [("YTE", p) for p in _square_outline(lon, lat, size)]
    points += [("DIEN", p) for p in _square_outline(106.59, 17.44, 0.03)]
    waste = ResponsibilityZone.objects.get(name=NEW_WASTE_ZONE)
    outline = zone_outline_points(waste.pk)
    assert len(outline) > 40  # some cut vertices besides the zone's own
    points += [("VSMT", p) for p in outline]
    categories = {code: category(code) for code in ("YTE", "DIEN", "VSMT")}
    for code, (lon, lat) in points:
        report_create(lon=lon, lat=lat, category=categories[code])
    _assert_sql_agrees(len(points))
