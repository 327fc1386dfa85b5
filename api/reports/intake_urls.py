"""Report intake and reading: /api/v1/reports/…

The fixed paths (nearby, track) come before ``<code>``, which would match them too.
"""

from django.urls import path

from api.reports import list_views, track_views
from api.reports.views import ReportsApi

urlpatterns = [
    path("", ReportsApi.as_view(), name="reports"),
    path("nearby", track_views.ReportsNearbyApi.as_view(), name="reports-nearby"),
    path(
        "track", track_views.ReportTrackQueryApi.as_view(), name="reports-track-query"
    ),
    path(
        "track/<str:code>", track_views.ReportTrackApi.as_view(), name="reports-track"
    ),
    path("<str:code>", list_views.ReportDetailApi.as_view(), name="report"),
    path(
        "<str:code>/photos", track_views.ReportPhotosApi.as_view(), name="report-photos"
    ),
]
