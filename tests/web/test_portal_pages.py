"""The public portal's pages and feed (``/ket-qua/``): what each shows, the
filters and paging, the 404 that does not tell hidden from unknown, bilingual 400s,
nothing personal anywhere, pages the shared cache may keep (no session, no CSRF
token) and the token-free language switch."""

from __future__ import annotations

import datetime as dt
import re
import uuid
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from routing.models import Report, ReportEvent, StaffProfile
from routing.reports.roles import Role
from routing.workflow import report_comment
from tests.factories import report_force
from tests.portal_world import (
    PUBLIC_WORDS,
    RESULT,
    assert_nothing_personal,
    reported,
    world_build,
)

pytestmark = pytest.mark.django_db

PORTAL = "/ket-qua/"
LIST = "/ket-qua/danh-sach"
FEED = "/ket-qua/feed.atom"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # A cache of this test's own: an entry another test left is not a hit here.
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            **settings.CACHES["default"],
            "KEY_PREFIX": f"portal-{uuid.uuid4().hex}",
        },
    }


@pytest.fixture
def world():
    return world_build()


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    return response.content.decode()


def test_landing_counts_latest_results_and_links(client, world):
    html = page(client, PORTAL)
    assert_nothing_personal(html, world)
    # Received in the last 30 days: the published and the resolved report (the
    # closed one is 40 days old; hidden ones never count).
    assert 'id="count-received" data-count="2"' in html
    assert 'id="count-resolved" data-count="1"' in html
    assert world.resolved.tracking_code in html  # a latest result
    assert RESULT in html
    assert 'href="/ket-qua/xep-hang"' in html
    assert 'href="/ket-qua/danh-sach"' in html
    assert "/api/v1/public/clusters" in html
    assert "csrfmiddlewaretoken" not in html


def test_list_shows_listed_reports_with_public_words_only(client, world):
    html = page(client, LIST)
    assert_nothing_personal(html, world)
    for report in world.listed:
        assert f'data-code="{report.tracking_code}"' in html
        assert f"/ket-qua/{report.tracking_code}" in html
    assert PUBLIC_WORDS in html
    assert 'data-count="3"' in html


def test_list_filters(client, world):
    def codes(query: str) -> set[str]:
        html = page(client, f"{LIST}?{query}")
        return {
            r.tracking_code
            for r in world.listed
            if f'data-code="{r.tracking_code}"' in html
        }

    assert codes("category=HTGT") == {world.published.tracking_code}
    assert codes("status=resolved") == {world.resolved.tracking_code}
    assert codes("status=closed") == {world.closed.tracking_code}
    day = timezone.localtime(world.closed.reported_at).date().strftime("%d/%m/%Y")
    assert codes(f"from={day}&to={day}") == {world.closed.tracking_code}
    unit = world.published.unit.code
    assert world.published.tracking_code in codes(f"unit={unit}&category=HTGT")


def test_list_pages_of_twenty_newest_first(client, world):
    now = timezone.now()
    made = []
    for i in range(22):
        report, _ = reported(
            category="CTN", reported_at=now - dt.timedelta(hours=i + 1)
        )
        made.append(report.tracking_code)
    first = page(client, f"{LIST}?category=CTN")
    second = page(client, f"{LIST}?category=CTN&page=2")
    assert first.count('<tr data-code="') == 20
    assert second.count('<tr data-code="') == 2
    assert first.index(made[0]) < first.index(made[19])
    assert made[21] in second
    assert 'href="?category=CTN&amp;page=2"' in first


@pytest.mark.parametrize(
    "query",
    [
        "from=32/01/2025",
        "from=2025/01/01",
        "to=01/01/1999",
        "from=01/01/9999",
        "from=02/01/2025&to=01/01/2025",
        "unit=00000",
        "category=NOPE",
        "category=ANTT",
        "status=rejected",
        "page=0",
        "page=501",
        "page=999999999999",
        "page=x",
        "page=%C2%B2",  # '²': a digit to str.isdigit, not to int
        "page=%EF%BC%91",  # a full-width 1
    ],
)
def test_list_bad_input_is_a_bilingual_400(client, query):
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="portal-error"' in html
    assert "Yêu cầu không hợp lệ" in html
    assert "Bad request" in html


