"""Layers, jurisdictions side by side and the ambiguity rule: lookup, bulk and HTTP.

Synthetic squares far from Vietnam (no fixture set lies there): a jurisdiction "tl"
with neighbourhoods (administrative) and council districts (another layer) over the
same ground, a neighbour "tm" beside it, and overlapping units. Every answer is
checked against a shapely reference built from the same squares.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from shapely.geometry import Point

from boundaries.bulk import points_assign
from boundaries.geometry import to_shapely
from boundaries.lookup import OutsideAllUnits, point_lookup
from boundaries.models import AdminUnit, BoundarySet
from boundaries.services import BoundarySetError, boundary_set_activate
from tests.factories import BoundarySetFactory, active_set_with, square

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 1, 1)
# Squares near 10°E, 50°N (UTM zone 32): nothing of the fixtures there.
X, Y = 10.0, 50.0


def _units(*rows: tuple[str, float, float, float]) -> list[dict]:
    return [
        {"code": code, "level": "neighbourhood", "geom": square(x, y, size)}
        for code, x, y, size in rows
    ]


@pytest.fixture
def two_layers() -> tuple[BoundarySet, BoundarySet]:
    """'tl' neighbourhoods (2 × 2 squares of 0.01°) and, active beside them, its
    council districts (one square of 0.02° over the west half and beyond)."""
    hoods = active_set_with(
        _units(
            ("N1", X, Y, 0.01),
            ("N2", X + 0.01, Y, 0.01),
            ("N3", X, Y + 0.01, 0.01),
            ("N4", X + 0.01, Y + 0.01, 0.01),
        ),
        jurisdiction_code="tl",
        valid_from=dt.date(2020, 1, 1),
    )
    districts = active_set_with(
        [
            {
                "code": "D1",
                "level": "council_district",
                "geom": square(X - 0.01, Y, 0.02),
            }
        ],
        jurisdiction_code="tl",
        layer="council_district",
        valid_from=dt.date(2020, 1, 1),
    )
    return hoods, districts


def test_two_layers_of_one_jurisdiction_are_active_together(two_layers):
    """A second layer does not collide with the first; a second set of the same
    layer over the same dates still does."""
    hoods, districts = two_layers
    assert hoods.status == districts.status == BoundarySet.Status.ACTIVE
    again = BoundarySetFactory(
        jurisdiction_code="tl",
        layer="council_district",
        valid_from=dt.date(2024, 1, 1),
    )
    AdminUnit.objects.create(
        boundary_set=again,
        code="D9",
        name="D9",
        level="council_district",
        geom=square(X, Y, 0.01),
        area_m2=1.0,
    )
    with pytest.raises(BoundarySetError) as caught:
        boundary_set_activate(boundary_set=again)
    assert "council_district" in caught.value.en
    with pytest.raises(IntegrityError), transaction.atomic():
        BoundarySet.objects.filter(pk=again.pk).update(status="active")


def test_lookup_searches_one_layer_and_never_mixes_them(two_layers):
    """The administrative layer by default; ``layer`` picks the other. A point
    outside every neighbourhood but inside a district is outside for the
    neighbourhoods, not answered with the district."""
    in_both = (X + 0.005, Y + 0.005)
    assert point_lookup(lon=in_both[0], lat=in_both[1], day=DAY).unit.code == "N1"
    district = point_lookup(
        lon=in_both[0], lat=in_both[1], day=DAY, layer="council_district"
    )
    assert district.unit.code == "D1"
    assert district.boundary_set.layer == "council_district"
    west = (X - 0.005, Y + 0.005)  # in D1 only
    with pytest.raises(OutsideAllUnits):
        point_lookup(lon=west[0], lat=west[1], day=DAY)
    assert (
        point_lookup(
            lon=west[0], lat=west[1], day=DAY, layer="council_district"
        ).unit.code
        == "D1"
    )
    east = (X + 0.015, Y + 0.015)  # in N4 only
    with pytest.raises(OutsideAllUnits):
        point_lookup(lon=east[0], lat=east[1], day=DAY, layer="council_district")


def test_jurisdictions_side_by_side_by_default_or_by_name(two_layers):
    """Without a jurisdiction the one whose unit covers the point answers; naming
    one restricts the search to it."""
    active_set_with(
        _units(("M1", X + 0.02, Y, 0.01)),
        jurisdiction_code="tm",
        valid_from=dt.date(2020, 1, 1),
    )
    in_m = (X + 0.025, Y + 0.005)
    found = point_lookup(lon=in_m[0], lat=in_m[1], day=DAY)
    assert (found.unit.code, found.boundary_set.jurisdiction_code) == ("M1", "tm")
    with pytest.raises(OutsideAllUnits):
        point_lookup(lon=in_m[0], lat=in_m[1], day=DAY, jurisdiction="tl")
    in_l = (X + 0.005, Y + 0.005)
    assert (
        point_lookup(lon=in_l[0], lat=in_l[1], day=DAY, jurisdiction="tl").unit.code
        == "N1"
    )
    # On the border between N2 (tl) and M1 (tm): both cover it, equal size: the
    # lower code in numeric-aware order ("M1" < "N2"), ambiguous.
    border = point_lookup(lon=X + 0.02, lat=Y + 0.005, day=DAY)
    assert border.ambiguous
    assert {u.code for u in border.candidates} == {"M1", "N2"}


def test_overlapping_units_resolve_by_area_then_numeric_code():
    """A park shared by two councils goes to the smaller; identical shapes go to the
    lower code as a number ("15" before "124"), both flagged ambiguous."""
    active_set_with(
        [
            {"code": "124", "level": "council", "geom": square(X, Y + 1, 0.01)},
            {"code": "15", "level": "council", "geom": square(X, Y + 1, 0.01)},
            {"code": "7", "level": "council", "geom": square(X, Y + 1, 0.03)},
        ],
        jurisdiction_code="to",
    )
    twin = point_lookup(lon=X + 0.005, lat=Y + 1.005, day=DAY)
    assert twin.unit.code == "15"
    assert [u.code for u in twin.candidates] == ["15", "124", "7"]
    only_big = point_lookup(lon=X + 0.02, lat=Y + 1.02, day=DAY)
    assert only_big.unit.code == "7"
    assert not only_big.ambiguous


def test_a_higher_priority_set_wins_over_a_smaller_unit():
    """Two jurisdictions' files overlapping at a border: the set of higher priority
    wins there even with the larger unit."""
    active_set_with(
        _units(("S1", X, Y + 2, 0.01)),
        jurisdiction_code="ta",
        valid_from=dt.date(2020, 1, 1),
    )
    active_set_with(
        _units(("B1", X, Y + 2, 0.05)),
        jurisdiction_code="tb",
        priority=5,
        valid_from=dt.date(2020, 1, 1),
    )
    found = point_lookup(lon=X + 0.005, lat=Y + 2.005, day=DAY)
    assert found.unit.code == "B1"
    assert [u.code for u in found.candidates] == ["B1", "S1"]


def _reference(units: list[AdminUnit], lon: float, lat: float) -> tuple[str, bool]:
    """The rule in Python over shapely ``covers`` (one set, one depth, priority 0)."""
    point = Point(lon, lat)
    covering = sorted(
        (u for u in units if to_shapely(u.geom).covers(point)),
        key=lambda u: (u.area_m2, int(u.code)),
    )
    if not covering:
        return "", False
    return covering[0].code, len(covering) > 1


def test_bulk_assignment_per_layer_equals_shapely_and_the_lookup():
    """A grid over overlapping units, their edges and the gaps: ``points_assign``
    with ``ambiguous`` gives the shapely reference's unit and flag for every point,
    and the lookup the same; the other layer is not consulted."""
    boundary_set = active_set_with(
        [
            {"code": "3", "level": "council", "geom": square(X, Y + 3, 0.02)},
            {"code": "21", "level": "council", "geom": square(X + 0.01, Y + 3, 0.02)},
            {"code": "100", "level": "council", "geom": square(X + 0.005, Y + 3, 0.01)},
        ],
        jurisdiction_code="tg",
    )
    active_set_with(
        [{"code": "99", "level": "beat", "geom": square(X - 0.1, Y + 2.9, 0.5)}],
        jurisdiction_code="tg",
        layer="police_beat",
    )
    units = list(AdminUnit.objects.filter(boundary_set=boundary_set))
    step = 0.0025  # lands on every edge and vertex of the squares, and beyond them
    points = [
        (round(X - 0.005 + i * step, 6), round(Y + 3 - 0.005 + j * step, 6))
        for i in range(17)
        for j in range(13)
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE lp (id bigint, geom geometry(Point, 4326)) ON COMMIT DROP"
        )
        cursor.execute(
            "CREATE TEMP TABLE lu (point_id bigint, unit_id bigint, ambiguous boolean)"
            " ON COMMIT DROP"
        )
        cursor.execute(
            """
            INSERT INTO lp SELECT i, ST_SetSRID(ST_MakePoint(x, y), 4326)
            FROM unnest(%s::float8[], %s::float8[]) WITH ORDINALITY AS t(x, y, i)
            """,
            [[p[0] for p in points], [p[1] for p in points]],
        )
        cursor.execute("CREATE INDEX ON lp USING gist (geom)")
        points_assign(table="lp", into="lu", day=DAY, jurisdiction="tg", ambiguous=True)
        cursor.execute(
            "SELECT r.point_id, u.code, r.ambiguous FROM lu r "
            "JOIN boundaries_adminunit u ON u.id = r.unit_id"
        )
        bulk = {i: (code, flag) for i, code, flag in cursor.fetchall()}
    expected = {
        i: _reference(units, lon, lat) for i, (lon, lat) in enumerate(points, start=1)
    }
    assert {i: v for i, v in expected.items() if v[0]} == bulk
    flagged = sum(flag for _, flag in bulk.values())
    assert flagged >= 20  # edges and the overlaps were really exercised
    for i, (lon, lat) in enumerate(points, start=1):
        if not expected[i][0]:
            continue
        found = point_lookup(lon=lon, lat=lat, day=DAY, jurisdiction="tg")
        assert (found.unit.code, found.ambiguous) == expected[i], (lon, lat)


# --- over HTTP ----------------------------------------------------------------------

LOOKUP = "/api/v1/boundaries/lookup"


def test_http_lookup_takes_layer_and_jurisdiction(api, two_layers):
    """``layer`` and ``jurisdiction`` reach the lookup; the answer names both, and
    says ``ambiguous`` with the candidates on a shared edge."""
    params = {"lon": X + 0.005, "lat": Y + 0.005, "date": DAY.isoformat()}
    body = api.get(LOOKUP, params | {"layer": "council_district"}).json()
    assert body["unit"]["code"] == "D1"
    assert body["boundary_set"]["layer"] == "council_district"
    assert body["boundary_set"]["jurisdiction"] == "tl"
    assert body["ambiguous"] is False
    assert body["candidates"] == []
    edge = api.get(
        LOOKUP, params | {"lon": X + 0.01, "jurisdiction": "tl"}
    ).json()  # between N1 and N2
    assert edge["ambiguous"] is True
    assert [c["code"] for c in edge["candidates"]] == ["N1", "N2"] or [
        c["code"] for c in edge["candidates"]
    ] == ["N2", "N1"]
    assert edge["unit"]["code"] == edge["candidates"][0]["code"]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"layer": "adminstrative"}, "unknown_layer"),
        ({"layer": "x" * 500}, "unknown_layer"),
        ({"jurisdiction": "nowhere"}, "unknown_jurisdiction"),
    ],
)
def test_http_lookup_refuses_an_unknown_layer_or_jurisdiction(
    api, two_layers, params, code
):
    """A typo is a 400 naming what exists, in both languages, not an empty answer."""
    response = api.get(LOOKUP, {"lon": X + 0.005, "lat": Y + 0.005} | params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code
    assert "council_district" in str(body) or "tl" in str(body)
    assert "Không có" in str(body)


def test_http_units_list_follows_the_layer(api, two_layers):
    """The unit list by date shows the administrative layer unless asked."""
    day = {
        "date": DAY.isoformat(),
        "bbox": f"{X - 0.02},{Y - 0.01},{X + 0.03},{Y + 0.03}",
    }
    default = api.get("/api/v1/boundaries/units", day).json()
    assert {f["properties"]["code"] for f in default["features"]} == {
        "N1",
        "N2",
        "N3",
        "N4",
    }
    districts = api.get(
        "/api/v1/boundaries/units", day | {"layer": "council_district"}
    ).json()
    assert {f["properties"]["code"] for f in districts["features"]} == {"D1"}


def test_http_lookup_without_a_date_is_today_where_the_jurisdiction_is(api):
    """Kiritimati (UTC+14) and Pago Pago (UTC−11) are 25 hours apart, so their
    dates always differ: each lookup without a date uses its own jurisdiction's
    today, never one date for both."""
    from boundaries.jurisdictions import jurisdiction_create, jurisdiction_today

    for code, zone, x in (
        ("tk", "Pacific/Kiritimati", X),
        ("tp", "Pacific/Pago_Pago", X + 1),
    ):
        jurisdiction_create(code=code, name=code, country="KI", time_zone=zone)
        active_set_with(_units((f"{code}1", x, Y + 5, 0.01)), jurisdiction_code=code)
    days = {}
    for code, x in (("tk", X), ("tp", X + 1)):
        body = api.get(
            LOOKUP, {"lon": x + 0.005, "lat": Y + 5.005, "jurisdiction": code}
        ).json()
        days[code] = body["date"]
        assert body["date"] == jurisdiction_today(code).isoformat()
    assert days["tk"] != days["tp"]
