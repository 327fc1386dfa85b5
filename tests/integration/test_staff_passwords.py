"""Staff passwords pass Django's validators (AUTH_PASSWORD_VALIDATORS) in
`manage.py staff_create` and in the admin's password form; only the demo
(HT_DEMO=1, settings.DEMO_MODE) accepts its weak `demo` password, and says so."""

from __future__ import annotations

import shlex
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import translation

pytestmark = pytest.mark.django_db

STRONG = "Song-Nhat-Le-chay-qua-2025"


def create(username: str, password: str, **streams) -> None:
    call_command(
        "staff_create", username, "--role", "planner", "--password", password, **streams
    )


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("demo", "too short"),
        ("1234567890123", "entirely numeric"),
        ("password12345", "too common"),
        ("quyhoach-2025", "too similar"),
    ],
)
def test_a_weak_password_is_refused_and_nothing_is_written(settings, password, reason):
    """Outside the demo a weak password stops the command with the validators'
    reasons; no user is created."""
    settings.DEMO_MODE = False
    with (
        translation.override("en"),
        pytest.raises(CommandError, match="password too weak") as caught,
    ):
        create("quyhoach-2025", password)
    assert reason in str(caught.value)
    assert not get_user_model().objects.filter(username="quyhoach-2025").exists()


def test_a_strong_password_is_accepted(settings):
    settings.DEMO_MODE = False
    create("quyhoach2", STRONG, stdout=StringIO())
    assert get_user_model().objects.get(username="quyhoach2").check_password(STRONG)


def test_the_demo_accepts_its_weak_password_and_says_so(settings):
    """In demo mode `--password demo` works (the Makefile's demo accounts) with a
    warning on stderr."""
    settings.DEMO_MODE = True
    err = StringIO()
    create("quyhoach", "demo", stdout=StringIO(), stderr=err)
    assert get_user_model().objects.get(username="quyhoach").check_password("demo")
    assert "Demo mode (HT_DEMO=1): weak password accepted" in err.getvalue()


def test_the_admin_password_form_applies_the_validators(admin_client):
    """Setting a weak password for a user in the admin is refused on the form."""
    user = get_user_model().objects.create_user(username="canbo", password=STRONG)
    url = f"/admin/auth/user/{user.pk}/password/"
    response = admin_client.post(
        url, {"password1": "abc123", "password2": "abc123"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "too short" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(STRONG)


def demo_accounts() -> list[list[str]]:
    """The ``staff_create`` arguments of the Makefile's ``demo-users`` target, as
    ``make demo`` runs them (the README lists these accounts)."""
    makefile = (settings.BASE_DIR / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\ndemo-users:", 1)[1].split("\n\n", 1)[0]
    return [
        shlex.split(line.split("manage.py", 1)[1].split(">", 1)[0])
        for line in recipe.splitlines()
        if "staff_create" in line
    ]


def test_the_demo_accounts_sign_in_and_land_on_their_pages(client, settings):
    """Each demo account of the Makefile is created as ``make demo`` does and signs
    in at /ops/login with the password ``demo``, landing on a staff page of its own."""
    settings.DEMO_MODE = True
    accounts = demo_accounts()
    assert [args[1] for args in accounts] == [
        "ioc", "moitruong", "phuongdonghoi", "dieuphoi", "quyhoach"
    ]  # fmt: skip
    for command, *args in accounts:
        call_command(command, *args, stdout=StringIO(), stderr=StringIO())
        username = args[0]
        response = client.post(
            "/ops/login",
            {"username": username, "password": "demo", "next": "/ops/home"},
        )
        assert response.status_code == 302, username
        home = client.get("/ops/home")
        assert home.status_code == 302, username
        assert home["Location"] != "/", username
        assert client.get(home["Location"]).status_code == 200, username
        client.logout()
