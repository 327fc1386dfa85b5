"""/reports/ takes both methods: POST submits (anyone), GET lists (staff)."""

from __future__ import annotations

from api.reports.list_views import ReportListApi
from api.reports.submit_views import ReportSubmitApi


class ReportsApi(ReportSubmitApi, ReportListApi):
    """POST: submit a report (anyone). GET: the reports a staff user may see, as a
    paginated GeoJSON FeatureCollection."""
