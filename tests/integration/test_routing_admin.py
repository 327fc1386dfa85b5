"""The routing admin pages open for staff and show zones and reports read-only."""

import pytest

from routing.models import ResponsibilityZone
from tests.factories import report_create

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/admin/routing/department/",
        "/admin/routing/category/",
        "/admin/routing/defaultdepartment/",
        "/admin/routing/responsibilityzone/",
        "/admin/routing/report/",
    ],
)
def test_routing_changelists_open(admin_client, url):
    """Each routing changelist renders for a superuser."""
    assert admin_client.get(url).status_code == 200


def test_zone_page_shows_its_map_and_history(admin_client):
    """A zone's page draws its polygon with Leaflet and lists its history."""
    zone = ResponsibilityZone.objects.published().first()
    page = admin_client.get(f"/admin/routing/responsibilityzone/{zone.pk}/change/")
    assert page.status_code == 200
    assert b"leaflet" in page.content.lower()
    assert b"published" in page.content


def test_report_page_shows_the_routing_reason(admin_client):
    """A report's page shows its assignment with the Vietnamese reason."""
    report = report_create(lon=106.6155, lat=17.4689, category="VSMT")
    page = admin_client.get(f"/admin/routing/report/{report.pk}/change/")
    assert page.status_code == 200
    assert "Thu gom rác".encode() in page.content


def test_zone_admin_refuses_edits(admin_client):
    """Zones change only through drafts and publishing: the admin refuses a POST."""
    zone = ResponsibilityZone.objects.published().first()
    response = admin_client.post(
        f"/admin/routing/responsibilityzone/{zone.pk}/change/", {"name": "x"}
    )
    assert response.status_code == 403
    zone.refresh_from_db()
    assert zone.name != "x"
