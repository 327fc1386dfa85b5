"""``/ket-qua/``: the public results portal."""

from django.urls import path

from web.portal import feed, views

urlpatterns = [
    path("", views.landing, name="portal"),
    path("danh-sach", views.report_list, name="portal-list"),
    path("feed.atom", feed.portal_feed, name="portal-feed"),
    path("ngon-ngu", views.language_switch, name="portal-language"),
    # Last: any other name under /ket-qua/ is read as a tracking code (a 404 when
    # unknown). Other portal pages (the scorecards' xep-hang) go above this line,
    # or above the include in web/urls.py.
    path("<str:code>", views.report_page, name="portal-report"),
]
