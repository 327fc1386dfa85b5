"""Check Open311 answers: the GeoReport v2 JSON Schemas, then what they miss.

The schemas (``schemas/``, see SOURCE.md there) are validated with Draft 4 and a
format checker, so ``date-time`` and ``uri`` are really checked (rfc3339-validator
and rfc3986-validator must be installed; ``test_format_checker_is_armed`` fails
otherwise). The stricter checks cover the schemas' known quirks: items must be
objects, lists must not be empty where the spec returns something, datetimes need
an offset (ours is +07:00), and the POST, token, error and discovery answers, which
have no schema, are checked field by field. XML answers are checked for the spec's
element names.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from xml.etree import ElementTree as ET

from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SCHEMAS = Path(__file__).parent / "schemas"
FILES = (
    "request.json",
    "requests.json",
    "service.json",
    "services.json",
    "service-definition.json",
)
W3C_WITH_OFFSET = re.compile(
    r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$"
)
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "detailed_status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
SERVICE_FIELDS = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
]
ATTRIBUTE_FIELDS = [
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
]
REQUEST_DATETIMES = ("requested_datetime", "updated_datetime", "expected_datetime")
PERSONAL_KEYS = {
    "email",
    "phone",
    "first_name",
    "last_name",
    "device_id",
    "account_id",
    "reporter_name",
    "reporter_phone",
    "reporter_email",
}


def _schema(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


@cache
def validator(name: str) -> Draft4Validator:
    registry = Registry().with_resources(
        (n, Resource.from_contents(_schema(n), default_specification=DRAFT4))
        for n in FILES
    )
    return Draft4Validator(
        _schema(name), registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER
    )


def schema_errors(name: str, instance) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator(name).iter_errors(instance)
    ]


def assert_schema(name: str, instance) -> None:
    errors = schema_errors(name, instance)
    assert not errors, f"{name}: {errors}"


def assert_datetime(value, *, nullable: bool = True) -> None:
    if value is None and nullable:
        return
    assert isinstance(value, str), value
    assert W3C_WITH_OFFSET.match(value), f"{value!r} lacks a W3C time-zone offset"
    assert value.endswith("+07:00"), f"{value!r} is not in Asia/Ho_Chi_Minh"


# JSON --------------------------------------------------------------------------------


def check_services(body) -> None:
    assert_schema("services.json", body)
    assert isinstance(body, list)
    assert body, "the service list is empty"
    for service in body:
        assert isinstance(service, dict), service
        assert list(service) == SERVICE_FIELDS


def check_definition(body) -> None:
    assert_schema("service-definition.json", body)
    assert isinstance(body, dict)
    orders = [a["order"] for a in body["attributes"]]
    assert all(isinstance(o, int) and o >= 1 for o in orders)
    assert len(set(orders)) == len(orders), "orders repeat within a service"
    for attribute in body["attributes"]:
        assert isinstance(attribute, dict)
        assert list(attribute) == ATTRIBUTE_FIELDS
        listed = attribute["datatype"] in ("singlevaluelist", "multivaluelist")
        assert bool(attribute["values"]) == listed


def check_requests(body, *, count: int | None = None) -> None:
    assert_schema("requests.json", body)
    assert isinstance(body, list)
    if count is not None:
        assert len(body) == count
    for item in body:
        assert isinstance(item, dict), item
        assert_schema("request.json", item)
        assert list(item) == REQUEST_FIELDS
        assert not PERSONAL_KEYS & set(item)
        assert_datetime(item["requested_datetime"], nullable=False)
        for name in REQUEST_DATETIMES:
            assert_datetime(item[name])


def check_created(body) -> None:
    """POST answer (no schema file; swagger's RequestResponse plus the spec's null
    account_id)."""
    assert isinstance(body, list)
    assert len(body) == 1
    (item,) = body
    assert isinstance(item, dict)
    assert set(item) == {"service_request_id", "service_notice", "account_id"}
    assert isinstance(item["service_request_id"], str)
    assert item["service_request_id"]
    assert isinstance(item["service_notice"], str)
    assert item["account_id"] is None


def check_tokens(body, token: str) -> None:
    assert body == [{"service_request_id": token, "token": token}]


def check_updates(body) -> None:
    assert isinstance(body, list)
    for item in body:
        assert isinstance(item, dict)
        assert list(item) == [
            "update_id",
            "service_request_id",
            "status",
            "updated_datetime",
            "description",
        ]
        assert isinstance(item["update_id"], str)
        assert isinstance(item["description"], str)
        assert_datetime(item["updated_datetime"], nullable=False)


def check_errors(body, status: int) -> None:
    assert isinstance(body, list)
    assert body, "an error answer needs at least one error"
    for error in body:
        assert isinstance(error, dict)
        assert set(error) == {"code", "description"}
        assert error["code"] == status
        assert isinstance(error["description"], str)
        assert error["description"].strip()


def check_discovery(body) -> None:
    assert isinstance(body, dict)
    assert list(body) == ["changeset", "contact", "key_service", "endpoints"]
    assert all(isinstance(body[k], str) and body[k] for k in list(body)[:3])
    assert body["endpoints"]
    for endpoint in body["endpoints"]:
        assert list(endpoint) == [
            "specification",
            "url",
            "changeset",
            "type",
            "formats",
        ]
        assert endpoint["type"] in ("production", "test")
        assert set(endpoint["formats"]) == {"text/xml", "application/json"}


# XML ---------------------------------------------------------------------------------


def parse_xml(response) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)


def xml_items(root: ET.Element, root_name: str, item_name: str) -> list[ET.Element]:
    assert root.tag == root_name
    assert all(child.tag == item_name for child in root), [c.tag for c in root]
    return list(root)


def check_xml_requests(root: ET.Element) -> list[dict[str, str]]:
    items = []
    for request in xml_items(root, "service_requests", "request"):
        assert [child.tag for child in request] == REQUEST_FIELDS
        assert all(len(child) == 0 for child in request)
        items.append({child.tag: child.text or "" for child in request})
    return items


def check_xml_errors(root: ET.Element, status: int) -> list[str]:
    errors = xml_items(root, "errors", "error")
    assert errors
    for error in errors:
        assert [child.tag for child in error] == ["code", "description"]
        assert error.findtext("code") == str(status)
        assert (error.findtext("description") or "").strip()
    return [e.findtext("description") for e in errors]
