"""Browser tests: Debian's Chromium, driven by Playwright, against ``live_server``.

How they are isolated from the rest of the suite:

- ``live_server`` serves from another thread and connection, so it sees only
  committed rows; pytest-django therefore gives every test that uses it
  ``transactional_db``, which FLUSHES every table after the test, the rows the
  session loaded (boundaries, categories, departments, zones, and what migrations
  wrote) included.
- So ``tests/conftest.py`` moves every ``browser``-marked test to the end of the run,
  after all the tests that rely on the session's rows; before the first browser test
  the ``browser`` fixture copies every non-empty table (``COPY … TO STDOUT``, well
  under a second), each browser test after a flush copies them back
  (``fixtures_loaded``), and the end of the session leaves the database as the
  session had it (for ``--reuse-db``).
- Playwright's sync API runs an event loop in the test's thread, where Django refuses
  ORM calls unless ``DJANGO_ALLOW_ASYNC_UNSAFE`` is set: the ``browser`` fixture sets
  it from the first browser test to the end of the session (they run last).

Chromium is Debian's (``WITH_BROWSER=1 bash scripts/system-deps.sh``, which ``make
test`` runs); Playwright never downloads a browser here. Screenshots go to
``test-artifacts/`` (git-ignored).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, transaction

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 860}
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"


# The session's rows, kept across flushes ----------------------------------------


@dataclass
class Snapshot:
    """Every non-empty Django table as PostgreSQL binary COPY data."""

    tables: list[tuple[str, bytes]] = field(default_factory=list)

    @classmethod
    def take(cls) -> Snapshot:
        snapshot = cls()
        names = connection.introspection.django_table_names(only_existing=True)
        with connection.cursor() as cursor:
            raw = cursor.cursor
            for table in sorted(names):
                data = bytearray()
                with raw.copy(f'COPY "{table}" TO STDOUT (FORMAT binary)') as copy:
                    for chunk in copy:
                        data += chunk
                if _rows_in(raw, table):
                    snapshot.tables.append((table, bytes(data)))
        return snapshot

    def present(self) -> bool:
        """Whether the rows are there (the largest table is not empty)."""
        if not self.tables:
            return True
        table = max(self.tables, key=lambda item: len(item[1]))[0]
        with connection.cursor() as cursor:
            return _rows_in(cursor.cursor, table)

    def restore(self) -> None:
        """Copy the rows back. The flush's post_migrate signal has written content
        types and permissions again, with other ids: those tables are emptied first.
        Django's foreign keys are deferred, so the order does not matter inside the
        transaction."""
        with transaction.atomic(), connection.cursor() as cursor:
            raw = cursor.cursor
            names = ", ".join(f'"{table}"' for table, _ in self.tables)
            raw.execute(f"TRUNCATE {names} CASCADE")
            for table, data in self.tables:
                with raw.copy(f'COPY "{table}" FROM STDIN (FORMAT binary)') as copy:
                    copy.write(data)


def _rows_in(raw_cursor: Any, table: str) -> bool:
    raw_cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")')
    return bool(raw_cursor.fetchone()[0])


# Django's flush truncates every table in one statement; a trigger that fires on the
# TRUNCATE of one table and truncates another of them fails ("cannot TRUNCATE … because
# it is being used by active queries in this session": analytics_report_truncated did).
# The flush empties every table anyway, so such triggers are off while the browser
# tests run, and on again after the last flush.
_TRUNCATE_TRIGGERS = """
    SELECT format('%I.%I', n.nspname, c.relname), t.tgname
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE NOT t.tgisinternal AND t.tgtype & 32 <> 0 AND t.tgenabled <> 'D'
"""


def _truncate_triggers(action: str, triggers: list[tuple[str, str]]) -> None:
    with connection.cursor() as cursor:
        for table, trigger in triggers:
            cursor.execute(f'ALTER TABLE {table} {action} TRIGGER "{trigger}"')


# Fixtures ------------------------------------------------------------------------


@dataclass
class BrowserSession:
    chromium: Any
    snapshot: Snapshot


@pytest.fixture(scope="session")
def browser(django_db_setup, django_db_blocker, live_server):
    """Chromium, started after the test database and the live server (once
    Playwright's event loop runs in this thread, Django refuses to set them up),
    with the snapshot of the session's rows."""
    if not CHROMIUM.exists():
        pytest.skip(
            "Debian's chromium is not installed: run `WITH_BROWSER=1 bash "
            "scripts/system-deps.sh` (make test does)"
        )
    from playwright.sync_api import sync_playwright

    with django_db_blocker.unblock():
        snapshot = Snapshot.take()
        with connection.cursor() as cursor:
            cursor.execute(_TRUNCATE_TRIGGERS)
            triggers = cursor.fetchall()
        _truncate_triggers("DISABLE", triggers)
    # ORM calls from this thread while Playwright's event loop runs in it: the tests'
    # own, and pytest-django's flush after each test.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield BrowserSession(chromium=chromium, snapshot=snapshot)
        chromium.close()
    with django_db_blocker.unblock():
        _truncate_triggers("ENABLE", triggers)
        if not snapshot.present():
            snapshot.restore()


@pytest.fixture
def fixtures_loaded(transactional_db, browser):
    """The session's rows again, if the previous browser test's flush emptied them."""
    if not browser.snapshot.present():
        browser.snapshot.restore()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def script_errors(page) -> list[str]:
    """The page's script errors, collected as they happen: uncaught exceptions and
    the scripts' own console errors, not the browser's "Failed to load resource" for
    the API's 4xx answers, which the tests provoke on purpose."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load")
            else None
        ),
    )
    return errors


@pytest.fixture
def page(browser, fixtures_loaded, live_server, media):
    """A phone-sized page in a fresh context with an English browser locale (the
    pages must still speak Vietnamese); any script error fails the test."""
    context = browser.chromium.new_context(
        viewport=PHONE,
        locale="en-US",
        base_url=live_server.url,
        service_workers="block",
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = script_errors(page)
    yield page
    context.close()
    assert not errors, f"script errors on the page: {errors}"


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot as test-artifacts/<name>.png."""

    return lambda name: screenshot_of(page, name)


def screenshot_of(page, name: str, *, full_page: bool = True) -> Path:
    """Save ``page`` as test-artifacts/<name>.png (any page, staff pages included)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.evaluate("window.scrollTo(0, 0)")  # the sticky header at the top
    page.screenshot(path=str(path), full_page=full_page)
    return path


@pytest.fixture
def staff_page(browser, fixtures_loaded, live_server, media):
    """``staff_page(role, department=None, unit_code="", size=DESKTOP)``: a signed-in
    page for a new staff user in ``role`` (a StaffProfile role, or "admin" for a
    superuser). Desktop-sized unless asked; any script error fails the test."""
    from django.contrib.auth.models import User
    from django.test import Client

    from routing.models import StaffProfile

    opened = []

    def open_as(role: str, *, department=None, unit_code: str = "", size=DESKTOP):
        user = User.objects.create_user(
            username=f"{role}-{len(opened)}",
            password="not-used",
            is_staff=True,
            is_superuser=role == "admin",
        )
        if role != "admin":
            StaffProfile.objects.create(
                user=user, role=role, department=department, unit_code=unit_code
            )
        client = Client()
        client.force_login(user)
        context = browser.chromium.new_context(
            viewport=size, locale="en-US", base_url=live_server.url
        )
        context.set_default_timeout(15_000)
        host = live_server.url.split("//", 1)[1].split(":")[0]
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "domain": host,
                    "path": "/",
                }
            ]
        )
        page = context.new_page()
        errors = script_errors(page)
        opened.append((context, errors))
        page.user = user
        return page

    yield open_as
    for context, errors in opened:
        context.close()
        assert not errors, f"script errors on the page: {errors}"
