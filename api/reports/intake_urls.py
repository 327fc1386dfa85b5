"""Report intake and reading: /api/v1/reports/…

The fixed paths (nearby, track) come before ``<code>``, which would match them too.
"""

from django.urls import path

from api.reports import intake_views as views

urlpatterns = [
    path("", views.ReportsApi.as_view(), name="reports"),
    path("nearby", views.ReportsNearbyApi.as_view(), name="reports-nearby"),
    path("track", views.ReportTrackQueryApi.as_view(), name="reports-track-query"),
    path("track/<str:code>", views.ReportTrackApi.as_view(), name="reports-track"),
    path("<str:code>", views.ReportDetailApi.as_view(), name="report"),
    path("<str:code>/photos", views.ReportPhotosApi.as_view(), name="report-photos"),
]
