"""The role × endpoint matrix, generated from the URL resolver.

Every URL pattern of ``config.urls`` (and everything it includes) must have an
entry in ``tests.matrix.expected`` (``MATRIX``, ``ADMIN_PAGES``, or a ModelAdmin of
``ADMIN_MODELS``); a new URL without one fails ``test_every_url_pattern_has_an_entry``
with the line to add. Each entry is then called as every role, and each answer must
be of the expected class; every 2xx body is searched for the personal values of
the reports whose personal data the role may not see (``PERSONAL_SEEN``): names,
phone numbers, e-mail addresses, photo GPS tags, fingerprints, Open311 device and
account ids, raw or JSON-escaped.

The data set is made once for the module, inside a transaction rolled back at its
end; each test runs in a savepoint of it (pytest-django's ``db``).
"""

from __future__ import annotations

from collections.abc import Iterator
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpResponseBase
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from routing.reports.access import IOC_ADMIN_VIEWS
from tests.matrix.expected import (
    ADMIN_MODEL_PAGES,
    ADMIN_MODELS,
    ADMIN_PAGES,
    INVALID,
    MATRIX,
    MODEL_ADMIN_PATTERNS,
    NO_METHOD,
    NOT_FOUND,
    OK,
    REDIRECT,
    REFUSED,
    SIGN_IN,
    Url,
)
from tests.matrix.world import (
    ADMIN,
    CITIZEN,
    IOC,
    OPEN311_KEY,
    PLANNER,
    ROLES,
    ROUTING,
    World,
    json_escaped,
    world_build,
)
from tests.open311.forms import FORM

pytestmark = pytest.mark.django_db

SIGN_IN_PAGES = ("/ops/login", "/admin/login/")


def url_patterns(
    resolver: URLResolver | None = None, prefix: str = ""
) -> Iterator[str]:
    """Every URL pattern, as its includes' prefixes and its own route joined."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern, route)
        else:
            assert isinstance(pattern, URLPattern)
            yield route


def model_admin_prefixes() -> dict[str, str]:
    """``admin/<app>/<model>/`` of every registered ModelAdmin, by model label."""
    return {
        model._meta.label_lower: (
            f"admin/{model._meta.app_label}/{model._meta.model_name}/"
        )
        for model in admin.site._registry
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    with django_db_blocker.unblock(), transaction.atomic():
        made = world_build()
        try:
            yield made
        finally:
            transaction.set_rollback(True)
            for path in made.files:
                path.unlink(missing_ok=True)


def outcome(response: HttpResponseBase) -> str:
    status = response.status_code
    if 300 <= status < 400:
        location = response.get("Location", "")
        return SIGN_IN if location.startswith(SIGN_IN_PAGES) else REDIRECT
    if 200 <= status < 300:
        return OK
    return {
        401: REFUSED,
        403: REFUSED,
        404: NOT_FOUND,
        400: INVALID,
        405: NO_METHOD,
    }.get(status, str(status))


def body(response: HttpResponseBase) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return response.content  # type: ignore[attr-defined]


def leaks(world: World, role: str, response: HttpResponseBase) -> list[str]:
    """The personal values ``role`` may not see that the body holds."""
    content = body(response)
    return [
        value
        for value in world.forbidden(role)
        if value.encode() in content or json_escaped(value).encode() in content
    ]


def call(world: World, role: str, method: str, path: str, entry: Url):
    """One request as ``role``, on a copy of its client (a sign-out ends only the
    copy's session, and the test's rollback brings it back); on Open311 the key
    role sends its key."""
    client = Client()
    client.cookies = SimpleCookie(world.clients[role].cookies)
    path = path.format(**world.values)
    keyed = role == OPEN311_KEY and path.startswith("/open311/")
    # The citizen is the named report's reporter, holding its receipt secret.
    headers = {"X-Receipt-Secret": world.values["receipt"]} if role == CITIZEN else {}
    if method == "GET":
        if keyed:
            path += ("&" if "?" in path else "?") + urlencode({"api_key": world.key})
        return client.get(path, headers=headers)
    if entry.form:
        data = urlencode({"api_key": world.key} if keyed else {})
        return client.generic(method, path, data, content_type=FORM, headers=headers)
    return client.generic(
        method, path, "{}", content_type="application/json", headers=headers
    )


def check(world: World, entry: Url) -> list[str]:
    """Every mismatch of ``entry``'s calls, as readable lines."""
    problems = []
    for method, path, expected in entry.calls():
        for role in ROLES:
            response = call(world, role, method, path, entry)
            got = outcome(response)
            where = f"{method} {path} as {role}"
            if got != expected[role]:
                problems.append(
                    f"{where}: {got} ({response.status_code}), "
                    f"expected {expected[role]}"
                )
            if got == OK and (found := leaks(world, role, response)):
                problems.append(f"{where}: personal data {found}")
    return problems


