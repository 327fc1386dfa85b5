"""The zone editor page: a full-height map and a side panel, for routing officers."""

from __future__ import annotations

from typing import Any

from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from routing.reports.access import may_edit_zones
from web.access import staff_page
from web.i18n import vietnamese_first
from web.zones.config import editor_config

REFUSAL = _(
    "Only routing officers may edit responsibility zones. Ask an administrator to "
    "give your account the routing officer role."
)


@method_decorator(vietnamese_first, name="dispatch")
@method_decorator(staff_page(may_edit_zones, REFUSAL), name="dispatch")
class ZoneEditorView(TemplateView):
    """``/ops/zones/``: list, draw, check, preview and publish responsibility zones."""

    template_name = "web/zones/editor.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["page_config"] = editor_config()
        context["categories"] = context["page_config"]["categories"]
        return context
