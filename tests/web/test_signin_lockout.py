"""Sign-in throttling (django-axes through web.lockout): a user name and address pair
is locked after SIGNIN_FAILURE_LIMIT wrong passwords, an address after
SIGNIN_ADDRESS_FAILURE_LIMIT whatever the names; the lock covers /ops/login and
/admin/login, refuses even the right password, and ends with the cool-off."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.utils import timezone

from routing.models import StaffProfile
from routing.reports import roles

pytestmark = pytest.mark.django_db

PASSWORD = "Ngay-mai-troi-nang-2025"
HOME = "10.1.1.1"
CAFE = "10.2.2.2"


@pytest.fixture(autouse=True)
def limits(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.SIGNIN_ADDRESS_FAILURE_LIMIT = 7
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
    settings.TRUSTED_PROXIES = []


def officer(username: str, *, superuser: bool = False):
    model = get_user_model()
    make = model.objects.create_superuser if superuser else model.objects.create_user
    user = make(username=username, password=PASSWORD, is_staff=True)
    if not superuser:
        StaffProfile.objects.create(user=user, role=roles.IOC_OPERATOR)
    return user


def sign_in(client, username, password, *, address=HOME, path="/ops/login", **extra):
    return client.post(
        path,
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **extra,
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_locked_after_the_limit_and_the_right_password_is_refused(client):
    """Two wrong passwords answer the form again; the third locks with a bilingual
    429 page saying how long; then the right password is refused too."""
    officer("lan")
    for _ in range(2):
        response = sign_in(client, "lan", "sai-mat-khau")
        assert response.status_code == 200
    locked = sign_in(client, "lan", "sai-mat-khau")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Tạm khóa đăng nhập" in page
    assert "Sign-in locked" in page
    assert "15 phút" in page
    assert "15 minutes" in page
    assert locked["Retry-After"] == "900"
    assert "Traceback" not in page

    refused = sign_in(client, "lan", PASSWORD)
    assert refused.status_code == 429
    assert not signed_in(client)


def test_other_users_and_other_addresses_are_not_locked(client):
    """The lock is for the pair: the same user from another address, and another
    user from the same address, still sign in."""
    officer("lan")
    officer("minh")
    for _ in range(3):
        sign_in(client, "lan", "sai-mat-khau")
    assert sign_in(client, "lan", PASSWORD).status_code == 429

    assert sign_in(client, "minh", PASSWORD).status_code == 302
    assert signed_in(client)
    client.logout()
    assert sign_in(client, "lan", PASSWORD, address=CAFE).status_code == 302
    assert signed_in(client)


def test_an_address_guessing_many_names_is_locked(client):
    """Fewer failures than the pair limit for each of many names still lock the
    address once they add up to the address limit, for every name; another
    address is not affected."""
    officer("minh")
    names = ["a", "b", "c", "d"]
    failures = 0
    for name in names:
        for _ in range(2):
            failures += 1
            response = sign_in(client, name, "doan-mo")
            expected = 429 if failures >= 7 else 200
            assert response.status_code == expected, (name, failures)
    assert sign_in(client, "minh", PASSWORD).status_code == 429
    assert not signed_in(client)
    assert sign_in(client, "minh", PASSWORD, address=CAFE).status_code == 302


def test_the_admin_sign_in_shares_the_count_and_the_lock(client):
    """Failures on /ops/login and /admin/login add up; the admin's sign-in page is
    locked with the same page, and the admin refuses the right password."""
    officer("quantri", superuser=True)
    sign_in(client, "quantri", "sai", path="/admin/login/")
    sign_in(client, "quantri", "sai")
    locked = sign_in(client, "quantri", "sai", path="/admin/login/")
    assert locked.status_code == 429
    assert "Sign-in locked" in locked.content.decode()
    assert sign_in(client, "quantri", PASSWORD, path="/admin/login/").status_code == 429
    assert not signed_in(client)


def test_the_lock_ends_after_the_cool_off(client, settings):
    """Once the cool-off has passed since the last failure, the right password
    works again (the cool-off made short instead of waiting)."""
    officer("lan")
    for _ in range(3):
        sign_in(client, "lan", "sai-mat-khau")
    assert sign_in(client, "lan", PASSWORD).status_code == 429

    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=1)
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=2))
    assert sign_in(client, "lan", PASSWORD).status_code == 302
    assert signed_in(client)


def test_a_successful_sign_in_forgets_only_that_users_failures(client):
    """Two slips then the right password: the slips are forgotten, so two more do
    not lock; the address's failures for other names stay counted."""
    officer("lan")
    sign_in(client, "x", "doan-mo")
    for _ in range(2):
        sign_in(client, "lan", "sai-mat-khau")
    assert sign_in(client, "lan", PASSWORD).status_code == 302
    client.logout()
    for _ in range(2):
        assert sign_in(client, "lan", "sai-mat-khau").status_code == 200
    assert AccessAttempt.objects.filter(username="x", ip_address=HOME).exists()


def test_the_address_is_the_client_behind_our_proxies(client, settings):
    """Behind a trusted proxy the client is read from X-Forwarded-For, so two
    citizens behind it are counted apart; from an untrusted address the header is
    ignored and cannot be used to dodge the lock."""
    officer("lan")
    settings.TRUSTED_PROXIES = ["10.9.0.0/16"]
    proxy = "10.9.0.5"
    for _ in range(3):
        sign_in(client, "lan", "sai", address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"
    assert (
        sign_in(
            client, "lan", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.7"
        ).status_code
        == 429
    )
    assert (
        sign_in(
            client, "lan", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.8"
        ).status_code
        == 302
    )
    client.logout()

    for spoofed in ("198.51.100.1", "198.51.100.2", "198.51.100.3"):
        sign_in(client, "lan", "sai", address=CAFE, HTTP_X_FORWARDED_FOR=spoofed)
    assert sign_in(client, "lan", PASSWORD, address=CAFE).status_code == 429
