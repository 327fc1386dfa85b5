"""The analytics API: access, and the same totals everywhere for the same filters."""

from __future__ import annotations

import csv
import io
import json

import geopandas
import mapbox_vector_tile
import pytest
from django.db import connection
from django.test import Client

from geo.grid import tile_lonlat
from tests.analytics.conftest import staff_client

pytestmark = pytest.mark.django_db

API = "/api/v1/analytics/"
PERSONAL = {"reporter_name", "reporter_phone", "reporter_email", "description"}
# Whole city; the centre; a box smaller than one cell; the market and river.
BOXES = [
    None,
    "106.58,17.44,106.64,17.49",
    "106.55,17.42,106.66,17.51",
    "106.6201,17.4681,106.6215,17.4690",
    "106.615,17.465,106.630,17.478",
]
FILTERS = [
    {},
    {"category": "VSMT,CTN"},
    {"status": "closed", "from": "2025-01-01", "to": "2025-12-31"},
    {"unit": "18880,18868"},
    {"department": "qb-moitruong", "from": "2024-03-10"},
]


def raw_count(params: dict[str, str]) -> int:
    """The count straight from routing_report, written independently of analytics."""
    where, args = ["true"], []
    if "bbox" in params:
        where.append("ST_Intersects(r.location, ST_MakeEnvelope(%s, %s, %s, %s, 4326))")
        args += [float(v) for v in params["bbox"].split(",")]
    if "category" in params:
        where.append("c.code = ANY(%s)")
        args.append(params["category"].split(","))
    if "status" in params:
        where.append("r.status = ANY(%s)")
        args.append(params["status"].split(","))
    if "unit" in params:
        where.append("u.code = ANY(%s)")
        args.append(params["unit"].split(","))
    if "department" in params:
        where.append("d.code = ANY(%s)")
        args.append(params["department"].split(","))
    if "from" in params:
        where.append(
            "(r.reported_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date >= %s::date"
        )
        args.append(params["from"])
    if "to" in params:
        where.append(
            "(r.reported_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date <= %s::date"
        )
        args.append(params["to"])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM routing_report r "
            "JOIN routing_category c ON c.id = r.category_id "
            "JOIN boundaries_adminunit u ON u.id = r.unit_id "
            "JOIN routing_department d ON d.id = r.department_id "
            f"WHERE {' AND '.join(where)}",
            args,
        )
        return cursor.fetchone()[0]


def get(client: Client, path: str, params: dict[str, str]):
    response = client.get(API + path, params)
    assert response.status_code == 200, response.content[:500]
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.parametrize(
    ("role", "superuser", "expected"),
    [
        (None, False, 403),
        ("department_officer", False, 403),
        ("routing_officer", False, 403),
        ("planner", False, 200),
        ("ioc_operator", False, 200),
        (None, True, 200),
    ],
)
def test_who_may_read(db, role, superuser, expected):
    """Planners, operations-centre staff and admins (superusers) only."""
    client = staff_client(role, superuser=superuser)
    for path in ("stats", "clusters", "heatmap", "export.csv"):
        assert client.get(API + path).status_code == expected
    assert client.get("/tiles/reports/12/3260/1845.mvt").status_code == expected


def test_anonymous_gets_403_with_bilingual_body(client):
    response = client.get(API + "clusters")
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "permission_denied"
    assert set(body["messages"]) == {"vi", "en"}
    assert client.get("/tiles/reports/12/3260/1845.mvt").status_code == 403


@pytest.mark.parametrize("box", BOXES)
def test_same_totals_in_clusters_heatmap_stats_and_export(planner, synthetic, box):
    """For each box and filter set, clusters, heatmap, stats and export all count
    what a plain query over routing_report counts."""
    for filters in FILTERS:
        params = {**filters, **({"bbox": box} if box else {})}
        expected = raw_count(params)
        for zoom in ("10", "13", "16"):
            clusters = json.loads(get(planner, "clusters", {**params, "zoom": zoom}))
            assert clusters["total"] == expected, (params, zoom)
            if clusters["mode"] == "clusters":
                assert (
                    sum(f["properties"]["count"] for f in clusters["features"])
                    == expected
                )
                for feature in clusters["features"]:
                    props = feature["properties"]
                    assert sum(props["categories"].values()) == props["count"]
                    assert sum(props["statuses"].values()) == props["count"]
            else:
                assert len(clusters["features"]) == expected
        heat = json.loads(get(planner, "heatmap", params))
        assert sum(weight for _, _, weight in heat) == expected
        stats = json.loads(get(planner, "stats", params))
        assert stats["total"] == stats["total_from_reports"] == expected
        assert sum(row["count"] for row in stats["by_month"]) == expected
        assert sum(row["count"] for row in stats["by_category"]) == expected
        rows = list(
            csv.DictReader(io.StringIO(get(planner, "export.csv", params).decode()))
        )
        assert len(rows) == expected


