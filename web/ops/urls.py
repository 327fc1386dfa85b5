"""The officers' pages under ``/ops/``."""

from django.urls import path

from web.ops import caller, intake, moderation, views

urlpatterns = [
    path("", views.QueueView.as_view(), name="ops-queue"),
    path("r/<str:code>", views.ReportView.as_view(), name="ops-report"),
    path("intake", intake.IntakeView.as_view(), name="ops-intake"),
    path("intake/caller", caller.caller_view, name="ops-intake-caller"),
    path("moderation", moderation.ModerationView.as_view(), name="ops-moderation"),
]
