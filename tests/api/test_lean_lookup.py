"""The point lookup's lean path (``api.lean``) answers exactly as DRF's full cycle:
same status, body bytes, headers and cookies, for answers and errors alike."""

import pytest
from django.test import Client, RequestFactory
from rest_framework.throttling import AnonRateThrottle

from api.boundaries.views import BoundaryLookupApi
from tests.api.full_drf_urls import FULL
from tests.points import DONG_PHU, HANOI, OFFSHORE, shared_vertices

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.full_drf_urls")]

LOOKUP = "/api/v1/boundaries/lookup"
LON, LAT = DONG_PHU


def _answer(client: Client, path: str, params: dict, headers: dict, method: str):
    response = getattr(client, method)(path, params, headers=headers)
    kept = [(k, v) for k, v in response.headers.items() if k != "X-Request-ID"]
    cookies = {name: morsel.value for name, morsel in response.cookies.items()}
    return response.status_code, response.content, kept, cookies


QUERIES = {
    "2022, dd/mm/yyyy": {"lon": LON, "lat": LAT, "date": "01/05/2022"},
    "2025, ISO": {"lon": LON, "lat": LAT, "date": "2025-07-01"},
    "today": {"lon": LON, "lat": LAT},
    "shore, nearest": {
        "lon": OFFSHORE[0],
        "lat": OFFSHORE[1],
        "nearest_within_m": 6000,
    },
    "layer and jurisdiction": {
        "lon": LON,
        "lat": LAT,
        "layer": "administrative",
        "jurisdiction": "44",
    },
    "missing lon": {"lat": LAT},
    "not a number": {"lon": "x", "lat": LAT},
    "swapped": {"lon": LAT, "lat": LON},
    "bad date": {"lon": LON, "lat": LAT, "date": "31/02/2022"},
    "date out of range": {"lon": LON, "lat": LAT, "date": "1990-01-01"},
    "no set": {"lon": LON, "lat": LAT, "date": "2005-01-01"},
    "outside, nearest named": {"lon": OFFSHORE[0], "lat": OFFSHORE[1]},
    "outside, far": {"lon": HANOI[0], "lat": HANOI[1]},
    "unknown layer": {"lon": LON, "lat": LAT, "layer": "wards-typo"},
    "unknown jurisdiction": {"lon": LON, "lat": LAT, "jurisdiction": "XX"},
    "within out of range": {"lon": LON, "lat": LAT, "nearest_within_m": "-1"},
}

HEADERS = {
    "none": {},
    "English": {"Accept-Language": "en"},
    "any type": {"Accept": "*/*"},
    "JSON": {"Accept": "application/json", "Accept-Language": "vi"},
}


@pytest.mark.parametrize("query", QUERIES.values(), ids=QUERIES.keys())
@pytest.mark.parametrize("headers", HEADERS.values(), ids=HEADERS.keys())
def test_lean_answers_equal_the_full_cycle(query, headers):
    """Every answer of the lean path, success or error, in either language, is the
    full DRF cycle's: status, body, headers (but the request id) and cookies."""
    client = Client()
    lean = _answer(client, LOOKUP, query, headers, "get")
    full = _answer(client, FULL, query, headers, "get")
    assert lean == full
    assert lean[2][0] == ("Content-Type", "application/json")


def test_an_ambiguous_point_is_answered_alike():
    """A vertex shared by Hải Thành and Đồng Phú (candidates listed) is the same
    answer."""
    lon, lat = shared_vertices("qb-2020", "18853", "18856")[0]
    query = {"lon": lon, "lat": lat, "date": "2022-05-01"}
    lean = _answer(Client(), LOOKUP, query, {}, "get")
    assert lean == _answer(Client(), FULL, query, {}, "get")
    assert b'"ambiguous":true' in lean[1]


OTHER_REQUESTS = {
    "HTML only": ("get", {}, {"Accept": "text/html"}),
    "indented": ("get", {}, {"Accept": "application/json; indent=2"}),
    "browser": ("get", {}, {"Accept": "text/html,*/*;q=0.8"}),
    "format": ("get", {"format": "json"}, {}),
    "unknown format": ("get", {"format": "xml"}, {}),
    "head": ("head", {}, {}),
    "options": ("options", {}, {}),
    "post": ("post", {}, {}),
    "basic auth": ("get", {}, {"Authorization": "Basic Zm9vOmJhcg=="}),
}


@pytest.mark.parametrize(
    ("method", "extra", "headers"), OTHER_REQUESTS.values(), ids=OTHER_REQUESTS.keys()
)
def test_requests_the_lean_path_leaves_to_drf_answer_as_before(method, extra, headers):
    """Another content type, format, method or credentials: DRF's answer (406,
    indentation, 404 for an unknown format, 405) on both URLs."""
    query = {"lon": LON, "lat": LAT, "date": "2022-05-01", **extra}
    if method in ("options", "post"):
        query = {}
    client = Client()
    lean = _answer(client, LOOKUP, query, headers, method)
    assert lean == _answer(client, FULL, query, headers, method)


def test_a_signed_in_user_is_answered_alike(django_user_model):
    """With a session (staff on the intake screen) the full cycle answers, the same."""
    user = django_user_model.objects.create_user("lean-lookup", password="x" * 16)
    client = Client()
    client.force_login(user)
    query = {"lon": LON, "lat": LAT, "date": "2022-05-01"}
    lean = _answer(client, LOOKUP, query, {}, "get")
    assert lean == _answer(client, FULL, query, {}, "get")
    assert lean[0] == 200


def _request(method="get", query="lon=1&lat=2", **headers):
    return getattr(RequestFactory(), method)(f"{LOOKUP}?{query}", headers=headers)


@pytest.mark.parametrize(
    ("request_args", "lean"),
    [
        ({}, True),
        ({"Accept": "*/*"}, True),
        ({"Accept": "application/json"}, True),
        ({"Accept": ""}, False),
        ({"Accept": "text/html"}, False),
        ({"Accept": "application/json; indent=4"}, False),
        ({"query": "lon=1&lat=2&format=json"}, False),
        ({"method": "head"}, False),
        ({"method": "post"}, False),
        ({"Authorization": "Token abc"}, False),
        ({"Cookie": "sessionid=abc"}, False),
    ],
)
def test_only_plain_anonymous_gets_take_the_lean_path(request_args, lean):
    """GET, JSON or anything accepted, no format, no credentials, no session."""
    assert BoundaryLookupApi().lean(_request(**request_args)) is lean


def test_a_throttled_view_never_takes_the_lean_path():
    """A throttle (or other permissions, renderers, authenticators) sends every
    request through DRF, where they apply."""

    class Throttled(BoundaryLookupApi):
        throttle_classes = [AnonRateThrottle]

    assert BoundaryLookupApi().lean(_request())
    assert not Throttled().lean(_request())
