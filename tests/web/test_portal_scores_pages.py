"""``/ket-qua/xep-hang``: the scorecards page renders the figures (Vietnamese first,
English by the language cookie, dd/mm/yyyy, "—" under the minimum count), refuses
bad input with a bilingual 400, shows nobody's name even to signed-in staff, and is
kept in the public cache per language."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.models import User
from django.test import Client

from routing.models import StaffProfile
from routing.reports.roles import Role
from tests.scorecard_world import world_make

pytestmark = pytest.mark.django_db

URL = "/ket-qua/xep-hang"
Q1 = {"from": "2026-01", "to": "2026-03"}


@pytest.fixture(autouse=True)
def own_cache(settings):
    """A cache of this test's own (an unknown parameter is no longer a new entry,
    so a nonce does not make a miss)."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            **settings.CACHES["default"],
            "KEY_PREFIX": f"scores-{uuid.uuid4().hex}",
        },
    }


def test_ranking_in_vietnamese():
    world_make()
    response = Client().get(URL, Q1, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Language"] == "vi"
    html = response.content.decode()
    assert "01/01/2026" in html
    assert "31/03/2026" in html
    assert "66,7 %" in html  # unit A's on-time rate, Vietnamese decimals
    assert "Bảng xếp hạng theo phường, xã và cơ quan" in html
    assert 'id="scores-map"' in html
    assert "—" in html  # unit B: too few to rate
    assert 'data-sort="on_time"' in html
    # Unit A's rejection is received (analytics.definitions) and shown apart.
    assert "1 bị từ chối" in html
    assert "phản ánh bị từ chối vẫn được tính là đã tiếp nhận" in html


def test_english_by_the_language_cookie():
    world_make()
    client = Client()
    client.cookies["django_language"] = "en"
    response = client.get(URL, Q1)
    html = response.content.decode()
    assert response["Content-Language"] == "en"
    assert "66.7 %" in html
    assert "Scorecards by unit and department" in html
    assert "1 rejected" in html


def test_departments_without_map():
    world_make()
    html = Client().get(URL, {**Q1, "level": "department"}).content.decode()
    assert 'id="scores-map"' not in html
    assert "Phòng Quản lý đô thị thành phố Đồng Hới" in html


@pytest.mark.parametrize(
    "query", [{"from": "2026/01"}, {"level": "x"}, {"from": "2026-05", "to": "2026-01"}]
)
def test_bad_input_is_a_bilingual_400(query):
    response = Client().get(URL, query)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="scores-error"' in html
    assert 'lang="en"' in html


def test_staff_see_the_shared_page(settings):
    """Signed in, an officer still gets the shared page (the portal's base: no
    name, no staff links, no CSRF token, no cookie set), computed with the cache
    on and served to everyone; the language switch works without JavaScript (a
    plain POST to the portal's token-free switch)."""
    settings.PUBLIC_CACHE_SECONDS = 60
    user = User.objects.create_user(username=f"planner-{uuid.uuid4().hex[:6]}")
    StaffProfile.objects.create(user=user, role=Role.IOC_OPERATOR)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.get(URL, Q1)
    assert response["X-Cache"] == "miss"
    html = response.content.decode()
    assert user.username not in html
    assert "sign-out" not in html
    assert not response.cookies
    assert "csrfmiddlewaretoken" not in html
    assert 'action="/ket-qua/ngon-ngu"' in html
    assert Client().get(URL, Q1).content == response.content
    switched = client.post(
        "/ket-qua/ngon-ngu",
        {"language": "en", "next": f"{URL}?from=2026-01&to=2026-03"},
    )
    assert switched.status_code == 302
    english = client.get(URL, Q1)
    assert '<html lang="en">' in english.content.decode()
    assert user.username not in english.content.decode()


def test_cached_per_language(settings):
    settings.PUBLIC_CACHE_SECONDS = 60
    query = {**Q1, "nonce": uuid.uuid4().hex}
    first = Client().get(URL, query)
    second = Client().get(URL, query)
    assert (first["X-Cache"], second["X-Cache"]) == ("miss", "hit")
    assert "Cookie" in second["Vary"]
    english = Client()
    english.cookies["django_language"] = "en"
    response = english.get(URL, query)
    assert response["X-Cache"] == "miss"
    assert '<html lang="en">' in response.content.decode()
    assert Client().post(URL, query).status_code == 405


def test_throttled_per_address(settings):
    """A computed page counts in the scorecards' bucket; beyond it, a bilingual 429."""
    settings.SCORECARD_RATE_PER_IP_MINUTE = 1
    address = f"198.51.100.{uuid.uuid4().int % 250 + 1}"
    client = Client(REMOTE_ADDR=address)
    first = client.get(URL, {"nonce": uuid.uuid4().hex})
    second = client.get(URL, {"nonce": uuid.uuid4().hex})
    assert (first.status_code, second.status_code) == (200, 429)
    assert second["Retry-After"]
