"""Departments' webhook secrets: generated for every department, rotated by the
command and the admin (the previous one kept for the grace period), shown masked."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from routing.models import Department
from routing.notifications.signing import signature, signature_header, verify_signature
from routing.notifications.webhook_secrets import (
    department_webhook_secret_rotate,
    webhook_secrets_signing,
)

pytestmark = pytest.mark.django_db


def test_every_department_has_its_own_secret():
    """The fixtures' departments (loaded through routing_load_fixtures) and a new
    one all have a secret of their own, none equal to another."""
    secrets = list(Department.objects.values_list("webhook_secret", flat=True))
    assert all(len(secret) == 43 for secret in secrets)
    assert len(set(secrets)) == len(secrets)
    made = Department.objects.create(
        code="test-cap-nuoc", name_vi="Cấp nước", name_en="Water", kind="water"
    )
    assert len(made.webhook_secret) == 43
    assert made.webhook_secret not in secrets


def test_a_save_with_update_fields_still_draws_a_missing_secret():
    department = Department.objects.get(code="dh-qldt")
    department.webhook_secret = ""
    department.email = "moi@example.vn"
    department.save(update_fields=["email"])
    department.refresh_from_db()
    assert len(department.webhook_secret) == 43


def test_rotating_keeps_the_previous_secret_for_the_grace_period(settings):
    settings.WEBHOOK_SECRET_GRACE_HOURS = 72
    department = Department.objects.get(code="dh-qldt")
    first = department.webhook_secret
    at = timezone.now()
    second = department_webhook_secret_rotate(department=department, now=at)
    assert second.webhook_secret_previous == first
    assert webhook_secrets_signing(second, now=at + dt.timedelta(hours=71)) == [
        second.webhook_secret,
        first,
    ]
    assert webhook_secrets_signing(second, now=at + dt.timedelta(hours=72)) == [
        second.webhook_secret
    ]
    third = department_webhook_secret_rotate(department=second, now=at)
    assert webhook_secrets_signing(third, now=at) == [
        third.webhook_secret,
        second.webhook_secret,
    ]


def test_signature_header_and_verification():
    """One entry per secret, comma-separated; any entry verifies; tampering or a
    wrong secret does not; an empty list is refused (nothing is sent unsigned)."""
    body = b'{"id":1}'
    header = signature_header(body, ["mới", "cũ"])
    assert header == f"{signature(body, 'mới')},{signature(body, 'cũ')}"
    assert verify_signature(body, header, "cũ")
    assert verify_signature(body, header.upper().replace(",", ", "), "mới")
    assert not verify_signature(body + b" ", header, "mới")
    assert not verify_signature(body, header, "khác")
    assert not verify_signature(body, "", "mới")
    with pytest.raises(ValueError, match="unsigned"):
        signature_header(body, [])


def test_the_command_rotates_named_departments_or_all():
    """It prints code and new secret per department; an unknown code changes
    nothing; codes and --all together, or neither, are refused."""
    before = dict(Department.objects.values_list("code", "webhook_secret"))
    out, err = StringIO(), StringIO()
    call_command("webhook_secret_rotate", "dh-qldt", stdout=out, stderr=err)
    department = Department.objects.get(code="dh-qldt")
    assert out.getvalue() == f"dh-qldt\t{department.webhook_secret}\n"
    assert department.webhook_secret_previous == before["dh-qldt"]
    assert "keep signing" in err.getvalue()

    with pytest.raises(CommandError, match="khong-co"):
        call_command("webhook_secret_rotate", "dh-qldt", "khong-co", stdout=StringIO())
    assert Department.objects.get(code="dh-qldt").webhook_secret == (
        department.webhook_secret
    )
    for args in ([], ["dh-qldt", "--all"]):
        with pytest.raises(CommandError, match="--all"):
            call_command("webhook_secret_rotate", *args, stdout=StringIO())

    out = StringIO()
    call_command("webhook_secret_rotate", "--all", stdout=out, stderr=StringIO())
    assert len(out.getvalue().splitlines()) == len(before)
    after = dict(Department.objects.values_list("code", "webhook_secret"))
    assert all(after[code] != before[code] for code in before)


def test_the_admin_masks_the_secret_and_rotates_it_once(admin_client):
    """The change page shows 4 characters of the secret, the list none; the rotate
    action answers a no-store page with the new secret, which the change page then
    masks again."""
    department = Department.objects.get(code="dh-qldt")
    secret = department.webhook_secret
    change = f"/admin/routing/department/{department.pk}/change/"
    page = admin_client.get(change).content.decode()
    assert secret not in page
    assert f"{secret[:4]}…" in page
    listing = admin_client.get("/admin/routing/department/").content.decode()
    assert secret[:4] + "…" not in listing
    assert secret not in listing

    response = admin_client.post(
        "/admin/routing/department/",
        {"action": "rotate_webhook_secret", "_selected_action": [department.pk]},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    department.refresh_from_db()
    assert department.webhook_secret != secret
    assert department.webhook_secret_previous == secret
    assert department.webhook_secret in response.content.decode()
    page = admin_client.get(change).content.decode()
    assert department.webhook_secret not in page
    assert "the previous secret still signs until" in page


def test_the_admin_form_cannot_set_the_secret(admin_client):
    """Posting a webhook_secret to the change form does not change it."""
    department = Department.objects.get(code="dh-qldt")
    secret = department.webhook_secret
    admin_client.post(
        f"/admin/routing/department/{department.pk}/change/",
        {
            "code": department.code,
            "name_vi": department.name_vi,
            "name_en": department.name_en,
            "kind": department.kind,
            "jurisdiction_code": department.jurisdiction_code,
            "active": "on",
            "email": "",
            "webhook_url": "https://example.vn/hook",
            "webhook_secret": "do-nguoi-dung-chon",
        },
    )
    department.refresh_from_db()
    assert department.webhook_url == "https://example.vn/hook"
    assert department.webhook_secret == secret
