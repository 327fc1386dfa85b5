"""``/ops/zones/``: the zone editor."""

from django.urls import path

from web.zones import views

urlpatterns = [path("", views.ZoneEditorView.as_view(), name="zones")]
