"""Analytics endpoints under /api/v1/analytics/."""

from django.urls import path, re_path

from api.analytics import views

urlpatterns = [
    path("clusters", views.ClusterListApi.as_view(), name="analytics-clusters"),
    path("heatmap", views.HeatmapApi.as_view(), name="analytics-heatmap"),
    path("hotspots", views.HotspotListApi.as_view(), name="analytics-hotspots"),
    path("stats", views.StatsApi.as_view(), name="analytics-stats"),
    re_path(
        r"^export\.(?P<fmt>csv|geojson|gpkg)$",
        views.ExportApi.as_view(),
        name="analytics-export",
    ),
]
