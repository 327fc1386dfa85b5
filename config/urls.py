from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from api.health import healthz
from api.metrics import metrics

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Prometheus, for the monitoring network only (api.metrics).
    path("metrics", metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("tiles/", include("api.analytics.tile_urls")),
    path("open311/v2/", include("api.open311.urls")),
    # Uploaded photos. Django serves them for the demo; in production the web server
    # in front (nginx) serves MEDIA_ROOT and this route is never reached.
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("web.urls")),
]
