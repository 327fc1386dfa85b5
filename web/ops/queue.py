"""The officers' queue: which reports, in which order, with which filters.

Scope and filters by status, category, unit and department come from
``routing.report_selectors.reports_select`` (the staff list API's selector); the
queue adds what a working list needs: a free-text search over tracking codes and
descriptions, "overdue only", and its order — open reports past their deadline
first, then open reports by deadline (nearest first), then the rest, newest first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Replace
from django.http import QueryDict

from boundaries.models import AdminUnit
from routing.models import Category, Department, Report
from routing.reports import lifecycle
from routing.reports.roles import reports_visible_to, role_of
from routing.reports.selectors import reports_select

OPEN = "open"
ALL = "all"
MAX_SEARCH = 100


def may_filter_department(user: Any) -> bool:
    """Operations-centre operators and admins see every department's reports; the
    others see one department's or one unit's, where the filter means nothing."""
    return role_of(user) in {lifecycle.IOC_OPERATOR, lifecycle.ADMIN}


@dataclass(frozen=True)
class QueueFilters:
    """The queue's filters as the form sends them; unknown values fall back to
    "any" rather than an error page."""

    status: str = OPEN  # "open", "all" or a status code
    category: str = ""
    unit: str = ""
    department: str = ""
    overdue: bool = False
    q: str = ""

    @classmethod
    def from_query(cls, params: QueryDict, *, departments: bool) -> QueueFilters:
        status = params.get("status", OPEN)
        if status not in {OPEN, ALL, *Report.Status.values}:
            status = OPEN
        return cls(
            status=status,
            category=params.get("category", "").strip()[:20],
            unit=params.get("unit", "").strip()[:10],
            department=params.get("department", "").strip()[:60] if departments else "",
            overdue=params.get("overdue") in {"1", "on", "true"},
            q=" ".join(params.get("q", "").split())[:MAX_SEARCH],
        )

    @property
    def active(self) -> bool:
        """Whether anything narrows the default queue (open reports)."""
        return self != QueueFilters()

    def statuses(self) -> list[str]:
        if self.status == OPEN:
            return list(Report.OPEN_STATUSES)
        if self.status == ALL:
            return []
        return [self.status]


def _search(reports: QuerySet[Report], text: str) -> QuerySet[Report]:
    """Reports whose description holds ``text``, or whose tracking code holds it
    as typed (with or without dashes and spaces, any case)."""
    if not text:
        return reports
    found = Q(description__icontains=text)
    compact = "".join(ch for ch in text.upper() if ch.isalnum())
    if compact:
        reports = reports.alias(
            code_compact=Replace(F("tracking_code"), Value("-"), Value(""))
        )
        found |= Q(code_compact__contains=compact)
    return reports.filter(found)


def queue_select(
    *, user: Any, filters: QueueFilters, now: dt.datetime
) -> QuerySet[Report]:
    """The reports ``user`` may see, filtered and in the queue's order; each row is
    annotated with ``queue_rank`` (0 overdue, 1 open, 2 no longer open)."""
    category_ids = list(
        Category.objects.filter(code=filters.category).values_list("pk", flat=True)
    )
    department_id = None
    if filters.department:
        department_id = (
            Department.objects.filter(code=filters.department)
            .values_list("pk", flat=True)
            .first()
        )
    reports = reports_select(
        user=user,
        category_ids=category_ids if filters.category else (),
        statuses=filters.statuses(),
        unit_code=filters.unit or None,
        department_id=department_id,
    )
    if filters.category and not category_ids:
        reports = reports.none()
    if filters.department and department_id is None:
        reports = reports.none()
    if filters.overdue:
        reports = reports.filter(status__in=Report.OPEN_STATUSES, due_at__lt=now)
    reports = _search(reports, filters.q)
    open_ = Q(status__in=Report.OPEN_STATUSES)
    rank = Case(
        When(open_ & Q(due_at__lt=now), then=Value(0)),
        When(open_, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    deadline = Case(When(open_, then=F("due_at")), default=None)
    # The unit's name, not its boundary (tens of kilobytes a row).
    return (
        reports.defer("unit__geom")
        .annotate(queue_rank=rank)
        .order_by("queue_rank", deadline.asc(nulls_last=True), "-reported_at", "-id")
    )


def unit_choices(user: Any) -> list[tuple[str, str]]:
    """(GSO code, name) of the units the user's reports lie in, by name; a code
    kept across boundary versions appears once. The reports give distinct unit
    ids only (their foreign-key index), the units their names (no geometry)."""
    unit_ids = reports_visible_to(user).order_by().values("unit_id").distinct()
    rows = (
        AdminUnit.objects.filter(pk__in=unit_ids)
        .order_by("name", "code")
        .values_list("code", "name")
    )
    seen: dict[str, str] = {}
    for code, name in rows:
        seen.setdefault(code, name)
    return list(seen.items())


def department_choices(user: Any, *, english: bool) -> list[tuple[str, str]]:
    """(code, name) of the departments holding reports the user may see."""
    name = "name_en" if english else "name_vi"
    department_ids = (
        reports_visible_to(user).order_by().values("department_id").distinct()
    )
    departments = Department.objects.filter(pk__in=department_ids).order_by(name)
    return [(d.code, getattr(d, name)) for d in departments]
