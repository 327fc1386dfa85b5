"""manage.py webhook_secret_rotate CODE [CODE …] | --all: draw new webhook secrets.

Prints ``code<TAB>new secret`` per department on stdout (give it to the receiver);
the previous secret keeps signing beside the new one for WEBHOOK_SECRET_GRACE_HOURS
(``routing.notifications.webhook_secrets``). All departments named are rotated in
one transaction, or none when a code is unknown.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from routing.models import Department
from routing.notifications.webhook_secrets import (
    department_webhook_secret_rotate,
    webhook_grace_ends,
)


class Command(BaseCommand):
    help = "Rotate departments' webhook secrets (the previous one stays valid a while)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("codes", nargs="*", help="Department codes, e.g. dh-qldt.")
        parser.add_argument(
            "--all", action="store_true", help="Rotate every department's secret."
        )

    @transaction.atomic
    def handle(self, *args: Any, **opts: Any) -> None:
        codes: list[str] = opts["codes"]
        if bool(codes) == bool(opts["all"]):
            raise CommandError("Give department codes or --all (not both).")
        departments = Department.objects.order_by("code")
        if codes:
            departments = departments.filter(code__in=codes)
            missing = sorted(set(codes) - {d.code for d in departments})
            if missing:
                raise CommandError(
                    f"No department has the code(s): {', '.join(missing)}"
                )
        now = timezone.now()
        rotated = [
            department_webhook_secret_rotate(department=department, now=now)
            for department in departments
        ]
        for department in rotated:
            self.stdout.write(f"{department.code}\t{department.webhook_secret}")
        if rotated:
            ends = webhook_grace_ends(rotated[0])
            until = timezone.localtime(ends).isoformat() if ends else "-"
            self.stderr.write(
                f"Rotated {len(rotated)} webhook secret(s); the previous ones keep "
                f"signing beside the new ones until {until}."
            )
