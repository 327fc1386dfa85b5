"""``/plan/``: the planners' map, and the pilot evaluation report."""

from django.urls import path

from web.plan import views
from web.plan.evaluation import EvaluationView

urlpatterns = [
    path("", views.PlanView.as_view(), name="plan"),
    path("evaluation/", EvaluationView.as_view(), name="plan-evaluation"),
]
