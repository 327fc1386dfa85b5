"""The filter × time-range cases the aggregate tests check against raw counts, over
the ``synthetic`` reports (March 2023 to 1 March 2026)."""

from __future__ import annotations

import datetime as dt

from analytics.selection import ReportFilter
from boundaries.models import AdminUnit
from routing.models import Category, Department, Report


def selections() -> dict[str, ReportFilter]:
    """Whole months, partial months at either end, whole years with partial ends,
    a range across a year's end and one within a month, open ends, unit,
    department, category and status filters, and boxes (small, central, city-wide, regional) with whole and partial months."""
    vsmt_ctn = tuple(
        Category.objects.filter(code__in=("VSMT", "CTN")).values_list("id", flat=True)
    )
    units = tuple(
        AdminUnit.objects.filter(code__in=("18880", "18868")).values_list(
            "id", flat=True
        )
    )
    department = Department.objects.get(code="qb-moitruong").pk
    return {
        "everything": ReportFilter(),
        "whole months": ReportFilter(
            day_from=dt.date(2024, 1, 1), day_to=dt.date(2025, 6, 30)
        ),
        "partial months": ReportFilter(
            day_from=dt.date(2024, 3, 10),
            day_to=dt.date(2025, 8, 20),
            category_ids=vsmt_ctn,
        ),
        "across a year": ReportFilter(
            day_from=dt.date(2024, 12, 15),
            day_to=dt.date(2025, 1, 20),
            statuses=("closed", "resolved"),
        ),
        "whole years, partial ends": ReportFilter(
            day_from=dt.date(2023, 5, 10),
            day_to=dt.date(2025, 11, 9),
            category_ids=vsmt_ctn,
        ),
        "centre box, whole years, partial ends": ReportFilter(
            bbox=(106.58, 17.44, 106.64, 17.49),
            day_from=dt.date(2023, 6, 15),
            day_to=dt.date(2025, 2, 3),
        ),
        "within a month": ReportFilter(
            day_from=dt.date(2025, 10, 3), day_to=dt.date(2025, 10, 28)
        ),
        "open end, units": ReportFilter(day_from=dt.date(2024, 2, 29), unit_ids=units),
        "open start, department": ReportFilter(
            day_to=dt.date(2025, 3, 31), department_ids=(department,)
        ),
        "open start, department, open statuses": ReportFilter(
            day_to=dt.date(2025, 12, 31),
            department_ids=(department,),
            statuses=tuple(Report.OPEN_STATUSES),
        ),
        "small box": ReportFilter(bbox=(106.615, 17.465, 106.630, 17.478)),
        "centre box, whole months": ReportFilter(
            bbox=(106.58, 17.44, 106.64, 17.49),
            day_from=dt.date(2024, 1, 1),
            day_to=dt.date(2024, 12, 31),
        ),
        "centre box, whole months, categories": ReportFilter(
            bbox=(106.58, 17.44, 106.64, 17.49),
            day_from=dt.date(2024, 1, 1),
            day_to=dt.date(2024, 12, 31),
            category_ids=vsmt_ctn,
        ),
        "city box, partial": ReportFilter(
            bbox=(106.55, 17.42, 106.66, 17.51), day_from=dt.date(2023, 11, 5)
        ),
        "region box": ReportFilter(bbox=(105.9, 17.0, 107.2, 17.9)),
    }
