"""The planners' map page: its configuration (map, API addresses, labels, the
filters' choices) for ``static/web/js/plan.js``, which draws everything from the
analytics API in the browser."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from analytics.choices import (
    boundary_set_choices,
    department_choices,
    report_months,
    unit_choices,
)
from analytics.export import export_max_rows
from boundaries.models import BoundarySet
from routing.reports.access import may_read_analytics
from web import labels
from web.access import staff_page
from web.i18n import page_in_english, vietnamese_first
from web.maps import map_config
from web.views import category_choices

REFUSAL = _(
    "Only planners, operations-centre staff and administrators may open the "
    "planning map."
)
# A whole city on one screen.
PLAN_ZOOM = 13


def boundary_sets_json(sets: list[BoundarySet]) -> list[dict[str, Any]]:
    return [
        {
            "slug": s.slug,
            "name": s.name,
            "valid_from": s.valid_from.isoformat(),
            "valid_to": s.valid_to.isoformat() if s.valid_to else None,
        }
        for s in sets
    ]


@method_decorator(vietnamese_first, name="dispatch")
@method_decorator(staff_page(may_read_analytics, REFUSAL), name="dispatch")
class PlanView(TemplateView):
    """``/plan/``: clusters, heatmap, hot spots, choropleth, chart and exports."""

    template_name = "web/plan/plan.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        english = page_in_english()
        categories = category_choices(include_inactive=True)
        statuses = labels.status_labels()
        months = report_months()
        sets = boundary_set_choices()
        context.update(
            {
                "categories": categories,
                "statuses": statuses,
                "unit_groups": unit_choices(),
                "departments": department_choices(english=english),
                "months": months,
                "boundary_sets": sets,
                "page_config": {
                    "map": map_config(zoom=PLAN_ZOOM),
                    "urls": {
                        "clusters": reverse("analytics-clusters"),
                        "heatmap": reverse("analytics-heatmap"),
                        "hotspots": reverse("analytics-hotspots"),
                        "stats": reverse("analytics-stats"),
                        "export_csv": reverse(
                            "analytics-export", kwargs={"fmt": "csv"}
                        ),
                        "export_geojson": reverse(
                            "analytics-export", kwargs={"fmt": "geojson"}
                        ),
                        "units": reverse("boundary-units"),
                    },
                    "export_max_rows": export_max_rows(),
                    "categories": categories,
                    "statuses": statuses,
                    "months": months,
                    "boundary_sets": boundary_sets_json(sets),
                },
            }
        )
        return context