def test_points_when_zoomed_in_carry_no_personal_data(planner, synthetic):
    body = json.loads(
        get(
            planner,
            "clusters",
            {"bbox": "106.6201,17.4681,106.6215,17.4690", "zoom": "17"},
        )
    )
    assert body["mode"] == "points"
    assert body["features"]
    assert set(body["features"][0]["properties"]) == {
        "id",
        "tracking_code",
        "category",
        "status",
        "reported_at",
    }


def test_tiles_decode_and_add_up_to_the_total(planner, synthetic):
    """The tiles covering Đồng Hới at zoom 12 hold every report once; a zoom-17
    tile holds single reports."""
    total = raw_count({})
    counted = 0
    for x in range(3258, 3264):
        for y in range(1842, 1848):
            response = planner.get(f"/tiles/reports/12/{x}/{y}.mvt")
            assert response.status_code == 200
            assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
            if response.content:
                layer = mapbox_vector_tile.decode(response.content)["reports"]
                counted += sum(f["properties"]["count"] for f in layer["features"])
    assert counted == total
    # A zoom-17 tile over the market: points, as many as the raw count in the tile.
    x, y = 104345, 59060
    lon0, lat0, lon1, lat1 = tile_lonlat(17, x, y)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM routing_report WHERE ST_X(location) >= %s AND "
            "ST_X(location) < %s AND ST_Y(location) >= %s AND ST_Y(location) < %s",
            [lon0, lon1, lat0, lat1],
        )
        in_tile = cursor.fetchone()[0]
    response = planner.get(
        f"/tiles/reports/17/{x}/{y}.mvt", {"status": "closed,resolved"}
    )
    features = (
        mapbox_vector_tile.decode(response.content)["reports"]["features"]
        if response.content
        else []
    )
    closed = raw_count(
        {"status": "closed,resolved", "bbox": f"{lon0},{lat0},{lon1},{lat1}"}
    )
    assert in_tile > 0
    assert len(features) <= closed  # the bbox count includes the tile's far edges
    assert {"id", "tracking_code", "category", "status", "reported_at"} <= set(
        features[0]["properties"]
    )


@pytest.mark.parametrize("fmt", ["csv", "geojson", "gpkg"])
def test_exports_open_and_hold_no_personal_data(planner, synthetic, tmp_path, fmt):
    params = {"bbox": "106.615,17.465,106.630,17.478", "category": "VSMT"}
    path = tmp_path / f"reports.{fmt}"
    path.write_bytes(get(planner, f"export.{fmt}", params))
    frame = geopandas.read_file(path) if fmt != "csv" else None
    if frame is None:
        import pandas

        frame = pandas.read_csv(path)
    assert len(frame) == raw_count(params) > 0
    assert not PERSONAL & set(frame.columns)
    assert not any(column.startswith("reporter") for column in frame.columns)
    if fmt == "gpkg":
        assert frame.crs.to_epsg() == 4326
        assert frame.geometry.geom_type.unique().tolist() == ["Point"]


def test_export_refuses_more_than_the_limit(planner, synthetic, settings):
    settings.ANALYTICS_EXPORT_MAX_ROWS = 10
    response = planner.get(API + "export.csv")
    assert response.status_code == 400
    assert response.json()["code"] == "too_many_rows"


def test_hotspots_h3_and_emerging(planner, synthetic):
    body = json.loads(
        get(
            planner,
            "hotspots",
            {
                "from": "2025-07-01",
                "to": "2026-02-28",
                "compare_from": "2024-07-01",
                "compare_to": "2025-02-28",
                "resolution": "8",
            },
        )
    )
    assert body["level"] == "h3"
    assert body["cells"] == len(body["features"]) > 20
    assert body["total"] == raw_count({"from": "2025-07-01", "to": "2026-02-28"})
    assert sum(f["properties"]["count"] for f in body["features"]) == body["total"]
    props = body["features"][0]["properties"]
    assert {"h3", "count", "z", "p", "p_fdr", "class", "confidence", "emerging"} <= set(
        props
    )
    assert body["significant"] > 0
    for feature in body["features"]:
        p = feature["properties"]
        assert p["p_fdr"] >= p["p"] - 1e-9
        if p["class"] != "not_significant":
            assert p["p_fdr"] <= 0.05
        if p["emerging"]:
            assert p["class"] == "hot"
            assert p["class_before"] != "hot"


def test_hotspots_by_unit_normalised(planner, synthetic):
    body = json.loads(
        get(
            planner,
            "hotspots",
            {"level": "unit", "from": "2025-07-01", "normalise": "area"},
        )
    )
    assert body["level"] == "unit"
    codes = {f["properties"]["code"] for f in body["features"]}
    assert {"18880", "18859", "18871"} <= codes  # Đồng Hới's three wards of 2025
    assert all("per_km2" in f["properties"] for f in body["features"])


def test_bad_parameters_are_explained(planner):
    response = planner.get(API + "clusters", {"category": "NOPE"})
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_code"
    response = planner.get(API + "hotspots", {"resolution": "12"})
    assert response.status_code == 400
    response = planner.get(API + "stats", {"from": "2025-02-01", "to": "2025-01-01"})
    assert response.status_code == 400
