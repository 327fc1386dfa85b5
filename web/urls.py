"""Pages: the citizen's report form and tracking page; staff sign-in; the officers'
queue and report page (``web.ops``), the zone editor (``web.zones``) and the
planners' map (``web.plan``); the public results portal
(``web.portal``); the JavaScript catalog."""

from django.urls import include, path

from web import citizens, signin, views
from web.demo import DemoSmsView
from web.i18n import PageCatalogView

app_name = "web"

urlpatterns = [
    path("", views.ReportFormView.as_view(), name="report"),
    path("r/", views.TrackLookupView.as_view(), name="track-lookup"),
    # Before any "ket-qua/" include: a "ket-qua/<code>" pattern would take it.
    path("ket-qua/xep-hang", include("web.portal_scores.urls")),
    path("r/mine", citizens.MineView.as_view(), name="mine"),
    path(
        "r/email/<str:token>", citizens.EmailVerifyView.as_view(), name="email-verify"
    ),
    path("r/<str:code>", views.TrackView.as_view(), name="track"),
    path("ops/login", signin.SignInView.as_view(), name="login"),
    path("ops/logout", signin.SignOutView.as_view(), name="logout"),
    path("ops/home", signin.staff_home, name="staff-home"),
    path("ops/zones/", include("web.zones.urls")),
    path("ops/", include("web.ops.urls")),
    path("plan/", include("web.plan.urls")),
    path("ket-qua/", include("web.portal.urls")),
    path("jsi18n/", PageCatalogView.as_view(), name="jsi18n"),
    # Demo mode only (404 otherwise): the messages the demo "sent" (web.demo).
    path("demo/sms/", DemoSmsView.as_view(), name="demo-sms"),
]
