"""``/ops/moderation``: the operations centre's publication review, one page.

Reports whose citizen asked to publish them wait here (``routing.reports.moderation``),
newest first, 50 a page, filtered by ward or commune and category. Each row shows the
description with what the automatic masking replaced (phone numbers, e-mail
addresses, ID numbers) highlighted: the text is escaped, and only the placeholders
the redaction put in (``routing.reports.redaction.text_mask_segments``) are wrapped
in ``<mark>``. The reviewer approves with the public text (prefilled with the masked
proposal, editable) and the photos left ticked, or refuses with a reason, which
only staff read.

Forms post here (CSRF) and call the same decision service as
``POST /api/v1/reports/<code>/publication`` (``routing.workflow.publication``): one
rule, one audit event with the decider and their role. A refusal re-renders the page
with the message next to the report (400, 403 or 409: 409 also when another
reviewer decided first, the form sends the state it showed); a decision redirects back to
the same filters and page. Only reviewers (``may_review_publication``) get in; the
answers are ``no-store`` (the rows hold the citizens' unmasked words).
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from geo.errors import BilingualError, Conflict, Forbidden
from routing import workflow
from routing.models import Report
from routing.reports.access import may_review_publication
from routing.reports.moderation import moderation_pending, moderation_select
from routing.reports.photo_urls import media_path
from routing.reports.publication import publication_proposal
from routing.reports.queue import queue_unit_choices
from routing.reports.redaction import text_mask_segments
from web.access import staff_page
from web.i18n import page_in_english, vietnamese_first
from web.views import category_choices

PAGE_SIZE = 50
APPROVE, WITHHOLD = "approve", "withhold"
REFUSAL = _(
    "The moderation queue is for the operations centre and administrators, who "
    "decide what the public may read of a report."
)
moderation_page = staff_page(may_review_publication, REFUSAL)


def highlighted(text: str) -> SafeString:
    """``text`` masked, escaped, with each masked part in ``<mark>``."""
    parts = [
        format_html('<mark class="redacted">{}</mark>', segment)
        if masked
        else escape(segment)
        for segment, masked in text_mask_segments(text)
    ]
    return mark_safe("".join(parts))


def _filters(params: QueryDict) -> dict[str, str]:
    return {
        "unit": params.get("unit", "").strip()[:10],
        "category": params.get("category", "").strip()[:20],
    }


def _row(report: Report, english: bool, typed: dict[str, Any]) -> dict[str, Any]:
    """What one row shows; ``typed`` holds what the reviewer sent for it, when the
    decision was refused (their text, ticks and reason are kept)."""
    photos = report.citizen  # type: ignore[attr-defined]  # moderation_select
    shown = typed.get("photos")
    return {
        "report": report,
        "category": report.category.name_en if english else report.category.name_vi,
        "department": report.department.name_en
        if english
        else report.department.name_vi,
        "highlighted": highlighted(report.description),
        "proposal": typed.get("text", publication_proposal(report)),
        "reason": typed.get("reason", ""),
        "error": typed.get("error", ""),
        "sensitive": report.category.sensitive,
        "photos": [
            {
                "id": photo.pk,
                "thumbnail_url": media_path(photo.thumbnail),
                "url": media_path(photo.image),
                "shown": shown is None or photo.pk in shown,
            }
            for photo in photos
        ],
    }


def _status(error: BilingualError) -> int:
    if isinstance(error, Forbidden):
        return 403
    if isinstance(error, Conflict):
        return 409
    return 400


def _photo_ids(values: list[str]) -> list[int]:
    ids = []
    for value in values[:50]:
        if not value.isdigit():
            raise BilingualError(
                "publication_bad_photo",
                "Ảnh được chọn không hợp lệ.",
                "A chosen photo is not valid.",
                field="photos",
            )
        ids.append(int(value))
    return ids


def _expected(value: str) -> str:
    """The publication state the form showed (the queue lists pending reports);
    checked by the decision under the row lock."""
    if value not in Report.Publication.values:
        return Report.Publication.PENDING
    return value


@method_decorator([vietnamese_first, moderation_page], name="dispatch")
class ModerationView(TemplateView):
    """The pending reports (GET) and one decision on one of them (POST)."""

    template_name = "web/ops/moderation.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._page(request.GET, status=200)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        code = request.POST.get("code", "")[:20]
        decision = request.POST.get("decision", "")
        report = moderation_pending(request.user).filter(tracking_code=code).first()
        typed: dict[str, Any] = {
            "code": code,
            "text": request.POST.get("public_description", ""),
            "reason": request.POST.get("reason", ""),
        }
        try:
            if decision not in (APPROVE, WITHHOLD):
                raise BilingualError(
                    "publication_bad_decision",
                    "Hãy chọn duyệt hoặc không công khai.",
                    "Choose to approve or to refuse publication.",
                    field="decision",
                )
            if report is None:
                raise Conflict(
                    "publication_not_pending",
                    f"Phản ánh {code} không còn chờ duyệt công khai.",
                    f"Report {code} no longer waits for a publication review.",
                )
            photos = _photo_ids(request.POST.getlist("photo"))
            typed["photos"] = set(photos)
            workflow.report_publication_decide(
                report=report,
                actor=request.user,
                approve=decision == APPROVE,
                text=typed["text"] if decision == APPROVE else None,
                photo_ids=photos if decision == APPROVE else None,
                note=typed["reason"] if decision == WITHHOLD else "",
                expected=_expected(request.POST.get("expected", "")),
            )
        except BilingualError as error:
            typed["error"] = error.en if page_in_english() else error.vi
            return self._page(request.GET, status=_status(error), typed=typed)
        query = request.GET.copy()
        query["done"] = code
        query["decision"] = decision
        response = HttpResponseRedirect(
            f"{reverse('web:ops-moderation')}?{query.urlencode()}"
        )
        response["Cache-Control"] = "no-store"
        return response

    def _page(
        self, params: QueryDict, *, status: int, typed: dict[str, Any] | None = None
    ) -> HttpResponse:
        user = self.request.user
        english = page_in_english()
        filters = _filters(params)
        reports = moderation_select(user=user, **filters)
        page = Paginator(reports, PAGE_SIZE).get_page(params.get("page"))
        typed = typed or {}
        rows = [
            _row(r, english, typed if r.tracking_code == typed.get("code") else {})
            for r in page.object_list
        ]
        query = params.copy()
        for key in ("page", "done", "decision"):
            query.pop(key, None)
        context = self.get_context_data(
            filters=filters,
            page=page,
            rows=rows,
            query=query.urlencode(),
            action=self.request.get_full_path(),
            done=params.get("done", "")[:20],
            decision=params.get("decision", ""),
            error=typed.get("error", "")
            if not any(r["report"].tracking_code == typed.get("code") for r in rows)
            else "",
            categories=category_choices(include_inactive=True),
            units=queue_unit_choices(user=user),
        )
        response = self.render_to_response(context, status=status)
        response["Cache-Control"] = "no-store"
        return response
