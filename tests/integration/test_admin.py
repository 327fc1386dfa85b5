"""The admin: sets, units on a map, read-only records and the boundary-file upload."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from shapely.geometry import Polygon

from boundaries.importing import SetSpec, import_boundaries
from boundaries.models import AdminUnit, AdminUnitPart, BoundaryImport, BoundarySet
from boundaries.services import unit_geometry_update
from routing.models import StaffProfile

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/boundaries/boundaryset/import/"
SET_CHANGELIST = "/admin/boundaries/boundaryset/"
UNIT_CHANGELIST = "/admin/boundaries/adminunit/"

# Two 0.01° squares side by side in Đồng Hới.
SQUARES = {
    "90001": ("Phường Thử Một", (106.60, 17.47)),
    "90002": ("Phường Thử Hai", (106.61, 17.47)),
}


def _square(lon: float, lat: float, size: float = 0.01) -> list[list[list[float]]]:
    return [
        [
            [lon, lat],
            [lon + size, lat],
            [lon + size, lat + size],
            [lon, lat + size],
            [lon, lat],
        ]
    ]


@pytest.fixture
def squares_file(tmp_path: Path) -> Path:
    """A GeoJSON file of two adjacent wards near lon 106.6, lat 17.47."""
    features = [
        {
            "type": "Feature",
            "properties": {"code": code, "name": name, "level": "ward"},
            "geometry": {"type": "Polygon", "coordinates": _square(*corner)},
        }
        for code, (name, corner) in SQUARES.items()
    ]
    path = tmp_path / "test_wards.geojson"
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}),
        encoding="utf-8",
    )
    return path


def _load_set(
    path: Path, slug: str, valid_from: dt.date, valid_to: dt.date | None
) -> BoundarySet:
    target = SetSpec(
        slug=slug,
        name=f"Bộ thử {slug}",
        jurisdiction_code="44",
        valid_from=valid_from,
        valid_to=valid_to,
    )
    import_boundaries(path=path, target=target, commit=True)
    return BoundarySet.objects.get(slug=slug)


@pytest.fixture
def draft_set(squares_file: Path) -> BoundarySet:
    """A draft set of 2005–2009, before every loaded set of jurisdiction 44."""
    return _load_set(
        squares_file, "test-2005", dt.date(2005, 1, 1), dt.date(2009, 12, 31)
    )


def _import_data(path: Path, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "new_slug": "test-upload",
        "new_name": "Bộ tải lên thử",
        "new_jurisdiction_code": "44",
        "new_valid_from": "2005-01-01",
        "new_valid_to": "2009-12-31",
        "code_field": "code",
        "name_field": "name",
        "name_ascii_field": "name_ascii",
        "level_field": "level",
        "parent_field": "parent_code",
    }
    data.update(overrides)
    return data


def _post_file(client, path: Path, **overrides: object):
    with path.open("rb") as handle:
        return client.post(
            IMPORT_URL, {**_import_data(path, **overrides), "file": handle}
        )


def _counts() -> tuple[int, int, int]:
    return (
        BoundarySet.objects.count(),
        AdminUnit.objects.count(),
        BoundaryImport.objects.count(),
    )


def test_set_changelist_lists_sets_and_links_the_import_page(admin_client):
    """The set list shows the loaded sets, their unit counts and the import button."""
    response = admin_client.get(SET_CHANGELIST)
    assert response.status_code == 200
    content = response.content.decode()
    assert "qt-2025" in content
    assert IMPORT_URL in content
    assert "Nhập đơn vị / Import units" in content
    qt = next(s for s in response.context["cl"].result_list if s.slug == "qt-2025")
    assert qt.unit_count == AdminUnit.objects.filter(boundary_set=qt).count()


def test_unit_changelist_never_selects_the_geometry(admin_client):
    """The unit list, filtered or searched, reads no geom column of any unit row."""
    qt = BoundarySet.objects.get(slug="qt-2025")
    for query in ("", f"?boundary_set__id__exact={qt.pk}&level__exact=ward", "?q=hoi"):
        with CaptureQueriesContext(connection) as captured:
            response = admin_client.get(UNIT_CHANGELIST + query)
        assert response.status_code == 200
        assert response.context["cl"].result_count > 0
        unit_selects = [
            q["sql"]
            for q in captured.captured_queries
            if q["sql"].lstrip().upper().startswith("SELECT")
            and "boundaries_adminunit" in q["sql"]
        ]
        assert unit_selects
        assert not [sql for sql in unit_selects if '"geom"' in sql]


def test_unit_change_page_has_the_leaflet_map(admin_client):
    """A unit's change page draws its outline with django-leaflet's widget."""
    unit = AdminUnit.objects.filter(boundary_set__slug="qt-2025").first()
    response = admin_client.get(
        reverse("admin:boundaries_adminunit_change", args=[unit.pk])
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "leaflet/leaflet.js" in content
    assert "id_geom-map" in content
    assert not re.search(r'(src|href)="https?://', content)  # nothing from a CDN


def test_import_page_is_for_admins_only(client):
    """The access policy decides, not Django's permissions: a staff clerk holding
    boundaries.add_adminunit has no role and no admin; the operations centre reads
    the sets but may not import; an admin by role may."""
    clerk = User.objects.create_user("clerk", password="x", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="add_adminunit"))
    client.force_login(User.objects.get(pk=clerk.pk))
    assert client.get(IMPORT_URL).status_code == 302  # to the admin's sign-in
    operator = User.objects.create_user("ioc", is_staff=True)
    StaffProfile.objects.create(user=operator, role="ioc_operator")
    client.force_login(operator)
    assert client.get(IMPORT_URL).status_code == 403
    listing = client.get(SET_CHANGELIST)
    assert listing.status_code == 200
    assert "Import units" not in listing.content.decode()
    admin = User.objects.create_user("quan-tri", is_staff=True)
    StaffProfile.objects.create(user=admin, role="admin")
    client.force_login(admin)
    assert client.get(IMPORT_URL).status_code == 200


def test_import_page_redirects_anonymous_users_to_login(client):
    """Someone not logged in is sent to the admin login page."""
    response = client.get(IMPORT_URL)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_upload_is_a_dry_run_until_commit_is_ticked(admin_client, squares_file):
    """An upload is a dry run that writes nothing until "commit" is ticked."""
    before = _counts()
    response = _post_file(admin_client, squares_file)
    assert response.status_code == 200
    content = response.content.decode()
    assert "DRY RUN" in content
    assert "created 2" in content
    assert _counts() == before

    response = _post_file(admin_client, squares_file, commit="on")
    assert response.status_code == 200
    assert "COMMITTED" in response.content.decode()
    boundary_set = BoundarySet.objects.get(slug="test-upload")
    assert boundary_set.status == BoundarySet.Status.DRAFT
    units = AdminUnit.objects.filter(boundary_set=boundary_set)
    assert sorted(units.values_list("code", flat=True)) == sorted(SQUARES)
    assert AdminUnitPart.objects.filter(boundary_set=boundary_set).count() >= 2
    record = BoundaryImport.objects.get(boundary_set=boundary_set)
    assert record.source_name == "test_wards.geojson"
    assert record.created_by.username == "admin"


def test_upload_of_a_broken_file_shows_a_bilingual_error(admin_client, tmp_path):
    """An unreadable file re-shows the form with the error in Vietnamese and English."""
    broken = tmp_path / "broken.geojson"
    broken.write_text("{ this is not json", encoding="utf-8")
    before = _counts()
    response = _post_file(admin_client, broken, commit="on")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Không đọc được tệp" in content
    assert "The file cannot be read" in content
    assert 'id="boundary_import_form"' in content
    assert _counts() == before


def test_upload_of_a_wrong_format_is_refused_by_the_form(admin_client, tmp_path):
    """A file that is not GeoJSON, zip or GeoPackage never reaches the importer."""
    text = tmp_path / "units.csv"
    text.write_text("code,name\n1,a\n", encoding="utf-8")
    before = _counts()
    response = _post_file(admin_client, text, commit="on")
    assert response.status_code == 200
    assert "Unsupported format" in response.content.decode()
    assert _counts() == before


def test_refused_upload_lists_the_errors(admin_client, squares_file):
    """A file whose units break the checks is refused, its errors listed, nothing written."""
    before = _counts()
    response = _post_file(
        admin_client, squares_file, level_field="missing", fixed_level=""
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Missing columns: missing" in content
    assert "Tệp thiếu cột" in content
    assert _counts() == before

    response = _post_file(admin_client, squares_file, fixed_parent="99999", commit="on")
    content = response.content.decode()
    assert "REFUSED" in content
    assert 'class="errorlist"' in content
    assert "parent 99999 is neither" in content
    assert _counts() == before


def test_activate_action_puts_a_draft_set_with_units_into_service(
    admin_client, draft_set
):
    """Activating a draft set with units and no overlap makes it active."""
    response = admin_client.post(
        SET_CHANGELIST,
        {"action": "activate", "_selected_action": [draft_set.pk]},
        follow=True,
    )
    assert response.status_code == 200
    draft_set.refresh_from_db()
    assert draft_set.status == BoundarySet.Status.ACTIVE
    assert "is active" in response.content.decode()


def test_activate_action_reports_an_overlapping_set(admin_client, squares_file):
    """A set overlapping an active set stays a draft, with a bilingual message."""
    overlapping = _load_set(squares_file, "test-2026", dt.date(2026, 1, 1), None)
    response = admin_client.post(
        SET_CHANGELIST,
        {"action": "activate", "_selected_action": [overlapping.pk]},
        follow=True,
    )
    assert response.status_code == 200
    overlapping.refresh_from_db()
    assert overlapping.status == BoundarySet.Status.DRAFT
    content = response.content.decode()
    assert "trùng thời gian hiệu lực" in content
    assert "overlaps in time an active set" in content


def test_retire_action_retires_a_set(admin_client, draft_set):
    """Retiring a set takes it out of service without deleting its units."""
    admin_client.post(
        SET_CHANGELIST, {"action": "retire", "_selected_action": [draft_set.pk]}
    )
    draft_set.refresh_from_db()
    assert draft_set.status == BoundarySet.Status.RETIRED
    assert draft_set.units.count() == 2


def test_set_change_page_shows_its_import_reports(admin_client, draft_set):
    """A set's page lists its imports read-only, each with the report text."""
    response = admin_client.get(
        reverse("admin:boundaries_boundaryset_change", args=[draft_set.pk])
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "test_wards.geojson" in content
    assert "COMMITTED" in content


def test_import_and_succession_records_are_read_only(admin_client):
    """Import records and the crosswalk are listed and shown but never editable."""
    record = BoundaryImport.objects.first()
    for url in (
        "/admin/boundaries/boundaryimport/",
        "/admin/boundaries/unitsuccession/",
        reverse("admin:boundaries_boundaryimport_change", args=[record.pk]),
    ):
        response = admin_client.get(url)
        assert response.status_code == 200
        content = response.content.decode()
        assert "boundaryimport/add/" not in content
        assert "unitsuccession/add/" not in content
    page = admin_client.get(
        reverse("admin:boundaries_boundaryimport_change", args=[record.pk])
    )
    assert "<pre>" in page.content.decode()
    assert admin_client.get("/admin/boundaries/unitsuccession/add/").status_code == 403


def _bow_tie(lon: float = 106.60, lat: float = 17.47, size: float = 0.01) -> Polygon:
    """A figure eight: the ring crosses itself in the middle."""
    return Polygon(
        [(lon, lat), (lon + size, lat + size), (lon + size, lat), (lon, lat + size)]
    )


def test_unit_geometry_update_repairs_a_bow_tie_and_rebuilds_parts(draft_set):
    """A bow-tie is saved as two triangles, with area and lookup pieces redone."""
    unit = AdminUnit.objects.get(boundary_set=draft_set, code="90001")
    old_area = unit.area_m2
    repairs = unit_geometry_update(unit=unit, geometry=_bow_tie())
    assert any("made valid" in r for r in repairs)
    unit.refresh_from_db()
    assert unit.geom.valid
    assert unit.geom.num_geom == 2
    assert unit.area_m2 == pytest.approx(old_area / 2, rel=0.01)
    parts = AdminUnitPart.objects.filter(unit=unit)
    assert parts.count() >= 2
    assert all(part.geom.within(unit.geom.buffer(1e-9)) for part in parts)


def test_admin_edit_of_a_unit_outline_goes_through_the_repair(admin_client, draft_set):
    """Saving a bow-tie through the change form stores a repaired outline and pieces."""
    unit = AdminUnit.objects.get(boundary_set=draft_set, code="90002")
    bow_tie = GEOSGeometry(_bow_tie(106.61).wkt, srid=4326)
    response = admin_client.post(
        reverse("admin:boundaries_adminunit_change", args=[unit.pk]),
        {
            "code": unit.code,
            "name": unit.name,
            "name_ascii": unit.name_ascii,
            "level": unit.level,
            "parent": "",
            "geom": bow_tie.json,
            "properties": json.dumps(unit.properties),
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "Geometry repaired" in response.content.decode()
    unit.refresh_from_db()
    assert unit.geom.valid
    assert unit.geom.num_geom == 2
    assert unit.geom.within(bow_tie.envelope.buffer(1e-9))
    assert AdminUnitPart.objects.filter(unit=unit).count() >= 2


def test_admin_refuses_an_outline_with_no_area(admin_client, draft_set):
    """A polygon that collapses to a line is refused with a bilingual form error."""
    unit = AdminUnit.objects.get(boundary_set=draft_set, code="90001")
    flat = GEOSGeometry(
        "POLYGON ((106.6 17.47, 106.61 17.47, 106.62 17.47, 106.6 17.47))", srid=4326
    )
    response = admin_client.post(
        reverse("admin:boundaries_adminunit_change", args=[unit.pk]),
        {
            "code": unit.code,
            "name": unit.name,
            "name_ascii": unit.name_ascii,
            "level": unit.level,
            "parent": "",
            "geom": flat.json,
            "properties": "{}",
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Vùng không có diện tích" in content
    assert "no area once repaired" in content


def _set_form_data(boundary_set: BoundarySet, **overrides: str) -> dict[str, str]:
    data = {
        "slug": boundary_set.slug,
        "name": boundary_set.name,
        "jurisdiction_code": boundary_set.jurisdiction_code,
        "layer": boundary_set.layer,
        "priority": boundary_set.priority,
        "valid_from": boundary_set.valid_from.isoformat(),
        "valid_to": boundary_set.valid_to.isoformat() if boundary_set.valid_to else "",
        "source": boundary_set.source,
        "licence": boundary_set.licence,
        "notes": boundary_set.notes,
        "imports-TOTAL_FORMS": "0",
        "imports-INITIAL_FORMS": "0",
        "imports-MIN_NUM_FORMS": "0",
        "imports-MAX_NUM_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_editing_an_active_sets_dates_into_an_overlap_is_a_form_error(admin_client):
    """Dates overlapping another active set are a form error, not a crash."""
    qb = BoundarySet.objects.get(slug="qb-2020")
    url = reverse("admin:boundaries_boundaryset_change", args=[qb.pk])
    response = admin_client.post(url, _set_form_data(qb, valid_to="2025-12-31"))
    assert response.status_code == 200
    assert "overlaps these dates" in response.content.decode()
    qb.refresh_from_db()
    assert qb.valid_to == dt.date(2025, 6, 30)

    data = _set_form_data(qb, notes="kiểm tra", status="draft")
    assert admin_client.post(url, data).status_code == 302
    qb.refresh_from_db()
    assert qb.notes == "kiểm tra"
    assert qb.status == BoundarySet.Status.ACTIVE


def test_add_pages_render(admin_client):
    """The add pages of sets and units open."""
    for url in (
        "/admin/boundaries/boundaryset/add/",
        "/admin/boundaries/adminunit/add/",
    ):
        assert admin_client.get(url).status_code == 200
