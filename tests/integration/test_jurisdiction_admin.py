"""The jurisdictions' admin: created and edited with the model's validators, listed
with their sets and layers, the extent on a map, not deleted while sets carry the
code; and units whose level is their jurisdiction's own label, in the unit admin."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.gis.geos import Polygon
from django.urls import reverse

from boundaries.jurisdictions import Jurisdiction, jurisdiction_create
from boundaries.models import AdminUnit
from geo.coords import BBox
from tests.factories import AdminUnitFactory, BoundarySetFactory, square

pytestmark = pytest.mark.django_db

ADD = "/admin/boundaries/jurisdiction/add/"
CHANGELIST = "/admin/boundaries/jurisdiction/"
TORONTO_BOX = (-79.6, 43.5, -79.1, 43.9)


def _add_data(**overrides: str) -> dict[str, str]:
    data = {
        "code": "tor",
        "name": "City of Toronto",
        "country": "ca",
        "time_zone": "America/Toronto",
        "level_labels": json.dumps(["ward", "neighbourhood"]),
        "extent": Polygon.from_bbox(TORONTO_BOX).json,
    }
    data.update(overrides)
    return data


def test_a_bad_time_zone_is_refused_with_the_validators_message(admin_client):
    """A superuser adding a jurisdiction in 'America/Toronot' is shown the
    validator's message and nothing is saved; the right zone saves, the country
    upper-cased and the extent drawn as given."""
    response = admin_client.post(ADD, _add_data(time_zone="America/Toronot"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "&#x27;America/Toronot&#x27; is not an IANA time zone" in content
    assert not Jurisdiction.objects.filter(code="tor").exists()

    assert admin_client.post(ADD, _add_data()).status_code == 302
    tor = Jurisdiction.objects.get(code="tor")
    assert (tor.country, tor.time_zone) == ("CA", "America/Toronto")
    assert tor.level_labels == ["ward", "neighbourhood"]
    assert tor.extent_bbox == BBox(*TORONTO_BOX)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("country", "C1", "is not an ISO 3166-1 alpha-2 country code"),
        ("level_labels", json.dumps(["x" * 21]), "A list of labels of 1–20"),
        ("level_labels", json.dumps({"ward": 1}), "A list of labels of 1–20"),
    ],
)
def test_other_bad_fields_are_form_errors(admin_client, field, value, message):
    response = admin_client.post(ADD, _add_data(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Jurisdiction.objects.filter(code="tor").exists()


def _toronto() -> Jurisdiction:
    return jurisdiction_create(
        code="tor",
        name="City of Toronto",
        country="CA",
        time_zone="America/Toronto",
        extent=BBox(*TORONTO_BOX),
    )


def test_the_list_counts_sets_and_names_their_layers(admin_client):
    """Two sets of the administrative layer and one of council districts: 3 sets,
    two layers; the search finds it by name."""
    _toronto()
    for layer in ("administrative", "administrative", "council_district"):
        BoundarySetFactory(jurisdiction_code="tor", layer=layer)
    response = admin_client.get(CHANGELIST, {"q": "city of tor"})
    assert response.status_code == 200
    content = response.content.decode()
    row = re.search(r"<tr>.*?>tor<.*?</tr>", content, re.S)
    assert row is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)
    assert cells[-2:] == ["3", "administrative, council_district"]
    assert "America/Toronto" in row.group(0)
    nothing = admin_client.get(CHANGELIST, {"q": "auckland"}).content.decode()
    assert ">tor<" not in nothing


def test_the_change_page_draws_the_extent_and_fixes_the_code(admin_client):
    tor = _toronto()
    url = reverse("admin:boundaries_jurisdiction_change", args=[tor.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "id_extent-map" in content
    assert 'name="code"' not in content  # shown, not editable
    data = _add_data(code="other", name="Toronto", country="CA")
    assert admin_client.post(url, data).status_code == 302
    tor.refresh_from_db()
    assert (tor.code, tor.name) == ("tor", "Toronto")


def test_a_jurisdiction_is_not_deleted_while_a_set_carries_its_code(admin_client):
    tor = _toronto()
    url = reverse("admin:boundaries_jurisdiction_delete", args=[tor.pk])
    boundary_set = BoundarySetFactory(jurisdiction_code="tor")
    assert admin_client.get(url).status_code == 403
    boundary_set.delete()
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not Jurisdiction.objects.filter(code="tor").exists()


# --- units with a jurisdiction's own level labels --------------------------------


def _council_district(**fields: object) -> AdminUnit:
    tor = _toronto()
    tor.level_labels = ["council_district", "neighbourhood"]
    tor.save()
    return AdminUnitFactory(
        **{
            "boundary_set": BoundarySetFactory(jurisdiction_code="tor"),
            "code": "7",
            "name": "Toronto Centre",
            "name_ascii": "Toronto Centre",
            "level": "council_district",
            "geom": square(-79.40, 43.65, 0.01),
            **fields,
        }
    )


def _unit_data(unit: AdminUnit, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "code": unit.code,
        "name": unit.name,
        "name_ascii": unit.name_ascii,
        "level": unit.level,
        "parent": "",
        "geom": unit.geom.json,
        "properties": json.dumps(unit.properties),
    }
    data.update(overrides)
    return data


def _options(content: str) -> dict[str, bool]:
    """The level select's options: value → selected."""
    select = re.search(r'<select name="level".*?</select>', content, re.S)
    assert select is not None
    return {
        value: bool(selected)
        for value, selected in re.findall(
            r'<option value="([^"]*)"( selected)?', select.group(0)
        )
    }


