from django.contrib import admin
from django.urls import include, path, re_path

from api.health import healthz
from api.metrics import metrics
from web.media import photo_file

# A lost database connection answers 503 with Retry-After, anything else Django's 500.
handler500 = "config.errors.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Prometheus, for the monitoring network only (api.metrics).
    path("metrics", metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("tiles/", include("api.analytics.tile_urls")),
    path("open311/v2/", include("api.open311.urls")),
    # Uploaded photos, to whom the publication rule allows (web.media); with
    # MEDIA_ACCEL_REDIRECT set, nginx sends the bytes from an internal location.
    re_path(r"^media/(?P<path>.+)$", photo_file, name="media"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("web.urls")),
]
