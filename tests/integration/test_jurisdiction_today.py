"""A jurisdiction's "today" and time zone: its own, whatever the service's is."""

import datetime as dt
import zoneinfo

import pytest

from boundaries.jurisdictions import (
    jurisdiction_create,
    jurisdiction_today,
    jurisdiction_zone,
)

pytestmark = pytest.mark.django_db

UTC = dt.UTC


@pytest.fixture
def two_cities() -> None:
    jurisdiction_create(
        code="akl", name="Auckland", country="NZ", time_zone="Pacific/Auckland"
    )
    jurisdiction_create(
        code="tor", name="Toronto", country="CA", time_zone="America/Toronto"
    )


@pytest.mark.usefixtures("two_cities")
@pytest.mark.parametrize(
    ("instant", "auckland", "toronto"),
    [
        # 00:30 on 2 March in Auckland (NZDT, +13), 06:30 on 1 March in Toronto.
        (
            dt.datetime(2026, 3, 1, 11, 30, tzinfo=UTC),
            dt.date(2026, 3, 2),
            dt.date(2026, 3, 1),
        ),
        # 17:30 on 1 March in Auckland, 23:30 on 28 February in Toronto (EST, -5).
        (
            dt.datetime(2026, 3, 1, 4, 30, tzinfo=UTC),
            dt.date(2026, 3, 1),
            dt.date(2026, 2, 28),
        ),
        # Midsummer in Toronto (EDT, -4), midwinter in Auckland (NZST, +12).
        (
            dt.datetime(2026, 7, 1, 3, 59, tzinfo=UTC),
            dt.date(2026, 7, 1),
            dt.date(2026, 6, 30),
        ),
        (
            dt.datetime(2026, 7, 1, 4, 0, tzinfo=UTC),
            dt.date(2026, 7, 1),
            dt.date(2026, 7, 1),
        ),
    ],
)
def test_today_is_the_date_where_the_jurisdiction_is(instant, auckland, toronto):
    assert jurisdiction_today("akl", now=instant) == auckland
    assert jurisdiction_today("tor", now=instant) == toronto


@pytest.mark.usefixtures("two_cities")
def test_the_zone_is_the_jurisdictions_own():
    assert jurisdiction_zone("akl") == zoneinfo.ZoneInfo("Pacific/Auckland")
    assert jurisdiction_zone("tor") == zoneinfo.ZoneInfo("America/Toronto")


def test_an_unregistered_code_follows_the_service_time_zone(settings):
    """00:30 on 2 March in Hà Nội; with the service moved to London, still 1 March."""
    instant = dt.datetime(2026, 3, 1, 17, 30, tzinfo=UTC)
    assert jurisdiction_zone("nowhere") == zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
    assert jurisdiction_today("nowhere", now=instant) == dt.date(2026, 3, 2)
    settings.TIME_ZONE = "Europe/London"
    assert jurisdiction_zone("nowhere") == zoneinfo.ZoneInfo("Europe/London")
    assert jurisdiction_today("nowhere", now=instant) == dt.date(2026, 3, 1)


@pytest.mark.usefixtures("two_cities")
def test_without_an_instant_it_is_today_there():
    before = dt.datetime.now(UTC)
    today = jurisdiction_today("akl")
    after = dt.datetime.now(UTC)
    zone = zoneinfo.ZoneInfo("Pacific/Auckland")
    assert today in {before.astimezone(zone).date(), after.astimezone(zone).date()}


def test_a_naive_instant_is_refused():
    with pytest.raises(ValueError, match="naive"):
        jurisdiction_today("tor", now=dt.datetime(2026, 3, 1, 12, 0))  # noqa: DTZ001
