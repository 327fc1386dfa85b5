"""Report endpoints: intake and reading (intake_urls), workflow (workflow_urls)."""

from django.urls import include, path

urlpatterns = [
    path("", include("api.reports.intake_urls")),
    path("", include("api.reports.workflow_urls")),
]
