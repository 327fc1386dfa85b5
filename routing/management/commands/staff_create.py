"""manage.py staff_create USERNAME --role ROLE [--department CODE] [--unit CODE]
[--password …] [--email …]: create or update a staff account and its role.

The role lives on the user's StaffProfile (``routing.reports.roles``); what it allows
is ``routing.reports.access``. Department officers need a department, unit officers
a unit (GSO code, as in every boundary set that keeps it). Routing officers also
join the routing officers' group, which holds the zone models' permissions in the
admin site, and leave it when their role changes. Running it again for the same
user changes the role; the password only changes when ``--password`` is given (a
new user without one cannot log in until it is set, e.g. with
``manage.py changepassword``).

The password must pass Django's validators (``AUTH_PASSWORD_VALIDATORS``: at least
``PASSWORD_MIN_LENGTH`` characters, not a common password, not all digits, not like
the user name). Only in the demo (``HT_DEMO=1``, ``settings.DEMO_MODE``) is a weak
password accepted, with a warning: that is how ``make demo`` makes its accounts with
the password ``demo``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from boundaries.models import AdminUnit
from routing.models import Department, StaffProfile
from routing.reports.access import ADMIN_SITE_ROLES
from routing.reports.roles import ROUTING_OFFICER_GROUP, Role


class Command(BaseCommand):
    help = "Create or update a staff user with a role (and department or unit)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--department", help="Department code, e.g. dh-qldt.")
        parser.add_argument("--unit", help="Unit GSO code, e.g. 18880.")
        parser.add_argument("--password")
        parser.add_argument("--email", default="")

    @transaction.atomic
    def handle(self, *args: Any, **opts: Any) -> None:
        role = opts["role"]
        department = self._department(opts["department"])
        unit_code = (opts["unit"] or "").strip()
        if role == Role.DEPARTMENT_OFFICER and department is None:
            raise CommandError("A department officer needs --department CODE.")
        if role == Role.UNIT_OFFICER and not unit_code:
            raise CommandError("A unit officer needs --unit CODE.")
        if unit_code and not AdminUnit.objects.filter(code=unit_code).exists():
            raise CommandError(f"No unit has the code {unit_code!r}.")

        user, created = get_user_model().objects.get_or_create(
            username=opts["username"]
        )
        user.is_staff = role in ADMIN_SITE_ROLES  # the admin: IOC and admins only
        if opts["email"]:
            user.email = opts["email"]
        if opts["password"]:
            self._check_password(opts["password"], user)
            user.set_password(opts["password"])
        elif created:
            user.set_unusable_password()
        user.save()
        StaffProfile.objects.update_or_create(
            user=user,
            defaults={"role": role, "department": department, "unit_code": unit_code},
        )
        group, _ = Group.objects.get_or_create(name=ROUTING_OFFICER_GROUP)
        if role == Role.ROUTING_OFFICER:
            user.groups.add(group)
        else:
            user.groups.remove(group)

        where = department.code if department else unit_code or "-"
        self.stdout.write(
            f"{'Created' if created else 'Updated'} {user.username}: {role} ({where})"
            + ("" if opts["password"] or not created else "; no password set")
        )

    def _check_password(self, password: str, user: Any) -> None:
        """Refuse a weak password (CommandError naming why), except in the demo."""
        try:
            validate_password(password, user)
        except ValidationError as error:
            reasons = " ".join(error.messages)
            if not settings.DEMO_MODE:
                raise CommandError(
                    f"Mật khẩu quá yếu / password too weak: {reasons}"
                ) from None
            self.stderr.write(
                f"Demo mode (HT_DEMO=1): weak password accepted for {user.username} "
                f"({reasons}); never do this on a real server."
            )

    def _department(self, code: str | None) -> Department | None:
        if not code:
            return None
        department = Department.objects.filter(code=code).first()
        if department is None:
            raise CommandError(f"No department has the code {code!r}.")
        return department
