"""The jurisdictions' admin: created and edited with the model's validators, listed
with their sets and layers, the extent on a map, not deleted while sets carry the
code."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.gis.geos import Polygon
from django.urls import reverse

from boundaries.jurisdictions import Jurisdiction, jurisdiction_create
from geo.coords import BBox
from tests.factories import BoundarySetFactory

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
