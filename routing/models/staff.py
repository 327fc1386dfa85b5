"""Staff roles and the working calendar the province edits."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from routing.models.departments import Department
from routing.reports.roles import DEPARTMENT_OFFICER, UNIT_OFFICER, Role


class StaffProfile(models.Model):
    """The role a staff user acts in, and the department or unit it is limited to.

    Operations-centre operators see every report; a department officer only those
    assigned to their department; a unit officer only those in their unit (by GSO
    code, so a ward officer keeps seeing the ward across boundary versions that keep
    its code); routing officers edit zones; planners see aggregates without personal
    data.
    """

    Role = Role  # defined once, in routing.reports.roles

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    unit_code = models.CharField(max_length=10, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role=DEPARTMENT_OFFICER)
                | models.Q(department__isnull=False),
                name="staff_department_officer_has_department",
            ),
            models.CheckConstraint(
                condition=~models.Q(role=UNIT_OFFICER) | ~models.Q(unit_code=""),
                name="staff_unit_officer_has_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class CalendarOverride(models.Model):
    """A day the province works although the law says off, or the reverse (a storm)."""

    date = models.DateField(unique=True)
    working = models.BooleanField(help_text="True: a working day; False: a day off.")
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {'làm việc' if self.working else 'nghỉ'}"
