"""Who handles what, where: departments, categories, zones, reports and decisions."""

from routing.models.departments import Category, DefaultDepartment, Department
from routing.models.reports import Assignment, Report
from routing.models.zones import ResponsibilityZone, ZoneHistory

__all__ = [
    "Assignment",
    "Category",
    "DefaultDepartment",
    "Department",
    "Report",
    "ResponsibilityZone",
    "ZoneHistory",
]
