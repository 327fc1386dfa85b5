"""A GeoReport v2 client from PyPI (``georeport``) reads our endpoint unchanged.

pytest-django's ``live_server`` forces ``transactional_db``, which empties the
tables the session loaded once (boundaries, categories, zones), so the client's
HTTP goes through a ``requests`` transport adapter into Django's test client
instead of a socket: the library builds its URLs and query strings and parses our
JSON and XML (with xmltodict) exactly as it would against a city's server.
``georeport`` cannot post requests (read-only); posting is covered in
test_requests_post.py. Its XML reader fails on an empty list (xmltodict turns
``<service_requests/>`` into None), so the searches here always find something.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from urllib.parse import urlsplit

import georeport.georeport as georeport_module
import pytest
import requests
from django.utils import timezone
from georeport import GeoReport
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from routing.models import Report
from tests.open311.forms import form, post

pytestmark = pytest.mark.django_db

ROOT = "http://testserver/open311/v2"


class DjangoTestClientAdapter(BaseAdapter):
    """Send a prepared ``requests`` request to Django's test client."""

    def __init__(self, client) -> None:
        super().__init__()
        self.client = client

    def send(self, request, **kwargs) -> requests.Response:
        url = urlsplit(request.url)
        answer = self.client.generic(
            request.method,
            f"{url.path}?{url.query}" if url.query else url.path,
            request.body or b"",
            content_type=request.headers.get("Content-Type", ""),
        )
        response = requests.Response()
        response.status_code = answer.status_code
        response._content = answer.content
        response.headers = CaseInsensitiveDict(dict(answer.headers))
        response.url = request.url
        response.request = request
        response.encoding = "utf-8"
        return response

    def close(self) -> None:
        pass


@pytest.fixture
def wired(client, monkeypatch):
    """georeport's module-level ``requests.get`` goes through the adapter."""
    session = requests.Session()
    session.mount("http://testserver/", DjangoTestClientAdapter(client))
    monkeypatch.setattr(
        georeport_module,
        "requests",
        SimpleNamespace(get=session.get, HTTPError=requests.HTTPError),
    )


@pytest.fixture
def filed(client, key) -> Report:
    response = post(client, body=form(key))
    assert response.status_code == 200, response.content
    return Report.objects.get(tracking_code=response.json()[0]["service_request_id"])


@pytest.mark.usefixtures("wired")
@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_georeport_client_reads_services_and_definitions(output_format):
    api = GeoReport(ROOT, jurisdiction="44", output_format=output_format)
    services = api.get_service_list()
    by_code = {s["service_code"]: s for s in services}
    assert by_code["VSMT"]["service_name"] == "Vệ sinh môi trường"
    assert str(by_code["VSMT"]["metadata"]).lower() == "true"
    definition = api.get_service_definition("VSMT")
    attributes = definition["attributes"]
    if output_format == "xml":  # xmltodict: <attributes><attribute>…
        attributes = attributes["attribute"]
    assert [a["code"] for a in attributes] == ["loai_rac", "khoi_luong"]


@pytest.mark.usefixtures("wired")
@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_georeport_client_reads_requests(filed, output_format):
    api = GeoReport(ROOT, jurisdiction="quangtri", output_format=output_format)
    one = api.get_service_request(filed.tracking_code)
    assert one["service_request_id"] == filed.tracking_code
    assert one["status"] == "open"
    assert one["service_code"] == "VSMT"
    listed = api.get_service_requests(
        service_request_id=filed.tracking_code, status="open"
    )
    if isinstance(listed, dict):  # xmltodict gives a dict for a single element
        listed = [listed]
    assert [r["service_request_id"] for r in listed] == [filed.tracking_code]
    since = (timezone.now() - dt.timedelta(days=1)).isoformat(timespec="seconds")
    searched = api.get_service_requests(
        service_code="VSMT", status="open", start_date=since
    )
    if isinstance(searched, dict):
        searched = [searched]
    assert filed.tracking_code in [r["service_request_id"] for r in searched]


@pytest.mark.usefixtures("wired")
def test_georeport_client_sees_errors_as_http_errors():
    api = GeoReport(ROOT, jurisdiction="44")
    with pytest.raises(requests.HTTPError) as caught:
        api.get_service_request("HT-2222-2222")
    assert caught.value.response.status_code == 404
    with pytest.raises(requests.HTTPError):
        GeoReport(ROOT, jurisdiction="sfgov.org").get_service_list()
