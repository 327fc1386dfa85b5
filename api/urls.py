from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from api.boundaries import views as boundaries
from api.boundaries.places import PlaceReverseApi, PlaceSearchApi
from api.citizens import views as citizens
from api.routing import views as routing
from api.sms_receipts import SmsReceiptApi

urlpatterns = [
    path(
        "boundaries/lookup",
        boundaries.BoundaryLookupApi.as_view(),
        name="boundary-lookup",
    ),
    path(
        "boundaries/sets", boundaries.BoundarySetListApi.as_view(), name="boundary-sets"
    ),
    path("boundaries/units", boundaries.UnitListApi.as_view(), name="boundary-units"),
    path(
        "boundaries/units/<str:code>",
        boundaries.UnitDetailApi.as_view(),
        name="boundary-unit",
    ),
    path("places/search", PlaceSearchApi.as_view(), name="places-search"),
    path("places/reverse", PlaceReverseApi.as_view(), name="places-reverse"),
    path(
        "routing/explain", routing.RoutingExplainApi.as_view(), name="routing-explain"
    ),
    re_path(r"^zones/?$", routing.ZoneListApi.as_view(), name="zones"),
    path("zones/validate", routing.ZoneValidateApi.as_view(), name="zones-validate"),
    path("zones/preview", routing.ZonesPreviewApi.as_view(), name="zones-preview"),
    path("zones/publish", routing.ZonesPublishApi.as_view(), name="zones-publish"),
    path("zones/<int:pk>", routing.ZoneDetailApi.as_view(), name="zone"),
    path(
        "zones/<int:pk>/draft",
        routing.ZoneDraftStartApi.as_view(),
        name="zone-draft-start",
    ),
    path(
        "zones/<int:pk>/history", routing.ZoneHistoryApi.as_view(), name="zone-history"
    ),
    path("sms/receipts", SmsReceiptApi.as_view(), name="sms-receipts"),
    path("otp/", citizens.OtpSendApi.as_view(), name="otp-send"),
    path("otp/verify", citizens.OtpVerifyApi.as_view(), name="otp-verify"),
    path("otp/session", citizens.CitizenSessionApi.as_view(), name="otp-session"),
    path("me/reports", citizens.MyReportsApi.as_view(), name="me-reports"),
    path(
        "reports/<str:code>/follow",
        citizens.ReportFollowApi.as_view(),
        name="report-follow",
    ),
    path("reports/", include("api.reports.urls")),
    path("analytics/", include("api.analytics.urls")),
    path("public/scorecards", include("api.public.scorecard_urls")),
    path("public/", include("api.public.urls")),
    path("schema", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "docs", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"
    ),
]
