"""The officers' pages: ``/ops/`` (the queue) and ``/ops/r/<code>`` (one report).

Both need a role that works reports (``routing.reports.access.may_work_queue``); a
report outside the user's scope is a 404, as in the API, so codes cannot be probed.
The queue (``routing.reports.queue``) is rendered on the server (no script needed to
read it); the report page's actions post to the workflow API from
``static/web/js/ops-report.js``.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from routing.models import Report
from routing.reports.access import (
    may_filter_department,
    may_review_publication,
    may_work_queue,
)
from routing.reports.queue import (
    ALL,
    OPEN,
    OVERDUE,
    queue_department_choices,
    queue_due_soon_ids,
    queue_overdue_count,
    queue_select,
    queue_unit_choices,
)
from routing.reports.selectors import report_visible_get
from web import labels
from web.access import staff_page
from web.i18n import page_in_english, vietnamese_first
from web.maps import map_config
from web.ops.queue import queue_filters_parse
from web.ops.report_page import report_context
from web.views import category_choices

PAGE_SIZE = 25
REFUSAL = _(
    "The report queue is for operations-centre operators and for officers of a "
    "department, a ward or a commune."
)
queue_page = staff_page(may_work_queue, REFUSAL)


def report_url(code: str) -> str:
    return reverse("web:ops-report", kwargs={"code": code})


@method_decorator([vietnamese_first, queue_page], name="dispatch")
class QueueView(TemplateView):
    """``/ops/``: the reports this user may see, overdue first, with filters."""

    template_name = "web/ops/queue.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        now = timezone.now()
        departments = may_filter_department(user)
        reviews = may_review_publication(user)
        filters = queue_filters_parse(
            self.request.GET, departments=departments, publication=reviews
        )
        reports = queue_select(user=user, filters=filters, now=now)
        page = Paginator(reports, PAGE_SIZE).get_page(self.request.GET.get("page"))
        rows = list(page.object_list)
        due_soon = queue_due_soon_ids(reports=rows, now=now)
        categories = category_choices()
        styles = {c["code"]: c for c in categories}
        en = page_in_english()
        items = [
            {
                "report": r,
                "url": report_url(r.tracking_code),
                "category": styles.get(r.category.code)
                or {"name": r.category.name_en if en else r.category.name_vi},
                "status_label": labels.status_label(r.status),
                "department": r.department.name_en if en else r.department.name_vi,
                "overdue": r.queue_rank == OVERDUE,
                "due_soon": r.pk in due_soon,
            }
            for r in rows
        ]
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            {
                "filters": filters,
                "reviews_publication": reviews,
                "page": page,
                "overdue_count": queue_overdue_count(reports),
                "items": items,
                "query": query.urlencode(),
                "status_choices": [
                    (OPEN, _("Open (to handle)")),
                    (ALL, _("All statuses")),
                    *labels.status_labels().items(),
                ],
                "categories": categories,
                "units": queue_unit_choices(user=user),
                "departments": queue_department_choices(user=user, english=en)
                if departments
                else None,
                "page_config": {
                    "map": map_config(),
                    "reports": [
                        {
                            "code": item["report"].tracking_code,
                            "lat": item["report"].location.y,
                            "lon": item["report"].location.x,
                            "url": item["url"],
                            "overdue": item["overdue"],
                            "colour": item["category"].get("colour", "#525252"),
                            "category": item["category"]["name"],
                        }
                        for item in items
                    ],
                },
            }
        )
        return context


@method_decorator([vietnamese_first, queue_page], name="dispatch")
class ReportView(TemplateView):
    """``/ops/r/<code>``: one report with its routing, timeline and actions."""

    template_name = "web/ops/report.html"

    def get(
        self, request: HttpRequest, *args: Any, code: str, **kwargs: Any
    ) -> HttpResponse:
        report: Report | None = report_visible_get(user=request.user, code=code)
        if report is None:
            return render(
                request, "web/ops/not_found.html", {"code": code[:40]}, status=404
            )
        if report.tracking_code != code:  # typed in another shape: one URL per report
            return HttpResponseRedirect(report_url(report.tracking_code))
        context = self.get_context_data(**kwargs)
        context.update(report_context(report=report, user=request.user))
        return self.render_to_response(context)
