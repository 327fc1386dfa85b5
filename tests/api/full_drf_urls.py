"""TEST-ONLY URLs: the project's, plus the point lookup served always through DRF's
full request cycle (``api.lean`` off), to compare the two paths' answers
(tests/api/test_lean_lookup.py)."""

from django.http import HttpRequest
from django.urls import path

from api.boundaries import views
from config.urls import urlpatterns as project

FULL = "/full/boundaries/lookup"


class BoundaryLookupApi(views.BoundaryLookupApi):
    # The same name and docstring: OPTIONS describes a view by them.
    __doc__ = views.BoundaryLookupApi.__doc__

    def lean(self, request: HttpRequest) -> bool:
        return False


urlpatterns = [
    path(FULL.removeprefix("/"), BoundaryLookupApi.as_view(), name="full-lookup"),
    *project,
]
