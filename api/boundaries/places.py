"""Place search: ``GET /api/v1/places/search?q=&limit=`` finds units by name.

Public, like the boundary lookup: names as people type them (no diacritics, lower
case, a typo), over every boundary set, answered as GeoJSON points (each unit's
point on surface) with the unit covering that place today (``boundaries.search``).
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import ApiError
from api.params import parse_bounded
from boundaries.search import MAX_QUERY, UnitMatch, search_text, units_search

DEFAULT_LIMIT = 10
MAX_LIMIT = 50


def _feature(match: UnitMatch) -> dict:
    unit = match.unit
    inside = unit.inside  # type: ignore[attr-defined]  # PointOnSurface annotation
    today = match.today
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [inside.x, inside.y]},
        "properties": {
            "kind": "unit",
            "code": unit.code,
            "name": unit.name,
            "level": unit.level,
            "boundary_set": unit.boundary_set.slug,
            "score": match.score,
            "current": today is not None and today.id == unit.pk,
            "today": {"code": today.code, "name": today.name, "level": today.level}
            if today
            else None,
        },
    }


class PlaceSearchApi(APIView):
    """Administrative units by name, best first: diacritics, case and a typo do not
    matter; merged units of earlier boundary sets are found too, with the unit that
    covers their place today."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "q",
                OpenApiTypes.STR,
                required=True,
                description="A name as typed, e.g. 'dong hai' or 'Đồng Phú'.",
            ),
            OpenApiParameter(
                "limit", OpenApiTypes.INT, description=f"1–{MAX_LIMIT}; default 10."
            ),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        query = request.query_params.get("q", "")
        if not search_text(query):
            raise ApiError(
                "query_required",
                f"Nhập tên địa danh cần tìm (q), tối đa {MAX_QUERY} ký tự.",
                f"Give the name of the place to find (q), at most {MAX_QUERY} "
                "characters.",
                field="q",
            )
        limit = int(
            parse_bounded(
                request.query_params.get("limit"),
                "limit",
                low=1,
                high=MAX_LIMIT,
                default=DEFAULT_LIMIT,
            )
        )
        matches = units_search(query, limit=limit, day=timezone.localdate())
        return Response(
            {
                "type": "FeatureCollection",
                "query": query[:MAX_QUERY],
                "features": [_feature(m) for m in matches],
            }
        )
