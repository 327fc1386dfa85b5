"""Open311 discovery, service list and service definitions, in JSON and XML."""

from __future__ import annotations

import pytest

from api.models import ServiceAttribute
from routing.models import Category
from tests.open311 import conformance as c
from tests.open311.forms import BASE

pytestmark = pytest.mark.django_db


def test_format_checker_is_armed():
    """The schema check really checks date-time and uri formats: a request with
    "yesterday" as its datetime fails, as does a datetime without an offset."""
    request = {
        "service_request_id": "HT-2222-2222",
        "status": "open",
        "service_code": "VSMT",
        "requested_datetime": "yesterday",
        "media_url": "not a uri",
    }
    errors = c.schema_errors("request.json", request)
    assert any("requested_datetime" in e for e in errors), errors
    assert any("media_url" in e for e in errors), errors
    with pytest.raises(AssertionError):
        c.assert_datetime("2025-07-12T08:30:00")


def test_schema_quirks_are_caught_by_the_stricter_checks():
    """What services.json lets through (strings as services, an empty list) fails
    the stricter check."""
    assert c.schema_errors("services.json", ["VSMT", "HTGT"]) == []
    assert c.schema_errors("services.json", []) == []
    with pytest.raises(AssertionError):
        c.check_services(["VSMT", "HTGT"])
    with pytest.raises(AssertionError):
        c.check_services([])


def test_discovery_in_both_formats(client):
    """Discovery is served as JSON and XML, names our endpoint and both formats."""
    body = client.get(f"{BASE}discovery.json").json()
    c.check_discovery(body)
    (endpoint,) = body["endpoints"]
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    c.assert_datetime(body["changeset"], nullable=False)

    root = c.parse_xml(client.get(f"{BASE}discovery.xml"))
    assert root.tag == "discovery"
    assert [e.tag for e in root] == ["changeset", "contact", "key_service", "endpoints"]
    endpoint = root.find("endpoints/endpoint")
    assert [e.tag for e in endpoint] == [
        "specification",
        "url",
        "changeset",
        "type",
        "formats",
    ]
    assert [f.text for f in endpoint.findall("formats/format")] == [
        "text/xml",
        "application/json",
    ]