def test_report_page_of_a_resolved_private_report(client, world):
    report = world.resolved
    html = page(client, f"/ket-qua/{report.tracking_code}")
    assert_nothing_personal(html, world)
    assert RESULT in html
    assert 'id="result-note"' in html
    assert 'id="photos-after"' in html  # the fix, taken by staff
    assert 'id="photos-before"' not in html  # the citizen's photo is not published
    after = re.search(
        r'id="photos-after">\s*<li><a href="([^"]+)"><img src="([^"]+)"', html
    )
    assert after is not None
    for address in after.groups():
        assert address.startswith("/")  # no host in a page the cache shares
        assert client.get(address).status_code == 200  # anyone may open the fix
    private = report.photos.get(of_resolution=False)
    assert private.image.name not in html
    assert 'id="public-description"' not in html
    assert f'href="/r/{report.tracking_code}"' in html
    assert 'data-rating=""' in html


def test_report_page_of_a_published_report(client, world):
    report = world.published
    html = page(client, f"/ket-qua/{report.tracking_code}")
    assert_nothing_personal(html, world)
    assert PUBLIC_WORDS in html
    assert 'id="photos-before"' in html
    assert 'id="result-note"' not in html  # not resolved yet
    closed = page(client, f"/ket-qua/{world.closed.tracking_code}")
    assert 'data-rating="satisfied"' in closed


def test_timeline_names_roles_never_users(client, world):
    officer = get_user_model().objects.create_user(username="can-bo-bi-an")
    StaffProfile.objects.create(user=officer, role=Role.IOC_OPERATOR)
    report_comment(
        report=world.published, actor=officer, note="Đã chuyển đội duy tu", public=True
    )
    assert ReportEvent.objects.filter(report=world.published, actor=officer).exists()
    html = page(client, f"/ket-qua/{world.published.tracking_code}")
    assert "Đã chuyển đội duy tu" in html
    assert "can-bo-bi-an" not in html
    assert "Người dân" in html  # the submission: the citizen's act, not staff's
    assert 'class="muted actor"' in html


def test_hidden_and_unknown_reports_are_the_same_404(client, world):
    """Only the address (in the language switch's ``next``) differs."""
    bodies = set()
    codes = [r.tracking_code for r in world.hidden] + ["HT-0000-XXXX"]
    for code in codes:
        bodies.add(page(client, f"/ket-qua/{code}", 404).replace(code, "CODE"))
    assert len(bodies) == 1


def test_a_code_in_another_shape_redirects_only_when_listed(client, world):
    code = world.published.tracking_code
    response = client.get(f"/ket-qua/{code.lower()}")
    assert response.status_code == 302
    assert response["Location"] == f"/ket-qua/{code}"
    assert (
        client.get(f"/ket-qua/{world.rejected.tracking_code.lower()}").status_code
        == 404
    )


def entries(xml: str) -> list[ET.Element]:
    return ET.fromstring(xml).findall(f"{ATOM}entry")


