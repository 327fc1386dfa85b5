"""Open311 GeoReport v2: /open311/v2/<resource>.<format>, format xml or json.

Anything else under the prefix (another suffix, an unknown resource) reaches
``NotFoundApi``, which answers the spec's 404 error list.
"""

from django.urls import re_path

from api.open311 import views

FORMAT = r"\.(?P<format>json|xml)$"

urlpatterns = [
    re_path(
        rf"^discovery{FORMAT}", views.DiscoveryApi.as_view(), name="open311-discovery"
    ),
    re_path(
        rf"^services{FORMAT}", views.ServiceListApi.as_view(), name="open311-services"
    ),
    re_path(
        rf"^services/(?P<service_code>[^/]+?){FORMAT}",
        views.ServiceDefinitionApi.as_view(),
        name="open311-service",
    ),
    re_path(
        rf"^requests{FORMAT}", views.RequestsApi.as_view(), name="open311-requests"
    ),
    re_path(
        rf"^requests/(?P<service_request_id>[^/]+?){FORMAT}",
        views.RequestDetailApi.as_view(),
        name="open311-request",
    ),
    re_path(
        rf"^tokens/(?P<token>[^/]+?){FORMAT}",
        views.TokenApi.as_view(),
        name="open311-token",
    ),
    re_path(
        rf"^servicerequestupdates{FORMAT}",
        views.RequestUpdatesApi.as_view(),
        name="open311-updates",
    ),
    re_path(r"^(?P<rest>.*)$", views.NotFoundApi.as_view(), name="open311-not-found"),
]
