"""Who handles what, where: departments, categories, zones, reports and decisions."""

from routing.models.citizens import CitizenToken, OtpDailyCount, PhoneCode
from routing.models.departments import Category, DefaultDepartment, Department
from routing.models.events import ReportEvent, ReportPhoto
from routing.models.followers import ReportFollower
from routing.models.idempotency import IdempotencyKey
from routing.models.outbox import Notification
from routing.models.reports import Assignment, Report
from routing.models.staff import CalendarOverride, StaffProfile
from routing.models.zones import ResponsibilityZone, ZoneEdge, ZoneHistory

__all__ = [
    "Assignment",
    "CalendarOverride",
    "Category",
    "CitizenToken",
    "DefaultDepartment",
    "Department",
    "IdempotencyKey",
    "Notification",
    "OtpDailyCount",
    "PhoneCode",
    "Report",
    "ReportEvent",
    "ReportFollower",
    "ReportPhoto",
    "ResponsibilityZone",
    "StaffProfile",
    "ZoneEdge",
    "ZoneHistory",
]
