"""Pages: the citizen's report form and tracking page, and the JavaScript catalog."""

from django.urls import path

from web import views
from web.i18n import PageCatalogView

app_name = "web"

urlpatterns = [
    path("", views.ReportFormView.as_view(), name="report"),
    path("r/", views.TrackLookupView.as_view(), name="track-lookup"),
    path("r/<str:code>", views.TrackView.as_view(), name="track"),
    path("jsi18n/", PageCatalogView.as_view(), name="jsi18n"),
]
