"""``/plan/evaluation/``: the pilot evaluation report as a printable page, a PDF
(``?format=pdf``) or a workbook (``?format=xlsx``), for the roles that read
analytics (planners, the operations centre, admins; leaders get planner
accounts)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View

from analytics.evaluation.document import evaluation_html
from analytics.evaluation.pdf import evaluation_pdf
from analytics.evaluation.report import (
    EvaluationInputError,
    evaluation_make,
    periods_parse,
)
from analytics.evaluation.workbook import evaluation_xlsx
from routing.reports.access import may_read_analytics
from web.access import staff_page

REFUSAL = _(
    "Only planners, operations-centre staff and administrators may open the "
    "evaluation report."
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("html", "pdf", "xlsx")


@method_decorator(staff_page(may_read_analytics, REFUSAL), name="dispatch")
class EvaluationView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        fmt = request.GET.get("format", "html")
        try:
            if fmt not in FORMATS:
                raise EvaluationInputError(
                    "Định dạng phải là html, pdf hoặc xlsx.",
                    "The format must be html, pdf or xlsx.",
                )
            period, before = periods_parse(request.GET)
        except EvaluationInputError as error:
            return render(
                request,
                "web/plan/evaluation_error.html",
                {"error": error, "evaluation_url": reverse("web:plan-evaluation")},
                status=400,
            )
        ev = evaluation_make(period, before)
        name = f"danh-gia-{period.first:%Y%m%d}-{period.last:%Y%m%d}"
        if fmt == "pdf":
            return _download(evaluation_pdf(ev), "application/pdf", f"{name}.pdf")
        if fmt == "xlsx":
            return _download(evaluation_xlsx(ev), XLSX, f"{name}.xlsx")
        query = urlencode(
            {
                key: request.GET[key]
                for key in ("from", "to", "compare_from", "compare_to")
                if request.GET.get(key)
            }
        )
        html = evaluation_html(ev, query=query, plan_url=reverse("web:plan"))
        return HttpResponse(html)


def _download(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
