"""The officers' pages under ``/ops/``."""

from django.urls import path

from web.ops import views

urlpatterns = [
    path("", views.QueueView.as_view(), name="ops-queue"),
    path("r/<str:code>", views.ReportView.as_view(), name="ops-report"),
]
