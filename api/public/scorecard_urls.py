"""The public scorecards' JSON, under ``/api/v1/public/scorecards``."""

from django.urls import path

from api.public.scorecards import ScorecardsApi
from config.public_cache import public_cached

urlpatterns = [
    path(
        "",
        public_cached(params=("from", "to", "level"))(ScorecardsApi.as_view()),
        name="public-scorecards",
    ),
]
