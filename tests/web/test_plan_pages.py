"""The planners' map page as HTML (Django's test client, no browser): who may open
it, what it is configured with, and that it carries no personal data."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation

from routing.models import Category, Report, StaffProfile
from tests.analytics.conftest import staff_client
from tests.factories import report_create, report_force
from tests.pages import page_config
from tests.points import DONG_PHU

pytestmark = pytest.mark.django_db

NAME, PHONE, EMAIL = "Trần Thị Bích", "0987654321", "bich@example.vn"
DESCRIPTION = "Cống bị tắc trước nhà số 12, gọi chị Bích."


def offered(html: str, select: str) -> list[str]:
    """The option values of a select, sorted."""
    block = re.search(rf'<select id="{select}".*?</select>', html, re.S)[0]
    return sorted(re.findall(r'<option value="([^"]*)"', block))


@pytest.fixture
def reports(settings, tmp_path) -> list[Report]:
    """Two reports with a reporter's name, phone, e-mail and a description that
    names her; one of them reported fourteen months ago."""
    settings.MEDIA_ROOT = tmp_path
    lon, lat = DONG_PHU
    made = [
        report_create(
            lon=lon,
            lat=lat,
            category=code,
            description=DESCRIPTION,
            reporter_name=NAME,
            reporter_phone=PHONE,
            reporter_email=EMAIL,
        )
        for code in ("CTN", "VSMT")
    ]
    # Made today (routed with today's zones), then moved back fourteen months.
    report_force(made[0], reported_at=timezone.now() - dt.timedelta(days=425))
    return [Report.objects.get(pk=report.pk) for report in made]


def test_anonymous_visitors_go_to_sign_in(client: Client):
    response = client.get("/plan/")
    assert response.status_code == 302
    assert response["Location"] == "/ops/login?next=/plan/"


@pytest.mark.parametrize("role", ["department_officer", "unit_officer", None])
def test_other_staff_are_refused_in_vietnamese(role):
    """Staff who do not read analytics get a 403 page saying why, in Vietnamese
    even for an English browser."""
    client = staff_client("department_officer" if role else None)
    if role == "unit_officer":
        StaffProfile.objects.filter(user_id=client.session["_auth_user_id"]).update(
            role=role, department=None, unit_code="18880"
        )
    response = client.get("/plan/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 403
    assert response["Content-Language"] == "vi"
    assert "Chỉ cán bộ quy hoạch" in html
    assert 'id="map"' not in html


@pytest.mark.parametrize("role", ["planner", "ioc_operator"])
def test_analytics_readers_get_the_map(role):
    response = staff_client(role).get("/plan/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Language"] == "vi"
    assert '<h1 id="plan-title">Bản đồ quy hoạch</h1>' in html
    assert 'aria-current="page"' in html  # the header's "Planning" link
    assert "vendor/leaflet.heat/leaflet-heat.js" in html
    assert "web/css/plan.css" in html


def test_admins_get_the_map():
    assert staff_client(None, superuser=True).get("/plan/").status_code == 200


def test_configuration(reports):
    """The page names the analytics endpoints, every category with its colour, the
    statuses in Vietnamese, and the months from the first report to the last; the
    filters offer the units and departments reports went to."""
    response = staff_client("planner").get("/plan/")
    config = page_config(response)
    assert config["urls"]["clusters"] == "/api/v1/analytics/clusters"
    assert config["urls"]["export_csv"] == "/api/v1/analytics/export.csv"
    assert config["urls"]["export_geojson"] == "/api/v1/analytics/export.geojson"
    assert {c["code"] for c in config["categories"]} == set(
        Category.objects.values_list("code", flat=True)
    )
    assert all(c["colour"].startswith("#") for c in config["categories"])
    assert config["statuses"]["assigned"] == "Đã chuyển xử lý"
    months = config["months"]
    first = timezone.localtime(reports[0].reported_at).strftime("%Y-%m")
    last = timezone.localtime(reports[1].reported_at).strftime("%Y-%m")
    assert months[0] == first
    assert months[-1] == last
    assert len(months) in (14, 15)  # 425 days back, whatever today's day
    assert len(set(months)) == len(months) == len(sorted(months))
    assert config["map"]["tiles"] is None
    assert {s["slug"] for s in config["boundary_sets"]} >= {"qt-2025"}
    html = response.content.decode()
    assert '<optgroup label="Địa giới từ 01/07/2025">' in html
    for report in reports:
        assert f'<option value="{report.unit.code}">{report.unit.name}</option>' in html
        assert f'<option value="{report.department.code}">' in html
    # Only what reports went to: no other ward or department is offered.
    assert offered(html, "unit") == ["", *sorted({r.unit.code for r in reports})]
    assert offered(html, "department") == [
        "",
        *sorted({r.department.code for r in reports}),
    ]


def test_the_offered_filters_answer(reports):
    """Each unit and department the page offers is a filter the analytics API
    accepts, and selects the reports routed there."""
    client = staff_client("planner")
    html = client.get("/plan/").content.decode()
    units = [code for code in offered(html, "unit") if code]
    departments = [code for code in offered(html, "department") if code]
    assert units
    assert departments
    for unit in units:
        body = client.get("/api/v1/analytics/stats", {"unit": unit}).json()
        assert body["total"] == sum(r.unit.code == unit for r in reports)
    for department in departments:
        body = client.get("/api/v1/analytics/stats", {"department": department}).json()
        assert body["total"] == sum(r.department.code == department for r in reports)


def test_no_reports_yet():
    """Without reports the period has no slider and says so."""
    response = staff_client("planner").get("/plan/")
    html = response.content.decode()
    assert page_config(response)["months"] == []
    assert 'id="month-from"' not in html
    assert "Chưa có phản ánh nào." in html


def test_no_personal_data(reports):
    """Nothing about who reported, nor what they wrote, reaches the page."""
    html = staff_client("planner").get("/plan/").content.decode()
    for secret in (NAME, PHONE, PHONE[1:], EMAIL, DESCRIPTION, "reporter"):
        assert secret not in html


def test_english_when_chosen(reports):
    client = staff_client("planner")
    client.post("/i18n/setlang/", {"language": "en", "next": "/plan/"})
    response = client.get("/plan/")
    html = response.content.decode()
    assert response["Content-Language"] == "en"
    assert '<h1 id="plan-title">Planning map</h1>' in html
    assert page_config(response)["statuses"]["assigned"] == "Forwarded for handling"


def test_every_string_of_the_page_is_translated(client: Client):
    """The template's and the scripts' messages all have Vietnamese translations
    (the scripts' through the page's JavaScript catalog)."""
    web = Path(settings.BASE_DIR) / "web"
    template = (web / "templates/web/plan/plan.html").read_text()
    messages = re.findall(r'{% translate "([^"]+)" %}', template)
    messages += re.findall(r"{% translate '([^']+)' %}", template)
    assert len(messages) > 30
    with translation.override("vi"):
        untranslated = [m for m in messages if translation.gettext(m) == m]
    assert not untranslated
    scripts = "".join(
        (web / "static/web/js" / name).read_text()
        for name in (
            "plan.js",
            "plan-chart.js",
            "plan-filters.js",
            "plan-choropleth.js",
        )
    )
    js_messages = set(re.findall(r'gettext\("([^"]+)"\)', scripts))
    assert len(js_messages) > 40
    body = client.get("/jsi18n/", {"lang": "vi"}).content.decode()
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});", body, re.S)[1])
    assert not [m for m in js_messages if not catalog.get(m)]
