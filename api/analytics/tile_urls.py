"""Vector tiles under /tiles/ (outside /api/v1/, as map clients expect)."""

from django.urls import path

from api.analytics import views

urlpatterns = [
    path(
        "reports/<int:z>/<int:x>/<int:y>.mvt",
        views.ReportTileApi.as_view(),
        name="tiles-reports",
    ),
]
