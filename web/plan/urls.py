"""``/plan/``: the planners' map."""

from django.urls import path

from web.plan import views

urlpatterns = [path("", views.PlanView.as_view(), name="plan")]