# --- coverage ------------------------------------------------------------------------


def test_every_url_pattern_has_an_entry():
    """A URL pattern nobody has stated the outcomes for fails here, saying where
    to state them."""
    prefixes = model_admin_prefixes()
    model_patterns = {
        prefix + suffix
        for prefix in prefixes.values()
        for suffix in MODEL_ADMIN_PATTERNS
    }
    missing = [
        route
        for route in url_patterns()
        if route not in MATRIX
        and route not in ADMIN_PAGES
        and route not in model_patterns
    ]
    assert not missing, (
        "URL patterns without an entry in tests/matrix/expected.py: add a line to "
        "MATRIX (or ADMIN_PAGES) for each, e.g. "
        f'"{missing[0]}": Url("/path", get=anyone(OK), post=staff_only(INVALID)), '
        f"— missing: {missing}"
    )
    unknown_models = sorted(set(prefixes) - set(ADMIN_MODELS))
    assert not unknown_models, (
        f"ModelAdmins without a line in ADMIN_MODELS (tests/matrix/expected.py): "
        f"{unknown_models}"
    )
    stale = sorted((set(MATRIX) | set(ADMIN_PAGES)) - set(url_patterns()))
    assert not stale, f"entries for URL patterns that no longer exist: {stale}"


def test_the_operations_centre_may_view_only_models_the_admin_has():
    """The policy names only models with a ModelAdmin (a typo there would silently
    hide a model from the operations centre)."""
    assert set(IOC_ADMIN_VIEWS) - set(ADMIN_MODELS) <= {
        "routing.assignment",  # shown inline on a report
        "routing.zonehistory",  # shown inline on a zone
    }


# --- the matrix ------------------------------------------------------------------


@pytest.mark.parametrize("pattern", sorted(MATRIX))
def test_each_url_answers_each_role_as_stated(world, pattern):
    """Each role gets the stated outcome, and no personal data it may not see."""
    problems = check(world, MATRIX[pattern])
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("pattern", sorted(ADMIN_PAGES))
def test_the_admin_site_pages(world, pattern):
    """The admin's own pages: the operations centre and admins only."""
    problems = check(world, ADMIN_PAGES[pattern])
    assert not problems, "\n".join(problems)


def admin_expected(label: str, right: str) -> dict[str, str]:
    """Admins: what the ModelAdmin allows; the operations centre: views of the
    models the policy names; everyone else: the admin's sign-in."""
    expected = dict.fromkeys(ROLES, SIGN_IN)
    expected[ADMIN] = OK if right in ADMIN_MODELS[label] else REFUSED
    ioc_may = right == "v" and label in IOC_ADMIN_VIEWS
    expected[IOC] = OK if ioc_may else REFUSED
    return expected


@pytest.mark.parametrize("label", sorted(ADMIN_MODELS))
def test_each_model_admin_for_each_role(world, label):
    """A sample of each ModelAdmin (changelist, add, change, delete, history):
    only admins and, for reading, the operations centre get in; none of them
    receives personal data it may not see (both may see all)."""
    prefix = model_admin_prefixes()[label]
    pk = world.admin_objects[label].pk
    problems = []
    for page, right in ADMIN_MODEL_PAGES.items():
        path = "/" + prefix + page.format(pk=pk)
        entry = Url(path, get=admin_expected(label, right))
        problems += check(world, entry)
    assert not problems, "\n".join(problems)


def test_a_role_without_the_admin_cannot_sign_in_to_it(world, client):
    """The admin's sign-in refuses a planner or a routing officer (both is_staff
    here) with the right password exactly as it refuses a wrong one; an
    operations-centre operator gets in."""
    users = get_user_model().objects
    for role, allowed in ((PLANNER, False), (ROUTING, False), (IOC, True)):
        user = users.get(username=f"matrix-{role}")
        user.set_password("dung-mat-khau-1")
        user.save()
        client.logout()
        response = client.post(
            "/admin/login/",
            {"username": user.username, "password": "dung-mat-khau-1"},
        )
        assert (response.status_code == 302) is allowed, role
        if not allowed:
            (error,) = response.context["form"].non_field_errors().as_data()
            assert error.code == "invalid_login"
