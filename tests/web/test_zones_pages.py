"""The zone editor page as HTML (Django's test client): who may open it, in which
language, and the configuration its scripts get."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, User

from routing.models import Category, Department, StaffProfile
from tests.pages import page_config

pytestmark = pytest.mark.django_db

URL = "/ops/zones/"


def officer(username: str = "dieu-phoi") -> User:
    user = User.objects.create_user(username, is_staff=True)
    StaffProfile.objects.create(user=user, role="routing_officer")
    return user


def test_anonymous_visitors_go_to_the_sign_in_page(client):
    """No session: a redirect to /ops/login that comes back to the editor."""
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == "/ops/login?next=/ops/zones/"


@pytest.mark.parametrize("role", ["ioc_operator", "department_officer", "planner"])
def test_other_staff_get_a_vietnamese_403(client, role):
    """Staff of other roles are refused, in Vietnamese, with the reason; the API
    would refuse their writes too."""
    user = User.objects.create_user(f"nv-{role}", is_staff=True)
    department = Department.objects.get(code="dh-qldt")
    StaffProfile.objects.create(
        user=user,
        role=role,
        department=department if role == "department_officer" else None,
    )
    client.force_login(user)
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="vi">' in html
    assert "Chỉ cán bộ điều phối" in html
    assert 'id="page-config"' not in html


def test_a_member_of_the_group_without_the_role_is_refused(client):
    """The group alone is not enough: zone editing is the routing officer's role,
    as in the API."""
    user = User.objects.create_user("nhom-only", is_staff=False)
    user.groups.add(Group.objects.get(name="routing_officer"))
    client.force_login(user)
    assert client.get(URL).status_code == 403


def test_a_routing_officer_gets_the_editor_in_vietnamese(client):
    """The editor: the map, geoman and the editor's scripts, the header links to it,
    Vietnamese whatever the browser prefers."""
    client.force_login(officer())
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Language"] == "vi"
    assert '<h1 id="zones-title">Vùng trách nhiệm</h1>' in html
    assert 'href="/ops/zones/" aria-current="page"' in html
    for asset in (
        "vendor/leaflet-geoman/leaflet-geoman.min.js",
        "vendor/leaflet-geoman/leaflet-geoman.css",
        "web/js/zones-text.js",
        "web/js/zones-map.js",
        "web/js/zones-draw.js",
        "web/js/zones-findings.js",
        "web/js/zones-history.js",
        "web/js/zones.js",
        "web/css/zones.css",
    ):
        assert asset in html
    # Every category can be ticked, named in Vietnamese.
    assert 'value="VSMT"><span>Vệ sinh môi trường</span>' in html


def test_a_superuser_may_open_it_in_english(client):
    """Superusers edit zones too; the switch gives the English page."""
    client.force_login(User.objects.create_superuser("root"))
    client.post("/i18n/setlang/", {"language": "en", "next": URL})
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert "Responsibility zones" in html
    config = page_config(response)
    names = {c["code"]: c["name"] for c in config["categories"]}
    assert names["VSMT"] == Category.objects.get(code="VSMT").name_en
    assert config["statuses"] == {"published": "Published", "draft": "Draft"}


def test_configuration_names_the_api_and_the_choices(client):
    """The API addresses (with an {id} slot), the departments with a colour each,
    the picker without old People's Committees, and the limits of the fields."""
    client.force_login(officer())
    config = page_config(client.get(URL))
    urls = config["urls"]
    assert urls["zones"] == "/api/v1/zones"
    assert urls["zone"] == "/api/v1/zones/{id}"
    assert urls["draft"] == "/api/v1/zones/{id}/draft"
    assert urls["history"] == "/api/v1/zones/{id}/history"
    assert urls["track"] == "/r/{code}"
    assert urls["unit"] == "/api/v1/boundaries/units/{code}"
    # The wards and communes in force today, whose area a shape may start from.
    units = {u["code"]: u["name"] for u in config["units"]}
    assert units["18859"] == "Phường Đồng Thuận"
    assert "18856" not in units  # Phường Đồng Phú, merged on 1 July 2025
    assert (urls["validate"], urls["preview"], urls["publish"]) == (
        "/api/v1/zones/validate",
        "/api/v1/zones/preview",
        "/api/v1/zones/publish",
    )
    departments = {d["code"]: d for d in config["departments"]}
    assert len(departments) == Department.objects.filter(active=True).count()
    environment = departments["qb-moitruong"]
    assert environment["name"].startswith("Công ty Cổ phần Môi trường")
    assert re.fullmatch(r"#[0-9a-f]{6}", environment["colour"])
    assert environment["pickable"]
    assert not environment["committee"]
    # Agencies do not share a colour until the palette runs out.
    agencies = [d for d in config["departments"] if not d["committee"]]
    colours = [d["colour"] for d in agencies[:12]]
    assert len(set(colours)) == len(colours)
    # The ward in force today is offered; a ward merged away in 2025 is not.
    assert departments["ubnd-18880-phuong-dong-hoi"]["pickable"] is True
    old = [
        d
        for d in config["departments"]
        if d["committee"] and d["code"].startswith("ubnd-18856")
    ]
    assert old
    assert not any(d["pickable"] for d in old)
    assert config["limits"]["priority_min"] == -1000
    assert config["limits"]["priority_max"] == 1000
    assert config["map"]["tiles"] is None
    assert config["actions"]["superseded"] == "Được thay bằng phiên bản mới"
    assert config["fields"]["department"] == "Cơ quan xử lý"
