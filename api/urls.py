from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from api.boundaries import views as boundaries

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
    path("schema", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "docs", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"
    ),
]