def test_a_unit_with_its_jurisdictions_own_label_opens_and_saves(admin_client):
    """A Toronto council district shows its level selected among Toronto's labels
    (not Vietnam's) and saves, renamed, with its label kept."""
    unit = _council_district()
    url = reverse("admin:boundaries_adminunit_change", args=[unit.pk])
    options = _options(admin_client.get(url).content.decode())
    assert options == {"council_district": True, "neighbourhood": False}
    response = admin_client.post(url, _unit_data(unit, name="Toronto Centre-East"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    unit.refresh_from_db()
    assert (unit.name, unit.level) == ("Toronto Centre-East", "council_district")
    response = admin_client.post(url, _unit_data(unit, level="ward"))
    assert response.status_code == 200  # Vietnam's ward is not one of Toronto's
    assert "level" in response.context["adminform"].form.errors


def test_a_unit_keeps_a_label_its_jurisdiction_does_not_list(admin_client):
    """A label the jurisdiction's list lacks (set before the list was kept) is
    offered as it is, so the unit still saves."""
    unit = _council_district(level="precinct")
    url = reverse("admin:boundaries_adminunit_change", args=[unit.pk])
    assert _options(admin_client.get(url).content.decode())["precinct"] is True
    assert admin_client.post(url, _unit_data(unit)).status_code == 302


def test_a_vietnamese_unit_is_offered_vietnams_levels(admin_client):
    unit = AdminUnit.objects.filter(boundary_set__slug="qt-2025", level="ward").first()
    url = reverse("admin:boundaries_adminunit_change", args=[unit.pk])
    options = _options(admin_client.get(url).content.decode())
    assert set(options) >= {"province", "ward", "commune", "special_zone"}
    assert options["ward"] is True
    assert "council_district" not in options


def test_a_unit_added_takes_a_label_of_its_sets_jurisdiction(admin_client):
    """Adding to a Toronto set: 'ward' is refused naming Toronto's labels, in both
    languages; 'neighbourhood' is added."""
    unit = _council_district()
    add = "/admin/boundaries/adminunit/add/"
    data = _unit_data(unit, code="8", boundary_set=unit.boundary_set_id, level="ward")
    content = admin_client.post(add, data).content.decode()
    assert "Level &#x27;ward&#x27; is not one of jurisdiction tor&#x27;s" in content
    assert "Cấp &#x27;ward&#x27; không thuộc đơn vị quản lý tor" in content
    data["level"] = "neighbourhood"
    assert admin_client.post(add, data).status_code == 302
    added = AdminUnit.objects.get(boundary_set=unit.boundary_set, code="8")
    assert added.level == "neighbourhood"


def test_the_unit_list_filters_by_the_labels_units_hold(admin_client):
    _council_district()
    content = admin_client.get("/admin/boundaries/adminunit/").content.decode()
    assert "?level=council_district" in content
    listed = admin_client.get(
        "/admin/boundaries/adminunit/", {"level": "council_district"}
    ).content.decode()
    assert "Toronto Centre" in listed
