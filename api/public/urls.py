"""Public portal endpoints under /api/v1/public/."""

from django.urls import path

from api.public import views

urlpatterns = [
    path("reports", views.public_reports_api, name="public-reports"),
    path("clusters", views.public_clusters_api, name="public-clusters"),
]
