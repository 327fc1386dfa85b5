"""``/ket-qua/xep-hang``: the public scorecards. Included from ``web.urls`` before
any ``ket-qua/`` include, so a report-code pattern there cannot take it."""

from django.urls import path

from web.portal_scores.views import scorecards_page

urlpatterns = [path("", scorecards_page, name="portal-scores")]
