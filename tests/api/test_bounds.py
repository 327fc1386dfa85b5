"""Bounds on what a query may ask: dates within a sane range (a bilingual 400, not
a 500), boxes clamped to the jurisdiction, duplicate distances as coarse as the
positions shown."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from analytics.selection import ReportFilter
from api.analytics.params import parse_filter
from boundaries.extent import bbox_clamp, jurisdiction_extent
from boundaries.models import AdminUnit
from geo.coords import BBox
from routing.intake.duplicates import distance_shown
from routing.models import Report, StaffProfile
from routing.reports.roles import Role
from tests.factories import report_create
from tests.points import DONG_PHU

pytestmark = pytest.mark.django_db

FAR_FUTURE = ("9999-12-31", "31/12/9999", "9999-12-31T23:59:59+07:00")
FAR_PAST = ("0001-01-01", "1899-12-31", "0001-01-01T00:00:00-12:00")


@pytest.fixture
def operator() -> Client:
    user = get_user_model().objects.create_user("bounds-ioc", is_staff=True)
    StaffProfile.objects.create(user=user, role=Role.IOC_OPERATOR)
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("value", FAR_FUTURE + FAR_PAST)
@pytest.mark.parametrize("field", ["from", "to"])
def test_report_list_dates_out_of_range_are_a_bilingual_400(operator, field, value):
    """GET /reports/?to=9999-12-31 (a 500 before) names the accepted range."""
    response = operator.get("/api/v1/reports/", {field: value})
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "date_out_of_range"
    assert body["field"] == field
    assert "2000-01-01" in body["messages"]["en"]
    assert "01/01/2000" in body["messages"]["vi"]


@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/api/v1/analytics/clusters", "to"),
        ("/api/v1/analytics/stats", "from"),
        ("/api/v1/analytics/hotspots", "compare_to"),
        ("/api/v1/zones/", "at"),
        ("/api/v1/routing/explain", "at"),
        ("/api/v1/boundaries/units", "date"),
        ("/api/v1/boundaries/lookup", "date"),
    ],
)
def test_every_date_parameter_is_bounded(operator, url, param):
    query = {param: "9999-12-31", "lon": DONG_PHU[0], "lat": DONG_PHU[1]}
    query["category"] = "VSMT"
    if param == "compare_to":
        query["compare_from"] = "2025-01-01"
    response = operator.get(url, query)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "date_out_of_range"


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01T00:00:00Z"])
def test_open311_dates_out_of_range_are_the_specs_400(client, value):
    response = client.get(
        "/open311/v2/requests.json", {"start_date": value, "end_date": value}
    )
    assert response.status_code == 400
    assert "2000-01-01" in response.json()[0]["description"] or (
        "01/01/2000" in response.json()[0]["description"]
    )


def test_dates_inside_the_range_are_accepted(operator):
    today = timezone.localdate()
    for day in (dt.date(2000, 1, 1), today, today + dt.timedelta(days=365)):
        response = operator.get("/api/v1/reports/", {"to": day.isoformat()})
        assert response.status_code == 200, (day, response.content)


def test_a_world_box_is_clamped_to_the_jurisdiction():
    """The box around every unit (plus the shore tolerance) replaces a world-sized
    box; it holds every unit; a box missing it is left alone."""
    extent = jurisdiction_extent()
    assert extent is not None
    world = BBox(-180, -90, 180, 90)
    assert bbox_clamp(world) == extent
    assert extent.max_lon - extent.min_lon < 5
    for unit in AdminUnit.objects.only("geom"):
        x0, y0, x1, y1 = unit.geom.extent
        assert extent.min_lon <= x0
        assert x1 <= extent.max_lon
        assert extent.min_lat <= y0
        assert y1 <= extent.max_lat
    elsewhere = BBox(-10, -10, -9, -9)
    assert bbox_clamp(elsewhere) == elsewhere


def test_a_world_box_on_the_analytics_reads_the_aggregates():
    """Clamped, a world box splits into whole pre-aggregated cells and edge strips:
    the reports are not read one by one (unclamped, no cell fits the box)."""
    unclamped = ReportFilter(bbox=(-180, -90, 180, 90))
    assert unclamped.split is not None
    assert unclamped.split.inner is None
    assert unclamped.split.ring is None  # beyond the grid: by coordinates
    selection = parse_filter({"bbox": "-180,-90,180,90"})
    assert selection.split is not None
    assert selection.split.inner is not None


def test_a_world_box_on_the_report_list_finds_the_same_reports(operator):
    report = report_create(
        lon=DONG_PHU[0], lat=DONG_PHU[1], category="VSMT", description="Rác."
    )
    listed = operator.get("/api/v1/reports/", {"bbox": "-180,-90,180,90"}).json()
    codes = json.dumps(listed)
    assert report.tracking_code in codes
    assert Report.objects.in_bbox(BBox(-180, -90, 180, 90)).filter(pk=report.pk)


def test_duplicate_distances_are_as_coarse_as_the_positions():
    """Positions are shown to ~11 m, so distances are shown in 10 m steps."""
    assert [distance_shown(m) for m in (0.0, 4.9, 5.1, 38.26, 104.99)] == [
        0,
        0,
        10,
        40,
        100,
    ]
