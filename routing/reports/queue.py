"""The officers' queue: which reports, in which order, with which filters.

Scope and filters by status, category, unit and department come from
``routing.reports.selectors.reports_select`` (the staff list API's selector); the
queue adds what a working list needs: a free-text search over tracking codes and
descriptions, "overdue only", and its order — open reports past their deadline
first, then open reports by deadline (nearest first), then the rest, newest first.
The page (``web.ops``) parses its query string into ``QueueFilters`` and renders.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Replace

from boundaries.models import AdminUnit
from routing.models import Department, Report
from routing.reports.access import reports_visible_to
from routing.reports.selectors import reports_select
from routing.workflow import reports_due_soon

OPEN = "open"
ALL = "all"
# ``queue_rank`` of a row: past its deadline, open, no longer open.
OVERDUE, OPEN_RANK, CLOSED_RANK = 0, 1, 2


class QueueRank(TypedDict):
    queue_rank: int


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    # A queue row: a report with its ``queue_rank``.
    QueueRow: TypeAlias = WithAnnotations[Report, QueueRank]


@dataclass(frozen=True)
class QueueFilters:
    """What narrows the queue: a status (``OPEN``, ``ALL`` or a status code), the
    codes of a category, unit and department ("" for any), overdue only, a search
    text, and a publication state ("" for any; ``pending``: awaiting review)."""

    status: str = OPEN
    category: str = ""
    unit: str = ""
    department: str = ""
    overdue: bool = False
    q: str = ""
    publication: str = ""

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


def _filtered(*, user: Any, filters: QueueFilters) -> QuerySet[Report]:
    """``reports_select`` for the filters. The category and department are matched
    by code in the same query, so a code that names nothing selects nothing."""
    reports = reports_select(
        user=user, statuses=filters.statuses(), unit_code=filters.unit or None
    )
    if filters.category:
        reports = reports.filter(category__code=filters.category)
    if filters.department:
        reports = reports.filter(department__code=filters.department)
    if filters.publication:
        reports = reports.with_publication([filters.publication])
    return reports


def queue_select(
    *, user: Any, filters: QueueFilters, now: dt.datetime
) -> QuerySet[QueueRow]:
    """The reports ``user`` may see, filtered and in the queue's order; each row is
    annotated with ``queue_rank`` (``OVERDUE``, ``OPEN_RANK``, ``CLOSED_RANK``)."""
    reports = _filtered(user=user, filters=filters)
    if filters.overdue:
        reports = reports.filter(status__in=Report.OPEN_STATUSES, due_at__lt=now)
    reports = _search(reports, filters.q)
    open_ = Q(status__in=Report.OPEN_STATUSES)
    rank = Case(
        When(open_ & Q(due_at__lt=now), then=Value(OVERDUE)),
        When(open_, then=Value(OPEN_RANK)),
        default=Value(CLOSED_RANK),
        output_field=IntegerField(),
    )
    deadline = Case(When(open_, then=F("due_at")), default=None)
    # The unit's name, not its boundary (tens of kilobytes a row).
    return (
        reports.defer("unit__geom")
        .annotate(queue_rank=rank)
        .order_by("queue_rank", deadline.asc(nulls_last=True), "-reported_at", "-id")
    )


def queue_overdue_count(queue: QuerySet[QueueRow]) -> int:
    """How many reports of a ``queue_select`` queue are past their deadline."""
    return queue.filter(queue_rank=OVERDUE).count()


def queue_due_soon_ids(*, reports: Iterable[Report], now: dt.datetime) -> set[int]:
    """Ids of ``reports`` (a page of the queue) whose deadline is near."""
    ids = [r.pk for r in reports]
    return set(reports_due_soon(now).filter(pk__in=ids).values_list("pk", flat=True))


def queue_unit_choices(*, user: Any) -> list[tuple[str, str]]:
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


def queue_department_choices(*, user: Any, english: bool) -> list[tuple[str, str]]:
    """(code, name) of the departments holding reports the user may see, by name
    in the page's language."""
    name = "name_en" if english else "name_vi"
    department_ids = (
        reports_visible_to(user).order_by().values("department_id").distinct()
    )
    departments = Department.objects.filter(pk__in=department_ids).order_by(name)
    return [(d.code, getattr(d, name)) for d in departments]
