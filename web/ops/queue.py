"""The officers' queue page's query string, read into ``QueueFilters``.

Which reports, in which order, is ``routing.reports.queue``; this module only reads
what the filter form sends, cutting each value to a sane length. Unknown values
fall back to "any" rather than an error page.
"""

from __future__ import annotations

from django.http import QueryDict

from routing.models import Report
from routing.reports.queue import ALL, OPEN, QueueFilters

MAX_SEARCH = 100
PUBLICATION = frozenset(Report.Publication.values)


def queue_filters_parse(
    params: QueryDict, *, departments: bool, publication: bool = False
) -> QueueFilters:
    """The filters of the queue's form; the department only for users to whom it
    means something (``departments``), the publication state only for reviewers
    (``publication``)."""
    status = params.get("status", OPEN)
    if status not in {OPEN, ALL, *Report.Status.values}:
        status = OPEN
    return QueueFilters(
        status=status,
        category=params.get("category", "").strip()[:20],
        unit=params.get("unit", "").strip()[:10],
        department=params.get("department", "").strip()[:60] if departments else "",
        overdue=params.get("overdue") in {"1", "on", "true"},
        q=" ".join(params.get("q", "").split())[:MAX_SEARCH],
        publication=state
        if publication and (state := params.get("publication", "")) in PUBLICATION
        else "",
    )
