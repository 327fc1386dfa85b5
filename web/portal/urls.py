"""``/ket-qua/``: the public results portal."""

from django.urls import path

from web.portal import feed, views

urlpatterns = [
    path("", views.landing, name="portal"),
    path("danh-sach", views.report_list, name="portal-list"),
    path("feed.atom", feed.portal_feed, name="portal-feed"),
    path("ngon-ngu", views.language_switch, name="portal-language"),
    path("<str:code>", views.report_page, name="portal-report"),
]