def test_feed_of_resolutions(client, world):
    response = client.get(FEED, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Language"] == "vi"  # vietnamese_first, like the pages
    assert response["Content-Type"].startswith("application/atom+xml")
    xml = response.content.decode()
    assert_nothing_personal(xml, world)
    found = entries(xml)
    links = [e.find(f"{ATOM}link").get("href") for e in found]
    assert links == [
        f"https://hientruong.test/ket-qua/{world.resolved.tracking_code}",
        f"https://hientruong.test/ket-qua/{world.closed.tracking_code}",
    ]
    assert found[0].find(f"{ATOM}summary").text == RESULT
    updated = dt.datetime.fromisoformat(found[0].find(f"{ATOM}updated").text)
    assert abs(updated - world.resolved.resolved_at) < dt.timedelta(seconds=1)


def test_feed_links_ignore_the_host_and_escape_the_note(client, world, settings):
    """A forged Host must not reach the shared cached copy; the summary is
    ``type="html"``, so the staff's note is escaped once more."""
    settings.PUBLIC_CACHE_SECONDS = 30
    settings.ALLOWED_HOSTS = ["*"]
    report_force(world.resolved, result_note="Đã vá <b>ổ gà</b> & dọn")
    forged = client.get(FEED, HTTP_HOST="evil.example", secure=True)
    assert forged.status_code == 200
    xml = forged.content.decode()
    assert "evil.example" not in xml
    root = ET.fromstring(xml)
    hrefs = [link.get("href") for link in root.iter(f"{ATOM}link")]
    assert hrefs
    assert all(h.startswith("https://hientruong.test/") for h in hrefs)
    summary = entries(xml)[0].find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    assert summary.text == "Đã vá &lt;b&gt;ổ gà&lt;/b&gt; &amp; dọn"


def test_feed_per_unit_and_category(client, world):
    unit = world.resolved.unit.code
    assert len(entries(page(client, f"{FEED}?unit={unit}&category=VSMT"))) == 2
    assert entries(page(client, f"{FEED}?category=HTGT")) == []
    for query in ("unit=00000", "category=NOPE", "category=ANTT"):
        response = client.get(f"{FEED}?{query}")
        assert response.status_code == 400
        text = response.content.decode()
        assert "Không có" in text
        assert "There is no" in text


def test_feed_keeps_the_latest_fifty(client, world):
    now = timezone.now()
    for i in range(52):
        report, _ = reported(category="CXCV", reported_at=now - dt.timedelta(days=2))
        report_force(
            report,
            status=Report.Status.RESOLVED,
            resolved_at=now - dt.timedelta(minutes=i),
            result_note=f"Đã cắt tỉa cây {i}",
        )
    found = entries(page(client, f"{FEED}?category=CXCV"))
    assert len(found) == 50
    assert found[0].find(f"{ATOM}summary").text == "Đã cắt tỉa cây 0"


@pytest.mark.parametrize("url", [PORTAL, LIST, "/ket-qua/{code}"])
def test_pages_are_shared_through_the_cache(
    client, world, settings, url, django_assert_num_queries
):
    settings.PUBLIC_CACHE_SECONDS = 30
    url = url.format(code=world.resolved.tracking_code)
    first = client.get(url)
    assert first["X-Cache"] == "miss"
    with django_assert_num_queries(0):  # a spike reaches Redis, not the database
        second = client.get(url)
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert not first.cookies
    assert b"csrfmiddlewaretoken" not in first.content
    english = client.get(url, HTTP_COOKIE="django_language=en")
    assert english["X-Cache"] == "miss"  # another language, another entry


def test_a_signed_in_officer_gets_the_same_shared_page(client, world, settings):
    """The page holds nothing of who asks: no user name, no sign-out form."""
    officer = get_user_model().objects.create_user(username="bi-mat-ops")
    StaffProfile.objects.create(user=officer, role=Role.IOC_OPERATOR)
    client.force_login(officer)
    settings.PUBLIC_CACHE_SECONDS = 30
    for url in (PORTAL, LIST, f"/ket-qua/{world.resolved.tracking_code}"):
        response = client.get(url)
        assert response.status_code == 200
        assert response["X-Cache"] == "miss"  # computed for the officer, then shared
        html = response.content.decode()
        assert "bi-mat-ops" not in html
        assert "csrfmiddlewaretoken" not in html
        assert not response.cookies
        anonymous = client.__class__().get(url)
        assert anonymous["X-Cache"] == "hit"
        assert anonymous.content == response.content


def test_switching_language_shows_the_other_language_at_once(client, world, settings):
    """The language comes from the cookie: each language is its own server-side
    entry, and browsers keep their copy privately (Vary: Cookie), so the switch
    shows at once."""
    settings.PUBLIC_CACHE_SECONDS = 30
    first = client.get(LIST)
    assert '<html lang="vi"' in first.content.decode()
    assert first["Cache-Control"] == "private, max-age=30"
    assert "Cookie" in first["Vary"]
    assert "Accept-Language" not in first["Vary"]
    switched = client.post("/ket-qua/ngon-ngu", {"language": "en", "next": LIST})
    assert switched.status_code == 302
    english = client.get(LIST)
    assert english["X-Cache"] == "miss"
    assert '<html lang="en"' in english.content.decode()
    assert english["ETag"] != first["ETag"]
    client.post("/ket-qua/ngon-ngu", {"language": "vi", "next": LIST})
    again = client.get(LIST)
    assert again["X-Cache"] == "hit"
    assert again.content == first.content


def test_extra_parameters_are_not_kept_in_the_shared_page(client, world, settings):
    settings.PUBLIC_CACHE_SECONDS = 30
    first = client.get(f"{LIST}?status=resolved&utm=campaign-xyz")
    assert "campaign-xyz" not in first.content.decode()
    assert client.get(f"{LIST}?status=resolved")["X-Cache"] == "hit"


def test_language_switch_without_a_token(client):
    csrf_client = client.__class__(enforce_csrf_checks=True)
    response = csrf_client.post(
        "/ket-qua/ngon-ngu", {"language": "en", "next": "/ket-qua/danh-sach"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/ket-qua/danh-sach"
    html = csrf_client.get(LIST).content.decode()
    assert "Public reports" in html
    assert csrf_client.get("/ket-qua/ngon-ngu").status_code == 405


@pytest.mark.parametrize("url", [PORTAL, LIST, FEED])
def test_head_is_answered_like_get(client, url):
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405


def test_an_empty_portal_still_answers(client):
    """Before any report: zero counts, no latest result, an empty list and feed."""
    html = page(client, PORTAL)
    assert 'id="count-received" data-count="0"' in html
    assert 'id="count-resolved" data-count="0"' in html
    assert 'data-count="0"' in page(client, LIST)
    assert entries(page(client, FEED)) == []
    clusters = client.get("/api/v1/public/clusters?bbox=106.55,17.40,106.70,17.55")
    assert clusters.status_code == 200
    assert clusters.json()["total"] == 0


@pytest.mark.urls("tests.web.public_cookie_urls")
def test_a_cookie_on_a_public_page_fails_loudly_or_is_dropped(client, settings):
    """A page kept for everybody that calls get_token (the CSRF middleware then
    sets its cookie): an error in the tests, a dropped cookie in production."""
    settings.PUBLIC_CACHE_SECONDS = 30
    officer = get_user_model().objects.create_user(username="bi-mat-ops")
    StaffProfile.objects.create(user=officer, role=Role.IOC_OPERATOR)
    client.force_login(officer)
    with pytest.raises(ImproperlyConfigured, match="sets cookies"):
        client.get("/token-page?a=1")
    settings.PUBLIC_COOKIES_RAISE = False
    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "KEY_PREFIX": uuid.uuid4().hex},
    }
    response = client.get("/token-page")
    assert response.status_code == 200
    assert response["X-Cache"] == "miss"
    assert not response.cookies
    assert "Set-Cookie" not in response.serialize().decode()


@pytest.mark.parametrize("url", [LIST, FEED])
@pytest.mark.parametrize(
    "query", ["unit=%00", "category=%00", "status=%00", "from=%00", "unit=%01%7F"]
)
def test_control_characters_are_cleaned_not_a_500(client, world, url, query):
    assert client.get(f"{url}?{query}").status_code == 200


def test_list_page_parameters_never_500(world):
    """Any text in any of the list page's parameters: a page or a 400."""
    from django.test import Client
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hsettings
    from hypothesis import strategies as st

    client = Client()
    names = st.sampled_from(["unit", "category", "status", "from", "to", "page"])

    @hsettings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(st.dictionaries(names, st.text(max_size=12), max_size=4))
    def check(query: dict[str, str]) -> None:
        response = client.get(LIST, query)
        assert response.status_code in (200, 400), (query, response.status_code)

    check()


def test_resolved_in_30_days_counts_local_days_like_received(world):
    """Both headline counts start at the local midnight 29 days before today, not
    720 hours back."""
    from analytics.public import headline_counts
    from geo.days import local_midnight

    before = headline_counts()
    first = timezone.localdate() - dt.timedelta(days=29)
    for minutes in (-1, 1):
        report, _ = reported(category="CXCV", reported_at=local_midnight(first))
        report_force(
            report,
            status=Report.Status.RESOLVED,
            resolved_at=local_midnight(first) + dt.timedelta(minutes=minutes),
        )
    after = headline_counts()
    assert after["resolved"] == before["resolved"] + 1
    assert after["received"] == before["received"] + 2


@pytest.mark.parametrize(
    "cookie", ["csrftoken=bad", "sessionid=x", "csrftoken=bad; sessionid=x"]
)
def test_a_visitors_stale_cookies_are_answered_without_cookies(
    client, world, settings, cookie
):
    """A bad CSRF token or a dead session the visitor sends makes Django's
    middleware answer with a cookie on any page: on a public answer it is dropped
    quietly (not an error, not a log line per request), hit or miss."""
    settings.PUBLIC_CACHE_SECONDS = 30
    for _ in range(2):
        response = client.get(PORTAL, HTTP_COOKIE=cookie)
        assert response.status_code == 200
        assert not response.cookies
