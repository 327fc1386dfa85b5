"""``/api/v1/public/``: the reports the public portal lists, a page at a time, and
its map's clusters, for anyone, without signing in. Nothing personal: the rows are
``routing.reports.public.report_listed_json`` (rounded places, words only when
published); the clusters are counts from the pre-aggregates, the single reports of
a close view their code, category, status and rounded place. Answers are shared
through ``config.public_cache`` (a spike of visitors reaches Redis), and each
client address has a bucket of requests per minute."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.clusters import clusters_select
from analytics.public import public_page, public_report_filter
from api.public.params import (
    DEFAULT_PAGE_SIZE,
    FILTERS,
    LIST_PARAMS,
    MAP,
    MAX_PAGE_SIZE,
    PAGING,
    clusters_key,
    map_zoom,
    public_bbox,
)
from config.public_cache import public_cached
from routing.reports.listing import MAX_ROWS, public_filter_parse, whole_number
from routing.reports.public import public_point, report_listed_json

# Computed answers (cache misses) per client address (config.public_cache).
THROTTLE = ("public-portal", "PUBLIC_RATE_PER_IP_MINUTE")


class _PublicApi(APIView):
    # No session read: the answer is the same for everybody, and cached as such.
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    # Counted in config.public_cache, on misses only (THROTTLE).
    throttle_classes: list[Any] = []


class PublicReportListApi(_PublicApi):
    """Reports anyone may see, newest first (``Report.objects.publicly_listed``)."""

    @extend_schema(
        parameters=[*FILTERS, *PAGING],
        responses={200: OpenApiTypes.OBJECT},
        summary="Public reports, newest first, a page at a time",
    )
    def get(self, request: Request) -> Response:
        query = request.query_params
        selection = public_filter_parse(query)
        page_size = whole_number(
            query.get("page_size"),
            "page_size",
            high=MAX_PAGE_SIZE,
            default=DEFAULT_PAGE_SIZE,
        )
        number = whole_number(
            query.get("page"), "page", high=MAX_ROWS // page_size, default=1
        )
        page = public_page(selection, number, page_size)
        return Response(
            {
                "count": page.paginator.count,
                "page": page.number,
                "page_size": page_size,
                "pages": page.paginator.num_pages,
                "results": [report_listed_json(report) for report in page],
            }
        )


def _rounded(collection: dict[str, Any]) -> dict[str, Any]:
    """Single reports at the public precision, without their database ids."""
    if collection.get("mode") != "points":
        return collection
    for feature in collection["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        feature["geometry"]["coordinates"] = list(public_point(lon, lat))
        feature["properties"].pop("id", None)
    return collection


class PublicClusterListApi(_PublicApi):
    """The map's clusters (from the pre-aggregated grid) or, zoomed in or with few
    reports, single reports; counted by category and status."""

    @extend_schema(
        parameters=[*MAP, *FILTERS],
        responses={200: OpenApiTypes.OBJECT},
        summary="Clusters of public reports for a map view, as GeoJSON",
    )
    def get(self, request: Request) -> Response:
        query = request.query_params
        zoom = map_zoom(query.get("zoom"))
        box = public_bbox(query.get("bbox"), zoom)
        selection = public_report_filter(public_filter_parse(query), box)
        return Response(_rounded(clusters_select(selection=selection, zoom=zoom)))


public_reports_api = public_cached(params=LIST_PARAMS, throttle=THROTTLE)(
    PublicReportListApi.as_view()
)
public_clusters_api = public_cached(key=clusters_key, throttle=THROTTLE)(
    PublicClusterListApi.as_view()
)