def test_services_list_every_active_category(client):
    """One service per active category, in Vietnamese, realtime; metadata is true
    exactly for the categories with attributes."""
    Category.objects.filter(code="KHAC").update(active=False)
    response = client.get(f"{BASE}services.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    c.check_services(body)
    services = {s["service_code"]: s for s in body}
    active = set(Category.objects.filter(active=True).values_list("code", flat=True))
    assert set(services) == active
    assert "KHAC" not in services
    with_attributes = set(
        ServiceAttribute.objects.values_list("category__code", flat=True)
    )
    assert {code for code, s in services.items() if s["metadata"]} == with_attributes
    vsmt = services["VSMT"]
    assert vsmt["service_name"] == "Vệ sinh môi trường"
    assert vsmt["type"] == "realtime"
    assert vsmt["group"] == "Môi trường"
    assert "VSMT" in vsmt["keywords"]


def test_services_in_english_with_accept_language(client):
    """Accept-Language: en gives English names, descriptions and groups."""
    body = client.get(f"{BASE}services.json", HTTP_ACCEPT_LANGUAGE="en").json()
    c.check_services(body)
    vsmt = next(s for s in body if s["service_code"] == "VSMT")
    assert vsmt["service_name"] == "Waste and sanitation"
    assert vsmt["group"] == "Environment"


def test_services_xml_uses_the_spec_element_names(client):
    """<services><service> with the spec's children, metadata as true/false."""
    root = c.parse_xml(client.get(f"{BASE}services.xml"))
    services = c.xml_items(root, "services", "service")
    assert services
    for service in services:
        assert [e.tag for e in service] == c.SERVICE_FIELDS
        assert service.findtext("metadata") in ("true", "false")
        assert service.findtext("type") == "realtime"
    vsmt = next(s for s in services if s.findtext("service_code") == "VSMT")
    assert vsmt.findtext("service_name") == "Vệ sinh môi trường"
    assert vsmt.findtext("metadata") == "true"


def test_service_definition_lists_attributes_in_order(client):
    """services/VSMT holds loai_rac (required single-value list) then khoi_luong."""
    response = client.get(f"{BASE}services/VSMT.json")
    assert response.status_code == 200
    body = response.json()
    c.check_definition(body)
    assert body["service_code"] == "VSMT"
    first, second = body["attributes"]
    assert (first["code"], first["datatype"], first["required"], first["order"]) == (
        "loai_rac",
        "singlevaluelist",
        True,
        1,
    )
    assert {"key": "cong_kenh", "name": "Rác cồng kềnh (tủ, giường, nệm…)"} in first[
        "values"
    ]
    assert second["code"] == "khoi_luong"


def test_service_definition_number_and_english(client):
    """CTN's ngap_sau_cm is a number without values; English names with en."""
    body = client.get(f"{BASE}services/CTN.json", HTTP_ACCEPT_LANGUAGE="en").json()
    c.check_definition(body)
    depth = next(a for a in body["attributes"] if a["code"] == "ngap_sau_cm")
    assert depth["datatype"] == "number"
    assert depth["values"] == []
    assert depth["description"] == "Estimated flood depth (cm), if flooded"
    kind = next(a for a in body["attributes"] if a["code"] == "loai_su_co")
    assert {"key": "ngap", "name": "Flooding"} in kind["values"]


def test_service_definition_xml(client):
    """<service_definition><attributes><attribute>…<values><value><key/><name/>."""
    root = c.parse_xml(client.get(f"{BASE}services/HTGT.xml"))
    assert root.tag == "service_definition"
    assert [e.tag for e in root] == ["service_code", "attributes"]
    attributes = root.findall("attributes/attribute")
    assert [a.findtext("code") for a in attributes] == ["muc_do", "hang_muc"]
    for attribute in attributes:
        assert [e.tag for e in attribute] == c.ATTRIBUTE_FIELDS
        for value in attribute.findall("values/value"):
            assert [e.tag for e in value] == ["key", "name"]
    assert attributes[1].findtext("datatype") == "multivaluelist"
    assert attributes[0].findtext("required") == "true"


def test_service_definition_without_attributes_is_empty(client):
    """A service with metadata false still has a (empty) definition."""
    body = client.get(f"{BASE}services/HCC.json").json()
    c.check_definition(body)
    assert body == {"service_code": "HCC", "attributes": []}


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_or_inactive_service_is_404(client, fmt):
    """An unknown or inactive service code is a 404 in the spec's error list."""
    Category.objects.filter(code="KHAC").update(active=False)
    for code in ("NOPE", "KHAC"):
        response = client.get(f"{BASE}services/{code}.{fmt}")
        assert response.status_code == 404
        if fmt == "json":
            c.check_errors(response.json(), 404)
        else:
            c.check_xml_errors(c.parse_xml(response), 404)


@pytest.mark.parametrize(
    "path",
    ["services.json", "services/VSMT.json", "requests.json", "discovery.json"],
)
def test_jurisdiction_44_quangtri_or_none(client, path):
    """jurisdiction_id may be 44, quangtri or left out; anything else is a 404."""
    for jurisdiction in ("44", "quangtri", "QuangTri", ""):
        response = client.get(f"{BASE}{path}", {"jurisdiction_id": jurisdiction})
        assert response.status_code == 200, (jurisdiction, response.content)
    response = client.get(f"{BASE}{path}", {"jurisdiction_id": "sfgov.org"})
    assert response.status_code == 404
    c.check_errors(response.json(), 404)
    assert "sfgov.org" in response.json()[0]["description"]


def test_attribute_values_must_be_a_named_list():
    """A list datatype without values, or with a repeated key, is refused."""
    from django.core.exceptions import ValidationError

    category = Category.objects.get(code="TTDT")
    attribute = ServiceAttribute(
        category=category,
        code="x",
        order=1,
        datatype="singlevaluelist",
        description="?",
        values=[],
    )
    with pytest.raises(ValidationError):
        attribute.full_clean()
    attribute.values = [{"key": "a", "name": "A"}, {"key": "a", "name": "B"}]
    with pytest.raises(ValidationError):
        attribute.full_clean()
    attribute.datatype = "number"
    attribute.values = [{"key": "a", "name": "A"}]
    with pytest.raises(ValidationError):
        attribute.full_clean()
    attribute.values = []
    attribute.full_clean()
