"""The citizen pages as HTML (Django's test client, no browser): language, map
configuration, tracking lookups, privacy, and the compiled translations."""

from __future__ import annotations

import gettext
import json
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from routing.models import Category
from tests.factories import report_create
from tests.pages import page_config

LOCALE = Path(settings.BASE_DIR) / "locale"


@pytest.fixture
def report(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return report_create(
        lon=106.6155,
        lat=17.4689,
        category="VSMT",
        description="Rác tồn đọng ở chợ.",
        reporter_name="Nguyễn Văn An",
        reporter_phone="0912345678",
    )


@pytest.mark.django_db
def test_vietnamese_whatever_the_browser_prefers(client):
    """Without a choice made with the switch, the pages are Vietnamese even for a
    browser that prefers English."""
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Language"] == "vi"
    assert '<html lang="vi">' in html
    assert "Phản ánh hiện trường tại Đồng Hới" in html
    assert 'src="/jsi18n/?lang=vi"' in html


@pytest.mark.django_db
def test_language_switch_gives_english(client):
    """The switch posts to set_language; the next page is English."""
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/r/"})
    assert response.status_code == 302
    assert response["Location"] == "/r/"
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Report a problem in Đồng Hới" in html
    assert '<button type="submit" name="language" value="vi" lang="vi">' in html


@pytest.mark.django_db
def test_form_configuration(client):
    """The form gets the map (no basemap in tests, the jurisdiction's extent, the
    first outline request), the active categories and the limits."""
    response = client.get("/")
    config = page_config(response)
    map_config = config["map"]
    assert map_config["tiles"] is None
    (south, west), (north, east) = map_config["bounds"]
    assert south < 17.47 < north
    assert west < 106.6 < east
    assert map_config["initial_units"]["url"] in response.content.decode().replace(
        "&amp;", "&"
    )  # the <link rel=preload>
    assert config["limits"]["photos"] == settings.REPORT_MAX_PHOTOS
    assert config["statuses"]["assigned"] == "Đã chuyển xử lý"
    html = response.content.decode()
    active = Category.objects.filter(active=True).count()
    assert html.count('name="category"') == active
    assert 'for="reporter_phone"' in html


@pytest.mark.django_db
def test_outline_request_answers(client):
    """The first outline request the page names is one the boundaries API answers
    with the Đồng Hới wards."""
    config = page_config(client.get("/"))
    units = client.get(config["map"]["initial_units"]["url"]).json()
    names = {feature["properties"]["name"] for feature in units["features"]}
    assert {"Phường Đồng Hới", "Phường Đồng Thuận", "Phường Đồng Sơn"} <= names


@pytest.mark.django_db
def test_javascript_catalog_holds_the_pages_strings(client):
    """/jsi18n/ translates the scripts' messages, and only the pages' own."""
    vi = client.get("/jsi18n/", {"lang": "vi"}).content.decode()
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});", vi, re.S)[1])
    assert catalog["Follow this report instead"] == "Theo dõi phản ánh này"
    assert "Today" not in catalog  # the admin's calendar strings stay out
    en = client.get("/jsi18n/", {"lang": "en"}).content.decode()
    assert "Theo d" not in en


def test_track_page(client, report):
    """The tracking page shows the status, the deadline as dd/mm/yyyy in Hà Nội time
    and the public timeline, never who reported."""
    response = client.get(f"/r/{report.tracking_code}")
    html = response.content.decode()
    assert response.status_code == 200
    assert report.tracking_code in html
    assert "Đã chuyển xử lý" in html
    due = timezone.localtime(report.due_at, timezone=timezone.get_fixed_timezone(420))
    assert due.strftime("%d/%m/%Y") in html
    assert "Nguyễn Văn An" not in html
    assert "912345678" not in html
    assert 'id="rating-form"' not in html
    assert page_config(response)["map"]["pin"] == pytest.approx([17.4689, 106.6155])


def test_track_lookup(client, report):
    """A code typed in any shape finds its page; an unknown one gets a 404 that
    says so in Vietnamese."""
    typed = report.tracking_code.lower().replace("-", " ")
    response = client.get("/r/", {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == f"/r/{report.tracking_code}"
    loose = client.get(f"/r/{report.tracking_code.replace('-', '').lower()}")
    assert loose.status_code == 302
    assert loose["Location"] == f"/r/{report.tracking_code}"
    missing = client.get("/r/", {"code": "HT-2222-2222"})
    assert missing.status_code == 404
    assert "Không tìm thấy phản ánh có mã “HT-2222-2222”" in missing.content.decode()
    assert client.get("/r/HT-2222-2222").status_code == 404


def test_compiled_translations_match_their_sources(tmp_path):
    """The committed .mo files say what the .po files say (run `make messages` or
    `manage.py compilemessages` after editing a .po)."""
    for source in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        compiled = source.with_suffix(".mo")
        fresh = tmp_path / compiled.name
        subprocess.run(
            ["msgfmt", "--check-format", "-o", str(fresh), str(source)], check=True
        )
        with compiled.open("rb") as kept, fresh.open("rb") as made:
            assert (
                gettext.GNUTranslations(kept)._catalog
                == gettext.GNUTranslations(made)._catalog
            ), f"{compiled} is stale"
