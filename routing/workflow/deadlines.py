"""A report's due time: its category's SLA in Vietnamese working time."""

from __future__ import annotations

import datetime as dt

from routing.models import CalendarOverride, Category
from routing.workflow.calendar import WorkingCalendar, calendar_with


def calendar_load() -> WorkingCalendar:
    """The law's calendar with the province's overrides (a handful of rows)."""
    return calendar_with(CalendarOverride.objects.values_list("date", "working"))


def due_at(
    *,
    category: Category,
    start: dt.datetime,
    urgent: bool = False,
    calendar: WorkingCalendar | None = None,
) -> dt.datetime:
    calendar = calendar or calendar_load()
    if urgent:
        return calendar.due(start, category.urgent_sla_value, category.urgent_sla_unit)
    return calendar.due(start, category.sla_value, category.sla_unit)
