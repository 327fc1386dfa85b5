"""Departments' webhook secrets: which ones sign a delivery, and their rotation.

Each department has its own secret (``Department.webhook_secret``, drawn when the
department is saved without one); nothing is derived from ``SECRET_KEY``, so a leaked
receiver's secret says nothing about any other receiver or about our sessions.
Rotating draws a new secret and keeps the old one as ``webhook_secret_previous``:
for ``WEBHOOK_SECRET_GRACE_HOURS`` after ``webhook_secret_rotated_at`` deliveries
carry signatures by both (``routing.notifications.signing.signature_header``), so the
receiver can switch without a failed delivery; then only the new one signs.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from routing.models import Department
from routing.models.departments import webhook_secret_new

log = logging.getLogger(__name__)


def webhook_grace_ends(department: Department) -> dt.datetime | None:
    """When the previous secret stops signing; None when there is none."""
    if (
        not department.webhook_secret_previous
        or not department.webhook_secret_rotated_at
    ):
        return None
    grace = dt.timedelta(hours=settings.WEBHOOK_SECRET_GRACE_HOURS)
    return department.webhook_secret_rotated_at + grace


def webhook_secrets_signing(
    department: Department, *, now: dt.datetime | None = None
) -> list[str]:
    """The secrets a delivery to ``department`` is signed with, the newest first.

    A department saved without one (a bulk insert, a cleared field) gets its secret
    here, before anything is signed.
    """
    if not department.webhook_secret:
        department.save(update_fields=["webhook_secret"])
        log.warning("webhook secret generated for department %s", department.code)
    secrets = [department.webhook_secret]
    ends = webhook_grace_ends(department)
    if ends is not None and (now or timezone.now()) < ends:
        secrets.append(department.webhook_secret_previous)
    return secrets


@transaction.atomic
def department_webhook_secret_rotate(
    *, department: Department, now: dt.datetime | None = None
) -> Department:
    """Draw a new secret for ``department``; the current one signs beside it for the
    grace period. Rotating again within the grace period drops the oldest."""
    locked = Department.objects.select_for_update().get(pk=department.pk)
    locked.webhook_secret_previous = locked.webhook_secret
    locked.webhook_secret = webhook_secret_new()
    locked.webhook_secret_rotated_at = now or timezone.now()
    locked.save(
        update_fields=[
            "webhook_secret",
            "webhook_secret_previous",
            "webhook_secret_rotated_at",
        ]
    )
    return locked
