from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from api.health import healthz

# A lost database connection answers 503 with Retry-After, anything else Django's 500.
handler500 = "config.errors.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
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
