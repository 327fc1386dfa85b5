"""GeoReport v2 output: XML (the required format) and JSON (the Spark convention).

A view answers with a :class:`Document`: the root element's name and the body.
XML writes the root and names each list item after its list (``services`` holds
``service`` elements, ``service_requests`` holds ``request``…); JSON drops the root,
so a list of services is a bare array and a service definition a bare object, as in
the spec's examples. ``true``/``false`` are written in lower case and a missing
value is an empty element (``<account_id/>``) or ``null``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree as ET

from rest_framework.renderers import BaseRenderer

ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
    "service_request_updates": "request_update",
}
# Characters XML 1.0 cannot carry even escaped (stored text has none; be safe).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Document:
    root: str
    body: Any


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for name, child in value.items():
            _fill(ET.SubElement(element, name), child)
    elif isinstance(value, list):
        item_name = ITEM_NAMES.get(element.tag, "item")
        for child in value:
            _fill(ET.SubElement(element, item_name), child)
    else:
        element.text = _text(value)


def _body(data: Any) -> tuple[str, Any]:
    if isinstance(data, Document):
        return data.root, data.body
    return "response", data  # never reached by our views; keeps a stray answer valid


class Open311XMLRenderer(BaseRenderer):
    media_type = "text/xml"
    format = "xml"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        root_name, body = _body(data)
        root = ET.Element(root_name)
        _fill(root, body)
        text = ET.tostring(root, encoding="unicode", short_empty_elements=True)
        return ('<?xml version="1.0" encoding="utf-8"?>\n' + text).encode("utf-8")


class Open311JSONRenderer(BaseRenderer):
    media_type = "application/json"
    format = "json"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        _, body = _body(data)
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(
            "utf-8"
        )
